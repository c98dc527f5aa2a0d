"""Validation speed: phone numbers and the first build of a multinational batch.

Fixed seeded corpora: 10**5 numbers over 120 regions (every region phonenumbers has an example
mobile number for, shuffled, the first 120), 80% in international form (E.164 or
phonenumbers' INTERNATIONAL format) and 20% national with their region; their last three
digits are random, so some are invalid, as in real traffic. A single-country (NL) corpus
shows phonenumbers at its best. Each round runs every contender back to back; ratios are the
median of the rounds'.

phonenumbers is timed in two states: with its pattern cache off (its default: ``re``'s bounded
cache thrashes on multinational traffic) and on (``enable_pattern_cache()``, which cmcore
turns on for the numbers it leaves to phonenumbers).

    python benchmarks/bench_validate.py [--out FILE] [--numbers N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

import cmcore
from _results import write_section
from cmcore import Message, ProductToken, Request, _phone

SEED = 20261201
ROUNDS = 7
TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"


def corpus(n: int, rng: random.Random, regions: list[str]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    while len(out) < n:
        region = rng.choice(regions)
        example = pn.example_number_for_type(region, rng.choice([T.MOBILE, T.MOBILE, T.FIXED_LINE]))
        example = example or pn.example_number_for_type(region, T.MOBILE)
        nsn = pn.national_significant_number(example)
        nsn = nsn[:-3] + "".join(rng.choice("0123456789") for _ in range(3))
        number = pn.parse("+" + str(example.country_code) + nsn)
        if rng.random() < 0.8:
            out.append((pn.format_number(number, F.E164 if rng.random() < 0.5 else F.INTERNATIONAL), None))
        else:
            out.append((pn.format_number(number, F.NATIONAL), region))
    return out


def phonenumbers_check(numbers: list[tuple[str, str | None]]) -> None:
    for text, region in numbers:
        try:
            pn.is_valid_number(pn.parse(text, region))
        except pn.NumberParseException:
            pass


def cmcore_check(numbers: list[tuple[str, str | None]]) -> None:
    form = _phone.gateway_form
    for text, region in numbers:
        form(text, region)


def pattern_cache(on: bool) -> None:
    from phonenumbers import re_util
    re_util._COMPILED_PATTERNS = {} if on else None  # type: ignore[attr-defined]


def rounds(contenders: list[tuple[str, Callable[[], object], int]]) -> dict[str, list[float]]:
    """µs per item of each contender, a list of one timing a round; ``(name, func, items)``."""
    times: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
    for _ in range(ROUNDS):
        for name, func, items in contenders:
            start = time.perf_counter()
            func()
            times[name].append((time.perf_counter() - start) / items * 1e6)
    return times


def table(times: dict[str, list[float]], base: str) -> list[str]:
    lines = ["| contender | µs each (median) | × " + base + " (median of rounds) |", "|---|---:|---:|"]
    for name, values in times.items():
        ratio = statistics.median(v / b for v, b in zip(values, times[base]))
        lines.append(f"| {name} | {statistics.median(values):.2f} | {ratio:.2f} |")
    return lines


def phone_tables(n: int) -> list[str]:
    rng = random.Random(SEED)
    regions = sorted(r for r in pn.SUPPORTED_REGIONS if pn.example_number_for_type(r, T.MOBILE))
    rng.shuffle(regions)
    regions = regions[:120]
    multi = corpus(n, rng, regions)
    international = [x for x in multi if x[1] is None]
    national = [x for x in multi if x[1] is not None]
    dutch = corpus(n // 5, rng, ["NL"])
    dutch_intl = [x for x in dutch if x[1] is None]
    invalid = [(t[:-2], r) for t, r in international[: n // 5]]
    _phone.warm_up()
    pattern_cache(False)
    phonenumbers_check(dutch_intl)
    lines = [f"Corpus: {n:,} numbers over {len(regions)} regions ({len(international):,} international, "
             f"{len(national):,} national); {len(dutch_intl):,} Dutch international numbers.", ""]
    best_name = "phonenumbers, NL only (its best: one country, warm re cache)"
    cold = rounds([(best_name, lambda: phonenumbers_check(dutch_intl), len(dutch_intl)),
                   ("cmcore, NL only", lambda: cmcore_check(dutch_intl), len(dutch_intl))])
    lines += ["Single country:", "", *table(cold, best_name), ""]
    best = statistics.median(cold[best_name])
    tenth = international[: n // 10]
    runs = rounds([("phonenumbers, multinational international, pattern cache off", lambda: phonenumbers_check(tenth), len(tenth)),
                   ("cmcore, multinational international", lambda: cmcore_check(tenth), len(tenth))])
    pattern_cache(True)
    runs.update(rounds([
        ("phonenumbers, multinational international, pattern cache on", lambda: phonenumbers_check(international), len(international)),
        ("cmcore, multinational international ", lambda: cmcore_check(international), len(international)),
        ("phonenumbers, national with region, pattern cache on", lambda: phonenumbers_check(national), len(national)),
        ("cmcore, national with region", lambda: cmcore_check(national), len(national)),
        ("phonenumbers, invalid (two digits short), pattern cache on", lambda: phonenumbers_check(invalid), len(invalid)),
        ("cmcore, invalid (two digits short)", lambda: cmcore_check(invalid), len(invalid))]))
    lines += ["Multinational (ratios against the first row; phonenumbers' best, NL with a warm cache, is "
              f"{best:.1f} µs):", "", *table(runs, "phonenumbers, multinational international, pattern cache off"), ""]
    ours = statistics.median(runs["cmcore, multinational international "])
    lines += [f"cmcore on multinational international numbers: **{best / ours:.1f}×** faster than phonenumbers "
              "at its best, "
              f"{statistics.median(runs['phonenumbers, multinational international, pattern cache off']) / ours:.0f}× "
              "faster than phonenumbers on the same multinational corpus.", ""]
    return lines


def startup_lines() -> list[str]:
    script = ("import time; t=time.perf_counter(); import cmcore; t1=time.perf_counter(); "
              "n=cmcore.warm_up(); t2=time.perf_counter(); print(t1-t, t2-t1, n)")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(5)]
    out = [str(statistics.median(float(r[0]) for r in runs)), str(statistics.median(float(r[1]) for r in runs)), runs[0][2]]
    first = ("import time, cmcore; from cmcore import _phone; import phonenumbers as pn; ts=[]\n"
             "for cc in sorted(pn.COUNTRY_CODE_TO_REGION_CODE):\n"
             "    t=time.perf_counter(); _phone.gateway_form('+'+str(cc)+'1234567', None); ts.append(time.perf_counter()-t)\n"
             "ts.sort(); print(ts[len(ts)//2], ts[-1])")
    med, worst = subprocess.run([sys.executable, "-c", first], capture_output=True, text=True, check=True).stdout.split()
    return [f"`import cmcore` (median of 5 fresh processes): {float(out[0]) * 1e3:.0f} ms; `warm_up()` compiles {out[2]} country codes in "
            f"{float(out[1]) * 1e3:.0f} ms; the first number of a new country code costs {float(med) * 1e3:.2f} ms "
            f"(median; worst {float(worst) * 1e3:.1f} ms), loading its metadata and compiling its patterns.", ""]


def batch(numbers: list[tuple[str, str | None]], rng: random.Random) -> list[dict[str, Any]]:
    return [{"sender": "CM Telecom", "recipients": [text], "body": f"Your code is {rng.randrange(10**6):06d}",
             "reference": f"r{i}", "allowed_channels": ["SMS"]} for i, (text, _) in enumerate(numbers)]


def build_lines() -> list[str]:
    rng = random.Random(SEED + 1)
    regions = sorted(r for r in pn.SUPPORTED_REGIONS if pn.example_number_for_type(r, T.MOBILE))
    numbers = [x for x in corpus(3000, rng, regions) if x[1] is None and _phone.gateway_form(*x)][:1000]
    fields = batch(numbers, rng)
    checked = cmcore.validate(Request(product_token=ProductToken(TOKEN), messages=[Message(**f) for f in fields]))
    dicts = {"messages": {"authentication": {"producttoken": TOKEN}, "msg": [
        {"from": m.sender, "to": [{"number": t} for t in m.recipients], "body": {"type": "auto", "content": m.body},
         "reference": m.reference, "allowedChannels": ["SMS"]} for m in checked.messages]}}
    assert orjson.loads(cmcore.build_json(checked)) == dicts  # the same payload, so a fair comparison
    made = [Message(**f) for f in fields]
    request = Request(product_token=ProductToken(TOKEN), messages=made)

    def first_build() -> bytes:
        return cmcore.build_json(Request(product_token=ProductToken(TOKEN), messages=[Message(**f) for f in fields]))

    contenders: list[tuple[str, Callable[[], object], int]] = [
        ("orjson.dumps(prebuilt dicts)", lambda: orjson.dumps(dicts), 1),
        ("first build: construct + validate + build_json", first_build, 1),
        ("  construct Message + Request", lambda: Request(product_token=ProductToken(TOKEN),
                                                         messages=[Message(**f) for f in fields]), 1),
        ("  validate", lambda: cmcore.validate(request), 1),
        ("  of which: the phone numbers", lambda: cmcore_check(numbers), 1),
        ("  build_json of the validated request", lambda: cmcore.build_json(checked), 1)]
    times = rounds(contenders)
    lines = ["| piece (1000 multinational SMS) | µs a batch (median) | × orjson.dumps (median of rounds) |",
             "|---|---:|---:|"]
    for name, values in times.items():
        ratio = statistics.median(v / b for v, b in zip(values, times["orjson.dumps(prebuilt dicts)"]))
        lines.append(f"| {name} | {statistics.median(values):.0f} | {ratio:.1f} |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    parser.add_argument("--numbers", type=int, default=100_000)
    args = parser.parse_args()
    lines = ["# Validation benchmark", "", f"`python benchmarks/bench_validate.py`, seed {SEED}, {ROUNDS} rounds, "
             f"kernel {cmcore.KERNEL}, phonenumbers {pn.__version__}.", "", "## Phone numbers", "",
             *phone_tables(args.numbers), "## Start-up", "", *startup_lines(), "## First build of a batch", "",
             *build_lines()]
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        write_section("bench_validate", lines)


if __name__ == "__main__":
    main()

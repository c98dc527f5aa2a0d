"""Campaign files end to end: ``cmcore campaign --json`` against a bare ``csv.reader`` loop.

A seeded CSV is generated into a temporary directory (never committed): numbers from more than
60 countries (the regions whose example mobile numbers stay valid with random last digits),
20% in national form with a region column, 5% invalid (cut short or not a number), some
duplicates by chance, and a templated text with 1 to 3 placeholders over names with some
Unicode (accents, Greek, Cyrillic, 1% emoji). Contenders over the same file (``csv.reader``,
the CLI and ``scan_campaign`` in ``--rounds`` interleaved rounds, their medians reported; the
peers once):

- ``csv.reader``: a bare loop over the rows (the baseline);
- ``cmcore campaign --json`` as a subprocess (import, read, judge, print the problem rows and
  the summary), its CPU time; imports read bytecode, as after ``pip install`` (one untimed
  run first writes it);
- a peer loop: ``csv.reader`` + ``phonenumbers.parse`` / ``is_valid_number`` + ``len()`` of
  the rendered text, on the first ``--peer-rows`` rows (it is slow);
- frictionless' ``validate`` of the first ``--peer-rows`` rows with a pattern on the phone
  column, where the frictionless package is installed (a peer, not a dependency);
- ``scan_campaign`` in this process after ``warm_up()``, and ``warm_up()`` itself: the
  per-row cost and the fixed one apart.

Peak memory: ``cmcore campaign --json`` on a generated file of ``--memory-rows`` rows, read
from ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` of the subprocess.

    nice python benchmarks/bench_campaign.py [--rows N] [--rounds N] [--memory-rows N] [--peer-rows N] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as F

from _results import write_section

SEED = 20261201
TEMPLATES = ("Hi {name}, your code is {code}", "Dear {name}, {shop} has your parcel; code {code}",
             "{name}: sale at {shop}!")
NAMES = ("Ann", "Bob", "Zoë", "Łukasz", "José", "Ἀλέξανδρος", "Дмитрий", "Sørina", "Chloé", "Mia", "Tom", "Sam")
SHOPS = ("CM Store", "Breda Centrum", "Café Noord", "Shop 24")


def _regions(rng: random.Random) -> list[tuple[str, int, str, int]]:
    """(region, country code, national number without its last digits, how many) for regions
    whose example mobile number stays valid with any last digits."""
    found = []
    for region in sorted(pn.SUPPORTED_REGIONS):
        example = pn.example_number_for_type(region, pn.PhoneNumberType.MOBILE)
        if example is None:
            continue
        nsn = pn.national_significant_number(example)
        for tail in (5, 4):
            if len(nsn) <= tail + 2:
                continue
            head = nsn[:-tail]
            if all(pn.is_valid_number(pn.parse(f"+{example.country_code}{head}{rng.randrange(10 ** tail):0{tail}d}"))
                   for _ in range(12)):
                found.append((region, example.country_code, head, tail))
                break
    return found


def generate(path: Path, rows: int, seed: int = SEED) -> int:
    """Write the seeded CSV of ``rows`` rows; returns how many regions it uses."""
    rng = random.Random(seed)
    regions = _regions(rng)
    national_prefix = {r: (pn.format_number(pn.parse(f"+{cc}{head}{'0' * tail}"), F.NATIONAL))
                       for r, cc, head, tail in regions}
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["phone", "region", "name", "code", "shop"])
        for _ in range(rows):
            region, cc, head, tail = rng.choice(regions)
            digits = f"{rng.randrange(10 ** tail):0{tail}d}"
            roll = rng.random()
            if roll < 0.05:
                phone, where = (f"+{cc}{head[:2]}" if roll < 0.03 else "12-34-AB"), ""
            elif roll < 0.25:
                phone, where = national_prefix[region][: -tail] + digits if national_prefix[region][-tail:].isdigit() \
                    else f"+{cc}{head}{digits}", region
            else:
                phone, where = f"+{cc} {head}{digits}" if roll < 0.5 else f"+{cc}{head}{digits}", ""
            name = rng.choice(NAMES) + ("\U0001f600" if rng.random() < 0.01 else "")
            out.writerow([phone, where, name, f"{rng.randrange(10 ** 6):06d}", rng.choice(SHOPS)])
    return len(regions)


def bare_csv(path: Path) -> float:
    start = time.process_time()
    with path.open(encoding="utf-8", newline="") as f:
        for _row in csv.reader(f):
            pass
    return time.process_time() - start


def peer(path: Path, limit: int) -> float:
    pn.enable_pattern_cache() if hasattr(pn, "enable_pattern_cache") else None
    template = TEMPLATES[1]
    start = time.process_time()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for n, (phone, region, name, code, shop) in enumerate(reader):
            if n >= limit:
                break
            try:
                pn.is_valid_number(pn.parse(phone, region or None))
            except pn.NumberParseException:
                pass
            len(template.format(name=name, code=code, shop=shop))
    return time.process_time() - start


def cmcore_cli(path: Path) -> tuple[float, int, int]:
    """CPU time (user + system), exit status and peak RSS (KiB) of ``cmcore campaign --json``."""
    cmd = [sys.executable, "-m", "cmcore", "campaign", str(path), "--json", "--no-progress", "--sender", "CM",
           "--template", TEMPLATES[1]]
    # as installed: pip writes each module's bytecode at install time, so an environment that
    # forbids writing it (PYTHONDONTWRITEBYTECODE) would time the compiling of every module
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr.decode())
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, proc.returncode, max(before.ru_maxrss, after.ru_maxrss)


def frictionless_time(path: Path, limit: int) -> float | None:
    """CPU time of frictionless' ``validate`` over the first ``limit`` rows, the phone column
    constrained by a pattern (all frictionless can say of a number); None where frictionless
    is not installed."""
    try:
        import frictionless  # type: ignore[import-not-found]
    except ImportError:
        return None
    part = path.with_name("peer.csv")
    with path.open(encoding="utf-8", newline="") as f, part.open("w", encoding="utf-8", newline="") as out:
        for n, line in enumerate(f):
            if n > limit:
                break
            out.write(line)
    schema = frictionless.Schema.from_descriptor({"fields": [
        {"name": "phone", "type": "string", "constraints": {"pattern": r"\+?[0-9][0-9 ()-]{4,20}"}},
        *({"name": name, "type": "string"} for name in ("region", "name", "code", "shop"))]})
    here = os.getcwd()
    os.chdir(part.parent)  # frictionless reads relative paths only, unless told the path is trusted
    try:
        start = time.process_time()
        frictionless.validate(frictionless.Resource(path=part.name, schema=schema), limit_errors=10 ** 9)
        return time.process_time() - start
    finally:
        os.chdir(here)
        part.unlink()


def in_process(path: Path) -> tuple[float, float]:
    """CPU time of ``warm_up()`` (the fixed cost of the country codes), then of
    ``scan_campaign`` over the file opened in binary mode, every verdict read."""
    import cmcore

    start = time.process_time()
    cmcore.warm_up()
    warm = time.process_time() - start
    start = time.process_time()
    with path.open("rb") as f:
        campaign = cmcore.scan_campaign(f, sender="CM", template=TEMPLATES[1])
        for _batch in campaign.batches():
            pass
    return warm, time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10 ** 6)
    ap.add_argument("--memory-rows", type=int, default=10 ** 7)
    ap.add_argument("--peer-rows", type=int, default=10 ** 5)
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds of csv.reader and the CLI")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "campaign.csv"
        regions = generate(path, args.rows)
        size = path.stat().st_size
        bases, walls, warms, scans = [], [], [], []
        cmcore_cli(path)  # untimed: writes the bytecode of every module it imports, as an install does
        for _ in range(args.rounds):  # interleaved, so that a load on the machine falls on all alike
            bases.append(bare_csv(path))
            walls.append(cmcore_cli(path)[0])
            warm, scan = in_process(path)
            warms.append(warm)
            scans.append(scan)
        base, wall, scan = statistics.median(bases), statistics.median(walls), statistics.median(scans)
        warm = warms[0]  # warm_up() compiles once a process: later rounds' calls find it done
        peer_time = peer(path, args.peer_rows) / min(args.peer_rows, args.rows) * args.rows
        fl = frictionless_time(path, args.peer_rows)
        fl = None if fl is None else fl / min(args.peer_rows, args.rows) * args.rows
        path.unlink()
        memory = None
        if args.memory_rows:
            big = Path(tmp) / "big.csv"
            generate(big, args.memory_rows, SEED + 1)
            mwall, _, rss = cmcore_cli(big)
            memory = (args.memory_rows, rss, mwall)
    per = lambda t: t / args.rows * 1e6  # noqa: E731
    lines = [
        "## Campaign files",
        "",
        f"`nice python benchmarks/bench_campaign.py`, seed {SEED}; Python {platform.python_version()}, "
        f"{platform.machine()}, phonenumbers {pn.__version__}. A generated CSV of {args.rows:,} rows "
        f"({size / 2**20:.0f} MiB), {regions} regions, 20% national with a region column, 5% invalid, a template "
        f"with 3 placeholders. CPU time (user + system; the subprocess's from getrusage): `csv.reader`, the "
        f"CLI and `scan_campaign` are the medians of {args.rounds} interleaved rounds, the peers one run each; the machine is "
        "shared, read ratios, not times. The CLI imports from bytecode, as after `pip install` (an untimed run writes it).",
        "",
        "| contender | µs/row | rows/s | ratio to csv.reader |",
        "|---|---:|---:|---:|",
        f"| bare `csv.reader` loop | {per(base):.2f} | {args.rows / base:,.0f} | 1.0× |",
        f"| `cmcore campaign --json` (subprocess, end to end, import included) | {per(wall):.2f} | {args.rows / wall:,.0f} | "
        f"{wall / base:.1f}× |",
        f"| `scan_campaign` in process, after `warm_up()` (no import, nothing left to compile) | {per(scan):.2f} | {args.rows / scan:,.0f} | "
        f"{scan / base:.1f}× |",
        f"| `csv.reader` + `phonenumbers.parse`/`is_valid_number` + `len()` (first {args.peer_rows:,} rows) | "
        f"{per(peer_time):.2f} | {args.rows / peer_time:,.0f} | {peer_time / base:.1f}× |",
    ]
    if fl is not None:
        lines.append(f"| frictionless `validate`, a pattern on the phone column (first {args.peer_rows:,} rows) | "
                     f"{per(fl):.2f} | {args.rows / fl:,.0f} | {fl / base:.1f}× |")
    else:
        lines.append("| frictionless `validate` | not measured (not installed) | | |")
    lines += ["", f"`warm_up()`, the compiling of every country code's matchers that a multinational file "
              f"needs once a process: {warm:.2f} s of CPU ({per(warm):.2f} µs a row here)."]
    if memory is not None:
        lines += ["", f"Peak memory of `cmcore campaign --json` on {memory[0]:,} generated rows: "
                  f"{memory[1] / 1024:.0f} MiB (ru_maxrss), {memory[2]:.0f} s of CPU."]
    print("\n".join(lines))
    if not args.no_write:
        write_section("bench_campaign", lines)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

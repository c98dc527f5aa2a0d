"""SMPP codec speed: sms_parts, sms_parts_many and encode_gsm7 on the compiled kernel, the twin, smpplib.

The corpora are bench_segment.py's (a)-(e), built by its functions with its seed. Contenders
run in interleaved rounds (each round times every contender once, in turn), so that a load
on the shared machine falls on all of them alike; figures are medians over the rounds, in
ns per text, and ratios are taken within the run. smpplib runs on every text of a corpus, as
the compiled rows do, the twin on a sample; each run frees its results inside its time, and
starts after an untimed full collection (``interleaved``). ``sms_parts`` is timed per call and
``sms_parts_many`` as one batch, whose output is first asserted equal to per-call
``sms_parts``' on the sample. ``pip install smpplib`` for the peer (its
row is skipped if missing). Writes its section of ``benchmarks/RESULTS.md``.

    python benchmarks/bench_smpp.py [--quick]
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from _results import write_section
from bench_segment import (
    SEED,
    _version,
    corpus_160,
    corpus_emoji,
    corpus_greek,
    corpus_long_ext,
    corpus_megabyte,
    corpus_otp,
)

import cmcore
from cmcore import _national, _septets_py, _smpp_parts

try:
    from smpplib import gsm as smpplib_gsm
except ImportError:  # pragma: no cover - optional peer
    smpplib_gsm = None

Contender = tuple[str, Callable[[], object], int]


# Where the septet kernel is reached: _national.septets, the entry points _smpp_parts binds
# from it once at import, and the public sms_parts, which is the compiled kernel's front over
# the Python one; twin() swaps them all, so that the twin's rows time the twin.
_PYTHON_FRONT = getattr(cmcore.sms_parts, "__wrapped__", cmcore.sms_parts)
_KERNEL_NAMES = ((_national, "septets", _septets_py), (_smpp_parts, "_kernel_parts", _septets_py.parts),
                 (_smpp_parts, "_kernel_parts_many", _septets_py.parts_many),
                 (_smpp_parts, "sms_parts", _PYTHON_FRONT), (cmcore, "sms_parts", _PYTHON_FRONT))


def twin(func: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        saved = [getattr(module, name) for module, name, _ in _KERNEL_NAMES]
        for module, name, value in _KERNEL_NAMES:
            setattr(module, name, value)
        try:
            return func()
        finally:
            for (module, name, _), value in zip(_KERNEL_NAMES, saved):
                setattr(module, name, value)
    return run


def check_twin() -> None:
    """Under twin(), no cmcore module holds a compiled kernel function: the twin rows time the twin."""
    kernel = _national.septets
    assert kernel is not _septets_py, "benchmark the compiled septet kernel"
    compiled = {id(value) for value in vars(kernel).values() if callable(value)}

    def leaked() -> list[str]:
        return [f"{name}.{attr}" for name, module in list(sys.modules.items())
                if name.startswith("cmcore.") and module is not kernel
                for attr, value in vars(module).items() if id(value) in compiled]
    assert twin(leaked)() == [], "twin() leaves compiled kernel functions bound"
    assert twin(lambda: not hasattr(cmcore.sms_parts, "__wrapped__"))(), "twin() leaves the compiled front bound"


FAULTS: dict[str, float] = {}  # the median minor page faults of a run, by contender, of the last interleaved()


def interleaved(rows: Sequence[Contender], rounds: int) -> dict[str, float]:
    """Median ns per item of each contender over ``rounds`` interleaved rounds (and, in
    ``FAULTS``, the median minor page faults a run takes).

    Each timed run starts after a full collection, untimed: else the cycle collector's debt
    of one contender's tracked objects (smpplib's lists and tuples) falls due, as a full
    collection, inside the next contender's run. A run's own collections stay in its time."""
    times: dict[str, list[float]] = {label: [] for label, _, _ in rows}
    faults: dict[str, list[int]] = {label: [] for label, _, _ in rows}
    for _ in range(rounds):
        for label, func, count in rows:
            gc.collect()
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start = time.perf_counter_ns()
            func()
            times[label].append((time.perf_counter_ns() - start) / count)
            faults[label].append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    FAULTS.clear()
    FAULTS.update({label: statistics.median(values) for label, values in faults.items()})
    return {label: statistics.median(values) for label, values in times.items()}


def dropped_parts(texts: list[str]) -> None:
    """``sms_parts`` of each text, its result dropped before the next is made, as a sender
    that submits each message's parts and moves on: no result outlives its call."""
    parts = cmcore.sms_parts
    for text in texts:
        parts(text, reference=1)


def dropped_smpplib(texts: list[str]) -> None:
    """smpplib's ``make_parts`` of each text, dropped as ``dropped_parts`` drops them."""
    make_parts = smpplib_gsm.make_parts
    for text in texts:
        make_parts(text)


def corpus_rows(texts: list[str], sample: list[str]) -> list[Contender]:
    parts, many = cmcore.sms_parts, cmcore.sms_parts_many
    refs = [1] * len(texts)
    rows: list[Contender] = [
        ("sms_parts (Cython)", lambda: [parts(t, reference=1) for t in texts], len(texts)),
        ("sms_parts packed (Cython)", lambda: [parts(t, reference=1, packed=True) for t in texts], len(texts)),
        ("sms_parts_many (Cython)", lambda: many(texts, references=refs), len(texts)),
        ("sms_parts_many packed (Cython)", lambda: many(texts, references=refs, packed=True), len(texts)),
        ("sms_parts (pure twin)", twin(lambda: [cmcore.sms_parts(t, reference=1) for t in sample]), len(sample)),
        ("sms_parts_many (pure twin)", twin(lambda: many(sample, references=refs[:len(sample)])), len(sample)),
    ]
    if smpplib_gsm is not None:
        # on every text, as the compiled rows: a row's ns/text grows with the results it keeps
        # alive (cache and page misses), so ratios compare like working sets
        rows.append(("smpplib.gsm.make_parts", lambda: [smpplib_gsm.make_parts(t) for t in texts], len(texts)))
    rows.append(("sms_parts (Cython), each result dropped", partial(dropped_parts, texts), len(texts)))
    if smpplib_gsm is not None:
        rows.append(("smpplib.gsm.make_parts, each result dropped", partial(dropped_smpplib, texts), len(texts)))
    return rows


def check_batch(sample: list[str]) -> None:
    """The batch entry point gives what per-call sms_parts gives, on both kernels."""
    refs = [1] * len(sample)
    for packed in (False, True):
        expected = [cmcore.sms_parts(t, reference=1, packed=packed) for t in sample]
        assert cmcore.sms_parts_many(sample, references=refs, packed=packed) == expected
        assert twin(partial(cmcore.sms_parts_many, sample, references=refs, packed=packed))() == expected


def bench_corpus(name: str, texts: list[str], sample_size: int, rounds: int) -> list[str]:
    sample = texts[:sample_size]
    check_batch(sample)
    result = interleaved(corpus_rows(texts, sample), rounds)
    base = result["sms_parts (Cython)"]
    lines = [f"### {name}", "", f"{len(texts):,} texts (smpplib too); the twin on the first {len(sample):,}.", "",
             "| contender | ns/text (median) | × sms_parts (Cython) | page faults a run |", "|---|---:|---:|---:|"]
    lines += [f"| {label} | {ns:,.0f} | {ns / base:,.2f} | {FAULTS[label]:,.0f} |" for label, ns in result.items()]
    if smpplib_gsm is not None:
        peer = result["smpplib.gsm.make_parts"]
        streamed = result["smpplib.gsm.make_parts, each result dropped"] / result[
            "sms_parts (Cython), each result dropped"]
        lines += ["", (f"smpplib / sms_parts (Cython), per call, every result kept: **{peer / base:,.1f}×**; "
                       f"each result dropped: **{streamed:,.1f}×**; smpplib / sms_parts_many (Cython), the batch: "
                       f"**{peer / result['sms_parts_many (Cython)']:,.1f}×**. "
                       "sms_parts_many's output equals per-call sms_parts' on the sample (asserted, both kernels).")]
    print(f"  {name}: {result}", file=sys.stderr)
    return lines + [""]


def bench_megabyte(texts: list[str], rounds: int) -> list[str]:
    lines = ["### packed GSM 7-bit encoding of 1 MB", "",
             ("MB/s of characters (1 MB = 10⁶ characters); `str.encode('latin-1')`, a codec pass that "
              "writes every character once, is the floor to compare with."), "",
             "| text | encode_gsm7 (Cython) | encode_gsm7 (twin) | str.encode('latin-1') | Cython / latin-1 |",
             "|---|---:|---:|---:|---:|"]
    for label, text in (("1 MB GSM words (ASCII)", texts[0]), ("1 MB GSM with extension chars", texts[1])):
        rows: list[Contender] = [
            ("c", partial(cmcore.encode_gsm7, text), 1),
            ("py", twin(partial(cmcore.encode_gsm7, text)), 1),
            ("latin1", partial(text.encode, "latin-1", "replace"), 1),
        ]
        ns = interleaved(rows, rounds)
        speeds = {k: len(text) / 1e6 / (v / 1e9) for k, v in ns.items()}
        lines.append(f"| {label} | {speeds['c']:,.0f} | {speeds['py']:,.0f} | {speeds['latin1']:,.0f} | "
                     f"{speeds['c'] / speeds['latin1']:.2f} |")
        print(f"  1 MB {label}: {speeds}", file=sys.stderr)
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the corpora, for a smoke run")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = parser.parse_args()
    if cmcore.KERNEL != "cython":
        raise SystemExit("benchmark the compiled kernel: install cmcore without CMCORE_NO_EXTENSIONS")
    check_twin()
    scale = 10 if args.quick else 1
    rng = random.Random(SEED)
    corpora = [
        ("(a) OTP-like GSM texts, ~40 chars", corpus_otp(rng, 100_000 // scale)),
        ("(b) exactly 160 GSM chars", corpus_160(rng, 50_000 // scale)),
        ("(c) ~1000 GSM chars with extension chars", corpus_long_ext(rng, 10_000 // scale)),
        ("(d) Greek/Cyrillic, ~100 chars", corpus_greek(rng, 50_000 // scale)),
        ("(e) emoji-mixed texts", corpus_emoji(rng, 50_000 // scale)),
    ]
    lines = ["# SMPP codec benchmark", "",
             (f"`python benchmarks/bench_smpp.py{' --quick' if args.quick else ''}`, seed {SEED} (bench_segment's "
              f"corpora); Python {platform.python_version()}, {platform.machine()}, smpplib {_version('smpplib')}. "
              "Medians of 7 interleaved rounds, each run after an untimed full collection. The machine is "
              "shared: read ratios, not times."), "",
             ("The per-call rows keep every result alive to the end of the run, as a list of them does; the "
              "rows marked *each result dropped* free each text's result before the next is made, as a sender "
              "that submits a message's parts and moves on. The difference is memory: results kept alive take "
              "fresh pages from the allocator, and a minor page fault costs microseconds on this (virtual) "
              "machine; the page-fault column counts them."), ""]
    for name, texts in corpora:
        lines += bench_corpus(name, texts, 2_000 if "1000" in name else 5_000 // scale, 7)
    lines += bench_megabyte(corpus_megabyte(rng), 7)
    write_section("bench_smpp", lines, args.out)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Segmentation speed: the compiled kernel against the twin, bare loops and the PyPI peers.

Run from an environment where cmcore is installed (compiled), plus ``pip install smsutil
smpplib`` for the peers (each is skipped if missing). Fixed seeded corpora; every figure is the
median of several runs, in ns per text, and the tables give ratios measured side by side in one
run. Slow contenders (the twin's per-text calls, the naive loop, the peers) run on the first
``SAMPLE`` texts of a corpus; ns/text keeps them comparable. Writes ``benchmarks/RESULTS.md``.

    python benchmarks/bench_segment.py [--quick]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import cmcore
from cmcore import _gsm7, _segment_py, _sms
from _results import write_section

try:
    import smsutil
except ImportError:  # pragma: no cover - optional peer
    smsutil = None
try:
    from smpplib import gsm as smpplib_gsm
except ImportError:  # pragma: no cover - optional peer
    smpplib_gsm = None

SEED = 20261122
GSM_PRINTABLE = sorted(c for c in _gsm7.BASIC if c not in "\n\r")
EXT = sorted(_gsm7.EXTENSION - {"\x0c"})
GREEK_CYRILLIC = [chr(c) for c in range(0x3B1, 0x3CA)] + [chr(c) for c in range(0x430, 0x450)]
EMOJI = [chr(c) for c in range(0x1F600, 0x1F650)]
WORDS = "your code is valid for minutes please do not share it with anyone order shipped".split()


def corpus_otp(rng: random.Random, n: int) -> list[str]:
    brands = ["ACME", "Shop", "Bank", "Taxi", "CM"]
    return [
        f"{rng.choice(brands)}: your code is {rng.randrange(10**5, 10**6)}. Valid {rng.randrange(2, 30)} min."
        for _ in range(n)
    ]


def corpus_160(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choices(GSM_PRINTABLE, k=160)) for _ in range(n)]


def corpus_long_ext(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        words = []
        size = 0
        while size < 1000:
            word = rng.choice(WORDS) if rng.random() > 0.05 else rng.choice(EXT) * 2
            words.append(word)
            size += len(word) + 1
        out.append(" ".join(words)[:1000])
    return out


def corpus_greek(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choices(GREEK_CYRILLIC + [" "] * 8, k=100)) for _ in range(n)]


def corpus_emoji(rng: random.Random, n: int) -> list[str]:
    return [
        " ".join(rng.choice(WORDS) if rng.random() > 0.2 else rng.choice(EMOJI) for _ in range(16))
        for _ in range(n)
    ]


def corpus_megabyte(rng: random.Random) -> list[str]:
    ascii_gsm = "".join(rng.choices(WORDS, k=200_000))[:1_000_000]
    with_ext = "".join(rng.choices(GSM_PRINTABLE + EXT, k=1_000_000))
    latin = "".join(rng.choices(GSM_PRINTABLE, k=1_000_000))
    return [ascii_gsm, with_ext, latin]


def median_ns(func: Callable[[], object], count: int, repeats: int) -> float:
    """Median over ``repeats`` runs of ``func``, in ns per item for ``count`` items."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        func()
        times.append((time.perf_counter_ns() - start) / count)
    return statistics.median(times)


def naive_count(text: str) -> tuple[bool, int, int]:
    """The loop most code bases write: a character at a time, in Python."""
    septets = 0
    for ch in text:
        if ch in _gsm7.EXTENSION:
            septets += 2
        elif ch in _gsm7.BASIC:
            septets += 1
        else:
            units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
            return False, units, 1 if units <= 70 else -(-units // 67)
    return True, septets, 1 if septets <= 160 else -(-septets // 153)


def with_kernel(kernel: object, func: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        saved = _sms._kernel
        _sms._kernel = kernel  # type: ignore[assignment]
        try:
            return func()
        finally:
            _sms._kernel = saved

    return run


def contenders(texts: Sequence[str], sample: Sequence[str]) -> list[tuple[str, Callable[[], object], int]]:
    """(name, callable, texts it handles) for one corpus."""
    twin = _segment_py
    rows: list[tuple[str, Callable[[], object], int]] = [
        ("bare [len(s) for s in texts]", lambda: [len(s) for s in texts], len(texts)),
        ("analyze_many (Cython)", lambda: cmcore.analyze_many(texts), len(texts)),
        ("[analyze(t) for t in texts] (Cython)", lambda: [cmcore.analyze(t) for t in texts], len(texts)),
        ("[split(t) for t in texts] (Cython)", lambda: [cmcore.split(t) for t in texts], len(texts)),
        ("analyze_many (pure twin)", with_kernel(twin, lambda: cmcore.analyze_many(sample)), len(sample)),
        ("[split(t) ...] (pure twin)", with_kernel(twin, lambda: [cmcore.split(t) for t in sample]), len(sample)),
        ("naive per-character Python loop", lambda: [naive_count(t) for t in sample], len(sample)),
    ]
    if smsutil is not None:
        rows.append(("smsutil.split", lambda: [smsutil.split(t) for t in sample], len(sample)))
    if smpplib_gsm is not None:
        rows.append(("smpplib.gsm.make_parts", lambda: [smpplib_gsm.make_parts(t) for t in sample], len(sample)))
    return rows


def disagreements(sample: Sequence[str]) -> dict[str, int]:
    """How many texts each peer gives another part count than cmcore."""
    ours = [s.parts for s in cmcore.analyze_many(sample)]
    out = {}
    if smsutil is not None:
        out["smsutil"] = sum(len(smsutil.split(t).parts) != p for t, p in zip(sample, ours))
    if smpplib_gsm is not None:
        out["smpplib"] = sum(len(smpplib_gsm.make_parts(t)[0]) != p for t, p in zip(sample, ours))
    return out


def bench_corpus(name: str, texts: list[str], sample_size: int, repeats: int) -> list[str]:
    sample = texts[:sample_size]
    lines = [f"### {name}", "", f"{len(texts):,} texts; slow rows on the first {len(sample):,}.", ""]
    lines += ["| contender | ns/text (median) | × analyze_many |", "|---|---:|---:|"]
    results = []
    for label, func, count in contenders(texts, sample):
        slow = count < len(texts) or "split" in label or "[analyze" in label
        results.append((label, median_ns(func, count, 3 if slow else repeats)))
        print(f"  {name}: {label}: {results[-1][1]:.1f} ns/text", file=sys.stderr)
    base = dict(results)["analyze_many (Cython)"]
    for label, ns in results:
        lines.append(f"| {label} | {ns:,.1f} | {ns / base:,.2f} |")
    diff = disagreements(sample)
    if diff:
        lines += ["", "Part counts that differ from cmcore's on the sample: "
                  + ", ".join(f"{peer} {count:,}" for peer, count in diff.items()) + "."]
    return lines + [""]


def bench_megabyte(texts: list[str], repeats: int) -> list[str]:
    emoji_last = "a" * 1_000_000 + "\U0001f600"
    rows = [("1 MB GSM words (ASCII)", texts[0]), ("1 MB GSM with extension chars", texts[1]),
            ("1 MB GSM incl. Latin-1 letters", texts[2]), ("worst case: 1 MB GSM + one emoji at the end", emoji_last)]
    lines = ["### (f) megabyte texts", "",
             "Throughput in MB/s of characters (1 MB = 10⁶ characters). Baselines: `str.count('\\x1b')`, "
             "CPython's memchr-based scan of the buffer, and `str.encode('utf-16-le')`, a codec pass "
             "writing every character.", "",
             "| text | analyze (Cython) | split (Cython) | analyze (twin) | str.count scan | utf-16 encode | analyze / scan |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, text in rows:
        mb = len(text) / 1e6
        speeds = []
        for func in (lambda: cmcore.analyze(text), lambda: cmcore.split(text),
                     with_kernel(_segment_py, lambda: cmcore.analyze(text)),
                     lambda: text.count("\x1b"), lambda: text.encode("utf-16-le", "surrogatepass")):
            ns = median_ns(func, 1, repeats)
            speeds.append(mb / (ns / 1e9))
        lines.append(f"| {label} | " + " | ".join(f"{s:,.0f}" for s in speeds) + f" | {speeds[0] / speeds[3]:.2f} |")
        print(f"  (f) {label}: {speeds}", file=sys.stderr)
    return lines + [""]


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the corpora, for a smoke run")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = parser.parse_args()
    if cmcore.KERNEL != "cython":
        raise SystemExit("benchmark the compiled kernel: install cmcore without CMCORE_NO_EXTENSIONS")
    scale = 10 if args.quick else 1
    rng = random.Random(SEED)
    corpora = [
        ("(a) OTP-like GSM texts, ~40 chars", corpus_otp(rng, 1_000_000 // scale)),
        ("(b) exactly 160 GSM chars", corpus_160(rng, 100_000 // scale)),
        ("(c) ~1000 GSM chars with extension chars", corpus_long_ext(rng, 100_000 // scale)),
        ("(d) Greek/Cyrillic, ~100 chars", corpus_greek(rng, 100_000 // scale)),
        ("(e) emoji-mixed texts", corpus_emoji(rng, 100_000 // scale)),
    ]
    lines = ["# Segmentation benchmark", "",
             f"`python benchmarks/bench_segment.py{' --quick' if args.quick else ''}`, seed {SEED}; "
             f"Python {platform.python_version()}, {platform.machine()}, "
             f"smsutil {_version('smsutil')}, smpplib {_version('smpplib')}. "
             "Medians of 5 runs (3 for the slow rows). The machine is shared: read ratios, not times.", ""]
    for name, texts in corpora:
        lines += bench_corpus(name, texts, 2_000 if "1000" in name else 20_000 // scale, 5)
    lines += bench_megabyte(corpus_megabyte(rng), 5)
    write_section("bench_segment", lines, args.out)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

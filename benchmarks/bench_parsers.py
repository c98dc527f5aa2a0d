"""Parser speed: status reports and send responses against the bare decoders on the same bytes.

Fixed seeded corpora of 10⁵ JSON and 10⁵ XML status reports, and 10⁴ JSON send responses;
medians of several rounds in µs per document; each round runs every contender back to back,
and the ratios are the median of the rounds' ratios. Targets: JSON reports
within 3× of ``orjson.loads``, XML reports within 2× of ``lxml.etree.fromstring``. Appends its
tables to ``benchmarks/RESULTS.md`` (or writes ``--out``).

    python benchmarks/bench_parsers.py [--quick] [--out FILE]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
from lxml import etree

import cmcore
from _results import write_section
from cmcore import _reports, _responses, _wire_py, _xmltree_py

SEED = 20261122


def json_report(rng: random.Random) -> bytes:
    code = rng.choice([0, 1, 2, 2, 2, 3])
    return orjson.dumps({"messages": {"msg": {
        "received": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
        "to": f"00316{rng.randrange(10**8):08d}", "reference": f"ref{rng.randrange(10**6)}",
        "status": {"code": str(code), "errorCode": "24" if code == 3 else "", "errorDescription": "Unreachable" if code == 3 else ""},
        "operator": rng.choice(["20404", "20408", "20416"]), "channel": "SMS",
    }}})


def xml_report(rng: random.Random) -> bytes:
    code = rng.choice([0, 1, 2, 2, 2, 3])
    return (
        f'<?xml version="1.0" encoding="utf-8"?><MESSAGES SENT="2024-05-01T10:00:01">'
        f'<MSG RECEIVED="2024-05-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00"><TO>00316{rng.randrange(10**8):08d}</TO>'
        f"<REFERENCE>ref{rng.randrange(10**6)}</REFERENCE><STATUS><CODE>{code}</CODE>"
        f"<ERRORCODE>{24 if code == 3 else ''}</ERRORCODE><ERRORDESCRIPTION></ERRORDESCRIPTION></STATUS>"
        f"<OPERATOR>20416</OPERATOR></MSG></MESSAGES>"
    ).encode()


def send_response(rng: random.Random) -> bytes:
    messages = [{"to": f"00316{rng.randrange(10**8):08d}", "status": "Accepted", "reference": "r",
                 "parts": rng.randint(1, 3), "messageDetails": None, "messageErrorCode": 0}
                for _ in range(rng.randint(1, 10))]
    return orjson.dumps({"details": f"Created {len(messages)} message(s)", "errorCode": 0, "messages": messages})


def on_twins(func: Callable[[bytes], object]) -> Callable[[bytes], object]:
    """``func`` run with the pure-Python twins of the wire and XML kernels."""
    def run(data: bytes) -> object:
        saved = _reports._wire, _reports._xmltree, _responses._wire
        _reports._wire, _reports._xmltree, _responses._wire = _wire_py, _xmltree_py, _wire_py
        try:
            return func(data)
        finally:
            _reports._wire, _reports._xmltree, _responses._wire = saved
    return run


def timed_us(func: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) / count * 1e6


def table(title: str, docs: list[bytes], rows: list[tuple[str, Callable[[bytes], object]]], repeats: int) -> list[str]:
    """Each round times every contender once, back to back, so that a round's ratios share
    the machine's load; the table gives median times and the median of the rounds' ratios."""
    lines = [f"### {title}", "", f"{len(docs):,} documents.", "",
             "| contender | µs/document (median) | × bare decoder (median of rounds) |", "|---|---:|---:|"]
    rounds = [[timed_us(lambda f=func: [f(d) for d in docs], len(docs)) for _, func in rows] for _ in range(repeats)]
    for k, (label, _) in enumerate(rows):
        us = statistics.median(r[k] for r in rounds)
        ratio = statistics.median(r[k] / r[0] for r in rounds)
        lines.append(f"| {label} | {us:.2f} | {ratio:.2f} |")
        print(f"  {title}: {label}: {us:.2f} µs, {ratio:.2f}x", file=sys.stderr)
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000
    rng = random.Random(SEED)
    json_docs = [json_report(rng) for _ in range(n)]
    xml_docs = [xml_report(rng) for _ in range(n)]
    responses = [send_response(rng) for _ in range(n // 10)]
    plain = etree.XMLParser()
    lines = ["# Parser benchmark", "",
             f"`python benchmarks/bench_parsers.py{' --quick' if args.quick else ''}`, seed {SEED}; 7 rounds, each running "
             "every contender back to back; medians of the rounds' times and of their ratios.",
             "Targets: JSON status reports ≤ 3× `orjson.loads`, XML status reports ≤ 2× `lxml.etree.fromstring`.", ""]
    lines += table("JSON status reports", json_docs, [
        ("orjson.loads", orjson.loads), ("cmcore.parse_status_report", cmcore.parse_status_report),
        ("cmcore.parse_status_report (pure twins)", on_twins(cmcore.parse_status_report))], 7)
    lines += table("XML status reports", xml_docs, [
        ("lxml.etree.fromstring", lambda d: etree.fromstring(d, plain)),
        ("cmcore.parse_status_report", cmcore.parse_status_report),
        ("cmcore.parse_status_report (pure twins)", on_twins(cmcore.parse_status_report))], 7)
    lines += table("JSON send responses (1-10 messages)", responses, [
        ("orjson.loads", orjson.loads), ("cmcore.parse_response", cmcore.parse_response)], 7)
    write_section("bench_parsers", lines, args.out)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

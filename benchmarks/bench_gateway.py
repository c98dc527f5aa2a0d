"""The offline gateway's speed: check() and OfflineGateway.handle() against validate().

A fixed seeded batch of 1,000 multinational SMS (the corpus of bench_validate.py), all valid,
and the same batch with 5% of its recipients broken (a digit cut off), so that check() takes
its per-recipient path. Contenders run interleaved, round by round; the ratios are the medians
of each round's ratio. Writes its section of RESULTS.md (or ``--out FILE``).

    python benchmarks/bench_gateway.py
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

import phonenumbers as pn
from phonenumbers import PhoneNumberType as T

sys.path.insert(0, str(Path(__file__).parent))
import bench_validate as bv  # noqa: E402
from _results import write_section  # noqa: E402

import cmcore  # noqa: E402
from cmcore import Message, ProductToken, Request  # noqa: E402
from cmcore import _phone  # noqa: E402


def batches() -> tuple[Request, Request]:
    rng = random.Random(bv.SEED + 2)
    regions = sorted(r for r in pn.SUPPORTED_REGIONS if pn.example_number_for_type(r, T.MOBILE))
    numbers = [x for x in bv.corpus(3000, rng, regions) if x[1] is None and _phone.gateway_form(*x)][:1000]
    fields = bv.batch(numbers, rng)
    good = Request(product_token=ProductToken(bv.TOKEN), messages=[Message(**f) for f in fields])
    broken = [dict(f, recipients=[f["recipients"][0][:-1]]) if i % 20 == 7 else f for i, f in enumerate(fields)]
    return good, Request(product_token=ProductToken(bv.TOKEN), messages=[Message(**f) for f in broken])


def lines() -> list[str]:
    good, bad = batches()
    gateway = cmcore.OfflineGateway()
    good_body, bad_body = cmcore.build_json(good), cmcore.build_json(cmcore.load_json(cmcore.build_json(good)))
    bad_body = bad_body.replace(b'"from":"CM Telecom","to":[{"number":"00', b'"from":"CM Telecom","to":[{"number":"9', 50)
    contenders = [
        ("validate(), 1000 valid", lambda: cmcore.validate(good), 1000),
        ("check(), 1000 valid", lambda: cmcore.check(good), 1000),
        ("handle(), JSON body of 1000 valid", lambda: gateway.handle("POST", "/v1.0/message", (), good_body), 1000),
        ("validate(), 5% of recipients invalid (raises)", lambda: _raises(bad), 1000),
        ("check(), 5% of recipients invalid", lambda: cmcore.check(bad), 1000),
        ("handle(), JSON body with 50 invalid", lambda: gateway.handle("POST", "/v1.0/message", (), bad_body), 1000),
    ]
    times = bv.rounds(contenders)
    out = ["| contender | µs a message (median) | × validate() of the same batch (median of rounds) |",
           "|---|---:|---:|"]
    for name, values in times.items():
        base = times["validate(), 1000 valid"] if "valid" in name and "invalid" not in name else \
            times["validate(), 5% of recipients invalid (raises)"]
        ratio = statistics.median(v / b for v, b in zip(values, base))
        out.append(f"| {name} | {statistics.median(values):.2f} | {ratio:.2f} |")
    return out


def served_lines(n: int = 2000) -> list[str]:
    """Requests a second through `cmcore serve` on loopback: one message a request, one client
    thread on a kept-alive connection, and four threads on a connection each."""
    import http.client
    import os
    import subprocess
    import threading
    import time
    proc = subprocess.Popen([sys.executable, "-m", "cmcore", "serve", "--port", "0"], stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stderr is not None
    port = int(proc.stderr.readline().split("http://127.0.0.1:")[1].split()[0])
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    body = cmcore.build_json(Request(product_token=ProductToken(bv.TOKEN), messages=[
        Message(sender="CM Telecom", recipients=["+31612345678"], body="Your code is 4821")]))

    def client(count: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(count):
            conn.request("POST", "/v1.0/message", body, {"Content-Type": "application/json"})
            answer = conn.getresponse()
            assert answer.status == 200 and answer.read()
        conn.close()
    out = []
    try:
        for threads in (1, 4):
            start = time.perf_counter()
            workers = [threading.Thread(target=client, args=(n // threads,)) for _ in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            out.append(f"| {threads} client thread(s), {n} requests | {n / (time.perf_counter() - start):.0f} |")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return ["Through `cmcore serve` (the standard library's HTTP server, a thread a connection):", "",
            "| clients | requests a second |", "|---|---:|", *out]


def _raises(request: Request) -> None:
    try:
        cmcore.validate(request)
    except cmcore.PayloadError:
        return
    raise AssertionError("the broken batch passed")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    body = ["# Offline gateway benchmark", "", f"`python benchmarks/bench_gateway.py`, seed {bv.SEED + 2}, "
            f"{bv.ROUNDS} rounds, kernel {cmcore.KERNEL}. 1,000 multinational SMS a batch; the gateway "
            "gets a fresh copy of the same body each round (the accounts are unlimited).", "", *lines(), "",
            *served_lines(), ""]
    print("\n".join(body))
    if args.out:
        args.out.write_text("\n".join(body) + "\n", encoding="utf-8")
    else:
        write_section("bench_gateway", body)


if __name__ == "__main__":
    main()

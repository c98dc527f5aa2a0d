"""cmcore serve (the offline gateway on a real server, on loopback, the token in no log line,
status reports POSTed to a callback) and cmcore cost (an estimate as a table or JSON)."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import cmcore
from cmcore import Message, Request
from cmcore._cli import main

TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
PRICES = "destination,channel,price,currency\nNL,SMS,0.0725,EUR\n+31612,SMS,0.05,EUR\nGB,SMS,0.04,GBP\n"


def _serve(*extra: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, "-m", "cmcore", "serve", "--port", "0", *extra],
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            cwd=tempfile.gettempdir())  # not the source tree, whose kernels may not be built
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert "http://127.0.0.1:" in line, line
    return proc, int(line.split("http://127.0.0.1:")[1].split()[0])


class _Sink(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_serve_answers_over_http_logs_without_the_token_and_posts_reports() -> None:
    sink = http.server.HTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    proc, port = _serve("--callback", f"http://127.0.0.1:{sink.server_port}/reports")
    try:
        body = cmcore.build_json(Request(product_token=TOKEN, messages=[
            Message(sender="CM", recipients=["+31612345678", "+1 202 555 0124"], body="hi", reference="r1")]))
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1.0/message", data=body, method="POST")
        with urllib.request.urlopen(req, timeout=10) as answer:
            assert cmcore.parse_response(answer.read(), http_status=answer.status).ok
        query = cmcore.build_query(Request(product_token=TOKEN, messages=[
            Message(sender="CM", recipients=["0031612345678"], body="hi")]))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/gateway.ashx?{query}", timeout=10) as answer:
            assert answer.read() == b""
        for _ in range(100):
            if len(_Sink.bodies) >= 2:
                break
            time.sleep(0.05)
    finally:
        proc.terminate()
        _, log = proc.communicate(timeout=10)
        sink.shutdown()
    assert "POST /v1.0/message 200" in log and "producttoken=***" in log and TOKEN not in log
    reports = [r for b in _Sink.bodies for r in cmcore.parse_status_report(b)]
    assert sorted((r.to, r.status.value) for r in reports) == [("0012025550124", 3), ("0031612345678", 2),
                                                               ("0031612345678", 2)]


def test_serve_binds_to_loopback_by_default() -> None:
    proc, port = _serve()
    proc.terminate()
    proc.communicate(timeout=10)
    assert port > 0


def test_cost_of_a_request_and_of_a_campaign(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text(PRICES, encoding="utf-8")
    request = tmp_path / "request.json"
    request.write_bytes(cmcore.build_json(Request(product_token=TOKEN, messages=[
        Message(sender="CM", recipients=["+31612345678", "+31201234567"], body="x" * 161)])))
    assert main(["cost", "--prices", str(prices), str(request), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["totals"] == {"EUR": "0.25"}  # 2 parts x 0.05 (the +31612 prefix) + 2 x 0.0725
    campaign = tmp_path / "list.csv"
    campaign.write_text("phone,text\n0612345678,Hello\n+33612345678,Salut\n", encoding="utf-8")
    assert main(["cost", "--prices", str(prices), str(campaign), "--region", "NL"]) == 1  # FR has no price
    out = capsys.readouterr().out
    assert "EUR 0.05" in out and "unpriced line 3" in out and TOKEN not in out


def test_cost_reports_a_bad_price_table_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text("destination,channel,price,currency\nNL,SMS,-1,EUR\n", encoding="utf-8")
    request = tmp_path / "request.json"
    request.write_bytes(b"{}")
    assert main(["cost", "--prices", str(prices), str(request)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_campaign_takes_prices_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text(PRICES, encoding="utf-8")
    campaign = tmp_path / "list.csv"
    campaign.write_text("phone,text\n0612345678,Hello\n0201234567,Hi\n" + "+44 20 7946 0958," + "x" * 161 + "\n",
                        encoding="utf-8")
    assert main(["campaign", str(campaign), "--sender", "CM", "--region", "NL", "--prices", str(prices),
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])["summary"]
    assert summary["cost"] == "EUR 0.12, GBP 0.08"  # 0.05 (+31612) + 0.0725 = 0.1225; 2 parts x 0.04

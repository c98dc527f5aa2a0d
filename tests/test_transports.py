"""The README's transport recipes, with httpx and with requests, against `cmcore serve` on
127.0.0.1; and a bounded load test: 10⁴ requests from four threads, no error, no message lost
or taken twice, every count matching. httpx and requests are test extras only."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator

import pytest

import cmcore
from cmcore import Message, Request

httpx = pytest.importorskip("httpx")
requests = pytest.importorskip("requests")

TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, "-m", "cmcore", "serve", "--port", "0"], stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            cwd=tempfile.gettempdir())  # not the source tree, whose kernels may not be built
    assert proc.stderr is not None
    line = proc.stderr.readline()
    port = int(line.split("http://127.0.0.1:")[1].split()[0])
    drain = threading.Thread(target=proc.stderr.read, daemon=True)  # the log: read, so the pipe never fills
    drain.start()
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def request_for(reference: str) -> Request:
    return Request(product_token=TOKEN, messages=[Message(sender="CM Telecom", recipients=["+31612345678"],
                                                          body="Your code is 4821", reference=reference)])


def test_the_httpx_recipe(gateway_url: str) -> None:
    # the README's recipe: build, send with the transport, parse what came back
    http = cmcore.json_request(request_for("httpx_1"), endpoint=f"{gateway_url}/v1.0/message")
    answer = httpx.request(http.method, http.url, headers=dict(http.headers), content=http.body)
    response = cmcore.parse_response(answer.content, http_status=answer.status_code)
    response.raise_for_error()
    assert response.accepted[0].reference == "httpx_1" and response.total_parts == 1


def test_the_requests_recipe(gateway_url: str) -> None:
    http = cmcore.json_request(request_for("requests_1"), endpoint=f"{gateway_url}/v1.0/message")
    answer = requests.request(http.method, http.url, headers=dict(http.headers), data=http.body, timeout=10)
    response = cmcore.parse_response(answer.content, http_status=answer.status_code)
    assert response.ok and response.created == 1
    get = cmcore.query_request(request_for("requests_2"), endpoint=f"{gateway_url}/gateway.ashx")
    answer = requests.get(get.url, timeout=10)
    assert cmcore.parse_response(answer.content, http_status=answer.status_code).ok


def test_ten_thousand_requests_from_four_threads() -> None:
    """The gateway in this process on a threading server, so that its record can be read: no
    error, nothing lost or taken twice, every count matching on both sides."""
    from cmcore._cli_gateway import _Quiet, _Threading
    from wsgiref.simple_server import make_server
    gateway = cmcore.OfflineGateway()
    server = make_server("127.0.0.1", 0, cmcore.wsgi_app(gateway), server_class=_Threading, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/v1.0/message"
    per_thread, seen, errors = 2500, [], []
    lock = threading.Lock()

    def client(n: int) -> None:
        with httpx.Client(timeout=30) as session:
            for i in range(per_thread):
                http = cmcore.json_request(request_for(f"t{n}_{i}"), endpoint=url)
                answer = session.post(http.url, headers=dict(http.headers), content=http.body)
                response = cmcore.parse_response(answer.content, http_status=answer.status_code)
                with lock:
                    if not response.ok:
                        errors.append(i)
                    seen.extend(m.reference for m in response.accepted)
    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.shutdown()
        server.server_close()
    recorded = [t.message.reference for t in gateway.accepted]
    assert errors == []
    assert len(seen) == len(set(seen)) == 4 * per_thread
    assert sorted(recorded) == sorted(seen)

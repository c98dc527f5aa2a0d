"""Every Python code block of the README runs, in order, as one program, and passes
``mypy --strict``: the examples cannot drift from the library.

The blocks use a few names of the reader's own (a payload they have, a webhook body they
received); a prelude gives each a value of the kind the README means.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"

PRELUDE = '''\
import cmcore
from cmcore import Message, ProductToken, Request

existing_payload: bytes = (b'{"messages":{"authentication":{"producttoken":"00000000-0000-0000-0000-000000000000"},'
                           b'"msg":[{"from":"CM","to":[{"number":"0031612345678"}],"body":{"content":"Hello"}}]}}')
big_request = Request(product_token=ProductToken("00000000-0000-0000-0000-000000000000"),
                      messages=[Message(sender="CM", recipients=["0031612345678"], body="hi")] * 2500)
numbers: list[str] = ["0612345678", "+44 7911 123456", "12"]
body: bytes = (b'{"details":"Created 1 message(s)","errorCode":0,"messages":[{"to":"0031612345678",'
               b'"status":"Accepted","reference":"order_17","parts":1,"messageDetails":null,"messageErrorCode":0}]}')
status: int = 200
webhook_body: bytes = (b'{"messages":{"msg":{"received":"2024-07-01T14:05:09","to":"0031612345678",'
                       b'"reference":"order_17","status":{"code":"2","errorCode":"","errorDescription":""}}}}')
pdu_tail: bytes = bytes.fromhex("14010005") + b"20416" + bytes.fromhex("140a0002") + b"15"  # operator, tariff

# The offline gateway on loopback, where the transport recipes send (cmcore.JSON_ENDPOINT for real).
import threading as _threading
from wsgiref.simple_server import make_server as _make_server

from cmcore._cli_gateway import _Quiet, _Threading

_server = _make_server("127.0.0.1", 0, cmcore.wsgi_app(cmcore.OfflineGateway()), server_class=_Threading,
                       handler_class=_Quiet)
_threading.Thread(target=_server.serve_forever, daemon=True).start()
gateway_url = f"http://127.0.0.1:{_server.server_port}"
'''


def blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)


def program() -> str:
    return PRELUDE + "\n".join(f"# -- README block {i}\n{b}" for i, b in enumerate(blocks(), 1))


def test_the_readme_has_python_blocks() -> None:
    assert len(blocks()) >= 7


def test_every_readme_block_runs(tmp_path: Path) -> None:
    path = tmp_path / "readme_blocks.py"
    path.write_text(program(), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def test_every_readme_block_passes_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="mypy is in the [test] extra")
    path = tmp_path / "readme_blocks.py"
    path.write_text(program(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           "--cache-dir", str(tmp_path / ".mypy"), str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]

"""The offline gateway answers as CM's endpoints do (spec, "Responses & Errors", "JSON POST
responses", "Responses & Errors - xml", HTTP GET "Responses & Errors"): per recipient for JSON,
whole for XML and GET; accounts, balances and magic numbers; the token in nothing it keeps."""

from __future__ import annotations

import threading

import orjson
import pytest

import cmcore
from cmcore import ErrorCode, Message, Request
from cmcore._gateway import MAGIC_NUMBERS, GatewayAccount, OfflineGateway

TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
OTHER = "1a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
JSON_URL = "https://gw.cmtelecom.com/v1.0/message"
XML_URL = "https://gw.cmtelecom.com/gateway.ashx"


def sms(*numbers: str, body: str = "hi", token: str = TOKEN) -> Request:
    return Request(product_token=token, messages=[Message(sender="CM", recipients=list(numbers), body=body)])


def post_json(gateway: OfflineGateway, body: bytes) -> cmcore.Response:
    reply = gateway.handle("POST", JSON_URL, (("Content-Type", "application/json"),), body)
    assert ("Content-Type", "application/json; charset=utf-8") in reply.headers
    return cmcore.parse_response(reply.body, http_status=reply.status)


def test_json_takes_the_good_and_rejects_the_bad() -> None:
    body = (b'{"messages":{"authentication":{"producttoken":"' + TOKEN.encode() + b'"},"msg":['
            b'{"from":"CM","to":[{"number":"0031612345678"}],"body":{"content":"hi"}},'
            b'{"from":"CM","body":{"content":"x"}},'
            b'{"to":[{"number":"0031612345678"}],"body":{"content":"x"}},'
            b'{"from":"CM","to":[{"number":"0031612345678"}],"body":{"content":""}}]}}')
    gateway = OfflineGateway()
    got = post_json(gateway, body)
    assert (got.http_status, got.error_code, got.details) == (200, ErrorCode.MESSAGE_ERRORS, "Created 1 message(s)")
    assert [(m.status.value, int(m.error_code), m.details) for m in got.messages] == [
        ("Accepted", 0, None), ("Rejected", 302, "Empty mobilenumber field, MT ignored"),
        ("Rejected", 301, "No FROM field found in a MSG object."), ("Rejected", 304, "A body without content was found")]
    assert [t.message.recipients for t in gateway.accepted] == [("0031612345678",)]


@pytest.mark.parametrize("body, status, code, words", [
    (b"{not json", 400, ErrorCode.MALFORMED_REQUEST, "Invalid JSON"),
    (b'{"messages":{"authentication":{"producttoken":"nope"},"msg":[{"from":"CM","to":[{"number":"0031612345678"}],'
     b'"body":{"content":"hi"}}]}}', 400, ErrorCode.INVALID_PRODUCT_TOKEN, "Invalid product token."),
    (b'{"messages":{"authentication":{"producttoken":"' + TOKEN.encode() + b'"},"msg":[]}}', 400,
     ErrorCode.INVALID_MSG_ARRAY, "A MESSAGES object requires at least one MSG object"),
])
def test_json_request_failures(body: bytes, status: int, code: ErrorCode, words: str) -> None:
    got = post_json(OfflineGateway(), body)
    assert (got.http_status, got.error_code, got.details, got.messages) == (status, code, words, ())


def test_only_post_reaches_the_json_endpoint_and_get_or_post_the_xml_one() -> None:
    gateway = OfflineGateway()
    assert gateway.handle("GET", JSON_URL).status == 405  # "405 (none) No HTTP GET or POST was used"
    assert gateway.handle("PUT", XML_URL, (), b"").status == 400  # XML/GET: "400 (none)"
    assert gateway.handle("POST", "https://gw.cmtelecom.com/elsewhere", (), b"").status == 404


def test_accounts_balances_and_unknown_tokens() -> None:
    gateway = OfflineGateway([GatewayAccount(TOKEN, balance=2)])
    assert post_json(gateway, cmcore.build_json(sms("+31612345678", "+44 7911 123456"))).ok
    assert gateway.balance(0) == 0
    refused = post_json(gateway, cmcore.build_json(sms("+31612345678")))
    assert (refused.http_status, refused.error_code, refused.details) == (400, ErrorCode.INSUFFICIENT_BALANCE,
                                                                          "Insufficient balance.")
    unknown = post_json(gateway, cmcore.build_json(sms("+31612345678", token=OTHER)))
    assert (unknown.error_code, unknown.details) == (ErrorCode.AUTHENTICATION_FAILED,
                                                     "No account found for the given authentication")
    assert len(gateway.accepted) == 1  # nothing created by the refused requests


@pytest.mark.parametrize("number, code", sorted(MAGIC_NUMBERS.items()))
def test_magic_numbers_trigger_each_rejection(number: str, code: ErrorCode) -> None:
    got = post_json(OfflineGateway(), cmcore.build_json(sms("+31612345678", number)))
    assert [(m.status.value, m.error_code) for m in got.messages] == [("Accepted", ErrorCode.OK), ("Rejected", code)]
    assert got.messages[1].details == code.description
    xml = OfflineGateway().handle("POST", XML_URL, (), cmcore.build_xml(sms(number)))
    assert xml.body == f"Error: ERROR {code.description}".encode()


def test_xml_is_taken_or_refused_whole() -> None:
    """'Responses & Errors - xml': "NO MESSAGES are created and the entire request is rejected"."""
    gateway = OfflineGateway()
    ok = gateway.handle("POST", XML_URL, (), cmcore.build_xml(sms("0031612345678")))
    assert (ok.status, ok.body) == (200, b"")
    bad = (b'<?xml version="1.0"?><MESSAGES><AUTHENTICATION><PRODUCTTOKEN>' + TOKEN.encode() +
           b'</PRODUCTTOKEN></AUTHENTICATION><MSG><FROM>CM</FROM><TO>0031612345678</TO><BODY>hi</BODY></MSG>'
           b'<MSG><FROM>CM</FROM><TO>0044791112345a</TO><BODY>hi</BODY></MSG></MESSAGES>')
    refused = gateway.handle("POST", XML_URL, (), bad)
    assert (refused.status, refused.body) == (200, b"Error: ERROR Rejected: Gsm '0044791112345a' is not a number.")
    assert cmcore.parse_response(refused.body, http_status=200).error_code is ErrorCode.INVALID_PHONE_NUMBER
    no_from = bad.replace(b"<FROM>CM</FROM><TO>0044791112345a", b"<TO>0031612345678")
    assert gateway.handle("POST", XML_URL, (), no_from).body == b"Error: ERROR No FROM field found in a MSG node."
    assert len(gateway.accepted) == 1


@pytest.mark.parametrize("query, words", [
    (f"producttoken={TOKEN}&body=hi&to=12&from=CM", "Parameter 'to' contains an invalid value: '12'"),
    (f"producttoken={TOKEN}&body=hi&to=0031612345678", "No sender name provided"),
    (f"producttoken={TOKEN}&to=0031612345678&from=CM", "Parameter 'body' is required"),
    ("producttoken=zzz&body=hi&to=0031612345678&from=CM", "Parameter 'producttoken' contains an invalid value: '***'"),
])
def test_get_answers_in_its_own_words(query: str, words: str) -> None:
    reply = OfflineGateway().handle("GET", f"{XML_URL}?{query}")
    assert (reply.status, reply.body) == (200, f"Error: ERROR {words}".encode())
    assert "zzz" not in reply.body.decode()


def test_get_accepted() -> None:
    gateway = OfflineGateway()
    reply = gateway.handle("GET", f"{XML_URL}?{cmcore.build_query(sms('0031612345678'))}")
    assert (reply.status, reply.body) == (200, b"")
    assert gateway.accepted[0].message.recipients == ("0031612345678",)


def test_nothing_kept_shows_the_token() -> None:
    gateway = OfflineGateway([GatewayAccount(TOKEN)])
    post_json(gateway, cmcore.build_json(sms("+31612345678")))
    assert TOKEN not in repr(gateway.accepted) and TOKEN not in repr(GatewayAccount(TOKEN))


def test_threads_lose_nothing() -> None:
    gateway = OfflineGateway([GatewayAccount(TOKEN, balance=400)])
    body = cmcore.build_json(sms("+31612345678"))

    def client() -> None:
        for _ in range(60):
            post_json(gateway, body)
    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(gateway.accepted) == 400 and gateway.balance(0) == 0  # 480 tried: 80 refused for balance


def test_the_wsgi_app_on_a_real_server_on_loopback() -> None:
    """The app behind the standard library's WSGI server on 127.0.0.1: JSON and GET round
    trips over real HTTP, one log line a request, the token in none."""
    import urllib.request
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from cmcore._gateway import wsgi_app

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    lines: list[str] = []
    gateway = OfflineGateway()
    server = make_server("127.0.0.1", 0, wsgi_app(gateway, log=lines.append), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        req = urllib.request.Request(f"{base}/v1.0/message", data=cmcore.build_json(sms("+31612345678")),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req) as answer:
            assert cmcore.parse_response(answer.read(), http_status=answer.status).ok
        with urllib.request.urlopen(f"{base}/gateway.ashx?{cmcore.build_query(sms('0031612345678'))}") as answer:
            assert (answer.status, answer.read()) == (200, b"")
    finally:
        server.shutdown()
        server.server_close()
    assert len(gateway.accepted) == 2
    assert lines == ["POST /v1.0/message 200", "GET /gateway.ashx?producttoken=***&body=hi&to=0031612345678&from=CM 200"]
    assert all(TOKEN not in line for line in lines)


def test_the_wsgi_app_refuses_a_huge_body() -> None:
    import io

    from cmcore._gateway import MAX_BODY, wsgi_app
    seen: list[str] = []
    app = wsgi_app(OfflineGateway())
    out = app({"REQUEST_METHOD": "POST", "PATH_INFO": "/v1.0/message", "CONTENT_LENGTH": str(MAX_BODY + 1),
               "wsgi.input": io.BytesIO(b"")}, lambda status, headers: seen.append(status))
    assert seen == ["413 Payload Too Large"] and list(out) == [b""]

"""parse_response(): every JSON, XML and GET answer of the CM spec, and malformed input."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import orjson
import pytest

import cmcore
from cmcore import ErrorCode, ErrorReason, SendStatus

SPEC = Path(__file__).parent / "data" / "spec"
TOKEN = "5fe1a1b6-9b43-4c83-a2a1-0123456789ab"


def spec_json(name: str) -> bytes:
    """A spec example with its // comments removed: the spec's JSON is not valid as printed."""
    raw = (SPEC / name).read_bytes()
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(raw)
    return re.sub(rb"\s*//[^\n]*", b"", raw)


def test_spec_example_with_comments_is_refused_as_printed() -> None:
    with pytest.raises(cmcore.ResponseError, match="malformed JSON") as info:
        cmcore.parse_response((SPEC / "json_response_200_mixed.json").read_bytes())
    assert info.value.location == "body"


def test_spec_entire_request_incorrect() -> None:
    resp = cmcore.parse_response(spec_json("json_response_400_no_account.json"), http_status=400)
    assert resp.error_code is ErrorCode.AUTHENTICATION_FAILED
    assert resp.reason is ErrorReason.NO_ACCOUNT
    assert resp.details == "No account found for the given authentication"
    assert resp.messages == () and not resp.ok and resp.http_status == 400
    with pytest.raises(cmcore.ResponseError) as info:
        resp.raise_for_error()
    assert info.value.code == 101


def test_spec_incorrect_and_correct_message() -> None:
    resp = cmcore.parse_response(spec_json("json_response_200_mixed.json"), http_status=200)
    assert resp.error_code is ErrorCode.MESSAGE_ERRORS and resp.created == 1
    ok, bad = resp.messages
    assert (ok.to, ok.status, ok.reference, ok.parts, ok.error_code, ok.details) == (
        "00447911123456", SendStatus.ACCEPTED, "your_reference_A", 1, ErrorCode.OK, None)
    assert (bad.to, bad.status, bad.parts, bad.error_code, bad.reason) == (
        "00447911123457", SendStatus.REJECTED, 0, ErrorCode.INVALID_BODY, ErrorReason.EMPTY_BODY)
    assert resp.accepted == (ok,) and resp.rejected == (bad,)
    assert resp.total_parts == 1 and not resp.ok
    with pytest.raises(cmcore.ResponseError, match="1 of 2 message") as info:
        resp.raise_for_error()
    assert (info.value.code, info.value.location) == (304, "messages[1]")


def test_spec_all_incorrect() -> None:
    resp = cmcore.parse_response(spec_json("json_response_400_all_rejected.json"), http_status=400)
    assert resp.created == 0 and len(resp.rejected) == 2 and resp.accepted == ()
    first, second = resp.messages
    assert first.reason is ErrorReason.INVALID_PHONE_NUMBER
    assert first.error_code is ErrorCode.INVALID_PHONE_NUMBER
    assert second.reference is None


def test_all_accepted_is_ok() -> None:
    body = {"details": "Created 2 message(s)", "errorCode": 0, "messages": [
        {"to": "0031612345678", "status": "Accepted", "reference": None, "parts": 2,
         "messageDetails": None, "messageErrorCode": 0},
        {"to": "0031612345679", "status": "Accepted", "parts": 2}]}
    resp = cmcore.parse_response(orjson.dumps(body))
    assert resp.ok and resp.total_parts == 4 and resp.created == 2
    resp.raise_for_error()


@pytest.mark.parametrize("status, details, code, reason", [
    (500, "Unknown Error", ErrorCode.UNKNOWN, ErrorReason.UNKNOWN_ERROR),
    (400, "No account found for the given authentication", ErrorCode.AUTHENTICATION_FAILED, ErrorReason.NO_ACCOUNT),
    (400, "Insufficient balance.", ErrorCode.INSUFFICIENT_BALANCE, ErrorReason.INSUFFICIENT_BALANCE),
    (400, "Message is unroutable.", ErrorCode.UNKNOWN, ErrorReason.UNROUTABLE),
    (400, "Invalid product token.", ErrorCode.INVALID_PRODUCT_TOKEN, ErrorReason.INVALID_PRODUCT_TOKEN),
    (400, "A MESSAGES object requires at least one MSG object", ErrorCode.INVALID_MSG_ARRAY, ErrorReason.NO_MSG),
    (400, "Invalid JSON", ErrorCode.MALFORMED_REQUEST, ErrorReason.INVALID_JSON),
])
def test_json_post_responses_table_without_error_code(status: int, details: str, code: ErrorCode, reason: ErrorReason) -> None:
    """The table gives only the details; the code is the one the error codes table implies."""
    resp = cmcore.parse_response(orjson.dumps({"details": details}), http_status=status)
    assert (resp.error_code, resp.reason, resp.details, resp.http_status) == (code, reason, details, status)
    explicit = cmcore.parse_response(orjson.dumps({"details": details, "errorCode": 999, "messages": []}))
    assert explicit.error_code is ErrorCode.UNKNOWN  # the gateway's own code wins


@pytest.mark.parametrize("details, reason, code", [
    ("No FROM field found in a MSG object.", ErrorReason.NO_FROM, 301),
    ("Empty mobilenumber field, MT ignored", ErrorReason.NO_PHONE_NUMBERS, 302),
    ("Rejected: Gsm '0031abc' is not a number.", ErrorReason.INVALID_PHONE_NUMBER, 303),
    ("to object is an invalid type, must be an array", ErrorReason.NOT_AN_ARRAY, 202),
    ("No body field was found", ErrorReason.NO_BODY, 304),
    ("A body without content was found", ErrorReason.EMPTY_BODY, 304),
    ("Something new the gateway says", None, None),
])
def test_message_details_table(details: str, reason: ErrorReason | None, code: int | None) -> None:
    assert cmcore._responses.recognise(details) == (reason, code)
    body = {"errorCode": 201, "messages": [{"status": "Rejected", "messageDetails": details, "messageErrorCode": 305}]}
    msg = cmcore.parse_response(orjson.dumps(body)).messages[0]
    assert msg.reason is reason and msg.details == details and msg.error_code == 305


def test_405_and_400_without_body() -> None:
    for status in (405, 400):
        resp = cmcore.parse_response(b"", http_status=status)
        assert resp.error_code is None and resp.reason is ErrorReason.METHOD_NOT_ALLOWED
        with pytest.raises(cmcore.ResponseError):
            resp.raise_for_error()


XML_AND_GET_TEXTS = [
    ("Error: ERROR Unknown error", ErrorReason.UNKNOWN_ERROR, 999),
    ("Error: ERROR No account found for the given authentication", ErrorReason.NO_ACCOUNT, 101),
    ("Error: ERROR Insufficient balance.", ErrorReason.INSUFFICIENT_BALANCE, 102),
    ("Error: ERROR Message is unrouteable.", ErrorReason.UNROUTABLE, 999),
    ("Error: ERROR Invalid product token.", ErrorReason.INVALID_PRODUCT_TOKEN, 103),
    ("Error: ERROR No FROM field found in a MSG node.", ErrorReason.NO_FROM, 301),
    ("Error: ERROR A MESSAGES node requires at least one MSG node", ErrorReason.NO_MSG, 203),
    ("Error: ERROR No phone numbers found. Message will not be sent.", ErrorReason.NO_PHONE_NUMBERS, 302),
    ("Error: ERROR Rejected: Gsm '0044791112345a' is not a number.", ErrorReason.INVALID_PHONE_NUMBER, 303),
    ("Error: ERROR No sender name provided", ErrorReason.NO_FROM, 301),
    ("Error: ERROR Parameter 'to' contains an invalid value: '0044abc'", ErrorReason.INVALID_PARAMETER, 303),
    ("Error: ERROR Parameter 'body' is required", ErrorReason.MISSING_PARAMETER, 304),
    ("Error: ERROR Parameter 'reference' contains an invalid value: 'x y'", ErrorReason.INVALID_PARAMETER, 305),
]


@pytest.mark.parametrize("text, reason, code", XML_AND_GET_TEXTS)
def test_xml_and_get_error_texts(text: str, reason: ErrorReason, code: int) -> None:
    resp = cmcore.parse_response(text.encode(), http_status=200)
    assert (resp.reason, resp.error_code, resp.details) == (reason, code, text[len("Error: ERROR "):])
    assert resp.messages == () and not resp.ok


def test_unknown_error_text_is_kept_verbatim() -> None:
    resp = cmcore.parse_response("Error: ERROR The moon is in the wrong phase\r\n")
    assert resp.details == "The moon is in the wrong phase"
    assert resp.reason is None and resp.error_code is ErrorCode.UNKNOWN


def test_accepted_xml_or_get_is_an_empty_200() -> None:
    for body in (b"", "", b"\r\n"):
        resp = cmcore.parse_response(body, http_status=200)
        assert resp.ok and resp.error_code is ErrorCode.OK


def test_product_token_echo_is_redacted_everywhere() -> None:
    text = f"Error: ERROR Parameter 'producttoken' contains an invalid value: '{TOKEN}'"
    resp = cmcore.parse_response(text)
    assert resp.error_code is ErrorCode.INVALID_PRODUCT_TOKEN
    assert TOKEN not in repr(resp) and "[redacted]" in resp.details  # type: ignore[operator]
    with pytest.raises(cmcore.ResponseError) as info:
        resp.raise_for_error()
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value.args)
    json_body = orjson.dumps({"details": text[13:], "errorCode": 103, "messages": []})
    assert TOKEN not in repr(cmcore.parse_response(json_body))
    with pytest.raises(cmcore.ResponseError) as bad:
        cmcore.parse_response(f"<html>Parameter 'producttoken' contains an invalid value: '{TOKEN}'</html>")
    assert TOKEN not in str(bad.value)


@pytest.mark.parametrize("body, location", [
    (b'{"details": "x", "messages": [{"status": "Maybe"}]}', "messages[0].status"),
    (b'{"messages": [{"status": "Accepted", "parts": "1"}]}', "messages[0].parts"),
    (b'{"messages": [{"status": "Accepted", "parts": true}]}', "messages[0].parts"),
    (b'{"errorCode": "201"}', "response.errorcode"),
    (b'{"messages": {}}', "response.messages"),
    (b'{"messages": [42]}', "messages[0]"),
    (b'[1, 2]', "response"),
    (b'{"details": "Created 1 mess', "body"),
    (b'{"errorCode": 0, "ErrorCode": 1}', "response"),
    (b"<html><body>502 Bad Gateway</body></html>", "body"),
    (b"\xff\xfe{}", "body"),
])
def test_malformed_answers(body: bytes, location: str) -> None:
    with pytest.raises(cmcore.ResponseError) as info:
        cmcore.parse_response(body)
    assert info.value.location == location


def test_keys_ignore_case_and_unknown_keys_are_kept() -> None:
    body = b'{"Details": "Created 1 message(s)", "ERRORCODE": 0, "Messages": [{"TO": "0031", "Status": "accepted", "Parts": 1, "price": 0.07}], "traceId": "t1"}'
    resp = cmcore.parse_response(body)
    assert resp.ok and resp.messages[0].to == "0031" and resp.messages[0].extra == {"price": 0.07}
    assert resp.extra == {"traceid": "t1"}


def test_unknown_codes_are_kept() -> None:
    resp = cmcore.parse_response(b'{"errorCode": 777, "messages": [{"status": "Rejected", "messageErrorCode": 404}]}')
    assert resp.error_code == 777 and not resp.error_code.known  # type: ignore[union-attr]
    assert resp.messages[0].error_code == 404 and "not in the gateway" in resp.messages[0].error_code.description


def test_input_types_and_size() -> None:
    with pytest.raises(TypeError, match="argument 'data' must be bytes or str"):
        cmcore.parse_response(None)  # type: ignore[arg-type]
    assert cmcore.parse_response(bytearray(b"")).ok
    assert cmcore.parse_response(memoryview(b"\xef\xbb\xbf")).ok
    with pytest.raises(cmcore.ResponseError, match="more than the limit"):
        cmcore.parse_response(b" " * 101, max_size=100)


def test_results_are_frozen_and_pickle() -> None:
    resp = cmcore.parse_response(spec_json("json_response_200_mixed.json"))
    with pytest.raises(AttributeError):
        resp.details = "x"  # type: ignore[misc]
    copy = pickle.loads(pickle.dumps(resp.messages[1].error_code))
    assert copy is ErrorCode.INVALID_BODY


def test_error_code_tables() -> None:
    assert [int(c) for c in ErrorCode] == [0, 999, 101, 102, 103, 201, 202, 203, 301, 302, 303, 304, 305, 401, 402, 403, 500]
    assert [int(c) for c in cmcore.StatusCode] == [0, 1, 2, 3, 4]
    assert cmcore.StatusCode.FAILED.is_error and not cmcore.StatusCode.READ.is_error
    assert ErrorCode(304).description == "This MSG has an invalid Body field (per msg)"

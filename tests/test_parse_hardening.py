"""Parsers on hostile input: only ResponseError (TypeError for what is not bytes or str),
nothing dropped, rounded or overwritten silently, memory linear in the input, results that
pickle, and no product token in any result or error."""

from __future__ import annotations

import copy
import pickle
import tracemalloc
from typing import Any

import orjson
import pytest

import cmcore

TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"


def report(msg: dict[str, Any], **envelope: Any) -> bytes:
    return orjson.dumps({"messages": {**envelope, "msg": msg}})


def msg(**fields: Any) -> dict[str, Any]:
    return {"to": "0031612345678", "status": {"code": "2"}, **fields}


def refused(data: bytes | str, location: str | None = None) -> cmcore.ResponseError:
    with pytest.raises(cmcore.ResponseError) as info:
        cmcore.parse_status_report(data)
    if location is not None:
        assert info.value.location == location
    return info.value


# -- untyped errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    '{"messages": {"msg": {"to": "\ud800", "status": {"code": "2"}}}}',
    '<MESSAGES><MSG><TO>\ud800</TO><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>',
])
def test_a_str_with_a_lone_surrogate(data: str) -> None:
    refused(data)


@pytest.mark.parametrize("time", ["2024-01-01T10:00:00+99:00", "2024-01-01T10:00:00+24:00",
                                  "9999-12-31T23:59:59Z", "0001-01-01T00:30:00+01:00",
                                  "0001-01-01T00:00:00", "2024-01-01T10:00:00.1234567890123456789",
                                  "٢٠٢٤-01-01T10:00:00", "2024-01-01T10:00:00+０1:00"])
def test_times_out_of_range_or_not_ascii(time: str) -> None:
    if time == "0001-01-01T00:00:00":
        assert cmcore.parse_status_report(report(msg(received=time)))[0].received is not None
        return
    refused(report(msg(received=time)), "msg[0].received")


@pytest.mark.parametrize("code", ["²", "٣", "３", "1" * 5000, "-1", "1.5", " 2 x"])
def test_codes_are_ascii_digits(code: str) -> None:
    refused(report(msg(status={"code": code})), "msg[0].status.code")
    if not any(c.isalpha() for c in code):  # words in errorCode are a description, below
        refused(report(msg(status={"code": "2", "errorCode": code})), "msg[0].status.errorcode")


@pytest.mark.parametrize("words", ["Unknown subscriber", " 2 x", "[STATUSDESCRIPTION]"])
def test_an_error_code_in_words_is_kept_as_the_description(words: str) -> None:
    """The spec's status report template fills errorCode with [STATUSDESCRIPTION]: words are
    kept as the description, or beside a description given too, and the report stands."""
    (got,) = cmcore.parse_status_report(report(msg(status={"code": "3", "errorCode": words})))
    assert (got.error_code, got.status_description) == (None, words)
    (got,) = cmcore.parse_status_report(report(msg(status={"code": "3", "errorCode": words,
                                                           "description": "Failed"})))
    assert (got.status_description, got.extra["status.errorcode"]) == ("Failed", words)


def test_deep_json_and_odd_keys() -> None:
    refused(b'{"messages": {"msg": ' + b"[" * 5000 + b"]" * 5000 + b"}}")
    got = cmcore.parse_status_report(report(msg(**{"\x00": 1, "\x00duplicates": 2})))
    assert dict(got[0].extra) == {"\x00": 1, "\x00duplicates": 2}


# -- silent changes -----------------------------------------------------------------------------

def test_a_number_that_cannot_come_back_as_written_is_refused() -> None:
    refused(b'{"messages": {"msg": {"to": 316000000000000000000000, "status": {"code": "2"}}}}', "msg[0].to")
    refused(b'{"messages": {"msg": {"to": 31.6, "status": {"code": "2"}}}}', "msg[0].to")
    exact = cmcore.parse_status_report(b'{"messages": {"msg": {"to": 31612345678, "status": {"code": "2"}}}}')
    assert exact[0].to == "31612345678"


def test_two_spellings_of_one_time_are_an_error() -> None:
    refused(report(msg(sent="2024-01-01T10:00:00", send="2024-01-01T11:00:00")), "msg[0].send")
    refused(report(msg(), sent="2024-01-01T10:00:00", send="2024-01-01T11:00:00"), "messages.send")
    # the message's own spelling wins over the envelope's, as every field of the envelope does
    own = cmcore.parse_status_report(report(msg(send="2024-01-01T11:00:00"), sent="2024-01-01T10:00:00"))
    assert own[0].sent is not None and own[0].sent.hour == 11


def test_a_second_description_is_kept_not_overwritten() -> None:
    [one] = cmcore.parse_status_report(report(msg(statusDescription="Delivered",
                                                  status={"code": "2", "description": "Done"})))
    assert one.status_description == "Delivered" and one.extra["status.description"] == "Done"
    [same] = cmcore.parse_status_report(report(msg(statusDescription="Delivered",
                                                   status={"code": "2", "description": "Delivered"})))
    assert same.status_description == "Delivered" and not same.extra


def test_keys_that_differ_only_in_case_are_refused_at_every_level() -> None:
    refused(b'{"messages": {"msg": {"to": "1", "status": {"code": "2"}}, "Operator": "a", "operator": "b"}}', "messages")
    refused(b'{"messages": {"msg": []}, "Messages": {"msg": []}}', "report")
    refused(b'{"messages": {"msg": {"to": "1", "status": {"code": "2"}}, "MSG": []}}', "messages")


def test_fields_around_messages_are_kept() -> None:
    [one] = cmcore.parse_status_report(b'{"messages": {"msg": {"to": "1", "status": {"code": "2"}}}, "hook": 7}')
    assert dict(one.extra) == {"report.hook": 7}


def test_duplicate_tlvs_are_an_error_and_str_is_named() -> None:
    tlv = (0x1401).to_bytes(2, "big") + (6).to_bytes(2, "big") + b"20416\x00"
    with pytest.raises(cmcore.ResponseError, match="appears twice"):
        cmcore.parse_tlvs(tlv + tlv)
    other = (0x0427).to_bytes(2, "big") + (1).to_bytes(2, "big") + b"\x02"
    with pytest.raises(cmcore.ResponseError, match="appears twice"):
        cmcore.parse_tlvs(other + other)
    with pytest.raises(TypeError, match="bytes, bytearray or memoryview, not str"):
        cmcore.parse_tlvs("x")  # type: ignore[arg-type]
    assert cmcore.parse_tlvs(memoryview(tlv)).operator == "20416"


def test_receipt_bytes_are_decoded_strictly() -> None:
    with pytest.raises(cmcore.ResponseError, match="0xE9 at offset 26"):
        cmcore.parse_delivery_receipt(b"id:1 stat:DELIVRD text:caf\xe9")
    for bad in ("err:\u0663", "err:\uff11", "err:" + "1" * 11):
        with pytest.raises(cmcore.ResponseError):
            cmcore.parse_delivery_receipt(f"id:1 stat:DELIVRD {bad}")
    with pytest.raises(cmcore.ResponseError):
        cmcore.parse_delivery_receipt("id:1 stat:DELIVRD submit date:\u0662\u0660240101000000")
    assert cmcore.parse_delivery_receipt("id:1 stat:DELIVRD text:café".encode()).extra["text"] == "café"


# -- linear in the input, in memory -------------------------------------------------------------

def envelope_heavy(n: int) -> bytes:
    envelope = {f"k{i}": i for i in range(n)}
    return orjson.dumps({"messages": {**envelope, "msg": [msg(reference=str(i)) for i in range(n)]}})


def envelope_heavy_xml(n: int) -> bytes:
    attributes = " ".join(f'K{i}="{i}"' for i in range(n))
    msgs = "".join(f"<MSG><TO>1</TO><STATUS><CODE>2</CODE></STATUS></MSG>" for _ in range(n))
    return f"<MESSAGES {attributes}>{msgs}</MESSAGES>".encode()


@pytest.mark.parametrize("build", [envelope_heavy, envelope_heavy_xml])
def test_peak_memory_grows_linearly_with_the_input(build: Any) -> None:
    peaks = []
    for n in (1000, 4000):
        data = build(n)
        tracemalloc.start()
        reports = cmcore.parse_status_report(data)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert len(reports) == n and len(reports[-1].extra) == n
        peaks.append(peak / len(data))
    assert peaks[1] < 1.5 * peaks[0], peaks  # per input byte: flat, not growing with n
    assert peaks[1] < 60, peaks


# -- results pickle, deep-copy, and compare equal after -----------------------------------------

def results() -> list[Any]:
    [rep] = cmcore.parse_status_report(report(msg(x=[1, {"y": 2}], received="2024-10-27T02:30:00"), env="e"))
    resp = cmcore.parse_response(b'{"errorCode": 201, "details": "x", "extra": 1, "messages": '
                                 b'[{"to": "1", "status": "Rejected", "messageErrorCode": 777, "more": [1]}]}')
    receipt = cmcore.parse_delivery_receipt("id:1 stat:DELIVRD err:000 submit date:20240101000000 text:hi")
    tlvs = cmcore.parse_tlvs(bytes.fromhex("1401000632303431360004270001 02".replace(" ", "")))
    return [rep, resp, resp.messages[0], receipt, tlvs]


@pytest.mark.parametrize("index", range(5))
def test_results_pickle_and_deep_copy(index: int) -> None:
    value = results()[index]
    for copied in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value), copy.copy(value)):
        assert copied == value and repr(copied) == repr(value)
        for name in ("extra", "other"):
            if hasattr(value, name):
                assert dict(getattr(copied, name)) == dict(getattr(value, name))
    with pytest.raises((AttributeError, TypeError)):
        value.extra["new"] = 1 if hasattr(value, "extra") else value.other.__setitem__(1, b"")


def test_shared_envelope_fields_pickle_once() -> None:
    reports = cmcore.parse_status_report(envelope_heavy(2000))
    back = pickle.loads(pickle.dumps(reports))
    assert back == reports and dict(back[5].extra) == dict(reports[5].extra)
    assert len(pickle.dumps(reports)) < 4 * len(envelope_heavy(2000))


# -- the product token, in the gateway's answers ------------------------------------------------

@pytest.mark.parametrize("echo", [
    f"'{TOKEN}'", f'"{TOKEN}"', f"'{TOKEN}", f"{TOKEN}", "'abc'def'", "'unterminated abc", '"ab\'c"',
])
def test_every_form_of_the_token_echo_is_redacted(echo: str) -> None:
    token = TOKEN if TOKEN in echo else echo.strip("'\"")
    text = f"Error: ERROR Parameter 'producttoken' contains an invalid value: {echo}"
    for body in (text, orjson.dumps({"details": text[13:], "errorCode": 103, "messages": []})):
        resp = cmcore.parse_response(body)
        assert token not in repr(resp) and token not in str(resp.details)
        with pytest.raises(cmcore.ResponseError) as info:
            resp.raise_for_error()
        assert token not in str(info.value)


def test_the_token_in_unknown_fields_and_wrong_types_is_not_shown() -> None:
    body = orjson.dumps({"errorCode": 0, "details": "ok", "producttoken": "secret-value", "echo": TOKEN,
                         "nested": {"Authentication": {"productToken": "secret-value"}, "list": [TOKEN]},
                         "messages": [{"to": "1", "status": "Accepted", "tokenEcho": "secret-value",
                                       "note": f"request {TOKEN} ok"}]})
    resp = cmcore.parse_response(body)
    assert "secret-value" not in repr(resp) and TOKEN not in repr(resp)
    assert "secret-value" not in repr(pickle.loads(pickle.dumps(resp)))
    with pytest.raises(cmcore.ResponseError) as info:
        cmcore.parse_response(orjson.dumps({"details": ["x" * 10 + TOKEN], "messages": []}))
    assert TOKEN not in str(info.value)


def test_a_str_answer_with_a_bom_is_read_as_its_bytes_are() -> None:
    text = "\ufeffError: ERROR No account found for the given authentication"
    assert cmcore.parse_response(text) == cmcore.parse_response(text.encode("utf-8"))


def test_created_reads_ascii_digits_only() -> None:
    for details, want in (("Created 3 message(s)", 3), ("Created \u0663 message(s)", None),
                          ("Created " + "9" * 5000 + " message(s)", None)):
        resp = cmcore.parse_response(orjson.dumps({"details": details, "errorCode": 0, "messages": []}))
        assert resp.created == want


def test_arguments_of_the_wrong_type_are_type_errors() -> None:
    with pytest.raises(TypeError, match="http_status"):
        cmcore.parse_response(b"", http_status="200")  # type: ignore[arg-type]
    request = cmcore.Request(product_token=TOKEN, messages=[cmcore.Message(sender="CM", recipients="1", body="x")])
    with pytest.raises(TypeError, match="now"):
        cmcore.validate(request, now="2024-01-01")  # type: ignore[arg-type]


def test_an_echo_cut_short_in_an_error_shows_no_part_of_the_token() -> None:
    status = f"Parameter 'producttoken' contains an invalid value:   '{TOKEN}'"
    body = orjson.dumps({"errorCode": 201, "messages": [{"to": "1", "status": status}]})
    with pytest.raises(cmcore.ResponseError) as info:
        cmcore.parse_response(body)
    assert TOKEN[:12] not in str(info.value)
    with pytest.raises(cmcore.ResponseError) as keyed:
        cmcore.parse_response(orjson.dumps({"messages": [], TOKEN: 1, TOKEN.upper(): 2}))
    assert TOKEN[:12] not in str(keyed.value) and TOKEN.upper()[:12] not in str(keyed.value)


def test_unknown_fields_nested_too_deep_to_keep_are_refused() -> None:
    def nested(levels: int) -> bytes:
        return b'{"a": ' * levels + b'"' + TOKEN.encode() + b'"' + b"}" * levels

    kept = cmcore.parse_response(b'{"messages": [], "x": ' + nested(100) + b"}")
    assert TOKEN not in repr(kept.extra) and pickle.loads(pickle.dumps(kept)) == kept
    with pytest.raises(cmcore.ResponseError, match="nested more than 100") as info:
        cmcore.parse_response(b'{"messages": [], "x": ' + nested(1000) + b"}")
    assert info.value.location == "response.x"
    with pytest.raises(cmcore.ResponseError, match="nested more than 100"):
        cmcore.parse_status_report(b'{"messages": {"msg": {"to": "1", "status": {"code": "2"}, "x": ' + nested(500) + b"}}}")
    with pytest.raises(cmcore.ResponseError, match="nested more than 100"):
        cmcore.parse_status_report(b'{"messages": {"y": ' + nested(500) + b', "msg": {"to": "1", "status": {"code": "2"}}}}')

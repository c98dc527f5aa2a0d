"""Status reports, SMPP delivery receipts and CM's TLVs, with hostile and malformed input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import cmcore
from cmcore import AMSTERDAM, DeliveryError, MessageState, StatusCode

SPEC = Path(__file__).parent / "data" / "spec"


def fill(template: str) -> str:
    """The spec's status report template with its placeholders given real values."""
    for placeholder, value in {
        "[CREATED_S]": "2024-07-01T14:05:09", "[GSM]": "0031612345678", "[REFERENCE]": "order-17",
        "[STATUS]": "3", "[STATUSDESCRIPTION]": "24", "[STANDARDERRORTEXT]": "Unreachable",
        "[OPERATOR]": "20416",
    }.items():
        template = template.replace(placeholder, value)
    return template


@pytest.mark.parametrize("name", ["status_report_template.json", "status_report_template.xml"])
def test_spec_template_as_printed_is_refused(name: str) -> None:
    """The spec prints placeholders, not values: "[STATUS]" is no status code."""
    with pytest.raises(cmcore.ResponseError) as info:
        cmcore.parse_status_report((SPEC / name).read_bytes())
    assert info.value.location in ("msg[0].status.code", "msg[0].received")


@pytest.mark.parametrize("name", ["status_report_template.json", "status_report_template.xml"])
def test_spec_template_filled_in(name: str) -> None:
    [report] = cmcore.parse_status_report(fill((SPEC / name).read_text()))
    assert report.to == "0031612345678" and report.reference == "order-17"
    assert report.status is StatusCode.FAILED and report.status.is_error
    assert report.error_code is DeliveryError.UNREACHABLE and report.error_code.temporary
    assert report.error_description == "Unreachable"
    assert report.received == datetime(2024, 7, 1, 14, 5, 9, tzinfo=AMSTERDAM)
    assert report.received.utcoffset() == timedelta(hours=2)  # CEST
    if name.endswith(".json"):
        assert report.operator == "20416"


def test_json_array_of_msgs_and_every_field() -> None:
    body = b"""{"messages": {"msg": [
        {"received": "2024-01-15T09:00:00", "created": "2024-01-15T08:59:58", "sent": "2024-01-15T09:00:01",
         "to": "0031612345678", "reference": "r1", "status": {"code": 2, "errorCode": "", "errorDescription": ""},
         "operator": "20408", "channel": "SMS", "customGrouping": "Campaign ABC", "customGrouping2": "Dept",
         "customGrouping3": "Src", "messageId": "abc"},
        {"received": "2024-01-15T09:00:02", "to": "0031612345679", "status": {"code": "4"}, "channel": "WhatsApp"}
    ]}}"""
    first, second = cmcore.parse_status_report(body)
    assert first.status is StatusCode.DELIVERED and first.error_code is None and first.error_description is None
    assert first.received == datetime(2024, 1, 15, 9, 0, tzinfo=AMSTERDAM)
    assert first.received.utcoffset() == timedelta(hours=1)  # CET
    assert (first.created.second, first.sent.second) == (58, 1)  # type: ignore[union-attr]
    assert (first.operator, first.channel) == ("20408", "SMS")
    assert (first.custom_grouping, first.custom_grouping2, first.custom_grouping3) == ("Campaign ABC", "Dept", "Src")
    assert first.extra == {"messageid": "abc"}
    assert second.status is StatusCode.READ and second.channel == "WhatsApp"


def test_xml_report_with_several_msgs_and_sent_on_messages() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
    <MESSAGES SENT="2024-10-27T02:30:00">
      <MSG RECEIVED="2024-10-27T02:29:59"><TO>0031612345678</TO><REFERENCE>a</REFERENCE>
        <STATUS><CODE>0</CODE><ERRORCODE/><ERRORDESCRIPTION/></STATUS><OPERATOR>20416</OPERATOR></MSG>
      <MSG RECEIVED="2024-10-27T03:00:00"><TO>0031612345679</TO>
        <STATUS><CODE>1</CODE><ERRORCODE>23</ERRORCODE><ERRORDESCRIPTION>Invalid</ERRORDESCRIPTION></STATUS>
        <CHANNEL>SMS</CHANNEL><CUSTOMGROUPING>c</CUSTOMGROUPING></MSG>
    </MESSAGES>"""
    a, b = cmcore.parse_status_report(body)
    assert a.status is StatusCode.ACCEPTED and a.operator == "20416" and a.error_code is None
    assert a.sent == b.sent == datetime(2024, 10, 27, 2, 30, tzinfo=AMSTERDAM)
    assert a.sent.utcoffset() == timedelta(hours=2)  # the repeated hour: first reading (CEST)  # type: ignore[union-attr]
    assert b.error_code is DeliveryError.INCORRECT_RECIPIENT and b.error_code.permanent
    assert (b.channel, b.custom_grouping, b.reference) == ("SMS", "c", None)


def test_times_with_an_offset_are_converted() -> None:
    body = b'{"messages": {"msg": {"to": "1", "received": "2024-07-01T12:00:00Z", "status": {"code": 2}}}}'
    [report] = cmcore.parse_status_report(body)
    assert report.received == datetime(2024, 7, 1, 12, tzinfo=timezone.utc)
    assert report.received.tzinfo is AMSTERDAM and report.received.hour == 14  # type: ignore[union-attr]
    body = b'{"messages": {"msg": {"to": "1", "received": "2024-07-01T12:00:00.5+01:00", "status": {"code": 2}}}}'
    assert cmcore.parse_status_report(body)[0].received.hour == 13  # type: ignore[union-attr]


@pytest.mark.parametrize("body, location", [
    (b'{"messages": {"msg": {"to": "1", "status": {"code": "x"}}}}', "msg[0].status.code"),
    (b'{"messages": {"msg": {"to": "1", "status": {}}}}', "msg[0].status.code"),
    (b'{"messages": {"msg": {"to": "1", "status": {"code": 2}, "received": "yesterday"}}}', "msg[0].received"),
    (b'{"messages": {"msg": {"to": "1", "status": {"code": 2}, "received": "2024-02-30T00:00:00"}}}', "msg[0].received"),
    (b'{"messages": {"msg": {"to": ["1"], "status": {"code": 2}}}}', "msg[0].to"),
    (b'{"messages": {}}', "messages.msg"),
    (b'{"messages": {"msg": {"to": "1", "To": "2", "status": {"code": 2}}}}', "msg[0]"),
    (b'{"messages": {"msg": {"status": {"code": 2}}}, "Messages": {}}', "report"),
    (b'{"messages": {"msg": [1]}}', "msg[0]"),
    (b'{"messages": {"msg": {"to": "1", "status": {"code": 2}}', "body"),
    (b"<MESSAGES><MSG><TO>1</TO></MSG>", "body"),
    (b"<MESSAGES></MESSAGES>", "MESSAGES"),
    (b"<MESSAGES><MSG><TO>1</TO>\n<TO>2</TO><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>", "line 2"),
    (b"<REPORT/>", "body"),
    (b"status=2", "body"),
])
def test_malformed_reports(body: bytes, location: str) -> None:
    with pytest.raises(cmcore.ResponseError) as info:
        cmcore.parse_status_report(body)
    assert info.value.location == location


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE MESSAGES [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>
<MESSAGES><MSG><TO>&xxe;&net;</TO><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<MESSAGES><MSG><TO>&lol9;</TO><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_hostile_xml_is_refused(payload: bytes) -> None:
    with pytest.raises(cmcore.ResponseError, match="not allowed"):
        cmcore.parse_status_report(payload)


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_the_parser_itself_expands_nothing(payload: bytes) -> None:
    """Even past the DTD check, the parser neither reads files nor expands entities."""
    from lxml import etree

    root = etree.fromstring(payload, cmcore._reports._PARSERS.parser)
    text = etree.tostring(root)
    assert b"root:" not in text and b"lollol" not in text
    assert len(text) < 500


def test_status_report_size_limit_and_types() -> None:
    with pytest.raises(cmcore.ResponseError, match="more than the limit"):
        cmcore.parse_status_report(b" " * 2000, max_size=1000)
    with pytest.raises(TypeError, match="argument 'data'"):
        cmcore.parse_status_report(123)  # type: ignore[arg-type]


RECEIPT = "id:0123456789abcdef0123456789abcdef submit date:20240131235959 done date:20240201000102 stat:DELIVRD err:000"


def test_receipt_in_the_spec_format() -> None:
    receipt = cmcore.parse_delivery_receipt(RECEIPT)
    assert receipt.id == "0123456789abcdef0123456789abcdef"
    assert receipt.state is MessageState.DELIVERED and receipt.state.final
    assert receipt.error is DeliveryError.NONE
    assert receipt.submitted == datetime(2024, 1, 31, 23, 59, 59)
    assert receipt.done == datetime(2024, 2, 1, 0, 1, 2)
    assert receipt.submitted.tzinfo is None  # type: ignore[union-attr]


def test_receipt_spec_placeholder_line_is_refused() -> None:
    line = "id:IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII submit date:yyyyMMddHHmmss done date:yyyyMMddHHmmss stat:SSSSSSS err:EEE"
    with pytest.raises(cmcore.ResponseError) as info:
        cmcore.parse_delivery_receipt(line)
    assert info.value.location in ("stat", "submit date")


def test_receipt_any_order_any_whitespace() -> None:
    shuffled = "err:024\tstat:UNDELIV   done  date:20240201000102\n id:X1 submit date:20240131235959\x00"
    receipt = cmcore.parse_delivery_receipt(shuffled.encode())
    assert (receipt.id, receipt.state, receipt.error) == ("X1", MessageState.UNDELIVERABLE, DeliveryError.UNREACHABLE)
    assert receipt.done == datetime(2024, 2, 1, 0, 1, 2)


@pytest.mark.parametrize("stat, state", [
    ("DELIVRD", MessageState.DELIVERED), ("DELIVERD", MessageState.DELIVERED), ("EXPIRED", MessageState.EXPIRED),
    ("DELETED", MessageState.DELETED), ("UNDELIV", MessageState.UNDELIVERABLE), ("ACCEPTD", MessageState.ACCEPTED),
    ("UNKNOWN", MessageState.UNKNOWN), ("REJECTD", MessageState.REJECTED), ("ENROUTE", MessageState.ENROUTE),
    ("delivrd", MessageState.DELIVERED),
])
def test_every_message_state(stat: str, state: MessageState) -> None:
    assert cmcore.parse_delivery_receipt(f"id:1 stat:{stat} err:0").state is state
    assert state.final is (state is not MessageState.ENROUTE)


def test_standard_fields_are_kept_and_short_dates_read() -> None:
    line = "id:1 sub:001 dlvrd:001 submit date:2401312359 done date:240201000102 stat:DELIVRD err:000 text:Hello there world"
    receipt = cmcore.parse_delivery_receipt(line)
    assert receipt.extra == {"sub": "001", "dlvrd": "001", "text": "Hello there world"}
    assert receipt.submitted == datetime(2024, 1, 31, 23, 59)
    assert receipt.done == datetime(2024, 2, 1, 0, 1, 2)


def test_message_state_tlv() -> None:
    assert [MessageState.from_tlv(i) for i in range(1, 9)] == [
        MessageState.ENROUTE, MessageState.DELIVERED, MessageState.EXPIRED, MessageState.DELETED,
        MessageState.UNDELIVERABLE, MessageState.ACCEPTED, MessageState.UNKNOWN, MessageState.REJECTED]
    with pytest.raises(cmcore.ResponseError):
        MessageState.from_tlv(9)


@pytest.mark.parametrize("line, location", [
    ("submit date:20240131235959 stat:DELIVRD", "id"),
    ("id:1 err:000", "stat"),
    ("id:1 stat:DELIVERED2", "stat"),
    ("id:1 stat:DELIVRD err:abc", "err"),
    ("id:1 stat:DELIVRD submit date:20241301000000", "submit date"),
    ("id:1 stat:DELIVRD done date:2024", "done date"),
    ("id:1 id:2 stat:DELIVRD", "id"),
    ("id:1 stat:DELIVRD garbage", "receipt"),
    ("id:1 stat:DELIVRD " + "x:y " * 300, "body"),
])
def test_bad_receipts(line: str, location: str) -> None:
    with pytest.raises(cmcore.ResponseError) as info:
        cmcore.parse_delivery_receipt(line)
    assert info.value.location == location


def test_delivery_error_table() -> None:
    codes = [int(c) for c in DeliveryError if c]
    assert codes == [5, 7, 8, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43]
    assert {int(c) for c in DeliveryError if c.temporary} == {7, 8, 21, 22, 24, 25, 26, 30, 35, 36}
    assert DeliveryError(27).permanent and DeliveryError(29).permanent and DeliveryError(34).permanent
    assert DeliveryError(43).description == "Message not delivered because a template related error occured"
    unknown = DeliveryError(99)
    assert unknown == 99 and not unknown.known and not unknown.temporary


def tlv(tag: int, value: bytes) -> bytes:
    return tag.to_bytes(2, "big") + len(value).to_bytes(2, "big") + value


def test_cm_tlvs() -> None:
    data = tlv(0x0427, b"\x02") + tlv(0x1401, b"20416\x00") + tlv(0x140A, b"15\x00")
    tlvs = cmcore.parse_tlvs(data)
    assert (tlvs.operator, tlvs.mcc, tlvs.mnc, tlvs.tariff) == ("20416", "204", "16", 15)
    assert tlvs.other == {0x0427: b"\x02"}
    assert cmcore.parse_tlvs(tlv(0x1401, b"310260\x00")).mnc == "260"
    assert cmcore.parse_tlvs(b"") == cmcore.SmppTlvs()


@pytest.mark.parametrize("data", [
    b"\x14\x01\x00", tlv(0x1401, b"20416")[:-2], tlv(0x1401, b"2041x\x00"), tlv(0x1401, b"204\x00"),
    tlv(0x1401, b"20416123\x00"), tlv(0x140A, b"\x00"), tlv(0x140A, b"1234567\x00"),
])
def test_bad_tlvs(data: bytes) -> None:
    with pytest.raises(cmcore.ResponseError):
        cmcore.parse_tlvs(data)

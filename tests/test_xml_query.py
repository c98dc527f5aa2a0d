"""Golden outputs of the XML and GET builders, from the spec's own examples, and what they refuse."""

from __future__ import annotations

from lxml import etree
import pytest

import cmcore
from cmcore import Channel, Message, Request

SPEC_TOKEN = "00000000-0000-0000-0000-000000000000"


def xml(*messages: Message) -> bytes:
    return cmcore.build_xml(Request(product_token=SPEC_TOKEN, messages=list(messages)))


def canon(text: str) -> bytes:
    return etree.tostring(etree.fromstring(text.encode(), etree.XMLParser(remove_blank_text=True)))


def test_batch_golden() -> None:
    """'Batches - xml', element for element: a BODY without TYPE, which is GSM-7 (body_type None)."""
    built = xml(Message(sender="SenderName", recipients=["00447911123456", "00447911123457"], body="Test message",
                        body_type=None),
                Message(sender="OtherSender", recipients=["00447911123458", "00447911123459"], body="Other Test message",
                        body_type=None))
    assert built.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    assert canon(built.decode().split("\n", 1)[1]) == canon("""<MESSAGES>
      <AUTHENTICATION><PRODUCTTOKEN>00000000-0000-0000-0000-000000000000</PRODUCTTOKEN></AUTHENTICATION>
      <MSG><CHANNEL>SMS</CHANNEL><FROM>SenderName</FROM><TO>00447911123456</TO><TO>00447911123457</TO><BODY>Test message</BODY></MSG>
      <MSG><CHANNEL>SMS</CHANNEL><FROM>OtherSender</FROM><TO>00447911123458</TO><TO>00447911123459</TO><BODY>Other Test message</BODY></MSG>
    </MESSAGES>""")


def test_unicode_auto_parts_groupings_reference_golden() -> None:
    greek = "\u039a\u03b5\u03af\u03bc\u03b5\u03bd\u03bf"
    built = xml(Message(sender="SenderName", recipients=["00447911123456"], body=greek, body_type=cmcore.BodyType.AUTO,
                        min_parts=1, max_parts=8, reference="your_reference", custom_grouping="Campaign ABC",
                        custom_grouping2="Department XYZ", custom_grouping3="Source 123"))
    assert canon(built.decode().split("\n", 1)[1]) == canon(f"""<MESSAGES>
      <AUTHENTICATION><PRODUCTTOKEN>{SPEC_TOKEN}</PRODUCTTOKEN></AUTHENTICATION>
      <MSG><CHANNEL>SMS</CHANNEL><FROM>SenderName</FROM><TO>00447911123456</TO>
      <MINIMUMNUMBEROFMESSAGEPARTS>1</MINIMUMNUMBEROFMESSAGEPARTS><MAXIMUMNUMBEROFMESSAGEPARTS>8</MAXIMUMNUMBEROFMESSAGEPARTS>
      <BODY TYPE="AUTO">{greek}</BODY><REFERENCE>your_reference</REFERENCE><CUSTOMGROUPING>Campaign ABC</CUSTOMGROUPING>
      <CUSTOMGROUPING2>Department XYZ</CUSTOMGROUPING2><CUSTOMGROUPING3>Source 123</CUSTOMGROUPING3></MSG>
    </MESSAGES>""")
    assert "\u039a".encode() in built  # UTF-8, not character references


def test_push_golden_without_the_spec_stray_tag() -> None:
    """'Push - xml' as it should read: the spec's example closes </MSG> twice, which no XML parser accepts."""
    stray = "<MESSAGES><MSG><BODY>x</BODY></MSG>\n  </MSG>\n</MESSAGES>"
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(stray)
    built = xml(Message(sender="SenderName", recipients=["00447911123456"], body="This message defines allowed channels",
                        allowed_channels=[Channel.PUSH], app_key=SPEC_TOKEN))
    root = etree.fromstring(built)
    assert [e.tag for e in root.find("MSG")] == ["CHANNEL", "FROM", "TO", "BODY", "ALLOWEDCHANNELS", "APPKEY"]
    assert root.findtext("MSG/ALLOWEDCHANNELS") == "Push" and root.findtext("MSG/APPKEY") == SPEC_TOKEN


def test_escaping() -> None:
    root = etree.fromstring(xml(Message(sender="AB", recipients=["00447911123456"], body="<b> & \"q\" 'a'",
                                        custom_grouping="A&B <c>")))
    assert root.findtext("MSG/BODY") == "<b> & \"q\" 'a'" and root.findtext("MSG/CUSTOMGROUPING") == "A&B <c>"


@pytest.mark.parametrize("fields, code, location", [
    ({"allowed_channels": ["WhatsApp"]}, 305, "msg[0].allowedChannels[0]"),
    ({"validity": "2h"}, 305, "msg[0].validity"),
    ({"body": "bell \x07"}, 304, "msg[0].body"),
    ({"body": "half \ud83d"}, 304, "msg[0].body"),
    ({"custom_grouping": "nul\x00"}, 305, "msg[0].customGrouping"),
])
def test_xml_refuses_what_it_cannot_send(fields: dict[str, object], code: int, location: str) -> None:
    base: dict[str, object] = {"sender": "SenderName", "recipients": ["00447911123456"], "body": "x"}
    with pytest.raises(cmcore.PayloadError) as info:
        xml(Message(**{**base, **fields}))  # type: ignore[arg-type]
    assert (info.value.code, info.value.location) == (code, location)


def test_get_golden_is_the_spec_example() -> None:
    request = Request(product_token=SPEC_TOKEN, messages=[Message(
        sender="SenderName", recipients=["00447911123456"], body="Example message text", reference="your_reference")])
    assert cmcore.build_query(request) == (
        "producttoken=00000000-0000-0000-0000-000000000000&body=Example+message+text"
        "&to=00447911123456&from=SenderName&reference=your_reference")
    http = cmcore.query_request(request)
    assert http.method == "GET" and http.url.startswith(cmcore.XML_ENDPOINT + "?producttoken=")
    assert SPEC_TOKEN not in repr(http)


@pytest.mark.parametrize("fields, code", [
    ({"recipients": ["00447911123456", "00447911123457"]}, 302),
    ({"body": "\u00e7a va"}, 304),
    ({"body": "a" * 161}, 304),
    ({"body": "\u20ac" * 81}, 304),
    ({"dcs": 8}, 305),
    ({"min_parts": 1, "max_parts": 2}, 305),
    ({"validity": "2h"}, 305),
    ({"allowed_channels": ["Push"], "app_key": "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"}, 305),
])
def test_get_refuses_and_says_post(fields: dict[str, object], code: int) -> None:
    base: dict[str, object] = {"sender": "SenderName", "recipients": ["00447911123456"], "body": "x"}
    with pytest.raises(cmcore.PayloadError, match="POST") as info:
        cmcore.build_query(Request(product_token=SPEC_TOKEN, messages=[Message(**{**base, **fields})]))  # type: ignore[arg-type]
    assert info.value.code == code
    assert cmcore.build_query(Request(product_token=SPEC_TOKEN, messages=[Message(**{**base, "body": "\u20ac" * 80})]))

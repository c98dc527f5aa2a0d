"""load_xml() and load_query(): every XML and GET example of both spec editions read and rebuilt
(its mistakes kept, and what cmcore does with each said), the builders' spec forms (escaping,
Push and Hybrid, no validity), hostile input refused with typed errors that never show the
token, and build -> load -> build stable in all three formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import cmcore
from cmcore import BodyType, Channel, Message, Request
from cmcore import _xml_load

from conftest import examples

SPEC = Path(__file__).parent / "data" / "spec"
XML_EXAMPLES = sorted((SPEC / "examples").glob("*.xml"))
GET_EXAMPLES = sorted((SPEC / "examples").glob("*.url"))
SPEC_TOKEN = "00000000-0000-0000-0000-000000000000"
TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"
# "Push - xml" closes </MSG> twice in both editions: no XML parser reads it.
STRAY = {"current-xml09-line3712.xml", "older-xml08-line1169.xml"}
# The status report template ("Or in XML format"): a report, not a request, of placeholders.
REPORT = "current-xml01-line3459.xml"
REQUESTS = [p for p in XML_EXAMPLES if p.name not in STRAY | {REPORT}]


def canon(data: bytes | str) -> bytes:
    raw = data.encode() if isinstance(data, str) else data
    return etree.tostring(etree.fromstring(raw, etree.XMLParser(remove_blank_text=True)))


def problems(call: object, data: object) -> list[tuple[int, str]]:
    with pytest.raises(cmcore.PayloadError) as info:
        call(data)  # type: ignore[operator]
    return [(e.code, e.location) for e in info.value.errors]


def doc(msg: str = "<FROM>CM</FROM><TO>0031612345678</TO><BODY>hi</BODY>", token: str = TOKEN, top: str = "") -> str:
    return (f"<MESSAGES><AUTHENTICATION><PRODUCTTOKEN>{token}</PRODUCTTOKEN></AUTHENTICATION>"
            f"<MSG>{msg}</MSG>{top}</MESSAGES>")


# -- the spec's XML examples ---------------------------------------------------------------


def test_fixture_census() -> None:
    """Every XML example and GET URL of both editions is a fixture, and each is tested below."""
    assert [p.name.split("-")[0] for p in XML_EXAMPLES].count("current") == 10
    assert [p.name.split("-")[0] for p in XML_EXAMPLES].count("older") == 9
    assert len(REQUESTS) == 16 and len(GET_EXAMPLES) == 2
    assert STRAY | {REPORT} <= {p.name for p in XML_EXAMPLES}


@pytest.mark.parametrize("path", REQUESTS, ids=lambda p: p.name)
def test_xml_examples_load_and_rebuild(path: Path) -> None:
    raw = path.read_bytes()
    request = cmcore.load_xml(raw)
    assert request.product_token.reveal() == SPEC_TOKEN
    assert canon(cmcore.build_xml(request)) == canon(raw)
    assert cmcore.load_xml(raw.decode()) == request  # a str reads the same


def test_examples_keep_what_they_said() -> None:
    by_line = {p.name.split("-", 2)[2]: cmcore.load_xml(p.read_bytes()).messages for p in REQUESTS}
    [unicode] = by_line["line3644.xml"]
    assert (unicode.dcs, unicode.body_type) == (8, None)  # DCS as given, no TYPE: no body type
    [auto] = by_line["line3660.xml"]
    assert (auto.dcs, auto.body_type, auto.min_parts, auto.max_parts) == (None, BodyType.AUTO, 1, 8)
    first, second = by_line["line3605.xml"]
    assert first.recipients == ("00447911123456", "00447911123457") and first.body_type is None
    assert second.sender == "OtherSender"
    [hybrid] = by_line["line3730.xml"]
    assert hybrid.allowed_channels == (Channel.PUSH, Channel.SMS) and hybrid.app_key == SPEC_TOKEN


@pytest.mark.parametrize("name", sorted(STRAY))
def test_push_example_with_its_stray_closing_tag(name: str) -> None:
    """Refused as printed (202, not well-formed); without the stray </MSG> it rebuilds as
    printed: CHANNEL SMS, the body, then ALLOWEDCHANNELS Push and APPKEY."""
    raw = (SPEC / "examples" / name).read_text(encoding="utf-8")
    assert problems(cmcore.load_xml, raw) == [(202, "body")]
    repaired = raw.replace("  </MSG>\n  </MSG>\n", "  </MSG>\n")
    request = cmcore.load_xml(repaired)
    assert request.messages[0].allowed_channels == ("Push",)
    assert canon(cmcore.build_xml(request)) == canon(repaired)


def test_xml_push_forms_are_the_older_json_push_examples() -> None:
    """The older edition's JSON Push examples have the XML ones' bodies: ["Push"] is "Push -
    xml", ["Push", "SMS"] is "Hybrid - xml" (CHANNEL Push). Each pair loads to one model."""
    push_xml = (SPEC / "examples" / "older-xml08-line1169.xml").read_text().replace("  </MSG>\n  </MSG>\n", "  </MSG>\n")
    pairs = [(push_xml, "older-21-line871.json"),
             ((SPEC / "examples" / "older-xml09-line1187.xml").read_text(), "older-22-line893.json")]
    for xml, json_name in pairs:
        from_json = cmcore.validate(cmcore.load_json((SPEC / "examples" / json_name).read_bytes()))
        from_xml = cmcore.validate(cmcore.load_xml(xml))
        assert from_json == from_xml


def test_status_report_example_is_no_request() -> None:
    """The XML status report template is the fixture test_reports.py refuses as printed; as a
    request it lacks a token, FROM and BODY and has a report's RECEIVED and STATUS."""
    raw = (SPEC / "examples" / REPORT).read_bytes()
    assert raw == (SPEC / "status_report_template.xml").read_bytes()
    # FROM is validate()'s to require (Push alone may leave it out), as for JSON
    assert problems(cmcore.load_xml, raw) == [(305, "msg[0].received"), (305, "msg[0].status"),
                                              (304, "msg[0].body"), (103, "authentication.productToken")]
    with pytest.raises(cmcore.ResponseError):
        cmcore.parse_status_report(raw)


def test_the_dutch_number_one_digit_too_long_is_kept_and_refused_by_the_build() -> None:
    """00316012345678 is in the JSON examples only (test_json.py); in XML or GET it is read as
    given, and every builder refuses it with 303, as the gateway would."""
    assert not [p for p in XML_EXAMPLES + GET_EXAMPLES if b"00316012345678" in p.read_bytes()]
    request = cmcore.load_xml(doc("<FROM>CM</FROM><TO>00316012345678</TO><BODY>hi</BODY>"))
    assert request.messages[0].recipients == ("00316012345678",)
    for build in (cmcore.build_xml, cmcore.build_json, cmcore.build_query):
        assert problems(build, request) == [(303, "msg[0].to[0]")]
    query = cmcore.load_query(f"producttoken={TOKEN}&from=CM&to=00316012345678&body=hi")
    assert query.messages[0].recipients == ("00316012345678",)


# -- the spec's GET example ----------------------------------------------------------------


@pytest.mark.parametrize("path", GET_EXAMPLES, ids=lambda p: p.name)
def test_get_example_loads_and_rebuilds(path: Path) -> None:
    url = path.read_text(encoding="utf-8").strip()
    request = cmcore.load_query(url)
    [msg] = request.messages
    assert (msg.sender, msg.recipients, msg.body, msg.reference) == (
        "SenderName", ("00447911123456",), "Example message text", "your_reference")
    assert msg.body_type is None and request.product_token.reveal() == SPEC_TOKEN
    query = url.split("?", 1)[1]
    assert cmcore.build_query(request) == query
    assert cmcore.load_query(query) == request == cmcore.load_query("?" + query)


def test_get_names_ignore_case_and_values_are_percent_decoded() -> None:
    request = cmcore.load_query(f"ProductToken={TOKEN}&BODY=Hi+there%21+1%2B1%3D2+%C3%A9&To=0031612345678&From=CM"
                                "&REFERENCE=r1&AppKey=k")
    msg = request.messages[0]
    assert (msg.body, msg.sender, msg.reference, msg.app_key) == ("Hi there! 1+1=2 \u00e9", "CM", "r1", "k")


@pytest.mark.parametrize("query, expected", [
    ("producttoken=%s&from=CM&to=1&body=x&zeta=1", [(305, "zeta")]),
    ("producttoken=%s&from=CM&to=1&body=x&dcs=8", [(305, "msg[0].dcs")]),
    ("producttoken=%s&from=CM&to=1&body=x&VALIDITY=2h", [(305, "msg[0].validity")]),
    ("producttoken=%s&from=CM&to=1&TO=2&body=x", [(202, "msg[0].to")]),
    ("producttoken=%s&from=CM&to=1&body=100%", [(202, "msg[0].body")]),
    ("producttoken=%s&from=CM&to=1&body=%zz", [(202, "msg[0].body")]),
    ("producttoken=%s&from=CM&to=1&body=%ff", [(202, "msg[0].body")]),
    ("producttoken=%s&from=CM&to=1&body", [(202, "msg[0].body")]),
    ("producttoken=%s&from=CM&to=1&body=a#b", [(202, "query")]),
    ("producttoken=%s", [(301, "msg[0].from"), (302, "msg[0].to"), (304, "msg[0].body")]),
    ("", [(103, "authentication.productToken"), (301, "msg[0].from"), (302, "msg[0].to"), (304, "msg[0].body")]),
])
def test_get_refuses(query: str, expected: list[tuple[int, str]]) -> None:
    assert problems(cmcore.load_query, query.replace("%s", TOKEN, 1)) == expected


def test_get_empty_pieces_hold_nothing_and_a_url_gives_its_query() -> None:
    plain = cmcore.load_query(f"producttoken={TOKEN}&from=CM&to=1&body=x")
    assert cmcore.load_query(f"&producttoken={TOKEN}&&from=CM&to=1&body=x&") == plain
    assert cmcore.load_query(f"https://gw.cmtelecom.co.za/gateway.ashx?producttoken={TOKEN}&from=CM&to=1&body=x") == plain
    assert cmcore.load_query(f"producttoken={TOKEN}&from=CM&to=1&body=what%3F") .messages[0].body == "what?"
    with pytest.raises(TypeError):
        cmcore.load_query(b"producttoken=x")  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [
    "producttoken={t}&producttoken={o}&from=CM&to=1&body=x&zeta=1",  # both are kept secret
    "producttoken={t}%zz&from=CM&to=1&body=x",
    "producttoken={t}%ff&from=CM&to=1&body=x",
    "producttoken={t}&{t}=1&from=CM&to=1&body=x",
    "producttoken={t}&from={t}&from={t}&to={t}&to={t}",
    "PRODUCTTOKEN={t}&body=x&to=1&from=CM&reference={t}&reference={t}#{t}",
    "{t}=1&producttoken={t}",
])
def test_the_token_is_in_no_get_error(query: str) -> None:
    other = "a1b2c3d4-0000-4000-8000-00000000abcd"
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_query(query.replace("{t}", TOKEN).replace("{o}", other))
    for error in (info.value, *info.value.errors):
        for secret in (TOKEN, other):
            assert secret not in str(error) and secret not in repr(error) and secret not in error.location
    assert TOKEN not in repr(cmcore.load_query(f"producttoken={TOKEN}&from=CM&to=1&body=x"))


# -- the builder's spec forms --------------------------------------------------------------


def build(**fields: object) -> bytes:
    base: dict[str, object] = {"sender": "SenderName", "recipients": ["00447911123456"], "body": "x"}
    return cmcore.build_xml(Request(product_token=SPEC_TOKEN, messages=[Message(**{**base, **fields})]))  # type: ignore[arg-type]


def test_text_escapes_the_five_characters_of_the_spec_table() -> None:
    """"The following characters must be escaped": " &quot;, ' &apos;, < &lt;, > &gt;, & &amp;
    (a carriage return too, as &#13;, or a parser would read it as a line feed)."""
    body = "a \"q\" 'b' <c> & d\r\n"
    built = build(body=body, custom_grouping="\"'<>&")
    assert b"<BODY TYPE=\"AUTO\">a &quot;q&quot; &apos;b&apos; &lt;c&gt; &amp; d&#13;\n</BODY>" in built
    assert b"<CUSTOMGROUPING>&quot;&apos;&lt;&gt;&amp;</CUSTOMGROUPING>" in built
    msg = cmcore.load_xml(built).messages[0]
    assert (msg.body, msg.custom_grouping) == (body, "\"'<>&")


def tags(built: bytes) -> list[str]:
    return [f"{e.tag}={e.text}" if e.tag in ("CHANNEL", "ALLOWEDCHANNELS") else e.tag
            for e in etree.fromstring(built).find("MSG")]


def test_push_alone_is_the_push_example_form() -> None:
    built = build(allowed_channels=["Push"], app_key=SPEC_TOKEN)
    assert tags(built) == ["CHANNEL=SMS", "FROM", "TO", "BODY", "ALLOWEDCHANNELS=Push", "APPKEY"]


def test_push_then_sms_is_the_hybrid_example_form() -> None:
    built = build(allowed_channels=["Push", "SMS"], app_key=SPEC_TOKEN)
    assert tags(built) == ["CHANNEL=Push", "FROM", "TO", "APPKEY", "BODY"]
    assert cmcore.load_xml(built).messages[0].allowed_channels == (Channel.PUSH, Channel.SMS)


def test_other_channel_lists_are_written_as_allowed_channels() -> None:
    assert tags(build(allowed_channels=["SMS", "Push"], app_key=SPEC_TOKEN)) == [
        "CHANNEL=SMS", "FROM", "TO", "BODY", "ALLOWEDCHANNELS=SMS", "ALLOWEDCHANNELS=Push", "APPKEY"]
    assert tags(build()) == ["CHANNEL=SMS", "FROM", "TO", "BODY"]


def test_the_earlier_push_form_still_loads() -> None:
    """cmcore wrote CHANNEL Push beside ALLOWEDCHANNELS Push before: read as Push alone."""
    old = doc("<CHANNEL>Push</CHANNEL><FROM>CM</FROM><TO>0031612345678</TO><BODY>hi</BODY>"
              "<ALLOWEDCHANNELS>Push</ALLOWEDCHANNELS><APPKEY>k</APPKEY>")
    assert cmcore.load_xml(old).messages[0].allowed_channels == ("Push",)


def test_validity_does_not_belong_in_xml() -> None:
    """Neither edition names an XML element for validity: the XML examples and the parameter
    table (PRODUCTTOKEN, MSG, FROM, TO, BODY, DCS, REFERENCE, the parts, APPKEY) have none,
    and "Validity period" shows only JSON. A guessed <VALIDITY> might be ignored by the
    gateway and the message sent without its expiry, so both ways refuse it, saying JSON."""
    with pytest.raises(cmcore.PayloadError, match="no validity.*build_json") as info:
        build(validity="2h")
    assert (info.value.code, info.value.location) == (305, "msg[0].validity")
    msg = "<FROM>CM</FROM><TO>0031612345678</TO><BODY>hi</BODY><Validity>2h</Validity>"
    with pytest.raises(cmcore.PayloadError, match="no validity.*JSON") as info:
        cmcore.load_xml(doc(msg))
    assert (info.value.code, info.value.location) == (305, "msg[0].validity")


# -- load_xml on other and hostile input ---------------------------------------------------


def test_names_ignore_case() -> None:
    lower = ('<messages><authentication><productToken>%s</productToken></authentication><msg><from>CM</from>'
             '<to>0031612345678</to><Body Type="auto">hi</Body><dcs>0</dcs><AllowedChannels>SMS</AllowedChannels>'
             '</msg></messages>' % TOKEN)
    msg = cmcore.load_xml(lower).messages[0]
    assert (msg.sender, msg.body, msg.body_type, msg.dcs, msg.allowed_channels) == ("CM", "hi", BodyType.AUTO, 0, ("SMS",))


@pytest.mark.parametrize("msg, expected", [
    ("<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><COLOR>red</COLOR>", [(305, "msg[0].color")]),
    ("<FROM>CM</FROM><from>X</from><TO>1</TO><BODY>hi</BODY>", [(202, "msg[0]")]),
    ("<FROM>CM</FROM><TO>1</TO><BODY TYPE='AUTO' type='auto'>hi</BODY>", [(202, "msg[0].body")]),
    ("<FROM>CM</FROM><TO>1</TO><BODY LANG='nl'>hi</BODY>", [(305, "msg[0].body.lang")]),
    ("<FROM>CM</FROM><TO>1</TO><BODY TYPE='gsm'>hi</BODY>", [(305, "msg[0].body.type")]),
    ("<FROM x='1'>CM</FROM><TO>1</TO><BODY>hi</BODY>", [(305, "msg[0].from.x")]),
    ("<FROM>CM</FROM><TO>1</TO><BODY>hi<B>!</B></BODY>", [(202, "msg[0].body")]),
    ("<FROM>CM</FROM>stray<TO>1</TO><BODY>hi</BODY>", [(202, "msg[0]")]),
    ("<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><DCS>8x</DCS>", [(202, "msg[0].dcs")]),
    ("<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><DCS>\u0668</DCS>", [(202, "msg[0].dcs")]),
    ("<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><DCS>1_0</DCS>", [(202, "msg[0].dcs")]),
    ("<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><DCS>%s</DCS>" % ("9" * 41), [(202, "msg[0].dcs")]),
    ("<CHANNEL>WhatsApp</CHANNEL><FROM>CM</FROM><TO>1</TO><BODY>hi</BODY>", [(305, "msg[0].channel")]),
    ("<CHANNEL>Push</CHANNEL><FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><ALLOWEDCHANNELS>SMS</ALLOWEDCHANNELS>",
     [(305, "msg[0].channel")]),
    ("<TO>1</TO>", [(304, "msg[0].body")]),
    ("<FROM>CM</FROM><BODY>hi</BODY>", [(302, "msg[0].to")]),
])
def test_msg_problems(msg: str, expected: list[tuple[int, str]]) -> None:
    assert problems(cmcore.load_xml, doc(msg)) == expected


@pytest.mark.parametrize("document, expected", [
    (doc(top="<EXTRA/>"), [(305, "messages.extra")]),
    (doc(top="<AUTHENTICATION/>"), [(202, "messages")]),
    (doc().replace("</PRODUCTTOKEN>", "</PRODUCTTOKEN><PRODUCTTOKEN>x</PRODUCTTOKEN>"), [(202, "authentication")]),
    (doc().replace("<MESSAGES>", "<MESSAGES v='1'>"), [(305, "messages.v")]),
    (f"<MESSAGES><AUTHENTICATION><PRODUCTTOKEN>{TOKEN}</PRODUCTTOKEN></AUTHENTICATION></MESSAGES>", [(203, "msg")]),
    ("<MESSAGES><MSG><FROM>CM</FROM><TO>1</TO><BODY>hi</BODY></MSG></MESSAGES>", [(103, "authentication.productToken")]),
    ("<REQUEST/>", [(202, "request"), (103, "authentication.productToken")]),
    ('<MESSAGES xmlns="urn:x"/>', [(202, "request"), (103, "authentication.productToken")]),
])
def test_document_problems(document: str, expected: list[tuple[int, str]]) -> None:
    assert problems(cmcore.load_xml, document) == expected


@pytest.mark.parametrize("data", [
    b"", b"   ", b"<MESSAGES>", doc().encode() + b"<MORE/>", b"\xff\xfe<\x00", "<MESSAGES>\ud800</MESSAGES>",
    b'<?xml version="1.0" encoding="no-such"?><MESSAGES/>',
    b'<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><MESSAGES>&b;</MESSAGES>',
    b'<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><MESSAGES>&x;</MESSAGES>',
    b"<MESSAGES>&undefined;</MESSAGES>",
    b"<MESSAGES>" + b"<A>" * 300 + b"</A>" * 300 + b"</MESSAGES>",
    doc("<FROM>CM</FROM><TO>1</TO><BODY>" + "a" * 11_000_000 + "</BODY>").encode(),
])
def test_malformed_or_hostile_xml_is_a_202_at_body(data: bytes | str) -> None:
    assert problems(cmcore.load_xml, data) == [(202, "body")]


def test_encodings_and_argument_types() -> None:
    latin = doc("<FROM>CM</FROM><TO>1</TO><BODY>caf\u00e9</BODY>").encode("latin-1")
    assert cmcore.load_xml(b'<?xml version="1.0" encoding="iso-8859-1"?>' + latin).messages[0].body == "caf\u00e9"
    assert cmcore.load_xml(bytearray(doc().encode())) == cmcore.load_xml(doc())
    for bad in (None, 5, [doc()]):
        with pytest.raises(TypeError):
            cmcore.load_xml(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("msg", [
    "<FROM>CM</FROM><TO>1</TO><BODY TYPE='%s'>hi</BODY>",
    "<CHANNEL>%s</CHANNEL><FROM>CM</FROM><TO>1</TO><BODY>hi</BODY>",
    "<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><DCS>%s</DCS>",
    "<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><X PRODUCTTOKEN='%s'/>",
    "<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><X><PRODUCTTOKEN>%s</PRODUCTTOKEN></X>stray %s",
    "<FROM>%s</FROM><FROM>%s</FROM><TO>1</TO><BODY>hi</BODY>",
])
def test_the_token_is_in_no_xml_error(msg: str) -> None:
    document = doc(msg.replace("%s", TOKEN)).replace("</PRODUCTTOKEN></AUTH", "</PRODUCTTOKEN><PRODUCTTOKEN>%s"
                                                      "</PRODUCTTOKEN></AUTH" % TOKEN.upper(), 1)
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_xml(document)
    for error in (info.value, *info.value.errors):
        for secret in (TOKEN, TOKEN.upper()):
            assert secret not in str(error) and secret not in repr(error) and secret not in error.location


def test_a_token_used_as_an_element_name_is_redacted_from_parse_errors() -> None:
    tag = "a1b2c3d4-0000-4000-8000-00000000abcd"
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_xml(f"<MESSAGES><{tag}></MESSAGES>")
    assert tag not in str(info.value)


@pytest.mark.parametrize("path", REQUESTS, ids=lambda p: p.name)
def test_the_one_pass_reading_is_the_careful_one(path: Path) -> None:
    root = etree.fromstring(path.read_bytes())
    quick = _xml_load._quick(root)
    assert quick is not None and quick == _xml_load._careful(root)


@pytest.mark.parametrize("msg", [
    "<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><REFERENCE x='1'>r</REFERENCE>",  # an attribute, not on BODY
    "<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY><DCS>1</DCS><DCS>1</DCS>",
    "<FROM>CM</FROM><TO>1</TO><BODY>hi</BODY> x ",
])
def test_what_the_one_pass_reading_does_not_take_goes_to_the_careful_one(msg: str) -> None:
    root = etree.fromstring(doc(msg))
    assert _xml_load._quick(root) is None
    with pytest.raises(cmcore.PayloadError):
        _xml_load._careful(root)


# -- build -> load -> build, all three formats ---------------------------------------------

NUMBERS = ["0031612345678", "00447911123456", "0032470123456"]
GSM = sorted(cmcore._gsm7.BASIC)
xml_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")).filter(lambda c: c not in "\ufffe\uffff")
xml_words = st.text(st.one_of(xml_chars, st.sampled_from("\"'<>&\r\n\t ")), min_size=1, max_size=30)
names = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"), min_size=1, max_size=32)
app_keys = st.uuids().map(str)
parts = st.sampled_from([(None, None), (1, 8), (2, 3)])
coding = st.sampled_from([(BodyType.AUTO, None), (None, None), (None, 0), (None, 8)])


@st.composite
def xml_message(draw: st.DrawFn) -> Message:
    body_type, dcs = draw(coding)
    channels = draw(st.sampled_from([(), ("SMS",), ("Push",), ("Push", "SMS"), ("SMS", "Push")]))
    min_parts, max_parts = draw(parts)
    return Message(sender=draw(st.sampled_from(["CM Telecom", "0031612345678", "Shop"])),
                   recipients=tuple(draw(st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=3, unique=True))),
                   body=draw(st.text(st.sampled_from(GSM), min_size=1, max_size=300)), body_type=body_type, dcs=dcs,
                   reference=draw(st.none() | names), custom_grouping=draw(st.none() | xml_words),
                   custom_grouping3=draw(st.none() | xml_words), min_parts=min_parts, max_parts=max_parts,
                   allowed_channels=channels, app_key=draw(app_keys) if "Push" in channels else None)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(xml_message(), min_size=1, max_size=4))
def test_build_load_build_xml_and_json(messages: list[Message]) -> None:
    request = Request(product_token=TOKEN, messages=messages)
    built = cmcore.build_xml(request)
    again = cmcore.load_xml(built)
    assert cmcore.build_xml(again) == built
    assert again == cmcore.validate(request)
    assert _xml_load._careful(etree.fromstring(built)) == again
    as_json = cmcore.build_json(request)
    assert cmcore.build_json(cmcore.load_json(as_json)) == as_json
    assert cmcore.load_json(as_json) == again


@settings(max_examples=examples(150), deadline=None)
@given(st.builds(Message, sender=st.sampled_from(["CM Telecom", "0031612345678", "Shop & Co"]),
                 recipients=st.sampled_from(NUMBERS).map(lambda n: (n,)),
                 body=st.text(st.sampled_from(GSM), min_size=1, max_size=160),
                 body_type=st.sampled_from([BodyType.AUTO, None]), reference=st.none() | names,
                 app_key=st.none() | names, allowed_channels=st.sampled_from([(), ("SMS",)])))
def test_build_load_build_get(message: Message) -> None:
    query = cmcore.build_query(Request(product_token=TOKEN, messages=[message]))
    again = cmcore.load_query(query)
    assert cmcore.build_query(again) == query
    assert cmcore.load_query(f"{cmcore.XML_ENDPOINT}?{query}") == again
    [msg] = again.messages
    assert (msg.sender, msg.recipients, msg.body, msg.reference, msg.app_key) == (
        message.sender, message.recipients, message.body, message.reference, message.app_key)
    assert re.fullmatch(r"[A-Za-z0-9_.~%+=&*-]*", query)

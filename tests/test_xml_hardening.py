"""XML status reports under attack and at the edges, on each XML kernel ("c" and "py").

A document type or entity is refused from what the parser found, in any encoding, and is
never expanded or fetched; a mention of one in text, CDATA, a comment or an attribute is
just text. Nothing is dropped (a leaf's attributes reach ``extra``) and nothing given twice
is half-kept (keys ignore case). A ``str`` is read as the text it is, whatever encoding its
declaration names; bytes honour theirs. No input raises anything but ``ResponseError``, and
the work grows linearly with the input.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cmcore import ResponseError, StatusCode, _reports, _xmltree_py
from cmcore._reports import _PARSERS, _xml_reports, parse_xml
from test_reports import LAUGHS, XXE

from conftest import compiled, examples

KERNELS = {"c": compiled("_xmltree"), "py": _xmltree_py}
NOT_ALLOWED = "a document type or entity declaration is not allowed"


@contextlib.contextmanager
def reading_with(kernel: ModuleType) -> Iterator[None]:
    """Route ``_xml_reports`` through ``kernel`` for the length of the block."""
    saved, _reports._xmltree = _reports._xmltree, kernel
    try:
        yield
    finally:
        _reports._xmltree = saved


@pytest.fixture(params=["c", "py"])
def xmltree(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    kernel = KERNELS[request.param]
    if kernel is None:
        pytest.skip("the compiled XML kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    with reading_with(kernel):
        yield kernel


def outcome(data: bytes | str) -> tuple[Any, ...]:
    try:
        return ("reports", _xml_reports(data))
    except ResponseError as exc:
        return ("refused", str(exc), exc.location)


def on_each_kernel(data: bytes | str) -> tuple[Any, ...]:
    """The outcome of ``data``, the same on each kernel; nothing but ResponseError escapes."""
    outcomes = []
    for kernel in KERNELS.values():
        if kernel is not None:
            with reading_with(kernel):
                outcomes.append(outcome(data))
    assert all(o == outcomes[0] for o in outcomes)
    return outcomes[0]


REPORT = "<MESSAGES><MSG><TO>0031</TO><REFERENCE>{}</REFERENCE><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>"
BOMS = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff",
        "utf-32-le": b"\xff\xfe\x00\x00", "utf-32-be": b"\x00\x00\xfe\xff"}
ENCODINGS = [(codec, bom, declared) for codec in BOMS for bom in (True, False) for declared in (True, False)]


def encoded(document: bytes | str, codec: str, bom: bool, declared: bool) -> bytes:
    """``document`` in ``codec``, with or without a BOM and a declaration naming the codec."""
    text = document.decode() if isinstance(document, bytes) else document
    text = text.removeprefix('<?xml version="1.0"?>').lstrip()
    if declared:
        text = f'<?xml version="1.0" encoding="{codec[:6].upper()}"?>\n{text}'
    return (BOMS[codec] if bom else b"") + text.encode(codec)


def decodable(codec: str, bom: bool, declared: bool) -> bool:
    """Whether libxml2 can tell the encoding: UTF-16 needs a BOM or a declaration."""
    return bom or declared or not codec.startswith("utf-16")


def encoding_id(case: tuple[str, bool, bool]) -> str:
    codec, bom, declared = case
    return f"{codec}{'-bom' if bom else ''}{'-declared' if declared else ''}"


ATTRIBUTE_LAUGHS = LAUGHS.replace(b"<TO>&lol9;</TO>", b'<TO a="&lol9;">1</TO>')
HOSTILE = {"xxe": XXE, "billion-laughs": LAUGHS, "laughs-in-an-attribute": ATTRIBUTE_LAUGHS}


@pytest.mark.parametrize("case", ENCODINGS, ids=encoding_id)
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_xml_is_refused_in_every_encoding(xmltree: ModuleType, name: str, case: tuple[str, bool, bool]) -> None:
    data = encoded(HOSTILE[name], *case)
    with pytest.raises(ResponseError) as info:
        _xml_reports(data)
    assert info.value.location == "body"
    assert (NOT_ALLOWED if decodable(*case) else "malformed XML") in str(info.value)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_xml_in_a_str_is_refused(xmltree: ModuleType, name: str) -> None:
    text = HOSTILE[name].decode()
    for document in (text, '<?xml version="1.0" encoding="UTF-16"?>' + text.removeprefix('<?xml version="1.0"?>')):
        with pytest.raises(ResponseError, match=NOT_ALLOWED):
            _xml_reports(document)


@pytest.mark.parametrize("case", [c for c in ENCODINGS if decodable(*c)], ids=encoding_id)
@pytest.mark.parametrize("name", HOSTILE)
def test_neither_parser_expands_anything(name: str, case: tuple[str, bool, bool]) -> None:
    """Past the refusal, too: the bytes parser in any encoding, the str parser in UTF-8."""
    for data, parser in ((encoded(HOSTILE[name], *case), _PARSERS.parser),
                         (HOSTILE[name].decode().encode("utf-8"), _PARSERS.text)):
        text = etree.tostring(etree.fromstring(data, parser))
        assert b"root:" not in text and b"lollol" not in text
        assert len(text) < 500


@pytest.fixture
def listener() -> Iterator[tuple[int, Callable[[], bool]]]:
    """A port on 127.0.0.1, and a check of whether anything connected to it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.2)

        def connected() -> bool:
            try:
                server.accept()[0].close()
            except TimeoutError:
                return False
            return True

        yield server.getsockname()[1], connected


def test_nothing_is_read_from_files_or_the_network(
        xmltree: ModuleType, tmp_path: Path, listener: tuple[int, Callable[[], bool]]) -> None:
    port, connected = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER")
    dtd = tmp_path / "local.dtd"
    dtd.write_text('<!ENTITY ext "DTD-MARKER">')
    document = (
        f'<!DOCTYPE MESSAGES SYSTEM "http://127.0.0.1:{port}/x.dtd" [\n'
        f'<!ENTITY file SYSTEM "{secret.as_uri()}"><!ENTITY net SYSTEM "http://127.0.0.1:{port}/e">\n'
        f'<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/p"> %remote;\n'
        f'<!ENTITY % local SYSTEM "{dtd.as_uri()}"> %local;]>\n'
        "<MESSAGES><MSG><TO>&file;&net;&ext;</TO><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>")
    for case in [c for c in ENCODINGS if decodable(*c)]:
        data = encoded(document, *case)
        with pytest.raises(ResponseError, match=NOT_ALLOWED):
            _xml_reports(data)
        text = etree.tostring(etree.fromstring(data, _PARSERS.parser))
        assert b"MARKER" not in text
    with pytest.raises(ResponseError, match=NOT_ALLOWED):
        _xml_reports(document)
    assert not connected()


@pytest.mark.parametrize("prolog", [
    "<!DOCTYPE MESSAGES>",
    "<!DOCTYPE MESSAGES []>",
    '<!DOCTYPE MESSAGES SYSTEM "status.dtd">',
    '<!DOCTYPE MESSAGES PUBLIC "-//CM//Status//EN" "http://127.0.0.1:9/status.dtd">',
    '<!DOCTYPE MESSAGES [<!ENTITY % p "x">]>',
    '<!DOCTYPE MESSAGES [<!ELEMENT MESSAGES ANY><!ATTLIST MSG RECEIVED CDATA "2024-01-01T00:00:00">]>',
    '<!DOCTYPE\n  MESSAGES\n  [\n  <!ENTITY\n  e\n  "x"\n  >\n  ]\n>',
    '<!-- a comment first --><!DOCTYPE MESSAGES [<!ENTITY e "x">]>',
], ids=["bare", "empty-subset", "system", "public", "parameter-entity", "attribute-defaults", "spread", "after-a-comment"])
def test_every_kind_of_document_type_is_refused(xmltree: ModuleType, prolog: str) -> None:
    for document in (prolog + REPORT.format("r"), prolog + REPORT.format("&amp;")):
        for data in (document, document.encode(), encoded(document, "utf-16-le", True, False)):
            with pytest.raises(ResponseError, match=NOT_ALLOWED):
                _xml_reports(data)


@pytest.mark.parametrize("case", [c for c in ENCODINGS if decodable(*c)], ids=encoding_id)
def test_a_mention_of_a_declaration_is_only_text(xmltree: ModuleType, case: tuple[str, bool, bool]) -> None:
    mention = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    document = (
        f"<!-- {mention} --><?note {mention}?>"
        "<MESSAGES><MSG><TO note=" + quoteattr(mention) + ">0031</TO>"
        f"<REFERENCE><![CDATA[{mention}]]></REFERENCE><CHANNEL>{escape(mention)}</CHANNEL>"
        f"<!-- {mention} --><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>")
    for data in (encoded(document, *case), document):
        [report] = _xml_reports(data)
        assert report.reference == report.channel == mention
        assert report.status is StatusCode.DELIVERED and report.extra == {"to@note": mention}


def test_an_undeclared_entity_is_malformed(xmltree: ModuleType) -> None:
    with pytest.raises(ResponseError, match="malformed XML") as info:
        _xml_reports(REPORT.format("&xxe;").encode())
    assert info.value.location == "body"


def test_attributes_of_leaves_reach_extra(xmltree: ModuleType) -> None:
    [report] = _xml_reports(b"""<MESSAGES><MSG RECEIVED="2024-01-15T09:00:00">
        <TO type="msisdn">0031612345678</TO><REFERENCE Source="api">r1</REFERENCE>
        <STATUS><CODE unit="cm">2</CODE><ERRORCODE/></STATUS><CHANNEL name="SMS"/></MSG></MESSAGES>""")
    assert (report.to, report.reference, report.status, report.channel) == ("0031612345678", "r1", StatusCode.DELIVERED, None)
    assert report.extra == {"to@type": "msisdn", "reference@source": "api", "status.code@unit": "cm",
                            "channel@name": "SMS"}


@pytest.mark.parametrize("document, message, location", [
    (b'<MESSAGES><MSG RECEIVED="2024-01-15T09:00:00"\n received="2024-01-15T09:00:01"><TO>1</TO>'
     b"<STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>", "<MSG@received> appears twice", "line 2"),
    (b'<MESSAGES><MSG><TO type="a" TYPE="b">1</TO><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>',
     "<TO@TYPE> appears twice", "line 1"),
    (b'<MESSAGES><MSG><TO>1</TO><STATUS CODE="1">\n<code>2</code></STATUS></MSG></MESSAGES>',
     "<code> appears twice", "line 2"),
    (b'<MESSAGES SENT="2024-01-15T09:00:00"\n\n Sent="2024-01-15T09:00:01"><MSG><TO>1</TO>'
     b"<STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>", "<MESSAGES@Sent> appears twice", "line 3"),
], ids=["msg", "leaf", "attribute-then-element", "messages"])
def test_an_attribute_given_twice_is_refused(xmltree: ModuleType, document: bytes, message: str, location: str) -> None:
    with pytest.raises(ResponseError) as info:
        _xml_reports(document)
    assert str(info.value).endswith(message) and info.value.location == location


LATIN = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<MESSAGES><MSG><TO>0031</TO>'
         "<REFERENCE>café €</REFERENCE><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>")


@pytest.mark.parametrize("declared", ["ISO-8859-1", "UTF-16", "UTF-32", "windows-1252", "EBCDIC-US", "no-such-thing"])
def test_a_str_is_read_as_the_text_it_is(xmltree: ModuleType, declared: str) -> None:
    document = LATIN.replace("ISO-8859-1", declared)
    for text in (document, "\ufeff" + document):
        [report] = _xml_reports(text)
        assert report.reference == "café €"
    assert parse_xml(document).findtext("MSG/REFERENCE") == "café €"


def test_bytes_honour_their_declaration(xmltree: ModuleType) -> None:
    latin = LATIN.replace(" €", "")
    assert _xml_reports(latin.encode("latin-1"))[0].reference == "café"
    assert _xml_reports(latin.encode("utf-8"))[0].reference == "cafÃ©"  # as declared, if not as meant
    utf16 = LATIN.replace("ISO-8859-1", "UTF-16")
    assert _xml_reports(utf16.encode("utf-16"))[0].reference == "café €"


@pytest.mark.parametrize("text", ["\ud800", "\udce9", "\udfff\ud800"])
def test_a_lone_surrogate_in_a_str_is_a_response_error(xmltree: ModuleType, text: str) -> None:
    with pytest.raises(ResponseError, match=f"lone surrogate at character {LATIN.index('café')}") as info:
        _xml_reports(LATIN.replace("café", text))
    assert info.value.location == "body"
    with pytest.raises(ResponseError, match="lone surrogate") as info:
        parse_xml("<MESSAGES>" + text, location="payload")
    assert info.value.location == "payload"


def test_each_thread_has_its_own_parsers(xmltree: ModuleType) -> None:
    seen: list[Any] = []

    def read() -> None:
        seen.append((_PARSERS.parser, _PARSERS.text, _xml_reports(LATIN)[0].reference))

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    [(parser, text, reference)] = seen
    assert reference == "café €"
    assert parser is not _PARSERS.parser and text is not _PARSERS.text and parser is not text


TOKENS = st.sampled_from([
    "<MESSAGES>", "</MESSAGES>", "<MSG>", "</MSG>", "<MSG", "<TO", "<TO>", "</TO>", ">", "/>", '="', '"',
    " received", " RECEIVED", " sent", " n:a", " xmlns:n='urn:n'", "<STATUS>", "</STATUS>", "<CODE>", "</CODE>",
    "2", "99999999999999999999", "2024-03-31T02:30:00", "2024-13-01T00:00:00", "9999-12-31T23:59:59+14:00",
    "<!DOCTYPE MESSAGES [", "<!ENTITY a 'x'>", "]>", "&a;", "&amp;", "&#0;", "&#xD800;", "<![CDATA[", "]]>",
    "<!--", "-->", "<?pi x?>", "\ud800", "é", "\x00", " ", "\n", '<?xml version="1.0" encoding="ISO-8859-1"?>',
    '<?xml version="1.0" encoding="UTF-16"?>', "\ufeff",
])
SOUPS = st.lists(st.one_of(TOKENS, st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=examples(500), deadline=None)
@given(st.one_of(SOUPS, SOUPS.map(lambda s: s.encode("utf-8", "surrogatepass")),
                 SOUPS.map(lambda s: s.encode("utf-16", "surrogatepass")), st.binary(max_size=100)))
def test_any_input_gives_reports_or_a_response_error(data: bytes | str) -> None:
    on_each_kernel(data)


FIELD_NAMES = st.sampled_from(["TO", "to", "RECEIVED", "Received", "SENT", "CREATED", "REFERENCE", "CHANNEL",
                               "X", "STATUS", "CODE", "ERRORCODE", "ERRORDESCRIPTION", "DESCRIPTION"])
VALUES = st.one_of(st.sampled_from(["2", "0", "99", "-1", "", " ", "2024-10-27T02:30:00", "2024-02-30T00:00:00",
                                    "0001-01-01T00:00:00-14:00", "2024-01-01T00:00:00.1234567Z", "٢", "²"]),
                   st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=6))


def field(depth: int) -> Any:
    children = st.lists(st.deferred(lambda: field(depth - 1)), max_size=4) if depth else st.just([])
    return st.tuples(FIELD_NAMES, st.dictionaries(FIELD_NAMES, VALUES, max_size=2), VALUES, children)


def written(name: str, attributes: dict[str, str], text: str, children: list[Any]) -> str:
    start = name + "".join(f" {k}={quoteattr(v)}" for k, v in attributes.items())
    return f"<{start}>{escape(text) if not children else ''}{''.join(written(*c) for c in children)}</{name}>"


REPORTS = st.tuples(st.dictionaries(FIELD_NAMES, VALUES, max_size=2),
                    st.lists(st.tuples(st.dictionaries(FIELD_NAMES, VALUES, max_size=2), st.lists(field(2), max_size=5)),
                             min_size=1, max_size=3)).map(
    lambda r: written("MESSAGES", r[0], "", [("MSG", a, "", children) for a, children in r[1]]))


@settings(max_examples=examples(500), deadline=None)
@given(REPORTS, st.sampled_from(["str", "utf-8", "utf-16", "utf-32"]))
def test_any_well_formed_report_gives_reports_or_a_response_error(document: str, form: str) -> None:
    on_each_kernel(document if form == "str" else document.encode(form))


def best_time(data: bytes) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        outcome(data)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("shape", ["leaf-attributes", "msg-attributes", "msgs", "colliding-last"])
def test_the_work_grows_linearly(xmltree: ModuleType, shape: str) -> None:
    """Sixteen times the input takes well under 256 times as long (as a quadratic step would)."""
    def document(n: int) -> bytes:
        many = " ".join(f'a{i}="x"' for i in range(n))
        return {
            "leaf-attributes": f"<MESSAGES><MSG><TO {many}>1</TO><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>",
            "msg-attributes": f"<MESSAGES><MSG {many}><TO>1</TO><STATUS><CODE>2</CODE></STATUS></MSG></MESSAGES>",
            "msgs": "<MESSAGES>" + "<MSG><TO>1</TO><STATUS><CODE>2</CODE></STATUS></MSG>" * n + "</MESSAGES>",
            "colliding-last": f'<MESSAGES><MSG {many} A{n - 1}="y"><TO>1</TO></MSG></MESSAGES>',
        }[shape].encode()
    small, large = best_time(document(500)), best_time(document(8000))
    assert large < 48 * small + 0.01

"""The XML kernel: the fields of each MSG read through lxml's C API equal those read through
lxml's element API (the twin), on the spec's template and on random documents."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cmcore import _xmltree_py
from cmcore._reports import _PARSERS, parse_xml

from conftest import compiled as compiled_kernel
from conftest import examples

compiled = compiled_kernel("_xmltree")

KERNELS = [k for k in (compiled, _xmltree_py) if k is not None]


def ids(kernel: ModuleType) -> str:
    return "py" if kernel is _xmltree_py else "c"


@pytest.mark.parametrize("kernel", KERNELS, ids=ids)
def test_fields_of_each_msg(kernel: ModuleType) -> None:
    root = parse_xml(b"""<MESSAGES SENT="x"><Msg Received=" 1 "><TO> 0031 </TO>
        <STATUS Kind="k"><CODE>2</CODE><ERRORCODE/></STATUS><!-- c --><OTHER>a<![CDATA[<b>]]>&amp;c</OTHER></Msg>
        <NOTE><MSG/></NOTE><msg xmlns:n="urn:n"><n:TO>2</n:TO></msg></MESSAGES>""")
    assert kernel.messages(root) == [
        {"received": " 1 ", "to": "0031", "status": {"kind": "k", "code": "2", "errorcode": ""}, "other": "a<b>&c"},
        {"to": "2"},
    ]


@pytest.mark.parametrize("kernel", KERNELS, ids=ids)
def test_a_key_given_twice_names_its_line(kernel: ModuleType) -> None:
    root = parse_xml(b"<MESSAGES><MSG><TO>1</TO>\n<STATUS><CODE>1</CODE>\n<code>2</code></STATUS></MSG></MESSAGES>")
    assert kernel.messages(root) == ("code", 3)
    root = parse_xml(b'<MESSAGES><MSG TO="1">\n<to>2</to></MSG></MESSAGES>')
    assert kernel.messages(root) == ("to", 2)


@pytest.mark.parametrize("kernel", KERNELS, ids=ids)
def test_attributes_of_a_leaf_are_fields_beside_it(kernel: ModuleType) -> None:
    root = parse_xml("""<MESSAGES><MSG><TO Type="x" n:Kind="k" xmlns:n="urn:n"> 0031 </TO>
        <STATUS><CODE unit="u"/></STATUS><EMPTY a=""/><ÄB Ö="1">2</ÄB></MSG></MESSAGES>""".encode())
    assert kernel.messages(root) == [{
        "to": "0031", "to@type": "x", "to@{urn:n}kind": "k", "status": {"code": "", "code@unit": "u"},
        "empty": "", "empty@a": "", "äb": "2", "äb@ö": "1"}]


@pytest.mark.parametrize("kernel", KERNELS, ids=ids)
def test_an_attribute_of_several_nodes_reads_as_lxml_reads_it(kernel: ModuleType) -> None:
    """Only a DTD's entity splits an attribute's value (parse_xml refuses those documents):
    the kernels, called on such a tree all the same, read it as ``.get()`` does."""
    root = etree.fromstring(b'<!DOCTYPE MESSAGES [<!ENTITY e "x">]><MESSAGES K="&e;"><MSG A="1&e;2&amp;" b="">'
                            b'<TO c="&e;&e;">1</TO></MSG></MESSAGES>', _PARSERS.parser)
    assert root[0].get("A") == "1x2&"
    assert kernel.messages(root) == [{"a": "1x2&", "b": "", "to": "1", "to@c": "xx"}]
    assert kernel.head(root) == ("messages", {"k": "x"})


@pytest.mark.parametrize("kernel", KERNELS, ids=ids)
@pytest.mark.parametrize("document, twice", [
    (b'<MESSAGES><MSG RECEIVED="a"\n received="b"/></MESSAGES>', ("MSG@received", 2)),
    (b'<MESSAGES><MSG><TO type="a" TYPE="b">1</TO></MSG></MESSAGES>', ("TO@TYPE", 1)),
    (b'<MESSAGES><MSG><TO>1</TO><STATUS k="1" K="2"><CODE>2</CODE></STATUS></MSG></MESSAGES>', ("STATUS@K", 1)),
    (b'<MESSAGES><MSG><STATUS Code="1">\n<CODE>2</CODE></STATUS></MSG></MESSAGES>', ("CODE", 2)),
    (b'<MESSAGES xmlns:n="urn:n"><MSG n:a="1" n:A="2"/></MESSAGES>', ("MSG@{urn:n}A", 1)),
    (b'<MESSAGES><MSG><TO a="1">1</TO>\n<to>2</to></MSG></MESSAGES>', ("to", 2)),
    ('<MESSAGES><MSG><Ä b="1" B="2">1</Ä></MSG></MESSAGES>'.encode(), ("Ä@B", 1)),
    (b'<MESSAGES><MSG/><MSG><TO>1</TO></MSG><MSG x="1" X="2"/></MESSAGES>', ("MSG@X", 1)),
], ids=["msg", "leaf", "nested", "attribute-then-element", "namespaced", "leaf-then-element", "non-ascii", "third-msg"])
def test_an_attribute_given_twice_ignoring_case_names_its_line(
        kernel: ModuleType, document: bytes, twice: tuple[str, int]) -> None:
    assert kernel.messages(parse_xml(document)) == twice


names = st.sampled_from(["MSG", "msg", "TO", "To", "STATUS", "CODE", "x", "Ä", "{urn:a}TO"])
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=5)
# attribute names that collide, ignoring case, with each other and with the element names
attribute_names = st.sampled_from(["a", "A", "b", "to", "TO", "code", "x", "Ä", "ä", "{urn:a}a", "{urn:a}A", "{urn:b}a"])
attributes = st.dictionaries(attribute_names, texts, max_size=3)


def element(depth: int) -> Any:
    """An element: its leaves, as often as not, carry attributes too."""
    children = st.lists(st.deferred(lambda: element(depth - 1)), max_size=3) if depth else st.just([])
    return st.tuples(names, attributes, texts, children, texts)


def build(spec: Any) -> Any:
    tag, attrib, text, children, tail = spec
    node = etree.Element(tag, attrib)
    node.text = text or None
    for child in children:
        node.append(build(child))
    node.tail = tail or None
    return node


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(element(3), max_size=4), attributes)
def test_the_kernels_agree_on_random_documents(children: list[Any], attrib: dict[str, str]) -> None:
    if compiled is None:
        pytest.skip("the compiled XML kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    # prefixes fixed up front: appending a built subtree, lxml may point an attribute at a
    # made-up prefix ("ns0") that the subtree redeclares for another URI, and write ill-formed XML
    root = etree.Element("MESSAGES", attrib, nsmap={"a": "urn:a", "b": "urn:b"})
    for child in children:
        root.append(build(child))
    parsed = parse_xml(etree.tostring(root, encoding="utf-8"))  # as a report arrives: parsed, not built
    assert compiled.messages(parsed) == _xmltree_py.messages(parsed)
    assert compiled.head(parsed) == _xmltree_py.head(parsed)


def test_no_proxy_is_needed_to_read_a_tree_twice() -> None:
    root = parse_xml(b"<MESSAGES><MSG><TO>1</TO></MSG></MESSAGES>")
    for kernel in KERNELS:
        assert kernel.messages(root) == kernel.messages(root) == [{"to": "1"}]


@pytest.mark.parametrize("kernel", KERNELS, ids=ids)
def test_head(kernel: ModuleType) -> None:
    assert kernel.head(parse_xml(b'<n:Messages xmlns:n="urn:n" SENT="1" n:Kind="k"/>')) == (
        "messages", {"sent": "1", "{urn:n}kind": "k"})


@pytest.mark.parametrize("kernel", KERNELS, ids=ids)
def test_head_names_an_attribute_given_twice(kernel: ModuleType) -> None:
    assert kernel.head(parse_xml(b'<Messages SENT="1"\n sent="2"><MSG/></Messages>')) == (
        "messages", ("Messages@sent", 2))
    assert kernel.head(parse_xml(b'<MESSAGES/>')) == ("messages", {})

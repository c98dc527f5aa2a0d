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
from cmcore._reports import parse_xml

from conftest import compiled as compiled_kernel

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


names = st.sampled_from(["MSG", "msg", "TO", "To", "STATUS", "CODE", "x", "Ä", "{urn:a}TO"])
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=5)


def element(depth: int) -> Any:
    children = st.lists(st.deferred(lambda: element(depth - 1)), max_size=3) if depth else st.just([])
    return st.tuples(names, st.dictionaries(st.sampled_from(["a", "A", "b"]), texts, max_size=2), texts, children, texts)


def build(spec: Any) -> Any:
    tag, attrib, text, children, tail = spec
    node = etree.Element(tag, attrib)
    node.text = text or None
    for child in children:
        node.append(build(child))
    node.tail = tail or None
    return node


@settings(max_examples=300, deadline=None)
@given(st.lists(element(3), max_size=4))
def test_the_kernels_agree_on_random_documents(children: list[Any]) -> None:
    if compiled is None:
        pytest.skip("the compiled XML kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    root = etree.Element("MESSAGES")
    for child in children:
        root.append(build(child))
    parsed = parse_xml(etree.tostring(root, encoding="utf-8"))  # as a report arrives: parsed, not built
    assert compiled.messages(parsed) == _xmltree_py.messages(parsed)


def test_no_proxy_is_needed_to_read_a_tree_twice() -> None:
    root = parse_xml(b"<MESSAGES><MSG><TO>1</TO></MSG></MESSAGES>")
    for kernel in KERNELS:
        assert kernel.messages(root) == kernel.messages(root) == [{"to": "1"}]


@pytest.mark.parametrize("kernel", KERNELS, ids=ids)
def test_head(kernel: ModuleType) -> None:
    assert kernel.head(parse_xml(b'<n:Messages xmlns:n="urn:n" SENT="1" n:Kind="k"/>')) == (
        "messages", {"sent": "1", "{urn:n}kind": "k"})

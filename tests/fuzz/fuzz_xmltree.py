"""Fuzz the XML kernel: ``cmcore._xmltree`` against its twin ``cmcore._xmltree_py``.

``messages()`` and ``head()`` on the root of each parsed document and on its first element
child; the same dicts, ``(name, line)`` answers or errors are required of both. Trees come
from the status reports' own parser (``cmcore._reports.parse_xml``) and, when the header
byte says so, from a lenient lxml parser that keeps comments, processing instructions and
unexpanded entity references, which the kernel must read without a crash as well
(the header byte's value modulo 3 is 1 for it).
Seeds: the spec's XML status reports and XML requests.
"""

from __future__ import annotations

import re

import _common as c
from lxml import etree

import cmcore
from cmcore import _reports, _xmltree_py

XMLTREE = c.COMPILED["_xmltree"]
LENIENT = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def seeds() -> list[bytes]:
    found = [s for s in c.report_seeds() if s.lstrip()[:1] == b"<"]
    for spec in c._spec_texts():
        found += [m.encode() for m in re.findall(r"^<\?xml.*?^</MESSAGES>", spec, re.M | re.S)]
    return found


def parse(data: bytes, lenient: bool) -> object:
    if lenient:
        try:
            return etree.fromstring(data, LENIENT)
        except (etree.LxmlError, ValueError):
            return None
    try:
        return _reports.parse_xml(data)
    except cmcore.ResponseError:
        return None


def check(data: bytes) -> None:
    lenient = bool(data[:1]) and data[0] % 3 == 1
    root = parse(data[1:], lenient)
    if root is None:
        return
    children = [e for e in root if isinstance(e.tag, str)][:1]
    for element in [root, *children]:
        for name in ("messages", "head"):
            shown = f"{name}(<{element.tag!r:.80}> of {c.show(data[1:])}, lenient parser: {lenient})"
            outcomes = {"c": c.run(getattr(XMLTREE, name), element), "py": c.run(getattr(_xmltree_py, name), element)}
            c.agree(outcomes, shown)


if __name__ == "__main__":
    SEEDS = seeds()
    c.main(check, SEEDS, c.mutator(SEEDS, "xml"))

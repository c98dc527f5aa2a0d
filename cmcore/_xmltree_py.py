"""The pure-Python twin of the compiled XML kernel ``_xmltree.pyx``: same names, same answers.

It reads the fields of a status report's ``MSG`` elements through lxml's element API: keys
in lower case, a leaf's attributes as fields ``"<leaf>@<attribute>"`` beside it, and a key
given twice answered with ``(name, line)``, an attribute named ``"<element>@<attribute>"``.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

# One pass over an element's attributes: ``.items()`` looks each value up by name, which is
# quadratic in their number. Each result is a str subclass; its ``attrname`` is the ``.tag``
# spelling of the attribute's name.
_ATTRIBUTES: Any = etree.XPath("@*")  # lxml-stubs type its results as any XPath result


def _add_attributes(element: Any, fields: dict[str, Any], prefix: str = "") -> tuple[str, int] | None:
    """Put the attributes of ``element`` in ``fields``, each key ``prefix`` and its name in
    lower case; ``(tag@name, line)`` of the first whose key is there already, else None."""
    if not element.attrib:
        return None
    for value in _ATTRIBUTES(element):
        name = value.attrname
        key = prefix + name.lower()
        if key in fields:
            return f"{element.tag}@{name}", element.sourceline
        fields[key] = str(value)
    return None


def _fields(element: Any) -> dict[str, Any] | tuple[str, int]:
    fields: dict[str, Any] = {}
    twice = _add_attributes(element, fields)
    if twice is not None:
        return twice
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue  # a comment, a processing instruction, an entity reference
        key = tag.rpartition("}")[2].lower()
        if key in fields:
            return tag, child.sourceline
        if len(child):
            nested = _fields(child)
            if isinstance(nested, tuple):
                return nested
            fields[key] = nested
        else:
            fields[key] = (child.text or "").strip()
            twice = _add_attributes(child, fields, key + "@")
            if twice is not None:
                return twice
    return fields


def messages(root: Any) -> list[dict[str, Any]] | tuple[str, int]:
    """The fields of each ``MSG`` child of ``root``, in order; or ``(name, line)`` of the
    first key given twice in its element (``name`` is ``tag@attribute`` for an attribute)."""
    found: list[dict[str, Any]] = []
    for child in root:
        if type(child.tag) is str and child.tag.rpartition("}")[2].lower() == "msg":
            fields = _fields(child)
            if isinstance(fields, tuple):
                return fields
            found.append(fields)
    return found


def head(root: Any) -> tuple[str, dict[str, str] | tuple[str, int]]:
    """The local name of ``root`` in lower case, and its attributes, keys in lower case; or,
    in their place, ``(tag@attribute, line)`` of an attribute whose key is given twice."""
    attributes: dict[str, str] = {}
    twice = _add_attributes(root, attributes)
    return root.tag.rpartition("}")[2].lower(), attributes if twice is None else twice

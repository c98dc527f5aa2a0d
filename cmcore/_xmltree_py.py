"""The pure-Python twin of the compiled XML kernel ``_xmltree.pyx``: same names, same answers.

It reads the fields of a status report's ``MSG`` elements through lxml's element API.
"""

from __future__ import annotations

from typing import Any


def _fields(element: Any) -> dict[str, Any] | tuple[str, int]:
    fields = {k.lower(): v for k, v in element.items()}  # its attributes
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
    return fields


def messages(root: Any) -> list[dict[str, Any]] | tuple[str, int]:
    """The fields of each ``MSG`` child of ``root``, in order; or ``(tag, line)`` of the
    first element whose key is given twice in its parent."""
    found: list[dict[str, Any]] = []
    for child in root:
        if type(child.tag) is str and child.tag.rpartition("}")[2].lower() == "msg":
            fields = _fields(child)
            if isinstance(fields, tuple):
                return fields
            found.append(fields)
    return found


def head(root: Any) -> tuple[str, dict[str, str]]:
    """The local name of ``root`` in lower case, and its attributes, keys in lower case."""
    return root.tag.rpartition("}")[2].lower(), {k.lower(): v for k, v in root.items()}

"""Locations in the caller's terms: ``msg[0].maximumNumberOfMessageParts`` is
``messages[0].max_parts`` in Python. Every ``PayloadError`` carries both: ``.location`` in the
gateway's wire keys (as the gateway reports it), ``.field`` in the model's attribute names.

The path is read step by step through the model's classes, with the wire names of the JSON
codec; a step that is not a field of the model (an unknown key) is kept as it is.
"""

from __future__ import annotations

import collections.abc

import dataclasses
import functools
import re
import typing
from typing import Any

from cmcore import _errors, _json
from cmcore._models import Message
from cmcore._rich import RichContent

# A sequence field is annotated tuple[X, ...] or Sequence[X]; its value is always a tuple.
_SEQUENCES = (tuple, collections.abc.Sequence)

_STEP = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")
# Keys of a msg that are not a field of their own: the body's parts, a recipient's number.
_MSG_STEPS = {("body", "type"): "body_type", ("body", "content"): "body"}


def _target(hint: Any) -> type | None:
    """The model class a field's annotation leads to (through ``X | None``, ``tuple[X, ...]``)."""
    for option in typing.get_args(hint) or (hint,):
        if typing.get_origin(option) in _SEQUENCES:
            option = typing.get_args(option)[0]
        if dataclasses.is_dataclass(option):
            return option  # type: ignore[return-value]
    return None


def _fields(cls: type) -> dict[str, tuple[str, type | None]]:
    """Wire key (lower case) -> (attribute, class it leads to) of a rich content class."""
    return {wire.lower(): (name, _target(hint)) for name, wire, hint, _ in _json._schema(cls)}


@functools.lru_cache(maxsize=4096)
def python_path(location: str) -> str:
    """``location`` (wire keys) in the model's attribute names; ``""`` where they are the same."""
    steps = [(m.group(1), m.group(2)) for m in _STEP.finditer(location)]
    out: list[str] = []
    cls: type | None = None
    i = 0
    while i < len(steps):
        key, index = steps[i]
        low = key.lower()
        if not out and low == "msg":
            out.append("messages" + index)
            cls = Message
        elif not out and low == "authentication":
            out.append("product_token")
            i += 1  # the token's key follows
        elif cls is Message and (low, steps[i + 1][0].lower() if i + 1 < len(steps) else "") in _MSG_STEPS:
            out.append(_MSG_STEPS[low, steps[i + 1][0].lower()] + steps[i + 1][1])
            i += 1
        elif cls is Message and low in _json._MSG_KEYS:
            name = _json._MSG_KEYS[low]
            out.append(name + index)
            cls = RichContent if name == "rich_content" else None
            if name == "recipients" and i + 1 < len(steps) and steps[i + 1][0].lower() == "number":
                i += 1  # to[0].number is the recipient itself
        elif cls is not None and cls is not Message and low in _fields(cls):
            name, cls = _fields(cls)[low]
            out.append(name + index)
        else:
            out.append(key + index)
            cls = None
        i += 1
    path = ".".join(out)
    return "" if path == location else path


_errors.name_fields(python_path)

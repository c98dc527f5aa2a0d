"""The pure-Python twin of the compiled wire kernel ``_wire.pyx``: same names, same answers.

``dump_messages()`` builds the plain dicts of the ``msg`` array and hands them to
``orjson.dumps``; the compiled kernel writes the same bytes without the dicts. ``pick()``
sorts a parsed object's fields by a table of keys; ``plain_time()`` reads a plain local
time; ``fill()`` sets each slot of a new
frozen object through its descriptor, ``__init__`` not run.
"""

from __future__ import annotations

import enum
from datetime import datetime, tzinfo
from typing import Any, NoReturn

import orjson

from cmcore._errors import PayloadError

VALUE = 0  # a value, written by type; left out when None or ()
NUMBERS = 1  # a tuple of text, written as [{"number": …}, …]
BODY = 2  # {"type": …, "content": …} from body_type and body

_SCALARS = (str, int, float, bool)
#: Arrays and objects nest at most this deep (a message is level 1).
MAX_DEPTH = 64
_INT_RANGE = (-(2**63), 2**64 - 1)  # what orjson writes


def prepare(message_class: type, layout: tuple[Any, ...], classes: dict[type, Any]) -> tuple[Any, ...]:
    """The plan for ``dump_messages()``: the layout and, for each rich class, its (key,
    attribute) pairs."""
    readers = {cls: tuple((key, name) for name, key in pairs) for cls, pairs in classes.items()}
    return message_class, layout, readers, None


def _empty(value: Any, classes: dict[type, Any]) -> bool:
    """``value is None or value == ()``, without a comparison where the answer is known:
    builtins, and the plan's dataclasses, whose ``__eq__`` takes only their own class."""
    if value is None:
        return True
    kind = type(value)
    if kind is tuple:
        return not value
    if kind in _SCALARS or kind in classes:
        return False
    return bool(value == ())


def _too_deep() -> NoReturn:
    raise PayloadError(f"a value nested more than {MAX_DEPTH} levels deep (or a cycle) cannot be "
                       "written as JSON", code=305)


def _text(value: str) -> str:
    """``value``, once UTF-8 is known to carry it; else orjson's error, raised here so that
    errors come in the order the compiled writer meets them."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            orjson.dumps(value)
    return value


def _value(value: Any, classes: dict[type, Any], depth: int) -> Any:
    kind = type(value)
    if kind is str:
        return _text(value)
    if kind is bool or kind is float:
        return value
    if kind is int:
        return value if _INT_RANGE[0] <= value <= _INT_RANGE[1] else orjson.Fragment(orjson.dumps(value))
    if kind is tuple or kind is list:
        return _array(value, classes, depth + 1)
    reader = classes.get(kind)
    if reader is not None:
        return _object(value, reader, classes, depth + 1)
    if isinstance(value, (tuple, list)):
        return _array(value, classes, depth + 1)
    if isinstance(value, enum.Enum):
        return orjson.Fragment(orjson.dumps(value.value))
    return orjson.Fragment(orjson.dumps(value))  # orjson writes it, or raises, as in the kernel


def _array(value: Any, classes: dict[type, Any], depth: int) -> list[Any]:
    if depth > MAX_DEPTH:
        _too_deep()
    return [_value(item, classes, depth) for item in value]


def _object(value: Any, reader: Any, classes: dict[type, Any], depth: int) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        _too_deep()
    out: dict[str, Any] = {}
    for key, name in reader:  # each field read as it is written, as the kernel reads it
        _put(out, key, getattr(value, name), classes, depth)
    return out


def _put(out: dict[str, Any], key: str, item: Any, classes: dict[type, Any], depth: int) -> None:
    """``out[key]``: ``item`` as written, unless it is None or ()."""
    if item is None:
        return
    if type(item) is str:  # the common case, without the calls below
        out[key] = _text(item)
    elif not _empty(item, classes):
        out[key] = _value(item, classes, depth)


def _message(msg: Any, plan: tuple[Any, ...]) -> dict[str, Any]:
    _, layout, classes, _ = plan
    out: dict[str, Any] = {}
    for field in layout:  # each field read as it is written, as the kernel reads it
        item = getattr(msg, field[0])
        key, kind = field[1], field[2]
        if kind == BODY:
            body = {}
            kind_of = getattr(msg, field[3])
            if kind_of:
                body[field[4]] = _value(kind_of, classes, 2)
            body[field[5]] = _value(item, classes, 2)
            out[key] = body
        elif kind == NUMBERS:
            out[key] = [{field[3]: _value(number, classes, 3)} for number in item]
        else:
            _put(out, key, item, classes, 1)
    return out


def dump_messages(messages: tuple[Any, ...], plan: tuple[Any, ...]) -> bytes:
    """The JSON array of ``messages``, as ``plan`` (from ``prepare()``) lays them out."""
    return orjson.dumps([_message(msg, plan) for msg in messages])


def dump_value(value: Any, plan: tuple[Any, ...]) -> bytes:
    """The JSON of one value (a rich content object, say), written as in a message."""
    return orjson.dumps(_value(value, plan[2], 0))


def pick(obj: dict[str, Any], table: dict[str, int], values: list[Any],
         defaults: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Sort the fields of ``obj``, keys read case-insensitively.

    Where the lower-case key is in ``table`` (key -> index; at most 64 distinct indexes) and
    the value is a str, ``values[index]`` becomes the value (None for ""). Every other field
    is returned in a dict, keys in lower case. Returns None where two keys differ only in
    case. Then each field of ``defaults`` (keys in lower case) whose key ``obj`` does not
    have is sorted the same way.
    """
    if not isinstance(obj, dict):
        raise TypeError(f"pick() argument 'obj' must be dict, not {type(obj).__name__}")
    if len(values) > 64:
        raise ValueError("pick(): at most 64 values")
    rest: dict[str, Any] = {}
    seen: set[int] = set()
    for key, value in obj.items():
        low = key.lower()
        at = table.get(low)
        if at is not None:
            if not 0 <= at < len(values):
                raise IndexError("pick(): an index of the table is past the values")
            if at in seen:
                return None
            seen.add(at)
            if type(value) is str:
                values[at] = value or None
                continue
        elif low in rest:
            return None
        rest[low] = value
    for low, value in (defaults or {}).items():
        at = table.get(low)
        if at is not None:
            if not 0 <= at < len(values):
                raise IndexError("pick(): an index of the table is past the values")
            if at in seen:
                continue
            seen.add(at)
            if type(value) is str:
                values[at] = value or None
                continue
        elif low in rest:
            continue
        rest[low] = value
    return rest


def plain_time(text: str, tzinfo: tzinfo) -> datetime | None:
    """``yyyy-mm-ddThh:ii:ss`` (or a space for the T) exactly, as a datetime in ``tzinfo``;
    None for any other text, an impossible date included (the caller's full parse then
    says what is wrong)."""
    if (len(text) != 19 or not text.isascii() or text[4] != "-" or text[7] != "-" or text[13] != ":"
            or text[16] != ":" or text[10] not in "T "):
        return None
    parts = (text[0:4], text[5:7], text[8:10], text[11:13], text[14:16], text[17:19])
    if not all(part.isdigit() for part in parts):
        return None
    year, month, day, hour, minute, second = map(int, parts)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tzinfo)
    except ValueError:
        return None


def fill(cls: type, descriptors: tuple[Any, ...], values: list[Any]) -> Any:
    """A new ``cls`` with each slot descriptor set to its value, ``__init__`` not run."""
    if len(descriptors) != len(values):
        raise ValueError("fill(): one value a descriptor")
    obj: Any = object.__new__(cls)
    for descriptor, value in zip(descriptors, values):
        descriptor.__set__(obj, value)
    return obj


def exact_tuple(value: object, kinds: frozenset[type]) -> tuple[Any, ...] | None:
    """``value`` as a tuple where it is a tuple or a list whose items are all of exactly one
    of ``kinds`` (the tuple itself, unchanged); else ``None``, for the full check."""
    if type(value) is tuple or type(value) is list:
        for item in value:
            if type(item) not in kinds:
                return None
        return value if type(value) is tuple else tuple(value)
    return None


def assign(obj: Any, descriptors: tuple[Any, ...], values: tuple[Any, ...]) -> None:
    """Set each slot descriptor of ``obj`` to its value: a frozen object's ``__init__``."""
    if len(descriptors) != len(values):
        raise ValueError("assign(): one value a descriptor")
    for descriptor, value in zip(descriptors, values):
        descriptor.__set__(obj, value)

"""The JSON interface: ``build_json()`` (orjson), ``load_json()``, ``chunk()``, endpoints.

The only module that knows the JSON wire names; the wire kernel (``_wire.pyx``, or its twin)
writes the ``msg`` array by the layout given here. Canonical form: one spelling a key, keys in
a fixed order, unset fields left out (never ``null``). Loading reads keys case-insensitively,
as the gateway does, and reports unknown keys and duplicates instead of dropping them.
"""

from __future__ import annotations

import collections.abc

import dataclasses
import enum
import functools
import json
import math
import threading
import types
import typing
from dataclasses import dataclass
from typing import Any

import orjson

from cmcore._errors import PayloadError, Problems
from cmcore._models import BodyType, Message, ProductToken, Request
from cmcore import _kernel, _rich
from cmcore._rules import viber
from cmcore._validate import MAX_MESSAGES, camel, validate

# A sequence field is annotated tuple[X, ...] or Sequence[X]; its value is always a tuple.
_SEQUENCES = (tuple, collections.abc.Sequence)

_wire = _kernel.load("_wire")

JSON_ENDPOINT = "https://gw.cmtelecom.com/v1.0/message"
JSON_ENDPOINT_SOUTH_AFRICA = "https://gw.cmtelecom.co.za/v1.0/message"
JSON_ENDPOINT_CHINA = "https://gw-cn.cmtelecom.com/v1.0/message"
JSON_ENDPOINT_HONG_KONG = "https://gw-hk.cmtelecom.com/v1.0/message"
XML_ENDPOINT = "https://gw.cmtelecom.com/gateway.ashx"
XML_ENDPOINT_SOUTH_AFRICA = "https://gw.cmtelecom.co.za/gateway.ashx"


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpRequest:
    """What a transport sends: method, URL, headers and body. Its repr hides the token."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None

    def __repr__(self) -> str:
        url = self.url.split("?", 1)[0] + ("?…" if "?" in self.url else "")
        size = "no body" if self.body is None else f"{len(self.body):,} bytes"
        return f"<HttpRequest {self.method} {url} {size}>"


# -- the rich content codec: one walk over the dataclasses of _rich --------------------------

# Objects that mirror WhatsApp's own API keep its snake_case keys; the rest are camelCase.
_SNAKE = {_rich.TemplateLanguage, _rich.TemplateCurrency, _rich.TemplateDateTimeComponent,
          _rich.TemplateDateTime, _rich.TemplateParameter, _rich.TemplateComponent,
          _rich.LocalizableParam, _rich.WhatsAppTemplate, _rich.ContactAddress,
          _rich.ContactEmail, _rich.ContactName, _rich.ContactOrg, _rich.ContactPhone,
          _rich.ContactUrl, _rich.Contact, _rich.InteractiveText, _rich.InteractiveHeader,
          _rich.InteractiveRow, _rich.InteractiveSection, _rich.InteractiveReply,
          _rich.InteractiveButton, _rich.InteractiveAction, _rich.Interactive}
# Spellings of the spec that neither rule gives.
_SPELLED = {(_rich.Suggestion, "postback_data"): "postbackdata",
            (_rich.ConversationItem, "list_picker"): "listpicker"}


@functools.cache
def _schema(cls: type) -> tuple[tuple[str, str, Any, bool], ...]:
    """(field, wire key, type, required) for each field of a rich content class."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (f.name, _SPELLED.get((cls, f.name), f.name if cls in _SNAKE else camel(f.name)), hints[f.name],
         f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        for f in dataclasses.fields(cls)
    )


# (field, wire key) of each rich content class, looked up by exact type when writing.
_DUMP_FIELDS = {cls: tuple((name, wire) for name, wire, _, _ in _schema(cls)) for cls in _rich.RICH_CLASSES}


def _is(hint: Any, value: Any) -> bool:
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return type(value) is int
    if hint is str or typing.get_origin(hint) is typing.Literal or (isinstance(hint, type) and issubclass(hint, enum.Enum)):
        return isinstance(value, str)
    if typing.get_origin(hint) in _SEQUENCES:
        return isinstance(value, list)
    return isinstance(value, dict) and dataclasses.is_dataclass(hint)


def _load(hint: Any, value: Any, where: str, problems: Problems) -> Any:
    """Read JSON data as ``hint``; report what does not fit (and return None for it)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            return None
        for option in options:
            if _is(option, value):
                return _load(option, value, where, problems)
        names = " or ".join(getattr(o, "__name__", str(o)) for o in options)
        problems.add(f"expected {names}, got {_kind(value)}", 202, where)
        return None
    if not _is(hint, value):
        name = "an array" if origin in _SEQUENCES else getattr(hint, "__name__", str(hint))
        problems.add(f"expected {name}, got {_kind(value)}", 202, where)
        return None
    if origin in _SEQUENCES:
        return tuple(_load(typing.get_args(hint)[0], item, f"{where}[{i}]", problems) for i, item in enumerate(value))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        found = next((m for m in hint if m.value.lower() == value.lower()), None)
        if found is None:
            problems.add(f"{value!r} is not one of {', '.join(m.value for m in hint)}", 305, where)
        return found
    if origin is typing.Literal:
        spelled = next((v for v in typing.get_args(hint) if v.lower() == value.lower()), None)
        if spelled is None:
            problems.add(f"{value!r} is not one of {', '.join(typing.get_args(hint))}", 305, where)
        return spelled
    if dataclasses.is_dataclass(hint):
        return _load_object(hint, value, where, problems)
    return value


def _load_object(cls: Any, data: dict[str, Any], where: str, problems: Problems) -> Any:
    """The ``cls`` read from ``data``; None where a problem was found in it (reported)."""
    before = len(problems)
    fields = _object(data, where, problems) or {}
    schema = {wire.lower(): (name, wire, hint, required) for name, wire, hint, required in _schema(cls)}
    values = {}
    for key, item in fields.items():
        entry = schema.get(key)
        if entry is None:
            problems.add(f"unknown field {key!r}", 305, f"{where}.{key}")
            continue
        name, wire, hint, _ = entry
        values[name] = _load(hint, item, f"{where}.{wire}", problems)
    missing = [wire for name, wire, _, required in schema.values() if required and values.get(name) is None]
    for wire in missing:
        problems.add(f"{wire} is required", 305, f"{where}.{wire}")
    if missing or len(problems) > before:
        return None
    return cls(**{k: v for k, v in values.items() if v is not None})


def load_rich_content(data: Any, /, *, location: str = "richContent") -> _rich.RichContent:
    """Read a ``richContent`` object (parsed JSON) into the model; report every problem."""
    problems = Problems()
    rich = _load_object(_rich.RichContent, data, location, problems)
    problems.raise_any()
    return rich  # type: ignore[no-any-return]


# The layout of a msg object, in canonical key order: (attribute, key, kind, ...). The wire
# kernel writes it; fields that are None or () are left out, as are unset rich fields.
_MSG_LAYOUT = (
    ("sender", "from", _wire.VALUE),
    ("recipients", "to", _wire.NUMBERS, "number"),
    ("body", "body", _wire.BODY, "body_type", "type", "content"),
    ("dcs", "dcs", _wire.VALUE),
    ("reference", "reference", _wire.VALUE),
    ("custom_grouping", "customGrouping", _wire.VALUE),
    ("custom_grouping2", "customGrouping2", _wire.VALUE),
    ("custom_grouping3", "customGrouping3", _wire.VALUE),
    ("validity", "validity", _wire.VALUE),
    ("min_parts", "minimumNumberOfMessageParts", _wire.VALUE),
    ("max_parts", "maximumNumberOfMessageParts", _wire.VALUE),
    ("allowed_channels", "allowedChannels", _wire.VALUE),
    ("app_key", "appKey", _wire.VALUE),
    ("rich_content", "richContent", _wire.VALUE),
)
_PLAN = _wire.prepare(Message, _MSG_LAYOUT, _DUMP_FIELDS)


def _dump(value: Any) -> bytes:
    """The JSON of one rich content object, as it is written inside a message."""
    return _wire.dump_value(value, _PLAN)  # type: ignore[no-any-return]


def build_json(request: Request, /, *, allow_custom_channels: bool = False) -> bytes:
    """Return the JSON body of ``request``, validated first; bytes, UTF-8.

    For validation options (``default_region``, ``now``, ``truncate``) call ``validate()``
    first and build from its result. Raises ``PayloadError`` with every problem found.
    """
    checked = validate(request, allow_custom_channels=allow_custom_channels)
    return b"".join((b'{"messages":{"authentication":{"producttoken":',
                     orjson.dumps(checked.product_token.reveal()), b'},"msg":',
                     _wire.dump_messages(checked.messages, _PLAN), b"}}"))


def json_request(request: Request, /, *, endpoint: str = JSON_ENDPOINT,
                 allow_custom_channels: bool = False) -> HttpRequest:
    """The POST a transport sends for ``request`` to a JSON endpoint. A request with a message
    that lists Viber goes to ``JSON_ENDPOINT`` only (spec, "Viber"): another raises ``PayloadError``."""
    body = build_json(request, allow_custom_channels=allow_custom_channels)
    viber.check_endpoint(request, endpoint)
    return HttpRequest(method="POST", url=endpoint,
                       headers=(("Content-Type", "application/json; charset=utf-8"),), body=body)


def chunk(request: Request, /, size: int = MAX_MESSAGES) -> list[Request]:
    """Split ``request`` into requests of at most ``size`` messages (the gateway takes 1000)."""
    if type(size) is not int or not 1 <= size <= MAX_MESSAGES:
        raise ValueError(f"chunk(): size must be from 1 to {MAX_MESSAGES}, not {size!r}")
    return [Request(product_token=request.product_token, messages=request.messages[i:i + size])
            for i in range(0, max(len(request.messages), 1), size)]


# -- loading ---------------------------------------------------------------------------------

_MSG_KEYS = {"from": "sender", "to": "recipients", "body": "body", "dcs": "dcs",
             "reference": "reference", "customgrouping": "custom_grouping",
             "customgrouping2": "custom_grouping2", "customgrouping3": "custom_grouping3",
             "validity": "validity", "minimumnumberofmessageparts": "min_parts",
             "maximumnumberofmessageparts": "max_parts", "allowedchannels": "allowed_channels",
             "appkey": "app_key", "richcontent": "rich_content"}
_TEXT_FIELDS = {"sender", "reference", "custom_grouping", "custom_grouping2", "custom_grouping3",
                "validity", "app_key"}
_INT_FIELDS = {"dcs", "min_parts", "max_parts"}


class _Object(dict[str, Any]):
    """A JSON object with its keys folded to lower case, and the keys that collided: kept
    beside the data, where no input can write them."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        self.duplicates: list[str] = []
        for key, value in pairs:
            low = key.lower()
            if low in self:
                self.duplicates.append(key)
            if low == "producttoken" and type(value) is str:
                _TOKENS.seen.append(value)
            self[low] = value


class _Tokens(threading.local):
    """Every text given as a product token in the document being loaded, wherever it stood
    (a duplicated authentication or key included): all are kept out of the errors."""

    def __init__(self) -> None:
        self.seen: list[str] = []


_TOKENS = _Tokens()


class _Refused(Exception):
    """A number JSON may write but the model cannot keep as written (internal)."""


def _constant(text: str) -> Any:
    raise _Refused(f"{text} is not a number the gateway reads")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:40]} is too large to be kept")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 40:
        raise _Refused(f"a number of {len(text.lstrip('-'))} digits is too large to be kept")
    return int(text)


def _object(value: Any, where: str, problems: Problems, code: int = 202) -> dict[str, Any] | None:
    """An object with its keys folded to lower case; keys that collided are reported."""
    if type(value) is not _Object:
        if not isinstance(value, dict):
            problems.add(f"expected an object, got {_kind(value)}", code, where)
            return None
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            problems.add(f"keys must be text, not {type(bad[0]).__name__}", code, where)
            return None
        value = _Object(list(value.items()))  # a caller's dict (load_rich_content)
    found: _Object = value
    for key in found.duplicates:
        problems.add(f"key {key!r} appears twice (keys ignore case)", 202, where)
    return found


def _kind(value: Any) -> str:
    """The JSON name of a parsed value's type."""
    return {_Object: "an object", list: "an array", str: "text", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _unknown(fields: dict[str, Any], known: Any, where: str, problems: Problems) -> None:
    """Report each key of ``fields`` not in ``known``, in the order the input gave them."""
    for key in fields:
        if key not in known:
            problems.add(f"unknown field {key!r}", 305, f"{where}.{key}" if where else key)


def _load_to(value: Any, where: str, problems: Problems) -> tuple[str, ...]:
    if not isinstance(value, list):
        problems.add("to object is an invalid type, must be an array", 302, where)
        return ()
    numbers = []
    for i, item in enumerate(value):
        entry = _object(item, f"{where}[{i}]", problems, 302)
        if entry is None:
            continue
        _unknown(entry, ("number",), f"{where}[{i}]", problems)
        number = entry.get("number")
        if not isinstance(number, str):
            problems.add(f"number must be text, not {_kind(number)}", 302, f"{where}[{i}].number")
            continue
        numbers.append(number)
    return tuple(numbers)


def _load_body(value: Any, where: str, problems: Problems) -> tuple[str, BodyType | None]:
    body = _object(value, where, problems, 304)
    if body is None:
        return "", None
    _unknown(body, ("type", "content"), where, problems)
    content = body.get("content")
    if not isinstance(content, str):
        problems.add("a body without content was found", 304, f"{where}.content")
        content = ""
    kind = body.get("type")
    if kind is not None and (not isinstance(kind, str) or kind.lower() != "auto"):
        problems.add(f"body type must be 'auto', not {kind!r}", 305, f"{where}.type")
        kind = None
    return content, BodyType.AUTO if kind is not None else None


def _load_msg(value: Any, where: str, problems: Problems) -> Message | None:
    msg = _object(value, where, problems, 203)
    if msg is None:
        return None
    fields: dict[str, Any] = {}
    for key, item in msg.items():
        name = _MSG_KEYS.get(key)
        if name is None:
            problems.add(f"unknown field {key!r}", 305, f"{where}.{key}")
        elif name == "recipients":
            fields[name] = _load_to(item, f"{where}.to", problems)
        elif name == "body":
            fields["body"], fields["body_type"] = _load_body(item, f"{where}.body", problems)
        elif name == "rich_content":
            fields[name] = _load_object(_rich.RichContent, item, f"{where}.richContent", problems)
        elif name == "allowed_channels":
            if isinstance(item, list) and all(isinstance(c, str) for c in item):
                fields[name] = tuple(item)
            else:
                problems.add("allowedChannels must be an array of text", 305, f"{where}.{key}")
        elif item is not None and (name in _TEXT_FIELDS and not isinstance(item, str) or
                                   name in _INT_FIELDS and (type(item) is not int)):
            problems.add(f"{key} has the wrong type: {_kind(item)}", 202, f"{where}.{key}")
        elif item is not None:
            fields[name] = item
    for required, code, wire in (("recipients", 302, "to"), ("body", 304, "body")):
        if required not in fields:
            problems.add(f"no {wire} field found in a msg object", code, f"{where}.{wire}")
    # "from" may be left out for Push alone: validate() says where it is missing.
    return Message(**{"recipients": (), "body": "", **fields})


def load_json(data: bytes | str, /) -> Request:
    """Read a JSON send request into the model. Keys ignore case, as at the gateway.

    Unknown keys, duplicated keys and wrong types are reported, never dropped: the raised
    ``PayloadError`` carries every problem in ``.errors``. The gateway's rules are checked
    by ``validate()`` and by every builder, not here.
    """
    if not isinstance(data, (bytes, bytearray, str)):
        raise TypeError(f"load_json() argument 'data' must be bytes or str, not {type(data).__name__}")
    _TOKENS.seen = []
    try:
        doc = json.loads(data, object_pairs_hook=_Object, parse_constant=_constant,
                         parse_float=_float, parse_int=_int)
    except _Refused as exc:
        raise PayloadError(f"this request is malformed JSON: {exc}", code=202, location="body") from None
    except RecursionError:
        raise PayloadError("this request is malformed JSON: nested too deeply", code=202,
                           location="body") from None
    except ValueError as exc:
        raise PayloadError(f"this request is malformed JSON: {exc}", code=202, location="body") from None
    problems = Problems()
    top = _object(doc, "request", problems) or {}
    _unknown(top, ("messages",), "", problems)
    messages = _object(top.get("messages"), "messages", problems) or {}
    _unknown(messages, ("authentication", "msg"), "messages", problems)
    auth = _object(messages.get("authentication"), "authentication", problems) or {}
    _unknown(auth, ("producttoken",), "authentication", problems)
    token = auth.get("producttoken")
    secrets, _TOKENS.seen = _TOKENS.seen, []
    if not isinstance(token, str):
        problems.add("no product token found", 103, "authentication.productToken")
        token = ""
    msgs = messages.get("msg")
    if not isinstance(msgs, list):
        problems.add("msg object is an invalid type, must be an array", 203, "msg")
        msgs = []
    loaded = [_load_msg(m, f"msg[{i}]", problems) for i, m in enumerate(msgs)]
    problems.raise_any(secret=secrets)
    return Request(product_token=ProductToken(token), messages=tuple(m for m in loaded if m is not None))


from cmcore import _paths  # noqa: E402,F401 - names the model fields of every location (needs the codec above)

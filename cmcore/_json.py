"""The JSON interface: ``build_json()`` (orjson), ``load_json()``, ``chunk()``, endpoints.

The only module that knows the JSON wire names. Canonical form: one spelling a key, keys in
a fixed order, unset fields left out (never ``null``). Loading reads keys case-insensitively,
as the gateway does, and reports unknown keys and duplicates instead of dropping them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson

from cmcore._errors import PayloadError, Problems
from cmcore._models import BodyType, Message, ProductToken, Request
from cmcore._validate import MAX_MESSAGES, validate

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


def _message(msg: Message) -> dict[str, Any]:
    body: dict[str, Any] = {"type": msg.body_type.value, "content": msg.body} if msg.body_type else {"content": msg.body}
    out: dict[str, Any] = {"from": msg.sender, "to": [{"number": to} for to in msg.recipients], "body": body}
    for key, value in (("dcs", msg.dcs), ("reference", msg.reference),
                       ("customGrouping", msg.custom_grouping), ("customGrouping2", msg.custom_grouping2),
                       ("customGrouping3", msg.custom_grouping3), ("validity", msg.validity),
                       ("minimumNumberOfMessageParts", msg.min_parts),
                       ("maximumNumberOfMessageParts", msg.max_parts)):
        if value is not None:
            out[key] = value
    if msg.allowed_channels:
        out["allowedChannels"] = [str(c) for c in msg.allowed_channels]
    if msg.app_key is not None:
        out["appKey"] = msg.app_key
    return out


def build_json(request: Request, /, *, allow_custom_channels: bool = False) -> bytes:
    """Return the JSON body of ``request``, validated first; bytes, UTF-8.

    For validation options (``default_region``, ``now``, ``truncate``) call ``validate()``
    first and build from its result. Raises ``PayloadError`` with every problem found.
    """
    checked = validate(request, allow_custom_channels=allow_custom_channels)
    return orjson.dumps({"messages": {
        "authentication": {"producttoken": checked.product_token.reveal()},
        "msg": [_message(m) for m in checked.messages],
    }})


def json_request(request: Request, /, *, endpoint: str = JSON_ENDPOINT,
                 allow_custom_channels: bool = False) -> HttpRequest:
    """The POST a transport sends for ``request`` to a JSON endpoint."""
    return HttpRequest(method="POST", url=endpoint,
                       headers=(("Content-Type", "application/json; charset=utf-8"),),
                       body=build_json(request, allow_custom_channels=allow_custom_channels))


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
             "appkey": "app_key"}
_TEXT_FIELDS = {"sender", "reference", "custom_grouping", "custom_grouping2", "custom_grouping3",
                "validity", "app_key"}
_INT_FIELDS = {"dcs", "min_parts", "max_parts"}
_NOT_YET = {"richcontent": "rich content"}


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    folded: dict[str, Any] = {}
    for key, value in pairs:
        low = key.lower()
        if low in folded:
            folded.setdefault("\x00duplicates", []).append(key)
        folded[low] = value
    return folded


def _object(value: Any, where: str, problems: Problems, code: int = 202) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        problems.add(f"expected an object, got {type(value).__name__}", code, where)
        return None
    for key in value.pop("\x00duplicates", []):
        problems.add(f"key {key!r} appears twice (keys ignore case)", 202, where)
    return value


def _load_to(value: Any, where: str, problems: Problems) -> tuple[str, ...]:
    if not isinstance(value, list):
        problems.add("to object is an invalid type, must be an array", 302, where)
        return ()
    numbers = []
    for i, item in enumerate(value):
        entry = _object(item, f"{where}[{i}]", problems, 302)
        if entry is None:
            continue
        for key in entry.keys() - {"number"}:
            problems.add(f"unknown field {key!r}", 305, f"{where}[{i}].{key}")
        number = entry.get("number")
        if not isinstance(number, str):
            problems.add(f"number must be text, not {type(number).__name__}", 302, f"{where}[{i}].number")
            continue
        numbers.append(number)
    return tuple(numbers)


def _load_body(value: Any, where: str, problems: Problems) -> tuple[str, BodyType | None]:
    body = _object(value, where, problems, 304)
    if body is None:
        return "", None
    for key in body.keys() - {"type", "content"}:
        problems.add(f"unknown field {key!r}", 305, f"{where}.{key}")
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
        if key in _NOT_YET:
            problems.add(f"{_NOT_YET[key]} is not supported by this version of cmcore", 305, f"{where}.{key}")
        elif name is None:
            problems.add(f"unknown field {key!r}", 305, f"{where}.{key}")
        elif name == "recipients":
            fields[name] = _load_to(item, f"{where}.to", problems)
        elif name == "body":
            fields["body"], fields["body_type"] = _load_body(item, f"{where}.body", problems)
        elif name == "allowed_channels":
            if isinstance(item, list) and all(isinstance(c, str) for c in item):
                fields[name] = tuple(item)
            else:
                problems.add("allowedChannels must be an array of text", 305, f"{where}.{key}")
        elif item is not None and (name in _TEXT_FIELDS and not isinstance(item, str) or
                                   name in _INT_FIELDS and (type(item) is not int)):
            problems.add(f"{key} has the wrong type {type(item).__name__}", 202, f"{where}.{key}")
        elif item is not None:
            fields[name] = item
    for required, code, wire in (("sender", 301, "from"), ("recipients", 302, "to"), ("body", 304, "body")):
        if required not in fields:
            problems.add(f"no {wire} field found in a msg object", code, f"{where}.{wire}")
    return Message(**{"sender": "", "recipients": (), "body": "", **fields})


def load_json(data: bytes | str, /) -> Request:
    """Read a JSON send request into the model. Keys ignore case, as at the gateway.

    Unknown keys, duplicated keys and wrong types are reported, never dropped: the raised
    ``PayloadError`` carries every problem in ``.errors``. The gateway's rules are checked
    by ``validate()`` and by every builder, not here.
    """
    if not isinstance(data, (bytes, bytearray, str)):
        raise TypeError(f"load_json() argument 'data' must be bytes or str, not {type(data).__name__}")
    try:
        doc = json.loads(data, object_pairs_hook=_pairs)
    except ValueError as exc:
        raise PayloadError(f"this request is malformed JSON: {exc}", code=202, location="body") from None
    problems = Problems()
    top = _object(doc, "request", problems) or {}
    for key in top.keys() - {"messages"}:
        problems.add(f"unknown field {key!r}", 305, key)
    messages = _object(top.get("messages"), "messages", problems) or {}
    for key in messages.keys() - {"authentication", "msg"}:
        problems.add(f"unknown field {key!r}", 305, f"messages.{key}")
    auth = _object(messages.get("authentication"), "authentication", problems) or {}
    for key in auth.keys() - {"producttoken"}:
        problems.add(f"unknown field {key!r}", 305, f"authentication.{key}")
    token = auth.get("producttoken")
    if not isinstance(token, str):
        problems.add("no product token found", 103, "authentication.productToken")
        token = ""
    msgs = messages.get("msg")
    if not isinstance(msgs, list):
        problems.add("msg object is an invalid type, must be an array", 203, "msg")
        msgs = []
    loaded = [_load_msg(m, f"msg[{i}]", problems) for i, m in enumerate(msgs)]
    problems.raise_any()
    return Request(product_token=ProductToken(token), messages=tuple(m for m in loaded if m is not None))

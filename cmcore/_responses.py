"""What the gateway answers to a send: JSON POST responses and the XML/GET error texts.

``parse_response()`` turns any of them into one typed ``Response``. Sources: CM spec,
"Responses & Errors", "JSON POST responses", "JSON POST Error codes", "Responses & Errors -
xml" and the HTTP GET "Responses & Errors". Known messages are recognised (``ErrorReason``)
and given the JSON error code they stand for; unknown ones are kept verbatim. The one message
that echoes the product token has it replaced by ``[redacted]``. Malformed input raises
``ResponseError``; nothing is guessed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from cmcore import _kernel
from cmcore._codes import ErrorCode
from cmcore._errors import ResponseError, redact, shown
from cmcore._frozen import MAX_NESTING, FrozenMap, too_deep

#: The largest answer parse_response() reads, in bytes or characters.
MAX_RESPONSE_SIZE = 64 * 1024 * 1024
_EMPTY: Mapping[str, Any] = FrozenMap()


class SendStatus(str, enum.Enum):
    """Whether the gateway took a message (``status`` of a message in a JSON response)."""

    ACCEPTED = "Accepted"
    REJECTED = "Rejected"

    def __str__(self) -> str:
        return self.value


class ErrorReason(str, enum.Enum):
    """The gateway's known error messages, recognised in JSON details and XML/GET texts."""

    NO_ACCOUNT = "no_account"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    UNROUTABLE = "unroutable"
    INVALID_PRODUCT_TOKEN = "invalid_product_token"
    NO_FROM = "no_from"
    NO_MSG = "no_msg"
    NO_PHONE_NUMBERS = "no_phone_numbers"
    INVALID_PHONE_NUMBER = "invalid_phone_number"
    INVALID_PARAMETER = "invalid_parameter"
    MISSING_PARAMETER = "missing_parameter"
    NOT_AN_ARRAY = "not_an_array"
    NO_BODY = "no_body"
    EMPTY_BODY = "empty_body"
    INVALID_JSON = "invalid_json"
    UNKNOWN_ERROR = "unknown_error"
    METHOD_NOT_ALLOWED = "method_not_allowed"

    def __str__(self) -> str:
        return self.value


_PARAM_CODES = {"producttoken": ErrorCode.INVALID_PRODUCT_TOKEN, "from": ErrorCode.INVALID_FROM,
                "to": ErrorCode.INVALID_PHONE_NUMBER, "body": ErrorCode.INVALID_BODY}
_R = ErrorReason
_E = ErrorCode
# (pattern, reason, code); a code of None is decided by the named parameter.
_KNOWN: list[tuple[re.Pattern[str], ErrorReason, ErrorCode | None]] = [
    (re.compile(p, re.I), r, c) for p, r, c in [
        (r"no account found for the given authentication", _R.NO_ACCOUNT, _E.AUTHENTICATION_FAILED),
        (r"insufficient balance", _R.INSUFFICIENT_BALANCE, _E.INSUFFICIENT_BALANCE),
        (r"message is unrout(e)?able", _R.UNROUTABLE, _E.UNKNOWN),
        (r"invalid product token", _R.INVALID_PRODUCT_TOKEN, _E.INVALID_PRODUCT_TOKEN),
        (r"parameter '(?P<param>[^']*)' contains an invalid value", _R.INVALID_PARAMETER, None),
        (r"parameter '(?P<param>[^']*)' is required", _R.MISSING_PARAMETER, None),
        (r"no sender name provided|no from field found in a msg", _R.NO_FROM, _E.INVALID_FROM),
        (r"a messages (node|object) requires at least one msg", _R.NO_MSG, _E.INVALID_MSG_ARRAY),
        (r"no phone numbers found|empty mobilenumber field", _R.NO_PHONE_NUMBERS, _E.INVALID_TO),
        (r"gsm '(?P<value>.*)' is not a number", _R.INVALID_PHONE_NUMBER, _E.INVALID_PHONE_NUMBER),
        (r"object is an invalid type, must be an array", _R.NOT_AN_ARRAY, _E.MALFORMED_REQUEST),
        (r"no body field was found", _R.NO_BODY, _E.INVALID_BODY),
        (r"a body without content was found", _R.EMPTY_BODY, _E.INVALID_BODY),
        (r"invalid json", _R.INVALID_JSON, _E.MALFORMED_REQUEST),
        (r"unknown error", _R.UNKNOWN_ERROR, _E.UNKNOWN),
    ]
]
_CREATED = re.compile(r"created ([0-9]{1,9}) message\(s\)", re.I)
_ERROR_TEXT = re.compile(r"\s*error:\s*(?:error\b\s*)?", re.I)


def _redact_value(key: str, value: Any) -> Any:
    """An unknown field's value, kept, with what may be a product token redacted: a field
    whose name says token, and inside every string and key, nested ones included (walked
    with a stack: JSON may nest deeper than Python recurses)."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, str, Any]] = [(root, 0, key, value)]
    while stack:
        parent, slot, name, item = stack.pop()
        if "token" in name:
            parent[slot] = "[redacted]"
        elif isinstance(item, str):
            parent[slot] = redact(item)
        elif isinstance(item, list):
            copied: list[Any] = [None] * len(item)
            parent[slot] = copied
            stack.extend((copied, i, "", x) for i, x in enumerate(item))
        elif isinstance(item, dict):
            fields: dict[str, Any] = {}
            parent[slot] = fields
            for k, x in item.items():
                shown_key = redact(k)
                fields[shown_key] = None
                stack.append((fields, shown_key, k.lower(), x))
        else:
            parent[slot] = item
    return root[0]


def _extra(fields: Mapping[str, Any], known: Any, where: str) -> Mapping[str, Any]:
    for key, value in fields.items():
        if key not in known and isinstance(value, (dict, list)) and too_deep(value):
            raise ResponseError(f"a value nested more than {MAX_NESTING} levels deep", location=f"{where}.{key}")
    extra = {redact(k): _redact_value(k, v) for k, v in fields.items() if k not in known}
    return FrozenMap(extra) if extra else _EMPTY


def recognise(text: str | None) -> tuple[ErrorReason | None, ErrorCode | None]:
    """Return the known reason of a gateway message and the JSON code it stands for."""
    if not text:
        return None, None
    for pattern, reason, code in _KNOWN:
        match = pattern.search(text)
        if match:
            if code is None:
                code = _PARAM_CODES.get(match.group("param").lower(), ErrorCode.INVALID_FIELD)
            return reason, code
    return None, None


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageResult:
    """The gateway's word on one message of a JSON request (one recipient)."""

    to: str | None
    status: SendStatus
    reference: str | None = None
    parts: int | None = None
    error_code: ErrorCode = ErrorCode.OK
    details: str | None = None
    reason: ErrorReason | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False)

    @property
    def accepted(self) -> bool:
        return self.status is SendStatus.ACCEPTED


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """The gateway's answer to a send request.

    ``error_code`` is the request-level code: the JSON ``errorCode``, or for an XML/GET text
    the code of the JSON gateway for the same error (``None`` when the answer carries none,
    as an empty 400/405 does). ``details`` is the gateway's text; ``reason`` its known
    meaning; ``messages`` the per-message results (JSON only: the XML and GET gateways take
    or refuse a request whole).
    """

    error_code: ErrorCode | None
    details: str | None = None
    reason: ErrorReason | None = None
    messages: tuple[MessageResult, ...] = ()
    http_status: int | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False)

    @property
    def ok(self) -> bool:
        """True when the request was taken whole: no request error, no message rejected."""
        return self.error_code is ErrorCode.OK and not self.rejected

    @property
    def accepted(self) -> tuple[MessageResult, ...]:
        return tuple(m for m in self.messages if m.status is SendStatus.ACCEPTED)

    @property
    def rejected(self) -> tuple[MessageResult, ...]:
        return tuple(m for m in self.messages if m.status is SendStatus.REJECTED)

    @property
    def total_parts(self) -> int:
        """SMS parts the gateway created, over all messages."""
        return sum(m.parts or 0 for m in self.messages)

    @property
    def created(self) -> int | None:
        """The count in "Created N message(s)", when the details say so."""
        match = _CREATED.search(self.details or "")
        return int(match.group(1)) if match else None

    def raise_for_error(self) -> None:
        """Raise ``ResponseError`` (with ``.code``) unless the request was taken whole."""
        if self.ok:
            return
        message_level = self.error_code in (ErrorCode.OK, ErrorCode.MESSAGE_ERRORS)
        if self.rejected and message_level:
            first = self.rejected[0]
            raise ResponseError(
                f"{len(self.rejected)} of {len(self.messages)} message(s) rejected; first: "
                f"{first.details or first.error_code.description}",
                code=int(first.error_code), location=f"messages[{self.messages.index(first)}]")
        text = self.details or (self.reason.value if self.reason else "request refused")
        code = None if self.error_code is None else int(self.error_code)
        raise ResponseError(text, code=code, location="response")


def _as_text(data: object, func: str, limit: int) -> str | bytes:
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, (str, bytes)):
        raise TypeError(f"{func}() argument 'data' must be bytes or str, not {type(data).__name__}")
    if len(data) > limit:
        raise ResponseError(f"{len(data):,} bytes is more than the limit of {limit:,}", location="body")
    return data


def _get(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ResponseError(f"expected {names}, got {type(value).__name__}", location=f"{where}.{key}")
    return value


_wire = _kernel.load("_wire")
_NO_KEYS: dict[str, int] = {}


def _fold(obj: object, where: str) -> dict[str, Any]:
    """An object with keys folded to lower case, as the gateway treats them."""
    if not isinstance(obj, dict):
        raise ResponseError(f"expected an object, got {type(obj).__name__}", location=where)
    folded: dict[str, Any] | None = _wire.pick(obj, _NO_KEYS, [])  # every field comes back, folded
    if folded is None:
        raise _twice(obj, where)
    return folded


def _twice(obj: Mapping[str, Any], where: str) -> ResponseError:
    """The error for an object with two keys that differ only in case, naming the second."""
    seen: set[str] = set()
    key = next(k for k in obj if k.lower() in seen or seen.add(k.lower()))  # type: ignore[func-returns-value]
    return ResponseError(f"key {shown(key, 80)} appears twice (keys ignore case)", location=where)


_MESSAGE_KEYS = {"to", "status", "reference", "parts", "messagedetails", "messageerrorcode"}


def _message(obj: object, where: str) -> MessageResult:
    fields = _fold(obj, where)
    status = _get(fields, "status", str, where)
    try:
        parsed = SendStatus(status.capitalize()) if status else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ResponseError(f"status must be 'Accepted' or 'Rejected', got {shown(status, 80)}",
                            location=f"{where}.status")
    details = _get(fields, "messagedetails", str, where)
    details = redact(details) if details else details
    code = _get(fields, "messageerrorcode", int, where)
    return MessageResult(
        to=_get(fields, "to", str, where), status=parsed,
        reference=_get(fields, "reference", str, where), parts=_get(fields, "parts", int, where),
        error_code=ErrorCode(code or 0), details=details, reason=recognise(details)[0],
        extra=_extra(fields, _MESSAGE_KEYS, where),
    )


def _json_response(data: str | bytes, http_status: int | None) -> Response:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ResponseError(f"malformed JSON: {exc}", location="body") from None
    fields = _fold(doc, "response")
    messages = _get(fields, "messages", list, "response") or []
    details = _get(fields, "details", str, "response")
    details = redact(details) if details else details
    reason, implied = recognise(details)
    code = _get(fields, "errorcode", int, "response")
    return Response(
        error_code=ErrorCode(code) if code is not None else implied,
        details=details, reason=reason, http_status=http_status,
        messages=tuple(_message(m, f"messages[{i}]") for i, m in enumerate(messages)),
        extra=_extra(fields, ("messages", "details", "errorcode"), "response"),
    )


def _text_response(text: str, http_status: int | None) -> Response:
    match = _ERROR_TEXT.match(text)
    if not match:
        raise ResponseError(f"not a gateway answer: {shown(text, 120)}", location="body")
    details = redact(text[match.end():].strip())
    reason, code = recognise(details)
    return Response(error_code=code or ErrorCode.UNKNOWN, details=details, reason=reason,
                    http_status=http_status)


def parse_response(data: bytes | str, /, *, http_status: int | None = None,
                   max_size: int = MAX_RESPONSE_SIZE) -> Response:
    """Parse the gateway's answer to a send, JSON or XML/GET text alike.

    An empty body is the XML/GET gateways' "accepted" (with a 2xx or no ``http_status``)
    and a refused method with 400 or 405. Raises ``TypeError`` for input that is not
    bytes or str, and ``ResponseError`` for malformed or oversized input.
    """
    if http_status is not None and (type(http_status) is not int):
        raise TypeError(f"parse_response() argument 'http_status' must be int or None, not "
                        f"{type(http_status).__name__}")
    raw = _as_text(data, "parse_response", max_size)
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ResponseError(f"not UTF-8 at byte {exc.start}", location="body") from None
    else:
        text = raw[1:] if raw.startswith("\ufeff") else raw
    stripped = text.strip()
    if not stripped:
        if http_status is None or 200 <= http_status < 300:
            return Response(error_code=ErrorCode.OK, http_status=http_status)
        reason = ErrorReason.METHOD_NOT_ALLOWED if http_status in (400, 405) else None
        return Response(error_code=None, reason=reason, http_status=http_status)
    if stripped[0] in "{[":
        return _json_response(stripped, http_status)
    return _text_response(stripped, http_status)

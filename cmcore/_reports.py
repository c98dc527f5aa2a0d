"""Status reports (the webhook, JSON and XML), SMPP delivery receipts and CM's SMPP TLVs.

Sources: CM spec, "Status report webhook" (fields; times are CE(S)T without an offset, so
they come back as aware datetimes in Europe/Amsterdam), "SMPP" (receipt format, message
states, TLVs 0x1401 and 0x140A) and "Errors" (delivery error codes). XML is read by a parser
that loads no DTD, expands no entity and reaches no network; a document that declares a
DTD or an entity is refused before parsing.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

import orjson
from lxml import etree

from cmcore._codes import DeliveryError, StatusCode
from cmcore._errors import ResponseError
from cmcore._models import AMSTERDAM
from cmcore._responses import _as_text, _fold

#: The largest status report document parse_status_report() reads.
MAX_REPORT_SIZE = 16 * 1024 * 1024
#: CM's receipts are at most 255 characters; longer ones are refused past this.
MAX_RECEIPT_SIZE = 1024
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_DTD = re.compile(rb"<!\s*(doctype|entity)", re.I)
_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6})\d*)?"
    r"(?:(Z)|([+-])(\d{2}):?(\d{2}))?"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusReport:
    """One status report: the last known status of a message to one recipient."""

    to: str | None
    status: StatusCode
    reference: str | None = None
    error_code: DeliveryError | None = None
    error_description: str | None = None
    status_description: str | None = None
    operator: str | None = None
    channel: str | None = None
    received: datetime | None = None
    created: datetime | None = None
    sent: datetime | None = None
    custom_grouping: str | None = None
    custom_grouping2: str | None = None
    custom_grouping3: str | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False)


_FAST_TIME = "--T::"


def parse_time(text: str, location: str) -> datetime:
    """Parse ``yyyy-mm-ddThh:ii:ss``: without an offset it is Amsterdam time (CE(S)T).

    An offset or ``Z``, where one is given, is honoured and converted to Amsterdam time.
    Of the two readings of an hour that repeats when summer time ends, the first is taken.
    """
    if len(text) == 19 and text[4] + text[7] + text[10] + text[13] + text[16] == _FAST_TIME:
        try:
            return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)
        except ValueError:
            pass  # the full parse below says what is wrong
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise ResponseError(f"expected a time like 2024-03-31T14:05:00, got {text!r:.60}",
                            location=location)
    y, mo, d, h, mi, sec, frac, zulu, sign, oh, om = match.groups()
    try:
        moment = datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec),
                          int((frac or "0").ljust(6, "0")))
    except ValueError as exc:
        raise ResponseError(f"not a valid time {text!r:.60}: {exc}", location=location) from None
    if zulu:
        return moment.replace(tzinfo=timezone.utc).astimezone(AMSTERDAM)
    if sign:
        offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
        return moment.replace(tzinfo=timezone(offset)).astimezone(AMSTERDAM)
    return moment.replace(tzinfo=AMSTERDAM)


def _text(value: Any, where: str) -> str | None:
    """A text field: a string, or a number the gateway wrote without quotes; empty is None."""
    if type(value) is str:
        return value or None
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ResponseError(f"expected text, got {type(value).__name__}", location=where)


_STATUS_CODES = {str(m.value): m for m in StatusCode}
_DELIVERY_ERRORS = {str(m.value): m for m in DeliveryError}


def _code(value: Any, where: str, table: dict[str, Any], kind: type) -> Any:
    text = _text(value, where)
    if text is None:
        return None
    found = table.get(text)
    if found is not None:
        return found
    if not text.strip().isdigit():
        raise ResponseError(f"expected a whole number, got {text!r:.60}", location=where)
    return kind(int(text))


_FIELDS = [f.name for f in dataclasses.fields(StatusReport)]
_SETTERS = [getattr(StatusReport, name).__set__ for name in _FIELDS]
_AT = {name: i for i, name in enumerate(_FIELDS)}
# wire key (lower case) -> index of the StatusReport field; times are parsed, the rest text.
_TEXT_AT = {"to": _AT["to"], "reference": _AT["reference"], "operator": _AT["operator"],
            "channel": _AT["channel"], "statusdescription": _AT["status_description"],
            "customgrouping": _AT["custom_grouping"], "customgrouping2": _AT["custom_grouping2"],
            "customgrouping3": _AT["custom_grouping3"]}
_TIME_AT = {"received": _AT["received"], "created": _AT["created"], "sent": _AT["sent"],
            "send": _AT["sent"]}
_STATUS_FIELDS = {"code", "errorcode", "errordescription", "description", "statusdescription"}
_new = object.__new__


def _build(values: list[Any]) -> StatusReport:
    """A StatusReport from its field values in order, written through the slot descriptors
    (half the time of the generated frozen ``__init__``; parsers build one a message)."""
    report: StatusReport = _new(StatusReport)
    for setter, value in zip(_SETTERS, values):
        setter(report, value)
    return report


def _report(msg: Mapping[str, Any], where: str, defaults: Mapping[str, Any] = _EMPTY) -> StatusReport:
    """Build one report from a message's fields in one pass, keys read case-insensitively.

    ``defaults`` (keys in lower case) are fields of the enclosing ``messages`` that the
    message itself does not set.
    """
    values: list[Any] = [None] * len(_FIELDS)
    extra: dict[str, Any] = {}
    status: Mapping[str, Any] = _EMPTY
    seen: set[str] = set()
    pairs: Any = msg.items()
    if defaults:
        own = {key.lower() for key in msg}
        pairs = [*pairs, *((k, v) for k, v in defaults.items() if k not in own)]
    for key, value in pairs:
        low = key.lower()
        if low in seen:
            raise ResponseError(f"key {key!r} appears twice (keys ignore case)", location=where)
        seen.add(low)
        at = _TEXT_AT.get(low)
        if at is not None:
            values[at] = _text(value, f"{where}.{low}")
        elif low in _TIME_AT:
            text = _text(value, f"{where}.{low}")
            if text is not None and values[_TIME_AT[low]] is None:
                values[_TIME_AT[low]] = parse_time(text, f"{where}.{low}")
        elif low == "status":
            status = value if type(value) is _Folded else _fold(value, f"{where}.status")
        else:
            extra[low] = value
    for key in status.keys() - _STATUS_FIELDS:
        extra[f"status.{key}"] = status[key]
    code = _code(status.get("code"), f"{where}.status.code", _STATUS_CODES, StatusCode)
    if code is None:
        raise ResponseError("a status report needs a status code", location=f"{where}.status.code")
    values[_AT["status"]] = code
    values[_AT["error_code"]] = _code(status.get("errorcode"), f"{where}.status.errorcode",
                                      _DELIVERY_ERRORS, DeliveryError)
    values[_AT["error_description"]] = _text(status.get("errordescription"),
                                             f"{where}.status.errordescription")
    described = status.get("description") or status.get("statusdescription")
    if described is not None:
        values[_AT["status_description"]] = _text(described, f"{where}.status.description")
    values[_AT["extra"]] = MappingProxyType(extra) if extra else _EMPTY
    return _build(values)


class _Folded(dict):  # type: ignore[type-arg]
    """Fields already folded to lower case (from XML), so they need no second fold."""


def _child(obj: Any, key: str, where: str) -> Any:
    """``obj[key]`` with the key read case-insensitively, as the gateway writes keys."""
    if not isinstance(obj, dict):
        raise ResponseError(f"expected an object, got {type(obj).__name__}", location=where)
    if key in obj and len(obj) == 1:
        return obj[key]
    found = [k for k in obj if k.lower() == key]
    if len(found) > 1:
        raise ResponseError(f"key {found[1]!r} appears twice (keys ignore case)", location=where)
    return obj[found[0]] if found else None


def _json_reports(data: str | bytes) -> list[StatusReport]:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ResponseError(f"malformed JSON: {exc}", location="body") from None
    messages = _child(doc, "messages", "report")
    msgs = _child(messages, "msg", "messages")
    if msgs is None:
        raise ResponseError("no msg in the status report", location="messages.msg")
    items = msgs if isinstance(msgs, list) else [msgs]
    defaults = {k.lower(): v for k, v in messages.items() if k.lower() != "msg"} if len(messages) > 1 else _EMPTY
    reports = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ResponseError(f"expected an object, got {type(item).__name__}", location=f"msg[{i}]")
        reports.append(_report(item, f"msg[{i}]", defaults))
    return reports


class _Parsers(threading.local):
    def __init__(self) -> None:
        self.parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                      dtd_validation=False, huge_tree=False,
                                      remove_comments=True, remove_pis=True)


_PARSERS = _Parsers()


def parse_xml(data: bytes, location: str = "body") -> Any:
    """Parse untrusted XML: no DTD, no entities, no network; a DTD is refused outright."""
    if _DTD.search(data):
        raise ResponseError("a document type or entity declaration is not allowed", location=location)
    try:
        return etree.fromstring(data, _PARSERS.parser)
    except etree.XMLSyntaxError as exc:
        raise ResponseError(f"malformed XML: {exc}", location=location) from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].lower() if tag[0] == "{" else tag.lower()


def _element_fields(element: Any) -> _Folded:
    fields = _Folded((k.lower(), v) for k, v in element.attrib.items())
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue  # an unexpanded entity reference
        key = _local(tag)
        if key in fields:
            raise ResponseError(f"<{tag}> appears twice", location=f"line {child.sourceline}")
        fields[key] = _element_fields(child) if len(child) else (child.text or "").strip()
    return fields


def _xml_reports(data: bytes) -> list[StatusReport]:
    root = parse_xml(data)
    if _local(root.tag) != "messages":
        raise ResponseError(f"expected <MESSAGES>, got <{root.tag}>", location="body")
    defaults = {k.lower(): v for k, v in root.attrib.items()}
    msgs = [c for c in root if type(c.tag) is str and _local(c.tag) == "msg"]
    if not msgs:
        raise ResponseError("no MSG in the status report", location="MESSAGES")
    return [_report(_element_fields(m), f"msg[{i}]", defaults) for i, m in enumerate(msgs)]


def parse_status_report(data: bytes | str, /, *, max_size: int = MAX_REPORT_SIZE) -> list[StatusReport]:
    """Parse a status report webhook body, JSON or XML, with one ``msg`` or several.

    Returns one ``StatusReport`` a message. Raises ``TypeError`` for input that is not bytes
    or str, and ``ResponseError`` for malformed, oversized or hostile input.
    """
    raw = _as_text(data, "parse_status_report", max_size)
    body = raw.encode("utf-8") if isinstance(raw, str) else raw
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return _xml_reports(stripped)
    if stripped.startswith(b"{"):
        return _json_reports(stripped)
    raise ResponseError("expected a JSON object or an XML document", location="body")


class MessageState(str, enum.Enum):
    """SMPP message states, as the ``stat`` field of a delivery receipt spells them."""

    ENROUTE = "ENROUTE"
    DELIVERED = "DELIVRD"
    EXPIRED = "EXPIRED"
    DELETED = "DELETED"
    UNDELIVERABLE = "UNDELIV"
    ACCEPTED = "ACCEPTD"
    UNKNOWN = "UNKNOWN"
    REJECTED = "REJECTD"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            key = value.strip().upper()
            if key == "DELIVERD":  # the CM spec's spelling
                return cls.DELIVERED
            for member in cls:
                if key in (member.value, member.name):
                    return member
        return None

    @classmethod
    def from_tlv(cls, value: int) -> MessageState:
        """The state for a ``message_state`` TLV value (SMPP 3.4, 5.2.28)."""
        try:
            return _TLV_STATES[value]
        except KeyError:
            raise ResponseError(f"message_state {value} is not an SMPP 3.4 state", location="message_state") from None

    @property
    def final(self) -> bool:
        """Every state but ENROUTE is final in SMPP 3.4."""
        return self is not MessageState.ENROUTE

    def __str__(self) -> str:
        return self.value


_TLV_STATES = dict(enumerate(MessageState, start=1))


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryReceipt:
    """An SMPP delivery receipt. Its dates carry no time zone, so they are naive."""

    id: str
    state: MessageState
    error: DeliveryError | None = None
    submitted: datetime | None = None
    done: datetime | None = None
    extra: Mapping[str, str] = field(default_factory=lambda: _EMPTY, compare=False)


def _receipt_time(value: str, key: str) -> datetime:
    formats = {14: "%Y%m%d%H%M%S", 12: "%y%m%d%H%M%S", 10: "%y%m%d%H%M"}
    if not value.isdigit() or len(value) not in formats:
        raise ResponseError(f"expected yyyyMMddHHmmss, got {value!r:.40}", location=key)
    try:
        return datetime.strptime(value, formats[len(value)])
    except ValueError as exc:
        raise ResponseError(f"not a valid date {value!r}: {exc}", location=key) from None


def _receipt_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    tokens = text.split()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.lower() in ("submit", "done") and i + 1 < len(tokens) and tokens[i + 1].lower().startswith("date:"):
            token = f"{token} {tokens[i + 1]}"
            i += 1
        key, sep, value = token.partition(":")
        key = key.lower()
        if key == "text":
            value = " ".join([value, *tokens[i + 1:]]).strip()
            i = len(tokens)
        if not sep:
            raise ResponseError(f"expected key:value, got {token!r:.40}", location="receipt")
        if key in fields:
            raise ResponseError(f"field {key!r} appears twice", location=key)
        fields[key] = value
        i += 1
    return fields


def parse_delivery_receipt(text: str | bytes, /) -> DeliveryReceipt:
    """Parse ``id:… submit date:… done date:… stat:… err:…`` in any order and spacing.

    ``stat`` may be any SMPP state, CM's ``DELIVERD`` included. Fields other than id, stat,
    err and the dates are kept in ``extra``. Raises ``ResponseError`` naming the field for a
    receipt without id or stat, with a bad date, state or error, or over 1024 characters.
    """
    raw = _as_text(text, "parse_delivery_receipt", MAX_RECEIPT_SIZE)
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    fields = _receipt_fields(raw.replace("\x00", " "))
    for key in ("id", "stat"):
        if not fields.get(key):
            raise ResponseError(f"the receipt has no {key}", location=key)
    try:
        state = MessageState(fields["stat"])
    except ValueError:
        raise ResponseError(f"unknown message state {fields['stat']!r:.20}", location="stat") from None
    err = fields.get("err")
    if err is not None and not err.isdigit():
        raise ResponseError(f"expected a number, got {err!r:.20}", location="err")
    dates = {k: _receipt_time(fields[k], k) if fields.get(k) else None for k in ("submit date", "done date")}
    return DeliveryReceipt(
        id=fields["id"], state=state, error=None if err is None else DeliveryError(int(err)),
        submitted=dates["submit date"], done=dates["done date"],
        extra=MappingProxyType({k: v for k, v in fields.items()
                                if k not in ("id", "stat", "err", "submit date", "done date")}),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SmppTlvs:
    """CM's proprietary TLVs, decoded: the operator's MCC/MNC (0x1401), the tariff (0x140A).

    ``mcc`` is the first three digits of the operator code and ``mnc`` the rest. ``tariff``
    is in the account's basic unit (cents). Other TLVs are kept in ``other``, raw.
    """

    operator: str | None = None
    mcc: str | None = None
    mnc: str | None = None
    tariff: int | None = None
    other: Mapping[int, bytes] = field(default_factory=lambda: MappingProxyType({}), compare=False)


TAG_OPERATOR = 0x1401
TAG_TARIFF = 0x140A


def _c_decimal(value: bytes, tag: int, limit: int) -> str:
    where = f"tlv 0x{tag:04X}"
    digits = value[:-1] if value.endswith(b"\x00") else value
    if not 1 <= len(value) <= limit:
        raise ResponseError(f"value of {len(value)} octets; 1 to {limit} allowed", location=where)
    if not digits.isdigit() or not digits.isascii():
        raise ResponseError(f"expected a decimal C-octet string, got {value!r:.40}", location=where)
    return digits.decode("ascii")


def parse_tlvs(data: bytes, /) -> SmppTlvs:
    """Decode a run of SMPP TLVs (2-octet tag, 2-octet length, value), as in a PDU's tail.

    Raises ``ResponseError`` for a truncated TLV or a malformed CM value.
    """
    raw = _as_text(data, "parse_tlvs", 65536)
    if isinstance(raw, str):
        raise TypeError("parse_tlvs() argument 'data' must be bytes, not str")
    found: dict[str, Any] = {}
    other: dict[int, bytes] = {}
    pos = 0
    while pos < len(raw):
        if pos + 4 > len(raw):
            raise ResponseError(f"truncated TLV header at octet {pos}", location="tlvs")
        tag, length = int.from_bytes(raw[pos:pos + 2], "big"), int.from_bytes(raw[pos + 2:pos + 4], "big")
        value = raw[pos + 4:pos + 4 + length]
        if len(value) != length:
            raise ResponseError(f"TLV 0x{tag:04X} says {length} octets, {len(value)} follow", location="tlvs")
        if tag == TAG_OPERATOR:
            code = _c_decimal(value, tag, 7)
            if len(code) < 4:
                raise ResponseError(f"MCC/MNC {code!r} is too short", location="tlv 0x1401")
            found.update(operator=code, mcc=code[:3], mnc=code[3:])
        elif tag == TAG_TARIFF:
            found["tariff"] = int(_c_decimal(value, tag, 6))
        else:
            other[tag] = value
        pos += 4 + length
    return SmppTlvs(**found, other=MappingProxyType(other))

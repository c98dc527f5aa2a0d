"""Status reports (the webhook, JSON and XML), SMPP delivery receipts and CM's SMPP TLVs.

Sources: CM spec, "Status report webhook" (fields; times are CE(S)T without an offset, so
they come back as aware datetimes in Europe/Amsterdam), "SMPP" (receipt format, message
states, TLVs 0x1401 and 0x140A) and "Errors" (delivery error codes). XML is read by a parser
that loads no DTD, expands no entity and reaches no network; a document in which the
parser finds a document type, a DTD or an entity is refused.
"""

from __future__ import annotations

import codecs
import dataclasses
import enum
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
from lxml import etree

from cmcore import _kernel
from cmcore._codes import DeliveryError, StatusCode
from cmcore._errors import ResponseError, shown
from cmcore._frozen import MAX_NESTING, FrozenMap, too_deep
from cmcore._models import AMSTERDAM
from cmcore._responses import _as_text, _twice

_wire = _kernel.load("_wire")
_xmltree = _kernel.load("_xmltree")

#: The largest status report document parse_status_report() reads.
MAX_REPORT_SIZE = 16 * 1024 * 1024
#: CM's receipts are at most 255 characters; longer ones are refused past this.
MAX_RECEIPT_SIZE = 1024
_EMPTY: Mapping[str, Any] = FrozenMap()
_NO_KEYS: dict[str, int] = {}
_TIME = re.compile(  # ASCII digits only
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6})\d{0,12})?"
    r"(?:(Z)|([+-])(\d{2}):?(\d{2}))?", re.ASCII
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




def parse_time(text: str, location: str) -> datetime:
    """Parse ``yyyy-mm-ddThh:ii:ss``: without an offset it is Amsterdam time (CE(S)T).

    An offset or ``Z``, where one is given, is honoured and converted to Amsterdam time.
    Of the two readings of an hour that repeats when summer time ends, the first is taken.
    """
    plain: datetime | None = _wire.plain_time(text, AMSTERDAM)
    if plain is not None:
        return plain
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise ResponseError(f"expected a time like 2024-03-31T14:05:00, got {shown(text, 60)}",
                            location=location)
    y, mo, d, h, mi, sec, frac, zulu, sign, oh, om = match.groups()
    try:
        moment = datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec),
                          int((frac or "0").ljust(6, "0")))
        if zulu:
            return moment.replace(tzinfo=timezone.utc).astimezone(AMSTERDAM)
        if sign:
            offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
            return moment.replace(tzinfo=timezone(offset)).astimezone(AMSTERDAM)
    except (ValueError, OverflowError) as exc:  # no such day, an offset of a day or more, year 0 or 10000
        raise ResponseError(f"not a valid time {shown(text, 60)}: {exc}", location=location) from None
    return moment.replace(tzinfo=AMSTERDAM)


def _text(value: Any, where: str) -> str | None:
    """A text field: a string, or a whole number the gateway wrote without quotes; empty is
    None. A number with a fraction or an exponent, or too long for 64 bits (which JSON
    parsers read as a float), would not come back as written: it is refused."""
    if type(value) is str:
        return value or None
    if value is None:
        return None
    if type(value) is int:
        return str(value)
    if type(value) is float:
        raise ResponseError("expected text, got a number that cannot be read back as written "
                            "(a fraction, an exponent, or more digits than 64 bits hold)", location=where)
    raise ResponseError(f"expected text, got {_kind(value)}", location=where)


def _kind(value: Any) -> str:
    """What a parsed value is, as JSON names it."""
    return {dict: "an object", list: "an array", bool: "a boolean", str: "text"}.get(type(value), "a value")


_STATUS_CODES = {str(m.value): m for m in StatusCode}
_DELIVERY_ERRORS = {str(m.value): m for m in DeliveryError}


def _code(value: Any, where: str, table: dict[str, Any], kind: type) -> Any:
    text = _text(value, where)
    if text is None:
        return None
    found = table.get(text)
    if found is not None:
        return found
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
        raise ResponseError(f"expected a whole number of at most 9 ASCII digits, got {shown(text, 60)}",
                            location=where)
    return kind(int(digits))


_FIELDS = [f.name for f in dataclasses.fields(StatusReport)]
_DESCRIPTORS = tuple(getattr(StatusReport, name) for name in _FIELDS)
_N_FIELDS = len(_FIELDS)
_AT = {name: i for i, name in enumerate(_FIELDS)}
# wire key (lower case) -> index of the StatusReport field; times are parsed, the rest text.
_TEXT_AT = {"to": _AT["to"], "reference": _AT["reference"], "operator": _AT["operator"],
            "channel": _AT["channel"], "statusdescription": _AT["status_description"],
            "customgrouping": _AT["custom_grouping"], "customgrouping2": _AT["custom_grouping2"],
            "customgrouping3": _AT["custom_grouping3"]}
_TIME_AT = {"received": _AT["received"], "created": _AT["created"], "sent": _AT["sent"],
            "send": _AT["sent"]}
_NO_STATUS: dict[str, Any] = {}  # read, never written
_STATUS_AT = {"code": 0, "errorcode": 1, "errordescription": 2, "description": 3, "statusdescription": 4}
_STATUS, _ERROR_CODE, _ERROR_TEXT, _STATUS_TEXT, _EXTRA = (
    _AT["status"], _AT["error_code"], _AT["error_description"], _AT["status_description"], _AT["extra"])


@dataclass(frozen=True, slots=True)
class _Envelope:
    """What the enclosing ``messages`` gives every message it holds, read once: text fields
    (for ``pick``), times already parsed, a status, and the unknown fields, shared."""

    text: dict[str, Any]
    times: dict[int, datetime | None]
    status: Any
    extra: Mapping[str, Any]


def _envelope(fields: Mapping[str, Any], where: str, outer: Mapping[str, Any] | None = None) -> _Envelope | None:
    """The envelope of ``fields`` (keys in lower case, ``msg`` left out); ``outer`` holds the
    unknown fields around ``messages``, kept as ``report.<key>``. None where there is nothing."""
    if not fields and not outer:
        return None
    text: dict[str, Any] = {}
    times: dict[int, datetime | None] = {}
    status: Any = _NO_STATUS
    extra: dict[str, Any] = {f"report.{k}": v for k, v in (outer or {}).items()}
    for key, value in fields.items():
        at = _TIME_AT.get(key)
        if key in _TEXT_AT:
            text[key] = value
        elif at is not None:
            if at in times:
                raise ResponseError(f"{shown(key, 40)} and another spelling of the same time are both given",
                                    location=f"{where}.{key}")
            raw = (value or None) if type(value) is str else _text(value, f"{where}.{key}")
            times[at] = None if raw is None else parse_time(raw, f"{where}.{key}")
        elif key == "status":
            status = value
        else:
            if isinstance(value, (dict, list)) and too_deep(value):
                raise ResponseError(f"a value nested more than {MAX_NESTING} levels deep", location=f"{where}.{key}")
            extra[key] = value
    return _Envelope(text, times, status, FrozenMap(extra))


def _report(msg: dict[str, Any], i: int, envelope: _Envelope | None = None) -> StatusReport:
    """Build the report of ``msg[i]`` from its fields, keys read case-insensitively.

    ``envelope`` holds what the enclosing ``messages`` gives each message that the message
    itself does not set. Location strings are made only for an error.
    """
    values: list[Any] = [None] * _N_FIELDS
    rest = _wire.pick(msg, _TEXT_AT, values, envelope.text if envelope else None)
    if rest is None:
        raise _twice(msg, f"msg[{i}]")
    extra: dict[str, Any] = {}
    status: Any = _NO_STATUS
    times = 0  # a bit for each time field the message gave
    for key, value in rest.items():
        at = _TIME_AT.get(key)
        if at is not None:
            if times & (1 << at):
                raise ResponseError(f"{shown(key, 40)} and another spelling of the same time are both given",
                                    location=f"msg[{i}].{key}")
            times |= 1 << at
            text = (value or None) if type(value) is str else _text(value, f"msg[{i}].{key}")
            if text is not None:
                values[at] = _wire.plain_time(text, AMSTERDAM) or parse_time(text, f"msg[{i}].{key}")
        elif key == "status":
            status = value
        elif key in _TEXT_AT:  # a text field given as a number, or a wrong type
            values[_TEXT_AT[key]] = _text(value, f"msg[{i}].{key}")
        else:
            if isinstance(value, (dict, list)) and too_deep(value):
                raise ResponseError(f"a value nested more than {MAX_NESTING} levels deep", location=f"msg[{i}].{key}")
            extra[key] = value
    if envelope is not None:
        for at, moment in envelope.times.items():
            if not times & (1 << at):
                values[at] = moment
        if status is _NO_STATUS:
            status = envelope.status
    _status(status, i, values, extra)
    base = envelope.extra if envelope is not None else None
    values[_EXTRA] = FrozenMap(extra, base) if extra or base else _EMPTY
    report: StatusReport = _wire.fill(StatusReport, _DESCRIPTORS, values)
    return report


def _status(status: Any, i: int, values: list[Any], extra: dict[str, Any]) -> None:
    """Read the ``status`` object of ``msg[i]`` into ``values``; unknown fields into ``extra``."""
    if not isinstance(status, dict):
        raise ResponseError(f"expected an object, got {_kind(status)}", location=f"msg[{i}].status")
    # code, errorcode, errordescription, description, statusdescription: as text where given so
    given: list[Any] = [None] * 5
    others = _wire.pick(status, _STATUS_AT, given)
    if others is None:
        raise _twice(status, f"msg[{i}].status")
    for key, value in others.items():
        if key in _STATUS_AT:
            given[_STATUS_AT[key]] = value  # not text: read below, or refused there
        else:
            if isinstance(value, (dict, list)) and too_deep(value):
                raise ResponseError(f"a value nested more than {MAX_NESTING} levels deep",
                                    location=f"msg[{i}].status.{key}")
            extra[f"status.{key}"] = value
    code, error, error_text, described, status_text = given
    found = _STATUS_CODES.get(code) if type(code) is str else None  # members may be falsy (0)
    if found is None:
        found = _code(code, f"msg[{i}].status.code", _STATUS_CODES, StatusCode)
        if found is None:
            raise ResponseError("a status report needs a status code", location=f"msg[{i}].status.code")
    values[_STATUS] = found
    error_words = None
    if error is not None:
        delivery = _DELIVERY_ERRORS.get(error) if type(error) is str else None
        if delivery is None:
            text = _text(error, f"msg[{i}].status.errorcode")
            if text is not None and any(c.isalpha() for c in text):
                # The spec's template fills errorCode with [STATUSDESCRIPTION]: words, not a
                # code. They are kept as the description (or in extra beside another one).
                error_words = text
            else:
                delivery = _code(error, f"msg[{i}].status.errorcode", _DELIVERY_ERRORS, DeliveryError)
        values[_ERROR_CODE] = delivery
    if error_text is not None:
        values[_ERROR_TEXT] = _text(error_text, f"msg[{i}].status.errordescription")
    # The description may come as the message's statusDescription and inside status (as
    # description or statusDescription): the first one given is the field; another one that
    # says something else is kept in extra, not dropped.
    for key, raw in (("description", described), ("statusdescription", status_text)):
        if raw is None:
            continue
        text = _text(raw, f"msg[{i}].status.{key}")
        if values[_STATUS_TEXT] is None:
            values[_STATUS_TEXT] = text
        elif text is not None and text != values[_STATUS_TEXT]:
            extra[f"status.{key}"] = raw
    if error_words is not None:
        if values[_STATUS_TEXT] is None:
            values[_STATUS_TEXT] = error_words
        elif error_words != values[_STATUS_TEXT]:
            extra["status.errorcode"] = error_words


def _fold(obj: Any, where: str) -> dict[str, Any]:
    """``obj``'s fields with their keys in lower case; two keys that differ only in case are
    an error, at every level alike."""
    if not isinstance(obj, dict):
        raise ResponseError(f"expected an object, got {_kind(obj)}", location=where)
    folded: dict[str, Any] | None = _wire.pick(obj, _NO_KEYS, [])
    if folded is None:
        raise _twice(obj, where)
    return folded


def _json_reports(data: str | bytes) -> list[StatusReport]:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ResponseError(f"malformed JSON: {exc}", location="body") from None
    if type(doc) is dict and len(doc) == 1 and "messages" in doc:
        messages, outer = doc["messages"], None  # the gateway's own spelling: no search needed
    else:
        outer = _fold(doc, "report")
        messages = outer.pop("messages", None)
        if messages is None:
            raise ResponseError("no messages in the status report", location="messages")
    if type(messages) is dict and len(messages) == 1 and "msg" in messages:
        fields: dict[str, Any] = {}
        msgs = messages["msg"]
    else:
        fields = _fold(messages, "messages")
        msgs = fields.pop("msg", None)
    if msgs is None:
        raise ResponseError("no msg in the status report", location="messages.msg")
    envelope = _envelope(fields, "messages", outer)
    items = msgs if isinstance(msgs, list) else [msgs]
    reports = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ResponseError(f"expected an object, got {_kind(item)}", location=f"msg[{i}]")
        reports.append(_report(item, i, envelope))
    return reports


class _Parsers(threading.local):
    """This thread's XML parsers (an lxml parser serves one thread): ``parser`` for bytes,
    which honours the document's BOM and declared encoding, and ``text`` for a str that was
    encoded as UTF-8, which ignores the declaration: a str is decoded already."""

    def __init__(self) -> None:
        self.parser = self.safe(None)
        self.text = self.safe("utf-8")

    @staticmethod
    def safe(encoding: str | None) -> etree.XMLParser:
        """A parser that loads no DTD, expands no entity and reaches no network."""
        return etree.XMLParser(encoding=encoding, resolve_entities=False, no_network=True, load_dtd=False,
                               dtd_validation=False, huge_tree=False, remove_comments=True, remove_pis=True)


_PARSERS = _Parsers()


def parse_xml(data: bytes | str, location: str = "body") -> Any:
    """Parse untrusted XML: no DTD loaded, no entity expanded, no network reached.

    ``bytes`` are decoded as the document says (BOM, XML declaration, else UTF-8); a ``str``
    is decoded already, so the encoding its declaration names is ignored. Returns the root
    element. Raises ``ResponseError`` at ``location`` for malformed XML, a lone surrogate, and
    a document that the parser found to have a document type, a DTD or an entity reference.
    """
    parser = _PARSERS.parser
    if isinstance(data, str):
        try:
            data, parser = data.encode("utf-8"), _PARSERS.text
        except UnicodeEncodeError as exc:
            raise ResponseError(f"not valid text: a lone surrogate at character {exc.start}",
                                location=location) from None
    try:
        root: Any = etree.fromstring(data, parser)  # lxml-stubs' DocInfo lacks .doctype
    except etree.LxmlError as exc:
        raise ResponseError(f"malformed XML: {exc}", location=location) from None
    info = root.getroottree().docinfo
    if (info.doctype or info.internalDTD is not None or info.externalDTD is not None
            or next(root.iter(etree.Entity), None) is not None):
        raise ResponseError("a document type or entity declaration is not allowed", location=location)
    return root


def _xml_reports(data: bytes | str) -> list[StatusReport]:
    """The reports of an XML document; a str is read as decoded text (see parse_xml)."""
    root = parse_xml(data)
    name, defaults = _xmltree.head(root)
    if name != "messages":
        raise ResponseError(f"expected <MESSAGES>, got <{root.tag}>", location="body")
    if type(defaults) is tuple:  # an attribute of MESSAGES given twice
        raise ResponseError(f"<{defaults[0]}> appears twice", location=f"line {defaults[1]}")
    found = _xmltree.messages(root)
    if type(found) is tuple:
        raise ResponseError(f"<{found[0]}> appears twice", location=f"line {found[1]}")
    if not found:
        raise ResponseError("no MSG in the status report", location="MESSAGES")
    envelope = _envelope(defaults, "MESSAGES")
    return [_report(m, i, envelope) for i, m in enumerate(found)]


def parse_status_report(data: bytes | str, /, *, max_size: int = MAX_REPORT_SIZE) -> list[StatusReport]:
    """Parse a status report webhook body, JSON or XML, with one ``msg`` or several.

    Returns one ``StatusReport`` a message. Raises ``TypeError`` for input that is not bytes
    or str, and ``ResponseError`` for malformed, oversized or hostile input.
    """
    if type(data) is bytes and len(data) <= max_size:  # the common case, without a copy
        first = data[:1]
        if first == b"{":
            return _json_reports(data)
        if first == b"<":
            return _xml_reports(data)
    raw = _as_text(data, "parse_status_report", max_size)
    if isinstance(raw, bytes) and raw.startswith(_WIDE_BOMS):
        return _xml_reports(raw)  # UTF-16 or UTF-32: XML, whose parser reads the BOM
    if isinstance(raw, str):
        text: str | bytes = raw.removeprefix("\ufeff").lstrip(" \t\r\n")
    else:
        text = raw.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
    lead = text[:1]
    if lead in ("<", b"<"):
        return _xml_reports(text)  # a str is decoded already: its declared encoding is ignored
    if lead in ("{", b"{"):
        return _json_reports(text)  # orjson refuses a str holding a lone surrogate
    raise ResponseError("expected a JSON object or an XML document", location="body")


_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


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
    if not (value.isascii() and value.isdigit()) or len(value) not in formats:
        raise ResponseError(f"expected yyyyMMddHHmmss, got {shown(value, 40)}", location=key)
    try:
        return datetime.strptime(value, formats[len(value)])
    except ValueError as exc:
        raise ResponseError(f"not a valid date {shown(value, 40)}: {exc}", location=key) from None


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
            raise ResponseError(f"expected key:value, got {shown(token, 40)}", location="receipt")
        if key in fields:
            raise ResponseError(f"field {shown(key, 40)} appears twice", location=key)
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
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ResponseError(f"byte 0x{raw[exc.start]:02X} at offset {exc.start} is not UTF-8 "
                                "(decode the receipt as your SMSC writes it, and pass a str)",
                                location="receipt") from None
    fields = _receipt_fields(raw.replace("\x00", " "))
    for key in ("id", "stat"):
        if not fields.get(key):
            raise ResponseError(f"the receipt has no {key}", location=key)
    try:
        state = MessageState(fields["stat"])
    except ValueError:
        raise ResponseError(f"unknown message state {shown(fields['stat'], 20)}", location="stat") from None
    err = fields.get("err")
    if err is not None and not (err.isascii() and err.isdigit() and len(err) <= 10):
        raise ResponseError(f"expected a number of 1 to 10 ASCII digits, got {shown(err, 20)}", location="err")
    dates = {k: _receipt_time(fields[k], k) if fields.get(k) else None for k in ("submit date", "done date")}
    return DeliveryReceipt(
        id=fields["id"], state=state, error=None if err is None else DeliveryError(int(err)),
        submitted=dates["submit date"], done=dates["done date"],
        extra=FrozenMap({k: v for k, v in fields.items()
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
    other: Mapping[int, bytes] = field(default_factory=FrozenMap, compare=False)


TAG_OPERATOR = 0x1401
TAG_TARIFF = 0x140A


def _c_decimal(value: bytes, tag: int, limit: int) -> str:
    where = f"tlv 0x{tag:04X}"
    digits = value[:-1] if value.endswith(b"\x00") else value
    if not 1 <= len(value) <= limit:
        raise ResponseError(f"value of {len(value)} octets; 1 to {limit} allowed", location=where)
    if not digits.isdigit() or not digits.isascii():
        raise ResponseError(f"expected a decimal C-octet string, got {shown(value, 40)}", location=where)
    return digits.decode("ascii")


def parse_tlvs(data: bytes, /) -> SmppTlvs:
    """Decode a run of SMPP TLVs (2-octet tag, 2-octet length, value), as in a PDU's tail.

    Raises ``ResponseError`` for a truncated TLV or a malformed CM value.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_tlvs() argument 'data' must be bytes, bytearray or memoryview, "
                        f"not {type(data).__name__}")
    raw = _as_text(data, "parse_tlvs", 65536)
    assert isinstance(raw, bytes)
    found: dict[str, Any] = {}
    other: dict[int, bytes] = {}
    seen: set[int] = set()
    pos = 0
    while pos < len(raw):
        if pos + 4 > len(raw):
            raise ResponseError(f"truncated TLV header at octet {pos}", location="tlvs")
        tag, length = int.from_bytes(raw[pos:pos + 2], "big"), int.from_bytes(raw[pos + 2:pos + 4], "big")
        value = raw[pos + 4:pos + 4 + length]
        if len(value) != length:
            raise ResponseError(f"TLV 0x{tag:04X} says {length} octets, {len(value)} follow", location="tlvs")
        if tag in seen:
            raise ResponseError(f"TLV 0x{tag:04X} appears twice (at octet {pos})", location=f"tlv 0x{tag:04X}")
        seen.add(tag)
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
    return SmppTlvs(**found, other=FrozenMap(other))

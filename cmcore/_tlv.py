"""SMPP 3.4 optional parameters (TLVs, section 5.3) as a typed model, and their octets.

Rule kept: the tags this module knows (SMPP 3.4 5.3.2 and CM's 0x1401 and 0x140A) come back
as typed fields of ``Tlvs``, checked against the sizes and ranges the spec gives them; every
other tag is kept raw, in order, in ``Tlvs.other``. Decoding raises only ``ResponseError``
(location ``<pdu>.<field>``); encoding raises ``PayloadError`` for a value out of range.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from cmcore._errors import PayloadError, ResponseError
from cmcore._reports import _TLV_STATES, TAG_OPERATOR, TAG_TARIFF, MessageState, _c_decimal

__all__ = ["TlvTag", "Tlv", "Tlvs"]


class TlvTag(enum.IntEnum):
    """The TLV tags of SMPP 3.4 (5.3.2, the tag table) and CM's own (CM spec, "SMPP")."""

    DEST_ADDR_SUBUNIT = 0x0005
    DEST_NETWORK_TYPE = 0x0006
    DEST_BEARER_TYPE = 0x0007
    DEST_TELEMATICS_ID = 0x0008
    SOURCE_ADDR_SUBUNIT = 0x000D
    SOURCE_NETWORK_TYPE = 0x000E
    SOURCE_BEARER_TYPE = 0x000F
    SOURCE_TELEMATICS_ID = 0x0010
    QOS_TIME_TO_LIVE = 0x0017
    PAYLOAD_TYPE = 0x0019
    ADDITIONAL_STATUS_INFO_TEXT = 0x001D
    RECEIPTED_MESSAGE_ID = 0x001E
    MS_MSG_WAIT_FACILITIES = 0x0030
    PRIVACY_INDICATOR = 0x0201
    SOURCE_SUBADDRESS = 0x0202
    DEST_SUBADDRESS = 0x0203
    USER_MESSAGE_REFERENCE = 0x0204
    USER_RESPONSE_CODE = 0x0205
    SOURCE_PORT = 0x020A
    DESTINATION_PORT = 0x020B
    SAR_MSG_REF_NUM = 0x020C
    LANGUAGE_INDICATOR = 0x020D
    SAR_TOTAL_SEGMENTS = 0x020E
    SAR_SEGMENT_SEQNUM = 0x020F
    SC_INTERFACE_VERSION = 0x0210
    CALLBACK_NUM_PRES_IND = 0x0302
    CALLBACK_NUM_ATAG = 0x0303
    NUMBER_OF_MESSAGES = 0x0304
    CALLBACK_NUM = 0x0381
    DPF_RESULT = 0x0420
    SET_DPF = 0x0421
    MS_AVAILABILITY_STATUS = 0x0422
    NETWORK_ERROR_CODE = 0x0423
    MESSAGE_PAYLOAD = 0x0424
    DELIVERY_FAILURE_REASON = 0x0425
    MORE_MESSAGES_TO_SEND = 0x0426
    MESSAGE_STATE = 0x0427
    USSD_SERVICE_OP = 0x0501
    DISPLAY_TIME = 0x1201
    SMS_SIGNAL = 0x1203
    MS_VALIDITY = 0x1204
    ALERT_ON_MESSAGE_DELIVERY = 0x130C
    ITS_REPLY_TYPE = 0x1380
    ITS_SESSION_INFO = 0x1383
    CM_OPERATOR = TAG_OPERATOR  # CM: the operator's MCC/MNC, a decimal C-octet string of 1-7 octets
    CM_TARIFF = TAG_TARIFF  # CM: the tariff in the account's basic unit, 1-6 octets


@dataclass(frozen=True, slots=True)
class Tlv:
    """One TLV as it came: ``tag`` and ``value`` (the octets after the 2-octet length)."""

    tag: int
    value: bytes

    @property
    def name(self) -> str:
        """The tag's SMPP name (``sar_msg_ref_num``), or ``0x1234`` for one not in the table."""
        return TlvTag(self.tag).name.lower() if self.tag in _TAGS else f"0x{self.tag:04X}"


_TAGS = frozenset(int(t) for t in TlvTag)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Tlvs:
    """The optional parameters of a PDU. A field left ``None`` is not sent.

    Sizes and ranges (SMPP 3.4 5.3.2.x): ``payload_type`` (5.3.2.10), ``language_indicator``
    (5.3.2.19), ``delivery_failure_reason`` (5.3.2.33) and ``more_messages_to_send``
    (5.3.2.34) are one octet; ``user_message_reference`` (5.3.2.17), the ports (5.3.2.20-21)
    and ``sar_msg_ref_num`` (5.3.2.22) two; ``sar_total_segments`` and
    ``sar_segment_seqnum`` (5.3.2.23-24) one octet, 1 to 255; ``receipted_message_id``
    (5.3.2.12) a C-octet string of at most 65 octets; ``network_error_code`` (5.3.2.31) is
    (network type, error code); ``message_payload`` (5.3.2.32) up to 65535 octets;
    ``message_state`` (5.3.2.35) a ``MessageState``. ``operator`` (0x1401, digits, MCC then
    MNC) and ``tariff`` (0x140A) are CM's. ``other`` holds every other TLV, raw, in order.
    """

    payload_type: int | None = None
    receipted_message_id: str | None = None
    user_message_reference: int | None = None
    source_port: int | None = None
    destination_port: int | None = None
    sar_msg_ref_num: int | None = None
    language_indicator: int | None = None
    sar_total_segments: int | None = None
    sar_segment_seqnum: int | None = None
    network_error_code: tuple[int, int] | None = None
    message_payload: bytes | None = None
    delivery_failure_reason: int | None = None
    more_messages_to_send: int | None = None
    message_state: MessageState | None = None
    operator: str | None = None
    tariff: int | None = None
    other: tuple[Tlv, ...] = ()

    def __repr__(self) -> str:
        """Only the fields that are set: ``Tlvs(message_state=<MessageState.DELIVERED: ...>)``."""
        shown = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                 if getattr(self, f.name) not in (None, ())]
        return f"Tlvs({', '.join(shown)})"


# -- the values: (decode, encode) for each kind --------------------------------------------------

def _int_codec(size: int, low: int = 0) -> tuple[Callable[[bytes, str], Any], Callable[[Any, str], bytes]]:
    high = (1 << (8 * size)) - 1

    def decode(value: bytes, where: str) -> int:
        if len(value) != size:
            raise ResponseError(f"expected {size} octet(s), got {len(value)}", location=where)
        number = int.from_bytes(value, "big")
        if number < low:
            raise ResponseError(f"expected {low} to {high}, got {number}", location=where)
        return number

    def encode(number: Any, where: str) -> bytes:
        if type(number) is not int and not isinstance(number, enum.IntEnum) or not low <= number <= high:
            raise PayloadError(f"expected a whole number from {low} to {high}, got {number!r}", location=where)
        return int(number).to_bytes(size, "big")
    return decode, encode


def _decode_cstr(value: bytes, where: str) -> str:
    if not 1 <= len(value) <= 65 or value.find(b"\x00") != len(value) - 1:
        raise ResponseError("expected a C-octet string of 1 to 65 octets ending in its only NUL", location=where)
    if not value.isascii():
        raise ResponseError("expected ASCII", location=where)
    return value[:-1].decode("ascii")


def _encode_cstr(text: Any, where: str) -> bytes:
    if type(text) is not str or not text.isascii() or "\x00" in text or len(text) > 64:
        raise PayloadError(f"expected ASCII text of at most 64 characters without NUL, got {text!r:.80}",
                           location=where)
    return text.encode("ascii") + b"\x00"


def _decode_octets(value: bytes, where: str) -> bytes:
    return value


def _encode_octets(value: Any, where: str) -> bytes:
    if type(value) is not bytes or len(value) > 0xFFFF:
        raise PayloadError("expected bytes of at most 65535 octets", location=where)
    octets: bytes = value
    return octets


def _decode_network_error(value: bytes, where: str) -> tuple[int, int]:
    if len(value) != 3:
        raise ResponseError(f"expected 3 octets (network type, error code), got {len(value)}", location=where)
    return value[0], int.from_bytes(value[1:], "big")


def _encode_network_error(value: Any, where: str) -> bytes:
    if (type(value) is not tuple or len(value) != 2 or not all(type(v) is int for v in value)
            or not 0 <= value[0] <= 0xFF or not 0 <= value[1] <= 0xFFFF):
        raise PayloadError("expected (network type 0-255, error code 0-65535)", location=where)
    kind, code = value
    return bytes([kind]) + int(code).to_bytes(2, "big")


_STATE_NUMBERS = {state: number for number, state in _TLV_STATES.items()}


def _decode_state(value: bytes, where: str) -> MessageState:
    if len(value) != 1:
        raise ResponseError(f"expected 1 octet, got {len(value)}", location=where)
    try:
        return MessageState.from_tlv(value[0])
    except ResponseError as exc:
        raise ResponseError(exc.message, location=where) from None


def _encode_state(value: Any, where: str) -> bytes:
    if not isinstance(value, MessageState):
        raise PayloadError(f"expected a MessageState, got {value!r:.80}", location=where)
    return bytes([_STATE_NUMBERS[value]])


def _cm_decimal(value: bytes, tag: int, limit: int, where: str) -> str:
    try:
        return _c_decimal(value, tag, limit)
    except ResponseError as exc:
        raise ResponseError(exc.message, location=where) from None


def _decode_operator(value: bytes, where: str) -> str:
    code = _cm_decimal(value, TAG_OPERATOR, 7, where)
    if len(code) < 4:
        raise ResponseError(f"MCC/MNC {code!r} is too short", location=where)
    return code


def _encode_operator(value: Any, where: str) -> bytes:
    if type(value) is not str or not (value.isascii() and value.isdigit() and 4 <= len(value) <= 6):
        raise PayloadError(f"expected MCC and MNC, 4 to 6 ASCII digits, got {value!r:.40}", location=where)
    return value.encode("ascii") + b"\x00"


def _decode_tariff(value: bytes, where: str) -> int:
    return int(_cm_decimal(value, TAG_TARIFF, 6, where))


def _encode_tariff(value: Any, where: str) -> bytes:
    if type(value) is not int or not 0 <= value <= 99999:
        raise PayloadError(f"expected a tariff of 0 to 99999 basic units, got {value!r:.40}", location=where)
    return str(value).encode("ascii") + b"\x00"


_U8, _U16, _COUNT = _int_codec(1), _int_codec(2), _int_codec(1, low=1)
_CODECS: dict[str, tuple[TlvTag, tuple[Callable[[bytes, str], Any], Callable[[Any, str], bytes]]]] = {
    "payload_type": (TlvTag.PAYLOAD_TYPE, _U8),
    "receipted_message_id": (TlvTag.RECEIPTED_MESSAGE_ID, (_decode_cstr, _encode_cstr)),
    "user_message_reference": (TlvTag.USER_MESSAGE_REFERENCE, _U16),
    "source_port": (TlvTag.SOURCE_PORT, _U16),
    "destination_port": (TlvTag.DESTINATION_PORT, _U16),
    "sar_msg_ref_num": (TlvTag.SAR_MSG_REF_NUM, _U16),
    "language_indicator": (TlvTag.LANGUAGE_INDICATOR, _U8),
    "sar_total_segments": (TlvTag.SAR_TOTAL_SEGMENTS, _COUNT),
    "sar_segment_seqnum": (TlvTag.SAR_SEGMENT_SEQNUM, _COUNT),
    "network_error_code": (TlvTag.NETWORK_ERROR_CODE, (_decode_network_error, _encode_network_error)),
    "message_payload": (TlvTag.MESSAGE_PAYLOAD, (_decode_octets, _encode_octets)),
    "delivery_failure_reason": (TlvTag.DELIVERY_FAILURE_REASON, _U8),
    "more_messages_to_send": (TlvTag.MORE_MESSAGES_TO_SEND, _U8),
    "message_state": (TlvTag.MESSAGE_STATE, (_decode_state, _encode_state)),
    "operator": (TlvTag.CM_OPERATOR, (_decode_operator, _encode_operator)),
    "tariff": (TlvTag.CM_TARIFF, (_decode_tariff, _encode_tariff)),
}
_BY_TAG = {int(tag): (name, codec[0]) for name, (tag, codec) in _CODECS.items()}
assert [f.name for f in fields(Tlvs)] == [*_CODECS, "other"]


def decode_tlvs(raw: bytes, pos: int, where: str) -> Tlvs:
    """The TLVs in ``raw[pos:]`` (SMPP 3.4 3.2, 5.3: 2-octet tag, 2-octet length, value).

    Returns ``Tlvs``. Raises ``ResponseError`` at ``<where>.<field>`` for a truncated TLV, a
    length that runs past the PDU, a known tag given twice, or a value of the wrong size or
    out of its range.
    """
    found: dict[str, Any] = {}
    other: list[Tlv] = []
    while pos < len(raw):
        if len(raw) - pos < 4:
            raise ResponseError(f"a TLV header needs 4 octets, {len(raw) - pos} left", location=f"{where}.tlvs")
        tag, length = int.from_bytes(raw[pos:pos + 2], "big"), int.from_bytes(raw[pos + 2:pos + 4], "big")
        value = raw[pos + 4:pos + 4 + length]
        known = _BY_TAG.get(tag)
        at = f"{where}.{known[0] if known else f'tlv 0x{tag:04X}'}"
        if len(value) != length:
            raise ResponseError(f"TLV 0x{tag:04X} says {length} octets, {len(value)} follow", location=at)
        if known is None:
            other.append(Tlv(tag, value))
        elif known[0] in found:
            raise ResponseError(f"TLV 0x{tag:04X} appears twice", location=at)
        else:
            found[known[0]] = known[1](value, at)
        pos += 4 + length
    return Tlvs(**found, other=tuple(other))


def encode_tlvs(tlvs: Tlvs, where: str) -> bytes:
    """The octets of ``tlvs``: the known fields in table order, then ``other`` as given.

    Raises ``PayloadError`` at ``<where>.<field>`` for a value out of range, and for an
    ``other`` TLV whose tag has a field of its own or whose value is over 65535 octets.
    """
    if not isinstance(tlvs, Tlvs):
        raise PayloadError(f"expected Tlvs, got {type(tlvs).__name__}", location=f"{where}.tlvs")
    out = bytearray()
    for name, (tag, (_, encode)) in _CODECS.items():
        value = getattr(tlvs, name)
        if value is not None:
            _put(out, tag, encode(value, f"{where}.{name}"))
    for i, tlv in enumerate(tlvs.other):
        at = f"{where}.tlvs.other[{i}]"
        if not isinstance(tlv, Tlv) or type(tlv.tag) is not int or not 0 <= tlv.tag <= 0xFFFF:
            raise PayloadError("expected a Tlv with a tag of 0 to 0xFFFF", location=at)
        if tlv.tag in _BY_TAG:
            raise PayloadError(f"tag 0x{tlv.tag:04X} has a field of its own: {_BY_TAG[tlv.tag][0]}", location=at)
        _put(out, tlv.tag, _encode_octets(tlv.value, at))
    return bytes(out)


def _put(out: bytearray, tag: int, value: bytes) -> None:
    out += tag.to_bytes(2, "big") + len(value).to_bytes(2, "big") + value

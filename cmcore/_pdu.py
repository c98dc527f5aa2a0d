"""SMPP 3.4 PDUs without the socket: the header and the bodies of submit_sm, submit_sm_resp,
deliver_sm, deliver_sm_resp, data_sm and data_sm_resp, to bytes and back.

Rules kept: no I/O and no session (sequence numbers are the caller's); every field is checked
against the size SMPP 3.4 gives it (section 4's PDU tables; C-octet strings count their NUL);
decoding raises only ``PduError`` (a ``ResponseError``) naming the field, encoding only
``PayloadError``; nothing is allocated on the word of a length field.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from cmcore._errors import PayloadError, ResponseError
from cmcore._pdu_model import (
    CommandId,
    DataSm,
    DataSmResp,
    DeliverSm,
    DeliverSmResp,
    OtherPdu,
    Pdu,
    PduError,
    SmppAddress,
    SubmitSm,
    SubmitSmResp,
    _ShortMessage,
)
from cmcore._tlv import Tlvs, decode_tlvs, encode_tlvs

__all__ = ["MAX_PDU_LENGTH", "decode_pdu", "encode_pdu", "read_pdus"]

#: The largest command_length decode_pdu() and read_pdus() accept unless told otherwise: a
#: message_payload of 65535 octets (SMPP 3.4 5.3.2.32) fits with room to spare.
MAX_PDU_LENGTH = 1 << 17
_HEADER = 16  # command_length, command_id, command_status, sequence_number: 4 octets each (3.2)
_U32 = 0xFFFFFFFF


# -- encoding ---------------------------------------------------------------------------------


class _Writer:
    __slots__ = ("out", "name")

    def __init__(self, name: str) -> None:
        self.out = bytearray()
        self.name = name

    def u8(self, field: str, value: int) -> None:
        if type(value) is not int and not isinstance(value, enum.IntEnum) or not 0 <= value <= 0xFF:
            raise PayloadError(f"expected a whole number from 0 to 255, got {value!r:.40}",
                               location=f"{self.name}.{field}")
        self.out.append(value)

    def cstr(self, field: str, text: str, size: int) -> None:
        """A C-octet string of at most ``size`` octets, its NUL counted (SMPP 3.4 3.1)."""
        if type(text) is not str or not text.isascii() or "\x00" in text or len(text) >= size:
            raise PayloadError(f"expected ASCII text of at most {size - 1} characters without NUL, "
                               f"got {text!r:.80}", location=f"{self.name}.{field}")
        self.out += text.encode("ascii") + b"\x00"

    def time(self, field: str, text: str) -> None:
        """schedule_delivery_time / validity_period: empty, or 16 characters (SMPP 3.4 7.1)."""
        if type(text) is str and text and not _time_ok(text):
            raise PayloadError(f"expected YYMMDDhhmmsstnnp (SMPP 3.4 7.1), got {text!r:.40}",
                               location=f"{self.name}.{field}")
        self.cstr(field, text, 17)

    def address(self, field: str, address: SmppAddress, size: int) -> None:
        if not isinstance(address, SmppAddress):
            raise PayloadError(f"expected an SmppAddress, got {type(address).__name__}",
                               location=f"{self.name}.{field}")
        self.u8(f"{field}.ton", address.ton)
        self.u8(f"{field}.npi", address.npi)
        self.cstr(f"{field}.addr", address.addr, size)


def _time_ok(text: str) -> bool:
    return len(text) == 16 and text[:15].isascii() and text[:15].isdigit() and text[15] in "+-R"


def _encode_short_message(pdu: _ShortMessage, w: _Writer) -> None:
    w.cstr("service_type", pdu.service_type, 6)
    w.address("source", pdu.source, 21)
    w.address("destination", pdu.destination, 21)
    for field in ("esm_class", "protocol_id", "priority_flag"):
        w.u8(field, getattr(pdu, field))
    w.time("schedule_delivery_time", pdu.schedule_delivery_time)
    w.time("validity_period", pdu.validity_period)
    for field in ("registered_delivery", "replace_if_present_flag", "data_coding", "sm_default_msg_id"):
        w.u8(field, getattr(pdu, field))
    sm = pdu.short_message
    if type(sm) is not bytes or len(sm) > 254:
        raise PayloadError("expected bytes of at most 254 octets (longer goes in message_payload)",
                           location=f"{w.name}.short_message")
    if sm and isinstance(pdu.tlvs, Tlvs) and pdu.tlvs.message_payload is not None:
        raise PayloadError("short_message and message_payload are both given (SMPP 3.4 5.3.2.32)",
                           location=f"{w.name}.short_message")
    w.u8("sm_length", len(sm))
    w.out += sm


def _encode_data_sm(pdu: DataSm, w: _Writer) -> None:
    w.cstr("service_type", pdu.service_type, 6)
    w.address("source", pdu.source, 65)
    w.address("destination", pdu.destination, 65)
    for field in ("esm_class", "registered_delivery", "data_coding"):
        w.u8(field, getattr(pdu, field))


def _encode_resp(pdu: SubmitSmResp | DataSmResp | DeliverSmResp, w: _Writer) -> bool:
    """Write the message_id; False where the body is left out (an error status, 4.4.2)."""
    message_id = getattr(pdu, "message_id", "")
    if pdu.command_status != 0 and message_id == "" and pdu.tlvs == Tlvs():
        return False
    w.cstr("message_id", message_id, 65 if not isinstance(pdu, DeliverSmResp) else 1)
    return True


_NAMES: dict[type, str] = {SubmitSm: "submit_sm", DeliverSm: "deliver_sm", DataSm: "data_sm",
                           SubmitSmResp: "submit_sm_resp", DeliverSmResp: "deliver_sm_resp",
                           DataSmResp: "data_sm_resp", OtherPdu: "pdu"}


def encode_pdu(pdu: Pdu, /) -> bytes:
    """The octets of ``pdu``: the 16-octet header (SMPP 3.4 3.2), the body, the TLVs.

    Raises ``TypeError`` for what is not a PDU of this module, and ``PayloadError`` naming
    the field (``submit_sm.source.addr``) for a value the spec does not allow.
    """
    name = _NAMES.get(type(pdu))
    if name is None:
        raise TypeError(f"encode_pdu() argument must be a PDU, not {type(pdu).__name__}")
    w = _Writer(name)
    if isinstance(pdu, OtherPdu):
        command_id = _u32(pdu.command_id, "pdu.command_id")
        if command_id in _DECODERS:
            raise PayloadError(f"command_id 0x{command_id:08X} has a class of its own", location="pdu.command_id")
        if type(pdu.body) is not bytes:
            raise PayloadError("expected bytes", location="pdu.body")
        w.out += pdu.body
    else:
        command_id = pdu.command_id
        body = True
        if isinstance(pdu, _ShortMessage):
            _encode_short_message(pdu, w)
        elif isinstance(pdu, DataSm):
            _encode_data_sm(pdu, w)
        else:
            body = _encode_resp(pdu, w)
        if body:
            w.out += encode_tlvs(pdu.tlvs, name)
    status = _u32(pdu.command_status, f"{name}.command_status")
    sequence = _u32(pdu.sequence_number, f"{name}.sequence_number")
    head = [_HEADER + len(w.out), command_id, status, sequence]
    return b"".join(n.to_bytes(4, "big") for n in head) + w.out


def _u32(value: int, where: str) -> int:
    if type(value) is not int and not isinstance(value, enum.IntEnum) or not 0 <= value <= _U32:
        raise PayloadError(f"expected a whole number from 0 to 0xFFFFFFFF, got {value!r:.40}", location=where)
    return int(value)


# -- decoding ---------------------------------------------------------------------------------


class _Reader:
    __slots__ = ("data", "pos", "name")

    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.pos = _HEADER
        self.name = name

    def u8(self, field: str) -> int:
        if self.pos >= len(self.data):
            raise ResponseError("the PDU ends before this field", location=f"{self.name}.{field}")
        self.pos += 1
        return self.data[self.pos - 1]

    def cstr(self, field: str, size: int) -> str:
        """A C-octet string of at most ``size`` octets with its NUL (SMPP 3.4 3.1)."""
        end = self.data.find(b"\x00", self.pos, self.pos + size)
        if end < 0:
            short = len(self.data) - self.pos < size
            raise ResponseError("the PDU ends before this field's NUL" if short else
                                f"no NUL within {size} octets (at most {size - 1} characters)",
                                location=f"{self.name}.{field}")
        raw, self.pos = self.data[self.pos:end], end + 1
        if not raw.isascii():
            raise ResponseError("expected ASCII (SMPP 3.4 3.1)", location=f"{self.name}.{field}")
        return raw.decode("ascii")

    def time(self, field: str) -> str:
        text = self.cstr(field, 17)
        if text and not _time_ok(text):
            raise ResponseError(f"expected empty or YYMMDDhhmmsstnnp (SMPP 3.4 7.1), got {text!r:.40}",
                                location=f"{self.name}.{field}")
        return text

    def address(self, field: str, size: int) -> SmppAddress:
        ton, npi = self.u8(f"{field}.ton"), self.u8(f"{field}.npi")
        return SmppAddress(ton=ton, npi=npi, addr=self.cstr(f"{field}.addr", size))

    def tlvs(self) -> Tlvs:
        return decode_tlvs(self.data, self.pos, self.name)


def _decode_short_message(r: _Reader, status: int) -> dict[str, object]:
    got: dict[str, object] = {"service_type": r.cstr("service_type", 6), "source": r.address("source", 21),
                              "destination": r.address("destination", 21)}
    for field in ("esm_class", "protocol_id", "priority_flag"):
        got[field] = r.u8(field)
    got["schedule_delivery_time"] = r.time("schedule_delivery_time")
    got["validity_period"] = r.time("validity_period")
    for field in ("registered_delivery", "replace_if_present_flag", "data_coding", "sm_default_msg_id"):
        got[field] = r.u8(field)
    length = r.u8("sm_length")
    if length > 254:
        raise ResponseError(f"sm_length {length} is over 254 (SMPP 3.4 4.4.1)", location=f"{r.name}.sm_length")
    sm = r.data[r.pos:r.pos + length]
    if len(sm) != length:
        raise ResponseError(f"sm_length says {length} octets, {len(sm)} follow", location=f"{r.name}.short_message")
    r.pos += length
    tlvs = got["tlvs"] = r.tlvs()
    if sm and tlvs.message_payload is not None:
        raise ResponseError("short_message and message_payload are both given (SMPP 3.4 5.3.2.32)",
                            location=f"{r.name}.message_payload")
    got["short_message"] = sm
    return got


def _decode_data_sm(r: _Reader, status: int) -> dict[str, object]:
    got: dict[str, object] = {"service_type": r.cstr("service_type", 6), "source": r.address("source", 65),
                              "destination": r.address("destination", 65)}
    for field in ("esm_class", "registered_delivery", "data_coding"):
        got[field] = r.u8(field)
    got["tlvs"] = r.tlvs()
    return got


def _decode_resp(r: _Reader, size: int, status: int) -> dict[str, object]:
    if status != 0 and r.pos == len(r.data):  # no body with an error status (SMPP 3.4 4.4.2)
        return {}
    message_id = r.cstr("message_id", size)
    got: dict[str, object] = {"tlvs": r.tlvs()}
    if size > 1:
        got["message_id"] = message_id
    return got


_DECODERS: dict[int, tuple[type[Pdu], Callable[[_Reader, int], dict[str, object]]]] = {
    CommandId.SUBMIT_SM: (SubmitSm, _decode_short_message),
    CommandId.DELIVER_SM: (DeliverSm, _decode_short_message),
    CommandId.DATA_SM: (DataSm, _decode_data_sm),
    CommandId.SUBMIT_SM_RESP: (SubmitSmResp, lambda r, s: _decode_resp(r, 65, s)),
    CommandId.DELIVER_SM_RESP: (DeliverSmResp, lambda r, s: _decode_resp(r, 1, s)),
    CommandId.DATA_SM_RESP: (DataSmResp, lambda r, s: _decode_resp(r, 65, s)),
}


def _as_bytes(data: object, func: str) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"{func}() argument must be bytes, bytearray or memoryview, not {type(data).__name__}")


def _length(raw: bytes, pos: int, max_length: int) -> int:
    """The command_length at ``raw[pos:]`` (4 octets there), checked: 16 to ``max_length``."""
    length = int.from_bytes(raw[pos:pos + 4], "big")
    if not _HEADER <= length <= max_length:
        raise PduError(f"command_length {length} is not {_HEADER} to {max_length}", location="command_length",
                       command_length=length)
    return length


def decode_pdu(data: bytes, /, *, max_length: int = MAX_PDU_LENGTH) -> Pdu:
    """Decode one whole PDU (SMPP 3.4 3.2: header, body, optional parameters).

    Returns a ``SubmitSm``, ``SubmitSmResp``, ``DeliverSm``, ``DeliverSmResp``, ``DataSm``
    or ``DataSmResp``, and an ``OtherPdu`` for any other command_id. Raises ``TypeError``
    for what is not bytes, bytearray or memoryview, and ``PduError`` (a ``ResponseError``)
    naming the field for a header under 16 octets, a command_length that is not the length
    of ``data`` or over ``max_length``, a C-octet string without its NUL or over its size, a
    length (sm_length, a TLV's) that runs past the PDU, and a value out of its range.
    """
    raw = _as_bytes(data, "decode_pdu")
    if len(raw) < _HEADER:
        raise PduError(f"a PDU header is {_HEADER} octets, got {len(raw)}", location="header")
    length = _length(raw, 0, max_length)
    command_id, status, sequence = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    if length != len(raw):
        raise PduError(f"command_length says {length} octets, got {len(raw)}", location="command_length",
                       command_id=command_id, sequence_number=sequence, command_length=length)
    found = _DECODERS.get(command_id)
    if found is None:
        return OtherPdu(command_id=command_id, sequence_number=sequence, command_status=status, body=raw[_HEADER:])
    cls, decode = found
    try:
        got = decode(_Reader(raw, _NAMES[cls]), status)
    except ResponseError as exc:
        raise PduError(exc.message, location=exc.location, command_id=command_id, sequence_number=sequence,
                       command_length=length) from None
    pdu: Pdu = cls(sequence_number=sequence, command_status=status, **got)  # type: ignore[arg-type]
    return pdu


def read_pdus(buffer: bytes, /, *, max_length: int = MAX_PDU_LENGTH) -> tuple[tuple[Pdu, ...], bytes]:
    """Split a received byte stream into whole PDUs: returns ``(pdus, rest)``, where ``rest``
    is what follows the last whole PDU (a partial one, to be given again with more bytes).

    Decoding stops at the first bad PDU, which stays at the head of ``rest``: the PDUs before
    it come back, and the next call raises its ``PduError``. A command_length under 16 or
    over ``max_length`` raises as soon as its 4 octets are in, before its bytes are awaited
    (SMPP 3.4 3.2; the stream cannot be resynchronised). Raises ``TypeError`` for what is not
    bytes, bytearray or memoryview.
    """
    raw = _as_bytes(buffer, "read_pdus")
    pdus: list[Pdu] = []
    pos = 0
    while len(raw) - pos >= 4:
        try:
            length = _length(raw, pos, max_length)
            if len(raw) - pos < length:
                break
            pdus.append(decode_pdu(raw[pos:pos + length], max_length=max_length))
        except PduError:
            if pdus:
                break
            raise
        pos += length
    return tuple(pdus), raw[pos:]

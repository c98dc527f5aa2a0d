"""SMPP without the socket, the codec half: GSM 7-bit, UCS-2 and Latin-1; the parts are in ``_smpp_parts``.

It turns a text into the ``short_message`` octets (and ``data_coding``, ``esm_class``, SAR
values) of each ``submit_sm``, and octets back into text; a transport sends them. Rules kept:

* GSM 7-bit (3GPP TS 23.038 6.2.1, Annex A): a character of the locking shift table costs one
  septet, one of the single shift table two (escape 0x1B, then its code); packing is LSB first
  (6.1.2.1.1), after the fill bits that align septets after a user data header.
* UCS-2 (TS 23.038 6.2.3) is sent as UTF-16BE: a character outside the BMP is a surrogate
  pair, never split; a lone surrogate cannot be sent.
* Concatenation (TS 23.040 9.2.3.24.1 and .8): IEI 0x00 with an 8-bit reference or 0x08 with
  a 16-bit one; national tables add IEI 0x25 (locking) and 0x24 (single shift), in every part.
  Part capacities follow from the header actually used. ``transport="sar"`` carries the
  concatenation in the SMPP 3.4 ``sar_*`` TLVs instead (5.3.2.22-24), ``"payload"`` the whole
  text in one ``message_payload`` TLV (5.3.2.32).

Nothing here invents a reference: a multipart text needs the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass

from cmcore import _gsm7_national, _national
from cmcore._errors import EncodingError, PayloadError
from cmcore._sms import (
    _plain_text,
)

__all__ = ["SmsPart", "decode_gsm7", "decode_latin1", "decode_ucs2", "encode_gsm7", "encode_latin1",
           "encode_ucs2"]

_CR = 0x0D
_UDHI = 0x40
_IEI_CONCAT, _IEI_CONCAT16, _IEI_SINGLE, _IEI_LOCKING = 0x00, 0x08, 0x24, 0x25
_TRANSPORTS = ("udh", "sar", "payload")
_MESSAGE_PAYLOAD_MAX = 0xFFFF  # a TLV's length is 2 octets


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsPart:
    """One ``submit_sm``'s worth of a text.

    ``short_message`` is ``udh + payload``: what goes in the PDU's ``short_message`` field, or
    in its ``message_payload`` TLV for ``transport="payload"``. ``esm_class`` has UDHI (0x40)
    set when ``udh`` is not empty. ``payload`` is packed after the fill bits that follow
    ``udh`` when the part is packed GSM 7-bit. The ``sar_*`` values are set for a multipart
    text sent with ``transport="sar"``, else None.
    """

    data_coding: int
    esm_class: int
    udh: bytes
    payload: bytes
    short_message: bytes
    text: str
    sar_msg_ref_num: int | None = None
    sar_total_segments: int | None = None
    sar_segment_seqnum: int | None = None


def _table_id(value: int | None, name: str, tables: dict[int, str], func: str) -> int:
    if value is None or value == 0 and type(value) is int:
        return 0
    if type(value) is not int or value not in tables:
        known = ", ".join(str(t) for t in sorted(tables))
        raise ValueError(f"{func}(): {name} must be None, 0 or a table identifier ({known}), not {value!r}")
    return value


def _tables(locking: int | None, single: int | None, func: str) -> tuple[int, int]:
    return (_table_id(locking, "locking", _gsm7_national.LOCKING, func),
            _table_id(single, "single", _gsm7_national.SINGLE, func))


def _table_names(locking: int, single: int) -> str:
    lock = f"the {_gsm7_national.NAMES[locking]} locking shift table" if locking else "the default alphabet"
    shift = f"the {_gsm7_national.NAMES[single]} single shift table" if single else "its extension table"
    return f"{lock} or {shift}"


def _unencodable(text: str, index: int, locking: int, single: int) -> EncodingError:
    char = text[index]
    return EncodingError(
        f"character {char!r} (U+{ord(char):04X}) at index {index} is not in {_table_names(locking, single)} "
        "(3GPP TS 23.038); send the text as UCS-2 or choose national language tables",
        code=304, location="body")


def _octets(data: bytes, func: str) -> bytes:
    if type(data) is bytes:
        return data
    try:
        return bytes(memoryview(data))
    except TypeError:
        raise TypeError(f"{func}() argument 'data' must be bytes-like, not {type(data).__name__}") from None


def _gsm7_septets(text: str, locking: int, single: int) -> bytes:
    found: tuple[bytes, int] = _national.septets.encode(text, locking, single)
    if found[1] >= 0:
        raise _unencodable(text, found[1], locking, single)
    return found[0]


def encode_gsm7(text: str, /, *, packed: bool = True, locking: int | None = None, single: int | None = None) -> bytes:
    """Return ``text`` in GSM 7-bit: packed (TS 23.038 6.1.2.1.1) or one septet an octet.

    ``locking``/``single`` pick national language tables (Annex A; None or 0: the default
    alphabet and extension table). Packed, 7 spare bits at the end hold a CR and a final CR on
    an octet boundary is doubled (6.1.2.3.1), so that a reader who counts septets from octets
    reads the text back. ``len(encode_gsm7(t, packed=False))`` is the septet count.

    Raises ``EncodingError`` naming the first character the tables lack and its index,
    ``ValueError`` for an unknown table, ``TypeError`` for a non-``str`` text.
    """
    text = _plain_text(text, "encode_gsm7")
    lock, shift = _tables(locking, single, "encode_gsm7")
    values = _gsm7_septets(text, lock, shift)
    packed_values: bytes = _national.septets.pack(values, 0, True)
    return packed_values if packed else values


def _check_count(value: object, name: str, low: int, high: int, func: str) -> None:
    if type(value) is not int or not low <= value <= high:
        raise ValueError(f"{func}(): {name} must be a whole number from {low} to {high}, not {value!r}")


def decode_gsm7(
    data: bytes,
    /,
    *,
    packed: bool = True,
    septets: int | None = None,
    fill_bits: int = 0,
    locking: int | None = None,
    single: int | None = None,
) -> str:
    """Return the text that GSM 7-bit ``data`` holds: packed, or one septet an octet.

    ``septets`` is the count to read (TP-UDL less the header's septets); without it every
    whole septet is read, and a final CR that ends on an octet boundary is dropped as the pad
    of TS 23.038 6.1.2.3.1, while a final ``@`` there is kept (a conforming sender pads those
    7 bits with CR, never zeros). ``fill_bits`` (0-6) are skipped first. An escape followed by
    a code the single shift table lacks decodes as the locking table's character (6.2.1.1);
    an escape after an escape, or a lone final one, as a space (6.2.1.1 note 1).

    Raises ``PayloadError`` when ``septets`` needs more octets than given, ``EncodingError``
    for an unpacked octet above 0x7F, ``ValueError`` for a bad option.
    """
    data = _octets(data, "decode_gsm7")
    lock, shift = _tables(locking, single, "decode_gsm7")
    _check_count(fill_bits, "fill_bits", 0, 6 if packed else 0, "decode_gsm7")
    if septets is not None:
        _check_count(septets, "septets", 0, 8 * len(data), "decode_gsm7")
    values = _packed_septets(data, septets, fill_bits) if packed else _plain_septets(data, septets)
    text: str = _national.septets.decode(values, lock, shift)
    return text


def _packed_septets(data: bytes, count: int | None, fill_bits: int) -> bytes:
    try:
        values: bytes = _national.septets.unpack(data, fill_bits, -1 if count is None else count)
    except ValueError as exc:
        raise PayloadError(f"decode_gsm7(): {exc}", code=304, location="body") from None
    if count is None and values and values[-1] == _CR and (fill_bits + 7 * len(values)) % 8 == 0:
        return values[:-1]
    return values


def _plain_septets(data: bytes, count: int | None) -> bytes:
    if count is not None:
        if count > len(data):
            raise PayloadError(f"decode_gsm7(): {count} septets need more than the {len(data)} octets given",
                               code=304, location="body")
        data = data[:count]
    if not data.isascii():
        index = next(i for i, v in enumerate(data) if v > 0x7F)
        raise EncodingError(f"octet 0x{data[index]:02X} at index {index} is not a septet (unpacked GSM 7-bit "
                            "holds one septet, 0x00-0x7F, an octet)", code=304, location="body")
    return data


def encode_ucs2(text: str, /) -> bytes:
    """Return ``text`` as UCS-2 octets (UTF-16BE, ``data_coding`` 8): a character outside the
    BMP becomes a surrogate pair. Raises ``EncodingError`` for a lone surrogate, naming it and
    its index, and ``TypeError`` for a non-``str`` text."""
    text = _plain_text(text, "encode_ucs2")
    try:
        return text.encode("utf-16-be")
    except UnicodeEncodeError as exc:
        raise EncodingError(
            f"lone surrogate U+{ord(text[exc.start]):04X} at index {exc.start} cannot be sent as UCS-2 "
            "(UTF-16): it is half of a character", code=304, location="body") from None


def decode_ucs2(data: bytes, /) -> str:
    """Return the text of UCS-2 octets (UTF-16BE, surrogate pairs joined). Raises
    ``EncodingError`` for an odd number of octets or a lone surrogate, naming the octet."""
    data = _octets(data, "decode_ucs2")
    try:
        return data.decode("utf-16-be")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"UCS-2 octets are malformed at octet {exc.start}: {exc.reason}",
                            code=304, location="body") from None


def encode_latin1(text: str, /) -> bytes:
    """Return ``text`` as ISO 8859-1 octets (SMPP ``data_coding`` 3). Raises
    ``EncodingError`` naming the first character beyond U+00FF and its index."""
    text = _plain_text(text, "encode_latin1")
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        raise EncodingError(f"character {char!r} (U+{ord(char):04X}) at index {exc.start} is not in "
                            "Latin-1 (ISO 8859-1)", code=304, location="body") from None


def decode_latin1(data: bytes, /) -> str:
    """Return the text of ISO 8859-1 octets (SMPP ``data_coding`` 3); every octet decodes."""
    return _octets(data, "decode_latin1").decode("latin-1")

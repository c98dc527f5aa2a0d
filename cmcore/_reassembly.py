"""Concatenated SMS, put back together without I/O: ``parse_udh`` reads a User Data Header
(3GPP TS 23.040 9.2.3.24), and ``Reassembler`` collects the parts of a message, in any order,
until all have come.

Rules kept: the caller's clock only (every call that ages the state takes ``now``); the
state is bounded (messages, octets, age), and a part that would go past a bound is refused,
never silently dropped; each part is decoded with its own data_coding and language tables;
every error is a ``ResponseError``. GSM 7-bit text is decoded by ``cmcore._smpp``'s codec,
imported when first needed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from itertools import groupby

from cmcore._errors import ResponseError
from cmcore._pdu_model import ESM_UDHI, DataSm, DeliverSm

__all__ = ["Concat", "DuplicatePartError", "IncompleteMessage", "PartConflictError", "ReassembledMessage",
           "Reassembler", "ReassemblyError", "ReassemblyFullError", "ReceivedPart", "Udh", "parse_udh"]

IEI_CONCAT_8, IEI_CONCAT_16, IEI_SINGLE_SHIFT, IEI_LOCKING_SHIFT = 0x00, 0x08, 0x24, 0x25  # 23.040 9.2.3.24
_IE_SIZES = {IEI_CONCAT_8: 3, IEI_CONCAT_16: 4, IEI_SINGLE_SHIFT: 1, IEI_LOCKING_SHIFT: 1}


class ReassemblyError(ResponseError):
    """A part that cannot join the message it names."""


class DuplicatePartError(ReassemblyError):
    """A part whose sequence number has come already for its message."""


class PartConflictError(ReassemblyError):
    """A part that says its message has another number of parts than its first part said."""


class ReassemblyFullError(ReassemblyError):
    """A part refused because keeping it would pass the reassembler's bounds."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Concat:
    """Where a part sits: ``reference`` (8 or 16 bits, ``wide``), ``seqnum`` of ``total``."""

    reference: int
    total: int
    seqnum: int
    wide: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Udh:
    """A User Data Header: ``length`` octets (its UDHL octet included), the concatenation
    element (IEI 0x00 or 0x08), the national language tables (IEI 0x25 locking, 0x24 single
    shift; 3GPP TS 23.038 6.2.1.2.4), and every element raw, in order."""

    length: int
    concat: Concat | None = None
    locking: int | None = None
    single: int | None = None
    elements: tuple[tuple[int, bytes], ...] = ()


def _bad(message: str, where: str = "udh") -> ResponseError:
    return ResponseError(message, location=where)


def _concat(iei: int, value: bytes) -> Concat:
    wide = iei == IEI_CONCAT_16
    reference = int.from_bytes(value[:2], "big") if wide else value[0]
    total, seqnum = value[-2], value[-1]
    if total == 0:
        raise _bad("a concatenated message of 0 parts (3GPP TS 23.040 9.2.3.24.1)", "udh.concat.total")
    if not 1 <= seqnum <= total:
        raise _bad(f"part {seqnum} of {total}", "udh.concat.seqnum")
    return Concat(reference=reference, total=total, seqnum=seqnum, wide=wide)


def parse_udh(data: bytes, /) -> Udh:
    """Read the User Data Header at the start of ``data`` (user data whose UDHI is set).

    Returns a ``Udh``; the payload is ``data[udh.length:]``. Raises ``TypeError`` for what
    is not bytes, bytearray or memoryview, and ``ResponseError`` for a UDHL or an element
    length that runs past the data, a truncated element, a concatenation or language element
    of the wrong size or given twice, and a part count of 0 or a sequence number of 0 or
    past the count.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_udh() argument must be bytes, bytearray or memoryview, not {type(data).__name__}")
    raw = bytes(data)
    if not raw:
        raise _bad("no UDHL octet")
    end = 1 + raw[0]
    if end > len(raw):
        raise _bad(f"UDHL says {raw[0]} octets, {len(raw) - 1} follow", "udh.length")
    found: dict[str, object] = {}
    elements: list[tuple[int, bytes]] = []
    pos = 1
    while pos < end:
        if end - pos < 2:
            raise _bad(f"an element at octet {pos} is cut off by the UDHL", "udh.elements")
        iei, size = raw[pos], raw[pos + 1]
        value = raw[pos + 2:pos + 2 + size]
        if pos + 2 + size > end:
            raise _bad(f"element 0x{iei:02X} says {size} octets, {end - pos - 2} are left", "udh.elements")
        _element(iei, value, found)
        elements.append((iei, value))
        pos += 2 + size
    return Udh(length=end, elements=tuple(elements), **found)  # type: ignore[arg-type]


def _element(iei: int, value: bytes, found: dict[str, object]) -> None:
    """Read one element that this module knows into ``found``; others are left raw."""
    key = {IEI_CONCAT_8: "concat", IEI_CONCAT_16: "concat", IEI_SINGLE_SHIFT: "single",
           IEI_LOCKING_SHIFT: "locking"}.get(iei)
    if key is None:
        return
    if len(value) != _IE_SIZES[iei]:
        raise _bad(f"element 0x{iei:02X} must hold {_IE_SIZES[iei]} octets, holds {len(value)}", f"udh.{key}")
    if key in found:
        raise _bad(f"element 0x{iei:02X} repeats the {key} element", f"udh.{key}")
    found[key] = _concat(iei, value) if key == "concat" else value[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceivedPart:
    """One received part: who sent it, the payload (the UDH taken off), its data_coding
    (SMPP 3.4 5.2.19), where it sits, its language tables, and the UDH's length in octets
    (which sets the fill bits of packed GSM 7-bit text)."""

    source: str
    payload: bytes
    data_coding: int = 0
    concat: Concat | None = None
    locking: int | None = None
    single: int | None = None
    udh_length: int = 0

    @classmethod
    def from_user_data(cls, data: bytes, /, *, source: str, data_coding: int = 0, udhi: bool = False,
                       sar: Concat | None = None) -> ReceivedPart:
        """The part in ``data``: a UDH first where ``udhi`` (esm_class bit 6, SMPP 3.4
        5.2.12); ``sar`` from the SAR TLVs. Raises ``ResponseError`` for a bad UDH, and for a
        UDH concatenation element and SAR fields that name different places."""
        udh = parse_udh(data) if udhi else Udh(length=0)
        if udh.concat is not None and sar is not None and (udh.concat.reference, udh.concat.total,
                                                           udh.concat.seqnum) != (sar.reference, sar.total, sar.seqnum):
            raise _bad("the UDH and the SAR TLVs name different parts", "sar")
        return cls(source=source, payload=bytes(data)[udh.length:], data_coding=data_coding,
                   concat=udh.concat or sar, locking=udh.locking, single=udh.single, udh_length=udh.length)

    @classmethod
    def from_pdu(cls, pdu: DeliverSm | DataSm, /) -> ReceivedPart:
        """The part a deliver_sm or data_sm carries: ``short_message`` or ``message_payload``;
        the SAR TLVs (SMPP 3.4 5.3.2.22-24) count only when all three are given, as the spec
        says. Raises ``ResponseError`` as ``from_user_data`` does."""
        tlvs = pdu.tlvs
        data = (pdu.short_message if isinstance(pdu, DeliverSm) else b"") or tlvs.message_payload or b""
        sar = None
        if None not in (tlvs.sar_msg_ref_num, tlvs.sar_total_segments, tlvs.sar_segment_seqnum):
            sar = _checked(Concat(reference=tlvs.sar_msg_ref_num or 0, total=tlvs.sar_total_segments or 0,
                                  seqnum=tlvs.sar_segment_seqnum or 0, wide=True))
        return cls.from_user_data(data, source=pdu.source.addr, data_coding=pdu.data_coding,
                                  udhi=bool(pdu.esm_class & ESM_UDHI), sar=sar)


def _checked(concat: Concat) -> Concat:
    top = 0xFFFF if concat.wide else 0xFF
    if not 0 <= concat.reference <= top:
        raise _bad(f"reference {concat.reference} is not 0 to {top}", "concat.reference")
    if not 1 <= concat.total <= 255:
        raise _bad(f"a message of {concat.total} parts (1 to 255)", "concat.total")
    if not 1 <= concat.seqnum <= concat.total:
        raise _bad(f"part {concat.seqnum} of {concat.total}", "concat.seqnum")
    return concat


@dataclass(frozen=True, slots=True, kw_only=True)
class ReassembledMessage:
    """A whole message: its parts' payloads in order, and the text they spell (None where a
    part is 8-bit data or in a data_coding cmcore does not read)."""

    source: str
    reference: int | None
    total: int
    payload: bytes
    text: str | None
    data_codings: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class IncompleteMessage:
    """A message dropped before all its parts came: which parts had (``received``)."""

    source: str
    reference: int
    total: int
    received: tuple[int, ...]
    started: float


@dataclass(slots=True)
class _Pending:
    total: int
    started: float
    parts: dict[int, ReceivedPart] = field(default_factory=dict)
    size: int = 0


class Reassembler:
    """Collects the parts of concatenated messages, keyed by source and reference, until each
    message is whole. Sans-IO: the caller passes ``now`` (seconds on a clock of its choice,
    such as ``time.monotonic()``) and calls ``expire()`` to drop what waited too long.

    Bounds: at most ``max_messages`` messages waiting, holding at most ``max_octets`` octets
    of payload between them; a part past either is refused with ``ReassemblyFullError``.
    ``gsm7_packed`` says GSM 7-bit parts come packed (as over the air) rather than one septet
    an octet (as SMPP commonly carries them).
    """

    def __init__(self, *, max_messages: int = 1024, max_octets: int = 1 << 22, ttl: float = 600.0,
                 gsm7_packed: bool = False) -> None:
        if type(max_messages) is not int or max_messages < 1 or type(max_octets) is not int or max_octets < 1:
            raise ValueError("max_messages and max_octets must be whole numbers of at least 1")
        self.max_messages = max_messages
        self.max_octets = max_octets
        self.ttl = float(ttl)
        self.gsm7_packed = gsm7_packed
        self._pending: dict[tuple[str, bool, int], _Pending] = {}
        self._octets = 0

    def __len__(self) -> int:
        """How many messages wait for parts."""
        return len(self._pending)

    @property
    def octets(self) -> int:
        """How many payload octets the waiting parts hold."""
        return self._octets

    def add(self, part: ReceivedPart, /, *, now: float) -> ReassembledMessage | None:
        """Take one part; return the whole message if this part completes it, else None.

        A part without a concatenation element (or of a message of 1 part) is a message of
        its own. Raises ``TypeError`` for what is not a ``ReceivedPart``; ``DuplicatePartError`` for a
        part that has come already, ``PartConflictError`` for one whose part count differs from
        its message's, ``ReassemblyFullError`` past the bounds (the part is not kept in any of
        these cases), and ``ResponseError`` for a reference or count out of range, or a part
        whose text does not decode in its data_coding (then the message is dropped).
        """
        if not isinstance(part, ReceivedPart) or not isinstance(part.payload, bytes):
            raise TypeError(f"add() argument must be a ReceivedPart with bytes payload, not {type(part).__name__}")
        concat = part.concat
        if concat is not None:
            _checked(concat)
        if concat is None or concat.total == 1:
            return _whole(part.source, None, [part], self.gsm7_packed)
        key = (part.source, concat.wide, concat.reference)
        entry = self._pending.get(key)
        self._admit(entry, part, concat)
        if entry is None:
            entry = self._pending[key] = _Pending(total=concat.total, started=now)
        entry.parts[concat.seqnum] = part
        entry.size += len(part.payload)
        self._octets += len(part.payload)
        if len(entry.parts) < entry.total:
            return None
        self._drop(key)
        parts = [entry.parts[i] for i in range(1, entry.total + 1)]
        return _whole(part.source, concat.reference, parts, self.gsm7_packed)

    def _admit(self, entry: _Pending | None, part: ReceivedPart, concat: Concat) -> None:
        where = f"{part.source!r:.40} reference {concat.reference}"
        if entry is not None and entry.total != concat.total:
            raise PartConflictError(f"{where}: this part says {concat.total} parts, the first said {entry.total}",
                                    location="concat.total")
        if entry is not None and concat.seqnum in entry.parts:
            raise DuplicatePartError(f"{where}: part {concat.seqnum} has come already", location="concat.seqnum")
        if entry is None and len(self._pending) >= self.max_messages:
            raise ReassemblyFullError(f"{self.max_messages} messages wait already; call expire()",
                                      location="max_messages")
        if self._octets + len(part.payload) > self.max_octets:
            raise ReassemblyFullError(f"the waiting parts hold {self._octets} octets; this one would pass "
                                      f"{self.max_octets}", location="max_octets")

    def _drop(self, key: tuple[str, bool, int]) -> _Pending:
        entry = self._pending.pop(key)
        self._octets -= entry.size
        return entry

    def expire(self, *, now: float) -> tuple[IncompleteMessage, ...]:
        """Drop every message whose first part came ``ttl`` seconds or more before ``now``;
        return what each had received, oldest first."""
        old = sorted((e.started, k) for k, e in self._pending.items() if now - e.started >= self.ttl)
        gone = []
        for _, key in old:
            entry = self._drop(key)
            gone.append(IncompleteMessage(source=key[0], reference=key[2], total=entry.total,
                                   received=tuple(sorted(entry.parts)), started=entry.started))
        return tuple(gone)


# -- decoding the text --------------------------------------------------------------------------

_CODECS = {1: "ascii", 3: "latin-1", 6: "iso8859-5", 7: "iso8859-8", 8: "utf-16-be"}  # SMPP 3.4 5.2.19


def _alphabet(data_coding: int) -> str | None:
    """How a data_coding's text is read: "gsm7" (0, SMSC default, and 0xF0-0xF3 of 3GPP TS
    23.038 4), a Python codec, or None for 8-bit data (2, 4, 0xF4-0xF7) and the rest."""
    if data_coding == 0 or 0xF0 <= data_coding <= 0xF3:
        return "gsm7"
    return _CODECS.get(data_coding)


def _whole(source: str, reference: int | None, parts: list[ReceivedPart], packed: bool) -> ReassembledMessage:
    return ReassembledMessage(source=source, reference=reference, total=len(parts),
                       payload=b"".join(p.payload for p in parts), text=_text(parts, packed),
                       data_codings=tuple(p.data_coding for p in parts))


def _text(parts: list[ReceivedPart], packed: bool) -> str | None:
    """The text of ``parts``: each run of parts with one data_coding and one pair of language
    tables decoded as one (so that a character cut between parts reads whole), packed GSM
    7-bit part by part (each has its own fill bits). None where a part is no text."""
    out = []
    for (coding, locking, single), run in groupby(parts, key=lambda p: (p.data_coding, p.locking, p.single)):
        alphabet = _alphabet(coding)
        if alphabet is None:
            return None
        group = list(run)
        chunks = [[p] for p in group] if alphabet == "gsm7" and packed else [group]
        for chunk in chunks:
            out.append(_decode(chunk, alphabet, packed, locking, single))
    return "".join(out)


def _decode(chunk: list[ReceivedPart], alphabet: str, packed: bool, locking: int | None, single: int | None) -> str:
    data = b"".join(p.payload for p in chunk)
    where = f"part {chunk[0].concat.seqnum if chunk[0].concat else 1}"
    try:
        if alphabet != "gsm7":
            return data.decode(alphabet)
        codec = importlib.import_module("cmcore._smpp")
        fill = (7 - chunk[0].udh_length * 8 % 7) % 7 if packed and chunk[0].udh_length else 0
        text: str = codec.decode_gsm7(data, packed=packed, fill_bits=fill, locking=locking, single=single)
        return text
    except (ValueError, LookupError) as exc:  # UnicodeDecodeError and ResponseError are ValueErrors
        raise ResponseError(f"not valid {alphabet} text: {exc}", location=where) from None

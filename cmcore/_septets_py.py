"""The pure-Python twin of the compiled kernel ``_septets.pyx``: same names, same answers.

Used where the extension is not built (``CMCORE_NO_EXTENSIONS=1``). Lookups are dicts built
at import from ``_gsm7`` (table 0) and ``_gsm7_national`` (tables 1-13, TS 23.038 Annex A);
packing runs on one big integer, which CPython shifts in C. A ``str`` subclass is read by its
value, never through its overrides, as the compiled kernel reads its buffer.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MemberDescriptorType
from typing import TypeVar

from cmcore import _gsm7, _gsm7_national

_F = TypeVar("_F", bound=Callable[..., object])

_ESC = 0x1B
_CR = 0x0D


def _decoder(chars: str) -> tuple[str, ...]:
    return tuple("" if ch == "\x00" or (i == _ESC and ch == "\x1b") else ch for i, ch in enumerate(chars))


def _encoder(chars: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, ch in enumerate(chars):
        if ch != "\x00" and not (i == _ESC and ch == "\x1b"):
            out.setdefault(ch, i)  # a character listed twice: the lower code
    return out


def _extension() -> str:
    chars = ["\x00"] * 128
    for ch, code in _gsm7.EXTENSION_BY_CHAR.items():
        chars[code] = ch
    return "".join(chars)


_LOCK_CHARS = {0: _gsm7.BASIC_BY_CODE, **_gsm7_national.LOCKING}
_SINGLE_CHARS = {0: _extension(), **_gsm7_national.SINGLE}
_DEC_LOCK = {t: _decoder(c) for t, c in _LOCK_CHARS.items()}
_DEC_SINGLE = {t: _decoder(c) for t, c in _SINGLE_CHARS.items()}
_ENC_LOCK = {t: _encoder(c) for t, c in _LOCK_CHARS.items()}
_ENC_SINGLE = {t: {ch: bytes((_ESC, code)) for ch, code in _encoder(c).items()} for t, c in _SINGLE_CHARS.items()}
_ENC_LOCK_BYTES = {t: {ch: bytes((code,)) for ch, code in enc.items()} for t, enc in _ENC_LOCK.items()}


def _check_tables(locking: int, single: int) -> None:
    if locking not in _DEC_LOCK:
        raise ValueError(f"no national language locking shift table {locking}")
    if single not in _DEC_SINGLE:
        raise ValueError(f"no national language single shift table {single}")


def _exact(text: object) -> str:
    if not issubclass(type(text), str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return str.__str__(text)  # type: ignore[arg-type, unused-ignore]


def _check_bytes(value: object, name: str) -> bytes:
    if not isinstance(value, bytes) or not issubclass(type(value), bytes):
        raise TypeError(f"{name} must be bytes, not {type(value).__name__}")
    return value


def _table(locking: int, single: int) -> dict[str, bytes]:
    """Character -> its septets for a table pair, locking table first."""
    key = (locking, single)
    table = _PAIRS.get(key)
    if table is None:
        table = {**_ENC_SINGLE[single], **_ENC_LOCK_BYTES[locking]}
        _PAIRS[key] = table
    return table


_PAIRS: dict[tuple[int, int], dict[str, bytes]] = {}


def encode(text: str, locking: int, single: int) -> tuple[bytes, int]:
    """Return ``(septets, bad)``: the septet values of ``text``, escapes included, and -1; or,
    at the first character neither table holds, the septets before it and its index."""
    text = _exact(text)
    _check_tables(locking, single)
    table = _table(locking, single)
    try:
        return b"".join([table[ch] for ch in text]), -1
    except KeyError:
        pass
    out: list[bytes] = []
    for i, ch in enumerate(text):
        code = table.get(ch)
        if code is None:
            return b"".join(out), i
        out.append(code)
    raise AssertionError("unreachable")  # pragma: no cover


def decode(septets: bytes, locking: int, single: int) -> str:
    """Return the text that septet values stand for (each value read modulo 128).

    An escape takes the next code from the single shift table; a code that table lacks is
    the locking table's character (TS 23.038 6.2.1.1), an escape after an escape and a final
    lone escape a space (6.2.1.1 note 1), and a position with no character a space.
    """
    _check_bytes(septets, "septets")
    _check_tables(locking, single)
    lock, shift = _DEC_LOCK[locking], _DEC_SINGLE[single]
    out = []
    escaped = False
    for value in septets:
        v = value & 0x7F
        if escaped:
            escaped = False
            out.append(" " if v == _ESC else shift[v] or lock[v] or " ")
        elif v == _ESC:
            escaped = True
        else:
            out.append(lock[v] or " ")
    if escaped:
        out.append(" ")
    return "".join(out)


def pack(septets: bytes, fill_bits: int, cr_pad: bool) -> bytes:
    """Return ``septets`` packed 7 bits each, LSB first, after ``fill_bits`` zero bits.

    With ``cr_pad``, 7 spare bits at the end hold a CR rather than zeros, and a final CR that
    ends on an octet boundary is followed by another (TS 23.038 6.1.2.3.1).
    """
    _check_bytes(septets, "septets")
    if not 0 <= fill_bits <= 6:
        raise ValueError(f"fill_bits must be 0-6, not {fill_bits}")
    values = bytes(v & 0x7F for v in septets) if septets and max(septets) > 0x7F else septets
    bits = fill_bits + 7 * len(values)
    if cr_pad and values and (bits % 8 == 1 or (bits % 8 == 0 and values[-1] == _CR)):
        values += b"\r"
        bits += 7
    packed = bytearray()
    for i in range(0, len(values), 8):  # 8 septets fill 7 octets: linear, not one huge shift a septet
        acc = 0
        for j, v in enumerate(values[i:i + 8]):
            acc |= v << (7 * j)
        packed += acc.to_bytes(7, "little")
    size = (bits + 7) // 8 if values else 0  # fill bits alone take no octet
    return (int.from_bytes(packed, "little") << fill_bits).to_bytes(size + 1, "little")[:size]


def unpack(data: bytes, fill_bits: int, count: int) -> bytes:
    """Return ``count`` septet values read from packed ``data`` after ``fill_bits`` bits;
    ``count=-1`` reads every whole septet. A ``count`` beyond the data is a ``ValueError``."""
    _check_bytes(data, "data")
    if not 0 <= fill_bits <= 6:
        raise ValueError(f"fill_bits must be 0-6, not {fill_bits}")
    whole = (len(data) * 8 - fill_bits) // 7 if data else 0
    if count < 0:
        count = whole
    elif count > whole:
        raise ValueError(f"{count} septets need more than the {len(data)} octets given")
    octets = (int.from_bytes(data, "little") >> fill_bits).to_bytes(len(data), "little")
    out = bytearray()
    for i in range(0, (count + 7) // 8 * 7, 7):  # 7 octets hold 8 septets
        acc = int.from_bytes(octets[i:i + 7], "little")
        out += bytes((acc >> (7 * j)) & 0x7F for j in range(8))
    return bytes(out[:count])


def measure(text: str, locking: int, single: int, capacity: int) -> tuple[int, int, int]:
    """Return ``(units, parts, used)``: the septets of ``text``, the parts it fills greedily
    at ``capacity`` septets (an escape pair never split) and the septets in the last; units
    is -1 when a character is in neither table."""
    text = _exact(text)
    _check_tables(locking, single)
    if capacity < 2:
        raise ValueError(f"capacity must be at least 2, not {capacity}")
    table = _table(locking, single)
    units, parts, used = 0, 1, 0
    for ch in text:
        code = table.get(ch)
        if code is None:
            return -1, 0, 0
        cost = len(code)
        units += cost
        if used + cost > capacity:
            parts += 1
            used = cost
        else:
            used += cost
    return units, parts, used


def cuts(text: str, locking: int, single: int, capacity: int) -> list[int]:
    """Return the end index of each part when ``text`` is cut greedily into parts of at most
    ``capacity`` septets, never inside an escape pair; ``ValueError`` for a character in
    neither table."""
    text = _exact(text)
    _check_tables(locking, single)
    if capacity < 2:
        raise ValueError(f"capacity must be at least 2, not {capacity}")
    table = _table(locking, single)
    out: list[int] = []
    used = 0
    for i, ch in enumerate(text):
        code = table.get(ch)
        if code is None:
            raise ValueError(f"character U+{ord(ch):04X} at index {i} is in neither table ({locking}, {single})")
        if used + len(code) > capacity:
            out.append(i)
            used = len(code)
        else:
            used += len(code)
    out.append(len(text))
    return out


# --- sms_parts()'s common case ---------------------------------------------------------------

_MAX_PARTS = _gsm7.MAX_PARTS
_GSM_SINGLE, _UCS2_SINGLE = _gsm7.GSM7_SINGLE, _gsm7.UCS2_SINGLE
_GSM_MULTI = (_gsm7.GSM7_MULTI, _gsm7.GSM7_MULTI_16BIT_REF)
_UCS2_MULTI = (_gsm7.UCS2_MULTI, _gsm7.UCS2_MULTI_16BIT_REF)
FIELDS = ("data_coding", "esm_class", "udh", "payload", "short_message", "text",
          "sar_msg_ref_num", "sar_total_segments", "sar_segment_seqnum")
_SETTERS: dict[type, tuple[Callable[[object, object], None], ...]] = {}


def _setters(cls: object) -> tuple[Callable[[object, object], None], ...]:
    """Each of ``FIELDS``' member ``__set__``, found once for each class; a ``TypeError``
    unless every one is a ``__slots__`` member."""
    if not isinstance(cls, type):
        raise TypeError(f"parts(): cls must be a class, not {type(cls).__name__}")
    found = _SETTERS.get(cls)
    if found is None:
        setters = []
        for name in FIELDS:
            descr = next((k.__dict__[name] for k in cls.__mro__ if name in k.__dict__), None)
            if type(descr) is not MemberDescriptorType:
                raise TypeError(f"parts(): {cls.__name__}.{name} is not a __slots__ member")
            setters.append(descr.__set__)
        found = _SETTERS[cls] = tuple(setters)
    return found


def _reference(reference: object, ref16: bool) -> int:
    """The reference, -1 for None, -3 for what ``sms_parts()`` must refuse."""
    if reference is None:
        return -1
    if type(reference) is not int or not 0 <= reference <= (0xFFFF if ref16 else 0xFF):
        return -3
    return reference


def _udh(reference: int, ref16: bool, total: int, seq: int) -> bytes:
    if ref16:
        return bytes((6, 0x08, 4, reference >> 8, reference & 0xFF, total, seq))
    return bytes((5, 0x00, 3, reference, total, seq))


def _new_part(cls: type, setters: tuple[Callable[[object, object], None], ...], gsm7: bool, udh: bytes,
              payload: bytes, text: str) -> object:
    part: object = object.__new__(cls)
    values = (0 if gsm7 else 8, 0x40 if udh else 0, udh, payload, udh + payload if udh else payload, text,
              None, None, None)
    for put, value in zip(setters, values):
        put(part, value)
    return part


def _septet_ends(septets: bytes, capacity: int) -> list[int]:
    """Where each part's septets end when cut greedily, an escape pair never split: an escape
    in the kernel's own septets always leads a pair (the single shift table has no 0x1B)."""
    ends: list[int] = []
    start = 0
    while len(septets) - start > capacity:
        end = start + capacity
        end -= septets[end - 1] == _ESC
        ends.append(end)
        start = end
    return [*ends, len(septets)]


def _unit_ends(octets: bytes, capacity: int) -> list[int]:
    """Where each part's UTF-16BE octets end when cut greedily at ``capacity`` units, a
    surrogate pair never split (a high surrogate's first octet is 0xD8-0xDB)."""
    ends: list[int] = []
    start = 0
    while len(octets) - start > 2 * capacity:
        end = start + 2 * capacity
        end -= 2 * (0xD8 <= octets[end - 2] <= 0xDB)
        ends.append(end)
        start = end
    return [*ends, len(octets)]


def _one(text: str, cls: type, setters: tuple[Callable[[object, object], None], ...], reference: int,
         ref16: bool, packed: bool) -> tuple[object, ...] | None:
    septets, bad = encode(text, 0, 0)
    gsm7 = bad < 0
    if not gsm7:
        try:
            septets = text.encode("utf-16-be")
        except UnicodeEncodeError:
            return None  # a lone surrogate
    units = len(septets) // (1 if gsm7 else 2)
    if units <= (_GSM_SINGLE if gsm7 else _UCS2_SINGLE):
        payload = pack(septets, 0, True) if packed and gsm7 else septets
        return (_new_part(cls, setters, gsm7, b"", payload, text),)
    cuts = _septet_ends(septets, _GSM_MULTI[ref16]) if gsm7 else _unit_ends(septets, _UCS2_MULTI[ref16])
    if len(cuts) > _MAX_PARTS or reference < 0:
        return None
    out = []
    for seq, (start, end) in enumerate(zip([0, *cuts], cuts), 1):
        payload = septets[start:end]
        if gsm7:
            piece = text[start - septets.count(b"\x1b", 0, start):end - septets.count(b"\x1b", 0, end)]
            payload = pack(payload, 0 if ref16 else 1, True) if packed else payload
        else:
            piece = payload.decode("utf-16-be")
        out.append(_new_part(cls, setters, gsm7, _udh(reference, ref16, len(cuts), seq), payload, piece))
    return tuple(out)


def parts(text: str, cls: type, reference: int | None, ref16: bool, packed: bool) -> tuple[object, ...] | None:
    """Return ``sms_parts(text, reference=, ref16=, packed=)`` with the default tables and
    capacities and a UDH, its parts made as instances of ``cls`` (a class whose ``FIELDS``
    are ``__slots__`` members); or None where that call would raise, or takes another path:
    a non-``str`` text, a ``ref16`` that is not a bool, a bad reference, a lone surrogate, a
    multipart text without a reference, more than 255 parts. ``TypeError`` for such a ``cls``.
    """
    setters = _setters(cls)
    if not issubclass(type(text), str) or (ref16 is not True and ref16 is not False):
        return None
    ref = _reference(reference, ref16)
    if ref < -1:
        return None
    return _one(_exact(text), cls, setters, ref, ref16, bool(packed))


def front(cls: type, default_limits: object, general: Callable[..., tuple[object, ...]]) -> Callable[[_F], _F]:
    """Return the decorator that puts a front before ``sms_parts()``: here, none. The
    compiled kernel's front takes the Python front's place, to save its frame; the twin
    leaves the Python front as it is, whose common case calls ``parts()``."""
    def decorate(python_front: _F) -> _F:
        return python_front
    return decorate


def parts_many(texts: list[str], cls: type, references: list[int | None] | None, ref16: bool,
               packed: bool) -> tuple[list[tuple[object, ...]], int]:
    """Return ``(found, stop)``: ``parts()`` of each of ``texts`` (a list) with the reference
    at the same index of ``references`` (a list as long, or None), up to the first text that
    ``parts()`` answers None for, whose index is ``stop`` (-1 when there is none). Each item
    is read when its turn comes: lists changed meanwhile (by a finalizer) are read as they
    are then, and one that has lost the item ends the batch there."""
    setters = _setters(cls)
    if type(texts) is not list:
        raise TypeError(f"parts_many(): texts must be a list, not {type(texts).__name__}")
    if references is not None and type(references) is not list:
        raise TypeError(f"parts_many(): references must be a list or None, not {type(references).__name__}")
    if references is not None and len(references) != len(texts):
        raise ValueError(f"parts_many(): {len(references)} references for {len(texts)} texts")
    found: list[tuple[object, ...]] = []
    if ref16 is not True and ref16 is not False:
        return found, 0 if texts else -1
    packed = bool(packed)
    for i in range(len(texts)):
        # each item read as its turn comes, as the kernel reads it: a finalizer that runs
        # mid-loop may change the lists, and a list that has lost the item ends the batch
        if i >= len(texts) or (references is not None and i >= len(references)):
            return found, i if i < len(texts) else -1
        text = texts[i]
        ref = -1 if references is None else _reference(references[i], ref16)
        one = None if ref < -1 or not issubclass(type(text), str) else _one(_exact(text), cls, setters, ref,
                                                                              ref16, packed)
        if one is None:
            return found, i
        found.append(one)
    return found, -1

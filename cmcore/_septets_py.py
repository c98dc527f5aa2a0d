"""The pure-Python twin of the compiled kernel ``_septets.pyx``: same names, same answers.

Used where the extension is not built (``CMCORE_NO_EXTENSIONS=1``). Lookups are dicts built
at import from ``_gsm7`` (table 0) and ``_gsm7_national`` (tables 1-13, TS 23.038 Annex A);
packing runs on one big integer, which CPython shifts in C. A ``str`` subclass is read by its
value, never through its overrides, as the compiled kernel reads its buffer.
"""

from __future__ import annotations

from cmcore import _gsm7, _gsm7_national

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

"""The pure-Python twin of the compiled kernel ``_segment.pyx``: same names, same answers.

Used where the extension is not built (``CMCORE_NO_EXTENSIONS=1``). It leans on ``re`` and
the UTF-16 codec, which run in C, and walks characters in Python only when a cut could fall
inside an escape pair or a surrogate pair.

Like the compiled kernel, which reads a ``str``'s buffer, it answers from a text's value: a
``str`` subclass is first copied to an exact ``str``, so none of its overrides is called.
"""

from __future__ import annotations

import re
from array import array

from cmcore._gsm7 import BASIC, EXTENSION

_NOT_GSM7 = re.compile("[^" + re.escape("".join(sorted(BASIC | EXTENSION))) + "]")
_EXTENSION = re.compile("[" + re.escape("".join(sorted(EXTENSION))) + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _check_limits(*limits: int) -> None:
    for limit in limits:
        if limit < 2:
            raise ValueError(f"part capacities must be at least 2, not {limit}")


def _exact(text: object) -> str:
    """The value of a ``str`` (subclass) as an exact ``str``; ``TypeError`` for anything else."""
    if not issubclass(type(text), str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return str.__str__(text)


def _walk(text: str, gsm7: bool, capacity: int, cuts: list[int] | None) -> int:
    used = 0
    parts = 1
    for i, ch in enumerate(text):
        if gsm7:
            if ch in EXTENSION:
                cost = 2
            elif ch in BASIC:
                cost = 1
            else:
                raise ValueError(f"character U+{ord(ch):04X} at index {i} is not GSM-7")
        else:
            cost = 2 if ord(ch) > 0xFFFF else 1
        if used + cost > capacity:
            if cuts is not None:
                cuts.append(i)
            parts += 1
            used = cost
        else:
            used += cost
    if cuts is not None:
        cuts.append(len(text))
    return parts


def count(
    text: str,
    force_ucs2: bool,
    gsm_single: int,
    gsm_multi: int,
    ucs2_single: int,
    ucs2_multi: int,
) -> tuple[bool, int, int]:
    """Return ``(is_gsm7, units, parts)`` for one text."""
    if type(text) is not str:
        text = _exact(text)
    _check_limits(gsm_single, gsm_multi, ucs2_single, ucs2_multi)
    gsm7 = not force_ucs2 and _NOT_GSM7.search(text) is None
    if gsm7:
        extra = len(_EXTENSION.findall(text))
        single, multi = gsm_single, gsm_multi
    else:
        extra = len(_ASTRAL.findall(text)) if not text.isascii() else 0
        single, multi = ucs2_single, ucs2_multi
    units = len(text) + extra
    if units <= single:
        parts = 1
    elif extra == 0:
        parts = -(-units // multi)
    else:
        parts = _walk(text, gsm7, multi, None)
    return gsm7, units, parts


def count_many(
    texts: object,
    force_ucs2: bool,
    gsm_single: int,
    gsm_multi: int,
    ucs2_single: int,
    ucs2_multi: int,
) -> tuple[bytes, array[int], array[int]]:
    """Return ``(gsm7_flags, units, parts)`` columns: bytes, array('q'), array('q')."""
    items = texts if type(texts) is list else list(texts)  # type: ignore[call-overload]
    _check_limits(gsm_single, gsm_multi, ucs2_single, ucs2_multi)
    flags = bytearray(len(items))
    units_col = array("q", bytes(8 * len(items)))
    parts_col = array("q", bytes(8 * len(items)))
    for i, text in enumerate(items):
        if not issubclass(type(text), str):  # as the compiled kernel checks: not via __class__
            raise TypeError(
                f"analyze_many() argument 'texts' item {i} must be str, not {type(text).__name__}"
            )
        gsm7, units_col[i], parts_col[i] = count(
            text, force_ucs2, gsm_single, gsm_multi, ucs2_single, ucs2_multi
        )
        flags[i] = gsm7
    return bytes(flags), units_col, parts_col


def cuts(text: str, gsm7: bool, capacity: int) -> list[int]:
    """Return the end index of each part when ``text`` is cut into parts of ``capacity``.

    ``gsm7`` selects septet costs; a character outside GSM-7 then raises ``ValueError``.
    """
    if type(text) is not str:
        text = _exact(text)
    if capacity < 2:
        raise ValueError(f"capacity must be at least 2, not {capacity}")
    out: list[int] = []
    _walk(text, gsm7, capacity, out)
    return out

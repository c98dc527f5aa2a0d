"""National language tables in counting: which (locking, single) pair costs a text least.

The septet kernel is chosen here, once, by the rule of ``_kernel.py``. Everything here is
numbers: ``_sms`` and ``_smpp`` turn them into results.

Rules kept: a national table is signalled by a 3-octet information element of the user data
header (IEI 0x25 locking, 0x24 single; TS 23.040 9.2.3.24.15-16), so each table used costs
the part room; with the header length octet and the fill bits that align septets after it
(TS 23.038 6.1.2.1.1), a part of 140 octets holds ``(1120 - 8 * header octets) // 7``
septets. A pair is chosen as Android's ``GsmAlphabet.countGsmSeptets`` chooses: the fewest
parts, then the most room left in the last part, the earlier pair on a tie; tables are
tried only where the default alphabet cannot carry the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

from cmcore import _gsm7_national
from cmcore import _kernel as _kernel_rule

septets: ModuleType = _kernel_rule.load("_septets")

#: Octets of a user data part (TS 23.040 9.2.3.24: 140 octets of TP-UD).
UD_OCTETS = 140
#: Octets of one national language information element: IEI, length 1, identifier.
LANGUAGE_IE = 3
#: Octets of the concatenation element: 8-bit reference (IEI 0x00) and 16-bit (IEI 0x08).
CONCAT_IE = 5
CONCAT16_IE = 6


def septet_room(header: int) -> int:
    """Septets that fit beside a user data header of ``header`` octets (its length octet
    included; 0 for none), the fill bits taken out."""
    return (8 * (UD_OCTETS - header)) // 7


def unit_room(header: int) -> int:
    """UTF-16 code units that fit beside a user data header of ``header`` octets."""
    return (UD_OCTETS - header) // 2


def header_octets(locking: int, single: int, concat: int) -> int:
    """The user data header's octets, its length octet included, for the tables used and a
    concatenation element of ``concat`` octets (0 for none); 0 when there is nothing in it."""
    body = concat + LANGUAGE_IE * ((locking != 0) + (single != 0))
    return body + 1 if body else 0


def table_ids(languages: Sequence[str], func: str) -> tuple[list[int], list[int]]:
    """The locking and single shift table identifiers to try, the default (0) first.

    Raises ``TypeError`` for a ``str`` in place of a sequence and ``ValueError`` naming a code
    that is not one of ``_gsm7_national.LANGUAGES``.
    """
    if isinstance(languages, str):
        raise TypeError(f"{func}() argument 'languages' must be a sequence of codes such as ('tr',), not a str")
    locking, single = [0], [0]
    for code in languages:
        ident = _gsm7_national.LANGUAGES.get(code) if isinstance(code, str) else None
        if ident is None:
            known = ", ".join(sorted(_gsm7_national.LANGUAGES))
            raise ValueError(f"{func}(): unknown language {code!r}; known: {known}")
        if ident in _gsm7_national.LOCKING and ident not in locking:
            locking.append(ident)
        if ident not in single:
            single.append(ident)
    return locking, single


@dataclass(frozen=True, slots=True)
class Choice:
    """A table pair and what it costs a text: septets, parts, room left in the last part."""

    locking: int
    single: int
    units: int
    parts: int
    remaining: int


def rooms(locking: int, single: int, single_cap: int, multi_cap: int, ref16: bool) -> tuple[int, int]:
    """Single-part and per-part septet capacities once the pair's elements take their room
    from the default capacities ``single_cap`` and ``multi_cap``."""
    concat = CONCAT16_IE if ref16 else CONCAT_IE
    lost_single = septet_room(0) - septet_room(header_octets(locking, single, 0))
    lost_multi = septet_room(header_octets(0, 0, concat)) - septet_room(header_octets(locking, single, concat))
    return single_cap - lost_single, multi_cap - lost_multi


def cost(text: str, locking: int, single: int, single_cap: int, multi_cap: int, ref16: bool) -> Choice | None:
    """What ``text`` costs with one pair, or None when the pair cannot carry it."""
    one, each = rooms(locking, single, single_cap, multi_cap, ref16)
    units, parts, used = septets.measure(text, locking, single, max(each, 2))
    if units < 0:
        return None
    if units <= one:
        return Choice(locking, single, units, 1, one - units)
    return Choice(locking, single, units, parts, each - used)


def choose(
    text: str, languages: Sequence[str], single_cap: int, multi_cap: int, func: str, *, ref16: bool = False
) -> Choice | None:
    """The pair with the fewest parts, then the most room left; None when none carries it.

    The default pair (0, 0) is left out: callers try it first.
    """
    lockings, singles = table_ids(languages, func)
    best: Choice | None = None
    for locking in lockings:
        for single in singles:
            if locking == single == 0:
                continue
            found = cost(text, locking, single, single_cap, multi_cap, ref16)
            if found is not None and (
                best is None
                or found.parts < best.parts
                or (found.parts == best.parts and found.remaining > best.remaining)
            ):
                best = found
    return best

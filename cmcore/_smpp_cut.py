"""Cutting a text into SMS parts between extended grapheme clusters (Unicode UAX #29).

``regex``'s ``\\X`` finds the clusters; it is the optional extra ``cmcore[graphemes]``, imported
only when a caller asks for ``graphemes=True``. A cluster larger than a part is cut between
code points, never inside an escape pair (GSM 7-bit) or a surrogate pair (UCS-2).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from cmcore import _national

_ESC = 0x1B


def _regex() -> ModuleType:
    try:
        return importlib.import_module("regex")
    except ImportError:
        raise ImportError(
            "sms_parts(graphemes=True) needs the 'regex' module for grapheme clusters: "
            "pip install 'cmcore[graphemes]'"
        ) from None


def unit_costs(text: str, locking: int, single: int, gsm7: bool) -> list[int]:
    """Each character's cost: septets (1, or 2 through an escape) or UTF-16 code units."""
    if not gsm7:
        return [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    values = _national.septets.encode(text, locking, single)[0]
    costs = []
    i = 0
    while i < len(values):
        escaped = values[i] == _ESC  # 0x1B is never a character's own septet
        costs.append(2 if escaped else 1)
        i += 2 if escaped else 1
    return costs


def cluster_cuts(text: str, capacity: int, locking: int, single: int, gsm7: bool) -> list[int]:
    """Return the end index of each part when ``text`` is filled greedily, a cluster at a time,
    into parts of at most ``capacity`` units. Raises ``ImportError`` without ``regex``."""
    pattern = _regex().compile(r"\X", _regex().DOTALL)
    costs = unit_costs(text, locking, single, gsm7)
    ends: list[int] = []
    used = 0
    for match in pattern.finditer(text):
        start, stop = match.span()
        size = sum(costs[start:stop])
        if used + size <= capacity:
            used += size
        elif size <= capacity:
            ends.append(start)
            used = size
        else:
            for i in range(start, stop):
                if used + costs[i] > capacity:
                    ends.append(i)
                    used = costs[i]
                else:
                    used += costs[i]
    ends.append(len(text))
    return ends

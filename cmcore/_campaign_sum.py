"""What a campaign scan gives and counts: verdicts, problems, the summary, the numbers seen.

The summary's counts add up: ``rows == valid + invalid``; ``invalid_by_code`` counts each
invalid row once, under its first problem's code, so its values sum to ``invalid``;
``parts_histogram`` and ``encodings`` count each valid row once. Duplicates are found in an
open-addressing table of 64-bit integers (the ``00…`` number read as an int) beside the line
each was first seen on: about 16 bytes a number, not a Python object each.
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

from cmcore import _kernel
from cmcore._frozen import FrozenMap
from cmcore._phone import NumberType
from cmcore._sms import Encoding

__all__ = ["CampaignProblem", "CampaignSummary", "Duplicates", "Longest", "RowStatus", "RowVerdict", "Tally",
           "VerdictBatch"]

_rows = _kernel.load("_rows")
_wire = _kernel.load("_wire")

_VALID, _WARNING, _INVALID = 0, 1, 2


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignProblem:
    """One problem of a row: the gateway's ``code``, the ``field`` (the input column where the
    problem lies in one, else the gateway's key), the reason, and where (``line 12, column
    'phone'``)."""

    code: int
    field: str
    message: str
    location: str


_PROBLEM_SLOTS = tuple(getattr(CampaignProblem, name) for name in ("code", "field", "message", "location"))
#: What the row kernel makes a problem with: ``fill(CampaignProblem, slots, [code, field, message, location])``.
_PROBLEM_MAKER = (_wire.fill, CampaignProblem, _PROBLEM_SLOTS)


def problem(*, code: int, field: str, message: str, location: str) -> CampaignProblem:
    """``CampaignProblem(...)`` of values a scan made itself (an int and three str), filled
    without the frozen ``__init__``'s setattr a field: a scan makes one a bad or repeated row."""
    made: CampaignProblem = _wire.fill(CampaignProblem, _PROBLEM_SLOTS, [code, field, message, location])
    return made


class RowStatus(str, enum.Enum):
    """A row's verdict: valid, valid with a warning (a duplicate number), or invalid."""

    VALID = "valid"
    WARNING = "warning"
    INVALID = "invalid"

    def __str__(self) -> str:
        return self.value


_STATUSES = (RowStatus.VALID, RowStatus.WARNING, RowStatus.INVALID)


@dataclass(frozen=True, slots=True, kw_only=True)
class RowVerdict:
    """One record: where it starts (``line``, physical, header and quoted newlines counted;
    ``record``, 1 for the first row after the header), its problems (errors, then warnings),
    the normalised number with its region and type, the rendered text with its encoding,
    units and parts, and ``cost`` (what the pricing hook said, or None). ``fields`` are the
    record's values as read (CSV: the fields; JSON Lines: the line; rows: the row)."""

    line: int
    record: int
    status: RowStatus
    problems: tuple[CampaignProblem, ...]
    number: str | None
    region: str | None
    type: NumberType | None
    sender: str | None
    reference: str | None
    text: str | None
    encoding: Encoding | None
    units: int
    parts: int
    cost: object | None
    fields: Any

    @property
    def valid(self) -> bool:
        """Whether the row can be sent (a warning does not stop it)."""
        return self.status is not RowStatus.INVALID


class VerdictBatch(Sequence[RowVerdict]):
    """The verdicts of consecutive records as columns; a ``RowVerdict`` is built only when an
    item is read. ``status`` holds 0 valid, 1 warning, 2 invalid; ``problems`` maps the index
    of each row with a problem to its problems."""

    __slots__ = ("lines", "records", "status", "problems", "numbers", "regions", "types", "senders",
                 "references", "texts", "gsm7", "units", "parts", "costs", "fields")

    def __init__(self, n: int) -> None:
        self.lines = array("q", bytes(8 * n))
        self.records = array("q", bytes(8 * n))
        self.status = bytearray(n)
        self.problems: dict[int, tuple[CampaignProblem, ...]] = {}
        self.numbers: list[str | None] = [None] * n
        self.regions: list[str | None] = [None] * n
        self.types: list[NumberType | None] = [None] * n
        self.senders: list[str | None] = [None] * n
        self.references: list[str | None] = [None] * n
        self.texts: list[str | None] = [None] * n
        self.gsm7 = bytearray(n)
        self.units = array("q", bytes(8 * n))
        self.parts = array("q", bytes(8 * n))
        self.costs: list[object | None] = [None] * n
        self.fields: Sequence[Any] = [None] * n

    def __len__(self) -> int:
        return len(self.status)

    @overload
    def __getitem__(self, index: int) -> RowVerdict: ...
    @overload
    def __getitem__(self, index: slice) -> list[RowVerdict]: ...

    def __getitem__(self, index: int | slice) -> RowVerdict | list[RowVerdict]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = range(len(self))[index]
        text = self.texts[i]
        return RowVerdict(
            line=self.lines[i], record=self.records[i], status=_STATUSES[self.status[i]],
            problems=self.problems.get(i, ()), number=self.numbers[i], region=self.regions[i], type=self.types[i],
            sender=self.senders[i], reference=self.references[i], text=text,
            encoding=None if text is None else (Encoding.GSM7 if self.gsm7[i] else Encoding.UCS2),
            units=self.units[i], parts=self.parts[i], cost=self.costs[i], fields=self.fields[i])


@dataclass(frozen=True, slots=True, kw_only=True)
class Longest:
    """The longest valid message: where it is, its encoding, units and parts."""

    line: int
    record: int
    encoding: str
    units: int
    parts: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignSummary:
    """The counts of a scan (see the module docstring for how they add up). ``lines``: physical
    lines read, the header's included; ``skipped``: blank lines; ``encodings``: region ->
    encoding name -> valid rows; ``cost``: the sum of the pricing hook's answers, or None."""

    lines: int
    rows: int
    skipped: int
    valid: int
    invalid: int
    warnings: int
    duplicates: int
    invalid_by_code: FrozenMap[int, int]
    problems_by_code: FrozenMap[int, int]
    parts: int
    parts_histogram: FrozenMap[int, int]
    encodings: FrozenMap[str, FrozenMap[str, int]]
    longest: Longest | None
    cost: object | None

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON types (keys of the maps as strings)."""
        longest = None if self.longest is None else {
            "line": self.longest.line, "record": self.longest.record, "encoding": self.longest.encoding,
            "units": self.longest.units, "parts": self.longest.parts}
        return {"rows": self.rows, "valid": self.valid, "invalid": self.invalid, "warnings": self.warnings,
                "parts": self.parts, "duplicates": self.duplicates, "skipped": self.skipped, "lines": self.lines,
                "invalid_by_code": {str(k): v for k, v in sorted(self.invalid_by_code.items())},
                "problems_by_code": {str(k): v for k, v in sorted(self.problems_by_code.items())},
                "parts_histogram": {str(k): v for k, v in sorted(self.parts_histogram.items())},
                "encodings": {r: dict(sorted(e.items())) for r, e in sorted(self.encodings.items())},
                "longest": longest, "cost": self.cost if isinstance(self.cost, (int, float)) or self.cost is None
                else str(self.cost)}


class Tally:
    """The running counts of a scan."""

    def __init__(self) -> None:
        self.rows = self.valid_rows = self.invalid_rows = self.warnings = self.parts = 0
        self.by_code: dict[int, int] = {}
        self.problems: dict[int, int] = {}
        self.histogram: dict[int, int] = {}
        self.encodings: dict[str, list[int]] = {}  # region -> [UCS-2 rows, GSM-7 rows]
        self.longest: Longest | None = None
        self.cost: Any = None

    def add(self, batch: Any, priced: bool) -> None:
        """Count a finished ``VerdictBatch``."""
        status, parts, units, gsm7 = batch.status, batch.parts, batch.units, batch.gsm7
        self.rows += len(status)
        good, total, top = _rows.tally(status, parts, units, gsm7, batch.regions, self.histogram, self.encodings)
        self.valid_rows += good
        self.invalid_rows += len(status) - good
        self.warnings += _rows.count_problems(batch.problems, status, self.by_code, self.problems)
        self.parts += total
        if top >= 0 and (self.longest is None or units[top] > self.longest.units):
            self.longest = Longest(line=batch.lines[top], record=batch.records[top], units=units[top],
                                   parts=parts[top], encoding="GSM-7" if gsm7[top] else "UCS-2")
        if priced:
            costs = [batch.costs[i] for i in range(len(status)) if status[i] != 2 and batch.costs[i] is not None]
            if costs:
                self.cost = sum(costs[1:], costs[0]) if self.cost is None else sum(costs, self.cost)

    def summary(self, *, lines: int, skipped: int, duplicates: int, priced: bool) -> CampaignSummary:
        """The counts as a frozen ``CampaignSummary``."""
        regions: dict[str, dict[str, int]] = {}
        for region, (ucs2, gsm7) in self.encodings.items():
            regions[region] = {name: n for name, n in (("GSM-7", gsm7), ("UCS-2", ucs2)) if n}
        return CampaignSummary(lines=lines, rows=self.rows, skipped=skipped, valid=self.valid_rows,
                       invalid=self.invalid_rows, warnings=self.warnings, duplicates=duplicates,
                       invalid_by_code=FrozenMap(dict(self.by_code)), problems_by_code=FrozenMap(dict(self.problems)),
                       parts=self.parts, parts_histogram=FrozenMap(dict(self.histogram)),
                       encodings=FrozenMap({r: FrozenMap(e) for r, e in regions.items()}),
                       longest=self.longest, cost=(self.cost if self.cost is not None else 0) if priced else None)


class Duplicates:
    """The numbers seen, each with the line it was first seen on: open addressing with linear
    probing over two ``array('q')``, doubled at two-thirds full. Keys are positive."""

    __slots__ = ("_keys", "_lines", "_mask", "_used", "found")

    def __init__(self, size: int = 1 << 16) -> None:
        self._keys = array("q", bytes(8 * size))
        self._lines = array("q", bytes(8 * size))
        self._mask = size - 1
        self._used = 0
        self.found = 0

    def add(self, key: int, line: int) -> int:
        """0 for a new ``key`` (now held, with ``line``); else the line it was first seen on."""
        keys, mask = self._keys, self._mask
        at = (key ^ (key >> 17)) * 0x9E3779B1 & mask
        while True:
            held = keys[at]
            if held == key:
                self.found += 1
                return self._lines[at]
            if not held:
                break
            at = (at + 1) & mask
        keys[at] = key
        self._lines[at] = line
        self._used += 1
        if self._used * 3 > mask * 2:
            self._grow()
        return 0

    def add_many(self, keys: list[int], lines: list[int]) -> list[int]:
        """``add`` over pairs of ``keys`` and ``lines``, with the loop here."""
        table, held_lines, mask = self._keys, self._lines, self._mask
        out = []
        for key, line in zip(keys, lines):
            at = (key ^ (key >> 17)) * 0x9E3779B1 & mask
            held = table[at]
            while held and held != key:
                at = (at + 1) & mask
                held = table[at]
            if held:
                self.found += 1
                out.append(held_lines[at])
                continue
            table[at] = key
            held_lines[at] = line
            out.append(0)
            self._used += 1
            if self._used * 3 > mask * 2:
                self._grow()
                table, held_lines, mask = self._keys, self._lines, self._mask
        return out

    def _grow(self) -> None:
        keys, lines = self._keys, self._lines
        size = 2 * len(keys)
        self._keys = array("q", bytes(8 * size))
        self._lines = array("q", bytes(8 * size))
        self._mask = size - 1
        self._used = 0
        for key, line in zip(keys, lines):
            if key:
                self.add(key, line)

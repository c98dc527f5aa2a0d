"""Reading campaign files: records, their physical lines, columns and templates; no I/O.

The caller opens the file; this module takes an iterable of lines (``str``, or ``bytes``
decoded strictly with an explicit encoding), or of rows (sequences of ``str``, the first one
the header). CSV: the delimiter is sniffed from the header among ``,`` ``;`` tab ``|``;
quoted fields may hold newlines (a record's line is the physical line it starts on); a UTF-8
byte order mark is dropped. JSON Lines: one object a line, its keys the columns.

Rules kept: N records in, N records out, each with its line and record number; a blank line
is counted as skipped; a record that cannot be read (bytes not valid in the encoding, the
wrong number of fields, a line that is not a JSON object) is a record with an ``error``,
never a crash and never a silent replacement. File-level problems (a required column
missing, a placeholder naming no column) raise ``PayloadError`` before any row is read.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from cmcore._campaign_lines import (
    Block,
    Record,
    _blank,
    _block,
    _byte_stream,
    _csv_records,
    _fast_blocks,
    _Lines,
    _records_of,
)
from cmcore._errors import PayloadError

#: The header names each role is recognised by (case ignored).
ALIASES: Mapping[str, tuple[str, ...]] = {
    "phone": ("phone", "number", "mobile", "msisdn", "to", "recipient"),
    "text": ("text", "body", "message"),
    "sender": ("sender", "from"),
    "reference": ("reference",),
    "region": ("region", "country"),
}
DELIMITERS = (",", ";", "\t", "|")
FORMATS = ("auto", "csv", "jsonl", "rows")


def sniff_delimiter(header: str) -> str:
    """The candidate delimiter found most often outside quotes in ``header`` (``,`` on a tie
    or when there is none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """What was read before the first row: the format, the header, the delimiter (CSV), and
    an iterator of the records; ``counts()`` tells the lines read and blank lines skipped."""

    format: str
    header: tuple[str, ...]
    delimiter: str | None
    records: Iterator[Record]
    _state: dict[str, int]
    _blocks: Callable[[int], Iterator[Block]] | None = None

    def blocks(self, size: int) -> Iterator[Block]:
        """The records in columns, at most ``size`` a block."""
        if self._blocks is not None:
            yield from self._blocks(size)
            return
        while True:
            chunk = [r for _, r in zip(range(size), self.records)]
            if not chunk:
                return
            yield _block(chunk, len(self.header))

    def lines(self) -> int:
        """Physical lines (or rows) read so far, the header's included."""
        return self._state["lines"]

    def skipped(self) -> int:
        """Blank lines (or empty rows) skipped so far."""
        return self._state["skipped"]


def open_source(source: Iterable[Any], *, format: str, encoding: str, delimiter: str | None) -> Source:
    """Read the header of ``source`` and return the ``Source`` of its records.

    Raises ``PayloadError`` (202) for a source with no header, ``ValueError`` for an unknown
    format or delimiter."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if delimiter is not None and (type(delimiter) is not str or len(delimiter) != 1 or delimiter in '"\r\n'):
        raise ValueError(f"delimiter must be one character other than a quote or a newline, not {delimiter!r}")
    if isinstance(source, (str, bytes)):
        raise TypeError("source must be an iterable of lines or rows, not a single str or bytes")
    state = {"lines": 0, "skipped": 0}
    if format == "rows":
        return _open_rows(iter(source), state)
    stream = _byte_stream(source) if format != "jsonl" and encoding.replace("-", "").replace("_", "").lower() == "utf8" \
        else None
    lines = _Lines(source if stream is None else iter(stream.readline, b""), encoding)
    first = None
    for line in lines:
        if line.strip():
            first = line
            break
        state["skipped"] += 1
    if first is None:
        raise PayloadError("the file has no header row: it is empty", code=202, location="line 1")
    if format == "jsonl" or (format == "auto" and first.lstrip().startswith("{")):
        return _open_jsonl(lines, first, state)
    return _open_csv(lines, first, delimiter or sniff_delimiter(first), state, stream)


def _open_csv(lines: _Lines, first: str, delimiter: str, state: dict[str, int], stream: Any = None) -> Source:
    header_at = lines.number
    chained = itertools.chain([first], lines)
    reader = csv.reader(chained, delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise PayloadError(f"the header cannot be read: {exc}", code=202, location=f"line {header_at}") from None
    state["lines"] = lines.number
    if stream is not None and not lines.bad:  # the compiled reader takes the rest
        def blocks(size: int) -> Iterator[Block]:
            return _fast_blocks(stream, lines.number + 1, len(header), delimiter, state, size)
        return Source(format="csv", header=tuple(h.strip() for h in header), delimiter=delimiter,
                      records=_records_of(blocks), _state=state, _blocks=blocks)
    return Source(format="csv", header=tuple(h.strip() for h in header), delimiter=delimiter,
                  records=_csv_records(reader, lines, len(header), state), _state=state)


def _open_jsonl(lines: _Lines, first: str, state: dict[str, int]) -> Source:
    try:
        obj = orjson.loads(first)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(f"the first line is not JSON: {exc}", code=202, location=f"line {lines.number}") from None
    if not isinstance(obj, dict):
        raise PayloadError("the first line is not a JSON object", code=202, location=f"line {lines.number}")
    header = tuple(obj)
    records = itertools.chain([(lines.number, first)], ((lines.number, line) for line in lines))
    return Source(format="jsonl", header=header, delimiter=None,
                  records=_jsonl_records(records, lines, header, state), _state=state)


def _jsonl_records(numbered: Iterator[tuple[int, str]], lines: _Lines, header: tuple[str, ...],
                   state: dict[str, int]) -> Iterator[Record]:
    folded = {h.casefold(): i for i, h in enumerate(header)}
    for number, line in numbered:
        state["lines"] = lines.number
        if not line.strip():
            state["skipped"] += 1
            continue
        bad = lines.bad.pop(number, None)
        if bad is not None:
            yield number, None, line, bad
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield number, None, line, f"not JSON: {exc}"
            continue
        if not isinstance(obj, dict):
            yield number, None, line, f"a JSON {type(obj).__name__}, not an object"
            continue
        fields: list[str | None] = [None] * len(header)
        error = None
        for key, value in obj.items():
            at = folded.get(key.casefold())
            if at is None:
                continue
            if not isinstance(value, str):
                error = f"key {key!r} holds a JSON {type(value).__name__}; every value must be a string"
                break
            fields[at] = value
        yield number, (None if error else fields), line, error


def _open_rows(rows: Iterator[Any], state: dict[str, int]) -> Source:
    for row in rows:
        state["lines"] += 1
        cells = _cells(row, state["lines"])
        if isinstance(cells, list) and not _blank(cells):
            return Source(format="rows", header=tuple(c.strip() for c in cells), delimiter=None,
                          records=_row_records(rows, len(cells), state), _state=state)
        state["skipped"] += 1
    raise PayloadError("the file has no header row: it is empty", code=202, location="row 1")


def _cells(row: Any, number: int) -> list[str] | str:
    """The row's cells as str (None is ""), or an error."""
    if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
        return f"row {number} is a {type(row).__name__}, not a sequence of cells"
    cells = []
    for cell in row:
        if cell is None:
            cells.append("")
        elif isinstance(cell, str):
            cells.append(str.__str__(cell))
        else:
            return f"a cell holds a {type(cell).__name__}, not text"
    return cells


def _row_records(rows: Iterator[Any], width: int, state: dict[str, int]) -> Iterator[Record]:
    for row in rows:
        state["lines"] += 1
        number = state["lines"]
        cells = _cells(row, number)
        if isinstance(cells, str):
            yield number, None, row, cells
            continue
        if all(not c.strip() for c in cells):
            state["skipped"] += 1
            continue
        if len(cells) < width and all(not c for c in cells[len(cells):]):
            cells += [""] * (width - len(cells))  # a spreadsheet leaves trailing empty cells out
        error = None if len(cells) == width else f"{len(cells)} cells, the header has {width}"
        yield number, (None if error else list(cells)), row, error


def resolve_columns(header: Sequence[str], mapping: Mapping[str, str] | None) -> dict[str, int]:
    """Role -> index in ``header``: ``mapping`` (role -> header name) first, then the aliases,
    case ignored. Raises ``ValueError`` for an unknown role and ``PayloadError`` for a mapped
    name the header does not have."""
    folded: dict[str, int] = {}
    for i, name in enumerate(header):
        folded.setdefault(name.casefold(), i)
    found: dict[str, int] = {}
    for role, name in (mapping or {}).items():
        if role not in ALIASES:
            raise ValueError(f"columns: unknown role {role!r}; the roles are {', '.join(ALIASES)}")
        at = folded.get(str(name).casefold())
        if at is None:
            raise PayloadError(f"the header has no column {name!r} (mapped as the {role} column); it has "
                               f"{', '.join(map(repr, header))}", code=_ROLE_CODES[role], location="header")
        found[role] = at
    for role, names in ALIASES.items():
        if role not in found:
            at = next((folded[n] for n in names if n in folded), None)
            if at is not None:
                found[role] = at
    return found


_ROLE_CODES = {"phone": 302, "text": 304, "sender": 301, "reference": 305, "region": 303}


class Template:
    """A text with ``{column}`` placeholders: literal ``{{`` and ``}}``; a placeholder is a
    column name only (no attribute, index, conversion or format spec)."""

    __slots__ = ("text", "pieces", "names")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"template must be str, not {type(text).__name__}")
        self.text = text
        pieces: list[str | tuple[str]] = []
        literal: list[str] = []
        i = 0
        while i < len(text):
            char = text[i]
            if char in "{}" and text[i + 1:i + 2] == char:
                literal.append(char)
                i += 2
            elif char == "}":
                raise PayloadError(f"template: a single '}}' at index {i}; write '}}}}' for a brace",
                                   code=304, location="template")
            elif char == "{":
                end = text.find("}", i)
                name = text[i + 1:end].strip() if end > 0 else ""
                if end < 0 or not name or any(c in name for c in "{.[]:!"):
                    raise PayloadError(f"template: the placeholder at index {i} must be {{column}}, a column name "
                                       "only (no attribute, index or format); write '{{' for a brace",
                                       code=304, location="template")
                if literal:
                    pieces.append("".join(literal))
                    literal = []
                pieces.append((name,))
                i = end + 1
            else:
                literal.append(char)
                i += 1
        if literal:
            pieces.append("".join(literal))
        self.pieces = tuple(pieces)
        self.names = tuple(dict.fromkeys(p[0] for p in pieces if isinstance(p, tuple)))

    def bind(self, header: Sequence[str]) -> tuple[tuple[str | int, ...], dict[int, str]]:
        """The pieces with each placeholder as its column index, and index -> column name.
        Raises ``PayloadError`` (304) naming a placeholder that names no column."""
        folded: dict[str, int] = {}
        for i, name in enumerate(header):
            folded.setdefault(name.casefold(), i)
        unknown = [n for n in self.names if n.casefold() not in folded]
        if unknown:
            raise PayloadError(f"template: {', '.join('{' + n + '}' for n in unknown)} names no column; the header "
                               f"has {', '.join(map(repr, header))}", code=304, location="template")
        bound = tuple(folded[p[0].casefold()] if isinstance(p, tuple) else p for p in self.pieces)
        return bound, {folded[n.casefold()]: header[folded[n.casefold()]] for n in self.names}

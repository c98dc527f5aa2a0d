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
from typing import Any, overload

import orjson

from cmcore import _kernel
from cmcore._errors import PayloadError

_rows = _kernel.load("_rows")

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
_BOM = "\ufeff"

# A record: (first physical line, fields aligned with the header or None, the raw source,
# an error for the whole record or None).
Record = tuple[int, "list[str | None] | None", Any, "str | None"]
_CHUNK_BYTES = 1 << 18  # what the compiled reader takes a call


class Block(Sequence[Any]):
    """Consecutive records in columns: ``lines[i]``, the physical line record ``i`` starts on;
    ``columns[k][i]``, its field ``k`` (None where it has none); ``errors``, index -> why the
    record cannot be read. An item is the record's raw source (CSV: its fields as read)."""

    __slots__ = ("lines", "columns", "errors", "_raws")

    def __init__(self, lines: list[int], columns: list[list[Any]], errors: dict[int, str],
                 raws: list[Any] | dict[int, Any] | None = None) -> None:
        self.lines, self.columns, self.errors, self._raws = lines, columns, errors, raws

    def __len__(self) -> int:
        return len(self.lines)

    def row(self, i: int) -> list[Any]:
        """The fields of record ``i``."""
        return [column[i] for column in self.columns]

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        raws = self._raws
        if raws is None:
            return self.row(i)
        if type(raws) is dict:
            return raws[i] if i in raws else self.row(i)
        return raws[i]


def _block(chunk: list[Record], width: int) -> Block:
    """The records of ``chunk`` in columns."""
    columns: list[list[Any]] = [[None] * len(chunk) for _ in range(width)]
    for i, (_, fields, _, _) in enumerate(chunk):
        if fields is not None:
            for k, column in enumerate(columns):
                column[i] = fields[k]
    return Block([r[0] for r in chunk], columns, {i: r[3] for i, r in enumerate(chunk) if r[3] is not None},
                 [r[2] for r in chunk])


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


class _Lines:
    """Lines decoded strictly, numbered; a line that does not decode is kept (decoded with
    replacement characters, so the parser goes on) and named in ``bad``."""

    def __init__(self, lines: Iterable[str | bytes], encoding: str) -> None:
        self._lines = iter(lines)
        self._encoding = encoding
        self.number = 0
        self.bad: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        first = self.number == 0
        self.number += 1
        if isinstance(line, bytes):
            if first and line.startswith(b"\xef\xbb\xbf") and self._encoding.replace("-", "").lower() in (
                    "utf8", "utf_8"):
                line = line[3:]
            try:
                text = line.decode(self._encoding)
            except UnicodeDecodeError as exc:
                self.bad[self.number] = (f"byte 0x{line[exc.start:exc.start + 1].hex().upper()} at offset "
                                         f"{exc.start} of line {self.number} is not valid {self._encoding}")
                text = line.decode(self._encoding, "replace")
        elif isinstance(line, str):
            text = str.__str__(line)
        else:
            raise TypeError(f"line {self.number} must be str or bytes, not {type(line).__name__}")
        if first and text.startswith(_BOM):
            text = text[1:]
        inside = text.count("\n", 0, len(text) - 1)  # an item holding several physical lines
        self.number += inside
        return text


def _blank(fields: Sequence[str]) -> bool:
    return not fields or (len(fields) == 1 and not fields[0].strip())


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


def _byte_stream(source: Any) -> Any:
    """``source`` where it is a binary file (it has ``read`` and ``readline`` and reads
    bytes), for the compiled reader; else None."""
    read, readline = getattr(source, "read", None), getattr(source, "readline", None)
    if not callable(read) or not callable(readline):
        return None
    try:
        return source if isinstance(read(0), bytes) else None
    except (OSError, ValueError, TypeError):
        return None


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


def _records_of(blocks: Callable[[int], Iterator[Block]]) -> Iterator[Record]:
    for block in blocks(1000):
        for i, line in enumerate(block.lines):
            error = block.errors.get(i)
            yield line, None if error is not None else block.row(i), block[i], error


def _fast_blocks(stream: Any, line: int, width: int, delimiter: str, state: dict[str, int],
                 size: int) -> Iterator[Block]:
    """The records of the rest of ``stream`` (UTF-8 CSV, the first on physical ``line``),
    read by the compiled reader; what it leaves to ``csv`` (see ``_rows``) is read by the
    line reader as before, so the records are exactly that reader's."""
    data, end, final = b"", 0, False
    limit = csv.field_size_limit()
    while not final:
        chunk = stream.read(_CHUNK_BYTES)
        final = not chunk
        data = data[end:] + chunk if end < len(data) else chunk
        end, after, skipped, lines, columns, odd, stop = _rows.csv_records(
            data, 0, line, ord(delimiter), final, limit, width)
        state["skipped"] += skipped
        block = Block(lines, columns, {}, None)
        if odd:
            block = _reread(block, odd, delimiter, state)
        state["lines"] = after - 1
        yield from _sized(block, size)
        line = after
        if stop:
            rest = _Lines(_joined(data[end:], stream), "utf-8")
            rest.number = line - 1
            records = _csv_records(csv.reader(rest, delimiter=delimiter), rest, width, state)
            while True:
                part = [r for _, r in zip(range(size), records)]
                if not part:
                    return
                yield _block(part, width)
    state["lines"] = line if data and end == len(data) and not data.endswith(b"\n") else line - 1


def _sized(block: Block, size: int) -> Iterator[Block]:
    """``block`` in blocks of at most ``size`` records."""
    n = len(block.lines)
    if n <= size:
        if n:
            yield block
        return
    raws = block._raws
    for a in range(0, n, size):
        b = min(a + size, n)
        errors = {i - a: e for i, e in block.errors.items() if a <= i < b}
        own = None if raws is None else {i - a: r for i, r in raws.items() if a <= i < b}  # type: ignore[union-attr]
        yield Block(block.lines[a:b], [column[a:b] for column in block.columns], errors, own or None)


def _reread(block: Block, odd: dict[int, bytes], delimiter: str, state: dict[str, int]) -> Block:
    """``block`` with each raw record of ``odd`` read by ``csv`` on its lines, as the line
    reader reads it: its fields, or its error; a record that reads as blank is dropped."""
    width = len(block.columns)
    raws: dict[int, Any] = {}
    blank: list[int] = []
    for i, data in odd.items():
        own = _Lines(_split_lines(data), "utf-8")
        own.number = block.lines[i] - 1
        inner = {"lines": 0, "skipped": 0}
        found = list(_csv_records(csv.reader(own, delimiter=delimiter), own, width, inner))
        state["skipped"] += inner["skipped"]
        if not found:
            blank.append(i)
            continue
        (_, fields, raw, error), = found  # one record: the compiled reader cut it where csv does
        raws[i] = raw
        if error is not None:
            block.errors[i] = error
        elif fields is not None:
            for k, column in enumerate(block.columns):
                column[i] = fields[k]
    block._raws = raws
    if blank:
        keep = [i for i in range(len(block.lines)) if i not in set(blank)]
        at = {old: new for new, old in enumerate(keep)}
        block = Block([block.lines[i] for i in keep], [[c[i] for i in keep] for c in block.columns],
                      {at[i]: e for i, e in block.errors.items()}, {at[i]: r for i, r in raws.items() if i in at})
    return block


def _split_lines(data: bytes) -> list[bytes]:
    parts = data.split(b"\n")
    return [p + b"\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _joined(head: bytes, stream: Any) -> Iterator[bytes]:
    """The lines of ``head`` then of ``stream``, the line ``head`` ends inside made whole."""
    parts = head.split(b"\n")
    for part in parts[:-1]:
        yield part + b"\n"
    tail = parts[-1]
    if tail:
        yield tail + stream.readline()
    yield from iter(stream.readline, b"")


def _csv_records(reader: Any, lines: _Lines, width: int, state: dict[str, int]) -> Iterator[Record]:
    while True:
        start = lines.number + 1
        try:
            fields = next(reader)
            error = None
        except StopIteration:
            state["lines"] = lines.number
            return
        except csv.Error as exc:
            fields, error = None, f"line {start}: the record cannot be read as CSV: {exc}"
        state["lines"] = lines.number
        if fields is not None and _blank(fields):
            state["skipped"] += lines.number - start + 1
            continue
        if lines.bad:
            bad = [lines.bad.pop(n) for n in sorted(lines.bad) if n <= lines.number]
            if bad:
                error = "; ".join(bad)
        if error is None and fields is not None and len(fields) != width:
            error = f"{len(fields)} fields, the header has {width}"
        yield start, (list(fields) if fields is not None and error is None else None), fields, error


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

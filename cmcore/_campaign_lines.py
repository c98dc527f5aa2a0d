"""Reading the records of campaign files: the line reader and the compiled one; no I/O.

The line reader takes lines (``str``, or ``bytes`` decoded strictly) and gives them to
``csv.reader``; a line that does not decode is kept (with replacement characters, so that
the parser goes on) and named in the record's error. The compiled reader (``_rows``) reads a
binary file 256 KiB at a time and turns it into columns a batch of records a call, each record
with the physical line it starts on, and hands ``csv`` what it leaves (see ``_rows.pyx``), so
its records are the line reader's.
``Block`` holds consecutive records in columns, as both give them to the campaign.
"""

from __future__ import annotations

import csv
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

from cmcore import _kernel

_rows = _kernel.load("_rows")

_BOM = "\ufeff"
# A record: (first physical line, fields aligned with the header or None, the raw source,
# an error for the whole record or None).
Record = tuple[int, "list[str | None] | None", Any, "str | None"]
_CHUNK_BYTES = 1 << 18  # what a read of the file takes
_MAX_PENDING = 1 << 22  # a record still open past this many bytes goes to the line reader


class Block(Sequence[Any]):
    """Consecutive records in columns: ``lines[i]``, the physical line record ``i`` starts on;
    ``columns[k][i]``, its field ``k`` (None where it has none); ``errors``, index -> why the
    record cannot be read. An item is the record's raw source (CSV: its fields as read)."""

    __slots__ = ("lines", "columns", "errors", "_raws")

    def __init__(self, lines: list[int] | array[int], columns: list[list[Any]], errors: dict[int, str],
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
    pending: Block | None = None  # the records at the end of a read, short of a batch
    cache = _rows.FieldCache()  # the values that come back, made once a file
    while not final:
        chunk = stream.read(_CHUNK_BYTES)
        final = not chunk
        data = data[end:] + chunk if end < len(data) else chunk
        end = 0
        while True:  # a batch a call: each batch's objects are made as it is judged, not a read's at once
            want = size - (0 if pending is None else len(pending))
            end, after, skipped, lines, columns, odd, stop = _rows.csv_records(
                data, end, line, ord(delimiter), final, limit, width, want, cache)
            state["skipped"] += skipped
            short = len(lines) < want  # the rest of the read is not a whole record
            if short and not final and len(data) - end > _MAX_PENDING:  # an open quote, say
                stop = True
            block = Block(lines, columns, {}, None)
            if odd:
                block = _reread(block, odd, delimiter, state)
            state["lines"] = after - 1
            line = after
            if pending is not None:
                block, pending = _join(pending, block), None
            if short and not final and not stop:
                pending = block  # the next read completes the batch
                break
            yield from _sized(block, size)
            if stop or short:
                break
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


def _join(first: Block, then: Block) -> Block:
    """The records of ``first``, then those of ``then``, as one block (of the compiled
    reader's: raw records, where any, by index)."""
    n = len(first.lines)
    errors = {**first.errors, **{i + n: e for i, e in then.errors.items()}}
    raws: dict[int, Any] | None = None
    if first._raws is not None or then._raws is not None:
        before, after = first._raws or {}, then._raws or {}
        if type(before) is not dict or type(after) is not dict:  # a line reader's block: never joined
            raise TypeError("only the compiled reader's blocks are joined")
        raws = {**before, **{i + n: r for i, r in after.items()}}
    lines = array("q", first.lines)
    lines.extend(then.lines)
    return Block(lines, [a + b for a, b in zip(first.columns, then.columns)], errors, raws)


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
        dropped = set(blank)
        keep = [i for i in range(len(block.lines)) if i not in dropped]
        at = {old: new for new, old in enumerate(keep)}
        block = Block(array("q", [block.lines[i] for i in keep]), [[c[i] for i in keep] for c in block.columns],
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

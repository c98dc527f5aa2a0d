"""Fuzz the campaign row kernel (``cmcore._rows``) against its twin and against ``csv``.

The input's first byte picks the delimiter, the width and how many bytes the reader takes a
call; the rest is a CSV file. The compiled reader and the twin must give the same records,
fed in chunks, and those records must be the ones ``csv.reader`` reads from the same bytes
line by line (the raw records the kernel leaves to ``csv`` read back through it). The
numbers of the records also go through ``Seen``, and their fields through ``render``
and ``json_lines``, on both kernels. Run it by hand or from CI:

    python tests/fuzz/fuzz_rows.py -runs=100000 -seed=1
"""

from __future__ import annotations

import csv
import json
from types import ModuleType, SimpleNamespace
from typing import Any

import _common as c

from cmcore import _rows, _rows_py

LIMIT = csv.field_size_limit()
SEEDS = [b"phone,name\n+31612345678,Ann\n", b'a;b\r\n"x\ny";"q""r"\r\n\n  \n', b'"open\n', b"a\rb,c\n",
         b'"x"y,z\n', b"\xff,\xc3\xa9\n", b"a,b\x00,c\n", b"1,2,3\n4\n5,6\n", b'"",""\n"a\r\nb",c']


def lines_read(data: bytes, delimiter: str, first: int) -> tuple[list[tuple[int, Any]], int]:
    parts = data.split(b"\n")
    items = [p + b"\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    count = [first - 1]

    def lines() -> Any:
        for item in items:
            count[0] += 1
            yield item.decode("utf-8", "replace")

    reader = csv.reader(lines(), delimiter=delimiter)
    out: list[tuple[int, Any]] = []
    skipped = 0
    while True:
        start = count[0] + 1
        try:
            fields = next(reader)
        except StopIteration:
            return out, skipped
        except csv.Error:
            out.append((start, "error"))
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            skipped += count[0] - start + 1
            continue
        out.append((start, fields))


def read(kernel: ModuleType, data: bytes, delimiter: str, width: int, chunk: int, most: int) -> Any:
    """The kernel's records, fed ``chunk`` bytes at a time and asked for at most ``most`` a
    call (where 0 or more), as the campaign's reader asks for a batch."""
    out: list[tuple[int, Any]] = []
    raws: list[tuple[int, bytes]] = []
    skipped, line, buf, end, at = 0, 1, b"", 0, 0
    cache = kernel.FieldCache() if chunk % 2 else None  # values kept from call to call, or not
    while True:
        piece = data[at:at + chunk]
        at += len(piece)
        final = at >= len(data)
        buf = buf[end:] + piece
        end = 0
        while True:
            end, line, blank, lines, columns, odd, stop = kernel.csv_records(buf, end, line, ord(delimiter), final,
                                                                           LIMIT, width, most, cache)
            skipped += blank
            if stop:
                return "stop", out, raws, skipped, end
            if 0 <= most < len(lines):
                raise AssertionError(f"{len(lines)} records where at most {most} were asked for")
            for i, first in enumerate(lines):
                if i in odd:
                    raws.append((first, odd[i]))
                    out.append((first, odd[i]))
                else:
                    out.append((first, [col[i] for col in columns]))
            if most < 0 or len(lines) < most:
                break
        if final:
            return "done", out, raws, skipped, end


def check(data: bytes) -> None:
    if not data:
        return
    head, body = data[0], data[1:]
    delimiter = ",;\t|"[head & 3]
    width = 1 + (head >> 2 & 3)
    chunk = (1, 3, 64, 1 << 20)[head >> 4 & 3]
    most = (-1, 1, 2, 5)[head >> 6 & 3]
    ours = read(_rows, body, delimiter, width, chunk, most)
    twin = read(_rows_py, body, delimiter, width, chunk, most)
    if ours != twin:
        raise AssertionError(f"kernels disagree on {body!r:.300}: {ours!r:.300} != {twin!r:.300}")
    status, records, raws, skipped, _ = ours
    if status == "stop":
        return
    got: list[tuple[int, Any]] = []
    for first, record in records:
        if isinstance(record, bytes):
            found, more = lines_read(record, delimiter, first)
            if len(found) > 1:
                raise AssertionError(f"a raw record csv reads as {len(found)}: {record!r:.300}")
            got.extend(found)
            skipped += more
        else:
            got.append((first, record))
    want = lines_read(body, delimiter, 1)
    if (got, skipped) != want:
        raise AssertionError(f"not csv's records for {body!r:.300}: {(got, skipped)!r:.300} != {want!r:.300}")
    numbers = ["00" + "".join(ch for ch in "".join(r[1]) if ch.isascii() and ch.isdigit())[:16] for r in records
               if not isinstance(r[1], bytes)]
    numbers = [n for n in numbers if len(n) > 2 and int(n)]
    lines = list(range(1, len(numbers) + 1))
    assert _rows.Seen(8).add_many(numbers, lines) == _rows_py.Seen(8).add_many(numbers, lines)
    rendered(head, [r[1] for r in records], width)


def rendered(head: int, records: list[Any], width: int) -> None:
    """``render`` (a template over the records' fields, odd ones None) and ``json_lines`` (the
    fields as problems) on both kernels; ``json_lines`` is also held to ``json.dumps``."""
    n = len(records)
    columns = [[None if isinstance(r, bytes) else r[k] for r in records] for k in range(width)]
    pieces = tuple(k % width if k % 2 else f"<{k}é😀>"[: 1 + (head + k) % 5] for k in range(1 + head % 6))
    need = tuple(range(0, width, 2))
    region_at = width - 1 if head & 1 else -1
    for kernel_args in ((columns, n, pieces, need, bool(head & 2), region_at, "NL", {"NL", "BE", "A"}),):
        ours, twin = _rows.render(*kernel_args), _rows_py.render(*kernel_args)
        if ours != twin:
            raise AssertionError(f"render disagrees on {records!r:.300}: {ours!r:.300} != {twin!r:.300}")
    problems = {i: tuple(SimpleNamespace(code=300 + k, field=f, message=f[::-1]) for k, f in enumerate(r))
                for i, r in enumerate(records) if not isinstance(r, bytes)}
    at, numbers = _rows.numbered(list(range(2, n + 2)), 1)
    if (at, numbers) != _rows_py.numbered(list(range(2, n + 2)), 1):
        raise AssertionError("numbered disagrees")
    status = bytes((head + i) % 3 for i in range(n))
    ours_json = _rows.json_lines(problems, at, numbers, status)
    if ours_json != _rows_py.json_lines(problems, at, numbers, status):
        raise AssertionError(f"json_lines disagrees on {records!r:.300}")
    want = "".join(json.dumps({"line": at[i], "record": numbers[i], "status": "invalid" if status[i] == 2 else "warning",
                               "problems": [{"code": p.code, "field": p.field, "message": p.message} for p in found]},
                              ensure_ascii=False) + "\n" for i, found in problems.items())
    if ours_json != want:
        raise AssertionError(f"json_lines is not json.dumps on {records!r:.300}")


if __name__ == "__main__":
    c.main(check, SEEDS, None)

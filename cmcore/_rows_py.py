"""The pure-Python twin of ``_rows.pyx``: the same names, the same answers (see its docstring)."""

from __future__ import annotations

import json
import operator
from array import array
from typing import Any

_OK, _ODD, _STOP, _MORE = 0, 1, 2, 3


def _too_long(d: bytes, start: int, end: int, quotes: int, limit: int) -> bool:
    if end - start - quotes <= limit:
        return False
    chars = sum(1 for b in d[start:end] if b & 0xC0 != 0x80)
    return chars - quotes > limit


def _field(d: bytes, start: int, end: int, quotes: int) -> str | None:
    raw = d[start:end]
    if quotes:
        raw = raw.replace(b'""', b'"')
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _unquoted(d: bytes, p: int, n: int, delim: int) -> int:
    while p < n:
        c = d[p]
        if c == delim or c == 10 or c == 13:
            return p
        if c == 0:
            return -1
        p += 1
    return p


class FieldCache:
    """See ``_rows.pyx`` (the twin makes each value anew: it keeps nothing)."""

    __slots__ = ()


def csv_records(data: bytes, start: int, line: int, delimiter: int, final: bool, field_limit: int,
                width: int, max_records: int = -1, cache: FieldCache | None = None
                ) -> tuple[int, int, int, array[int], list[list[Any]], dict[int, bytes], bool]:
    """See ``_rows.pyx``."""
    if cache is not None and type(cache) is not FieldCache:
        raise TypeError(f"cache must be a FieldCache, not {type(cache).__name__}")
    if type(data) is not bytes:
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    d, n = data, len(data)
    if not 0 <= start <= n:
        raise ValueError(f"start {start} is outside the buffer of {n} bytes")
    if not 0 < delimiter < 128 or delimiter in (10, 13, 34):
        raise ValueError(f"delimiter {delimiter!r} must be an ASCII character other than a quote or a newline")
    if width < 1:
        raise ValueError(f"width must be at least 1, not {width}")
    delim = delimiter
    lines: list[int] = []
    columns: list[list[Any]] = [[] for _ in range(width)]
    odd: dict[int, bytes] = {}
    skipped = 0
    p = start
    while p < n:
        if 0 <= max_records <= len(lines):
            break
        rec, rec_line = p, line
        fields: list[str] = []
        status = _OK
        bad = False
        while True:
            quotes = 0
            if d[p] == 34:
                p += 1
                fstart = p
                while True:
                    if p >= n:
                        status = _ODD if final else _MORE
                        break
                    c = d[p]
                    if c == 34:
                        if p + 1 < n and d[p + 1] == 34:
                            quotes += 1
                            p += 2
                            continue
                        if p + 1 >= n and not final:
                            status = _MORE
                        break
                    if c == 10:
                        line += 1
                    elif c == 0:
                        status = _STOP
                        break
                    p += 1
                if status != _OK:
                    break
                fend = p
                p += 1
                if p < n and d[p] != delim and d[p] != 10 and d[p] != 13:
                    bad = True
                    p = _unquoted(d, p, n, delim)
                    status = _STOP if p < 0 else _MORE if p >= n and not final else _OK
                    if status != _OK:
                        break
                    fend, quotes = p, 0
            else:
                fstart = p
                p = _unquoted(d, p, n, delim)
                status = _STOP if p < 0 else _MORE if p >= n and not final else _OK
                if status != _OK:
                    break
                fend = p
            if _too_long(d, fstart, fend, quotes, field_limit):
                status = _STOP
                break
            if not bad:
                value = _field(d, fstart, fend, quotes)
                if value is None:
                    bad = True
                else:
                    fields.append(value)
            if p >= n:
                break
            c = d[p]
            p += 1
            if c == delim:
                if p >= n and not final:
                    status = _MORE
                    break
                if p >= n or d[p] == 10 or d[p] == 13:
                    fields.append("")
                    if p >= n:
                        break
                    c = d[p]
                    p += 1
                else:
                    continue
            if c == 10:
                line += 1
                break
            if p < n and d[p] == 10:
                p += 1
                line += 1
                break
            if p >= n:
                if not final:
                    status = _MORE
                break
            status = _ODD
            break
        if status == _MORE:
            return rec, rec_line, skipped, array("q", lines), columns, odd, False
        if status == _STOP:
            return rec, rec_line, skipped, array("q", lines), columns, odd, True
        if status == _ODD or bad:
            if status == _ODD:
                if p < n:
                    at = d.find(b"\n", p)
                    end = at + 1 if at >= 0 else (n if final else -1)
                else:
                    end = n
                if end < 0:
                    return rec, rec_line, skipped, array("q", lines), columns, odd, False
                if b"\x00" in d[p:end]:
                    return rec, rec_line, skipped, array("q", lines), columns, odd, True
                if end > p and d[end - 1] == 10:
                    line += 1
                p = end
            odd[len(lines)] = d[rec:p]
            lines.append(rec_line)
            for column in columns:
                column.append(None)
            continue
        if len(fields) == 1 and not fields[0].strip():
            skipped += line - rec_line + (0 if d[p - 1] == 10 else 1)
            continue
        if len(fields) != width:  # csv's to read, as it words the error
            odd[len(lines)] = d[rec:p]
            lines.append(rec_line)
            for column in columns:
                column.append(None)
            continue
        lines.append(rec_line)
        for k in range(width):
            columns[k].append(fields[k])
    return p, line, skipped, array("q", lines), columns, odd, False


class Seen:
    """See ``_rows.pyx``: a dict here."""

    __slots__ = ("_firsts", "found")

    def __init__(self, size: int = 1 << 16) -> None:
        if type(size) is not int or size < 8 or size & (size - 1):
            raise ValueError(f"size must be a power of two from 8, not {size}")
        self._firsts: dict[int, int] = {}
        self.found = 0

    def __len__(self) -> int:
        return len(self._firsts)

    def reserve(self, numbers: int) -> None:
        """See ``_rows.pyx`` (a dict makes its own room)."""
        numbers = operator.index(numbers)
        if not 0 <= numbers <= 1 << 34:
            raise ValueError(f"numbers must be from 0 to {1 << 34}, not {numbers}")

    def add(self, number: object, line: int) -> int:
        """See ``_rows.pyx``."""
        key = _key(number)
        line = operator.index(line)
        if line < 1:
            raise ValueError(f"a line is from 1, not {line}")
        first = self._firsts.get(key)
        if first is not None:
            self.found += 1
            return first
        self._firsts[key] = line
        return 0

    def add_valid(self, numbers: list[Any], lines: Any, status: Any) -> dict[int, int]:
        """See ``_rows.pyx``."""
        if len(lines) != len(numbers) or len(status) != len(numbers):
            raise ValueError(f"{len(numbers)} numbers but {len(lines)} lines and {len(status)} statuses")
        out: dict[int, int] = {}
        for i, number in enumerate(numbers):
            if status[i] or type(number) is not str or not number.isascii() or not 0 < len(number) <= 18 \
                    or not number.isdigit():
                continue
            key = int(number)
            if key:
                first = self.add(number, lines[i])
                if first:
                    out[i] = first
        return out

    def add_many(self, numbers: list[Any], lines: list[int]) -> list[int]:
        """See ``_rows.pyx``."""
        if len(lines) != len(numbers):
            raise ValueError(f"{len(numbers)} numbers but {len(lines)} lines")
        return [self.add(number, line) for number, line in zip(numbers, lines)]


def _key(number: object) -> int:
    if type(number) is not str:
        raise TypeError(f"a number must be str, not {type(number).__name__}")
    if not number.isascii() or not 0 < len(number) <= 18 or not number.isdigit() or not int(number):
        raise ValueError(f"{number!r} is not a number in the gateway's form (00 and 1 to 16 digits)")
    return int(number)


def numbered(lines: list[int] | array[int], first: int) -> tuple[array[int], array[int]]:
    """See ``_rows.pyx``."""
    if not (type(lines) is list or (type(lines) is array and lines.typecode == "q")):
        raise TypeError(f"lines must be a list or an array('q'), not {type(lines).__name__}")
    for i, item in enumerate(lines):
        if type(item) is not int:
            raise TypeError(f"line {i} must be an int, not {type(item).__name__}")
    return array("q", lines), array("q", range(first, first + len(lines)))


def render(columns: list[list[Any]], n: int, pieces: tuple[Any, ...], need: tuple[int, ...], allow_empty: bool,
           region_at: int, region: str | None, regions: Any) -> tuple[array[int], list[str], list[str | None]]:
    """See ``_rows.pyx``."""
    width = len(columns)
    for k, column in enumerate(columns):
        if type(column) is not list or len(column) != n:
            raise ValueError(f"column {k} is not a list of {n}")
    for piece in pieces:
        if type(piece) is not str and not 0 <= operator.index(piece) < width:
            raise ValueError(f"piece {piece!r} is not a column of {width}")
    for at in need:
        if not 0 <= operator.index(at) < width:
            raise ValueError(f"need {at!r} is not a column of {width}")
    if region_at >= width:
        raise ValueError(f"region_at {region_at} is not a column of {width}")
    whole = len(pieces) == 1 and type(pieces[0]) is not str
    todo: array[int] = array("q")
    texts: list[str] = []
    found: list[str | None] = []
    held = list(columns)  # the columns as given, as the kernel holds them
    for i in range(n):
        where = region
        if region_at >= 0:  # the region asked first; the cells read after
            value = held[region_at][i]
            if type(value) is not str:
                continue
            if value:
                value = value.strip().upper()
                if value:
                    where = value
            if where is not None and where not in regions:
                continue
        row = [column[i] for column in held]
        if not all(type(v) is str for v in row):
            continue
        if not allow_empty and not all(row[at] for at in need):
            continue
        todo.append(i)
        texts.append(row[pieces[0]] if whole else "".join(p if type(p) is str else row[p] for p in pieces))
        found.append(where)
    return todo, texts, found


def _surrogate(text: str) -> bool:
    return not text.isascii() and any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _reference(text: str) -> bool:
    return 1 <= len(text) <= 32 and text.isascii() and all(c.isalnum() or c == "_" for c in text)


def screen(todo: Any, texts: list[str], regions: list[str | None], columns: list[list[Any]], gsm7: Any,
           units: Any,
           parts: Any, batch: Any, config: tuple[Any, ...]) -> tuple[list[int], list[int], list[Any]]:
    """See ``_rows.pyx``."""
    (phone_at, sender_at, ref_at, sender, limit, plain, fast_into, plan_of, countries, codes, load, unknown,
     names, senders, sender_ok, plans) = config
    n = len(todo)
    if len(texts) != n or len(regions) != n or len(gsm7) != n or len(units) != n or len(parts) != n:
        raise ValueError("todo, texts, regions and the counts must be as long")
    rows = len(columns[phone_at])
    for column in (batch.texts, batch.numbers, batch.senders, batch.references, batch.regions, batch.types,
                   columns[sender_at] if sender_at >= 0 else None, columns[ref_at] if ref_at >= 0 else None):
        if column is not None and len(column) != rows:
            raise ValueError(f"the batch's and the fields' columns must hold {rows} rows")
    if len(batch.gsm7) != rows or len(batch.units) != rows or len(batch.parts) != rows:
        raise ValueError(f"the batch's counts must hold {rows} rows")
    for i in todo:
        if not 0 <= i < rows:
            raise IndexError(f"row {i} is not one of {rows}")
    slow: list[int] = []
    asked: list[int] = []
    asked_numbers: list[str] = []
    asked_plans: list[Any] = []
    for k, i in enumerate(todo):
        text, region, number = texts[k], regions[k], columns[phone_at][i]
        who = sender if sender_at < 0 else (columns[sender_at][i] or sender)
        ref = None if ref_at < 0 else (columns[ref_at][i] or None)
        count = parts[k]
        batch.texts[i], batch.numbers[i], batch.senders[i] = text, number, who
        batch.references[i], batch.regions[i] = ref, region
        batch.gsm7[i], batch.units[i], batch.parts[i] = gsm7[k], units[k], count
        if not (plain and text and count <= limit and len(text) <= 8000 and not _surrogate(text)
                and (ref is None or _reference(ref))):
            slow.append(i)
            continue
        ok = senders.get(who)
        if ok is None:
            ok = sender_ok(who)
        if not ok:
            slow.append(i)
            continue
        if region not in plans:
            plans[region] = plan_of(region)
        asked.append(i)
        asked_numbers.append(number.strip())
        asked_plans.append(plans[region])
    phones_left, answers_left = fast_into(asked_numbers, asked_plans, countries, codes, load, array("q", asked),
                                          batch.numbers, batch.regions, batch.types, names, unknown)
    return slow, phones_left, answers_left


def judge_numbers(rows: list[int], answers: list[Any], batch: Any, errors: dict[int, list[Any]],
                  config: tuple[Any, ...]) -> None:
    """See ``_rows.pyx``."""
    (column, where, reasons, slow, countries, length_problems, nsn_problems, not_valid, unknown, unknown_type,
     type_names, probe, scrub, fill, problem_type, slots) = config
    numbers, regions, types, lines = batch.numbers, batch.regions, batch.types, batch.lines
    if len(answers) != len(rows):
        raise ValueError("rows and answers must be as long")
    for i in rows:
        if not 0 <= i < len(lines):
            raise IndexError(f"row {i} is not one of {len(lines)}")
    for i, found in zip(rows, answers):
        raw = numbers[i] or ""
        stripped = raw.strip()
        if type(found) is tuple and len(found) == 5:
            cc, nsn, region, _, kind = found
            if kind is unknown:
                number, kind = None, unknown_type
                reason = length_problems.get(countries[cc][0].length(nsn), not_valid)
            else:
                number, kind, reason = f"00{cc}{nsn}", type_names[kind], None
        else:
            reason = nsn_problems.get(found) if type(found) is int else None
            if reason is None:
                number, region, kind, _, reason = slow(stripped, regions[i])
            else:
                number, region, kind = None, None, unknown_type
        numbers[i], regions[i], types[i] = number, region, kind if number is not None else None
        if not stripped:
            errors[i] = [fill(problem_type, slots, [302, column, f"recipient {raw!r} is empty or not text",
                                                    f"line {lines[i]}{where}"])]
            continue
        if number is not None:
            continue
        message = f"{raw!r} is not a valid phone number: {reasons.get(reason) or str(reason)}"
        if probe in message:
            message = scrub(message, probe)
        errors[i] = [fill(problem_type, slots, [303, column, message, f"line {lines[i]}{where}"])]


def tally(status: Any, parts: Any, units: Any, gsm7: Any, regions: list[Any], histogram: dict[int, int],
          encodings: dict[str, list[int]]) -> tuple[int, int, int]:
    """See ``_rows.pyx``."""
    n = len(status)
    if len(parts) != n or len(units) != n or len(gsm7) != n or len(regions) != n:
        raise ValueError("the columns must be as long")
    good = total = 0
    top = -1
    for i in range(n):
        if status[i] == 2:
            continue
        good += 1
        total += parts[i]
        histogram[parts[i]] = histogram.get(parts[i], 0) + 1
        pair = encodings.setdefault("unknown" if regions[i] is None else regions[i], [0, 0])
        pair[1 if gsm7[i] else 0] += 1
        if top < 0 or units[i] > units[top]:
            top = i
    return good, total, top


def _quoted(text: Any) -> str:
    if type(text) is str and not any(c < " " or c in '"\\' for c in text):
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def json_lines(problems: dict[int, Any], lines: Any, records: Any, status: Any) -> str:
    """See ``_rows.pyx``."""
    n = len(lines)
    if len(records) != n or len(status) != n:
        raise ValueError("lines, records and status must be as long")
    out = []
    for i, found in problems.items():
        if not 0 <= i < n:
            raise IndexError(f"row {i!r} is not one of {n}")
        parts = ", ".join([f'{{"code": {p.code}, "field": {_quoted(p.field)}, "message": {_quoted(p.message)}}}'
                           for p in found])
        kind = "invalid" if status[i] == 2 else "warning"
        out.append(f'{{"line": {lines[i]}, "record": {records[i]}, "status": "{kind}", "problems": [{parts}]}}\n')
    return "".join(out)


def finish_problems(errors: dict[int, list[Any]], seen: Any, status: Any, numbers: list[Any], lines: Any,
                    column: str, make: tuple[Any, ...]) -> dict[int, tuple[Any, ...]]:
    """See ``_rows.pyx``."""
    fill, problem_type, slots = make
    n = len(status)
    if len(lines) != n or len(numbers) != n:
        raise ValueError(f"{n} statuses but {len(lines)} lines and {len(numbers)} numbers")
    found: dict[int, tuple[Any, ...]] = {}
    for i, these in errors.items():
        if not 0 <= i < n:
            raise IndexError(f"row {i} is not one of {n}")
        status[i] = 2
        found[i] = tuple(these)
    for i, first in seen.add_valid(numbers, lines, status).items():
        if not 0 <= i < n or i in found:
            raise IndexError(f"row {i} is not a valid one of {n}")
        status[i] = 1
        found[i] = (fill(problem_type, slots, [303, column, f"the number {numbers[i]} is on line {first} too",
                                               f"line {lines[i]}"]),)
    return {i: found[i] for i in sorted(found)}


def count_problems(problems: dict[int, tuple[Any, ...]], status: Any, by_code: dict[int, int],
                   by_problem: dict[int, int]) -> int:
    """See ``_rows.pyx``."""
    warnings = 0
    for i, these in problems.items():
        if not 0 <= i < len(status):
            raise IndexError(f"row {i} is not one of {len(status)}")
        if status[i] != 2:
            warnings += 1
            continue
        by_code[these[0].code] = by_code.get(these[0].code, 0) + 1
        for one in these:
            by_problem[one.code] = by_problem.get(one.code, 0) + 1
    return warnings

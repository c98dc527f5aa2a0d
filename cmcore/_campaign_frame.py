"""Campaign checks over pandas DataFrames, for Dask, Spark and other frame engines; no I/O.

``scan_frame(frame)`` is ``scan_campaign(..., format="rows")`` over a frame's rows (its
columns the header), returned as a frame of verdict columns, so the rules are exactly the
same. It is a module-level function over data and keyword options: ``pickle`` and
``functools.partial`` carry it to workers. pandas is imported when it is called, never by
``import cmcore``.

What one frame cannot know, the caller supplies. Lines: a frame engine gives no physical
lines, so a frame's rows are taken as consecutive lines from ``first_line``, or read from a
``line_column`` the caller computed (Dask: a running count). Duplicates: a partition sees
only its own rows, so ``mark_duplicates`` applies the file's first lines, gathered from every
partition's verdicts, afterwards.
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

from cmcore._campaign import duplicate_message, scan_campaign
from cmcore._campaign_sum import RowStatus
from cmcore._models import Channel

__all__ = ["FRAME_COLUMNS", "mark_duplicates", "scan_frame"]

#: The verdict frame's columns and their dtypes (text columns hold ``str`` or None); Dask's
#: ``meta=dict(FRAME_COLUMNS)``.
FRAME_COLUMNS: Mapping[str, str] = MappingProxyType({
    "line": "int64", "status": "object", "codes": "object", "messages": "object", "number": "object",
    "region": "object", "type": "object", "encoding": "object", "units": "int64", "parts": "int64",
})


def scan_frame(
    frame: Any,
    /,
    *,
    first_line: int = 2,
    line_column: str | None = None,
    columns: Mapping[str, str] | None = None,
    template: str | None = None,
    sender: str | None = None,
    default_region: str | None = None,
    channels: Sequence[Channel | str] = (),
    max_parts: int | None = None,
    allow_empty: bool = False,
    now: datetime | None = None,
) -> Any:
    """The verdicts of a pandas DataFrame's rows (cells ``str``; None or NaN is empty), as
    ``scan_campaign(..., format="rows")`` judges them, as a DataFrame with ``FRAME_COLUMNS``:
    one row a record (blank rows are skipped), in order. ``status`` is valid, warning or
    invalid; ``codes`` the problems' codes joined by ``","`` and ``messages`` their messages
    joined by ``"\\n"`` (both ``""`` for a valid row); ``type`` and ``encoding`` are the enum
    values (``"mobile"``, ``"GSM-7"``).

    ``line``: row ``i`` of ``frame`` is on line ``first_line + i`` (2: after a one-line
    header), or on the line in ``line_column`` (which is then not a campaign column).
    Duplicates are found within the frame only (see ``mark_duplicates``). The other options
    are ``scan_campaign``'s. Raises ``PayloadError`` as ``scan_campaign`` does for a file-level
    problem (a required column missing, a bad template), ``TypeError``/``ValueError`` for bad
    options."""
    if type(first_line) is not int:
        raise TypeError(f"first_line must be an int, not {type(first_line).__name__}")
    pandas = importlib.import_module("pandas")
    if line_column is not None and line_column not in frame.columns:
        raise ValueError(f"line_column {line_column!r} is not a column of the frame")
    names = [str(c) for c in frame.columns if line_column is None or c != line_column]
    lines = None if line_column is None else [int(n) for n in frame[line_column].tolist()]
    cells = frame[names] if line_column is not None else frame
    rows: Any = cells.itertuples(index=False, name=None)
    if bool(cells.isna().to_numpy().any()):
        na = pandas.NA
        rows = ([None if c is na or (type(c) is float and c != c) else c for c in row] for row in rows)
    campaign = scan_campaign(itertools.chain([names], rows), format="rows", columns=columns, template=template,
                             sender=sender, default_region=default_region, channels=channels, max_parts=max_parts,
                             allow_empty=allow_empty, now=now)
    out: dict[str, list[Any]] = {name: [] for name in FRAME_COLUMNS}
    firsts: dict[str, int] = {}
    for v in campaign:
        at = v.line - 2  # the rows source numbers its header 1
        line = first_line + at if lines is None else lines[at]
        if v.status is RowStatus.INVALID:
            codes, messages = ",".join(str(p.code) for p in v.problems), "\n".join(p.message for p in v.problems)
        elif v.status is RowStatus.WARNING:  # a duplicate: name the first line in this frame's numbering
            codes, messages = "303", duplicate_message(v.number, firsts[v.number or ""])
        else:
            codes, messages = "", ""
            firsts[v.number or ""] = line
        _append(out, line, v.status.value, codes, messages, v.number, v.region,
                None if v.type is None else v.type.value, None if v.encoding is None else v.encoding.value,
                v.units, v.parts)
    return _frame(pandas, out)


def mark_duplicates(verdicts: Any, first_lines: Any, /) -> Any:
    """``verdicts`` (a frame of ``FRAME_COLUMNS``) with the file's duplicates marked:
    ``first_lines`` maps a number (a mapping, or a pandas Series indexed by number) to the
    first line it is on among the file's rows that are not invalid; a row that is not invalid
    whose number is there with an earlier line becomes a warning naming that line, as
    ``scan_campaign`` gives it. Returns a new frame; raises ``KeyError`` for a frame without
    the verdict columns."""
    firsts = dict(first_lines.items())
    out = verdicts.copy()
    status, codes, messages = out["status"].tolist(), out["codes"].tolist(), out["messages"].tolist()
    invalid = RowStatus.INVALID.value
    for i, (number, line) in enumerate(zip(out["number"].tolist(), out["line"].tolist())):
        first = firsts.get(number)
        if first is not None and status[i] != invalid and first < line:
            status[i], codes[i] = RowStatus.WARNING.value, "303"
            messages[i] = duplicate_message(number, int(first))
    pandas = importlib.import_module("pandas")
    for name, values in (("status", status), ("codes", codes), ("messages", messages)):
        out[name] = pandas.Series(values, index=out.index, dtype=object)
    return out


def _append(out: dict[str, list[Any]], *values: Any) -> None:
    for column, value in zip(out.values(), values):
        column.append(value)


def _frame(pandas: Any, out: dict[str, list[Any]]) -> Any:
    return pandas.DataFrame({name: pandas.Series(values, dtype=FRAME_COLUMNS[name]) for name, values in out.items()})

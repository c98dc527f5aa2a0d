"""The ``cmcore`` command: the only module that reads stdin and writes stdout, stderr and exit codes.

``cmcore count TEXT...`` and ``cmcore explain TEXT`` (``-`` reads stdin). Results go to
stdout, as a table or picture for people or as JSON lines with ``--json``; diagnostics go to
stderr. Exit 0 when every text is fine, 1 when one breaks ``--max-parts`` or ``--encoding``,
2 for usage errors and for input that is not valid in ``--input-encoding``.

Input is read as bytes and decoded strictly: stdin from its byte buffer, and each TEXT
argument from the bytes the command line gave (``os.fsencode`` undoes Python's
surrogateescape), so an undecodable byte is reported, never counted as a lone surrogate.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
import unicodedata
from collections.abc import Sequence
from typing import IO, Any, TextIO

from cmcore._errors import PayloadError
from cmcore._sms import DEFAULT_LIMITS, LIMITS_16BIT_REF, Encoding, PartLimits, Segmentation
from cmcore._sms import analyze
from cmcore._smart import CharInfo, Explanation, Replacement, explain, smart_encode

_ENCODINGS = {"auto": None, "gsm7": Encoding.GSM7, "ucs2": Encoding.UCS2}
_LIMITS = {"default": DEFAULT_LIMITS, "16bit": LIMITS_16BIT_REF}
_CONTROL_PICTURES = {0x7F: "\u2421", 0xA0: "\u237d"}


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON object a line")
    common.add_argument("--encoding", choices=sorted(_ENCODINGS), default="auto",
                        help="auto-detect (the gateway's type auto), require gsm7, or force ucs2 (dcs 8)")
    common.add_argument("--limits", choices=sorted(_LIMITS), default="default",
                        help="part capacities: default 160/153 and 70/67, or 16bit 160/152 and 70/66")
    common.add_argument("--max-parts", type=int, metavar="N",
                        help="exit 1 when a text needs more than N parts (1-255)")
    common.add_argument("--smart", action="store_true",
                        help="replace typographic characters with GSM-7 ones first, and say so")
    common.add_argument("--input-encoding", type=_input_encoding, default="utf-8", metavar="ENC",
                        help="how stdin and TEXT arguments are encoded (default utf-8; "
                             "a leading UTF-8 BOM on stdin is dropped)")
    parser = argparse.ArgumentParser(
        prog="cmcore", description="Count and explain how texts travel as SMS."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    count = commands.add_parser("count", parents=[common], help="encoding, units and parts of each text")
    count.add_argument("texts", nargs="+", metavar="TEXT", help="a text, or - for stdin")
    show = commands.add_parser("explain", parents=[common],
                               help="draw the parts of a text and mark what costs extra")
    show.add_argument("text", metavar="TEXT", help="a text, or - for stdin")
    show.add_argument("--width", type=int, default=60, metavar="COLS", help="columns a row (20-500)")
    return parser


class _InputError(Exception):
    """Input that cannot be decoded; each item of ``problems`` is one line for stderr."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


def _input_encoding(name: str) -> str:
    """The canonical name of the text encoding ``name``; an argparse usage error if none."""
    try:
        canonical = codecs.lookup(name).name
    except (LookupError, ValueError):
        raise argparse.ArgumentTypeError(f"unknown encoding: {name!r}") from None
    try:
        b"\0".decode(canonical)
    except LookupError:
        raise argparse.ArgumentTypeError(f"{name!r} is not a text encoding") from None
    except UnicodeError:
        pass  # a text encoding that rejects the probe byte is still a text encoding
    return canonical


def _decode(data: bytes, encoding: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        # A codec that strips a signature (utf-8-sig) reports offsets into what follows it.
        shift = len(data) - len(exc.object) if data.endswith(exc.object) else 0
        byte = exc.object[exc.start : exc.start + 1].hex().upper() or "??"
        problem = (f"{where}: byte 0x{byte} at offset {exc.start + shift} is not valid "
                   f"{encoding}; use --input-encoding")
    except UnicodeError as exc:
        problem = f"{where}: cannot be decoded as {encoding} ({exc}); use --input-encoding"
    raise _InputError([problem])


def _read_stdin(stdin: IO[Any], encoding: str) -> str:
    buffer = getattr(stdin, "buffer", None)
    data = (stdin if buffer is None else buffer).read()
    if isinstance(data, str):
        text = data  # a text stream without a byte buffer has decoded it already
    else:
        text = _decode(data, encoding, "stdin")
        if encoding == "utf-8" and text.startswith("\ufeff"):
            text = text[1:]  # a byte order mark, not part of the message
    text = text[:-1] if text.endswith("\n") else text
    return text[:-1] if text.endswith("\r") else text


def _read_arg(text: str, encoding: str, number: int) -> str:
    try:
        data = os.fsencode(text)
    except UnicodeEncodeError as exc:
        raise _InputError([f"text {number}: character U+{ord(text[exc.start]):04X} at index "
                           f"{exc.start} is not a byte the command line can carry"]) from None
    return _decode(data, encoding, f"text {number}")


def _read_texts(raw: Sequence[str], stdin: IO[Any], encoding: str) -> list[str]:
    if list(raw).count("-") > 1:
        raise ValueError("'-' (stdin) may be given once")
    texts: list[str] = []
    problems: list[str] = []
    for number, text in enumerate(raw, 1):
        try:
            texts.append(_read_stdin(stdin, encoding) if text == "-"
                         else _read_arg(text, encoding, number))
        except _InputError as exc:
            problems += exc.problems
    if problems:
        raise _InputError(problems)
    return texts


def _seg_json(seg: Segmentation) -> dict[str, Any]:
    return {"encoding": seg.encoding.value, "units": seg.units, "parts": seg.parts}


def _char_json(info: CharInfo) -> dict[str, Any]:
    return {"index": info.index, "char": info.char, "codepoint": info.codepoint,
            "name": info.name, "replacement": info.replacement}


def _replacement_json(rep: Replacement) -> dict[str, Any]:
    return {"index": rep.index, "original": rep.original, "replacement": rep.replacement}


def _visible(char: str) -> tuple[str, int]:
    """How one character is drawn, and how many columns it takes."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code), 1
    if code in _CONTROL_PICTURES:
        return _CONTROL_PICTURES[code], 1
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd", 1
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf", "Zl", "Zp"):
        return ("\u25cc" + char if unicodedata.combining(char) else "\u25cc"), 1
    if unicodedata.category(char) == "Zs" and char != " ":
        return "\u237d", 1
    return char, 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _draw_part(part: str, start: int, marks: dict[int, str], width: int) -> list[str]:
    rows: list[str] = []
    text_row: list[str] = []
    mark_row: list[str] = []
    used = 0
    for offset, char in enumerate(part):
        shown, cols = _visible(char)
        if used + cols > width and text_row:
            rows += _finish_row(text_row, mark_row)
            text_row, mark_row, used = [], [], 0
        mark = marks.get(start + offset, " ")
        text_row.append(shown)
        mark_row.append((mark + mark[-1] * cols)[:cols])
        used += cols
    return rows + _finish_row(text_row, mark_row)


def _finish_row(text_row: list[str], mark_row: list[str]) -> list[str]:
    rows = ["    \u2502" + "".join(text_row) + "\u2502"]
    marks = "".join(mark_row)
    if marks.strip():
        rows.append("     " + marks.rstrip())
    return rows


def _marks(exp: Explanation) -> dict[int, str]:
    marks: dict[int, str] = {}
    if exp.segmentation.encoding is Encoding.UCS2:
        for info in exp.non_gsm7:
            marks[info.index] = "^"
    for info in exp.double:
        marks[info.index] = "^²" if info.index in marks else "²"
    return marks


def _char_table(title: str, infos: Sequence[CharInfo]) -> list[str]:
    lines = [title]
    for info in infos:
        shown, _ = _visible(info.char)
        smart = "" if info.replacement is None else f"  smart: {info.replacement!r}"
        lines.append(f"  index {info.index:<6} {shown}  {info.codepoint:<8} {info.name}{smart}")
    return lines


def _picture(exp: Explanation, limits: PartLimits, width: int) -> list[str]:
    seg = exp.segmentation
    unit = seg.encoding.unit
    single, multi = limits.single(seg.encoding), limits.multi(seg.encoding)
    lines = [f"{seg.encoding} \u00b7 {seg.units} {unit} \u00b7 {seg.parts} part"
             f"{'s' if seg.parts != 1 else ''} ({single} in one message, {multi} a part when split)"]
    marks = _marks(exp)
    start = 0
    for number, part in enumerate(exp.parts, 1):
        cost = analyze(part, encoding=seg.encoding, limits=limits).units
        cap = single if seg.parts == 1 else multi
        lines.append(f"  part {number}/{seg.parts} \u00b7 {cost}/{cap} {unit}")
        lines += _draw_part(part, start, marks, width)
        start += len(part)
    if seg.encoding is Encoding.UCS2 and exp.non_gsm7:
        lines += _char_table(f"^ {len(exp.non_gsm7)} character(s) outside GSM-7 make the text UCS-2:",
                             exp.non_gsm7)
    if exp.double:
        why = "GSM-7 extension table" if seg.encoding is Encoding.GSM7 else "outside the BMP"
        lines += _char_table(f"\u00b2 {len(exp.double)} character(s) cost 2 {unit} ({why}):",
                             exp.double)
    return lines


def _prepare(text: str, smart: bool) -> tuple[str, tuple[Replacement, ...]]:
    if not smart:
        return text, ()
    result = smart_encode(text)
    return result.text, result.replacements


def _check(seg: Segmentation, max_parts: int | None) -> str | None:
    if max_parts is not None and seg.parts > max_parts:
        return f"needs {seg.parts} parts, more than --max-parts {max_parts}"
    return None


def _run_count(args: argparse.Namespace, texts: list[str], out: TextIO, err: TextIO) -> int:
    status = 0
    for index, original in enumerate(texts):
        text, reps = _prepare(original, args.smart)
        try:
            seg = analyze(text, encoding=_ENCODINGS[args.encoding], limits=_LIMITS[args.limits])
        except PayloadError as exc:
            print(f"cmcore: text {index + 1}: {exc.message}", file=err)
            status = 1
            continue
        problem = _check(seg, args.max_parts)
        if problem:
            print(f"cmcore: text {index + 1}: {problem}", file=err)
            status = 1
        if args.json:
            row = {"text": text, **_seg_json(seg)}
            if args.smart:
                row["replacements"] = [_replacement_json(r) for r in reps]
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            changed = f"  ({len(reps)} smart replacement(s))" if reps else ""
            print(f"{seg.encoding!s:<5}  {seg.units:>6} {seg.encoding.unit:<12}  "
                  f"{seg.parts:>3} part{'s' if seg.parts != 1 else ' '}{changed}", file=out)
    return status


def _run_explain(args: argparse.Namespace, text: str, out: TextIO, err: TextIO) -> int:
    if not 20 <= args.width <= 500:
        print("cmcore: --width must be from 20 to 500", file=err)
        return 2
    text, reps = _prepare(text, args.smart)
    limits = _LIMITS[args.limits]
    try:
        exp = explain(text, encoding=_ENCODINGS[args.encoding], limits=limits)
    except PayloadError as exc:
        print(f"cmcore: {exc.message}", file=err)
        return 1
    problem = _check(exp.segmentation, args.max_parts)
    if problem:
        print(f"cmcore: text {problem}", file=err)
    if args.json:
        row = {"text": text, **_seg_json(exp.segmentation), "segments": list(exp.parts),
               "non_gsm7": [_char_json(i) for i in exp.non_gsm7],
               "double": [_char_json(i) for i in exp.double]}
        if args.smart:
            row["replacements"] = [_replacement_json(r) for r in reps]
        print(json.dumps(row, ensure_ascii=False), file=out)
    else:
        for rep in reps:
            print(f"smart: index {rep.index}: {rep.original!r} -> {rep.replacement!r}", file=out)
        print("\n".join(_picture(exp, limits, args.width)), file=out)
    return 1 if problem else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    0 when every text is fine, 1 when a text breaks a rule (``--max-parts``, ``--encoding
    gsm7``), 2 for a usage error or input that is not valid in ``--input-encoding``.
    """
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.max_parts is not None and not 1 <= args.max_parts <= 255:
        print("cmcore: --max-parts must be from 1 to 255", file=sys.stderr)
        return 2
    raw = args.texts if args.command == "count" else [args.text]
    try:
        texts = _read_texts(raw, sys.stdin, args.input_encoding)
    except _InputError as exc:
        for problem in exc.problems:
            print(f"cmcore: {problem}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"cmcore: cannot read the text: {exc}", file=sys.stderr)
        return 2
    if args.command == "count":
        return _run_count(args, texts, sys.stdout, sys.stderr)
    return _run_explain(args, texts[0], sys.stdout, sys.stderr)

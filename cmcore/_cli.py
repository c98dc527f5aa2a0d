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
import csv
import importlib
import re
import json
import os
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, TextIO

from cmcore import _kernel
from cmcore._errors import PayloadError
from cmcore._sms import DEFAULT_LIMITS, LIMITS_16BIT_REF, Encoding, PartLimits, Segmentation
from cmcore._sms import analyze

if TYPE_CHECKING:  # the commands that use them import them: a campaign run never does
    from cmcore._smart import CharInfo, Explanation, Replacement

_rows = _kernel.load("_rows")

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
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    count = commands.add_parser("count", parents=[common], help="encoding, units and parts of each text")
    count.add_argument("texts", nargs="+", metavar="TEXT", help="a text, or - for stdin")
    show = commands.add_parser("explain", parents=[common],
                               help="draw the parts of a text and mark what costs extra")
    show.add_argument("text", metavar="TEXT", help="a text, or - for stdin")
    show.add_argument("--width", type=int, default=None, metavar="COLS",
                      help="columns a row (20-500; default: the terminal's width)")
    for sub in (count, show):
        # A TEXT such as '-20%' or '-5 €' is text, not an option: only '-' then a letter is one.
        sub._negative_number_matcher = re.compile(r"^-(?![-A-Za-z]).+$", re.S)
    _campaign_parser(commands)
    _gateway_parsers(commands)
    return parser


def _gateway_parsers(commands: Any) -> None:
    """Add ``serve`` and ``cost`` (run by ``_cli_gateway``, imported when one runs) to the
    command line's subparsers."""
    serve = commands.add_parser("serve", help="run the offline gateway on a real HTTP server")
    serve.add_argument("--host", default="127.0.0.1", help="the address to bind (default: loopback only)")
    serve.add_argument("--port", type=int, default=8080, help="the port (default 8080; 0 picks a free one)")
    serve.add_argument("--region", metavar="R", help="the default region for national numbers (ISO 3166)")
    serve.add_argument("--accounts", metavar="FILE",
                       help="accounts: one 'token[,balance]' a line; without it any token of the right form is one")
    serve.add_argument("--callback", metavar="URL", help="POST the status reports that follow each request here")
    serve.add_argument("--seed", type=int, default=0, help="seed of the status reports' mix (default 0)")
    cost = commands.add_parser("cost", help="what a request or a campaign file would cost, by a price table")
    cost.add_argument("--prices", required=True, metavar="FILE", help="the price table (CSV; see the README)")
    cost.add_argument("source", metavar="REQUEST_OR_CAMPAIGN",
                      help="a JSON request body (.json), or a campaign file as `cmcore campaign` reads it")
    cost.add_argument("--region", metavar="R", help="the default region for national numbers")
    cost.add_argument("--sender", default="CM", metavar="S",
                      help="the sender of a campaign file's rows where it has no sender column (default CM)")
    cost.add_argument("--json", action="store_true", help="print the estimate as one JSON object")


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked (the lookup imports
    ``importlib.metadata``, about a tenth of a campaign run's start)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print(f"cmcore {_version()}")
        parser.exit()


def _version() -> str:
    import importlib.metadata  # here: it costs a tenth of the start of a run

    try:
        return importlib.metadata.version("cmcore")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


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
    """The rows of one part, at most ``width`` columns each, broken after a space where the
    row has one (a word longer than a row is cut)."""
    rows: list[str] = []
    text_row: list[str] = []
    mark_row: list[str] = []
    used = 0
    for offset, char in enumerate(part):
        shown, cols = _visible(char)
        if used + cols > width and text_row:
            cut = max((k + 1 for k, c in enumerate(text_row) if c == " "), default=0)
            cut = cut if 0 < cut < len(text_row) else len(text_row)
            rows += _finish_row(text_row[:cut], mark_row[:cut])
            text_row, mark_row = text_row[cut:], mark_row[cut:]
            used = sum(len(m) for m in mark_row)
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
    """One line a distinct character: its index, or how many times and where (``×40 at 0, 2, …``)."""
    lines = [title]
    groups: dict[str, list[CharInfo]] = {}
    for info in infos:
        groups.setdefault(info.char, []).append(info)
    for char, found in groups.items():
        info = found[0]
        shown, _ = _visible(char)
        smart = "" if info.replacement is None else f"  smart: {info.replacement!r}"
        if len(found) == 1:
            lines.append(f"  index {info.index:<6} {shown}  {info.codepoint:<8} {info.name}{smart}")
        else:
            at = ", ".join(str(i.index) for i in found[:8]) + (", \u2026" if len(found) > 8 else "")
            lines.append(f"  {shown} \u00d7{len(found)} at {at}  {info.codepoint:<8} {info.name}{smart}")
    return lines


def _picture(exp: Explanation, limits: PartLimits, width: int, forced: bool = False) -> list[str]:
    seg = exp.segmentation
    unit = seg.encoding.unit
    single, multi = limits.single(seg.encoding), limits.multi(seg.encoding)
    lines = [f"{seg.encoding}{' (forced by --encoding)' if forced else ''} \u00b7 {seg.units} {unit} \u00b7 {seg.parts} part"
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
    from cmcore._smart import smart_encode

    result = smart_encode(text)
    return result.text, result.replacements


def _check(seg: Segmentation, max_parts: int | None) -> str | None:
    if max_parts is not None and seg.parts > max_parts:
        return f"needs {seg.parts} parts, more than --max-parts {max_parts}"
    return None


def _smart_summary(args: argparse.Namespace, original: str, seg: Segmentation) -> str | None:
    """``smart: 4 parts \u2192 2 with smart encoding`` (or its encoding), with ``--smart``."""
    if not args.smart:
        return None
    try:
        before = analyze(original, encoding=_ENCODINGS[args.encoding], limits=_LIMITS[args.limits])
    except PayloadError:
        return None
    plural = "s" if before.parts != 1 else ""
    return (f"smart: {before.parts} part{plural} ({before.encoding}) \u2192 {seg.parts} with smart encoding "
            f"({seg.encoding})")


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
            label = f"text {index + 1}: " if len(texts) > 1 else ""
            forced = " (forced)" if args.encoding != "auto" else ""
            print(f"{label}{seg.encoding!s:<5}{forced}  {seg.units:>6} {seg.encoding.unit:<12}  "
                  f"{seg.parts:>3} part{'s' if seg.parts != 1 else ' '}{changed}", file=out)
            summary = _smart_summary(args, original, seg)
            if summary:
                print(f"{label}{summary}", file=out)
    return status


def _run_explain(args: argparse.Namespace, text: str, out: TextIO, err: TextIO) -> int:
    if args.width is None:
        import shutil

        args.width = max(20, min(500, shutil.get_terminal_size((66, 24)).columns - 6))
    if not 20 <= args.width <= 500:
        print("cmcore: --width must be from 20 to 500", file=err)
        return 2
    original = text
    text, reps = _prepare(text, args.smart)
    limits = _LIMITS[args.limits]
    from cmcore._smart import explain

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
        summary = _smart_summary(args, original, exp.segmentation)
        if summary:
            print(summary, file=out)
        print("\n".join(_picture(exp, limits, args.width, args.encoding != "auto")), file=out)
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
    if args.command == "campaign":
        return _run_campaign(args, sys.stdout, sys.stderr)
    if args.command in ("serve", "cost"):
        from cmcore import _cli_gateway  # the offline gateway and the prices: imported only to run them

        if args.command == "serve":
            return _cli_gateway.run_serve(args, sys.stderr)
        return _cli_gateway.run_cost(args, sys.stdout, sys.stderr)
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


# -- campaign ---------------------------------------------------------------------------------

_SHOWN_PER_CODE = 5


def _campaign_parser(commands: Any) -> None:
    p = commands.add_parser("campaign", help="check a campaign file (CSV, JSON Lines, XLSX) row by row")
    p.add_argument("file", metavar="FILE", help="the campaign file (.csv, .jsonl, .xlsx)")
    p.add_argument("--template", metavar="TEXT", help="the text, with {column} placeholders filled per row")
    p.add_argument("--sender", metavar="S", help="the sender of rows without one")
    p.add_argument("--region", metavar="R", help="the region national numbers are read in (rows without one)")
    p.add_argument("--channels", metavar="SMS,...", help="allowed channels, in fallback order")
    p.add_argument("--max-parts", type=int, metavar="N", help="at most N SMS parts a message (1-255)")
    p.add_argument("--encoding", type=_input_encoding, default="utf-8", metavar="E",
                   help="how the file is encoded (default utf-8; cp1252, latin-1, ...)")
    p.add_argument("--format", choices=("auto", "csv", "jsonl", "xlsx"), default="auto",
                   help="the file's format (default: from its name, then its first line)")
    p.add_argument("--column", action="append", default=[], metavar="ROLE=NAME",
                   help="read ROLE (phone, text, sender, reference, region) from column NAME")
    p.add_argument("--allow-empty", action="store_true", help="an empty placeholder value is not an error")
    p.add_argument("--json", action="store_true", help="a JSON line a row with a problem, then the summary")
    p.add_argument("--valid-out", metavar="F", help="write the valid rows to F, in the input's format")
    p.add_argument("--invalid-out", metavar="F", help="write the invalid rows to F, with a problems column")
    p.add_argument("--build-out", metavar="DIR", help="write JSON request bodies (1000 messages each) to DIR; "
                   "the product token comes from $CM_PRODUCT_TOKEN or --token-file")
    p.add_argument("--token-file", metavar="F", help="read the product token from F (never the command line)")
    p.add_argument("--prices", metavar="FILE", help="price each valid row by this price table (CSV; see the README)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _file_format(args: argparse.Namespace) -> str:
    if args.format != "auto":
        return str(args.format)
    lower = args.file.lower()
    if lower.endswith(".xlsx"):
        return "xlsx"
    return "jsonl" if lower.endswith((".jsonl", ".ndjson")) else "auto"


def _xlsx_rows(path: str) -> Iterator[list[str | None]]:
    openpyxl: Any = importlib.import_module("openpyxl")  # the optional extra cmcore[xlsx]
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield [None if c is None else str(int(c)) if isinstance(c, float) and c.is_integer() else str(c)
                   for c in row]
    finally:
        book.close()


class _Counted:
    """The file, counting the bytes read (for the progress bar): lines, or ``read`` and
    ``readline`` for the compiled CSV reader."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.done = stream, 0

    def __iter__(self) -> Iterator[bytes]:
        for line in self.stream:
            self.done += len(line)
            yield line

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.done += len(data)
        return data

    def readline(self) -> bytes:
        line = self.stream.readline()
        self.done += len(line)
        return line

    def fileno(self) -> int:
        return self.stream.fileno()

    def tell(self) -> int:
        return self.stream.tell()


def _token(args: argparse.Namespace) -> str:
    if args.token_file:
        with open(args.token_file, encoding="utf-8") as f:
            return f.readline().strip()
    token = os.environ.get("CM_PRODUCT_TOKEN", "").strip()
    if not token:
        raise ValueError("--build-out needs the product token in $CM_PRODUCT_TOKEN or a --token-file")
    return token


def _progress(args: argparse.Namespace, total: int, err: TextIO) -> Any:
    if args.no_progress or not err.isatty():
        return None
    try:
        tqdm: Any = importlib.import_module("tqdm").tqdm  # the optional extra cmcore[progress]
    except ImportError:
        return None
    return tqdm(total=total, unit="B", unit_scale=True, file=err, leave=False)


def _problem_text(problems: Sequence[Any]) -> str:
    return "; ".join(f"{p.code} {p.field}: {p.message}" if p.field else f"{p.code}: {p.message}" for p in problems)


class _Writer:
    """Rows written back in the input's format; ``problems`` adds a column (or key)."""

    def __init__(self, path: str, campaign: Any, encoding: str, problems: bool) -> None:
        self.file = open(path, "w", encoding=encoding, errors="backslashreplace", newline="")
        self.format, self.problems = campaign.format, problems
        if self.format != "jsonl":
            self.csv = csv.writer(self.file, delimiter=campaign.delimiter or ",", lineterminator="\n")
            self.csv.writerow([*campaign.header, *(["problems"] if problems else [])])

    def write(self, fields: Any, problems: Sequence[Any]) -> None:
        if self.format == "jsonl":
            line = fields.rstrip("\r\n")
            if self.problems:
                try:
                    obj = json.loads(line)
                except ValueError:
                    obj = None
                obj = obj if isinstance(obj, dict) else {"line": line}
                obj["problems"] = [{"code": p.code, "field": p.field, "message": p.message} for p in problems]
                line = json.dumps(obj, ensure_ascii=False)
            self.file.write(line + "\n")
        else:
            row = list(fields) if isinstance(fields, (list, tuple)) else []
            self.csv.writerow([*row, *([_problem_text(problems)] if self.problems else [])])

    def close(self) -> None:
        self.file.close()


def _campaign_rows(campaign: Any, args: argparse.Namespace, out: TextIO, shown: dict[tuple[int, str], list[Any]],
                   writers: tuple[_Writer | None, _Writer | None], tick: Any) -> Iterator[Any]:
    """Go through the campaign once: print, write and keep what is shown; yield the message of
    each valid row when building."""
    valid_out, invalid_out = writers
    building = args.build_out is not None
    for batch in campaign.batches():
        if args.json:  # the batch's --json lines, made and written at once
            if batch.problems:
                out.write(_rows.json_lines(batch.problems, batch.lines, batch.records, batch.status))
        else:
            for i, problems in batch.problems.items():
                first = shown.setdefault((problems[0].code, "invalid" if batch.status[i] == 2 else "warning"), [])
                if len(first) < 1000:
                    first.append((batch.lines[i], problems))
        if invalid_out is not None:
            for i, problems in batch.problems.items():
                if batch.status[i] == 2:
                    invalid_out.write(batch.fields[i], problems)
        if valid_out is not None or building:
            for i in range(len(batch)):
                if batch.status[i] != 2:
                    if valid_out is not None:
                        valid_out.write(batch.fields[i], ())
                    if building:
                        yield campaign.message(batch[i])
        tick()


def _campaign_table(summary: Any, shown: dict[tuple[int, str], list[Any]], out: TextIO) -> None:
    s = summary
    hist = ", ".join(f"{k} part{'s' if k != 1 else ''}: {v}" for k, v in sorted(s.parts_histogram.items()))
    rows = [("rows", f"{s.rows}" + (f"  ({s.skipped} blank line(s) skipped)" if s.skipped else "")),
            ("valid", f"{s.valid}" + (f"  ({s.warnings} with a warning)" if s.warnings else "")),
            ("invalid", f"{s.invalid}" + ("  (" + ", ".join(f"{k}: {v}" for k, v in sorted(
                s.invalid_by_code.items())) + ")" if s.invalid else "")),
            ("duplicates", str(s.duplicates)), ("parts", f"{s.parts}" + (f"  ({hist})" if hist else ""))]
    for region, mix in sorted(s.encodings.items()):
        rows.append((f"  {region}", ", ".join(f"{enc} {n}" for enc, n in sorted(mix.items()))))
    if s.longest is not None:
        rows.append(("longest", f"line {s.longest.line}: {s.longest.units} units, {s.longest.parts} part(s), "
                                f"{s.longest.encoding}"))
    if s.cost is not None:
        rows.append(("cost", str(s.cost)))
    for name, value in rows:
        print(f"{name:<12} {value}", file=out)
    for (code, kind), found in sorted(shown.items()):
        lines = [line for line, _ in found]
        print(f"\n{code} ({kind}): {len(found)}{'+' if len(found) >= 1000 else ''} row(s), lines "
              f"{', '.join(map(str, lines[:20]))}{', …' if len(lines) > 20 else ''}", file=out)
        for line, problems in found[:_SHOWN_PER_CODE]:
            print(f"  line {line}: {_problem_text(problems)}", file=out)


def _row_pricer(path: str, region: str | None) -> Any:
    from cmcore import _cli_gateway  # the price table's reader: imported only with --prices

    return _cli_gateway.row_pricer(path, region)


def _run_campaign(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from cmcore._campaign import build_bodies, scan_campaign

    if args.max_parts is not None and not 1 <= args.max_parts <= 255:
        print("cmcore: --max-parts must be from 1 to 255", file=err)
        return 2
    columns = {}
    for item in args.column:
        role, sep, name = item.partition("=")
        if not sep:
            print(f"cmcore: --column {item!r}: write ROLE=NAME", file=err)
            return 2
        columns[role.strip()] = name.strip()
    fmt = _file_format(args)
    try:
        token = _token(args) if args.build_out else None
        stream = None if fmt == "xlsx" else open(args.file, "rb")
    except (OSError, ValueError) as exc:
        print(f"cmcore: {exc}", file=err)
        return 2
    counted = _Counted(stream) if stream is not None else None
    try:
        source: Any = _xlsx_rows(args.file) if counted is None else counted
        campaign = scan_campaign(
            source, format="rows" if counted is None else fmt, encoding=args.encoding, columns=columns or None,
            template=args.template, sender=args.sender, default_region=args.region,
            channels=tuple(c.strip() for c in args.channels.split(",")) if args.channels else (),
            max_parts=args.max_parts, allow_empty=args.allow_empty,
            cost=_row_pricer(args.prices, args.region) if args.prices else None)
    except ImportError:
        print("cmcore: reading .xlsx needs openpyxl: pip install 'cmcore[xlsx]'", file=err)
        return 2
    except (OSError, ValueError, TypeError) as exc:  # PayloadError is a ValueError: a file-level problem
        print(f"cmcore: {args.file}: {exc}", file=err)
        if stream is not None:
            stream.close()
        return 2
    writers = tuple(None if path is None else _Writer(path, campaign, args.encoding, problems)
                    for path, problems in ((args.valid_out, False), (args.invalid_out, True)))
    bar = _progress(args, os.path.getsize(args.file), err)
    done = [0]

    def tick() -> None:
        if bar is not None and counted is not None:
            bar.update(counted.done - done[0])
            done[0] = counted.done

    shown: dict[tuple[int, str], list[Any]] = {}
    try:
        messages = _campaign_rows(campaign, args, out, shown, (writers[0], writers[1]), tick)
        if args.build_out:
            os.makedirs(args.build_out, exist_ok=True)
            for n, body in enumerate(build_bodies(messages, product_token=token or ""), 1):
                with open(os.path.join(args.build_out, f"request-{n:05d}.json"), "wb") as f:
                    f.write(body)
        else:
            for _ in messages:
                pass
    except OSError as exc:
        print(f"cmcore: {exc}", file=err)
        return 2
    except PayloadError as exc:  # building found what the scan did not: say so, never the token
        print(f"cmcore: building: {exc}", file=err)
        return 1
    finally:
        for w in writers:
            if w is not None:
                w.close()
        if bar is not None:
            bar.close()
        if stream is not None:
            stream.close()
    summary = campaign.summary
    if args.json:
        out.write(json.dumps({"summary": summary.as_dict()}, ensure_ascii=False) + "\n")
    else:
        _campaign_table(summary, shown, out)
    return 1 if summary.invalid else 0

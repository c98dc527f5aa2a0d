"""Campaign files: a verdict a row, as ``validate()`` would give it, and a summary; no I/O.

``scan_campaign(lines, ...)`` reads the header at once (a required column missing, or a
placeholder naming no column, raises ``PayloadError`` before any row is read), then yields a
frozen ``RowVerdict`` a record, batch by batch: N records in, N verdicts out.

Every rule of ``validate()`` applies, with its codes and messages. A row is judged in two
steps: a columnar screen in the row kernel (``_rows``) proves the common case valid (the
template filled, the number through the phone kernel, many rows a call; the text through
``analyze_many``; each sender and the channels checked once, through ``validate()`` itself).
A row it proves valid but for its number gets the recipient test of ``validate()`` (the same
judge, the same words); every other row it does not prove valid is built as a ``Message``
and run through ``validate()`` in chunks of up to 1000, each error's ``msg[i]`` mapped back
to its row. The screen never reports a problem of its own making
(only the reader's: undecodable bytes, a wrong field count, an empty placeholder value), so
a problem a row shows is one the gateway's rules name. Duplicates (the same normalised number
on two valid rows) are warnings naming the first line, kept in a compact table of integers.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers

from cmcore import _kernel, _phone
from cmcore._campaign_lines import Block
from cmcore._campaign_read import Source, Template, open_source, resolve_columns
from cmcore._campaign_sum import (
    _INVALID,
    _PROBLEM_MAKER,
    CampaignProblem,
    problem,
    CampaignSummary,
    RowStatus,
    RowVerdict,
    Tally,
    VerdictBatch,
)
from cmcore._errors import PayloadError, scrub
from cmcore._models import Channel, Message, ProductToken, Request
from cmcore._sms import MAX_PARTS, analyze_many
from cmcore._validate import validate

_rows = _kernel.load("_rows")

__all__ = ["Campaign", "RowStatus", "RowVerdict", "VerdictBatch", "build_bodies", "scan_campaign"]

_PROBE_TEXT = "00000000-0000-0000-0000-000000000000"
_PROBE_TOKEN = ProductToken(_PROBE_TEXT)
_PROBE_NUMBER = "0031612345678"
_REFERENCE = re.compile(r"[A-Za-z0-9_]{1,32}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_PLAIN_BODY = 8000  # longer bodies go through validate(), which counts their parts
_LOCATION = re.compile(r"msg\[(\d+)\](?:\.(\w+))?")
_CHUNK = 1000
_REASONS: dict[_phone.PhoneProblem | None, str] = {reason: str(reason) for reason in _phone.PhoneProblem}


def duplicate_message(number: str | None, first: int) -> str:
    """The warning of a number seen before (shared with ``_campaign_frame``)."""
    return f"the number {number} is on line {first} too"


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a row needs, worked out from the header and the options once."""

    phone: int
    text: int | None
    template: tuple[str | int, ...] | None
    placeholders: dict[int, str]
    sender_column: int | None
    reference: int | None
    region: int | None
    names: tuple[str, ...]
    pieces: tuple[str | int, ...]  # the text: literal pieces and field indexes (the text column alone)
    need: tuple[int, ...]  # the fields that must not be empty (the placeholders')


class Campaign:
    """A campaign file being read: iterate for ``RowVerdict``s, or ``batches()`` for columns;
    ``summary`` is final once every record is read (``complete``). One pass only."""

    def __init__(self, source: Source, plan: _Plan, options: dict[str, Any]) -> None:
        self.format = source.format
        self.header = source.header
        self.delimiter = source.delimiter
        self._source = source
        self._plan = plan
        self._o = options
        self._tally = Tally()
        self._dups = _rows.Seen()
        self._senders: dict[str | None, bool] = {}
        self._records = 0
        self._started = False
        self.complete = False
        p, o = plan, options
        self._config: tuple[Any, ...] = (p.phone, -1 if p.sender_column is None else p.sender_column,
                        -1 if p.reference is None else p.reference, o["sender"], o["max_parts"] or MAX_PARTS,
                        o["plain_channels"], _phone._numbers.fast_into, _phone._region_plan, _phone._COUNTRIES,
                        _phone._CODES, _phone._country, phonenumbers.PhoneNumberType.UNKNOWN, _phone._TYPE_NAMES,
                        self._senders, self._sender_ok,
                        {})  # the screen's plans by region, batch to batch
        column = o["fields"]["to"]
        self._number_config: tuple[Any, ...] = (
            column, f", column {column!r}", _REASONS, _phone._slow, _phone._COUNTRIES, _phone._LENGTH_PROBLEMS,
            _phone._NSN_PROBLEMS, _phone.PhoneProblem.NOT_VALID, phonenumbers.PhoneNumberType.UNKNOWN,
            _phone._UNKNOWN, _phone._TYPE_NAMES, _PROBE_TEXT, scrub, *_PROBLEM_MAKER)

    @property
    def columns(self) -> dict[str, str]:
        """Role -> the header name it was read from."""
        p = self._plan
        roles = {"phone": p.phone, "text": p.text, "sender": p.sender_column, "reference": p.reference,
                 "region": p.region}
        return {role: self.header[at] for role, at in roles.items() if at is not None}

    @property
    def summary(self) -> CampaignSummary:
        """The counts so far; final when ``complete``."""
        return self._tally.summary(lines=self._source.lines(), skipped=self._source.skipped(),
                                   duplicates=self._dups.found, priced=self._o["cost"] is not None)

    def __iter__(self) -> Iterator[RowVerdict]:
        for batch in self.batches():
            yield from batch

    def batches(self) -> Iterator[VerdictBatch]:
        """The verdicts, ``batch_size`` records a batch (the last may hold fewer). Raises
        ``RuntimeError`` if read twice."""
        if self._started:
            raise RuntimeError("a Campaign is read once; scan the file again")
        self._started = True
        for block in self._source.blocks(self._o["batch_size"]):
            if len(block):
                yield self._judge(block)
        self.complete = True

    def message(self, verdict: RowVerdict) -> Message:
        """The ``Message`` a valid row sends. Raises ``ValueError`` for an invalid row."""
        if not verdict.valid or verdict.number is None or verdict.text is None:
            raise ValueError(f"line {verdict.line}: an invalid row has no message")
        return self._message(verdict.sender, verdict.number, verdict.text, verdict.reference)

    def _message(self, sender: str | None, number: str, text: str, reference: str | None) -> Message:
        o = self._o
        return Message(sender=sender, recipients=(number,), body=text, reference=reference,
                       allowed_channels=o["channels"], min_parts=None if o["max_parts"] is None else 1,
                       max_parts=o["max_parts"])

    # -- judging -------------------------------------------------------------------------

    def _judge(self, block: Block) -> VerdictBatch:
        lines, columns = block.lines, block.columns
        n = len(lines)
        b = VerdictBatch(n)
        p, o = self._plan, self._o
        if not self._records and self._o["size"] and n >= 100:
            self._reserve(columns, n, self._o["size"])
        b.lines, b.records = _rows.numbered(lines, self._records + 1)
        b.fields = block
        self._records += n
        errors: dict[int, list[CampaignProblem]] = {
            i: [problem(code=202, field="", message=error, location=f"line {lines[i]}")]
            for i, error in block.errors.items()}
        todo, texts, regions = _rows.render(columns, n, p.pieces, p.need, o["allow_empty"],
                                            -1 if p.region is None else p.region, o["region"],
                                            phonenumbers.SUPPORTED_REGIONS)
        seg = analyze_many(texts)
        slow, numbers, answers = _rows.screen(todo, texts, regions, columns, seg.gsm7, seg.units, seg.parts, b,
                                              self._config)
        if len(todo) + len(errors) < n:  # rows the compiled path leaves: the reader's own rules first
            taken = set(todo)
            rest = [i for i in range(n) if i not in taken and i not in errors
                    and self._row(b, i, block.row(i), lines[i], errors)]
            if rest:
                seg = analyze_many([b.texts[i] for i in rest])  # type: ignore[misc]
                slow += self._screen(b, rest, seg.gsm7, seg.units, seg.parts)
        if numbers:  # the number alone is left: judged as validate() judges a recipient
            _rows.judge_numbers(numbers, answers, b, errors, self._number_config)
        if slow:
            self._validate(b, sorted(slow), errors)
        self._finish(b, errors)
        return b

    def _reserve(self, columns: list[list[Any]], n: int, size: int) -> None:
        """Make the table of numbers seen ready for the rows the file's size says it holds, by
        the first batch's rows (their characters and separators; a little over, so that it is
        made once): a table grown a dozen times takes fresh memory each time."""
        chars = sum(len(value) for column in columns for value in column if type(value) is str)
        per_row = (chars + n * len(columns)) / n  # a separator or the line end after each field
        self._dups.reserve(min(int(size / per_row * 1.05), size // 2, 1 << 34))

    def _screen(self, b: VerdictBatch, todo: list[int], gsm7: Any, units: Any, parts: Any) -> list[int]:
        """The screen: fill the rows proved valid without ``validate()``; return the others."""
        o = self._o
        slow: list[int] = []
        fast, names, unknown = _phone._fast, _phone._TYPE_NAMES, phonenumbers.PhoneNumberType.UNKNOWN
        numbers, regions, types, texts, refs, senders = b.numbers, b.regions, b.types, b.texts, b.references, b.senders
        bgsm7, bunits, bparts = b.gsm7, b.units, b.parts
        limit = o["max_parts"] or MAX_PARTS
        plain = o["plain_channels"]
        ok_senders = self._senders
        for k, i in enumerate(todo):
            n = parts[k]
            bgsm7[i], bunits[i], bparts[i] = gsm7[k], units[k], n
            text = texts[i]
            ref = refs[i]
            if not (plain and text and n <= limit and len(text) <= _MAX_PLAIN_BODY
                    and (text.isascii() or not _SURROGATE.search(text))
                    and (ref is None or _REFERENCE.fullmatch(ref))
                    and (ok_senders.get(senders[i]) or self._sender_ok(senders[i]))):
                slow.append(i)
                continue
            found = fast((numbers[i] or "").strip(), regions[i])
            if type(found) is not tuple or found[4] is unknown:
                slow.append(i)
                continue
            numbers[i], regions[i], types[i] = f"00{found[0]}{found[1]}", found[2], names[found[4]]
        return slow

    def _row(self, b: VerdictBatch, i: int, fields: list[str | None], line: int,
             errors: dict[int, list[CampaignProblem]]) -> bool:
        """Fill the row's values; False when the reader's own rules already refuse it."""
        p, o = self._plan, self._o
        missing = [p.names[at] for at in (p.phone, p.text, *p.placeholders) if at is not None and fields[at] is None]
        if missing:
            errors[i] = [problem(code=202, field=name, message=f"no value for {name!r}",
                                 location=f"line {line}, column {name!r}") for name in missing]
            return False
        if p.template is not None:
            empty = [name for at, name in p.placeholders.items() if not fields[at]]
            if empty and not o["allow_empty"]:
                errors[i] = [problem(code=304, field=name, message=f"the placeholder {{{name}}} has an empty value",
                                     location=f"line {line}, column {name!r}") for name in empty]
                return False
            b.texts[i] = "".join([piece if type(piece) is str else fields[piece] or ""  # type: ignore[index]
                                  for piece in p.template])
        else:
            b.texts[i] = fields[p.text]  # type: ignore[index]
        b.senders[i] = o["sender"] if p.sender_column is None else (fields[p.sender_column] or o["sender"])
        b.references[i] = None if p.reference is None else (fields[p.reference] or None)
        region = o["region"] if p.region is None else (fields[p.region] or "").strip().upper() or o["region"]
        if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
            name = p.names[p.region] if p.region is not None else "region"
            errors[i] = [problem(code=303, field=name, message=f"region {region!r} is not one phonenumbers knows "
                                 "(an ISO 3166 code such as 'NL')", location=f"line {line}, column {name!r}")]
            return False
        b.regions[i] = region  # the reading region until the number says its own
        b.numbers[i] = fields[p.phone]
        return True

    def _sender_ok(self, sender: str | None) -> bool:
        """Whether ``validate()`` takes ``sender`` with the campaign's channels (asked once a
        sender, on a message that is otherwise known good)."""
        ok = self._senders.get(sender)
        if ok is None:
            probe = self._message(sender, _PROBE_NUMBER, "x", None)
            try:
                validate(Request(product_token=_PROBE_TOKEN, messages=(probe,)), now=self._o["now"])
                ok = True
            except PayloadError:
                ok = False
            if len(self._senders) < 4096:
                self._senders[sender] = ok
        return ok

    def _validate(self, b: VerdictBatch, rows: list[int], errors: dict[int, list[CampaignProblem]]) -> None:
        """``validate()`` on the rows the screen did not prove, grouped by reading region."""
        by_region: dict[str | None, list[int]] = {}
        for i in rows:
            by_region.setdefault(b.regions[i], []).append(i)
        for region, group in by_region.items():
            for start in range(0, len(group), _CHUNK):
                part = group[start:start + _CHUNK]
                self._validate_chunk(b, part, region, errors)

    def _validate_chunk(self, b: VerdictBatch, rows: list[int], region: str | None,
                        errors: dict[int, list[CampaignProblem]]) -> None:
        msgs = [self._message(b.senders[i], (b.numbers[i] or ""), b.texts[i] or "", b.references[i]) for i in rows]
        try:
            checked = validate(Request(product_token=_PROBE_TOKEN, messages=msgs), default_region=region,
                               now=self._o["now"]).messages
            failed: dict[int, list[PayloadError]] = {}
        except PayloadError as exc:
            failed = {}
            for e in exc.errors:
                m = _LOCATION.match(e.location)
                if m:
                    failed.setdefault(int(m.group(1)), []).append(e)
            checked = ()
            if not failed:  # no row named: every row carries the request's problems
                failed = {k: list(exc.errors) for k in range(len(rows))}
        if failed:  # validate() returns nothing for a failed request: the good rows again
            good = [k for k in range(len(rows)) if k not in failed]
            if good:
                self._validate_chunk(b, [rows[k] for k in good], region, errors)
            for k, found in failed.items():
                i = rows[k]
                raw = b.numbers[i] or ""
                errors[i] = [self._problem(e, b.lines[i]) for e in found]
                number, b.regions[i], kind, _, _ = _phone.verdict(raw.strip(), region)
                b.numbers[i], b.types[i] = number, kind if number is not None else None
            return
        for i, msg in zip(rows, checked):
            raw = b.numbers[i] or ""
            _, b.regions[i], b.types[i], _, _ = _phone.verdict(raw.strip(), region)
            b.numbers[i] = msg.recipients[0]

    def _problem(self, error: PayloadError, line: int) -> CampaignProblem:
        m = _LOCATION.match(error.location)
        key = m.group(2) if m and m.group(2) else ""
        column = self._o["fields"].get(key, key)
        where = f"line {line}, column {column!r}" if key in self._o["fields"] else f"line {line}"
        return problem(code=error.code, field=column, message=error.message, location=where)

    def _finish(self, b: VerdictBatch, errors: dict[int, list[CampaignProblem]]) -> None:
        cost, channel = self._o["cost"], self._o["channel"]
        status, numbers = b.status, b.numbers
        # invalid rows marked, then the numbers of the valid ones seen before (duplicate_message's words)
        b.problems = _rows.finish_problems(errors, self._dups, status, numbers, b.lines, self._o["fields"]["to"],
                                           _PROBLEM_MAKER)
        if cost is not None:
            for i in range(len(status)):
                if status[i] != _INVALID:
                    b.costs[i] = cost(numbers[i], channel, b.parts[i])
        self._tally.add(b, cost is not None)


def scan_campaign(
    source: Iterable[Any],
    /,
    *,
    format: str = "auto",
    encoding: str = "utf-8",
    delimiter: str | None = None,
    columns: Mapping[str, str] | None = None,
    template: str | None = None,
    sender: str | None = None,
    default_region: str | None = None,
    channels: Sequence[Channel | str] = (),
    max_parts: int | None = None,
    allow_empty: bool = False,
    now: datetime | None = None,
    cost: Callable[[str, str, int], object] | None = None,
    batch_size: int = 1000,
) -> Campaign:
    """Read the header of ``source`` (an iterable of lines, ``str`` or ``bytes``, or with
    ``format="rows"`` of rows) and return the ``Campaign`` that judges its records. A file
    opened in binary mode (it has ``read`` and ``readline``) with the UTF-8 default is read
    by the compiled row kernel, with the same verdicts as its lines would get.

    ``format``: ``"auto"`` (JSON Lines when the first line is an object, else CSV), ``"csv"``,
    ``"jsonl"``, ``"rows"``. ``encoding`` decodes ``bytes`` lines strictly. ``columns`` maps a
    role (phone, text, sender, reference, region) to a header name; otherwise the header's
    names are recognised. ``template`` fills ``{column}`` placeholders per row (an empty value
    is a row error unless ``allow_empty``); ``sender`` is the sender of rows without one;
    ``default_region`` reads national numbers of rows without a region; ``channels`` and
    ``max_parts`` go on every message. ``cost(number, channel, parts)`` prices each valid row.

    Raises ``PayloadError`` for a file-level problem (no header, a required column missing,
    a bad template), ``ValueError``/``TypeError`` for bad options.
    """
    region = _phone.region_argument(default_region)
    if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"default_region {region!r} is not a region phonenumbers knows")
    if max_parts is not None and (type(max_parts) is not int or not 1 <= max_parts <= MAX_PARTS):
        raise ValueError(f"max_parts must be from 1 to {MAX_PARTS}, not {max_parts!r}")
    if type(batch_size) is not int or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, not {batch_size!r}")
    bound = Template(template) if template is not None else None
    wanted = tuple(channels) if not isinstance(channels, str) else (channels,)
    size = _bytes_left(source)
    src = open_source(source, format=format, encoding=encoding, delimiter=delimiter)
    plan = _plan(src.header, columns, bound, sender, wanted)
    known = [c if isinstance(c, Channel) else next((k for k in Channel if k.value.casefold() == c.casefold()), None)
             for c in wanted]
    names = src.header
    fields = {"to": names[plan.phone], "body": names[plan.text] if plan.text is not None else "template",
              "from": names[plan.sender_column] if plan.sender_column is not None else "sender"}
    if plan.reference is not None:
        fields["reference"] = names[plan.reference]
    options = {"sender": sender, "region": region, "channels": wanted, "max_parts": max_parts,
               "allow_empty": allow_empty, "now": now, "cost": cost, "batch_size": batch_size, "size": size,
               "plain_channels": all(k is Channel.SMS for k in known), "fields": fields,
               "channel": str(known[0] or wanted[0]) if wanted else "SMS"}
    return Campaign(src, plan, options)


def _bytes_left(source: object) -> int | None:
    """The bytes left in ``source`` where it is a regular file opened in binary mode (or
    something with its ``fileno`` and ``tell``), else None."""
    try:
        fd, at = source.fileno(), source.tell()  # type: ignore[attr-defined]
        found = os.fstat(fd)
    except (AttributeError, OSError, ValueError, TypeError):
        return None
    if type(fd) is not int or type(at) is not int or not stat.S_ISREG(found.st_mode):
        return None
    return max(found.st_size - at, 0)


def _plan(header: tuple[str, ...], columns: Mapping[str, str] | None, template: Template | None,
          sender: str | None, channels: tuple[Channel | str, ...]) -> _Plan:
    roles = resolve_columns(header, columns)
    if "phone" not in roles:
        raise PayloadError(f"no phone number column: name one phone, number, mobile, msisdn, to or recipient, or "
                           f"map one; the header has {', '.join(map(repr, header))}", code=302, location="header")
    bound, placeholders = template.bind(header) if template is not None else (None, {})
    if bound is None and "text" not in roles:
        raise PayloadError("no text column (text, body or message) and no template", code=304, location="header")
    push_only = bool(channels) and all(str(c).casefold() in ("push", "mobilepush") for c in channels)
    if sender is None and "sender" not in roles and not push_only:
        raise PayloadError("no sender: give a sender column (sender, from) or a sender for every row",
                           code=301, location="header")
    return _Plan(phone=roles["phone"], text=None if bound is not None else roles["text"], template=bound,
                 placeholders=placeholders, sender_column=roles.get("sender"), reference=roles.get("reference"),
                 region=roles.get("region"), names=header, pieces=bound if bound is not None else (roles["text"],),
                 need=tuple(placeholders))


def build_bodies(messages: Iterable[Message], /, *, product_token: ProductToken | str,
                 size: int = _CHUNK) -> Iterator[bytes]:
    """JSON request bodies (``build_json``) of at most ``size`` (≤ 1000) messages each, as
    ``messages`` comes; nothing when there are none. Raises ``PayloadError`` as ``build_json``."""
    from cmcore._json import build_json  # here: a scan alone never writes JSON

    if type(size) is not int or not 1 <= size <= _CHUNK:
        raise ValueError(f"size must be from 1 to {_CHUNK}, not {size!r}")
    token = product_token if isinstance(product_token, ProductToken) else ProductToken(product_token)
    pending: list[Message] = []
    for msg in messages:
        pending.append(msg)
        if len(pending) == size:
            yield build_json(Request(product_token=token, messages=pending))
            pending = []
    if pending:
        yield build_json(Request(product_token=token, messages=pending))

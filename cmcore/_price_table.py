"""Price tables: a small CSV format, read into a frozen table that answers "what does one
message to this number on this channel cost on this day".

The format (UTF-8 CSV with a header row; read with the ``csv`` module, so quoting is CSV's)::

    destination,channel,price,currency,per,effective,country
    NL,SMS,0.0725,EUR,,,
    +31612,SMS,0.0500,EUR,,,
    206/10,SMS,0.0950,EUR,,,BE
    NL,WhatsApp,0.0450,EUR,message,,
    DE,SMS,0.0950,EUR,,2025-01-01,

- ``destination``: an ISO 3166 country (``NL``; either case), an MCC/MNC (``204/08``: three
  digits, a slash, two or three digits, as the network's own code has them) or a number
  prefix (``+3161``: ``+``, then up to 15 digits of the international number).
- ``channel``: a ``cmcore.Channel`` name, read ignoring case as the gateway reads them.
- ``price``: a plain decimal (``0.0725``: digits with an optional point, at most 12 digits on
  each side; no sign, exponent or thousands separator), read as ``decimal.Decimal``.
- ``currency``: ISO 4217, three capitals (``EUR``).
- ``per`` (optional): ``part`` (the default: the price of one SMS part) or ``message``.
- ``effective`` (optional): an ISO date (``2025-01-01``); the row applies from that day. Of
  the rows of one destination and channel, the latest in effect on the day asked wins; a
  row without a date is in effect from the beginning.
- ``country`` (optional column): the country an MCC/MNC row's network is in, required on
  those rows and empty on the others. It is what lets a number whose network is not known
  be given the range of its country's network prices: a number does not tell its network
  (numbers are ported between networks), and MCCs do not map one-to-one onto countries.

Header names ignore case and surrounding spaces (and a byte order mark); an unknown or
repeated column is an error; cells are stripped; blank rows are skipped. Two rows with the
same destination, channel and effective date are an error. ``load_prices`` reads every row
and raises one ``PriceError`` carrying every problem in ``.errors`` (each with the line, the
column, the value and the rule); header problems are raised before any row is read.

Matching (``find``): the longest number prefix in effect wins; else the recipient's network
(MCC/MNC) where it is known and priced; else the country. Where the network is not known and
the country has network rows, the answer carries them all as alternatives (a range).

Providers' exports map onto it as follows (``network_price_lines`` converts rows of either):

- Twilio (Pricing API ``Messaging/Countries/{iso}``, and its CSV download): ``iso_country`` →
  ``country``; each ``outbound_sms_prices`` item's ``mcc``/``mnc`` → ``destination``
  ``mcc/mnc``; ``current_price`` (the account's price; ``base_price`` is the list price) →
  ``price``; ``price_unit`` (lower case, ``usd``) → ``currency`` in capitals. ``number_type``
  (``local``, ``mobile``, ``shortcode``, ``tollfree``) is the type of the *sending* Twilio
  number, not the recipient's: keep the rows of one type. ``carrier`` is informative.
- Vonage (Pricing API ``/account/get-pricing/outbound/sms``, and the price list download):
  ``countryCode`` → ``country``; the country's ``defaultPrice`` → a country row; each of
  ``networks`` (``mcc``, ``mnc``, ``price``, ``currency``; ``networkCode`` is mcc + mnc) → an
  MCC/MNC row. Vonage prices are per SMS part: ``per`` stays ``part``.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import phonenumbers

from cmcore._errors import PayloadError, PriceError, shown
from cmcore._models import Channel

__all__ = ["DestinationKind", "PricePer", "PriceRow", "PriceTable", "load_prices", "network_price_lines"]

COLUMNS = ("destination", "channel", "price", "currency", "per", "effective", "country")
REQUIRED = ("destination", "channel", "price", "currency")
_PRICE = re.compile(r"(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})", re.ASCII)
_NETWORK = re.compile(r"([0-9]{3})/([0-9]{2,3})", re.ASCII)
_PREFIX = re.compile(r"\+([1-9][0-9]{0,14})", re.ASCII)
_DIGITS = re.compile(r"[0-9]{5,6}", re.ASCII)
_COUNTRY = re.compile(r"[A-Za-z]{2}", re.ASCII)
_CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_CHANNELS = {c.value.casefold(): c for c in Channel}


class DestinationKind(str, enum.Enum):
    """What a row's destination names, in the order matching prefers them."""

    PREFIX = "prefix"
    NETWORK = "network"
    COUNTRY = "country"

    def __str__(self) -> str:
        return self.value


class PricePer(str, enum.Enum):
    """What a price is for: one SMS part, or one message whatever its length."""

    PART = "part"
    MESSAGE = "message"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceRow:
    """One row of a price table. ``destination`` is as matched: ``NL``, ``204/08``, ``+3161``;
    ``country`` is the row's country (a network row's ``country`` cell; a country row's own
    destination; None for a prefix). ``line`` is where the row starts in its CSV."""

    destination: str
    kind: DestinationKind
    channel: Channel
    price: Decimal
    currency: str
    per: PricePer = PricePer.PART
    effective: date | None = None
    country: str | None = None
    line: int = 0

    def cost(self, parts: int) -> Decimal:
        """The exact cost of one message of ``parts`` SMS parts at this row's price."""
        return self.price * parts if self.per is PricePer.PART else self.price


class Found(NamedTuple):
    """What ``find`` answers: the row that prices a message (None: no price), and, where the
    network is not known, every row the message may be priced at (else empty)."""

    row: PriceRow | None
    alternatives: tuple[PriceRow, ...]


@dataclass(frozen=True, slots=True)
class PriceTable:
    """A price table, as ``load_prices`` reads it: ``rows`` in their order in the file."""

    rows: tuple[PriceRow, ...]
    _dated: dict[tuple[str, Channel], tuple[PriceRow, ...]] = field(init=False, repr=False, compare=False)
    _networks: dict[tuple[str, Channel], tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _longest: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        dated: dict[tuple[str, Channel], list[PriceRow]] = {}
        networks: dict[tuple[str, Channel], list[str]] = {}
        for row in self.rows:
            dated.setdefault((row.destination, row.channel), []).append(row)
            if row.kind is DestinationKind.NETWORK and row.country is not None:
                names = networks.setdefault((row.country, row.channel), [])
                if row.destination not in names:
                    names.append(row.destination)
        first = date.min
        object.__setattr__(self, "_dated", {k: tuple(sorted(v, key=lambda r: r.effective or first))
                                            for k, v in dated.items()})
        object.__setattr__(self, "_networks", {k: tuple(v) for k, v in networks.items()})
        object.__setattr__(self, "_longest", max((len(r.destination) - 1 for r in self.rows
                                                  if r.kind is DestinationKind.PREFIX), default=0))

    def __len__(self) -> int:
        return len(self.rows)

    def current(self, destination: str, channel: Channel, on: date) -> PriceRow | None:
        """The row of ``destination`` and ``channel`` in effect on ``on`` (the latest
        effective on or before it), or None."""
        found = None
        for row in self._dated.get((destination, channel), ()):
            if row.effective is not None and row.effective > on:
                break
            found = row
        return found


def find(table: PriceTable, number: str, region: str | None, channel: Channel, on: date,
         network: str | None = None) -> Found:
    """How ``number`` (gateway form, ``00…``) of ``region`` is priced on ``channel`` on ``on``:
    the longest prefix, else the known ``network`` (``204/08``), else the country, with the
    country's network rows as alternatives where the network is not known."""
    digits = number[2:] if number.startswith("00") else number.lstrip("+")
    for size in range(min(table._longest, len(digits)), 0, -1):
        row = table.current("+" + digits[:size], channel, on)
        if row is not None:
            return Found(row, ())
    if network is not None:
        row = table.current(network, channel, on)
        if row is not None:
            return Found(row, ())
    country = None if region is None else table.current(region, channel, on)
    if network is not None or region is None:
        return Found(country, ())
    nets = [table.current(n, channel, on) for n in table._networks.get((region, channel), ())]
    found = tuple(r for r in nets if r is not None)
    return Found(country, found + ((country,) if country is not None and found else ()))


def normalize_network(text: str) -> str:
    """A network's MCC/MNC as tables write it (``204/08``) from ``204/08`` or ``20408``.
    Raises ``ValueError`` for anything else."""
    if _NETWORK.fullmatch(text):
        return text
    if _DIGITS.fullmatch(text):
        return f"{text[:3]}/{text[3:]}"
    raise ValueError(f"{shown(text, 40)} is not an MCC/MNC: three digits, then two or three (204/08 or 20408)")


# -- reading ---------------------------------------------------------------------------------


class _Problems(list[PriceError]):
    def add(self, line: int, column: str, value: str, rule: str) -> None:
        where = f"line {line}, column {column!r}" if column else f"line {line}"
        text = f"{shown(value, 60)}: {rule}" if value else rule
        self.append(PriceError(text, location=where, line=line, column=column, value=value, rule=rule))

    def raise_any(self) -> None:
        if self:
            first = self[0]
            raise PriceError(first.message, location=first.location, errors=list[PayloadError](self),
                             line=first.line, column=first.column, value=first.value, rule=first.rule)


def _rows(lines: Iterable[str], problems: _Problems) -> Iterator[tuple[int, list[str]]]:
    """(line the row starts on, cells) of each non-blank row; CSV errors become problems."""
    reader = csv.reader(lines, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(start, "", "", f"not readable as CSV: {exc}")
            continue
        if any(c.strip() for c in cells):
            yield start, [c.strip() for c in cells]


def _header(cells: list[str] | None, problems: _Problems) -> tuple[str, ...]:
    if cells is None:
        problems.add(1, "", "", "no header: a price table starts with a row naming its columns, "
                     f"at least {', '.join(REQUIRED)}")
        return ()
    names = tuple(c.lstrip("\ufeff").strip().casefold() for c in cells)
    for i, name in enumerate(names):
        if name not in COLUMNS:
            problems.add(1, cells[i], cells[i], f"unknown column; the columns are {', '.join(COLUMNS)}")
        elif name in names[:i]:
            problems.add(1, cells[i], cells[i], "column given twice")
    for name in REQUIRED:
        if name not in names:
            problems.add(1, name, "", "required column missing")
    return names


def _destination(text: str) -> tuple[DestinationKind, str] | str:
    """(kind, destination as matched), or the rule ``text`` breaks."""
    if _COUNTRY.fullmatch(text):
        if text.upper() not in phonenumbers.SUPPORTED_REGIONS:
            return "not a country phonenumbers knows: no number would match it"
        return DestinationKind.COUNTRY, text.upper()
    if _NETWORK.fullmatch(text):
        return DestinationKind.NETWORK, text
    if _PREFIX.fullmatch(text):
        return DestinationKind.PREFIX, text
    return "expected an ISO 3166 country (NL), an MCC/MNC (204/08) or a number prefix (+3161)"


def _price(text: str) -> Decimal | str:
    if _PRICE.fullmatch(text):
        return Decimal(text)
    if text.startswith("-") and _PRICE.fullmatch(text[1:]):
        return "a price may not be negative"
    return ("expected a plain decimal such as 0.0725: digits and an optional point, at most 12 "
            "digits each side; no sign, exponent, thousands separator, NaN or infinity")


def _effective(text: str) -> date | None | str:
    if not text:
        return None
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            return f"not a date: {exc}"
    return "expected an ISO date such as 2025-01-01"


def _row(line: int, values: dict[str, str], problems: _Problems) -> PriceRow | None:
    """The row of ``values``, or None after adding what is wrong with it to ``problems``."""
    before = len(problems)
    dest = _destination(values["destination"])
    channel = _CHANNELS.get(values["channel"].casefold())
    price, effective = _price(values["price"]), _effective(values.get("effective", ""))
    currency, per = values["currency"], values.get("per", "").casefold() or "part"
    country = values.get("country", "").upper()
    checks = ((isinstance(dest, str), "destination", dest), (isinstance(price, str), "price", price),
              (isinstance(effective, str), "effective", effective))
    for failed, column, rule in checks:
        if failed:
            problems.add(line, column, values[column], str(rule))
    if channel is None:
        problems.add(line, "channel", values["channel"], f"not a channel; the channels are {', '.join(Channel)}")
    if not _CURRENCY.fullmatch(currency):
        problems.add(line, "currency", currency, "expected an ISO 4217 currency in three capitals, such as EUR")
    if per not in ("part", "message"):
        problems.add(line, "per", values.get("per", ""), "expected part (the default) or message")
    _country_cell(line, dest, country, values.get("country", ""), problems)
    if len(problems) > before or isinstance(dest, str):
        return None
    assert channel is not None and isinstance(price, Decimal) and not isinstance(effective, str)
    kind, destination = dest
    where = country or (destination if kind is DestinationKind.COUNTRY else None)
    return PriceRow(destination=destination, kind=kind, channel=channel, price=price, currency=currency,
                    per=PricePer(per), effective=effective, country=where, line=line)


def _country_cell(line: int, dest: tuple[DestinationKind, str] | str, country: str, text: str,
                  problems: _Problems) -> None:
    network = not isinstance(dest, str) and dest[0] is DestinationKind.NETWORK
    if network and not country:
        problems.add(line, "country", "", "an MCC/MNC row names the country its network is in (NL)")
    elif network and (not _COUNTRY.fullmatch(country) or country not in phonenumbers.SUPPORTED_REGIONS):
        problems.add(line, "country", text, "expected an ISO 3166 country that phonenumbers knows (NL)")
    elif country and not network and not isinstance(dest, str):
        problems.add(line, "country", text, "only an MCC/MNC row names a country: leave it empty here")


def load_prices(lines: Iterable[str], /) -> PriceTable:
    """Read a price table (the format in this module's docstring) from ``lines``, as an
    ``open(path, newline="")`` gives them.

    Returns the ``PriceTable``. Raises ``PriceError`` carrying every problem in ``.errors``
    (each with ``.line``, ``.column``, ``.value`` and ``.rule``), and ``TypeError`` for a
    ``str`` or ``bytes`` (pass ``text.splitlines(keepends=True)``).
    """
    if isinstance(lines, (str, bytes, bytearray)):
        raise TypeError("load_prices() argument 'lines' must be an iterable of lines, not a single "
                        f"{type(lines).__name__}: pass an open file or text.splitlines(keepends=True)")
    problems = _Problems()
    rows = _rows(lines, problems)
    first = next(rows, None)
    names = _header(None if first is None else first[1], problems)
    problems.raise_any()
    table: list[PriceRow] = []
    seen: dict[tuple[str, Channel, date | None], int] = {}
    for line, cells in rows:
        if len(cells) != len(names):
            problems.add(line, "", "", f"{len(cells)} cells; the header names {len(names)} columns")
            continue
        row = _row(line, dict(zip(names, cells)), problems)
        if row is None:
            continue
        key = (row.destination, row.channel, row.effective)
        if key in seen:
            problems.add(line, "destination", row.destination, f"duplicate of line {seen[key]}: the same "
                         "destination, channel and effective date")
            continue
        seen[key] = line
        table.append(row)
    problems.raise_any()
    return PriceTable(tuple(table))


# -- providers' exports ----------------------------------------------------------------------

_KEYS = {"iso": "country", "isocountry": "country", "isocode": "country", "countrycode": "country",
         "countryiso": "country", "mcc": "mcc", "mnc": "mnc", "price": "price", "currentprice": "price",
         "currency": "currency", "priceunit": "currency", "numbertype": "number_type"}
_FOLD = re.compile(r"[\s_\-/]+")


def _provider_row(row: Mapping[Any, object]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in row.items():
        name = _KEYS.get(_FOLD.sub("", key.casefold())) if isinstance(key, str) else None
        if name is not None and isinstance(value, str) and value.strip() and name not in found:
            found[name] = value.strip()
    return found


def network_price_lines(rows: Iterable[Mapping[Any, object]], /, *, currency: str | None = None,
                        channel: Channel | str = Channel.SMS, number_type: str | None = None) -> Iterator[str]:
    """Lines of a price table (header first) from a provider's rows of country, MCC, MNC and
    price, such as ``csv.DictReader`` gives of a Twilio or Vonage export.

    Keys ignore case, spaces, ``_`` and ``-``: the country is ``iso``, ``iso_country``,
    ``countryCode``; ``mcc`` and ``mnc``; the price ``current_price`` or ``price``; the
    currency ``price_unit`` or ``currency`` (put in capitals), else ``currency=``. Other keys
    are ignored. A row with an MCC and MNC becomes an MCC/MNC row, one without a country
    row. ``number_type`` keeps only the rows of that (Twilio) number type. Every row is
    written as given: ``load_prices`` judges it, and its line numbers count the lines
    yielded here. Returns an iterator of CSV lines.
    """
    yield _line(("destination", "channel", "price", "currency", "country"))
    for row in rows:
        cells = _provider_row(row)
        if number_type is not None and cells.get("number_type", number_type).casefold() != number_type.casefold():
            continue
        mcc, mnc, country = cells.get("mcc"), cells.get("mnc"), cells.get("country", "")
        dest = f"{mcc}/{mnc}" if mcc and mnc else country
        yield _line((dest, str(channel), cells.get("price", ""), cells.get("currency", currency or "").upper(),
                     country if mcc and mnc else ""))


def _line(cells: tuple[str, ...]) -> str:
    """``cells`` as one CSV line."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()

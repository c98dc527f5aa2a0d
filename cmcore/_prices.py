"""Cost estimates of a request (or of judged lines) against a price table; money helpers.

Rules kept here:

- A recipient's cost is parts × price on a ``per=part`` row (SMS), the price itself on a
  ``per=message`` row. A message is priced on the first of its ``allowed_channels`` (the
  fallback order: the channel the gateway tries first), on SMS when none is listed. Its
  parts are counted as the gateway counts them: detected GSM-7/UCS-2 for ``body_type``
  auto, UCS-2 for ``dcs=8`` without it (the message's body as ``validate()`` returns it).
- Matching is the table's (``_price_table``): the longest prefix, else the known network,
  else the country. A number does not tell its network (numbers are ported between
  networks), so where the country has network (MCC/MNC) rows and the network is not known,
  the line gets the range of those prices and the country's: ``low``..``high``. Its ``cost``
  is then the country row's price, or, where the country has none, the highest of the range
  (an estimate that errs on the side of spending).
- A recipient without a price is never costed at zero: its line has ``cost=None`` and a
  ``reason``, it is listed in ``unpriced`` and counted in no total.
- Money is ``Decimal`` throughout and exact (a rounding would raise); ``round_money()``
  rounds for showing only (half up, to the currency's minor unit).

Reconciling an estimate with receipts is ``_reconcile``'s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, Overflow, localcontext

import phonenumbers

from cmcore._frozen import FrozenMap
from cmcore._models import Channel, Message, Request
from cmcore._phone import phone_info, region_argument
from cmcore._price_table import PricePer, PriceTable, find, normalize_network
from cmcore._sms import MAX_PARTS, Encoding, analyze
from cmcore._validate import validate

__all__ = ["CostInput", "Estimate", "EstimateLine", "estimate", "round_money"]

_CHANNELS = {c.value.casefold(): c for c in Channel}
Money = Mapping[str, Decimal]
#: Decimal arithmetic on prices: exact (a rounding would raise), far beyond any real sum.
EXACT = Context(prec=60, traps=[Inexact, InvalidOperation, Overflow])
_ROUNDING = Context(prec=60, rounding=ROUND_HALF_UP, traps=[InvalidOperation, Overflow])
#: ISO 4217 currencies whose minor unit is not the cent; every other has two decimals.
MINOR_UNITS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                     "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


def minor_units(currency: str) -> int:
    """How many decimals the minor unit of ``currency`` has (2, the cent, unless listed)."""
    return MINOR_UNITS.get(currency, 2)


def round_money(amount: Decimal, currency: str, /) -> Decimal:
    """``amount`` rounded (half up) to the minor unit of ``currency``: cents for EUR and USD,
    whole yen for JPY, three decimals for KWD. For showing money only: estimates keep exact
    values. Raises ``TypeError`` for an amount that is not a ``Decimal``."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"round_money() argument 'amount' must be a Decimal, not {type(amount).__name__}")
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), context=_ROUNDING)


@dataclass(frozen=True, slots=True, kw_only=True)
class CostInput:
    """One recipient of one message, already judged: its number (any form ``phone_info``
    reads), the channel it goes on (a ``Channel`` or its name in any case), its SMS parts and,
    where known, its network (``204/08`` or ``20408``). Raises ``ValueError`` for an unknown
    channel, parts outside 1..255 or a malformed network; ``TypeError`` for a wrong type."""

    number: str
    channel: Channel = Channel.SMS
    parts: int = 1
    network: str | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        for name, kind in (("number", str), ("reference", (str, type(None))), ("network", (str, type(None)))):
            if not isinstance(getattr(self, name), kind):
                raise TypeError(f"CostInput.{name} must be str, not {type(getattr(self, name)).__name__}")
        if type(self.parts) is not int:
            raise TypeError(f"CostInput.parts must be int, not {type(self.parts).__name__}")
        if not 1 <= self.parts <= MAX_PARTS:
            raise ValueError(f"CostInput.parts must be a whole number from 1 to {MAX_PARTS}, not {self.parts!r}")
        channel = self.channel
        if not isinstance(channel, (Channel, str)):
            raise TypeError(f"CostInput.channel must be a Channel or str, not {type(channel).__name__}")
        if not isinstance(channel, Channel):
            found = _CHANNELS.get(channel.casefold())
            if found is None:
                raise ValueError(f"CostInput.channel: {channel!r} is not a channel; the channels are "
                                 f"{', '.join(Channel)}")
            object.__setattr__(self, "channel", found)
        if self.network is not None:
            object.__setattr__(self, "network", normalize_network(self.network))


@dataclass(frozen=True, slots=True, kw_only=True)
class EstimateLine:
    """The estimate for one recipient. ``location`` is ``msg[0].to[1]`` (a request) or
    ``inputs[3]`` (cost inputs); ``number`` is in the gateway's form where it is valid;
    ``destination`` is the row that priced it (``+3161``, ``204/08``, ``NL``). ``cost`` is
    exact; ``low``/``high`` differ where the network is not known (see ``note``). An
    unpriced line has ``cost`` None and says why in ``reason``."""

    location: str
    number: str
    region: str | None
    channel: Channel
    parts: int
    reference: str | None = None
    network: str | None = None
    destination: str | None = None
    unit_price: Decimal | None = None
    per: PricePer | None = None
    currency: str | None = None
    cost: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    note: str | None = None
    reason: str | None = None

    @property
    def priced(self) -> bool:
        return self.cost is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Estimate:
    """What ``estimate()`` answers. ``totals``, ``low`` and ``high`` map a currency to its
    exact sum over the priced lines (``low``/``high`` the ends of the range); ``by_region``
    and ``by_channel`` map a region or channel to such totals. ``on`` is the day priced."""

    lines: tuple[EstimateLine, ...]
    totals: Money
    low: Money
    high: Money
    by_region: Mapping[str, Money]
    by_channel: Mapping[Channel, Money]
    on: date
    prices: PriceTable = field(repr=False, compare=False)

    @property
    def unpriced(self) -> tuple[EstimateLine, ...]:
        """The lines without a price, in order."""
        return tuple(line for line in self.lines if line.cost is None)

    @property
    def ranged(self) -> tuple[EstimateLine, ...]:
        """The lines whose cost is a range (their network is not known)."""
        return tuple(line for line in self.lines if line.low != line.high)

    def rounded(self) -> dict[str, Decimal]:
        """``totals`` rounded to each currency's minor unit, for showing."""
        return {currency: round_money(amount, currency) for currency, amount in self.totals.items()}


class _Item:
    """One recipient to price, as the inputs give it."""

    __slots__ = ("location", "number", "region", "channel", "parts", "network", "reference", "problem")

    def __init__(self, location: str, number: str, channel: Channel, parts: int, network: str | None,
                 reference: str | None, region: str | None) -> None:
        info = phone_info(number, default_region=region) if channel.takes_phone_numbers else None
        self.location, self.channel, self.parts = location, channel, parts
        self.network, self.reference = network, reference
        self.number = number if info is None or info.number is None else info.number
        self.region = None if info is None else info.region
        self.problem = (f"{channel} takes channel ids, not phone numbers: no destination to price"
                        if info is None else None if info.valid else f"not a valid phone number: {info.problem}")


def _parts(msg: Message) -> int:
    """The SMS parts of ``msg``'s body, counted as the gateway counts them."""
    forced = Encoding.UCS2 if msg.dcs == 8 and msg.body_type is None else None
    return analyze(msg.body, encoding=forced).parts


def _from_request(request: Request, region: str | None) -> Iterable[_Item]:
    for i, msg in enumerate(validate(request, default_region=region).messages):
        first = msg.allowed_channels[0] if msg.allowed_channels else Channel.SMS
        channel = first if isinstance(first, Channel) else Channel.SMS  # validate() lets no custom one through
        parts = _parts(msg)
        for j, to in enumerate(msg.recipients):
            yield _Item(f"msg[{i}].to[{j}]", to, channel, parts, None, msg.reference, region)


def _from_inputs(inputs: Iterable[CostInput], region: str | None) -> Iterable[_Item]:
    for i, item in enumerate(inputs):
        if not isinstance(item, CostInput):
            raise TypeError(f"estimate(): inputs[{i}] must be a CostInput, not {type(item).__name__}")
        yield _Item(f"inputs[{i}]", item.number, item.channel, item.parts, item.network, item.reference, region)


def _priced(table: PriceTable, item: _Item, day: date) -> EstimateLine:
    base = EstimateLine(location=item.location, number=item.number, region=item.region, channel=item.channel,
                        parts=item.parts, reference=item.reference, network=item.network)
    if item.problem is not None:
        return _replace(base, reason=item.problem)
    found = find(table, item.number, item.region, item.channel, day, item.network)
    row = found.row or max(found.alternatives, key=lambda r: r.cost(item.parts), default=None)
    if row is None:
        known = f" or network {item.network}" if item.network else ""
        return _replace(base, reason=f"no {item.channel} price for {item.region}{known} in effect on {day}")
    costs = [r.cost(item.parts) for r in found.alternatives if r.currency == row.currency] or [row.cost(item.parts)]
    note = None
    if found.alternatives:
        basis = "the country's price" if found.row is not None else "the highest of them"
        note = (f"network not known (a number does not tell it): {len(found.alternatives)} prices in "
                f"{item.region} from {min(costs)} to {max(costs)} {row.currency}; priced at {basis}")
    return _replace(base, destination=row.destination, unit_price=row.price, per=row.per, currency=row.currency,
                    cost=row.cost(item.parts), low=min(costs), high=max(costs), note=note)


_replace = dataclasses.replace


def _add(totals: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    totals[currency] = totals.get(currency, Decimal(0)) + amount


def _summed(lines: tuple[EstimateLine, ...], table: PriceTable, day: date) -> Estimate:
    totals: dict[str, Decimal] = {}
    low: dict[str, Decimal] = {}
    high: dict[str, Decimal] = {}
    regions: dict[str, dict[str, Decimal]] = {}
    channels: dict[Channel, dict[str, Decimal]] = {}
    for line in lines:
        if line.cost is None or line.currency is None or line.low is None or line.high is None:
            continue
        for bucket, amount in ((totals, line.cost), (low, line.low), (high, line.high),
                               (regions.setdefault(line.region or "ZZ", {}), line.cost),
                               (channels.setdefault(line.channel, {}), line.cost)):
            _add(bucket, line.currency, amount)
    return Estimate(lines=lines, totals=FrozenMap(totals), low=FrozenMap(low), high=FrozenMap(high),
                    by_region=FrozenMap({k: FrozenMap(v) for k, v in regions.items()}),
                    by_channel=FrozenMap({k: FrozenMap(v) for k, v in channels.items()}), on=day, prices=table)


def _day(on: date | None) -> date:
    if on is None:
        return date.today()  # the one place the clock is read
    if not isinstance(on, date):
        raise TypeError(f"estimate() argument 'on' must be a date, not {type(on).__name__}")
    return on.date() if isinstance(on, datetime) else on


def estimate(request_or_lines: Request | Iterable[CostInput], prices: PriceTable, /, *,
             default_region: str | None = None, on: date | None = None) -> Estimate:
    """Estimate what sending ``request_or_lines`` costs at ``prices`` on the day ``on``
    (today when not given; a ``datetime`` counts as its date).

    A ``Request`` is validated first (``validate(request, default_region=...)``), so numbers
    are read as the gateway reads them; ``CostInput`` lines are read with ``default_region``.
    Returns an ``Estimate`` with one line a recipient, in order. Raises ``PayloadError`` for
    a request ``validate()`` refuses, ``TypeError`` for inputs of the wrong type, and
    ``ValueError`` for a ``default_region`` phonenumbers does not know.
    """
    if not isinstance(prices, PriceTable):
        raise TypeError(f"estimate() argument 'prices' must be a PriceTable, not {type(prices).__name__}")
    day, region = _day(on), region_argument(default_region)
    if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"estimate(): default_region {region!r} is not a region phonenumbers knows "
                         "(an ISO 3166 code in capitals, such as 'NL')")
    if isinstance(request_or_lines, Request):
        items = _from_request(request_or_lines, region)
    elif isinstance(request_or_lines, (str, bytes, Mapping)) or not isinstance(request_or_lines, Iterable):
        raise TypeError("estimate() argument 'request_or_lines' must be a Request or an iterable of CostInput, "
                        f"not {type(request_or_lines).__name__}")
    else:
        items = _from_inputs(request_or_lines, region)
    with localcontext(EXACT):
        return _summed(tuple(_priced(prices, item, day) for item in items), prices, day)

"""Reconciliation: an estimate next to what the gateway reports back, line by line.

Receipts are matched to estimate lines by the line's location (``msg[0].to[1]``), else the
recipient's number (any form phone_info reads), else the message's reference, narrowed by a
status report's reference; a receipt that names no line, or several, is listed as
unmatched, never guessed. An SMPP receipt's TLVs give the network (0x1401) and the tariff
(0x140A, in the minor unit of the account's currency: cents); tariffs of several receipts
of one recipient (SMPP gives one a part) are added up. A status report gives the network
only: its line is priced at that network's row, on the estimate's day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext

from cmcore._frozen import FrozenMap
from cmcore._phone import phone_info
from cmcore._price_table import find
from cmcore._prices import EXACT, Estimate, EstimateLine, Money, _add, minor_units
from cmcore._reports import SmppTlvs, StatusReport

__all__ = ["Receipt", "Reconciliation", "ReconciledLine", "reconcile"]


#: A receipt: a status report (matched by its ``to`` and ``reference``), or a pair of a key
#: (an estimate line's location, the recipient's number in any form, or the message's
#: reference) and what came back.
Receipt = StatusReport | tuple[str, SmppTlvs | StatusReport]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReconciledLine:
    """One estimate line next to what its receipts say. ``tariff`` is the sum of their
    0x140A tariffs (minor units); ``network`` the last network they name (``204/16``);
    ``actual`` the cost they give, in ``currency``: the tariff where there is one
    (``source="tariff"``), else the price of the reported network (``"network price"``)."""

    line: EstimateLine
    receipts: int = 0
    network: str | None = None
    tariff: int | None = None
    actual: Decimal | None = None
    currency: str | None = None
    source: str | None = None

    @property
    def difference(self) -> Decimal | None:
        """``actual`` minus the estimated cost, where both are known in one currency."""
        if self.actual is None or self.line.cost is None or self.currency != self.line.currency:
            return None
        return self.actual - self.line.cost


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciliation:
    """What ``reconcile()`` answers: a line per estimate line, in order; ``estimated``,
    ``actual`` and ``difference`` by currency (``difference`` over the lines known both ways);
    ``unmatched``: (key, why) of each receipt that matched no single line."""

    lines: tuple[ReconciledLine, ...]
    estimated: Money
    actual: Money
    difference: Money
    unmatched: tuple[tuple[str, str], ...]

    @property
    def missing(self) -> tuple[EstimateLine, ...]:
        """The priced lines that no receipt came back for."""
        return tuple(r.line for r in self.lines if r.receipts == 0 and r.line.cost is not None)


def _receipt(item: object, i: int) -> tuple[str | None, str | None, SmppTlvs | StatusReport]:
    """(number or key, reference to match, evidence) of one receipt."""
    if isinstance(item, StatusReport):
        return item.to, item.reference, item
    if (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
            and isinstance(item[1], (SmppTlvs, StatusReport))):
        return item[0], None, item[1]
    raise TypeError(f"reconcile(): receipts[{i}] must be a StatusReport or a (str, SmppTlvs | StatusReport) "
                    f"pair, not {type(item).__name__}")


_Index = tuple[dict[str, list[int]], dict[str, list[int]], dict[str, list[int]]]


def _index(lines: tuple[EstimateLine, ...]) -> _Index:
    """The indexes of the line at each location, and of the lines of each number and reference."""
    locations: dict[str, list[int]] = {}
    numbers: dict[str, list[int]] = {}
    references: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        locations[line.location] = [i]
        numbers.setdefault(line.number, []).append(i)
        if line.reference is not None:
            references.setdefault(line.reference, []).append(i)
    return locations, numbers, references


def _matches(lines: tuple[EstimateLine, ...], index: _Index, key: str | None, reference: str | None) -> list[int]:
    """The indexes of the lines that ``key`` (a location, a number, else a reference) and
    ``reference`` name."""
    found = index[0].get(key, []) if key is not None else []
    if not found:
        info = phone_info(key) if key is not None else None
        if info is not None and info.number is not None:
            found = index[1].get(info.number, [])
        else:
            found = index[2].get(key if key is not None else reference or "", [])
    return [i for i in found if reference is None or lines[i].reference == reference]


def _network(evidence: SmppTlvs | StatusReport) -> str | None:
    if isinstance(evidence, SmppTlvs):
        return f"{evidence.mcc}/{evidence.mnc}" if evidence.mcc and evidence.mnc else None
    code = evidence.operator
    return f"{code[:3]}/{code[3:]}" if code and code.isascii() and code.isdigit() and 5 <= len(code) <= 6 else None


def _actual(rec: ReconciledLine, est: Estimate, currency: str | None) -> ReconciledLine:
    line = rec.line
    money = currency or line.currency
    if rec.tariff is not None:
        if money is None:
            return rec
        return replace(rec, actual=Decimal(rec.tariff).scaleb(-minor_units(money)), currency=money, source="tariff")
    if rec.network is None:
        return rec
    row = find(est.prices, line.number, line.region, line.channel, est.on, rec.network).row
    if row is None:
        return rec
    return replace(rec, actual=row.cost(line.parts), currency=row.currency, source="network price")


def reconcile(estimate: Estimate, receipts: Iterable[Receipt], /, *, currency: str | None = None) -> Reconciliation:
    """Set what ``receipts`` report next to ``estimate``: each receipt is matched to the one
    line its key names (a line's ``location``, else a number, else a reference); a receipt
    that names none, or several (a reference shared by the recipients of one message, a
    number in several messages), is listed in ``unmatched``, never guessed.

    ``currency`` is the account's currency, which tariffs are in (in its minor unit: cents
    for EUR); by default, each line's own. A status report names the network only: its line
    is then priced at that network's row, on the estimate's day. Returns a
    ``Reconciliation``; raises ``TypeError`` for a receipt of another shape.
    """
    if not isinstance(estimate, Estimate):
        raise TypeError(f"reconcile() argument 'estimate' must be an Estimate, not {type(estimate).__name__}")
    recs = [ReconciledLine(line=line) for line in estimate.lines]
    unmatched: list[tuple[str, str]] = []
    index = _index(estimate.lines)
    for i, item in enumerate(receipts):
        key, reference, evidence = _receipt(item, i)
        found = _matches(estimate.lines, index, key, reference)
        if len(found) != 1:
            why = "no line" if not found else f"{len(found)} lines: name one by its location (msg[0].to[1])"
            unmatched.append((key or reference or "", f"receipts[{i}] matches {why}"))
            continue
        rec = recs[found[0]]
        tariff = evidence.tariff if isinstance(evidence, SmppTlvs) else None
        recs[found[0]] = replace(rec, receipts=rec.receipts + 1, network=_network(evidence) or rec.network,
                                  tariff=rec.tariff if tariff is None else (rec.tariff or 0) + tariff)
    with localcontext(EXACT):
        done = tuple(_actual(rec, estimate, currency) for rec in recs)
        actual: dict[str, Decimal] = {}
        difference: dict[str, Decimal] = {}
        for rec in done:
            if rec.actual is not None and rec.currency is not None:
                _add(actual, rec.currency, rec.actual)
            if rec.difference is not None and rec.currency is not None:
                _add(difference, rec.currency, rec.difference)
    return Reconciliation(lines=done, estimated=estimate.totals, actual=FrozenMap(actual),
                          difference=FrozenMap(difference), unmatched=tuple(unmatched))

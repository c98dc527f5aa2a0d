"""The status reports an offline gateway's accepted messages would get later, to test webhooks.

``follow_up(taken, …)`` gives a ``StatusReport`` for each recipient the gateway took: a seeded,
configurable mix of delivered, failed and expired, with delivery error codes and times, or the
outcome a magic number forces (``DELIVERY_NUMBERS``: +1 202 555 01NN, in the 555-01xx range
kept for fiction, fails with delivery error NN, for each delivery error of the spec's
"Errors" table). Deterministic: the same seed gives the same reports.

``reports_json``, ``reports_xml`` and ``receipt_text`` write them as the gateway does (CM spec,
"Status report webhook": the JSON and XML templates; SMPP delivery receipts, SMPP 3.4
Appendix B), and ``parse_status_report`` / ``parse_delivery_receipt`` read back everything they
write. Times are CE(S)T without an offset, as the gateway writes them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson

from cmcore._codes import DeliveryError, StatusCode
from cmcore._gateway import Taken
from cmcore._models import AMSTERDAM
from cmcore._reports import StatusReport

#: Test numbers (gateway form) whose messages fail later with the delivery error they name.
DELIVERY_NUMBERS: dict[str, DeliveryError] = {
    f"00120255501{int(code):02d}": code for code in DeliveryError if 0 < int(code) < 100 and int(code) < 90}
_EXPIRED = DeliveryError(21)  # "Message expired at operator"
_FAILURES = tuple(code for code in DeliveryError if int(code) not in (21,) and int(code) < 90)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportMix:
    """The share of delivered, failed and expired reports (the rest of 1 is delivered)."""

    failed: float = 0.05
    expired: float = 0.02

    def __post_init__(self) -> None:
        for name in ("failed", "expired"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
                raise ValueError(f"ReportMix.{name} must be a share from 0 to 1, not {value!r}")
        if self.failed + self.expired > 1:
            raise ValueError("ReportMix: failed and expired together must be at most 1")


def follow_up(taken: Iterable[Taken], /, *, now: datetime, seed: int = 0, mix: ReportMix = ReportMix(),
              delay: timedelta = timedelta(seconds=5)) -> tuple[StatusReport, ...]:
    """A status report for each recipient the gateway took, in order; ``now`` (aware) is when
    the first was sent, each later one ``delay`` after it. Raises ``ValueError`` for a naive
    ``now``."""
    if now.tzinfo is None:
        raise ValueError("follow_up(): now must be an aware datetime")
    rng = random.Random(seed)
    out: list[StatusReport] = []
    for t in taken:
        for result in t.results:
            if not result.accepted or result.to is None:
                continue
            sent = (now + delay * len(out)).astimezone(AMSTERDAM).replace(microsecond=0)
            out.append(_report(t, result.to, result.reference, sent, rng.random(), rng, mix))
    return tuple(out)


def _report(t: Taken, to: str, reference: str | None, sent: datetime, draw: float, rng: random.Random,
            mix: ReportMix) -> StatusReport:
    forced = DELIVERY_NUMBERS.get(to)
    if forced is None and draw < mix.failed:
        forced = _FAILURES[rng.randrange(len(_FAILURES))]
    elif forced is None and draw < mix.failed + mix.expired:
        forced = _EXPIRED
    status = StatusCode.DELIVERED if forced is None else StatusCode.FAILED
    return StatusReport(to=to, status=status, reference=reference, error_code=forced,
                        error_description=None if forced is None else forced.description,
                        received=sent + timedelta(seconds=2), created=sent - timedelta(seconds=1), sent=sent,
                        custom_grouping=t.message.custom_grouping, custom_grouping2=t.message.custom_grouping2,
                        custom_grouping3=t.message.custom_grouping3)


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M:%S")


def _fields(r: StatusReport) -> dict[str, object]:
    status: dict[str, object] = {"code": str(int(r.status))}
    if r.error_code is not None:
        status["errorCode"] = str(int(r.error_code))
        status["errorDescription"] = r.error_description
    out: dict[str, object] = {"received": _time(r.received), "created": _time(r.created), "sent": _time(r.sent),
                              "to": r.to, "reference": r.reference, "status": status,
                              "customGrouping": r.custom_grouping, "customGrouping2": r.custom_grouping2,
                              "customGrouping3": r.custom_grouping3}
    return {k: v for k, v in out.items() if v is not None}


def reports_json(reports: Sequence[StatusReport], /) -> bytes:
    """The JSON status report webhook body for ``reports`` ("messages": {"msg": [...]})."""
    return orjson.dumps({"messages": {"msg": [_fields(r) for r in reports]}})


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def reports_xml(reports: Sequence[StatusReport], /) -> bytes:
    """The XML status report webhook body for ``reports``, in the spec's template's form."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<MESSAGES>']
    for r in reports:
        parts.append(f'<MSG RECEIVED="{_time(r.received)}">')
        for tag, value in (("TO", r.to), ("REFERENCE", r.reference)):
            if value is not None:
                parts.append(f"<{tag}>{_escape(value)}</{tag}>")
        parts.append(f"<STATUS><CODE>{int(r.status)}</CODE>")
        if r.error_code is not None:
            parts.append(f"<ERRORCODE>{int(r.error_code)}</ERRORCODE>"
                         f"<ERRORDESCRIPTION>{_escape(r.error_description or '')}</ERRORDESCRIPTION>")
        parts.append("</STATUS></MSG>")
    parts.append("</MESSAGES>")
    return "".join(parts).encode()


def receipt_text(report: StatusReport, message_id: str, /) -> str:
    """The SMPP delivery receipt text of ``report`` (SMPP 3.4 Appendix B: ``id: sub: dlvrd:
    submit date: done date: stat: err: text:``), dates as yyyyMMddHHmmss."""
    delivered = report.status is StatusCode.DELIVERED
    state = "DELIVRD" if delivered else ("EXPIRED" if report.error_code is _EXPIRED else "UNDELIV")
    err = 0 if report.error_code is None else int(report.error_code)

    def stamp(moment: datetime | None) -> str:
        return (moment or datetime(1970, 1, 1)).strftime("%Y%m%d%H%M%S")
    return (f"id:{message_id} sub:001 dlvrd:{'001' if delivered else '000'} submit date:{stamp(report.sent)} "
            f"done date:{stamp(report.received)} stat:{state} err:{err:03d} text:")

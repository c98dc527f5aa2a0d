"""The status reports that follow what the offline gateway took: seeded, forced by the magic
numbers, and read back by parse_status_report and parse_delivery_receipt in every form."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import cmcore
from cmcore import DeliveryError, Message, Request, StatusCode
from cmcore._followups import DELIVERY_NUMBERS, ReportMix, follow_up, receipt_text, reports_json, reports_xml
from cmcore._gateway import OfflineGateway

TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
NOW = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)


def gateway_with(numbers: list[str], reference: str = "order_17") -> OfflineGateway:
    gateway = OfflineGateway()
    request = Request(product_token=TOKEN, messages=[Message(sender="CM", recipients=numbers, body="hi",
                                                             reference=reference, custom_grouping="Campaign")])
    reply = gateway.handle("POST", "/v1.0/message", (), cmcore.build_json(request))
    assert reply.status == 200
    return gateway


def test_magic_numbers_force_each_delivery_error() -> None:
    numbers = [f"+{n[2:]}" for n in DELIVERY_NUMBERS]
    reports = follow_up(gateway_with(numbers).accepted, now=NOW, mix=ReportMix(failed=0, expired=0))
    assert [(r.status, r.error_code) for r in reports] == [(StatusCode.FAILED, code) for code in DELIVERY_NUMBERS.values()]
    assert DeliveryError(24) in [r.error_code for r in reports] and len(reports) == len(DELIVERY_NUMBERS)


def test_the_mix_is_seeded_and_in_proportion() -> None:
    numbers = [f"+316{n:08d}" for n in range(10_000_000, 10_000_400)]
    taken = gateway_with(numbers).accepted
    first = follow_up(taken, now=NOW, seed=7, mix=ReportMix(failed=0.2, expired=0.1))
    assert first == follow_up(taken, now=NOW, seed=7, mix=ReportMix(failed=0.2, expired=0.1))
    assert first != follow_up(taken, now=NOW, seed=8, mix=ReportMix(failed=0.2, expired=0.1))
    failed = sum(1 for r in first if r.status is StatusCode.FAILED and r.error_code is not DeliveryError(21))
    expired = sum(1 for r in first if r.error_code is DeliveryError(21))
    assert 50 <= failed <= 110 and 20 <= expired <= 65  # 80 and 40 expected of 400
    assert all(r.received > r.sent > r.created for r in first)


@pytest.mark.parametrize("failed, expired", [(-0.1, 0), (0, 1.5), (0.6, 0.6)])
def test_a_mix_out_of_proportion_is_refused(failed: float, expired: float) -> None:
    with pytest.raises(ValueError):
        ReportMix(failed=failed, expired=expired)


def test_json_and_xml_and_receipts_read_back() -> None:
    numbers = ["+31612345678", "+1 202 555 0124", "+44 7911 123456"]
    reports = follow_up(gateway_with(numbers).accepted, now=NOW, mix=ReportMix(failed=0, expired=0))
    assert cmcore.parse_status_report(reports_json(reports)) == list(reports)
    from_xml = cmcore.parse_status_report(reports_xml(reports))
    assert [(r.to, r.status, r.reference, r.error_code, r.error_description, r.received) for r in from_xml] == [
        (r.to, r.status, r.reference, r.error_code, r.error_description, r.received) for r in reports]
    for i, report in enumerate(reports):
        receipt = cmcore.parse_delivery_receipt(receipt_text(report, f"m{i}"))
        assert receipt.id == f"m{i}" and receipt.state.final
        assert receipt.error == (report.error_code or DeliveryError(0))
        assert receipt.submitted == report.sent.replace(tzinfo=None)  # type: ignore[union-attr]
    assert reports[1].error_code is DeliveryError(24) and reports[0].status is StatusCode.DELIVERED


def test_times_are_amsterdam_time_and_now_must_be_aware() -> None:
    reports = follow_up(gateway_with(["+31612345678"]).accepted, now=NOW)
    assert reports[0].sent == NOW and reports[0].sent.utcoffset() == timedelta(hours=2)  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        follow_up((), now=datetime(2024, 7, 1))

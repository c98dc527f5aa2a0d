"""check(): the JSON gateway's answer offline, one result per recipient, in the model that
parse_response() reads; the spec's "Mixed" and "All incorrect" responses come out as printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import ErrorCode, Message, Request, SendStatus
from cmcore._verdicts import check, response_body
from conftest import examples

SPEC = Path(__file__).parent / "data" / "spec"
TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"


def spec_response(name: str) -> cmcore.Response:
    raw = re.sub(r"\s*//[^\n]*", "", (SPEC / name).read_text(encoding="utf-8"))
    status = int(name.split("_")[2])
    return cmcore.parse_response(raw, http_status=status)


def test_the_spec_mixed_response() -> None:
    """'Responses & Errors', "Mixed": one accepted, one "A body without content was found"."""
    request = Request(product_token=TOKEN, messages=[
        Message(sender="CM", recipients=["00447911123456"], body="Hello", reference="your_reference_A"),
        Message(sender="CM", recipients=["00447911123457"], body="", reference="your_reference_B")])
    assert check(request) == spec_response("json_response_200_mixed.json")


def test_the_spec_all_incorrect_response() -> None:
    """"All incorrect": 400, "Created 0 message(s)", 201, "Gsm '0044791112345a' is not a number."."""
    request = Request(product_token=TOKEN, messages=[
        Message(sender="CM", recipients=["0044791112345a"], body="Hello", reference="your_reference_A"),
        Message(sender="CM", recipients=["00447911123456"], body="")])
    assert check(request) == spec_response("json_response_400_all_rejected.json")


def test_a_recipient_of_its_own_is_rejected_alone() -> None:
    request = Request(product_token=TOKEN, messages=[Message(
        sender="CM", recipients=["+31612345678", "12", "+44 7911 123456"], body="hi", reference="r1")])
    got = check(request)
    assert [(m.to, m.status, m.error_code) for m in got.messages] == [
        ("0031612345678", SendStatus.ACCEPTED, ErrorCode.OK), ("12", SendStatus.REJECTED, ErrorCode.INVALID_PHONE_NUMBER),
        ("00447911123456", SendStatus.ACCEPTED, ErrorCode.OK)]
    assert (got.error_code, got.details, got.http_status) == (ErrorCode.MESSAGE_ERRORS, "Created 2 message(s)", 200)


def test_a_problem_of_the_message_rejects_every_recipient() -> None:
    request = Request(product_token=TOKEN, messages=[Message(
        sender="CM!", recipients=["+31612345678", "+44 7911 123456"], body="hi")])
    got = check(request)
    assert [(m.status, m.error_code, m.parts) for m in got.messages] == [(SendStatus.REJECTED, ErrorCode.INVALID_FROM, 0)] * 2


def test_parts_come_from_the_segmentation_core() -> None:
    request = Request(product_token=TOKEN, messages=[
        Message(sender="CM", recipients=["+31612345678"], body="x" * 161),
        Message(sender="CM", recipients=["+31612345678"], body="\u0436" * 71),
        Message(sender="CM", recipients=["+31612345678"], body="hi", dcs=8)])
    assert [m.parts for m in check(request).messages] == [2, 2, 1]


@pytest.mark.parametrize("request_, code, words", [
    (Request(product_token="", messages=[Message(sender="CM", recipients=["+31612345678"], body="hi")]),
     ErrorCode.INVALID_PRODUCT_TOKEN, "Invalid product token."),
    (Request(product_token="not-a-token", messages=[Message(sender="CM", recipients=["+31612345678"], body="hi")]),
     ErrorCode.INVALID_PRODUCT_TOKEN, "Invalid product token."),
    (Request(product_token=TOKEN, messages=[]), ErrorCode.INVALID_MSG_ARRAY,
     "A MESSAGES object requires at least one MSG object"),
])
def test_request_level_failures_answer_400_without_messages(request_: Request, code: ErrorCode, words: str) -> None:
    """"JSON POST responses": 400 with "Invalid product token." or "A MESSAGES object requires
    at least one MSG object"."""
    got = check(request_)
    assert (got.error_code, got.details, got.messages, got.http_status) == (code, words, (), 400)
    assert "not-a-token" not in repr(got)


def test_more_than_1000_messages_is_a_request_failure() -> None:
    msgs = [Message(sender="CM", recipients=["+31612345678"], body="hi")] * 1001
    got = check(Request(product_token=TOKEN, messages=msgs))
    assert (got.error_code, got.http_status, got.messages) == (ErrorCode.INVALID_MSG_ARRAY, 400, ())


NUMBERS = ["+31612345678", "0031612345678", "+44 7911 123456", "12", "+999 123", "0044791112345a", "+1 650 253 0000"]


@st.composite
def messages(draw: st.DrawFn) -> Message:
    return Message(sender=draw(st.sampled_from(["CM", "CM Telecom", "CM!", "1234567890123456"])),
                   recipients=draw(st.lists(st.sampled_from(NUMBERS), min_size=0, max_size=3)),
                   body=draw(st.sampled_from(["hi", "", "\u0436" * 80, "x" * 200])),
                   reference=draw(st.sampled_from([None, "ref_1", "bad ref"])))


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(messages(), min_size=1, max_size=5))
def test_parse_response_reads_back_what_check_answers(msgs: list[Message]) -> None:
    """The round trip: parse_response(response_body(check(r))) == check(r); one result a
    recipient; the accepted ones are exactly what validate() takes."""
    request = Request(product_token=TOKEN, messages=msgs)
    got = check(request)
    assert cmcore.parse_response(response_body(got), http_status=got.http_status) == got
    assert len(got.messages) == sum(max(len(m.recipients), 1) for m in msgs)
    assert got.created == len(got.accepted)
    for msg in msgs:
        alone = check(Request(product_token=TOKEN, messages=[msg]))
        try:
            cmcore.validate(Request(product_token=TOKEN, messages=[msg]))
        except cmcore.PayloadError:
            assert alone.rejected
        else:
            assert not alone.rejected

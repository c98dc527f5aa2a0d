"""The one-pass screen of validate(): it passes a plain, valid message normalised exactly as
the full rules would, and hands every other message to them; both kernels answer alike.

The screen can only be wrong by passing what the rules refuse, or by normalising otherwise:
these tests hold it to the full rules (``_validate._message``) on messages drawn around every
boundary it checks.
"""

from __future__ import annotations

from datetime import datetime, timezone
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import Channel, Message, Request, _screen_py, _validate
from cmcore._errors import Problems
from cmcore._models import _PHONE_CHANNELS, BodyType
from cmcore._phone import gateway_form
from cmcore._rules import MESSAGE_RULES, TEXT_LIMITS

from conftest import compiled as compiled_kernel
from conftest import examples

compiled = compiled_kernel("_screen")
SCREENS = [s for s in (compiled, _screen_py) if s is not None]
TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"


def rules(screen: ModuleType) -> Any:
    return screen.rules(Message, tuple(Channel), _PHONE_CHANNELS, Channel.SMS, _validate.FALLBACK_CHANNELS,
                        MESSAGE_RULES, TEXT_LIMITS, _validate.SENDER_ALPHABET, BodyType.AUTO, gateway_form)


RULES = {s: rules(s) for s in SCREENS}


def full(msg: Message, region: str | None) -> tuple[Message | None, list[tuple[int, str]]]:
    errors = Problems()
    options = {"default_region": region, "now": datetime.now(timezone.utc), "clock": True,
               "allow_custom_channels": False, "truncate": False}
    out = _validate._message(msg, "msg[0]", errors, options)
    return out, [(e.code, e.location) for e in errors]


def shape(msg: Message) -> list[tuple[type, Any]]:
    """Each field's type and value, items of tuples included: Channel is not 'SMS'."""
    out = []
    for name in Message.__dataclass_fields__:
        value = getattr(msg, name)
        out.append((type(value), tuple((type(x), x) for x in value) if type(value) is tuple else value))
    return out


def agrees(msg: Message, region: str | None) -> list[Any]:
    """Every screen's answer on ``msg``; each passes only what the rules pass, as they make it."""
    answers = []
    want, problems = full(msg, region)
    for screen in SCREENS:
        got = screen.screen(msg, RULES[screen], region)
        if got is not None:
            assert not problems, (screen.__name__, msg, problems)
            assert want is not None and shape(got) == shape(want), (screen.__name__, msg)
        answers.append(got is None)
    assert len(set(answers)) == 1, (msg, answers)  # the kernels agree on what they pass
    return answers


NUMBERS = ["+31612345678", "0031612345678", "0612345678", " +31 6 1234 5678 ", "+3161234567", "+1 650 253 0000",
           "+44 7911 123456", "+999123", "12", "", "   ", "+31612345678\u00a0", "+3161234567\ud800", "Facebook123"]
SENDERS = ["CM Telecom", "CMTelecom123", "CM Telecom1", "123456789012345", "1234567890123456",
           "12345678901234567", "CM.com", "Shop-NL", "", "  ", "Caf\u00e9", "A\ud800", "\u00a0", "x" * 12]
BODIES = ["hi", "", "Caf\u00e9 \u20ac5", "\u039a\u03b5\u03af", "\u2705 ok", "a\ud800b", "x" * 1000, "x" * 1001,
          "x" * 1500, "x" * 1501, "x" * 2000, "x" * 2001, "x" * 4096, "x" * 4097, "x" * 8000, "x" * 8001, "\U0001F600"]
CHANNEL_ITEMS: list[Any] = [*Channel, "SMS", "WhatsApp", "sms", "whatsapp", "Pigeon", " SMS", "Apple Business Chat"]
OPTIONAL = st.one_of(st.none(), st.sampled_from(["r1", "ref_2", "", "x" * 32, "x" * 33, "a-b", "\u00e9", "a\ud800"]))
GROUPING = st.one_of(st.none(), st.sampled_from(["", "Campaign ABC", "x" * 100, "x" * 101, "\u00e9t\u00e9", "a\ud800"]))


PLAIN: dict[str, Any] = {"sender": "CM Telecom", "recipients": ["+31612345678"], "body": "hi"}
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "sender": st.sampled_from(SENDERS),
    "recipients": st.lists(st.sampled_from(NUMBERS), max_size=3),
    "body": st.sampled_from(BODIES),
    "allowed_channels": st.lists(st.sampled_from(CHANNEL_ITEMS), max_size=3),
    "reference": OPTIONAL,
    "custom_grouping": GROUPING, "custom_grouping2": GROUPING, "custom_grouping3": GROUPING,
    "body_type": st.sampled_from([None, BodyType.AUTO, "AUTO", "bogus"]),
    "dcs": st.sampled_from([0, 8, 4]),
    "validity": st.sampled_from(["2h", "99h"]),
    "min_parts": st.sampled_from([1, 3, 300]), "max_parts": st.sampled_from([1, 3, 300]),
    "app_key": st.sampled_from(["", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"]),
}


@st.composite
def messages(draw: st.DrawFn) -> Message:
    """A plain, valid message with one to three fields drawn around their boundaries: a
    message that differs from a passing one in the rule under test, mostly."""
    changed = draw(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=3, unique=True))
    return Message(**{**PLAIN, **{name: draw(FIELDS[name]) for name in changed}})


@settings(max_examples=examples(1000))
@given(messages(), st.sampled_from([None, "NL", "US"]))
def test_the_screen_passes_only_what_the_rules_pass_and_normalises_alike(msg: Message, region: str | None) -> None:
    agrees(msg, region)


@pytest.mark.parametrize("msg, region", [
    (Message(sender="CM Telecom", recipients=["+31612345678"], body="Your code is 123456"), None),
    (Message(sender="CM Telecom", recipients=["0612345678", "+44 7911 123456"], body="hi"), "NL"),
    (Message(sender="1234567890123456", recipients=["0031612345678"], body="hi", allowed_channels=["SMS"],
             reference="ref_1", custom_grouping="Campaign ABC"), None),
    (Message(sender="CM", recipients=["+31612345678"], body="Caf\u00e9 \u20ac5 \u2705",
             allowed_channels=[Channel.WHATSAPP, Channel.SMS]), None),
    (Message(sender="a sender name longer than eleven", recipients=["fb-id-1"], body="hi",
             allowed_channels=["Facebook Messenger"]), None),
])
def test_plain_messages_pass_the_screen(msg: Message, region: str | None) -> None:
    """The common messages take the one pass; a screen that passed nothing would also agree."""
    assert agrees(msg, region) == [False] * len(SCREENS)


@pytest.mark.parametrize("fields", [
    {"sender": "CM!"},  # not in the sender alphabet: the full rules word it
    {"allowed_channels": ["SMS", "Facebook Messenger"]},  # no fallback to Facebook Messenger
    {"recipients": ["+3161234567"]},  # a digit short: the rules word the reason
    {"body": "x" * 8001},  # long: the rules count its parts
    {"allowed_channels": ["sms"]},  # another case: the rules read it
    {"validity": "2h"}, {"dcs": 8}, {"min_parts": 1}, {"app_key": "k"},
    {"body_type": None},
    {"allowed_channels": ["SMS", Channel.SMS]},
])
def test_what_is_not_plain_goes_to_the_full_rules(fields: dict[str, Any]) -> None:
    msg = Message(**{"sender": "CM Telecom", "recipients": ["+31612345678"], "body": "hi", **fields})
    assert agrees(msg, None) == [True] * len(SCREENS)


@pytest.mark.parametrize("channel, limit", sorted(TEXT_LIMITS.items()))
@pytest.mark.parametrize("over", [0, 1])
def test_the_text_limit_of_each_channel_is_the_rules_own(channel: Channel, limit: int, over: int) -> None:
    msg = Message(sender="CM", recipients=["+31612345678"], body="x" * (limit + over), allowed_channels=[channel])
    long = limit + over > 8000  # past what the screen takes without counting parts
    assert agrees(msg, None) == [bool(over) or long] * len(SCREENS)


@pytest.mark.parametrize("sender, plain", [("x" * 11, True), ("x" * 12, False), ("1" * 16, True), ("1" * 17, False),
                                           ("CM Telecom1", True), ("CM_Telecom", True), ("CM.com", True),
                                           ("Shop-NL & Co", False), ("Shop-NL&Co", True), ("CM!", False)])
def test_the_sender_bounds_are_the_rules_own(sender: str, plain: bool) -> None:
    msg = Message(sender=sender, recipients=["+31612345678"], body="hi")
    assert agrees(msg, None) == [not plain] * len(SCREENS)


def test_a_subclass_and_an_unset_slot_go_to_the_full_rules() -> None:
    class Mine(Message):
        __slots__ = ()
    mine = Mine(sender="CM", recipients=["+31612345678"], body="hi")
    bare = object.__new__(Message)
    for screen in SCREENS:
        assert screen.screen(mine, RULES[screen], None) is None
        assert screen.screen(bare, RULES[screen], None) is None
        assert screen.screen("not a message", RULES[screen], None) is None


def test_validate_uses_the_screen_and_gives_the_same_request() -> None:
    """A batch of plain and other messages: validate()'s answer is the full rules' own."""
    msgs = [Message(sender="CM Telecom", recipients=[n], body=b, allowed_channels=c)
            for n in ("+31612345678", "0612345678") for b in ("hi", "Caf\u00e9") for c in ((), ("SMS",), ("sms",))]
    checked = cmcore.validate(Request(product_token=TOKEN, messages=msgs), default_region="NL")
    assert [shape(m) for m in checked.messages] == [shape(full(m, "NL")[0]) for m in msgs]  # type: ignore[arg-type]


def test_validate_makes_rules_for_the_screen_kernel_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """A switch of kernel (as the fuzz harnesses make) gets rules of its own screen's type."""
    msg = Message(sender="CM", recipients=["+31612345678"], body="hi")
    for screen in SCREENS:
        monkeypatch.setattr(_validate, "_screen", screen)
        assert cmcore.validate(Request(product_token=TOKEN, messages=[msg])).messages[0].recipients == ("0031612345678",)

"""One test per rule of validate(), each with a passing and a failing case; the source of each
rule is the CM spec section named in the test."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import cmcore
from cmcore import Channel, Message, Request

TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"

APP_KEY = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"  # a Push channel account id: a UUID


def check(now: datetime | None = None, **fields: object) -> Request:
    base: dict[str, object] = {"sender": "CM Telecom", "recipients": ["0031612345678"], "body": "Hello"}
    return cmcore.validate(Request(product_token=TOKEN, messages=[Message(**{**base, **fields})]),  # type: ignore[arg-type]
                           now=now)


def fails(code: int, location: str, **fields: object) -> cmcore.PayloadError:
    with pytest.raises(cmcore.PayloadError) as info:
        check(**fields)
    assert (info.value.code, info.value.location) == (code, location), info.value.errors
    return info.value


def test_phone_numbers_are_normalised() -> None:
    """'Phone numbers': 00, country code, number; the spec's own office number."""
    assert check(recipients=["+31 (0)76 - 572 70 00"]).messages[0].recipients == ("0031765727000",)
    assert cmcore.normalize_phone("0031765727000") == "0031765727000"
    assert cmcore.normalize_phone("076 572 70 00", default_region="NL") == "0031765727000"
    assert cmcore.normalize_phone("+39 06 1234 5678") == "00390612345678"  # Italian leading zero kept
    fails(303, "msg[0].to[0]", recipients=["00316012345678"])  # the spec's number: one digit too many
    fails(303, "msg[0].to[1]", recipients=["0031612345678", "076 572 70 00"])  # national, no region
    fails(302, "msg[0].to", recipients=[])


def test_social_channels_take_opaque_ids() -> None:
    """Twitter, Facebook, Instagram, Google and Apple recipients are ids, not numbers."""
    ok = check(recipients=["1234567890123456789"], allowed_channels=["Twitter"], sender="1234567890")
    assert ok.messages[0].recipients == ("1234567890123456789",)
    fails(303, "msg[0].to[0]", recipients=["1234567890123456789"], allowed_channels=["RCS", "SMS"])


def test_sender() -> None:
    """'Sending messages': 11 alphanumerical characters or 16 digits."""
    check(sender="CM Telecom")
    check(sender="0031612345678")
    check(sender="1234567890123456")
    fails(301, "msg[0].from", sender="A twelve chr")
    fails(301, "msg[0].from", sender="12345678901234567")
    fails(301, "msg[0].from", sender="CM.com!")
    fails(301, "msg[0].from", sender="")
    check(sender="Facebook Page 1234", allowed_channels=["Facebook Messenger"], recipients=["psid-1"])


def test_reference() -> None:
    """'References and replies': 1 - 32 alphanumeric characters (the spec writes your_reference)."""
    check(reference="your_reference")
    check(reference="A" * 32)
    fails(305, "msg[0].reference", reference="A" * 33)
    fails(305, "msg[0].reference", reference="has space")
    fails(305, "msg[0].reference", reference="")


def test_custom_groupings() -> None:
    """'Custom groupings': up to 100 characters."""
    check(custom_grouping="x" * 100, custom_grouping2="y", custom_grouping3="z")
    fails(305, "msg[0].customGrouping2", custom_grouping2="x" * 101)
    fails(305, "msg[0].customGrouping3", custom_grouping3="")


NOW = datetime(2024, 4, 20, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", ["2h", "30m", "72h", "4320m", "2017-04-20 11:50:05 GMT", "2017-04-20 11:50:05+8",
                                   "2017-04-20 11:55:05-07:00", "2017-04-20 11:50 GMT", "2017-04-20 11:50:05"])
def test_validity_forms(value: str) -> None:
    """'Validity period': every form the spec lists, and its example without seconds, at a
    moment within 72 hours before the examples' 2017 times."""
    assert check(validity=value, now=datetime(2017, 4, 20, 0, 0, tzinfo=timezone.utc)).messages[0].validity == value


@pytest.mark.parametrize("value", ["2017-04-20 11:50:05 GMT", "2017-04-20 11:50:05"])
def test_an_absolute_validity_is_held_to_the_clock_when_now_is_not_given(value: str) -> None:
    """The clock is read where no now= is given: a 2017 validity is in the past today, and a
    validity an hour from the clock is within 72 hours."""
    fails(305, "msg[0].validity", validity=value)
    soon = datetime.now(timezone.utc) + timedelta(hours=1)
    check(validity=soon)
    check(validity=soon.strftime("%Y-%m-%d %H:%M:%S GMT"))
    fails(305, "msg[0].validity", validity=soon + timedelta(hours=72))
    with pytest.raises(cmcore.PayloadError, match="within 72 hours"):
        cmcore.validity_string(value)


@pytest.mark.parametrize("value", ["73h", "4321m", "0h", "2h30m", "tomorrow", "2017-04-20", "2017-13-20 11:50:05 GMT"])
def test_validity_refused(value: str) -> None:
    fails(305, "msg[0].validity", validity=value)


def test_validity_objects_and_the_72_hour_window() -> None:
    assert check(validity=timedelta(hours=2)).messages[0].validity == "2h"
    assert check(validity=timedelta(minutes=90)).messages[0].validity == "90m"
    fails(305, "msg[0].validity", validity=timedelta(seconds=30))
    fails(305, "msg[0].validity", validity=timedelta(hours=73))
    aware = datetime(2024, 4, 21, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert check(validity=aware, now=NOW).messages[0].validity == "2024-04-21 09:30:00+02:00"
    assert check(validity=datetime(2024, 4, 21, 9, 30), now=NOW).messages[0].validity == "2024-04-21 09:30:00"
    assert cmcore.validity_string("2024-04-22 12:00:00 GMT", now=NOW)
    with pytest.raises(cmcore.PayloadError, match="within 72 hours"):
        cmcore.validity_string("2024-04-23 12:00:01 GMT", now=NOW)
    with pytest.raises(cmcore.PayloadError, match="within 72 hours"):
        cmcore.validity_string("2024-04-20 11:59:00 GMT", now=NOW)
    with pytest.raises(ValueError):
        cmcore.validate(Request(product_token=TOKEN, messages=[]), now=datetime(2024, 1, 1))


def test_parts() -> None:
    """'SMS - Multipart': 1 <= min <= max <= 255, and the body must fit max."""
    check(min_parts=1, max_parts=8, body="a" * 1224)
    fails(304, "msg[0].body", min_parts=1, max_parts=8, body="a" * 1225)
    fails(305, "msg[0].minimumNumberOfMessageParts", min_parts=3, max_parts=2)
    fails(305, "msg[0].maximumNumberOfMessageParts", min_parts=1, max_parts=256)
    fails(305, "msg[0].minimumNumberOfMessageParts", min_parts=0)
    fails(304, "msg[0].body", min_parts=1, max_parts=1, body="\u0436" * 71, dcs=8)


def test_truncation_only_when_asked() -> None:
    request = Request(product_token=TOKEN, messages=[Message(sender="CM", recipients=["0031612345678"],
                                                              body="a" * 400, min_parts=1, max_parts=2)])
    assert cmcore.validate(request, truncate=True).messages[0].body == "a" * 306
    with pytest.raises(cmcore.PayloadError):
        cmcore.validate(request)


def test_body_and_encoding() -> None:
    """'Custom DCS' and 'Auto detect encoding'."""
    fails(304, "msg[0].body", body="")
    check(body="\u039a\u03b5\u03af\u03bc\u03b5\u03bd\u03bf", dcs=8)
    check(body="\u039a\u03b5\u03af\u03bc\u03b5\u03bd\u03bf", body_type=cmcore.BodyType.AUTO)
    fails(304, "msg[0].body", body="\u039a\u03b5\u03af", dcs=0)
    fails(305, "msg[0].dcs", dcs=4)


def test_channels() -> None:
    """'Sending messages' and 'Channel fallback': exact names, caller's order, no duplicates."""
    assert check(allowed_channels=["WhatsApp", "SMS"]).messages[0].allowed_channels == (Channel.WHATSAPP, Channel.SMS)
    for name in ("Apple Business Chat", "Apple Messages for Business", "iMessage", "MobilePush", "RCS", "Viber", "Push"):
        key = APP_KEY if "Push" in name else None
        assert check(allowed_channels=[name], app_key=key).messages[0].allowed_channels[0].value == name  # type: ignore[union-attr]
    # names ignore case, as the gateway reads them (issue: the spec writes "mobilepush"); so a
    # name given twice in two spellings is listed twice
    assert check(allowed_channels=["whatsapp"]).messages[0].allowed_channels == (Channel.WHATSAPP,)
    fails(305, "msg[0].allowedChannels[0]", allowed_channels=["whats app"])
    fails(305, "msg[0].allowedChannels[1]", allowed_channels=["SMS", "SMS"])
    fails(305, "msg[0].allowedChannels[1]", allowed_channels=["SMS", "sms"])
    request = Request(product_token=TOKEN, messages=[Message(sender="CM", recipients=["0031612345678"], body="x",
                                                              allowed_channels=["Carrier Pigeon", "SMS"])])
    assert cmcore.validate(request, allow_custom_channels=True).messages[0].allowed_channels == ("Carrier Pigeon", Channel.SMS)


def test_request_level_rules() -> None:
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(Request(product_token="Your product token", messages=[]))
    assert [(e.code, e.location) for e in info.value.errors] == [(103, "authentication.productToken"), (203, "msg")]
    assert "Your product token" not in str(info.value)


def test_every_problem_is_reported() -> None:
    with pytest.raises(cmcore.PayloadError) as info:
        check(sender="", recipients=["x", "0031612345678", ""], body="", reference="?", validity="soon")
    assert [(e.code, e.location) for e in info.value.errors] == [
        (301, "msg[0].from"), (303, "msg[0].to[0]"), (302, "msg[0].to[2]"), (304, "msg[0].body"),
        (305, "msg[0].reference"), (305, "msg[0].validity")]
    assert (info.value.code, info.value.location) == (301, "msg[0].from")


def test_a_checked_request_is_not_checked_twice() -> None:
    checked = check()
    assert cmcore.validate(checked) is checked
    assert cmcore.build_json(checked) == cmcore.build_json(Request(product_token=TOKEN, messages=list(checked.messages)))
    import dataclasses
    assert dataclasses.replace(checked)._checked == 0
    custom = cmcore.validate(Request(product_token=TOKEN, messages=[Message(
        sender="CM", recipients=["0031612345678"], body="x", allowed_channels=["Pigeon"])]), allow_custom_channels=True)
    assert cmcore.validate(custom, allow_custom_channels=True) is custom
    with pytest.raises(cmcore.PayloadError):
        cmcore.validate(custom)



# -- channel names, read as the gateway reads them (spec: "mobilepush"; CM's SDK: "Whatsapp") --

@pytest.mark.parametrize("given, channel", [("mobilepush", Channel.MOBILE_PUSH), ("Whatsapp", Channel.WHATSAPP),
                                            ("sms", Channel.SMS), ("GOOGLE BUSINESS MESSAGES", Channel.GOOGLE_BUSINESS_MESSAGES)])
def test_channel_names_ignore_case_and_are_written_canonically(given: str, channel: Channel) -> None:
    req = cmcore.Request(product_token=TOKEN, messages=[cmcore.Message(
        sender="CM", recipients=["0031612345678"], body="hi", allowed_channels=[given],
        app_key=APP_KEY if channel is Channel.MOBILE_PUSH else None)])
    checked = cmcore.validate(req)
    assert checked.messages[0].allowed_channels == (channel,)
    assert f'"allowedChannels":["{channel.value}"]'.encode() in cmcore.build_json(checked)


def test_an_unknown_channel_says_what_was_meant() -> None:
    req = cmcore.Request(product_token=TOKEN, messages=[cmcore.Message(
        sender="CM", recipients=["0031612345678"], body="hi", allowed_channels=["Whatsap", "Pigeon"])])
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(req)
    first, second = info.value.errors
    assert "did you mean 'WhatsApp'?" in first.message and "did you mean" not in second.message


def test_punctuation_operators_take_in_alphanumeric_senders() -> None:
    """'Sending messages' says "11 alphanumerical characters [a-zA-Z]", yet CM's own brand is
    CM.com: the space, . - _ and & are taken; other punctuation and the 12th character not."""
    for sender in ("CM.com", "Shop-NL", "Bed_and_Bat", "B&B Hotels", "CM Telecom"):
        check(sender=sender)
    for sender in ("CM!", "shop@nl", "Shop/NL", "A+B", "Shop-NL.co.uk"):
        fails(301, "msg[0].from", sender=sender)


def test_push_alone_may_leave_the_sender_out() -> None:
    """'Push', "Sending a message": "The from field is optional where you can specify the
    sender for a fallback SMS": left out for Push alone; a fallback to SMS needs it."""
    key = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
    assert check(sender=None, allowed_channels=["MobilePush"], app_key=key).messages[0].sender is None
    check(sender=None, allowed_channels=["Push"], app_key=key)
    fails(301, "msg[0].from", sender=None, allowed_channels=["MobilePush", "SMS"], app_key=key)
    fails(301, "msg[0].from", sender=None)
    built = cmcore.build_json(Request(product_token=TOKEN, messages=[Message(
        recipients=["0031612345678"], body="hi", allowed_channels=["MobilePush"], app_key=key)]))
    assert b'"from"' not in built
    assert cmcore.load_json(built).messages[0].sender is None


@pytest.mark.parametrize("channels", [["WhatsApp", "SMS"], ["Viber", "RCS", "SMS"], ["MobilePush", "SMS"],
                                      ["Push", "SMS"], ["Twitter"], ["Facebook Messenger"]])
def test_fallback_across_the_channels_the_spec_lists(channels: list[str]) -> None:
    """'Channel fallback': "Fallback is available for the channels: WhatsApp, Push, RCS,
    Viber, SMS"; one channel of any kind is no fallback."""
    ids = {"sender": "1263071591262494721", "recipients": ["1263071591262494722"]} if channels == ["Twitter"] else {}
    check(allowed_channels=channels, app_key=APP_KEY, **{"recipients": ["0031612345678"], **ids})


@pytest.mark.parametrize("channels", [["Facebook Messenger", "SMS"], ["WhatsApp", "Instagram"],
                                      ["Apple Business Chat", "SMS"], ["Twitter", "Facebook Messenger"]])
def test_no_fallback_to_or_from_other_channels(channels: list[str]) -> None:
    error = fails(305, "msg[0].allowedChannels", allowed_channels=channels)
    assert "Channel fallback" in error.message


def test_minimum_and_maximum_parts_are_always_used_together() -> None:
    """The older edition's 'Multipart' table: MINIMUMNUMBEROFMESSAGEPARTS and
    MAXIMUMNUMBEROFMESSAGEPARTS are "always used together"; every example gives both."""
    check(min_parts=1, max_parts=8)
    fails(305, "msg[0].maximumNumberOfMessageParts", max_parts=8)
    fails(305, "msg[0].minimumNumberOfMessageParts", min_parts=1)


def test_at_most_255_parts_without_a_maximum() -> None:
    """'SMS - Multipart': "The SMS standard theoretically permits up to 255 message parts"."""
    check(body="a" * 153 * 255)
    fails(304, "msg[0].body", body="a" * (153 * 255 + 1))
    check(body="\u0436" * 67 * 255)
    fails(304, "msg[0].body", body="\u0436" * (67 * 255 + 1))


@pytest.mark.parametrize("token", ["", "   "])
def test_a_missing_product_token_is_a_clear_error(token: str) -> None:
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(Request(product_token=token, messages=[Message(sender="CM", recipients=["0031612345678"],
                                                                       body="hi")]))
    assert (info.value.code, info.value.location) == (103, "authentication.productToken")
    assert info.value.message.startswith("no product token was given")

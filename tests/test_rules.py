"""Rich content rules, one test each with a passing and a failing case; the rule's source is in
cmcore/_rules.py beside it."""

from __future__ import annotations

from typing import Any

import pytest

import cmcore
from cmcore import Message, Request
from cmcore import _rich as r

TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"
A = r.SuggestionAction


SNOWFLAKES = ("1263071591262494721", "1263071591262494722")  # Twitter's ids: 64-bit unsigned integers


def build(channels: list[str], rich: r.RichContent, recipient: str = "id-1", body: str = "") -> bytes:
    sender = "CM"
    if channels == ["Twitter"]:
        sender, recipient = SNOWFLAKES[0], SNOWFLAKES[1] if recipient == "id-1" else recipient
    msg = Message(sender=sender, recipients=[recipient], body=body, allowed_channels=channels, rich_content=rich)
    return cmcore.build_json(Request(product_token=TOKEN, messages=[msg]))


def problems(channels: list[str], rich: r.RichContent, **kw: Any) -> list[tuple[int, str]]:
    with pytest.raises(cmcore.PayloadError) as info:
        build(channels, rich, **kw)
    return [(e.code, e.location) for e in info.value.errors]


def text(t: str = "hi", **kw: Any) -> r.ConversationItem:
    return r.ConversationItem(text=t, **kw)


def reply(label: str = "Yes", postback: str | None = "yes") -> r.Suggestion:
    return r.Suggestion(action=A.REPLY, label=label, postback_data=postback)


RC = "msg[0].richContent"


def test_an_item_needs_content() -> None:
    build(["Facebook Messenger"], r.RichContent(conversation=(text(),)))
    assert problems(["Facebook Messenger"], r.RichContent(conversation=(r.ConversationItem(tag="HUMAN_AGENT"),))) == [
        (305, f"{RC}.conversation[0]")]


def test_at_most_11_suggestions() -> None:
    build(["Google Business Messages"], r.RichContent(conversation=(text(),), suggestions=(reply(),) * 11))
    assert (305, f"{RC}.suggestions") in problems(
        ["Google Business Messages"], r.RichContent(conversation=(text(),), suggestions=(reply(),) * 12))


def test_actions_per_channel() -> None:
    dial = r.Suggestion(action=A.DIAL, label="Call", postback_data="c", dial=r.Dial(phone_number="+31765727000"))
    build(["Google Business Messages"], r.RichContent(conversation=(text(),), suggestions=(dial,)))
    assert problems(["Twitter"], r.RichContent(conversation=(text(),), suggestions=(dial,))) == [
        (305, f"{RC}.suggestions[0].action")]
    assert problems(["Instagram"], r.RichContent(conversation=(text(),), suggestions=(
        r.Suggestion(action=A.OPEN_URL, label="Go", url="https://cm.com"),))) == [(305, f"{RC}.suggestions[0].action")]


@pytest.mark.parametrize("channel, limit", [("Twitter", 36), ("Facebook Messenger", 20), ("Instagram", 20),
                                            ("Google Business Messages", 25)])
def test_label_limits(channel: str, limit: int) -> None:
    build([channel], r.RichContent(conversation=(text(),), suggestions=(reply("x" * limit),)))
    assert problems([channel], r.RichContent(conversation=(text(),), suggestions=(reply("x" * (limit + 1)),))) == [
        (305, f"{RC}.suggestions[0].label")]


@pytest.mark.parametrize("channel", ["Facebook Messenger", "Google Business Messages", "Instagram"])
def test_postback_required_on_replies(channel: str) -> None:
    assert problems([channel], r.RichContent(conversation=(text(),), suggestions=(reply(postback=None),))) == [
        (305, f"{RC}.suggestions[0].postbackdata")]
    build(["Twitter"], r.RichContent(conversation=(text(),), suggestions=(reply(postback=None),)))


@pytest.mark.parametrize("channel", ["Facebook Messenger", "Google Business Messages", "Instagram"])
def test_postback_at_most_1000(channel: str) -> None:
    """'Suggestions/Features', Reply: "required by Facebook Messenger, Google Business Messages
    and Instagram (1000 character limit)": their limit, not Twitter's or RCS's."""
    build([channel], r.RichContent(conversation=(text(),), suggestions=(reply(postback="p" * 1000),)))
    assert problems([channel], r.RichContent(conversation=(text(),), suggestions=(reply(postback="p" * 1001),))) == [
        (305, f"{RC}.suggestions[0].postbackdata")]
    build(["Twitter"], r.RichContent(conversation=(text(),), suggestions=(reply(postback="p" * 1001),)))


def test_facebook_and_instagram_take_13_quick_replies_on_an_item() -> None:
    """'Quick reply' (Facebook Messenger, Instagram): "A maximum of 13 quick replies", on the
    item as their examples put them; other channels hold 11 ('Suggestions/Features')."""
    for channel in ("Facebook Messenger", "Instagram"):
        build([channel], r.RichContent(conversation=(text(suggestions=(reply(),) * 13),)))
        assert (305, f"{RC}.conversation[0].suggestions") in problems(
            [channel], r.RichContent(conversation=(text(suggestions=(reply(),) * 14),)))
    assert (305, f"{RC}.conversation[0].suggestions") in problems(
        ["Google Business Messages"], r.RichContent(conversation=(text(suggestions=(reply(),) * 12),)))


def test_actions_need_their_fields() -> None:
    bare = [r.Suggestion(action=a, label="x") for a in (A.OPEN_URL, A.DIAL, A.CREATE_CALENDAR_EVENT, A.VIEW_LOCATION)]
    assert problems(["RCS"], r.RichContent(conversation=(text(),), suggestions=tuple(bare)), recipient="0031612345678") == [
        (305, f"{RC}.suggestions[0].url"), (305, f"{RC}.suggestions[1].dial"),
        (305, f"{RC}.suggestions[2].calendar"), (305, f"{RC}.suggestions[3].viewLocation")]
    pin = r.Suggestion(action=A.VIEW_LOCATION, label="Map", view_location=r.Location(latitude="51.6"))
    assert problems(["RCS"], r.RichContent(conversation=(text(),), suggestions=(pin,)), recipient="0031612345678") == [
        (305, f"{RC}.suggestions[0].viewLocation")]


@pytest.mark.parametrize("channel, limit", [("WhatsApp", 4096), ("Facebook Messenger", 2000), ("Instagram", 1000),
                                            ("Google Business Messages", 1500), ("Twitter", 10000)])
def test_text_limits(channel: str, limit: int) -> None:
    to = "0031612345678" if channel == "WhatsApp" else "id-1"
    build([channel], r.RichContent(conversation=(text("x" * limit),)), recipient=to)
    assert problems([channel], r.RichContent(conversation=(text("x" * (limit + 1)),)), recipient=to) == [
        (305, f"{RC}.conversation[0].text")]


def interactive(rows: int = 2, buttons: tuple[str, ...] = (), title: str = "Pick") -> r.ConversationItem:
    action = r.InteractiveAction(
        button="Menu" if rows else None,
        sections=(r.InteractiveSection(title=title, rows=tuple(r.InteractiveRow(id=f"r{i}", title=f"Row {i}") for i in range(rows))),) if rows else (),
        buttons=tuple(r.InteractiveButton(reply=r.InteractiveReply(id=f"b{i}", title=t)) for i, t in enumerate(buttons)))
    return r.ConversationItem(interactive=r.Interactive(type="list" if rows else "button", body=r.InteractiveText(text="Choose"), action=action))


def test_whatsapp_lists_and_buttons() -> None:
    wa = ["WhatsApp"]
    to = "0031612345678"
    build(wa, r.RichContent(conversation=(interactive(10),)), recipient=to)
    build(wa, r.RichContent(conversation=(interactive(0, ("Yes", "No", "Later")),)), recipient=to)
    at = f"{RC}.conversation[0].interactive.action"
    assert problems(wa, r.RichContent(conversation=(interactive(11),)), recipient=to) == [(305, f"{at}.sections")]
    assert problems(wa, r.RichContent(conversation=(interactive(1, title="t" * 25),)), recipient=to) == [
        (305, f"{at}.sections[0].title")]
    assert problems(wa, r.RichContent(conversation=(interactive(0, ("a", "b", "c", "d")),)), recipient=to) == [
        (305, f"{at}.buttons")]
    assert problems(wa, r.RichContent(conversation=(interactive(0, ("Same", "Same")),)), recipient=to) == [
        (305, f"{at}.buttons[0].reply.title"), (305, f"{at}.buttons[1].reply.title")]
    assert problems(wa, r.RichContent(conversation=(interactive(0, ("x" * 21,)),)), recipient=to) == [
        (305, f"{at}.buttons[0].reply.title")]


def card(header: str | None = "Title", n: int = 0) -> r.RichCard:
    return r.RichCard(header=header, text="d", suggestions=(reply(),) * n)


def test_google_rich_cards_and_carousels() -> None:
    gbm = ["Google Business Messages"]
    build(gbm, r.RichContent(conversation=(r.ConversationItem(carousel=r.Carousel(cards=(card(), card(n=4)))),)))
    at = f"{RC}.conversation[0].carousel.cards"
    assert problems(gbm, r.RichContent(conversation=(r.ConversationItem(carousel=r.Carousel(cards=(card(),))),))) == [(305, at)]
    assert problems(gbm, r.RichContent(conversation=(r.ConversationItem(carousel=r.Carousel(cards=(card(),) * 11)),))) == [(305, at)]
    assert problems(gbm, r.RichContent(conversation=(r.ConversationItem(carousel=r.Carousel(cards=(card(None), card(n=5)))),))) == [
        (305, f"{at}[0]"), (305, f"{at}[1].suggestions")]
    assert problems(gbm, r.RichContent(conversation=(r.ConversationItem(header="x" * 201, text="t"),))) == [
        (305, f"{RC}.conversation[0].header")]
    build(["Facebook Messenger"], r.RichContent(conversation=(r.ConversationItem(carousel=r.Carousel(cards=(card(),))),)))


def test_facebook_quick_replies() -> None:
    fb = ["Facebook Messenger"]
    build(fb, r.RichContent(conversation=(text(suggestions=(reply(),) * 6),), suggestions=(reply(),) * 5))
    assert (305, f"{RC}.suggestions") in problems(
        fb, r.RichContent(conversation=(text(suggestions=(reply(),) * 7),), suggestions=(reply(),) * 7))


def test_viber_items() -> None:
    viber = ["Viber"]
    to = "0031612345678"
    image = r.Media(media_uri="https://cm.com/a.png")
    go = r.Suggestion(action=A.OPEN_URL, label="Go", url="https://cm.com")
    build(viber, r.RichContent(conversation=(r.ConversationItem(media=image), text()), suggestions=(go,)), recipient=to)
    assert problems(viber, r.RichContent(conversation=(r.ConversationItem(media=image, text="t"),)), recipient=to) == [
        (305, f"{RC}.conversation[0]")]
    assert problems(viber, r.RichContent(conversation=(text(), r.ConversationItem(media=image)), suggestions=(go,)), recipient=to) == [
        (305, f"{RC}.conversation[1]")]


def test_rich_content_is_refused_by_xml_and_get() -> None:
    msg = Message(sender="CM", recipients=["0031612345678"], body="x", rich_content=r.RichContent(conversation=(text(),)))
    request = Request(product_token=TOKEN, messages=[msg])
    with pytest.raises(cmcore.PayloadError, match="rich content"):
        cmcore.build_xml(request)
    with pytest.raises(cmcore.PayloadError, match="POST"):
        cmcore.build_query(request)


def test_an_empty_body_only_without_sms() -> None:
    build(["WhatsApp"], r.RichContent(conversation=(text(),)), recipient="0031612345678")
    assert problems(["WhatsApp", "SMS"], r.RichContent(conversation=(text(),)), recipient="0031612345678") == [
        (304, "msg[0].body")]


def test_oauth2_secrets_stay_out_of_reprs() -> None:
    oauth = r.OAuth2(response_type="token", client_secret="s3cr3t-value", response_encryption_key="k3y-value")
    assert "s3cr3t-value" not in repr(oauth) and "k3y-value" not in repr(oauth)
    assert "s3cr3t-value" not in repr(r.ConversationItem(oauth2=oauth))

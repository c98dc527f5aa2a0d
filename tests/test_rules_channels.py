"""Channel rules of Google Business Messages, Apple Business Chat, Viber and Push, and the Dial
suggestion's number: for each rule a passing and a failing case that differ only in that
rule, with the spec section it comes from (CM spec, current edition unless said otherwise)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import cmcore
from cmcore import Channel, Message, Request
from cmcore import _rich as r
from cmcore._errors import Problems
from cmcore._rules import check_message

TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"
EXAMPLES = Path(__file__).parent / "data" / "spec" / "examples"
APP_KEY = "9b2f6d1e-3c4a-4f5b-8e7d-1a2b3c4d5e6f"
NOTIFIRE = "00000000-0000-0000-0000-000000000000"
A = r.SuggestionAction
RC = "msg[0].richContent"
C0 = f"{RC}.conversation[0]"
GBM, VIBER = ["Google Business Messages"], ["Viber"]
APPLE = ["Apple Business Chat", "Apple Messages for Business", "iMessage"]
UTC = timezone.utc


def message(channels: list[str], rich: r.RichContent | None = None, **fields: Any) -> Message:
    base: dict[str, Any] = {"sender": "CM", "recipients": ["0031612345678"], "body": "hi",
                            "allowed_channels": channels, "rich_content": rich}
    return Message(**{**base, **fields})


def request(*messages: Message) -> Request:
    return Request(product_token=cmcore.ProductToken(TOKEN), messages=messages)


def problems(channels: list[str], rich: r.RichContent | None = None, now: datetime | None = None,
             **fields: Any) -> list[tuple[int, str]]:
    """Every (code, location) that validate() finds; [] when the message passes."""
    try:
        cmcore.validate(request(message(channels, rich, **fields)), now=now)
    except cmcore.PayloadError as exc:
        assert TOKEN not in str(exc) and all(TOKEN not in e.message for e in exc.errors)
        return [(e.code, e.location) for e in exc.errors]
    return []


def error(channels: list[str], rich: r.RichContent | None = None, now: datetime | None = None,
          **fields: Any) -> cmcore.PayloadError:
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(request(message(channels, rich, **fields)), now=now)
    return info.value


def rich(*conversation: r.ConversationItem, suggestions: tuple[r.Suggestion, ...] = ()) -> r.RichContent:
    return r.RichContent(conversation=conversation, suggestions=suggestions)


def item(text: str | None = "hi", **kw: Any) -> r.ConversationItem:
    return r.ConversationItem(text=text, **kw)


def media(uri: str = "https://www.cm.com/cdn/web/blog/featured/cm-tablet.jpg", name: str | None = "cm-tablet.jpg",
          mime: str | None = "image/jpeg") -> r.Media:
    return r.Media(media_uri=uri, media_name=name, mime_type=mime)


# -- Google Business Messages ------------------------------------------------------------------

def test_gbm_takes_the_human_agent_tag_only() -> None:
    """"Google Business Messages", "Message Tags": "The following message tags are supported:
    HUMAN_AGENT"; Facebook Messenger's other tags are refused where GBM is listed."""
    assert problems(GBM, rich(item(tag="HUMAN_AGENT"))) == []
    assert problems(GBM, rich(item(tag="ACCOUNT_UPDATE"))) == [(305, f"{C0}.tag")]
    assert problems(["Facebook Messenger"], rich(item(tag="ACCOUNT_UPDATE"))) == []
    assert "takes only HUMAN_AGENT" in error(GBM, rich(item(tag="POST_PURCHASE_UPDATE"))).message


@pytest.mark.parametrize("mime", ["image/jpeg", "image/png", "IMAGE/PNG"])
def test_gbm_takes_jpeg_and_png_images(mime: str) -> None:
    """"Fact sheet", media: images: "Supported MIME types are image/jpeg, image/png"."""
    name = "photo.png" if "png" in mime.lower() else "photo.jpg"
    assert problems(GBM, rich(item(None, media=media(name=name, mime=mime)))) == []


@pytest.mark.parametrize("given, wire", [
    ({"mime": "image/gif", "name": "photo.gif"}, "mimeType"),  # "media: gifs no"
    ({"mime": "video/mp4", "name": "clip.mp4"}, "mimeType"),  # "media: video no"
    ({"mime": "application/pdf", "name": "a.pdf"}, "mimeType"),  # "media: document no"
    ({"mime": "image/webp", "name": "a.webp"}, "mimeType"),
    ({"mime": None, "name": "photo.gif"}, "mediaName"),  # no mimeType: the name's extension tells
    ({"mime": None, "name": None, "uri": "https://cm.com/clip.mp4"}, "mediaUri"),  # else the URI's
])
def test_gbm_refuses_other_media(given: dict[str, Any], wire: str) -> None:
    """"Fact sheet": gifs, video, audio and documents: no; images of image/jpeg or image/png."""
    assert problems(GBM, rich(item(None, media=media(**given)))) == [(305, f"{C0}.media.{wire}")]


def test_gbm_media_type_untold_passes() -> None:
    """Where neither mimeType, name nor URI tells the type, nothing is refused for it."""
    assert problems(GBM, rich(item(None, media=r.Media(media_uri="https://cm.com/image?id=3")))) == []


def test_gbm_card_media_are_images_too() -> None:
    """"Rich card": "Media: Jpg, jpeg or png"."""
    def card(m: r.Media) -> r.RichCard:
        return r.RichCard(header="Title", text="d", media=m)
    good = rich(item(None, carousel=r.Carousel(cards=(card(media()), card(media())))))
    bad = rich(item(None, carousel=r.Carousel(cards=(card(media()), card(media(name="a.gif", mime="image/gif"))))))
    assert problems(GBM, good) == []
    assert problems(GBM, bad) == [(305, f"{C0}.carousel.cards[1].media.mimeType")]


def test_gbm_media_name_ends_in_its_extension() -> None:
    """"Fact sheet", media: "Media name attribute should end in the proper file extension"."""
    assert problems(GBM, rich(item(None, media=media(name="cm-tablet.jpg")))) == []
    assert problems(GBM, rich(item(None, media=media(name="cm-tablet")))) == [(305, f"{C0}.media.mediaName")]
    assert problems(GBM, rich(item(None, media=media(name="cm-tablet.png")))) == [(305, f"{C0}.media.mediaName")]


def test_gbm_rich_card_description_up_to_2000() -> None:
    """"Rich card": "Description: Maximum 2000 characters": an item with a header is a rich
    card and its text is the description, not a text message of at most 1,500 ("Fact sheet")."""
    assert problems(GBM, rich(item("d" * 2000, header="Contact options"))) == []
    assert problems(GBM, rich(item("d" * 2001, header="Contact options"))) == [(305, f"{C0}.text")]
    assert problems(GBM, rich(item("d" * 1501))) == [(305, f"{C0}.text")]  # no header: a text message


def test_gbm_rich_card_example_with_a_long_description() -> None:
    """The spec's "Direct message rich card content with reply suggestion", its description
    1,800 characters long: a card, so it passes."""
    raw = EXAMPLES / "current-53-line2995.json"
    doc = json.loads(raw.read_text(encoding="utf-8").replace("Your product token", TOKEN))
    doc["messages"]["msg"][0]["richContent"]["conversation"][0]["text"] = "d" * 1800
    cmcore.validate(cmcore.load_json(json.dumps(doc)))


# -- Apple Business Chat -----------------------------------------------------------------------

OPEN = r.Suggestion(action=A.OPEN_URL, label="CM.com", url="https://www.cm.com/products/talk/")


@pytest.mark.parametrize("channel", APPLE)
def test_apple_suggestions_go_inside_the_item(channel: str) -> None:
    """"Apple Business Chat", "Suggestions": "included inside the conversation item, instead of
    at the richContent level as with RCS and Viber"."""
    assert problems([channel], rich(item(suggestions=(OPEN,)))) == []
    assert problems([channel], rich(item(), suggestions=(OPEN,))) == [(305, f"{RC}.suggestions")]
    assert "conversation[i].suggestions" in error([channel], rich(item(), suggestions=(OPEN,))).message


@pytest.mark.parametrize("channel", APPLE)
def test_apple_media_names_end_in_their_extension(channel: str) -> None:
    """"Media messages": "The media name attribute should end in the proper file extension";
    "MediaName: The filename of the file, including file extension"; suggestion media too."""
    assert problems([channel], rich(item(None, media=media(name="conversational-commerce.jpg")))) == []
    assert problems([channel], rich(item(None, media=media(name="conversational-commerce")))) == [
        (305, f"{C0}.media.mediaName")]
    with_media = r.Suggestion(action=A.OPEN_URL, label="CM", url="https://www.cm.com", media=media(name="cm-com"))
    assert problems([channel], rich(item(suggestions=(with_media,)))) == [(305, f"{C0}.suggestions[0].media.mediaName")]


def test_apple_media_name_rule_only_where_listed() -> None:
    """A media name without extension is Apple's concern only where Apple is listed."""
    assert problems([], rich(item(None, media=media(name="conversational-commerce")))) == []


# The spec's "Time and date picker" example, as printed (slots of February 2020).
TIME_PICKER_EXAMPLE = """{"conversation": [{"text": "Click here to pick a time.", "timePicker": {
    "label": "Appointment at CM HQ",
    "location": {"latitude": "51.603802", "longitude": "4.770821", "label": "CM HQ"},
    "options": [{"startTime": "2020-02-21T09:00", "endTime": "2020-02-21T10:00"},
                {"startTime": "2020-02-22T09:00", "endTime": "2020-02-22T10:00"},
                {"startTime": "2020-02-23T09:00", "endTime": "2020-02-23T10:00"}]}}]}"""
SLOTS = f"{C0}.timePicker.options"


def example_picker() -> r.RichContent:
    return cmcore.load_rich_content(json.loads(TIME_PICKER_EXAMPLE))


@pytest.mark.parametrize("channels", [["Apple Business Chat"], []])
def test_time_picker_example_passes_in_its_own_time(channels: list[str]) -> None:
    """"Time and date picker": "Note that the start time must always be in the future": the
    example passes the day before its slots, and its first slot fails once it has begun (its
    times have no offset: 09:00 Europe/Amsterdam, 08:00 UTC). Apple owns the time picker: the
    rule holds where no channel is listed too."""
    assert problems(channels, example_picker(), now=datetime(2020, 2, 20, tzinfo=UTC)) == []
    assert problems(channels, example_picker(), now=datetime(2020, 2, 21, 8, 0, tzinfo=UTC)) == [
        (305, f"{SLOTS}[0].startTime")]
    assert problems(channels, example_picker(), now=datetime(2020, 2, 21, 7, 59, 59, tzinfo=UTC)) == []


def test_time_picker_past_slot_error_names_the_time_and_now() -> None:
    """The error names the field, the value, the rule and the fix."""
    message = error(APPLE[:1], example_picker(), now=datetime(2020, 2, 22, 12, tzinfo=UTC)).message
    assert "'2020-02-21T09:00'" in message and "2020-02-21T09:00:00+01:00" in message
    assert "must always be in the future" in message and "2020-02-22T12:00:00+00:00" in message


def slot(start: str, end: str = "2030-01-01T10:00") -> r.RichContent:
    return rich(item(time_picker=r.TimePicker(options=(r.TimeSlot(start_time=start, end_time=end),))))


NOW = datetime(2029, 12, 31, 12, tzinfo=UTC)


@pytest.mark.parametrize("start, now", [
    ("2030-01-01T09:00Z", datetime(2030, 1, 1, 8, 59, tzinfo=UTC)),
    ("2030-01-01T09:00+02:00", datetime(2030, 1, 1, 6, 59, tzinfo=UTC)),
    ("2030-07-01T09:00", datetime(2030, 7, 1, 6, 59, tzinfo=UTC)),  # summer: CEST, UTC+2
    ("2030-01-01T09:00", datetime(2030, 1, 1, 7, 59, tzinfo=UTC)),  # winter: CET, UTC+1
])
def test_time_picker_offsets_and_amsterdam_time(start: str, now: datetime) -> None:
    """A time with Z or an offset is that moment; without one, Europe/Amsterdam (CE(S)T), as
    CM reads times ("Validity period": "If no time zone was specified, CE(S)T will be used")."""
    assert problems(APPLE[:1], slot(start, "2030-12-31T10:00"), now=now) == []
    assert problems(APPLE[:1], slot(start, "2030-12-31T10:00"), now=now + timedelta(minutes=1)) == [
        (305, f"{SLOTS}[0].startTime")]


@pytest.mark.parametrize("text", ["2030-01-01T09:00", "2030-01-01T09:00:30", "2030-01-01T09:00:30.1234567",
                                  "2030-01-01T09:00Z", "2030-01-01T09:00:00-07:00"])
def test_time_picker_times_in_forms_the_gateway_reads(text: str) -> None:
    """"Time and date picker": ISO 8601 as the example writes it ("2020-02-21T09:00"), with
    seconds and an offset as "Create Calendar Event" and "Validity period" write them."""
    assert problems(APPLE[:1], slot(text, text), now=NOW) == []


@pytest.mark.parametrize("text", ["2030-01-01 09:00", "01-01-2030T09:00", "2030-01-01T09", "2030-13-01T09:00",
                                  "2030-01-01T09:00+24:00", "2030-01-01T09:00 GMT", "tomorrow", "",
                                  "\u0662\u0660\u0663\u0660-01-01T09:00"])
def test_time_picker_times_in_other_forms_are_refused(text: str) -> None:
    """Forms the spec does not write (a space, a day first, no minutes, a zone name, other
    digits) and moments that do not exist are refused, start and end alike."""
    assert problems(APPLE[:1], slot(text, text), now=NOW) == [(305, f"{SLOTS}[0].startTime"),
                                                             (305, f"{SLOTS}[0].endTime")]
    assert "ISO 8601" in error(APPLE[:1], slot(text), now=NOW).message


def test_time_picker_needs_slots() -> None:
    """"Time and date picker": "an options array containing the suggested date and time slots
    for the user to pick from"."""
    assert problems([], slot("2030-01-01T09:00"), now=NOW) == []
    empty = rich(item(time_picker=r.TimePicker(options=())))
    assert problems([], empty, now=NOW) == [(305, f"{C0}.timePicker.options")]


# The spec's "List picker" example, as printed.
LIST_PICKER_EXAMPLE = EXAMPLES / "current-35-line1623.json"
PICKER = f"{C0}.listpicker"


def list_picker(*options: r.ListPickerOption, picker_media: r.Media | None = None) -> r.RichContent:
    return rich(item("Magic trick", list_picker=r.ListPicker(label="Please, pick a card", options=options,
                                                             media=picker_media)))


@pytest.mark.parametrize("channels", [["Apple Business Chat"], []])
def test_list_picker_example_passes(channels: list[str]) -> None:
    """"List picker": the spec's example, its media without names, wherever it appears."""
    picker = cmcore.load_rich_content(json.loads(LIST_PICKER_EXAMPLE.read_text(encoding="utf-8")))
    assert problems(channels, picker) == []


@pytest.mark.parametrize("channels", [["Apple Business Chat"], []])
def test_list_picker_needs_options(channels: list[str]) -> None:
    """"List picker": a button that "presents a list of options to the users"."""
    assert problems(channels, list_picker(r.ListPickerOption(label="Ace of Hearts"))) == []
    assert problems(channels, list_picker()) == [(305, f"{PICKER}.options")]


@pytest.mark.parametrize("channels", [["Apple Business Chat"], []])
def test_list_picker_media_are_thumbnail_images(channels: list[str]) -> None:
    """"List picker": "These lists can have labels and a media thumbnail": an image."""
    ace = r.ListPickerOption(label="Ace", media=r.Media(media_uri="https://cm.com/ace.png"))
    clip = r.ListPickerOption(label="Ace", media=r.Media(media_uri="https://cm.com/ace.mp4"))
    assert problems(channels, list_picker(ace)) == []
    assert problems(channels, list_picker(clip)) == [(305, f"{PICKER}.options[0].media.mediaUri")]
    assert problems(channels, list_picker(ace, picker_media=media(name="deck.mov", mime="video/quicktime"))) == [
        (305, f"{PICKER}.media.mimeType")]


@pytest.mark.parametrize("channels", [["Apple Business Chat"], []])
def test_list_picker_media_names_end_in_their_extension(channels: list[str]) -> None:
    """"Media messages": the name's extension, for the list picker's media wherever it is."""
    def ace(name: str) -> r.ListPickerOption:
        return r.ListPickerOption(label="Ace", media=r.Media(media_uri="https://cm.com/a", media_name=name))
    assert problems(channels, list_picker(ace("ace.png"))) == []
    assert problems(channels, list_picker(ace("ace"))) == [(305, f"{PICKER}.options[0].media.mediaName")]


# -- Viber -------------------------------------------------------------------------------------

FUTURE = r.TimePicker(options=(r.TimeSlot(start_time="2999-01-01T09:00", end_time="2999-01-01T10:00"),))


@pytest.mark.parametrize("field, wire, value", [
    ("header", "header", "Title"),
    ("location", "location", r.Location(latitude="51.603802", longitude="4.770821", label="CM HQ")),
    ("contacts", "contacts", (r.Contact(name=r.ContactName(formatted_name="CM.com", first_name="CM")),)),
    ("list_picker", "listpicker", r.ListPicker(label="Pick", options=(r.ListPickerOption(label="A"),))),
    ("time_picker", "timePicker", FUTURE),
    ("oauth2", "oauth2", r.OAuth2(response_type="token")),
    ("carousel", "carousel", r.Carousel(cards=(r.RichCard(header="a"), r.RichCard(header="b")))),
])
def test_viber_takes_text_and_images_only(field: str, wire: str, value: Any) -> None:
    """"Viber": "Viber supports the conversation items: text and media (images only)"."""
    assert problems(VIBER, rich(item())) == []
    assert problems(VIBER, rich(item(**{field: value}))) == [(305, f"{C0}.{wire}")]


@pytest.mark.parametrize("given, wire", [
    ({"mime": "video/mp4", "name": "clip.mp4"}, "mimeType"),
    ({"mime": "application/pdf", "name": "a.pdf"}, "mimeType"),
    ({"mime": None, "name": "clip.mp4"}, "mediaName"),
])
def test_viber_media_are_images(given: dict[str, Any], wire: str) -> None:
    """"Viber": "media (images only)"; the older edition: "text, images and URLs"."""
    assert problems(VIBER, rich(item(None, media=media(name="viber-example.png", mime="image/PNG")), item())) == []
    assert problems(VIBER, rich(item(None, media=media(**given)), item())) == [(305, f"{C0}.media.{wire}")]


def viber_request(channels: list[str]) -> Request:
    return request(message(["SMS"]), message(channels))


def test_viber_goes_to_gw_cmtelecom_com_only() -> None:
    """"Viber": "NOTE: For now, always use API endpoint gw.cmtelecom.com when using Viber"."""
    assert cmcore.json_request(viber_request(["Viber"])).url == cmcore.JSON_ENDPOINT
    assert cmcore.json_request(viber_request(["Viber"]), endpoint="https://GW.cmtelecom.com/v1.0/message")
    for endpoint in (cmcore.JSON_ENDPOINT_SOUTH_AFRICA, cmcore.JSON_ENDPOINT_CHINA, cmcore.JSON_ENDPOINT_HONG_KONG):
        assert cmcore.json_request(viber_request(["SMS"]), endpoint=endpoint).url == endpoint
        with pytest.raises(cmcore.PayloadError) as info:
            cmcore.json_request(viber_request(["Viber", "SMS"]), endpoint=endpoint)
        assert [(e.code, e.location) for e in info.value.errors] == [(305, "msg[1].allowedChannels[0]")]
        assert "gw.cmtelecom.com" in info.value.message and "JSON_ENDPOINT" in info.value.message
        assert TOKEN not in str(info.value)


def test_viber_endpoint_reads_loaded_channel_names() -> None:
    """A loaded payload's channel names, in any case, are the gateway's ("viber")."""
    raw = json.dumps({"messages": {"authentication": {"producttoken": TOKEN}, "msg": [{
        "from": "CM", "to": [{"number": "0031612345678"}], "body": {"content": "hi"}, "allowedChannels": ["viber"]}]}})
    with pytest.raises(cmcore.PayloadError, match="Viber is sent only through"):
        cmcore.json_request(cmcore.load_json(raw), endpoint=cmcore.JSON_ENDPOINT_SOUTH_AFRICA)


# -- Push / MobilePush -------------------------------------------------------------------------

PUSH = [["Push"], ["MobilePush"], ["MobilePush", "SMS"]]


@pytest.mark.parametrize("channels", PUSH)
def test_push_needs_an_app_key(channels: list[str]) -> None:
    """"Push", "Sending a message": "a unique sender id called a channel account id to use in
    the dedicated appkey field"; older "Push": "the App Key is needed in the request"."""
    def found(**fields: Any) -> list[tuple[int, str]]:
        p = Problems()
        check_message(message(channels, **fields), "msg[0]", tuple(Channel(c) for c in channels), p,
                      now=datetime.now(UTC))
        return [(e.code, e.location) for e in p]
    assert found(app_key=APP_KEY) == []
    assert found() == [(305, "msg[0].appKey")]
    assert problems(channels, app_key=APP_KEY, validity="2h") == []
    assert problems(channels, validity="2h") == [(305, "msg[0].appKey")]


def test_a_plain_push_message_needs_an_app_key_too() -> None:
    """validate()'s one-pass screen leaves a message listing Push or MobilePush to the rules."""
    assert problems(["MobilePush"], app_key=APP_KEY) == []
    assert problems(["MobilePush"]) == [(305, "msg[0].appKey")]
    assert problems(["Push", "SMS"]) == [(305, "msg[0].appKey")]


@pytest.mark.parametrize("key", [NOTIFIRE, APP_KEY, APP_KEY.upper()])
def test_push_app_key_is_a_channel_account_id(key: str) -> None:
    """"Sending a message": "If you want to make use of Notifire, you must provide an empty
    UUID as your channel account id: 00000000-0000-0000-0000-000000000000"."""
    assert problems(["MobilePush"], app_key=key) == []


@pytest.mark.parametrize("key", ["Your channel account", APP_KEY.replace("-", ""), "{" + APP_KEY + "}",
                                 " " + APP_KEY, APP_KEY[:-1] + "g"])
def test_push_app_key_of_another_form_is_refused(key: str) -> None:
    """The channel account id in the spec's form (8-4-4-4-12 hexadecimal digits); its value is
    not shown ("should never be incorporated into webpages or open-source software")."""
    assert problems(["MobilePush"], app_key=key) == [(305, "msg[0].appKey")]
    message = error(["MobilePush"], app_key=key).message
    assert key.strip("{} ") not in message and "8-4-4-4-12" in message


@pytest.mark.parametrize("channels", PUSH)
def test_push_is_text_only(channels: list[str]) -> None:
    """"Push", "Fact sheet": "Push is a simple, text-only channel": "rich text no", "media no"."""
    picture = rich(item(None, media=media()))
    assert problems(channels, app_key=APP_KEY) == []
    assert problems(channels, picture, app_key=APP_KEY) == [(305, "msg[0].richContent")]


def test_push_with_a_rich_fallback_keeps_its_rich_content() -> None:
    """"Channel fallback": listed with WhatsApp, the rich content is WhatsApp's, the body Push's."""
    assert problems(["WhatsApp", "MobilePush"], rich(item(None, media=media())), app_key=APP_KEY) == []


@pytest.mark.parametrize("channels", PUSH)
def test_push_body_of_about_4_kb_at_most(channels: list[str]) -> None:
    """"Push", "Fact sheet": "messages have a maximum size of ~4Kb": 4096 bytes of UTF-8."""
    assert problems(channels, body="x" * 4096, app_key=APP_KEY) == []
    assert problems(channels, body="x" * 4097, app_key=APP_KEY) == [(304, "msg[0].body")]
    euro = "\u20ac" * 1366  # 1,366 characters, 4,098 bytes
    assert problems(channels, body=euro[:-1], app_key=APP_KEY) == []
    assert problems(channels, body=euro, app_key=APP_KEY) == [(304, "msg[0].body")]
    assert "4098 bytes" in error(channels, body=euro, app_key=APP_KEY).message


def test_push_rules_only_where_push_is_listed() -> None:
    assert problems(["SMS"], body="x" * 4097, app_key="not a uuid") == []


# -- Dial --------------------------------------------------------------------------------------

def dial(number: str) -> r.RichContent:
    call = r.Suggestion(action=A.DIAL, label="Call us", postback_data="call", dial=r.Dial(phone_number=number))
    return rich(item(), suggestions=(call,))


@pytest.mark.parametrize("number", ["+31765727000", "+310612345", "+31 76 572 7000", "+1-201-555-0123",
                                    "+1.201.555.0123", "+44 (0)20 7946 0000", "+123456789012345"])
def test_dial_number_in_international_format(number: str) -> None:
    """"Dial": "PhoneNumber: The number to call (in international format)": "+", country code
    and number (E.123; RFC 3966's separators). The spec's own "+310612345" passes: the
    format is asked for, not a number assigned in its country."""
    assert problems(["RCS"], dial(number)) == []


@pytest.mark.parametrize("number", ["0031765727000", "0765727000", "31765727000", "+999123", "+31", "+",
                                    "+1234567890123456", "tel:+31765727000", " +31765727000", "+31 76 572 7000 ext 3",
                                    "+31-", "+\u0663\u0661765727000", ""])
def test_dial_number_in_another_format_is_refused(number: str) -> None:
    """00 instead of +, national forms, no country code phonenumbers knows, more than 15 digits
    (E.164), a URI, spaces around, letters, other digits: not international format."""
    assert problems(["RCS"], dial(number)) == [(305, f"{RC}.suggestions[0].dial.phoneNumber")]
    message = error(["RCS"], dial(number)).message
    assert "international format" in message and "Dial" in message


def test_dial_rule_holds_wherever_a_dial_is() -> None:
    """A rule of the dial object itself ("Suggestions/Features"): on every channel."""
    assert problems([], dial("+31765727000")) == []
    assert problems([], dial("0765727000")) == [(305, f"{RC}.suggestions[0].dial.phoneNumber")]

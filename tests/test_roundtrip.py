"""Property: a random valid request survives build -> load -> build unchanged, rich content too."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import Message, Request
from cmcore import _rich as r

from conftest import examples

TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"
NUMBERS = ["0031612345678", "00447911123456", "0031765727000", "0032470123456", "00491701234567"]
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
names = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"), min_size=1, max_size=32)
media = st.builds(r.Media, media_uri=st.just("https://cm.com/x.jpg"), media_name=st.none() | words,
                  mime_type=st.none() | st.just("image/jpeg"))
location = st.builds(r.Location, latitude=st.floats(-90, 90) | st.just("51.603802"),
                     longitude=st.floats(-180, 180) | st.just("4.770821"), label=st.none() | words)
contact = st.builds(r.Contact, name=st.builds(r.ContactName, formatted_name=words, last_name=words),
                    phones=st.lists(st.builds(r.ContactPhone, phone=st.sampled_from(NUMBERS)), max_size=2).map(tuple))
item = st.one_of(
    st.builds(r.ConversationItem, text=words),
    st.builds(r.ConversationItem, media=media),
    st.builds(r.ConversationItem, location=location),
    st.builds(r.ConversationItem, contacts=st.lists(contact, min_size=1, max_size=2).map(tuple)),
)
rcs_suggestion = st.one_of(
    st.builds(r.Suggestion, action=st.just(r.SuggestionAction.REPLY), label=words, postback_data=st.none() | words),
    st.builds(r.Suggestion, action=st.just(r.SuggestionAction.OPEN_URL), label=words, url=st.just("https://cm.com")),
    st.builds(r.Suggestion, action=st.just(r.SuggestionAction.DIAL), label=words,
              dial=st.builds(r.Dial, phone_number=st.just("+31765727000"))),
)
rich = st.builds(r.RichContent, conversation=st.lists(item, min_size=1, max_size=3).map(tuple),
                 suggestions=st.lists(rcs_suggestion, max_size=4).map(tuple))
message = st.builds(
    Message, sender=st.sampled_from(["CM Telecom", "0031612345678", "Shop"]),
    recipients=st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=3).map(tuple),
    body=st.text(st.sampled_from(sorted(cmcore._gsm7.BASIC)), min_size=1, max_size=300),
    reference=st.none() | names, custom_grouping=st.none() | words, validity=st.none() | st.sampled_from(["2h", "30m"]),
    allowed_channels=st.sampled_from([(), ("SMS",), ("RCS", "SMS"), ("RCS",)]),
    rich_content=st.none() | rich,
).filter(lambda m: m.rich_content is None or "RCS" in m.allowed_channels)
# Minimum and maximum parts "always used together" (the older edition): both or neither.
message = st.builds(lambda m, parts: m if parts is None else dataclasses.replace(m, min_parts=parts[0], max_parts=parts[1]),
                    message, st.sampled_from([None, (1, 8)]))


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(message, min_size=1, max_size=4))
def test_build_load_build_is_stable(messages: list[Message]) -> None:
    request = Request(product_token=TOKEN, messages=messages)
    built = cmcore.build_json(request)
    again = cmcore.load_json(built)
    assert cmcore.build_json(again) == built
    assert again == cmcore.validate(request)

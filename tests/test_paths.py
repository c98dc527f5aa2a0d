"""Every PayloadError names its place twice: in the gateway's keys (.location) and in the
model's attribute names (.field), so that a caller finds the field they set."""

from __future__ import annotations

import pickle

import pytest

import cmcore
from cmcore import Message, Request
from cmcore._paths import python_path

TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"


@pytest.mark.parametrize("location, field", [
    ("msg[0].maximumNumberOfMessageParts", "messages[0].max_parts"),
    ("msg[3].from", "messages[3].sender"),
    ("msg[1].to[2]", "messages[1].recipients[2]"),
    ("msg[0].to[0].number", "messages[0].recipients[0]"),
    ("msg[0].body.type", "messages[0].body_type"),
    ("msg[0].body.content", "messages[0].body"),
    ("msg[0].allowedChannels[1]", "messages[0].allowed_channels[1]"),
    ("msg[0].customGrouping2", "messages[0].custom_grouping2"),
    ("authentication.productToken", "product_token"),
    ("msg[0].richContent.conversation[0].listPicker.options[1].title",
     "messages[0].rich_content.conversation[0].list_picker.options[1].title"),
    ("msg[0].richContent.suggestions[0].postbackdata", "messages[0].rich_content.suggestions[0].postback_data"),
    ("msg[0].richContent.conversation[0].template.whatsapp.components[0].sub_type",
     "messages[0].rich_content.conversation[0].template.whatsapp.components[0].sub_type"),
    ("msg[0].richContent.conversation[0].bogusKey", "messages[0].rich_content.conversation[0].bogusKey"),
])
def test_a_wire_location_in_the_model_names(location: str, field: str) -> None:
    assert python_path(location) == field


@pytest.mark.parametrize("location", ["msg", "msg[2]", "body", "msg[0].dcs", "msg[0].reference"])
def test_where_the_names_are_the_same_there_is_no_second_name(location: str) -> None:
    assert python_path(location) in ("", location.replace("msg", "messages"))


def test_validate_gives_both_and_the_message_shows_both() -> None:
    request = Request(product_token=TOKEN, messages=[Message(sender="CM", recipients=["0031612345678"], body="hi",
                                                             min_parts=1, max_parts=300)])
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(request)
    error = info.value
    assert (error.location, error.field) == ("msg[0].maximumNumberOfMessageParts", "messages[0].max_parts")
    assert str(error).startswith("msg[0].maximumNumberOfMessageParts (messages[0].max_parts): ")
    again = pickle.loads(pickle.dumps(error))
    assert (again.location, again.field, again.code) == (error.location, error.field, error.code)

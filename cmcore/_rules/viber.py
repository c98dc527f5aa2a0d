"""Viber's rules (CM spec, "Viber"), where the message lists it: conversation items of text and
images only, not both in one item, a text item last when there are suggestions; and, for the
transport's request, its one endpoint (``check_endpoint``).

The older edition's "sending an image and text in a single request is not supported" is the
current edition's "within a single conversation item"; the current edition stands.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from cmcore._errors import Problems, shown
from cmcore._models import Channel, Message, Request
from cmcore._rich import ConversationItem
from cmcore._rules._media import media_type, told
from cmcore._rules._scope import Scope, items, rich_of, suggestions

#: "Viber": "For now, always use API endpoint gw.cmtelecom.com when using Viber".
HOST = "gw.cmtelecom.com"
# What a conversation item may hold besides text and media, with its wire key: Viber takes none.
_OTHER = (("header", "header"), ("location", "location"), ("contacts", "contacts"), ("template", "template"),
          ("interactive", "interactive"), ("list_picker", "listpicker"), ("time_picker", "timePicker"),
          ("oauth2", "oauth2"), ("carousel", "carousel"))


def _item(item: ConversationItem, where: str, p: Problems) -> None:
    """"Viber supports the conversation items: text and media (images only)"."""
    for name, wire in _OTHER:
        if getattr(item, name):
            p.add(f"{wire} in a conversation item: Viber takes text and images only ('Viber supports the "
                  "conversation items: text and media (images only)'); put it in the text, or send it on "
                  "another channel", 305, f"{where}.{wire}")
    found = None if item.media is None else media_type(item.media)
    if found is not None and not found[0].startswith("image/"):
        p.add(f"{told(found)}: Viber takes images only ('media (images only)'); send an image, or a link to "
              "the file in the text", 305, f"{where}.media.{found[1]}")


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Viber's rules for ``msg``, where it is listed."""
    rich, where = rich_of(msg, where)
    if rich is None or not scope.on(Channel.VIBER):
        return
    for item, at in items(rich, where):
        _item(item, at, p)
        if item.media is not None and item.text:
            # "Sending an image and text within a single conversation item is not supported"
            p.add("Viber takes image and text in separate conversation items", 305, at)
    if rich.conversation and not rich.conversation[-1].text and any(True for _ in suggestions(rich, where)):
        # "the last conversation item in your conversations array should be a text conversation item"
        p.add("with suggestions on Viber, the last conversation item must be text", 305,
              f"{where}.conversation[{len(rich.conversation) - 1}]")


def _host(endpoint: str) -> str | None:
    try:
        return urlsplit(endpoint).hostname
    except ValueError:  # not a URL urllib reads
        return None


def check_endpoint(request: Request, endpoint: str) -> None:
    """"Viber": "For now, always use API endpoint gw.cmtelecom.com when using Viber": raise a
    ``PayloadError`` (305) for each message that lists Viber when ``endpoint`` is another."""
    host = _host(endpoint) if isinstance(endpoint, str) else None
    if host == HOST:
        return
    p = Problems()
    for i, msg in enumerate(request.messages):
        for j, channel in enumerate(msg.allowed_channels):
            if isinstance(channel, str) and channel.casefold() == Channel.VIBER.value.casefold():
                p.add(f"Viber is sent only through {HOST} ('Viber': 'For now, always use API endpoint "
                      f"gw.cmtelecom.com when using Viber'), not {shown(host, 60)}: send to "
                      "cmcore.JSON_ENDPOINT, or send this message in a request of its own",
                      305, f"msg[{i}].allowedChannels[{j}]")
    p.raise_any(secret=request.product_token.reveal())

"""Google Business Messages' rules (CM spec, "Google Business Messages"), where the message
lists it: the text limit ("Fact sheet", text messages: 1,500 characters; a rich card's text is
its description, "Rich card": 2,000), message tags ("Message Tags": HUMAN_AGENT only), media
("Fact sheet", media: images of image/jpeg or image/png, names ending in the proper file
extension; "Rich card": "Jpg, jpeg or png"), rich cards and carousels.

This module owns the text limit of conversation items on Google Business Messages, which
``_common`` leaves to it, since an item with a ``header`` is a rich card.
"""

from __future__ import annotations

from typing import get_args

from cmcore._errors import Problems
from cmcore._models import Message
from cmcore._rich import ConversationItem, Media, MessageTag, RichCard
from cmcore._rules._common import TEXT_LIMITS
from cmcore._rules._extensions import EXTENSIONS, check_name
from cmcore._rules._media import media_type, told
from cmcore._rules._scope import GBM, Scope, items, rich_of

#: "Fact sheet", media: images: "Supported MIME types are image/jpeg, image/png".
IMAGE_TYPES = ("image/jpeg", "image/png")
_IMAGE_EXTENSIONS = tuple(ext for mime in IMAGE_TYPES for ext in EXTENSIONS[mime])
#: "Message Tags": "The following message tags are supported: HUMAN_AGENT".
TAGS = ("HUMAN_AGENT",)
_KNOWN_TAGS = frozenset(get_args(MessageTag))  # any other value is refused by validate() already
MAX_DESCRIPTION = 2000


def _card(card: RichCard | ConversationItem, where: str, p: Problems) -> None:
    """"Rich card": media or title; title 200, description 2000, 4 suggestions."""
    if card.media is None and not card.header:
        p.add("a rich card needs media or a title (header)", 305, where)
    if card.header and len(card.header) > 200:
        p.add(f"rich card title of {len(card.header)} characters; at most 200", 305, f"{where}.header")
    if card.text and len(card.text) > MAX_DESCRIPTION:
        p.add(f"rich card description (text) of {len(card.text)} characters; Google Business Messages takes at "
              f"most {MAX_DESCRIPTION} ('Rich card')", 305, f"{where}.text")
    if len(card.suggestions) > 4:
        p.add(f"{len(card.suggestions)} suggestions on a rich card; at most 4", 305, f"{where}.suggestions")


def _item(item: ConversationItem, where: str, p: Problems) -> None:
    """"Fact sheet", text messages: 1,500 characters ("Rich card": a card's is 2,000);
    "Message Tags": HUMAN_AGENT only."""
    limit = TEXT_LIMITS[GBM]
    if item.header is None and item.text and len(item.text) > limit:
        p.add(f"text of {len(item.text)} characters; Google Business Messages takes at most {limit} "
              "('Fact sheet'), a rich card's description (an item with a header) 2000", 305, f"{where}.text")
    if item.tag in _KNOWN_TAGS and item.tag not in TAGS:
        p.add(f"message tag {item.tag!r}: Google Business Messages takes only {', '.join(TAGS)} "
              "('Message Tags'); leave the tag out, or send it to Facebook Messenger alone", 305, f"{where}.tag")


def _media(media: Media, where: str, p: Problems) -> None:
    """"Fact sheet", media: JPEG and PNG images only (no GIF, video, audio or document), the
    name ending in the proper file extension."""
    found = media_type(media)
    if found is not None and found[0] not in IMAGE_TYPES:
        p.add(f"{told(found)}: Google Business Messages takes only images of "
              f"{' or '.join(IMAGE_TYPES)} ('Fact sheet', media); convert it, or send it on another channel",
              305, f"{where}.{found[1]}")
        return
    check_name(media, where, "Google Business Messages", p, _IMAGE_EXTENSIONS)


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Google Business Messages' rules for ``msg``, where it is listed."""
    rich, where = rich_of(msg, where)
    if rich is None or not scope.on(GBM):
        return
    for item, at in items(rich, where):
        _item(item, at, p)
        if item.header is not None:
            _card(item, at, p)
        if item.media is not None:
            _media(item.media, f"{at}.media", p)
        if item.carousel is not None:
            # "Rich card carousel": 2 to 10 cards.
            if len(item.carousel.cards) < 2:
                p.add(f"{len(item.carousel.cards)} cards; a carousel holds 2 to 10", 305, f"{at}.carousel.cards")
            for k, card in enumerate(item.carousel.cards):
                _card(card, f"{at}.carousel.cards[{k}]", p)
                if card.media is not None:
                    _media(card.media, f"{at}.carousel.cards[{k}].media", p)

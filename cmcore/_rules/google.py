"""Google Business Messages' rules (CM spec, "Google Business Messages"), where the message
lists it."""

from __future__ import annotations

from cmcore._errors import Problems
from cmcore._models import Message
from cmcore._rich import ConversationItem, RichCard
from cmcore._rules._scope import GBM, Scope, items, rich_of


def _card(card: RichCard | ConversationItem, where: str, p: Problems) -> None:
    """"Rich card": media or title; title 200, description 2000, 4 suggestions."""
    if card.media is None and not card.header:
        p.add("a rich card needs media or a title (header)", 305, where)
    if card.header and len(card.header) > 200:
        p.add(f"rich card title of {len(card.header)} characters; at most 200", 305, f"{where}.header")
    if card.text and len(card.text) > 2000:
        p.add(f"rich card description of {len(card.text)} characters; at most 2000", 305, f"{where}.text")
    if len(card.suggestions) > 4:
        p.add(f"{len(card.suggestions)} suggestions on a rich card; at most 4", 305, f"{where}.suggestions")


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Google Business Messages' rules for ``msg``, where it is listed."""
    rich, where = rich_of(msg, where)
    if rich is None or not scope.on(GBM):
        return
    for item, at in items(rich, where):
        if item.header is not None:
            _card(item, at, p)
        if item.carousel is not None:
            # "Rich card carousel": 2 to 10 cards.
            if len(item.carousel.cards) < 2:
                p.add(f"{len(item.carousel.cards)} cards; a carousel holds 2 to 10", 305, f"{at}.carousel.cards")
            for k, card in enumerate(item.carousel.cards):
                _card(card, f"{at}.carousel.cards[{k}]", p)

"""Which channel rules apply to one message, and what they share: its ``Scope``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from cmcore._models import Channel, Message
from cmcore._rich import ConversationItem, RichCard, RichContent, Suggestion

APPLE = frozenset({Channel.APPLE_BUSINESS_CHAT, Channel.APPLE_MESSAGES_FOR_BUSINESS, Channel.IMESSAGE})
FB, IG, GBM, TW = Channel.FACEBOOK_MESSENGER, Channel.INSTAGRAM, Channel.GOOGLE_BUSINESS_MESSAGES, Channel.TWITTER


@dataclass(frozen=True, slots=True)
class Scope:
    """One message's channels, as the rules read them.

    ``listed``: the gateway's channels in ``allowedChannels``; empty when the message lists
    none (then it may go out on any channel the account has, and only the rules that hold on
    every channel, and those of the objects a channel owns, apply). ``now``: the moment that
    times in the message are held to (validity, Apple time picker slots).
    """

    listed: frozenset[Channel]
    now: datetime
    #: Whether ``now`` is the clock's (no ``now=`` given): then errors do not show it, so that
    #: the same input gets the same words whenever it is checked.
    clock: bool = False

    def on(self, *channels: Channel) -> bool:
        """Whether the message is listed for one of ``channels``."""
        return not self.listed.isdisjoint(channels)

    def only(self, channels: frozenset[Channel]) -> bool:
        """Whether channels are listed and all of them are among ``channels``."""
        return bool(self.listed) and self.listed <= channels


def items(rich: RichContent, where: str) -> Iterator[tuple[ConversationItem, str]]:
    """Each conversation item of ``rich`` with its location."""
    for i, item in enumerate(rich.conversation):
        yield item, f"{where}.conversation[{i}]"


def cards(rich: RichContent, where: str) -> Iterator[tuple[RichCard, str]]:
    """Each card of each carousel of ``rich`` with its location."""
    for item, at in items(rich, where):
        if item.carousel is not None:
            for k, card in enumerate(item.carousel.cards):
                yield card, f"{at}.carousel.cards[{k}]"


def suggestions(rich: RichContent, where: str) -> Iterator[tuple[Suggestion, str]]:
    """Every suggestion of ``rich`` (message level, per item, per card) with its location."""
    for i, s in enumerate(rich.suggestions):
        yield s, f"{where}.suggestions[{i}]"
    for item, at in items(rich, where):
        for j, s in enumerate(item.suggestions):
            yield s, f"{at}.suggestions[{j}]"
        if item.carousel is not None:
            for k, card in enumerate(item.carousel.cards):
                for j, s in enumerate(card.suggestions):
                    yield s, f"{at}.carousel.cards[{k}].suggestions[{j}]"


def rich_of(msg: Message, where: str) -> tuple[RichContent | None, str]:
    """The message's rich content, if it is one, and its location."""
    rich = msg.rich_content
    return (rich if isinstance(rich, RichContent) else None), f"{where}.richContent"

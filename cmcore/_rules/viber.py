"""Viber's rules (CM spec, "Viber"), where the message lists it."""

from __future__ import annotations

from cmcore._errors import Problems
from cmcore._models import Channel, Message
from cmcore._rules._scope import Scope, items, rich_of, suggestions


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Viber's rules for ``msg``, where it is listed."""
    rich, where = rich_of(msg, where)
    if rich is None or not scope.on(Channel.VIBER):
        return
    for item, at in items(rich, where):
        if item.media is not None and item.text:
            # "Sending an image and text within a single conversation item is not supported"
            p.add("Viber takes image and text in separate conversation items", 305, at)
    if rich.conversation and not rich.conversation[-1].text and any(True for _ in suggestions(rich, where)):
        # "the last conversation item in your conversations array should be a text conversation item"
        p.add("with suggestions on Viber, the last conversation item must be text", 305,
              f"{where}.conversation[{len(rich.conversation) - 1}]")

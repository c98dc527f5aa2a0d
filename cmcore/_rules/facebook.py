"""Facebook Messenger's rules (CM spec, "Facebook Messenger"), where the message lists it."""

from __future__ import annotations

from cmcore._errors import Problems
from cmcore._models import Message
from cmcore._rich import SuggestionAction
from cmcore._rules._common import MAX_QUICK_REPLIES
from cmcore._rules._scope import FB, Scope, rich_of, suggestions


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Facebook Messenger's rules for ``msg``, where it is listed."""
    rich, where = rich_of(msg, where)
    if rich is None or not scope.on(FB):
        return
    replies = sum(1 for s, _ in suggestions(rich, where) if s.action is SuggestionAction.REPLY)
    if replies > MAX_QUICK_REPLIES:
        # "Quick reply": "A maximum of 13 quick replies are supported by Facebook Messenger"
        p.add(f"{replies} quick replies; Facebook Messenger takes at most {MAX_QUICK_REPLIES}", 305,
              f"{where}.suggestions")

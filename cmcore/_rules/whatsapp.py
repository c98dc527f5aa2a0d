"""WhatsApp's rules (CM spec, "WhatsApp"). WhatsApp owns its templates, interactive messages
and contacts: their rules apply wherever they appear; the others where the message lists
WhatsApp."""

from __future__ import annotations

from collections import Counter

from cmcore._errors import Problems
from cmcore._models import Message
from cmcore._rich import ConversationItem
from cmcore._rules._scope import Scope, items, rich_of


def _interactive(item: ConversationItem, where: str, p: Problems) -> None:
    """"Interactive messages": list and reply button limits."""
    if item.interactive is None:
        return
    action, at = item.interactive.action, f"{where}.interactive.action"
    rows = [(s, r, i, j) for i, s in enumerate(action.sections) for j, r in enumerate(s.rows)]
    if len(rows) > 10:
        p.add(f"{len(rows)} rows; a list holds at most 10", 305, f"{at}.sections")
    for i, section in enumerate(action.sections):
        if section.title and len(section.title) > 24:
            p.add("section title over 24 characters", 305, f"{at}.sections[{i}].title")
    for _, row, i, j in rows:
        for name, value, limit in (("title", row.title, 24), ("id", row.id, 200), ("description", row.description, 72)):
            if value and len(value) > limit:
                p.add(f"row {name} over {limit} characters", 305, f"{at}.sections[{i}].rows[{j}].{name}")
    if len(action.buttons) > 3:
        p.add(f"{len(action.buttons)} reply buttons; at most 3", 305, f"{at}.buttons")
    titles = Counter(b.reply.title for b in action.buttons)
    for i, button in enumerate(action.buttons):
        if not button.reply.title or len(button.reply.title) > 20 or titles[button.reply.title] > 1:
            p.add("a button title must be 1 to 20 characters and unique", 305, f"{at}.buttons[{i}].reply.title")
        if len(button.reply.id) > 256:
            p.add("button id over 256 characters", 305, f"{at}.buttons[{i}].reply.id")


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """WhatsApp's rules for ``msg``."""
    rich, where = rich_of(msg, where)
    if rich is None:
        return
    for item, at in items(rich, where):
        _interactive(item, at, p)

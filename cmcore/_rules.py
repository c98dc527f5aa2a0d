"""Rich content rules, per action and per channel; each names the section of the CM spec it comes from.

A channel rule applies where the message lists that channel in ``allowed_channels``; with no
list (any channel the account has), only the rules that hold on every channel apply. All
problems go to the caller's ``Problems`` with code 305 (304 for text that is the body).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from cmcore._errors import Problems
from cmcore._models import Channel
from cmcore._rich import ConversationItem, RichCard, RichContent, Suggestion, SuggestionAction

A = SuggestionAction
APPLE = {Channel.APPLE_BUSINESS_CHAT, Channel.APPLE_MESSAGES_FOR_BUSINESS, Channel.IMESSAGE}
FB, IG, GBM, TW = Channel.FACEBOOK_MESSENGER, Channel.INSTAGRAM, Channel.GOOGLE_BUSINESS_MESSAGES, Channel.TWITTER

# "Suggestions/Features": "Supported by" of each action; Apple: "Apple Business Chat - Suggestions".
ACTION_CHANNELS: dict[SuggestionAction, frozenset[Channel]] = {
    A.OPEN_URL: frozenset({Channel.RCS, Channel.VIBER, FB, GBM, *APPLE}),
    A.CREATE_CALENDAR_EVENT: frozenset({Channel.RCS}),
    A.DIAL: frozenset({Channel.RCS, FB, GBM}),
    A.VIEW_LOCATION: frozenset({Channel.RCS}),
    A.REPLY: frozenset({Channel.RCS, TW, FB, GBM, IG}),
    A.LOGIN: frozenset({FB}),
    A.LOGOUT: frozenset({FB}),
    A.VIEW_PRODUCT: frozenset({FB}),
    A.PICK: frozenset(APPLE),
    A.PAYMENT: frozenset(APPLE),
}
# Fact sheets: "text messages ... maximum length" (Apple: "up to 4096 characters is known to work").
TEXT_LIMITS = {Channel.WHATSAPP: 4096, FB: 2000, IG: 1000, GBM: 1500, TW: 10000}
# Fact sheets: "reply suggestions ... Maximum label length"; Facebook "Suggestions" table.
LABEL_LIMITS = {TW: 36, FB: 20, IG: 20, GBM: 25}
# "Suggestions/Features" (OpenUrl, Dial, Reply): postbackdata required by these channels.
POSTBACK_REQUIRED = {A.OPEN_URL: {GBM}, A.DIAL: {GBM}, A.REPLY: {FB, GBM, IG}}
MAX_SUGGESTIONS = 11  # "One message can contain up to 11 suggestions"
MAX_POSTBACK = 1000
_CONTENT = ("text", "media", "location", "contacts", "template", "interactive", "list_picker",
            "time_picker", "oauth2", "carousel")


def _suggestions(rich: RichContent, where: str) -> Iterator[tuple[Suggestion, str]]:
    for i, s in enumerate(rich.suggestions):
        yield s, f"{where}.suggestions[{i}]"
    for i, item in enumerate(rich.conversation):
        for j, s in enumerate(item.suggestions):
            yield s, f"{where}.conversation[{i}].suggestions[{j}]"
        if item.carousel:
            for k, card in enumerate(item.carousel.cards):
                for j, s in enumerate(card.suggestions):
                    yield s, f"{where}.conversation[{i}].carousel.cards[{k}].suggestions[{j}]"


def _action_fields(s: Suggestion, where: str, p: Problems) -> None:
    """"Suggestions/Features": what each action needs to complete the user flow."""
    needs = {A.OPEN_URL: s.url, A.LOGIN: s.url, A.DIAL: s.dial, A.CREATE_CALENDAR_EVENT: s.calendar,
             A.VIEW_LOCATION: s.view_location, A.VIEW_PRODUCT: s.product}
    if s.action in needs and needs[s.action] is None:
        field = {A.OPEN_URL: "url", A.LOGIN: "url", A.DIAL: "dial", A.CREATE_CALENDAR_EVENT: "calendar",
                 A.VIEW_LOCATION: "viewLocation", A.VIEW_PRODUCT: "product"}[s.action]
        p.add(f"a {s.action.value} suggestion needs {field}", 305, f"{where}.{field}")
    loc = s.view_location
    if loc is not None and loc.search_query is None and (loc.latitude is None or loc.longitude is None):
        p.add("viewLocation needs a searchQuery or both latitude and longitude", 305, f"{where}.viewLocation")
    if s.action not in (A.LOGIN, A.LOGOUT, A.VIEW_PRODUCT) and not s.label:
        p.add(f"a {s.action.value} suggestion needs a label", 305, f"{where}.label")
    if s.postback_data is not None and len(s.postback_data) > MAX_POSTBACK:
        p.add(f"postbackdata of {len(s.postback_data)} characters; at most {MAX_POSTBACK}", 305, f"{where}.postbackdata")


def _suggestion_on(s: Suggestion, where: str, channels: set[Channel], p: Problems) -> None:
    if not channels & ACTION_CHANNELS[s.action]:
        names = ", ".join(sorted(c.value for c in ACTION_CHANNELS[s.action]))
        p.add(f"{s.action.value} is not supported by the allowed channels (only by {names})", 305, f"{where}.action")
    for channel in sorted(channels & LABEL_LIMITS.keys(), key=lambda c: c.value):
        if s.label and len(s.label) > LABEL_LIMITS[channel]:
            p.add(f"label of {len(s.label)} characters; {channel.value} takes at most "
                  f"{LABEL_LIMITS[channel]}", 305, f"{where}.label")
    for channel in sorted(channels & POSTBACK_REQUIRED.get(s.action, set()), key=lambda c: c.value):
        if not s.postback_data:
            p.add(f"{channel.value} needs postbackdata on a {s.action.value} suggestion", 305, f"{where}.postbackdata")


def _card(card: RichCard | ConversationItem, where: str, p: Problems) -> None:
    """Google Business Messages, "Rich card": media or title; title 200, description 2000, 4 suggestions."""
    if card.media is None and not card.header:
        p.add("a rich card needs media or a title (header)", 305, where)
    if card.header and len(card.header) > 200:
        p.add(f"rich card title of {len(card.header)} characters; at most 200", 305, f"{where}.header")
    if card.text and len(card.text) > 2000:
        p.add(f"rich card description of {len(card.text)} characters; at most 2000", 305, f"{where}.text")
    if len(card.suggestions) > 4:
        p.add(f"{len(card.suggestions)} suggestions on a rich card; at most 4", 305, f"{where}.suggestions")


def _whatsapp_interactive(item: ConversationItem, where: str, p: Problems) -> None:
    """WhatsApp "Interactive message": list and reply button limits."""
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


def _item(item: ConversationItem, where: str, channels: set[Channel], p: Problems) -> None:
    if not any(getattr(item, name) for name in _CONTENT) and not item.suggestions:
        # An item of suggestions alone is Facebook's product template ("Direct message with
        # product suggestions").
        p.add("a conversation item needs text, media, location, contacts, template, interactive, "
              "a picker, oauth2, a carousel or suggestions", 305, where)
    for channel in sorted(channels & TEXT_LIMITS.keys(), key=lambda c: c.value):
        if item.text and len(item.text) > TEXT_LIMITS[channel]:
            p.add(f"text of {len(item.text)} characters; {channel.value} takes at most "
                  f"{TEXT_LIMITS[channel]}", 305, f"{where}.text")
    if Channel.WHATSAPP in channels:
        _whatsapp_interactive(item, where, p)
    if GBM in channels:
        if item.header is not None:
            _card(item, where, p)
        if item.carousel:
            for k, card in enumerate(item.carousel.cards):
                _card(card, f"{where}.carousel.cards[{k}]", p)
    if item.carousel:
        # GBM "rich card carousel": 2 to 10 cards; Facebook "rich carousel": at most 10.
        least = 2 if GBM in channels else 1
        if not least <= len(item.carousel.cards) <= 10:
            p.add(f"{len(item.carousel.cards)} cards; a carousel holds {least} to 10", 305, f"{where}.carousel.cards")
    if Channel.VIBER in channels and item.media is not None and item.text:
        # Viber: "Sending an image and text within a single conversation item is not supported"
        p.add("Viber takes image and text in separate conversation items", 305, where)


def check_rich(rich: RichContent, where: str, channels: tuple[Channel | str, ...], p: Problems) -> None:
    """Add every problem of ``rich`` for a message allowed on ``channels`` to ``p``."""
    known = {c for c in channels if isinstance(c, Channel)}
    if not rich.conversation:
        p.add("richContent needs a conversation of one or more items", 305, f"{where}.conversation")
    for i, item in enumerate(rich.conversation):
        _item(item, f"{where}.conversation[{i}]", known, p)
    suggestions = list(_suggestions(rich, where))
    if len(suggestions) > MAX_SUGGESTIONS:
        p.add(f"{len(suggestions)} suggestions; a message holds at most {MAX_SUGGESTIONS}", 305, f"{where}.suggestions")
    for s, at in suggestions:
        if not isinstance(s.action, SuggestionAction):
            continue  # reported by validate(), with the actions there are
        _action_fields(s, at, p)
        if known:
            _suggestion_on(s, at, known, p)
    replies = [s for s, _ in suggestions if s.action is A.REPLY]
    if FB in known and len(replies) > 13:
        p.add(f"{len(replies)} quick replies; Facebook Messenger takes at most 13", 305, f"{where}.suggestions")
    if Channel.VIBER in known and suggestions and rich.conversation and not rich.conversation[-1].text:
        # Viber: "the last conversation item in your conversations array should be a text conversation item"
        p.add("with suggestions on Viber, the last conversation item must be text", 305,
              f"{where}.conversation[{len(rich.conversation) - 1}]")

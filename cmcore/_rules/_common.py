"""The rules that hold on every channel: the shape of rich content, what each suggestion
action needs ("Suggestions/Features"), where an action is supported, and how many
suggestions a message, an item or a card holds.

Tables of channels per action, label and text limits live here, for the channel modules and
for ``validate()``'s screen.
"""

from __future__ import annotations

import re

from cmcore._errors import Problems, shown
from cmcore._models import Channel, Message
from cmcore._phone import phone_info
from cmcore._rich import ConversationItem, RichContent, Suggestion, SuggestionAction
from cmcore._rules._scope import APPLE, FB, GBM, IG, TW, Scope, items, rich_of, suggestions

A = SuggestionAction

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
# "Suggestions/Features": "One message can contain up to 11 suggestions"; Facebook Messenger
# and Instagram "Quick reply": "A maximum of 13 quick replies are supported".
MAX_SUGGESTIONS = 11
MAX_QUICK_REPLIES = 13
MAX_POSTBACK = 1000
# "Suggestions/Features": "The postbackdata field is required by Facebook Messenger, Google
# Business Messages and Instagram (1000 character limit)": the limit is theirs.
_POSTBACK_LIMITED = frozenset({FB, GBM, IG})
_CONTENT = ("text", "media", "location", "contacts", "template", "interactive", "list_picker",
            "time_picker", "oauth2", "carousel")


# "Dial": "PhoneNumber: The number to call (in international format)": "+", the country code
# and the number (ITU-T E.123, as the spec's "+310612345"), digits that spaces, dashes, dots or
# brackets may separate (E.123, RFC 3966), at most 15 digits (E.164).
_INTERNATIONAL = re.compile(r"\+[0-9](?:[0-9 ().-]*[0-9])?", re.ASCII)
MAX_DIGITS = 15


def _dial_number(number: str, where: str, p: Problems) -> None:
    """"Dial": the number in international format, as phonenumbers reads one: a country code it
    knows, then a number. Whether the number is assigned in its country is not asked: the
    spec's own example is not, and metadata lags behind new ranges."""
    digits = sum(c.isdigit() for c in number)
    fix = "write '+', the country code and the number, such as '+31765727000'"
    if number.startswith("00"):
        problem = f"not in international format; {fix} (+ instead of the leading 00)"
    elif not _INTERNATIONAL.fullmatch(number):
        problem = f"not in international format; {fix} (spaces, dashes, dots and brackets may separate digits)"
    elif digits > MAX_DIGITS:
        problem = f"{digits} digits; a number in international format has at most {MAX_DIGITS} (E.164)"
    elif (info := phone_info(number)).country_code is None:
        problem = f"phonenumbers reads no country code and number in it ({info.problem}); {fix}"
    else:
        return
    p.add(f"phoneNumber {shown(number, 40)}: {problem} ('Dial': 'The number to call (in international "
          "format)')", 305, where)


def _action_fields(s: Suggestion, where: str, p: Problems, limited: bool = True) -> None:
    """"Suggestions/Features": what each action needs to complete the user flow."""
    needs = {A.OPEN_URL: s.url, A.LOGIN: s.url, A.DIAL: s.dial, A.CREATE_CALENDAR_EVENT: s.calendar,
             A.VIEW_LOCATION: s.view_location, A.VIEW_PRODUCT: s.product}
    if s.action in needs and needs[s.action] is None:
        field = {A.OPEN_URL: "url", A.LOGIN: "url", A.DIAL: "dial", A.CREATE_CALENDAR_EVENT: "calendar",
                 A.VIEW_LOCATION: "viewLocation", A.VIEW_PRODUCT: "product"}[s.action]
        p.add(f"a {s.action.value} suggestion needs {field}", 305, f"{where}.{field}")
    if s.dial is not None:
        _dial_number(s.dial.phone_number, f"{where}.dial.phoneNumber", p)
    loc = s.view_location
    if loc is not None and loc.search_query is None and (loc.latitude is None or loc.longitude is None):
        p.add("viewLocation needs a searchQuery or both latitude and longitude", 305, f"{where}.viewLocation")
    if s.action not in (A.LOGIN, A.LOGOUT, A.VIEW_PRODUCT) and not s.label:
        p.add(f"a {s.action.value} suggestion needs a label", 305, f"{where}.label")
    if s.postback_data is not None and len(s.postback_data) > MAX_POSTBACK and limited:
        p.add(f"postbackdata of {len(s.postback_data)} characters; Facebook Messenger, Google Business Messages "
              f"and Instagram take at most {MAX_POSTBACK}", 305, f"{where}.postbackdata")


def _suggestion_on(s: Suggestion, where: str, channels: frozenset[Channel], p: Problems) -> None:
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


def _item(item: ConversationItem, where: str, scope: Scope, p: Problems) -> None:
    if not any(getattr(item, name) for name in _CONTENT) and not item.suggestions:
        # An item of suggestions alone is Facebook's product template ("Direct message with
        # product suggestions").
        p.add("a conversation item needs text, media, location, contacts, template, interactive, "
              "a picker, oauth2, a carousel or suggestions", 305, where)
    # Google Business Messages' own rules hold its limit (google.py): a rich card's text is its description.
    for channel in sorted(scope.listed & (TEXT_LIMITS.keys() - {GBM}), key=lambda c: c.value):
        if item.text and len(item.text) > TEXT_LIMITS[channel]:
            p.add(f"text of {len(item.text)} characters; {channel.value} takes at most "
                  f"{TEXT_LIMITS[channel]}", 305, f"{where}.text")
    if item.carousel is not None and len(item.carousel.cards) > 10:
        # Facebook "rich carousel" and Google "rich card carousel": at most 10 cards.
        p.add(f"{len(item.carousel.cards)} cards; a carousel holds at most 10", 305, f"{where}.carousel.cards")
    cap = MAX_QUICK_REPLIES if scope.only(frozenset({FB, IG})) else MAX_SUGGESTIONS
    if len(item.suggestions) > cap:
        # Facebook and Instagram put their 13 quick replies on the item, as their examples do.
        p.add(f"{len(item.suggestions)} suggestions on one conversation item; at most {cap}", 305,
              f"{where}.suggestions")


def _message_suggestions(rich: RichContent, where: str, scope: Scope, p: Problems) -> None:
    """The message's own suggestions: 11 ("Suggestions/Features"), or 13 quick replies where
    the message goes to Facebook Messenger or Instagram only."""
    cap = MAX_QUICK_REPLIES if scope.only(frozenset({FB, IG})) else MAX_SUGGESTIONS
    if len(rich.suggestions) > cap:
        p.add(f"{len(rich.suggestions)} suggestions; a message holds at most {cap}", 305, f"{where}.suggestions")


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """The rules of every channel, for a message's rich content."""
    rich, where = rich_of(msg, where)
    if rich is None:
        return
    if not rich.conversation:
        p.add("richContent needs a conversation of one or more items", 305, f"{where}.conversation")
    for item, at in items(rich, where):
        _item(item, at, scope, p)
    _message_suggestions(rich, where, scope, p)
    for s, at in suggestions(rich, where):
        if not isinstance(s.action, SuggestionAction):
            continue  # reported by validate(), with the actions there are
        # where no channel is listed, the message may go to one that limits postback data
        _action_fields(s, at, p, limited=not scope.listed or scope.on(*_POSTBACK_LIMITED))
        if scope.listed:
            _suggestion_on(s, at, scope.listed, p)

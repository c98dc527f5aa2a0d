"""Twitter's rules (CM spec, "Twitter Direct Messages"), where the message lists it: the media
types and names of its "Fact sheet". Twitter owns a Reply suggestion's ``description``
("Suggestions/Features", Reply: "only supported by Twitter"): refused wherever a message
lists channels but not Twitter.

``check_ids`` holds the rule of "Sending messages" (a sender and a recipient are snowflakes,
64-bit unsigned integers); ``validate()``'s screen leaves messages listing Twitter to the full
rules, so it applies to plain messages too.
"""

from __future__ import annotations

from cmcore._errors import Problems, shown
from cmcore._models import Message
from cmcore._rich import Media, RichContent, SuggestionAction
from cmcore._rules._extensions import EXTENSIONS, check_name, media_of, mime_of
from cmcore._rules._scope import TW, Scope, rich_of, suggestions

#: "Fact sheet": "Supported MIME types are image/jpeg, image/png, image/webp" (images),
#: "image/gif" (GIFs), "video/mp4, video/quicktime" (video).
MIME_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4", "video/quicktime")
_EXTENSIONS = tuple(ext for mime in MIME_TYPES for ext in EXTENSIONS[mime])
#: "Sending messages": "The snowflake is a 64-bit unsigned integer".
MAX_SNOWFLAKE = 2**64 - 1
_ONLY_TWITTER = frozenset({TW})


def is_snowflake(text: str) -> bool:
    """Whether ``text`` writes a 64-bit unsigned integer in decimal digits (ASCII)."""
    return 0 < len(text) <= 20 and text.isascii() and text.isdigit() and int(text) <= MAX_SNOWFLAKE


def _media(media: Media, where: str, p: Problems) -> None:
    """"Fact sheet", media: the MIME types Twitter takes, and the name's extension."""
    mime = mime_of(media)
    if mime is not None and mime not in MIME_TYPES:
        p.add(f"mimeType {shown(media.mime_type, 60)}: Twitter takes only {', '.join(MIME_TYPES)} "
              "('Fact sheet'); convert the file, or send it on another channel", 305, f"{where}.mimeType")
        return
    check_name(media, where, "Twitter", p, _EXTENSIONS)


def _description(rich: RichContent, where: str, scope: Scope, p: Problems) -> None:
    """"Suggestions/Features", Reply: "The description field is only supported by Twitter"."""
    if not scope.listed or scope.on(TW):
        return
    for s, at in suggestions(rich, where):
        if s.action is SuggestionAction.REPLY and s.description is not None:
            p.add("description on a Reply suggestion is supported only by Twitter, which the message does "
                  "not list; leave it out, or put what it says in the label", 305, f"{at}.description")


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Twitter's rules for ``msg``: its media where it is listed; a Reply's description."""
    rich, where = rich_of(msg, where)
    if rich is None:
        return
    _description(rich, where, scope, p)
    if scope.on(TW):
        for media, at in media_of(rich, where):
            _media(media, at, p)


def check_ids(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """"Sending messages": on Twitter the sender (``from``, code 301) and each recipient
    (``to.number``, code 302) are snowflakes. Held only where Twitter is the one channel the
    message lists: listed with others, the message is already refused ("Channel fallback"),
    and a phone number the other channel needs cannot be a snowflake too."""
    if not scope.only(_ONLY_TWITTER):
        return
    if isinstance(msg.sender, str) and msg.sender.strip() and not is_snowflake(msg.sender):
        p.add(f"sender {shown(msg.sender, 60)} is not a Twitter snowflake: on Twitter, from is the sending "
              "account's userid, a 64-bit unsigned integer in digits (channels...Twitter in the CM.com "
              "platform, e.g. 1263071591262494721), not a handle, name or phone number", 301, f"{where}.from")
    for i, to in enumerate(msg.recipients):
        if isinstance(to, str) and to.strip() and not is_snowflake(to):
            p.add(f"recipient {shown(to, 60)} is not a Twitter snowflake: on Twitter, to.number is the "
                  "recipient's userid, a 64-bit unsigned integer in digits (e.g. 1263071591262494721), not "
                  "a handle or phone number", 302, f"{where}.to[{i}]")

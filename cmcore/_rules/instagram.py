"""Instagram's rules (CM spec, "Instagram Messaging"), where the message lists it.

Its "Fact sheet" marks rich cards, rich carousels and message tags "coming soon", video
"coming soon" ("Only supported by sharing a Instagram post containing a video") and audio
"no": none of them can be sent yet. Media names end in the proper file extension; "A maximum
of 13 quick replies are supported" ("Quick reply"). Text (1000) and label (20) limits, and
the postbackdata a Reply needs, are in ``_common``.
"""

from __future__ import annotations

from cmcore._errors import Problems, shown
from cmcore._models import Message
from cmcore._rich import ConversationItem, SuggestionAction
from cmcore._rules._common import MAX_QUICK_REPLIES
from cmcore._rules._extensions import check_name, mime_of
from cmcore._rules._scope import IG, Scope, items, rich_of, suggestions


def _coming_soon(item: ConversationItem, where: str, p: Problems) -> None:
    """"Fact sheet": "rich card", "rich carousel" and "message tags": "coming soon"."""
    if item.carousel is not None:
        p.add("a carousel (rich carousel) is 'coming soon' on Instagram, not supported yet ('Fact sheet'); "
              "send each card as conversation items of text and media", 305, f"{where}.carousel")
    if item.header:
        p.add("a header makes a rich card, 'coming soon' on Instagram, not supported yet ('Fact sheet'); "
              "put the title in the text", 305, f"{where}.header")
    if item.tag is not None:
        p.add(f"message tag {shown(item.tag, 40)}: message tags are 'coming soon' on Instagram, not supported "
              "yet ('Fact sheet'); leave the tag out", 305, f"{where}.tag")


def _media(item: ConversationItem, where: str, p: Problems) -> None:
    """"Fact sheet": "media: audio no"; "media: video coming soon"; the name's extension."""
    if item.media is None:
        return
    mime, at = mime_of(item.media), f"{where}.media"
    if mime is not None and mime.startswith("audio/"):
        p.add(f"mimeType {shown(item.media.mime_type, 60)}: Instagram does not support audio ('Fact sheet'); "
              "send it on another channel", 305, f"{at}.mimeType")
    elif mime is not None and mime.startswith("video/"):
        p.add(f"mimeType {shown(item.media.mime_type, 60)}: video is 'coming soon' on Instagram, not supported "
              "yet ('Fact sheet': only by sharing an Instagram post that holds it); send it on another "
              "channel", 305, f"{at}.mimeType")
    else:
        check_name(item.media, at, "Instagram", p)


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Instagram's rules for ``msg``, where it is listed."""
    rich, where = rich_of(msg, where)
    if rich is None or not scope.on(IG):
        return
    replies = sum(1 for s, _ in suggestions(rich, where) if s.action is SuggestionAction.REPLY)
    if replies > MAX_QUICK_REPLIES:
        # "Quick reply": "A maximum of 13 quick replies are supported"
        p.add(f"{replies} quick replies; Instagram takes at most {MAX_QUICK_REPLIES}", 305, f"{where}.suggestions")
    for item, at in items(rich, where):
        _coming_soon(item, at, p)
        _media(item, at, p)

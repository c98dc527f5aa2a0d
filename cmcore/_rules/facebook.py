"""Facebook Messenger's rules (CM spec, "Facebook Messenger"), where the message lists it: quick
replies, rich cards (Facebook's templates: "Input matrix", "Button template", "Generic
template", "Product template") and media ("Fact sheet"). Facebook Messenger owns a Reply
suggestion's ``media`` ("Suggestions/Features", Reply: "only supported by Facebook
Messenger"): refused wherever a message lists channels but not Facebook Messenger.

Message tags: "The following message tags are supported" lists four, the values of
``MessageTag``; ``validate()`` refuses any other (305), so no rule here repeats it.

The "Input matrix", as the spec's table reads once its ticks are restored (the printed
table keeps only the x's, which mark the inputs *not* given: its 16 rows count down from
none given to all four, and each row's output is the template whose own table requires
those inputs): of text, media, suggestions and header, an item's combination is sent as

- suggestions and header only: the button template (header up to 640 characters);
- header with anything else, or alone: the generic template (title and subtitle up to 80,
  and "at least one property must be set in addition to header");
- suggestions only: the product template "if 'ViewProduct' action, otherwise not supported";
- text, media and suggestions without a header: "Not supported";
- else text, media, or both, as messages (with quick replies).
"""

from __future__ import annotations

from cmcore._errors import Problems, shown
from cmcore._models import Message
from cmcore._rich import ConversationItem, RichCard, RichContent, Suggestion, SuggestionAction
from cmcore._rules._common import MAX_QUICK_REPLIES
from cmcore._rules._extensions import check_name, media_of, mime_of
from cmcore._rules._scope import FB, Scope, items, rich_of, suggestions

A = SuggestionAction
#: "Button template": "Maximum length is 640 characters" (the header, shown as the text).
MAX_BUTTON_TEXT = 640
#: "Generic template": header (the title) and text (the subtitle) "Maximum length is 80 characters".
MAX_GENERIC = 80
#: "Product template": "Up to 10 products can be provided".
MAX_PRODUCTS = 10
# What an item may hold besides the matrix's four inputs: the matrix does not speak of them.
_OTHER = ("location", "contacts", "template", "interactive", "list_picker", "time_picker", "oauth2", "carousel")


def _inputs(x: ConversationItem | RichCard) -> tuple[bool, bool, bool, bool]:
    """Which of the "Input matrix"'s text, media, suggestions and header ``x`` gives."""
    return bool(x.text), x.media is not None, bool(x.suggestions), bool(x.header)


def _template(x: ConversationItem | RichCard, where: str, button: bool, p: Problems) -> None:
    """A card or item with a header: a button template if ``button``, else a generic one."""
    header, text = x.header or "", x.text or ""
    if button:
        if len(header) > MAX_BUTTON_TEXT:
            p.add(f"header of {len(header)} characters: with suggestions alone it is Facebook Messenger's "
                  f"button template text, at most {MAX_BUTTON_TEXT} ('Button template'); shorten it", 305,
                  f"{where}.header")
        return
    for name, value, shows in (("header", header, "title"), ("text", text, "subtitle")):
        if len(value) > MAX_GENERIC:
            p.add(f"{name} of {len(value)} characters: it is the {shows} of Facebook Messenger's generic "
                  f"template, at most {MAX_GENERIC} ('Generic template'); shorten it", 305, f"{where}.{name}")
    if isinstance(x, RichCard) and not (text or x.media is not None or x.suggestions):
        # An item of a header alone is refused on every channel (``_common``: no content).
        p.add("a card of a header alone is a generic template without content: Facebook Messenger needs "
              "at least one property in addition to the header ('Generic template'): add text, media or "
              "suggestions", 305, where)


def _item(item: ConversationItem, where: str, p: Problems) -> None:
    """"Input matrix": what Facebook Messenger makes of an item of text, media, suggestions
    and a header; a carousel's cards are its templates."""
    if item.carousel is not None:
        cards = item.carousel.cards
        for k, card in enumerate(cards):
            text, media, sugg, header = _inputs(card)
            if header:  # a single card of a header and suggestions is the button template
                _template(card, f"{where}.carousel.cards[{k}]", len(cards) == 1 and sugg and not (text or media), p)
        return
    if any(getattr(item, name) for name in _OTHER):
        return
    text, media, sugg, header = _inputs(item)
    if header:
        _template(item, where, sugg and not (text or media), p)
    elif text and media and sugg:
        p.add("text, media and suggestions in one item without a header: a combination Facebook Messenger "
              "does not support ('Input matrix'); put the media in an item of its own, or add a header "
              "to make a generic template", 305, where)
    elif sugg and not (text or media) and any(s.action is not A.VIEW_PRODUCT for s in item.suggestions):
        p.add("an item of suggestions alone is Facebook Messenger's product template, which takes only "
              "ViewProduct suggestions ('Input matrix'); give the item text for quick replies, or a header "
              "for a button template", 305, f"{where}.suggestions")


def _products(rich: RichContent, where: str, p: Problems) -> None:
    """"Product template": at most 10 products, as suggestions or in a carousel's cards."""
    def count(found: tuple[Suggestion, ...]) -> int:
        return sum(1 for s in found if s.action is A.VIEW_PRODUCT)
    for item, at in items(rich, where):
        n = count(item.suggestions) + sum(count(c.suggestions) for c in (item.carousel.cards if item.carousel else ()))
        if n > MAX_PRODUCTS:
            p.add(f"{n} products (ViewProduct suggestions) in one conversation item; Facebook Messenger's "
                  f"product template takes at most {MAX_PRODUCTS}: send the rest in another item", 305, at)
    if count(rich.suggestions) > MAX_PRODUCTS:
        p.add(f"{count(rich.suggestions)} products (ViewProduct suggestions); Facebook Messenger's product "
              f"template takes at most {MAX_PRODUCTS}", 305, f"{where}.suggestions")


def _reply_media(rich: RichContent, where: str, scope: Scope, p: Problems) -> None:
    """"Suggestions/Features", Reply: "The media object is only supported by Facebook
    Messenger (thumbnail image)"; "Quick reply": "Thumbnail image"."""
    for s, at in suggestions(rich, where):
        if s.action is not A.REPLY or s.media is None:
            continue
        mime = mime_of(s.media)
        if not scope.on(FB):
            p.add("media on a Reply suggestion (a thumbnail) is supported only by Facebook Messenger, which "
                  "the message does not list; leave it out", 305, f"{at}.media")
        elif mime is not None and not mime.startswith("image/"):
            p.add(f"mimeType {shown(s.media.mime_type, 60)}: a quick reply's media is a thumbnail image "
                  "('Quick reply'); give an image", 305, f"{at}.media.mimeType")


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Facebook Messenger's rules for ``msg``: all where it is listed; a Reply's media
    wherever the message lists channels."""
    rich, where = rich_of(msg, where)
    if rich is None:
        return
    if scope.listed:
        _reply_media(rich, where, scope, p)
    if not scope.on(FB):
        return
    replies = sum(1 for s, _ in suggestions(rich, where) if s.action is A.REPLY)
    if replies > MAX_QUICK_REPLIES:
        # "Quick reply": "A maximum of 13 quick replies are supported by Facebook Messenger"
        p.add(f"{replies} quick replies; Facebook Messenger takes at most {MAX_QUICK_REPLIES}", 305,
              f"{where}.suggestions")
    for item, at in items(rich, where):
        _item(item, at, p)
    _products(rich, where, p)
    for media, at in media_of(rich, where):
        check_name(media, at, "Facebook Messenger", p)

"""WhatsApp's rules (CM spec, "WhatsApp"). WhatsApp owns its templates, interactive messages
and contacts: their rules apply wherever they appear, whatever ``allowedChannels`` says; the
others (the media of a conversation item) where the message lists WhatsApp.

Where the two editions differ the current one stands; what the older one allows is kept where
the current one does not forbid it (the older spellings of media types, the ``localizable_params``
template format).
"""

from __future__ import annotations

import re
import typing
from collections import Counter

from cmcore._errors import Problems, shown
from cmcore._models import Channel, Message
from cmcore._rich import (Contact, Interactive, InteractiveAction, InteractiveHeader, Media, ParameterType,
                          TemplateComponent, TemplateDateTime, TemplateParameter, WhatsAppTemplate)
from cmcore._rules._scope import Scope, items, rich_of

# "Media messages": the MIME types of the media WhatsApp sends. Current edition: image/jpeg,
# image/png; video/mp4; audio/aac, audio/m4a, audio/amr, audio/mpeg, audio/ogg; codecs=opus.
# Older edition, not forbidden by the current one: image/jpg, audio/acc, audio/mp3, audio/ogg,
# audio/opus. A document takes "any valid MIME-type"; GIF and stickers are not supported.
MEDIA_TYPES: dict[str, frozenset[str]] = {
    "image": frozenset({"image/jpeg", "image/png", "image/jpg"}),
    "video": frozenset({"video/mp4"}),
    "audio": frozenset({"audio/aac", "audio/m4a", "audio/amr", "audio/mpeg", "audio/ogg",
                        "audio/acc", "audio/mp3", "audio/opus"}),
}
_TOKEN = r"[!#$%&'*+.^_`{|}~0-9A-Za-z-]+"  # RFC 2045 token
_MIME = re.compile(rf"\s*({_TOKEN})/({_TOKEN})\s*((?:;\s*{_TOKEN}\s*=\s*(?:{_TOKEN}|\"[^\"]*\")\s*)*)")
_CODECS = re.compile(r"codecs\s*=\s*\"?([^\";]*)", re.I)
# "Language": "Accepts both language and language_locale formats (e.g., en and en_US)".
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
# "Template" (media and interactive templates): what parameters each component takes. The
# header: image, document, video and text; the footer: text; the body: text, and currency and
# date_time as the spec's own examples send them.
PARAMETERS: dict[str, frozenset[str]] = {
    "header": frozenset({"image", "document", "video", "text"}),
    "body": frozenset({"text", "currency", "date_time"}),
    "footer": frozenset({"text"}),
}
_PARAMETER_TYPES = frozenset(typing.get_args(ParameterType))
_VALUE_FIELD = {"text": "text", "payload": "payload", "currency": "currency", "date_time": "date_time",
                "image": "media", "document": "media", "video": "media"}
_DATE_FIELDS = ("day_of_week", "day_of_month", "year", "month", "hour", "minute")
_NAME_PARTS = ("first_name", "last_name", "middle_name", "suffix", "prefix")
# "Interactive messages": reply button titles take no emoji (characters shown as emoji by
# default, any character asked to be one by U+FE0F, keycaps) and no markdown ("Text messages":
# *bold*, _italics_, ~strike-through~, ```code```, after a space or at the start).
_EMOJI = re.compile(
    "[\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1"
    "\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a"
    "\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55"
    "\ufe0f\u20e3\U0001f004\U0001f0cf\U0001f18e\U0001f191-\U0001f19a\U0001f1e6-\U0001f1ff\U0001f201"
    "\U0001f21a\U0001f22f\U0001f232-\U0001f236\U0001f238-\U0001f23a\U0001f250\U0001f251"
    "\U0001f300-\U0001f64f\U0001f680-\U0001f6ff\U0001f7e0-\U0001f7eb\U0001f7f0\U0001f90c-\U0001f9ff"
    "\U0001fa70-\U0001faff]")
_MARKDOWN = re.compile(r"(?<!\S)(```|[*_~])\S(?:.*?\S)?\1(?!\w)")


def _show(value: object) -> str:
    """A value for an error message, cut short after what may be a product token is redacted
    (cut first, a token would survive in part, past the scrubbing of whole tokens)."""
    return shown(value, 40)


# -- media -----------------------------------------------------------------------------------

def media_kind(mime: str) -> str | None:
    """The WhatsApp media type (image, video, audio, document) a MIME type sends as; None if it
    is not a MIME type at all."""
    found = _MIME.fullmatch(mime)
    if found is None:
        return None
    top = found[1].lower()
    return top if top in MEDIA_TYPES else "document"


def _mime_fault(mime: str, want: str | None = None) -> str | None:
    """What "Media messages" says is wrong with ``mime`` (for a medium of type ``want``, when
    given), or None."""
    kind, found = media_kind(mime), _MIME.fullmatch(mime)
    if kind is None or found is None:
        return f"mimeType {_show(mime)} is not a MIME type: give type/subtype, such as 'image/jpeg'"
    if want is not None and want != "document" and kind != want:
        return (f"mimeType {_show(mime)} is not a {want}: a {want} takes "
                f"{', '.join(sorted(MEDIA_TYPES[want]))}")
    essence = f"{found[1]}/{found[2]}".lower()
    if kind == "document" or want == "document":
        return None  # "document: Any valid MIME-type"
    if essence not in MEDIA_TYPES[kind]:
        note = "; GIF and stickers are not supported" if kind == "image" else ""
        return (f"mimeType {_show(mime)}: WhatsApp sends {kind} of type "
                f"{', '.join(sorted(MEDIA_TYPES[kind]))}{note}")
    codecs = _CODECS.search(found[3])
    if essence == "audio/ogg" and codecs is not None and codecs[1].strip().lower() != "opus":
        return f"mimeType {_show(mime)}: WhatsApp takes OGG audio with the OPUS codec only ('audio/ogg; codecs=opus')"
    return None


def _media(media: Media, where: str, p: Problems) -> None:
    """"Media messages": the MIME types WhatsApp sends; no mediaName (caption) on audio."""
    if media.mime_type is None:
        return
    fault = _mime_fault(media.mime_type)
    if fault is not None:
        p.add(fault, 305, f"{where}.mimeType")
    elif media_kind(media.mime_type) == "audio" and media.media_name is not None:
        p.add(f"mediaName {_show(media.media_name)} on audio ({media.mime_type}): WhatsApp takes a mediaName "
              "(caption or file name) for images, videos and documents only; leave it out", 305, f"{where}.mediaName")


# -- templates -------------------------------------------------------------------------------

def _language(template: WhatsAppTemplate, where: str, p: Problems) -> None:
    """"Language": policy and code are required; the code is 'en' or 'en_US'."""
    language = template.language
    if language.policy is None:
        p.add("a template's language needs a policy: 'deterministic' (or the deprecated 'fallback')",
              305, f"{where}.language.policy")
    if not _LANGUAGE.fullmatch(language.code):
        p.add(f"language code {_show(language.code)} is not in the form 'en' or 'en_US' (the language in "
              "lower case, then _ and the region in capitals), as WhatsApp's list of language codes has them",
              305, f"{where}.language.code")


def _date_time(value: TemplateDateTime, where: str, p: Problems) -> None:
    """"Template" (date_time): the moment as components or as a timestamp, not both."""
    if value.timestamp is None:
        return
    if value.component is not None or any(getattr(value, name) is not None for name in _DATE_FIELDS):
        p.add(f"date_time gives both a timestamp ({value.timestamp}) and its components (day_of_month, year, ...): "
              "give one or the other", 305, f"{where}.timestamp")


def _parameter(par: TemplateParameter, where: str, p: Problems) -> None:
    """"Template": a parameter carries its value in the field its type names; media fit their type."""
    field = _VALUE_FIELD.get(par.type)
    if field is not None and getattr(par, field) is None:
        p.add(f"a parameter of type {par.type!r} needs its value in {field}", 305, f"{where}.{field}")
    if par.media is not None and par.media.mime_type is not None and par.type in ("image", "video", "document"):
        fault = _mime_fault(par.media.mime_type, par.type)
        if fault is not None:
            p.add(f"{fault} (parameter type {par.type!r})", 305, f"{where}.media.mimeType")
    if par.date_time is not None:
        _date_time(par.date_time, f"{where}.date_time", p)


def _button(component: TemplateComponent, where: str, p: Problems) -> None:
    """"Example interactive template message": a button has a sub_type (quick_reply or url) and
    an index."""
    if component.sub_type is None:
        p.add("a button component needs a sub_type: 'quick_reply' or 'url'", 305, f"{where}.sub_type")
    index = component.index
    if index is None:
        p.add("a button component needs the index of its button (0 for the first)", 305, f"{where}.index")
    elif not (index >= 0 if isinstance(index, int) else re.fullmatch("[0-9]+", index)):
        p.add(f"button index {_show(index)} is not a whole number of 0 or more (as a number or as text, "
              "such as \"0\")", 305, f"{where}.index")


def _component(component: TemplateComponent, where: str, p: Problems) -> None:
    """"Template": the parameters a header, body and footer take; a button's sub_type and index."""
    if component.type == "button":
        _button(component, where, p)
    allowed = PARAMETERS.get(component.type)
    for j, par in enumerate(component.parameters):
        at = f"{where}.parameters[{j}]"
        if allowed is not None and par.type in _PARAMETER_TYPES and par.type not in allowed:
            p.add(f"a {component.type} takes parameters of type {', '.join(sorted(allowed))}, not "
                  f"{par.type!r}", 305, f"{at}.type")
        _parameter(par, at, p)


def _template(template: WhatsAppTemplate, where: str, p: Problems) -> None:
    """"Template": language; components (media templates) or localizable_params (regular)."""
    _language(template, where, p)
    if template.components and template.localizable_params:
        p.add("a template takes components (its current format, needed for media, header, footer and buttons) "
              "or localizable_params (the older format), not both", 305, f"{where}.localizable_params")
    for i, component in enumerate(template.components):
        _component(component, f"{where}.components[{i}]", p)
    for i, param in enumerate(template.localizable_params):
        if param.date_time is not None:
            _date_time(param.date_time, f"{where}.localizable_params[{i}].date_time", p)


# -- contacts --------------------------------------------------------------------------------

def _contact(contact: Contact, where: str, p: Problems) -> None:
    """"Contacts": name.formatted_name and at least one of first_name, last_name, middle_name,
    suffix, prefix (current edition; the older one asked for formatted_name only)."""
    name = contact.name
    if not name.formatted_name:
        p.add("a contact's name.formatted_name must not be empty", 305, f"{where}.name.formatted_name")
    if not any(getattr(name, part) for part in _NAME_PARTS):
        p.add("a contact's name needs at least one of first_name, last_name, middle_name, suffix, prefix "
              "besides formatted_name", 305, f"{where}.name")


# -- interactive -----------------------------------------------------------------------------

def _content(interactive: Interactive, where: str, p: Problems) -> None:
    """"Interactive messages": a list has sections of rows, reply buttons have buttons."""
    action, at = interactive.action, f"{where}.action"
    rows = sum(len(s.rows) for s in action.sections)
    if interactive.type == "list":
        if not rows:
            p.add("an interactive list needs sections with at least one row", 305, f"{at}.sections")
        if action.buttons:
            p.add("an interactive list takes sections, not buttons: for reply buttons give type 'button'",
                  305, f"{at}.buttons")
    elif interactive.type == "button":
        if not action.buttons:
            p.add("interactive reply buttons need 1 to 3 buttons", 305, f"{at}.buttons")
        if action.sections:
            p.add("interactive reply buttons take buttons, not sections: for a list give type 'list'",
                  305, f"{at}.sections")


def _header(header: InteractiveHeader, where: str, p: Problems) -> None:
    """"Example reply buttons with Media": a text header has text, an image, video or document
    header its media; audio is not supported in combination with actions."""
    if header.type == "text" and header.text is None:
        p.add("a header of type 'text' needs its text", 305, f"{where}.text")
    if header.type not in ("image", "video", "document"):
        return
    if header.media is None:
        p.add(f"a header of type {header.type!r} needs a media object", 305, f"{where}.media")
    elif header.media.mime_type is not None:
        mime = header.media.mime_type
        fault = _mime_fault(mime, header.type)
        if fault is None and media_kind(mime) == "audio":
            fault = f"mimeType {_show(mime)}: audio is not supported in combination with actions"
        if fault is not None:
            p.add(f"{fault} (header type {header.type!r})", 305, f"{where}.media.mimeType")


def _rows(action: InteractiveAction, at: str, p: Problems) -> None:
    """"Example list message": up to 10 options; section title 24, row title (required) 24, row
    id (required) 200, description 72 characters."""
    rows = [(i, j, r) for i, s in enumerate(action.sections) for j, r in enumerate(s.rows)]
    if len(rows) > 10:
        p.add(f"{len(rows)} rows in the list's sections; a list holds at most 10 options", 305, f"{at}.sections")
    for i, section in enumerate(action.sections):
        if section.title and len(section.title) > 24:
            p.add(f"section title of {len(section.title)} characters; at most 24", 305, f"{at}.sections[{i}].title")
    for i, j, row in rows:
        where = f"{at}.sections[{i}].rows[{j}]"
        if not row.title:
            p.add("each row must have a title (1 to 24 characters)", 305, f"{where}.title")
        if not row.id:
            p.add("each row must have an id (1 to 200 characters)", 305, f"{where}.id")
        for name, value, limit in (("title", row.title, 24), ("id", row.id, 200), ("description", row.description, 72)):
            if value and len(value) > limit:
                p.add(f"row {name} of {len(value)} characters; at most {limit}", 305, f"{where}.{name}")


def _title_fault(title: str, count: int) -> str | None:
    """"Example reply buttons": what is wrong with a button title, or None."""
    if not title:
        return "a button title cannot be empty (1 to 20 characters)"
    if len(title) > 20:
        return f"button title {_show(title)} of {len(title)} characters; at most 20"
    if count > 1:
        return f"button title {_show(title)} is used {count} times; each title must be unique within the message"
    for pattern, what in ((_EMOJI, "an emoji"), (_MARKDOWN, "markdown")):
        found = pattern.search(title)
        if found is not None:
            return f"button title {_show(title)} has {what} ({found[0]!r}); button titles take no emoji or markdown"
    return None


def _buttons(action: InteractiveAction, at: str, p: Problems) -> None:
    """"Reply Buttons": at most 3; title 1 to 20 characters, unique, no emoji or markdown; id a
    unique identifier of at most 256 characters."""
    if len(action.buttons) > 3:
        p.add(f"{len(action.buttons)} reply buttons; WhatsApp sends at most 3", 305, f"{at}.buttons")
    titles = Counter(b.reply.title for b in action.buttons)
    ids = Counter(b.reply.id for b in action.buttons)
    for i, button in enumerate(action.buttons):
        where = f"{at}.buttons[{i}].reply"
        fault = _title_fault(button.reply.title, titles[button.reply.title])
        if fault is not None:
            p.add(fault, 305, f"{where}.title")
        if len(button.reply.id) > 256:
            p.add(f"button id of {len(button.reply.id)} characters; at most 256", 305, f"{where}.id")
        elif ids[button.reply.id] > 1:
            p.add(f"button id {_show(button.reply.id)} is used {ids[button.reply.id]} times; each button needs "
                  "a unique identifier", 305, f"{where}.id")


def _interactive(interactive: Interactive, where: str, p: Problems) -> None:
    """"Interactive messages": list messages and reply buttons."""
    _content(interactive, where, p)
    if interactive.header is not None:
        _header(interactive.header, f"{where}.header", p)
    _rows(interactive.action, f"{where}.action", p)
    _buttons(interactive.action, f"{where}.action", p)


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """WhatsApp's rules for ``msg``: of its templates, contacts and interactive messages
    wherever they are; of media where the message lists WhatsApp."""
    rich, where = rich_of(msg, where)
    if rich is None:
        return
    listed = scope.on(Channel.WHATSAPP)
    for item, at in items(rich, where):
        if item.template is not None:
            _template(item.template.whatsapp, f"{at}.template.whatsapp", p)
        for i, contact in enumerate(item.contacts):
            _contact(contact, f"{at}.contacts[{i}]", p)
        if item.interactive is not None:
            _interactive(item.interactive, f"{at}.interactive", p)
        if listed and item.media is not None:
            _media(item.media, f"{at}.media", p)

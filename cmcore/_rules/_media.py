"""What Google Business Messages, Apple Business Chat and Viber read from media objects: the
type of the media, and every media object of a message, Apple's list pickers included.

A media object's type is its ``mimeType`` where it has one (what the gateway passes on), else
the type whose extension its name ends in, else its URI's path, by the fixed table of
``_extensions`` (never the system's); ``None`` where none of them tells. A name's extension
is checked by ``_extensions.check_name``, the one rule for "Media name attribute should end
in the proper file extension" on every channel whose fact sheet says it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from urllib.parse import urlsplit

from cmcore._errors import shown
from cmcore._rich import ListPicker, Media, RichContent
from cmcore._rules._extensions import EXTENSIONS, media_of, mime_of
from cmcore._rules._scope import items, suggestions

_TYPE_OF = {ext: mime for mime, exts in EXTENSIONS.items() for ext in exts}


def media_type(media: Media) -> tuple[str, str, str] | None:
    """The media's MIME type (lower case), the wire field that tells it and that field's
    value: ``mimeType``, else the extension of ``mediaName``, else of ``mediaUri``'s path;
    None where none of them tells."""
    mime = mime_of(media)
    if mime is not None and media.mime_type is not None:
        return mime, "mimeType", media.mime_type
    for value, wire in ((media.media_name or "", "mediaName"), (media.media_uri, "mediaUri")):
        path = _path(value) if wire == "mediaUri" else value
        found = _TYPE_OF.get(posixpath.splitext(path)[1].lower())
        if found is not None:
            return found, wire, value
    return None


def told(found: tuple[str, str, str]) -> str:
    """How an error names what told a media's type: "mimeType 'video/mp4'", or
    "mediaName 'clip.mp4' (video/mp4)"."""
    mime, wire, value = found
    return f"{wire} {shown(value, 60)}" + ("" if wire == "mimeType" else f" ({mime})")


def _path(uri: str) -> str:
    try:
        return urlsplit(uri).path
    except ValueError:  # not a URI that urllib reads: no extension to tell
        return ""


def picker_media(picker: ListPicker, where: str) -> Iterator[tuple[Media, str]]:
    """The media of an Apple list picker and of its options, with their locations."""
    if picker.media is not None:
        yield picker.media, f"{where}.media"
    for i, option in enumerate(picker.options):
        if option.media is not None:
            yield option.media, f"{where}.options[{i}].media"


def all_media(rich: RichContent, where: str) -> Iterator[tuple[Media, str]]:
    """Every media object of ``rich``: of items and cards, list pickers, suggestions."""
    yield from media_of(rich, where)
    for item, at in items(rich, where):
        if item.list_picker is not None:
            yield from picker_media(item.list_picker, f"{at}.listpicker")
    for s, at in suggestions(rich, where):
        if s.media is not None:
            yield s.media, f"{at}.media"

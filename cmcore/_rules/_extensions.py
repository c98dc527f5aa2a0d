"""The proper file extension of a media file, for the social channels' fact sheets: "Media name
attribute should end in the proper file extension" (Twitter, Facebook Messenger, Instagram,
"Fact sheet", "media"). Shared by ``twitter``, ``facebook`` and ``instagram``.

The table is fixed (never the system's mime.types, so every machine answers alike) and holds
the MIME types these chapters name; a name is held to the extensions of its ``mimeType``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cmcore._errors import Problems, shown
from cmcore._rich import Media, RichContent
from cmcore._rules._scope import items

#: The file extensions of each MIME type the three fact sheets name (IANA and Apache's
#: mime.types; .m4v too, Apple's name for an MP4 video).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "image/gif": (".gif",),
    "image/bmp": (".bmp",),
    "image/x-icon": (".ico",),
    "video/mp4": (".mp4", ".m4v", ".mp4v", ".mpg4"),
    "video/quicktime": (".mov", ".qt"),
    "audio/aac": (".aac",),
    "audio/mpeg": (".mp3", ".mpga", ".mp2", ".mp2a", ".m2a", ".m3a"),
    "application/pdf": (".pdf",),
}
_ANY_EXTENSION = re.compile(r"\.[A-Za-z0-9]+\Z")


def mime_of(media: Media) -> str | None:
    """``mimeType`` as MIME types compare: lower case, without parameters; None if not given."""
    if not isinstance(media.mime_type, str) or not media.mime_type.strip():
        return None
    return media.mime_type.split(";", 1)[0].strip().lower()


def media_of(rich: RichContent, where: str) -> Iterator[tuple[Media, str]]:
    """The media of each conversation item and of each card, with its location. A Reply
    suggestion's media (a thumbnail) is not a media message: not among them."""
    for item, at in items(rich, where):
        if item.media is not None:
            yield item.media, f"{at}.media"
        if item.carousel is not None:
            for k, card in enumerate(item.carousel.cards):
                if card.media is not None:
                    yield card.media, f"{at}.carousel.cards[{k}].media"


def check_name(media: Media, where: str, channel: str, p: Problems,
               extensions: tuple[str, ...] | None = None) -> None:
    """The media's name, where given, ends in its type's extension ("Fact sheet", "media").
    Without a type, in one of ``extensions`` (those of the types the channel takes) if
    given; of a type this table does not know, in some extension."""
    name = media.media_name
    if not isinstance(name, str):
        return  # no name: nothing to end in an extension
    mime = mime_of(media)
    if mime is not None and mime in EXTENSIONS:
        wanted, kind = EXTENSIONS[mime], f"of {mime}"
    elif mime is None and extensions is not None:
        wanted, kind = extensions, f"of a type {channel} takes"
    else:
        if not _ANY_EXTENSION.search(name):
            p.add(f"mediaName {shown(name, 60)} has no file extension; {channel} needs the name to end in "
                  "the proper one (.jpg for a JPEG image, say)", 305, f"{where}.mediaName")
        return
    if not name.lower().endswith(wanted):
        p.add(f"mediaName {shown(name, 60)} does not end in the file extension {kind} ({', '.join(wanted)}); "
              f"{channel} needs the proper extension: rename it, e.g. {shown(_stem(name) + wanted[0], 60)}",
              305, f"{where}.mediaName")


def _stem(name: str) -> str:
    """``name`` without the extension it has, if any."""
    return name[:-len(found.group())] if (found := _ANY_EXTENSION.search(name)) else name

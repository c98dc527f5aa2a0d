"""Apple Business Chat's rules (CM spec, "Apple Business Chat"), for the Apple family: Apple
Business Chat, Apple Messages for Business and iMessage.

Apple owns its list picker and its time picker: their rules ("List picker", "Time and date
picker") hold wherever they appear, whatever ``allowedChannels`` says. Where the message lists
an Apple channel, also: suggestions inside the conversation item ("Suggestions"), and media
names ending in their file extension ("Media messages"). OAuth2 ("Authentication") and
payments ("Other") state no rule that can be checked offline.

Times of a time picker are read as the spec writes them, ISO 8601 ("2020-02-21T09:00"), with
or without seconds (and a fraction of up to 7 digits), and with ``Z``, an offset ``±HH:MM``
or none. A time without an offset is CM's local time, Europe/Amsterdam (CE(S)T), as the
gateway reads the validity ("If no time zone was specified, CE(S)T will be used"); a wall
time that comes twice (autumn) is the first, one that never comes (spring) is read as
zoneinfo reads it. "The start time must always be in the future": later than ``scope.now``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from cmcore._errors import Problems, shown
from cmcore._models import AMSTERDAM, Message
from cmcore._rich import ListPicker, TimePicker
from cmcore._rules._extensions import check_name
from cmcore._rules._media import all_media, media_type, picker_media, told
from cmcore._rules._scope import APPLE, Scope, items, rich_of

_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?",
                   re.ASCII)
_FORM = "ISO 8601 such as '2020-02-21T09:00' (seconds, and Z or an offset such as +01:00, may follow)"


def read_time(text: str) -> datetime | None:
    """A time picker's time as an aware datetime (no offset: Europe/Amsterdam); None where it
    is not a form the gateway reads, or no such moment exists (month 13, offset of 24 hours)."""
    found = _TIME.fullmatch(text)
    if found is None:
        return None
    y, mo, d, h, mi, s, fraction, zone = found.groups()
    try:
        zoned: tzinfo = AMSTERDAM
        if zone == "Z":
            zoned = timezone.utc
        elif zone is not None:
            offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
            zoned = timezone(-offset if zone[0] == "-" else offset)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), micro, tzinfo=zoned)
    except ValueError:
        return None


def _after(moment: datetime, now: datetime) -> bool:
    try:
        return moment > now
    except OverflowError:  # at the ends of datetime's range, where an offset cannot be applied
        return moment.year > now.year


def _time_picker(picker: TimePicker, where: str, now: datetime, p: Problems, clock: bool = False) -> None:
    """"Time and date picker": slots to pick from, each time in a form the gateway reads, the
    start "always in the future"."""
    if not picker.options:
        p.add("a time picker needs at least one slot in options: the user picks from them ('Time and date "
              "picker')", 305, f"{where}.options")
    for i, slot in enumerate(picker.options):
        at = f"{where}.options[{i}]"
        for wire, text in (("startTime", slot.start_time), ("endTime", slot.end_time)):
            moment = read_time(text)
            if moment is None:
                p.add(f"{wire} {shown(text, 40)} is not a time the gateway reads: write {_FORM}; without an "
                      "offset it is Europe/Amsterdam time", 305, f"{at}.{wire}")
            elif wire == "startTime" and not _after(moment, now):
                when = "by the clock" if clock else f"now is {now.isoformat(timespec='seconds')}"
                p.add(f"startTime {text!r} ({moment.isoformat()}) is not in the future ({when}): "
                      "'the start time must always be in the future' "
                      "('Time and date picker'); offer slots that are yet to come", 305, f"{at}.{wire}")


def _list_picker(picker: ListPicker, where: str, p: Problems) -> None:
    """"List picker": options to pick from, with labels and "a media thumbnail" (an image)."""
    if not picker.options:
        p.add("a list picker needs at least one option: it 'presents a list of options to the users' ('List "
              "picker')", 305, f"{where}.options")
    for media, at in picker_media(picker, where):
        found = media_type(media)
        if found is not None and not found[0].startswith("image/"):
            p.add(f"{told(found)}: a list picker's media is 'a media thumbnail', an image ('List picker'); "
                  "give an image", 305, f"{at}.{found[1]}")


def _channel(scope: Scope) -> str:
    """The Apple channel the message lists, by name (Apple Business Chat if none)."""
    listed = sorted(c.value for c in scope.listed & APPLE)
    return listed[0] if listed else "Apple Business Chat"


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Apple's rules for ``msg``: its pickers wherever they are; the rest where listed."""
    rich, where = rich_of(msg, where)
    if rich is None:
        return
    listed, name = scope.on(*APPLE), _channel(scope)
    if listed and rich.suggestions:
        p.add(f"{name} takes suggestions inside the conversation item they belong to ('Suggestions': 'included "
              "inside the conversation item, instead of at the richContent level'); move them into "
              "conversation[i].suggestions", 305, f"{where}.suggestions")
    for item, at in items(rich, where):
        if item.time_picker is not None:
            _time_picker(item.time_picker, f"{at}.timePicker", scope.now, p, scope.clock)
        if item.list_picker is not None:
            _list_picker(item.list_picker, f"{at}.listpicker", p)
            if not listed:  # its media are Apple's wherever it is; where listed, checked below
                for media, m_at in picker_media(item.list_picker, f"{at}.listpicker"):
                    check_name(media, m_at, name, p)
    if listed:
        for media, at in all_media(rich, where):
            check_name(media, at, name, p)

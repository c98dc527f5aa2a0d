"""Offline rules of the gateway, with its own error codes; phonenumbers lives here.

``validate()`` checks a whole request and reports every problem at once: the raised
``PayloadError`` carries them all in ``.errors``, each with ``.code`` (301 from, 302 to, 303
phone number, 304 body, 305 other field, 202 malformed, 203 msg array, 103 product token) and
``.location`` (``msg[2].to[0]``). On success it returns the request normalised for the wire:
phone numbers in ``00…`` form, channels as ``Channel``, validity as the gateway's string.
Sources: CM spec, "Sending messages", "Phone numbers", "References and replies", "Custom
groupings", "Validity period", "SMS - Multipart", "Custom DCS", "HTTP GET protocol".
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import functools
import math
import operator
import re
import string
from datetime import datetime, timedelta, timezone
from typing import Any

import phonenumbers

from cmcore._errors import PayloadError, Problems
from cmcore._models import _PHONE_CHANNELS, AMSTERDAM, BodyType, Channel, Message, ProductToken, Request
from cmcore._phone import gateway_form, phone_info, region_argument
from cmcore._rich import RichContent
from cmcore._rules import MESSAGE_RULES, TEXT_LIMITS, check_message
from cmcore._sms import MAX_PARTS, Encoding, analyze, truncate
from cmcore._typecheck import field_kinds
from cmcore import _gsm7, _kernel

_wire = _kernel.load("_wire")
_screen = _kernel.load("_screen")

MAX_MESSAGES = 1000
MAX_VALIDITY = timedelta(hours=72)
_TOKEN = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
#: What an alphanumeric sender may hold (at most 11 of them). "Sending messages" says "11
#: alphanumerical characters [a-zA-Z]", but CM's own brand is "CM.com": operators take the
#: space, the full stop, the hyphen, the underscore and the ampersand in alphanumeric senders.
SENDER_ALPHABET = string.ascii_letters + string.digits + " .-_&"
#: "Channel fallback": "Fallback is available for the channels: WhatsApp, Push, RCS, Viber, SMS"
#: (MobilePush is Push's current name, "Migrating from Hybrid Push").
FALLBACK_CHANNELS = frozenset({Channel.WHATSAPP, Channel.PUSH, Channel.MOBILE_PUSH, Channel.RCS, Channel.VIBER,
                               Channel.SMS})
_PUSH = frozenset({Channel.PUSH, Channel.MOBILE_PUSH})
_ALPHA_SENDER = re.compile(f"[{re.escape(SENDER_ALPHABET)}]{{1,11}}")
_NUMERIC_SENDER = re.compile(r"[0-9]{1,16}")
_REFERENCE = re.compile(r"[A-Za-z0-9_]{1,32}")  # "alphanumeric"; the spec's own example uses _
_RELATIVE = re.compile(r"([0-9]{1,6})([hHmM])")
_ABSOLUTE = re.compile(  # ASCII digits only, as the gateway reads them
    r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?"
    r"\s*(?:(GMT|UTC|Z)|([+-])(\d{1,2})(?::?(\d{2}))?)?", re.ASCII
)
_CHANNELS = {c.value: c for c in Channel}
_FOLDED_CHANNELS = {c.value.casefold(): c for c in Channel}  # the gateway reads names ignoring case


def normalize_phone(number: str, /, *, default_region: str | None = None) -> str:
    """Return ``number`` in the gateway's form: ``00``, country code, national number.

    Accepts ``+31 (0)76 - 572 70 00``, ``0031765727000``, and with ``default_region``
    national forms (``076 5727000``). The verdict is phonenumbers' (``parse`` then
    ``is_valid_number``), reached from its metadata without its parse for the common forms.
    Raises ``PayloadError`` (code 303) naming the reason for a number that phonenumbers does
    not hold valid, and ``TypeError`` for a ``number`` that is not a str.
    """
    if not isinstance(number, str):
        raise TypeError(f"normalize_phone() argument 'number' must be str, not {type(number).__name__}")
    info = phone_info(number, default_region=default_region)
    if info.number is None:
        raise PayloadError(f"{str.__str__(number)!r} is not a valid phone number: {info.problem}", code=303)
    return info.number


def _channels(msg: Message, where: str, errors: Problems, custom: bool) -> tuple[Channel | str, ...]:
    out: list[Channel | str] = []
    seen: set[Channel | str] = set()
    for i, channel in enumerate(msg.allowed_channels):
        known = channel if isinstance(channel, Channel) else (
            _CHANNELS.get(channel) or _FOLDED_CHANNELS.get(channel.casefold()))
        if known is None and not (custom and channel.strip()):
            errors.add(f"unknown channel {channel!r}{_did_you_mean(channel)}; the gateway knows "
                       f"{', '.join(_CHANNELS)} (custom channels must be allowed explicitly)",
                       305, f"{where}.allowedChannels[{i}]")
            continue
        value = known if known is not None else channel
        if value in seen:
            errors.add(f"channel {str(value)!r} is listed twice", 305, f"{where}.allowedChannels[{i}]")
        seen.add(value)
        out.append(value)
    listed = [c for c in out if isinstance(c, Channel)]
    outside = [c.value for c in listed if c not in FALLBACK_CHANNELS]
    if len(listed) > 1 and outside:
        errors.add(f"{len(listed)} channels listed, a fallback, and fallback is available only across WhatsApp, "
                   f"Push, RCS, Viber and SMS ('Channel fallback'), not {', '.join(outside)}; send to it in a "
                   "message of its own", 305, f"{where}.allowedChannels")
    return tuple(out)


def _did_you_mean(name: str) -> str:
    """``; did you mean 'WhatsApp'?`` for a name close to a channel's, else nothing."""
    close = difflib.get_close_matches(name.casefold(), list(_FOLDED_CHANNELS), n=1, cutoff=0.6)
    return f"; did you mean {_FOLDED_CHANNELS[close[0]].value!r}?" if close else ""


def _phone_channels(channels: tuple[Channel | str, ...]) -> bool:
    """Recipients are phone numbers unless every allowed channel takes channel ids."""
    return not channels or any(not isinstance(c, Channel) or c.takes_phone_numbers for c in channels)


def _sms_possible(channels: tuple[Channel | str, ...]) -> bool:
    return not channels or Channel.SMS in channels


_Traits = tuple[bool, bool, tuple[tuple[Channel, int], ...]]
_TRAITS: dict[tuple[Channel | str, ...], _Traits] = {}


def _traits(channels: tuple[Channel | str, ...]) -> _Traits:
    """What a message's channels decide, worked out once a list of channels: whether the
    recipients are phone numbers, whether SMS may carry it, and the text limits that apply
    (in channel-name order)."""
    found = _TRAITS.get(channels)
    if found is None:
        limits = tuple((c, TEXT_LIMITS[c]) for c in sorted({c for c in channels if isinstance(c, Channel)}
                                                             & TEXT_LIMITS.keys(), key=str))
        found = (_phone_channels(channels), _sms_possible(channels), limits)
        if len(_TRAITS) < 4096:  # custom channel names could be endless
            _TRAITS[channels] = found
    return found


def _sender(msg: Message, where: str, errors: Problems, sms: bool, channels: tuple[Channel | str, ...]) -> None:
    if msg.sender is None and channels and all(c in _PUSH for c in channels):
        return  # Push: "The from field is optional where you can specify the sender for a fallback SMS"
    if not isinstance(msg.sender, str) or not msg.sender.strip():
        errors.add("a message needs a sender (from); only a message to Push or MobilePush alone may leave it out",
                   301, f"{where}.from")
    elif sms and not (_ALPHA_SENDER.fullmatch(msg.sender) or _NUMERIC_SENDER.fullmatch(msg.sender)):
        errors.add(f"sender {msg.sender!r}: at most 11 letters, digits, spaces and . - _ &, or at most "
                   "16 digits", 301, f"{where}.from")


def _recipients(msg: Message, where: str, errors: Problems, phones: bool, region: str | None) -> tuple[str, ...]:
    if not msg.recipients:
        errors.add("a message needs at least one recipient (to)", 302, f"{where}.to")
    out = []
    for i, to in enumerate(msg.recipients):
        if not isinstance(to, str) or not to.strip():
            errors.add(f"recipient {to!r} is empty or not text", 302, f"{where}.to[{i}]")
            continue
        if not phones:
            out.append(to)
            continue
        form = gateway_form(to.strip(), region)
        if form is None:
            problem = phone_info(to, default_region=region).problem
            errors.add(f"{to!r} is not a valid phone number: {problem}", 303, f"{where}.to[{i}]")
        else:
            out.append(form)
    return tuple(out)


def _body(msg: Message, where: str, errors: Problems, cut: bool, sms: bool) -> str:
    body = msg.body
    if not isinstance(body, str):
        errors.add(f"the body must be text, not {type(body).__name__}", 304, f"{where}.body")
        return ""
    if msg.dcs is not None and msg.dcs not in (0, 8):
        errors.add(f"dcs must be 0 or 8, not {msg.dcs!r}", 305, f"{where}.dcs")
    if msg.body_type is not None and msg.body_type is not BodyType.AUTO:
        errors.add(f"body type must be BodyType.AUTO or None, not {msg.body_type!r}", 305, f"{where}.body.type")
    if not body:
        # Rich content on channels without SMS may leave the body empty (the spec's Google
        # Business Messages examples do); SMS, or a fallback to it, needs the text.
        if sms or msg.rich_content is None:
            errors.add("a body without content was found", 304, f"{where}.body")
        return body
    forced = Encoding.UCS2 if msg.dcs == 8 and msg.body_type is None else None
    if msg.dcs in (None, 0) and msg.body_type is None and analyze(body).encoding is Encoding.UCS2:
        # "Custom DCS": "If you set DCS to '0' or do not include the parameter, the messages
        # uses standard GSM encoding": the gateway would garble what GSM-7 cannot carry.
        index, char = next((i, c) for i, c in enumerate(body) if c not in _gsm7.BASIC and c not in _gsm7.EXTENSION)
        sent = "dcs 0 sends" if msg.dcs == 0 else "without body type auto or dcs 8, the gateway sends"
        errors.add(f"{sent} GSM-7, and the body holds {char!r} (U+{ord(char):04X}) at index {index}, which "
                   "GSM-7 cannot carry; set body_type=BodyType.AUTO (the gateway picks UCS-2 where needed) "
                   "or dcs=8 (always UCS-2)", 304, f"{where}.body")
    limit = msg.max_parts if isinstance(msg.max_parts, int) and 1 <= msg.max_parts <= MAX_PARTS else None
    if limit is not None or (sms and len(body) > _UNCOUNTED):
        parts = analyze(body, encoding=forced).parts
        if limit is None and parts > MAX_PARTS:
            # "SMS - Multipart": "The SMS standard theoretically permits up to 255 message parts"
            errors.add(f"the body needs {parts} parts; an SMS has at most {MAX_PARTS}", 304, f"{where}.body")
        elif limit is not None and parts > limit:
            if cut:
                return truncate(body, limit, encoding=forced)
            errors.add(f"the body needs {parts} parts, more than maximumNumberOfMessageParts "
                       f"{limit}; shorten it, or ask for truncation", 304, f"{where}.body")
    return body


def _parts(msg: Message, where: str, errors: Problems) -> None:
    for name, value in (("minimumNumberOfMessageParts", msg.min_parts), ("maximumNumberOfMessageParts", msg.max_parts)):
        if value is not None and (type(value) is not int or not 1 <= value <= MAX_PARTS):
            errors.add(f"{name} must be a whole number from 1 to 255, not {value!r}", 305, f"{where}.{name}")
    for given, missing in (("minimumNumberOfMessageParts", msg.max_parts), ("maximumNumberOfMessageParts", msg.min_parts)):
        if missing is None:
            # The older edition: "always used together"; every example of both gives both.
            other = "maximum" if given.startswith("minimum") else "minimum"
            errors.add(f"{given} is given without the {other}; the two are always used together (min_parts=1 "
                       "lets the gateway send as many parts as the maximum)", 305, f"{where}.{given}")
    if type(msg.min_parts) is int and type(msg.max_parts) is int and msg.min_parts > msg.max_parts:
        errors.add(f"minimumNumberOfMessageParts {msg.min_parts} is more than the maximum "
                   f"{msg.max_parts}", 305, f"{where}.minimumNumberOfMessageParts")


# A body of at most this many characters needs at most 255 parts in any encoding (two units a
# character at most, 67 units a part), so its parts are counted only where a maximum is given.
_UNCOUNTED = MAX_PARTS * 67 // 2
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# (attribute, wire key, code) of the message's own text fields that UTF-8 must carry.
_UTF8_FIELDS = (("sender", "from", 301), ("recipients", "to", 302), ("body", "body", 304),
                ("allowed_channels", "allowedChannels", 305), ("custom_grouping", "customGrouping", 305),
                ("custom_grouping2", "customGrouping2", 305), ("custom_grouping3", "customGrouping3", 305),
                ("validity", "validity", 305), ("app_key", "appKey", 305), ("rich_content", "richContent", 305))


_UTF8_GET = operator.attrgetter(*(name for name, _, _ in _UTF8_FIELDS))


def camel(name: str) -> str:
    """``postback_data`` -> ``postbackData``: the default JSON spelling of a field."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@functools.cache
def _keys(cls: type) -> tuple[tuple[str, str, tuple[type[enum.Enum] | None, tuple[str, ...]] | None], ...]:
    kinds = field_kinds(cls)
    return tuple((f.name, camel(f.name), kinds.get(f.name)) for f in dataclasses.fields(cls)
                 if not f.name.startswith("_"))


_INT64 = range(-(2**63), 2**63)


def _scan(value: Any, where: str, code: int, errors: Problems,
          kind: tuple[type[enum.Enum] | None, tuple[str, ...]] | None = None) -> None:
    """Report what JSON cannot carry as it is, wherever it is in ``value``: text that UTF-8
    cannot carry (a lone surrogate), a float that is not finite, an int beyond 64 bits, and a
    string where the field takes only the members of an enum or a ``Literal`` (``kind``)."""
    if isinstance(value, str):
        if kind is not None and not (isinstance(value, kind[0]) if kind[0] is not None else value in kind[1]):
            errors.add(f"{value!r} is not one of {', '.join(kind[1])}", code, where)
        found = None if value.isascii() else _LONE_SURROGATE.search(value)
        if found:
            errors.add(f"a lone surrogate U+{ord(found.group()):04X} at index {found.start()}: "
                       "UTF-8, and so JSON, cannot carry it", code, where)
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            _scan(item, f"{where}[{i}]", code, errors, kind)
    elif isinstance(value, float):
        if not math.isfinite(value):
            errors.add(f"{value!r} is not a number JSON can carry", code, where)
    elif isinstance(value, int) and not isinstance(value, bool):
        if value not in _INT64:
            errors.add(f"a number of {value.bit_length()} bits; at most 64 bits can be sent", code, where)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name, key, field_kind in _keys(type(value)):
            _scan(getattr(value, name), f"{where}.{key}", code, errors, field_kind)


def _texts(msg: Message, where: str, errors: Problems) -> None:
    for (name, key, code), value in zip(_UTF8_FIELDS, _UTF8_GET(msg)):
        if value is None or (type(value) is str and value.isascii()):
            continue  # nothing that JSON cannot carry: the common case, without the walk
        if type(value) is tuple and all([type(x) is str and x.isascii() for x in value]):
            continue
        _scan(value, f"{where}.{key}", code, errors)
    if msg.reference is not None and not (isinstance(msg.reference, str) and _REFERENCE.fullmatch(msg.reference)):
        errors.add(f"reference {msg.reference!r}: 1 to 32 letters, digits or _", 305, f"{where}.reference")
    if msg.custom_grouping is None and msg.custom_grouping2 is None and msg.custom_grouping3 is None:
        pass
    else:
        for name in ("custom_grouping", "custom_grouping2", "custom_grouping3"):
            value = getattr(msg, name)
            if value is not None and not (isinstance(value, str) and 0 < len(value) <= 100):
                wire = "customGrouping" + name[len("custom_grouping"):]
                errors.add(f"{wire} must be 1 to 100 characters", 305, f"{where}.{wire}")
    if msg.app_key is not None and not (isinstance(msg.app_key, str) and msg.app_key.strip()):
        errors.add("appKey must be non-empty text", 305, f"{where}.appKey")


def _offset(text: str) -> str:
    return f"{text[:3]}:{text[3:]}" if len(text) == 5 else text


def _absolute(match: re.Match[str]) -> datetime:
    y, mo, d, h, mi, s, utc, sign, oh, om = match.groups()
    moment = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
    if utc:
        return moment.replace(tzinfo=timezone.utc)
    if sign:
        delta = timedelta(hours=int(oh), minutes=int(om or 0))
        return moment.replace(tzinfo=timezone(delta if sign == "+" else -delta))
    return moment.replace(tzinfo=AMSTERDAM)


def _within(moment: datetime, now: datetime) -> bool:
    try:
        return now < moment <= now + MAX_VALIDITY
    except OverflowError:  # at the ends of datetime's range: far outside the window
        return False


def validity_string(value: str | datetime | timedelta, /, *, now: datetime | None = None) -> str:
    """Check a validity and return the gateway's string for it.

    Relative: ``"2h"``, ``"30m"`` or a ``timedelta`` of whole minutes, up to 72 hours.
    Absolute: ``"2017-04-20 11:50:05 GMT"``, ``"…+8"``, ``"…-07:00"``, or without a zone
    (CE(S)T), or a ``datetime`` (naive means CE(S)T). An absolute time must lie in the 72
    hours after ``now`` (aware; the clock, in UTC, when not given).
    Raises ``PayloadError`` (code 305).
    """
    if isinstance(value, timedelta):
        minutes, rest = divmod(value, timedelta(minutes=1))
        if rest or not timedelta(0) < value <= MAX_VALIDITY:
            raise PayloadError(f"validity {value} must be whole minutes from 1 minute to 72 hours", code=305)
        return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=AMSTERDAM)
        text = value.isoformat(sep=" ", timespec="seconds")[:19] + (
            _offset(value.strftime("%z")) if value.tzinfo else "")
    elif isinstance(value, str):
        relative = _RELATIVE.fullmatch(value.strip())
        if relative:
            amount = int(relative.group(1)) * (60 if relative.group(2) in "hH" else 1)
            if not 0 < amount <= 72 * 60:
                raise PayloadError(f"validity {value!r} must be more than 0 and at most 72 hours", code=305)
            return value.strip()
        match = _ABSOLUTE.fullmatch(value.strip())
        if not match:
            raise PayloadError(f"validity {value!r} is not a form the gateway reads ('2h', '30m', "
                               "'2017-04-20 11:50:05 GMT', '...+8', '...-07:00')", code=305)
        try:
            moment = _absolute(match)
        except ValueError as exc:
            raise PayloadError(f"validity {value!r}: {exc}", code=305) from None
        text = value.strip()
    else:
        raise PayloadError(f"validity must be str, datetime or timedelta, not {type(value).__name__}", code=305)
    if now is None:  # the clock: not shown, so that an input gets the same words whenever it is checked
        if not _within(moment, datetime.now(timezone.utc)):
            raise PayloadError(f"validity {text!r} is not within 72 hours from now (by the clock)", code=305)
    elif not _within(moment, now):
        raise PayloadError(f"validity {text!r} is not within 72 hours after {now.isoformat()}", code=305)
    return text


def _message(msg: Any, where: str, errors: Problems, options: dict[str, Any]) -> Message | None:
    if not isinstance(msg, Message):
        errors.add(f"expected a Message, got {type(msg).__name__}", 203, where)
        return None
    channels = _channels(msg, where, errors, options["allow_custom_channels"])
    phones, sms, limits = _traits(channels)
    _sender(msg, where, errors, sms, channels)
    recipients = _recipients(msg, where, errors, phones, options["default_region"])
    if msg.min_parts is not None or msg.max_parts is not None:
        _parts(msg, where, errors)
    body = _body(msg, where, errors, options["truncate"], sms)
    _texts(msg, where, errors)
    if msg.rich_content is not None and not isinstance(msg.rich_content, RichContent):
        errors.add(f"rich_content must be RichContent, not {type(msg.rich_content).__name__}",
                   202, f"{where}.richContent")
    elif msg.rich_content is None and isinstance(body, str):
        for channel, limit in limits:
            if len(body) > limit:
                errors.add(f"body of {len(body)} characters; {channel} takes at most {limit}", 304, f"{where}.body")
    check_message(msg, where, channels, errors, now=options["now"], clock=options["clock"])
    validity = None
    if msg.validity is not None:
        try:
            validity = validity_string(msg.validity, now=None if options["clock"] else options["now"])
        except PayloadError as exc:
            errors.add(exc.message, 305, f"{where}.validity")
    return _normalised(msg, recipients, channels, body, validity)


_SLOTS = tuple(f.name for f in dataclasses.fields(Message))
_DESCRIPTORS = tuple(getattr(Message, name) for name in _SLOTS)
_GET_ALL = operator.attrgetter(*_SLOTS)
_CHANGED = tuple(_SLOTS.index(name) for name in ("recipients", "allowed_channels", "body", "validity"))


def _normalised(msg: Message, recipients: tuple[str, ...], channels: tuple[Channel | str, ...], body: str,
                validity: str | None) -> Message:
    """``msg`` with its normalised fields: itself where nothing changed; for an exact
    ``Message``, a copy made without running its checks again (every value is checked)."""
    if (recipients == msg.recipients and channels == msg.allowed_channels and body is msg.body
            and validity == msg.validity and all(type(c) is type(d) for c, d in zip(channels, msg.allowed_channels))):
        return msg
    if type(msg) is not Message:
        return dataclasses.replace(msg, recipients=recipients, allowed_channels=channels, body=body, validity=validity)
    values = list(_GET_ALL(msg))
    for at, value in zip(_CHANGED, (recipients, channels, body, validity)):
        values[at] = value
    new: Message = _wire.fill(Message, _DESCRIPTORS, values)
    return new


_RULES: dict[Any, Any] = {}


def _screen_rules() -> Any:
    """The rules of the one-pass screen, from the tables the full rules use: made once for the
    screen kernel in use (a kernel's rules are its own type, so a switch of kernel, as the
    harnesses make, gets rules of its own)."""
    rules = _RULES.get(_screen)
    if rules is None:
        rules = _RULES[_screen] = _screen.rules(Message, tuple(Channel), _PHONE_CHANNELS, Channel.SMS,
                                                FALLBACK_CHANNELS, MESSAGE_RULES, TEXT_LIMITS, SENDER_ALPHABET,
                                                BodyType.AUTO, gateway_form)
    return rules


def validate(
    request: Request,
    /,
    *,
    default_region: str | None = None,
    now: datetime | None = None,
    allow_custom_channels: bool = False,
    truncate: bool = False,
) -> Request:
    """Check ``request`` against the gateway's rules and return it normalised for the wire.

    ``default_region`` (None; ``"NL"`` say) reads national phone numbers; ``now`` (aware; the
    clock when not given) is the moment an absolute validity and Apple time picker slots are
    held to; ``allow_custom_channels`` lets unknown channel
    names through; ``truncate=True`` cuts a body down to ``max_parts`` instead of failing.
    Raises ``PayloadError`` carrying every problem in ``.errors``.
    """
    if not isinstance(request, Request):
        raise TypeError(f"validate() argument 'request' must be a Request, not {type(request).__name__}")
    if (request._checked == 1 or request._checked == 2 and allow_custom_channels) and now is None and not truncate:
        return request
    messages, errors, token = judge(request, default_region=default_region, now=now,
                                    allow_custom_channels=allow_custom_channels, truncate=truncate)
    errors.raise_any(secret=token)
    kept = tuple(m for m in messages if m is not None)
    checked = Request(product_token=ProductToken(token), messages=kept)
    custom = any(type(c) is not Channel for m in kept for c in m.allowed_channels)
    object.__setattr__(checked, "_checked", 2 if custom else 1)
    return checked


def judge(request: Request, /, *, default_region: str | None = None, now: datetime | None = None,
          allow_custom_channels: bool = False, truncate: bool = False,
          ) -> tuple[list[Message | None], Problems, str]:
    """``validate()``'s work without the verdict: each message normalised (``None`` where it is
    not a ``Message``; a recipient with a problem left out), every problem found, and the token
    (for the caller to scrub). ``check()`` builds the gateway's per-recipient answer on it."""
    if now is not None and not isinstance(now, datetime):
        raise TypeError(f"validate() argument 'now' must be a datetime, not {type(now).__name__}")
    if now is not None and now.tzinfo is None:
        raise ValueError("validate(): now must be an aware datetime")
    default_region = region_argument(default_region)
    if default_region is not None and default_region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"validate(): default_region {default_region!r} is not a region phonenumbers knows "
                         "(an ISO 3166 code in capitals, such as 'NL')")
    errors = Problems()
    token = request.product_token.reveal()
    if not token.strip():
        errors.add("no product token was given: the gateway refuses a request without one (103); pass "
                   "Request(product_token=...) the account's token", 103, "authentication.productToken")
    elif not _TOKEN.fullmatch(token):
        errors.add("the product token is not in the gateway's form (8-4-4-4-12 hexadecimal "
                   "digits); it is not shown here", 103, "authentication.productToken")
    if not request.messages:
        errors.add("a request needs at least one msg", 203, "msg")
    elif len(request.messages) > MAX_MESSAGES:
        errors.add(f"{len(request.messages)} messages, more than the gateway's {MAX_MESSAGES} a "
                   "request; split with cmcore.chunk()", 203, "msg")
    clock = now if now is not None else datetime.now(timezone.utc)  # the one place the clock is read
    options = {"default_region": default_region, "now": clock, "clock": now is None,
               "allow_custom_channels": allow_custom_channels, "truncate": truncate}
    rules, screen = _screen_rules(), _screen.screen
    messages: list[Message | None] = []
    for i, m in enumerate(request.messages):
        plain = screen(m, rules, default_region)  # the common case in one pass, else None
        messages.append(_message(m, f"msg[{i}]", errors, options) if plain is None else plain)
    return messages, errors, token


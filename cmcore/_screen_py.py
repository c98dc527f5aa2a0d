"""The pure-Python twin of ``_screen.pyx``: the same names, the same answers.

``screen()`` proves a plain message valid and returns it normalised for the wire, or returns
``None`` for ``validate()``'s full rules; see the compiled kernel's docstring for what
"plain" means and what is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MemberDescriptorType
from typing import Any

FIELDS = ("sender", "recipients", "body", "body_type", "dcs", "allowed_channels", "reference",
          "custom_grouping", "custom_grouping2", "custom_grouping3", "validity", "min_parts",
          "max_parts", "app_key", "rich_content")
_MAX_CHANNELS = 32
_MAX_PLAIN_BODY = 8000
_REFERENCE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NONE_FIELDS = ("dcs", "validity", "min_parts", "max_parts", "app_key", "rich_content")


class Rules:
    """What ``screen()`` needs to know, made once by ``rules()``."""

    __slots__ = ("message_class", "fields", "descriptors", "members", "names", "phone_mask", "sms_mask",
                 "fallback_mask", "full_mask", "limits", "sender_chars", "auto", "gateway")

    message_class: type
    fields: tuple[str, ...]
    descriptors: tuple[Any, ...]
    members: tuple[Any, ...]
    names: dict[str, Any]
    phone_mask: int
    sms_mask: int
    fallback_mask: int
    full_mask: int
    limits: tuple[int, ...]
    sender_chars: frozenset[str]
    auto: object
    gateway: Callable[[str, str | None], str | None]


def rules(message_class: type, members: tuple[Any, ...], phone_channels: frozenset[Any], sms: object,
          fallback: frozenset[Any], full: frozenset[Any], limits: dict[Any, int], sender_alphabet: str, auto: object,
          gateway: Callable[[str, str | None], str | None]) -> Rules:
    """The rules for ``screen()``; see the compiled kernel."""
    if len(members) > _MAX_CHANNELS:
        raise ValueError("rules(): too many channels")
    r = Rules()
    r.message_class = message_class
    r.fields = tuple(message_class.__dataclass_fields__)  # type: ignore[attr-defined]
    r.descriptors = tuple(getattr(message_class, n) for n in r.fields)
    if any(type(d) is not MemberDescriptorType for d in r.descriptors):
        raise TypeError(f"rules(): every field of {message_class.__name__} must be a slot")
    for name in FIELDS:
        if type(getattr(message_class, name)) is not MemberDescriptorType:
            raise TypeError(f"rules(): {message_class.__name__}.{name} is not a slot")
    r.members = tuple(members)
    r.names = {str(m.value): m for m in members}
    r.phone_mask = sum(1 << i for i, m in enumerate(members) if m in phone_channels)
    r.sms_mask = sum(1 << i for i, m in enumerate(members) if m is sms)
    r.fallback_mask = sum(1 << i for i, m in enumerate(members) if m in fallback)
    r.full_mask = sum(1 << i for i, m in enumerate(members) if m in full)
    r.limits = tuple(limits.get(m, -1) for m in members)
    if any(ord(c) >= 128 for c in sender_alphabet):
        raise ValueError("rules(): the sender alphabet is ASCII")
    r.sender_chars = frozenset(sender_alphabet)
    r.auto = auto
    r.gateway = gateway
    return r


def _utf8_safe(text: str) -> bool:
    return text.isascii() or not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _sms_sender(r: Rules, sender: str) -> bool:
    if not sender.isascii() or not 1 <= len(sender) <= 16:
        return False
    digits = True
    for c in sender:
        if not "0" <= c <= "9":
            digits = False
            if c not in r.sender_chars:
                return False
    return digits or len(sender) <= 11


def _reference_ok(text: str) -> bool:
    return text.isascii() and 1 <= len(text) <= 32 and all(c in _REFERENCE for c in text)


def _index(r: Rules, item: object) -> int:
    for j, member in enumerate(r.members):
        if item is member:
            return j
    return -1


def screen(msg: Any, r: Rules, region: str | None) -> Any:
    """``msg`` normalised for the wire where it is plain and valid, else ``None``."""
    if type(msg) is not r.message_class:
        return None
    try:
        values = {name: getattr(msg, name) for name in FIELDS}
    except AttributeError:  # a slot left unset
        return None
    if any(values[name] is not None for name in _NONE_FIELDS) or values["body_type"] is not r.auto:
        return None
    channels = values["allowed_channels"]
    if type(channels) is not tuple:
        return None
    mask = 0
    out_channels: list[Any] | None = None
    for i, item in enumerate(channels):
        j = _index(r, item)
        if j < 0:
            if type(item) is not str or item not in r.names:
                return None
            item = r.names[item]
            j = _index(r, item)
            if out_channels is None:
                out_channels = list(channels[:i])
        if mask & (1 << j):
            return None
        mask |= 1 << j
        if out_channels is not None:
            out_channels.append(item)
    if mask & (mask - 1) and mask & ~r.fallback_mask:  # more than one channel: a fallback
        return None
    if mask & r.full_mask:
        return None
    sender = values["sender"]
    if type(sender) is not str or not sender.strip() or not _utf8_safe(sender):
        return None
    if (mask == 0 or mask & r.sms_mask) and not _sms_sender(r, sender):
        return None
    body = values["body"]
    if type(body) is not str or not body or not _utf8_safe(body) or len(body) > _MAX_PLAIN_BODY:
        return None
    if any(mask & (1 << j) and 0 <= limit < len(body) for j, limit in enumerate(r.limits)):
        return None
    reference = values["reference"]
    if reference is not None and (type(reference) is not str or not _reference_ok(reference)):
        return None
    for name in ("custom_grouping", "custom_grouping2", "custom_grouping3"):
        item = values[name]
        if item is not None and (type(item) is not str or not 0 < len(item) <= 100 or not _utf8_safe(item)):
            return None
    recipients = values["recipients"]
    if type(recipients) is not tuple or not recipients:
        return None
    out_recipients: list[str] | None = None
    for i, item in enumerate(recipients):
        if type(item) is not str or not item.strip() or not _utf8_safe(item):
            return None
        if mask == 0 or mask & r.phone_mask:
            form = r.gateway(item.strip(), region)
            if type(form) is not str:
                return None
            if form != item:
                if out_recipients is None:
                    out_recipients = list(recipients[:i])
                item = form
        if out_recipients is not None:
            out_recipients.append(item)
    if out_recipients is None and out_channels is None:
        return msg
    new = object.__new__(r.message_class)
    for name, descriptor in zip(r.fields, r.descriptors):
        if name == "recipients" and out_recipients is not None:
            value: Any = tuple(out_recipients)
        elif name == "allowed_channels" and out_channels is not None:
            value = tuple(out_channels)
        else:
            try:
                value = getattr(msg, name)
            except AttributeError:
                return None
        descriptor.__set__(new, value)
    return new

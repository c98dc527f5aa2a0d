"""The XML interface (``gateway.ashx``): ``build_xml()``; with ``_xml_load`` (``load_xml()``),
the only modules that know the XML element names.

Source: CM spec, "XML Protocol" and its examples. Element names are upper case, ``<TO>``
repeats, ``<BODY TYPE="AUTO">`` asks for auto-detection. The text of every element escapes
the five characters of the spec's table (``"`` as ``&quot;``, ``'`` as ``&apos;``, ``<``, ``>``
and ``&``), and a carriage return as ``&#13;``, which a parser would otherwise read as a
line feed. XML is for SMS and Push only: other channels, rich content and validity are typed
errors, and so is text that XML 1.0 cannot carry (control characters, lone surrogates,
U+FFFE and U+FFFF).

Push comes in the spec's two forms. "Push - xml" is an SMS message that allows Push alone:
``<CHANNEL>SMS</CHANNEL>`` and ``<ALLOWEDCHANNELS>Push</ALLOWEDCHANNELS>`` after the body.
"Hybrid - xml" is ``<CHANNEL>Push</CHANNEL>`` with the ``<APPKEY>`` before the body and no
``ALLOWEDCHANNELS``: Push, falling back to SMS, which is ``allowed_channels=(PUSH, SMS)`` (the
older edition's JSON example with the same body text, "This message will be delivered as a
push message.", lists ``["Push", "SMS"]``).
"""

from __future__ import annotations

import re

from cmcore._errors import PayloadError, Problems
from cmcore._json import XML_ENDPOINT, HttpRequest
from cmcore._models import Channel, Message, Request
from cmcore._validate import validate

_XML_CHANNELS = {Channel.SMS, Channel.PUSH}
_HYBRID = (Channel.PUSH, Channel.SMS)
_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;"})
_PLAIN = re.compile(r"[^&<>\"'\r]*")


def _check(msg: Message, where: str) -> list[PayloadError]:
    problems = []
    for i, channel in enumerate(msg.allowed_channels):
        if channel not in _XML_CHANNELS:
            problems.append(PayloadError(f"the XML interface sends SMS and Push only, not {str(channel)!r}; "
                                         "use build_json()", code=305, location=f"{where}.allowedChannels[{i}]"))
    if msg.validity is not None:
        problems.append(PayloadError(_NO_VALIDITY, code=305, location=f"{where}.validity"))
    if msg.rich_content is not None:
        problems.append(PayloadError("the XML interface sends no rich content; use build_json()",
                                     code=305, location=f"{where}.richContent"))
    fields = [("from", msg.sender), ("body", msg.body), ("reference", msg.reference),
              ("customGrouping", msg.custom_grouping), ("customGrouping2", msg.custom_grouping2),
              ("customGrouping3", msg.custom_grouping3), ("appKey", msg.app_key)]
    for name, value in fields:
        bad = _NOT_XML.search(value or "")
        if bad:
            problems.append(PayloadError(
                f"character U+{ord(bad.group()):04X} at index {bad.start()} cannot be carried by XML 1.0",
                code=304 if name == "body" else 305, location=f"{where}.{name}"))
    return problems


# Neither edition names a validity element for XML: its examples and its parameter table
# (PRODUCTTOKEN, MSG, FROM, TO, BODY, DCS, REFERENCE, the parts, APPKEY) have none, and
# "Validity period" shows JSON only. A guessed <VALIDITY> could be ignored by the gateway,
# and the message sent without the expiry its sender asked for.
_NO_VALIDITY = "the XML interface takes no validity (the spec names no XML element for it); use build_json()"


def _escape(text: str) -> str:
    return text if _PLAIN.fullmatch(text) else text.translate(_ESCAPES)


def _element(parts: list[str], tag: str, value: object) -> None:
    if value is not None:
        parts.append(f"<{tag}>{_escape(str(value))}</{tag}>")


def _msg(parts: list[str], msg: Message) -> None:
    """Write one ``<MSG>``: the "Hybrid - xml" form for Push with SMS fallback, else SMS with
    its allowed channels after the body, as "Push - xml" writes them."""
    hybrid = msg.allowed_channels == _HYBRID
    parts.append("<MSG>")
    _element(parts, "CHANNEL", "Push" if hybrid else "SMS")
    _element(parts, "FROM", msg.sender)
    for to in msg.recipients:
        _element(parts, "TO", to)
    _element(parts, "DCS", msg.dcs)
    _element(parts, "MINIMUMNUMBEROFMESSAGEPARTS", msg.min_parts)
    _element(parts, "MAXIMUMNUMBEROFMESSAGEPARTS", msg.max_parts)
    if hybrid:
        _element(parts, "APPKEY", msg.app_key)
    kind = "" if msg.body_type is None else f' TYPE="{msg.body_type.value.upper()}"'
    parts.append(f"<BODY{kind}>{_escape(msg.body)}</BODY>")
    _element(parts, "REFERENCE", msg.reference)
    _element(parts, "CUSTOMGROUPING", msg.custom_grouping)
    _element(parts, "CUSTOMGROUPING2", msg.custom_grouping2)
    _element(parts, "CUSTOMGROUPING3", msg.custom_grouping3)
    if not hybrid:
        for channel in msg.allowed_channels:
            _element(parts, "ALLOWEDCHANNELS", channel)
        _element(parts, "APPKEY", msg.app_key)
    parts.append("</MSG>")


def build_xml(request: Request, /) -> bytes:
    """Return the XML document of ``request`` for ``gateway.ashx``, validated first; UTF-8.

    Raises ``PayloadError`` with every problem found, including what XML cannot send.
    """
    checked = validate(request)
    problems = [p for i, m in enumerate(checked.messages) for p in _check(m, f"msg[{i}]")]
    Problems(problems).raise_any(secret=checked.product_token.reveal())
    parts = [_DECLARATION, "<MESSAGES><AUTHENTICATION>"]
    _element(parts, "PRODUCTTOKEN", checked.product_token.reveal())
    parts.append("</AUTHENTICATION>")
    for msg in checked.messages:
        _msg(parts, msg)
    parts.append("</MESSAGES>")
    return "".join(parts).encode("utf-8")


def xml_request(request: Request, /, *, endpoint: str = XML_ENDPOINT) -> HttpRequest:
    """The POST a transport sends for ``request`` to an XML endpoint."""
    return HttpRequest(method="POST", url=endpoint, headers=(("Content-Type", "application/xml; charset=utf-8"),),
                       body=build_xml(request))

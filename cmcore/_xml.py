"""The XML interface (``gateway.ashx``): ``build_xml()`` with lxml; the only module that knows
the XML element names.

Source: CM spec, "XML Protocol" and its examples. Element names are upper case, ``<TO>``
repeats, ``<BODY TYPE="AUTO">`` asks for auto-detection. XML is for SMS and Push only: other
channels, rich content and validity are typed errors, and so is text that XML 1.0 cannot
carry (control characters, lone surrogates, U+FFFE and U+FFFF).
"""

from __future__ import annotations

import re

from lxml import etree

from cmcore._errors import PayloadError, Problems
from cmcore._json import XML_ENDPOINT, HttpRequest
from cmcore._models import Channel, Message, Request
from cmcore._validate import validate

_XML_CHANNELS = {Channel.SMS, Channel.PUSH}
_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check(msg: Message, where: str) -> list[PayloadError]:
    problems = []
    for i, channel in enumerate(msg.allowed_channels):
        if channel not in _XML_CHANNELS:
            problems.append(PayloadError(f"the XML interface sends SMS and Push only, not {str(channel)!r}; "
                                         "use build_json()", code=305, location=f"{where}.allowedChannels[{i}]"))
    if msg.validity is not None:
        problems.append(PayloadError("the XML interface takes no validity; use build_json()",
                                     code=305, location=f"{where}.validity"))
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


def _text(parent: etree._Element, tag: str, value: object) -> None:
    if value is not None:
        etree.SubElement(parent, tag).text = str(value)


def _msg(root: etree._Element, msg: Message) -> None:
    element = etree.SubElement(root, "MSG")
    push_only = msg.allowed_channels == (Channel.PUSH,) and msg.app_key is not None
    _text(element, "CHANNEL", "Push" if push_only else "SMS")
    _text(element, "FROM", msg.sender)
    for to in msg.recipients:
        _text(element, "TO", to)
    _text(element, "DCS", msg.dcs)
    _text(element, "MINIMUMNUMBEROFMESSAGEPARTS", msg.min_parts)
    _text(element, "MAXIMUMNUMBEROFMESSAGEPARTS", msg.max_parts)
    body = etree.SubElement(element, "BODY")
    if msg.body_type is not None:
        body.set("TYPE", msg.body_type.value.upper())
    body.text = msg.body
    _text(element, "REFERENCE", msg.reference)
    _text(element, "CUSTOMGROUPING", msg.custom_grouping)
    _text(element, "CUSTOMGROUPING2", msg.custom_grouping2)
    _text(element, "CUSTOMGROUPING3", msg.custom_grouping3)
    for channel in msg.allowed_channels:
        _text(element, "ALLOWEDCHANNELS", channel)
    _text(element, "APPKEY", msg.app_key)


def build_xml(request: Request, /) -> bytes:
    """Return the XML document of ``request`` for ``gateway.ashx``, validated first.

    Raises ``PayloadError`` with every problem found, including what XML cannot send.
    """
    checked = validate(request)
    problems = [p for i, m in enumerate(checked.messages) for p in _check(m, f"msg[{i}]")]
    Problems(problems).raise_any(secret=checked.product_token.reveal())
    root = etree.Element("MESSAGES")
    auth = etree.SubElement(root, "AUTHENTICATION")
    _text(auth, "PRODUCTTOKEN", checked.product_token.reveal())
    for msg in checked.messages:
        _msg(root, msg)
    return _DECLARATION + etree.tostring(root, encoding="utf-8")


def xml_request(request: Request, /, *, endpoint: str = XML_ENDPOINT) -> HttpRequest:
    """The POST a transport sends for ``request`` to an XML endpoint."""
    return HttpRequest(method="POST", url=endpoint, headers=(("Content-Type", "application/xml; charset=utf-8"),),
                       body=build_xml(request))

"""Reading the XML interface back: ``load_xml()``, into the model ``load_json()`` reads JSON
into, with the element names of ``_xml`` (CM spec, "XML Protocol").

A plain document (every element known, once where once is allowed, no attribute but a BODY's
TYPE, no text between elements) is read in one pass; any other is walked carefully, which
reports every problem with the codes ``load_json`` gives.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from cmcore._errors import PayloadError, Problems, ResponseError, shown
from cmcore._models import BodyType, Message, ProductToken, Request
from cmcore._reports import parse_xml
from cmcore._xml import _HYBRID, _NO_VALIDITY

# Each element of a MSG, by its name in lower case: (model field, location name).
_MSG_ELEMENTS = {"channel": ("channel", "channel"), "from": ("sender", "from"), "to": ("recipients", "to"),
                 "dcs": ("dcs", "dcs"), "body": ("body", "body"), "reference": ("reference", "reference"),
                 "minimumnumberofmessageparts": ("min_parts", "minimumNumberOfMessageParts"),
                 "maximumnumberofmessageparts": ("max_parts", "maximumNumberOfMessageParts"),
                 "customgrouping": ("custom_grouping", "customGrouping"),
                 "customgrouping2": ("custom_grouping2", "customGrouping2"),
                 "customgrouping3": ("custom_grouping3", "customGrouping3"),
                 "allowedchannels": ("allowed_channels", "allowedChannels"), "appkey": ("app_key", "appKey")}
_REPEATED = {"to", "allowedchannels"}
_INTS = {"dcs", "min_parts", "max_parts"}
_INT = re.compile(r"[ \t\r\n]*(-?[0-9]{1,40})[ \t\r\n]*")
_XML_SPACE = " \t\r\n"
# One pass over an element's attributes (``.items()`` is quadratic in their number); each
# result is a str whose ``attrname`` is the attribute's name.
_ATTRIBUTES: Any = etree.XPath("@*")


class _Reader:
    """One document being read: the problems found and every text given as a product token."""

    def __init__(self) -> None:
        self.problems = Problems()
        self.secrets: list[str] = []

    def name(self, element: Any) -> str:
        """The element's name in lower case; a product token anywhere is kept as a secret."""
        name: str = element.tag.lower()
        if name == "producttoken" and element.text:
            self.secrets.append(element.text)
        return name

    def attributes(self, element: Any, where: str, allowed: tuple[str, ...] = ()) -> dict[str, str]:
        """The attributes of ``element`` by name in lower case; others and duplicates reported."""
        found: dict[str, str] = {}
        if not element.attrib:
            return found
        for value in _ATTRIBUTES(element):
            name = value.attrname.lower()
            if name == "producttoken":
                self.secrets.append(str(value))
            if name not in allowed:
                self.problems.add(f"unknown attribute {value.attrname!r} of <{element.tag}>", 305, f"{where}.{name}")
            elif name in found:
                self.problems.add(f"attribute {value.attrname!r} appears twice (names ignore case)", 202, where)
            else:
                found[name] = str(value)
        return found

    def children(self, element: Any, where: str) -> list[tuple[str, Any]]:
        """The child elements of a container, by name; text between them is reported."""
        stray = [t for t in (element.text, *(c.tail for c in element)) if t and t.strip(_XML_SPACE)]
        if stray:
            self.problems.add(f"text {shown(stray[0].strip(_XML_SPACE), 40)} stands outside the elements of "
                              f"<{element.tag}>", 202, where)
        return [(self.name(child), child) for child in element]

    def unknown(self, name: str, element: Any, where: str) -> None:
        self.hidden(element)
        self.problems.add(f"unknown element <{element.tag}>", 305, f"{where}.{name}" if where else name)

    def hidden(self, element: Any) -> None:
        """Keep every product token inside an element that is not read (reported instead)."""
        for inner in element.iter():
            self.name(inner)
            self.secrets.extend(str(v) for v in _ATTRIBUTES(inner) if v.attrname.lower() == "producttoken")

    def twice(self, name: str, element: Any, seen: set[str], where: str) -> bool:
        if name in seen:
            self.problems.add(f"element <{element.tag}> appears twice (names ignore case)", 202, where)
            return True
        seen.add(name)
        return False

    def text(self, element: Any, where: str) -> str:
        """The text of a leaf element; elements inside it are reported."""
        if len(element):
            self.hidden(element)
            self.problems.add(f"<{element.tag}> must hold text, not elements", 202, where)
        return element.text or ""

    def integer(self, element: Any, where: str) -> int | None:
        text = self.text(element, where)
        match = _INT.fullmatch(text)
        if match is None:
            self.problems.add(f"<{element.tag}> must be a whole number, not {shown(text, 40)}", 202, where)
            return None
        return int(match.group(1))


def _body(reader: _Reader, element: Any, where: str) -> tuple[str, BodyType | None]:
    kind = reader.attributes(element, where, ("type",)).get("type")
    content = reader.text(element, where)
    if kind is None:
        return content, None
    if kind.lower() != "auto":
        reader.problems.add(f"body type must be 'AUTO', not {kind!r}", 305, f"{where}.type")
        return content, None
    return content, BodyType.AUTO


def _channels(reader: _Reader, channel: str | None, listed: list[str], where: str) -> tuple[str, ...]:
    """The allowed channels of a MSG from its CHANNEL and its ALLOWEDCHANNELS."""
    if channel is None or channel.lower() == "sms":
        return tuple(listed)
    if channel.lower() != "push":
        reader.problems.add(f"channel must be SMS or Push, not {channel!r}", 305, f"{where}.channel")
    elif not listed:
        return _HYBRID  # "Hybrid - xml": Push, falling back to SMS
    elif listed[0].lower() != "push":
        reader.problems.add(f"channel Push contradicts allowedChannels, which starts with {listed[0]!r}",
                            305, f"{where}.channel")
    return tuple(listed)


def _msg_field(reader: _Reader, field: str, element: Any, at: str, fields: dict[str, Any]) -> None:
    if field == "body":
        fields["body"], fields["body_type"] = _body(reader, element, at)
        return
    reader.attributes(element, at)
    if field in _INTS:
        fields[field] = reader.integer(element, at)
    elif field in ("recipients", "allowed_channels"):
        items = fields.setdefault(field, [])
        items.append(reader.text(element, f"{at}[{len(items)}]"))
    else:
        fields[field] = reader.text(element, at)


def _load_msg(reader: _Reader, element: Any, where: str) -> Message:
    reader.attributes(element, where)
    fields: dict[str, Any] = {}
    seen: set[str] = set()
    for name, child in reader.children(element, where):
        entry = _MSG_ELEMENTS.get(name)
        if entry is None:
            if name == "validity":
                reader.problems.add(_NO_VALIDITY.replace("use build_json()", "send it as JSON"), 305,
                                    f"{where}.validity")
            else:
                reader.unknown(name, child, where)
        elif name in _REPEATED or not reader.twice(name, child, seen, where):
            _msg_field(reader, entry[0], child, f"{where}.{entry[1]}", fields)
    # FROM may be left out for Push alone, as in JSON: validate() says where it is missing.
    for required, code, wire in (("recipients", 302, "TO"), ("body", 304, "BODY")):
        if required not in fields:
            reader.problems.add(f"no {wire} element found in a MSG element", code, f"{where}.{wire.lower()}")
    fields["recipients"] = tuple(fields.get("recipients", ()))
    fields["allowed_channels"] = _channels(reader, fields.pop("channel", None), fields.pop("allowed_channels", []),
                                           where)
    return Message(**{"body": "", "body_type": None,
                      **{k: v for k, v in fields.items() if v is not None}})


def _token(reader: _Reader, element: Any) -> str | None:
    """The text of an AUTHENTICATION's one PRODUCTTOKEN."""
    reader.attributes(element, "authentication")
    token, seen = None, set[str]()
    for name, child in reader.children(element, "authentication"):
        if name != "producttoken":
            reader.unknown(name, child, "authentication")
        elif not reader.twice(name, child, seen, "authentication"):
            reader.attributes(child, "authentication.productToken")
            token = reader.text(child, "authentication.productToken")
    return token


# Whether a document needs the careful walk: an element inside a leaf, text beside the
# elements of MESSAGES, MSG or AUTHENTICATION, an attribute on them, or a second one on a
# leaf. A leaf's one attribute must be a BODY's TYPE: the attributes of leaves are counted.
_ODD: Any = etree.XPath("boolean(/*/*/*/* | /*/text()[normalize-space()] | /*/*/text()[normalize-space()]"
                        " | /*/@* | /*/*/@* | /*/*/*/@*[position() > 1])")
_LEAF_ATTRIBUTES: Any = etree.XPath("count(/*/*/*/@*)")


def _quick_msg(element: Any) -> Message | None:
    """The message of a plain MSG element (see _ODD), read in one pass; None for anything
    the careful walk must report."""
    fields: dict[str, Any] = {}
    recipients, listed = [], []
    for child in element:
        name = child.tag.lower()
        if name == "to":
            recipients.append(child.text or "")
            continue
        if name == "allowedchannels":
            listed.append(child.text or "")
            continue
        field = _MSG_ELEMENTS.get(name, ("",))[0]
        if not field or field in fields:
            return None
        text = child.text or ""
        if field in _INTS:
            match = _INT.fullmatch(text)
            if match is None:
                return None
            fields[field] = int(match.group(1))
        else:
            fields[field] = text
        if field == "body" and child.attrib:
            [(key, kind)] = child.items()  # one attribute only: see _ODD
            if key.lower() != "type" or kind.lower() != "auto":
                return None
            fields["body_type"] = BodyType.AUTO
    if not recipients or "sender" not in fields or "body" not in fields:
        return None
    channel = fields.pop("channel", "sms").lower()
    if channel == "push" and not listed:
        fields["allowed_channels"] = _HYBRID
    elif channel == "sms" or channel == "push" and listed[0].lower() == "push":
        fields["allowed_channels"] = tuple(listed)
    else:
        return None
    return Message(recipients=tuple(recipients), body_type=fields.pop("body_type", None), **fields)


def _quick(root: Any) -> Request | None:
    """The request of a plain document, read in one pass; None if it needs the careful walk
    (which reports every problem), as any unknown, repeated or missing element does."""
    if root.tag.lower() != "messages" or _ODD(root):
        return None
    token, messages = None, []
    for child in root:
        name = child.tag.lower()
        if name == "msg":
            msg = _quick_msg(child)
            if msg is None:
                return None
            messages.append(msg)
        elif name == "authentication" and token is None and len(child) == 1 and child[0].tag.lower() == "producttoken":
            token = child[0].text or ""
        else:
            return None
    typed = sum(1 for msg in messages if msg.body_type is not None)
    if token is None or not messages or _LEAF_ATTRIBUTES(root) != typed:
        return None
    return Request(product_token=ProductToken(token), messages=tuple(messages))


def _parse(body: bytes | str) -> Any:
    try:
        return parse_xml(body, "body")
    except ResponseError as exc:
        raise PayloadError(f"this request is not XML the gateway reads: {exc.message}", code=202,
                           location="body") from None


def load_xml(body: bytes | str, /) -> Request:
    """Read an XML send request (``gateway.ashx``) into the model, as ``load_json`` does JSON.

    Element and attribute names ignore case, as at the gateway; elements may come in any
    order. Returns the ``Request`` the document says: a BODY without TYPE has
    ``body_type=None``, a DCS is kept as given, ``<CHANNEL>Push</CHANNEL>`` without
    ALLOWEDCHANNELS ("Hybrid - xml") is ``allowed_channels=(PUSH, SMS)``. Raises
    ``PayloadError`` with every problem in ``.errors`` (unknown or repeated elements and
    attributes, text where elements belong, a missing token, FROM, TO or BODY), 202 at
    ``body`` for what is not well-formed XML or holds a DTD or an entity, and ``TypeError``
    for an argument that is not bytes or str. The gateway's rules are checked by
    ``validate()`` and by every builder, not here.
    """
    if not isinstance(body, (bytes, bytearray, str)):
        raise TypeError(f"load_xml() argument 'body' must be bytes or str, not {type(body).__name__}")
    root = _parse(bytes(body) if isinstance(body, bytearray) else body)
    return _quick(root) or _careful(root)


def _careful(root: Any) -> Request:
    """The request of any document, every element and attribute looked at; raises
    ``PayloadError`` with every problem found (see ``load_xml``)."""
    reader = _Reader()
    token, messages, seen = None, list[Message](), set[str]()
    if reader.name(root) != "messages":
        reader.hidden(root)
        reader.problems.add(f"expected <MESSAGES>, got <{root.tag}>", 202, "request")
    else:
        reader.attributes(root, "messages")
        for name, child in reader.children(root, "messages"):
            if name == "msg":
                messages.append(_load_msg(reader, child, f"msg[{len(messages)}]"))
            elif name != "authentication":
                reader.unknown(name, child, "messages")
            elif not reader.twice(name, child, seen, "messages"):
                token = _token(reader, child)
        if not messages:
            reader.problems.add("no MSG element found: a MESSAGES element needs at least one", 203, "msg")
    if token is None:
        reader.problems.add("no product token found", 103, "authentication.productToken")
    reader.problems.raise_any(secret=reader.secrets)
    return Request(product_token=ProductToken(token or ""), messages=tuple(messages))

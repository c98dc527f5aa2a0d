"""The HTTP GET interface (``gateway.ashx?…``): ``build_query()`` and ``load_query()``; the
only module that knows its parameter names.

Source: CM spec, "HTTP GET protocol": producttoken, body, to, from, reference and appkey;
one recipient, a body of at most 160 GSM-7 characters, no Unicode, no multipart. Anything
more is a typed error that says to use POST.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus, urlencode

from cmcore._errors import PayloadError, Problems
from cmcore._json import XML_ENDPOINT, HttpRequest
from cmcore._models import Channel, Message, ProductToken, Request
from cmcore._sms import Encoding, analyze
from cmcore._validate import validate

_POST = "; send it by POST (build_json() or build_xml())"


def _check(msg: Message) -> list[PayloadError]:
    problems = []

    def no(text: str, code: int, location: str) -> None:
        problems.append(PayloadError(text + _POST, code=code, location=f"msg[0].{location}"))

    if len(msg.recipients) != 1:
        no(f"the GET interface takes one recipient, not {len(msg.recipients)}", 302, "to")
    seg = analyze(msg.body)
    if seg.encoding is not Encoding.GSM7:
        no("the GET interface sends GSM-7 only, and the body holds other characters", 304, "body")
    elif seg.units > 160:
        no(f"the GET interface sends one part of 160 septets, and the body needs {seg.units}", 304, "body")
    # A body type (auto, the only one) is left out: the body is GSM-7 only, which auto sends as it is.
    unsupported = [("dcs", msg.dcs), ("validity", msg.validity),
                   ("minimumNumberOfMessageParts", msg.min_parts), ("maximumNumberOfMessageParts", msg.max_parts),
                   ("customGrouping", msg.custom_grouping), ("customGrouping2", msg.custom_grouping2),
                   ("customGrouping3", msg.custom_grouping3), ("richContent", msg.rich_content)]
    for name, value in unsupported:
        if value is not None:
            no(f"the GET interface takes no {name}", 305, name)
    if any(c is not Channel.SMS for c in msg.allowed_channels):
        no("the GET interface sends SMS only", 305, "allowedChannels")
    return problems


def build_query(request: Request, /) -> str:
    """Return the query string of ``request`` for the GET interface, validated first.

    Raises ``PayloadError`` for anything the GET interface cannot send.
    """
    checked = validate(request)
    if len(checked.messages) != 1:
        raise PayloadError(f"the GET interface sends one message, not {len(checked.messages)}{_POST}",
                           code=203, location="msg")
    msg = checked.messages[0]
    problems = _check(msg)
    Problems(problems).raise_any(secret=checked.product_token.reveal())
    params = [("producttoken", checked.product_token.reveal()), ("body", msg.body),
              ("to", msg.recipients[0]), ("from", msg.sender)]
    if msg.reference is not None:
        params.append(("reference", msg.reference))
    if msg.app_key is not None:
        params.append(("appkey", msg.app_key))
    return urlencode(params)


def query_request(request: Request, /, *, endpoint: str = XML_ENDPOINT) -> HttpRequest:
    """The GET a transport sends for ``request``; its repr hides the query (and the token)."""
    return HttpRequest(method="GET", url=f"{endpoint}?{build_query(request)}", headers=(), body=None)


# -- loading ---------------------------------------------------------------------------------

# Each parameter, by its name in lower case: (model field, location, code when it is missing).
_PARAMS = {"producttoken": ("token", "authentication.productToken", 103), "from": ("sender", "msg[0].from", 301),
           "to": ("recipients", "msg[0].to", 302), "body": ("body", "msg[0].body", 304),
           "reference": ("reference", "msg[0].reference", 0), "appkey": ("app_key", "msg[0].appKey", 0)}
# Fields of a POST that the GET interface does not take ("DCS: HTTP POST only", older edition).
_POST_ONLY = {"dcs": "dcs", "minimumnumberofmessageparts": "minimumNumberOfMessageParts",
              "maximumnumberofmessageparts": "maximumNumberOfMessageParts", "validity": "validity",
              "customgrouping": "customGrouping", "customgrouping2": "customGrouping2",
              "customgrouping3": "customGrouping3", "allowedchannels": "allowedChannels", "channel": "channel",
              "type": "body.type", "richcontent": "richContent"}
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|/")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _query_of(text: str) -> str:
    """The query of a URL (what follows its first ``?``), or ``text`` itself, a ``?`` before it
    taken off."""
    if _URL.match(text):
        return text.partition("?")[2]
    return text[1:] if text.startswith("?") else text


def _decode(text: str, what: str, where: str, problems: Problems) -> str | None:
    """``text`` percent-decoded (``+`` is a space) as UTF-8; None, reported, where it cannot be."""
    bad = _BAD_ESCAPE.search(text)
    if bad:
        problems.add(f"{what}: a '%' at index {bad.start()} starts no escape of two hexadecimal digits "
                     "(write a literal '%' as %25)", 202, where)
        return None
    try:
        return unquote_plus(text, errors="strict")
    except UnicodeDecodeError:
        problems.add(f"{what}: its percent-escapes are not UTF-8", 202, where)
        return None


def _pairs(query: str, problems: Problems, secrets: list[str]) -> dict[str, str | None]:
    """The parameters of ``query`` by name in lower case, None for a value that could not be
    read; unknown, repeated and unreadable ones reported."""
    found: dict[str, str | None] = {}
    for piece in query.split("&"):
        if not piece:
            continue  # "a&&b", a trailing "&": nothing was given
        raw_name, equals, raw_value = piece.partition("=")
        name = _decode(raw_name, "a parameter name", "query", problems)
        if name is None:
            continue
        key = name.lower()
        entry = _PARAMS.get(key)
        where = entry[1] if entry else key
        value = _decode(raw_value, "the product token" if key == "producttoken" else f"parameter {name!r}",
                        where, problems)
        if key == "producttoken":
            secrets.extend((raw_value, value or ""))
        if value is None:
            found.setdefault(key, None)
        elif not equals:
            problems.add(f"parameter {name!r} has no '=' and no value", 202, where)
            found.setdefault(key, None)
        elif key in _POST_ONLY:
            problems.add(f"the GET interface takes no {_POST_ONLY[key]}{_POST}", 305, f"msg[0].{_POST_ONLY[key]}")
        elif entry is None:
            problems.add(f"unknown parameter {name!r}; the GET interface takes {', '.join(_PARAMS)}", 305, where)
        elif key in found:
            problems.add(f"parameter {name!r} appears twice (names ignore case)", 202, where)
        else:
            found[key] = value
    return found


def load_query(query_or_url: str, /) -> Request:
    """Read a GET request into the model: a query string (``producttoken=…&body=…``, a leading
    ``?`` allowed) or a full URL, whose query is read.

    Parameter names ignore case; values are percent-decoded as UTF-8, ``+`` a space. Returns a
    ``Request`` of one message with one recipient, ``body_type=None`` (GET sends no type).
    Raises ``PayloadError`` with every problem in ``.errors``: an unknown, repeated or
    POST-only parameter, a malformed escape, a ``#`` (what follows it never reaches the
    gateway), a missing producttoken, from, to or body; the token is in none of them. Raises
    ``TypeError`` for an argument that is not str. The gateway's rules are checked by
    ``validate()`` and by every builder, not here.
    """
    if not isinstance(query_or_url, str):
        raise TypeError(f"load_query() argument 'query_or_url' must be str, not {type(query_or_url).__name__}")
    problems, secrets = Problems(), list[str]()
    query, hash_sign, _ = _query_of(query_or_url).partition("#")
    found = _pairs(query, problems, secrets)
    if hash_sign:
        problems.add("a '#' ends the query, and what follows it never reaches the gateway; "
                     "write a '#' in a value as %23", 202, "query")
    fields: dict[str, Any] = {}
    for key, (field, where, code) in _PARAMS.items():
        if found.get(key) is not None:
            fields[field] = found[key]
        elif key not in found and code:
            problems.add(f"no {key} parameter found", code, where)
    problems.raise_any(secret=secrets)
    token = fields.pop("token")
    fields["recipients"] = (fields["recipients"],)
    return Request(product_token=ProductToken(token), messages=(Message(body_type=None, **fields),))

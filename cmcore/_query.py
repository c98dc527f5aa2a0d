"""The HTTP GET interface (``gateway.ashx?…``): ``build_query()``; the only module that knows
its parameter names.

Source: CM spec, "HTTP GET protocol": producttoken, body, to, from, reference and appkey;
one recipient, a body of at most 160 GSM-7 characters, no Unicode, no multipart. Anything
more is a typed error that says to use POST.
"""

from __future__ import annotations

from urllib.parse import urlencode

from cmcore._errors import PayloadError, Problems
from cmcore._json import XML_ENDPOINT, HttpRequest
from cmcore._models import Channel, Message, Request
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

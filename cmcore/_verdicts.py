"""What the JSON gateway answers to a request, offline: one result per recipient.

``validate()`` is all or nothing. The JSON gateway takes the good messages of a batch and
rejects the bad ones, and says which in its response (CM spec, "Responses & Errors", "JSON POST
responses", "JSON POST Error codes"). ``check()`` answers the same way, in the ``Response`` /
``MessageResult`` model that ``parse_response`` reads, and ``response_body()`` writes it as the
gateway's JSON, so that ``parse_response(response_body(r), http_status=r.http_status) == r``.

Every rule of ``validate()`` applies, per message and per recipient: a problem at
``msg[i].to[j]`` rejects that recipient; any other problem of ``msg[i]`` rejects each of its
recipients. ``messageDetails`` is in the gateway's own words where the spec gives them ("A body
without content was found", "Gsm '…' is not a number.", "No FROM field found in a MSG
object."), else cmcore's. Request-level failures (a missing or malformed token, no messages,
more than 1,000) answer 400 with the request-level code and no message results.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from datetime import datetime
from typing import Any

import orjson

from cmcore._codes import ErrorCode
from cmcore._errors import PayloadError
from cmcore._models import Channel, Message, Request
from cmcore._responses import MessageResult, Response, SendStatus, recognise
from cmcore._sms import Encoding, analyze
from cmcore._validate import MAX_MESSAGES, validate

_AT = re.compile(r"msg\[(\d+)\](?:\.to\[(\d+)\])?")
#: The gateway's words for a per-message problem, where the spec gives them ("JSON POST responses").
_WORDS = {"from": "No FROM field found in a MSG object.",
          "to": "Empty mobilenumber field, MT ignored",
          "empty body": "A body without content was found"}
_REQUEST_WORDS = {ErrorCode.INVALID_PRODUCT_TOKEN: "Invalid product token.",
                  ErrorCode.INVALID_MSG_ARRAY: "A MESSAGES object requires at least one MSG object"}


def _words(error: PayloadError, number: str | None) -> str:
    """``messageDetails`` for ``error``: the gateway's words where the spec has them."""
    if error.code == 301 and "needs a sender" in error.message:
        return _WORDS["from"]
    if error.code == 302 and "at least one recipient" in error.message:
        return _WORDS["to"]
    if error.code == 303 and number is not None:
        return f"Gsm '{number}' is not a number."
    if error.code == 304 and "without content" in error.message:
        return _WORDS["empty body"]
    return error.message


def _parts(msg: Message) -> int:
    """The SMS parts the gateway creates for ``msg`` to one recipient (1 off SMS)."""
    if msg.allowed_channels and Channel.SMS not in msg.allowed_channels:
        return 1
    forced = Encoding.UCS2 if msg.dcs == 8 and msg.body_type is None else None
    return analyze(msg.body, encoding=forced).parts


def _request_failure(error: PayloadError) -> Response:
    code = ErrorCode(error.code)
    return Response(error_code=code, details=_REQUEST_WORDS.get(code, error.message),
                    reason=recognise(_REQUEST_WORDS.get(code))[0], http_status=400)


def _problems(request: Request, options: dict[str, Any]) -> tuple[Request | None, list[PayloadError]]:
    try:
        return validate(request, **options), []
    except PayloadError as exc:
        return None, list(exc.errors)


def check(request: Request, /, *, default_region: str | None = None, now: datetime | None = None,
          allow_custom_channels: bool = False) -> Response:
    """The JSON gateway's answer to ``request``, offline: a ``MessageResult`` per recipient, in
    the order of the messages and their recipients. Options as ``validate()``'s.

    Raises ``TypeError`` for a ``request`` that is not a ``Request``; every problem of the
    request itself is an answer, not an exception.
    """
    if not isinstance(request, Request):
        raise TypeError(f"check() argument 'request' must be a Request, not {type(request).__name__}")
    options: dict[str, Any] = {"default_region": default_region, "now": now,
                               "allow_custom_channels": allow_custom_channels}
    checked, problems = _problems(request, options)
    if checked is not None:
        return _answer(checked.messages, {}, request)
    whole = [e for e in problems if e.code in (103, 203) or not e.location.startswith("msg[")]
    if whole or len(request.messages) > MAX_MESSAGES:
        return _request_failure(whole[0] if whole else PayloadError(
            f"{len(request.messages)} messages, more than the gateway's {MAX_MESSAGES} a request", code=203))
    by_message: dict[int, list[PayloadError]] = defaultdict(list)
    for error in problems:
        found = _AT.match(error.location)
        if found:
            by_message[int(found.group(1))].append(error)
    clean = [m for i, m in enumerate(request.messages) if i not in by_message]
    normalised = iter(validate(Request(product_token=request.product_token, messages=clean), **options).messages
                      if clean else ())
    messages = [request.messages[i] if i in by_message else next(normalised) for i in range(len(request.messages))]
    return _answer(messages, by_message, request, options)


def _answer(messages: Any, by_message: dict[int, list[PayloadError]], request: Request,
            options: dict[str, Any] | None = None) -> Response:
    """The response: messages without problems (normalised) accepted, the others judged."""
    results: list[MessageResult] = []
    for i, msg in enumerate(messages):
        errors = by_message.get(i)
        results.extend(_results(msg, errors, request, options) if errors else _accepted(msg))
    accepted = sum(1 for r in results if r.accepted)
    rejected = len(results) - accepted
    return Response(error_code=ErrorCode.MESSAGE_ERRORS if rejected else ErrorCode.OK,
                    details=f"Created {accepted} message(s)", messages=tuple(results),
                    http_status=400 if rejected and not accepted else 200)


def _accepted(msg: Message) -> list[MessageResult]:
    parts = _parts(msg)
    return [MessageResult(to=to, status=SendStatus.ACCEPTED, reference=msg.reference, parts=parts)
            for to in msg.recipients]


def _results(msg: Message, errors: list[PayloadError], request: Request,
             options: dict[str, Any] | None) -> list[MessageResult]:
    """The results of a message with problems: a recipient's own problem rejects it; any other
    rejects them all. The others are validated again alone, for their gateway form."""
    own: dict[int, PayloadError] = {}
    shared: PayloadError | None = None
    for error in errors:
        found = _AT.match(error.location)
        if found and found.group(2) is not None and found.end() == len(error.location):
            own.setdefault(int(found.group(2)), error)
        elif shared is None:
            shared = error
    if shared is not None or not msg.recipients:
        first = shared or errors[0]
        return [_rejected(to, msg, first) for to in msg.recipients] or [_rejected(None, msg, first)]
    good = [to for j, to in enumerate(msg.recipients) if j not in own]
    forms = iter(_gateway_forms(msg, good, request, options or {}))
    return [_rejected(to, msg, own[j]) if j in own else
            MessageResult(to=next(forms), status=SendStatus.ACCEPTED, reference=msg.reference, parts=_parts(msg))
            for j, to in enumerate(msg.recipients)]


def _gateway_forms(msg: Message, good: list[str], request: Request, options: dict[str, Any]) -> tuple[str, ...]:
    if not good:
        return ()
    alone = Request(product_token=request.product_token, messages=(dataclasses.replace(msg, recipients=good),))
    return tuple(validate(alone, **options).messages[0].recipients)


def _rejected(to: str | None, msg: Message, error: PayloadError) -> MessageResult:
    details = _words(error, to)
    return MessageResult(to=to, status=SendStatus.REJECTED, reference=msg.reference, parts=0,
                         error_code=ErrorCode(error.code), details=details, reason=recognise(details)[0])


def response_body(response: Response, /) -> bytes:
    """The JSON body the gateway writes for ``response`` (``details``, ``errorCode``, one object
    a message with ``to``, ``status``, ``reference``, ``parts``, ``messageDetails`` and
    ``messageErrorCode``), as the spec's examples lay it out."""
    doc: dict[str, Any] = {"details": response.details,
                           "errorCode": None if response.error_code is None else int(response.error_code)}
    doc["messages"] = [{"to": m.to, "status": m.status.value, "reference": m.reference, "parts": m.parts,
                        "messageDetails": m.details, "messageErrorCode": int(m.error_code)}
                       for m in response.messages]
    return orjson.dumps(doc)

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
from cmcore import _kernel
from cmcore._sms import Encoding, analyze, analyze_many
from cmcore._validate import judge

_wire = _kernel.load("_wire")
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


def check(request: Request, /, *, default_region: str | None = None, now: datetime | None = None,
          allow_custom_channels: bool = False) -> Response:
    """The JSON gateway's answer to ``request``, offline: a ``MessageResult`` per recipient, in
    the order of the messages and their recipients. Options as ``validate()``'s.

    Raises ``TypeError`` for a ``request`` that is not a ``Request``; every problem of the
    request itself is an answer, not an exception.
    """
    if not isinstance(request, Request):
        raise TypeError(f"check() argument 'request' must be a Request, not {type(request).__name__}")
    messages, found, token = judge(request, default_region=default_region, now=now,
                                   allow_custom_channels=allow_custom_channels)
    try:
        found.raise_any(secret=token)  # the token scrubbed from every problem
        problems: list[PayloadError] = []
    except PayloadError as exc:
        problems = list(exc.errors)
    whole = [e for e in problems if not _AT.match(e.location)]
    if whole:
        return _request_failure(whole[0])
    by_message: dict[int, list[PayloadError]] = defaultdict(list)
    for error in problems:
        found_at = _AT.match(error.location)
        if found_at:
            by_message[int(found_at.group(1))].append(error)
    return _answer(request.messages, messages, by_message)


def _all_parts(messages: Any) -> list[int]:
    """``_parts`` of each message, the common ones counted in one kernel call."""
    plain = [i for i, m in enumerate(messages) if isinstance(m, Message) and type(m.body) is str
             and not (m.dcs == 8 and m.body_type is None)
             and (not m.allowed_channels or Channel.SMS in m.allowed_channels)]
    counted = iter(analyze_many([messages[i].body for i in plain]).parts) if plain else iter(())
    at = set(plain)
    return [next(counted) if i in at else _parts(m) if isinstance(m, Message) and type(m.body) is str else 0
            for i, m in enumerate(messages)]


_RESULT_SLOTS = tuple(getattr(MessageResult, f.name) for f in dataclasses.fields(MessageResult))
_NO_EXTRA = MessageResult(to=None, status=SendStatus.ACCEPTED).extra


def _accepted_fast(to: str, reference: str | None, parts: int) -> MessageResult:
    """An accepted result, made without its ``__init__`` (every value is known good)."""
    made: MessageResult = _wire.fill(MessageResult, _RESULT_SLOTS,
                                     [to, SendStatus.ACCEPTED, reference, parts, ErrorCode.OK, None, None, _NO_EXTRA])
    return made


def _answer(given: Any, messages: list[Message | None], by_message: dict[int, list[PayloadError]]) -> Response:
    """The response: each message without problems (normalised) accepted, the others judged."""
    results: list[MessageResult] = []
    parts = _all_parts([m if m is not None else g for m, g in zip(messages, given)])
    for i, (msg, normal) in enumerate(zip(given, messages)):
        errors = by_message.get(i)
        if errors:
            results.extend(_results(msg, normal, errors, parts[i]))
        elif normal is not None:
            results.extend([_accepted_fast(to, normal.reference, parts[i]) for to in normal.recipients])
    accepted = sum(1 for r in results if r.accepted)
    rejected = len(results) - accepted
    return Response(error_code=ErrorCode.MESSAGE_ERRORS if rejected else ErrorCode.OK,
                    details=f"Created {accepted} message(s)", messages=tuple(results),
                    http_status=400 if rejected and not accepted else 200)


def _results(msg: Any, normal: Message | None, errors: list[PayloadError], parts: int) -> list[MessageResult]:
    """The results of a message with problems: a recipient's own problem rejects it; any other
    rejects them all. The normalised message holds the others, in order, in the gateway's form."""
    own: dict[int, PayloadError] = {}
    shared: PayloadError | None = None
    for error in errors:
        found = _AT.match(error.location)
        if found and found.group(2) is not None and found.end() == len(error.location):
            own.setdefault(int(found.group(2)), error)
        elif shared is None:
            shared = error
    recipients = msg.recipients if isinstance(msg, Message) else ()
    if shared is not None or normal is None or not recipients:
        first = shared or errors[0]
        return [_rejected(to, msg, first) for to in recipients] or [_rejected(None, msg, first)]
    forms = iter(normal.recipients)
    return [_rejected(to, msg, own[j]) if j in own else _accepted_fast(next(forms), normal.reference, parts)
            for j, to in enumerate(recipients)]


def _rejected(to: str | None, msg: Any, error: PayloadError) -> MessageResult:
    details = _words(error, to)
    reference = msg.reference if isinstance(msg, Message) and isinstance(msg.reference, str) else None
    return MessageResult(to=to, status=SendStatus.REJECTED, reference=reference, parts=0,
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

"""An offline gateway that answers like the real one, for testing clients without an account.

``OfflineGateway.handle(method, url, headers, body)`` returns the ``GatewayReply`` (status,
headers, body bytes) the CM endpoints would (CM spec, "Responses & Errors", "JSON POST
responses", "Responses & Errors - xml", the HTTP GET "Responses & Errors"):

- JSON POST at ``/v1.0/message``: one result per recipient (``check()``), the good messages of
  a batch taken and the bad ones rejected; 400 for request-level failures; 405 for another
  method.
- XML POST and GET at ``/gateway.ashx``: the request taken whole (200, empty) or refused whole
  with a plain-text ``Error: ERROR …`` and 200; 400 for another method.

Accounts: the tokens it knows, each with a balance in messages (``None``: unlimited). A token
it does not know is "No account found for the given authentication" (101), a request that
needs more messages than the balance holds is "Insufficient balance." (102) and creates
nothing, and a token not in the gateway's form is "Invalid product token." (103). Without
accounts, any token in the right form is an account of unlimited balance.

Magic numbers (``MAGIC_NUMBERS``), in North America's 555-0100 to 555-0199, which is kept for
fiction (no subscriber has one, and phonenumbers holds them valid), pass every rule and are
then rejected as the gateway's own filters would: +1 202 555 0191 spam filtered (401), …0192
blacklisted (402), …0193 rejected (403). Deterministic, never random.

It keeps what it took (``accepted``), the token never among it, and is safe to call from
several threads. No I/O: ``cmcore serve`` puts it behind an HTTP server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import orjson

from cmcore._codes import ErrorCode
from cmcore._errors import PayloadError
from cmcore._json import load_json
from cmcore._models import Message, ProductToken, Request
from cmcore._query import load_query
from cmcore._responses import MessageResult, Response, SendStatus, recognise
from cmcore._validate import _TOKEN
from cmcore._verdicts import check, response_body
from cmcore._xml_load import load_xml

JSON_PATH = "/v1.0/message"
XML_PATH = "/gateway.ashx"
#: Test numbers (gateway form) and the per-message outcome each one triggers.
MAGIC_NUMBERS: dict[str, ErrorCode] = {
    "0012025550191": ErrorCode.SPAM_FILTERED,
    "0012025550192": ErrorCode.BLACKLISTED,
    "0012025550193": ErrorCode.REJECTED,
}
#: "JSON POST responses": the gateway's words for a msg without a field it needs.
_LOAD_WORDS = {301: "No FROM field found in a MSG object.", 302: "Empty mobilenumber field, MT ignored",
               304: "No body field was found"}
_JSON_HEADERS = (("Content-Type", "application/json; charset=utf-8"),)
_TEXT_HEADERS = (("Content-Type", "text/plain; charset=utf-8"),)


@dataclass(frozen=True, slots=True)
class GatewayAccount:
    """An account of the offline gateway: its token and its balance in messages (None: unlimited)."""

    token: ProductToken
    balance: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.token, str):
            object.__setattr__(self, "token", ProductToken(self.token))
        if self.balance is not None and (type(self.balance) is not int or self.balance < 0):
            raise ValueError("GatewayAccount.balance must be a whole number of messages, 0 or more, or None")


@dataclass(frozen=True, slots=True)
class GatewayReply:
    """What the gateway sends back: the HTTP status, headers and body."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class Taken:
    """A message the offline gateway took: its account (by index), the message as validated
    (no token in it) and the result given for each of its recipients."""

    account: int
    message: Message
    results: tuple[MessageResult, ...] = field(default=())


class _Refused(Exception):
    """A request refused whole (internal): the code and the gateway's words."""

    def __init__(self, code: ErrorCode, words: str) -> None:
        super().__init__(words)
        self.code, self.words = code, words


class OfflineGateway:
    """Answers requests as CM's gateway does; see the module's docstring."""

    def __init__(self, accounts: Iterable[GatewayAccount] | None = None, *, default_region: str | None = None) -> None:
        self._accounts = list(accounts) if accounts is not None else None
        self._balances = [a.balance for a in self._accounts or ()]
        self._default_region = default_region
        self._lock = threading.Lock()
        self._taken: list[Taken] = []

    @property
    def accepted(self) -> tuple[Taken, ...]:
        """Every message taken so far, in order."""
        with self._lock:
            return tuple(self._taken)

    def balance(self, index: int) -> int | None:
        """The balance left on account ``index`` (None: unlimited)."""
        with self._lock:
            return self._balances[index]

    def handle(self, method: str, url: str, headers: Sequence[tuple[str, str]] = (), body: bytes = b"") -> GatewayReply:
        """The reply to one HTTP request. Raises ``TypeError`` for arguments of the wrong type."""
        if not isinstance(method, str) or not isinstance(url, str) or not isinstance(body, (bytes, bytearray)):
            raise TypeError("handle() takes a str method and url and a bytes body")
        path = urlsplit(url).path.rstrip("/") or "/"
        method = method.upper()
        if path == JSON_PATH:
            return self._json(bytes(body)) if method == "POST" else GatewayReply(405)
        if path.lower() == XML_PATH:
            if method == "POST":
                return self._whole(lambda: load_xml(bytes(body)), xml=True)
            if method == "GET":
                return self._whole(lambda: load_query(url), xml=False)
            return GatewayReply(400)
        return GatewayReply(404, _TEXT_HEADERS, b"Not found")

    # -- accounts -----------------------------------------------------------------------------

    def _account(self, token: str) -> int:
        """The index of the account ``token`` opens; raises ``_Refused`` where none does."""
        if not _TOKEN.fullmatch(token or ""):
            raise _Refused(ErrorCode.INVALID_PRODUCT_TOKEN, "Invalid product token.")
        if self._accounts is None:
            return -1
        for i, account in enumerate(self._accounts):
            if account.token.reveal().lower() == token.lower():
                return i
        raise _Refused(ErrorCode.AUTHENTICATION_FAILED, "No account found for the given authentication")

    def _take(self, index: int, taken: list[tuple[Message, tuple[MessageResult, ...]]]) -> None:
        """Charge account ``index`` a message a recipient taken, and keep them; refuses whole
        (``_Refused``) where the balance does not hold them."""
        count = sum(1 for _, results in taken for r in results if r.accepted)
        with self._lock:
            left = self._balances[index] if index >= 0 else None
            if left is not None and count > left:
                raise _Refused(ErrorCode.INSUFFICIENT_BALANCE, "Insufficient balance.")
            if left is not None:
                self._balances[index] = left - count
            self._taken.extend(Taken(index, msg, results) for msg, results in taken if any(r.accepted for r in results))

    # -- JSON ---------------------------------------------------------------------------------

    def _json(self, body: bytes) -> GatewayReply:
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError:
            return _json_reply(Response(error_code=ErrorCode.MALFORMED_REQUEST, details="Invalid JSON", http_status=400))
        try:
            request, loaded = _load_each(body, doc)
            index = self._account(request.product_token.reveal())
            if not request.messages and not loaded:
                raise _Refused(ErrorCode.INVALID_MSG_ARRAY, "A MESSAGES object requires at least one MSG object")
            response = check(request, default_region=self._default_region) if request.messages else None
            results = _merge(request, response, loaded)
            if response is not None and response.error_code not in (ErrorCode.OK, ErrorCode.MESSAGE_ERRORS):
                return _json_reply(response)
            results = [tuple(_magic(r) for r in group) for group in results]
            self._take(index, [(m, g) for m, g in zip(_messages(request, loaded), results) if m is not None])
        except _Refused as refused:
            return _json_reply(Response(error_code=refused.code, details=refused.words,
                                        reason=recognise(refused.words)[0], http_status=400))
        flat = tuple(r for group in results for r in group)
        accepted = sum(1 for r in flat if r.accepted)
        rejected = len(flat) - accepted
        return _json_reply(Response(error_code=ErrorCode.MESSAGE_ERRORS if rejected else ErrorCode.OK,
                                    details=f"Created {accepted} message(s)", messages=flat,
                                    http_status=400 if rejected and not accepted else 200))

    # -- XML and GET: taken or refused whole ----------------------------------------------------

    def _whole(self, load: Any, *, xml: bool) -> GatewayReply:
        try:
            try:
                request = load()
            except PayloadError as exc:
                raise _refusal(exc.errors, xml) from None
            try:
                index = self._account(request.product_token.reveal())
            except _Refused as refused:
                if xml or refused.code is not ErrorCode.INVALID_PRODUCT_TOKEN:
                    raise
                raise _Refused(refused.code, "Parameter 'producttoken' contains an invalid value: '***'") from None
            response = check(request, default_region=self._default_region)
            if response.error_code not in (ErrorCode.OK, ErrorCode.MESSAGE_ERRORS):
                raise _Refused(response.error_code or ErrorCode.UNKNOWN, response.details or "Unknown error")
            first = next((m for m in response.messages if not m.accepted), None)
            magic = next((m for m in response.messages if m.accepted and m.to in MAGIC_NUMBERS), None)
            if first is not None:
                raise _Refused(first.error_code, _text_words(first, xml))
            if magic is not None:
                raise _Refused(MAGIC_NUMBERS[magic.to or ""], MAGIC_NUMBERS[magic.to or ""].description)
            per = _per_message(request.messages, response.messages)
            self._take(index, list(zip(request.messages, per)))
        except _Refused as refused:
            return GatewayReply(200, _TEXT_HEADERS, f"Error: ERROR {refused.words}".encode())
        return GatewayReply(200, _TEXT_HEADERS, b"")


def _json_reply(response: Response) -> GatewayReply:
    return GatewayReply(response.http_status or 200, _JSON_HEADERS, response_body(response))


def _magic(result: MessageResult) -> MessageResult:
    code = MAGIC_NUMBERS.get(result.to or "") if result.accepted else None
    if code is None:
        return result
    return replace(result, status=SendStatus.REJECTED, parts=0, error_code=code, details=code.description)


def _load_each(body: bytes, doc: Any) -> tuple[Request, dict[int, PayloadError]]:
    """The request, read whole where it can be; else message by message, so that one bad
    message is that message's rejection (its index: the problem), not the request's."""
    try:
        return load_json(body), {}
    except PayloadError as exc:
        whole = [e for e in exc.errors if not e.location.startswith("msg[")]
        if whole or not isinstance(doc, dict):
            first = whole[0] if whole else exc
            if first.code == 103 or first.location.startswith("authentication"):
                raise _Refused(ErrorCode.INVALID_PRODUCT_TOKEN, "Invalid product token.") from None
            if first.code == 203:
                raise _Refused(ErrorCode.INVALID_MSG_ARRAY, "A MESSAGES object requires at least one MSG object") from None
            raise _Refused(ErrorCode(first.code), first.message) from None
    envelope: Any = next((v for k, v in doc.items() if k.lower() == "messages"), {})
    envelope = envelope if isinstance(envelope, dict) else {}
    auth: Any = next((v for k, v in envelope.items() if k.lower() == "authentication"), {})
    msgs: Any = next((v for k, v in envelope.items() if k.lower() == "msg"), [])
    msgs = msgs if isinstance(msgs, list) else [msgs]
    good: list[Message] = []
    bad: dict[int, PayloadError] = {}
    for i, item in enumerate(msgs):
        one = orjson.dumps({"messages": {"authentication": auth, "msg": [item]}})
        try:
            good.extend(load_json(one).messages)
        except PayloadError as exc:
            bad[i] = exc.errors[0]
    token = next((v for k, v in auth.items() if k.lower() == "producttoken"), None) if isinstance(auth, dict) else None
    if not isinstance(token, str):
        raise _Refused(ErrorCode.INVALID_PRODUCT_TOKEN, "Invalid product token.")
    return Request(product_token=ProductToken(token), messages=good), bad


def _messages(request: Request, loaded: dict[int, PayloadError]) -> list[Message | None]:
    """The messages in the order of the document, None where one could not be read."""
    found = iter(request.messages)
    return [None if i in loaded else next(found) for i in range(len(request.messages) + len(loaded))]


def _merge(request: Request, response: Response | None, loaded: dict[int, PayloadError]) -> list[tuple[MessageResult, ...]]:
    """The results a message, in the document's order: a message that could not be read is one
    rejection with its problem."""
    per = iter(_per_message(request.messages, response.messages if response else ()))
    out: list[tuple[MessageResult, ...]] = []
    for slot in _messages(request, loaded):
        if slot is None:
            error = loaded[len(out)]
            words = _LOAD_WORDS.get(error.code, error.message) if "found" in error.message else error.message
            out.append((MessageResult(to=None, status=SendStatus.REJECTED, parts=0, error_code=ErrorCode(error.code),
                                      details=words, reason=recognise(words)[0]),))
        else:
            out.append(next(per))
    return out


def _per_message(messages: Sequence[Message], results: Sequence[MessageResult]) -> list[tuple[MessageResult, ...]]:
    """``results`` (one a recipient, or one for a message without any) grouped by message."""
    out, at = [], 0
    for msg in messages:
        n = max(len(msg.recipients), 1)
        out.append(tuple(results[at:at + n]))
        at += n
    return out


def _text_words(result: MessageResult, xml: bool) -> str:
    """The XML/GET gateway's words for a refused message ("Responses & Errors - xml", GET)."""
    code = result.error_code
    if code is ErrorCode.INVALID_FROM and result.reason is not None:
        return "No FROM field found in a MSG node." if xml else "No sender name provided"
    if code is ErrorCode.INVALID_PHONE_NUMBER:
        return f"Rejected: Gsm '{result.to}' is not a number." if xml else f"Parameter 'to' contains an invalid value: '{result.to}'"
    if code is ErrorCode.INVALID_TO and result.reason is not None:
        return "No phone numbers found. Message will not be sent."
    return result.details or code.description


def _refusal(errors: Sequence[PayloadError], xml: bool) -> _Refused:
    """The whole-request refusal of a document that could not be read."""
    first = errors[0]
    if first.code == 103:
        words = "Invalid product token." if xml else "Parameter 'producttoken' contains an invalid value: '***'"
        return _Refused(ErrorCode.INVALID_PRODUCT_TOKEN, words)
    if first.code == 203:
        return _Refused(ErrorCode.INVALID_MSG_ARRAY, "A MESSAGES node requires at least one MSG node")
    if first.code == 302:
        return _Refused(ErrorCode.INVALID_TO, "No phone numbers found. Message will not be sent.")
    if first.code == 304 and not xml:
        return _Refused(ErrorCode.INVALID_BODY, "Parameter 'body' is required")
    if first.code == 301:
        return _Refused(ErrorCode.INVALID_FROM, "No FROM field found in a MSG node." if xml else "No sender name provided")
    return _Refused(ErrorCode(first.code), first.message)


#: The largest request body the WSGI app reads, in bytes.
MAX_BODY = 64 * 1024 * 1024
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Payload Too Large"}


def _shown_url(path: str, query: str) -> str:
    """The path and query of a request for a log line, the product token's value hidden."""
    parts = [p.split("=", 1)[0] + "=***" if p.split("=", 1)[0].lower() == "producttoken" else p
             for p in query.split("&") if p]
    return path + ("?" + "&".join(parts) if parts else "")


def wsgi_app(gateway: OfflineGateway, *, log: Callable[[str], None] | None = None) -> Callable[..., Iterable[bytes]]:
    """A WSGI application (PEP 3333) that hands each request to ``gateway``; ``log`` gets a line
    a request (method, path and query, status), the product token never in it. Bodies over
    ``MAX_BODY`` bytes are refused with 413. Run it on any WSGI server (``cmcore serve`` uses
    the standard library's)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method, path, query = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/"), \
            environ.get("QUERY_STRING", "")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length > MAX_BODY or length < 0:
            reply = GatewayReply(413 if length > MAX_BODY else 400, _TEXT_HEADERS, b"")
        else:
            body = environ["wsgi.input"].read(length) if length else b""
            headers = [(k[5:].replace("_", "-").title(), str(v)) for k, v in environ.items() if k.startswith("HTTP_")]
            reply = gateway.handle(method, path + ("?" + query if query else ""), headers, body)
        if log is not None:
            log(f"{method} {_shown_url(path, query)} {reply.status}")
        start_response(f"{reply.status} {_REASONS.get(reply.status, 'OK')}",
                       [*reply.headers, ("Content-Length", str(len(reply.body)))])
        return [reply.body]

    return app

"""The exception tree, split by who is at fault.

::

    CMError                      base of everything cmcore raises on purpose
    ├── PayloadError(ValueError)  what the caller built breaks a rule; .code, .location, .errors
    │   ├── EncodingError         text cannot be sent in the encoding that was asked for
    │   ├── PartsLimitError       text needs more SMS parts than allowed
    │   └── PriceError            a price table row breaks its format; .line, .column, .value, .rule
    └── ResponseError(ValueError) what came back is malformed, or is an error the caller
                                 asked to raise; .code (the gateway's, if any), .location

``code`` is the gateway's own error code (301 from, 302 to, 303 phone number, 304 body,
305 any other field, 202 malformed, 203 msg array), so a payload checked offline fails the
way the gateway would fail it. Extra fields are keyword-only with defaults, so every error
pickles. No message ever carries the product token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = ["CMError", "EncodingError", "PartsLimitError", "PayloadError", "PriceError", "ResponseError"]

# The one message of the gateway that echoes the product token: whatever follows it on its
# line is the echo, however it is quoted (or not), since a token may itself hold a quote.
_TOKEN_ECHO = re.compile(r"""(parameter\s*['"]?\s*producttoken\s*['"]?\s*contains\s+an\s+invalid\s+value)[^\r\n]*""",
                         re.I)
# A string of the product token's form (8-4-4-4-12 hexadecimal digits).
_TOKEN_FORM = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
                         r"[0-9A-Fa-f]{12}(?![0-9A-Fa-f])")


def redact(text: str) -> str:
    """``text`` with what may be a product token replaced by ``[redacted]``: the echo of the
    gateway's "invalid value" message to the end of its line, and every string of the
    token's form."""
    if "-" in text:
        text = _TOKEN_FORM.sub("[redacted]", text)
    return _TOKEN_ECHO.sub(r"\1: '[redacted]'", text)


def shown(value: object, limit: int) -> str:
    """``repr(value)``, what may be a product token redacted first, cut to ``limit``
    characters: how an error quotes what came back."""
    text = repr(redact(value) if isinstance(value, str) else value)
    return text if len(text) <= limit else text[:limit] + "…"


class CMError(Exception):
    """Base class of every error cmcore raises on purpose."""


class PayloadError(CMError, ValueError):
    """A message or request breaks a rule of the gateway.

    ``code`` is the gateway's error code; ``location`` says where, in the gateway's keys
    (``msg[2].to[0]``, ``body``); ``field`` says it in the model's names where they differ
    (``messages[2].recipients[0]``), else ``""``; ``errors`` holds every problem found, this
    one first.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int = 305,
        location: str = "",
        errors: Sequence[PayloadError] = (),
        field: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.location = location
        self.field = field
        self._errors = tuple(errors)

    @property
    def errors(self) -> tuple[PayloadError, ...]:
        """Every problem found, in order; ``(self,)`` when there is only this one."""
        return self._errors or (self,)

    def __str__(self) -> str:
        where = f"{self.location} ({self.field})" if self.field else self.location
        head = f"{where}: {self.message}" if where else self.message
        more = len(self._errors) - 1
        return f"{head} (and {more} more)" if more > 0 else head


_FIELD_NAMES: list[Callable[[str], str]] = []


def name_fields(translate: Callable[[str], str]) -> None:
    """Register how a location in wire keys reads in the model's names (``_paths``)."""
    _FIELD_NAMES[:] = [translate]


class Problems(list[PayloadError]):
    """Problems found in one request, gathered so that all are reported at once."""

    def add(self, message: str, code: int, location: str) -> None:
        field = _FIELD_NAMES[0](location) if _FIELD_NAMES and location else ""
        self.append(PayloadError(message, code=code, location=location, field=field))

    def raise_any(self, *, secret: str | Sequence[str] | None = None) -> None:
        """Raise the first problem, carrying them all in ``.errors``; do nothing if none.

        ``secret`` (the product token, or every text given as one) is replaced by ``***`` in
        every message and location first, wherever the caller's values put it. A secret of
        fewer than 8 characters (no real token is) is replaced only where it stands alone in
        a message; locations, made of indexes and field names, keep their digits.
        """
        if not self:
            return
        secrets = [secret] if isinstance(secret, str) else list(secret or ())
        found = list(self)
        for one in sorted((s for s in secrets if s), key=len, reverse=True):
            found = [PayloadError(scrub(e.message, one), code=e.code,
                                  location=scrub(e.location, one) if len(one) >= 8 else e.location,
                                  field=scrub(e.field, one) if len(one) >= 8 else e.field)
                     for e in found]
        first = found[0]
        raise PayloadError(first.message, code=first.code, location=first.location, errors=found, field=first.field)


def scrub(text: str, secret: str) -> str:
    """``text`` with ``secret`` replaced by ``***``, as written and as ``repr``/``ascii`` escape
    it, in any case (a token's hexadecimal digits are read in either case). A secret of fewer
    than 8 characters, which no real token is, is replaced only where it stands alone (not
    inside a word or number), so that it cannot garble the rest of the message."""
    if not secret:
        return text
    for form in sorted({secret, repr(secret)[1:-1], ascii(secret)[1:-1]}, key=len, reverse=True):
        if form:
            pattern = re.escape(form) if len(secret) >= 8 else rf"(?<!\w){re.escape(form)}(?!\w)"
            text = re.sub(pattern, "***", text, flags=re.IGNORECASE)
    return text


class EncodingError(PayloadError):
    """Text holds characters that the requested encoding (GSM-7) cannot carry."""


class PartsLimitError(PayloadError):
    """Text needs more SMS parts than the caller or the standard allows."""

    def __init__(
        self,
        message: str,
        *,
        code: int = 304,
        location: str = "body",
        parts: int = 0,
        max_parts: int = 0,
    ) -> None:
        super().__init__(message, code=code, location=location)
        self.parts = parts
        self.max_parts = max_parts


class PriceError(PayloadError):
    """A cell (or the header) of a price table breaks the table's format.

    ``line`` is the CSV line the row starts on (the header is line 1), ``column`` the column's
    name (``""`` for the row as a whole), ``value`` the cell as written and ``rule`` what the
    cell must be. ``errors`` holds every problem in the table, this one first. ``code`` is 305
    (the gateway's "other field"): a price table is no part of a request.
    """

    def __init__(
        self,
        message: str = "",
        *,
        code: int = 305,
        location: str = "",
        errors: Sequence[PayloadError] = (),
        line: int = 0,
        column: str = "",
        value: str = "",
        rule: str = "",
    ) -> None:
        super().__init__(message or rule, code=code, location=location, errors=errors)
        self.line = line
        self.column = column
        self.value = value
        self.rule = rule


class ResponseError(CMError, ValueError):
    """What the gateway sent back is malformed, or is an error that the caller asked to raise.

    ``location`` says where (``messages[1].status``, ``line 3``); ``code`` is the gateway's
    error code when the gateway gave one.
    """

    def __init__(self, message: str, *, code: int | None = None, location: str = "") -> None:
        message, location = redact(message), redact(location)  # what came back may echo the token
        super().__init__(message)
        self.message = message
        self.code = code
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

"""The exception tree, split by who is at fault.

::

    CMError                      base of everything cmcore raises on purpose
    ├── PayloadError(ValueError)  what the caller built breaks a rule; .code, .location, .errors
    │   ├── EncodingError         text cannot be sent in the encoding that was asked for
    │   └── PartsLimitError       text needs more SMS parts than allowed
    └── ResponseError(ValueError) what came back is malformed, or is an error the caller
                                 asked to raise; .code (the gateway's, if any), .location

``code`` is the gateway's own error code (301 from, 302 to, 303 phone number, 304 body,
305 any other field, 202 malformed, 203 msg array), so a payload checked offline fails the
way the gateway would fail it. Extra fields are keyword-only with defaults, so every error
pickles. No message ever carries the product token.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CMError", "EncodingError", "PartsLimitError", "PayloadError", "ResponseError"]


class CMError(Exception):
    """Base class of every error cmcore raises on purpose."""


class PayloadError(CMError, ValueError):
    """A message or request breaks a rule of the gateway.

    ``code`` is the gateway's error code; ``location`` says where (``msg[2].to[0]``,
    ``body``); ``errors`` holds every problem found, this one first.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int = 305,
        location: str = "",
        errors: Sequence[PayloadError] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.location = location
        self._errors = tuple(errors)

    @property
    def errors(self) -> tuple[PayloadError, ...]:
        """Every problem found, in order; ``(self,)`` when there is only this one."""
        return self._errors or (self,)

    def __str__(self) -> str:
        head = f"{self.location}: {self.message}" if self.location else self.message
        more = len(self._errors) - 1
        return f"{head} (and {more} more)" if more > 0 else head


class Problems(list[PayloadError]):
    """Problems found in one request, gathered so that all are reported at once."""

    def add(self, message: str, code: int, location: str) -> None:
        self.append(PayloadError(message, code=code, location=location))

    def raise_any(self, *, secret: str | None = None) -> None:
        """Raise the first problem, carrying them all in ``.errors``; do nothing if none.

        ``secret`` (the product token) is replaced by ``***`` in every message and location
        first, wherever the caller's values put it.
        """
        if not self:
            return
        found = [e if not secret else PayloadError(scrub(e.message, secret), code=e.code,
                                                   location=scrub(e.location, secret)) for e in self]
        first = found[0]
        raise PayloadError(first.message, code=first.code, location=first.location, errors=found)


def scrub(text: str, secret: str) -> str:
    """``text`` with ``secret`` replaced by ``***``, as written and as ``repr``/``ascii`` escape it."""
    if not secret:
        return text
    for form in sorted({secret, repr(secret)[1:-1], ascii(secret)[1:-1]}, key=len, reverse=True):
        if form:
            text = text.replace(form, "***")
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


class ResponseError(CMError, ValueError):
    """What the gateway sent back is malformed, or is an error that the caller asked to raise.

    ``location`` says where (``messages[1].status``, ``line 3``); ``code`` is the gateway's
    error code when the gateway gave one.
    """

    def __init__(self, message: str, *, code: int | None = None, location: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

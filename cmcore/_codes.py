"""The gateway's code tables as int-valued enums, each member with its description.

Sources: CM spec, "JSON POST Error codes", "Status report webhook" (status codes) and
"Errors" (delivery error codes 5-43). A code the tables do not know is kept, not rejected:
``ErrorCode(777)`` is a member named ``UNKNOWN_777`` whose description says so, so a parser
never fails on a code the gateway adds later.
"""

from __future__ import annotations

import enum
from typing import Any


def _member(cls: type, value: int, description: str) -> Any:
    member: Any = int.__new__(cls, value)
    member._value_ = value
    member.description = description
    return member


class _Code(enum.IntEnum):
    """An int code with a description; unknown values become pseudo-members."""

    description: str

    def __new__(cls, value: int, description: str = "") -> Any:
        return _member(cls, value, description)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            member = _member(cls, value, f"code {value}, not in the gateway's documented table")
            member._name_ = f"UNKNOWN_{value}"
            return member
        return None

    @property
    def known(self) -> bool:
        """Whether the gateway's documentation lists this code."""
        return not self.name.startswith("UNKNOWN_")


class ErrorCode(_Code):
    """JSON POST error codes: request-level ``errorCode`` and per-message ``messageErrorCode``."""

    OK = 0, "Ok"
    UNKNOWN = 999, "Unknown error, please contact CM support"
    AUTHENTICATION_FAILED = 101, "Authentication of the request failed"
    INSUFFICIENT_BALANCE = 102, "The account using this authentication has insufficient balance"
    INVALID_PRODUCT_TOKEN = 103, "The product token is incorrect"
    MESSAGE_ERRORS = 201, (
        "This request has one or more errors in its messages. Some or all messages have not "
        "been sent. See MSGs for details"
    )
    MALFORMED_REQUEST = 202, (
        "This request is malformed, please confirm the JSON and that the correct data types are used"
    )
    INVALID_MSG_ARRAY = 203, "The request's MSG array is incorrect"
    INVALID_FROM = 301, "This MSG has an invalid From field (per msg)"
    INVALID_TO = 302, "This MSG has an invalid To field (per msg)"
    INVALID_PHONE_NUMBER = 303, "This MSG has an invalid Phone Number in the To field (per msg)"
    INVALID_BODY = 304, "This MSG has an invalid Body field (per msg)"
    INVALID_FIELD = 305, "This MSG has an invalid field. Please confirm with the documentation (per msg)"
    SPAM_FILTERED = 401, "Message has been spam filtered"
    BLACKLISTED = 402, "Message has been blacklisted"
    REJECTED = 403, "Message has been rejected"
    INTERNAL_ERROR = 500, "An internal error has occurred"


class StatusCode(_Code):
    """The status of a message in a status report."""

    ACCEPTED = 0, "accepted by the operator"
    REJECTED = 1, "rejected by CM or operator"
    DELIVERED = 2, "delivered"
    FAILED = 3, "failed (message was not and will not be delivered)"
    READ = 4, "read (not for SMS, only other channels)"

    @property
    def is_error(self) -> bool:
        """Rejected or failed: the message did not and will not arrive."""
        return self in (StatusCode.REJECTED, StatusCode.FAILED)


class DeliveryError(_Code):
    """Delivery error codes of status reports and SMPP receipts.

    ``temporary`` is True where the spec marks the code "Temporary" (the network may still
    deliver, or a later try may succeed). The spec marks 27, 29 and 34 "Permanent" and leaves
    5, 20, 23, 28, 31, 33 and 37-43 unmarked; those describe a message that has failed and is
    not retried by the network, so ``temporary`` is False for them too.
    """

    temporary: bool

    def __new__(cls, value: int, description: str = "", temporary: bool = False) -> Any:
        member = _member(cls, value, description)
        member.temporary = temporary
        return member

    @classmethod
    def _missing_(cls, value: object) -> Any:
        member = super()._missing_(value)
        if member is not None:
            member.temporary = False
        return member

    NONE = 0, "No error"
    THIRD_PARTY_UNDELIVERED = 5, "Message not delivered at third party"
    INSUFFICIENT_CREDIT_RETRYING = (
        7, "Message not delivered at operator because recipient has insufficient credit", True)
    EXPIRED_AT_THIRD_PARTY = 8, "Message expired at third party", True
    MALFORMED_REQUEST = 20, "Message not delivered because of a malformed request"
    EXPIRED_AT_OPERATOR = 21, "Message expired at operator", True
    INSUFFICIENT_CREDIT = (
        22, "Message not delivered at operator because recipient has insufficient credit", True)
    INCORRECT_RECIPIENT = 23, (
        "Message not delivered because of an incorrect recipient number (invalid/blacklisted/barred)")
    UNREACHABLE = 24, "Message not delivered because the recipient was unreachable", True
    THIRD_PARTY_TEMPORARY = 25, "Message not delivered at third party", True
    HANDSET_TEMPORARY = (
        26,
        "Message not delivered because of a temporary handset issue (sim card full/memory "
        "exceeded/SME busy)",
        True,
    )
    HANDSET_PERMANENT = 27, (
        "Message not delivered because of a permanent handset issue (unable to receive SMS)")
    THROTTLED = 28, (
        "Message not delivered because submission speed is too high (throttling errors)")
    CONTENT_NOT_PERMITTED = 29, "Message not delivered because content is not permitted"
    SPEND_LIMIT = 30, "Message not delivered because the set spend limit is reached", True
    SUSPENDED = 31, (
        "Message not delivered because the recipient was suspended from premium services")
    PARENTAL_LOCK = 33, "Message not delivered because of parental lock"
    AGE_CHECK_FAILED = 34, "Message not delivered because age check failure"
    AGE_CHECK_MISSING = 35, "Message not delivered because age check missing", True
    AGE_CHECK_UNAVAILABLE = 36, "Message not delivered because age check unavailable", True
    DO_NOT_CALL = 37, (
        "Message not delivered because recipient is in national Do-Not-Call Register")
    CONCATENATION_TARIFF = 38, (
        "Message not delivered because maximum concatenation tariff exceeded")
    QUOTA_EMPTY = 39, "Message not delivered because quota is empty"
    WINDOW_CLOSED = 40, (
        "Message not delivered because the conversation window is closed")
    TOO_MANY_MESSAGES = 41, (
        "Message not delivered because too many messages were sent from this number")
    CHANNEL_NOT_CAPABLE = 42, (
        "Message not delivered because recipient is not capable to receive a message from this channel")
    TEMPLATE_ERROR = 43, "Message not delivered because a template related error occured"

    @property
    def permanent(self) -> bool:
        """The opposite of ``temporary``, for a known error (``NONE`` is neither)."""
        return self.value != 0 and not self.temporary

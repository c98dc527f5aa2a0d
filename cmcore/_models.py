"""The message model: frozen, keyword-only value objects with Pythonic names.

Wire names (``from``, ``allowedChannels``, ``FROM``) live only in the builders. Constructing a
model checks types; the gateway's rules are checked by ``validate()``, which every builder
calls, so that every problem in a request is reported at once with the gateway's codes.
The product token is held by ``ProductToken``, whose repr and str never show it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cmcore._rich import RichContent
from cmcore._typecheck import DefaultUnless, Typed, checked_init

#: CM's local time (CE(S)T): times without an offset, in validity and status reports.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class ProductToken:
    """The account's secret: shown as ``***`` everywhere; ``reveal()`` gives it to a builder."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"product_token must be str, not {type(value).__name__}")
        self._value = value

    def reveal(self) -> str:
        """The token itself, for the one place that writes it on the wire."""
        return self._value

    def __repr__(self) -> str:
        return "ProductToken('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProductToken) and other._value == self._value

    def __hash__(self) -> int:
        return hash((ProductToken, self._value))

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return ProductToken, (self._value,)


class Channel(str, enum.Enum):
    """Channels of ``allowedChannels``, by their exact wire names."""

    SMS = "SMS"
    WHATSAPP = "WhatsApp"
    PUSH = "Push"
    MOBILE_PUSH = "MobilePush"
    RCS = "RCS"
    VIBER = "Viber"
    APPLE_BUSINESS_CHAT = "Apple Business Chat"
    APPLE_MESSAGES_FOR_BUSINESS = "Apple Messages for Business"
    IMESSAGE = "iMessage"
    TWITTER = "Twitter"
    FACEBOOK_MESSENGER = "Facebook Messenger"
    GOOGLE_BUSINESS_MESSAGES = "Google Business Messages"
    INSTAGRAM = "Instagram"

    def __str__(self) -> str:
        return self.value

    @property
    def takes_phone_numbers(self) -> bool:
        """Whether recipients on this channel are phone numbers (else opaque channel ids)."""
        return self in _PHONE_CHANNELS


_PHONE_CHANNELS = frozenset(
    {Channel.SMS, Channel.WHATSAPP, Channel.PUSH, Channel.MOBILE_PUSH, Channel.RCS, Channel.VIBER}
)


class BodyType(str, enum.Enum):
    """``body.type``: ``auto`` lets the gateway pick GSM-7 or UCS-2 (and ignore ``dcs``)."""

    AUTO = "auto"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class Message(Typed):
    """One ``msg``: a body from one sender to one or more recipients.

    ``allowed_channels`` keeps the caller's order, which is the fallback order. A channel
    is a ``Channel`` or, where the caller allows custom channels when validating, a str.
    ``validity`` is a gateway string (``"2h"``, ``"2017-04-20 11:50:05 GMT"``), an aware or
    naive ``datetime`` (naive means CE(S)T, as the gateway reads it) or a ``timedelta``.
    A single str for ``recipients`` or ``allowed_channels`` is one item; any other sequence
    becomes a tuple. A field of the wrong type is a ``TypeError`` naming it.

    ``body_type`` is ``BodyType.AUTO`` (the gateway picks GSM-7 or UCS-2, as the spec advises
    and CM's SDKs send) unless ``dcs`` is given: then it is ``None``, since ``auto`` makes the
    gateway ignore ``dcs``. ``body_type=None`` without ``dcs`` sends GSM-7, so ``validate()``
    refuses a body that GSM-7 cannot carry. A loaded payload keeps what it said.
    """

    sender: str | None = None  # optional only where Push or MobilePush alone is listed
    recipients: Sequence[str]
    body: str
    body_type: BodyType | None = BodyType.AUTO
    dcs: int | None = None
    allowed_channels: Sequence[Channel | str] = ()
    reference: str | None = None
    custom_grouping: str | None = None
    custom_grouping2: str | None = None
    custom_grouping3: str | None = None
    validity: str | datetime | timedelta | None = None
    min_parts: int | None = None
    max_parts: int | None = None
    app_key: str | None = None
    rich_content: RichContent | None = None

    def __post_init__(self) -> None:
        for name in ("recipients", "allowed_channels"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, (value,))
        Typed.__post_init__(self)


checked_init(Message, one_item=("recipients", "allowed_channels"),
             unless={"body_type": DefaultUnless(BodyType.AUTO, "dcs", None)})


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """A send request: the product token and one or more messages."""

    product_token: ProductToken
    messages: Sequence[Message] = field(default=())
    #: Set by validate() on what it returns: a frozen request that passed stays valid, so the
    #: builders need not check it again. 0: not checked; 1: checked, every channel a known
    #: one; 2: checked with custom channels allowed, so it passes again only where they are.
    _checked: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.product_token, str):
            object.__setattr__(self, "product_token", ProductToken(self.product_token))
        elif not isinstance(self.product_token, ProductToken):
            raise TypeError(f"product_token must be str, not {type(self.product_token).__name__}")
        messages = self.messages
        if isinstance(messages, Message):
            messages = (messages,)
        elif isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence):
            raise TypeError(f"Request.messages must be a sequence of Message, not {type(messages).__name__}")
        elif type(messages) is not tuple:
            messages = tuple(messages)
        for i, msg in enumerate(messages):
            if not isinstance(msg, Message):
                raise TypeError(f"Request.messages[{i}] must be a Message, not {type(msg).__name__}")
        object.__setattr__(self, "messages", messages)

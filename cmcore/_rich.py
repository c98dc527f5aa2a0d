"""Rich content: conversation items and suggestions, as frozen keyword-only value objects.

Source: CM spec, "Rich content", "Suggestions/Features", and the channel chapters (WhatsApp
templates, contacts and interactive messages; Apple list and time pickers and OAuth2; rich
cards and carousels of Google Business Messages and Facebook Messenger; message tags).
Python names only: ``_json.py`` holds the wire names. Values the gateway takes as text or as
a number (coordinates, template indexes) keep the type they were given, so a payload read
with ``load_json`` is written back as it was.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal

from cmcore._typecheck import Typed, checked_init


# Closed sets of the spec, as Literals, so that a type checker refuses a typo; at run time a
# spelling in another case becomes the canonical one, and any other string is kept for
# validate() to refuse with its code and location.
#: WhatsApp "Template": ``language.policy``.
TemplatePolicy = Literal["deterministic", "fallback"]
#: WhatsApp "Template": component types, and the sub-types of a button component.
ComponentType = Literal["header", "body", "footer", "button"]
ButtonSubType = Literal["quick_reply", "url"]
#: WhatsApp "Template": parameter types (header: image, document, video or text; body and footer: text);
#: "payload" is a quick_reply button's ("Example interactive template message").
ParameterType = Literal["text", "currency", "date_time", "image", "document", "video", "payload"]
#: WhatsApp "Interactive messages": the message types, and the header types.
InteractiveType = Literal["list", "button"]
HeaderType = Literal["text", "image", "video", "document"]
#: Message tags: Facebook Messenger's four, of which Google Business Messages takes HUMAN_AGENT.
MessageTag = Literal["CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "ACCOUNT_UPDATE", "HUMAN_AGENT"]


class SuggestionAction(str, enum.Enum):
    """``action`` of a suggestion."""

    OPEN_URL = "OpenUrl"
    REPLY = "Reply"
    DIAL = "Dial"
    CREATE_CALENDAR_EVENT = "CreateCalendarEvent"
    VIEW_LOCATION = "ViewLocation"
    LOGIN = "Login"
    LOGOUT = "Logout"
    VIEW_PRODUCT = "ViewProduct"
    PICK = "Pick"  # Apple Business Chat
    PAYMENT = "Payment"  # Apple Business Chat

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class Media(Typed):
    media_uri: str
    media_name: str | None = None
    mime_type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Location(Typed):
    latitude: float | str | None = None
    longitude: float | str | None = None
    label: str | None = None
    search_query: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Calendar(Typed):
    start_time: str
    end_time: str
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Dial(Typed):
    phone_number: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Product(Typed):
    id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion(Typed):
    """A button: ``action`` and ``label``, and the fields the action needs."""

    action: SuggestionAction
    label: str | None = None
    url: str | None = None
    postback_data: str | None = None
    description: str | None = None
    media: Media | None = None
    calendar: Calendar | None = None
    dial: Dial | None = None
    view_location: Location | None = None
    product: Product | None = None


# -- WhatsApp templates ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateLanguage(Typed):
    code: str
    policy: TemplatePolicy | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateCurrency(Typed):
    amount_1000: int
    fallback_value: str | None = None
    code: str | None = None
    currency_code: str | None = None  # localizable_params spelling


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateDateTimeComponent(Typed):
    day_of_week: int | str | None = None  # a number, or a day name in the older format
    day_of_month: int | None = None
    year: int | None = None
    month: int | None = None
    hour: int | None = None
    minute: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateDateTime(TemplateDateTimeComponent):
    """A date_time parameter: the component's fields inline (components format), or nested
    in ``component`` (localizable_params format)."""

    fallback_value: str | None = None
    timestamp: int | None = None
    component: TemplateDateTimeComponent | None = None  # localizable_params spelling


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateParameter(Typed):
    """A component parameter: ``type`` is text, currency, date_time, image, document, video
    or payload, and the field of that name carries the value."""

    type: ParameterType
    text: str | None = None
    payload: str | None = None
    currency: TemplateCurrency | None = None
    date_time: TemplateDateTime | None = None
    media: Media | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateComponent(Typed):
    type: ComponentType
    parameters: tuple[TemplateParameter, ...] = ()
    sub_type: ButtonSubType | None = None  # for buttons
    index: int | str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalizableParam(Typed):
    """A parameter of the older template format (``localizable_params``)."""

    default: str | None = None
    currency: TemplateCurrency | None = None
    date_time: TemplateDateTime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WhatsAppTemplate(Typed):
    namespace: str
    element_name: str
    language: TemplateLanguage
    components: tuple[TemplateComponent, ...] = ()
    localizable_params: tuple[LocalizableParam, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Template(Typed):
    whatsapp: WhatsAppTemplate


# -- WhatsApp contacts -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class ContactAddress(Typed):
    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    country_code: str | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactEmail(Typed):
    email: str
    type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactName(Typed):
    formatted_name: str
    first_name: str | None = None
    last_name: str | None = None
    middle_name: str | None = None
    suffix: str | None = None
    prefix: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactOrg(Typed):
    company: str | None = None
    department: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactPhone(Typed):
    phone: str
    type: str | None = None
    wa_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactUrl(Typed):
    url: str
    type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact(Typed):
    name: ContactName
    addresses: tuple[ContactAddress, ...] = ()
    birthday: str | None = None
    emails: tuple[ContactEmail, ...] = ()
    org: ContactOrg | None = None
    phones: tuple[ContactPhone, ...] = ()
    urls: tuple[ContactUrl, ...] = ()


# -- WhatsApp interactive --------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class InteractiveText(Typed):
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractiveHeader(Typed):
    type: HeaderType
    text: str | None = None
    media: Media | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractiveRow(Typed):
    id: str
    title: str
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractiveSection(Typed):
    rows: tuple[InteractiveRow, ...]
    title: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractiveReply(Typed):
    id: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractiveButton(Typed):
    reply: InteractiveReply
    type: Literal["reply"] = "reply"


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractiveAction(Typed):
    button: str | None = None  # the list's button text
    sections: tuple[InteractiveSection, ...] = ()
    buttons: tuple[InteractiveButton, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Interactive(Typed):
    """A WhatsApp interactive message: ``type`` "list" (sections of rows) or "button"."""

    type: InteractiveType
    body: InteractiveText
    action: InteractiveAction
    header: InteractiveHeader | None = None
    footer: InteractiveText | None = None


# -- Apple Business Chat ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class ListPickerOption(Typed):
    label: str
    media: Media | None = None
    identifier: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPicker(Typed):
    label: str
    options: tuple[ListPickerOption, ...]
    media: Media | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeSlot(Typed):
    start_time: str
    end_time: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TimePicker(Typed):
    options: tuple[TimeSlot, ...]
    label: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OAuth2(Typed):
    """An Apple OAuth2 prompt. The secret and the key never show in a repr."""

    response_type: str
    state: str | None = None
    response_encryption_key: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    scope: tuple[str, ...] = ()


# -- cards, items, rich content --------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class RichCard(Typed):
    header: str | None = None
    text: str | None = None
    media: Media | None = None
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Carousel(Typed):
    cards: tuple[RichCard, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationItem(Typed):
    """One speech bubble: text, media, location, contacts, template, interactive, a picker,
    OAuth2 or a carousel; ``header`` with text/media makes a rich card; ``tag`` is a message
    tag (Facebook Messenger, Google Business Messages); ``suggestions`` are per item."""

    text: str | None = None
    header: str | None = None
    media: Media | None = None
    location: Location | None = None
    contacts: tuple[Contact, ...] = ()
    template: Template | None = None
    interactive: Interactive | None = None
    list_picker: ListPicker | None = None
    time_picker: TimePicker | None = None
    oauth2: OAuth2 | None = None
    carousel: Carousel | None = None
    tag: MessageTag | None = None
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RichContent(Typed):
    conversation: tuple[ConversationItem, ...]
    suggestions: tuple[Suggestion, ...] = ()


__all__ = [
    "ButtonSubType", "ComponentType", "HeaderType", "InteractiveType", "MessageTag", "ParameterType", "TemplatePolicy",
    "Calendar", "Carousel", "Contact", "ContactAddress", "ContactEmail", "ContactName", "ContactOrg",
    "ContactPhone", "ContactUrl", "ConversationItem", "Dial", "Interactive", "InteractiveAction",
    "InteractiveButton", "InteractiveHeader", "InteractiveReply", "InteractiveRow", "InteractiveSection",
    "InteractiveText", "ListPicker", "ListPickerOption", "LocalizableParam", "Location", "Media", "OAuth2",
    "Product", "RichCard", "RichContent", "Suggestion", "SuggestionAction", "Template", "TemplateComponent",
    "TemplateCurrency", "TemplateDateTime", "TemplateDateTimeComponent", "TemplateLanguage",
    "TemplateParameter", "TimePicker", "TimeSlot", "WhatsAppTemplate",
]

#: Every rich content class, for the codec and the tests.
RICH_CLASSES: tuple[type, ...] = (
    Media, Location, Calendar, Dial, Product, Suggestion, TemplateLanguage, TemplateCurrency,
    TemplateDateTimeComponent, TemplateDateTime, TemplateParameter, TemplateComponent,
    LocalizableParam, WhatsAppTemplate, Template, ContactAddress, ContactEmail, ContactName,
    ContactOrg, ContactPhone, ContactUrl, Contact, InteractiveText, InteractiveHeader,
    InteractiveRow, InteractiveSection, InteractiveReply, InteractiveButton, InteractiveAction,
    Interactive, ListPickerOption, ListPicker, TimeSlot, TimePicker, OAuth2, RichCard, Carousel,
    ConversationItem, RichContent,
)

for _cls in RICH_CLASSES:
    checked_init(_cls)
del _cls

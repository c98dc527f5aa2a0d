"""Every field of every model class is type-checked at construction, sequences become tuples,
and what is of the right type but the wrong value is validate()'s PayloadError, with its code
and location. The product token is in no error validate() raises, wherever it was put."""

from __future__ import annotations

import collections.abc

import dataclasses
import enum
import math
import re
import pickle
import typing
from typing import Any

import pytest

import cmcore
from cmcore import Message, ProductToken, Request, rich as r
from cmcore._rich import RICH_CLASSES

# A sequence field is annotated tuple[X, ...] or Sequence[X]; its value is always a tuple.
_SEQUENCES = (tuple, collections.abc.Sequence)

TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"


def message(**fields: Any) -> Message:
    return Message(**{"sender": "CM", "recipients": ("0031612345678",), "body": "hi", **fields})


def request(*messages: Message) -> Request:
    return Request(product_token=ProductToken(TOKEN), messages=messages or (message(),))


def errors(req: Request, **options: Any) -> list[tuple[int, str]]:
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(req, **options)
    return [(e.code, e.location) for e in info.value.errors]


@pytest.mark.parametrize("build, named", [
    (lambda: r.ConversationItem(text=5), "ConversationItem.text"),
    (lambda: r.RichContent(conversation=("hello",)), "RichContent.conversation[0]"),
    (lambda: r.RichContent(conversation="hello"), "RichContent.conversation"),
    (lambda: r.Suggestion(action=None), "Suggestion.action"),
    (lambda: r.Suggestion(action=r.SuggestionAction.REPLY, label=b"x"), "Suggestion.label"),
    (lambda: r.Location(latitude=True), "Location.latitude"),
    (lambda: r.TemplateCurrency(amount_1000=1.5), "TemplateCurrency.amount_1000"),
    (lambda: r.TemplateComponent(type="body", index=2.0), "TemplateComponent.index"),
    (lambda: r.OAuth2(response_type="code", scope="email"), "OAuth2.scope"),
    (lambda: r.Media(media_uri=None), "Media.media_uri"),
    (lambda: message(dcs=False), "Message.dcs"),
    (lambda: message(dcs=8.0), "Message.dcs"),
    (lambda: message(dcs=0.0), "Message.dcs"),
    (lambda: message(dcs="garbage"), "Message.dcs"),
    (lambda: message(body=5), "Message.body"),
    (lambda: message(sender=5), "Message.sender"),
    (lambda: message(recipients=(1,)), "Message.recipients[0]"),
    (lambda: message(rich_content={"conversation": []}), "Message.rich_content"),
    (lambda: message(validity=7200), "Message.validity"),
    (lambda: Request(product_token=TOKEN, messages=("x",)), "Request.messages[0]"),
    (lambda: Request(product_token=TOKEN, messages="x"), "Request.messages"),
])
def test_a_wrong_type_is_a_type_error_naming_class_and_field(build: Any, named: str) -> None:
    with pytest.raises(TypeError, match="^" + re.escape(named) + " must be "):
        build()


def test_a_secret_field_of_the_wrong_type_is_named_without_its_value() -> None:
    with pytest.raises(TypeError) as info:
        r.OAuth2(response_type="code", client_secret=12345678901)  # type: ignore[arg-type]
    assert "12345678901" not in str(info.value) and "OAuth2.client_secret" in str(info.value)


def test_sequences_become_tuples_so_a_validated_request_cannot_change() -> None:
    suggestions = [r.Suggestion(action=r.SuggestionAction.REPLY, label="ok")]
    item = r.ConversationItem(text="t", suggestions=suggestions)
    content = r.RichContent(conversation=[item])
    assert type(item.suggestions) is tuple and type(content.conversation) is tuple
    suggestions.append(r.Suggestion(action=r.SuggestionAction.REPLY, label="x" * 500))
    assert len(item.suggestions) == 1
    checked = cmcore.validate(request(message(rich_content=content, allowed_channels=["RCS"])))
    assert checked.messages[0].rich_content is not None
    assert type(checked.messages[0].allowed_channels) is tuple


def every_rich_field() -> list[tuple[type, str, Any]]:
    found = []
    for cls in RICH_CLASSES:
        hints = typing.get_type_hints(cls)
        found += [(cls, f.name, hints[f.name]) for f in dataclasses.fields(cls)]
    return found


def sample(hint: Any) -> Any:
    """A value of the right type for ``hint``: the first option of a union, a minimal object."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, type(int | str)) else (hint,)
    first = next(o for o in options if o is not type(None))
    if typing.get_origin(first) in _SEQUENCES:
        return ()
    if isinstance(first, type) and issubclass(first, enum.Enum):
        return next(iter(first))
    if typing.get_origin(first) is typing.Literal:
        return typing.get_args(first)[0]
    if dataclasses.is_dataclass(first):
        return minimal(first)
    return {str: "x", int: 1, float: 1.0}[first]


def minimal(cls: Any) -> Any:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: sample(hints[f.name]) for f in dataclasses.fields(cls)
                  if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING})


@pytest.mark.parametrize("cls, name, hint", every_rich_field(), ids=lambda v: getattr(v, "__name__", str(v)))
def test_every_rich_field_refuses_an_object(cls: type, name: str, hint: Any) -> None:
    good = minimal(cls)
    assert dataclasses.replace(good, **{name: sample(hint)}) is not None
    with pytest.raises(TypeError, match="^" + re.escape(f"{cls.__name__}.{name}") + " must be "):
        dataclasses.replace(good, **{name: object()})


def test_str_subclasses_become_plain_str_and_enum_spellings_members() -> None:
    class Shouty(str):
        def strip(self, *args: Any) -> str:  # type: ignore[override]
            raise RuntimeError("overridden")

    msg = message(sender=Shouty("CM"), body_type="AUTO", recipients=[Shouty("0031612345678")])
    assert type(msg.sender) is str and type(msg.recipients[0]) is str
    assert msg.body_type is cmcore.BodyType.AUTO
    assert r.Suggestion(action="reply").action is r.SuggestionAction.REPLY
    assert r.TemplateComponent(type="BODY").type == "body" and r.Interactive(
        type="List", body=r.InteractiveText(text="t"), action=r.InteractiveAction()).type == "list"
    cmcore.validate(request(msg))


@pytest.mark.parametrize("build, location", [
    (lambda: r.ConversationItem(template=r.Template(whatsapp=r.WhatsAppTemplate(
        namespace="n", element_name="e", language=r.TemplateLanguage(code="en", policy="deterministic"),
        components=(r.TemplateComponent(type="bdy"),)))), "template.whatsapp.components[0].type"),
    (lambda: r.ConversationItem(interactive=r.Interactive(type="lst", body=r.InteractiveText(text="t"),
                                                          action=r.InteractiveAction())), "interactive.type"),
    (lambda: r.ConversationItem(text="t", tag="bogus"), "tag"),
])
def test_a_value_outside_a_closed_set_is_refused_with_its_location(build: Any, location: str) -> None:
    """"bdy", "lst" and "bogus" build (a type checker refuses them, the runtime keeps them) and
    validate() refuses them with 305 where they are."""
    rich = r.RichContent(conversation=(build(),))
    found = errors(request(message(rich_content=rich, allowed_channels=("WhatsApp",))))
    assert (305, f"msg[0].richContent.conversation[0].{location}") in found


def test_a_wrong_value_of_the_right_type_is_a_payload_error_at_validate() -> None:
    rich = r.RichContent(conversation=(r.ConversationItem(text="t"),),
                         suggestions=(r.Suggestion(action="Teleport", label="go"),))
    assert errors(request(message(rich_content=rich))) == [(305, "msg[0].richContent.suggestions[0].action")]
    assert errors(request(message(body_type="weird"))) == [(305, "msg[0].body.type")]


def test_dcs_and_body_type_are_checked_whatever_the_body() -> None:
    rich = r.RichContent(conversation=(r.ConversationItem(text="t"),))
    empty = dict(body="", allowed_channels=["WhatsApp"], rich_content=rich)
    assert errors(request(message(dcs=4, **empty))) == [(305, "msg[0].dcs")]
    assert errors(request(message(body_type="weird", **empty))) == [(305, "msg[0].body.type")]
    cmcore.validate(request(message(dcs=8, **empty)))


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_float_json_cannot_carry_is_refused(value: float) -> None:
    rich = r.RichContent(conversation=(r.ConversationItem(location=r.Location(latitude=value, longitude=4.0)),))
    assert errors(request(message(rich_content=rich))) == [
        (305, "msg[0].richContent.conversation[0].location.latitude")]


@pytest.mark.parametrize("index", [2**63, 2**70, -(2**63) - 1])
def test_an_int_beyond_64_bits_is_refused(index: int) -> None:
    component = r.TemplateComponent(type="button", sub_type="quick_reply", index=index)
    template = r.Template(whatsapp=r.WhatsAppTemplate(
        namespace="n", element_name="e", language=r.TemplateLanguage(code="en", policy="deterministic"),
        components=(component,)))
    rich = r.RichContent(conversation=(r.ConversationItem(template=template),))
    at = (305, "msg[0].richContent.conversation[0].template.whatsapp.components[0].index")
    # a negative index is also no button index (WhatsApp "Template"), at the same place
    assert errors(request(message(rich_content=rich, allowed_channels=["WhatsApp"]))) == [at] * (1 + (index < 0))


@pytest.mark.parametrize("field", ["sender", "reference", "validity", "recipients", "allowed_channels",
                                   "custom_grouping", "app_key", "body"])
@pytest.mark.parametrize("token", [TOKEN, "not-a-token's \"value\"", "tok\u00e9n\x00secret"])
def test_the_token_is_in_no_error_wherever_the_caller_put_it(field: str, token: str) -> None:
    value: Any = [token] if field in ("recipients", "allowed_channels") else token
    if field == "body":
        value = token + "\ud800"
    req = Request(product_token=ProductToken(token),
                  messages=(message(**{field: value, "max_parts": 300}),))
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(req)
    for error in (info.value, *info.value.errors):
        for shown in (str(error), repr(error), error.message, error.location, str(error.args)):
            assert token not in shown and repr(token)[1:-1] not in shown
        assert pickle.loads(pickle.dumps(error)).code == error.code
    with pytest.raises(cmcore.PayloadError) as built:
        cmcore.build_json(req)
    assert token not in str(built.value)


def test_many_channels_and_buttons_are_checked_in_one_pass() -> None:
    channels = ["SMS"] * 20_000
    assert len(errors(request(message(allowed_channels=channels)))) == 19_999
    buttons = tuple(r.InteractiveButton(reply=r.InteractiveReply(id=str(i), title="same")) for i in range(20_000))
    interactive = r.Interactive(type="button", body=r.InteractiveText(text="b"),
                                action=r.InteractiveAction(buttons=buttons))
    rich = r.RichContent(conversation=(r.ConversationItem(interactive=interactive),))
    found = errors(request(message(rich_content=rich, allowed_channels=["WhatsApp"])))
    assert len(found) == 20_001


def test_validity_reads_ascii_digits_only() -> None:
    for text in ["\u0663h", "\uff12h", "2024-\u06601-01 10:00:00", "9" * 5000 + "m", "2024-01-01 10:00:00 +99:00"]:
        assert errors(request(message(validity=text))) == [(305, "msg[0].validity")]


def test_normalize_phone_refuses_what_is_not_a_str() -> None:
    with pytest.raises(TypeError, match="normalize_phone"):
        cmcore.normalize_phone(123)  # type: ignore[arg-type]


@pytest.mark.parametrize("region", ["nl", "XX", "", "NLD"])
def test_an_unknown_default_region_is_one_error_naming_the_argument(region: str) -> None:
    with pytest.raises(ValueError, match="default_region") as info:
        cmcore.validate(request(message(recipients=("0612345678", "0612345679"))), default_region=region)
    assert not isinstance(info.value, cmcore.PayloadError)


def test_the_token_in_another_case_is_scrubbed_too() -> None:
    req = Request(product_token=ProductToken(TOKEN), messages=(message(reference=TOKEN.upper()),))
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(req)
    assert TOKEN.upper() not in str(info.value) and "***" in str(info.value)


@pytest.mark.parametrize("token", ["0", "m", "ab", "x1"])
def test_a_short_token_is_scrubbed_where_it_stands_alone_and_garbles_nothing(token: str) -> None:
    req = Request(product_token=ProductToken(token), messages=(message(reference=f"{token}!", body_type="weird"),))
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(req)
    found = {e.location: e.message for e in info.value.errors}
    assert "msg[0].body.type" in found and "msg[0].reference" in found
    assert f"'{token}!'" not in found["msg[0].reference"] and "***" in found["msg[0].reference"]
    assert "hexadecimal" in found["authentication.productToken"]


def _reference(cls: type, kwargs: dict[str, Any]) -> Any:
    """What the dataclass's own __init__ would make: every field set, then __post_init__."""
    obj = object.__new__(cls)
    for f in dataclasses.fields(cls):
        if f.name in kwargs:
            value = kwargs[f.name]
        elif cls is Message and f.name == "body_type" and kwargs.get("dcs") is not None:
            value = None  # the documented default: no body type auto where dcs is given
        elif f.default is not dataclasses.MISSING:
            value = f.default
        elif f.default_factory is not dataclasses.MISSING:
            value = f.default_factory()
        else:
            raise TypeError(f"missing {f.name}")
        object.__setattr__(obj, f.name, value)
    obj.__post_init__()
    return obj


@pytest.mark.parametrize("cls", [Message, *RICH_CLASSES], ids=lambda c: c.__name__)
def test_the_checked_init_has_the_dataclass_signature(cls: type) -> None:
    import inspect
    params = inspect.signature(cls).parameters
    fields = [f for f in dataclasses.fields(cls) if f.init]
    assert list(params) == [f.name for f in fields]
    for f in fields:
        assert params[f.name].kind is inspect.Parameter.KEYWORD_ONLY
        expected = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        if cls is Message and f.name == "body_type":  # auto unless dcs is given
            assert repr(params[f.name].default) == "auto unless dcs is given, then None"
            continue
        assert params[f.name].default == expected
    with pytest.raises(TypeError, match="unexpected keyword argument 'nonsense'"):
        cls(nonsense=1)


class _Text(str):
    pass


_VALUES: list[Any] = [None, "x", _Text("y"), "auto", "SMS", "sms", 3, True, 1.5, math.nan, (), ["a"], ("a", _Text("b")),
                      [r.Media(media_uri="u")], (r.Suggestion(action="Reply", label="l"),), r.Media(media_uri="u"),
                      b"x", ("a", 3), {"a": 1}]


def _required(cls: type) -> dict[str, Any]:
    """A valid value for each required field of ``cls``, read from its annotations."""
    hints = typing.get_type_hints(cls)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            hint = typing.get_args(hints[f.name])[0] if typing.get_origin(hints[f.name]) is typing.Union else hints[f.name]
            if typing.get_origin(hint) in _SEQUENCES:
                out[f.name] = ()
            elif hint is str:
                out[f.name] = "x"
            elif hint in (int, float):
                out[f.name] = 1
            elif typing.get_origin(hint) is typing.Literal:
                out[f.name] = typing.get_args(hint)[0]
            elif issubclass(hint, enum.Enum):
                out[f.name] = next(iter(hint))
            else:
                out[f.name] = hint(**_required(hint))
    return out


@pytest.mark.parametrize("cls", [Message, *RICH_CLASSES], ids=lambda c: c.__name__)
def test_the_checked_init_makes_what_the_dataclass_init_makes(cls: type) -> None:
    """Each field given each of a spread of values (right, wrong, subclassed, lists): the
    same object, or the same TypeError, as the dataclass's own __init__ and __post_init__."""
    fields = [f for f in dataclasses.fields(cls) if f.init]
    base = _required(cls)
    for f in fields:
        for value in _VALUES:
            kwargs = {**base, f.name: value}
            try:
                expected = _reference(cls, kwargs)
            except TypeError as exc:
                with pytest.raises(TypeError) as info:
                    cls(**kwargs)
                assert str(info.value) == str(exc)
                continue
            made = cls(**kwargs)
            assert made == expected or (value is not value)  # NaN compares unequal to itself
            assert [type(getattr(made, g.name)) for g in fields] == [type(getattr(expected, g.name)) for g in fields]

"""The wire kernel: the compiled JSON writer gives the twin's bytes (dicts through orjson), and
the twin's errors, on any message, valid or not; ``fill`` builds frozen objects alike.

The writer is exercised below ``validate()`` on purpose: it must not depend on what the
rules let through (odd types, huge ints, floats, lone surrogates, subclasses).
"""

from __future__ import annotations

import collections
import dataclasses
import enum
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmcore import Channel, Message, _json, _wire_py
from cmcore import _rich as r
from cmcore._models import BodyType
from cmcore._reports import StatusReport
from test_roundtrip import rich as valid_rich

from conftest import compiled as compiled_kernel
from conftest import examples

compiled = compiled_kernel("_wire")

WIRES = [w for w in (compiled, _wire_py) if w is not None]


def outcome(wire: ModuleType, messages: tuple[Any, ...]) -> tuple[str, Any]:
    plan = wire.prepare(Message, _json._MSG_LAYOUT, _json._DUMP_FIELDS)
    try:
        return "ok", wire.dump_messages(messages, plan)
    except Exception as exc:  # the exact error is part of the contract
        return type(exc).__name__, str(exc)


def same(messages: tuple[Any, ...]) -> bytes:
    """Both writers' output; they must agree, and on success it must be valid JSON."""
    if compiled is None:
        pytest.skip("the compiled wire kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    got, want = outcome(compiled, messages), outcome(_wire_py, messages)
    assert got == want
    if got[0] == "ok":
        orjson.loads(got[1])
    return got[1]  # type: ignore[no-any-return]


def raw(cls: type, **values: Any) -> Any:
    """An instance of ``cls`` holding ``values`` as they are: construction checks types, and
    the writer must stay safe, and agree with its twin, on what those checks keep out."""
    obj = object.__new__(cls)
    for f in dataclasses.fields(cls):
        default = f.default if f.default_factory is dataclasses.MISSING else f.default_factory()
        object.__setattr__(obj, f.name, values.get(f.name, default))
    return obj


def msg(**fields: Any) -> Message:
    return raw(Message, **{"sender": "CM", "recipients": ("0031612345678",), "body": "hi", **fields})  # type: ignore[no-any-return]


def test_a_plain_message() -> None:
    assert same((msg(),)) == b'[{"from":"CM","to":[{"number":"0031612345678"}],"body":{"type":"auto","content":"hi"}}]'
    assert same((msg(body_type=None),)) == b'[{"from":"CM","to":[{"number":"0031612345678"}],"body":{"content":"hi"}}]'


def test_every_field_in_canonical_order() -> None:
    full = msg(body_type=BodyType.AUTO, dcs=8, reference="r1", custom_grouping="a", custom_grouping2="b",
               custom_grouping3="c", validity="2h", min_parts=1, max_parts=3, recipients=("1", "2"),
               allowed_channels=(Channel.SMS, "Pigeon"), app_key="k",
               rich_content=r.RichContent(conversation=(r.ConversationItem(text="t"),)))
    assert orjson.loads(same((full,)))[0] == {
        "from": "CM", "to": [{"number": "1"}, {"number": "2"}], "body": {"type": "auto", "content": "hi"},
        "dcs": 8, "reference": "r1", "customGrouping": "a", "customGrouping2": "b", "customGrouping3": "c",
        "validity": "2h", "minimumNumberOfMessageParts": 1, "maximumNumberOfMessageParts": 3,
        "allowedChannels": ["SMS", "Pigeon"], "appKey": "k", "richContent": {"conversation": [{"text": "t"}]}}
    assert list(orjson.loads(same((full,)))[0]) == [field[1] for field in _json._MSG_LAYOUT]


@pytest.mark.parametrize("text", [
    "", "plain", '"quoted"', "back\\slash", "\x00\x01\x1f\x7f", "\b\t\n\f\r", "é€", "😀 \u2028\u2029",
    "a\ud800b", "\udfff", "x" * 100_000, "\x1b" * 9, "</script>",
])
def test_text_is_escaped_as_orjson_escapes_it(text: str) -> None:
    same((msg(body=text),))


@pytest.mark.parametrize("number", [0, -1, 7, 2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, -(2**63) - 1, 10**40])
def test_ints_up_to_64_bits_and_the_error_past_them(number: int) -> None:
    same((msg(dcs=number),))


@pytest.mark.parametrize("value", [
    True, False, 1.5, float("nan"), float("inf"), -0.0, 1e16, None, [], [1, None, "x"], {"k": "v"}, {1: 2},
    (1, (2, ())), collections.namedtuple("Pair", "a b")(1, 2), BodyType.AUTO, object(), b"bytes",
])
def test_values_of_any_type_as_the_twin_writes_them(value: Any) -> None:
    same((msg(reference=value),))
    same((msg(rich_content=r.RichContent(conversation=(raw(r.ConversationItem, text=value),))),))


class Colour(enum.Enum):
    RED = 1
    BLUE = (2, "x")


class Letter(str, enum.Enum):
    A = "a"


class Text(str):
    pass


def test_enums_and_str_subclasses() -> None:
    same((msg(reference=Colour.RED, app_key=Colour.BLUE, custom_grouping=Letter.A, validity=Text("2h")),))
    same((msg(allowed_channels=(Colour.RED, Letter.A, Text("t"), Channel.WHATSAPP)),))


@dataclass(frozen=True, slots=True, kw_only=True)
class Special(Message):
    """A Message subclass: read through getattr, not the slot offsets of Message."""

    extra: str = "x"


class Loud(Message):
    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        return value.upper() if name == "body" else value


def test_subclasses_are_read_by_name() -> None:
    same((Special(sender="CM", recipients=("1",), body="b", reference="r"),))
    assert b'"content":"QUIET"' in same((Loud(sender="CM", recipients=("1",), body="quiet"),))


def test_an_unset_slot_raises_as_getattr_does() -> None:
    half = object.__new__(Message)
    object.__setattr__(half, "sender", "CM")
    same((half,))
    assert outcome(_wire_py, (half,))[0] == "AttributeError"


def test_empty_tuples_are_left_out_but_not_empty_lists() -> None:
    item = r.RichContent(conversation=(), suggestions=())
    assert orjson.loads(same((msg(rich_content=item),)))[0]["richContent"] == {}
    listed = raw(r.RichContent, conversation=[])
    assert orjson.loads(same((msg(rich_content=listed),)))[0]["richContent"] == {"conversation": []}


def test_a_wrong_object_in_the_messages() -> None:
    same(("not a message",))
    same((None,))
    same(())


anything = st.one_of(st.none(), st.text(), st.integers(), st.booleans(), st.floats(), st.sampled_from(list(Channel)))
any_message = st.builds(
    msg, sender=st.text(), recipients=st.lists(st.text(), max_size=3).map(tuple), body=st.text(),
    body_type=st.none() | st.just(BodyType.AUTO), dcs=anything, reference=anything, custom_grouping=anything,
    validity=anything, min_parts=anything, max_parts=st.none() | st.integers(),
    allowed_channels=st.lists(st.sampled_from(list(Channel)) | st.text(), max_size=3).map(tuple),
    app_key=anything, rich_content=st.none() | valid_rich,
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(any_message, max_size=4).map(tuple))
def test_the_kernels_agree_on_any_message(messages: tuple[Message, ...]) -> None:
    same(messages)


@settings(max_examples=examples(100), deadline=None)
@given(valid_rich)
def test_the_kernels_agree_on_one_value(value: r.RichContent) -> None:
    if compiled is None:
        pytest.skip("the compiled wire kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    plans = [w.prepare(Message, _json._MSG_LAYOUT, _json._DUMP_FIELDS) for w in (compiled, _wire_py)]
    assert compiled.dump_value(value, plans[0]) == _wire_py.dump_value(value, plans[1])


@pytest.mark.parametrize("wire", WIRES, ids=lambda w: "py" if w is _wire_py else "c")
def test_fill_builds_a_frozen_object_without_init(wire: ModuleType) -> None:
    names = [f for f in StatusReport.__slots__]
    descriptors = tuple(getattr(StatusReport, n) for n in names)
    values = [f"v{i}" for i in range(len(names))]
    report = wire.fill(StatusReport, descriptors, values)
    assert [getattr(report, n) for n in names] == values
    with pytest.raises(AttributeError):
        report.to = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="one value a descriptor"):
        wire.fill(StatusReport, descriptors, values[:-1])
    with pytest.raises((TypeError, AttributeError)):
        wire.fill(StatusReport, (len,), [1])


# -- pick: a parsed object's fields sorted by a table of keys ---------------------------------

TABLE = {"to": 0, "reference": 1, "operator": 2}


@pytest.mark.parametrize("wire", WIRES, ids=lambda w: "py" if w is _wire_py else "c")
def test_pick_sorts_text_fields_and_returns_the_rest(wire: ModuleType) -> None:
    values: list[Any] = [None] * 3
    rest = wire.pick({"TO": "1", "Reference": "", "status": {"code": "2"}, "operator": 20408, "Ünï": 1},
                     TABLE, values)
    assert values == ["1", None, None]
    assert rest == {"status": {"code": "2"}, "operator": 20408, "ünï": 1}


@pytest.mark.parametrize("wire", WIRES, ids=lambda w: "py" if w is _wire_py else "c")
@pytest.mark.parametrize("obj", [{"to": "1", "TO": "2"}, {"to": "1", "To": 2}, {"x": 1, "X": 2}, {"to": 1, "tO": "2"}])
def test_pick_refuses_keys_that_differ_only_in_case(wire: ModuleType, obj: dict[str, Any]) -> None:
    assert wire.pick(obj, TABLE, [None] * 3) is None


@pytest.mark.parametrize("wire", WIRES, ids=lambda w: "py" if w is _wire_py else "c")
def test_pick_takes_defaults_only_for_keys_not_given(wire: ModuleType) -> None:
    values: list[Any] = [None] * 3
    rest = wire.pick({"To": "", "sent": "a"}, TABLE, values, {"to": "d", "reference": "r", "sent": "b", "send": "c"})
    assert values == [None, "r", None]
    assert rest == {"sent": "a", "send": "c"}


@pytest.mark.parametrize("wire", WIRES, ids=lambda w: "py" if w is _wire_py else "c")
def test_pick_checks_its_arguments(wire: ModuleType) -> None:
    with pytest.raises(TypeError):
        wire.pick(["to"], TABLE, [None] * 3)
    with pytest.raises(IndexError):
        wire.pick({"operator": "x"}, TABLE, [None] * 2)
    with pytest.raises(ValueError):
        wire.pick({}, TABLE, [None] * 65)


keys = st.sampled_from(["to", "TO", "To", "reference", "Reference", "operator", "x", "X", "é", "É", "ß"])
fields = st.dictionaries(keys, st.none() | st.text(max_size=3) | st.integers(), max_size=6)


@settings(max_examples=examples(300), deadline=None)
@given(fields, st.none() | st.dictionaries(st.sampled_from(["to", "reference", "x", "y"]), st.text(max_size=2)))
def test_the_kernels_pick_alike(obj: dict[str, Any], defaults: dict[str, Any] | None) -> None:
    if compiled is None:
        pytest.skip("the compiled wire kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    got: list[Any] = [None] * 3
    want: list[Any] = [None] * 3
    assert compiled.pick(obj, TABLE, got, defaults) == _wire_py.pick(obj, TABLE, want, defaults)
    assert got == want


# -- plain_time: yyyy-mm-ddThh:ii:ss as a time in a zone --------------------------------------


@pytest.mark.parametrize("wire", WIRES, ids=lambda w: "py" if w is _wire_py else "c")
def test_plain_time(wire: ModuleType) -> None:
    from datetime import datetime

    from cmcore._models import AMSTERDAM
    assert wire.plain_time("2024-10-27T02:30:00", AMSTERDAM) == datetime(2024, 10, 27, 2, 30, tzinfo=AMSTERDAM)
    assert wire.plain_time("2024-10-27 02:30:00", AMSTERDAM).fold == 0
    for text in ["2024-02-30T00:00:00", "2024-05-01T24:00:00", "2024-05-01T10:00:00Z", "2024-05-01T10:00",
                 "2024-05-01t10:00:00", "２024-05-01T10:00:00", "2024-05-01T10:00:0٠", "", "2024-05-01T1:00:000"]:
        assert wire.plain_time(text, AMSTERDAM) is None, text


TEMPLATE = "2024-05-01T10:00:00"


@settings(max_examples=examples(500), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 18), st.sampled_from("0123456789-: T+Z٠a\x00")), max_size=3),
       st.sampled_from(["", "0", "Z", "0000"]))
def test_the_kernels_read_times_alike(edits: list[tuple[int, str]], tail: str) -> None:
    if compiled is None:
        pytest.skip("the compiled wire kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    from cmcore._models import AMSTERDAM
    chars = list(TEMPLATE)
    for at, char in edits:
        chars[at] = char
    text = "".join(chars) + tail
    assert compiled.plain_time(text, AMSTERDAM) == _wire_py.plain_time(text, AMSTERDAM)


# -- bounded: cycles and deep values are one typed error, the same on both kernels ----------------


def test_a_cyclic_value_is_refused_not_a_crash() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    kind, text = outcome(_wire_py, (msg(dcs=cycle),))
    assert kind == "PayloadError" and "nested more than 64 levels" in text
    same((msg(dcs=cycle),))
    same((msg(body_type=cycle),))
    same((msg(recipients=(cycle,)),))
    same((msg(rich_content=raw(r.RichContent, conversation=cycle)),))


@pytest.mark.parametrize("depth", [60, 61, 62, 63, 64, 65, 66, 200, 5000])
def test_the_depth_limit_is_the_same_on_both_kernels(depth: int) -> None:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    same((msg(reference=value),))
    same((msg(rich_content=raw(r.RichContent, conversation=value)),))
    item: Any = raw(r.ConversationItem, text="t")
    for _ in range(depth // 2):
        item = raw(r.ConversationItem, suggestions=(item,))
    same((msg(rich_content=item),))


def test_errors_come_in_the_order_the_writer_meets_them() -> None:
    first = msg(reference="\ud800", app_key=object())
    assert outcome(_wire_py, (first,))[1] == outcome(_wire_py, (msg(reference="\ud800"),))[1]
    same((first,))
    same((msg(reference=2**70, app_key="\ud800"),))
    same((msg(reference=Colour.BLUE, app_key={1: 2}),))
    same((msg(custom_grouping=Text("\udc00"), app_key=2**65),))


def test_a_half_built_message_fails_at_the_same_field_on_both_kernels() -> None:
    half = object.__new__(Message)
    object.__setattr__(half, "sender", "\ud800")
    object.__setattr__(half, "recipients", ("1",))
    kind, text = outcome(_wire_py, (half,))
    assert kind == "TypeError" and "surrogates" in text  # the sender is written before the body is read
    same((half,))
    item = object.__new__(r.ConversationItem)
    object.__setattr__(item, "text", 2**70)
    same((msg(rich_content=raw(r.RichContent, conversation=(item,))),))

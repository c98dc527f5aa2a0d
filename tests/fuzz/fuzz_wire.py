"""Fuzz the wire kernel: ``cmcore._wire`` against its twin ``cmcore._wire_py``.

``dump_messages``/``dump_value`` with the plan of ``cmcore._json`` (made by each kernel's own
``prepare``) on messages and values of any shape, below ``validate()``; ``pick`` on parsed
objects with the parsers' tables and odd ones; ``plain_time`` on times near the pattern;
``fill`` on the parsers' frozen classes. The same bytes, values or error (type and message)
are required of both. Driven by libFuzzer's own byte mutations (FuzzedDataProvider).
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import _common as c
import atheris

import cmcore
from cmcore import _json, _reports, _rich, _wire_py
from cmcore._models import AMSTERDAM, BodyType, Channel, Message

WIRE = c.COMPILED["_wire"]
PLANS = (WIRE.prepare(Message, _json._MSG_LAYOUT, _json._DUMP_FIELDS),
         _wire_py.prepare(Message, _json._MSG_LAYOUT, _json._DUMP_FIELDS))


class Colour(enum.Enum):
    RED = 1
    BLUE = (2, "x")
    GREEN = object()


class Letter(str, enum.Enum):
    A = "a"


class Number(enum.IntEnum):
    ONE = 1


class Text(str):
    pass


class Whole(int):
    pass


Pair = collections.namedtuple("Pair", "a b")


def _rich_pool() -> list[Any]:
    found = []
    for fragment in c.fragments():
        if isinstance(fragment, dict) and any(k.lower() == "conversation" for k in fragment):
            try:
                found.append(cmcore.load_rich_content(fragment))
            except cmcore.PayloadError:
                pass
    return found


RICH = _rich_pool()
MESSAGE_SLOTS = [f.name for f in dataclasses.fields(Message)]


def text(fdp: atheris.FuzzedDataProvider) -> str:
    how = fdp.ConsumeIntInRange(0, 5)
    if how == 0:
        return fdp.PickValueInList(c.STRINGS)
    if how == 1:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 40))
    return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))


def value(fdp: atheris.FuzzedDataProvider, depth: int = 0) -> Any:
    pick = fdp.ConsumeIntInRange(0, 24 if depth < 3 else 14)
    simple: list[Any] = [None, True, False, 0, -1, 2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, 10**40,
                         float("nan"), float("inf"), -0.0, 1e16, 1.5, b"bytes", object(), Colour.RED, Colour.BLUE,
                         Colour.GREEN, Letter.A, Number.ONE, BodyType.AUTO, Channel.SMS, Text("t"), Whole(3),
                         datetime(2024, 1, 1, tzinfo=AMSTERDAM), (), [], {}]
    if pick < 4:
        return text(fdp)
    if pick < 7:
        return fdp.PickValueInList(simple)
    if pick < 9:
        return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 10))
    if pick < 11:
        return fdp.ConsumeFloat()
    if pick < 13 and RICH:
        return fdp.PickValueInList(RICH)
    if pick < 15:
        return Text(text(fdp))
    items = [value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 3))]
    if pick < 17:
        return tuple(items)
    if pick < 19:
        return items
    if pick < 20:
        return {text(fdp): item for item in items} if fdp.ConsumeBool() else {1: items}
    if pick < 21:
        return Pair(*(items + [None, None])[:2])
    return rich_object(fdp, depth)


def rich_object(fdp: atheris.FuzzedDataProvider, depth: int) -> Any:
    """A rich content object with its slots set to anything, ``__init__`` not run."""
    cls = fdp.PickValueInList(list(_rich.RICH_CLASSES))
    obj = object.__new__(cls)
    for f in dataclasses.fields(cls):
        object.__setattr__(obj, f.name, value(fdp, depth + 1) if fdp.ConsumeBool() else None)
    return obj


def message(fdp: atheris.FuzzedDataProvider) -> Any:
    """A Message with its slots set to anything, ``__init__`` not run; its recipients are a
    tuple, as a Request's are. (Which error comes first where two fields are bad is left
    out: the compiled writer fails at the first bad field, the twin builds every dict first.)"""
    msg = object.__new__(Message)
    for name in MESSAGE_SLOTS:
        if name == "recipients":
            item: Any = tuple(text(fdp) if fdp.ConsumeBool() else value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 3)))
        elif name in ("sender", "body") and fdp.ConsumeBool():
            item = text(fdp)
        else:
            item = value(fdp) if fdp.ConsumeIntInRange(0, 2) else None
        object.__setattr__(msg, name, item)
    return msg


def half_message(fdp: atheris.FuzzedDataProvider) -> Any:
    """A plain Message with one slot left unset: both must raise the same first error (getattr's
    AttributeError, or what a field written before the unset one raises)."""
    msg = object.__new__(Message)
    unset = fdp.PickValueInList(MESSAGE_SLOTS)
    for name in MESSAGE_SLOTS:
        if name != unset:
            object.__setattr__(msg, name, ("0031612345678",) if name in ("recipients", "allowed_channels")
                               else fdp.ConsumeUnicode(12) if name in ("sender", "body") else None)
    return msg


def outcome(func: Any, *args: Any) -> str:
    return c.run(func, *args).describe()


def same(shown: str, *calls: tuple[Any, ...]) -> None:
    got, want = (outcome(*call) for call in calls)
    if got != want:
        raise c.Finding("disagreement", f"on {shown}\n  compiled: {got[:2000]}\n  twin:     {want[:2000]}",
                        f"{shown.split('(')[0]}|{got.split('|')[0][:40]} vs {want.split('|')[0][:40]}")


def check_dump(fdp: atheris.FuzzedDataProvider) -> None:
    how = fdp.ConsumeIntInRange(0, 15)
    if how < 8:
        messages = tuple(half_message(fdp) if how == 0 and i == 0 else message(fdp)
                         for i in range(fdp.ConsumeIntInRange(0, 3)))
        same(f"dump_messages({c.show(messages)})", (WIRE.dump_messages, messages, PLANS[0]),
             (_wire_py.dump_messages, messages, PLANS[1]))
    else:
        item = value(fdp)
        same(f"dump_value({c.show(item)})", (WIRE.dump_value, item, PLANS[0]), (_wire_py.dump_value, item, PLANS[1]))


TABLES = [_reports._TEXT_AT, _reports._STATUS_AT, {}, {"to": 0, "reference": 1, "operator": 2},
          {"to": -1}, {"x": 64}, {"a": 0, "b": 0}]
KEYS = ["to", "TO", "To", "reference", "Reference", "operator", "status", "code", "x", "X", "é", "É", "ß", "ſ",
        "\u212a", "İ", "i̇", "", "\x00", "customgrouping2", "CustomGrouping2", "send", "sent"]


def check_pick(fdp: atheris.FuzzedDataProvider) -> None:
    obj = {fdp.PickValueInList(KEYS) if fdp.ConsumeIntInRange(0, 3) else text(fdp): value(fdp)
           for _ in range(fdp.ConsumeIntInRange(0, 6))}
    table = fdp.PickValueInList(TABLES)
    size = fdp.PickValueInList([len(table) and max(table.values()) + 1, 0, 3, 5, 13, 64, 65])
    defaults = None if fdp.ConsumeBool() else {fdp.PickValueInList(KEYS).lower(): value(fdp)
                                                for _ in range(fdp.ConsumeIntInRange(0, 3))}
    runs = []
    for wire in (WIRE, _wire_py):
        values: list[Any] = [None] * size
        got = c.run(wire.pick, obj, table, values, defaults)
        runs.append(f"{got.describe()} values={c.show(values)}")
    if runs[0] != runs[1]:
        raise c.Finding("disagreement", f"on pick({c.show(obj)}, {table!r}, [None] * {size}, {c.show(defaults)})\n"
                                        f"  compiled: {runs[0][:1500]}\n  twin:     {runs[1][:1500]}", "pick")


ZONES = [AMSTERDAM, timezone.utc, None, timezone(timedelta(hours=5, minutes=30))]


def check_time(fdp: atheris.FuzzedDataProvider) -> None:
    chars = list(fdp.PickValueInList(["2024-05-01T10:00:00", "2024-10-27 02:30:00", "2024-03-31T02:30:00",
                                      "0000-01-01T00:00:00", "9999-12-31T23:59:59", "2024-02-29T24:60:61"]))
    for _ in range(fdp.ConsumeIntInRange(0, 3)):
        chars[fdp.ConsumeIntInRange(0, 18)] = fdp.PickValueInList(list("0123456789-: T+Z٠²a\x00\ud800")) \
            if fdp.ConsumeBool() else chr(fdp.ConsumeIntInRange(0, 0x10FFFF))
    tail = fdp.PickValueInList(["", "", "0", "Z", "\x00"])
    zone = fdp.PickValueInList(ZONES)
    shown = "".join(chars) + tail
    runs = []
    for wire in (WIRE, _wire_py):
        got = c.run(wire.plain_time, shown, zone)
        runs.append(got.describe() + (f" fold={got.value.fold} tz={got.value.tzinfo!r}" if got.value else ""))
    if runs[0] != runs[1]:
        raise c.Finding("disagreement", f"on plain_time({shown!r}, {zone!r})\n  compiled: {runs[0]}\n"
                                        f"  twin:     {runs[1]}", "plain_time")


CLASSES = [cmcore.StatusReport, cmcore.MessageResult, cmcore.DeliveryReceipt, cmcore.SmppTlvs]


def slots_of(obj: Any) -> str:
    out = []
    for f in dataclasses.fields(type(obj)):
        got = c.run(getattr, obj, f.name)
        out.append(f"{f.name}={c.show(got.value)}" if got.error is None else f"{f.name} unset")
    return ", ".join(out)


def check_fill(fdp: atheris.FuzzedDataProvider) -> None:
    cls = fdp.PickValueInList(CLASSES)
    donor = fdp.PickValueInList(CLASSES) if fdp.ConsumeIntInRange(0, 7) == 0 else cls
    names = [f.name for f in dataclasses.fields(donor)]
    chosen = [fdp.PickValueInList(names) for _ in range(fdp.ConsumeIntInRange(0, len(names) + 1))] \
        if fdp.ConsumeBool() else names
    descriptors = tuple(getattr(donor, n) for n in chosen)
    values = [value(fdp) for _ in range(len(descriptors) + fdp.PickValueInList([0, 0, 0, 1, -1]))]
    runs = []
    for wire in (WIRE, _wire_py):
        got = c.run(wire.fill, cls, descriptors, values)
        runs.append(slots_of(got.value) if got.error is None else got.describe())
    if runs[0] != runs[1]:
        raise c.Finding("disagreement", f"on fill({cls.__name__}, {chosen} of {donor.__name__}, {c.show(values)})\n"
                                        f"  compiled: {runs[0][:1500]}\n  twin:     {runs[1][:1500]}", "fill")


CHECKS = [check_dump, check_dump, check_pick, check_time, check_fill]


def check(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    fdp.PickValueInList(CHECKS)(fdp)


if __name__ == "__main__":
    c.main(check, [], c.random_bytes)

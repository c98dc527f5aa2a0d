"""Type checks at construction for the frozen model classes, read from their annotations.

A model class derives from ``Typed``; its ``__post_init__`` checks every field against the
field's annotation and raises ``TypeError`` naming the class and the field (never the value,
which may be secret). Rules, the same for every class:

- ``str``: a ``str``; a subclass that is not an enum becomes the plain ``str`` of its value,
  so no override of the caller's class runs later. ``int``: an ``int``, never a ``bool``;
  ``float`` also takes an ``int``. Subclasses become the plain value, as for ``str``.
- An enum annotation takes its members, or a ``str`` (the enums here are ``str`` enums): a
  string that spells a member, ignoring case, becomes that member; any other string is kept
  as it is, for ``validate()`` to report with the gateway's code and a location. A
  ``Literal`` of strings alike: a spelling of one of them, ignoring case, becomes it.
- ``tuple[X, ...]`` takes any sequence but ``str``/``bytes`` and becomes a tuple, each item
  checked as ``X``; so a validated object cannot change afterwards.
- A nested model class takes an instance of it (or of a subclass); ``None`` only where the
  annotation allows it.

Values are checked for their type only; their values are ``validate()``'s business.
"""

from __future__ import annotations

import collections.abc

import enum
import typing
from collections.abc import Callable, Sequence
from types import UnionType
from typing import Any

# A sequence field is annotated tuple[X, ...] or Sequence[X]; its value is always a tuple.
_SEQUENCES = (tuple, collections.abc.Sequence)

__all__ = ["Typed", "field_kinds", "checked_init"]

Convert = Callable[[Any, str], Any]
_SPECS: dict[type, tuple[tuple[str, frozenset[type], Convert], ...]] = {}


def _name(hint: Any) -> str:
    if hint is type(None):
        return "None"
    if typing.get_origin(hint) is typing.Literal:
        return "str"
    if typing.get_origin(hint) in _SEQUENCES:
        return f"a sequence of {_name(typing.get_args(hint)[0])}"
    return getattr(hint, "__name__", str(hint))


def _fail(expected: str, value: Any, where: str) -> typing.NoReturn:
    raise TypeError(f"{where} must be {expected}, not {type(value).__name__}")


def _scalar(kind: type) -> Convert:
    """A converter for ``str``, ``int`` or ``float``: the plain value of a subclass."""
    def convert(value: Any, where: str) -> Any:
        if kind is str and isinstance(value, str):
            return str.__str__(value)
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return int.__int__(value)
        if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float.__float__(value) if isinstance(value, float) else int.__int__(value)
        raise _Mismatch
    return convert


class _Mismatch(Exception):
    """A value that one option of a union does not take (internal)."""


def _enum(kind: type[enum.Enum]) -> Convert:
    folded = {str(m.value).lower(): m for m in kind}

    def convert(value: Any, where: str) -> Any:
        if isinstance(value, kind):
            return value
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            plain = str.__str__(value)
            return folded.get(plain.lower(), plain)
        raise _Mismatch
    return convert


def _literal(values: tuple[str, ...]) -> Convert:
    folded = {v.lower(): v for v in values}

    def convert(value: Any, where: str) -> Any:
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            plain = str.__str__(value)
            return folded.get(plain.lower(), plain)
        raise _Mismatch
    return convert


def _instance(kind: type) -> Convert:
    def convert(value: Any, where: str) -> Any:
        if isinstance(value, kind):
            return value
        raise _Mismatch
    return convert


def _sequence(item_hint: Any, item_exact: frozenset[type], item: Convert) -> Convert:
    expected = f"a sequence of {_name(item_hint)}"

    def convert(value: Any, where: str) -> Any:
        if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Sequence):
            raise _Mismatch
        if type(value) is tuple and all(type(x) in item_exact for x in value):
            return value
        out = []
        for i, x in enumerate(value):
            if type(x) in item_exact:
                out.append(x)
                continue
            try:
                out.append(item(x, f"{where}[{i}]"))
            except _Mismatch:
                _fail(expected.replace("a sequence of ", "", 1), x, f"{where}[{i}]")
        return tuple(out)
    return convert


def _compile(hint: Any) -> tuple[frozenset[type], Convert, str]:
    """(types taken as they are, converter for the rest, what is expected) for ``hint``."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, UnionType) else (hint,)
    exact: set[type] = set()
    converters: list[Convert] = []
    sequence_items: frozenset[type] | None = None
    for option in options:
        if option is type(None):
            exact.add(type(None))
        elif option in (str, int, float):
            exact.update({option, int} if option is float else {option})
            converters.append(_scalar(option))
        elif typing.get_origin(option) in _SEQUENCES:
            item_exact, item, _ = _compile(typing.get_args(option)[0])
            converters.append(_sequence(typing.get_args(option)[0], item_exact, item))
            sequence_items = item_exact if len(options) == 1 else None
        elif isinstance(option, type) and issubclass(option, enum.Enum):
            exact.add(option)
            converters.append(_enum(option))
        elif typing.get_origin(option) is typing.Literal:
            converters.append(_literal(tuple(str(v) for v in typing.get_args(option))))
        elif isinstance(option, type):
            exact.add(option)
            converters.append(_instance(option))
        else:  # pragma: no cover - an annotation this module does not know
            raise TypeError(f"cannot check values against {hint!r}")
    expected = " or ".join(_name(o) for o in options)

    def convert(value: Any, where: str) -> Any:
        for one in converters:
            try:
                return one(value, where)
            except _Mismatch:
                continue
        _fail(expected, value, where)
    if sequence_items is not None:
        convert.item_exact = sequence_items  # type: ignore[attr-defined]
    return frozenset(exact), convert, expected


def _spec(cls: type) -> tuple[tuple[str, frozenset[type], Convert], ...]:
    spec = _SPECS.get(cls)
    if spec is None:
        hints = typing.get_type_hints(cls)
        names = [f for f in getattr(cls, "__dataclass_fields__", {}) if not f.startswith("_")]
        spec = _SPECS[cls] = tuple((name, *_compile(hints[name])[:2]) for name in names)
    return spec


def field_kinds(cls: type) -> dict[str, tuple[type[enum.Enum] | None, tuple[str, ...]]]:
    """The fields of ``cls`` that take a closed set of values: for each, the enum (or None for a
    ``Literal``) and the values' spellings."""
    hints = typing.get_type_hints(cls)
    found: dict[str, tuple[type[enum.Enum] | None, tuple[str, ...]]] = {}
    for name in getattr(cls, "__dataclass_fields__", {}):
        hint = hints[name]
        options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, UnionType) else (hint,)
        for option in options:
            if typing.get_origin(option) in _SEQUENCES:
                option = typing.get_args(option)[0]
            if isinstance(option, type) and issubclass(option, enum.Enum):
                found[name] = (option, tuple(str(m.value) for m in option))
            elif typing.get_origin(option) is typing.Literal:
                found[name] = (None, tuple(str(v) for v in typing.get_args(option)))
    return found


def _checker(cls: type) -> Callable[[Any], None]:
    """One function that checks every field of a ``cls``, written out field by field: a field
    whose value is of a type taken as it is costs one ``type()`` test (for a tuple, one a
    item), and only the others go through their converter."""
    lines = ["def check(self):"]
    env: dict[str, Any] = {"_set": object.__setattr__}
    for i, (name, exact, convert) in enumerate(_spec(cls)):
        env[f"exact{i}"], env[f"convert{i}"] = exact, convert
        where = f"{cls.__name__}.{name}"
        lines.append(f"    v = self.{name}")
        item_exact = getattr(convert, "item_exact", None)
        if item_exact is not None:  # a tuple field: its items decide; a list of them is copied
            env[f"items{i}"] = item_exact
            lines.append(f"    if type(v) is not tuple or not all([type(x) in items{i} for x in v]):")
            lines.append(f"        if type(v) is list and all([type(x) in items{i} for x in v]):")
            lines.append(f"            _set(self, {name!r}, tuple(v))")
            lines.append("        else:")
            lines.append(f"            new = convert{i}(v, {where!r})")
            lines.append("            if new is not v:")
            lines.append(f"                _set(self, {name!r}, new)")
            continue
        lines.append(f"    if type(v) not in exact{i}:")
        lines.append(f"        new = convert{i}(v, {where!r})")
        lines.append("        if new is not v:")
        lines.append(f"            _set(self, {name!r}, new)")
    lines.append("    return None")
    exec("\n".join(lines), env)  # noqa: S102 - code made here, from the class's own annotations
    check: Callable[[Any], None] = env["check"]
    return check


_CHECKERS: dict[type, Callable[[Any], None]] = {}


class DefaultUnless:
    """The default of a field that holds unless another field is given: ``body_type`` is
    ``auto`` unless ``dcs`` is given, then ``None``. Shown in the signature as what it means."""

    __slots__ = ("default", "field", "otherwise")

    def __init__(self, default: Any, field: str, otherwise: Any) -> None:
        self.default, self.field, self.otherwise = default, field, otherwise

    def __repr__(self) -> str:
        return f"{self.default!s} unless {self.field} is given, then {self.otherwise!r}"


def checked_init(cls: type, *, one_item: tuple[str, ...] = (), unless: dict[str, DefaultUnless] | None = None) -> None:
    """Give ``cls`` the ``__init__`` of ``_make_init``, made at its first call so that
    importing cmcore reads no annotations; until then it has the dataclass's signature."""
    import inspect

    original = cls.__dict__["__init__"]

    def __init__(self: Any, **kwargs: Any) -> None:
        init = _make_init(cls, one_item=one_item, unless=unless, original=original)
        init(self, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__module__ = cls.__module__
    __init__.__doc__ = original.__doc__
    signature = inspect.signature(original)
    if unless:
        signature = signature.replace(parameters=[
            p.replace(default=unless[p.name]) if p.name in unless else p for p in signature.parameters.values()])
    __init__.__signature__ = signature  # type: ignore[attr-defined]
    cls.__init__ = __init__  # type: ignore[misc]


def _make_init(cls: type, *, one_item: tuple[str, ...], unless: dict[str, DefaultUnless] | None,
               original: Callable[..., None]) -> Callable[..., None]:
    """Give the frozen dataclass ``cls`` an ``__init__`` that checks each argument as
    ``__post_init__`` would and sets the slots in one kernel call, instead of the
    dataclass's ``object.__setattr__`` per field and the checks after. The signature, the
    defaults and the errors are the dataclass's own; a field named in ``one_item`` takes a
    single ``str`` as one item; a field in ``unless`` has that conditional default.
    Subclasses made by ``@dataclass`` get their own ``__init__``,
    which runs ``__post_init__`` as before.
    """
    import dataclasses

    from cmcore import _kernel

    fields = [f for f in dataclasses.fields(cls)]
    specs = {name: (exact, convert) for name, exact, convert in _spec(cls)}
    wire = _kernel.load("_wire")
    env: dict[str, Any] = {"_cm_type": type, "_cm_assign": wire.assign, "_cm_exact_tuple": wire.exact_tuple,
                           "_cm_missing": dataclasses.MISSING,
                           "_cm_descriptors": tuple(getattr(cls, f.name) for f in fields)}
    params, body = [], []
    for name, rule in (unless or {}).items():
        env[f"_cm_unless_{name}"] = rule
        body.append(f"    if {name} is _cm_unless_{name}:")
        body.append(f"        {name} = _cm_unless_{name}.default if {rule.field} is None else "
                    f"_cm_unless_{name}.otherwise")
    for i, f in enumerate(fields):
        arg = f.name
        if unless and arg in unless:
            params.append(f"{arg}=_cm_unless_{arg}")
        elif not f.init:
            env[f"_cm_default{i}"] = f.default if f.default_factory is dataclasses.MISSING else f.default_factory
            body.append(f"    {arg} = _cm_default{i}" + ("()" if f.default_factory is not dataclasses.MISSING else ""))
            continue
        elif f.default is not dataclasses.MISSING:
            env[f"_cm_default{i}"] = f.default
            params.append(f"{arg}=_cm_default{i}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_cm_factory{i}"] = f.default_factory
            params.append(f"{arg}=_cm_missing")
            body.append(f"    if {arg} is _cm_missing:\n        {arg} = _cm_factory{i}()")
        else:
            params.append(arg)
        if arg not in specs:
            continue
        exact, convert = specs[arg]
        env[f"_cm_exact{i}"], env[f"_cm_convert{i}"] = exact, convert
        where = f"{cls.__name__}.{arg}"
        item_exact = getattr(convert, "item_exact", None)
        if item_exact is None:
            test = f"{arg} is not None and " if f.default is None and type(None) in exact else ""
            body.append(f"    if {test}_cm_type({arg}) not in _cm_exact{i}:")
            body.append(f"        {arg} = _cm_convert{i}({arg}, {where!r})")
            continue
        env[f"_cm_items{i}"] = item_exact
        body.append(f"    _cm_checked = _cm_exact_tuple({arg}, _cm_items{i})")
        body.append("    if _cm_checked is not None:")
        body.append(f"        {arg} = _cm_checked")
        body.append("    else:")
        if arg in one_item:
            body.append(f"        if isinstance({arg}, str):\n            {arg} = ({arg},)")
        body.append(f"        {arg} = _cm_convert{i}({arg}, {where!r})")
    names = ", ".join(f.name for f in fields)
    source = (f"def __init__(self, *, {', '.join(params)}):\n" + "\n".join(body)
              + f"\n    _cm_assign(self, _cm_descriptors, ({names},))\n")
    exec(source, env)  # noqa: S102 - code made here, from the class's own fields
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = original.__doc__
    init.__annotations__ = dict(original.__annotations__)
    cls.__init__ = init  # type: ignore[misc]
    made: Callable[..., None] = init
    return made


class Typed:
    """Base of the model's dataclasses: ``__post_init__`` checks each field's type."""

    __slots__ = ()

    def __post_init__(self) -> None:
        cls = type(self)
        check = _CHECKERS.get(cls)
        if check is None:
            check = _CHECKERS[cls] = _checker(cls)
        check(self)

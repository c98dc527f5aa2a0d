"""A ``str`` subclass is measured, cut and reported by its value, on both kernels alike.

The compiled kernel reads a ``str``'s buffer, so it never sees a subclass's overrides; the
twin and the public functions must not see them either. ``Hostile`` overrides everything a
careless implementation would call and answers garbage; every result for a ``Hostile`` text
must equal the result for the plain text, and hold only exact ``str`` values.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import Encoding, _gsm7, _sms

from conftest import examples, kernels


class Hostile(str):
    """A str whose every override lies; only its value (the str buffer) is true."""

    def __len__(self) -> int:
        return 7

    def __iter__(self) -> Iterator[str]:
        return iter("garbage")

    def __getitem__(self, index: object) -> str:
        return "garbage"

    def __contains__(self, item: object) -> bool:
        return True

    def __str__(self) -> str:
        return "garbage"

    def __repr__(self) -> str:
        return "'garbage'"

    def __format__(self, spec: str) -> str:
        return "garbage"

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __add__(self, other: object) -> str:
        return "garbage"

    def isascii(self) -> bool:
        return True

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return b"garbage"

    def lower(self) -> str:
        return "garbage"

    def strip(self, chars: str | None = None) -> str:
        return "garbage"

    def startswith(self, *args: object) -> bool:
        return True

    def endswith(self, *args: object) -> bool:
        return True

    def find(self, *args: object) -> int:
        return 0

    def count(self, *args: object) -> int:
        return 0

    def replace(self, *args: object) -> str:
        return "garbage"


def exact(value: Any) -> Any:
    """``value`` as builtins for comparison, failing if a non-exact ``str`` is inside it."""
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        assert type(value) is str, f"a {type(value).__name__} leaked into a result"
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value).__name__, [exact(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, (list, tuple, _sms.Segmentations)):
        return [exact(item) for item in value]
    return value


def outcome(func: Callable[[str], object], text: str) -> Any:
    """What ``func(text)`` returns, or the type and message of what it raises."""
    try:
        return "ok", exact(func(text))
    except (cmcore.CMError, ValueError) as exc:
        return "raised", type(exc).__name__, str(exc)


G, U = Encoding.GSM7, Encoding.UCS2
PUBLIC: dict[str, Callable[[str], object]] = {
    "analyze": cmcore.analyze,
    "analyze-gsm7": lambda t: cmcore.analyze(t, encoding=G),
    "analyze-ucs2": lambda t: cmcore.analyze(t, encoding=U),
    "analyze-max-parts": lambda t: cmcore.analyze(t, max_parts=1),
    "analyze-16bit": lambda t: cmcore.analyze(t, limits=cmcore.LIMITS_16BIT_REF),
    "split": cmcore.split,
    "split-gsm7": lambda t: cmcore.split(t, encoding=G),
    "split-ucs2": lambda t: cmcore.split(t, encoding=U),
    "truncate-1": lambda t: cmcore.truncate(t, 1),
    "truncate-2": lambda t: cmcore.truncate(t, 2),
    "truncate-255": lambda t: cmcore.truncate(t, 255),
    "analyze_many": lambda t: cmcore.analyze_many([t, "plain", t]),
    "analyze_many-gsm7": lambda t: cmcore.analyze_many(["plain", t], encoding=G),
    "analyze_many-iter": lambda t: cmcore.analyze_many(iter([t])),
    "explain": cmcore.explain,
    "explain-gsm7": lambda t: cmcore.explain(t, encoding=G),
    "explain-ucs2": lambda t: cmcore.explain(t, encoding=U),
    "smart_encode": cmcore.smart_encode,
    "smart-then-split": lambda t: cmcore.split(cmcore.smart_encode(t).text),
}

CY, EMOJI = "\u0436", "\U0001f600"
TEXTS = [
    "",
    "hello",
    "a" * 161,
    "\u20ac" * 81,
    "a" * 152 + "\u20ac" + "a" * 10,
    "[]\n" * 60,
    CY * 71,
    EMOJI * 36,
    CY * 66 + EMOJI + CY * 5,
    "x" * 1000 + EMOJI,
    "a\udfff",
    "\udc00\ud800" * 36,
    "it\u2019s \u2014 \u201cok\u201d\u2026\u00a0fine",
    "caf\u00e9 \u00e7a co\u00fbte 5\u20ac",
    "\ufeffhi\u200b",
    "garbage",
]


@contextmanager
def using(kernel: ModuleType) -> Iterator[None]:
    """Route the public API through ``kernel`` (for Hypothesis, which takes no fixtures)."""
    old, _sms._kernel = _sms._kernel, kernel
    try:
        yield
    finally:
        _sms._kernel = old


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_results_equal_those_for_the_plain_text(kernel: ModuleType, name: str, text: str) -> None:
    func = PUBLIC[name]
    assert outcome(func, Hostile(text)) == outcome(func, text)


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_kernel_functions_read_the_value(text: str) -> None:
    limits = cmcore.DEFAULT_LIMITS._args()
    hostile = Hostile(text)
    for kernel in kernels():
        for force in (False, True):
            assert kernel.count(hostile, force, *limits) == kernel.count(text, force, *limits)
            assert kernel.count_many([hostile, text], force, *limits) == kernel.count_many(
                [text, text], force, *limits
            )
        for gsm7, capacity in ((False, 67), (True, 153)):
            assert outcome(lambda t: kernel.cuts(t, gsm7, capacity), hostile) == outcome(
                lambda t: kernel.cuts(t, gsm7, capacity), text
            )


def test_results_for_a_subclass_are_exact_str(kernel: ModuleType) -> None:
    text = Hostile("fits in one")
    assert type(cmcore.truncate(text, 1)) is str
    assert [type(part) for part in cmcore.split(text)] == [str]
    assert type(cmcore.explain(text).text) is str
    assert type(cmcore.smart_encode(text).text) is str


def test_a_subclass_without_overrides_is_fine(kernel: ModuleType) -> None:
    class Plain(str):
        pass

    text = "\u20ac" * 81
    assert cmcore.split(Plain(text)) == cmcore.split(text)
    assert cmcore.analyze(Plain(text)) == cmcore.analyze(text)


class FakeStr:
    """Not a str, but says it is through ``__class__``."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return str


@pytest.mark.parametrize(
    "func", [cmcore.analyze, cmcore.split, cmcore.explain, cmcore.smart_encode, lambda t: cmcore.truncate(t, 1)]
)
def test_an_object_faking_its_class_is_still_a_type_error(kernel: ModuleType, func: Any) -> None:
    fake = FakeStr()
    assert isinstance(fake, str)
    with pytest.raises(TypeError, match="argument 'text' must be str, not FakeStr"):
        func(fake)
    with pytest.raises(TypeError, match="'texts' item 0 must be str, not FakeStr"):
        cmcore.analyze_many([fake])


_basic = sorted(_gsm7.BASIC)
_ext = sorted(_gsm7.EXTENSION)
chars = st.one_of(
    st.sampled_from(_basic),
    st.sampled_from(_basic),
    st.sampled_from(_ext),
    st.sampled_from(sorted(cmcore.SMART_REPLACEMENTS)),
    st.integers(0xD800, 0xDFFF).map(chr),
    st.integers(0x1F300, 0x1FAFF).map(chr),
    st.characters(),
)
texts = st.one_of(
    st.text(chars, max_size=300),
    st.builds(lambda a, b: a + b, st.text(st.sampled_from(_basic + _ext), min_size=140, max_size=320),
              st.text(chars, max_size=3)),
)


@settings(max_examples=examples(150), deadline=None)
@given(texts, st.sampled_from(sorted(PUBLIC)))
def test_any_text_in_a_subclass_gives_the_plain_answer(text: str, name: str) -> None:
    func = PUBLIC[name]
    for kernel in kernels():
        with using(kernel):
            assert outcome(func, Hostile(text)) == outcome(func, text), kernel.__name__

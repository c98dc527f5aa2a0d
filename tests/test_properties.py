"""Property tests: both kernels agree with each other and with a reference model of the rules."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import _gsm7, _segment_py

from conftest import COMPILED, examples, kernels

LIMITS = cmcore.DEFAULT_LIMITS._args()

_basic = sorted(_gsm7.BASIC)
_ext = sorted(_gsm7.EXTENSION)
chars = st.one_of(
    st.sampled_from(_basic),
    st.sampled_from(_basic),
    st.sampled_from(_basic),
    st.sampled_from(_ext),
    st.integers(0x10000, 0x10FFFF).map(chr),
    st.integers(0xD800, 0xDFFF).map(chr),
    st.characters(),
)
# Texts that sit near the cuts: mostly GSM, a few extension or astral characters.
texts = st.one_of(
    st.text(chars, max_size=400),
    st.text(st.sampled_from(_basic + _ext), min_size=150, max_size=700),
    st.builds(lambda a, b: a + b, st.text(st.sampled_from(_basic), min_size=60, max_size=400),
              st.text(chars, max_size=3)),
)
limits = st.builds(
    lambda gs, gm, us, um: (max(gs, gm), gm, max(us, um), um),
    st.integers(2, 200), st.integers(2, 160), st.integers(2, 80), st.integers(2, 70),
)


def reference(text: str, single_multi: tuple[int, int, int, int]) -> tuple[bool, int, list[int]]:
    """The rules, spelled out character by character: (is GSM-7, units, part ends)."""
    gsm7 = all(c in _gsm7.BASIC or c in _gsm7.EXTENSION for c in text)
    costs = [(2 if c in _gsm7.EXTENSION else 1) if gsm7 else (2 if ord(c) > 0xFFFF else 1) for c in text]
    single = single_multi[0] if gsm7 else single_multi[2]
    multi = single_multi[1] if gsm7 else single_multi[3]
    units = sum(costs)
    if units <= single:
        return gsm7, units, [len(text)]
    ends, used = [], 0
    for i, cost in enumerate(costs):
        if used + cost > multi:
            ends.append(i)
            used = 0
        used += cost
    return gsm7, units, ends + [len(text)]


@settings(max_examples=examples(400), deadline=None)
@given(texts, limits)
def test_kernels_agree_with_the_rules(text: str, lim: tuple[int, int, int, int]) -> None:
    gsm7, units, ends = reference(text, lim)
    for kernel in kernels():
        assert kernel.count(text, False, *lim) == (gsm7, units, len(ends))
        multi = lim[1] if gsm7 else lim[3]
        if len(ends) > 1:
            assert kernel.cuts(text, gsm7, multi) == ends


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(texts, max_size=20), st.booleans())
def test_count_many_matches_count(items: list[str], force: bool) -> None:
    for kernel in kernels():
        flags, units, parts = kernel.count_many(items, force, *LIMITS)
        singles = [kernel.count(t, force, *LIMITS) for t in items]
        assert list(zip(map(bool, flags), units, parts)) == singles
    if COMPILED is not None:
        assert COMPILED.count_many(items, force, *LIMITS) == _segment_py.count_many(items, force, *LIMITS)


@settings(max_examples=examples(300), deadline=None)
@given(texts)
def test_split_reassembles_and_fits(text: str) -> None:
    seg = cmcore.analyze(text)
    parts = cmcore.split(text)
    assert "".join(parts) == text
    assert len(parts) == seg.parts
    capacity = cmcore.DEFAULT_LIMITS.single(seg.encoding) if seg.parts == 1 else cmcore.DEFAULT_LIMITS.multi(seg.encoding)
    for part in parts:
        assert cmcore.analyze(part, encoding=cmcore.Encoding.UCS2 if seg.encoding is cmcore.Encoding.UCS2 else None).units <= capacity
    assert cmcore.analyze_many([text]) == [seg]


@settings(max_examples=examples(200), deadline=None)
@given(texts, st.integers(1, 5))
def test_truncate_is_the_longest_fitting_prefix(text: str, max_parts: int) -> None:
    cut = cmcore.truncate(text, max_parts)
    assert text.startswith(cut)
    seg = cmcore.analyze(text)
    forced = cmcore.Encoding.UCS2 if seg.encoding is cmcore.Encoding.UCS2 else None
    assert cmcore.analyze(cut, encoding=forced).parts <= max_parts
    if cut != text:
        assert cmcore.analyze(text[: len(cut) + 1], encoding=forced).parts > max_parts

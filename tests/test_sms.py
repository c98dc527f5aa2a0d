"""The public segmentation API: types, errors, options, and the columnar batch result."""

from __future__ import annotations

import pickle
from types import ModuleType

import pytest

import cmcore
from cmcore import Encoding


@pytest.mark.parametrize("bad", [b"bytes", None, 42, ["a"], bytearray(b"x")])
@pytest.mark.parametrize(
    "func", [cmcore.analyze, cmcore.split, cmcore.explain, cmcore.smart_encode, lambda t: cmcore.truncate(t, 1)]
)
def test_non_str_is_a_type_error_naming_the_argument(kernel: ModuleType, func: object, bad: object) -> None:
    with pytest.raises(TypeError, match="argument 'text' must be str"):
        func(bad)  # type: ignore[operator]


def test_analyze_many_names_the_bad_item(kernel: ModuleType) -> None:
    with pytest.raises(TypeError, match=r"argument 'texts' item 2 must be str, not bytes"):
        cmcore.analyze_many(["a", "b", b"c"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="iterable of str, not str"):
        cmcore.analyze_many("abc")
    with pytest.raises(TypeError):
        cmcore.analyze_many(42)  # type: ignore[arg-type]


def test_analyze_is_positional_only_and_options_keyword_only() -> None:
    with pytest.raises(TypeError):
        cmcore.analyze(text="abc")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        cmcore.analyze("abc", None)  # type: ignore[call-arg]


def test_segmentation_is_frozen() -> None:
    seg = cmcore.analyze("abc")
    with pytest.raises(AttributeError):
        seg.parts = 2  # type: ignore[misc]
    assert hash(seg) == hash(cmcore.analyze("abc"))


def test_encoding_enum() -> None:
    assert Encoding.GSM7.value == "GSM-7" and Encoding.UCS2.value == "UCS-2"
    assert Encoding("GSM-7") is Encoding.GSM7
    assert (Encoding.GSM7.dcs, Encoding.UCS2.dcs) == (0, 8)
    assert str(Encoding.UCS2) == "UCS-2"


def test_max_parts_is_an_error_not_a_truncation(kernel: ModuleType) -> None:
    assert cmcore.analyze("a" * 1224, max_parts=8).parts == 8
    with pytest.raises(cmcore.PartsLimitError) as info:
        cmcore.split("a" * 1225, max_parts=8)
    err = info.value
    assert (err.parts, err.max_parts, err.code, err.location) == (9, 8, 304, "body")
    assert isinstance(err, cmcore.PayloadError) and isinstance(err, ValueError)
    for bad in (0, 256, -1, 2.0, "8"):
        with pytest.raises(ValueError, match="max_parts"):
            cmcore.analyze("a", max_parts=bad)  # type: ignore[arg-type]


def test_truncate_is_explicit(kernel: ModuleType) -> None:
    assert cmcore.truncate("a" * 400, 2) == "a" * 306
    assert cmcore.truncate("a" * 400, 1) == "a" * 160
    assert cmcore.truncate("\u20ac" * 100, 1) == "\u20ac" * 80
    assert cmcore.truncate("]" * 200, 2) == "]" * 152
    assert cmcore.truncate("short", 3) == "short"
    assert cmcore.truncate("\u0436" * 100 + "\U0001f600", 1) == "\u0436" * 70
    assert cmcore.truncate("\u0436" * 66 + "\U0001f600" * 3, 2) == "\u0436" * 66 + "\U0001f600" * 3
    assert cmcore.truncate("\u0436" * 66 + "\U0001f600" * 40, 1) == "\u0436" * 66 + "\U0001f600" * 2
    with pytest.raises(ValueError):
        cmcore.truncate("abc", 0)


def test_part_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="gsm7_multi"):
        cmcore.PartLimits(gsm7_multi=1)
    with pytest.raises(ValueError, match="ucs2_multi <= ucs2_single"):
        cmcore.PartLimits(ucs2_multi=80)
    with pytest.raises(ValueError):
        cmcore.PartLimits(gsm7_single=160.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cmcore.PartLimits(160, 153)  # type: ignore[call-arg]
    assert cmcore.LIMITS_16BIT_REF == cmcore.PartLimits(gsm7_multi=152, ucs2_multi=66)


def test_kernel_rejects_bad_capacities_without_crashing(kernel: ModuleType) -> None:
    with pytest.raises(ValueError):
        kernel.count("a" * 500, False, 160, 0, 70, 67)
    with pytest.raises(ValueError):
        kernel.count_many(["a" * 500], False, 160, 153, 70, -5)
    with pytest.raises(ValueError):
        kernel.cuts("abc", True, 1)
    with pytest.raises(ValueError, match="not GSM-7"):
        kernel.cuts("a\U0001f600" * 200, True, 153)
    with pytest.raises(TypeError):
        kernel.count(None, False, 160, 153, 70, 67)


def test_analyze_many_is_columnar_and_equals_analyze(kernel: ModuleType) -> None:
    texts = ["", "hi", "\u20ac" * 81, "\u0436" * 71, "a" * 1000 + "\U0001f600"]
    result = cmcore.analyze_many(texts)
    expected = [cmcore.analyze(t) for t in texts]
    assert result == expected
    assert list(result) == expected
    assert [result[i] for i in range(len(texts))] == expected
    assert result[-1] == expected[-1]
    assert result[1:3] == expected[1:3]
    assert len(result) == 5
    assert list(result.units) == [0, 2, 162, 71, 1002]
    assert list(result.parts) == [1, 1, 2, 2, 15]
    assert list(result.gsm7) == [1, 1, 1, 0, 0]
    assert result.total_parts() == 21
    assert result.units.format == "q" and result.units.readonly
    assert result != expected[:4]
    assert cmcore.analyze_many(iter(texts)) == expected
    assert cmcore.analyze_many(tuple(texts)) == expected
    assert cmcore.analyze_many([]) == []
    assert "5 texts" in repr(result)


def test_analyze_many_options(kernel: ModuleType) -> None:
    assert list(cmcore.analyze_many(["abc"], encoding=Encoding.UCS2)) == [cmcore.analyze("abc", encoding=Encoding.UCS2)]
    assert list(cmcore.analyze_many(["a" * 305], limits=cmcore.LIMITS_16BIT_REF).parts) == [3]
    with pytest.raises(cmcore.EncodingError) as info:
        cmcore.analyze_many(["ok", "fine", "\u00e7a"], encoding=Encoding.GSM7)
    assert info.value.location == "texts[2]"


def test_errors_pickle_and_keep_their_fields() -> None:
    err = cmcore.PartsLimitError("too long", parts=9, max_parts=8)
    copy = pickle.loads(pickle.dumps(err))
    assert (type(copy), copy.parts, copy.max_parts, copy.code, str(copy)) == (
        cmcore.PartsLimitError, 9, 8, 304, "body: too long")
    many = cmcore.PayloadError("first", code=301, location="msg[0].from",
                               errors=[cmcore.PayloadError("first", code=301), cmcore.PayloadError("x")])
    assert str(many) == "msg[0].from: first (and 1 more)"
    assert len(pickle.loads(pickle.dumps(many)).errors) == 2
    single = cmcore.PayloadError("only")
    assert single.errors == (single,)
    assert issubclass(cmcore.ResponseError, cmcore.CMError)

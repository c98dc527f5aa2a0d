"""Phone numbers: cmcore's verdict is phonenumbers' verdict (parse, is_valid_number, E.164,
region_code_for_number, number_type, is_possible_number_with_reason), on every example number
phonenumbers ships, in every form, on mutations of them and on random digits. The reference
below calls phonenumbers alone; cmcore's fast path never runs in it."""

from __future__ import annotations

import os
import random
from typing import Any

import phonenumbers as pn
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

import cmcore
from cmcore import NumberType, PhoneProblem
from cmcore import _phone

from conftest import examples

REASONS = {pn.NumberParseException.INVALID_COUNTRY_CODE: PhoneProblem.INVALID_COUNTRY_CODE,
           pn.NumberParseException.NOT_A_NUMBER: PhoneProblem.NOT_A_NUMBER,
           pn.NumberParseException.TOO_SHORT_AFTER_IDD: PhoneProblem.TOO_SHORT,
           pn.NumberParseException.TOO_SHORT_NSN: PhoneProblem.TOO_SHORT,
           pn.NumberParseException.TOO_LONG: PhoneProblem.TOO_LONG}
POSSIBLE = {pn.ValidationResult.TOO_SHORT: PhoneProblem.TOO_SHORT, pn.ValidationResult.TOO_LONG: PhoneProblem.TOO_LONG,
            pn.ValidationResult.INVALID_LENGTH: PhoneProblem.INVALID_LENGTH,
            pn.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: PhoneProblem.LOCAL_ONLY,
            pn.ValidationResult.IS_POSSIBLE: PhoneProblem.NOT_VALID,
            pn.ValidationResult.INVALID_COUNTRY_CODE: PhoneProblem.INVALID_COUNTRY_CODE}
TYPES = {getattr(T, m.name): m for m in NumberType}


def reference(text: str, region: str | None) -> tuple[Any, ...]:
    """(gateway form, region, type, country code, problem) by phonenumbers alone."""
    text = text.strip()
    candidate = "+" + text[2:] if text.startswith("00") else text
    try:
        parsed = pn.parse(candidate, region)
    except pn.NumberParseException as exc:
        return None, None, NumberType.UNKNOWN, None, REASONS[exc.error_type]
    where = pn.region_code_for_number(parsed)
    if not pn.is_valid_number(parsed):
        return None, where, NumberType.UNKNOWN, parsed.country_code, POSSIBLE[pn.is_possible_number_with_reason(parsed)]
    return ("00" + pn.format_number(parsed, F.E164)[1:], where, TYPES[pn.number_type(parsed)],
            parsed.country_code, None)


def ours(text: str, region: str | None) -> tuple[Any, ...]:
    info = cmcore.phone_info(text, default_region=region)
    return info.number, info.region, info.type, info.country_code, info.problem


def example_numbers() -> list[tuple[Any, str | None]]:
    found = []
    for region in sorted(pn.SUPPORTED_REGIONS):
        for kind in TYPES:
            number = pn.example_number_for_type(region, kind)
            if number is not None:
                found.append((number, region))
        invalid = pn.invalid_example_number(region)
        if invalid is not None:
            found.append((invalid, region))
    for code in sorted(pn.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = pn.example_number_for_non_geo_entity(code)
        if number is not None:
            found.append((number, None))
    return found


def forms(number: Any, region: str | None) -> list[tuple[str, str | None]]:
    e164 = pn.format_number(number, F.E164)
    out = [(e164, None), (pn.format_number(number, F.INTERNATIONAL), None), ("00" + e164[1:], None),
           (pn.format_number(number, F.RFC3966), None)]
    if region is not None:
        national = pn.format_number(number, F.NATIONAL)
        out += [(national, region), (str(number.national_number), region), (e164[1:], region),
                (pn.format_out_of_country_calling_number(number, "US"), "US"),
                (pn.format_out_of_country_calling_number(number, "DE"), "DE")]
    return out


EXAMPLES = [f for number, region in example_numbers() for f in forms(number, region)]


def mutate(text: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(text) if c.isdigit()]
    if not spots:
        return text
    i, digit, kind = rng.choice(spots), str(rng.randrange(10)), rng.randrange(6)
    return [text[:i] + text[i + 1:], text[:i] + digit + text[i:], text[:i] + digit + text[i + 1:],
            text[:i] + "0" + text[i:], text + digit, text[:-1]][kind]


@pytest.fixture(params=["c", "py"])
def numbers_kernel(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Route the phone path through one kernel, with its own freshly compiled plans."""
    from cmcore import _numbers_py
    from conftest import compiled
    module = compiled("_numbers") if request.param == "c" else _numbers_py
    if module is None:
        pytest.skip("the compiled kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    monkeypatch.setattr(_phone, "_numbers", module)
    for cache in ("_PLANS", "_COUNTRIES", "_REGIONS"):
        monkeypatch.setattr(_phone, cache, {})
    return module


def test_every_example_number_in_every_form(numbers_kernel: Any) -> None:
    assert len(EXAMPLES) > 5000
    for text, region in EXAMPLES:
        assert ours(text, region) == reference(text, region), (text, region)


def test_mutations_on_both_kernels(numbers_kernel: Any) -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        text, region = rng.choice(EXAMPLES)
        text = mutate(mutate(text, rng), rng)
        assert ours(text, region) == reference(text, region), (text, region)


@pytest.mark.parametrize("pattern, digits", [
    ("0", "0"), ("0(?:(11|343)15)?", "0"), (r"(?:[124-7]\d\d|3(?:[02-9]\d|1[0-8]))\d{6}", "1234567"),
    (r"([2-479]\d{6})$|1", "123479"), ("8?", None), (r"(?=1)\d", None), (r"\d*", None), ("[^1]", None),
    (r"(?:)", None), (r"\d{0,3}5", "0123456789"),
])
def test_first_digits_never_keeps_a_number_from_its_pattern(pattern: str, digits: str | None) -> None:
    from cmcore._automaton import first_digits
    found = first_digits(pattern)
    assert found == (None if digits is None else frozenset(digits))
    import re
    compiled = re.compile(pattern)
    for first in "0123456789":
        for rest in ("", "0", "12", "345", "9999999", "1234567"):
            if compiled.match(first + rest) and found is not None:
                assert first in found


def test_mutations_of_the_examples() -> None:
    rng = random.Random(20261201)
    regions = sorted(pn.SUPPORTED_REGIONS)
    count = int(os.environ.get("CMCORE_PHONE_CASES", "100000"))
    for _ in range(count):
        text, region = rng.choice(EXAMPLES)
        for _ in range(rng.randrange(1, 4)):
            text = mutate(text, rng)
        if rng.random() < 0.1:
            region = rng.choice(regions)
        assert ours(text, region) == reference(text, region), (text, region)


CODES = sorted(pn.COUNTRY_CODE_TO_REGION_CODE)
SHARED = [code for code in CODES if len(pn.COUNTRY_CODE_TO_REGION_CODE[code]) > 1]


@settings(max_examples=examples(2000), deadline=None)
@given(st.sampled_from(CODES) | st.integers(0, 999), st.text("0123456789", max_size=17),
       st.sampled_from(["+", "00", "+ ", "00 ", "+("]), st.sampled_from(sorted(pn.SUPPORTED_REGIONS) + [None]))
def test_digits_after_a_plus_or_00(code: int, digits: str, lead: str, region: str | None) -> None:
    text = f"{lead}{code}{')' if lead.endswith('(') else ''} {digits}"
    assert ours(text, region) == reference(text, region)


@settings(max_examples=examples(2000), deadline=None)
@given(st.sampled_from(SHARED), st.text("0123456789", min_size=4, max_size=12))
def test_numbers_of_shared_country_codes(code: int, digits: str) -> None:
    for region in (None, *pn.COUNTRY_CODE_TO_REGION_CODE[code][:3]):
        text = f"+{code}{digits}"
        assert ours(text, region) == reference(text, region)
        assert ours(digits, region) == reference(digits, region) if region else True


@settings(max_examples=examples(2000), deadline=None)
@given(st.text("0123456789 -().+/x#*,;abc\u0661\uff11", max_size=20),
       st.sampled_from(["NL", "US", "GB", "DE", "IT", "AR", "MX", "BR", "RU", "JP", "CA", "IM", "zz", None]))
def test_any_text(text: str, region: str | None) -> None:
    assert ours(text, region) == reference(text, region)


JUNK = ["12-34-AB", "N/A", "n.v.t.", "-", "0", "00", "+", "++31 6", "\uff0b31612345678", "tel:+31-6-1234",
        "tel:0612345678;phone-context=+31", "tel:1234;phone-context=example.com", "0612345678;isub=12",
        "call 06 1234 5678", "(530) 583-6985 x302/x2303", "1-800-FLOWERS", "#31#", "*31#", "x" * 251,
        "0" * 251, " 06-12345678 ", "+6857", "00498", "+31" + "6" * 18, "+1" + "2" * 17, "0031" + "1" * 25, "\u0661\u0662\u0663\u0664\u0665", "31 6 1234 5678 ext. 9", ""]


@pytest.mark.parametrize("region", [None, "NL", "US", "zz"])
def test_what_the_first_steps_refuse(region: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Junk refused by parse()'s first steps (taken apart, by phonenumbers' own functions)
    gets phonenumbers' own verdict, and the same one where those functions are not there."""
    for text in JUNK:
        assert ours(text, region) == reference(text, region), text
    monkeypatch.setattr(_phone, "_FIRST_STEPS", None)
    for text in JUNK:
        assert ours(text, region) == reference(text, region), text


def test_normalize_phone_gives_the_reason() -> None:
    for text, reason in [("+31 6 12", "too short"), ("+999 1234", "unknown country code"),
                         ("+31 6 1234 5678 9012 3456 78", "too long"), ("hello", "not a number")]:
        with pytest.raises(cmcore.PayloadError, match=reason) as info:
            cmcore.normalize_phone(text)
        assert info.value.code == 303


def test_columns_keep_one_verdict_a_number() -> None:
    numbers = ["+31612345678", "nonsense", "0612345678", "+1 613 555 0123", "+31 6 12"]
    columns = cmcore.normalize_phones(numbers, default_region="NL")
    assert len(columns) == 5 and columns.valid == bytes([1, 0, 1, 1, 0]) and columns.invalid == 2
    assert columns.numbers[2] == "0031612345678" and columns.regions[3] == "CA"
    assert columns[1].problem is PhoneProblem.NOT_A_NUMBER and columns[4] == cmcore.phone_info("+31 6 12")
    assert [c.number for c in columns[0:2]] == ["0031612345678", None]
    with pytest.raises(TypeError, match="item 1"):
        cmcore.normalize_phones(["+31612345678", 5])  # type: ignore[list-item]


def test_warm_up_compiles_every_country_code() -> None:
    assert cmcore.warm_up() == len(pn.COUNTRY_CODE_TO_REGION_CODE)


def test_arguments_of_the_wrong_type() -> None:
    with pytest.raises(TypeError):
        cmcore.phone_info(31612345678)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="default_region"):
        cmcore.phone_info("0612345678", default_region=31)  # type: ignore[arg-type]


def test_fast_many_answers_as_fast_does(numbers_kernel: Any) -> None:
    """The batch call of the campaign screen: ``fast()`` of each item, an undecided step None."""
    texts = ["+31612345678", "0612345678", "+1 268 464 1234", "+4534", "12-34-AB", "+999 1234", "+7 912 345 6789",
             "+44 7400 123456", "0031612345678", "+590 690 001234", "", "+262 269 123456"]
    regions = [None, "NL", None, None, None, None, "RU", "GB", "DE", None, "NL", "YT"]
    args = (_phone._COUNTRIES, _phone._CODES, _phone._country)
    plans = [_phone._region_plan(r) for r in regions]

    def one(text: str, plan: Any) -> Any:
        try:
            return numbers_kernel.fast(text, plan, *args)
        except numbers_kernel.Undecided:
            return None

    assert numbers_kernel.fast_many(texts, plans, *args) == [one(t, p) for t, p in zip(texts, plans)]
    assert numbers_kernel.fast_many([], [], *args) == []
    with pytest.raises(ValueError, match="as long"):
        numbers_kernel.fast_many(texts, plans[:-1], *args)
    with pytest.raises(TypeError, match="item 1"):
        numbers_kernel.fast_many(["+31612345678", 31612345678], [None, None], *args)


def test_fast_into_writes_the_valid_numbers_and_gives_back_the_others(numbers_kernel: Any) -> None:
    """The campaign screen's call: where ``fast_many()`` proves a number valid, its gateway form,
    region and type name go into the row's columns; every other row comes back with
    ``fast_many()``'s own answer. Rows outside the columns are refused before any is written."""
    from array import array

    texts = ["+31612345678", "0612345678", "+1 268 464 1234", "+4534", "12-34-AB", "+999 1234", "+7 912 345 6789",
             "+44 7400 123456", "0031612345678", "+590 690 001234", "", "+262 269 123456", "+3161"]
    regions = [None, "NL", None, None, None, None, "RU", "GB", "DE", None, "NL", "YT", None]
    args = (_phone._COUNTRIES, _phone._CODES, _phone._country)
    plans = [_phone._region_plan(r) for r in regions]
    unknown, names = pn.PhoneNumberType.UNKNOWN, _phone._TYPE_NAMES
    rows = array("q", [2 * k + 1 for k in range(len(texts))])  # every other row of the columns
    size = 2 * len(texts) + 1
    numbers, where, types = ["raw"] * size, ["R"] * size, [None] * size
    left, answers = numbers_kernel.fast_into(texts, plans, *args, rows, numbers, where, types, names, unknown)
    want = numbers_kernel.fast_many(texts, plans, *args)
    assert left == [r for r, f in zip(rows, want) if type(f) is not tuple or f[4] == unknown]
    assert answers == [f for f in want if type(f) is not tuple or f[4] == unknown]
    for row, found in zip(rows, want):
        if row in left:
            assert (numbers[row], where[row], types[row]) == ("raw", "R", None)
        else:
            assert (numbers[row], where[row], types[row]) == (f"00{found[0]}{found[1]}", found[2], names[found[4]])
    assert numbers[::2] == ["raw"] * (len(texts) + 1)  # the rows not asked about are left alone
    assert numbers[1] == "0031612345678" and types[1] is NumberType.MOBILE
    with pytest.raises(IndexError):
        numbers_kernel.fast_into(texts[:1], plans[:1], *args, array("q", [size]), numbers, where, types, names, unknown)
    with pytest.raises(ValueError, match="as long"):
        numbers_kernel.fast_into(texts, plans, *args, rows[:-1], numbers, where, types, names, unknown)


@settings(max_examples=examples(1000), deadline=None)
@given(st.sampled_from(SHARED), st.text("0123456789", min_size=1, max_size=20))
def test_leading_digits_walk_answers_as_re_matches(code: int, digits: str) -> None:
    """A ``Leading`` that walks its automaton picks the region ``re.match`` of its alternation
    picks, on any digits: the first pattern that matches a start of them."""
    from conftest import compiled
    module = compiled("_numbers")
    if module is None:
        pytest.skip("the compiled kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    walk = _phone._country(code)[2]
    assert all(leading.has_dfa for leading, _ in walk if leading is not None) or _phone._numbers is not module
    for leading, _ in walk:
        if leading is None:
            continue
        match = leading.pattern.match(digits)
        assert leading.first(digits) == (-1 if match is None else match.lastindex - 1)


def test_leading_digits_of_nanpa_regions() -> None:
    """+1: a number of Antigua, Canada or the US Virgin Islands is read as theirs, whichever
    kernel, and by the leading digits of each region (phonenumbers' region order)."""
    for text, region in [("+1 268 464 1234", "AG"), ("+1 613 555 0123", "CA"), ("+1 340 642 1234", "VI"),
                         ("+1 201 555 0123", "US")]:
        assert cmcore.phone_info(text).region == region == reference(text, None)[1]


def test_an_automaton_table_is_checked_before_it_is_walked() -> None:
    from conftest import compiled
    module = compiled("_numbers")
    if module is None:
        pytest.skip("the compiled kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    from array import array
    good = (array("i", [0] * 10 + [1] * 10), array("i", [0, 1]))
    assert module.Leading(["1"], lambda patterns: good).first("123") == 0
    for table, masks in [(array("i", [0] * 10 + [2] * 10), array("i", [0, 1])),  # state 2 of 2
                         (array("i", [0] * 15), array("i", [0, 1])),  # not ten entries a state
                         (array("i", []), array("i", []))]:
        with pytest.raises(ValueError, match="automaton"):
            module.Leading(["1"], lambda patterns, t=table, m=masks: (t, m))
    for bad in (-1, 1 << 16, (1 << 31) - 1):  # not a state of 2 octets: refused as array("H") refuses it
        table = array("i", [0] * 10 + [1] * 9 + [bad])
        with pytest.raises(OverflowError, match="automaton"):
            module.Leading(["1"], lambda patterns, t=table: (t, good[1]))
    as_list = ([0] * 10 + [1] * 10, array("i", [0, 1]))  # not an array("i"): array() converts it
    assert module.Leading(["1"], lambda patterns: as_list).first("123") == 0


def test_a_phone_info_made_from_a_verdict_is_a_phone_info() -> None:
    made = _phone.check("+31612345678", None)
    called = cmcore.PhoneInfo(number="0031612345678", region="NL", type=NumberType.MOBILE, country_code=31)
    assert made == called and hash(made) == hash(called) and repr(made) == repr(called) and made.valid
    with pytest.raises(AttributeError):
        made.number = "x"  # type: ignore[misc]


def test_slow_verdicts_kept_are_the_parse_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from cmcore import _phone

    monkeypatch.setattr(_phone, "_SLOW_SEEN", {})
    monkeypatch.setattr(_phone, "_SLOW_SEEN_MAX", 3)
    calls: list[tuple[str, str | None]] = []
    parse = _phone._parse_verdict

    def counted(text: str, region: str | None) -> Any:
        calls.append((text, region))
        return parse(text, region)

    monkeypatch.setattr(_phone, "_parse_verdict", counted)
    texts = [("12-34-AB", None), ("n/a", "NL"), ("0612345678", "NL"), ("12-34-AB", "NL"), ("+31 6 1234 5678", None)]
    first = [_phone._slow(t, r) for t, r in texts]
    again = [_phone._slow(t, r) for t, r in texts]
    assert first == again == [parse(t, r) for t, r in texts]
    assert len(_phone._SLOW_SEEN) <= 3  # cleared when full, never grown past the bound
    assert calls[:len(texts)] == texts
    assert _phone._slow("12-34-AB", None) == parse("12-34-AB", None)

    class Odd(str):
        def __hash__(self) -> int:
            raise AssertionError("a subclass is not hashed")

    assert _phone._slow(Odd("12-34-AB"), None) == parse("12-34-AB", None)


@settings(max_examples=examples(300))
@given(region=st.sampled_from(["NL", "GB", "US", "DE", "IN", "BR", "JP", "AU"]),
       text=st.text(alphabet="0123456789 a-\u0661", min_size=0, max_size=20))
def test_number_type_of_any_text_is_phonenumbers_helper(region: str, text: str) -> None:
    """A plan's ``number_type`` walks its automaton over digits and leaves anything else (a
    letter, an Arabic-Indic digit, a dead state followed by one) to the patterns, as
    phonenumbers' ``_number_type_helper`` answers for the same national number."""
    metadata = pn.PhoneMetadata.metadata_for_region(region)
    assert _phone._plan(metadata).number_type(text) == pn.phonenumberutil._number_type_helper(text, metadata)

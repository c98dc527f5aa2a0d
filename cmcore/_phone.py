"""Phone numbers as phonenumbers judges them, read from its own metadata, without its parse.

phonenumbers' validity is a pure function of (country code, national significant number)
once its parse steps are applied. This module applies those steps itself, for the shapes
that carry almost all traffic: an international number (``+`` or ``00``, then ASCII digits
with spaces, dashes, dots or brackets) and, with a default region, a national one. For each
country code it compiles, once and lazily, from the installed phonenumbers' metadata:

- the national prefix and carrier code rule (``national_prefix_for_parsing`` and
  ``national_prefix_transform_rule``), the general pattern and its possible lengths;
- per region, one pattern that holds every number type in phonenumbers' order, each with its
  possible lengths as a look-ahead, so one match gives both validity and type;
- for country codes that several regions share (+1, +7, +44, …), each region's
  ``leading_digits``, tried in phonenumbers' region order.

Nothing is copied from phonenumbers: the tables follow its updates. Any input of another
shape, or any step this module does not take (an unknown country code after ``+``, a number
too short to hold one, an extension, letters, non-ASCII digits), goes to phonenumbers' own
``parse`` and ``is_valid_number``, never to a guess.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, overload

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberType

from cmcore import _kernel

_numbers = _kernel.load("_numbers")
_wire = _kernel.load("_wire")

__all__ = ["NumberType", "PhoneColumns", "PhoneInfo", "PhoneProblem", "normalize_phones", "phone_info", "warm_up"]



class NumberType(str, enum.Enum):
    """What kind of number it is, as phonenumbers' ``number_type`` says."""

    FIXED_LINE = "fixed_line"
    MOBILE = "mobile"
    FIXED_LINE_OR_MOBILE = "fixed_line_or_mobile"
    TOLL_FREE = "toll_free"
    PREMIUM_RATE = "premium_rate"
    SHARED_COST = "shared_cost"
    VOIP = "voip"
    PERSONAL_NUMBER = "personal_number"
    PAGER = "pager"
    UAN = "uan"
    VOICEMAIL = "voicemail"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


class PhoneProblem(str, enum.Enum):
    """Why a number is not valid: phonenumbers' parse error, or its possibility check."""

    NOT_A_NUMBER = "not a number"
    INVALID_COUNTRY_CODE = "unknown country code"
    TOO_SHORT = "too short"
    TOO_LONG = "too long"
    INVALID_LENGTH = "a length no number of its country has"
    LOCAL_ONLY = "too short: a local number, without its area code"
    NOT_VALID = "not valid in its region"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class PhoneInfo:
    """What a number tells: its gateway form (``00…``), region (ISO 3166, or ``"001"`` for
    non-geographic numbers), type and country code; for an invalid number, the reason."""

    number: str | None
    region: str | None
    type: NumberType
    country_code: int | None
    problem: PhoneProblem | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None


# phonenumbers' _number_type_helper order, with the attribute of each description.
_TYPES = ((PhoneNumberType.PREMIUM_RATE, "premium_rate"), (PhoneNumberType.TOLL_FREE, "toll_free"),
          (PhoneNumberType.SHARED_COST, "shared_cost"), (PhoneNumberType.VOIP, "voip"),
          (PhoneNumberType.PERSONAL_NUMBER, "personal_number"), (PhoneNumberType.PAGER, "pager"),
          (PhoneNumberType.UAN, "uan"), (PhoneNumberType.VOICEMAIL, "voicemail"),
          (PhoneNumberType.FIXED_LINE, "fixed_line"), (PhoneNumberType.MOBILE, "mobile"))
_TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: NumberType.FIXED_LINE, PhoneNumberType.MOBILE: NumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE: NumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.TOLL_FREE: NumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE: NumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST: NumberType.SHARED_COST, PhoneNumberType.VOIP: NumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER: NumberType.PERSONAL_NUMBER, PhoneNumberType.PAGER: NumberType.PAGER,
    PhoneNumberType.UAN: NumberType.UAN, PhoneNumberType.VOICEMAIL: NumberType.VOICEMAIL,
    PhoneNumberType.UNKNOWN: NumberType.UNKNOWN,
}


def _desc(desc: Any) -> tuple[frozenset[int] | None, str, frozenset[str] | None] | None:
    """A number description as the kernel takes it: (lengths, or None for any; pattern; the
    digits a number of it can begin with, or None for any)."""
    if desc is None or not desc.national_number_pattern:
        return None
    lengths = tuple(desc.possible_length)
    pattern = desc.national_number_pattern
    return (frozenset(lengths) if lengths else None), pattern, _first_digits(pattern)


_KINDS = (PhoneNumberType.UNKNOWN, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_PLANS: dict[int, Any] = {}
_COUNTRIES: dict[int, Any] = {}
_REGIONS: dict[str, Any] = {}
_CODES = {str(cc): cc for cc in phonenumbers.COUNTRY_CODE_TO_REGION_CODE}


def _plan(metadata: Any) -> Any:
    """The kernel's plan of one metadata, compiled once."""
    plan = _PLANS.get(id(metadata))
    if plan is None:
        descs = []
        for kind, attr in _TYPES:
            if kind is PhoneNumberType.MOBILE and metadata.same_mobile_and_fixed_line_pattern:
                continue  # phonenumbers does not test mobile then
            found = _desc(getattr(metadata, attr))
            if found is not None:
                descs.append((kind, *found))
        general = metadata.general_desc
        patterns = [general.national_number_pattern or "", *(d[2] for d in descs),
                    (metadata.mobile.national_number_pattern if metadata.mobile is not None else None) or ""]
        plan = _PLANS[id(metadata)] = _numbers.Plan(
            metadata.country_code, _desc(general), tuple(general.possible_length),
            tuple(general.possible_length_local_only or ()), tuple(descs), _desc(metadata.mobile),
            bool(metadata.same_mobile_and_fixed_line_pattern), metadata.national_prefix_for_parsing or None,
            metadata.national_prefix_transform_rule or None, metadata.leading_digits or None,
            metadata.international_prefix or None, _KINDS,
            _first_digits(metadata.national_prefix_for_parsing) if metadata.national_prefix_for_parsing else None,
            _automaton(patterns) if _numbers.USES_AUTOMATON else None)
    return plan


def _automaton(patterns: list[str]) -> Any:
    """The digit automaton of ``patterns`` (imported on first use: ``import cmcore`` stays lean)."""
    from cmcore._automaton import automaton

    return automaton(patterns)


def _first_digits(pattern: str) -> frozenset[str] | None:
    """``_automaton.first_digits`` (imported on first use, as the automaton is)."""
    from cmcore._automaton import first_digits

    return first_digits(pattern)


def _country(cc: int) -> Any:
    """(the plan parse() uses for ``cc``, each region of ``cc`` with its plan, and the steps
    that pick the region of a number), compiled once."""
    found = _COUNTRIES.get(cc)
    if found is not None:
        return found
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc)
    if not regions:
        return None
    main = PhoneMetadata.metadata_for_region_or_calling_code(cc, phonenumbers.region_code_for_country_code(cc))
    if main is None:
        return None
    plans = []
    for region in regions:
        metadata = (PhoneMetadata.metadata_for_region_or_calling_code(cc, region) if len(regions) == 1
                    else PhoneMetadata.metadata_for_region(region.upper(), None))
        plans.append((region, None if metadata is None else _plan(metadata)))
    walk = tuple(plans)
    found = _COUNTRIES[cc] = (_plan(main), walk,
                              _numbers.steps(walk, _automaton if _numbers.USES_AUTOMATON else None))
    return found


def _region_plan(region: str | None) -> Any:
    """The plan national numbers of ``region`` are read by; None where phonenumbers does not
    know the region (it then decides, and says so)."""
    if region is None:
        return None
    plan = _REGIONS.get(region)
    if plan is None and region in phonenumbers.SUPPORTED_REGIONS:
        metadata = PhoneMetadata.metadata_for_region(region, None)
        if metadata is not None:
            plan = _REGIONS[region] = _plan(metadata)
    return plan


def _fast(text: str, region: str | None) -> Any:
    try:
        return _numbers.fast(text, _region_plan(region), _COUNTRIES, _CODES, _country)
    except _numbers.Undecided:
        return None


def _refused(candidate: str, region: str | None) -> PhoneProblem | None:
    """The problem where ``parse()``'s first steps refuse ``candidate`` (it is not viable, or
    has no ``+`` and there is no valid region), else None: those steps taken by phonenumbers'
    own functions, in parse()'s order, without the rest of parse(). None too where this
    phonenumbers has other names for them (then parse() itself answers)."""
    if _FIRST_STEPS is None or len(candidate) > _numbers.MAX_INPUT:  # longer: TOO_LONG, parse() words it
        return None
    build, viable, region_ok = _FIRST_STEPS
    national = build(candidate)
    if not viable(national):
        return PhoneProblem.NOT_A_NUMBER
    if not region_ok(national, region):
        return PhoneProblem.INVALID_COUNTRY_CODE
    return None


def _first_steps() -> tuple[Callable[[str], str], Callable[[str], bool], Callable[[str, str | None], bool]] | None:
    util = phonenumbers.phonenumberutil
    names = ("_build_national_number_for_parsing", "_is_viable_phone_number", "_check_region_for_parsing")
    found = [getattr(util, name, None) for name in names]
    return None if None in found else (found[0], found[1], found[2])  # type: ignore[return-value]


_FIRST_STEPS = _first_steps()


#: A verdict as ``verdict()`` gives it: PhoneInfo's fields, in its order.
Verdict = tuple[str | None, str | None, NumberType, int | None, PhoneProblem | None]
_UNKNOWN = NumberType.UNKNOWN


_SLOW_SEEN: dict[tuple[str, str | None], Verdict] = {}
_SLOW_SEEN_MAX = 4096


def _slow(text: str, region: str | None) -> Verdict:
    """phonenumbers itself, for what the fast path leaves to it; the verdicts of the last
    texts it was asked about are kept (at most ``_SLOW_SEEN_MAX``), as a file's junk values
    ("n/a", "-", "0") come back row after row, and each costs a parse."""
    if type(text) is not str or (region is not None and type(region) is not str):
        return _parse_verdict(text, region)  # a subclass's own hash and equality are not trusted
    key = (text, region)
    found = _SLOW_SEEN.get(key)
    if found is None:
        found = _parse_verdict(text, region)
        if len(_SLOW_SEEN) >= _SLOW_SEEN_MAX:
            _SLOW_SEEN.clear()
        _SLOW_SEEN[key] = found
    return found


def _parse_verdict(text: str, region: str | None) -> Verdict:
    """``_slow`` without the memory."""
    _enable_cache()
    candidate = "+" + text[2:] if text.startswith("00") else text
    try:
        refused = _refused(candidate, region)
        if refused is not None:
            return None, None, _UNKNOWN, None, refused
        parsed = phonenumbers.parse(candidate, region)
    except NumberParseException as exc:
        return None, None, _UNKNOWN, None, _PARSE_PROBLEMS.get(exc.error_type, PhoneProblem.NOT_A_NUMBER)
    cc = parsed.country_code
    where = phonenumbers.region_code_for_number(parsed)
    if phonenumbers.is_valid_number(parsed):
        kind = _TYPE_NAMES[phonenumbers.number_type(parsed)]
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        return "00" + e164[1:], where, kind, cc, None
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    return None, where, _UNKNOWN, cc, _POSSIBLE_PROBLEMS.get(reason, PhoneProblem.NOT_VALID)


_PARSE_PROBLEMS = {
    NumberParseException.INVALID_COUNTRY_CODE: PhoneProblem.INVALID_COUNTRY_CODE,
    NumberParseException.NOT_A_NUMBER: PhoneProblem.NOT_A_NUMBER,
    NumberParseException.TOO_SHORT_AFTER_IDD: PhoneProblem.TOO_SHORT,
    NumberParseException.TOO_SHORT_NSN: PhoneProblem.TOO_SHORT,
    NumberParseException.TOO_LONG: PhoneProblem.TOO_LONG,
}
_NSN_PROBLEMS = {_numbers.SHORT_NSN: _PARSE_PROBLEMS[NumberParseException.TOO_SHORT_NSN],
                 _numbers.LONG_NSN: _PARSE_PROBLEMS[NumberParseException.TOO_LONG]}
_R = phonenumbers.ValidationResult
_POSSIBLE_PROBLEMS = {_R.TOO_SHORT: PhoneProblem.TOO_SHORT, _R.TOO_LONG: PhoneProblem.TOO_LONG,
                      _R.INVALID_LENGTH: PhoneProblem.INVALID_LENGTH,
                      _R.IS_POSSIBLE_LOCAL_ONLY: PhoneProblem.LOCAL_ONLY,
                      _R.INVALID_COUNTRY_CODE: PhoneProblem.INVALID_COUNTRY_CODE}
_LENGTH_PROBLEMS = {_numbers.TOO_SHORT: PhoneProblem.TOO_SHORT, _numbers.TOO_LONG: PhoneProblem.TOO_LONG,
                    _numbers.BAD_LENGTH: PhoneProblem.INVALID_LENGTH, _numbers.LOCAL: PhoneProblem.LOCAL_ONLY}


def _enable_cache(done: list[bool] = []) -> None:  # noqa: B006 - a once-flag
    """phonenumbers' own pattern cache, where its version has one, for the slow path."""
    if not done:
        enable: Callable[[], None] | None = getattr(phonenumbers, "enable_pattern_cache", None)
        if enable is not None:
            enable()
        done.append(True)


def gateway_form(text: str, region: str | None) -> str | None:
    """The gateway form (``00…``) of ``text`` (stripped) where phonenumbers holds it valid."""
    try:
        found = _numbers.gateway(text, None if region is None else _region_plan(region), _COUNTRIES, _CODES, _country)
    except _numbers.Undecided:
        found = None
    if found is None:  # not decided here, or a parse error that phonenumbers words
        return _slow(text, region)[0]
    return found or None


def verdict(text: str, region: str | None) -> Verdict:
    """phonenumbers' verdict on ``text`` (stripped; ``00…`` read as ``+…``) in ``region``, as
    ``PhoneInfo``'s fields: ``(number, region, type, country code, problem)``."""
    found = _fast(text, region)
    if type(found) is not tuple:
        problem = _NSN_PROBLEMS.get(found) if type(found) is int else None
        if problem is None:
            return _slow(text, region)
        # parse() raises TOO_SHORT_NSN or TOO_LONG there: its verdict, without the parse
        return None, None, _UNKNOWN, None, problem
    cc, nsn, where, _, kind = found
    if kind is PhoneNumberType.UNKNOWN:
        return None, where, _UNKNOWN, cc, _LENGTH_PROBLEMS.get(_COUNTRIES[cc][0].length(nsn), PhoneProblem.NOT_VALID)
    return f"00{cc}{nsn}", where, _TYPE_NAMES[kind], cc, None


_INFO_SLOTS = tuple(getattr(PhoneInfo, name) for name in ("number", "region", "type", "country_code", "problem"))


def _info(found: Verdict) -> PhoneInfo:
    """The ``PhoneInfo`` of a verdict (values this module made), filled by ``_wire.fill``
    without the frozen ``__init__``'s keyword call, which costs more than the verdict itself."""
    info: PhoneInfo = _wire.fill(PhoneInfo, _INFO_SLOTS, [*found])
    return info


def check(text: str, region: str | None) -> PhoneInfo:
    """phonenumbers' verdict on ``text`` (stripped; ``00…`` read as ``+…``) in ``region``."""
    return _info(verdict(text, region))


def warm_up() -> int:
    """Compile every country code now (for pool and cluster workers); returns how many."""
    for cc in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        _country(cc)
    return len(_COUNTRIES)


def region_argument(region: object) -> str | None:
    """``default_region`` as a plain str, or None; ``TypeError`` for anything else."""
    if region is not None and not isinstance(region, str):
        raise TypeError(f"default_region must be a str (ISO 3166, such as 'NL') or None, not {type(region).__name__}")
    return None if region is None else str.__str__(region)


def phone_info(number: str, /, *, default_region: str | None = None) -> PhoneInfo:
    """What ``number`` tells, as phonenumbers judges it: the gateway form, region, type and
    country code, or for an invalid number the reason (``.problem``). ``default_region``
    reads national forms. ``00…`` is read as ``+…``. Raises ``TypeError`` for a non-str."""
    if not isinstance(number, str):
        raise TypeError(f"phone_info() argument 'number' must be str, not {type(number).__name__}")
    return check(str.__str__(number).strip(), region_argument(default_region))


@dataclass(frozen=True, slots=True)
class PhoneColumns(Sequence[PhoneInfo]):
    """The verdicts of ``normalize_phones``, as columns: item ``i`` of each column is about
    number ``i``. ``valid`` holds 1 for a valid number and 0 for an invalid one."""

    numbers: tuple[str | None, ...]
    regions: tuple[str | None, ...]
    types: tuple[NumberType, ...]
    country_codes: tuple[int | None, ...]
    problems: tuple[PhoneProblem | None, ...]
    valid: bytes

    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, index: int) -> PhoneInfo: ...
    @overload
    def __getitem__(self, index: slice) -> list[PhoneInfo]: ...

    def __getitem__(self, index: int | slice) -> PhoneInfo | list[PhoneInfo]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return PhoneInfo(number=self.numbers[index], region=self.regions[index], type=self.types[index],
                         country_code=self.country_codes[index], problem=self.problems[index])

    @property
    def invalid(self) -> int:
        """How many numbers are not valid."""
        return len(self.valid) - sum(self.valid)


def normalize_phones(numbers: Iterable[str], /, *, default_region: str | None = None) -> PhoneColumns:
    """Every number of ``numbers`` judged as ``phone_info`` judges one, without an exception
    per invalid number: N numbers in, N verdicts out. Raises ``TypeError`` naming the first
    item that is not a str."""
    region = region_argument(default_region)
    found = []
    for i, number in enumerate(numbers):
        if not isinstance(number, str):
            raise TypeError(f"normalize_phones() item {i} must be str, not {type(number).__name__}")
        found.append(verdict(str.__str__(number).strip(), region))
    if not found:
        return PhoneColumns(numbers=(), regions=(), types=(), country_codes=(), problems=(), valid=b"")
    numbers_, regions, types, codes, problems = zip(*found)
    return PhoneColumns(numbers=numbers_, regions=regions, types=types, country_codes=codes, problems=problems,
                        valid=bytes([p is None for p in problems]))

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
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, overload

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberType

__all__ = ["NumberType", "PhoneColumns", "PhoneInfo", "PhoneProblem", "normalize_phones", "phone_info", "warm_up"]

MAX_NSN = 17  # phonenumbers: _MAX_LENGTH_FOR_NSN
MIN_NSN = 2  # phonenumbers: _MIN_LENGTH_FOR_NSN
MAX_INPUT = 250  # phonenumbers: _MAX_INPUT_STRING_LENGTH
_SHAPE = re.compile(r"[0-9(][0-9 ().\-]*", re.ASCII)  # after a + or 00
_NOT_DIGIT = re.compile(r"[^0-9]", re.ASCII)


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
_TOO_SHORT, _POSSIBLE, _LOCAL, _TOO_LONG, _BAD_LENGTH = range(5)


class _Desc:
    """One number description: its lengths (None: any) and its pattern, as phonenumbers'
    ``_is_number_matching_desc`` reads them."""

    __slots__ = ("lengths", "pattern", "compiled")

    def __init__(self, desc: Any) -> None:
        lengths = tuple(desc.possible_length)
        self.lengths: frozenset[int] | None = frozenset(lengths) if lengths else None
        self.pattern: str = desc.national_number_pattern
        self.compiled = re.compile(self.pattern)

    def fits(self, number: str) -> bool:
        return (self.lengths is None or len(number) in self.lengths) and self.compiled.fullmatch(number) is not None


def _desc(desc: Any) -> _Desc | None:
    return None if desc is None or not desc.national_number_pattern else _Desc(desc)


class _Plan:
    """One metadata (a region, or a non-geographic country code), compiled.

    Number types are matched by one pattern a national-number length, made when a number of
    that length first comes: the types that have numbers of that length, in phonenumbers'
    order, each ending in an empty group that tells which one matched, behind a look-ahead
    for the general pattern. No length look-aheads, so a match costs one pass."""

    __slots__ = ("cc", "general", "general_lengths", "local_lengths", "descs", "by_length", "mobile",
                 "same_mobile", "prefix", "transform", "leading", "idd")

    def __init__(self, metadata: Any) -> None:
        general = metadata.general_desc
        self.cc: int = metadata.country_code
        self.general = _desc(general)
        self.general_lengths: tuple[int, ...] = tuple(general.possible_length)
        self.local_lengths: frozenset[int] = frozenset(general.possible_length_local_only or ())
        descs = []
        for kind, attr in _TYPES:
            if kind is PhoneNumberType.MOBILE and metadata.same_mobile_and_fixed_line_pattern:
                continue  # phonenumbers does not test mobile then
            found = _desc(getattr(metadata, attr))
            if found is not None:
                descs.append((kind, found))
        self.descs: tuple[tuple[Any, _Desc], ...] = tuple(descs)
        self.by_length: dict[int, tuple[re.Pattern[str], tuple[Any, ...]] | None] = {}
        self.mobile = _desc(metadata.mobile)
        self.same_mobile = bool(metadata.same_mobile_and_fixed_line_pattern)
        self.prefix = re.compile(metadata.national_prefix_for_parsing) if metadata.national_prefix_for_parsing else None
        self.transform: str | None = metadata.national_prefix_transform_rule or None
        self.leading = re.compile(metadata.leading_digits) if metadata.leading_digits else None
        self.idd = re.compile(metadata.international_prefix) if metadata.international_prefix else None

    def _for_length(self, n: int) -> tuple[re.Pattern[str], tuple[Any, ...]] | None:
        general = self.general
        if general is None or (general.lengths is not None and n not in general.lengths):
            return None
        kinds = [(k, d) for k, d in self.descs if d.lengths is None or n in d.lengths]
        if not kinds:
            return None
        alternatives = "|".join(f"(?:{d.pattern})()" for _, d in kinds)
        return re.compile(f"(?=(?:{general.pattern})\\Z)(?:{alternatives})"), tuple(k for k, _ in kinds)

    def number_type(self, nsn: str) -> Any:
        """phonenumbers' ``_number_type_helper``: the first type whose lengths and pattern fit."""
        n = len(nsn)
        try:
            matcher = self.by_length[n]
        except KeyError:
            matcher = self.by_length[n] = self._for_length(n)
        if matcher is None:
            return PhoneNumberType.UNKNOWN
        match = matcher[0].fullmatch(nsn)
        if match is None:
            return PhoneNumberType.UNKNOWN
        kind = matcher[1][match.lastindex - 1]  # type: ignore[operator]
        if kind is PhoneNumberType.FIXED_LINE and (
                self.same_mobile or (self.mobile is not None and self.mobile.fits(nsn))):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return kind

    def general_fits(self, number: str) -> bool:
        """phonenumbers' ``_match_national_number`` on the general description (no lengths)."""
        return self.general is not None and self.general.compiled.fullmatch(number) is not None

    def length(self, number: str) -> int:
        """phonenumbers' ``_test_number_length`` for the general description."""
        n = len(number)
        if n in self.local_lengths:
            return _LOCAL
        lengths = self.general_lengths
        if not lengths:
            return _BAD_LENGTH
        if lengths[0] == n:
            return _POSSIBLE
        if lengths[0] > n:
            return _TOO_SHORT
        if lengths[-1] < n:
            return _TOO_LONG
        return _POSSIBLE if n in lengths[1:] else _BAD_LENGTH

    def strip_prefix(self, number: str) -> str:
        """phonenumbers' ``_maybe_strip_national_prefix_carrier_code``: the number with its
        national prefix (and carrier code) taken off, or as it was."""
        if not number or self.prefix is None:
            return number
        match = self.prefix.match(number)
        if match is None:
            return number
        viable = self.general_fits(number)
        groups = match.groups()
        if self.transform and not groups:
            raise _Undecided  # phonenumbers itself fails here: let it say how
        if not self.transform or groups[-1] is None:
            if viable and not self.general_fits(number[match.end():]):
                return number
            return number[match.end():]
        transformed = self.prefix.sub(self.transform, number, count=1)
        if viable and not self.general_fits(transformed):
            return number
        return transformed


class _Undecided(Exception):
    """A step of phonenumbers' parse this module does not take (internal)."""


_PLANS: dict[Any, _Plan] = {}
_COUNTRIES: dict[int, tuple[_Plan, tuple[tuple[str, _Plan | None], ...]]] = {}


def _plan(metadata: Any) -> _Plan:
    plan = _PLANS.get(id(metadata))
    if plan is None:
        plan = _PLANS[id(metadata)] = _Plan(metadata)
    return plan


def _country(cc: int) -> tuple[_Plan, tuple[tuple[str, _Plan | None], ...]] | None:
    """(the plan parse() uses for ``cc``, and each region of ``cc`` with its plan), compiled once."""
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
    found = _COUNTRIES[cc] = (_plan(main), tuple(plans))
    return found


def _region_of(cc: int, nsn: str, regions: tuple[tuple[str, _Plan | None], ...]) -> tuple[str | None, _Plan | None]:
    """phonenumbers' ``region_code_for_number``, with the plan of that region."""
    if len(regions) == 1:
        return regions[0]
    for region, plan in regions:
        if plan is None:
            continue
        if plan.leading is not None:
            if plan.leading.match(nsn):
                return region, plan
        elif plan.number_type(nsn) is not PhoneNumberType.UNKNOWN:
            return region, plan
    return None, None


def _international(digits: str) -> tuple[int, str] | None:
    """Country code and the rest, for the digits after ``+``; None where phonenumbers would
    raise or try again (it does both for an unknown code), so that it decides."""
    if len(digits) <= MIN_NSN or digits[0] == "0":
        return None
    codes = _CODES
    for size in (1, 2, 3):  # phonenumbers reads the shortest code it knows
        cc = codes.get(digits[:size])
        if cc is not None:
            return cc, digits[size:]
    return None


_CODES = {str(cc): cc for cc in phonenumbers.COUNTRY_CODE_TO_REGION_CODE}


def _national(digits: str, plan: _Plan) -> tuple[int, str, _Plan | None] | None:
    """phonenumbers' ``_maybe_extract_country_code`` for a number without ``+``, read in the
    region of ``plan``: an international prefix, the region's own country code, or none."""
    if plan.idd is not None:
        match = plan.idd.match(digits)
        if match is not None:
            after = digits[match.end():]
            if not after.startswith("0") or not after:
                found = _international(after) if after else None
                return None if found is None else (*found, None)
    code = str(plan.cc)
    if digits.startswith(code):
        potential = plan.strip_prefix(digits[len(code):])
        if ((not plan.general_fits(digits) and plan.general_fits(potential))
                or plan.length(digits) == _TOO_LONG):
            return plan.cc, potential, None
    return plan.cc, digits, plan  # no country code: the region's own rules read it


def _finish(cc: int, number: str, parsing: _Plan | None = None
            ) -> tuple[int, str, str | None, _Plan | None, Any] | PhoneProblem | None:
    """The rest of phonenumbers' parse, then its validity: (cc, nsn, region, plan, type).
    ``parsing`` is the metadata parse() strips a national prefix by: the country code's own,
    unless the number was read in a region without a country code."""
    country = _COUNTRIES.get(cc) or _country(cc)
    if country is None:
        return None
    main, regions = country
    if len(number) < MIN_NSN:
        return PhoneProblem.TOO_SHORT
    parsing = parsing or main
    if parsing.prefix is not None and parsing.prefix.match(number):
        potential = parsing.strip_prefix(number)
        if parsing.length(potential) not in (_TOO_SHORT, _LOCAL, _BAD_LENGTH):
            number = potential
    if len(number) > MAX_NSN:
        return PhoneProblem.TOO_LONG
    region, plan = regions[0] if len(regions) == 1 else _region_of(cc, number, regions)
    kind = PhoneNumberType.UNKNOWN if plan is None else plan.number_type(number)
    return cc, number, region, plan, kind


def _fast(text: str, region: str | None) -> tuple[int, str, str | None, _Plan | None, Any] | PhoneProblem | None:
    if len(text) > MAX_INPUT:
        return None
    lead = text[:2]
    international = lead == "00" or lead[:1] == "+"
    body = text[2:] if lead == "00" else text[1:] if international else text
    if body.isdigit() and body.isascii():
        digits = body
    elif _SHAPE.fullmatch(body):
        digits = _NOT_DIGIT.sub("", body)
    else:
        return None
    if len(digits) < 3:
        return None  # phonenumbers' viability rules for two digits: let it decide
    if international:
        found = _international(digits)
        return None if found is None else _finish(*found)
    if region is None or region not in phonenumbers.SUPPORTED_REGIONS:
        return None
    metadata = PhoneMetadata.metadata_for_region(region, None)
    if metadata is None:
        return None
    national = _national(digits, _plan(metadata))
    return None if national is None else _finish(*national)


def _slow(text: str, region: str | None) -> PhoneInfo:
    """phonenumbers itself, for what the fast path leaves to it."""
    _enable_cache()
    candidate = "+" + text[2:] if text.startswith("00") else text
    try:
        parsed = phonenumbers.parse(candidate, region)
    except NumberParseException as exc:
        return PhoneInfo(number=None, region=None, type=NumberType.UNKNOWN, country_code=None,
                         problem=_PARSE_PROBLEMS.get(exc.error_type, PhoneProblem.NOT_A_NUMBER))
    cc = parsed.country_code
    where = phonenumbers.region_code_for_number(parsed)
    if phonenumbers.is_valid_number(parsed):
        kind = _TYPE_NAMES[phonenumbers.number_type(parsed)]
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        return PhoneInfo(number="00" + e164[1:], region=where, type=kind, country_code=cc)
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    return PhoneInfo(number=None, region=where, type=NumberType.UNKNOWN, country_code=cc,
                     problem=_POSSIBLE_PROBLEMS.get(reason, PhoneProblem.NOT_VALID))


_PARSE_PROBLEMS = {
    NumberParseException.INVALID_COUNTRY_CODE: PhoneProblem.INVALID_COUNTRY_CODE,
    NumberParseException.NOT_A_NUMBER: PhoneProblem.NOT_A_NUMBER,
    NumberParseException.TOO_SHORT_AFTER_IDD: PhoneProblem.TOO_SHORT,
    NumberParseException.TOO_SHORT_NSN: PhoneProblem.TOO_SHORT,
    NumberParseException.TOO_LONG: PhoneProblem.TOO_LONG,
}
_R = phonenumbers.ValidationResult
_POSSIBLE_PROBLEMS = {_R.TOO_SHORT: PhoneProblem.TOO_SHORT, _R.TOO_LONG: PhoneProblem.TOO_LONG,
                      _R.INVALID_LENGTH: PhoneProblem.INVALID_LENGTH,
                      _R.IS_POSSIBLE_LOCAL_ONLY: PhoneProblem.LOCAL_ONLY,
                      _R.INVALID_COUNTRY_CODE: PhoneProblem.INVALID_COUNTRY_CODE}
_LENGTH_PROBLEMS = {_TOO_SHORT: PhoneProblem.TOO_SHORT, _TOO_LONG: PhoneProblem.TOO_LONG,
                    _BAD_LENGTH: PhoneProblem.INVALID_LENGTH, _LOCAL: PhoneProblem.LOCAL_ONLY}


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
        found = _fast(text, region)
    except _Undecided:
        found = None
    if found is None or type(found) is PhoneProblem:
        return _slow(text, region).number
    cc, nsn, _, _, kind = found
    return None if kind is PhoneNumberType.UNKNOWN else f"00{cc}{nsn}"


def check(text: str, region: str | None) -> PhoneInfo:
    """phonenumbers' verdict on ``text`` (stripped; ``00…`` read as ``+…``) in ``region``."""
    try:
        found = _fast(text, region)
    except _Undecided:
        found = None
    if found is None:
        return _slow(text, region)
    if isinstance(found, PhoneProblem):
        return _slow(text, region)  # a parse error: phonenumbers words it
    cc, nsn, where, plan, kind = found
    if kind is PhoneNumberType.UNKNOWN:
        main = _COUNTRIES[cc][0]
        problem = _LENGTH_PROBLEMS.get(main.length(nsn), PhoneProblem.NOT_VALID)
        return PhoneInfo(number=None, region=where, type=NumberType.UNKNOWN, country_code=cc, problem=problem)
    return PhoneInfo(number=f"00{cc}{nsn}", region=where, type=_TYPE_NAMES[kind], country_code=cc)


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
    infos = []
    for i, number in enumerate(numbers):
        if not isinstance(number, str):
            raise TypeError(f"normalize_phones() item {i} must be str, not {type(number).__name__}")
        infos.append(check(str.__str__(number).strip(), region))
    return PhoneColumns(
        numbers=tuple(x.number for x in infos), regions=tuple(x.region for x in infos),
        types=tuple(x.type for x in infos), country_codes=tuple(x.country_code for x in infos),
        problems=tuple(x.problem for x in infos), valid=bytes(x.problem is None for x in infos))

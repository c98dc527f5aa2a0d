"""SMS segmentation: the public ``Encoding``, ``Segmentation``, ``analyze()``, ``split()``.

The kernel is chosen here, once, by the rule of ``_kernel.py``: the compiled
``cmcore._segment`` unless the environment says ``CMCORE_NO_EXTENSIONS=1``, which selects the
pure-Python twin. A missing compiled kernel is an ``ImportError``, never a silent fall back.

Rules kept (3GPP TS 23.038 / 23.040, CM "SMS - Multipart"): a text is GSM-7 when every
character is in the basic or extension table, else UCS-2; one part holds 160 septets or 70
UTF-16 units; a longer text is cut into parts of 153 or 67, never inside an escape pair or a
surrogate pair. Part counts are not capped here; ``max_parts`` makes a cap an error, and
``truncate()`` cuts a text down only when the caller asks.

Answers come from a text's value: a ``str`` subclass is copied to an exact ``str`` before
anything is measured, sliced or returned, so its overrides are never called, and both kernels
agree with each other on it.
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import overload

from cmcore import _gsm7, _national
from cmcore import _kernel as _kernel_rule
from cmcore._errors import EncodingError, PartsLimitError

_kernel: ModuleType = _kernel_rule.load("_segment")

#: Which kernel a plain ``import cmcore`` chose: ``"cython"`` or ``"python"``.
KERNEL: str = "python" if _kernel.__name__.endswith("_py") else "cython"


class Encoding(str, enum.Enum):
    """The two SMS encodings the gateway sends: GSM 03.38 7-bit and UCS-2 (UTF-16)."""

    GSM7 = "GSM-7"
    UCS2 = "UCS-2"

    @property
    def dcs(self) -> int:
        """The data coding scheme value the gateway takes for this encoding (0 or 8)."""
        return 0 if self is Encoding.GSM7 else 8

    @property
    def unit(self) -> str:
        """What ``units`` counts in this encoding."""
        return "septets" if self is Encoding.GSM7 else "UTF-16 units"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class PartLimits:
    """Per-part capacities: septets for GSM-7, UTF-16 code units for UCS-2.

    ``*_single`` is what one unsplit message holds; ``*_multi`` what each part of a
    concatenated message holds. The defaults fit the 6-octet concatenation header that CM
    uses; ``LIMITS_16BIT_REF`` fits the 7-octet header with a 16-bit reference.
    """

    gsm7_single: int = _gsm7.GSM7_SINGLE
    gsm7_multi: int = _gsm7.GSM7_MULTI
    ucs2_single: int = _gsm7.UCS2_SINGLE
    ucs2_multi: int = _gsm7.UCS2_MULTI

    def __post_init__(self) -> None:
        for kind in ("gsm7", "ucs2"):
            single, multi = getattr(self, f"{kind}_single"), getattr(self, f"{kind}_multi")
            if not (type(single) is int and type(multi) is int and 2 <= multi <= single):
                raise ValueError(
                    f"PartLimits: need whole numbers with 2 <= {kind}_multi <= {kind}_single, "
                    f"got {kind}_single={single!r}, {kind}_multi={multi!r}"
                )

    def single(self, encoding: Encoding) -> int:
        """What one unsplit message holds in ``encoding``."""
        return self.gsm7_single if encoding is Encoding.GSM7 else self.ucs2_single

    def multi(self, encoding: Encoding) -> int:
        """What each part of a concatenated message holds in ``encoding``."""
        return self.gsm7_multi if encoding is Encoding.GSM7 else self.ucs2_multi

    def _args(self) -> tuple[int, int, int, int]:
        return self.gsm7_single, self.gsm7_multi, self.ucs2_single, self.ucs2_multi


DEFAULT_LIMITS = PartLimits()
LIMITS_16BIT_REF = PartLimits(
    gsm7_multi=_gsm7.GSM7_MULTI_16BIT_REF, ucs2_multi=_gsm7.UCS2_MULTI_16BIT_REF
)
MAX_PARTS: int = _gsm7.MAX_PARTS
_DEFAULT_ARGS = DEFAULT_LIMITS._args()


@dataclass(frozen=True, slots=True, init=False)
class Segmentation:
    """How a text travels as SMS: its encoding, its cost in units, and its number of parts.

    ``units`` counts septets for GSM-7 (an extension character costs 2) and UTF-16 code
    units for UCS-2 (a character outside the BMP costs 2).
    """

    encoding: Encoding
    units: int
    parts: int

    def __init__(self, *, encoding: Encoding, units: int, parts: int) -> None:
        _set_encoding(self, encoding)
        _set_units(self, units)
        _set_parts(self, parts)


# Writing through the slot descriptors skips the frozen __setattr__: a result is built in a
# third of the time a generated frozen __init__ takes, and analyze() is called per message.
_set_encoding = Segmentation.encoding.__set__  # type: ignore[attr-defined, misc]
_set_units = Segmentation.units.__set__  # type: ignore[attr-defined, misc]
_set_parts = Segmentation.parts.__set__  # type: ignore[attr-defined, misc]
_new = object.__new__


def _segmentation(encoding: Encoding, units: int, parts: int) -> Segmentation:
    seg: Segmentation = _new(Segmentation)
    _set_encoding(seg, encoding)
    _set_units(seg, units)
    _set_parts(seg, parts)
    return seg


@dataclass(frozen=True, slots=True, init=False)
class NationalSegmentation(Segmentation):
    """A GSM-7 segmentation that uses national language tables (3GPP TS 23.038 Annex A).

    ``locking`` and ``single`` are the National Language Identifiers of the locking and
    single shift tables (0: the default alphabet or extension table); ``units`` counts the
    text's septets with them, and ``parts`` allows for their header elements.
    """

    locking: int
    single: int

    def __init__(self, *, encoding: Encoding, units: int, parts: int, locking: int, single: int) -> None:
        Segmentation.__init__(self, encoding=encoding, units=units, parts=parts)
        object.__setattr__(self, "locking", locking)
        object.__setattr__(self, "single", single)


_ENCODINGS = (Encoding.UCS2, Encoding.GSM7)


def _check_text(text: object, func: str, name: str = "text") -> None:
    # type(), not isinstance(): an object that fakes __class__ is not a str to the kernel.
    if not issubclass(type(text), str):
        raise TypeError(f"{func}() argument '{name}' must be str, not {type(text).__name__}")


def _plain_text(text: str, func: str, name: str = "text") -> str:
    """``text`` as an exact ``str``: a subclass's value, copied without calling its overrides.

    Raises ``TypeError`` naming the argument for anything that is not a ``str``.
    """
    if type(text) is str:
        return text
    _check_text(text, func, name)
    return str.__str__(text)


def _force_ucs2(encoding: Encoding | None, func: str) -> bool:
    if encoding is None or encoding is Encoding.GSM7:
        return False
    if encoding is Encoding.UCS2:
        return True
    raise TypeError(f"{func}() argument 'encoding' must be an Encoding or None, not {encoding!r}")


def _check_max_parts(max_parts: int, func: str) -> None:
    if type(max_parts) is not int or not 1 <= max_parts <= MAX_PARTS:
        raise ValueError(f"{func}(): max_parts must be a whole number from 1 to 255, not {max_parts!r}")


def _require_gsm7(text: str, location: str) -> None:
    for index, char in enumerate(text):
        if char not in _gsm7.BASIC and char not in _gsm7.EXTENSION:
            raise EncodingError(
                f"GSM-7 was required, but character {char!r} (U+{ord(char):04X}) at index "
                f"{index} is not in the GSM 03.38 alphabet",
                code=304,
                location=location,
            )


def _measure(
    text: str, encoding: Encoding | None, limits: PartLimits, func: str
) -> Segmentation:
    if type(text) is not str:
        text = _plain_text(text, func)
    force = False if encoding is None else _force_ucs2(encoding, func)
    args = _DEFAULT_ARGS if limits is DEFAULT_LIMITS else limits._args()
    gsm7, units, parts = _kernel.count(text, force, *args)
    if encoding is Encoding.GSM7 and not gsm7:
        _require_gsm7(text, "body")
    return _segmentation(_ENCODINGS[gsm7], units, parts)


def analyze(
    text: str,
    /,
    *,
    encoding: Encoding | None = None,
    limits: PartLimits = DEFAULT_LIMITS,
    max_parts: int | None = None,
    languages: Sequence[str] = (),
) -> Segmentation:
    """Return the encoding, units and part count of ``text`` as one SMS.

    ``encoding=None`` detects it as the gateway's ``type: auto`` does; ``Encoding.UCS2``
    counts as UCS-2 (``dcs`` 8); ``Encoding.GSM7`` requires GSM-7.

    ``languages`` (ISO 639-1 codes such as ``("tr", "pt")``) opts in to the national language
    tables of TS 23.038 Annex A for a text the default alphabet cannot carry: the result is
    then a ``NationalSegmentation`` with the (locking, single) pair that needs the fewest
    parts, then leaves the most room, each table's header element charged (TS 23.040
    9.2.3.24.15-16); a text no pair carries stays UCS-2.

    Raises ``TypeError`` for a non-``str`` text, ``EncodingError`` when GSM-7 is required and
    the text is not, ``ValueError`` for an unknown language, and ``PartsLimitError`` when it
    needs more than ``max_parts`` parts.
    """
    result = _measure(text, None if languages and encoding is Encoding.GSM7 else encoding, limits, "analyze")
    if languages and encoding is not Encoding.UCS2:
        result = _national_result(_plain_text(text, "analyze"), result, encoding, limits, languages)
    if max_parts is not None:
        _check_max_parts(max_parts, "analyze")
        if result.parts > max_parts:
            raise PartsLimitError(
                f"text needs {result.parts} {result.encoding} parts, more than the "
                f"maximum of {max_parts}; shorten it or call truncate() to cut it",
                parts=result.parts,
                max_parts=max_parts,
            )
    return result


def _national_result(
    text: str, seg: Segmentation, encoding: Encoding | None, limits: PartLimits, languages: Sequence[str]
) -> Segmentation:
    """``seg`` for a text the default alphabet carries, else the best national pair's answer."""
    if seg.encoding is Encoding.GSM7:
        _national.table_ids(languages, "analyze")  # an unknown code is an error all the same
        return seg
    choice = _national.choose(text, languages, limits.gsm7_single, limits.gsm7_multi, "analyze")
    if choice is None:
        if encoding is Encoding.GSM7:
            _require_gsm7(text, "body")
        return seg
    return NationalSegmentation(encoding=Encoding.GSM7, units=choice.units, parts=choice.parts,
                                locking=choice.locking, single=choice.single)


def _cuts(text: str, seg: Segmentation, limits: PartLimits) -> list[int]:
    gsm7 = seg.encoding is Encoding.GSM7
    if seg.parts == 1:
        return [len(text)]
    return list(_kernel.cuts(text, gsm7, limits.multi(seg.encoding)))


def split(
    text: str,
    /,
    *,
    encoding: Encoding | None = None,
    limits: PartLimits = DEFAULT_LIMITS,
    max_parts: int | None = None,
) -> list[str]:
    """Return the text of each SMS part, in order; ``"".join(parts) == text``.

    Parts are filled greedily and end early rather than split an escape pair or a surrogate
    pair. Raises as ``analyze()`` does.
    """
    if type(text) is not str:
        text = _plain_text(text, "split")
    seg = analyze(text, encoding=encoding, limits=limits, max_parts=max_parts)
    ends = _cuts(text, seg, limits)
    return [text[start:end] for start, end in zip([0, *ends], ends)]


def truncate(
    text: str,
    /,
    max_parts: int,
    *,
    encoding: Encoding | None = None,
    limits: PartLimits = DEFAULT_LIMITS,
) -> str:
    """Return the longest prefix of ``text`` that fits in ``max_parts`` parts.

    This is the explicit way to cut a text down; nothing else in cmcore truncates. The
    encoding is decided on the whole text, so a prefix of a UCS-2 text is measured as UCS-2.
    """
    if type(text) is not str:
        text = _plain_text(text, "truncate")
    seg = _measure(text, encoding, limits, "truncate")
    _check_max_parts(max_parts, "truncate")
    if seg.parts <= max_parts:
        return text
    gsm7 = seg.encoding is Encoding.GSM7
    if max_parts == 1:
        return text[: _kernel.cuts(text, gsm7, limits.single(seg.encoding))[0]]
    return text[: _kernel.cuts(text, gsm7, limits.multi(seg.encoding))[max_parts - 1]]


class Segmentations(Sequence[Segmentation]):
    """The results of ``analyze_many()``, held in columns; an item is built when it is read.

    ``units`` and ``parts`` are read-only int64 memoryviews (ready for ``numpy.frombuffer``),
    ``gsm7`` a read-only memoryview of 0/1 bytes.
    """

    __slots__ = ("_flags", "_units", "_parts")

    def __init__(self, flags: bytes, units: array[int], parts: array[int]) -> None:
        self._flags = flags
        self._units = units
        self._parts = parts

    def __len__(self) -> int:
        return len(self._flags)

    @overload
    def __getitem__(self, index: int) -> Segmentation: ...
    @overload
    def __getitem__(self, index: slice) -> Segmentations: ...
    def __getitem__(self, index: int | slice) -> Segmentation | Segmentations:
        if isinstance(index, slice):
            return Segmentations(self._flags[index], self._units[index], self._parts[index])
        return _segmentation(_ENCODINGS[self._flags[index]], self._units[index], self._parts[index])

    def __iter__(self) -> Iterator[Segmentation]:
        for flag, units, parts in zip(self._flags, self._units, self._parts):
            yield _segmentation(_ENCODINGS[flag], units, parts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Segmentations):
            return (self._flags, self._units, self._parts) == (
                other._flags,
                other._units,
                other._parts,
            )
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Segmentations of {len(self)} texts, {self.total_parts()} parts>"

    @property
    def units(self) -> memoryview:
        return memoryview(self._units).toreadonly()

    @property
    def parts(self) -> memoryview:
        return memoryview(self._parts).toreadonly()

    @property
    def gsm7(self) -> memoryview:
        return memoryview(self._flags).toreadonly()

    def total_parts(self) -> int:
        """The number of SMS parts all the texts need together."""
        return sum(self._parts)


def analyze_many(
    texts: Iterable[str],
    /,
    *,
    encoding: Encoding | None = None,
    limits: PartLimits = DEFAULT_LIMITS,
) -> Segmentations:
    """Analyze many texts in one call, the loop inside the kernel.

    Items equal ``[analyze(t, ...) for t in texts]``. Raises ``TypeError`` naming the first
    item that is not a ``str``, and ``EncodingError`` (its location ``texts[i]``) for the
    first text that is not GSM-7 when ``encoding=Encoding.GSM7``.
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"analyze_many() argument 'texts' must be an iterable of str, not {type(texts).__name__}"
        )
    force = _force_ucs2(encoding, "analyze_many")
    items = texts if type(texts) is list else list(texts)
    flags, units, parts = _kernel.count_many(items, force, *limits._args())
    if encoding is Encoding.GSM7:
        first = flags.find(0)
        if first >= 0:
            _require_gsm7(_plain_text(items[first], "analyze_many"), f"texts[{first}]")
    return Segmentations(flags, units, parts)

"""Why a text costs what it costs, and opt-in smart encoding.

``explain()`` names the characters that force UCS-2 and those that cost two units, with
their positions. ``smart_encode()`` replaces typographic characters (curly quotes, dashes,
odd spaces, the ellipsis...) with GSM-7 equivalents from ``SMART_REPLACEMENTS``, only when
called, and reports each change. Nothing here changes a text unasked. A ``str`` subclass is
read by its value (see ``_sms``): every index, character and text returned comes from that.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from cmcore import _gsm7, _gsm7_national, _national
from cmcore._smpp_cut import unit_costs
from cmcore._sms import DEFAULT_LIMITS, Encoding, NationalSegmentation, PartLimits, Segmentation, _plain_text, split
from cmcore._sms import analyze

_TABLE: dict[str, str] = {}
for _chars, _to in (
    # spaces: no-break, en/em and the other fixed-width spaces, narrow no-break, ideographic
    ("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
     "\u202f\u205f\u3000", " "),
    # single quotes, apostrophes, primes, backtick and acute accent
    ("\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u0060\u00b4", "'"),
    # double quotes, guillemets, double primes
    ("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb", '"'),
    # hyphens, dashes, minus sign
    ("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    # single guillemets
    ("\u2039", "<"),
    ("\u203a", ">"),
    ("\u2026", "..."),
    ("\u2044\u2215", "/"),
    ("\u02c6", "^"),
    ("\u02dc", "~"),
    # invisible: zero-width space, joiners, word joiner, soft hyphen, byte order mark
    ("\u200b\u200c\u200d\u2060\u00ad\ufeff", ""),
):
    for _char in _chars:
        _TABLE[_char] = _to

#: What ``smart_encode()`` replaces, character by character. Every value is GSM-7 text.
SMART_REPLACEMENTS = MappingProxyType(_TABLE)
#: Unicode gives control characters aliases, not names; these are the ones texts carry.
_CONTROL_NAMES = {0x00: "NULL", 0x09: "CHARACTER TABULATION", 0x0B: "LINE TABULATION",
                  0x1B: "ESCAPE", 0x7F: "DELETE"}
_SMART = re.compile("[" + re.escape("".join(_TABLE)) + "]")


@dataclass(frozen=True, slots=True, kw_only=True)
class CharInfo:
    """One character of a text: where it is, what it is, and its smart replacement if any."""

    index: int
    char: str

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        """The Unicode name, or a description for characters that have none."""
        code = ord(self.char)
        if 0xD800 <= code <= 0xDFFF:
            return "LONE SURROGATE"
        if code < 0x20 or 0x7F <= code < 0xA0:
            return _CONTROL_NAMES.get(code, "CONTROL CHARACTER")
        return unicodedata.name(self.char, "UNNAMED CHARACTER")

    @property
    def replacement(self) -> str | None:
        """What ``smart_encode()`` puts in its place, or ``None`` when it keeps it."""
        return SMART_REPLACEMENTS.get(self.char)


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    """A text's segmentation with its reasons.

    ``non_gsm7``: the characters that are not in GSM 03.38, which make the text UCS-2 under
    auto-detection. ``double``: the characters that cost two units in the text's encoding
    (extension characters in GSM-7, characters outside the BMP in UCS-2). ``parts``: the
    text of each part.
    """

    text: str
    segmentation: Segmentation
    parts: tuple[str, ...]
    non_gsm7: tuple[CharInfo, ...]
    double: tuple[CharInfo, ...]
    #: Set when ``languages`` made national tables carry the text; ``None`` otherwise.
    tables: TableUse | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class TableUse:
    """The national language tables a text uses (TS 23.038 Annex A) and what they save.

    ``locking``/``single``: National Language Identifiers (0: the default table); ``names``
    says them in words; ``ucs2_parts`` is what the text would take as UCS-2, so that
    ``saved_parts = ucs2_parts - parts``.
    """

    locking: int
    single: int
    names: str
    parts: int
    ucs2_parts: int

    @property
    def saved_parts(self) -> int:
        return self.ucs2_parts - self.parts


def _table_use(seg: NationalSegmentation, ucs2: Segmentation) -> TableUse:
    names = [f"{_gsm7_national.NAMES[seg.locking]} locking shift"] if seg.locking else []
    names += [f"{_gsm7_national.NAMES[seg.single]} single shift"] if seg.single else []
    return TableUse(locking=seg.locking, single=seg.single, names=" + ".join(names), parts=seg.parts,
                    ucs2_parts=ucs2.parts)


def _explain_national(text: str, seg: NationalSegmentation, limits: PartLimits) -> Explanation:
    one, each = _national.rooms(seg.locking, seg.single, limits.gsm7_single, limits.gsm7_multi, False)
    ends = [len(text)] if seg.parts == 1 else _national.septets.cuts(text, seg.locking, seg.single, each)
    costs = unit_costs(text, seg.locking, seg.single, True)
    return Explanation(
        text=text,
        segmentation=seg,
        parts=tuple(text[a:b] for a, b in zip([0, *ends], ends)),
        non_gsm7=tuple(CharInfo(index=i, char=c) for i, c in enumerate(text)
                       if c not in _gsm7.BASIC and c not in _gsm7.EXTENSION),
        double=tuple(CharInfo(index=i, char=c) for i, c in enumerate(text) if costs[i] == 2),
        tables=_table_use(seg, analyze(text, encoding=Encoding.UCS2, limits=limits)),
    )


def explain(
    text: str,
    /,
    *,
    encoding: Encoding | None = None,
    limits: PartLimits = DEFAULT_LIMITS,
    languages: Sequence[str] = (),
) -> Explanation:
    """Return the segmentation of ``text`` with the characters that decide it.

    With ``languages`` (as ``analyze()`` takes them), a text that national language tables
    carry is explained with them: ``tables`` names them and the parts they save against UCS-2,
    ``double`` lists the characters sent through the single shift table, ``non_gsm7`` still
    those outside the default alphabet.

    Raises as ``analyze()`` does (``TypeError``, ``EncodingError``, ``ValueError``).
    """
    text = _plain_text(text, "explain")
    seg = analyze(text, encoding=encoding, limits=limits, languages=languages)
    if isinstance(seg, NationalSegmentation):
        return _explain_national(text, seg, limits)
    gsm7 = seg.encoding is Encoding.GSM7
    non_gsm7 = []
    double = []
    for index, char in enumerate(text):
        if char not in _gsm7.BASIC and char not in _gsm7.EXTENSION:
            non_gsm7.append(CharInfo(index=index, char=char))
        if (char in _gsm7.EXTENSION) if gsm7 else ord(char) > 0xFFFF:
            double.append(CharInfo(index=index, char=char))
    return Explanation(
        text=text,
        segmentation=seg,
        parts=tuple(split(text, encoding=encoding, limits=limits)),
        non_gsm7=tuple(non_gsm7),
        double=tuple(double),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Replacement:
    """One change ``smart_encode()`` made: at ``index`` of the original text."""

    index: int
    original: str
    replacement: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SmartText:
    """The result of ``smart_encode()``: the new text and every change, in order."""

    text: str
    replacements: tuple[Replacement, ...]

    @property
    def changed(self) -> bool:
        return bool(self.replacements)


def smart_encode(text: str, /) -> SmartText:
    """Replace typographic characters with their GSM-7 equivalents from ``SMART_REPLACEMENTS``.

    Only the characters in the table change; anything else outside GSM-7 (emoji, Greek
    small letters, ...) stays, so the result may still be UCS-2. Raises ``TypeError`` for a
    non-``str`` text.
    """
    text = _plain_text(text, "smart_encode")
    changes: list[Replacement] = []

    def swap(match: re.Match[str]) -> str:
        char = match.group()
        changes.append(
            Replacement(index=match.start(), original=char, replacement=_TABLE[char])
        )
        return _TABLE[char]

    return SmartText(text=_SMART.sub(swap, text), replacements=tuple(changes))

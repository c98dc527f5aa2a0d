"""SMPP without the socket, the parts half: a text as the ``short_message`` of each
``submit_sm`` (or its SAR values, or one ``message_payload``), one text or many.

The rules are those of ``_smpp`` (its docstring): parts cut as ``split()`` cuts them, never
inside an escape pair or a surrogate pair, at the capacities the header actually used leaves;
IEI 0x00 or 0x08 for the concatenation, 0x25 and 0x24 for national tables, in every part. The
common case (default tables and limits, a UDH or none) is one pass of the septet kernel.
Nothing here invents a reference: a multipart text needs the caller's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal, TypeVar

from cmcore import _national
from cmcore._errors import PartsLimitError, PayloadError
from cmcore._smpp import (
    _IEI_CONCAT,
    _IEI_CONCAT16,
    _IEI_LOCKING,
    _IEI_SINGLE,
    _MESSAGE_PAYLOAD_MAX,
    _TRANSPORTS,
    _UDHI,
    SmsPart,
    _check_count,
    _gsm7_septets,
    _tables,
    _unencodable,
    encode_ucs2,
)
from cmcore._smpp_cut import cluster_cuts
from cmcore._sms import (
    DEFAULT_LIMITS,
    LIMITS_16BIT_REF,
    MAX_PARTS,
    Encoding,
    PartLimits,
    _plain_text,
    split,
)

__all__ = ["sms_parts", "sms_parts_many"]


@dataclass(frozen=True, slots=True)
class _Plan:
    gsm7: bool
    locking: int
    single: int
    single_cap: int
    multi_cap: int


_PLAINS = {False: (_Plan(True, 0, 0, DEFAULT_LIMITS.gsm7_single, DEFAULT_LIMITS.gsm7_multi),
                   _Plan(False, 0, 0, DEFAULT_LIMITS.ucs2_single, DEFAULT_LIMITS.ucs2_multi)),
           True: (_Plan(True, 0, 0, LIMITS_16BIT_REF.gsm7_single, LIMITS_16BIT_REF.gsm7_multi),
                  _Plan(False, 0, 0, LIMITS_16BIT_REF.ucs2_single, LIMITS_16BIT_REF.ucs2_multi))}


def _encoded(text: str, plan: _Plan) -> bytes:
    """The whole text's septets (GSM 7-bit) or UTF-16BE octets (UCS-2)."""
    return _gsm7_septets(text, plan.locking, plan.single) if plan.gsm7 else encode_ucs2(text)


def _plan(text: str, languages: Sequence[str], tables: tuple[int, int] | None, encoding: Encoding | None,
          limits: PartLimits, ref16: bool) -> tuple[_Plan, bytes]:
    """The encoding, tables and part capacities for ``text``, and the whole text encoded."""
    if limits is DEFAULT_LIMITS and tables is None and not languages and encoding is None:
        gsm, ucs2 = _PLAINS[ref16]  # the common case: one pass of the kernel decides
        values, bad = _national.septets.encode(text, 0, 0)
        return (gsm, values) if bad < 0 else (ucs2, encode_ucs2(text))
    plan = _find_plan(text, languages, tables, encoding, limits, ref16)
    return plan, _encoded(text, plan)


def _find_plan(text: str, languages: Sequence[str], tables: tuple[int, int] | None, encoding: Encoding | None,
               limits: PartLimits, ref16: bool) -> _Plan:
    if ref16 and limits is DEFAULT_LIMITS:
        limits = LIMITS_16BIT_REF
    if encoding is Encoding.UCS2:
        if tables is not None:
            raise ValueError("sms_parts(): locking/single tables are GSM 7-bit; they cannot go with Encoding.UCS2")
        return _Plan(False, 0, 0, limits.ucs2_single, limits.ucs2_multi)
    lock, shift = tables or (0, 0)
    bad = _national.septets.encode(text, lock, shift)[1]
    if bad >= 0 and tables is None and languages:
        choice = _national.choose(text, languages, limits.gsm7_single, limits.gsm7_multi, "sms_parts", ref16=ref16)
        if choice is not None:
            lock, shift, bad = choice.locking, choice.single, -1
    elif languages:
        _national.table_ids(languages, "sms_parts")
    if bad >= 0:
        if tables is not None or encoding is Encoding.GSM7:
            raise _unencodable(text, bad, lock, shift)
        return _Plan(False, 0, 0, limits.ucs2_single, limits.ucs2_multi)
    one, each = _national.rooms(lock, shift, limits.gsm7_single, limits.gsm7_multi, ref16)
    return _Plan(True, lock, shift, one, each)


_LIMITS: dict[tuple[int, int], PartLimits] = {}


def _limits(plan: _Plan) -> PartLimits:
    """``PartLimits`` holding the plan's capacities, made once for each pair of them."""
    key = (plan.single_cap, plan.multi_cap)
    found = _LIMITS.get(key)
    if found is None:
        found = _LIMITS.setdefault(key, PartLimits(gsm7_single=key[0], gsm7_multi=key[1], ucs2_single=key[0],
                                                   ucs2_multi=key[1]))
    return found


def _cut(text: str, plan: _Plan, graphemes: bool) -> list[str]:
    """The texts of the parts of a text longer than one part: ``split()``'s cut for the
    default tables, the same greedy cut for national ones, between grapheme clusters where
    asked."""
    lock, shift = plan.locking, plan.single
    if graphemes:
        ends = cluster_cuts(text, plan.multi_cap, lock, shift, plan.gsm7)
    elif plan.gsm7 and (lock or shift):
        ends = _national.septets.cuts(text, lock, shift, plan.multi_cap)
    else:
        return split(text, encoding=Encoding.GSM7 if plan.gsm7 else Encoding.UCS2, limits=_limits(plan))
    return [text[a:b] for a, b in zip([0, *ends], ends)]


def _header(plan: _Plan, concat: bytes) -> bytes:
    body = concat
    if plan.locking:
        body += bytes((_IEI_LOCKING, 1, plan.locking))
    if plan.single:
        body += bytes((_IEI_SINGLE, 1, plan.single))
    return bytes((len(body),)) + body if body else b""


def _concat(reference: int, ref16: bool, total: int, seq: int) -> bytes:
    if ref16:
        return bytes((_IEI_CONCAT16, 4, reference >> 8, reference & 0xFF, total, seq))
    return bytes((_IEI_CONCAT, 3, reference, total, seq))


def _payload(text: str, plan: _Plan, udh: bytes, packed: bool, encoded: bytes | None = None) -> bytes:
    values = _encoded(text, plan) if encoded is None else encoded
    if not (packed and plan.gsm7):
        return values
    payload: bytes = _national.septets.pack(values, (7 - (8 * len(udh)) % 7) % 7, True)
    return payload


# The common case's kernel entry points, bound once from the kernel that ``_national`` chose
# (a test or benchmark that swaps ``_national.septets`` for the twin rebinds these as well).
_kernel_parts: Callable[[str, type, int | None, bool, bool], tuple[SmsPart, ...] | None] = _national.septets.parts
_kernel_parts_many: Callable[[list[str], type, list[int] | None, bool, bool], tuple[list[tuple[SmsPart, ...]], int]] = (
    _national.septets.parts_many)

# Writing through the slot descriptors skips the frozen __setattr__ (as _sms does for
# Segmentation): a part is built in a fraction of the generated __init__'s time.
(_set_dc, _set_esm, _set_udh, _set_payload, _set_sm, _set_text, _set_ref, _set_total,
 _set_seq) = (getattr(SmsPart, name).__set__ for name in SmsPart.__slots__)
_new = object.__new__


def _part(text: str, plan: _Plan, udh: bytes, packed: bool, sar: tuple[int, int, int] | None,
          encoded: bytes | None = None) -> SmsPart:
    payload = _payload(text, plan, udh, packed, encoded)
    part: SmsPart = _new(SmsPart)
    _set_dc(part, 0 if plan.gsm7 else 8)
    _set_esm(part, _UDHI if udh else 0)
    _set_udh(part, udh)
    _set_payload(part, payload)
    _set_sm(part, udh + payload)
    _set_text(part, text)
    ref, total, seq = sar or (None, None, None)
    _set_ref(part, ref)
    _set_total(part, total)
    _set_seq(part, seq)
    return part


_F = TypeVar("_F", bound=Callable[..., object])


def _kernel_front(general: Callable[..., tuple[SmsPart, ...]]) -> Callable[[_F], _F]:
    """The decorator that puts the kernel's front before the Python ``sms_parts()``: the
    compiled kernel's answers the common case without the Python frame, and hands the rest
    to ``general``; the twin's leaves the Python front as it is."""
    decorate: Callable[[_F], _F] = _national.septets.front(SmsPart, DEFAULT_LIMITS, general)
    return decorate


def _check_options(reference: int | None, ref16: bool, transport: str, encoding: Encoding | None) -> None:
    if transport not in _TRANSPORTS:
        raise ValueError(f"sms_parts(): transport must be 'udh', 'sar' or 'payload', not {transport!r}")
    if type(ref16) is not bool:
        raise TypeError(f"sms_parts(): ref16 must be a bool, not {ref16!r}")
    if reference is not None:
        _check_count(reference, "reference", 0, 0xFFFF if ref16 else 0xFF, "sms_parts")
    if encoding is not None and not isinstance(encoding, Encoding):
        raise TypeError(f"sms_parts() argument 'encoding' must be an Encoding or None, not {encoding!r}")


def _sms_parts(text: str, reference: int | None, ref16: bool, packed: bool, languages: Sequence[str],
               locking: int | None, single: int | None, encoding: Encoding | None, limits: PartLimits,
               transport: str, graphemes: bool) -> tuple[SmsPart, ...]:
    """``sms_parts()`` the general way: every option, and every error."""
    text = _plain_text(text, "sms_parts")
    _check_options(reference, ref16, transport, encoding)
    tables = None if locking is None and single is None else _tables(locking, single, "sms_parts")
    if tables is not None and languages:
        raise ValueError("sms_parts(): give languages, or locking/single tables, not both")
    plan, encoded = _plan(text, languages, tables, encoding, limits, ref16)
    if transport == "payload":
        return (_whole(text, plan, packed, encoded),)
    if len(encoded) // (1 if plan.gsm7 else 2) <= plan.single_cap:
        return (_part(text, plan, _header(plan, b""), packed, None, encoded),)
    texts = _cut(text, plan, graphemes)
    total = len(texts)
    if total > MAX_PARTS:
        raise PartsLimitError(f"text needs {total} parts; a concatenated SMS has at most {MAX_PARTS}",
                              parts=total, max_parts=MAX_PARTS)
    if reference is None:
        raise ValueError(f"sms_parts(): the text needs {total} parts, so it needs a concatenation reference: "
                         f"pass reference= (0-{0xFFFF if ref16 else 0xFF}), unique per recipient among messages "
                         "in flight")
    if transport == "sar":
        udh = _header(plan, b"")
        return tuple(_part(t, plan, udh, packed, (reference, total, i)) for i, t in enumerate(texts, 1))
    return tuple(_part(t, plan, _header(plan, _concat(reference, ref16, total, i)), packed, None)
                 for i, t in enumerate(texts, 1))


@_kernel_front(_sms_parts)
def sms_parts(
    text: str,
    /,
    *,
    reference: int | None = None,
    ref16: bool = False,
    packed: bool = False,
    languages: Sequence[str] = (),
    locking: int | None = None,
    single: int | None = None,
    encoding: Encoding | None = None,
    limits: PartLimits = DEFAULT_LIMITS,
    transport: Literal["udh", "sar", "payload"] = "udh",
    graphemes: bool = False,
) -> tuple[SmsPart, ...]:
    """Return the parts that carry ``text`` over SMPP, in order; their texts join to ``text``.

    The encoding is found as ``analyze()`` finds it (``languages`` opting in to national
    tables; ``locking``/``single`` forcing them); parts are cut as ``split()`` cuts, at the
    capacities the header actually used leaves (153 or 152 septets, 67 or 66 units with an
    8- or 16-bit reference, fewer with national tables). ``packed`` packs GSM 7-bit septets
    (else one an octet, as SMPP ``data_coding`` 0 commonly expects). ``graphemes=True`` never
    cuts inside an extended grapheme cluster that fits a part (needs ``cmcore[graphemes]``).

    Raises ``ValueError`` for a multipart text without ``reference`` (or one out of range)
    and for bad options, ``EncodingError`` when the encoding or tables asked for cannot carry
    the text, ``PartsLimitError`` past 255 parts, ``PayloadError`` for a ``message_payload``
    beyond 65535 octets, ``ImportError`` for ``graphemes=True`` without ``regex``.
    """
    if (limits is DEFAULT_LIMITS and transport == "udh" and locking is None and single is None and encoding is None
            and not languages and not graphemes):
        # the common case, in one pass of the kernel; it answers None (never an empty tuple)
        # where the general path must answer, or raise
        return _kernel_parts(text, SmsPart, reference, ref16, packed) or _sms_parts(
            text, reference, ref16, packed, languages, locking, single, encoding, limits, transport, graphemes)
    return _sms_parts(text, reference, ref16, packed, languages, locking, single, encoding, limits, transport,
                      graphemes)


def _whole(text: str, plan: _Plan, packed: bool, encoded: bytes) -> SmsPart:
    part = _part(text, plan, _header(plan, b""), packed, None, encoded)
    if len(part.short_message) > _MESSAGE_PAYLOAD_MAX:
        raise PayloadError(f"sms_parts(): {len(part.short_message)} octets exceed the {_MESSAGE_PAYLOAD_MAX} "
                           "a message_payload TLV holds", code=304, location="body")
    return part


def sms_parts_many(
    texts: Iterable[str],
    /,
    *,
    references: Sequence[int] | None = None,
    ref16: bool = False,
    packed: bool = False,
    languages: Sequence[str] = (),
    locking: int | None = None,
    single: int | None = None,
    encoding: Encoding | None = None,
    limits: PartLimits = DEFAULT_LIMITS,
    transport: Literal["udh", "sar", "payload"] = "udh",
    graphemes: bool = False,
) -> list[tuple[SmsPart, ...]]:
    """Return the parts of each text, in order, the loop inside the kernel.

    Items equal ``[sms_parts(t, reference=r, ...) for t, r in zip(texts, references)]``, the
    other options the same for every text; without ``references`` each text has none, so a
    multipart one is an error. Raises ``TypeError`` for a ``str`` in place of ``texts`` or
    ``references`` and ``ValueError`` when ``references`` is not one a text; for the first text
    that fails, what ``sms_parts()`` raises, located at ``texts[i]`` (a ``PayloadError``'s
    ``location``, else the start of the message).
    """
    items, refs = _batch(texts, references)
    one = partial(sms_parts, ref16=ref16, packed=packed, languages=languages, locking=locking, single=single,
                  encoding=encoding, limits=limits, transport=transport, graphemes=graphemes)
    fast = (limits is DEFAULT_LIMITS and transport == "udh" and locking is None and single is None
            and encoding is None and not languages and not graphemes)
    out: list[tuple[SmsPart, ...]] = []
    start = 0
    while start < len(items):
        if fast:
            rest = items[start:] if start else items
            found, stop = _kernel_parts_many(rest, SmsPart, refs[start:] if refs and start else refs, ref16, packed)
            out += found
            if stop < 0:
                break
            start += stop
        out.append(_located(one, items, refs, start))  # raises, as the kernel found
        start += 1
    return out


def _batch(texts: Iterable[str], references: Sequence[int] | None) -> tuple[list[str], list[int] | None]:
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"sms_parts_many() argument 'texts' must be an iterable of str, not {type(texts).__name__}")
    items = texts if type(texts) is list else list(texts)
    if references is None:
        return items, None
    if isinstance(references, str) or not isinstance(references, Iterable):
        raise TypeError("sms_parts_many() argument 'references' must be a sequence of int or None, not "
                        f"{type(references).__name__}")
    refs = references if type(references) is list else list(references)
    if len(refs) != len(items):
        raise ValueError(f"sms_parts_many(): {len(refs)} references for {len(items)} texts; give one a text")
    return items, refs


def _located(one: Callable[..., tuple[SmsPart, ...]], items: list[str], refs: list[int] | None,
             i: int) -> tuple[SmsPart, ...]:
    """``sms_parts()`` of ``items[i]``, an error it raises located there."""
    text = items[i]
    if not issubclass(type(text), str):
        raise TypeError(f"sms_parts_many() argument 'texts' item {i} must be str, not {type(text).__name__}")
    try:
        return one(text, reference=None if refs is None else refs[i])
    except PayloadError as exc:
        exc.location = f"texts[{i}]"
        raise
    except (TypeError, ValueError) as exc:
        if type(exc) in (TypeError, ValueError):  # a bad option or reference: say where
            raise type(exc)(f"texts[{i}]: {exc}") from None
        raise

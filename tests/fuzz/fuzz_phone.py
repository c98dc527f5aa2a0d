"""Fuzz the phone number kernel: ``cmcore._numbers`` against its twin ``cmcore._numbers_py``,
and both against phonenumbers itself.

``phone_info()`` and the gateway form (what ``normalize_phone()`` returns) of any text, in any
default region, from a copy of ``cmcore._phone`` on each kernel (a copy each, since the plans
a kernel compiles are cached in the module), and phonenumbers' own verdict by ``_phone``'s
slow path, which the fast path stands for. The same verdicts (or errors) are required of all
three, and ``PayloadError`` is the only error. The input is one header byte (the region)
and the text; seeds are numbers in the forms the README and the spec give.
"""

from __future__ import annotations

import importlib.util
import os
import random
import sys
from typing import Any

import _common as c
import atheris

import cmcore
from cmcore import _phone

REGIONS = [None, "NL", "GB", "US", "DE", "BE", "IN", "FR", "IT", "RU", "BR", "CN", "JP", "ZZ", "", "nl", "XK",
           "001", "AC", "VA"]
SEEDS = ["+31 (0)76 - 572 70 00", "0031765727000", "076 5727000", "+31612345678", "0031612345678", "06-12345678",
         "+44 7911 123456", "00447911123456", "07911 123456", "+1 650-253-0000", "(650) 253-0000", "+7 912 345 67 89",
         "+39 06 1234 5678", "+39 312 345 6789", "+49 1701234567", "+32 470 12 34 56", "+91 98765 43210",
         "+800 1234 5678", "+882 1234 5678", "+979 123456789", "+86 138 0013 8000", "+81 90-1234-5678",
         "+55 11 91234-5678", "+1 (876) 123 4567", "+262 692 12 34 56", "+590 690 00 12 34", "+247 6123",
         "+379 06 698 12345", "112", "0", "+", "00", "+0031612345678", "tel:+31612345678", "+31 6 1234 5678 ext. 9"]
CHARS = list("0123456789 +-().") + ["٣", "１", "²", "\u00a0", "\u2011", "\ud800", "x", "A", "#", "*", ";ext=1"]


def _twin_module() -> Any:
    """A second ``cmcore._phone``, loaded as CMCORE_NO_EXTENSIONS=1 loads it: on the twin."""
    spec = importlib.util.spec_from_file_location("cmcore._phone_on_twin", _phone.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while they are made
    before = os.environ.get("CMCORE_NO_EXTENSIONS")
    os.environ["CMCORE_NO_EXTENSIONS"] = "1"
    try:
        spec.loader.exec_module(module)
    finally:
        if before is None:
            del os.environ["CMCORE_NO_EXTENSIONS"]
        else:
            os.environ["CMCORE_NO_EXTENSIONS"] = before
    assert module._numbers.__name__.endswith("_py") and not _phone._numbers.__name__.endswith("_py")
    return module


TWIN = _twin_module()


def verdicts(module: Any, text: str, region: str | None) -> list[c.Outcome]:
    """``phone_info()`` and the gateway form, as ``module`` gives them."""
    return [c.run(module.phone_info, text, default_region=region), c.run(module.gateway_form, text.strip(), region)]


def slow(text: str, region: str | None) -> c.Outcome:
    """phonenumbers' verdict, as ``_phone``'s slow path words it (a verdict: PhoneInfo's fields)."""
    return c.run(lambda t, r: _phone._info(_phone._slow(t, r)), text.strip(), region)


def check(data: bytes) -> None:
    region = REGIONS[data[0] % len(REGIONS)] if data else None
    text = data[1:].decode("utf-8", "surrogatepass") if c._utf8(data[1:]) else data[1:].decode("latin-1")
    shown = f"phone_info({text!r}, default_region={region!r})"
    got, twin = verdicts(_phone, text, region), verdicts(TWIN, text, region)
    for module in (_phone, TWIN):  # the campaign's batch call: fast() of each, an undecided step None
        args = (module._COUNTRIES, module._CODES, module._country)
        plan = module._region_plan(region)
        one, many = c.run(module._fast, text.strip(), region), c.run(module._numbers.fast_many, [text.strip()],
                                                                      [plan], *args)
        if one.error is None and (many.error is not None or many.value != [one.value]):
            raise c.Finding("disagreement", f"fast_many() and fast() on {shown}: {many.describe()} != "
                                            f"[{one.describe()}]", "kernels")
    if [o.describe() for o in got] != [o.describe() for o in twin]:
        raise c.Finding("disagreement", f"on {shown}\n  compiled: {[o.describe() for o in got]}\n"
                                        f"  twin:     {[o.describe() for o in twin]}", "kernels")
    for outcome in got:
        c.typed(outcome, shown, (cmcore.PayloadError,), "text")
    info, form = got
    reference = slow(text, region)
    if info.error is None and reference.error is None and (
            info.value != reference.value or form.value != reference.value.number):
        raise c.Finding("disagreement", f"with phonenumbers on {shown}\n  cmcore:       {info.describe()}, "
                                        f"gateway form {form.describe()}\n  phonenumbers: {reference.describe()}",
                        "phonenumbers")


def mutate(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if len(data) < 2 or rng.random() < 0.2:
        data = bytes([rng.randrange(256)]) + rng.choice(SEEDS).encode("utf-8", "surrogatepass")
    head, text = data[:1], data[1:].decode("utf-8", "surrogatepass") if c._utf8(data[1:]) else ""
    if rng.random() < 0.1:
        head = bytes([rng.randrange(256)])
    for _ in range(1 if rng.random() < 0.7 else rng.randrange(2, 4)):
        at = rng.randrange(len(text) + 1)
        digits = [i for i, ch in enumerate(text) if ch.isdigit()]
        op = rng.randrange(12)
        if op < 6 and digits:  # another digit: the number keeps its shape, and often stays valid
            i = rng.choice(digits)
            text = text[:i] + str(rng.randrange(10)) + text[i + 1:]
        elif op == 6 and text:
            text = text[:at] + rng.choice(CHARS) + text[at + 1:]
        elif op == 7:
            text = text[:at] + rng.choice(CHARS) + text[at:]
        elif op == 8 and text:
            text = text[:at] + text[at + 1:]
        elif op == 9:
            text = text[:at] + str(rng.randrange(10)) * rng.choice([1, 2, 5, 17, 250]) + text[at:]
        elif op == 10:
            text = rng.choice(SEEDS)[:rng.randrange(1, 30)] + text[at:]
        else:
            text = text[:at] + rng.choice(["00", "+", " ", "0", "(0)"]) + text[at:]
    out = head + text.encode("utf-8", "surrogatepass")
    return out[:max_size] if rng.random() > 0.1 else atheris.Mutate(out, max_size)


if __name__ == "__main__":
    c.main(check, [s.encode() for s in SEEDS], mutate)

"""Fuzz ``parse_tlvs()`` (CM's SMPP TLVs 0x1401 and 0x140A, and any other).

The input is one header byte (how the data is passed: a str must be a TypeError) and the
TLV octets. The token check covers errors: unknown TLVs are kept as they came.
"""

from __future__ import annotations

import _common as c

import cmcore


def check(data: bytes) -> None:
    given = c.Input.of(data, text=(bytes,))
    shown = given.shown("cmcore.parse_tlvs(ARG)")
    outcomes = c.both(cmcore.parse_tlvs, given.value)
    c.judge_parser(given, shown, outcomes)


if __name__ == "__main__":
    SEEDS = c.tlv_seeds()
    c.main(check, SEEDS, c.mutator(SEEDS, "tlv"))

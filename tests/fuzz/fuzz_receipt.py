"""Fuzz ``parse_delivery_receipt()`` (SMPP receipts: ``id:… stat:… err:…``).

No kernel reads receipts; both routes are run all the same, so that one that comes to use a
kernel is compared at once. The input is one header byte (how the text is passed) and the
text. The token check covers errors: ``text:`` and unknown fields are kept verbatim.
"""

from __future__ import annotations

import _common as c

import cmcore


def check(data: bytes) -> None:
    given = c.Input.of(data)
    shown = given.shown("cmcore.parse_delivery_receipt(ARG)")
    outcomes = c.both(cmcore.parse_delivery_receipt, given.value)
    c.judge_parser(given, shown, outcomes)


if __name__ == "__main__":
    SEEDS = c.receipt_seeds()
    c.main(check, SEEDS, c.mutator(SEEDS, "text"))

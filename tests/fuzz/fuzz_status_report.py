"""Fuzz ``parse_status_report()``, JSON and XML, under both kernels.

The input is one header byte (how the body is passed; 7 in its top bits sets a small
``max_size``) and the body. Seeds: the spec's status report templates, as printed and filled
in. The token check covers errors: a report's fields carry what the webhook sent verbatim.
"""

from __future__ import annotations

import _common as c

import cmcore
from cmcore import _reports


def check(data: bytes) -> None:
    given = c.Input.of(data)
    size = _reports.MAX_REPORT_SIZE if given.extra % 8 != 7 else given.extra * 3
    shown = given.shown(f"cmcore.parse_status_report(ARG, max_size={size})")
    outcomes = c.both(cmcore.parse_status_report, given.value, max_size=size)
    c.judge_parser(given, shown, outcomes)


if __name__ == "__main__":
    SEEDS = c.report_seeds()
    c.main(check, SEEDS, c.mutator(SEEDS, "auto", c.fragments() + SEEDS))

"""Fuzz ``parse_response()`` (JSON answers and the XML/GET error texts) under both kernels.

The input is one header byte (how the body is passed and which ``http_status``; see
``_common.Input``) and the body. Seeds: the spec's responses and error texts. The token, in
the gateway's echo or bare, must not reach any text of the result or error, except the ``to``
and ``reference`` of a message, which carry back what the caller sent (the README: the echo
however quoted, and every string of the token's form in free text and unknown fields, are
redacted). Inputs where the token is neither in the echo nor a string of its form, or is in
a JSON key, are not held to this.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import _common as c

import cmcore

STATUSES = [None, 200, 201, 204, 400, 401, 403, 404, 405, 500, 502, 100, 299, 300, 0, -1, 599, 2**70]


def gateway_texts(value: Any) -> Any:
    """A response without what the caller sent and the gateway echoes back (each message's
    ``to`` and ``reference``): those are data; every other text must be redacted."""
    if not isinstance(value, cmcore.Response):
        return value
    return dataclasses.replace(value, messages=tuple(dataclasses.replace(m, to=None, reference=None)
                                                     for m in value.messages))


def check(data: bytes) -> None:
    given = c.Input.of(data)
    status = STATUSES[given.extra % len(STATUSES)]
    shown = given.shown(f"cmcore.parse_response(ARG, http_status={status!r})")
    outcomes = c.both(cmcore.parse_response, given.value, http_status=status)
    for outcome in outcomes.values():
        c.typed(outcome, shown, (cmcore.ResponseError,), given.form)
    c.agree(outcomes, shown)
    if c.echo_only(given.texts(), formed=True) and not c.in_keys(given.body):
        c.no_leak(outcomes["c"], shown, where=("error",))
        c.no_leak(c.Outcome(value=gateway_texts(outcomes["c"].value)), shown, where=("result",))


if __name__ == "__main__":
    SEEDS = c.response_seeds()
    c.main(check, SEEDS, c.mutator(SEEDS, "auto"))

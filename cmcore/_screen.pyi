"""Stub of the compiled screen of validate(); the pure-Python twin _screen_py.py has the same shape."""

from collections.abc import Callable
from typing import Any

from typing_extensions import disjoint_base

FIELDS: tuple[str, ...]

@disjoint_base
class Rules: ...

def rules(message_class: type, members: tuple[Any, ...], phone_channels: frozenset[Any], sms: object,
          fallback: frozenset[Any], full: frozenset[Any], limits: dict[Any, int], sender_alphabet: str, auto: object,
          gateway: Callable[[str, str | None], str | None]) -> Rules: ...
def screen(msg: object, r: Rules, region: object) -> object: ...

"""The gateway's rules per channel: one module a channel (or a family of them), each naming
the section of the CM spec its rules come from.

Which rules apply to a message (its ``Scope``):
- the rules that hold on every channel (``_common``);
- a channel's rules for the objects that channel owns (WhatsApp's templates and interactive
  messages, Apple's pickers), wherever they appear, whatever ``allowedChannels`` says;
- all of a channel's rules where ``allowedChannels`` lists it. A message that lists no
  channel may go out on any channel the account has: then only the first two apply.

Every problem goes to the caller's ``Problems``, with code 305 (304 for text that is the body).
"""

from __future__ import annotations

from datetime import datetime

from cmcore._errors import Problems
from cmcore._models import Channel, Message
from cmcore._rules import _common, apple, facebook, google, instagram, push, twitter, viber, whatsapp
from cmcore._rules._common import TEXT_LIMITS
from cmcore._rules._scope import Scope

__all__ = ["MESSAGE_RULES", "TEXT_LIMITS", "Scope", "check_message"]

#: Each module's ``check(msg, where, scope, problems)``, in the order their problems are listed.
CHECKS = (_common.check, whatsapp.check, facebook.check, google.check, viber.check, instagram.check,
          twitter.check, twitter.check_ids, apple.check, push.check)
#: The channels with rules on more than a message's rich content and text length (Twitter's
#: snowflake ids; Push's appKey and size): validate()'s screen leaves messages listing them to
#: the full rules.
MESSAGE_RULES = frozenset({Channel.TWITTER, Channel.PUSH, Channel.MOBILE_PUSH})


def check_message(msg: Message, where: str, channels: tuple[Channel | str, ...], p: Problems, *,
                  now: datetime, clock: bool = False) -> None:
    """Add every channel rule's problem with ``msg`` (at ``where``, ``msg[i]``) to ``p``;
    ``clock``: ``now`` is the clock's, not the caller's."""
    scope = Scope(listed=frozenset(c for c in channels if isinstance(c, Channel)), now=now, clock=clock)
    for check in CHECKS:
        check(msg, where, scope, p)

"""Push's rules (CM spec, current edition "Push", older edition "Push"), for Push and its current
name MobilePush ("Migrating from Hybrid Push to (mobile) push"), where the message lists one:

- ``appKey`` is required, in the form the spec gives it: the channel account id ("we will
  provide you with a unique sender id called a channel account id to use in the dedicated
  appkey field"; older: "the App Key is needed in the request to the gateway"), a UUID
  (8-4-4-4-12 hexadecimal digits), as every example and Notifire's "empty UUID" write it.
  Its value never shows in an error: the spec asks to keep it private.
- Push is text-only ("Fact sheet": "rich text no", "media no"): rich content is refused
  where no channel listed besides Push, MobilePush and SMS (which takes none either) could
  carry it; listed with WhatsApp, RCS or Viber, the rich content is theirs and the body Push's.
- "messages have a maximum size of ~4Kb": the body, in the UTF-8 bytes it travels as to FCM
  and APNs, whose payload limit is 4096 bytes; characters would under-count (an emoji is 4
  bytes). What CM adds around it is unknown ("~"), so no guess is taken off: only a body that
  alone is over 4096 bytes is refused (code 304).
"""

from __future__ import annotations

import re

from cmcore._errors import Problems
from cmcore._models import Channel, Message
from cmcore._rules._scope import Scope

PUSH = frozenset({Channel.PUSH, Channel.MOBILE_PUSH})
_TEXT_ONLY = PUSH | {Channel.SMS}
MAX_BYTES = 4096
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def _app_key(key: str | None, where: str, name: str, p: Problems) -> None:
    """"Sending a message": the channel account id in the appkey field, a UUID."""
    if key is None:
        p.add(f"{name} needs appKey, the channel account id CM gives your app at onboarding ('Push', "
              "'Sending a message'); for Notifire, 00000000-0000-0000-0000-000000000000", 305, where)
    elif isinstance(key, str) and key.strip() and not _UUID.fullmatch(key):
        # blank or not text: validate() says so already
        p.add(f"appKey ({len(key)} characters, not shown) is not a channel account id: {name} takes a UUID, "
              "8-4-4-4-12 hexadecimal digits such as Notifire's 00000000-0000-0000-0000-000000000000 ('Push', "
              "'Sending a message'); copy it as CM gave it, without spaces or braces", 305, where)


def check(msg: Message, where: str, scope: Scope, p: Problems) -> None:
    """Push's rules for ``msg``, where it lists Push or MobilePush."""
    if not scope.on(*PUSH):
        return
    name = " and ".join(sorted(c.value for c in scope.listed & PUSH))
    _app_key(msg.app_key, f"{where}.appKey", name, p)
    if msg.rich_content is not None and scope.listed <= _TEXT_ONLY:
        p.add(f"{name} is text-only ('Fact sheet': 'rich text no', 'media no') and no channel listed takes rich "
              "content: put the text in body and leave richContent out, or list a channel that takes it "
              "(WhatsApp, RCS, Viber) to fall back to", 305, f"{where}.richContent")
    if isinstance(msg.body, str):
        size = len(msg.body.encode("utf-8", "surrogatepass"))
        if size > MAX_BYTES:
            p.add(f"body of {size} bytes (UTF-8); {name} messages have a maximum size of ~4 KB ('Fact sheet'): "
                  f"keep the body within {MAX_BYTES} bytes", 304, f"{where}.body")

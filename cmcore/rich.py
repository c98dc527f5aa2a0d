"""Rich content classes, public: ``from cmcore import rich`` then ``rich.ConversationItem(...)``."""

from cmcore._rich import *  # noqa: F403
from cmcore._rich import __all__  # noqa: F401

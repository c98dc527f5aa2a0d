"""Stub of the compiled XML kernel; the pure-Python twin _xmltree_py.py has the same shape."""

from typing import Any

def messages(root: Any) -> list[dict[str, Any]] | tuple[str, int]: ...

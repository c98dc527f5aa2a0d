"""Stub of the compiled XML kernel; the pure-Python twin _xmltree_py.py has the same shape."""

from typing import Any

BUILT_WITH_LXML: str

def messages(root: Any) -> list[dict[str, Any]] | tuple[str, int]: ...
def head(root: Any) -> tuple[str, dict[str, str] | tuple[str, int]]: ...

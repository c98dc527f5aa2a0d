"""Which compiled kernels cmcore runs on: the one rule, applied to each kernel module.

Each kernel is a compiled module (``_segment``, ``_wire``) with a pure-Python twin of the
same shape (``_segment_py``, ``_wire_py``). The compiled one is used unless the environment
says ``CMCORE_NO_EXTENSIONS=1``; a missing compiled kernel is an ``ImportError``, never a
silent fall back to the slow twin.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from types import ModuleType


def twins_wanted() -> bool:
    """Whether ``CMCORE_NO_EXTENSIONS`` asks for the pure-Python twins."""
    return os.environ.get("CMCORE_NO_EXTENSIONS", "") not in ("", "0")


#: The compiled kernels, each with its twin ``<name>_py``.
KERNELS = ("_segment", "_wire", "_xmltree", "_numbers", "_screen", "_septets", "_rows")


def _missing(name: str) -> ImportError:
    return ImportError(
        f"cmcore's compiled kernel cmcore.{name} is not built: reinstall cmcore where a C "
        "compiler is available, or set CMCORE_NO_EXTENSIONS=1 to use the pure-Python twin")


def require_built(names: tuple[str, ...] = KERNELS) -> None:
    """``ImportError`` now, as ``load`` would raise it later, where a compiled kernel is not
    there to import (unless the twins are wanted); nothing is imported."""
    if twins_wanted():
        return
    for name in names:
        if importlib.util.find_spec(f"cmcore.{name}") is None:
            raise _missing(name)


def load(name: str) -> ModuleType:
    """The kernel ``cmcore.<name>``, or its twin ``cmcore.<name>_py`` where asked for."""
    if twins_wanted():
        return importlib.import_module(f"cmcore.{name}_py")
    try:
        return importlib.import_module(f"cmcore.{name}")
    except ImportError as exc:
        raise _missing(name) from exc

"""Shared fixtures: ``kernel`` runs a test once on each segmentation kernel ("c" and "py")."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from types import ModuleType

import pytest

from cmcore import _segment_py, _sms

NO_EXTENSIONS = os.environ.get("CMCORE_NO_EXTENSIONS", "") not in ("", "0")


def compiled(name: str) -> ModuleType | None:
    """The compiled kernel ``cmcore.<name>``; None on a pure install (CMCORE_NO_EXTENSIONS=1)."""
    try:
        return importlib.import_module(f"cmcore.{name}")
    except ImportError:
        if NO_EXTENSIONS:
            return None
        raise


COMPILED = compiled("_segment")


@pytest.fixture(params=["c", "py"])
def kernel(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """Route the public API through one kernel for the length of a test."""
    module = COMPILED if request.param == "c" else _segment_py
    if module is None:
        pytest.skip("the compiled kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    monkeypatch.setattr(_sms, "_kernel", module)
    yield module


def kernels() -> list[ModuleType]:
    """Both kernels, for tests that compare them side by side."""
    return [k for k in (COMPILED, _segment_py) if k is not None]


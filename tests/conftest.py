"""Shared fixtures: ``kernel`` runs a test once on each segmentation kernel ("c" and "py").

Hypothesis profiles: the default one (plain ``pytest``) is quick; ``HYPOTHESIS_PROFILE=ci``
(as .ci/run sets it) is derandomized, prints the blob that reproduces a failure, and runs
``CI_SCALE`` times the examples that each test asks for with ``@settings(max_examples=
examples(N))``, since an explicit ``max_examples`` would otherwise win over the profile.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from types import ModuleType

import pytest
from hypothesis import settings

from cmcore import _segment_py, _sms

NO_EXTENSIONS = os.environ.get("CMCORE_NO_EXTENSIONS", "") not in ("", "0")

CI_SCALE = 10
settings.register_profile("ci", max_examples=100 * CI_SCALE, derandomize=True, print_blob=True, deadline=None)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """``n`` examples, or ``CI_SCALE`` times ``n`` under the "ci" profile."""
    return n * CI_SCALE if PROFILE == "ci" else n


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


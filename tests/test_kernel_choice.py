"""Which kernel a plain ``import cmcore`` uses: the compiled one unless CMCORE_NO_EXTENSIONS=1.

The subprocesses start outside the checkout, so that they import the installed package and
not the source tree beside the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest

from conftest import COMPILED


def _kernel_in_subprocess(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "CMCORE_NO_EXTENSIONS"}
    clean.update(env)
    code = ("import cmcore, cmcore._sms as s, cmcore._json as j, cmcore._reports as r; "
            "print(cmcore.KERNEL, s._kernel.__name__, j._wire.__name__, r._wire.__name__, r._xmltree.__name__)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean,
                          cwd=tempfile.gettempdir(), check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_plain_import_uses_the_compiled_kernel() -> None:
    if COMPILED is None:
        # A pure install (CMCORE_NO_EXTENSIONS=1) has no compiled kernel: a plain import
        # must say so, loudly, rather than run the twin unasked.
        clean = {k: v for k, v in os.environ.items() if k != "CMCORE_NO_EXTENSIONS"}
        proc = subprocess.run([sys.executable, "-c", "import cmcore"], capture_output=True, text=True,
                              env=clean, cwd=tempfile.gettempdir(), check=False)
        assert proc.returncode != 0 and "CMCORE_NO_EXTENSIONS=1" in proc.stderr
    else:
        assert _kernel_in_subprocess() == "cython cmcore._segment cmcore._wire cmcore._wire cmcore._xmltree"


def test_the_switch_selects_the_twin() -> None:
    assert _kernel_in_subprocess(CMCORE_NO_EXTENSIONS="1") == "python cmcore._segment_py cmcore._wire_py cmcore._wire_py cmcore._xmltree_py"


def test_every_package_of_the_source_is_installed() -> None:
    """pyproject.toml lists each package: a subpackage left out installs a cmcore that cannot
    be imported (the editable install of development would not show it)."""
    import tomllib
    from pathlib import Path
    root = Path(__file__).parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "cmcore").rglob("__init__.py")}
    assert found == listed


def test_a_kernel_not_built_is_an_import_error_before_any_name_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from cmcore import _kernel

    monkeypatch.delenv("CMCORE_NO_EXTENSIONS", raising=False)
    with pytest.raises(ImportError, match=r"cmcore\._nope is not built.*CMCORE_NO_EXTENSIONS=1"):
        _kernel.require_built(("_nope",))
    if COMPILED is not None:  # a compiled install: every kernel is there
        _kernel.require_built()
    else:  # a pure install: the first kernel is named
        with pytest.raises(ImportError, match=r"cmcore\._segment is not built"):
            _kernel.require_built()
    monkeypatch.setenv("CMCORE_NO_EXTENSIONS", "1")
    _kernel.require_built(("_nope",))  # the twins are asked for: nothing compiled is needed


def test_the_kernels_named_are_the_ones_built() -> None:
    from pathlib import Path

    from cmcore import _kernel

    sources = sorted(p.stem for p in Path(_kernel.__file__).parent.glob("_*.pyx"))
    assert sorted(_kernel.KERNELS) == sources

"""The package's names: loaded on first use (PEP 562), each the object its module defines."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import cmcore


def _imports_for_type_checkers() -> dict[str, str]:
    """Name -> module, as the ``if TYPE_CHECKING:`` block of ``cmcore/__init__.py`` imports it."""
    tree = ast.parse(Path(cmcore.__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    found: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module is not None
        for alias in node.names:
            found[alias.name] = f"cmcore.{alias.name}" if node.module == "cmcore" else node.module
    return found


def test_every_public_name_is_its_modules_object() -> None:
    seen = _imports_for_type_checkers()
    assert seen == cmcore._SOURCE  # what the type checker sees is what is loaded
    assert set(cmcore.__all__) <= set(seen) | {"__version__"}
    for name, module in seen.items():
        value = getattr(cmcore, name)
        owner = importlib.import_module(module)
        assert value is (owner if module == f"cmcore.{name}" else getattr(owner, name)), name
    assert set(cmcore.__all__) <= set(dir(cmcore))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        cmcore.nope  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(cmcore, "_campaign_nope")


def test_import_cmcore_imports_no_part_of_the_library() -> None:
    """``import cmcore`` loads no module of the library but the kernel rule (which only looks
    for the compiled kernels), nor phonenumbers or lxml; reading a name loads its module (and
    what that needs), not the rest."""
    code = ("import sys, cmcore\n"
            "before = sorted(m for m in sys.modules if m.startswith(('cmcore.', 'phonenumbers', 'lxml')))\n"
            "cmcore.analyze\n"
            "after = set(sys.modules)\n"
            "print(before, 'cmcore._sms' in after, 'cmcore._gateway' in after, 'lxml' in after)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tempfile.gettempdir()).stdout.split()
    assert out == ["['cmcore._kernel']", "True", "False", "False"]


def test_star_import_gives_every_name() -> None:
    space: dict[str, object] = {}
    exec("from cmcore import *", space)  # noqa: S102
    assert set(cmcore.__all__) <= set(space)


def test_a_campaign_run_imports_only_what_it_uses(tmp_path: Path) -> None:
    """``cmcore campaign`` loads neither the version lookup (``importlib.metadata``), nor the
    JSON builder, the smart encoder or the offline gateway: each costs its start, and a run
    of a few rows is all start. ``--version`` still answers."""
    path = tmp_path / "c.csv"
    path.write_text("phone,name\n+31612345678,Ann\n", encoding="utf-8")
    code = ("import sys\nfrom cmcore import _cli\n"
            f"status = _cli.main(['campaign', {str(path)!r}, '--json', '--no-progress', '--sender', 'CM', '--template', 'Hi {{name}}'])\n"
            "names = ('importlib.metadata', 'cmcore._json', 'cmcore._smart', 'cmcore._cli_gateway')\n"
            "print(status, *[name in sys.modules for name in names], file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=tempfile.gettempdir())
    assert proc.stderr.split() == ["0", "False", "False", "False", "False"], proc.stderr
    assert '"summary"' in proc.stdout
    version = subprocess.run([sys.executable, "-m", "cmcore", "--version"], capture_output=True, text=True,
                             check=True, cwd=tempfile.gettempdir())
    assert version.stdout.startswith("cmcore ") and version.stdout.count("\n") == 1

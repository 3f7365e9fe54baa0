"""`pip install --no-build-isolation --no-index --target DIR ./bindings/python` works offline
and installs an importable package with its stubs. To stay quick it builds in the CMake build
directory the tests run from (DDC_PYTHON_BUILD_DIR), where the extension is already built; a
from-scratch configure and build is the same code path with a temporary build directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = os.environ.get("DDC_REPO")
BUILD = os.environ.get("DDC_PYTHON_BUILD_DIR")


@pytest.mark.skipif(not REPO or not BUILD, reason="run by ctest (needs DDC_REPO, "
                    "DDC_PYTHON_BUILD_DIR)")
def test_pip_install_target(tmp_path: Path) -> None:
    target = tmp_path / "site"
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation",
                    "--no-index", "--quiet", "--target", str(target),
                    str(Path(REPO) / "bindings" / "python")], check=True, env=env)
    installed = {p.name for p in (target / "ddc").iterdir()}
    assert {"__init__.py", "_ddc.pyi", "py.typed"} <= installed
    assert any(name.startswith("_ddc.") and name.endswith(".so") for name in installed)
    env["PYTHONPATH"] = str(target)
    probe = "import ddc; print(ddc.__file__); print(ddc.KeyPair.from_seed(bytes(32)).user)"
    out = subprocess.run([sys.executable, "-c", probe], check=True, env=env, cwd=tmp_path,
                         capture_output=True, text=True).stdout.split()
    assert out[0].startswith(str(target))
    assert len(out[1]) == 64

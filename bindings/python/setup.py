"""Builds ddc._ddc with CMake from the repository this directory belongs to.

`pip install --no-build-isolation ./bindings/python` configures the whole repository in a
temporary build directory (Release, tests off, warnings not errors), builds the one target `_ddc` for the
interpreter running pip, and copies it into the wheel. DDC_PYTHON_BUILD_DIR names an existing
CMake build directory to build the target in instead (much faster when one is at hand).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


class CMakeBuild(build_ext):
    """Runs CMake instead of the compiler setuptools would call."""

    def build_extension(self, ext: Extension) -> None:
        existing = os.environ.get("DDC_PYTHON_BUILD_DIR")
        build_dir = Path(existing) if existing else Path(self.build_temp).resolve() / "cmake"
        if not existing:
            build_dir.mkdir(parents=True, exist_ok=True)
            generator = ["-G", "Ninja"] if shutil.which("ninja") else []
            subprocess.run(["cmake", "-S", str(REPO), "-B", str(build_dir), *generator,
                            "-DCMAKE_BUILD_TYPE=Release", "-DDDC_BUILD_TESTS=OFF",
                            "-DDDC_BUILD_PYTHON=ON", f"-DDDC_PYTHON={sys.executable}",
                            # A user's build must not fail on a newer compiler's new warning.
                            "-DDDC_WERROR=OFF"],
                           check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_ddc", "-j", jobs],
                       check=True)
        built = sorted((build_dir / "bindings" / "python" / "ddc").glob("_ddc*.so"))
        if not built:
            raise RuntimeError(f"CMake built no _ddc module in {build_dir}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[-1], target)


# Keep setuptools' metadata under build/ rather than beside the sources.
(HERE / "build").mkdir(exist_ok=True)
setup(
    ext_modules=[Extension("ddc._ddc", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    options={"egg_info": {"egg_base": "build"}},
)

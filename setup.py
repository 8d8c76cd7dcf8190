"""The release ships inside the wheel: ontology/, data/ and shapes/ are copied to scokg/release/ when the package
is built, so `pip install .` then `scokg serve` from any folder serves the graph. Everything else about the
package is declared in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
RELEASE = ("ontology", "data", "shapes")


class BuildWithRelease(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        target = Path(self.build_lib) / "scokg" / "release"
        for name in RELEASE:
            shutil.copytree(HERE / name, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithRelease})

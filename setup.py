"""The build step that puts the course into the wheel (everything else is in pyproject.toml).

`build_py` copies the course's notebooks (``autograd_tutor/_course.py``'s `course_files`: the
demo and tutorial notebooks, the student exercises, never ``exercises/solutions/``) into
``autograd_tutor/course/`` of the build, fresh on every build, so a wheel always carries the
repository's current files. Editable installs read them from the checkout instead.
"""

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("_course", ROOT / "autograd_tutor" / "_course.py")
_course = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_course)


class BuildWithCourse(build_py):
    """`build_py`, then the course's notebooks into ``autograd_tutor/course/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib, "autograd_tutor", "course")
        shutil.rmtree(target, ignore_errors=True)  # a notebook deleted since the last build
        for name in _course.course_files(ROOT):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, target / name)


setup(cmdclass={"build_py": BuildWithCourse})

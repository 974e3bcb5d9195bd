"""The course that ships with the package, the install cell of its notebooks, ``start``.

The course is the demo and tutorial notebooks (``notebooks/*.ipynb``) and the student versions
of the exercises (``exercises/*.ipynb``; never the masters in ``exercises/solutions/``). A wheel
carries them in ``autograd_tutor/course/`` with the same layout (setup.py's build step copies
them there from the repository, with `course_files`); a source checkout reads its own folders.

Only the standard library is imported at the top: setup.py loads this file on its own, before
NumPy or the package can be imported.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Callable, Dict, List, Union

COURSE = ("notebooks/*.ipynb", "exercises/*.ipynb")
INSTALL_ENV = "AUTOGRAD_TUTOR_INSTALL"  # what the install cell installs, when set
DEFAULT_FOLDER = "autograd-course"
MANIFEST = ".autograd-course.json"  # in a started folder: the hash of every file as copied

_PACKAGE = Path(__file__).resolve().parent
_PACKAGED = _PACKAGE / "course"
_CHECKOUT = _PACKAGE.parent
_URLS = re.compile(r"^\[project\.urls\]\s*$(?P<body>.*?)(?=^\[|\Z)", re.M | re.S)
_REPOSITORY = re.compile(r"""^Repository\s*=\s*["'](?P<url>[^"']+)["']""", re.M)

PathLike = Union[str, Path]


def course_files(root: PathLike) -> List[str]:
    """The course's files under `root` (a checkout or a packaged course), as relative paths."""
    root = Path(root)
    return sorted({p.relative_to(root).as_posix() for pattern in COURSE
                   for p in root.glob(pattern) if p.is_file()})


def course_root() -> Path:
    """Where the course is: the wheel's copy, or else this source checkout."""
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def demo_notebook() -> Path:
    """The demo notebook of the course."""
    return course_root() / "notebooks" / "demo.ipynb"


def editable_demo(say: Callable[[str], None] = print) -> Path:
    """The demo to open in Jupyter: the checkout's, or else a copy in ./autograd-course
    (`start`), never the one inside the installed package."""
    if course_root() != _PACKAGED:
        return demo_notebook()
    start(DEFAULT_FOLDER, say)
    return Path(DEFAULT_FOLDER, "notebooks", "demo.ipynb")


def repository_url() -> str:
    """``[project.urls] Repository``: of pyproject.toml in a checkout, else of the metadata."""
    pyproject = _CHECKOUT / "pyproject.toml"
    if pyproject.is_file():
        section = _URLS.search(pyproject.read_text(encoding="utf-8"))
        found = _REPOSITORY.search(section.group("body")) if section else None
        if found is None:
            raise ValueError(f"{pyproject} has no [project.urls] Repository")
        return found.group("url").rstrip("/")
    from importlib.metadata import metadata

    for entry in metadata("autograd-tutor").get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository":
            return url.strip().rstrip("/")
    raise ValueError("the installed autograd-tutor has no Repository URL")


def pip_install(extra: str) -> str:
    """The command that installs the package with an extra (from the repository until the
    package is published)."""
    return f'pip install "autograd-tutor[{extra}] @ git+{repository_url()}"'


def install_cell() -> str:
    """The code every notebook starts with: install the package where it is missing (Colab).

    It installs from the repository until the package is published; ``$AUTOGRAD_TUTOR_INSTALL``
    (e.g. the path of a wheel) replaces that, which is how the tests point it at a local build.
    """
    return (
        "# Setup: installs autograd_tutor where it is missing (e.g. in Colab); "
        "does nothing elsewhere.\n"
        "import importlib, importlib.util, os, subprocess, sys\n"
        'if importlib.util.find_spec("autograd_tutor") is None:\n'
        f'    package = os.environ.get("{INSTALL_ENV}",\n'
        f'                             "git+{repository_url()}")\n'
        '    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", package])\n'
        "    importlib.invalidate_caches()"
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start(folder: PathLike = DEFAULT_FOLDER, say: Callable[[str], None] = print) -> List[str]:
    """Copy the course into `folder`; return the files kept because the student changed them.

    A file is replaced only when it is still as this command copied it last time (recorded in
    the folder's ``.autograd-course.json``), so an upgrade brings new versions of untouched
    notebooks and never overwrites work.
    """
    root, folder = course_root(), Path(folder)
    manifest_path = folder / MANIFEST
    try:
        copied: Dict[str, str] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        copied = {}
    wrote: List[str] = []
    kept: List[str] = []
    for name in course_files(root):
        source, target = root / name, folder / name
        new = _digest(source)
        if target.exists():
            old = _digest(target)
            if old == new:
                copied[name] = new
                continue
            if copied.get(name) != old:
                kept.append(name)
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied[name] = new
        wrote.append(name)
    manifest_path.write_text(json.dumps(copied, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    say(f"The course is in {folder}/ ({len(wrote)} file(s) copied, "
        f"{len(course_files(root)) - len(wrote) - len(kept)} already up to date).")
    if kept:
        say(f"Kept {len(kept)} file(s) you changed (delete one and run this again to get "
            "the course's version):")
        for name in kept:
            say(f"  {folder / name}")
    say("Open it:\n"
        f"  jupyter lab {folder}\n"
        f"  (no JupyterLab? the notebook extra installs it: {pip_install('notebook')})\n"
        f"  or upload {folder / 'notebooks' / 'demo.ipynb'} to Colab "
        "(its first cell installs the package).\n"
        "Check an exercise from a terminal:\n"
        f"  autograd-tutor check {folder / 'exercises' / '01_requires_grad.ipynb'}")
    return kept

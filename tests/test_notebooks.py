"""The tutorial notebooks in notebooks/: links, stored outputs, metadata, reproducibility.

nbval (``pytest --nbval notebooks/``) re-runs every cell and compares it with the stored output;
these tests check what nbval does not: that the Colab badge and the install cell use the one
repository URL of pyproject.toml, that the stored files render without a kernel (GitHub,
nbviewer), hold nothing volatile, and are what ``notebooks/_build.py`` makes from the sources on
a fresh kernel (byte for byte, except the bytes of PNG images, which depend on matplotlib's
version).
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
SERIES = [n for n in NAMES if n != "demo"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _repository() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["urls"]["Repository"].rstrip("/")


def _owner_repo() -> str:
    m = re.fullmatch(r"https://github\.com/([^/]+/[^/]+)", _repository())
    assert m, f"[project.urls] Repository is not a GitHub URL: {_repository()}"
    return m.group(1)


def _text_outputs(nb: nbformat.NotebookNode):
    """(cell index, mimetype, text) for every textual output; inline images cut out of HTML."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                yield i, out.name, out.text
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime == "image/svg+xml":
                    yield i, mime, re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", value)


def test_there_is_a_demo_and_at_least_three_focused_notebooks():
    assert "demo" in NAMES
    assert len(SERIES) >= 3, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_colab_badge_opens_this_notebook_in_the_pyproject_repository(name):
    first = _load(name).cells[0]
    assert first.cell_type == "markdown"
    expected = (f"https://colab.research.google.com/github/{_owner_repo()}/blob/main/"
                f"notebooks/{name}.ipynb")
    assert f'href="{expected}"' in first.source
    assert "colab-badge.svg" in first.source


def test_every_colab_link_in_the_readme_opens_a_notebook_of_the_pyproject_repository():
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("no README.md yet")
    links = re.findall(r"colab\.research\.google\.com/github/([^/]+/[^/]+)/blob/main/([\w./-]+)",
                       readme.read_text(encoding="utf-8"))
    assert links, "the README has a Colab badge"
    for owner_repo, path in links:
        assert owner_repo == _owner_repo()
        assert (ROOT / path).is_file(), path


@pytest.mark.parametrize("name", NAMES)
def test_first_code_cell_installs_from_the_repository_only_when_missing(name):
    from autograd_tutor._course import install_cell

    code = [c for c in _load(name).cells if c.cell_type == "code"]
    assert code[0].source == install_cell(), f"rebuild with `python notebooks/_build.py {name}`"
    assert f'"git+{_repository()}"' in code[0].source
    assert code[0].outputs == [], "the install cell must be silent where the package is installed"


@pytest.mark.parametrize("name", NAMES)
def test_every_github_and_colab_link_points_at_the_repository(name):
    text = "\n".join(c.source for c in _load(name).cells)
    for owner_repo in re.findall(r"colab\.research\.google\.com/github/([^/]+/[^/]+)/", text):
        assert owner_repo == _owner_repo()
    for owner_repo in re.findall(r"github\.com/([\w.-]+/[\w.-]+)", text):
        assert owner_repo == _owner_repo()


@pytest.mark.parametrize("name", NAMES)
def test_notebook_ends_with_links_to_existing_exercises_locally_and_in_colab(name):
    nb = _load(name)
    last = [c for c in nb.cells if c.cell_type == "markdown"][-1].source
    local = re.findall(r"\]\(\.\./exercises/([\w-]+\.ipynb)\)", last)
    assert local, "the last markdown cell should point to the matching exercises"
    colab = re.findall(r"colab\.research\.google\.com/github/[^/]+/[^/]+/blob/main/exercises/"
                       r"([\w-]+\.ipynb)", last)
    assert sorted(set(local)) == sorted(set(colab)), "every exercise needs a Colab link too"
    for file in local:
        assert (ROOT / "exercises" / file).is_file(), f"exercises/{file} does not exist"


def test_every_exercise_notebook_is_linked_from_the_demo_checklist():
    text = "\n".join(c.source for c in _load("demo").cells)
    linked = set(re.findall(r"\]\(\.\./exercises/([\w-]+\.ipynb)\)", text))
    existing = {p.name for p in (ROOT / "exercises").glob("*.ipynb")}
    assert existing and existing <= linked, sorted(existing - linked)


@pytest.mark.parametrize("name", NAMES)
def test_links_between_notebooks_resolve(name):
    text = "\n".join(c.source for c in _load(name).cells if c.cell_type == "markdown")
    for target in re.findall(r"\]\(([\w./-]+\.ipynb)\)", text):
        assert (NOTEBOOKS / target).resolve().is_file(), target


@pytest.mark.parametrize("name", NAMES)
def test_stored_with_the_outputs_of_one_clean_run(name):
    code = [c for c in _load(name).cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    outputs = [o for c in code for o in c.outputs]
    assert outputs, "outputs are stored, so the notebook reads well without running it"
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]


@pytest.mark.parametrize("name", NAMES)
def test_no_memory_addresses_dates_or_local_paths_in_outputs(name):
    for i, mime, text in _text_outputs(_load(name)):
        assert not re.search(r"\b0x[0-9a-fA-F]{6,}", text), (i, mime, text[:200])
        assert not re.search(r"\b20\d\d-\d\d-\d\d[T ]\d\d:\d\d", text), (i, mime, text[:200])
        assert str(ROOT) not in text, (i, mime, text[:200])


@pytest.mark.parametrize("name", NAMES)
def test_metadata_renders_on_github(name):
    nb = _load(name)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.kernelspec.language == "python"
    # GitHub refuses notebooks whose widget metadata has no state; we store no widget state
    widgets = nb.metadata.get("widgets")
    assert widgets is None or all("state" in v for v in widgets.values())
    for cell in nb.cells:
        assert "execution" not in cell.metadata, "no timestamps"
        for out in cell.get("outputs", []):
            # a widget view without stored state renders as an error; keep the static fallback
            assert WIDGET_VIEW not in out.get("data", {})


@pytest.mark.parametrize("name", NAMES)
def test_widget_outputs_have_text_and_html_fallbacks(name):
    for cell in _load(name).cells:
        if re.search(r"viz\.(animate|train|training)\(", cell.get("source", "")) \
                and cell.cell_type == "code":
            data = [o.data for o in cell.outputs if "data" in o]
            assert data and all({"text/plain", "text/html"} <= set(d) for d in data)


# torch's random functions and layers with random initial weights
_TORCH_RANDOM = re.compile(r"torch\.(randn|rand|randint|randperm|normal)\(|nn\.Linear\(")


@pytest.mark.parametrize("name", NAMES)
def test_randomness_is_seeded_before_use(name):
    code = "\n".join(c.source for c in _load(name).cells if c.cell_type == "code")
    assert not re.search(r"np\.random\.(?!default_rng\(\d)", code), \
        "use np.random.default_rng(<seed>), not NumPy's global random state"
    first_use = _TORCH_RANDOM.search(code)
    if first_use:
        seed = re.search(r"torch\.manual_seed\(\d+\)", code)
        assert seed and seed.start() < first_use.start(), first_use.group(0)


def _build_module():
    spec = importlib.util.spec_from_file_location("_nb_build", NOTEBOOKS / "_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", NAMES)
def test_cells_are_those_of_the_source(name):
    built = _build_module().notebook_from_source(name)
    stored = _load(name)
    assert [(c.cell_type, c.id, c.source) for c in stored.cells] == \
        [(c.cell_type, c.id, c.source) for c in built.cells]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """Every notebook executed again on a fresh kernel (in parallel), written to a temp dir."""
    out = tmp_path_factory.mktemp("notebooks")

    def run(name):
        return subprocess.run([sys.executable, str(NOTEBOOKS / "_build.py"), name,
                               "--output-dir", str(out)],
                              capture_output=True, text=True, timeout=300)

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(NAMES)) as pool:
        results = dict(zip(NAMES, pool.map(run, NAMES)))
    return out, results


_PNG_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def _without_raster_bytes(text: str) -> nbformat.NotebookNode:
    """The notebook with PNG bytes blanked: matplotlib/FreeType versions change them, not us."""
    nb = nbformat.reads(_PNG_URI.sub("data:image/png;base64,<PNG>", text), as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                out.data["image/png"] = "<PNG>"
    return nb


@pytest.mark.parametrize("name", NAMES)
def test_a_second_run_on_a_fresh_kernel_gives_the_stored_outputs(name, rebuilt):
    out, results = rebuilt
    assert results[name].returncode == 0, results[name].stderr[-3000:]
    again = _without_raster_bytes((out / f"{name}.ipynb").read_text(encoding="utf-8"))
    stored = _without_raster_bytes((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    hint = f"rebuild with `python notebooks/_build.py {name}`"
    for i, (a, b) in enumerate(zip(stored.cells, again.cells)):
        assert a == b, f"cell {i} differs: {hint}"
    assert stored == again, hint

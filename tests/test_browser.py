"""Real browser: JupyterLab and Notebook 7 + Debian's headless chromium, driven by Playwright.

Runs tests/browser_nb/animate.ipynb in JupyterLab 4 and in Jupyter Notebook 7 (skipped without
notebook>=7), clicks the animation's next and play buttons and checks that the narration moves
on; then opens a saved .html export and steps it. Screenshots go to $AGT_SCREENSHOTS (default:
pytest's tmp dir), named after the leg (lab_widgets8_end.png, notebook7_widgets8_end.png, ...).
Needs /usr/bin/chromium (apt-get install chromium) and the playwright Python package;
`playwright install` is never needed.

With $AGT_W7_PYTHON set to a Python that has ipywidgets 7.7.1 (Colab's) and JupyterLab 3
with its widget manager (.ci/widgets7.sh makes one), the notebook also runs there.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = Path(__file__).resolve().parent / "browser_nb"
W7_PYTHON = os.environ.get("AGT_W7_PYTHON")
PYTHONS = {"widgets8": sys.executable, **({"widgets7": W7_PYTHON} if W7_PYTHON else {})}


class App(NamedTuple):
    """A Jupyter front end that the test drives: `python -m <module>`, a LabServerApp."""

    module: str
    config: str  # its configurable class, for the command-line options
    notebook_url: str  # the path that opens a notebook
    options: tuple[str, ...] = ()


APPS = {
    "lab": App("jupyterlab", "LabApp", "lab/tree",
               ("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.news_url=None")),
    "notebook7": App("notebook", "JupyterNotebookApp", "notebooks"),
}
# (app, kernel Python); the ipywidgets-7 Python has JupyterLab 3 and notebook 6, so Notebook 7
# runs with the current one only
SERVERS = [("lab", "widgets8"), *([("lab", "widgets7")] if W7_PYTHON else []),
           ("notebook7", "widgets8")]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytest.importorskip("jupyterlab", reason="jupyterlab is missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    path = Path(os.environ.get("AGT_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module", params=SERVERS, ids="-".join)
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """JupyterLab or Notebook 7 on 127.0.0.1 with a token, serving a copy of tests/browser_nb/;
    its kernel runs on the same Python, so it has that Python's ipywidgets. Yields the
    notebook's URL and the leg's name (app_kernel)."""
    name, kernel = request.param
    app = APPS[name]
    if app.module == "notebook":
        pytest.importorskip("notebook", minversion="7", reason="notebook 7 is missing")
    home = tmp_path_factory.mktemp(name)
    work = home / "work"
    shutil.copytree(NOTEBOOKS, work)
    port, token = _free_port(), "agt-browser-test"
    # no "get notified about Jupyter news?" toast over the notebook
    notification = home / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, PYTHONPATH=path,
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "run"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"))
    cmd = [PYTHONS[kernel], "-m", app.module, "--no-browser", "--allow-root",
           "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.token={token}",
           f"--ServerApp.root_dir={work}",
           f"--{app.config}.expose_app_in_browser=True", *app.options]
    log = open(home / "server.log", "wb")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{app.module} did not start:\n"
                                + (home / "server.log").read_text(errors="replace")[-3000:])
                time.sleep(0.3)
        yield f"{url}/{app.notebook_url}/animate.ipynb?token={token}", f"{name}_{kernel}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _narration(page) -> str:
    return page.locator(".ag-eq").first.inner_text()


def test_animate_in_jupyter(server, browser, shots):
    notebook_url, leg = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(notebook_url)
    page.wait_for_selector(".jp-Notebook", timeout=30_000)
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel; return k && k.status === 'idle'; }",
        timeout=30_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    next_button = page.locator("button.jupyter-button", has_text="next")
    try:
        next_button.first.wait_for(timeout=30_000)
    except Exception:
        page.screenshot(path=str(shots / f"{leg}_failed.png"))
        raise
    page.wait_for_selector(".ag-eq", timeout=10_000)
    first = _narration(page)
    assert first.startswith("Inputs")

    next_button.first.click()
    page.wait_for_function(f"() => document.querySelector('.ag-eq').innerText !== {first!r}",
                           timeout=10_000)
    second = _narration(page)
    assert second.startswith("y = x ** 2")
    page.screenshot(path=str(shots / f"{leg}_step2.png"))

    # the Play widget's timer runs in the browser; the kernel follows each tick
    page.locator(".widget-play button").first.click()
    page.wait_for_function("() => document.querySelector('.ag-eq').innerText"
                           ".startsWith('x.grad = ∂z/∂x')",
                           timeout=20_000)
    assert "= 2 · 4 = 8" in _narration(page)
    page.wait_for_timeout(1000)  # one more tick: the Play sees the end and stops
    page.screenshot(path=str(shots / f"{leg}_end.png"))
    page.locator(".jp-OutputArea-output").first.screenshot(path=str(shots / f"{leg}_widget.png"))

    # the training view below it has the same controls
    step = page.locator(".ag-step")
    step.wait_for(timeout=20_000)
    assert step.inner_text().startswith("step 1 of 10")
    next_button.nth(1).click()
    page.wait_for_function(
        "() => document.querySelector('.ag-step').innerText.startsWith('step 2 of 10')",
        timeout=10_000)
    step.scroll_into_view_if_needed()
    training = page.locator(".jp-OutputArea-output").nth(1)
    training.screenshot(path=str(shots / f"{leg}_training.png"))
    page.close()


def test_saved_html_steps_offline(browser, shots, tmp_path):
    script = ("import autograd_tutor as torch\nfrom autograd_tutor import viz\n"
              "x = torch.tensor([2.0], requires_grad=True)\ny = x ** 2\nz = 2 * y + 3\n"
              f"viz.animate(z).save({str(tmp_path / 'backprop.html')!r})\n")
    subprocess.run([sys.executable, "-c", script], check=True,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)))
    context = browser.new_context(offline=True)
    page = context.new_page()
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto((tmp_path / "backprop.html").as_uri())
    first = _narration(page)
    page.click("#next")
    assert _narration(page) != first
    page.click("#play")
    page.wait_for_function("() => document.querySelector('.ag-eq').innerText"
                           ".startsWith('x.grad = ∂z/∂x')",
                           timeout=15_000)
    page.screenshot(path=str(shots / "export.png"))
    assert not failed
    context.close()

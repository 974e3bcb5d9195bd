"""Real browser, classic Notebook with ipywidgets 7.7.1: the closest thing to Colab's front end.

The Colab-like venv of test_colab_like.py (Notebook 6.5, ipywidgets 7.7.1 with
widgetsnbextension 3.6, IPython 7, ipykernel 6; no autograd_tutor) serves a copy of the demo;
Debian's headless chromium, driven by Playwright, runs all its cells at once (Kernel > Run
All) — the first installs the session's wheel, as in Colab —, checks that both views are shown
and steps the animation with its buttons. Screenshots go
to $AGT_SCREENSHOTS (default: pytest's tmp dir) as classic_widgets7_*.png.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import _packaging
import pytest
from _packaging import ROOT, dist

from autograd_tutor._course import INSTALL_ENV

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
KERNEL = "colab-sim"
TOKEN = "agt-classic-test"

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def notebook_url(tmp_path_factory) -> Iterator[str]:
    """Notebook 6.5 on 127.0.0.1 serving a copy of the demo that runs on the venv's kernel."""
    env = _packaging.venv("colab", _packaging.python_of("3.12"), _packaging.COLAB)
    done = _packaging.run(env, "python", "-m", "ipykernel", "install", "--sys-prefix",
                          "--name", KERNEL, cwd=env.path)
    assert done.returncode == 0, done.stderr[-2000:]
    env.uninstall()
    home = tmp_path_factory.mktemp("classic")
    work = home / "work"
    work.mkdir()
    demo = json.loads((ROOT / "notebooks" / "demo.ipynb").read_text(encoding="utf-8"))
    demo["metadata"]["kernelspec"] = {"name": KERNEL, "display_name": KERNEL,
                                      "language": "python"}
    (work / "demo.ipynb").write_text(json.dumps(demo), encoding="utf-8")
    port = _free_port()
    server_env = _packaging.clean_env(
        JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "run"),
        JUPYTER_DATA_DIR=str(home / "data"), PIP_NO_INDEX="1",
        **{INSTALL_ENV: str(dist().wheel)})
    log = open(home / "server.log", "wb")
    server = subprocess.Popen(
        [str(env.python), "-m", "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--NotebookApp.token={TOKEN}", f"--notebook-dir={work}"],
        env=server_env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"{url}/api/status?token={TOKEN}"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("Notebook 6 did not start:\n"
                            + (home / "server.log").read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield f"{url}/notebooks/demo.ipynb?token={TOKEN}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        env.install_wheel()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    path = Path(os.environ.get("AGT_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _narration(page) -> str:
    return page.locator(".ag-eq").first.inner_text()


def _narration_is(page, condition: str) -> None:
    """Wait until the narration's text satisfies the JavaScript `condition` on ``text`` (the
    caption is re-rendered on every step, so it may be missing for a moment)."""
    page.wait_for_function("() => { const e = document.querySelector('.ag-eq');"
                           f" const text = e && e.innerText; return text && ({condition}); }}",
                           timeout=30_000)


def test_the_demo_installs_itself_and_animates_in_the_classic_notebook(notebook_url, shots):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        console = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        page.goto(notebook_url)
        # the kernel is up and widgetsnbextension has made its widget manager (a widget
        # displayed before that stays blank)
        page.wait_for_function("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook"
                               ".kernel && Jupyter.notebook.kernel.is_connected()"
                               " && Jupyter.notebook.kernel.widget_manager !== undefined",
                               timeout=60_000)
        # Kernel > Run All at once, as a student in a hurry does. The widget manager's
        # request for the kernel's widgets waits behind every cell; when it is answered it
        # re-renders the cells with widgets, which used to blank the views already shown
        # (widgetsnbextension 3.6): widget.KEEP_VIEWS_JS leaves cells with live views alone.
        next_button = page.locator("button.jupyter-button", has_text="next")
        try:
            page.evaluate("Jupyter.notebook.execute_all_cells()")
            page.wait_for_function("() => Jupyter.notebook.get_cells().every(c => c.cell_type"
                                   " !== 'code' || typeof c.input_prompt_number === 'number')",
                                   timeout=300_000)
            page.wait_for_timeout(2000)  # the manager's late re-rendering, if any
            assert page.locator(".ag-view").count() == 2  # the animation and the training
            assert page.locator(".ag-view .ag-counter").count() == 2
            next_button.first.wait_for(timeout=20_000)
            page.wait_for_selector(".ag-eq", timeout=10_000)
        except Exception:
            page.screenshot(path=str(shots / "classic_widgets7_failed.png"))
            print("browser console:", "\n".join(console)[-5000:])
            raise
        page.locator(".ag-view").first.scroll_into_view_if_needed()
        first = _narration(page)
        assert first.startswith("Inputs")
        next_button.first.click()
        _narration_is(page, f"text !== {first!r}")
        assert _narration(page).startswith("y = x ** 2")
        page.locator(".widget-play button").first.click()
        _narration_is(page, "text.startsWith('x.grad = ∂z/∂x')")
        assert "= 2 · 4 = 8" in _narration(page)
        page.locator(".ag-eq").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "classic_widgets7_end.png"))
        browser.close()

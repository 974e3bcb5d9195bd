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
from _caption_check import Oracle
from _caption_check import problems as caption_problems

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
        yield f"{url}/{app.notebook_url}/{{}}?token={token}", f"{name}_{kernel}"
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
    page.goto(notebook_url.format("animate.ipynb"))
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


# ---------------------------------------------------------------- fit and accessibility

# The visible part of an element: its box clipped by every scrolling or clipping ancestor
# and by the window. Returns [left, top, right, bottom].
_VISIBLE_JS = """
(el) => {
  const r = el.getBoundingClientRect();
  const box = [r.left, r.top, r.right, r.bottom];
  const clip = [0, 0, window.innerWidth, window.innerHeight];
  // <body>'s overflow applies to the window (JupyterLab's body is 0 px high)
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const s = getComputedStyle(p);
    const q = p.getBoundingClientRect(), cuts = /(auto|scroll|hidden|clip)/;
    if (cuts.test(s.overflowX)) {
      clip[0] = Math.max(clip[0], q.left); clip[2] = Math.min(clip[2], q.left + p.clientWidth);
    }
    if (cuts.test(s.overflowY)) {
      clip[1] = Math.max(clip[1], q.top); clip[3] = Math.min(clip[3], q.top + p.clientHeight);
    }
  }
  return {box, clip};
}
"""
_CONTROLS = "button:visible, .widget-slider:visible, select:visible"
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}


def _inside(page, locator) -> list:
    """[] if the element is wholly inside the visible part of the output, else its geometry."""
    g = locator.evaluate(_VISIBLE_JS)
    (l, t, r, b), (cl, ct, cr, cb) = g["box"], g["clip"]
    ok = l >= cl - 1 and t >= ct - 1 and r <= cr + 1 and b <= cb + 1
    return [] if ok else [g]


def _axe(page, leg: str, context: str = ".jp-OutputArea-output") -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, context=context)
    bad = [v for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    return [f"{leg}: axe {v['id']} ({v['impact']}): "
            + "; ".join(n["html"][:160] for n in v["nodes"][:3]) for v in bad]


def _set_theme(page, theme: str) -> None:
    page.evaluate(f"window.jupyterapp.commands.execute('apputils:change-theme',"
                  f" {{theme: {THEMES[theme]!r}}})")
    light = "true" if theme == "light" else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === {light!r}",
                           timeout=20_000)
    page.wait_for_timeout(500)


def _open(page, url: str, name: str) -> None:
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=30_000)
    # JupyterLab may restore a notebook of an earlier test in another tab: show ours
    page.wait_for_function(
        "(name) => { const app = window.jupyterapp; if (!app) return false;"
        " const it = app.shell.widgets('main'), ws = [];"  # JupyterLab 3: a Lumino 1 iterator
        " if (it[Symbol.iterator]) ws.push(...it);"
        " else for (let x = it.next(); x !== undefined; x = it.next()) ws.push(x);"
        " const w = ws.find(w => w.context && w.context.path === name);"
        " if (!w) return false; app.shell.activateById(w.id);"
        " return app.shell.currentWidget === w; }", arg=name, timeout=30_000)
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel; return k && k.status === 'idle'; }",
        timeout=30_000)


# A new step must be on the page within 100 ms (issue 12): from the click on "next" to the
# new picture in the DOM (the view writes it last), through the kernel and back.
STEP_MS = 100
_TIMER_JS = """
(view) => {
  view.agTimes = [];
  if (view.agTimer) return;
  view.agTimer = true;
  view.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (b && b.textContent.includes('next')) view.agStart = performance.now();
  }, true);
  new MutationObserver(() => {
    if (view.agStart) { view.agTimes.push(performance.now() - view.agStart); view.agStart = 0; }
  }).observe(view.querySelector('.ag-picture'), {childList: true, subtree: true});
}
"""


def _oracles() -> dict:
    """Per graph of graphs.ipynb that has captions to check: its numbers in PyTorch."""
    pytest.importorskip("torch", reason="PyTorch is the oracle of the captions")
    sys.path.insert(0, str(NOTEBOOKS))
    import graphs_src

    return {name: Oracle(build, graphs_src.OUTPUTS[name])
            for name, build in graphs_src.GRAPHS.items()}


def test_views_fit_and_are_accessible(server, browser, shots):
    """Every view of graphs.ipynb at a 1,024 px window, light and dark: at every step the
    current node and the controls are inside the visible output, the caption's numbers are
    PyTorch's (read from the page, checked by tests/_caption_check.py), and axe finds nothing
    serious or critical."""
    notebook_url, leg = server
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    _open(page, notebook_url.format("graphs.ipynb"), "graphs.ipynb")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    outputs = page.locator(".jp-OutputArea-output:has(.ag-view)")
    page.wait_for_function("() => document.querySelectorAll('.ag-view .ag-counter').length >= 8",
                           timeout=120_000)
    kernel_path = page.locator(".jp-OutputArea-output", has_text="autograd_tutor from")
    kernel_path = kernel_path.text_content().split("autograd_tutor from", 1)[1].strip()
    assert Path(kernel_path).resolve() == (ROOT / "autograd_tutor").resolve()  # this checkout
    names = ["chapter", "twice", "broadcast", "cut", "mlp", "wide", "deep", "training"]
    problems: list[str] = []
    oracles = _oracles()
    timings: dict[str, list[float]] = {}
    # the window's own output width (about 900 px here), then outputs of 800 px
    for theme, output_px in (("light", None), ("dark", None), ("light", 800)):
        _set_theme(page, theme)
        if output_px:  # JupyterLab's file browser folded away: the outputs get wider than that
            page.evaluate("() => { const s = window.jupyterapp.shell;"
                          " if (s.collapseLeft) s.collapseLeft(); }")
            page.add_style_tag(
                content=f".jp-OutputArea-output{{max-width:{output_px}px!important}}")
            page.wait_for_timeout(500)
        where = f"{theme}{'_' + str(output_px) if output_px else ''}"
        for k, name in enumerate(names):
            out = outputs.nth(k)
            view = out.locator(".ag-view")
            # like a reader: scroll the view's top to the top of the notebook, then only step
            out.evaluate("e => e.scrollIntoView({block: 'start'})")
            counter = view.locator(".ag-counter")
            reset = view.locator("button", has_text="start")
            reset.click()
            page.wait_for_function("e => e.innerText.startsWith('step 1 ')",
                                   arg=counter.element_handle(), timeout=10_000)
            width = out.evaluate("e => [e.scrollWidth, e.clientWidth]")
            if width[0] > width[1] + 1:
                problems.append(f"{where} {name}: the output scrolls sideways {width}")
            if output_px and abs(width[1] - output_px) > 2:
                problems.append(f"{where} {name}: the output is {width[1]} px wide")
            total = int(counter.inner_text().split("/")[-1].split()[0].strip())
            captions = []
            if where == "light":  # time each new step from the click to the new picture
                view.evaluate(_TIMER_JS)
            for i in range(total):
                if name in oracles and where == "light":  # the text as written, not as laid out
                    captions.append(view.locator(".ag-eq").first.text_content())
                current = view.locator(".ag-current")
                if name != "training" and i > 0:  # step 1 lists the inputs: no current node
                    current.first.wait_for(state="attached", timeout=10_000)
                    page.wait_for_timeout(30)  # the view's own scrolling, if any
                    if bad := _inside(page, current.first):
                        problems.append(f"{where} {name} step {i + 1}: current node hidden {bad}")
                # the controls and the caption stay in view; only the picture scrolls
                for c in range(view.locator(_CONTROLS).count()):
                    if bad := _inside(page, view.locator(_CONTROLS).nth(c)):
                        problems.append(f"{where} {name} step {i + 1}: control {c} hidden {bad}")
                if name != "training" and (bad := _inside(page, view.locator(".ag-eq").first)):
                    problems.append(f"{where} {name} step {i + 1}: caption hidden {bad}")
                if i in (0, total // 2):
                    out.screenshot(path=str(shots / f"{leg}_{where}_{name}_{i + 1}.png"))
                if i + 1 < total:
                    view.locator("button", has_text="next").click()
                    page.wait_for_function(
                        f"e => e.innerText.startsWith('step {i + 2} ')",
                        arg=counter.element_handle(), timeout=10_000)
            if where == "light":
                ms = sorted(view.evaluate("v => v.agTimes"))
                timings[name] = ms
                if ms and ms[len(ms) // 2] > STEP_MS:
                    problems.append(f"{name}: a new step takes {ms[len(ms) // 2]:.0f} ms "
                                    f"(median; max {ms[-1]:.0f} ms) to reach the page")
            if captions:  # every step's numbers are PyTorch's
                problems += [f"{name}: {p}" for p in caption_problems(captions, oracles[name])]
            # at the last step keyboard focus stays on "next", inside the view
            if not view.evaluate("v => v.contains(document.activeElement)"):
                problems.append(f"{where} {name}: focus left the view at the last step")
            out.screenshot(path=str(shots / f"{leg}_{where}_{name}_end.png"))
        problems += _axe(page, f"{leg} {where}")
    page.close()
    (shots / f"{leg}_step_ms.txt").write_text("".join(
        f"{name}: median {ms[len(ms) // 2]:.0f} ms, max {ms[-1]:.0f} ms over {len(ms)} steps\n"
        for name, ms in timings.items() if ms))
    assert not problems, "\n".join(problems)


def test_saved_html_fits_and_is_accessible(browser, shots, tmp_path):
    """The exported page of the MLP graph, light and dark (the system's preference): at every
    step the current node and the controls are in view at a 1,024 px window, axe finds nothing
    serious or critical, and each step is announced in a live region."""
    script = ("import autograd_tutor as torch\nfrom autograd_tutor import nn, viz\n"
              "torch.manual_seed(0)\nX = torch.randn(4, 3)\n"
              "net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))\n"
              "loss = nn.MSELoss()(net(X), torch.randn(4, 1))\n"
              f"viz.animate(loss).save({str(tmp_path / 'mlp.html')!r})\n")
    subprocess.run([sys.executable, "-c", script], check=True,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)))
    problems: list[str] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(offline=True, color_scheme=scheme,
                                      viewport={"width": 1024, "height": 800})
        page = context.new_page()
        page.goto((tmp_path / "mlp.html").as_uri())
        total = int(page.locator("#counter").inner_text().split("/")[-1])
        for i in range(total):
            if i:
                page.click("#next")
                assert page.locator("#live").inner_text().startswith(f"step {i + 1} of ")
                if bad := _inside(page, page.locator(".ag-current").first):
                    problems.append(f"{scheme} step {i + 1}: current node hidden {bad}")
            for c in range(page.locator(_CONTROLS).count()):
                if bad := _inside(page, page.locator(_CONTROLS).nth(c)):
                    problems.append(f"{scheme} step {i + 1}: control {c} hidden {bad}")
            if i == total // 2:
                page.screenshot(path=str(shots / f"export_{scheme}.png"))
        assert page.evaluate("document.activeElement.id") == "next"  # focus stays on next
        problems += _axe(page, f"export {scheme}", context="main")
        context.close()
    assert not problems, "\n".join(problems)

"""Run a notebook's code cells top to bottom in a fresh, limited Python process.

The parent (`run_notebook`) starts ``python .../_runner.py`` (as a script, so that nothing but
this file is imported before the limits are set) in its own process group, hands it the code
cells on stdin, and waits with a timeout; on timeout it kills the whole group. The child
(`_child_main`) caps its address space with ``RLIMIT_AS`` and runs the cells in order,
continuing past errors the way "Run All" with errors ignored would, so later checks still count.

Why IPython's ``InteractiveShell`` and not a Jupyter kernel: it understands everything students
type in cells (``%magics``, ``!shell`` lines, ``display()``), starts in a fraction of a second,
needs no ZeroMQ, no ports and no ``ipykernel``, and leaves exactly one process to limit and kill.
Comm-based widgets do not work without a kernel, which grading does not need.

What crosses back to the parent: the record file that ``check`` appends to (the student's
answers as JSON, graded by the parent) and an events file (which cell started, which failed,
whether the run reached its end). Every event carries a random nonce given on stdin, so a
notebook that ends early cannot simply print or write that it finished. Neither file is trusted:
both are read with size caps, line by line, skipping what does not parse.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

if __name__ != "__main__":  # the child imports nothing before its limits are set
    from ._sandbox import Sandbox, track, tree, tree_memory

MAX_NOTEBOOK_BYTES = 50 * 2**20
MAX_RECORD_BYTES = 16 * 2**20
MAX_EVENTS_BYTES = 64 * 2**20
_LOG_TAIL_BYTES = 16 * 2**10
MAX_PROCESSES = 64  # processes (and threads) of one run, together
MAX_FILE_MB = 256  # the largest file a run may write
_WATCH_SECONDS = 0.1
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# What a run can end as (the "status of the run" in grades.csv).
RUN_OK = "ok"
RUN_TIMEOUT = "timeout"
RUN_CRASHED = "crashed"
RUN_MEMORY = "memory"
RUN_INVALID = "invalid notebook"

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_live: set = set()  # the notebook processes now running, so that Ctrl-C can end them all
_live_lock = threading.Lock()


class NotebookError(ValueError):
    """The file is not a Jupyter notebook we can run (not JSON, not nbformat 4, ...)."""


def read_notebook(path: str | os.PathLike) -> dict:
    """Load and sanity-check an ``.ipynb`` file without trusting anything in it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(f"{path.name} is {size // 2**20} MB; notebooks above "
                                f"{MAX_NOTEBOOK_BYTES // 2**20} MB are not run. Clear the outputs "
                                "(Edit > Clear All Outputs) and save again.")
        text = path.read_bytes().decode("utf-8")
        nb = json.loads(text)
    except NotebookError:
        raise
    except UnicodeDecodeError as exc:
        raise NotebookError(f"{path.name} is not UTF-8 text ({exc.reason}).") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotebookError(f"{path.name} is not valid notebook JSON ({exc}). Was it saved "
                            "completely? Re-download it or save it again from Jupyter.") from None
    except OSError as exc:
        raise NotebookError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        if isinstance(nb, dict) and "worksheets" in nb:
            raise NotebookError(f"{path.name} uses the old nbformat 3; open it in Jupyter and "
                                "save it again to convert it.")
        raise NotebookError(f"{path.name} has no list of cells, so it is not a Jupyter notebook.")
    try:
        code_sources(nb)
    except NotebookError as exc:
        raise NotebookError(f"{path.name}: {exc}") from None
    return nb


def code_sources(nb: dict) -> List[str]:
    """The source text of every code cell, in order (nbformat stores it as str or list of str)."""
    sources = []
    for number, cell in enumerate(nb["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookError(f"cell {number} has a source that is not text.")
        sources.append(source)
    return sources


@dataclass
class RunOutcome:
    """What happened when a notebook ran: how it ended and what it sent back."""

    status: str  # RUN_OK, RUN_TIMEOUT, RUN_CRASHED, RUN_MEMORY or RUN_INVALID
    detail: str = ""
    seconds: float = 0.0
    cells_total: int = 0
    cells_run: int = 0
    cell_errors: List[Tuple[int, str]] = field(default_factory=list)
    record: bytes = b""  # the raw record file, at most MAX_RECORD_BYTES
    record_truncated: bool = False
    log_tail: str = ""
    notebook: Optional[dict] = None
    outputs: Dict[int, dict] = field(default_factory=dict)  # code-cell index -> end event


def run_notebook(path: str | os.PathLike, *, timeout: float = 120.0, memory_mb: int = 2048,
                 cwd: str | os.PathLike | None = None, capture_outputs: bool = False,
                 sandbox: Optional[Sandbox] = None, max_procs: int = MAX_PROCESSES,
                 ) -> RunOutcome:
    """Run every code cell of the notebook at ``path`` in a fresh process and report back.

    ``cwd`` is the working directory of the run (default: the notebook's folder, as in
    Jupyter). With a ``sandbox`` (grading) the run gets its own empty folders, user and
    namespaces instead (see `_sandbox`), and nothing of the grader's environment. Memory
    (``memory_mb``) and ``max_procs`` hold for the run's whole process tree. With
    ``capture_outputs`` the cells' outputs come back too (see `executed_notebook`).
    """
    path = Path(path)
    started = time.monotonic()
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        return RunOutcome(RUN_INVALID, str(exc))
    sources = code_sources(nb)
    with contextlib.ExitStack() as stack:
        if sandbox is not None:
            box = sandbox.new_run()
            stack.callback(box.finish)
            io = box.io
        else:
            box, io = None, Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="autograd-tutor-")))
        record_path, events_path = io / "record.jsonl", io / "events.jsonl"
        for file in (record_path, events_path):
            file.touch()
            if box is not None:
                box.own(file)
        nonce = secrets.token_hex(16)
        spec = {"cells": sources, "nonce": nonce, "memory_mb": memory_mb,
                "capture": capture_outputs, "max_procs": None, "timeout": timeout,
                "events": box.inside(events_path) if box else str(events_path)}
        if box is None:
            argv = [sys.executable, os.path.abspath(__file__)]
            popen: Dict[str, Any] = {"cwd": str(cwd if cwd is not None
                                                else path.parent.resolve()),
                                     "env": _child_env(record_path, io / "ipython")}
        else:
            argv = box.command([sys.executable,
                                f"{box.package}/autograd_tutor/exercises/_runner.py"])
            popen = {"cwd": box.cwd(), **box.popen_user(),
                     "env": box.env(_sandbox_env(box.inside(record_path), box.home))}
            if box.uid is not None:
                spec["max_procs"] = max_procs  # RLIMIT_NPROC counts the run's user only
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                start_new_session=(os.name == "posix"), **popen)
        track(proc.pid, True)
        tail = _TailReader(proc.stdout)
        with _live_lock:
            _live.add(proc)
        try:
            try:
                proc.stdin.write(json.dumps(spec).encode("utf-8"))
                proc.stdin.close()
            except OSError:  # the child died before reading its cells; its exit code says why
                pass
            returncode, ended = _wait(proc, timeout, memory_mb, max_procs,
                                      watch=box is not None)
        finally:  # also on Ctrl-C; ends anything the notebook started and left running
            _kill_group(proc)
            proc.wait()
            track(proc.pid, False)
            with _live_lock:
                _live.discard(proc)
        tail.join(timeout=5)
        events = _read_events(events_path, nonce)
        record, truncated = _read_capped(record_path, MAX_RECORD_BYTES)
    outcome = _classify(events, returncode, ended, timeout, memory_mb, len(sources))
    outcome.seconds = time.monotonic() - started
    outcome.record, outcome.record_truncated = record, truncated
    outcome.log_tail = tail.text()
    outcome.notebook = nb
    if capture_outputs:
        outcome.outputs = {e["cell"]: e for e in events if e.get("event") == "end"}
    return outcome


def _wait(proc: subprocess.Popen, timeout: float, memory_mb: int, max_procs: int,
          watch: bool) -> Tuple[int, Optional[str]]:
    """Wait for the run; kill its tree on timeout or (with ``watch``) when all its processes
    together use more than ``memory_mb`` or number more than ``max_procs``.
    Returns the exit code and why the grader ended it (None, "timeout", "memory", "processes").
    """
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        try:
            return proc.wait(min(left, _WATCH_SECONDS) if watch else left), None
        except subprocess.TimeoutExpired:
            pass
        reason = "timeout" if time.monotonic() >= deadline else None
        if reason is None and watch:
            members = tree(proc.pid)
            if len(members) > max_procs + 2:  # + bubblewrap and its init
                reason = "processes"
            elif tree_memory(members) > memory_mb * 2**20:
                reason = "memory"
        if reason is not None:
            _kill_group(proc)
            for member in tree(proc.pid):
                _kill_pid(member)
            return proc.wait(), reason


def stop_all_runs() -> None:
    """Kill every notebook process still running (e.g. when the user presses Ctrl-C)."""
    with _live_lock:
        running = list(_live)
    for proc in running:
        _kill_group(proc)


def executed_notebook(outcome: RunOutcome) -> dict:
    """The notebook of a `run_notebook(..., capture_outputs=True)` run, with its outputs."""
    nb = json.loads(json.dumps(outcome.notebook))
    index = 0
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        end = outcome.outputs.get(index, {})
        cell["outputs"] = end.get("outputs", []) if isinstance(end.get("outputs"), list) else []
        count = end.get("count")
        cell["execution_count"] = count if isinstance(count, int) else None
        index += 1
    return nb


def _child_env(record_path: Path, ipython_dir: Path) -> Dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    env.update({
        "AUTOGRAD_TUTOR_RECORD": str(record_path),
        "MPLBACKEND": "Agg",
        "IPYTHONDIR": str(ipython_dir),
        # The child must import this very copy of autograd_tutor, whatever its cwd is.
        "PYTHONPATH": os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p),
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        # One BLAS thread per notebook: grading runs several notebooks side by side.
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    })
    return env


def _sandbox_env(record: str, home: str) -> Dict[str, str]:
    return {"AUTOGRAD_TUTOR_RECORD": record, "MPLBACKEND": "Agg",
            "IPYTHONDIR": home + "/.ipython", "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _kill_pid(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


class _TailReader(threading.Thread):
    """Drains the child's stdout so it never blocks, keeping only the last few kB."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self._stream = stream
        self._buffer = bytearray()
        self.start()

    def run(self) -> None:
        while True:
            chunk = self._stream.read1(65536)
            if not chunk:
                break
            self._buffer += chunk
            del self._buffer[:-_LOG_TAIL_BYTES]
        self._stream.close()

    def text(self) -> str:
        return bytes(self._buffer).decode("utf-8", "replace")


def _read_capped(path: Path, limit: int) -> Tuple[bytes, bool]:
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError:
        return b"", False
    return data[:limit], len(data) > limit


def _read_events(path: Path, nonce: str) -> List[dict]:
    data, _ = _read_capped(path, MAX_EVENTS_BYTES)
    events = []
    for line in data.splitlines():
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(event, dict) and event.get("nonce") == nonce:
            events.append(event)
    return events


def _classify(events: List[dict], returncode: int, ended: Optional[str], timeout: float,
              memory_mb: int, cells_total: int) -> RunOutcome:
    started = [e["cell"] for e in events if e.get("event") == "start" and _is_int(e.get("cell"))]
    ends = [e for e in events if e.get("event") == "end" and _is_int(e.get("cell"))]
    finished = any(e.get("event") == "done" for e in events)
    errors = [(e["cell"] + 1, str(e.get("error"))[:300]) for e in ends if e.get("error")]
    memory = [e["cell"] + 1 for e in ends if e.get("memory") is True]
    where = f"cell {started[-1] + 1} of {cells_total} (counting code cells)" if started else \
        "before the first cell"
    outcome = RunOutcome(RUN_OK, cells_total=cells_total, cells_run=len(ends),
                         cell_errors=errors)
    if ended == "processes":
        outcome.status = RUN_CRASHED
        outcome.detail = (f"stopped while running {where}: it started more than "
                          f"{MAX_PROCESSES} processes. Look for code that starts processes "
                          "in a loop.")
    elif ended == "memory":
        outcome.status = RUN_MEMORY
        outcome.detail = (f"stopped while running {where}: its processes together used more "
                          f"than {memory_mb} MB. Look for a tensor far bigger than intended.")
    elif ended == "timeout":
        outcome.status = RUN_TIMEOUT
        outcome.detail = (f"stopped after {timeout:g} s while running {where}; checks after it "
                          "did not run. Look for an endless loop or a very slow cell.")
    elif memory:
        outcome.status = RUN_MEMORY
        outcome.detail = (f"code cell {memory[0]} ran out of memory (limit {memory_mb} MB). "
                          "Look for a tensor far bigger than intended.")
    elif not finished:
        outcome.status = RUN_CRASHED
        if returncode < 0:
            name = _signal_name(-returncode)
            how = f"was killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
            look = "code that crashes Python itself (ctypes, a broken extension)"
        else:
            how = f"exited with code {returncode}"
            look = "os._exit() or other code that ends the Python process"
        outcome.detail = (f"the notebook {how} in {where}; checks after it did not run. "
                          f"Look for {look}.")
    return outcome


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# --------------------------------------------------------------------------- the child side


def _child_main() -> None:
    sys.path[0] = ""  # the notebook's folder, as in Jupyter, not this file's
    spec = json.loads(sys.stdin.buffer.read())
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # input() and !commands read nothing instead of hanging the run
    os.close(devnull)
    _set_limits(spec)
    events = open(spec["events"], "a", encoding="utf-8")
    nonce = spec["nonce"]

    def emit(**event: Any) -> None:
        event["nonce"] = nonce
        events.write(json.dumps(event, default=repr) + "\n")
        events.flush()

    shell = _make_shell(capture=spec["capture"])
    for index, source in enumerate(spec["cells"]):
        emit(event="start", cell=index)
        shell.outputs = []
        result = shell.run_cell(source, store_history=True)
        error = result.error_before_exec or result.error_in_exec
        emit(event="end", cell=index, count=shell.execution_count - 1,
             error=_describe(error) if error is not None else None,
             memory=isinstance(error, MemoryError),
             outputs=shell.outputs if spec["capture"] else None)
    emit(event="done")
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - the notebook may have replaced or closed them
            pass
    os._exit(0)  # skip atexit handlers the notebook may have registered


def _set_limits(spec: dict) -> None:
    """Per-process limits: address space, file size, CPU time, and (when the run has a user
    of its own) the number of processes of that user, i.e. of the whole run."""
    try:
        import resource
    except ImportError:  # not on POSIX: no limits but the timeout
        return
    limits = [(resource.RLIMIT_AS, int(spec["memory_mb"]) * 2**20),
              (resource.RLIMIT_FSIZE, MAX_FILE_MB * 2**20),
              (resource.RLIMIT_CPU, int(spec.get("timeout", 120)) + 5)]
    if spec.get("max_procs"):
        limits.append((resource.RLIMIT_NPROC, int(spec["max_procs"])))
    for which, limit in limits:
        try:
            resource.setrlimit(which, (limit, limit))
        except (ValueError, OSError):  # e.g. macOS refuses RLIMIT_AS; the timeout still applies
            pass


def _describe(error: BaseException) -> str:
    try:
        message = str(error)
        return f"{type(error).__name__}: {message}"[:300] if message else type(error).__name__
    except Exception:  # noqa: BLE001 - a hostile __str__
        return type(error).__name__


def _is_pip(command: str) -> bool:
    words = command.split()
    return bool(words) and (words[0] in ("pip", "pip3", "conda", "mamba", "uv")
                            or words[1:3] == ["-m", "pip"])


def _make_shell(capture: bool) -> Any:
    """An InteractiveShell that skips installs and, with ``capture``, keeps cell outputs."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False,
                    **kwargs):
            if capture:
                self.shell.outputs.append({"output_type": "display_data",
                                           "data": _jsonable_mime(data),
                                           "metadata": _jsonable_mime(metadata or {})})
            else:
                super().publish(data, metadata, source, transient=transient, update=update)

    class Hook(DisplayHook):
        def write_output_prompt(self):
            if not capture:
                super().write_output_prompt()

        def finish_displayhook(self):
            if not capture:
                super().finish_displayhook()

        def write_format_data(self, format_dict, md_dict=None):
            if capture:
                self.shell.outputs.append({"output_type": "execute_result",
                                           "execution_count": self.prompt_count,
                                           "data": _jsonable_mime(format_dict),
                                           "metadata": _jsonable_mime(md_dict or {})})
            else:
                super().write_format_data(format_dict, md_dict)

    class Shell(InteractiveShell):
        display_pub_class = Type(Publisher)
        displayhook_class = Type(Hook)

        def enable_gui(self, gui=None):
            """No GUI event loop: figures are drawn headless."""

        def system(self, cmd):
            if _is_pip(cmd):
                _skipped_install("")(cmd)
            else:
                super().system(cmd)

        def _showtraceback(self, etype, evalue, stb):
            if capture:
                self.outputs.append({"output_type": "error", "ename": etype.__name__,
                                     "evalue": _describe(evalue).partition(": ")[2],
                                     "traceback": list(stb)})
            print(self.InteractiveTB.stb2text(stb), file=sys.__stderr__)

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.colors = "nocolor"  # IPython 9 accepts lower case only
    if not capture:  # tracebacks only go to the log: skip the slow source-context ones
        config.InteractiveShell.xmode = "Plain"
    shell = Shell.instance(config=config)
    shell.outputs = []

    for name in ("pip", "conda", "mamba"):
        shell.register_magic_function(_skipped_install(name), "line", name)
    if capture:
        shell.enable_matplotlib("inline")
        sys.stdout = _Stream("stdout", shell)
        sys.stderr = _Stream("stderr", shell)
    else:
        shell.register_magic_function(lambda line: None, "line", "matplotlib")
    return shell


def _skipped_install(magic: str) -> Any:
    def skip(line: str) -> None:
        command = f"%{magic} {line.strip()}" if magic else line.strip()
        print(f"(autograd-tutor skipped `{command}`: packages are not installed while checking)")
    return skip


class _Stream:
    """Stands in for sys.stdout/stderr: keeps the text as a notebook stream output."""

    def __init__(self, name: str, shell: Any) -> None:
        self.name = name
        self._shell = shell
        self._real = getattr(sys, f"__{name}__")

    def write(self, text: str) -> int:
        text = str(text).replace("\r\n", "\n")
        outputs = self._shell.outputs
        if outputs and outputs[-1].get("name") == self.name:
            outputs[-1]["text"] += text
        else:
            outputs.append({"output_type": "stream", "name": self.name, "text": text})
        self._real.write(text)
        return len(text)

    def flush(self) -> None:
        self._real.flush()

    def isatty(self) -> bool:
        return False


def _jsonable_mime(data: dict) -> dict:
    """A display bundle as nbformat stores it: bytes (PNG ...) become base64 text.

    Widget views are dropped: without a kernel there is no widget state to save with them, so
    Jupyter would show "model not found" instead of the widget's static HTML fallback.
    """
    out = {}
    for key, value in data.items():
        if key == _WIDGET_VIEW:
            continue
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        out[str(key)] = value
    return json.loads(json.dumps(out, default=repr))


if __name__ == "__main__":
    _child_main()

"""Where a submission runs: a private folder, its own user, and the strongest walls available.

Levels, strongest first (`Sandbox.level`):

- ``bwrap``: bubblewrap namespaces. The run sees a read-only view of the system and of Python,
  the package (without answer keys) at ``/opt/autograd-tutor``, its own empty ``/work``
  (cwd and ``HOME``) and ``/tmp``, no network, no other process (own PID namespace: when the
  run ends every process in it is gone) and dies with the grader (``--die-with-parent``).
- ``process``: its own session and folders; the grader is a child subreaper, so processes that
  re-parent are still the grader's to kill.

On both levels, when the grader runs as root and the student's code can reach Python, the run
also drops to a fresh unprivileged user id (one per run, never reused while it lives), so it can
signal nothing of the grader's, read nothing private, and ``RLIMIT_NPROC`` caps its processes.
Memory and process count are also watched for the whole tree by the grader (`RunBox.check`).
"""

from __future__ import annotations

import ast
import compileall
import ctypes
import fcntl
import os
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Set

LEVEL_BWRAP = "bwrap"
LEVEL_PROCESS = "process"
LEVELS = (LEVEL_BWRAP, LEVEL_PROCESS)
PACKAGE_MOUNT = "/opt/autograd-tutor"
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
# Spec keywords that hold answers or judge them: the child's copy of the specs has none of them.
ANSWER_KEYWORDS = ("expected", "alternates", "judge", "custom", "misconception_hints", "hints")
_UID_BASE, _UID_SPAN = 3_000_000, 1 << 20
_UID_LOCKS = Path(tempfile.gettempdir(), "autograd-tutor-uids")
_PR_SET_CHILD_SUBREAPER = 36


# --------------------------------------------------------------------- the child's package


def strip_answer_keys(source: str, exported: Set[str] = frozenset()) -> str:
    """A spec module's source without answer keys: answer keywords dropped from every call,
    then every top-level function or constant nothing uses (to a fixed point) except the
    ``exported`` names that other modules import."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            node.keywords = [k for k in node.keywords if k.arg not in ANSWER_KEYWORDS]
    while True:
        used = _name_reads(tree)
        used.update(dict.fromkeys(exported, 1))
        keep = [s for s in tree.body if not _unused(s, used)]
        if len(keep) == len(tree.body):
            break
        tree.body = keep
    return ast.unparse(tree) + "\n"


def _imported_from(sources: Dict[str, str]) -> Dict[str, Set[str]]:
    """For each spec module, the names its siblings import from it (``from ._x import a``)."""
    imported: Dict[str, Set[str]] = {name: set() for name in sources}
    for source in sources.values():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module in imported:
                imported[node.module] |= {alias.name for alias in node.names}
    return imported


def _name_reads(tree: ast.Module) -> Dict[str, int]:
    """How often each name is read anywhere in ``tree``, outside its own definition."""
    counts: Dict[str, int] = {}
    for statement in tree.body:
        bound = _bound(statement)
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) \
                    and node.id not in bound:
                counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _bound(statement: ast.stmt) -> Set[str]:
    if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, ast.Assign):
        return {n.id for t in statement.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _unused(statement: ast.stmt, used: Dict[str, int]) -> bool:
    bound = _bound(statement)
    return bool(bound) and not any(used.get(name) for name in bound) \
        and not any(name.startswith("__") for name in bound)


def build_child_package(dest: Path) -> Path:
    """Copy the package to ``dest/autograd_tutor`` with the specs' answer keys removed."""
    target = dest / "autograd_tutor"
    shutil.copytree(_PACKAGE_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    specs = {p.stem: p for p in (target / "exercises" / "specs").glob("*.py")}
    sources = {name: path.read_text(encoding="utf-8") for name, path in specs.items()}
    exported = _imported_from(sources)
    for name, path in specs.items():
        path.write_text(strip_answer_keys(sources[name], exported[name]), encoding="utf-8")
    compileall.compile_dir(target, quiet=2, workers=0)  # read-only in the sandbox: compile now
    for path in [dest, *dest.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dest


# --------------------------------------------------------------------------- the sandbox


def bwrap_works() -> bool:
    """Whether bubblewrap is installed and can create the namespaces a run needs."""
    exe = shutil.which("bwrap")
    if exe is None or not sys.platform.startswith("linux"):
        return False
    import subprocess
    try:
        return subprocess.run([exe, "--unshare-pid", "--unshare-net", "--die-with-parent",
                               "--ro-bind", "/", "/", "true"], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


_ROOT_PREFIX = "autograd-tutor-grader-"
_OWNER = "grader.pid"


def _remove_stale_roots() -> None:
    """Remove the folders of graders that died without cleaning up (killed with SIGKILL).
    A folder whose grader process still exists, or that names none, is left alone."""
    for folder in Path(tempfile.gettempdir()).glob(_ROOT_PREFIX + "*"):
        try:
            if folder.stat().st_uid != os.getuid():
                continue
            pid = int((folder / _OWNER).read_text())
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (OSError, ValueError):  # no owner file, not ours, or a live process
            continue


def _reachable_by_anyone(path: Path) -> bool:
    """Every folder from / to ``path`` can be entered by any user."""
    for folder in [path, *path.parents]:
        try:
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


@dataclass
class Sandbox:
    """The isolation of one grading batch: its level, private folder and package copy."""

    level: str
    drop_user: bool
    root: Path
    package: Path

    @classmethod
    def create(cls, level: Optional[str] = None) -> Sandbox:
        """The strongest sandbox this machine allows (or ``level``, if it is available)."""
        if level is None:
            level = LEVEL_BWRAP if bwrap_works() else LEVEL_PROCESS
        elif level == LEVEL_BWRAP and not bwrap_works():
            raise RuntimeError("bubblewrap (bwrap) is not installed or cannot create "
                               "namespaces here")
        _remove_stale_roots()
        root = Path(tempfile.mkdtemp(prefix=_ROOT_PREFIX))
        (root / _OWNER).write_text(str(os.getpid()))
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
        if level == LEVEL_BWRAP:
            drop = is_root and shutil.which("setpriv") is not None
        else:
            drop = is_root and _reachable_by_anyone(Path(sys.base_prefix)) \
                and _reachable_by_anyone(Path(sys.prefix))
        if drop:
            root.chmod(0o711)  # runs may enter their own folder, but list nothing
        package = build_child_package(root / ("pkg-" + secrets.token_hex(8)))
        if level == LEVEL_PROCESS:
            _become_subreaper()
        return cls(level, drop, root, package)

    def describe(self) -> str:
        """One line for the instructor: what protects the grades from the notebooks."""
        if self.level == LEVEL_BWRAP:
            text = ("bubblewrap sandbox (own PID, network and mount namespaces, read-only "
                    "system, private /tmp, no network)")
        else:
            text = ("process isolation only (own session and folders, process-tree kill, "
                    "rlimits); install bubblewrap for the strong sandbox")
        if self.drop_user:
            text += ", each run as its own unprivileged user"
        return text

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def new_run(self) -> RunBox:
        return RunBox(self)


class RunBox:
    """One run's folders, user id, command line and clean-up."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.dir = sandbox.root / ("run-" + secrets.token_hex(8))
        self.uid: Optional[int] = None
        self._lock: Optional[int] = None
        if sandbox.drop_user:
            self.uid, self._lock = _claim_uid()
        for name in ("work", "tmp", "io"):
            folder = self.dir / name
            folder.mkdir(parents=True, mode=0o700)
            if self.uid is not None:
                os.chown(folder, self.uid, self.uid)
        if self.uid is not None:
            self.dir.chmod(0o711)
        self.io = self.dir / "io"
        bwrap = sandbox.level == LEVEL_BWRAP
        self.home = "/work" if bwrap else str(self.dir / "work")
        self.tmp = "/tmp" if bwrap else str(self.dir / "tmp")
        self.io_inside = "/run/autograd-tutor" if bwrap else str(self.io)
        self.package = PACKAGE_MOUNT if bwrap else str(sandbox.package)

    def own(self, path: Path) -> None:
        """Let the run's user write ``path`` (a file the grader made for it)."""
        if self.uid is not None:
            os.chown(path, self.uid, self.uid)

    def inside(self, path: Path) -> str:
        """Where a file of the run's io folder is seen from inside the run."""
        return str(Path(self.io_inside, path.relative_to(self.io)))

    def env(self, extra: Dict[str, str]) -> Dict[str, str]:
        """A clean environment: nothing of the grader's but the locale and a PATH."""
        python_bin = str(Path(sys.executable).parent)
        env = {"PATH": os.pathsep.join([python_bin, "/usr/local/bin", "/usr/bin", "/bin"]),
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": self.home, "TMPDIR": self.tmp,
               "USER": "student", "PYTHONPATH": self.package, "PYTHONNOUSERSITE": "1",
               "PYTHONHASHSEED": "0", "MPLCONFIGDIR": self.home + "/.matplotlib"}
        env.update(extra)
        return env

    def command(self, argv: List[str]) -> List[str]:
        """``argv`` wrapped in bubblewrap and/or a drop to the run's user."""
        if self.uid is not None and self.sandbox.level == LEVEL_BWRAP:
            argv = ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                    "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", *argv]
        if self.sandbox.level != LEVEL_BWRAP:
            return argv
        return ["bwrap", *self._mounts(), "--unshare-pid", "--unshare-net", "--unshare-ipc",
                "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                "--hostname", "sandbox", "--chdir", "/work", "--", *argv]

    def popen_user(self) -> Dict[str, int]:
        """``subprocess.Popen`` arguments that drop to the run's user (process level)."""
        if self.uid is None or self.sandbox.level == LEVEL_BWRAP:
            return {}
        return {"user": self.uid, "group": self.uid, "extra_groups": []}

    def cwd(self) -> str:
        return "/" if self.sandbox.level == LEVEL_BWRAP else str(self.dir / "work")

    def _mounts(self) -> List[str]:
        args: List[str] = []
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/usr", "/etc"):
            if os.path.islink(top):
                args += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                args += ["--ro-bind", top, top]
        binds = [("--bind", str(self.dir / "work"), "/work"),
                 ("--bind", str(self.dir / "tmp"), "/tmp"),
                 ("--bind", str(self.io), self.io_inside),
                 ("--ro-bind", str(self.sandbox.package), PACKAGE_MOUNT)]
        # Python last, so that a virtual environment under /tmp is not hidden by the run's /tmp.
        prefixes = sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)})
        binds += [("--ro-bind", p, p) for p in prefixes
                  if not p.startswith(("/usr/", "/bin/", "/lib"))]
        installed = str(_PACKAGE_DIR)
        if any(installed.startswith(p + "/") for p in [*prefixes, "/usr", "/etc"]):
            # The installed package (answer keys included) is in view: cover it with the copy.
            binds.append(("--ro-bind", str(self.sandbox.package / "autograd_tutor"), installed))
        made = {"/"}
        for how, source, target in binds:
            for parent in reversed(Path(target).parents):  # bwrap would make them 0700
                if str(parent) not in made:
                    made.add(str(parent))
                    args += ["--perms", "0755", "--dir", str(parent)]
            args += [how, source, target]
        return args + ["--proc", "/proc", "--dev", "/dev"]

    def finish(self) -> None:
        """End every process the run left (waiting until they are gone), delete its files.

        Call it once the run's first process has been killed and reaped: a PID namespace
        dies with it; processes of the run's user are killed by user id; orphans that
        re-parented to the grader (process level) are killed and reaped.
        """
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            left = self.uid is not None and _kill_all_of_user(self.uid)
            if self.sandbox.level == LEVEL_PROCESS:
                left = bool(reap_orphans()) or left
            if not left:
                break
            time.sleep(0.01)
        shutil.rmtree(self.dir, ignore_errors=True)
        if self._lock is not None:
            _release_uid(self.uid, self._lock)
            self._lock = None


# --------------------------------------------------------------------- processes of a run


def tree(pid: int) -> Set[int]:
    """``pid`` and all its descendants still alive (Linux ``/proc/.../children``)."""
    found: Set[int] = set()
    todo = [pid]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        try:
            os.kill(current, 0)
        except ProcessLookupError:
            continue
        except PermissionError:
            pass
        found.add(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo += [int(p) for p in f.read().split()]
        except OSError:
            pass
    return found


def tree_memory(pids: Set[int]) -> int:
    """Resident memory of these processes together, in bytes."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            pass
    return total


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_all_of_user(uid: int) -> bool:
    """SIGKILL every process of ``uid`` (from a forked helper with that uid); were there any?"""
    if not _pids_of_user(uid):
        return False
    child = os.fork()
    if child == 0:  # only system calls here: safe in a threaded parent
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)  # every process this user may signal, but itself
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    return True


def _pids_of_user(uid: int) -> List[int]:
    """The processes whose ``/proc`` entry belongs to ``uid``."""
    found = []
    for name in os.listdir("/proc"):
        try:
            if name.isdigit() and os.stat(f"/proc/{name}").st_uid == uid:
                found.append(int(name))
        except OSError:
            pass
    return found


def _claim_uid() -> tuple:
    """A user id no other run (of any grader on this machine) holds, and its lock file."""
    _UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
    while True:
        uid = _UID_BASE + secrets.randbelow(_UID_SPAN)
        path = _UID_LOCKS / str(uid)
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == os.stat(path).st_ino and not _kill_all_of_user(uid):
                return uid, fd
        except OSError:
            pass
        os.close(fd)  # held, replaced, or a crashed grader's leftover (just killed): next


def _release_uid(uid: int, fd: int) -> None:
    """Give the user id back (the lock file goes first, so nobody locks a stale one)."""
    try:
        os.unlink(_UID_LOCKS / str(uid))
    except OSError:
        pass
    os.close(fd)


def _become_subreaper() -> None:
    """Orphans of the runs re-parent to this process, where `reap_orphans` finds them."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        except (OSError, AttributeError):
            pass


_running: Set[int] = set()  # pids of the runs' own first processes (see `track`)


def track(pid: int, running: bool) -> None:
    """Note a run's first process as started (or ended), so it is not taken for an orphan."""
    (_running.add if running else _running.discard)(pid)


def reap_orphans() -> Set[int]:
    """Kill and reap the grader's children that no run started directly: they are processes
    a notebook left behind that re-parented here. Returns those still alive."""
    me = os.getpid()
    left = set()
    for pid in tree(me) - {me}:
        try:
            with open(f"/proc/{pid}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent != me or pid in _running or not _is_orphan(pid):
            continue
        _kill(pid)
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                left.add(pid)
        except ChildProcessError:
            pass
    return left


def _is_orphan(pid: int) -> bool:
    """A child of the grader that the grader never started (its session is not the grader's)."""
    try:
        return os.getsid(pid) != os.getsid(0)
    except OSError:
        return False

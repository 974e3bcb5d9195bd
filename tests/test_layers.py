"""The package's layers, enforced: each imports only the layers below it, nothing imports in a
circle, and the tools (``viz``, ``exercises``) read the core only through its public API.

    kernel   Tensor's autograd state, Function / Node / AccumulateGrad, the engine
    ops      one Function per op
    compat   PyTorch around the kernel: Tensor's methods, dtype rules, argument checks,
             printing, creation, random, legacy names; ``autograd`` (PyTorch's module),
             ``cuda`` and ``accelerator``
    nn       nn, optim, utils (PyTorch's training API)
    face     ``autograd_tutor/__init__.py``: the torch-like namespace
    tools    viz, exercises
    cli      the command line (and its demo page)

Every ``import`` counts, also one inside a function (it runs, just later), but not one under
``if TYPE_CHECKING:`` (it never runs).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "autograd_tutor"

LAYERS = [
    ("kernel", ["autograd_tutor.kernel"]),
    ("ops", ["autograd_tutor.ops"]),
    (
        "compat",
        [
            "autograd_tutor.compat",
            "autograd_tutor.autograd",
            "autograd_tutor.cuda",
            "autograd_tutor.accelerator",
        ],
    ),
    ("nn", ["autograd_tutor.nn", "autograd_tutor.optim", "autograd_tutor.utils"]),
    ("face", ["autograd_tutor"]),
    ("tools", ["autograd_tutor.viz", "autograd_tutor.exercises"]),
    ("cli", ["autograd_tutor.cli", "autograd_tutor.__main__", "autograd_tutor._demo_page"]),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p): p for p in sorted(package.rglob("*.py"))}


def layer_of(module: str) -> int:
    best, index = -1, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, index = len(prefix), i
    return index


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Line numbers of the statements under ``if TYPE_CHECKING:``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for stmt in node.body:
                lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def imports(module: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """The package modules ``module`` imports, with the line of each import."""
    tree = ast.parse(path.read_text(), str(path))
    skip = _type_checking_lines(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                sub = f"{source}.{alias.name}"
                targets.append(sub if sub in known else source)
        for target in targets:
            while target and target not in known:  # `import a.b.c` of a name in a.b
                target = target.rpartition(".")[0]
            if target.startswith("autograd_tutor") and target != module:
                found.append((target, node.lineno))
    return found


def graph(package: Path = PACKAGE) -> dict[str, list[tuple[str, int]]]:
    known = modules(package)
    return {m: imports(m, p, known) for m, p in known.items()}


def upward_imports(g: dict[str, list[tuple[str, int]]]) -> list[str]:
    bad = []
    for module, targets in g.items():
        for target, line in targets:
            if layer_of(target) > layer_of(module):
                bad.append(
                    f"{module}:{line} imports {target} ({LAYERS[layer_of(module)][0]} -> "
                    f"{LAYERS[layer_of(target)][0]}, a layer above)"
                )
    return bad


def circles(g: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """Every import circle, as the list of modules around it (found by depth-first search)."""
    found, seen_sets = [], set()
    for start in g:
        stack = [(start, [start])]
        visited = set()
        while stack:
            node, path = stack.pop()
            for target, _ in g.get(node, ()):
                if target == start:
                    key = frozenset(path)
                    if key not in seen_sets:
                        seen_sets.add(key)
                        found.append(path + [start])
                elif target not in visited:
                    visited.add(target)
                    stack.append((target, path + [target]))
    return found


def test_every_module_has_a_layer():
    assert [m for m in modules() if layer_of(m) < 0] == []


def test_no_import_goes_up_a_layer():
    assert upward_imports(graph()) == []


def test_no_import_circles():
    assert circles(graph()) == []


def test_the_checks_catch_a_planted_upward_import_and_a_circle(tmp_path):
    pkg = tmp_path / "autograd_tutor"
    for name, text in {
        "__init__.py": "",
        "kernel/__init__.py": "",
        "kernel/tensor.py": "from ..nn import module\n",  # kernel -> nn: up
        "kernel/engine.py": "def f():\n    from . import function\n",  # in a function: counts
        "kernel/function.py": "from .engine import f\n",  # engine <-> function: a circle
        "nn/__init__.py": "",
        "nn/module.py": "from ..kernel import tensor\n",
        "viz/__init__.py": "",
        "viz/export.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from .widget import W\n",
        "viz/widget.py": "from . import export\n",  # only a type-checking circle: fine
    }.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(text)
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        g = graph(pkg)
    finally:
        ROOT = saved
    assert upward_imports(g) == [
        "autograd_tutor.kernel.tensor:1 imports autograd_tutor.nn.module "
        "(kernel -> nn, a layer above)"
    ]
    rings = [set(c) for c in circles(g)]
    assert {"autograd_tutor.kernel.engine", "autograd_tutor.kernel.function"} in rings
    assert {"autograd_tutor.kernel.tensor", "autograd_tutor.nn.module"} in rings
    assert not any("autograd_tutor.viz.export" in c for c in rings)


# -------------------------------------------------------------------- private fields
CORE = ("kernel", "ops", "compat", "autograd")


def _core_private_names() -> set[str]:
    """The private attributes and methods the core's classes define (``_data``, ``_inputs``,
    ``_replay``, ``_version`` ...)."""
    names = set()
    for sub in CORE:
        for path in (PACKAGE / sub).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                    names.add(node.attr)
                elif isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            names.add(item.name)
                        elif isinstance(item, ast.Assign):
                            names.update(t.id for t in item.targets if isinstance(t, ast.Name))
                        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                            names.add(item.target.id)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def private_reads() -> set[tuple[str, str]]:
    """(file, name) for each private core field or name read in viz/ and exercises/: an
    attribute of anything but ``self``/``cls`` (also through ``getattr(x, "_data")``), or a
    private name imported from the core."""
    core_names = _core_private_names()
    found = set()
    for tool in ("viz", "exercises"):
        for path in (PACKAGE / tool).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            own = module_name(path).rpartition(".")[0]
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute) and node.attr in core_names:
                    base = node.value
                    if not (isinstance(base, ast.Name) and base.id in ("self", "cls")):
                        found.add((rel, node.attr))
                elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                      and node.func.id in ("getattr", "hasattr", "setattr") and len(node.args) > 1
                      and isinstance(node.args[1], ast.Constant)
                      and node.args[1].value in core_names):
                    found.add((rel, node.args[1].value))
                elif isinstance(node, ast.ImportFrom) and not (
                    node.level == 1 or (node.module or "").startswith(f"{own}")
                ):
                    for alias in node.names:
                        if alias.name.startswith("_") and not alias.name.startswith("__"):
                            found.add((rel, alias.name))
    return found


def test_tools_read_the_core_through_its_public_api():
    reads = private_reads()
    assert sorted(reads) == [], (
        "viz/ and exercises/ must not read the core's private fields: use "
        "autograd_tutor.autograd.graph (add what you need there)"
    )


@pytest.mark.parametrize("name", ["_data", "_inputs", "_value", "_replay", "_version", "_vc"])
def test_the_core_fields_are_known(name):
    assert name in _core_private_names()


# -------------------------------------------------------------------- the kernel, as read
KERNEL_LINES = 700  # issue 17: a kernel a student reads in one sitting


def test_the_kernel_stays_small():
    lines = sum(len(p.read_text().splitlines()) for p in (PACKAGE / "kernel").glob("*.py"))
    assert lines <= KERNEL_LINES, f"kernel/ has {lines} lines; move what is not the algorithm out"


def test_x_times_y_reaches_mul_in_three_hops():
    """``x * y`` -> ``Tensor.__mul__`` -> ``Mul.apply`` (-> ``Mul.forward``), and the engine
    later calls ``Mul.backward``: ``__mul__`` is the method made for ``Mul`` and calls
    ``Mul.apply`` itself, with no helper in between."""
    import sys

    import autograd_tutor as at
    from autograd_tutor.autograd import graph
    from autograd_tutor.kernel.function import Function
    from autograd_tutor.ops.arithmetic import Mul

    calls = []

    def profile(frame, event, arg):
        if event == "call":
            calls.append((frame.f_back.f_code, frame.f_code))

    x = at.tensor([2.0], requires_grad=True)
    y = at.tensor([3.0], requires_grad=True)
    watching = Function.__dict__["apply"] is not graph._plain_apply  # viz swaps apply
    graph.watch(False)
    sys.setprofile(profile)
    try:
        z = x * y
    finally:
        sys.setprofile(None)
        graph.watch(watching)
    mul = at.Tensor.__mul__.__code__
    apply = graph._plain_apply.__func__.__code__  # the kernel's Function.apply
    assert calls[0] == (sys._getframe().f_code, mul)  # x * y calls __mul__
    assert (mul, apply) in calls  # __mul__ calls Mul.apply
    assert (apply, Mul.forward.__code__) in calls  # which runs Mul's own forward
    callees_of_mul = {callee.co_name for caller, callee in calls if caller is mul}
    assert callees_of_mul <= {"apply"}  # nothing between the operator and the op
    assert type(z.grad_fn).__name__ == "MulBackward0" and z.grad_fn._function is Mul


def test_the_kernel_runs_as_written_until_an_extension_is_switched_on():
    """Anomaly mode, saved_tensors_hooks, inference mode and node hooks reach the kernel only
    through its two extension points, and only once they are used (a fresh interpreter has
    none; anomaly mode and saved_tensors_hooks take theirs away again)."""
    import subprocess
    import sys

    import autograd_tutor as at
    from autograd_tutor.kernel import engine, function

    fresh = subprocess.run(
        [sys.executable, "-c", "import autograd_tutor as at; from autograd_tutor.kernel import "
         "engine, function; at.tensor(1.0, requires_grad=True).exp().backward(); "
         "print(function.record_notes, engine.call_wrappers)"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert fresh.stdout.strip() == "[] []"
    notes, wrappers = list(function.record_notes), list(engine.call_wrappers)
    with pytest.warns(UserWarning, match="Anomaly Detection"):
        anomaly = at.autograd.detect_anomaly()
    with anomaly:
        assert len(function.record_notes) == len(notes) + 1
        assert len(engine.call_wrappers) == len(wrappers) + 1
    with at.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        assert len(function.record_notes) == len(notes) + 1
    assert (function.record_notes, engine.call_wrappers) == (notes, wrappers)

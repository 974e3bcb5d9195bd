#!/usr/bin/env bash
# Colab-like check: build the wheel, install it into a fresh venv pinned to Colab's widget stack
# (ipywidgets 7.7.1 with widgetsnbextension 3.6.x and jupyterlab_widgets 1.x), and execute
# notebooks/demo.ipynb headless, end to end, from outside the checkout.
#
# Usage: bash .ci/colab_check.sh          (VENV=/path to choose the venv, default: a temp dir)
# Exit status: 0 ok, 1 the demo failed, 77 the environment could not be built (no network ...).
set -uo pipefail
# The checkout must not be importable inside the venv (pip would then think the package is
# already installed and skip the wheel): drop what the test runner put on PYTHONPATH.
unset PYTHONPATH
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-python3}"
WORK="$(mktemp -d)"
VENV="${VENV:-$WORK/venv}"
LOG="$WORK/setup.log"
trap 'rm -rf "$WORK"' EXIT

cannot() { echo "colab_check: cannot build the environment: $*" >&2; exit 77; }
quiet() { "$@" >>"$LOG" 2>&1 || { tail -n 30 "$LOG" >&2; return 1; }; }

quiet "$PY" -m venv "$VENV" || cannot "python -m venv failed"
VPY="$VENV/bin/python"
quiet "$VPY" -m pip install --upgrade pip || true
quiet "$VPY" -m pip wheel --no-deps -w "$WORK/dist" "$ROOT" || cannot "pip wheel failed"
quiet "$VPY" -m pip install "$WORK"/dist/autograd_tutor-*.whl \
  "ipywidgets==7.7.1" "widgetsnbextension>=3.6,<3.7" "jupyterlab_widgets>=1,<2" \
  ipykernel nbclient nbformat || cannot "pip install failed"
# Installed into the venv (not the user's dir), so the venv's python runs the kernel.
quiet "$VPY" -m ipykernel install --sys-prefix --name colab-check || cannot "no kernel"

# Run from a copy outside the checkout with a clean environment: the wheel must be what runs.
mkdir -p "$WORK/run"
cp "$ROOT/notebooks/demo.ipynb" "$WORK/run/"
cd "$WORK/run"
env -u PYTHONPATH "$VPY" -c "import ipywidgets, numpy, autograd_tutor
print('ipywidgets', ipywidgets.__version__, '| numpy', numpy.__version__,
      '| autograd_tutor', autograd_tutor.__version__, 'from', autograd_tutor.__file__)"
env -u PYTHONPATH -u MPLBACKEND JUPYTER_PATH="$VENV/share/jupyter" "$VPY" - <<'EOF'
import sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

nb = nbformat.read("demo.ipynb", as_version=4)
start = time.perf_counter()
try:
    NotebookClient(nb, kernel_name="colab-check", timeout=300,
                   resources={"metadata": {"path": "."}}).execute()
except CellExecutionError as err:
    print(err, file=sys.stderr)
    sys.exit(1)
errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
if errors:
    print(errors, file=sys.stderr)
    sys.exit(1)
cells = sum(c.cell_type == "code" for c in nb.cells)
print(f"demo.ipynb: {cells} code cells ran without error in {time.perf_counter() - start:.1f} s")
EOF

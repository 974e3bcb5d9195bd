#!/usr/bin/env bash
# The promise in pyproject.toml (Python >= 3.9, NumPy 1.x and 2.x, Colab's ipywidgets 7.7.1),
# tested: the unit tests (no notebooks, no browser, nothing slow) in throwaway venvs.
#   py39      Python 3.9,  numpy<2, ipywidgets 7.7.1 (torch has no wheel here: its tests skip)
#   py311-np1 Python 3.11, numpy<2, ipywidgets 7.7.1, torch 2.13.0 (the torch-comparison tests run)
# Venvs live in /tmp/venv-compat-<leg> and are reused while their requirements are unchanged.
#
# Usage: bash .ci/compat.sh [LEG ...]        (default: all legs; PY39=/path, PY311=/path pick the
#        interpreters, VENV_DIR=/dir puts the venvs elsewhere)
# Exit status: 0 ok, 1 a leg failed, 77 no leg could run (interpreter missing, no package index).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV_DIR="${VENV_DIR:-/tmp}"
COMMON=(pytest hypothesis nbformat nbclient ipykernel pillow matplotlib
  'ipywidgets==7.7.1' 'widgetsnbextension>=3.6,<3.7' 'jupyterlab_widgets>=1,<2' 'notebook<7')
CANNOT=77

# The first of the candidates that runs and is Python $1.
find_python() {
  local want="$1" cand
  shift
  for cand in "$@"; do
    [ -n "$cand" ] || continue
    if "$cand" -c "import sys; sys.exit(sys.version[:len('$want') + 1] != '$want.')" 2>/dev/null; then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

# leg NAME PYTHON REQUIREMENT...: build (or reuse) the venv, then run the unit tests in it.
leg() {
  local name="$1" py="$2"
  shift 2
  local venv="$VENV_DIR/venv-compat-$name" stamp reqs start log
  reqs="$("$py" --version 2>&1) | $*"
  log="$venv.log"
  start=$SECONDS
  exec 9>"$venv.lock" && flock 9
  stamp="$(cat "$venv/.compat-reqs" 2>/dev/null)"
  if [ ! -x "$venv/bin/python" ] || [ "$stamp" != "$reqs" ]; then
    echo "[$name] building $venv ($reqs)"
    rm -rf "$venv"
    if ! { "$py" -m venv "$venv" && "$venv/bin/python" -m pip install -q --upgrade pip \
      && "$venv/bin/python" -m pip install -q "$@"; } >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      rm -rf "$venv"
      echo "[$name] SKIPPED: cannot build the venv (see above; the package index is needed)"
      return $CANNOT
    fi
    echo "$reqs" >"$venv/.compat-reqs"
  fi
  # The package itself, editable from this checkout (re-pointed when the checkout moved); asked
  # from / so that the checkout in the working directory does not answer for the venv.
  if ! (cd / && env -u PYTHONPATH "$venv/bin/python" -c "import autograd_tutor, sys
sys.exit(not autograd_tutor.__file__.startswith('$ROOT/'))") 2>/dev/null; then
    "$venv/bin/python" -m pip install -q -e "$ROOT" --no-deps >>"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; return 1; }
  fi
  flock -u 9
  cd / || return 1
  env -u PYTHONPATH "$venv/bin/python" - <<'EOF' || return 1
import importlib, pkgutil, platform, autograd_tutor, ipywidgets, numpy
# Every module imports (3.10+ syntax or annotations evaluated at import time would fail here).
for mod in pkgutil.walk_packages(autograd_tutor.__path__, "autograd_tutor."):
    if not mod.name.endswith("__main__"):
        importlib.import_module(mod.name)
try:
    import torch
    oracle = f"torch {torch.__version__}"
except ImportError:
    oracle = "no torch (its comparison tests skip)"
print(f"Python {platform.python_version()} | numpy {numpy.__version__} | "
      f"ipywidgets {ipywidgets.__version__} | {oracle}")
EOF
  # Not the notebooks: their stored outputs are made with NumPy 2 and compared byte for byte, and
  # NumPy 1.x's AVX-512 power (SVML) can round the last bit differently (01_chain_rule's table).
  cd "$ROOT" || return 1
  env -u PYTHONPATH MPLBACKEND=Agg "$venv/bin/python" -m pytest -q -p no:cacheprovider -o addopts="" \
    -m "not slow and not browser" tests \
    --deselect tests/test_notebooks.py::test_a_second_run_on_a_fresh_kernel_gives_the_stored_outputs
  local rc=$?
  echo "[$name] pytest exit $rc after $((SECONDS - start)) s"
  return $rc
}

run_leg() {
  local py
  case "$1" in
    py39)
      py="$(find_python 3.9 "${PY39:-}" python3.9 "$HOME"/.pyenv/versions/3.9.*/bin/python)" \
        || { echo "[py39] SKIPPED: no Python 3.9 (set PY39=/path/to/python3.9)"; return $CANNOT; }
      leg py39 "$py" 'numpy<2' "${COMMON[@]}" ;;
    py311-np1)
      py="$(find_python 3.11 "${PY311:-}" python3.11 python3 "$HOME"/.pyenv/versions/3.11.*/bin/python)" \
        || { echo "[py311-np1] SKIPPED: no Python 3.11 (set PY311=/path/to/python3.11)"; return $CANNOT; }
      leg py311-np1 "$py" 'numpy<2' 'torch==2.13.0' "${COMMON[@]}" ;;
    *) echo "unknown leg '$1' (legs: py39 py311-np1)" >&2; return 2 ;;
  esac
}

[ $# -gt 0 ] || set -- py39 py311-np1
failed=0 ran=0
for name in "$@"; do
  run_leg "$name"
  rc=$?
  case $rc in
    0) ran=1 ;;
    "$CANNOT") ;;
    *) failed=1 ;;
  esac
done
[ $failed = 0 ] || exit 1
[ $ran = 1 ] || exit $CANNOT

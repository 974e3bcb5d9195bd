#!/usr/bin/env bash
# Run the widget tests under ipywidgets 7.7.1 (the version Colab ships) in an isolated venv.
# Usage: bash .ci/widgets7.sh   (VENV=/path to reuse another venv)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-/tmp/venv-w7}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import ipywidgets, sys; sys.exit(ipywidgets.__version__ != '7.7.1')" 2>/dev/null; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q numpy matplotlib pillow pytest hypothesis 'ipywidgets==7.7.1' 'ipykernel<7'
fi
"$VENV/bin/python" -c "import ipywidgets; print('ipywidgets', ipywidgets.__version__)"
cd "$ROOT"
PYTHONPATH="$ROOT" "$VENV/bin/python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning \
  tests/test_viz_frames.py tests/test_viz_widget.py tests/test_viz_export.py tests/test_viz_training.py "$@"

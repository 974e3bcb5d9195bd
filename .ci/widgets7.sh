#!/usr/bin/env bash
# The widget tests under ipywidgets 7.7.1 (the version Colab ships), in a venv of its own;
# then, where chromium and playwright are at hand, the real-browser test with that kernel in
# JupyterLab 3 and its ipywidgets-7 widget manager.
# Usage: bash .ci/widgets7.sh   (VENV=/path to put the venv elsewhere)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-/tmp/venv-w7}"
PY="${PYTHON:-python3}"
WANT="import ipywidgets, jupyterlab, sys; sys.exit(ipywidgets.__version__ != '7.7.1' or jupyterlab.__version__[0] != '3')"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "$WANT" 2>/dev/null; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q numpy matplotlib pillow pytest hypothesis \
    'ipywidgets==7.7.1' 'ipykernel<7' 'jupyterlab>=3.6,<4' 'jupyterlab_widgets>=1.1,<2' 'notebook<7'
fi
"$VENV/bin/python" -c "import ipywidgets; print('ipywidgets', ipywidgets.__version__)"
cd "$ROOT"
PYTHONPATH="$ROOT" "$VENV/bin/python" -m pytest -q -o addopts="" -p no:cacheprovider -W ignore::DeprecationWarning \
  tests/test_viz_frames.py tests/test_viz_widget.py tests/test_viz_export.py tests/test_viz_training.py "$@"
if [ -x /usr/bin/chromium ] && "$PY" -c "import playwright" 2>/dev/null; then
  AGT_W7_PYTHON="$VENV/bin/python" PYTHONPATH="$ROOT" "$PY" -m pytest -q -o addopts="" -p no:cacheprovider \
    -m browser tests/test_browser.py -k widgets7
else
  echo "skipped the ipywidgets 7 browser test: needs /usr/bin/chromium and playwright"
fi

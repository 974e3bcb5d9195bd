#!/usr/bin/env bash
# The real-browser test: JupyterLab and Notebook 7 + Debian's headless chromium driven by
# Playwright.
# Installs what it needs (apt chromium; never `playwright install`, which downloads).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
python -c "import playwright, jupyterlab, notebook" 2>/dev/null ||
  python -m pip install -q playwright jupyterlab "notebook>=7"
cd "$ROOT"
PYTHONPATH="$ROOT" python -m pytest -q -o addopts="" -p no:cacheprovider -m browser tests/test_browser.py "$@"

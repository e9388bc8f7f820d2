#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the locked dependencies and this project.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  echo "Existing $venv is not Python 3.10: recreating it." >&2
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  python=$(scripts/find-python.sh)
  echo "Creating $venv with $python"
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pip==24.0"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.lock
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .

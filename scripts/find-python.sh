#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 runs only on 3.10), or explain how to get one.
set -euo pipefail

is_310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
for name in python3.10 python3 python; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
for dir in $(ls -d "$pyenv_root"/versions/3.10* 2>/dev/null | sort -rV); do
  candidates+=("$dir/bin/python3.10")
done
candidates+=(/usr/local/bin/python3.10 /usr/bin/python3.10)

for candidate in "${candidates[@]}"; do
  if [ -x "$candidate" ] && is_310 "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

cat >&2 <<'MSG'
No Python 3.10 found. Rasa Open Source 3.6 runs only on Python 3.10.
Get one in either of these ways, then run the command again:
  - pyenv:  pyenv install 3.10.13   (it is then found under ~/.pyenv/versions/)
  - Debian/Ubuntu with deadsnakes or a distribution that ships it:  apt-get install python3.10 python3.10-venv
  - or point to one explicitly:  PYTHON310=/path/to/python3.10 make test
MSG
exit 1

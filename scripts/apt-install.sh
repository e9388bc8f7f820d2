#!/usr/bin/env bash
# Install Debian packages (as root or with passwordless sudo): apt-install.sh PURPOSE PACKAGE...
# Tools never download binaries of their own; what the tests need comes from Debian.
set -euo pipefail
purpose=$1
shift
packages=("$@")
if [ "$(id -u)" -eq 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt_get=(sudo apt-get)
else
  echo "$purpose needs Debian's ${packages[*]}: run 'sudo apt-get install ${packages[*]}'." >&2
  exit 1
fi
echo "Installing Debian's ${packages[*]} for $purpose"
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -q "${packages[@]}" >/dev/null \
  || { DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" update -q >/dev/null \
       && DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -q "${packages[@]}" >/dev/null; }

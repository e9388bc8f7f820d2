#!/usr/bin/env bash
# Install Debian's Chromium and ChromeDriver for the console's browser test, if missing.
# Test tools never download a browser of their own.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
packages=(chromium chromium-driver)
if [ "$(id -u)" -eq 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt_get=(sudo apt-get)
else
  echo "The browser test needs Debian's ${packages[*]}: run 'sudo apt-get install ${packages[*]}'." >&2
  exit 1
fi
echo "Installing Debian's ${packages[*]} for the browser test"
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -q "${packages[@]}" >/dev/null \
  || { DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" update -q >/dev/null \
       && DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -q "${packages[@]}" >/dev/null; }

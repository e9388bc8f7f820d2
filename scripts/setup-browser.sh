#!/usr/bin/env bash
# Install Debian's Chromium and ChromeDriver for the console's browser test, if missing.
# Test tools never download a browser of their own.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
exec "$(dirname "$0")/apt-install.sh" "the browser test" chromium chromium-driver

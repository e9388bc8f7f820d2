#!/usr/bin/env bash
# Install Debian's nginx (the light build) as the load balancer in front of the Rasa replicas,
# if missing. The tests start their own nginx with a generated config; the system's stays off.
set -euo pipefail
if [ -x /usr/sbin/nginx ]; then
  exit 0
fi
exec "$(dirname "$0")/apt-install.sh" "the load balancer of the replicas" nginx-light

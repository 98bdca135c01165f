#!/usr/bin/env bash
# Installs what the chaos suite's real-server scenarios need (Debian's redis-server and
# redis-tools, postgresql with pgbench and psql, openssl for the test CA, iproute2's `ip` for
# dead-idle-peer's private network namespace; util-linux's `unshare` is always there), only
# when missing. Run as root or with sudo available.
set -euo pipefail
missing=()
for package in redis-server redis-tools postgresql openssl iproute2; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  echo "chaos/install.sh: redis-server, redis-tools, postgresql, openssl and iproute2 already installed"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"

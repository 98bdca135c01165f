#!/usr/bin/env bash
# Installs the Debian packages the benchmark drives (load generators,
# backends — redis, iperf3, PostgreSQL with pgbench — and HAProxy for
# comparison). Idempotent: only missing packages are
# installed, and apt-get update runs only when something is missing.
set -euo pipefail

packages=(iperf3 redis-server redis-tools haproxy postgresql)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "bench/install.sh: all present (${packages[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/install.sh: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi

echo "bench/install.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The packages' init scripts would start system-wide daemons; the bench
# starts its own on free ports, so keep the package scripts from starting any.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap 'if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"

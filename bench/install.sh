#!/usr/bin/env bash
# Installs the Debian packages the benchmark drives (load generators,
# backends — redis, iperf3, PostgreSQL with pgbench — HAProxy for
# comparison, and gcc for the C floor of --reference), then builds the C
# floor (bench/reference/build_copy_proxy.sh, into bench/out/). Idempotent:
# only missing packages are installed, apt-get update runs only when
# something is missing, and the C floor is rebuilt only when its source changed.
# The last line printed says what happened.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(iperf3 redis-server redis-tools haproxy postgresql gcc libc6-dev)

install_missing() {
  local missing=() package
  for package in "${packages[@]}"; do
    # Not `dpkg -s | grep -q`: with pipefail, grep quitting early fails the pipeline.
    if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "bench/install.sh: all present (${packages[*]})"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench/install.sh: missing ${missing[*]}; run as root to install them" >&2
    return 1
  fi
  echo "bench/install.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The packages' init scripts would start system-wide daemons; the bench
  # starts its own on free ports, so keep the package scripts from starting any.
  local policy=/usr/sbin/policy-rc.d created_policy=0 status=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" || status=$?
  if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi
  return "$status"
}

status=0
install_missing || status=$?
# The bench skips the C floor, with a line saying why, when this fails.
bash "$here/reference/build_copy_proxy.sh" || status=1
exit "$status"

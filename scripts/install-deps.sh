#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine, and nothing that is
# already there: librdkafka-dev (CKafka), libsqlite3-dev (GRDB), kcat (compatibility tests),
# chromium (dashboard test), python3-venv, and a Python venv under .venv/ with the real
# Kafka clients we test against.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
need=()
pkg-config --exists rdkafka 2>/dev/null || need+=(librdkafka-dev)
command -v kcat >/dev/null 2>&1 || need+=(kcat)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
command -v curl >/dev/null 2>&1 || need+=(curl)
# The dashboard test drives a real browser.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  echo "install-deps: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ "${1:-}" = "--python" ]; then
  req=tests/python/requirements.txt
  stamp=.venv/.installed
  if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv 2>/dev/null; then
      # Debian splits venv support out of python3.
      rm -rf .venv
      ${sudo_cmd:-} apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv .venv
    fi
  fi
  if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ]; then
    .venv/bin/pip install -q --disable-pip-version-check -r "$req"
    touch "$stamp"
  fi
fi

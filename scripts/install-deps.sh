#!/usr/bin/env bash
# Installs what is missing on a fresh Debian machine, and nothing that is already there.
#   install-deps.sh          what the build and `make run` need: librdkafka-dev (CKafka),
#                            libsqlite3-dev (GRDB), pkg-config, curl. The Dockerfile's build
#                            stage installs exactly these, so its `make build-release` installs
#                            nothing.
#   install-deps.sh --test   and what the tests and benchmarks need: kcat (compatibility
#                            tests), chromium (dashboard test), python3-venv, and a
#                            Python venv under .venv/ with the real Kafka clients we test against.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
test_tools=false
case "${1:-}" in
  "") ;;
  --test) test_tools=true ;;
  *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac

need=()
pkg-config --exists rdkafka 2>/dev/null || need+=(librdkafka-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
command -v curl >/dev/null 2>&1 || need+=(curl)
if $test_tools; then
  command -v kcat >/dev/null 2>&1 || need+=(kcat)
  # The dashboard test drives a real browser.
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  # Debian splits venv support (ensurepip) out of python3.
  python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
fi
if [ "${#need[@]}" -gt 0 ]; then
  echo "install-deps: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

if $test_tools; then
  req=tests/python/requirements.txt
  stamp=.venv/.installed
  [ -x .venv/bin/python ] || python3 -m venv .venv
  if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ]; then
    .venv/bin/pip install -q --disable-pip-version-check -r "$req"
    touch "$stamp"
  fi
fi

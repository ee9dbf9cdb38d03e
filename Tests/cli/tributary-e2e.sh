#!/usr/bin/env bash
# End-to-end test of the tributary CLI against `tributary mock-kafka`.
# Usage: Tests/cli/tributary-e2e.sh [path/to/tributary]   (default .build/debug/tributary)
set -euo pipefail
T=${1:-.build/debug/tributary}
out=$(mktemp -d)
fail() { echo "FAIL: $*" >&2; exit 1; }

"$T" mock-kafka --topic demo:2 >"$out/mock.out" 2>"$out/mock.err" &
mock=$!
trap 'kill -TERM $mock 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 50); do [ -s "$out/mock.out" ] && break; sleep 0.1; done
export TRIBUTARY_BOOTSTRAP_SERVERS=$(head -1 "$out/mock.out")
[ -n "$TRIBUTARY_BOOTSTRAP_SERVERS" ] || fail "mock-kafka printed no bootstrap address"

timeout 20 "$T" topics list | grep -q '^demo	partitions=2$' || fail "topics list"
timeout 20 "$T" topics describe demo | grep -q 'partition 1' || fail "topics describe"
printf 'one\ntwo\nthree\n' | timeout 30 "$T" produce demo --key k --header src=e2e --partition 1 || fail "produce"
got=$(timeout 30 "$T" consume demo --group e2e --from-beginning --count 3 --print-key)
[ "$got" = $'k\tone\nk\ttwo\nk\tthree' ] || fail "consume got: $got"
timeout 20 "$T" groups describe e2e --topic demo | grep -q '^demo	1	3	3	0$' || fail "groups describe lag"
timeout 60 "$T" bench produce --topic demo --count 2000 | grep -q 'msgs/s' || fail "bench produce"
timeout 60 "$T" bench consume --topic demo --count 2003 | grep -q 'messages: 2003' || fail "bench consume"

# An unreachable broker: clear error and non-zero exit.
if timeout 20 "$T" topics list -b 127.0.0.1:1 2>"$out/err"; then fail "unreachable broker exited 0"; fi
grep -q 'cannot reach a Kafka broker' "$out/err" || fail "unreachable broker message"

kill -INT $mock
wait $mock || fail "mock-kafka exit status $?"
trap 'rm -rf "$out"' EXIT
echo "tributary CLI e2e: OK"

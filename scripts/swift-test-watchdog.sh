#!/usr/bin/env bash
# Runs `swift test --skip-build "$@"`. The suite takes about half a minute; a run still going
# after WATCHDOG_SECONDS (default 600) is taken for a hang: every thread's stack of the test
# process is printed (with gdb, when it is installed) and the run fails with status 124,
# instead of holding CI until CI's own timeout with nothing to show.
set -u
limit=${WATCHDOG_SECONDS:-600}
"${SWIFT:-swift}" test --skip-build "$@" &
runner=$!
for ((waited = 0; waited < limit; waited++)); do
  if ! kill -0 "$runner" 2> /dev/null; then
    wait "$runner"
    exit $?
  fi
  sleep 1
done
echo "swift test is still running after ${limit} s: taking it for a hang" >&2
tests=$(pgrep -P "$runner")
for pid in $tests; do
  echo "== threads of $(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null)(pid $pid)" >&2
  if command -v gdb > /dev/null; then
    gdb -p "$pid" -batch -ex 'thread apply all bt 25' 2>&1 | grep -E '^(Thread|#)' >&2
  else
    for task in /proc/"$pid"/task/*; do echo "$(cat "$task/comm") in $(cat "$task/wchan")" >&2; done
  fi
done
kill $tests "$runner" 2> /dev/null
wait "$runner"
exit 124

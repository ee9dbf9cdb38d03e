#!/usr/bin/env bash
# make run: tributaryd (:9092, ./data, topics.json) and report-service (:8081) in the
# foreground; Ctrl-C stops both cleanly (SIGTERM to each, then wait).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/debug
"$BIN/tributaryd" --data-dir ./data --topics ./topics.json --listen 0.0.0.0:9092 --advertised-listener localhost:9092 &
broker=$!
stop() {
  kill -TERM "${service:-}" "$broker" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT
for _ in $(seq 100); do curl -sf 127.0.0.1:9644/ready > /dev/null 2>&1 && break; sleep 0.1; done
"$BIN/report-service" --bootstrap-servers localhost:9092 --port 8081 --db ./reports.sqlite &
service=$!
for _ in $(seq 100); do curl -sf 127.0.0.1:8081/health > /dev/null 2>&1 && break; sleep 0.1; done
cat <<'TXT'

Tributary is running: tributaryd on localhost:9092 (admin http://127.0.0.1:9644/metrics),
report-service on http://localhost:8081 (open it in a browser for the live dashboard).

Try, in another shell:
  .build/debug/carshop customers add --name Ivan --leg-power 6 --hand-power 4
  .build/debug/carshop cars add-pedal --pedal-size 6
  .build/debug/carshop sales sell-cars
  curl -s localhost:8081/api/v1/report
  curl -s localhost:8081/api/v1/report.md
  .build/debug/tributary groups describe report-service-group

Ctrl-C stops both.
TXT
wait "$broker"

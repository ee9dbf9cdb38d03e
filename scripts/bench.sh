#!/usr/bin/env bash
# make bench: tributaryd and librdkafka's mock cluster driven by the same `tributary bench`
# runs, side by side, plus the raw limits of this machine measured in the same run.
# Writes docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/tributary-bench-XXXXXX")
OUT=docs/benchmarks.md
COUNT=${BENCH_COUNT:-300000}
# librdkafka 2.0's mock cluster keeps only the newest ~47,000 small messages of a partition,
# so consume cases read fewer than that from both brokers.
CONSUME_COUNT=${BENCH_CONSUME_COUNT:-40000}
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== raw limits"
"$BIN/logstore-bench" --directory "$WORK/logstore" --megabytes 256 --rounds 3 > "$WORK/logstore.md"
dsync=$(dd if=/dev/zero of="$WORK/dsync.bin" bs=1M count=128 oflag=dsync 2>&1 | sed -n 's/.* \([0-9.,]* [MG]B\/s\)$/\1/p')
nosync=$(dd if=/dev/zero of="$WORK/nosync.bin" bs=1M count=1024 conv=fdatasync 2>&1 | sed -n 's/.* \([0-9.,]* [MG]B\/s\)$/\1/p')
rm -f "$WORK"/*.bin
loopback=$(.venv/bin/python scripts/loopback-throughput.py $((2 << 30)))

echo "== brokers"
port=$(free_port); http=$(free_port)
"$BIN/tributaryd" --listen 127.0.0.1:$port --advertised-listener 127.0.0.1:$port --http 127.0.0.1:$http \
  --data-dir "$WORK/data" --flush acks --log-level warning > "$WORK/tributaryd.log" 2>&1 &
"$BIN/tributary" mock-kafka --topic b100-1:1 --topic b100-6:6 --topic b1k-1:1 --topic b1k-6:6 > "$WORK/mock.addr" &
for _ in $(seq 100); do
  curl -sf "127.0.0.1:$http/ready" > /dev/null 2>&1 && [ -s "$WORK/mock.addr" ] && break
  sleep 0.1
done
mock=$(head -1 "$WORK/mock.addr")
tributary="127.0.0.1:$port"
for t in b100-1:1 b100-6:6 b1k-1:1 b1k-6:6; do
  "$BIN/tributary" -b "$tributary" topics create "${t%%:*}" --partitions "${t##*:}" > /dev/null
done

rate() { sed -n 's/.*: \([0-9]*\) msgs\/s, \([0-9.]*\) MB\/s.*/\1 \2/p' | grep . || echo "n/a n/a"; }
latency() { sed -n 's/.*p99 \([0-9.]*\) ms, p99.9 \([0-9.]*\) ms.*/\1 \2/p' | grep . || echo "n/a n/a"; }

rows=()
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
run_case() { # name topic size acks
  local name=$1 topic=$2 size=$3 acks=$4
  read -r t_msgs t_mb < <("$BIN/tributary" -b "$tributary" bench produce --topic "$topic" --count "$COUNT" --size "$size" --acks "$acks" --linger-ms 5 2>/dev/null | rate)
  read -r m_msgs m_mb < <("$BIN/tributary" -b "$mock" bench produce --topic "$topic" --count "$COUNT" --size "$size" --acks "$acks" --linger-ms 5 2>/dev/null | rate)
  rows+=("| $name | $t_msgs | $t_mb | $m_msgs | $m_mb | $(ratio "$t_msgs" "$m_msgs") |")
  echo "$name: tributaryd $t_msgs msgs/s, mock $m_msgs msgs/s"
}
run_case "produce 100 B, acks=1, 1 partition" b100-1 100 1
run_case "produce 100 B, acks=1, 6 partitions" b100-6 100 1
run_case "produce 100 B, acks=all, 1 partition" b100-1 100 -1
run_case "produce 1 KiB, acks=1, 1 partition" b1k-1 1024 1
run_case "produce 1 KiB, acks=all, 1 partition" b1k-1 1024 -1
run_case "produce 1 KiB, acks=all, 6 partitions" b1k-6 1024 -1

consume_case() { # name topic size
  read -r t_msgs t_mb < <("$BIN/tributary" -b "$tributary" bench consume --topic "$2" --count "$CONSUME_COUNT" 2>/dev/null | rate)
  read -r m_msgs m_mb < <("$BIN/tributary" -b "$mock" bench consume --topic "$2" --count "$CONSUME_COUNT" 2>/dev/null | rate)
  rows+=("| $1 | $t_msgs | $t_mb | $m_msgs | $m_mb | $(ratio "$t_msgs" "$m_msgs") |")
  echo "$1: tributaryd $t_msgs msgs/s, mock $m_msgs msgs/s"
}
consume_case "consume 100 B from the beginning, 1 partition" b100-1
consume_case "consume 1 KiB from the beginning, 1 partition" b1k-1

read -r p99 p999 < <("$BIN/tributary" -b "$tributary" bench produce --topic b1k-1 --count 100000 --size 1024 --acks 1 --rate 10000 2>/dev/null | latency)
rss_kb=$(ps -o rss= -p "$(pgrep -f "tributaryd --listen 127.0.0.1:$port")" | tr -d ' ')

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` on $(date -u +%Y-%m-%d) — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
  echo "data on \`$(df -h "$WORK" | awk 'NR==2 {print $1 " (" $2 ")"}')\`. Absolute numbers on shared machines are noisy; the"
  echo "ratios compare runs made minutes apart with the same client (\`tributary bench\`, librdkafka"
  echo "$(pkg-config --modversion rdkafka), linger 5 ms, $COUNT messages per case)."
  echo
  echo "## Raw limits measured in this run"
  echo
  echo "| limit | value |"
  echo "| --- | ---: |"
  echo "| sequential write, \`dd\` 1 MiB blocks + one fdatasync | $nosync |"
  echo "| sequential write, \`dd\` 1 MiB blocks, each \`O_DSYNC\` | $dsync |"
  echo "| loopback TCP, one stream | $loopback MB/s |"
  echo
  cat "$WORK/logstore.md"
  echo "## tributaryd (\`--flush acks\`) vs librdkafka's mock cluster"
  echo
  echo "| case | tributaryd msgs/s | MB/s | mock msgs/s | MB/s | ratio |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "End-to-end produce latency at 10,000 msgs/s of 1 KiB, acks=1: p99 ${p99} ms, p99.9 ${p999} ms."
  echo "tributaryd RSS after the run: $((rss_kb / 1024)) MB."
  echo
  echo "Commands: \`tributary -b HOST bench produce --topic T --count $COUNT --size S --acks A --linger-ms 5\`,"
  echo "\`tributary -b HOST bench consume --topic T --count $CONSUME_COUNT\` (the mock keeps only ~47,000 small messages per"
  echo "partition, so consume cases read $CONSUME_COUNT); the mock cluster is \`tributary mock-kafka\`."
} > "$OUT"
echo "wrote $OUT"

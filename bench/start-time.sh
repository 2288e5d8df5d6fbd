#!/usr/bin/env bash
# How long `npm start` takes to answer its first request (GET /health/live), as a
# newcomer meets it: a "fresh" start (no dist/, no embedded PostgreSQL cluster yet:
# what follows `npm install` on a fresh clone) and a "second" start right after it
# (dist/ and the cluster are there). Interleaved, RUNS rounds (default 3); prints each
# time, then the median and the range of each kind.
#
#   bash bench/start-time.sh [runs]            # BENCH_RUN_LABEL=<label> names the run
#
# Writes what it prints to bench/results/runs/<start time>-start-time[-<label>].md too
# (commit it: bench/README.md's rules for figures). The server gets its own port and DATA_DIR (.data/start-time), so a server or test
# run already in this checkout is left alone; dist/ is removed before each fresh start.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${1:-3}"
RESULT="bench/results/runs/$(date -u +%Y-%m-%dT%H-%M-%SZ)-start-time${BENCH_RUN_LABEL:+-$BENCH_RUN_LABEL}.md"
mkdir -p "$(dirname "$RESULT")"
exec > >(tee "$RESULT")
echo "# npm start: time to first answer ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ', with uncommitted changes'))"
echo
echo '```'
trap 'echo "\`\`\`"' EXIT
DATA_DIR_FOR_BENCH=".data/start-time"
free_port() { node -e "const s=require('node:net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})"; }
now() { date +%s.%N; }

# One start: prints the seconds from `npm start` to the first 200 from /health/live.
one_start() {
  local port log started pid answered elapsed
  port="$(free_port)"
  log="$(mktemp)"
  started="$(now)"
  PORT="$port" DATA_DIR="$DATA_DIR_FOR_BENCH" setsid npm start >"$log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://localhost:$port/health/live"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "npm start exited before answering; its output:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.05
  done
  answered="$(now)"
  # npm, its shell and node share the process group setsid gave them.
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
  elapsed="$(echo "$answered - $started" | bc -l)"
  printf '%.2f\n' "$elapsed"
}

summary() {
  local name="$1"
  shift
  printf '%s\n' "$@" | sort -n | awk -v name="$name" '
    { v[NR] = $1 }
    END {
      median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%-7s median %.2f s, range %.2f-%.2f s (n=%d)\n", name, median, v[1], v[NR], NR
    }'
}

fresh=()
second=()
for round in $(seq 1 "$RUNS"); do
  rm -rf dist "$DATA_DIR_FOR_BENCH"
  f="$(one_start)"
  s="$(one_start)"
  echo "round $round: fresh ${f} s, second ${s} s"
  fresh+=("$f")
  second+=("$s")
done
rm -rf "$DATA_DIR_FOR_BENCH"
summary fresh "${fresh[@]}"
summary second "${second[@]}"
echo "node $(node --version), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"

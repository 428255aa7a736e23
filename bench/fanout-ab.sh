#!/bin/bash
# fanout-ab.sh LABEL SERVER-BINARY: one fan-out run of the load generator
# against SERVER-BINARY (sio-bench-server of some commit, or bench/floor),
# pinned as bench/runner pins them (server on CPU 0, load generator on
# CPU 1, nice $NICE, default -5), with the runner's fan-out flags minus
# the throughput and slow-consumer scenarios; prints the fan-out figures.
# Alternate servers (A B floor A B floor ...) and compare ratios per round:
# on a shared machine absolute times are noise.
#   go build -o /tmp/ab/loadgen ./bench/loadgen
#   go build -o /tmp/ab/floor ./bench/floor
#   go build -o /tmp/ab/new ./cmd/sio-bench-server   # and an older commit's
#   for i in 1 2 3; do for s in new old floor; do LOADGEN=/tmp/ab/loadgen bench/fanout-ab.sh $s /tmp/ab/$s; done; done
set -eu
label=$1 bin=$2
loadgen=${LOADGEN:-/tmp/ab/loadgen} nice=${NICE:--5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
nice -n "$nice" taskset -c 0 "$bin" -port 0 >"$dir/srv.out" 2>"$dir/srv.err" &
spid=$!
url=
for _ in $(seq 100); do
	url=$(grep -o 'http://[0-9.:]*' "$dir/srv.out" | head -1 || true)
	[ -n "$url" ] && break
	sleep 0.1
done
nice -n "$nice" taskset -c 1 "$loadgen" -out "$dir/res.json" -url "$url" -name "$label" \
	-n "${N:-10000}" -n-small 1000 -broadcasts 20 -broadcasts-small 200 -probes 10 -conc 64 -skip throughput,slow >"$dir/loadgen.log" 2>&1
kill "$spid"
wait "$spid" 2>/dev/null || true
python3 - "$dir/res.json" "$label" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
keys = ["fanout_p50_ms", "fanout_p99_ms", "fanout_first_p50_ms", "fanout_small_p50_ms",
        "fanout_small_p99_ms", "server_cpu_ms_per_broadcast", "mem_idle_kb_per_conn"]
print(sys.argv[2].ljust(8), " ".join("%s=%.2f" % (k, m.get(k, float("nan"))) for k in keys), flush=True)
PY

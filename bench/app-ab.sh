#!/bin/bash
# app-ab.sh LABEL LIVEDESK-BINARY [N]: one run of the load generator's
# application scenario against LIVEDESK-BINARY on a fresh SQLite database,
# pinned and flagged as bench/runner's runApp (server on CPU 0, load
# generator on CPU 1, nice $NICE, default -5; N dashboards, default
# 10,000: admins and a vendor's alternately, every fifth another vendor's;
# 20 payments/s for 15 s). Prints the figures and the server's write(2)
# calls per second while the payments are posted (from /proc/PID/io).
# Alternate builds (A B A B ...) and compare within the run: on a shared
# machine absolute times are noise.
#   go build -o /tmp/ab/loadgen ./bench/loadgen
#   go build -o /tmp/ab/new ./cmd/livedesk    # and an older commit's
#   for i in 1 2; do for b in new old; do LOADGEN=/tmp/ab/loadgen bench/app-ab.sh $b /tmp/ab/$b 3000; done; done
set -eu
label=$1 bin=$2 n=${3:-10000}
loadgen=${LOADGEN:-/tmp/ab/loadgen} nice=${NICE:--5} port=${PORT:-18080}
ulimit -n 20000
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db=sqlite:$dir/livedesk.db
export LIVEDESK_JWT_SECRET=benchmark-secret-benchmark-secret-0123456789
"$bin" migrate --db "$db" >/dev/null
"$bin" user create --db "$db" --email a@bench.local --password adminpassword1 --role admin --name A >/dev/null
"$bin" user create --db "$db" --email v@bench.local --password vendorpassword1 --role vendor --name V >/dev/null
"$bin" user create --db "$db" --email o@bench.local --password vendorpassword1 --role vendor --name O >/dev/null
LIVEDESK_LOG_LEVEL=warn nice -n "$nice" taskset -c 0 "$bin" serve --addr 127.0.0.1:"$port" --db "$db" --metrics-addr "" \
	--max-conns-per-ip 0 --max-http-conns-per-ip 0 --handshakes-per-ip 0 >"$dir/serve.log" 2>&1 &
spid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# The server's write(2) calls, once a second.
(while kill -0 "$spid" 2>/dev/null; do awk '/syscw/{print $2}' "/proc/$spid/io" 2>/dev/null; sleep 1; done) >"$dir/syscw" &
nice -n "$nice" taskset -c 1 "$loadgen" -mode app -url "http://127.0.0.1:$port" -email a@bench.local -password adminpassword1 \
	-n "$n" -conc 64 -pay-rate 20 -pay-dur 15s -pid "$spid" \
	-vendor v@bench.local:vendorpassword1 -outsider o@bench.local:vendorpassword1 -outsider-every 5 -out "$dir/res.json" 2>"$dir/loadgen.log"
kill "$spid"
wait "$spid" 2>/dev/null || true
python3 - "$dir/res.json" "$dir/syscw" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
w = [int(x) for x in open(sys.argv[2]).read().split()]
d = sorted(b - a for a, b in zip(w, w[1:]))
keys = ["clients", "completionP50Ms", "completionP99Ms", "postP99Ms", "readP99Ms", "lost", "dups", "leaked", "serverCpuPct", "loadgenCpuPct"]
print(sys.argv[3].ljust(8), " ".join("%s=%s" % (k, round(r.get(k), 1) if isinstance(r.get(k), float) else r.get(k)) for k in keys),
      "writes/s(top-5 median)=%d" % (d[-5:][2] if len(d) >= 5 else 0), flush=True)
PY

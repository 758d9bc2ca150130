#!/bin/bash
# Load test of ridgeline-server on loopback with wrk (not run by make check).
#
#   bench/server-load.sh [BUILD_DIR] [DB] [CONNECTIONS...]
#
# BUILD_DIR: a release build (default build-release). DB: a workspace whose
# demo users have the demo password (default: a 100-identity demo made in a
# temporary folder). Starts the server over HTTPS on a free port with the rate
# limit off (every wrk connection shares one token), signs in as a supervisor
# and measures, for each number of concurrent connections (default 1 8 32),
# requests/s and latency percentiles of: the work queue listing, the search
# listing, a 1:N search preview of one probe against the whole gallery
# (GET /samples/ID/preview, nothing stored) and a stored, routed 1:N search
# (POST /samples/ID/search: a new search row, candidates, audit each time)
# and a partner's submission through the gateway (POST
# /gateway/v1/transactions: a JSON body with one enrolled print, ~100 KB,
# decoded, extracted, enrolled, searched and answered, with the demo
# partner's key from DB.partner-keys); then the queue listing with 8
# connections while 8 others run searches, and GET /api/v1/session while 8
# partners submit, and a write (POST /candidates/ID/view, on the main thread)
# with 8 connections while 8 others run stored searches. The server runs with
# its defaults otherwise (2 workers; WORKERS=N for --workers N).
# Needs wrk (apt-get install wrk), curl and python3.
set -euo pipefail

build=${1:-build-release}
db=${2:-}
shift $(( $# > 2 ? 2 : $# )) || true
connections=("$@")
[ ${#connections[@]} -gt 0 ] || connections=(1 8 32)
duration=${DURATION:-10s}
threads=${THREADS:-2}
# wrk leaves a reply slower than its timeout (default 2 s) out of the
# latencies and counts it as a socket error: give every request its time.
timeout=${TIMEOUT:-60s}

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/rl-server-bench-XXXXXX")
server_pid=
cleanup () {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$db" ]; then
  db=$work/demo.db
  echo "Making a 100-identity demo workspace…" >&2
  "$build/app/ridgeline-cli" demo --identities 100 --seed 1 --db "$db" >/dev/null
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$build/app/server/ridgeline-server" --db "$db" --port "$port" --rate 0 --workers "${WORKERS:-2}" \
  --cert "$work/cert.pem" --key "$work/key.pem" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  grep -q Serving "$work/server.log" 2>/dev/null && break
  sleep 0.1
done
base=https://127.0.0.1:$port/api/v1

token=$(curl -sk -X POST "$base/session" -H 'Content-Type: application/json' \
  -d '{"username": "mokafor", "password": "ridgeline-demo"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
n_searches=$(curl -sk -H "Authorization: Bearer $token" "$base/searches" |
  python3 -c 'import json, sys; print(len(json.load(sys.stdin)["searches"]))')
probe=$(curl -sk -H "Authorization: Bearer $token" "$base/searches" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["searches"][0]["probe_sample_id"])')
candidate=$(curl -sk -H "Authorization: Bearer $token" "$base/searches" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["searches"][0]["id"])' |
  xargs -I{} curl -sk -H "Authorization: Bearer $token" "$base/searches/{}/candidates" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["candidates"][0]["id"])')
n_queue=$(curl -sk -H "Authorization: Bearer $token" "$base/queue" |
  python3 -c 'import json, sys; print(len(json.load(sys.stdin)["searches"]))')

n_prints=$(sqlite3 "$db" 'SELECT count(*) FROM sample WHERE template IS NOT NULL' 2>/dev/null || echo '?')
echo "workspace: $db ($n_searches searches, $n_queue in the supervisor's queue, $n_prints prints with templates; probe sample $probe)"
printf 'wrk.method = "POST"\n' > "$work/post.lua"

# A partner's JSON submission: the probe's own stored image (so a match).
partner_key=$(awk '$1 == "aldova-police" {print $2}' "$db.partner-keys" 2>/dev/null || true)
python3 - "$db" "$probe" "$work/submission.json" <<'PY'
import base64, json, sqlite3, sys
db, probe, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
data, fmt, finger, ppi = c.execute(
    "SELECT i.data, i.format, s.finger, s.ppi FROM sample s JOIN image i ON i.sha256 = s.image_sha256 WHERE s.id = ?",
    (probe,)).fetchone()
json.dump({"reference": "LOAD", "fingers": [{"position": finger, "image": base64.b64encode(data).decode(),
                                             "format": fmt, "ppi": ppi or 500}]}, open(out, "w"))
PY
cat > "$work/gateway.lua" <<LUA
local f = io.open("$work/submission.json", "rb")
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $partner_key"
LUA
echo "partner submission: $(stat -c %s "$work/submission.json") bytes of JSON"
echo "load before: $(uptime)"
printf '%-22s %6s %10s %9s %9s %9s\n' route conns req/s p50 p90 p99
# MIXED_ONLY=1: only the mixed runs at the end (to compare two builds quickly).
[ -n "${MIXED_ONLY:-}" ] && connections=()
for path in queue searches "samples/$probe/preview" "samples/$probe/search"; do
  script=()
  case $path in */search) script=(-s "$work/post.lua");; esac
  for c in "${connections[@]+"${connections[@]}"}"; do
    t=$(( c < threads ? c : threads ))
    out=$(wrk -t"$t" -c"$c" -d"$duration" --timeout "$timeout" --latency "${script[@]}" -H "Authorization: Bearer $token" "$base/$path")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p90=$(awk '$1 == "90%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    socket=$(grep -o 'Socket errors:.*' <<<"$out" || true)
    printf '%-22s %6s %10s %9s %9s %9s %s %s\n' "$path" "$c" "$rps" "$p50" "$p90" "$p99" \
      "${errors:+($errors non-2xx)}" "$socket"
  done
done
if [ -n "$partner_key" ]; then
  for c in "${connections[@]+"${connections[@]}"}"; do
    t=$(( c < threads ? c : threads ))
    out=$(wrk -t"$t" -c"$c" -d"$duration" --timeout "$timeout" --latency -s "$work/gateway.lua" "https://127.0.0.1:$port/gateway/v1/transactions")
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    socket=$(grep -o 'Socket errors:.*' <<<"$out" || true)
    printf '%-22s %6s %10s %9s %9s %9s %s %s\n' "gateway/v1/transactions" "$c" "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
      "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "90%" {print $2}' <<<"$out")" \
      "$(awk '$1 == "99%" {print $2}' <<<"$out")" "${errors:+($errors non-2xx)}" "$socket"
  done
else
  echo "no $db.partner-keys: the gateway is not measured (make the workspace with ridgeline-cli demo)"
fi
# Mixed: the queue listing while stored searches run at the same time (the
# searches run in the server's search worker, the listings on its main thread).
wrk -t1 -c8 -d"$duration" --timeout "$timeout" -s "$work/post.lua" -H "Authorization: Bearer $token" "$base/samples/$probe/search" \
  > "$work/mixed-search.txt" &
mixed_pid=$!
out=$(wrk -t2 -c8 -d"$duration" --timeout "$timeout" --latency -H "Authorization: Bearer $token" "$base/queue")
wait "$mixed_pid"
printf '%-22s %6s %10s %9s %9s %9s\n' "queue+8 searching" 8 "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
  "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "90%" {print $2}' <<<"$out")" \
  "$(awk '$1 == "99%" {print $2}' <<<"$out")"
printf '%-22s %6s %10s   (searches/s alongside)\n' "  searches alongside" 8 \
  "$(awk '/^Requests\/sec/ {print $2}' "$work/mixed-search.txt")"
# The same write alone, for comparison.
out=$(wrk -t2 -c8 -d"$duration" --timeout "$timeout" --latency -s "$work/post.lua" -H "Authorization: Bearer $token" \
  "$base/candidates/$candidate/view")
printf '%-22s %6s %10s %9s %9s %9s\n' "view alone" 8 "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
  "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "90%" {print $2}' <<<"$out")" \
  "$(awk '$1 == "99%" {print $2}' <<<"$out")"
# Mixed: a WRITE on the main thread (an examiner's candidate view: one row
# and its audit entry, in a transaction) while stored searches run in the
# workers. Before session 4 a stored search held SQLite's write lock for its
# whole matcher scan, so such a write waited for the scan in front of it.
wrk -t1 -c8 -d"$duration" --timeout "$timeout" -s "$work/post.lua" -H "Authorization: Bearer $token" "$base/samples/$probe/search" \
  > "$work/mixed-write.txt" &
mixed_pid=$!
out=$(wrk -t2 -c8 -d"$duration" --timeout "$timeout" --latency -s "$work/post.lua" -H "Authorization: Bearer $token" \
  "$base/candidates/$candidate/view")
wait "$mixed_pid"
errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
printf '%-22s %6s %10s %9s %9s %9s %s\n' "view+8 searching" 8 "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
  "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "90%" {print $2}' <<<"$out")" \
  "$(awk '$1 == "99%" {print $2}' <<<"$out")" "${errors:+($errors non-2xx)}"
printf '%-22s %6s %10s   (searches/s alongside)\n' "  searches alongside" 8 \
  "$(awk '/^Requests\/sec/ {print $2}' "$work/mixed-write.txt")"
# Mixed: a workstation's session check while 8 partners submit (the
# submissions run in the workers, the check on the main thread).
if [ -n "$partner_key" ]; then
  wrk -t1 -c8 -d"$duration" --timeout "$timeout" -s "$work/gateway.lua" "https://127.0.0.1:$port/gateway/v1/transactions" \
    > "$work/mixed-gateway.txt" &
  mixed_pid=$!
  out=$(wrk -t2 -c8 -d"$duration" --timeout "$timeout" --latency -H "Authorization: Bearer $token" "$base/session")
  wait "$mixed_pid"
  printf '%-22s %6s %10s %9s %9s %9s\n' "session+8 submitting" 8 "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "90%" {print $2}' <<<"$out")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")"
  printf '%-22s %6s %10s   (submissions/s alongside)\n' "  submissions alongside" 8 \
    "$(awk '/^Requests\/sec/ {print $2}' "$work/mixed-gateway.txt")"
fi
echo "load after: $(uptime)"

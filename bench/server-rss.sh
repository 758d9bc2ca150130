#!/bin/bash
# Memory of ridgeline-server with a large search gallery (not run by make check).
#
#   bench/server-rss.sh BUILD_DIR DEMO_DB [FINGERS] [WORKERS]
#
# Copies DEMO_DB (a demo workspace: `ridgeline-cli demo --identities 100
# --seed 1 --db DEMO_DB`) and adds FINGERS prints (default 200000) to the
# copy with SQL: FINGERS/10 identities of one encounter and ten fingers each,
# whose templates are copies of the demo's (memory per template is what is
# measured, not accuracy). Starts the server with --workers WORKERS (default
# 4), then sends WORKERS 1:N search previews at once (GET
# /samples/ID/preview: each runs in a worker, on that worker's workspace
# connection), twice, so that every worker has searched the whole gallery.
# Prints the server's resident memory (VmRSS) and peak (VmHWM) from /proc
# after start, after the first round and after the second.
# Needs curl, sqlite3 and python3.
set -euo pipefail

build=${1:?BUILD_DIR}
demo=${2:?DEMO_DB}
fingers=${3:-200000}
workers=${4:-4}

work=$(mktemp -d "${TMPDIR:-/tmp}/rl-server-rss-XXXXXX")
server_pid=
cleanup () {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

db=$work/large.db
cp "$demo" "$db"
[ -f "$demo.partner-keys" ] && cp "$demo.partner-keys" "$db.partner-keys"
identities=$(( fingers / 10 ))
echo "Adding $fingers prints ($identities identities) to a copy of $demo…" >&2
sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE pool AS
  SELECT row_number() OVER (ORDER BY id) AS k, template FROM sample WHERE template IS NOT NULL;
CREATE TEMP TABLE seq (i INTEGER PRIMARY KEY);
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $identities - 1)
  INSERT INTO seq SELECT i FROM s;
INSERT INTO identity (reference, created_at) SELECT 'BENCH-' || i, 1700000000 FROM seq;
INSERT INTO encounter (identity_id, agency_id, occurred_at, purpose)
  SELECT (SELECT id FROM identity WHERE reference = 'BENCH-' || i), (SELECT min(id) FROM agency), 1700000000,
         'border-crossing' FROM seq;
INSERT INTO sample (encounter_id, finger, impression, quality, template)
  SELECT e.id, f.finger, 0, 60, (SELECT template FROM pool WHERE k = 1 + (e.id * 10 + f.finger) % (SELECT count(*) FROM pool))
  FROM encounter e JOIN identity i ON i.id = e.identity_id AND i.reference LIKE 'BENCH-%'
  CROSS JOIN (SELECT 1 AS finger UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
              UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10) f;
COMMIT;
SQL
n_prints=$(sqlite3 "$db" 'SELECT count(*) FROM sample WHERE template IS NOT NULL')

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$build/app/server/ridgeline-server" --db "$db" --port "$port" --rate 0 --workers "$workers" \
  --cert "$work/cert.pem" --key "$work/key.pem" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q Serving "$work/server.log" 2>/dev/null && break
  sleep 0.1
done
base=https://127.0.0.1:$port/api/v1
token=$(curl -sk -X POST "$base/session" -H 'Content-Type: application/json' \
  -d '{"username": "mokafor", "password": "ridgeline-demo"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
probe=$(curl -sk -H "Authorization: Bearer $token" "$base/searches" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["searches"][0]["probe_sample_id"])')

rss () {
  awk '/^VmRSS|^VmHWM/ {printf "%s %.0f MB  ", $1, $2 / 1024}' "/proc/$server_pid/status"
  echo
}
round () {
  local pids=() start end
  start=$(date +%s.%N)
  for _ in $(seq "$workers"); do
    curl -sk -o /dev/null -w '%{http_code} ' -H "Authorization: Bearer $token" "$base/samples/$probe/preview" &
    pids+=($!)
  done
  wait "${pids[@]}"
  end=$(date +%s.%N)
  echo "($(python3 -c "print(f'{$end - $start:.1f}')") s)"
}

echo "$build/app/server/ridgeline-server: $n_prints prints with templates, --workers $workers, probe sample $probe"
printf 'after start:          '; rss
printf 'round 1: '; round
printf 'after %s previews:     ' "$workers"; rss
printf 'round 2: '; round
printf 'after %s more:         ' "$workers"; rss
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

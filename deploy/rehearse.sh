#!/usr/bin/env bash
# Rehearse the larger install of docs/deploy.md by hand, on one machine, without Docker:
# a fresh PostgreSQL database, `learnclub db upgrade` and `learnclub demo`, two gunicorn web
# instances (same LEARNCLUB_SECRET_KEY, each its own instance folder) and two `learnclub
# scheduler` processes. Then: sign in as the demo host on web A, upload a profile photo there
# and fetch it from web B; kill -9 the scheduler leader and watch the standby take over; take
# `learnclub backup` while everything runs and restore it into a second fresh database.
#
#   deploy/rehearse.sh            # from the repository, with .venv installed (make run)
#
# Binds 127.0.0.1 only. Bounded in time: every wait and command has a limit, none reaching
# past REHEARSAL_LIMIT seconds from the start. On exit (success, failure or Ctrl-C) it stops what it started and
# drops the databases it created. Settings (all optional):
#   REHEARSAL_PG=postgresql://postgres@127.0.0.1:5432   server; needs CREATE DATABASE
#   REHEARSAL_PORTS="5101 5102"                         web A and web B
#   REHEARSAL_LEASE=45                                  `learnclub scheduler --lease-seconds`
#   REHEARSAL_LIMIT=600                                 seconds for the whole run
#   REHEARSAL_KEEP=1                                    keep the work folder (logs, backup)
# Not part of the test suite (tests/test_deploy.py only checks that it parses).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/.venv/bin
PG=${REHEARSAL_PG:-postgresql://postgres@127.0.0.1:5432}
read -r PORT_A PORT_B <<<"${REHEARSAL_PORTS:-5101 5102}"
LEASE=${REHEARSAL_LEASE:-45}
LIMIT=${REHEARSAL_LIMIT:-600}
DB=learnclub_rehearsal_$$
RESTORED=${DB}_restored
WORK=$(mktemp -d "${TMPDIR:-/tmp}/learnclub-rehearsal.XXXXXX")
JAR=$WORK/cookies.txt
PIDS=()
NAMES=()
CREATED=()

# --- time, steps and waits ---------------------------------------------------------------

usec() { local t=${EPOCHREALTIME/./}; echo $((10#$t)); }
secs() { printf '%d.%d' $(($1 / 1000000)) $((($1 % 1000000) / 100000)); }
T0=$(usec)
DEADLINE=$((T0 + LIMIT * 1000000))
STEP_T=$T0
step() { STEP_T=$(usec); printf '\n[%6ss] %s\n' "$(secs $((STEP_T - T0)))" "$*"; }
say() { printf '          %s\n' "$*"; }
took() { say "$* ($(secs $(($(usec) - STEP_T)))s)"; }
fail() {
  printf '\nFAILED: %s\n' "$*" >&2
  for port in "$PORT_A" "$PORT_B"; do  # what the webs say now, if they run
    port_free "$port" || printf '/healthz on :%s: %s\n' "$port" "$(health "$port")" >&2
  done
  exit 1
}

# wait_until SECONDS WHAT COMMAND...: run COMMAND every 0.3 s until it succeeds.
wait_until() {
  local limit=$1 what=$2 end why
  shift 2
  end=$(($(usec) + limit * 1000000)) why="after ${limit}s"
  ((end < DEADLINE)) || end=$DEADLINE why="at REHEARSAL_LIMIT=${LIMIT}s"
  until "$@"; do
    (($(usec) < end)) || fail "gave up $why waiting for: $what"
    sleep 0.3
  done
}

# --- clean-up: stop what we started, drop what we created ----------------------------------

cleanup() {
  local rc=$? i name log stopping stopped=() end
  trap - EXIT INT TERM
  set +e  # clean up as much as can be, whatever fails
  stopping=$(usec) end=$(($(usec) + 30000000))
  for i in "${!PIDS[@]}"; do
    if alive "${PIDS[i]}"; then kill -TERM "${PIDS[i]}"; else stopped[i]="${NAMES[i]} (gone already)"; fi
  done
  while ((${#stopped[@]} < ${#PIDS[@]})); do  # SIGTERM: each stops cleanly, within 30 s
    for i in "${!PIDS[@]}"; do
      [[ -z ${stopped[i]:-} ]] || continue
      if ! alive "${PIDS[i]}"; then
        stopped[i]="${NAMES[i]} $(secs $(($(usec) - stopping)))s"
      elif (($(usec) > end)); then
        kill -KILL "${PIDS[i]}" && stopped[i]="${NAMES[i]} KILLED after 30s"
      fi
    done
    sleep 0.2
  done
  wait 2>/dev/null || true
  if ((rc != 0)); then
    for log in "$WORK"/*.log; do
      [[ -f $log ]] && { echo "--- last lines of $log"; tail -5 "$log"; } >&2
    done
  fi
  for name in "${CREATED[@]}"; do
    psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null \
      || echo "could not drop database $name" >&2
  done
  if [[ ${REHEARSAL_KEEP:-} == 1 ]]; then
    echo "Kept $WORK (logs, backup)."
  else
    rm -rf "$WORK"
  fi
  printf '\n[%6ss] Cleaned up (exit %d): SIGTERM stopped %s; dropped %s\n' \
    "$(secs $(($(usec) - T0)))" "$rc" "$(IFS=,; echo "${stopped[*]:-nothing}" | sed 's/,/, /g')" \
    "${CREATED[*]:-nothing}"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers ---------------------------------------------------------------------------------

alive() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]; }
left() { local s=$(((DEADLINE - $(usec)) / 1000000)); echo $((s > 1 ? s : 1)); }
learnclub() { timeout "$(left)" "$BIN/learnclub" "$@"; }
http() { curl -sS --max-time 15 -b "$JAR" -c "$JAR" "$@"; }
health() { curl -sS --max-time 5 "http://127.0.0.1:$1/healthz" 2>/dev/null || true; }
healthy() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$1/healthz") == 200 ]]; }
leader_on() { health "$1" | "$BIN/python" -c 'import json, sys
try: print((json.load(sys.stdin).get("scheduler") or {}).get("leader") or "")
except ValueError: print("")'; }
csrf_of() { grep -o 'name="csrf_token"[^>]*value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
sql() { psql "$PG/$1" -qAtF ' ' -v ON_ERROR_STOP=1 -c "$2"; }
counts() {  # "table rows" for every table of database $1
  sql "$1" "SELECT table_name, (xpath('/row/n/text()', query_to_xml(format(
    'SELECT count(*) AS n FROM %I', table_name), false, true, '')))[1]::text
    FROM information_schema.tables WHERE table_schema = 'public'
    AND table_type = 'BASE TABLE' ORDER BY 1"
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start NAME COMMAND...: in the background, its output in $WORK/NAME.log; sets STARTED=pid
start() {
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  STARTED=$!
  PIDS+=("$STARTED")
  NAMES+=("$name")
}

# --- the rehearsal ---------------------------------------------------------------------------

cd "$ROOT"
[[ -x $BIN/learnclub && -x $BIN/gunicorn ]] || fail "no $BIN/learnclub: run \`make run\` once"
for port in "$PORT_A" "$PORT_B"; do port_free "$port" || fail "port $port is taken"; done

step "Machine"
say "$(date -u '+%Y-%m-%d %H:%M UTC') · $(uname -srm) · $(nproc) cores · $(free -g | awk '/^Mem/ {print $2}') GB"
say "$("$BIN/python" --version) · $("$BIN/gunicorn" --version) · $(psql --version) client"
say "server: $(psql "$PG/postgres" -qAtc 'SHOW server_version') at ${PG#*@}"

export LEARNCLUB_DATABASE_URL=$PG/$DB
LEARNCLUB_SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export LEARNCLUB_SECRET_KEY
export LEARNCLUB_MAIL_URL=  # no mail server: mail is written to the log
export LEARNCLUB_CONTENT_DIR=$WORK/content
export LEARNCLUB_INSTANCE_DIR=$WORK/cli
export LEARNCLUB_BASE_URL=http://127.0.0.1:$PORT_A
cp -r "$ROOT/content" "$LEARNCLUB_CONTENT_DIR"
mkdir -p "$WORK"/{cli,web-a,web-b,scheduler-1,scheduler-2}

step "Create database $DB"
sql postgres "CREATE DATABASE \"$DB\""
CREATED+=("$DB")
took "created"

step "learnclub db upgrade"
learnclub db upgrade >"$WORK/upgrade.log" 2>&1 || { cat "$WORK/upgrade.log"; fail "db upgrade"; }
applied=$(tail -1 "$WORK/upgrade.log")
took "$(tr ',' '\n' <<<"$applied" | wc -l) migrations applied, the last ${applied##*, }"

step "learnclub demo"
learnclub demo >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log"; fail "demo"; }
read -r HOST_EMAIL HOST_PASSWORD < <(awk '$1 == "host" {print $2, $3}' "$WORK/demo.log")
[[ -n ${HOST_EMAIL:-} ]] || fail "no host login in the demo's output"
took "$(head -1 "$WORK/demo.log"); host: $HOST_EMAIL"

step "Two web instances: gunicorn -c deploy/gunicorn.conf.py wsgi:app on :$PORT_A and :$PORT_B"
for side in a b; do
  port=$([[ $side == a ]] && echo "$PORT_A" || echo "$PORT_B")
  start "web-$side" env LEARNCLUB_INSTANCE_DIR="$WORK/web-$side" \
    LEARNCLUB_BASE_URL="http://127.0.0.1:$port" WEB_CONCURRENCY=2 GUNICORN_THREADS=2 \
    GUNICORN_CMD_ARGS="--bind 127.0.0.1:$port" "$BIN/gunicorn" -c deploy/gunicorn.conf.py wsgi:app
  say "web $side: pid $STARTED, instance folder $WORK/web-$side"
done
wait_until 60 "both /healthz answer 200" eval "healthy $PORT_A && healthy $PORT_B"
took "both answer GET /healthz with 200"

step "Two schedulers: learnclub scheduler --lease-seconds $LEASE"
start scheduler-1 env LEARNCLUB_INSTANCE_DIR="$WORK/scheduler-1" \
  "$BIN/learnclub" scheduler --lease-seconds "$LEASE"
SCHEDULER_1=$STARTED
leads() { LEADER=$(leader_on "$PORT_B"); [[ -n $LEADER ]]; }
wait_until 60 "a scheduler leads (/healthz)" leads
[[ $LEADER == *":$SCHEDULER_1:"* ]] || fail "the leader $LEADER is not scheduler 1 ($SCHEDULER_1)"
took "scheduler 1 (pid $SCHEDULER_1) leads as $LEADER"
start scheduler-2 env LEARNCLUB_INSTANCE_DIR="$WORK/scheduler-2" \
  "$BIN/learnclub" scheduler --lease-seconds "$LEASE"
SCHEDULER_2=$STARTED
wait_until 60 "scheduler 2 stands by" grep -qs "Standing by as" "$WORK/scheduler-2.log"
took "scheduler 2 (pid $SCHEDULER_2): $(grep -m1 -o 'Standing by as [^:]*:[^:]*:[^:]*' \
  "$WORK/scheduler-2.log")"

step "Sign in as the demo host on web A (curl, cookie jar, the form's CSRF token)"
A=http://127.0.0.1:$PORT_A B=http://127.0.0.1:$PORT_B
token=$(http "$A/login" | csrf_of)
[[ -n $token ]] || fail "no CSRF token on $A/login"
code=$(http -o /dev/null -w '%{http_code} %{redirect_url}' --data-urlencode "email=$HOST_EMAIL" \
  --data-urlencode "password=$HOST_PASSWORD" --data-urlencode "csrf_token=$token" "$A/login")
[[ $code == 302* ]] || fail "sign-in on A answered $code"
took "POST /login → $code"

step "Upload a profile photo on web A, fetch it from web B"
"$BIN/python" -c "from PIL import Image, ImageDraw
img = Image.new('RGB', (320, 240), (22, 110, 140))
ImageDraw.Draw(img).ellipse((90, 50, 230, 190), fill=(240, 190, 60))
img.save('$WORK/photo.jpg', 'JPEG', quality=90)"
token=$(http "$A/profile" | csrf_of)
code=$(http -o /dev/null -w '%{http_code}' -F "csrf_token=$token" -F "photo=@$WORK/photo.jpg;type=image/jpeg" \
  "$A/profile/photo")
[[ $code == 302 ]] || fail "the upload on A answered $code"
photo=$(http "$A/profile" | grep -o '/u/[0-9]*/photo\.jpg' | head -1)
[[ -n $photo ]] || fail "the profile page on A shows no photo"
say "POST $A/profile/photo → $code; the profile shows $photo"
for side in A B; do
  base=$([[ $side == A ]] && echo "$A" || echo "$B")
  code=$(http -o "$WORK/photo-$side.jpg" -D "$WORK/photo-$side.headers" -w '%{http_code}' "$base$photo")
  etag=$(tr -d '\r' <"$WORK/photo-$side.headers" | awk -F': ' 'tolower($1) == "etag" {print $2}')
  eval "CODE_$side=\$code ETAG_$side=\$etag"
  say "GET $base$photo (A's session cookie) → $code, ETag $etag," \
    "$(wc -c <"$WORK/photo-$side.jpg") bytes, sha256 $(sha256sum "$WORK/photo-$side.jpg" | cut -c1-16)…"
done
[[ $CODE_A == 200 && $CODE_B == 200 ]] || fail "the photo answered $CODE_A on A, $CODE_B on B"
[[ -n $ETAG_A && $ETAG_A == "$ETAG_B" ]] || fail "ETags differ: $ETAG_A on A, $ETAG_B on B"
cmp -s "$WORK/photo-A.jpg" "$WORK/photo-B.jpg" || fail "A and B served different bytes"
code=$(http -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG_B" "$B$photo")
say "GET $B$photo with If-None-Match → $code"
say "web B's access log: $(grep -m1 'photo.jpg' "$WORK/web-b.log" | cut -c1-110)"
say "stored_file: $(sql "$DB" "SELECT string_agg(left(sha256, 8) || '… ' || content_type
  || ' ' || size, ', ' ORDER BY created_at) FROM stored_file")"
say "files in the web instance folders: $(find "$WORK/web-a" "$WORK/web-b" -type f | wc -l)"
took "same bytes, same ETag on both"

step "kill -9 the scheduler leader (pid $SCHEDULER_1); the standby takes over"
kill -KILL "$SCHEDULER_1"
killed=$(usec)
wait "$SCHEDULER_1" 2>/dev/null || true  # reaped here, quietly
say "killed $LEADER at +$(secs $((killed - T0)))s; lease $LEASE s, takeover due within $((LEASE * 4 / 3)) s"
another_leads() { NEW_LEADER=$(leader_on "$PORT_A"); [[ -n $NEW_LEADER && $NEW_LEADER != "$LEADER" ]]; }
wait_until $((LEASE * 4 / 3 + 20)) "another leader on /healthz" another_leads
[[ $NEW_LEADER == *":$SCHEDULER_2:"* ]] || fail "the new leader $NEW_LEADER is not scheduler 2"
say "new leader $NEW_LEADER, $(secs $(($(usec) - killed)))s after the kill"
say "scheduler 2 said: $(grep -m1 -o 'Leading the scheduler as .*' "$WORK/scheduler-2.log")"
ran_by_new() { [[ $(sql "$DB" "SELECT last_runner FROM job_run WHERE job = 'send_posts'") == "$NEW_LEADER" ]]; }
wait_until 40 "the new leader runs send_posts (every 15 s)" ran_by_new
say "job_run send_posts: $(sql "$DB" "SELECT runs || ' runs, last by ' || last_runner FROM job_run WHERE job = 'send_posts'")"
say "jobs last run by each scheduler: $(sql "$DB" "SELECT string_agg(n || ' by pid ' || split_part(r, ':', 2), ', ' ORDER BY n DESC) FROM (SELECT last_runner r, count(*) n FROM job_run GROUP BY 1) t")"
took "/healthz on A: HTTP $(curl -s -o /dev/null -w '%{http_code}' "$A/healthz"), status $(health "$PORT_A" | "$BIN/python" -c 'import json,sys; print(json.load(sys.stdin)["status"])')"

step "learnclub backup while both webs and the new leader run"
learnclub backup "$WORK/club.backup" 2>&1 | sed 's/^/          /' || fail "backup"
took "$(du -h "$WORK/club.backup" | cut -f1) written"

step "Restore into a fresh database $RESTORED, compare row counts"
sql postgres "CREATE DATABASE \"$RESTORED\""
CREATED+=("$RESTORED")
LEARNCLUB_DATABASE_URL=$PG/$RESTORED learnclub restore "$WORK/club.backup" 2>&1 \
  | sed 's/^/          /' || fail "restore"
counts "$RESTORED" >"$WORK/restored.counts"
counts "$DB" >"$WORK/live.counts"
"$BIN/python" - "$WORK/club.backup.json" "$WORK/restored.counts" "$WORK/live.counts" <<'EOF' \
  || fail "the restored rows differ from the snapshot"
import json, sys
snapshot = json.load(open(sys.argv[1]))["rows"]
restored, live = ({t: int(n) for t, n in (l.split() for l in open(p) if l.strip())}
                  for p in sys.argv[2:])
same = [t for t in snapshot if restored.get(t) == snapshot[t]]
moved = {t: (snapshot[t], live.get(t)) for t in snapshot if live.get(t) != snapshot[t]}
print(f"          {len(same)} of {len(snapshot)} tables hold in the restored database exactly "
      f"the rows of the snapshot ({sum(snapshot.values())} rows)")
for t in sorted(snapshot, key=lambda t: -snapshot[t])[:6]:
    print(f"            {t:24} snapshot {snapshot[t]:5}  restored {restored.get(t, 0):5}")
print("          live database since the snapshot: " + (", ".join(
    f"{t} {a}→{b}" for t, (a, b) in moved.items()) or "unchanged"))
sys.exit(len(same) != len(snapshot))
EOF
took "restored = snapshot"

step "Done"
say "every step passed in $(secs $(($(usec) - T0)))s"

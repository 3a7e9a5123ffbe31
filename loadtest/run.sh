#!/usr/bin/env bash
# Load test: a fresh PostgreSQL database with the demo data, gunicorn with several workers in
# production mode (plain HTTP on loopback), then locust headless driving the three journeys.
#
#   loadtest/run.sh                      # 50 users for 60 s against 4 workers
#   USERS=100 DURATION=120s WORKERS=5 loadtest/run.sh
#
# Needs PostgreSQL on 127.0.0.1:5432 (PG_URL to change) and the dev requirements (locust).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${BIN:-.venv/bin}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
DB="${LOADTEST_DB:-lmns_loadtest}"
USERS="${USERS:-50}"
SPAWN_RATE="${SPAWN_RATE:-5}"
DURATION="${DURATION:-60s}"
WORKERS="${WORKERS:-4}"
THREADS="${THREADS:-1}"
PORT="${PORT:-8765}"
OUT="${OUT:-$(mktemp -d)}"

mkdir -p "$OUT"
export DATABASE_URL="$PG_URL/$DB"
export DEBUG=0
export SECRET_KEY="load-test-only-secret-key-not-for-production-0123456789abcdefghijklmnop"
export SECURE_SSL_REDIRECT=0
# The load test measures pages, not enrolment: nobody is asked for a second factor.
export MFA_ENCRYPTION_KEY="bG9hZC10ZXN0LW9ubHkta2V5LW5vdC1mb3ItcHJvZC0="
export MFA_REQUIRED_FOR=""
export ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL="https://lmns.example.nhs.uk"  # links in mails; production refuses to start without
export LOADTEST_TARGETS="$OUT/targets.json"

step() { printf '\n==== %s ====\n' "$*"; }

step "Fresh database $DB"
"$BIN/python" - "$PG_URL/postgres" "$DB" <<'PY'
import sys

import psycopg

url, name = sys.argv[1], sys.argv[2]
with psycopg.connect(url, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
PY
"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py load_demo --force
"$BIN/python" manage.py collectstatic --noinput -v 0
DJANGO_SETTINGS_MODULE=lmns.settings "$BIN/python" -c \
  "import django, sys; django.setup(); from loadtest.targets import main; main(sys.argv[1])" \
  "$LOADTEST_TARGETS"

step "gunicorn, $WORKERS workers × $THREADS threads on 127.0.0.1:$PORT"
"$BIN/gunicorn" lmns.wsgi:application --workers "$WORKERS" --threads "$THREADS" --bind "127.0.0.1:$PORT" \
  --log-level warning --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  "$BIN/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/accounts/login/')" \
    2>/dev/null && break
  sleep 0.2
done

step "locust: $USERS users, $SPAWN_RATE/s spawn, $DURATION"
# The machine's load average every 15 s: the figures mean little if other work took the cores.
(while true; do echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 15; done) \
  > "$OUT/load.log" &
SAMPLER=$!
trap 'kill "$SAMPLER" "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
/usr/bin/time -f "%U %S" -o "$OUT/locust.cpu" \
  "$BIN/locust" -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate "$SPAWN_RATE" \
  --run-time "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary \
  --loglevel WARNING > "$OUT/locust.log" 2>&1 || true
kill "$SAMPLER" 2>/dev/null || true
# CPU seconds used by gunicorn (master and workers) and by locust over the whole run.
GUNICORN_CPU=$(ps -o cputimes= --ppid "$GUNICORN" -p "$GUNICORN" | awk '{s += $1} END {print s}')

step "Summary (CSV and logs in $OUT)"
echo "CPU seconds: gunicorn $GUNICORN_CPU, locust $(tail -n 1 "$OUT/locust.cpu" | awk '{print $1 + $2}')"
echo "Load average (1, 5, 15 min) during the run:"
sed 's/^/  /' "$OUT/load.log"
"$BIN/python" loadtest/summary.py "$OUT/locust"

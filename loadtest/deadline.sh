#!/usr/bin/env bash
# The deadline day on one small server: 200 people (trust leads saving sections and submitting,
# the programme teams reviewing, board members reading packs and downloading PDFs) with 5 to 20 s
# of think time after every page, signing in over the first 200 s, for 7 minutes, against
# gunicorn with 3 workers of 4 threads each on PostgreSQL. Aims: p95 under 1 s and no errors.
#
#   loadtest/deadline.sh            # figures in docs/performance.md
set -euo pipefail
cd "$(dirname "$0")/.."
export USERS="${USERS:-200}" SPAWN_RATE="${SPAWN_RATE:-1}" DURATION="${DURATION:-420s}"
export WORKERS="${WORKERS:-3}" THREADS="${THREADS:-4}" LOADTEST_THINK="${LOADTEST_THINK:-5,20}"
export LOADTEST_DB="${LOADTEST_DB:-lmns_loadtest_deadline}" PORT="${PORT:-8766}"
exec loadtest/run.sh

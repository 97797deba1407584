#!/usr/bin/env bash
# Serve the whole system for development: web server, Celery worker and Celery beat on the
# embedded broker (or on Redis when REDIS_URL is set). Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG="${DEBUG:-1}"
export PYTHONUNBUFFERED=1

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo "Stopping web server, worker and scheduler..."
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$BIN/celery" -A ekommune worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" &
pids+=($!)
"$BIN/celery" -A ekommune beat --loglevel=INFO &
pids+=($!)
"$BIN/python" manage.py runserver 127.0.0.1:8000 &
pids+=($!)

echo "Serving on http://127.0.0.1:8000 (health: http://127.0.0.1:8000/healthz). Ctrl-C stops."
# Exit (and stop the others) as soon as any of the three dies.
wait -n

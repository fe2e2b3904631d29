#!/usr/bin/env bash
# `make bench`: the production stack on this machine (PostgreSQL, gunicorn),
# seeded with 2,000 patients in the demo clinic for the load phases and with
# clinics of 1k, 10k and 100k patients for the cost-growth table, driven by
# locust. Exits non-zero when a target is missed. See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PATIENTS=${BENCH_PATIENTS:-2000}
WORKERS=${BENCH_WORKERS:-2}
GROWTH=${BENCH_GROWTH:-1000 10000 100000}
PORT=8100
DB=consultready_bench

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
psql -h 127.0.0.1 -U postgres -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB"

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 BENCH_ENDPOINTS=1
export DJANGO_SECRET_KEY=bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver
export DATABASE_POOL_MAX_SIZE=${BENCH_POOL:-4}
mkdir -p bench-results

echo "== prepare the bench database ($PATIENTS patients, growth clinics: ${GROWTH:-none}; kept between runs)"
$PY manage.py migrate --no-input -v0
$PY manage.py collectstatic --no-input -v0
$PY manage.py load_curriculum
time $PY manage.py seed_demo --force --patients "$PATIENTS"
for n in $GROWTH; do
  $PY manage.py seed_demo --force --patients "$n" --clinic "bench-$n" >/dev/null
done
psql -h 127.0.0.1 -U postgres -d "$DB" -qc "VACUUM ANALYZE" >/dev/null
$PY scripts/bench_prepare.py > bench-results/accounts.json

echo "== gunicorn: $WORKERS workers on 127.0.0.1:$PORT"
.venv/bin/gunicorn portal.wsgi --bind 127.0.0.1:$PORT --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile bench-results/gunicorn.log &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "http://127.0.0.1:$PORT/healthz"; echo

echo "== load and cost growth"
BENCH_HOST="http://127.0.0.1:$PORT" $PY scripts/bench_run.py

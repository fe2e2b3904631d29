#!/usr/bin/env bash
# PostgreSQL backups for ConsultReady.
#
#   scripts/backup.sh backup  DATABASE_URL FILE   # consistent dump (pg_dump custom format)
#   scripts/backup.sh restore FILE DATABASE_URL   # into an empty database
#   scripts/backup.sh verify  DATABASE_URL        # dump, restore into a scratch database,
#                                                 # compare row counts table by table, drop it
#
# The dump includes the audit table's append-only trigger. Keep dumps encrypted and
# off the database host: they hold health-related personal data.
set -euo pipefail

command=${1:?usage: backup.sh backup|restore|verify ...}

counts() {
  psql "$1" -Atqc "
    SELECT string_agg(format('%s=%s', table_name,
      (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', table_name), false, true, '')))[1]::text), ' ' ORDER BY table_name)
    FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
}

case "$command" in
  backup)
    pg_dump --format=custom --no-owner --file "${3:?file}" "${2:?database url}"
    ;;
  restore)
    pg_restore --no-owner --exit-on-error --dbname "${3:?database url}" "${2:?file}"
    ;;
  verify)
    source_url=${2:?database url}
    scratch="consultready_restore_check_$$"
    base_url=${source_url%/*}
    dump=$(mktemp)
    trap 'rm -f "$dump"; psql "$base_url/postgres" -qc "DROP DATABASE IF EXISTS $scratch" >/dev/null 2>&1 || true' EXIT
    pg_dump --format=custom --no-owner --file "$dump" "$source_url"
    psql "$base_url/postgres" -qc "CREATE DATABASE $scratch"
    pg_restore --no-owner --exit-on-error --dbname "$base_url/$scratch" "$dump"
    before=$(counts "$source_url")
    after=$(counts "$base_url/$scratch")
    if [ "$before" != "$after" ]; then
      echo "restore differs from the source" >&2
      diff <(tr ' ' '\n' <<<"$before") <(tr ' ' '\n' <<<"$after") >&2 || true
      exit 1
    fi
    echo "restore verified: $(wc -w <<<"$after") tables, same row counts"
    ;;
  *)
    echo "usage: backup.sh backup|restore|verify ..." >&2
    exit 2
    ;;
esac

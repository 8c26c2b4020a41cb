#!/bin/sh
# A dated backup of the database into $BACKUP_DIR, and old ones removed after
# $BACKUP_KEEP_DAYS days. Run daily by deploy/dangjian-backup.timer, from /srv/dangjian, with
# the service's settings (/etc/dangjian/env). SQLite: `flask backup` (an online copy through
# SQLite's backup API); PostgreSQL: pg_dump's custom format (restore with pg_restore, README).
set -eu
dir=${BACKUP_DIR:-/var/backups/dangjian}
keep=${BACKUP_KEEP_DAYS:-30}
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$dir"
case "${DATABASE_URL:-}" in
  postgres*)
    # pg_dump takes libpq's URL: without SQLAlchemy's "+psycopg" driver name.
    url=$(printf '%s' "$DATABASE_URL" | sed -e 's/^postgresql+psycopg:/postgresql:/')
    pg_dump --format=custom --file="$dir/dangjian-$stamp.dump" "$url"
    ;;
  *)
    .venv/bin/flask --app wsgi backup "$dir/dangjian-$stamp.db"
    ;;
esac
find "$dir" -maxdepth 1 -name 'dangjian-*' -type f -mtime +"$keep" -delete

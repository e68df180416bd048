#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder,
# started with pg_ctl on a Unix socket only (no TCP, no system service), as
# the `postgres` system user when run as root, since PostgreSQL refuses to
# run as root.
#   pg-cluster.sh start DIR   prints the connection URI of database kaifang
#   pg-cluster.sh stop DIR    stops the cluster and removes DIR
#   pg-cluster.sh createdb DIR NAME   another empty database, prints its URI
#   pg-cluster.sh resync DIR NAME     after rows were inserted with given ids
#                                     (a benchmark's seed): every identity
#                                     sequence goes on after its table's ids
set -eu
cmd=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "pg-cluster: PostgreSQL is not installed (make deps installs postgresql)" >&2; exit 2; }
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
uri() { echo "postgresql:///$1?host=$dir/sock&user=kaifang"; }
case "$cmd" in
start)
	mkdir -p "$dir/sock"
	[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
	as_pg "$bin/initdb" -D "$dir/data" -U kaifang --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	# durability as in production (fsync, synchronous_commit on); the
	# connection limit leaves room for several kaifangd and their pools
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir/sock' -c max_connections=300 -c shared_buffers=64MB" start ||
		{ cat "$dir/server.log" >&2; exit 1; }
	as_pg "$bin/createdb" -h "$dir/sock" -U kaifang kaifang
	uri kaifang
	;;
createdb)
	as_pg "$bin/createdb" -h "$dir/sock" -U kaifang "$3"
	uri "$3"
	;;
resync)
	psql -X -q -v ON_ERROR_STOP=1 "$(uri "$3")" -c "DO \$\$ DECLARE t text; BEGIN
		FOR t IN SELECT table_name FROM information_schema.columns
			WHERE table_schema = 'public' AND column_name = 'id' AND is_identity = 'YES' LOOP
			EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), GREATEST((SELECT COALESCE(MAX(id), 0) FROM %I), 1))', t, t);
		END LOOP; END \$\$;"
	;;
stop)
	[ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w -s stop || true
	rm -rf "$dir"
	;;
*)
	echo "usage: pg-cluster.sh start|stop|createdb|resync DIR [NAME]" >&2
	exit 2
	;;
esac

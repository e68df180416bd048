#!/bin/sh
# The engine unit tests, the API suite and the crash suite on PostgreSQL: a
# throwaway cluster (tools/pg-cluster.sh) in a
# temporary folder, every test's kaifangd on a database of its own in it,
# then the cluster is stopped and removed.
# usage: tools/run-pg.sh [suite-name]   (KAIFANGD / KAIFANG_CLI as for run-api.sh)
suite=${1:-api-pg}
dir=$(mktemp -d "${TMPDIR:-/tmp}/kaifang-pg.XXXXXX")
chmod 755 "$dir"
trap 'sh tools/pg-cluster.sh stop "$dir"' EXIT
trap 'exit 1' INT TERM
if ! uri=$(sh tools/pg-cluster.sh start "$dir"); then
	echo "$suite: cannot start PostgreSQL"
	for s in unit-pg "$suite" crash-pg crash-pg3; do echo "$s 0 1" >> build/results.txt; done
	exit 0
fi
KF_TEST_PG=$uri sh tools/run-unit.sh unit-pg build/tests/store/engines_test
KF_TEST_PG=$uri sh tools/run-api.sh "$suite"
# kill -9 on PostgreSQL: one kaifangd, then three on one database with one
# of them killed while the other two go on serving
KF_TEST_PG=$uri CRASH_ROUNDS=${CRASH_ROUNDS:-3} sh tools/run-crash.sh crash-pg
KF_TEST_PG=$uri CRASH_ROUNDS=${CRASH_ROUNDS:-3} CRASH_PROCS=3 sh tools/run-crash.sh crash-pg3
true

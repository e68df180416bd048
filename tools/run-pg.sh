#!/bin/sh
# The engine unit tests and the API suite on PostgreSQL: a throwaway cluster (tools/pg-cluster.sh) in a
# temporary folder, every test's kaifangd on a database of its own in it,
# then the cluster is stopped and removed.
# usage: tools/run-pg.sh [suite-name]   (KAIFANGD / KAIFANG_CLI as for run-api.sh)
suite=${1:-api-pg}
dir=$(mktemp -d "${TMPDIR:-/tmp}/kaifang-pg.XXXXXX")
chmod 755 "$dir"
trap 'sh tools/pg-cluster.sh stop "$dir"' EXIT INT TERM
if ! uri=$(sh tools/pg-cluster.sh start "$dir"); then
	echo "$suite: cannot start PostgreSQL"
	echo "unit-pg 0 1" >> build/results.txt
	echo "$suite 0 1" >> build/results.txt
	exit 0
fi
KF_TEST_PG=$uri sh tools/run-unit.sh unit-pg build/tests/store/engines_test
KF_TEST_PG=$uri sh tools/run-api.sh "$suite"

#!/bin/sh
# Marketplace search benchmark (not a test): N generated listings loaded
# into a fresh database, then p50/p99 of rare, hot (10% of listings),
# 1-character, 2-character and pinyin queries through the store's search,
# against a LIKE scan and (SQLite) plain FTS5 trigram, on SQLite and on a
# throwaway PostgreSQL cluster (tools/pg-cluster.sh) when it starts.
# usage: bench/search/run.sh [listings] [sqlite|pg|both]
set -eu
cd "$(dirname "$0")/../.."
N=${1:-100000}
ENGINES=${2:-both}
make -s build/libkaifang.a >/dev/null
mkdir -p build/bench
CC=${CC:-cc}
$CC -std=c11 -O2 -D_GNU_SOURCE -Isrc -Ibuild/gen bench/search/search_bench.c build/libkaifang.a \
	$(pkg-config --cflags --libs libmicrohttpd jansson sqlite3 libpq libsodium libcurl openssl libutf8proc libxml-2.0 zbar libqrencode) \
	-lpthread -lm -o build/bench/search
if [ "$ENGINES" != pg ]; then
	db=$(mktemp -d "${TMPDIR:-/tmp}/kaifang-search-bench.XXXXXX")
	build/bench/search "$db/bench.db" "$N"
	rm -rf "$db"
fi
if [ "$ENGINES" != sqlite ]; then
	dir=$(mktemp -d "${TMPDIR:-/tmp}/kaifang-search-pg.XXXXXX")
	chmod 755 "$dir"
	trap 'sh tools/pg-cluster.sh stop "$dir"' EXIT
	if uri=$(sh tools/pg-cluster.sh start "$dir"); then
		build/bench/search "$uri" "$N"
	else
		echo "bench-search: cannot start PostgreSQL"
	fi
fi

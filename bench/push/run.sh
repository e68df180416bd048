#!/bin/sh
# Push benchmark (not a test): prints figures and ratios against baselines
# measured in the same run.
#  1. encrypt+sign throughput per core, 1 KiB messages: ours vs @wecom/crypto on Node;
#  2. end-to-end delivery throughput to a local receiver: kaifangd (lease,
#     encrypt, POST, record each attempt durably) vs a plain keep-alive
#     HTTP client posting the same number of same-sized requests; on
#     SQLite, on PostgreSQL (a throwaway cluster, tools/pg-cluster.sh) and
#     with three kaifangd sharing the PostgreSQL database.
# usage: bench/push/run.sh [events] [seconds-per-crypto-run]
set -eu
cd "$(dirname "$0")/../.."
N=${1:-5000}
SECS=${2:-3}
make -s build/kaifangd build/kaifang >/dev/null
mkdir -p build/bench
CC=${CC:-cc}
$CC -std=c11 -O2 -D_GNU_SOURCE -Isrc bench/push/crypto_bench.c build/libkaifang.a \
	$(pkg-config --cflags --libs openssl libsodium libxml-2.0 jansson sqlite3 libpq libcurl libutf8proc libmicrohttpd) -lpthread -o build/bench/push_crypto

ours=$(build/bench/push_crypto "$SECS")
node_rate=$(node bench/push/crypto_bench_node.mjs "$SECS")
echo "crypto, 1 KiB encrypt+sign, one core: kaifang $ours msg/s, @wecom/crypto (Node) $node_rate msg/s, ratio $(echo "scale=2; $ours / $node_rate" | bc)"

dir=$(mktemp -d)
chmod 755 "$dir"
KPIDS=""
# cleanup must run to its end whatever failed (set +e), also on Ctrl-C
cleanup() {
	set +e
	[ -n "$KPIDS$RPID" ] && kill $KPIDS $RPID 2>/dev/null
	[ -d "$dir/pg" ] && sh tools/pg-cluster.sh stop "$dir/pg"
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
node bench/push/receiver.mjs 300 > "$dir/port" &
RPID=$!
while [ ! -s "$dir/port" ]; do sleep 0.05; done
PORT=$(cat "$dir/port")
KEY=kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR
CFG="{\"name\":\"Bench\",\"dev\":{\"auth_receive_url\":\"http://127.0.0.1:$PORT/auth\",\"message_token\":\"benchToken\",\"aes_key\":\"$KEY\",\"message_url\":\"http://127.0.0.1:$PORT/msg\",\"server_domains\":[\"127.0.0.1\"]}}"
SEED="INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (100, 'provider', 'Bench', 'certified', 0, 0);
INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at) VALUES (1, 'kf00000000000000b1', 100, 'released', 'public', 0, 0);
INSERT INTO app_configs (id, app, version, config, created_at) VALUES (1, 1, 1, '$CFG', 0);
UPDATE apps SET live_config_id = 1 WHERE id = 1;"
PAYLOAD=$(head -c 1024 /dev/zero | tr '\0' 'a')
base=$(node bench/push/baseline.mjs "$PORT" "$N" 16 1500)
echo "baseline: plain keep-alive HTTP client, $N requests of 1 KiB, 16 in flight: $base req/s"

# sql DB STATEMENTS: run SQL on the engine under test
sql() {
	if [ -n "$PGURI" ]; then psql -X -q -At -v ON_ERROR_STOP=1 "$1" -c "$2"; else sqlite3 -cmd '.timeout 10000' "$1" "$2"; fi
}

# delivery LABEL PROCS: N events of 1 KiB in one transaction, delivered by
# PROCS kaifangd on one database (each runs the push worker; an event is
# leased by one of them), to the same receiver.
delivery() {
	label=$1
	procs=$2
	ddir="$dir/$label"
	mkdir -p "$ddir"
	if [ -n "$PGURI" ]; then
		db=$(sh tools/pg-cluster.sh createdb "$dir/pg" "$label" | tail -n 1)
	else
		db="$ddir/kaifang.db"
	fi
	KAIFANG_DATABASE=${PGURI:+$db} build/kaifang --data-dir "$ddir" db migrate >/dev/null
	sql "$db" "$SEED"
	# PostgreSQL: the seed gave ids, the identity sequences go on after them
	[ -n "$PGURI" ] && sh tools/pg-cluster.sh resync "$dir/pg" "$label"
	ports=""
	i=0
	while [ $i -lt "$procs" ]; do
		kport=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
		KAIFANG_DATABASE=${PGURI:+$db} KAIFANG_TEST_CLOCK=1 KAIFANG_CALLBACK_ALLOW=127.0.0.0/8 KAIFANG_TICKET_INTERVAL=24h \
			build/kaifangd --listen 127.0.0.1:$kport --data-dir "$ddir" 2>>"$ddir/log" &
		pid=$!
		KPIDS="$KPIDS $pid"
		until curl -sf "http://127.0.0.1:$kport/healthz" >/dev/null; do
			kill -0 $pid 2>/dev/null || { echo "kaifangd did not start ($label)"; exit 1; }
			sleep 0.05
		done
		ports="$ports $kport"
		i=$((i + 1))
	done
	if [ -n "$PGURI" ]; then
		sql "$db" "INSERT INTO outbox (event_id, app, kind, target, payload, next_attempt_at, created_at)
			SELECT 'bench' || lpad(i::text, 27, '0'), 1, 'bench', 'auth_receive', '<xml><Content>$PAYLOAD</Content></xml>', 0, 0
			FROM generate_series(1, $N) i"
	else
		sql "$db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
			INSERT INTO outbox (event_id, app, kind, target, payload, next_attempt_at, created_at)
			SELECT printf('bench%027d', i), 1, 'bench', 'auth_receive', '<xml><Content>$PAYLOAD</Content></xml>', 0, 0 FROM n;"
	fi
	t0=$(date +%s.%N)
	for kport in $ports; do  # wake every process's delivery thread
		curl -s -XPOST "http://127.0.0.1:$kport/v1/_test/clock" -d '{"advance_seconds":0}' >/dev/null
	done
	while :; do
		left=$(sql "$db" "SELECT COUNT(*) FROM outbox WHERE state != 'delivered'")
		[ "$left" -eq 0 ] && break
		if [ "$(echo "$(date +%s.%N) - $t0 > 120" | bc)" -eq 1 ]; then echo "delivery did not finish in 120 s ($left left)"; exit 1; fi
		sleep 0.05
	done
	t1=$(date +%s.%N)
	twice=$(sql "$db" "SELECT COUNT(*) FROM deliveries d JOIN outbox o ON o.id = d.outbox_id WHERE d.http_status = 200 GROUP BY o.id HAVING COUNT(*) > 1" | wc -l)
	rate=$(echo "scale=0; $N / ($t1 - $t0)" | bc)
	echo "delivery, $label, $procs kaifangd: $rate events/s (each attempt committed durably), ratio to the plain client $(echo "scale=2; $rate / $base" | bc); events delivered twice: $twice"
	kill $KPIDS 2>/dev/null
	wait $KPIDS 2>/dev/null
	KPIDS=""
}

PGURI=""
delivery sqlite 1
if [ -x "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/initdb" ]; then
	PGURI=$(sh tools/pg-cluster.sh start "$dir/pg")
	delivery postgresql 1
	delivery postgresql3 3
else
	echo "PostgreSQL is not installed: its figures are skipped (make deps installs it)"
fi

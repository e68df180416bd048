#!/bin/sh
# Push benchmark (not a test): prints figures and ratios against baselines
# measured in the same run.
#  1. encrypt+sign throughput per core, 1 KiB messages: ours vs @wecom/crypto on Node;
#  2. end-to-end delivery throughput to a local receiver: kaifangd (lease,
#     encrypt, POST, record each attempt durably) vs a plain keep-alive
#     HTTP client posting the same number of same-sized requests.
# usage: bench/push/run.sh [events] [seconds-per-crypto-run]
set -eu
cd "$(dirname "$0")/../.."
N=${1:-5000}
SECS=${2:-3}
make -s build/kaifangd build/kaifang >/dev/null
mkdir -p build/bench
CC=${CC:-cc}
$CC -std=c11 -O2 -D_GNU_SOURCE -Isrc bench/push/crypto_bench.c build/libkaifang.a \
	$(pkg-config --cflags --libs openssl libsodium libxml-2.0 jansson sqlite3 libcurl libutf8proc libmicrohttpd) -lpthread -o build/bench/push_crypto

ours=$(build/bench/push_crypto "$SECS")
node_rate=$(node bench/push/crypto_bench_node.mjs "$SECS")
echo "crypto, 1 KiB encrypt+sign, one core: kaifang $ours msg/s, @wecom/crypto (Node) $node_rate msg/s, ratio $(echo "scale=2; $ours / $node_rate" | bc)"

dir=$(mktemp -d)
trap 'kill $KPID $RPID 2>/dev/null; rm -rf "$dir"' EXIT
node bench/push/receiver.mjs 300 > "$dir/port" &
RPID=$!
while [ ! -s "$dir/port" ]; do sleep 0.05; done
PORT=$(cat "$dir/port")
build/kaifang --data-dir "$dir" db migrate >/dev/null
KEY=kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR
CFG="{\"name\":\"Bench\",\"dev\":{\"auth_receive_url\":\"http://127.0.0.1:$PORT/auth\",\"message_token\":\"benchToken\",\"aes_key\":\"$KEY\",\"message_url\":\"http://127.0.0.1:$PORT/msg\",\"server_domains\":[\"127.0.0.1\"]}}"
sqlite3 "$dir/kaifang.db" "INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (100, 'provider', 'Bench', 'certified', 0, 0);
INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at) VALUES (1, 'kf00000000000000b1', 100, 'released', 'public', 0, 0);
INSERT INTO app_configs (id, app, version, config, created_at) VALUES (1, 1, 1, '$CFG', 0);
UPDATE apps SET live_config_id = 1 WHERE id = 1;"
KPORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
KAIFANG_TEST_CLOCK=1 KAIFANG_CALLBACK_ALLOW=127.0.0.0/8 KAIFANG_TICKET_INTERVAL=24h \
	build/kaifangd --listen 127.0.0.1:$KPORT --data-dir "$dir" 2>"$dir/log" &
KPID=$!
until curl -sf "http://127.0.0.1:$KPORT/healthz" >/dev/null; do sleep 0.05; done
# N events of 1 KiB in one transaction, then wake the delivery thread.
PAYLOAD=$(head -c 1024 /dev/zero | tr '\0' 'a')
sqlite3 "$dir/kaifang.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO outbox (event_id, app, kind, target, payload, next_attempt_at, created_at)
SELECT printf('bench%027d', i), 1, 'bench', 'auth_receive', '<xml><Content>$PAYLOAD</Content></xml>', 0, 0 FROM n;"
t0=$(date +%s.%N)
curl -s -XPOST "http://127.0.0.1:$KPORT/v1/_test/clock" -d '{"advance_seconds":0}' >/dev/null
while :; do
	left=$(sqlite3 "$dir/kaifang.db" "SELECT COUNT(*) FROM outbox WHERE state != 'delivered'")
	[ "$left" -eq 0 ] && break
	if [ "$(echo "$(date +%s.%N) - $t0 > 120" | bc)" -eq 1 ]; then echo "delivery did not finish in 120 s ($left left)"; exit 1; fi
	sleep 0.05
done
t1=$(date +%s.%N)
rate=$(echo "scale=0; $N / ($t1 - $t0)" | bc)
base=$(node bench/push/baseline.mjs "$PORT" "$N" 16 1500)
echo "delivery, $N events of 1 KiB, 16 in flight: kaifangd $rate events/s (each attempt committed durably), plain HTTP client $base req/s, ratio $(echo "scale=2; $rate / $base" | bc)"

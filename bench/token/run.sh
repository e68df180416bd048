#!/bin/sh
# Token benchmark (not a test), wrk on loopback, each figure as a ratio to
# baselines measured in the same run: nginx returning a fixed 60-byte JSON
# body with the same wrk settings, and (for issuance) the single-row
# durable commit rate of the same disk (bench/token/commit_rate.c: one
# connection, WAL, synchronous=FULL, one INSERT per COMMIT, in the same data
# directory, measured just before issuance).
#  1. GET /v1/authorizer with a valid authorizer token: the check the
#     gateway makes on every request (answered from the token cache);
#  2. issuance of authorizer tokens by refresh (api_authorizer_token): a
#     durable write per request.
# The tokens table holds 100,000 other tokens, so lookups run on a large
# table. Needs wrk and nginx (Debian packages wrk, nginx-light).
# usage: bench/token/run.sh [seconds] [connections]
# THREADS (default 8) is kaifangd's --threads; KAIFANGD another daemon
# binary to measure (an older build, for a before/after comparison).
set -eu
cd "$(dirname "$0")/../.."
SECS=${1:-5}
CONNS=${2:-64}
THREADS=${THREADS:-8}
for t in wrk nginx sqlite3; do
	command -v $t >/dev/null 2>&1 || { echo "bench/token needs $t (apt-get install wrk nginx-light sqlite3)"; exit 2; }
done
make -s build/kaifangd build/kaifang >/dev/null
KAIFANGD=${KAIFANGD:-build/kaifangd}
mkdir -p build/bench
${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE bench/token/commit_rate.c $(pkg-config --cflags --libs sqlite3) \
	-o build/bench/commit_rate
dir=$(mktemp -d)
KPID=; trap '[ -n "$KPID" ] && kill $KPID 2>/dev/null; [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null; rm -rf "$dir"' EXIT
port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
rate() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }

# --- baseline: nginx, fixed 60-byte JSON ---------------------------------
NPORT=$(port)
BODY='{"status":"ok","authorizer":"bench","padding":"01234567890"}'
[ ${#BODY} -eq 60 ] || { echo "baseline body is ${#BODY} bytes"; exit 1; }
cat > "$dir/nginx.conf" <<NGX
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir; uwsgi_temp_path $dir; scgi_temp_path $dir;
	server {
		listen 127.0.0.1:$NPORT;
		location / { default_type application/json; return 200 '$BODY'; }
	}
}
NGX
nginx -c "$dir/nginx.conf" -p "$dir"
sleep 0.3
base=$(wrk -t2 -c"$CONNS" -d"${SECS}s" "http://127.0.0.1:$NPORT/" | rate)

# --- kaifangd with an authorization and a large tokens table ------------
build/kaifang --data-dir "$dir" db migrate >/dev/null
TA=kfbenchaccess00000000000000000000000000000000000
TC=kfbenchcomponent0000000000000000000000000000000
TR=kfbenchrefresh000000000000000000000000000000000
h() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
sqlite3 "$dir/kaifang.db" <<SQL
BEGIN;
INSERT INTO users (id, email, mobile, name, password_hash, created_at, updated_at) VALUES (1, 'o@bench.test', '+8613800000009', 'Owner', '!', 0, 0);
INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (100, 'provider', 'Bench', 'certified', 0, 0), (200, 'host', 'Bench Shop', 'active', 0, 0);
INSERT INTO host_accounts (id, org_id, external_id, kind, owner_user_id, created_at, updated_at) VALUES (1, 200, 'bench-shop', 'shop', 1, 0, 0);
INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at) VALUES (1, 'kf00000000000000b1', 100, 'developing', 'public', 0, 0);
INSERT INTO app_configs (id, app, version, config, created_at) VALUES (1, 1, 1, '{"name":"Bench","permission_sets":[1,3],"dev":{"ip_allowlist":[]}}', 0);
UPDATE apps SET live_config_id = 1 WHERE id = 1;
INSERT INTO authorizations (id, host_account, app, state, granted, offered, created_at, updated_at) VALUES (1, 1, 1, 'active', '[1,3]', '[1,3]', 0, 0);
INSERT INTO tokens (hash, kind, app, authorization, created_at, expires_at) VALUES
 ('$(h $TA)', 'authorizer_access', 1, 1, 0, 4102444800),
 ('$(h $TC)', 'component_access', 1, NULL, 0, 4102444800),
 ('$(h $TR)', 'authorizer_refresh', 1, 1, 0, NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO tokens (hash, kind, app, authorization, created_at, expires_at)
SELECT lower(hex(randomblob(32))), 'authorizer_access', 1, 1, 0, 4102444800 FROM n;
COMMIT;
SQL
KPORT=$(port)
# nginx runs with its access log off; so does kaifangd here. Threads: an
# issuing request spends most of its time waiting for the WAL sync it
# shares with the others (group commit), and a sync can only gather as many
# commits as there are threads waiting, hence more threads than cores.
$KAIFANGD --listen 127.0.0.1:$KPORT --data-dir "$dir" --threads "$THREADS" --access-log false 2>/dev/null &
KPID=$!
until curl -sf "http://127.0.0.1:$KPORT/healthz" >/dev/null; do sleep 0.05; done
curl -sf -H "Authorization: Bearer $TA" "http://127.0.0.1:$KPORT/v1/authorizer" >/dev/null || { echo "the token check failed"; exit 1; }
check=$(wrk -t2 -c"$CONNS" -d"${SECS}s" -H "Authorization: Bearer $TA" "http://127.0.0.1:$KPORT/v1/authorizer" | rate)
# the disk's single-row durable commit rate, right before issuance
commit=$(build/bench/commit_rate "$dir" "$SECS")
rm -f "$dir"/commit-rate.db*
KF_BODY="{\"component_appid\":\"kf00000000000000b1\",\"authorizer_appid\":\"bench-shop\",\"authorizer_refresh_token\":\"$TR\"}" \
	wrk -t2 -c"$CONNS" -d"${SECS}s" -s bench/token/refresh.lua \
	"http://127.0.0.1:$KPORT/cgi-bin/component/api_authorizer_token?component_access_token=$TC" > "$dir/issue.txt"
issue=$(rate < "$dir/issue.txt")
issued=$(sqlite3 "$dir/kaifang.db" "SELECT COUNT(*) FROM tokens WHERE created_at > 0")
echo "baseline nginx (fixed 60-byte JSON): $base req/s"
echo "token check GET /v1/authorizer:      $check req/s, ratio $(echo "scale=2; $check / $base" | bc)"
echo "baseline durable commit (1 row/commit): $commit commits/s (WAL, synchronous=FULL, one connection)"
echo "token issuance by refresh:           $issue req/s, ratio $(echo "scale=3; $issue / $base" | bc) to nginx," \
	"$(echo "scale=2; $issue / $commit" | bc) to the durable commit ($issued tokens written, each durable before its answer; --threads $THREADS)"

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
# table. Each is measured on SQLite, on PostgreSQL (a throwaway cluster,
# tools/pg-cluster.sh; its durable-commit baseline is PostgreSQL's) and with
# three kaifangd on the PostgreSQL database behind an nginx upstream.
# Needs wrk and nginx (Debian packages wrk, nginx-light).
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
${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE bench/token/commit_rate.c $(pkg-config --cflags --libs sqlite3 libpq) \
	-o build/bench/commit_rate
dir=$(mktemp -d)
chmod 755 "$dir"
KPID=
# cleanup must run to its end whatever failed (set +e), also on Ctrl-C
cleanup() {
	set +e
	[ -n "$KPID" ] && kill $KPID 2>/dev/null
	for n in "$dir"/nginx*.pid; do [ -f "$n" ] && kill "$(cat "$n")" 2>/dev/null; done
	[ -d "$dir/pg" ] && sh tools/pg-cluster.sh stop "$dir/pg"
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
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

echo "baseline nginx (fixed 60-byte JSON): $base req/s"

# --- kaifangd with an authorization and a large tokens table ------------
TA=kfbenchaccess00000000000000000000000000000000000
TC=kfbenchcomponent0000000000000000000000000000000
TR=kfbenchrefresh000000000000000000000000000000000
h() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
SEED="INSERT INTO users (id, email, mobile, name, password_hash, created_at, updated_at) VALUES (1, 'o@bench.test', '+8613800000009', 'Owner', '!', 0, 0);
INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (100, 'provider', 'Bench', 'certified', 0, 0), (200, 'host', 'Bench Shop', 'active', 0, 0);
INSERT INTO host_accounts (id, org_id, external_id, kind, owner_user_id, created_at, updated_at) VALUES (1, 200, 'bench-shop', 'shop', 1, 0, 0);
INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at) VALUES (1, 'kf00000000000000b1', 100, 'developing', 'public', 0, 0);
INSERT INTO app_configs (id, app, version, config, created_at) VALUES (1, 1, 1, '{\"name\":\"Bench\",\"permission_sets\":[1,3],\"dev\":{\"ip_allowlist\":[]}}', 0);
UPDATE apps SET live_config_id = 1 WHERE id = 1;
INSERT INTO authorizations (id, host_account, app, state, granted, offered, created_at, updated_at) VALUES (1, 1, 1, 'active', '[1,3]', '[1,3]', 0, 0);
INSERT INTO tokens (hash, kind, app, authorization_id, created_at, expires_at) VALUES
 ('$(h $TA)', 'authorizer_access', 1, 1, 0, 4102444800),
 ('$(h $TC)', 'component_access', 1, NULL, 0, 4102444800),
 ('$(h $TR)', 'authorizer_refresh', 1, 1, 0, NULL);"

# measure LABEL PROCS: seed the engine's database, start PROCS kaifangd on
# it (behind an nginx upstream when more than one), measure the token check
# and issuance, print them as ratios
measure() {
	label=$1
	procs=$2
	ddir="$dir/$label"
	mkdir -p "$ddir"
	if [ -n "$PGURI" ]; then
		db=$(sh tools/pg-cluster.sh createdb "$dir/pg" "$label" | tail -n 1)
		KAIFANG_DATABASE=$db build/kaifang --data-dir "$ddir" db migrate >/dev/null
		psql -X -q -v ON_ERROR_STOP=1 "$db" -c "BEGIN; $SEED
			INSERT INTO tokens (hash, kind, app, authorization_id, created_at, expires_at)
			SELECT md5(random()::text) || md5(random()::text), 'authorizer_access', 1, 1, 0, 4102444800
			FROM generate_series(1, 100000); COMMIT;"
		# the seed gave ids: the identity sequences go on after them
		sh tools/pg-cluster.sh resync "$dir/pg" "$label"
		issued() { psql -X -At "$db" -c "SELECT COUNT(*) FROM tokens WHERE created_at > 0"; }
		engine="PostgreSQL, synchronous_commit on"
	else
		db="$ddir/kaifang.db"
		build/kaifang --data-dir "$ddir" db migrate >/dev/null
		sqlite3 "$db" "BEGIN; $SEED
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
			INSERT INTO tokens (hash, kind, app, authorization_id, created_at, expires_at)
			SELECT lower(hex(randomblob(32))), 'authorizer_access', 1, 1, 0, 4102444800 FROM n; COMMIT;"
		issued() { sqlite3 "$db" "SELECT COUNT(*) FROM tokens WHERE created_at > 0"; }
		engine="SQLite, WAL, synchronous=FULL"
	fi
	# nginx runs with its access log off; so does kaifangd here. Threads: an
	# issuing request spends most of its time waiting for the sync it
	# shares with the others (group commit), and a sync can only gather as
	# many commits as there are threads waiting, hence more threads than cores.
	ups=""
	i=0
	while [ $i -lt "$procs" ]; do
		kp=$(port)
		KAIFANG_DATABASE=${PGURI:+$db} $KAIFANGD --listen 127.0.0.1:$kp --data-dir "$ddir" --threads "$THREADS" --access-log false 2>>"$ddir/log" &
		pid=$!
		KPID="$KPID $pid"
		until curl -sf "http://127.0.0.1:$kp/healthz" >/dev/null; do
			kill -0 $pid 2>/dev/null || { echo "kaifangd did not start ($label)"; exit 1; }
			sleep 0.05
		done
		ups="$ups server 127.0.0.1:$kp;"
		i=$((i + 1))
	done
	KPORT=$kp
	if [ "$procs" -gt 1 ]; then
		KPORT=$(port)
		cat > "$dir/nginx-$label.conf" <<NGX
worker_processes 2;
pid $dir/nginx-$label.pid;
error_log $dir/nginx-$label-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir; uwsgi_temp_path $dir; scgi_temp_path $dir;
	upstream kaifang { $ups keepalive 64; }
	server {
		listen 127.0.0.1:$KPORT;
		location / { proxy_pass http://kaifang; proxy_http_version 1.1; proxy_set_header Connection ""; }
	}
}
NGX
		nginx -c "$dir/nginx-$label.conf" -p "$dir"
		sleep 0.3
	fi
	curl -sf -H "Authorization: Bearer $TA" "http://127.0.0.1:$KPORT/v1/authorizer" >/dev/null || { echo "the token check failed"; exit 1; }
	check=$(wrk -t2 -c"$CONNS" -d"${SECS}s" -H "Authorization: Bearer $TA" "http://127.0.0.1:$KPORT/v1/authorizer" | rate)
	# the engine's single-row durable commit rate, right before issuance
	if [ -n "$PGURI" ]; then commit=$(build/bench/commit_rate "$db" "$SECS"); else commit=$(build/bench/commit_rate "$ddir" "$SECS"); fi
	rm -f "$ddir"/commit-rate.db*
	KF_BODY="{\"component_appid\":\"kf00000000000000b1\",\"authorizer_appid\":\"bench-shop\",\"authorizer_refresh_token\":\"$TR\"}" \
		wrk -t2 -c"$CONNS" -d"${SECS}s" -s bench/token/refresh.lua \
		"http://127.0.0.1:$KPORT/cgi-bin/component/api_authorizer_token?component_access_token=$TC" > "$dir/issue.txt"
	issue=$(rate < "$dir/issue.txt")
	n=$(issued)
	echo "[$label: $procs kaifangd, $engine]"
	echo "  token check GET /v1/authorizer:      $check req/s, ratio $(echo "scale=2; $check / $base" | bc) to nginx"
	echo "  baseline durable commit (1 row/commit, one connection): $commit commits/s"
	echo "  token issuance by refresh:           $issue req/s, ratio $(echo "scale=3; $issue / $base" | bc) to nginx," \
		"$(echo "scale=2; $issue / $commit" | bc) to the durable commit ($n tokens written, each durable before its answer; --threads $THREADS)"
	kill $KPID 2>/dev/null
	wait $KPID 2>/dev/null
	KPID=""
	[ -f "$dir/nginx-$label.pid" ] && kill "$(cat "$dir/nginx-$label.pid")" && rm -f "$dir/nginx-$label.pid"
	true
}

PGURI=""
measure sqlite 1
if [ -x "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/initdb" ]; then
	PGURI=$(sh tools/pg-cluster.sh start "$dir/pg")
	measure postgresql 1
	measure postgresql3 3
else
	echo "PostgreSQL is not installed: its figures are skipped (make deps installs it)"
fi

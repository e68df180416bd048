/* SPDX-License-Identifier: Apache-2.0 */
/*
 * End-to-end tests of the push module (src/push/deliver.c, verify.c,
 * metrics.c): the real delivery thread against a temporary SQLite database
 * and a tiny HTTP receiver started here (a thread per connection on
 * 127.0.0.1, port 0). Delivered on "success"; retried, with the attempt
 * logged, on HTTP 500, a wrong body and a timeout; refused without a
 * single connection when the allow list is empty; what the receiver gets
 * decrypts to the payload; stop keeps the lease (at-least-once); several
 * deliveries in flight; URL verification reports each failure. Only
 * loopback addresses are ever contacted.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "core/push.h"
#include "ctx.h"
#include "proto/envelope.h"
#include "proto/wxcrypt.h"
#include "push/push.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/outbox.h"
#include "util/crypto.h"

#define TOKEN "pushToken123"
#define AES_KEY "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
#define APP_ID "kf0123456789abcdef"
#define TICKET_PAYLOAD                                                                                           \
	"<xml><AppId><![CDATA[" APP_ID "]]></AppId><CreateTime>1700000000</CreateTime><InfoType><![CDATA["        \
	"component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@abc]]>"                    \
	"</ComponentVerifyTicket></xml>"

/* ---- the receiver ---- */

#define MAX_REQS 32
#define MAX_CONNS 64

struct request {
	char method[8];
	char target[2048];
	char headers[4096];
	char *body;
	size_t body_len;
};

struct receiver {
	int fd, port;
	pthread_t accept_thread;
	atomic_bool stop;
	pthread_mutex_t mu;
	/* behaviour, under mu */
	int status;
	char body[256];
	int delay_ms;
	bool echo;        /* answer the echostr of the query */
	/* observations, under mu */
	int connections, in_flight, max_in_flight, started;
	struct request reqs[MAX_REQS];
	int nreqs;
	pthread_t conn_threads[MAX_CONNS];
	int nthreads;
};

struct conn {
	struct receiver *rx;
	int fd;
};

static bool query_param(const char *target, const char *name, char *out, size_t outlen)
{
	const char *q = strchr(target, '?');
	size_t nl = strlen(name);
	for (const char *p = q; p; p = strchr(p + 1, '&')) {
		if (!strncmp(p + 1, name, nl) && p[1 + nl] == '=') {
			const char *v = p + 2 + nl;
			size_t n = strcspn(v, "&");
			if (n >= outlen)
				return false;
			memcpy(out, v, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

static bool header_value(const char *headers, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	for (const char *p = headers; p && *p; p = strstr(p, "\r\n")) {
		if (p[0] == '\r')
			p += 2;
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t n = strcspn(v, "\r\n");
			if (n >= outlen)
				return false;
			memcpy(out, v, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

static void *serve_conn(void *arg)
{
	struct conn *c = arg;
	struct receiver *rx = c->rx;
	char buf[65536];
	size_t len = 0;
	char *end = NULL;
	struct timeval tv = {2, 0};
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < sizeof(buf) - 1 && !(end = strstr(buf, "\r\n\r\n"))) {
		ssize_t k = recv(c->fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (k <= 0)
			goto out;
		len += (size_t)k;
		buf[len] = '\0';
	}
	if (!end)
		goto out;
	size_t head = (size_t)(end - buf) + 4;
	char cl[32] = "0";
	header_value(buf, "Content-Length", cl, sizeof(cl));
	size_t want = head + (size_t)atol(cl);
	while (len < want && len < sizeof(buf) - 1) {
		ssize_t k = recv(c->fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';

	pthread_mutex_lock(&rx->mu);
	rx->started++;
	if (++rx->in_flight > rx->max_in_flight)
		rx->max_in_flight = rx->in_flight;
	struct request *r = rx->nreqs < MAX_REQS ? &rx->reqs[rx->nreqs++] : NULL;
	if (r) {
		sscanf(buf, "%7s %2047s", r->method, r->target);
		size_t hl = head < sizeof(r->headers) ? head : sizeof(r->headers) - 1;
		memcpy(r->headers, buf, hl);
		r->headers[hl] = '\0';
		r->body_len = len - head;
		r->body = malloc(r->body_len + 1);
		memcpy(r->body, buf + head, r->body_len);
		r->body[r->body_len] = '\0';
	}
	int status = rx->status, delay = rx->delay_ms;
	char body[512];
	snprintf(body, sizeof(body), "%s", rx->body);
	if (rx->echo && r) {
		char echostr[128] = "";
		query_param(r->target, "echostr", echostr, sizeof(echostr));
		snprintf(body, sizeof(body), "%s%s", echostr, rx->body);
	}
	pthread_mutex_unlock(&rx->mu);

	for (int waited = 0; waited < delay && !atomic_load(&rx->stop); waited += 10)
		usleep(10000);
	char resp[1024];
	int n = snprintf(resp, sizeof(resp), "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s", status,
			 strlen(body), body);
	send(c->fd, resp, (size_t)n, MSG_NOSIGNAL);
	pthread_mutex_lock(&rx->mu);
	rx->in_flight--;
	pthread_mutex_unlock(&rx->mu);
out:
	close(c->fd);
	free(c);
	return NULL;
}

static void *accept_loop(void *arg)
{
	struct receiver *rx = arg;
	while (!atomic_load(&rx->stop)) {
		struct pollfd pfd = {rx->fd, POLLIN, 0};
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		int fd = accept(rx->fd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&rx->mu);
		rx->connections++;
		struct conn *c = malloc(sizeof(*c));
		c->rx = rx;
		c->fd = fd;
		if (rx->nthreads < MAX_CONNS && pthread_create(&rx->conn_threads[rx->nthreads], NULL, serve_conn, c) == 0)
			rx->nthreads++;
		else {
			close(fd);
			free(c);
		}
		pthread_mutex_unlock(&rx->mu);
	}
	return NULL;
}

static void receiver_start(struct receiver *rx)
{
	memset(rx, 0, sizeof(*rx));
	pthread_mutex_init(&rx->mu, NULL);
	rx->status = 200;
	snprintf(rx->body, sizeof(rx->body), "success");
	rx->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(rx->fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(rx->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(rx->fd, 64), 0);
	socklen_t sl = sizeof(a);
	assert_int_equal(getsockname(rx->fd, (struct sockaddr *)&a, &sl), 0);
	rx->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&rx->accept_thread, NULL, accept_loop, rx), 0);
}

static void receiver_stop(struct receiver *rx)
{
	atomic_store(&rx->stop, true);
	pthread_join(rx->accept_thread, NULL);
	for (int i = 0; i < rx->nthreads; i++)
		pthread_join(rx->conn_threads[i], NULL);
	close(rx->fd);
	for (int i = 0; i < rx->nreqs; i++)
		free(rx->reqs[i].body);
	pthread_mutex_destroy(&rx->mu);
}

static void receiver_mode(struct receiver *rx, int status, const char *body, int delay_ms)
{
	pthread_mutex_lock(&rx->mu);
	rx->status = status;
	snprintf(rx->body, sizeof(rx->body), "%s", body);
	rx->delay_ms = delay_ms;
	pthread_mutex_unlock(&rx->mu);
}

static int receiver_count(struct receiver *rx, const int *field)
{
	pthread_mutex_lock(&rx->mu);
	int n = *field;
	pthread_mutex_unlock(&rx->mu);
	return n;
}

/* ---- fixture ---- */

struct fx {
	char dir[64], path[96];
	struct kf_ctx ctx;
	struct kf_db *db;
	struct receiver rx;
	struct kf_pusher *pusher;
	int64_t app;
};

static int64_t q_int(struct kf_db *db, const char *sql, int64_t arg)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	assert_non_null(st);
	kf_stmt_bind_int(st, 1, arg);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	int64_t v = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return v;
}

/* malloc'd text of the first column, or NULL for SQL NULL. */
static char *q_text(struct kf_db *db, const char *sql, int64_t arg)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	assert_non_null(st);
	kf_stmt_bind_int(st, 1, arg);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	char *v = kf_stmt_is_null(st, 0) ? NULL : strdup(kf_stmt_text(st, 0));
	kf_stmt_done(st);
	return v;
}

static void exec_sql(struct kf_db *db, const char *sql)
{
	struct kf_error err = {0};
	assert_int_equal(kf_db_exec_script(db, sql, &err), KF_OK);
}

/* Insert the app with a live config whose dev settings are dev_json. */
static void add_app(struct fx *f, const char *dev_json)
{
	char sql[2048];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (1, 'provider', 'P',"
		 " 'certified', 0, 0);"
		 "INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at) VALUES"
		 " (1, '" APP_ID "', 1, 'developing', 'public', 0, 0);"
		 "INSERT INTO app_configs (id, app, version, config, created_at) VALUES (1, 1, 1,"
		 " '{\"name\":\"T\",\"dev\":%s}', 0);"
		 "UPDATE apps SET live_config_id = 1 WHERE id = 1;",
		 dev_json);
	exec_sql(f->db, sql);
	f->app = 1;
}

static void add_app_default(struct fx *f)
{
	char dev[1024];
	snprintf(dev, sizeof(dev),
		 "{\"auth_receive_url\":\"http://127.0.0.1:%d/auth?x=1\",\"message_url\":\"http://127.0.0.1:%d/msg/"
		 "$APPID$/cb\",\"message_token\":\"" TOKEN "\",\"aes_key\":\"" AES_KEY "\"}",
		 f->rx.port, f->rx.port);
	add_app(f, dev);
}

static int64_t add_event(struct fx *f, const char *target, const char *payload, int64_t created_at, char event_id[33])
{
	char id[33];
	assert_int_equal(kf_store_outbox_insert(f->db, f->app, "test_event", target, NULL, payload, created_at,
						event_id ? event_id : id),
			 KF_OK);
	return kf_db_last_id(f->db);
}

static int64_t now_of(struct fx *f)
{
	return kf_ctx_now(&f->ctx);
}

/* Wait until the SQL count (with ?1 = arg) reaches want; 5 s at most. */
static void wait_count(struct fx *f, const char *sql, int64_t arg, int64_t want)
{
	for (int i = 0; i < 500; i++) {
		if (q_int(f->db, sql, arg) >= want)
			return;
		usleep(10000);
	}
	fail_msg("timed out waiting for %s = %lld", sql, (long long)want);
}

static void wait_attempts(struct fx *f, int64_t ev, int64_t n)
{
	wait_count(f, "SELECT COUNT(*) FROM deliveries WHERE outbox_id = ?", ev, n);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kf-push-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	struct kf_error err = {0};
	if (kf_db_open(f->path, &f->db, &err) != KF_OK || kf_migrate(f->db, 1700000000, NULL, &err) != KF_OK)
		return -1;
	if (kf_dbpool_new(f->path, 2, &f->ctx.pool, &err) != KF_OK)
		return -1;
	f->ctx.cfg.push_timeout = 2;
	f->ctx.cfg.push_max_age = 86400;
	f->ctx.cfg.push_concurrency = 4;
	f->ctx.cfg.ticket_interval = 600;
	if (kf_cidr_list_parse("127.0.0.0/8, ::1", &f->ctx.callback_allow, &err) != KF_OK)
		return -1;
	receiver_start(&f->rx);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	kf_push_stop(f->pusher);
	receiver_stop(&f->rx);
	kf_dbpool_free(f->ctx.pool);
	kf_db_close(f->db);
	kf_cidr_list_clear(&f->ctx.callback_allow);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void start_pusher(struct fx *f)
{
	f->pusher = kf_push_start(&f->ctx);
	assert_non_null(f->pusher);
}

/* Decrypt what the receiver got for request i and compare with payload. */
static void check_request_decrypts(struct fx *f, int i, const char *id_name, const char *id, const char *payload)
{
	struct request *r = &f->rx.reqs[i];
	char ts[32], nonce[32], sig[64], msig[64], et[16];
	assert_string_equal(r->method, "POST");
	assert_true(query_param(r->target, "timestamp", ts, sizeof(ts)));
	assert_true(query_param(r->target, "nonce", nonce, sizeof(nonce)));
	assert_true(query_param(r->target, "signature", sig, sizeof(sig)));
	assert_true(query_param(r->target, "msg_signature", msig, sizeof(msig)));
	assert_true(query_param(r->target, "encrypt_type", et, sizeof(et)));
	assert_string_equal(et, "aes");
	assert_true(kf_wxcrypt_verify(TOKEN, ts, nonce, NULL, sig));

	struct kf_envelope env;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_parse(r->body, r->body_len, &env, &err), KF_OK);
	assert_int_equal(env.n, 2);
	assert_string_equal(env.fields[0].name, id_name);
	assert_string_equal(env.fields[0].value, id);
	assert_string_equal(env.fields[1].name, "Encrypt");
	struct kf_wxcrypt wx;
	assert_int_equal(kf_wxcrypt_init(&wx, TOKEN, AES_KEY, APP_ID, &err), KF_OK);
	char *msg = NULL;
	size_t len = 0;
	enum kf_err rc = kf_wxcrypt_open(&wx, ts, nonce, msig, env.fields[1].value, &msg, &len, &err);
	if (rc != KF_OK)
		fail_msg("decrypt: %s", err.msg);
	assert_int_equal(len, strlen(payload));
	assert_memory_equal(msg, payload, len);
	free(msg);
	kf_wxcrypt_clear(&wx);
	kf_envelope_clear(&env);
	/* the timestamp is the server clock */
	assert_true(llabs(atoll(ts) - now_of(f)) < 10);
}

/* Value of the sample line that starts with name (not its HELP line). */
static uint64_t metric(const char *text, const char *name)
{
	char line[160];
	snprintf(line, sizeof(line), "\n%s", name);
	const char *p = strstr(text, line);
	if (!p)
		fail_msg("no sample %s", name);
	return strtoull(p + strlen(line), NULL, 10);
}

static uint64_t metric_now(struct fx *f, const char *name)
{
	char *t = kf_push_metrics_text(&f->ctx, NULL);
	uint64_t v = metric(t, name);
	free(t);
	return v;
}

/* ---- delivery ---- */

static void test_push_delivers_on_success(void **state)
{
	struct fx *f = *state;
	add_app_default(f);
	char event_id[33];
	int64_t ev = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), event_id);
	uint64_t delivered0 = metric_now(f, "kaifang_push_deliveries_total{outcome=\"delivered\"} ");
	uint64_t count0 = metric_now(f, "kaifang_push_delivery_seconds_count ");
	start_pusher(f);
	wait_count(f, "SELECT COUNT(*) FROM outbox WHERE id = ? AND state = 'delivered'", ev, 1);

	assert_int_equal(f->rx.nreqs, 1);
	struct request *r = &f->rx.reqs[0];
	/* the URL's own query stays, ours is appended; no $APPID$ business here */
	assert_memory_equal(r->target, "/auth?x=1&signature=", 20);
	check_request_decrypts(f, 0, "AppId", APP_ID, TICKET_PAYLOAD);
	char h[128];
	assert_true(header_value(r->headers, "X-Kaifang-Event-Id", h, sizeof(h)));
	assert_string_equal(h, event_id);
	assert_true(header_value(r->headers, "X-Kaifang-Attempt", h, sizeof(h)));
	assert_string_equal(h, "1");
	assert_true(header_value(r->headers, "Content-Type", h, sizeof(h)));
	assert_string_equal(h, "text/xml; charset=utf-8");
	assert_false(header_value(r->headers, "Expect", h, sizeof(h)));

	/* the attempt log */
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM deliveries WHERE outbox_id = ?", ev), 1);
	assert_int_equal(q_int(f->db, "SELECT http_status FROM deliveries WHERE outbox_id = ?", ev), 200);
	assert_int_equal(q_int(f->db, "SELECT error IS NULL FROM deliveries WHERE outbox_id = ?", ev), 1);
	char *ex = q_text(f->db, "SELECT response_excerpt FROM deliveries WHERE outbox_id = ?", ev);
	assert_string_equal(ex, "success");
	free(ex);
	assert_int_equal(q_int(f->db, "SELECT attempts FROM outbox WHERE id = ?", ev), 1);
	assert_true(q_int(f->db, "SELECT delivered_at FROM outbox WHERE id = ?", ev) >= now_of(f) - 5);

	assert_int_equal(metric_now(f, "kaifang_push_deliveries_total{outcome=\"delivered\"} "), delivered0 + 1);
	assert_int_equal(metric_now(f, "kaifang_push_delivery_seconds_count "), count0 + 1);
	/* nothing is sent twice */
	usleep(100000);
	assert_int_equal(receiver_count(&f->rx, &f->rx.connections), 1);
}

static void test_push_message_target_substitutes_appid(void **state)
{
	struct fx *f = *state;
	add_app_default(f);
	static const char payload[] = "<xml><ToUserName><![CDATA[gh_receiver]]></ToUserName><FromUserName><![CDATA["
				      "o_sender+1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]>"
				      "</MsgType><Content><![CDATA[\xe4\xbd\xa0\xe5\xa5\xbd]]></Content></xml>";
	int64_t ev = add_event(f, "message", payload, now_of(f), NULL);
	receiver_mode(&f->rx, 200, "", 0); /* an empty answer is fine for messages */
	start_pusher(f);
	wait_count(f, "SELECT COUNT(*) FROM outbox WHERE id = ? AND state = 'delivered'", ev, 1);
	struct request *r = &f->rx.reqs[0];
	assert_memory_equal(r->target, "/msg/" APP_ID "/cb?signature=", strlen("/msg/" APP_ID "/cb?signature="));
	char openid[64];
	assert_true(query_param(r->target, "openid", openid, sizeof(openid)));
	assert_string_equal(openid, "o_sender%2b1"); /* URL-encoded */
	check_request_decrypts(f, 0, "ToUserName", "gh_receiver", payload);
}

static void test_push_retries_on_500_then_delivers(void **state)
{
	struct fx *f = *state;
	add_app_default(f);
	char event_id[33];
	int64_t ev = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), event_id);
	receiver_mode(&f->rx, 500, "oops", 0);
	uint64_t failed0 = metric_now(f, "kaifang_push_deliveries_total{outcome=\"failed\"} ");
	start_pusher(f);
	wait_attempts(f, ev, 1);
	int64_t now = now_of(f);
	char *state_s = q_text(f->db, "SELECT state FROM outbox WHERE id = ?", ev);
	assert_string_equal(state_s, "pending");
	free(state_s);
	assert_int_equal(q_int(f->db, "SELECT attempts FROM outbox WHERE id = ?", ev), 1);
	int64_t next = q_int(f->db, "SELECT next_attempt_at FROM outbox WHERE id = ?", ev);
	assert_true(next >= now + 2 && next <= now + 7); /* 5 s ± 20 % */
	assert_int_equal(q_int(f->db, "SELECT lease_until FROM outbox WHERE id = ?", ev), 0);
	assert_int_equal(q_int(f->db, "SELECT http_status FROM deliveries WHERE outbox_id = ?", ev), 500);
	char *err = q_text(f->db, "SELECT error FROM deliveries WHERE outbox_id = ?", ev);
	assert_non_null(strstr(err, "HTTP status 500"));
	free(err);
	err = q_text(f->db, "SELECT last_error FROM outbox WHERE id = ?", ev);
	assert_non_null(strstr(err, "HTTP status 500"));
	free(err);
	char *ex = q_text(f->db, "SELECT response_excerpt FROM deliveries WHERE outbox_id = ?", ev);
	assert_string_equal(ex, "oops");
	free(ex);
	assert_int_equal(metric_now(f, "kaifang_push_deliveries_total{outcome=\"failed\"} "), failed0 + 1);

	/* not before it is due */
	usleep(200000);
	assert_int_equal(receiver_count(&f->rx, &f->rx.connections), 1);
	/* move the clock past the retry: sent again, same event id, attempt 2 */
	receiver_mode(&f->rx, 200, "success", 0);
	atomic_fetch_add(&f->ctx.clock_offset, 10);
	kf_push_wake(f->pusher);
	wait_count(f, "SELECT COUNT(*) FROM outbox WHERE id = ? AND state = 'delivered'", ev, 1);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM deliveries WHERE outbox_id = ?", ev), 2);
	assert_int_equal(q_int(f->db, "SELECT attempts FROM outbox WHERE id = ?", ev), 2);
	char h[64];
	assert_true(header_value(f->rx.reqs[1].headers, "X-Kaifang-Attempt", h, sizeof(h)));
	assert_string_equal(h, "2");
	assert_true(header_value(f->rx.reqs[1].headers, "X-Kaifang-Event-Id", h, sizeof(h)));
	assert_string_equal(h, event_id);
	check_request_decrypts(f, 1, "AppId", APP_ID, TICKET_PAYLOAD);
}

static void test_push_retries_on_wrong_body(void **state)
{
	struct fx *f = *state;
	add_app_default(f);
	int64_t ev = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), NULL);
	receiver_mode(&f->rx, 200, "ok", 0);
	start_pusher(f);
	wait_attempts(f, ev, 1);
	assert_int_equal(q_int(f->db, "SELECT http_status FROM deliveries WHERE outbox_id = ?", ev), 200);
	char *err = q_text(f->db, "SELECT error FROM deliveries WHERE outbox_id = ?", ev);
	assert_non_null(strstr(err, "not \"success\""));
	free(err);
	char *st = q_text(f->db, "SELECT state FROM outbox WHERE id = ?", ev);
	assert_string_equal(st, "pending");
	free(st);
	/* empty is not enough for the authorization receive URL */
	receiver_mode(&f->rx, 200, "", 0);
	atomic_fetch_add(&f->ctx.clock_offset, 10);
	kf_push_wake(f->pusher);
	wait_attempts(f, ev, 2);
	st = q_text(f->db, "SELECT state FROM outbox WHERE id = ?", ev);
	assert_string_equal(st, "pending");
	free(st);
}

static void test_push_retries_on_timeout(void **state)
{
	struct fx *f = *state;
	f->ctx.cfg.push_timeout = 1;
	add_app_default(f);
	int64_t ev = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), NULL);
	receiver_mode(&f->rx, 200, "success", 1600);
	start_pusher(f);
	wait_attempts(f, ev, 1);
	assert_int_equal(q_int(f->db, "SELECT http_status IS NULL FROM deliveries WHERE outbox_id = ?", ev), 1);
	char *err = q_text(f->db, "SELECT error FROM deliveries WHERE outbox_id = ?", ev);
	assert_non_null(strstr(err, "no answer within 1000 ms"));
	free(err);
	int64_t lat = q_int(f->db, "SELECT latency_ms FROM deliveries WHERE outbox_id = ?", ev);
	assert_true(lat >= 900 && lat < 1600);
	char *st = q_text(f->db, "SELECT state FROM outbox WHERE id = ?", ev);
	assert_string_equal(st, "pending");
	free(st);
}

static void test_push_refused_without_allow_list(void **state)
{
	struct fx *f = *state;
	kf_cidr_list_clear(&f->ctx.callback_allow); /* KAIFANG_CALLBACK_ALLOW unset */
	add_app_default(f);
	int64_t ev = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), NULL);
	start_pusher(f);
	wait_attempts(f, ev, 1);
	char *err = q_text(f->db, "SELECT error FROM deliveries WHERE outbox_id = ?", ev);
	assert_string_equal(err, "refused address 127.0.0.1 (loopback): not in push.allow_networks");
	free(err);
	assert_int_equal(q_int(f->db, "SELECT http_status IS NULL FROM deliveries WHERE outbox_id = ?", ev), 1);
	usleep(100000);
	assert_int_equal(receiver_count(&f->rx, &f->rx.connections), 0);
}

static void test_push_refused_ipv6_loopback(void **state)
{
	struct fx *f = *state;
	struct kf_error e = {0};
	kf_cidr_list_clear(&f->ctx.callback_allow);
	assert_int_equal(kf_cidr_list_parse("127.0.0.0/8", &f->ctx.callback_allow, &e), KF_OK);
	add_app(f, "{\"auth_receive_url\":\"http://[::1]:9/auth\",\"message_token\":\"" TOKEN
		   "\",\"aes_key\":\"" AES_KEY "\"}");
	int64_t ev = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), NULL);
	start_pusher(f);
	wait_attempts(f, ev, 1);
	char *err = q_text(f->db, "SELECT error FROM deliveries WHERE outbox_id = ?", ev);
	assert_string_equal(err, "refused address ::1 (loopback): not in push.allow_networks");
	free(err);
}

static void test_push_unusable_config_fails_cleanly(void **state)
{
	struct fx *f = *state;
	char dev[512];
	snprintf(dev, sizeof(dev), "{\"auth_receive_url\":\"http://127.0.0.1:%d/auth\",\"message_token\":\"" TOKEN "\"}",
		 f->rx.port);
	add_app(f, dev);
	int64_t ev = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), NULL);
	int64_t ev2 = add_event(f, "message", "<xml/>", now_of(f), NULL);
	start_pusher(f);
	wait_attempts(f, ev, 1);
	wait_attempts(f, ev2, 1);
	char *err = q_text(f->db, "SELECT error FROM deliveries WHERE outbox_id = ?", ev);
	assert_string_equal(err, "live configuration has no dev.aes_key");
	free(err);
	err = q_text(f->db, "SELECT error FROM deliveries WHERE outbox_id = ?", ev2);
	assert_string_equal(err, "live configuration has no dev.message_url");
	free(err);
	char *st = q_text(f->db, "SELECT state FROM outbox WHERE id = ?", ev);
	assert_string_equal(st, "pending"); /* the provider may still fix it */
	free(st);
	assert_int_equal(receiver_count(&f->rx, &f->rx.connections), 0);

	/* an app without a live config at all */
	exec_sql(f->db, "UPDATE apps SET live_config_id = NULL WHERE id = 1");
	int64_t ev3 = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), NULL);
	kf_push_wake(f->pusher);
	wait_attempts(f, ev3, 1);
	err = q_text(f->db, "SELECT error FROM deliveries WHERE outbox_id = ?", ev3);
	assert_string_equal(err, "the app has no live configuration");
	free(err);
}

static void test_push_dead_after_max_age(void **state)
{
	struct fx *f = *state;
	f->ctx.cfg.push_max_age = 60;
	add_app_default(f);
	int64_t ev = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f) - 58, NULL);
	receiver_mode(&f->rx, 503, "busy", 0);
	uint64_t dead0 = metric_now(f, "kaifang_push_deliveries_total{outcome=\"dead\"} ");
	start_pusher(f);
	wait_count(f, "SELECT COUNT(*) FROM outbox WHERE id = ? AND state = 'dead'", ev, 1);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM deliveries WHERE outbox_id = ?", ev), 1);
	assert_int_equal(metric_now(f, "kaifang_push_deliveries_total{outcome=\"dead\"} "), dead0 + 1);
	/* a dead event is not sent again */
	atomic_fetch_add(&f->ctx.clock_offset, 7200);
	kf_push_wake(f->pusher);
	usleep(200000);
	assert_int_equal(receiver_count(&f->rx, &f->rx.connections), 1);
	/* replayed, it goes out again */
	char eid[33];
	char *e = q_text(f->db, "SELECT event_id FROM outbox WHERE id = ?", ev);
	snprintf(eid, sizeof(eid), "%s", e);
	free(e);
	receiver_mode(&f->rx, 200, "success", 0);
	assert_int_equal(kf_store_outbox_replay(f->db, f->app, eid, now_of(f)), KF_OK);
	kf_push_wake(f->pusher);
	wait_count(f, "SELECT COUNT(*) FROM outbox WHERE id = ? AND state = 'delivered'", ev, 1);
}

static void test_push_stop_keeps_the_lease(void **state)
{
	struct fx *f = *state;
	f->ctx.cfg.push_timeout = 5;
	add_app_default(f);
	char event_id[33];
	int64_t ev = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), event_id);
	receiver_mode(&f->rx, 200, "success", 4000);
	start_pusher(f);
	for (int i = 0; i < 300 && receiver_count(&f->rx, &f->rx.started) < 1; i++)
		usleep(10000);
	assert_int_equal(receiver_count(&f->rx, &f->rx.started), 1);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	kf_push_stop(f->pusher);
	f->pusher = NULL;
	clock_gettime(CLOCK_MONOTONIC, &b);
	double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	assert_true(took < 0.5); /* prompt, does not wait for the answer */
	/* nothing recorded; the event is still leased */
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM deliveries WHERE outbox_id = ?", ev), 0);
	assert_int_equal(q_int(f->db, "SELECT attempts FROM outbox WHERE id = ?", ev), 0);
	assert_true(q_int(f->db, "SELECT lease_until FROM outbox WHERE id = ?", ev) >= now_of(f) + 30);

	/* a new pusher leaves it alone while the lease holds ... */
	receiver_mode(&f->rx, 200, "success", 0);
	start_pusher(f);
	usleep(200000);
	assert_int_equal(receiver_count(&f->rx, &f->rx.started), 1);
	/* ... and delivers it once the lease has run out: at least once */
	atomic_fetch_add(&f->ctx.clock_offset, 40);
	kf_push_wake(f->pusher);
	wait_count(f, "SELECT COUNT(*) FROM outbox WHERE id = ? AND state = 'delivered'", ev, 1);
	char h[64];
	assert_true(header_value(f->rx.reqs[1].headers, "X-Kaifang-Event-Id", h, sizeof(h)));
	assert_string_equal(h, event_id); /* the app can drop the duplicate */
}

static void test_push_deliveries_in_parallel(void **state)
{
	struct fx *f = *state;
	f->ctx.cfg.push_concurrency = 4;
	add_app_default(f);
	int64_t first = 0;
	for (int i = 0; i < 8; i++) {
		int64_t id = add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f), NULL);
		first = first ? first : id;
	}
	receiver_mode(&f->rx, 200, "success", 300);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	start_pusher(f);
	wait_count(f, "SELECT COUNT(*) FROM outbox WHERE state = 'delivered' AND id >= ?", first, 8);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	assert_int_equal(receiver_count(&f->rx, &f->rx.max_in_flight), 4);
	assert_true(took < 1.6); /* 8 × 300 ms one after the other would be 2.4 s */
}

/* Several kaifangd share the outbox: processes (each its own connection)
 * leasing the same due events at the same moment get disjoint batches that
 * together hold every event once; nobody gets them again while the leases
 * hold, and anybody once they ran out. */
#define LEASERS 4
#define LEASE_EVENTS 24
struct leaser {
	const char *path;
	int64_t now;
	pthread_barrier_t *go;
	struct kf_outbox_item items[LEASE_EVENTS];
	int n;
};

static void *lease_batch(void *arg)
{
	struct leaser *l = arg;
	struct kf_db *db = NULL;
	struct kf_error err = {0};
	enum kf_err rc = kf_db_open(l->path, &db, &err);
	pthread_barrier_wait(l->go);
	l->n = rc == KF_OK ? kf_store_outbox_lease(db, l->now, 30, l->items, LEASE_EVENTS) : -1;
	kf_db_close(db);
	return NULL;
}

static void test_push_lease_once_across_processes(void **state)
{
	struct fx *f = *state;
	add_app_default(f);
	int64_t now = now_of(f), first = 0;
	for (int i = 0; i < LEASE_EVENTS; i++) {
		int64_t id = add_event(f, "auth_receive", TICKET_PAYLOAD, now, NULL);
		first = first ? first : id;
	}
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, LEASERS);
	struct leaser *l = calloc(LEASERS, sizeof(*l));
	pthread_t t[LEASERS];
	for (int i = 0; i < LEASERS; i++) {
		l[i].path = f->path;
		l[i].now = now;
		l[i].go = &go;
		assert_int_equal(pthread_create(&t[i], NULL, lease_batch, &l[i]), 0);
	}
	int seen[LEASE_EVENTS] = {0}, total = 0;
	for (int i = 0; i < LEASERS; i++) {
		pthread_join(t[i], NULL);
		assert_true(l[i].n >= 0);
		for (int k = 0; k < l[i].n; k++) {
			int64_t idx = l[i].items[k].id - first;
			assert_true(idx >= 0 && idx < LEASE_EVENTS);
			seen[idx]++;
			kf_outbox_item_clear(&l[i].items[k]);
		}
		total += l[i].n;
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(total, LEASE_EVENTS);
	for (int k = 0; k < LEASE_EVENTS; k++)
		assert_int_equal(seen[k], 1);
	/* leased: nobody gets them before the lease ends ... */
	struct kf_outbox_item items[LEASE_EVENTS];
	assert_int_equal(kf_store_outbox_lease(f->db, now + 29, 30, items, LEASE_EVENTS), 0);
	/* ... and anybody after (the holder died: at least once) */
	int n = kf_store_outbox_lease(f->db, now + 30, 30, items, LEASE_EVENTS);
	assert_int_equal(n, LEASE_EVENTS);
	for (int k = 0; k < n; k++)
		kf_outbox_item_clear(&items[k]);
	free(l);
}

/* An engine that lets two transactions read the same due row (PostgreSQL's
 * READ COMMITTED) may show this process a row another has just leased: the
 * claim's re-check must leave it out. Played on SQLite with a trigger that
 * leases the third event "elsewhere" the moment the first is claimed. */
static void test_push_lease_skips_a_row_leased_meanwhile(void **state)
{
	struct fx *f = *state;
	add_app_default(f);
	int64_t now = now_of(f), ids[4];
	for (int i = 0; i < 4; i++)
		ids[i] = add_event(f, "auth_receive", TICKET_PAYLOAD, now, NULL);
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "CREATE TEMP TRIGGER other_process AFTER UPDATE OF lease_until ON outbox WHEN NEW.id = %lld"
		 " BEGIN UPDATE outbox SET lease_until = %lld WHERE id = %lld; END;",
		 (long long)ids[0], (long long)(now + 100), (long long)ids[2]);
	exec_sql(f->db, sql);
	struct kf_outbox_item items[8];
	int n = kf_store_outbox_lease(f->db, now, 30, items, 8);
	assert_int_equal(n, 3);
	assert_int_equal(items[0].id, ids[0]);
	assert_int_equal(items[1].id, ids[1]);
	assert_int_equal(items[2].id, ids[3]);
	for (int k = 0; k < n; k++) {
		assert_string_equal(items[k].payload, TICKET_PAYLOAD);
		kf_outbox_item_clear(&items[k]);
	}
	/* the other process keeps its lease */
	assert_int_equal(q_int(f->db, "SELECT lease_until FROM outbox WHERE id = ?", ids[2]), now + 100);
	assert_int_equal(q_int(f->db, "SELECT lease_until FROM outbox WHERE id = ?", ids[1]), now + 30);
}

static void test_push_metrics_text(void **state)
{
	struct fx *f = *state;
	add_app_default(f);
	add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f) - 100, NULL);
	add_event(f, "auth_receive", TICKET_PAYLOAD, now_of(f) - 10, NULL);
	exec_sql(f->db, "UPDATE outbox SET state = 'dead' WHERE id = (SELECT MAX(id) FROM outbox)");
	char *t = kf_push_metrics_text(&f->ctx, f->db);
	assert_non_null(strstr(t, "# TYPE kaifang_push_deliveries_total counter\n"));
	assert_non_null(strstr(t, "kaifang_push_deliveries_total{outcome=\"delivered\"} "));
	assert_non_null(strstr(t, "kaifang_push_deliveries_total{outcome=\"failed\"} "));
	assert_non_null(strstr(t, "kaifang_push_deliveries_total{outcome=\"dead\"} "));
	assert_non_null(strstr(t, "# TYPE kaifang_push_delivery_seconds histogram\n"));
	static const char *const le[] = {"0.01", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};
	uint64_t prev = 0;
	for (size_t i = 0; i < 10; i++) {
		char name[80];
		snprintf(name, sizeof(name), "kaifang_push_delivery_seconds_bucket{le=\"%s\"} ", le[i]);
		uint64_t v = metric(t, name);
		assert_true(v >= prev); /* cumulative */
		prev = v;
	}
	assert_int_equal(metric(t, "kaifang_push_delivery_seconds_count "), prev);
	assert_non_null(strstr(t, "kaifang_push_delivery_seconds_sum "));
	assert_int_equal(metric(t, "kaifang_push_outbox_pending "), 1);
	assert_int_equal(metric(t, "kaifang_push_outbox_dead "), 1);
	uint64_t age = metric(t, "kaifang_push_oldest_pending_seconds ");
	assert_true(age >= 100 && age < 110);
	assert_int_equal(t[strlen(t) - 1], '\n');
	free(t);
	/* without a database only the counters */
	t = kf_push_metrics_text(&f->ctx, NULL);
	assert_null(strstr(t, "kaifang_push_outbox_pending"));
	free(t);
}

/* ---- URL verification ---- */

static void test_push_verify_url_echo(void **state)
{
	struct fx *f = *state;
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cb?app=1", f->rx.port);
	pthread_mutex_lock(&f->rx.mu);
	f->rx.echo = true;
	f->rx.body[0] = '\0';
	pthread_mutex_unlock(&f->rx.mu);
	struct kf_verify_result out;
	struct kf_error err = {0};
	assert_int_equal(kf_push_verify_url(&f->ctx, url, TOKEN, &out, &err), KF_OK);
	if (!out.ok)
		fail_msg("%s: %s", out.failure, out.message);
	assert_null(out.failure);
	assert_int_equal(out.http_status, 200);
	assert_true(out.latency_ms >= 0 && out.latency_ms < 1000);
	struct request *r = &f->rx.reqs[0];
	assert_string_equal(r->method, "GET");
	char ts[32], nonce[32], sig[64], echostr[64];
	assert_true(query_param(r->target, "timestamp", ts, sizeof(ts)));
	assert_true(query_param(r->target, "nonce", nonce, sizeof(nonce)));
	assert_true(query_param(r->target, "signature", sig, sizeof(sig)));
	assert_true(query_param(r->target, "echostr", echostr, sizeof(echostr)));
	assert_true(kf_wxcrypt_verify(TOKEN, ts, nonce, NULL, sig));
	assert_int_equal(strlen(echostr), 32);
	assert_string_equal(out.excerpt, echostr);
	assert_memory_equal(r->target, "/cb?app=1&signature=", 20);
}

static void test_push_verify_url_failures(void **state)
{
	struct fx *f = *state;
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cb", f->rx.port);
	struct kf_verify_result out;
	struct kf_error err = {0};

	/* body mismatch: the echostr plus a newline */
	pthread_mutex_lock(&f->rx.mu);
	f->rx.echo = true;
	snprintf(f->rx.body, sizeof(f->rx.body), "\n");
	pthread_mutex_unlock(&f->rx.mu);
	assert_int_equal(kf_push_verify_url(&f->ctx, url, TOKEN, &out, &err), KF_OK);
	assert_false(out.ok);
	assert_string_equal(out.failure, "body_mismatch");
	assert_int_equal(out.http_status, 200);
	assert_non_null(strstr(out.message, "33 bytes"));

	/* HTTP status */
	pthread_mutex_lock(&f->rx.mu);
	f->rx.echo = false;
	pthread_mutex_unlock(&f->rx.mu);
	receiver_mode(&f->rx, 404, "no such page", 0);
	assert_int_equal(kf_push_verify_url(&f->ctx, url, TOKEN, &out, &err), KF_OK);
	assert_string_equal(out.failure, "http_status");
	assert_int_equal(out.http_status, 404);
	assert_string_equal(out.excerpt, "no such page");
	assert_non_null(strstr(out.message, "404"));

	/* timeout */
	f->ctx.cfg.push_timeout = 1;
	receiver_mode(&f->rx, 200, "x", 1500);
	assert_int_equal(kf_push_verify_url(&f->ctx, url, TOKEN, &out, &err), KF_OK);
	assert_string_equal(out.failure, "timeout");
	assert_int_equal(out.http_status, 0);
	assert_true(out.latency_ms >= 900);

	/* connection refused: a loopback port nobody listens on */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof(a);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &sl), 0);
	close(s);
	char closed[128];
	snprintf(closed, sizeof(closed), "http://127.0.0.1:%d/cb", ntohs(a.sin_port));
	assert_int_equal(kf_push_verify_url(&f->ctx, closed, TOKEN, &out, &err), KF_OK);
	assert_string_equal(out.failure, "connect_failed");

	/* refused by the SSRF guard: no connection at all */
	int before = receiver_count(&f->rx, &f->rx.connections);
	kf_cidr_list_clear(&f->ctx.callback_allow);
	assert_int_equal(kf_push_verify_url(&f->ctx, url, TOKEN, &out, &err), KF_OK);
	assert_string_equal(out.failure, "refused_address");
	assert_string_equal(out.message, "refused address 127.0.0.1 (loopback): not in push.allow_networks");
	assert_int_equal(out.http_status, 0);
	usleep(50000);
	assert_int_equal(receiver_count(&f->rx, &f->rx.connections), before);

	/* caller errors */
	assert_int_equal(kf_push_verify_url(&f->ctx, "ftp://127.0.0.1/x", TOKEN, &out, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_url");
	assert_int_equal(kf_push_verify_url(&f->ctx, "not a url", TOKEN, &out, &err), KF_EINVAL);
	assert_int_equal(kf_push_verify_url(&f->ctx, NULL, TOKEN, &out, &err), KF_EINVAL);
	assert_int_equal(kf_push_verify_url(&f->ctx, url, "", &out, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_token");
}

static int group_setup(void **state)
{
	(void)state;
	if (kf_crypto_init() != KF_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	curl_global_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_push_delivers_on_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_message_target_substitutes_appid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_retries_on_500_then_delivers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_retries_on_wrong_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_retries_on_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_refused_without_allow_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_refused_ipv6_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_unusable_config_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_dead_after_max_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_stop_keeps_the_lease, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_deliveries_in_parallel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_lease_once_across_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_lease_skips_a_row_leased_meanwhile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_metrics_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_verify_url_echo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_verify_url_failures, setup, teardown),
	};
	return cmocka_run_group_tests_name("push", tests, group_setup, group_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libmicrohttpd adapter. The access handler remembers the request on the
 * first call and answers only on a later one (queuing on the first call
 * makes MHD close keep-alive connections). Bodies are collected up to the
 * route's limit; a larger body gets 413 at once. Every request is logged as
 * one JSON line on stderr.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "http/request.h"
#include "util/crypto.h"
#include "util/mem.h"

struct kf_server {
	struct MHD_Daemon *d;
	uint32_t id_prefix;      /* random per process */
	atomic_uint_fast64_t id_next; /* request ids: prefix + counter, no syscall per request */
	struct kf_ctx *ctx;
	const struct kf_dispatch *dispatch;
	atomic_int in_flight; /* requests begun and not completed */
	atomic_int deferred;  /* deferred works running */
};

struct kf_server;
struct pending {
	struct kf_req r;
	struct kf_server *server;
	bool deferred; /* its deferred work was started */
	char *buf;
	size_t len, cap, limit;
	struct timespec start;
	bool answered;
};

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* One JSON line per request. The path is the only field a client chooses
 * freely: it is escaped by jansson; the rest are known-safe. */
static void log_access(struct pending *p)
{
	json_t *path = json_string(p->r.path);
	char *ep = path ? json_dumps(path, JSON_ENCODE_ANY) : NULL;
	json_decref(path);
	char line[2600];
	int n = snprintf(line, sizeof(line),
			 "{\"type\":\"access\",\"request_id\":\"%s\",\"method\":\"%s\",\"path\":%s,\"status\":%d,"
			 "\"duration_ms\":%.3f,\"client\":\"%s\"",
			 p->r.id, p->r.method, ep ? ep : "\"\"", p->r.status, elapsed_ms(&p->start), p->r.client_ip);
	free(ep);
	if (n > 0 && (size_t)n < sizeof(line) - 40) {
		if (p->r.user_id)
			n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"user_id\":%lld", (long long)p->r.user_id);
		if (p->r.api_key_id)
			n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"api_key_id\":%lld", (long long)p->r.api_key_id);
		line[n++] = '}';
		line[n++] = '\n';
		fwrite(line, 1, (size_t)n, stderr);
	}
}

static bool s_log = true; /* cfg.access_log, set at start */

static enum MHD_Result queue(struct MHD_Connection *conn, struct pending *p)
{
	struct kf_req *r = &p->r;
	if (!r->status)
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "handler produced no reply");
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		r->resp_len, r->resp_body ? r->resp_body : (char *)"", MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", r->resp_type ? r->resp_type : "application/json");
	MHD_add_response_header(resp, "X-Request-Id", r->id);
	/* no-store unless the handler chose its caching (public media, the
	 * stylesheet): two Cache-Control headers would combine to no-store */
	bool cache_set = false;
	for (int i = 0; i < r->n_hdrs; i++)
		cache_set = cache_set || !strcasecmp(r->hdr_names[i], "Cache-Control");
	if (!cache_set)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	for (int i = 0; i < r->n_hdrs; i++)
		MHD_add_response_header(resp, r->hdr_names[i], r->hdr_values[i]);
	enum MHD_Result rc = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	p->answered = true;
	if (s_log)
		log_access(p);
	return rc;
}

#define MAX_DEFERRED 32

static void *run_deferred(void *arg)
{
	struct pending *p = arg;
	p->r.defer_fn(&p->r, p->r.defer_arg);
	if (!p->r.status)
		kf_reply_fail(&p->r, KF_EINTERNAL, "internal", NULL, NULL, "the deferred work produced no reply");
	if (p->server->dispatch->deferred_done)
		p->server->dispatch->deferred_done(&p->r);
	atomic_fetch_sub(&p->server->deferred, 1);
	MHD_resume_connection(p->r.conn);
	return NULL;
}

/* Suspend the connection and run the request's deferred work on a thread
 * of its own (kf_req_defer). False when too many are running already. */
static bool defer(struct kf_server *s, struct pending *p)
{
	if (atomic_fetch_add(&s->deferred, 1) >= MAX_DEFERRED) {
		atomic_fetch_sub(&s->deferred, 1);
		p->r.defer_fn = NULL;
		return false;
	}
	if (s->dispatch->release)
		s->dispatch->release(&p->r);
	p->deferred = true;
	p->server = s;
	MHD_suspend_connection(p->r.conn);
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &attr, run_deferred, p);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		atomic_fetch_sub(&s->deferred, 1);
		p->r.defer_fn = NULL;
		MHD_resume_connection(p->r.conn);
		kf_reply_fail(&p->r, KF_EUNAVAIL, "busy", NULL, NULL, "cannot start the work; try again");
	}
	return true;
}

/* The connection's address, or the client behind a trusted reverse proxy
 * (trusted-proxies, X-Forwarded-For; core/netpolicy.h). */
static const char *client_ip(struct MHD_Connection *conn, const struct kf_cidr_list *trusted, struct kf_arena *a)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "unknown";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, sizeof(buf));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
				  sizeof(buf));
	}
	if (trusted->n > 0) {
		const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
		char client[INET6_ADDRSTRLEN + 2];
		if (kf_client_address(buf, xff, trusted, client, sizeof(client)))
			return kf_arena_strdup(a, client);
	}
	return kf_arena_strdup(a, buf);
}

/* Sum of key and value lengths (and separators) of one kind of value. */
static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	size_t *sum = cls;
	*sum += (key ? strlen(key) : 0) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/*
 * 414 and 431 as our own answers, with the JSON error body and request id of
 * every other error: MHD would answer them itself with an HTML page when the
 * request line or the headers do not fit its per-connection memory, so that
 * memory is sized well above max-url + max-headers and the limits are
 * checked here. Returns false (with the reply set) when one is exceeded.
 */
static bool within_limits(struct MHD_Connection *conn, const char *url, struct kf_req *r)
{
	size_t target = strlen(url), headers = 0;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_size, &target);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_size, &headers);
	if (target > (size_t)r->ctx->cfg.max_url) {
		kf_reply_fail(r, KF_ELIMIT, "uri_too_long", NULL, NULL, "the request target is longer than %lld bytes",
			      (long long)r->ctx->cfg.max_url);
		r->status = 414;
		return false;
	}
	if (headers > (size_t)r->ctx->cfg.max_headers) {
		kf_reply_fail(r, KF_ELIMIT, "header_fields_too_large", NULL, NULL,
			      "the request headers are larger than %lld bytes", (long long)r->ctx->cfg.max_headers);
		r->status = 431;
		return false;
	}
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct kf_server *s = cls;
	struct pending *p = *con_cls;
	if (!p) {
		p = kf_xcalloc(1, sizeof(*p));
		atomic_fetch_add(&s->in_flight, 1);
		clock_gettime(CLOCK_MONOTONIC, &p->start);
		struct kf_req *r = &p->r;
		r->arena = kf_arena_new();
		r->ctx = s->ctx;
		r->conn = conn;
		snprintf(r->id, sizeof(r->id), "%08x%08x", s->id_prefix,
			 (unsigned)(atomic_fetch_add(&s->id_next, 1) & 0xffffffffu));
		r->method = kf_arena_strdup(r->arena, method);
		r->path = kf_arena_strdup(r->arena, url);
		r->client_ip = client_ip(conn, &s->ctx->trusted_proxies, r->arena);
		r->now = kf_ctx_now(s->ctx);
		/* only methods with a body need the route's limit */
		p->limit = strcmp(method, "GET") && strcmp(method, "HEAD") ? s->dispatch->body_limit(s->ctx, method, url)
									    : (size_t)s->ctx->cfg.max_body;
		*con_cls = p;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (!within_limits(conn, url, r)) {
			/* answered when the body (if any) has been read, as below */
		} else if (cl && strtoull(cl, NULL, 10) > p->limit) {
			kf_reply_fail(r, KF_ELIMIT, "body_too_large", NULL, NULL,
				      "request body is larger than %zu bytes", p->limit);
			r->status = 413;
			/* A client waiting for "100 Continue" is answered before it
			 * sends the body. One that sends at once is read to the end
			 * (and the body dropped): closing on unread data would reset
			 * the connection before it reads the answer. */
			const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
			if (expect && !strcasecmp(expect, "100-continue"))
				return queue(conn, p);
		}
		return MHD_YES;
	}
	if (p->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (p->r.status)
			return MHD_YES; /* already refused: drain the rest, answer at the end */
		if (p->len + n > p->limit) {
			/* A body without Content-Length (chunked) that outgrows the
			 * limit: MHD cannot answer mid-upload, so drop what came and
			 * answer 413 when the upload ends. */
			kf_reply_fail(&p->r, KF_ELIMIT, "body_too_large", NULL, NULL,
				      "request body is larger than %zu bytes", p->limit);
			p->r.status = 413;
			free(p->buf);
			p->buf = NULL;
			p->len = p->cap = 0;
			return MHD_YES;
		}
		if (p->len + n + 1 > p->cap) {
			p->cap = (p->len + n + 1) * 2;
			if (p->cap > p->limit + 1)
				p->cap = p->limit + 1;
			p->buf = kf_xrealloc(p->buf, p->cap);
		}
		memcpy(p->buf + p->len, upload_data, n);
		p->len += n;
		return MHD_YES;
	}
	if (!p->r.status && !p->r.defer_fn) {
		if (p->buf) {
			p->buf[p->len] = '\0';
			p->r.body = p->buf;
			p->r.body_len = p->len;
		}
		s->dispatch->handle(&p->r);
	}
	if (p->r.defer_fn && !p->deferred) {
		if (defer(s, p))
			return MHD_YES;
		if (p->r.defer_refused)
			p->r.defer_refused(&p->r, p->r.defer_arg);
		kf_reply_fail(&p->r, KF_ELIMIT, "busy", NULL, NULL, "too many slow requests are running; try again");
		kf_reply_header(&p->r, "Retry-After", "5");
		if (s->dispatch->deferred_done)
			s->dispatch->deferred_done(&p->r);
	}
	return queue(conn, p);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	struct kf_server *s = cls;
	struct pending *p = *con_cls;
	if (!p)
		return;
	if (s->dispatch->release)
		s->dispatch->release(&p->r);
	kf_arena_free(p->r.arena);
	free(p->buf);
	free(p);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	json_t *j = json_pack("{s:s, s:s, s:s}", "level", "warn", "source", "http", "msg", buf);
	char *t = json_dumps(j, JSON_COMPACT);
	fprintf(stderr, "%s\n", t);
	free(t);
	json_decref(j);
}

enum kf_err kf_server_start(struct kf_ctx *ctx, const struct kf_dispatch *d, struct kf_server **out,
			    struct kf_error *err)
{
	const char *listen = ctx->cfg.listen;
	const char *colon = strrchr(listen, ':');
	char host[256];
	snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
	if (host[0] == '[') {
		size_t n = strlen(host);
		memmove(host, host + 1, n);
		if (n >= 2 && host[n - 2] == ']')
			host[n - 2] = '\0';
	}
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL;
	if (getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai) != 0 || !ai)
		return kf_error_set(err, KF_EINVAL, "bad_listen", NULL, "listen",
				    "listen address must be a numeric IP and port, got '%s'", listen);
	struct kf_server *s = kf_xcalloc(1, sizeof(*s));
	s->ctx = ctx;
	s->dispatch = d;
	kf_random_bytes(&s->id_prefix, sizeof(s->id_prefix));
	s_log = ctx->cfg.access_log;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
		MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)ctx->cfg.threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)ctx->cfg.max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)ctx->cfg.per_ip_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)ctx->cfg.conn_timeout,
		/* the request line, headers and MHD's bookkeeping: room for twice
		 * our own limits, so that a request over them reaches
		 * within_limits and gets our JSON 414/431 rather than MHD's page */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)(2 * (ctx->cfg.max_url + ctx->cfg.max_headers) + 32 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!s->d) {
		free(s);
		return kf_error_set(err, KF_EUNAVAIL, "listen_failed", NULL, "listen",
				    "cannot listen on %s (address in use or not available)", listen);
	}
	*out = s;
	return KF_OK;
}

void kf_server_stop(struct kf_server *s)
{
	if (!s)
		return;
	MHD_quiesce_daemon(s->d);
	/* Drain: let in-flight requests finish, at most 10 seconds. */
	for (int i = 0; i < 1000 && atomic_load(&s->in_flight) > 0; i++)
		usleep(10000);
	/* deferred work resumes its connection through the daemon: it must be
	 * over before the daemon goes (bounded by push-timeout) */
	for (int i = 0; i < 7000 && atomic_load(&s->deferred) > 0; i++)
		usleep(10000);
	MHD_stop_daemon(s->d);
	free(s);
}

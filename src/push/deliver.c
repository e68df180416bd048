/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The delivery thread (see push.h). One libcurl multi handle drives up to
 * cfg.push_concurrency requests; the thread alternates between leasing due
 * events into free slots, letting libcurl move the transfers on, and
 * recording the finished ones.
 *
 * Invariants: an event is only ever sent while this thread holds its lease
 * (lease = push_timeout + KF_PUSH_LEASE_MARGIN, longer than any request
 * can take); every attempt that ends is recorded exactly once, and one that
 * is cut off by kf_push_stop is not recorded at all, so it is sent again
 * when its lease has run out. Database connections are taken from the pool
 * only around a lease or a batch of records, never across network waits.
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/push.h"
#include "ctx.h"
#include "push/http.h"
#include "push/metrics.h"
#include "push/push.h"
#include "push/request.h"
#include "store/db.h"
#include "store/outbox.h"
#include "util/crypto.h"
#include "util/mem.h"

struct transfer {
	CURL *easy;
	struct curl_slist *headers;
	struct kf_outbox_item item;
	struct kf_push_request req;
	struct kf_push_http http;
	int64_t at;     /* business time the attempt started */
	int attempt;    /* 1-based */
	CURLcode rc;
	bool busy, done;
};

struct kf_pusher {
	struct kf_ctx *ctx;
	pthread_t thread;
	CURLM *multi;
	atomic_bool stop;
	atomic_bool wake;
	int n, busy;
	long timeout_ms;
	struct transfer *t;          /* n slots */
	struct kf_outbox_item *batch; /* n, scratch for leasing */
};

/* The result of one attempt, as recorded. */
struct result {
	bool delivered;
	long status;                /* 0: no HTTP answer */
	enum kf_push_failure failure;
	char error[384];
	int64_t latency_us;         /* -1: no request was made */
	char excerpt[KF_PUSH_EXCERPT_MAX + 1];
	bool has_response;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One JSON line per attempt, written with a single call so lines from
 * several threads never interleave. */
static void log_attempt(const struct kf_outbox_item *it, int attempt, const struct result *r, int64_t next_at,
			bool stored)
{
	char kind[96], error[800], tail[1100] = "", next[40] = "", line[2048];
	kf_push_json_escape(it->kind, kind, sizeof(kind));
	kf_push_json_escape(r->error, error, sizeof(error));
	const char *outcome = r->delivered ? "delivered" : next_at ? "retry" : "dead";
	if (next_at)
		snprintf(next, sizeof(next), ",\"next_attempt_at\":%" PRId64, next_at);
	if (!r->delivered)
		snprintf(tail, sizeof(tail), ",\"failure\":\"%s\",\"error\":\"%s\"%s",
			 kf_push_http_failure_name(r->failure), error, next);
	snprintf(line, sizeof(line),
		 "{\"level\":\"%s\",\"source\":\"push\",\"msg\":\"push %s\",\"event\":\"%s\",\"app\":\"%s\","
		 "\"kind\":\"%s\",\"target\":\"%s\",\"attempt\":%d,\"status\":%ld,\"latency_ms\":%" PRId64
		 ",\"outcome\":\"%s\"%s%s}\n",
		 !stored ? "error" : r->delivered ? "info" : next_at ? "warn" : "error", outcome, it->event_id,
		 it->app_id, kind, it->target, attempt, r->status, r->latency_us < 0 ? 0 : r->latency_us / 1000, outcome,
		 tail, stored ? "" : ",\"stored\":false");
	fputs(line, stderr);
}

/* Record the attempt, count it and log it. */
static void record(struct kf_pusher *p, struct kf_db *db, const struct kf_outbox_item *it, int attempt, int64_t at,
		   const struct result *r)
{
	int64_t next_at = 0;
	if (!r->delivered) {
		uint32_t rnd;
		kf_random_bytes(&rnd, sizeof(rnd));
		next_at = kf_push_next_attempt(attempt, it->created_at, kf_ctx_now(p->ctx), p->ctx->cfg.push_max_age,
					       rnd);
	}
	struct kf_attempt a = {
		.at = at,
		.http_status = (int)r->status,
		.error = r->delivered ? NULL : r->error,
		.latency_ms = r->latency_us < 0 ? 0 : r->latency_us / 1000,
		.excerpt = r->has_response ? r->excerpt : NULL,
	};
	/* On a storage failure the lease runs out and the event is sent again. */
	bool stored = kf_store_outbox_record(db, it->id, &a, r->delivered, next_at) == KF_OK;
	kf_push_metrics_count(r->delivered ? KF_PUSH_OUTCOME_DELIVERED
					   : next_at ? KF_PUSH_OUTCOME_FAILED : KF_PUSH_OUTCOME_DEAD,
			      r->latency_us);
	log_attempt(it, attempt, r, next_at, stored);
}

static void release(struct kf_pusher *p, struct transfer *t)
{
	if (t->easy)
		curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	kf_outbox_item_clear(&t->item);
	kf_push_request_clear(&t->req);
	kf_push_http_clear(&t->http);
	memset(t, 0, sizeof(*t));
	p->busy--;
}

/* Take over the leased event it (the batch entry is emptied) and either
 * start its request or, when no request can be built, record the failure. */
static void start(struct kf_pusher *p, struct kf_db *db, struct kf_outbox_item *it, int64_t now)
{
	struct transfer *t = NULL;
	for (int i = 0; i < p->n && !t; i++)
		if (!p->t[i].busy)
			t = &p->t[i];
	if (!t) { /* cannot happen: we never lease more than the free slots */
		kf_outbox_item_clear(it);
		return;
	}
	memset(t, 0, sizeof(*t));
	t->busy = true;
	p->busy++;
	t->item = *it;
	memset(it, 0, sizeof(*it));
	t->at = now;
	t->attempt = t->item.attempts + 1;
	kf_push_http_init(&t->http, &p->ctx->callback_allow);

	struct kf_error err = {0};
	if (kf_push_request_build(&t->item, now, NULL, NULL, &t->req, &err) != KF_OK) {
		struct result r = {.latency_us = -1, .failure = KF_PUSH_FAIL_CONFIG};
		snprintf(r.error, sizeof(r.error), "%s", err.msg[0] ? err.msg : "cannot build the request");
		record(p, db, &t->item, t->attempt, now, &r);
		release(p, t);
		return;
	}
	char h[96];
	t->headers = curl_slist_append(t->headers, "Content-Type: text/xml; charset=utf-8");
	snprintf(h, sizeof(h), "X-Kaifang-Event-Id: %s", t->item.event_id);
	t->headers = curl_slist_append(t->headers, h);
	snprintf(h, sizeof(h), "X-Kaifang-Attempt: %d", t->attempt);
	t->headers = curl_slist_append(t->headers, h);
	t->headers = curl_slist_append(t->headers, "Expect:"); /* no 100-continue round trip */
	t->easy = curl_easy_init();
	if (!t->easy || !t->headers) {
		struct result r = {.latency_us = -1, .failure = KF_PUSH_FAIL_NETWORK};
		snprintf(r.error, sizeof(r.error), "cannot set up the request (libcurl)");
		record(p, db, &t->item, t->attempt, now, &r);
		release(p, t);
		return;
	}
	kf_push_http_setopt(t->easy, &t->http, p->timeout_ms);
#if LIBCURL_VERSION_NUM >= 0x075700
	/* kf_push_stop must not wait for a slow DNS lookup in flight. */
	curl_easy_setopt(t->easy, CURLOPT_QUICK_EXIT, 1L);
#endif
	curl_easy_setopt(t->easy, CURLOPT_URL, t->req.url);
	curl_easy_setopt(t->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->req.body);
	curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(t->req.body));
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	if (curl_multi_add_handle(p->multi, t->easy) != CURLM_OK) {
		struct result r = {.latency_us = -1, .failure = KF_PUSH_FAIL_NETWORK};
		snprintf(r.error, sizeof(r.error), "cannot start the request (libcurl)");
		record(p, db, &t->item, t->attempt, now, &r);
		release(p, t);
	}
}

/* Lease up to the free slots' worth of due events and start them. Returns
 * how many were leased, or -1. */
static int lease(struct kf_pusher *p)
{
	int want = p->n - p->busy;
	struct kf_db *db = kf_dbpool_get(p->ctx->pool);
	int64_t now = kf_ctx_now(p->ctx);
	int got = kf_store_outbox_lease(db, now, p->ctx->cfg.push_timeout + KF_PUSH_LEASE_MARGIN, p->batch, want);
	for (int i = 0; i < got; i++)
		start(p, db, &p->batch[i], now);
	kf_dbpool_put(p->ctx->pool, db);
	if (got < 0)
		fprintf(stderr, "{\"level\":\"error\",\"source\":\"push\",\"msg\":\"cannot lease events from the outbox\"}\n");
	return got;
}

static void judge(struct kf_pusher *p, struct transfer *t, struct result *r)
{
	memset(r, 0, sizeof(*r));
	curl_off_t us = 0;
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &us);
	r->latency_us = us;
	r->has_response = r->status > 0;
	kf_push_http_excerpt(&t->http, r->excerpt);
	r->failure = kf_push_http_classify(t->rc, &t->http, p->timeout_ms, r->error, sizeof(r->error));
	if (r->failure != KF_PUSH_FAIL_NONE)
		return;
	if (r->status != 200) {
		r->failure = KF_PUSH_FAIL_HTTP_STATUS;
		snprintf(r->error, sizeof(r->error), "HTTP status %ld (expected 200)", r->status);
	} else if (!kf_push_accepted(t->req.target, r->status, t->http.body, t->http.len)) {
		r->failure = KF_PUSH_FAIL_BODY;
		snprintf(r->error, sizeof(r->error), "HTTP 200 but the body is not \"success\"%s (%zu bytes)",
			 t->req.target == KF_PUSH_MESSAGE ? ", empty or a passive reply" : "", t->http.len);
	} else {
		r->delivered = true;
	}
}

/* Record every finished transfer and free its slot. */
static void collect(struct kf_pusher *p)
{
	CURLMsg *m;
	int left, ndone = 0;
	while ((m = curl_multi_info_read(p->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		char *priv = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		struct transfer *t = (struct transfer *)(void *)priv;
		if (!t)
			continue;
		t->rc = m->data.result; /* m is invalid once the handle is removed */
		curl_multi_remove_handle(p->multi, t->easy);
		t->done = true;
		ndone++;
	}
	if (ndone == 0)
		return;
	/* Group commit: the attempts finished in this pass share one durable
	 * transaction instead of paying a sync each. If it fails, none is
	 * recorded and the leases bring the events back (at-least-once). */
	struct kf_db *db = kf_dbpool_get(p->ctx->pool);
	bool batch = kf_db_begin(db) == KF_OK;
	for (int i = 0; i < p->n; i++) {
		struct transfer *t = &p->t[i];
		if (!t->busy || !t->done)
			continue;
		struct result r;
		judge(p, t, &r);
		record(p, db, &t->item, t->attempt, t->at, &r);
		release(p, t);
	}
	if (batch && kf_db_commit(db) != KF_OK)
		fprintf(stderr, "{\"level\":\"error\",\"source\":\"push\",\"msg\":\"cannot commit a batch of attempts; "
				"they will be sent again\"}\n");
	kf_dbpool_put(p->ctx->pool, db);
}

static void *run(void *arg)
{
	struct kf_pusher *p = arg;
	int64_t next_lease = 0; /* monotonic ms */
	while (!atomic_load(&p->stop)) {
		if (atomic_exchange(&p->wake, false))
			next_lease = 0;
		if (p->busy < p->n && mono_ms() >= next_lease) {
			int want = p->n - p->busy;
			int got = lease(p);
			/* A full batch suggests more are due: lease again as soon as a slot frees. */
			next_lease = got == want ? 0 : mono_ms() + KF_PUSH_POLL_MS;
		}
		int running = 0;
		curl_multi_perform(p->multi, &running);
		collect(p);
		if (atomic_load(&p->stop))
			break;
		int64_t wait = KF_PUSH_POLL_MS;
		if (p->busy < p->n) {
			int64_t d = next_lease - mono_ms();
			wait = d < 0 ? 0 : d < wait ? d : wait;
		}
		if (atomic_load(&p->wake))
			wait = 0;
		curl_multi_poll(p->multi, NULL, 0, (int)wait, NULL);
	}
	/* Abandon what is in flight: the leases bring those events back. */
	for (int i = 0; i < p->n; i++) {
		struct transfer *t = &p->t[i];
		if (!t->busy)
			continue;
		if (t->easy)
			curl_multi_remove_handle(p->multi, t->easy);
		release(p, t);
	}
	return NULL;
}

struct kf_pusher *kf_push_start(struct kf_ctx *ctx)
{
	struct kf_pusher *p = kf_xcalloc(1, sizeof(*p));
	p->ctx = ctx;
	p->n = ctx->cfg.push_concurrency > 0 ? (int)ctx->cfg.push_concurrency : 1;
	p->timeout_ms = (long)(ctx->cfg.push_timeout > 0 ? ctx->cfg.push_timeout : 5) * 1000;
	p->t = kf_xcalloc((size_t)p->n, sizeof(*p->t));
	p->batch = kf_xcalloc((size_t)p->n, sizeof(*p->batch));
	atomic_init(&p->stop, false);
	atomic_init(&p->wake, false);
	p->multi = curl_multi_init();
	if (!p->multi)
		goto fail;
	curl_multi_setopt(p->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)p->n);
	curl_multi_setopt(p->multi, CURLMOPT_MAXCONNECTS, (long)p->n);
	if (pthread_create(&p->thread, NULL, run, p) != 0)
		goto fail;
	return p;
fail:
	if (p->multi)
		curl_multi_cleanup(p->multi);
	free(p->t);
	free(p->batch);
	free(p);
	return NULL;
}

void kf_push_wake(struct kf_pusher *p)
{
	if (!p)
		return;
	atomic_store(&p->wake, true);
	curl_multi_wakeup(p->multi);
}

void kf_push_stop(struct kf_pusher *p)
{
	if (!p)
		return;
	atomic_store(&p->stop, true);
	curl_multi_wakeup(p->multi);
	pthread_join(p->thread, NULL);
	curl_multi_cleanup(p->multi);
	free(p->t);
	free(p->batch);
	free(p);
}

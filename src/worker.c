/* SPDX-License-Identifier: Apache-2.0 */
/* The worker loop (see worker.h). Every job is idempotent, so a pass that
 * is cut short by a crash is simply done again by the next one.
 *
 * Several kaifangd may share one database: each scheduled pass (mail,
 * verify tickets, retention) runs only in the process holding its lease
 * (core/lease.h, store/leases.h), so it runs once across the cluster; when
 * the holder dies its lease runs out and another process's next pass takes
 * it over. The URL checks need no lease: each URL is claimed on its own
 * (kf_store_url_checks_claim), so several processes share that work. */
#include "worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "govern.h"
#include "notify/notify.h"
#include "pipeline/listing.h"
#include "push/push.h"
#include "staff_notices.h"
#include "store/accounts.h"
#include "store/db.h"
#include "store/audit.h"
#include "store/auth.h"
#include "store/checks.h"
#include "store/files.h"
#include "store/leases.h"
#include "store/listings.h"
#include "store/outbox.h"
#include "store/personal.h"
#include "store/providers.h"
#include "store/secondfactor.h"
#include "util/mem.h"

/* The leased passes, in the order a worker round runs them. */
enum pass { PASS_MAIL, PASS_TICKETS, PASS_RETENTION, PASS_STAFF, PASS_GOV, PASS_COUNT };
static const char *const pass_names[PASS_COUNT] = {"mail", "tickets", "retention", "staff", "governance"};

struct kf_worker {
	struct kf_ctx *ctx;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	/* the URL check thread (LST-14, LST-16) */
	pthread_t url_thread;
	pthread_cond_t url_cv;
	bool url_wake;
	atomic_bool url_cancel;
	/* the leases this process held after its last look (for the log) */
	bool held[PASS_COUNT];
};

/* DATA-2 with ONB-10: anonymise the accounts their holders deleted once the
 * retention window ended, one per transaction with its audit row. */
static void purge_people(struct kf_db *db, int64_t now)
{
	for (int i = 0; i < 100; i++) {
		int64_t uid = 0;
		if (kf_db_begin(db) != KF_OK)
			return;
		int rc = kf_store_user_purge_one(db, now, &uid);
		char subject[40];
		snprintf(subject, sizeof(subject), "user:%lld", (long long)uid);
		if (rc <= 0 || kf_audit_append(db, now, "system", "user.purge", subject, NULL) != KF_OK ||
		    kf_db_commit(db) != KF_OK) {
			kf_db_rollback(db);
			if (rc < 0)
				fprintf(stderr, "{\"level\":\"error\",\"source\":\"worker\",\"msg\":\"account purge failed\"}\n");
			return;
		}
		fprintf(stderr, "{\"level\":\"info\",\"source\":\"worker\",\"msg\":\"anonymised deleted account\",\"user\":%lld}\n",
			(long long)uid);
	}
}

/* ONB-10: purge cancelled accounts whose retention window ended, one per
 * transaction, each with its own audit row; blobs are unlinked only after
 * the rows that named them are gone for good. */
static void purge(struct kf_ctx *ctx, struct kf_db *db, int64_t now)
{
	for (int i = 0; i < 100; i++) {
		char shas[32][65];
		size_t nsha = 0;
		int64_t org = 0;
		if (kf_db_begin(db) != KF_OK)
			return;
		int rc = kf_store_purge_one(db, now, &org, shas, 32, &nsha);
		char subject[40];
		snprintf(subject, sizeof(subject), "provider:%lld", (long long)org);
		if (rc <= 0 || kf_audit_append(db, now, "system", "provider.purge", subject, NULL) != KF_OK ||
		    kf_db_commit(db) != KF_OK) {
			kf_db_rollback(db);
			if (rc < 0)
				fprintf(stderr, "{\"level\":\"error\",\"source\":\"worker\",\"msg\":\"purge failed\"}\n");
			return;
		}
		for (size_t k = 0; k < nsha; k++) {
			char *path = kf_files_blob_path(ctx->files_dir, shas[k]);
			unlink(path);
			free(path);
		}
		fprintf(stderr, "{\"level\":\"info\",\"source\":\"worker\",\"msg\":\"purged cancelled provider\",\"provider\":%lld}\n",
			(long long)org);
	}
}

/* Retention: idempotency keys for a day, finished push events and their
 * attempt logs, and the calls apps made for the test accounts (APP-9), for
 * a week; listing versions nothing points at and results of URLs no listing
 * names, after 90 days; attempt counters (sign-in, client authentication,
 * quotas) once their window and lock are over: no window is longer than a
 * day, the options' maximum; password-reset links a week after they were
 * mailed (none lives longer than a day). Then the cancelled accounts
 * (ONB-10), and the people who deleted their accounts (DATA-2). */
static void retention(struct kf_ctx *ctx, struct kf_db *db, int64_t now)
{
	if (kf_db_begin(db) == KF_OK) {
		if (kf_store_expire_idempotency(db, now - 86400) != KF_OK ||
		    kf_store_outbox_expire(db, now - 7 * 86400) < 0 || kf_store_tokens_expire(db, now - 7 * 86400) < 0 ||
		    kf_store_test_calls_expire(db, now - 7 * 86400) < 0 ||
		    kf_store_listings_expire(db, now - KF_LISTING_RETENTION_SECONDS) < 0 ||
		    kf_store_url_checks_expire(db, now - KF_LISTING_RETENTION_SECONDS) < 0 ||
		    kf_store_backoff_expire(db, now, 86400) < 0 ||
		    kf_store_password_resets_expire(db, now - KF_PASSWORD_RESET_RETENTION) < 0 ||
		    kf_store_challenges_expire(db, now - 86400) < 0 || kf_db_commit(db) != KF_OK)
			kf_db_rollback(db);
	}
	purge(ctx, db, now);
	purge_people(db, now);
}

/* Does this process hold the lease of pass p at now? Renews or takes it
 * when the rules say so (core/lease.h) and logs every change of hands as
 * this process sees it. A storage error counts as not held: the pass waits
 * for the next round rather than risk running twice. */
static bool hold(struct kf_worker *w, struct kf_db *db, enum pass p, int64_t now)
{
	const char *me = w->ctx->holder;
	int64_t ttl = kf_lease_ttl(w->ctx->cfg.worker_interval);
	struct kf_lease cur;
	bool held = false;
	if (kf_store_lease_get(db, pass_names[p], &cur) == KF_OK) {
		switch (kf_lease_action(&cur, me, now, ttl)) {
		case KF_LEASE_KEEP:
			held = true;
			break;
		case KF_LEASE_TRY:
			held = kf_store_lease_acquire(db, pass_names[p], me, now, ttl, &cur) == KF_OK &&
			       kf_lease_held(&cur, me, now);
			break;
		case KF_LEASE_WAIT:
			break;
		}
	}
	if (held != w->held[p])
		fprintf(stderr,
			"{\"level\":\"info\",\"source\":\"worker\",\"msg\":\"lease %s\",\"lease\":\"%s\","
			"\"holder\":\"%s\",\"until\":%lld}\n",
			held ? "taken" : "lost", pass_names[p], me, (long long)cur.until);
	w->held[p] = held;
	return held;
}

/* Asked by the mail pass before each mail: does this process still hold
 * the mail lease, renewed at the current time? */
struct keep_arg {
	struct kf_worker *w;
	struct kf_db *db;
};

static bool keep_mail(void *arg)
{
	struct keep_arg *k = arg;
	return hold(k->w, k->db, PASS_MAIL, kf_ctx_now(k->w->ctx));
}

static void *run(void *arg)
{
	struct kf_worker *w = arg;
	for (;;) {
		/* each pass reads the clock anew: one slowed by a mail server
		 * must not judge the next pass's lease by a stale time */
		struct kf_db *db = kf_dbpool_get(w->ctx->pool);
		int64_t now = kf_ctx_now(w->ctx);
		struct keep_arg keep = {w, db};
		if (hold(w, db, PASS_MAIL, now) && kf_mail_worker_pass(w->ctx, db, now, keep_mail, &keep) < 0)
			fprintf(stderr, "{\"level\":\"error\",\"source\":\"worker\",\"msg\":\"mail pass failed\"}\n");
		now = kf_ctx_now(w->ctx);
		if (hold(w, db, PASS_TICKETS, now) && kf_push_ticket_pass(w->ctx, db, now) < 0)
			fprintf(stderr, "{\"level\":\"error\",\"source\":\"worker\",\"msg\":\"ticket pass failed\"}\n");
		now = kf_ctx_now(w->ctx);
		if (hold(w, db, PASS_RETENTION, now))
			retention(w->ctx, db, now);
		/* notices to staff about reviews (REV-1): inbox, daily digest */
		now = kf_ctx_now(w->ctx);
		if (hold(w, db, PASS_STAFF, now) && kf_staff_notice_pass(w->ctx, db, now) < 0)
			fprintf(stderr, "{\"level\":\"error\",\"source\":\"worker\",\"msg\":\"staff notice pass failed\"}\n");
		/* GOV-5, GOV-7: timed measures start and end (GOV-6 notices) */
		now = kf_ctx_now(w->ctx);
		if (hold(w, db, PASS_GOV, now) && kf_gov_pass(w->ctx, db, now) < 0)
			fprintf(stderr, "{\"level\":\"error\",\"source\":\"worker\",\"msg\":\"governance pass failed\"}\n");
		/* the audit anchor catches up with the head if a commit's own
		 * anchor write was lost, and the head goes to the log */
		kf_audit_anchor_pass(db, "worker");
		kf_dbpool_put(w->ctx->pool, db);

		pthread_mutex_lock(&w->mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += w->ctx->cfg.worker_interval;
		while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0)
			;
		bool stop = w->stop;
		pthread_mutex_unlock(&w->mu);
		if (stop)
			break;
	}
	/* a clean stop hands the leases on at once (a rolling restart does not
	 * leave the passes undone for a whole lease) */
	struct kf_db *db = kf_dbpool_get(w->ctx->pool);
	for (int p = 0; p < PASS_COUNT; p++)
		if (w->held[p] && kf_store_lease_release(db, pass_names[p], w->ctx->holder) != KF_OK)
			fprintf(stderr, "{\"level\":\"warn\",\"source\":\"worker\",\"msg\":\"cannot release a lease\","
					"\"lease\":\"%s\"}\n",
				pass_names[p]);
	kf_dbpool_put(w->ctx->pool, db);
	return NULL;
}

/* LST-14, LST-16: open queued listing URLs; woken by a save, else every
 * interval. A full pass is followed by another at once. */
static void *run_urls(void *arg)
{
	struct kf_worker *w = arg;
	int last = 0;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		if (last < KF_LISTING_URL_PASS_MAX) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += w->ctx->cfg.worker_interval;
			while (!w->stop && !w->url_wake && pthread_cond_timedwait(&w->url_cv, &w->mu, &until) == 0)
				;
		}
		w->url_wake = false;
		bool stop = w->stop;
		pthread_mutex_unlock(&w->mu);
		if (stop)
			break;
		last = kf_listing_url_pass(w->ctx, kf_ctx_now(w->ctx), &w->url_cancel);
		if (last < 0)
			fprintf(stderr, "{\"level\":\"error\",\"source\":\"worker\",\"msg\":\"url check pass failed\"}\n");
	}
	return NULL;
}

void kf_worker_wake(struct kf_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->url_wake = true;
	pthread_cond_signal(&w->url_cv);
	pthread_mutex_unlock(&w->mu);
}

struct kf_worker *kf_worker_start(struct kf_ctx *ctx)
{
	struct kf_worker *w = kf_xcalloc(1, sizeof(*w));
	w->ctx = ctx;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->url_cv, NULL);
	atomic_init(&w->url_cancel, false);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		free(w);
		return NULL;
	}
	if (pthread_create(&w->url_thread, NULL, run_urls, w) != 0) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		free(w);
		return NULL;
	}
	return w;
}

void kf_worker_stop(struct kf_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	atomic_store(&w->url_cancel, true);
	pthread_cond_signal(&w->cv);
	pthread_cond_signal(&w->url_cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_join(w->url_thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	pthread_cond_destroy(&w->url_cv);
	free(w);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The worker loop (see worker.h). Every job is idempotent, so a pass that
 * is cut short by a crash is simply done again by the next one. */
#include "worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "notify/notify.h"
#include "pipeline/listing.h"
#include "push/push.h"
#include "store/accounts.h"
#include "store/db.h"
#include "store/audit.h"
#include "store/auth.h"
#include "store/checks.h"
#include "store/files.h"
#include "store/listings.h"
#include "store/outbox.h"
#include "store/providers.h"
#include "util/mem.h"

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
};

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

static void *run(void *arg)
{
	struct kf_worker *w = arg;
	for (;;) {
		struct kf_db *db = kf_dbpool_get(w->ctx->pool);
		int64_t now = kf_ctx_now(w->ctx);
		if (kf_mail_worker_pass(w->ctx, db, now) < 0)
			fprintf(stderr, "{\"level\":\"error\",\"source\":\"worker\",\"msg\":\"mail pass failed\"}\n");
		purge(w->ctx, db, now);
		if (kf_push_ticket_pass(w->ctx, db, now) < 0)
			fprintf(stderr, "{\"level\":\"error\",\"source\":\"worker\",\"msg\":\"ticket pass failed\"}\n");
		/* retention: idempotency keys for a day, finished push events
		 * and their attempt logs, and the calls apps made for the test
		 * accounts (APP-9), for a week; listing versions nothing points
		 * at and results of URLs no listing names, after 90 days; attempt
		 * counters (sign-in, client authentication, quotas) once their
		 * window and lock are over: no window is longer than a day, the
		 * options' maximum */
		if (kf_db_begin(db) == KF_OK) {
			if (kf_store_expire_idempotency(db, now - 86400) != KF_OK ||
			    kf_store_outbox_expire(db, now - 7 * 86400) < 0 || kf_store_tokens_expire(db, now - 7 * 86400) < 0 ||
			    kf_store_test_calls_expire(db, now - 7 * 86400) < 0 ||
			    kf_store_listings_expire(db, now - KF_LISTING_RETENTION_SECONDS) < 0 ||
			    kf_store_url_checks_expire(db, now - KF_LISTING_RETENTION_SECONDS) < 0 ||
			    kf_store_backoff_expire(db, now, 86400) < 0 || kf_db_commit(db) != KF_OK)
				kf_db_rollback(db);
		}
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

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
#include "push/push.h"
#include "store/db.h"
#include "store/audit.h"
#include "store/auth.h"
#include "store/files.h"
#include "store/outbox.h"
#include "store/providers.h"
#include "util/mem.h"

struct kf_worker {
	struct kf_ctx *ctx;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
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
		 * and their attempt logs for a week */
		if (kf_db_begin(db) == KF_OK) {
			if (kf_store_expire_idempotency(db, now - 86400) != KF_OK ||
			    kf_store_outbox_expire(db, now - 7 * 86400) < 0 || kf_store_tokens_expire(db, now - 7 * 86400) < 0 ||
			    kf_db_commit(db) != KF_OK)
				kf_db_rollback(db);
		}
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

struct kf_worker *kf_worker_start(struct kf_ctx *ctx)
{
	struct kf_worker *w = kf_xcalloc(1, sizeof(*w));
	w->ctx = ctx;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
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
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

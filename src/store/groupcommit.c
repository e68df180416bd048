/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The durability barrier of groupcommit.h. Tickets are numbered in the
 * order commits finished writing; `durable` is the highest ticket a
 * finished sync covers. A leader reads `tickets` under the lock just before
 * it syncs, so every ticket up to that value was taken (and its frames
 * written) before the sync began: after the sync they are all durable.
 */
#include "store/groupcommit.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/mem.h"

struct kf_gc {
	struct kf_gc *next; /* registry */
	char *path;
	int refs;
	pthread_mutex_t mu;
	pthread_cond_t synced;  /* durable moved, or a sync failed */
	pthread_cond_t lock_free; /* a writer left */
	uint64_t tickets, durable, syncs;
	bool syncing, failed;
	int fail_syncs; /* test hook */
	int writers;    /* writers of this process holding the write lock */
};

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct kf_gc *reg;

struct kf_gc *kf_gc_get(const char *path)
{
	pthread_mutex_lock(&reg_mu);
	struct kf_gc *gc = reg;
	while (gc && strcmp(gc->path, path))
		gc = gc->next;
	if (!gc) {
		gc = kf_xcalloc(1, sizeof(*gc));
		gc->path = kf_xstrdup(path);
		pthread_mutex_init(&gc->mu, NULL);
		pthread_cond_init(&gc->synced, NULL);
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&gc->lock_free, &ca);
		pthread_condattr_destroy(&ca);
		gc->next = reg;
		reg = gc;
	}
	gc->refs++;
	pthread_mutex_unlock(&reg_mu);
	return gc;
}

void kf_gc_put(struct kf_gc *gc)
{
	if (!gc)
		return;
	pthread_mutex_lock(&reg_mu);
	if (--gc->refs > 0) {
		pthread_mutex_unlock(&reg_mu);
		return;
	}
	for (struct kf_gc **p = &reg; *p; p = &(*p)->next)
		if (*p == gc) {
			*p = gc->next;
			break;
		}
	pthread_mutex_unlock(&reg_mu);
	pthread_mutex_destroy(&gc->mu);
	pthread_cond_destroy(&gc->synced);
	pthread_cond_destroy(&gc->lock_free);
	free(gc->path);
	free(gc);
}

uint64_t kf_gc_ticket(struct kf_gc *gc)
{
	pthread_mutex_lock(&gc->mu);
	uint64_t t = ++gc->tickets;
	pthread_mutex_unlock(&gc->mu);
	return t;
}

enum kf_err kf_gc_wait(struct kf_gc *gc, uint64_t ticket, int (*sync)(void *arg), void *arg)
{
	pthread_mutex_lock(&gc->mu);
	while (!gc->failed && gc->durable < ticket) {
		if (gc->syncing) {
			pthread_cond_wait(&gc->synced, &gc->mu);
			continue;
		}
		/* lead: one sync for every ticket taken so far */
		gc->syncing = true;
		uint64_t upto = gc->tickets;
		bool inject = gc->fail_syncs > 0;
		if (inject)
			gc->fail_syncs--;
		pthread_mutex_unlock(&gc->mu);
		int rc = inject ? -1 : sync(arg);
		pthread_mutex_lock(&gc->mu);
		gc->syncing = false;
		gc->syncs++;
		if (rc == 0) {
			if (upto > gc->durable)
				gc->durable = upto;
		} else if (!gc->failed) {
			gc->failed = true;
			fprintf(stderr,
				"{\"level\":\"error\",\"msg\":\"cannot sync the database log: commits from now on fail;"
				" restart kaifangd\",\"path\":\"%s\"}\n",
				gc->path);
		}
		pthread_cond_broadcast(&gc->synced);
	}
	enum kf_err rc = gc->failed ? KF_EDB : KF_OK;
	pthread_mutex_unlock(&gc->mu);
	return rc;
}

void kf_gc_writer_enter(struct kf_gc *gc)
{
	pthread_mutex_lock(&gc->mu);
	gc->writers++;
	pthread_mutex_unlock(&gc->mu);
}

void kf_gc_writer_leave(struct kf_gc *gc)
{
	pthread_mutex_lock(&gc->mu);
	if (gc->writers > 0)
		gc->writers--;
	pthread_cond_broadcast(&gc->lock_free);
	pthread_mutex_unlock(&gc->mu);
}

void kf_gc_busy_wait(struct kf_gc *gc, int attempt)
{
	struct timespec t;
	pthread_mutex_lock(&gc->mu);
	if (gc->writers > 0) {
		/* ours: wake when it leaves (bounded, in case a writer of this
		 * process holds the lock on another connection of this thread) */
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_nsec += 20 * 1000 * 1000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		while (gc->writers > 0 && pthread_cond_timedwait(&gc->lock_free, &gc->mu, &t) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&gc->mu);
		return;
	}
	pthread_mutex_unlock(&gc->mu);
	/* another process's: poll, 100 µs doubling up to 5 ms */
	long us = attempt < 6 ? 100L << attempt : 5000;
	if (us > 5000)
		us = 5000;
	t.tv_sec = 0;
	t.tv_nsec = us * 1000;
	nanosleep(&t, NULL);
}

void kf_gc_stats(struct kf_gc *gc, struct kf_gc_stats *out)
{
	pthread_mutex_lock(&gc->mu);
	out->tickets = gc->tickets;
	out->syncs = gc->syncs;
	out->durable = gc->durable;
	out->failed = gc->failed;
	pthread_mutex_unlock(&gc->mu);
}

void kf_gc_fail_syncs(struct kf_gc *gc, int n)
{
	pthread_mutex_lock(&gc->mu);
	gc->fail_syncs = n;
	pthread_mutex_unlock(&gc->mu);
}

void kf_gc_clear_failure(struct kf_gc *gc)
{
	pthread_mutex_lock(&gc->mu);
	gc->failed = false;
	pthread_mutex_unlock(&gc->mu);
}

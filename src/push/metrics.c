/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Push metrics (see metrics.h and push.h). Counters are plain atomics:
 * Prometheus tolerates the tiny skew of reading them one by one, and the
 * delivery thread never waits for a reader.
 */
#include "push/metrics.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"
#include "push/push.h"
#include "store/outbox.h"
#include "util/mem.h"

static const int64_t bucket_us[] = {10000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
static const char *const bucket_le[] = {"0.01", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"};
#define N_BUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))

static _Atomic uint64_t outcomes[3];
static _Atomic uint64_t buckets[N_BUCKETS + 1]; /* per bucket, not cumulative; last = +Inf */
static _Atomic uint64_t latency_sum_us;

void kf_push_metrics_count(enum kf_push_outcome o, int64_t latency_us)
{
	if ((unsigned)o < 3)
		atomic_fetch_add_explicit(&outcomes[o], 1, memory_order_relaxed);
	if (latency_us < 0)
		return;
	size_t b = 0;
	while (b < N_BUCKETS && latency_us > bucket_us[b])
		b++;
	atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_sum_us, (uint64_t)latency_us, memory_order_relaxed);
}

static void out_of_memory(void)
{
	fprintf(stderr, "kaifangd: out of memory (push metrics)\n");
	abort();
}

char *kf_push_metrics_text(struct kf_ctx *ctx, struct kf_db *db)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		out_of_memory();
	static const char *const names[3] = {"delivered", "failed", "dead"};
	fputs("# HELP kaifang_push_deliveries_total Push delivery attempts by outcome (dead: the last attempt "
	      "of an event).\n# TYPE kaifang_push_deliveries_total counter\n",
	      f);
	for (int i = 0; i < 3; i++)
		fprintf(f, "kaifang_push_deliveries_total{outcome=\"%s\"} %" PRIu64 "\n", names[i],
			atomic_load_explicit(&outcomes[i], memory_order_relaxed));
	fputs("# HELP kaifang_push_delivery_seconds Time from the start of a push request to its end.\n"
	      "# TYPE kaifang_push_delivery_seconds histogram\n",
	      f);
	uint64_t cum = 0;
	for (size_t b = 0; b <= N_BUCKETS; b++) {
		cum += atomic_load_explicit(&buckets[b], memory_order_relaxed);
		fprintf(f, "kaifang_push_delivery_seconds_bucket{le=\"%s\"} %" PRIu64 "\n",
			b < N_BUCKETS ? bucket_le[b] : "+Inf", cum);
	}
	uint64_t sum = atomic_load_explicit(&latency_sum_us, memory_order_relaxed);
	fprintf(f, "kaifang_push_delivery_seconds_sum %" PRIu64 ".%06" PRIu64 "\n", sum / 1000000, sum % 1000000);
	/* The count is the +Inf bucket, so the exposition stays consistent even
	 * when a delivery is counted between the reads above. */
	fprintf(f, "kaifang_push_delivery_seconds_count %" PRIu64 "\n", cum);

	int64_t pending = 0, delivered = 0, dead = 0, oldest = 0;
	if (db && kf_store_outbox_stats(db, kf_ctx_now(ctx), &pending, &delivered, &dead, &oldest) == KF_OK) {
		fprintf(f,
			"# HELP kaifang_push_outbox_pending Events waiting to be delivered.\n"
			"# TYPE kaifang_push_outbox_pending gauge\nkaifang_push_outbox_pending %" PRId64 "\n"
			"# HELP kaifang_push_outbox_dead Events given up on (they can be replayed).\n"
			"# TYPE kaifang_push_outbox_dead gauge\nkaifang_push_outbox_dead %" PRId64 "\n"
			"# HELP kaifang_push_oldest_pending_seconds Age of the oldest event waiting to be delivered.\n"
			"# TYPE kaifang_push_oldest_pending_seconds gauge\nkaifang_push_oldest_pending_seconds %" PRId64
			"\n",
			pending, dead, oldest < 0 ? 0 : oldest);
	}
	if (fclose(f) != 0 || !buf)
		out_of_memory();
	return buf;
}

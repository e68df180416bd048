/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process-wide context shared by the server, handlers and workers:
 * configuration, the database pool, the clock and the paths under the data
 * directory. Created once in main.c.
 */
#ifndef KF_CTX_H
#define KF_CTX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "core/auth.h"
#include "core/lease.h"
#include "core/netpolicy.h"

struct kf_dbpool;
struct kf_pusher;
struct kf_terms_cache;
struct kf_worker;

struct kf_ctx {
	struct kf_config cfg;
	struct kf_dbpool *pool;
	char *db_path;
	char *files_dir;
	char *mail_dir;
	bool test_clock;              /* KAIFANG_TEST_CLOCK=1 on a loopback listener */
	struct kf_cidr_list callback_allow; /* parsed cfg.callback_allow (SSRF allow list) */
	struct kf_cidr_list trusted_proxies; /* parsed cfg.trusted_proxies (X-Forwarded-For) */
	_Atomic int64_t clock_offset; /* seconds added by POST /v1/_test/clock */
	atomic_bool stopping;
	struct kf_pusher *pusher;     /* delivery thread of this process, or NULL */
	unsigned char server_key[32]; /* shared by all processes (settings table): signs form tokens */
	struct kf_auth_policy auth_policy; /* token and code lifetimes from the configuration */
	struct kf_terms_cache *terms_cache; /* built term matchers (pipeline/terms_cache.h), or NULL: uncached */
	_Atomic(struct kf_worker *) worker; /* this process's worker (set once it runs), or NULL */
	char holder[KF_LEASE_HOLDER_LEN + 1]; /* random id of this process in the leases table (core/lease.h) */
};

/* The server's clock: wall time plus the test offset. Only handlers and
 * workers read it; core/ gets it as an argument. */
int64_t kf_ctx_now(struct kf_ctx *ctx);

#endif

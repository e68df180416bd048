/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counters of the attempt limits, keyed "<kind>:<subject>" in the
 * login_failures table beside the sign-in counters ("u:", "a:"). Every
 * limit but sign-in is a quota: once reached, attempts are refused until the
 * window ends. The worker deletes counters whose window and lock are over
 * (kf_store_backoff_expire).
 */
#include "api/limits.h"

#include <stdio.h>

#include "api/common.h"
#include "config.h"
#include "ctx.h"
#include "http/request.h"
#include "store/accounts.h"
#include "store/db.h"
#include "util/mem.h"

static const char *const prefix[] = {
	[KF_LIMIT_CLIENT_AUTH] = "cc",
	[KF_LIMIT_CLIENT_AUTH_ADDRESS] = "ca",
	[KF_LIMIT_REGISTER_ADDRESS] = "ra",
	[KF_LIMIT_MAIL_ACCOUNT] = "mu",
	[KF_LIMIT_MAIL_ADDRESS] = "ma",
	[KF_LIMIT_PRE_AUTH_APP] = "pa",
};

struct kf_backoff_policy kf_api_limit_policy(const struct kf_config *cfg, enum kf_limit which)
{
	struct kf_backoff_policy p = {.until_window_end = true};
	switch (which) {
	case KF_LIMIT_CLIENT_AUTH:
		p.max_failures = (int)cfg->client_auth_max_failures;
		p.window_seconds = cfg->client_auth_window;
		break;
	case KF_LIMIT_CLIENT_AUTH_ADDRESS:
		p.max_failures = (int)cfg->client_auth_max_failures_address;
		p.window_seconds = cfg->client_auth_window;
		break;
	case KF_LIMIT_REGISTER_ADDRESS:
		p.max_failures = (int)cfg->registrations_per_address;
		p.window_seconds = cfg->registration_window;
		break;
	case KF_LIMIT_MAIL_ACCOUNT:
		p.max_failures = (int)cfg->verification_mails_per_account;
		p.window_seconds = cfg->verification_mail_window;
		break;
	case KF_LIMIT_MAIL_ADDRESS:
		p.max_failures = (int)cfg->verification_mails_per_address;
		p.window_seconds = cfg->verification_mail_window;
		break;
	case KF_LIMIT_PRE_AUTH_APP:
		p.max_failures = (int)cfg->pre_auth_codes_per_app;
		p.window_seconds = cfg->pre_auth_code_window;
		break;
	}
	p.lock_seconds = p.window_seconds;
	return p;
}

static const char *key_of(struct kf_req *r, enum kf_limit which, const char *subject)
{
	return kf_arena_printf(r->arena, "%s:%s", prefix[which], subject);
}

int64_t kf_api_limit_wait(struct kf_req *r, enum kf_limit which, const char *subject)
{
	struct kf_backoff b;
	if (kf_store_backoff_get(kf_req_db(r), key_of(r, which, subject), &b) != KF_OK)
		return -1;
	return kf_backoff_retry_after(&b, r->now);
}

int64_t kf_api_limit_claim(struct kf_req *r, enum kf_limit which, const char *subject)
{
	const char *key = key_of(r, which, subject);
	struct kf_backoff_policy pol = kf_api_limit_policy(&r->ctx->cfg, which);
	struct kf_backoff b;
	if (kf_store_backoff_get(kf_req_db(r), key, &b) != KF_OK)
		return -1;
	int64_t wait = kf_backoff_claim(&b, r->now, &pol);
	if (wait > 0)
		return wait;
	return kf_store_backoff_put(kf_req_db(r), key, &b) == KF_OK ? 0 : -1;
}

bool kf_api_limit_fail(struct kf_req *r, enum kf_limit which, const char *subject)
{
	const char *key = key_of(r, which, subject);
	struct kf_backoff_policy pol = kf_api_limit_policy(&r->ctx->cfg, which);
	struct kf_backoff b;
	if (kf_store_backoff_get(kf_req_db(r), key, &b) != KF_OK)
		return false;
	(void)kf_backoff_fail(&b, r->now, &pol);
	return kf_store_backoff_put(kf_req_db(r), key, &b) == KF_OK;
}

void kf_api_limit_retry_after(struct kf_req *r, int64_t wait)
{
	char ra[32];
	snprintf(ra, sizeof(ra), "%lld", (long long)(wait > 0 ? wait : 1));
	kf_reply_header(r, "Retry-After", ra);
}

void kf_api_limit_reply(struct kf_req *r, int64_t wait, const char *name, const char *field, const char *what)
{
	kf_reply_fail(r, KF_ELIMIT, name, NULL, field, "%s; try again in %lld seconds", what,
		      (long long)(wait > 0 ? wait : 1));
	kf_api_limit_retry_after(r, wait);
}

int64_t kf_api_client_auth_wait(struct kf_req *r, const char *client_id)
{
	int64_t wc = kf_api_limit_wait(r, KF_LIMIT_CLIENT_AUTH, client_id);
	int64_t wa = kf_api_limit_wait(r, KF_LIMIT_CLIENT_AUTH_ADDRESS, r->client_ip);
	if (wc < 0 || wa < 0)
		return -1;
	return wc > wa ? wc : wa;
}

void kf_api_client_auth_failed(struct kf_req *r, const char *client_id)
{
	struct kf_db *db = kf_req_db(r);
	/* the dispatcher's write transaction is open: the count is atomic */
	if (!kf_db_in_tx(db) && kf_db_begin(db) != KF_OK)
		return;
	if (!kf_api_limit_fail(r, KF_LIMIT_CLIENT_AUTH, client_id) ||
	    !kf_api_limit_fail(r, KF_LIMIT_CLIENT_AUTH_ADDRESS, r->client_ip) || kf_db_commit(db) != KF_OK)
		kf_db_rollback(db);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checking a second factor: a TOTP code or a recovery code, used up in the
 * caller's transaction. Shared by the sign-in's second step
 * (api/accounts.c) and step-up (api/secondfactor.c), so the rule is in one
 * place.
 */
#include "api/factor.h"

#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "core/totp.h"
#include "http/request.h"
#include "store/db.h"
#include "store/secondfactor.h"
#include "util/crypto.h"
#include "util/mem.h"

/* SHA-256 of the normalised code; false for a code of the wrong shape. */
bool kf_api_recovery_hash(const char *code, char hash[65])
{
	char norm[40];
	if (!kf_recovery_code_normal(code, norm, sizeof(norm)))
		return false;
	kf_sha256_hex(norm, strlen(norm), hash);
	return true;
}

enum kf_err kf_api_second_factor_check(struct kf_req *r, int64_t user, const char *code, const char *recovery)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_second_factor_row sf;
	enum kf_err rc = kf_store_second_factor_get(db, user, &sf);
	if (rc == KF_EDB)
		return KF_EDB;
	if (rc != KF_OK || !sf.confirmed_at)
		return KF_EAUTH;
	if (code) {
		int64_t step;
		if (!kf_totp_verify(sf.secret, code, r->now, sf.last_step, &step))
			return KF_EAUTH;
		rc = kf_store_second_factor_use_step(db, user, step);
		return rc == KF_ECONFLICT ? KF_EAUTH : rc;
	}
	char hash[65];
	if (!recovery || !kf_api_recovery_hash(recovery, hash))
		return KF_EAUTH;
	rc = kf_store_recovery_code_use(db, user, hash, r->now);
	if (rc == KF_OK && !kf_api_audit(r, "second_factor.recovery_code_used", kf_arena_printf(r->arena, "user:%lld", (long long)user), NULL))
		return KF_EDB;
	return rc == KF_ENOTFOUND ? KF_EAUTH : rc;
}


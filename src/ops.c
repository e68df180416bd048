/* SPDX-License-Identifier: Apache-2.0 */
/* Operator bootstrap and staff creation (see ops.h). */
#include "ops.h"

#include <stdio.h>
#include <string.h>

#include "core/validate.h"
#include "store/accounts.h"
#include "store/agreements.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/operator.h"
#include "store/providers.h"
#include "store/system.h"
#include "util/crypto.h"

enum kf_err kf_ops_server_key(struct kf_db *db, unsigned char key[32])
{
	unsigned char fresh[32];
	char hex[65], v[65];
	kf_random_bytes(fresh, sizeof(fresh));
	kf_hex_encode(fresh, sizeof(fresh), hex);
	if (kf_store_setting_ensure(db, "server_key", hex, v, sizeof(v)) != KF_OK || strlen(v) != 64)
		return KF_EDB;
	for (int i = 0; i < 32; i++) {
		unsigned int b;
		if (sscanf(v + 2 * i, "%2x", &b) != 1)
			return KF_EDB;
		key[i] = (unsigned char)b;
	}
	return KF_OK;
}

int kf_ops_operator_count(struct kf_db *db)
{
	int64_t n = 0;
	return kf_store_operator_staff_count(db, &n) == KF_OK ? (int)n : -1;
}

static enum kf_err operator_org(struct kf_db *db, int64_t now, int64_t *id)
{
	enum kf_err rc = kf_store_operator_org(db, id);
	if (rc != KF_ENOTFOUND)
		return rc;
	return kf_store_org_insert(db, KF_ORG_OPERATOR, "Platform operator", KF_PROVIDER_DRAFT, now, id);
}

enum kf_err kf_ops_operator_check(const char *email, const char *mobile, const char *password, const char *role,
				  char lower[256], char e164[32], enum kf_role *rk, struct kf_error *err)
{
	snprintf(lower, 256, "%s", email);
	e164[0] = '\0';
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (!kf_validate_email(lower))
		return kf_error_set(err, KF_EINVAL, "invalid_email", "ONB-8", "email", "'%s' is not a valid email", email);
	if (mobile && *mobile && kf_validate_mobile(mobile, e164, 32, err) != KF_OK)
		return KF_EINVAL;
	if (password && kf_validate_password(password, lower, e164[0] ? e164 : NULL, err) != KF_OK)
		return KF_EINVAL;
	*rk = KF_ROLE_NONE;
	if (!kf_role_parse(role, rk) || !kf_ops_staff_role(*rk))
		return kf_error_set(err, KF_EINVAL, "invalid_value", NULL, "role",
				    "role is admin, reviewer, ops or auditor");
	return KF_OK;
}

bool kf_ops_staff_role(enum kf_role rk)
{
	return rk == KF_ROLE_ADMIN || rk == KF_ROLE_REVIEWER || rk == KF_ROLE_OPS || rk == KF_ROLE_AUDITOR;
}

enum kf_err kf_ops_operator_insert(struct kf_db *db, int64_t now, const char *actor, const char *lower,
				   const char *e164, const char *name, const char *pw_hash, enum kf_role rk,
				   int64_t *uid, struct kf_error *err)
{
	int64_t org;
	const char *conflict = NULL;
	enum kf_err rc = kf_store_user_insert(db, lower, e164 && e164[0] ? e164 : NULL, name, pw_hash, now, uid, &conflict);
	if (rc == KF_ECONFLICT)
		return kf_error_set(err, KF_ECONFLICT, conflict && !strcmp(conflict, "mobile") ? "mobile_taken" : "email_taken",
				    "ONB-8", conflict ? conflict : "email", "an account with this %s exists",
				    conflict ? conflict : "email");
	char subject[64];
	snprintf(subject, sizeof(subject), "user:%lld", (long long)*uid);
	/* Consent to every version already published. */
	if (rc != KF_OK || kf_store_user_set_verified(db, *uid, now) != KF_OK || operator_org(db, now, &org) != KF_OK ||
	    kf_store_member_add(db, org, *uid, rk, now) != KF_OK || kf_store_consent_all(db, *uid, now) != KF_OK ||
	    kf_audit_append(db, now, actor, "operator.create", subject, kf_role_name(rk)) != KF_OK)
		return kf_error_set(err, KF_EDB, "storage_error", NULL, NULL, "cannot store the operator: %s",
				    kf_db_errmsg(db));
	return KF_OK;
}

enum kf_err kf_ops_create_operator(struct kf_db *db, int64_t now, const char *email, const char *mobile,
				   const char *name, const char *password, const char *role, struct kf_error *err)
{
	char lower[256], e164[32];
	enum kf_role rk;
	if (kf_ops_operator_check(email, mobile, password, role, lower, e164, &rk, err) != KF_OK)
		return err->code;
	char hash[160];
	if (kf_password_hash(password, hash, sizeof(hash)) != KF_OK)
		return kf_error_set(err, KF_EINTERNAL, "internal", NULL, NULL, "cannot hash the password");
	if (kf_db_begin(db) != KF_OK)
		return kf_error_set(err, KF_EDB, "storage_error", NULL, NULL, "cannot begin a transaction");
	int64_t uid;
	if (kf_ops_operator_insert(db, now, "system", lower, e164, name, hash, rk, &uid, err) != KF_OK) {
		kf_db_rollback(db);
		return err->code;
	}
	if (kf_db_commit(db) != KF_OK)
		return kf_error_set(err, KF_EDB, "storage_error", NULL, NULL, "cannot store the operator: %s",
				    kf_db_errmsg(db));
	return KF_OK;
}

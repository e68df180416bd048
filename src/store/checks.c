/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the capability check (see checks.h). */
#include "store/checks.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "store/db.h"
#include "store/hosts.h"
#include "store/providers.h"
#include "util/mem.h"

static enum kf_err first_test_account(struct kf_db *db, int64_t *id, char *external_id, size_t len)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, external_id FROM host_accounts WHERE platform_test = 1"
					       " AND deleted_at IS NULL ORDER BY id LIMIT 1");
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		if (id)
			*id = kf_stmt_int(st, 0);
		if (external_id)
			snprintf(external_id, len, "%s", kf_stmt_text(st, 1));
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

/* The system owner: found by its address, else created disabled. */
static enum kf_err owner_user(struct kf_db *db, int64_t now, int64_t *uid)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id FROM users WHERE email = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, KF_TEST_OWNER_EMAIL);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*uid = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	if (s != KF_STEP_DONE)
		return s == KF_STEP_ROW ? KF_OK : KF_EDB;
	/* '!' is no argon2 string: no password matches it; disabled: no
	 * sign-in, no session, so nobody acts as this owner */
	st = kf_db_prepare(db, "INSERT INTO users (email, mobile, name, password_hash, status, created_at, updated_at)"
			       " VALUES (?, NULL, ?, '!', 'disabled', ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, KF_TEST_OWNER_EMAIL);
	kf_stmt_bind_text(st, 2, KF_TEST_ORG_NAME);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*uid = kf_db_last_id(db);
	return KF_OK;
}

static enum kf_err create_account(struct kf_db *db, int64_t now, const char *kind, int64_t *id)
{
	int64_t uid, org, hid = 0;
	enum kf_err rc = owner_user(db, now, &uid);
	if (rc == KF_OK)
		rc = kf_store_org_insert(db, KF_ORG_HOST, KF_TEST_ORG_NAME, KF_PROVIDER_DRAFT, now, &org);
	if (rc == KF_OK)
		rc = kf_store_member_add(db, org, uid, KF_ROLE_OWNER, now);
	char ext[64] = "";
	/* the host product may already use the id: take the next free one */
	for (int n = 1; rc == KF_OK && n <= 100; n++) {
		snprintf(ext, sizeof(ext), KF_TEST_ACCOUNT_PREFIX "%d", n);
		rc = kf_store_host_insert(db, org, ext, kind, uid, now, &hid);
		if (rc == KF_OK)
			break;
		if (rc == KF_ECONFLICT)
			rc = KF_OK, hid = 0;
	}
	if (rc != KF_OK || !hid)
		return KF_EDB;
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE host_accounts SET platform_test = 1 WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, hid);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	char subject[40];
	snprintf(subject, sizeof(subject), "host:%lld", (long long)hid);
	if (kf_audit_append(db, now, "system", "test_account.create", subject, ext) != KF_OK)
		return KF_EDB;
	*id = hid;
	return KF_OK;
}

enum kf_err kf_store_test_accounts_ensure(struct kf_db *db, int64_t now, const char *kind, int64_t *id)
{
	if (kf_db_begin(db) != KF_OK)
		return KF_EDB;
	int64_t hid = 0;
	enum kf_err rc = first_test_account(db, &hid, NULL, 0);
	bool created = false;
	if (rc == KF_ENOTFOUND) {
		rc = create_account(db, now, kind && *kind ? kind : "mini_program", &hid);
		created = rc == KF_OK;
	}
	if (rc == KF_OK && created && kf_db_commit(db) != KF_OK)
		rc = KF_EDB;
	kf_db_rollback(db); /* nothing to keep when the account was there */
	if (rc != KF_OK)
		return KF_EDB;
	if (id)
		*id = hid;
	return KF_OK;
}

enum kf_err kf_store_test_account(struct kf_db *db, int64_t *id, char external_id[128])
{
	return first_test_account(db, id, external_id, 128);
}

enum kf_err kf_store_test_account_find(struct kf_db *db, const char *external_id, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id FROM host_accounts WHERE external_id = ? AND platform_test = 1"
					       " AND deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, external_id);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*id = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_test_call_insert(struct kf_db *db, int64_t app, int64_t host_account, const char *api,
				      const char *touser, const char *msgtype, const char *content, const char *body,
				      int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO test_calls (app, host_account, api, touser, msgtype, content, body, created_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, host_account);
	kf_stmt_bind_text(st, 3, api);
	kf_stmt_bind_text(st, 4, touser);
	kf_stmt_bind_text(st, 5, msgtype);
	kf_stmt_bind_text(st, 6, content);
	kf_stmt_bind_text(st, 7, body ? body : "");
	kf_stmt_bind_int(st, 8, now);
	return kf_stmt_exec(st);
}

static enum kf_err one_int(struct kf_stmt *st, int64_t *out)
{
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*out = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_test_calls_count(struct kf_db *db, int64_t app, int64_t since, int64_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COUNT(*) FROM test_calls WHERE app = ? AND created_at >= ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, since);
	return one_int(st, n);
}

enum kf_err kf_store_test_calls_last_id(struct kf_db *db, int64_t app, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COALESCE(MAX(id), 0) FROM test_calls WHERE app = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	return one_int(st, id);
}

json_t *kf_store_test_calls_after(struct kf_db *db, int64_t app, int64_t host_account, int64_t after, int limit)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, api, touser, msgtype, content, created_at FROM test_calls"
		    " WHERE app = ? AND host_account = ? AND id > ? ORDER BY id LIMIT ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, host_account);
	kf_stmt_bind_int(st, 3, after);
	kf_stmt_bind_int(st, 4, limit);
	return kf_stmt_rows_json(st);
}

int kf_store_test_calls_expire(struct kf_db *db, int64_t before)
{
	return kf_db_delete_before(db, "DELETE FROM test_calls WHERE created_at < ?", before);
}

enum kf_err kf_store_check_run_insert(struct kf_db *db, int64_t app, int64_t config_id, const char *purpose,
				      bool passed, const char *checks_json, int64_t started_at, int64_t finished_at,
				      int64_t *id)
{
	bool own = !kf_db_in_tx(db);
	if (own && kf_db_begin(db) != KF_OK)
		return KF_EDB;
	enum kf_err rc = KF_EDB;
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO check_runs (app, config_id, purpose, passed, checks, started_at, finished_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		goto out;
	kf_stmt_bind_int(st, 1, app);
	if (config_id)
		kf_stmt_bind_int(st, 2, config_id);
	else
		kf_stmt_bind_null(st, 2);
	kf_stmt_bind_text(st, 3, purpose);
	kf_stmt_bind_int(st, 4, passed);
	kf_stmt_bind_text(st, 5, checks_json);
	kf_stmt_bind_int(st, 6, started_at);
	kf_stmt_bind_int(st, 7, finished_at);
	if (kf_stmt_exec(st) != KF_OK)
		goto out;
	int64_t rid = kf_db_last_id(db);
	/* keep the newest runs of the app only */
	st = kf_db_prepare(db, "DELETE FROM check_runs WHERE app = ? AND id NOT IN"
			       " (SELECT id FROM check_runs WHERE app = ? ORDER BY id DESC LIMIT ?)");
	if (!st)
		goto out;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, app);
	kf_stmt_bind_int(st, 3, KF_CHECK_RUNS_KEPT);
	if (kf_stmt_exec(st) != KF_OK)
		goto out;
	if (own && kf_db_commit(db) != KF_OK)
		goto out;
	*id = rid;
	rc = KF_OK;
out:
	if (own && rc != KF_OK)
		kf_db_rollback(db);
	return rc;
}

enum kf_err kf_store_check_run_json(struct kf_db *db, int64_t app, int64_t id, json_t **out)
{
	*out = NULL;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT r.id, r.config_id, c.version, r.purpose, r.passed, r.checks, r.started_at, r.finished_at"
		    " FROM check_runs r LEFT JOIN app_configs c ON c.id = r.config_id"
		    " WHERE r.app = ? AND (? = 0 OR r.id = ?) ORDER BY r.id DESC LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, id);
	kf_stmt_bind_int(st, 3, id);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		json_t *checks = json_loads(kf_stmt_text(st, 5), 0, NULL);
		*out = json_pack("{s:I, s:o, s:o, s:s, s:b, s:o, s:I, s:I}", "run_id", (json_int_t)kf_stmt_int(st, 0),
				 "config_id", kf_stmt_is_null(st, 1) ? json_null() : json_integer(kf_stmt_int(st, 1)),
				 "config_version", kf_stmt_is_null(st, 2) ? json_null() : json_integer(kf_stmt_int(st, 2)),
				 "purpose", kf_stmt_text(st, 3), "passed", (int)kf_stmt_int(st, 4), "checks",
				 checks ? checks : json_array(), "started_at", (json_int_t)kf_stmt_int(st, 6),
				 "finished_at", (json_int_t)kf_stmt_int(st, 7));
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ROW && !*out)
		return KF_EDB;
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_check_config(struct kf_db *db, int64_t app, int64_t config_id, char **json_text)
{
	*json_text = NULL;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT config FROM app_configs WHERE id = ? AND app = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, config_id);
	kf_stmt_bind_int(st, 2, app);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*json_text = kf_xstrdup(kf_stmt_text(st, 0));
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Idempotency-Key claims (see idempotency.h): one row per caller and key,
 * status 0 while the first request runs, then its HTTP status and body. */
#include "store/idempotency.h"

#include <string.h>

#include "store/db.h"
#include "util/mem.h"

enum kf_err kf_store_idempotency_claim(struct kf_db *db, const struct kf_idem_request *req, int64_t now,
				       int64_t stale_before, enum kf_idem_claim *out, int *status, char **body)
{
	*body = NULL;
	*status = 0;
	struct kf_stmt *st = kf_db_prepare(db,
		"INSERT INTO idempotency_keys (user_id, key, method, path, status, body, request_hash, created_at)"
		" VALUES (?, ?, ?, ?, 0, '', ?, ?) ON CONFLICT (user_id, key) DO UPDATE SET created_at = excluded.created_at"
		" WHERE idempotency_keys.status = 0 AND idempotency_keys.created_at < ? AND idempotency_keys.request_hash ="
		" excluded.request_hash AND idempotency_keys.path = excluded.path");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, req->caller);
	kf_stmt_bind_text(st, 2, req->key);
	kf_stmt_bind_text(st, 3, req->method);
	kf_stmt_bind_text(st, 4, req->path);
	kf_stmt_bind_text(st, 5, req->request_hash);
	kf_stmt_bind_int(st, 6, now);
	kf_stmt_bind_int(st, 7, stale_before);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	if (kf_db_changes(db)) {
		*out = KF_IDEM_CLAIMED; /* new, or a stale claim taken over */
		return KF_OK;
	}
	st = kf_db_prepare(db, "SELECT method, path, status, body, request_hash FROM idempotency_keys"
			       " WHERE user_id = ? AND key = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, req->caller);
	kf_stmt_bind_text(st, 2, req->key);
	if (kf_stmt_step(st) != KF_STEP_ROW) {
		kf_stmt_done(st);
		return KF_EDB;
	}
	if (strcmp(kf_stmt_text(st, 0), req->method) || strcmp(kf_stmt_text(st, 1), req->path) ||
	    strcmp(kf_stmt_text(st, 4), req->request_hash)) {
		*out = KF_IDEM_MISMATCH;
	} else if ((*status = (int)kf_stmt_int(st, 2)) == 0) {
		*out = KF_IDEM_RUNNING;
	} else {
		*out = KF_IDEM_ANSWERED;
		*body = kf_xstrdup(kf_stmt_text(st, 3));
	}
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_idempotency_finish(struct kf_db *db, int64_t caller, const char *key, int status,
					const char *body)
{
	struct kf_stmt *st;
	if (body) {
		st = kf_db_prepare(db, "UPDATE idempotency_keys SET status = ?, body = ? WHERE user_id = ? AND key = ?");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_int(st, 1, status);
		kf_stmt_bind_text(st, 2, body);
		kf_stmt_bind_int(st, 3, caller);
		kf_stmt_bind_text(st, 4, key);
	} else {
		st = kf_db_prepare(db, "DELETE FROM idempotency_keys WHERE status = 0 AND user_id = ? AND key = ?");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_int(st, 1, caller);
		kf_stmt_bind_text(st, 2, key);
	}
	return kf_stmt_exec(st);
}

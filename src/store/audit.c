/* SPDX-License-Identifier: Apache-2.0 */
/* Hash-chained audit rows: hash = SHA-256(prev_hash|at|actor|action|subject|digest). */
#include "store/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/crypto.h"
#include "util/mem.h"

static const char GENESIS[] = "0000000000000000000000000000000000000000000000000000000000000000";

static void row_hash(const char *prev, int64_t at, const char *actor, const char *action,
		     const char *subject, const char *digest, char out[65])
{
	char *s = kf_xasprintf("%s|%" PRId64 "|%s|%s|%s|%s", prev, at, actor, action, subject, digest);
	kf_sha256_hex(s, strlen(s), out);
	free(s);
}

enum kf_err kf_audit_append(struct kf_db *db, int64_t now, const char *actor, const char *action,
			    const char *subject, const char *detail)
{
	char prev[65];
	struct kf_stmt *st = kf_db_prepare(db, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ERROR) {
		kf_stmt_done(st);
		return KF_EDB;
	}
	snprintf(prev, sizeof(prev), "%s", s == KF_STEP_ROW ? kf_stmt_text(st, 0) : GENESIS);
	kf_stmt_done(st);

	char digest[65], hash[65];
	const char *d = detail ? detail : "";
	kf_sha256_hex(d, strlen(d), digest);
	row_hash(prev, now, actor, action, subject, digest, hash);
	st = kf_db_prepare(db, "INSERT INTO audit_log (at, actor, action, subject, digest, prev_hash, hash)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_text(st, 2, actor);
	kf_stmt_bind_text(st, 3, action);
	kf_stmt_bind_text(st, 4, subject);
	kf_stmt_bind_text(st, 5, digest);
	kf_stmt_bind_text(st, 6, prev);
	kf_stmt_bind_text(st, 7, hash);
	return kf_stmt_exec(st);
}

enum kf_err kf_audit_verify(struct kf_db *db, int64_t *rows, int64_t *broken_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, at, actor, action, subject, digest, prev_hash, hash FROM audit_log ORDER BY id");
	if (!st)
		return KF_EDB;
	char prev[65];
	snprintf(prev, sizeof(prev), "%s", GENESIS);
	int64_t n = 0;
	enum kf_err rc = KF_OK;
	enum kf_step s;
	*broken_id = 0;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		char want[65];
		const char *stored_prev = kf_stmt_text(st, 6);
		row_hash(prev, kf_stmt_int(st, 1), kf_stmt_text(st, 2), kf_stmt_text(st, 3),
			 kf_stmt_text(st, 4), kf_stmt_text(st, 5), want);
		if (strcmp(stored_prev, prev) != 0 || strcmp(kf_stmt_text(st, 7), want) != 0) {
			*broken_id = kf_stmt_int(st, 0);
			rc = KF_ECONFLICT;
			break;
		}
		snprintf(prev, sizeof(prev), "%s", kf_stmt_text(st, 7));
		n++;
	}
	if (s == KF_STEP_ERROR)
		rc = KF_EDB;
	kf_stmt_done(st);
	if (rows)
		*rows = n;
	return rc;
}

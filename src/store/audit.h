/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The append-only audit log. Each row carries the SHA-256 of the previous
 * row's hash and its own fields, so editing or deleting any row breaks the
 * chain at that point.
 */
#ifndef KF_STORE_AUDIT_H
#define KF_STORE_AUDIT_H

#include <stdint.h>

#include "core/err.h"

struct kf_db;

/* Append one row inside the caller's transaction. detail (may be NULL) is
 * hashed, not stored, so the log never holds secrets. */
enum kf_err kf_audit_append(struct kf_db *db, int64_t now, const char *actor, const char *action,
			    const char *subject, const char *detail) KF_MUST_CHECK;

/* Walk the chain. Returns KF_OK when intact (*rows = rows checked); on a
 * broken link returns KF_ECONFLICT with *broken_id = the first bad row. */
enum kf_err kf_audit_verify(struct kf_db *db, int64_t *rows, int64_t *broken_id) KF_MUST_CHECK;

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The append-only audit log. Each row carries the previous row's MAC and
 * its own: HMAC-SHA-256, with a key kept outside the database
 * (DATA_DIR/audit.key), over the row's id, the previous MAC and its fields.
 * Editing, deleting, inserting or reordering rows breaks the chain, and
 * without the key nobody can recompute it. The head (last row id and MAC)
 * is also kept outside the database (DATA_DIR/audit.anchor, rewritten
 * after every commit that appended rows), so cutting rows off the end is
 * seen too. Rows written before the key existed (mac_version 0) keep their
 * unkeyed SHA-256 chain; the first keyed row commits to their head.
 */
#ifndef KF_STORE_AUDIT_H
#define KF_STORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;

#define KF_AUDIT_KEY_BYTES 32

/*
 * Process-wide set-up, once, before any append (kaifangd at start, the CLI
 * before its command): load DATA_DIR/audit.key, creating it (32 random
 * bytes, mode 0600) when create is set and the log has no keyed row yet;
 * refuse a key file that others may read or write, or of the wrong size;
 * then make sure DATA_DIR/audit.anchor exists (written from the current
 * head when the log has no keyed row; when it has, a missing anchor is
 * left missing for `kaifang audit verify` to report). db must be migrated.
 * With create false and no key file, the call succeeds without a key
 * (kf_audit_has_key is then false): verify can still check old rows.
 */
enum kf_err kf_audit_start(struct kf_db *db, const char *data_dir, bool create, struct kf_error *err) KF_MUST_CHECK;
bool kf_audit_has_key(void);
/* Forget the key (tests; the CLI and kaifangd before they exit). */
void kf_audit_stop(void);

/* Append one row inside the caller's transaction (or its own when none is
 * open). detail (may be NULL) is hashed, not stored, so the log never holds
 * secrets. KF_EDB without a key: the log is never written unkeyed. */
enum kf_err kf_audit_append(struct kf_db *db, int64_t now, const char *actor, const char *action,
			    const char *subject, const char *detail) KF_MUST_CHECK;

/* Called by kf_db_commit after a commit that appended rows: write the
 * anchor if id is past the one it holds (anchors only move forward) and
 * the log still holds the row it holds. */
void kf_audit_committed(struct kf_db *db, int64_t id, const char *mac);

/* The committed head: *id = 0 and mac = "" for an empty log. */
enum kf_err kf_audit_head(struct kf_db *db, int64_t *id, char mac[65]) KF_MUST_CHECK;

/* Bring the anchor up to the committed head (the worker does this each
 * pass, in case a process stopped between a commit and its anchor) and
 * print the head as a JSON log line when it moved since the last call. */
void kf_audit_anchor_pass(struct kf_db *db, const char *source);

struct kf_audit_report {
	int64_t rows;      /* rows checked and intact before the problem */
	int64_t broken_id; /* the first row found wrong (0: none, or the end) */
	int64_t head_id;   /* last row id in the table */
	int64_t anchor_id; /* the anchor's row id (-1: no anchor) */
	char msg[320];     /* what is wrong, or a summary when intact */
};

/*
 * Walk the chain and compare its end with the anchor. KF_OK when intact;
 * KF_ECONFLICT when a row was changed (MAC mismatch), removed or inserted
 * in the middle, rows reordered, or rows cut off the end (the log is
 * shorter than the anchor, or its row at the anchor's id is another), or
 * the anchor is missing while keyed rows exist; rep->msg says which.
 * KF_EDB when the table cannot be read.
 */
enum kf_err kf_audit_verify(struct kf_db *db, struct kf_audit_report *rep) KF_MUST_CHECK;

/* Verify the chain without the anchor, then set the anchor to the head:
 * after restoring a database backup, or after investigating a missing
 * anchor. KF_ECONFLICT (rep says why) when the chain itself is broken. */
enum kf_err kf_audit_reanchor(struct kf_db *db, struct kf_audit_report *rep) KF_MUST_CHECK;

/* The log as staff read it: newest first. */
struct kf_arena;
struct kf_audit_row {
	int64_t id, at;
	const char *actor, *action, *subject, *digest;
};
/* Filters, each NULL/0 when unused: actor and subject match exactly;
 * action matches exactly or as the prefix before a dot ("operator" finds
 * "operator.create"); from <= at <= to; before: only rows with a smaller
 * id (the cursor). */
struct kf_audit_filter {
	const char *actor, *subject, *action;
	int64_t from, to, before;
};
/* At most limit rows matching f, newest first, into *out (rows and strings
 * in a). KF_EDB. */
enum kf_err kf_store_audit_list(struct kf_db *db, struct kf_arena *a, const struct kf_audit_filter *f, int limit,
				struct kf_audit_row **out, size_t *n) KF_MUST_CHECK;

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kaifang backup DIR`: a copy of a data directory that a restore needs,
 * taken while kaifangd runs. See docs/operator-guide.md, "Backup and
 * restore".
 */
#ifndef KF_STORE_BACKUP_H
#define KF_STORE_BACKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;

/* What a backup wrote. */
struct kf_backup_report {
	int64_t db_bytes;   /* DIR/kaifang.db */
	bool anchor;        /* DIR/audit.anchor copied (absent before the first audit row) */
	int64_t anchor_id;  /* the audit row it names */
	bool key;           /* DIR/audit.key copied (mode 0600) */
	int64_t files;      /* uploaded files copied into DIR/files */
	int64_t file_bytes; /* their bytes */
};

/*
 * Back up the data directory data_dir, whose database db is open, into
 * dest (created when missing; KF_ECONFLICT when it already holds a
 * kaifang.db: a backup is never overwritten). In this order, each for a
 * reason:
 *   1. audit.anchor: it names a committed audit row, so the database copy
 *      taken after it holds that row (an anchor copied later could name a
 *      row the copy does not have, and `audit verify` would call the log
 *      cut);
 *   2. kaifang.db, with kf_db_backup (one consistent moment, writers go on);
 *   3. audit.key;
 *   4. files/: uploads are written before their row commits and never
 *      change (named by their SHA-256), so every file the copy names is
 *      there by now.
 * rep is filled as far as the backup got. KF_EINVAL (err filled) when the
 * engine is backed up with its own tool, KF_EDB or KF_EINTERNAL (err
 * filled) when something could not be read or written.
 */
enum kf_err kf_store_backup(struct kf_db *db, const char *data_dir, const char *dest, struct kf_backup_report *rep,
			    struct kf_error *err) KF_MUST_CHECK;

#endif

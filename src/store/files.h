/* SPDX-License-Identifier: Apache-2.0 */
/* Uploaded files: content-addressed blobs on disk (DATA_DIR/files/ab/abcd…)
 * and one metadata row per upload. */
#ifndef KF_STORE_FILES_H
#define KF_STORE_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;

struct kf_file_row {
	int64_t id;
	char sha256[65];
	int64_t size;
	char content_type[64];
	char name[256];
	int64_t owner_user_id;
};

/* Write data under dir by its digest (atomically; an existing blob is kept). */
enum kf_err kf_files_write_blob(const char *dir, const char *sha256, const void *data, size_t n) KF_MUST_CHECK;
/* Path of a blob (malloc'd). */
char *kf_files_blob_path(const char *dir, const char *sha256);

enum kf_err kf_store_file_insert(struct kf_db *db, const struct kf_file_row *f, int64_t now,
				 int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_file_get(struct kf_db *db, int64_t id, struct kf_file_row *out) KF_MUST_CHECK;

#endif

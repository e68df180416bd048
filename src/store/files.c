/* SPDX-License-Identifier: Apache-2.0 */
/* File blobs on disk and their rows. A blob is written to a temporary name,
 * flushed and renamed, so a crash never leaves a truncated file under a
 * digest's name. */
#include "store/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "util/mem.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

char *kf_files_blob_path(const char *dir, const char *sha256)
{
	return kf_xasprintf("%s/%.2s/%s", dir, sha256, sha256);
}

enum kf_err kf_files_write_blob(const char *dir, const char *sha256, const void *data, size_t n)
{
	char *sub = kf_xasprintf("%s/%.2s", dir, sha256);
	char *path = kf_files_blob_path(dir, sha256);
	char *tmp = kf_xasprintf("%s.%d.tmp", path, (int)getpid());
	enum kf_err rc = KF_EINTERNAL;
	struct stat sb;
	if (stat(path, &sb) == 0 && (size_t)sb.st_size == n) {
		rc = KF_OK;
		goto out;
	}
	if (mkdir(sub, 0750) < 0 && errno != EEXIST)
		goto out;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0)
		goto out;
	const char *p = data;
	size_t left = n;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			goto out;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		goto out;
	}
	rc = KF_OK;
out:
	free(sub);
	free(path);
	free(tmp);
	return rc;
}

enum kf_err kf_store_file_insert(struct kf_db *db, const struct kf_file_row *f, int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO files (sha256, size, content_type, name, owner_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, f->sha256);
	kf_stmt_bind_int(st, 2, f->size);
	kf_stmt_bind_text(st, 3, f->content_type);
	kf_stmt_bind_text(st, 4, f->name);
	kf_stmt_bind_int(st, 5, f->owner_user_id);
	kf_stmt_bind_int(st, 6, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_file_get(struct kf_db *db, int64_t id, struct kf_file_row *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, sha256, size, content_type, name, owner_user_id FROM files WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	out->id = kf_stmt_int(st, 0);
	COPY(out->sha256, kf_stmt_text(st, 1));
	out->size = kf_stmt_int(st, 2);
	COPY(out->content_type, kf_stmt_text(st, 3));
	COPY(out->name, kf_stmt_text(st, 4));
	out->owner_user_id = kf_stmt_int(st, 5);
	kf_stmt_done(st);
	return KF_OK;
}

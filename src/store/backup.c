/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The backup of a running data directory (see backup.h for the order and
 * why). The database is copied by its engine (kf_db_backup); the files
 * beside it are copied here: every file written is synced, so a backup
 * that reported success survives a crash of the machine that took it.
 */
#include "store/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "util/mem.h"

/* Read all of src (at most 64 MiB, more than any audit file); *len its
 * size. NULL with errno set when it cannot be read. */
static char *slurp(const char *src, size_t *len)
{
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = kf_xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap >= (64u << 20)) {
				errno = EFBIG;
				goto fail;
			}
			buf = kf_xrealloc(buf, cap *= 2);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
fail:;
	int saved = errno;
	close(fd);
	free(buf);
	errno = saved;
	return NULL;
}

/* Copy src to the new file dst with mode, synced. Large files are copied
 * in pieces. false (errno set) on failure; a partial dst is removed. */
static bool copy_file(const char *src, const char *dst, mode_t mode, int64_t *bytes)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return false;
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		int saved = errno;
		close(in);
		errno = saved;
		return false;
	}
	char buf[64 * 1024];
	int64_t total = 0;
	bool ok = true;
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ok = r == 0;
			break;
		}
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(out, buf + off, (size_t)(r - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				ok = false;
				break;
			}
			off += w;
		}
		if (!ok)
			break;
		total += r;
	}
	ok = ok && fchmod(out, mode) == 0 && fsync(out) == 0;
	int saved = errno;
	close(in);
	if (close(out) < 0)
		ok = false;
	if (!ok) {
		unlink(dst);
		errno = saved;
		return false;
	}
	if (bytes)
		*bytes = total;
	return true;
}

static bool sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

static bool make_dir(const char *path)
{
	return mkdir(path, 0750) == 0 || errno == EEXIST;
}

/* A name the files directory holds on purpose: not ".", "..", a hidden
 * name or an upload still being written ("….tmp", see kf_files_write_blob). */
static bool wanted(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && !(n > 4 && !strcmp(name + n - 4, ".tmp"));
}

/* Copy the uploads: files/<2 hex>/<sha256>. */
static enum kf_err copy_files(const char *from, const char *to, struct kf_backup_report *rep, struct kf_error *err)
{
	enum kf_err rc = KF_OK;
	DIR *top = opendir(from);
	if (!top)
		return errno == ENOENT ? KF_OK : kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL,
								  "cannot read %s: %s", from, strerror(errno));
	if (!make_dir(to)) {
		closedir(top);
		return kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL, "cannot create %s: %s", to,
				    strerror(errno));
	}
	struct dirent *d;
	while (rc == KF_OK && (d = readdir(top))) {
		if (!wanted(d->d_name))
			continue;
		char *sub_from = kf_xasprintf("%s/%s", from, d->d_name), *sub_to = kf_xasprintf("%s/%s", to, d->d_name);
		struct stat sb;
		DIR *sub = stat(sub_from, &sb) == 0 && S_ISDIR(sb.st_mode) ? opendir(sub_from) : NULL;
		if (sub && !make_dir(sub_to))
			rc = kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL, "cannot create %s: %s", sub_to,
					  strerror(errno));
		struct dirent *e;
		while (sub && rc == KF_OK && (e = readdir(sub))) {
			if (!wanted(e->d_name))
				continue;
			char *f_from = kf_xasprintf("%s/%s", sub_from, e->d_name), *f_to = kf_xasprintf("%s/%s", sub_to, e->d_name);
			int64_t n = 0;
			if (stat(f_from, &sb) == 0 && S_ISREG(sb.st_mode)) {
				if (copy_file(f_from, f_to, 0640, &n)) {
					rep->files++;
					rep->file_bytes += n;
				} else {
					rc = kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL,
							  "cannot copy %s to %s: %s", f_from, f_to, strerror(errno));
				}
			}
			free(f_from);
			free(f_to);
		}
		if (sub) {
			closedir(sub);
			if (rc == KF_OK && !sync_dir(sub_to))
				rc = kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL, "cannot sync %s: %s",
						  sub_to, strerror(errno));
		}
		free(sub_from);
		free(sub_to);
	}
	closedir(top);
	if (rc == KF_OK && !sync_dir(to))
		rc = kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL, "cannot sync %s: %s", to, strerror(errno));
	return rc;
}

enum kf_err kf_store_backup(struct kf_db *db, const char *data_dir, const char *dest, struct kf_backup_report *rep,
			    struct kf_error *err)
{
	memset(rep, 0, sizeof(*rep));
	enum kf_err rc = KF_OK;
	char *db_to = kf_xasprintf("%s/kaifang.db", dest);
	char *anchor_from = kf_xasprintf("%s/audit.anchor", data_dir), *anchor_to = kf_xasprintf("%s/audit.anchor", dest);
	char *key_from = kf_xasprintf("%s/audit.key", data_dir), *key_to = kf_xasprintf("%s/audit.key", dest);
	char *files_from = kf_xasprintf("%s/files", data_dir), *files_to = kf_xasprintf("%s/files", dest);
	char *anchor = NULL;
	size_t anchor_len = 0;

	if (!make_dir(dest)) {
		rc = kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL, "cannot create %s: %s", dest,
				  strerror(errno));
		goto out;
	}
	if (access(db_to, F_OK) == 0) {
		rc = kf_error_set(err, KF_ECONFLICT, "backup_exists", NULL, NULL,
				  "%s already holds a backup (kaifang.db); choose an empty directory", dest);
		goto out;
	}
	/* 1. the anchor, read before the database is copied (backup.h) */
	anchor = slurp(anchor_from, &anchor_len);
	if (!anchor && errno != ENOENT) {
		rc = kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL, "cannot read %s: %s", anchor_from,
				  strerror(errno));
		goto out;
	}
	/* 2. the database */
	rc = kf_db_backup(db, db_to, &rep->db_bytes, err);
	if (rc != KF_OK)
		goto out;
	if (anchor) {
		int fd = open(anchor_to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		bool ok = fd >= 0 && write(fd, anchor, anchor_len) == (ssize_t)anchor_len && fsync(fd) == 0;
		if (fd >= 0 && close(fd) < 0)
			ok = false;
		if (!ok) {
			rc = kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL, "cannot write %s: %s",
					  anchor_to, strerror(errno));
			goto out;
		}
		json_t *j = json_loadb(anchor, anchor_len, 0, NULL);
		rep->anchor = true;
		rep->anchor_id = json_integer_value(json_object_get(j, "id"));
		json_decref(j);
	}
	/* 3. the key, as private as the original */
	if (access(key_from, F_OK) == 0) {
		if (!copy_file(key_from, key_to, 0600, NULL)) {
			rc = kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL, "cannot copy %s: %s", key_from,
					  strerror(errno));
			goto out;
		}
		rep->key = true;
	}
	/* 4. the uploads */
	rc = copy_files(files_from, files_to, rep, err);
	if (rc == KF_OK && !sync_dir(dest))
		rc = kf_error_set(err, KF_EINTERNAL, "backup_failed", NULL, NULL, "cannot sync %s: %s", dest,
				  strerror(errno));
out:
	free(anchor);
	free(db_to);
	free(anchor_from);
	free(anchor_to);
	free(key_from);
	free(key_to);
	free(files_from);
	free(files_to);
	return rc;
}

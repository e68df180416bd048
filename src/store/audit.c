/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The keyed audit chain (see audit.h). A row's MAC (column hash, mac_version
 * 1) is HMAC-SHA-256(key, "kf-audit/1" and, each as an 8-byte big-endian
 * length and its bytes: id, prev_hash, at, actor, action, subject, digest).
 * The length prefixes keep fields from running into each other; the id
 * pins the row to its place. Old rows (mac_version 0) keep
 * hash = SHA-256(prev_hash|at|actor|action|subject|digest).
 */
#include "store/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "util/crypto.h"
#include "util/mem.h"

static const char GENESIS[] = "0000000000000000000000000000000000000000000000000000000000000000";

static struct {
	pthread_mutex_t mu;
	bool have_key;
	unsigned char key[KF_AUDIT_KEY_BYTES];
	char dir[PATH_MAX - 32]; /* "" before kf_audit_start */
	int64_t anchored;	 /* the anchor holds at least this row id */
	int64_t logged;		 /* the head last printed in the log (-1: none yet) */
	int64_t warned;		 /* the anchored row last reported gone or changed */
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .logged = -1};

/* ------------------------------------------------------------ the MACs */

static void legacy_hash(const char *prev, int64_t at, const char *actor, const char *action, const char *subject,
			const char *digest, char out[65])
{
	char *s = kf_xasprintf("%s|%" PRId64 "|%s|%s|%s|%s", prev, at, actor, action, subject, digest);
	kf_sha256_hex(s, strlen(s), out);
	free(s);
}

static void mac_field(crypto_auth_hmacsha256_state *st, const char *s)
{
	uint64_t n = strlen(s);
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (56 - 8 * i));
	crypto_auth_hmacsha256_update(st, len, sizeof(len));
	crypto_auth_hmacsha256_update(st, (const unsigned char *)s, n);
}

static void row_mac(int64_t id, const char *prev, int64_t at, const char *actor, const char *action,
		    const char *subject, const char *digest, char out[65])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ids[24], ats[24];
	snprintf(ids, sizeof(ids), "%" PRId64, id);
	snprintf(ats, sizeof(ats), "%" PRId64, at);
	crypto_auth_hmacsha256_init(&st, g.key, sizeof(g.key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"kf-audit/1", 10);
	mac_field(&st, ids);
	mac_field(&st, prev);
	mac_field(&st, ats);
	mac_field(&st, actor);
	mac_field(&st, action);
	mac_field(&st, subject);
	mac_field(&st, digest);
	crypto_auth_hmacsha256_final(&st, mac);
	kf_hex_encode(mac, sizeof(mac), out);
	sodium_memzero(&st, sizeof(st));
}

/* ------------------------------------------------------------ files */

static char *dir_file(const char *name)
{
	return kf_xasprintf("%s/%s", g.dir, name);
}

static void fsync_dir(void)
{
	int fd = open(g.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Write len bytes to a new file at path atomically: a temporary file,
 * fsync, rename over path, fsync the directory. */
static bool write_atomic(const char *path, const void *buf, size_t len, mode_t mode, bool exclusive)
{
	char *tmp = kf_xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	bool ok = fd >= 0 && fchmod(fd, mode) == 0 && write(fd, buf, len) == (ssize_t)len && fsync(fd) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (ok && exclusive) /* link fails if another process created path first */
		ok = link(tmp, path) == 0 || errno == EEXIST;
	else if (ok)
		ok = rename(tmp, path) == 0;
	if (exclusive || !ok)
		unlink(tmp);
	free(tmp);
	if (ok)
		fsync_dir();
	return ok;
}

static enum kf_err load_key(bool create, bool keyed_rows, struct kf_error *err)
{
	char *path = dir_file("audit.key");
	struct stat sb;
	enum kf_err rc = KF_OK;
	if (stat(path, &sb) != 0 && errno == ENOENT) {
		if (keyed_rows) {
			rc = kf_error_set(err, KF_EINVAL, "audit_key_missing", NULL, NULL,
					  "%s is missing but the audit log has keyed rows: restore the key from its "
					  "backup (a new key would make the existing rows unverifiable)",
					  path);
			goto out;
		}
		if (!create)
			goto out; /* verify without a key: only old unkeyed rows can be checked */
		unsigned char k[KF_AUDIT_KEY_BYTES];
		kf_random_bytes(k, sizeof(k));
		bool ok = write_atomic(path, k, sizeof(k), 0600, true);
		sodium_memzero(k, sizeof(k));
		if (!ok) {
			rc = kf_error_set(err, KF_EINTERNAL, "audit_key_failed", NULL, NULL, "cannot create %s: %s", path,
					  strerror(errno));
			goto out;
		}
		fprintf(stderr, "{\"level\":\"info\",\"msg\":\"created the audit key\",\"path\":\"%s\"}\n", path);
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		rc = kf_error_set(err, KF_EINTERNAL, "audit_key_failed", NULL, NULL, "cannot open %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077)) {
		rc = kf_error_set(err, KF_EINVAL, "audit_key_mode", NULL, NULL,
				  "%s must be a file only its owner can read (mode 0600, it is %04o): run chmod 600 %s",
				  path, (unsigned)(sb.st_mode & 07777), path);
	} else if (sb.st_size != KF_AUDIT_KEY_BYTES ||
		   read(fd, g.key, sizeof(g.key)) != (ssize_t)sizeof(g.key)) {
		rc = kf_error_set(err, KF_EINVAL, "audit_key_invalid", NULL, NULL,
				  "%s must hold exactly %d bytes (it has %lld)", path, KF_AUDIT_KEY_BYTES,
				  (long long)sb.st_size);
	} else {
		g.have_key = true;
	}
	close(fd);
out:
	free(path);
	return rc;
}

/* 1: read, 0: no anchor file, -1: unreadable or malformed. */
static int anchor_read(int64_t *id, char mac[65])
{
	if (!g.dir[0])
		return 0;
	char *path = dir_file("audit.anchor");
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	int rc;
	if (!j) {
		rc = access(path, F_OK) == 0 ? -1 : 0;
	} else {
		json_t *jid = json_object_get(j, "id");
		const char *m = json_string_value(json_object_get(j, "mac"));
		rc = json_is_integer(jid) && json_integer_value(jid) >= 0 && m && strlen(m) == 64 ? 1 : -1;
		if (rc == 1) {
			*id = json_integer_value(jid);
			snprintf(mac, 65, "%s", m);
		}
		json_decref(j);
	}
	free(path);
	return rc;
}

/* Does the log still hold the anchored row (id, mac)? */
static bool still_holds(struct kf_db *db, int64_t id, const char *mac)
{
	if (!id)
		return true;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT hash FROM audit_log WHERE id = ?");
	if (!st)
		return false;
	kf_stmt_bind_int(st, 1, id);
	bool ok = kf_stmt_step(st) == KF_STEP_ROW && !strcmp(kf_stmt_text(st, 0), mac);
	kf_stmt_done(st);
	return ok;
}

/*
 * Move the anchor to (id, mac). Anchors only move forward: the file is
 * replaced only when it holds a smaller id (force: always, for a
 * re-anchor), and only when the log (db) still holds the row it names:
 * rows cut off the end and then outgrown by new appends must not carry the
 * anchor past the cut. Without force a missing anchor is not recreated
 * (that is for kf_audit_start and `kaifang audit anchor` to decide).
 * Serialised within the process by g.mu and across processes (the CLI) by
 * a lock file.
 */
static bool anchor_move(struct kf_db *db, int64_t id, const char *mac, bool force, bool create)
{
	if (!g.dir[0])
		return false;
	pthread_mutex_lock(&g.mu);
	bool ok = true;
	if (!force && id <= g.anchored) {
		pthread_mutex_unlock(&g.mu);
		return true;
	}
	char *lock = dir_file("audit.anchor.lock"), *path = dir_file("audit.anchor");
	int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
		ok = false;
		goto out;
	}
	int64_t cur = -1;
	char cur_mac[65];
	int have = anchor_read(&cur, cur_mac);
	if (!force && (have < 0 || (have == 0 && !create))) {
		fprintf(stderr, "{\"level\":\"error\",\"msg\":\"the audit anchor is %s and is not rewritten: run "
				"kaifang audit verify\",\"path\":\"%s\"}\n",
			have < 0 ? "unreadable" : "missing", path);
		ok = false;
		goto out;
	}
	if (!force && have == 1 && cur >= id) {
		g.anchored = cur;
		goto out;
	}
	if (!force && have == 1 && !still_holds(db, cur, cur_mac)) {
		if (g.warned != cur)
			fprintf(stderr, "{\"level\":\"error\",\"msg\":\"the audit log no longer holds the anchored row: "
					"rows were removed or rewritten; the anchor stays; run kaifang audit verify\","
					"\"audit_id\":%" PRId64 "}\n",
				cur);
		g.warned = cur;
		ok = false;
		goto out;
	}
	char *text = kf_xasprintf("{\"id\":%" PRId64 ",\"mac\":\"%s\"}\n", id, mac);
	ok = write_atomic(path, text, strlen(text), 0600, false);
	free(text);
	if (ok)
		g.anchored = id;
	else
		fprintf(stderr, "{\"level\":\"error\",\"msg\":\"cannot write the audit anchor\",\"path\":\"%s\",\"error\":\"%s\"}\n",
			path, strerror(errno));
out:
	if (lfd >= 0)
		close(lfd); /* releases the lock */
	free(lock);
	free(path);
	pthread_mutex_unlock(&g.mu);
	return ok;
}

/* ------------------------------------------------------------ set-up */

static enum kf_err has_keyed_rows(struct kf_db *db, bool *found)
{
	return kf_stmt_exists(kf_db_prepare(db, "SELECT 1 FROM audit_log WHERE mac_version <> 0 LIMIT 1"), found);
}

enum kf_err kf_audit_start(struct kf_db *db, const char *data_dir, bool create, struct kf_error *err)
{
	kf_audit_stop();
	if (strlen(data_dir) >= sizeof(g.dir))
		return kf_error_set(err, KF_EINVAL, "audit_key_failed", NULL, NULL, "data directory path too long");
	snprintf(g.dir, sizeof(g.dir), "%s", data_dir);
	kf_db_on_audit_commit(kf_audit_committed);
	bool keyed = false;
	if (has_keyed_rows(db, &keyed) != KF_OK)
		return kf_error_set(err, KF_EDB, "audit_failed", NULL, NULL, "cannot read the audit log");
	enum kf_err rc = load_key(create, keyed, err);
	if (rc != KF_OK || !create)
		return rc;
	int64_t id, have_id;
	char mac[65], have_mac[65];
	if (anchor_read(&have_id, have_mac) != 0)
		return KF_OK;
	if (keyed) {
		fprintf(stderr, "{\"level\":\"error\",\"msg\":\"the audit anchor %s/audit.anchor is missing while the "
				"log has keyed rows: rows may have been removed from its end; run kaifang audit verify\"}\n",
			g.dir);
		return KF_OK;
	}
	/* a new data directory, or the first start after the upgrade that
	 * keyed the chain: anchor what is there */
	if (kf_audit_head(db, &id, mac) != KF_OK || kf_db_sync(db) != KF_OK)
		return kf_error_set(err, KF_EDB, "audit_failed", NULL, NULL, "cannot read the audit log");
	if (!anchor_move(db, id, id ? mac : GENESIS, true, true))
		return kf_error_set(err, KF_EINTERNAL, "audit_anchor_failed", NULL, NULL, "cannot write %s/audit.anchor: %s",
				    g.dir, strerror(errno));
	return KF_OK;
}

bool kf_audit_has_key(void)
{
	return g.have_key;
}

void kf_audit_stop(void)
{
	pthread_mutex_lock(&g.mu);
	sodium_memzero(g.key, sizeof(g.key));
	g.have_key = false;
	g.dir[0] = '\0';
	g.anchored = 0;
	g.logged = -1;
	g.warned = 0;
	pthread_mutex_unlock(&g.mu);
}

/* ------------------------------------------------------------ writing */

enum kf_err kf_audit_head(struct kf_db *db, int64_t *id, char mac[65])
{
	*id = 0;
	mac[0] = '\0';
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
	enum kf_err rc = kf_stmt_first(st);
	if (rc == KF_ENOTFOUND)
		return KF_OK;
	if (rc != KF_OK)
		return rc;
	*id = kf_stmt_int(st, 0);
	snprintf(mac, 65, "%s", kf_stmt_text(st, 1));
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_audit_append(struct kf_db *db, int64_t now, const char *actor, const char *action,
			    const char *subject, const char *detail)
{
	if (!g.have_key) {
		fprintf(stderr, "{\"level\":\"error\",\"msg\":\"audit row refused: no audit key loaded\",\"action\":\"%s\"}\n",
			action);
		return KF_EDB;
	}
	bool own_tx = !kf_db_in_tx(db);
	if (own_tx && kf_db_begin(db) != KF_OK)
		return KF_EDB;
	int64_t last;
	char prev[65], digest[65], mac[65];
	/* inside the write transaction: nobody appends between this read and
	 * the insert, so the id and the link are the ones the row gets */
	enum kf_err rc = kf_audit_head(db, &last, prev);
	if (rc != KF_OK)
		goto fail;
	if (!last)
		snprintf(prev, sizeof(prev), "%s", GENESIS);
	const char *d = detail ? detail : "";
	kf_sha256_hex(d, strlen(d), digest);
	row_mac(last + 1, prev, now, actor, action, subject, digest, mac);
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO audit_log (id, at, actor, action, subject, digest, prev_hash,"
					       " hash, mac_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)");
	if (!st) {
		rc = KF_EDB;
		goto fail;
	}
	kf_stmt_bind_int(st, 1, last + 1);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_text(st, 3, actor);
	kf_stmt_bind_text(st, 4, action);
	kf_stmt_bind_text(st, 5, subject);
	kf_stmt_bind_text(st, 6, digest);
	kf_stmt_bind_text(st, 7, prev);
	kf_stmt_bind_text(st, 8, mac);
	rc = kf_stmt_exec(st);
	if (rc != KF_OK)
		goto fail;
	/* published to the anchor by kf_db_commit, once the row is durable */
	kf_db_audit_pending(db, last + 1, mac);
	if (own_tx && kf_db_commit(db) != KF_OK)
		return KF_EDB;
	return KF_OK;
fail:
	if (own_tx)
		kf_db_rollback(db);
	return rc;
}

void kf_audit_committed(struct kf_db *db, int64_t id, const char *mac)
{
	(void)anchor_move(db, id, mac, false, false);
}

void kf_audit_anchor_pass(struct kf_db *db, const char *source)
{
	int64_t id;
	char mac[65];
	if (!g.have_key || kf_audit_head(db, &id, mac) != KF_OK || !id)
		return;
	pthread_mutex_lock(&g.mu);
	bool ahead = id > g.anchored;
	pthread_mutex_unlock(&g.mu);
	/* the head may be another connection's commit still waiting for its
	 * sync (group commit): anchor it only once it is durable */
	if (ahead && kf_db_sync(db) != KF_OK)
		return;
	(void)anchor_move(db, id, mac, false, false);
	pthread_mutex_lock(&g.mu);
	bool moved = id != g.logged;
	g.logged = id;
	pthread_mutex_unlock(&g.mu);
	if (moved)
		fprintf(stderr, "{\"level\":\"info\",\"source\":\"%s\",\"msg\":\"audit head\",\"audit_id\":%" PRId64
				",\"audit_mac\":\"%s\"}\n",
			source, id, mac);
}

/* ------------------------------------------------------------ checking */

static enum kf_err walk(struct kf_db *db, struct kf_audit_report *rep, int64_t anchor_id, char anchor_row_mac[65])
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, at, actor, action, subject, digest, prev_hash, hash,"
					       " mac_version FROM audit_log ORDER BY id");
	if (!st)
		return KF_EDB;
	char prev[65];
	snprintf(prev, sizeof(prev), "%s", GENESIS);
	int64_t prev_id = 0;
	bool keyed = false;
	enum kf_err rc = KF_OK;
	enum kf_step s;
	anchor_row_mac[0] = '\0';
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		int64_t id = kf_stmt_int(st, 0), version = kf_stmt_int(st, 8);
		const char *stored_prev = kf_stmt_text(st, 6), *stored = kf_stmt_text(st, 7);
		char want[65];
		rep->broken_id = id;
		rc = KF_ECONFLICT;
		if (strcmp(stored_prev, prev)) {
			if (!prev_id)
				snprintf(rep->msg, sizeof(rep->msg),
					 "row %" PRId64 " does not start the chain: rows before it were deleted, or it "
					 "was changed",
					 id);
			else if (id != prev_id + 1)
				snprintf(rep->msg, sizeof(rep->msg),
					 "row %" PRId64 " follows row %" PRId64 " and does not link to it: rows were "
					 "deleted or reordered",
					 id, prev_id);
			else
				snprintf(rep->msg, sizeof(rep->msg),
					 "row %" PRId64 " does not link to row %" PRId64 ": rows were deleted, inserted "
					 "or reordered, or row %" PRId64 " was changed",
					 id, prev_id, prev_id);
			break;
		}
		if (version == 0) {
			if (keyed) {
				snprintf(rep->msg, sizeof(rep->msg),
					 "row %" PRId64 " claims the old unkeyed form after keyed rows: it was forged", id);
				break;
			}
			legacy_hash(prev, kf_stmt_int(st, 1), kf_stmt_text(st, 2), kf_stmt_text(st, 3),
				    kf_stmt_text(st, 4), kf_stmt_text(st, 5), want);
		} else if (version == 1) {
			if (!g.have_key) {
				snprintf(rep->msg, sizeof(rep->msg),
					 "row %" PRId64 " is keyed but the audit key (DATA_DIR/audit.key) is missing: "
					 "restore it from its backup",
					 id);
				break;
			}
			if (!prev_id)
				snprintf(rep->msg, sizeof(rep->msg),
					 "row %" PRId64 " does not start the chain: rows before it were deleted, or it "
					 "was changed",
					 id);
			else if (id != prev_id + 1) {
				snprintf(rep->msg, sizeof(rep->msg),
					 "row %" PRId64 " follows row %" PRId64 ": rows were deleted or renumbered", id,
					 prev_id);
				break;
			}
			keyed = true;
			row_mac(id, prev, kf_stmt_int(st, 1), kf_stmt_text(st, 2), kf_stmt_text(st, 3),
				kf_stmt_text(st, 4), kf_stmt_text(st, 5), want);
		} else {
			snprintf(rep->msg, sizeof(rep->msg), "row %" PRId64 " has an unknown mac_version %" PRId64, id,
				 version);
			break;
		}
		if (strlen(stored) != 64 || sodium_memcmp(stored, want, 64)) {
			snprintf(rep->msg, sizeof(rep->msg),
				 "row %" PRId64 " was changed: its %s does not match its content", id,
				 version ? "MAC (HMAC-SHA-256 with the audit key)" : "hash");
			break;
		}
		rc = KF_OK;
		rep->broken_id = 0;
		if (id == anchor_id)
			snprintf(anchor_row_mac, 65, "%s", stored);
		snprintf(prev, sizeof(prev), "%s", stored);
		prev_id = id;
		rep->rows++;
		rep->head_id = id;
	}
	if (s == KF_STEP_ERROR)
		rc = KF_EDB;
	kf_stmt_done(st);
	return rc;
}

enum kf_err kf_audit_verify(struct kf_db *db, struct kf_audit_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	char anchor_mac[65], row_mac_at_anchor[65];
	int64_t anchor_id = -1;
	int have = anchor_read(&anchor_id, anchor_mac);
	if (have != 1)
		anchor_id = -1;
	rep->anchor_id = anchor_id;
	enum kf_err rc = walk(db, rep, anchor_id, row_mac_at_anchor);
	if (rc != KF_OK)
		return rc;
	bool keyed = false;
	if (has_keyed_rows(db, &keyed) != KF_OK)
		return KF_EDB;
	if (have < 0) {
		snprintf(rep->msg, sizeof(rep->msg), "the anchor DATA_DIR/audit.anchor is unreadable");
		return KF_ECONFLICT;
	}
	if (have == 0) {
		if (!keyed && !g.have_key) {
			snprintf(rep->msg, sizeof(rep->msg), "%" PRId64 " rows (old unkeyed chain, no anchor yet)",
				 rep->rows);
			return KF_OK;
		}
		snprintf(rep->msg, sizeof(rep->msg),
			 "the anchor DATA_DIR/audit.anchor is missing: rows may have been removed from the end; "
			 "restore it from its backup, or after checking the log run kaifang audit anchor");
		return KF_ECONFLICT;
	}
	if (anchor_id > rep->head_id) {
		snprintf(rep->msg, sizeof(rep->msg),
			 "the log ends at row %" PRId64 " but the anchor records row %" PRId64
			 ": rows were removed from the end",
			 rep->head_id, anchor_id);
		return KF_ECONFLICT;
	}
	if (anchor_id > 0 && strcmp(row_mac_at_anchor, anchor_mac)) {
		rep->broken_id = anchor_id;
		snprintf(rep->msg, sizeof(rep->msg),
			 "row %" PRId64 " is not the row the anchor records: the log was rewritten", anchor_id);
		return KF_ECONFLICT;
	}
	snprintf(rep->msg, sizeof(rep->msg), "%" PRId64 " rows, head row %" PRId64 ", anchored at row %" PRId64,
		 rep->rows, rep->head_id, anchor_id);
	return KF_OK;
}

enum kf_err kf_audit_reanchor(struct kf_db *db, struct kf_audit_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	char unused[65];
	enum kf_err rc = walk(db, rep, -1, unused);
	if (rc != KF_OK)
		return rc;
	int64_t id;
	char mac[65];
	if (kf_audit_head(db, &id, mac) != KF_OK || kf_db_sync(db) != KF_OK)
		return KF_EDB;
	if (!anchor_move(db, id, id ? mac : GENESIS, true, true))
		return KF_EINTERNAL;
	rep->anchor_id = id;
	snprintf(rep->msg, sizeof(rep->msg), "%" PRId64 " rows intact; anchored at row %" PRId64, rep->rows, id);
	return KF_OK;
}

static void bind_opt_text(struct kf_stmt *st, int idx, const char *s)
{
	if (s && *s) {
		kf_stmt_bind_text(st, idx, s);
		kf_stmt_bind_text(st, idx + 1, s);
	} else {
		kf_stmt_bind_null(st, idx);
		kf_stmt_bind_null(st, idx + 1);
	}
}

static void bind_opt_int(struct kf_stmt *st, int idx, int64_t v)
{
	if (v) {
		kf_stmt_bind_int(st, idx, v);
		kf_stmt_bind_int(st, idx + 1, v);
	} else {
		kf_stmt_bind_null(st, idx);
		kf_stmt_bind_null(st, idx + 1);
	}
}

enum kf_err kf_store_audit_list(struct kf_db *db, struct kf_arena *a, const struct kf_audit_filter *f, int limit,
				struct kf_audit_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, at, actor, action, subject, digest FROM audit_log"
		    " WHERE (CAST(? AS TEXT) IS NULL OR actor = ?) AND (CAST(? AS TEXT) IS NULL OR subject = ?)"
		    " AND (CAST(? AS TEXT) IS NULL OR action = ? OR action LIKE ? ESCAPE '\\')"
		    " AND (CAST(? AS BIGINT) IS NULL OR at >= ?) AND (CAST(? AS BIGINT) IS NULL OR at <= ?)"
		    " AND (CAST(? AS BIGINT) IS NULL OR id < ?) ORDER BY id DESC LIMIT ?");
	if (!st)
		return KF_EDB;
	bind_opt_text(st, 1, f->actor);
	bind_opt_text(st, 3, f->subject);
	bind_opt_text(st, 5, f->action);
	if (f->action && *f->action) {
		/* the prefix before a dot, with LIKE's wildcards escaped */
		size_t len = strlen(f->action);
		char *pat = kf_arena_alloc(a, 2 * len + 3);
		size_t k = 0;
		for (size_t i = 0; i < len; i++) {
			if (f->action[i] == '%' || f->action[i] == '_' || f->action[i] == '\\')
				pat[k++] = '\\';
			pat[k++] = f->action[i];
		}
		pat[k++] = '.';
		pat[k++] = '%';
		pat[k] = '\0';
		kf_stmt_bind_text(st, 7, pat);
	} else {
		kf_stmt_bind_null(st, 7);
	}
	bind_opt_int(st, 8, f->from);
	bind_opt_int(st, 10, f->to);
	bind_opt_int(st, 12, f->before);
	kf_stmt_bind_int(st, 14, limit);
	struct kf_audit_row *rows = kf_arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof(*rows));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW && *n < (size_t)limit) {
		struct kf_audit_row *row = &rows[(*n)++];
		row->id = kf_stmt_int(st, 0);
		row->at = kf_stmt_int(st, 1);
		row->actor = kf_arena_strdup(a, kf_stmt_text(st, 2));
		row->action = kf_arena_strdup(a, kf_stmt_text(st, 3));
		row->subject = kf_arena_strdup(a, kf_stmt_text(st, 4));
		row->digest = kf_arena_strdup(a, kf_stmt_text(st, 5));
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = rows;
	return KF_OK;
}

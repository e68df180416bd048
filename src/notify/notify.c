/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inbox and email notices, and the mail worker. Without an SMTP server the
 * worker writes each mail as an .eml file under DATA_DIR/mail (written to a
 * temporary name and renamed, so a reader never sees half a file); with one
 * it sends through libcurl. Failures retry with backoff and end `dead`
 * after 10 attempts.
 */
#include "notify/notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "store/db.h"
#include "util/mem.h"

enum kf_err kf_mail_enqueue(struct kf_db *db, int64_t now, const char *to, const char *subject, const char *body)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO emails (to_addr, subject, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, to);
	kf_stmt_bind_text(st, 2, subject);
	kf_stmt_bind_text(st, 3, body);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, now);
	return kf_stmt_exec(st);
}

enum kf_err kf_notify_user(struct kf_db *db, int64_t now, int64_t user_id, int64_t org_id, const char *kind,
			   const char *title, const char *body)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO notifications (user_id, org_id, kind, title, body, created_at) VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	if (org_id)
		kf_stmt_bind_int(st, 2, org_id);
	else
		kf_stmt_bind_null(st, 2);
	kf_stmt_bind_text(st, 3, kind);
	kf_stmt_bind_text(st, 4, title);
	kf_stmt_bind_text(st, 5, body);
	kf_stmt_bind_int(st, 6, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	st = kf_db_prepare(db, "SELECT email FROM users WHERE id = ? AND status = 'active'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	enum kf_step s = kf_stmt_step(st);
	char *to = s == KF_STEP_ROW ? kf_xstrdup(kf_stmt_text(st, 0)) : NULL;
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	enum kf_err rc = to ? kf_mail_enqueue(db, now, to, title, body) : KF_OK;
	free(to);
	return rc;
}

enum kf_err kf_notify_org(struct kf_db *db, int64_t now, int64_t org_id, const char *kind, const char *title,
			  const char *body)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT user_id FROM memberships WHERE org_id = ? ORDER BY user_id");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	int64_t ids[256];
	size_t n = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW && n < 256)
		ids[n++] = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	for (size_t i = 0; i < n; i++)
		if (kf_notify_user(db, now, ids[i], org_id, kind, title, body) != KF_OK)
			return KF_EDB;
	return KF_OK;
}

/* RFC 2047 encoded-word for a UTF-8 subject. */
static char *encode_subject(const char *s)
{
	size_t n = strlen(s);
	unsigned char *b64 = kf_xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock(b64, (const unsigned char *)s, (int)n);
	char *out = kf_xasprintf("=?UTF-8?B?%s?=", b64);
	free(b64);
	return out;
}

static char *format_mail(const char *from, const char *to, const char *subject, const char *body, int64_t id,
			 int64_t now)
{
	char date[64];
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	char *subj = encode_subject(subject);
	const char *at = strchr(from, '@');
	char *m = kf_xasprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
			       "Message-ID: <mail-%" PRId64 "-%" PRId64 "%s>\r\nMIME-Version: 1.0\r\n"
			       "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
			       from, to, subj, date, id, now, at ? at : "@localhost", body);
	free(subj);
	return m;
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;
	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	return n;
}

static int send_smtp(const struct kf_config *cfg, const char *to, const char *msg, char *errbuf)
{
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(errbuf, CURL_ERROR_SIZE, "curl init failed");
		return -1;
	}
	struct upload u = {msg, strlen(msg), 0};
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, cfg->smtp_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	/* With credentials, never send them in clear: require TLS. */
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(*cfg->smtp_user ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (*cfg->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	errbuf[0] = '\0';
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK && !errbuf[0])
		snprintf(errbuf, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

static int write_eml(const char *dir, int64_t id, const char *msg, char *errbuf)
{
	char *tmp = kf_xasprintf("%s/.%06" PRId64 ".tmp", dir, id);
	char *dst = kf_xasprintf("%s/%06" PRId64 ".eml", dir, id);
	int rc = -1;
	FILE *f = fopen(tmp, "wb");
	if (f) {
		bool ok = fputs(msg, f) >= 0;
		ok = (fclose(f) == 0) && ok;
		if (ok && rename(tmp, dst) == 0)
			rc = 0;
	}
	if (rc < 0) {
		snprintf(errbuf, CURL_ERROR_SIZE, "cannot write %s: %s", dst, strerror(errno));
		remove(tmp);
	}
	free(tmp);
	free(dst);
	return rc;
}

struct due {
	int64_t id;
	int64_t attempts;
	char *to, *subject, *body;
};

int kf_mail_worker_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, to_addr, subject, body, attempts FROM emails WHERE state = 'pending'"
		    " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 32");
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, now);
	struct due d[32];
	int n = 0;
	bool failed = false;
	while (n < 32 && kf_stmt_step(st) == KF_STEP_ROW) {
		d[n].id = kf_stmt_int(st, 0);
		d[n].to = kf_xstrdup(kf_stmt_text(st, 1));
		d[n].subject = kf_xstrdup(kf_stmt_text(st, 2));
		d[n].body = kf_xstrdup(kf_stmt_text(st, 3));
		d[n].attempts = kf_stmt_int(st, 4);
		n++;
	}
	kf_stmt_done(st);
	/* a mail leaves the process: its row must be durable first (under
	 * group commit a reader can see a commit one sync before it is) */
	bool sendable = n == 0 || kf_db_sync(db) == KF_OK;
	for (int i = 0; i < n && !sendable; i++) {
		free(d[i].to);
		free(d[i].subject);
		free(d[i].body);
	}
	if (!sendable)
		return -1;
	for (int i = 0; i < n; i++) {
		char errbuf[CURL_ERROR_SIZE];
		char *msg = format_mail(ctx->cfg.smtp_from, d[i].to, d[i].subject, d[i].body, d[i].id, now);
		int rc = *ctx->cfg.smtp_url ? send_smtp(&ctx->cfg, d[i].to, msg, errbuf)
					    : write_eml(ctx->mail_dir, d[i].id, msg, errbuf);
		free(msg);
		int64_t attempts = d[i].attempts + 1;
		int64_t backoff = 30LL << (attempts < 10 ? attempts : 10);
		st = kf_db_prepare(db, rc == 0 ? "UPDATE emails SET state = 'sent', sent_at = ?, attempts = ? WHERE id = ?"
					       : "UPDATE emails SET state = CASE WHEN ? >= 10 THEN 'dead' ELSE 'pending' END,"
						 " attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?");
		if (st) {
			if (rc == 0) {
				kf_stmt_bind_int(st, 1, now);
				kf_stmt_bind_int(st, 2, attempts);
				kf_stmt_bind_int(st, 3, d[i].id);
			} else {
				kf_stmt_bind_int(st, 1, attempts);
				kf_stmt_bind_int(st, 2, attempts);
				kf_stmt_bind_int(st, 3, now + backoff);
				kf_stmt_bind_text(st, 4, errbuf);
				kf_stmt_bind_int(st, 5, d[i].id);
			}
			if (kf_stmt_exec(st) != KF_OK)
				failed = true;
		} else {
			failed = true;
		}
		free(d[i].to);
		free(d[i].subject);
		free(d[i].body);
	}
	return failed ? -1 : n;
}

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

#include "core/validate.h"
#include "ctx.h"
#include "store/announcements.h"
#include "store/notices.h"
#include "util/mem.h"

enum kf_err kf_mail_enqueue(struct kf_db *db, int64_t now, const char *to, const char *subject, const char *body)
{
	return kf_store_mail_insert(db, to, subject, body, now);
}

static char console_base[512];

/* The Chinese titles of the notices, by kind: a mail to an account in
 * Chinese carries one as its subject and first line. (The notice's body
 * is the inbox's, in English, for now.) */
static const struct {
	const char *kind, *zh;
} zh_titles[] = {
	{"member.added", "您已加入服务商"},
	{"provider.application_submitted", "资质申请已提交"},
	{"provider.qualified", "资质审核已通过"},
	{"provider.rejected", "资质审核未通过"},
	{"provider.certified", "服务商已完成认证"},
	{"provider.cancelled", "服务商帐号已注销"},
	{"provider.banned", "服务商已被封禁"},
	{"provider.unbanned", "服务商封禁已解除"},
	{"provider.reverify_required", "需要重新验证资质"},
	{"provider.authenticity_submitted", "真实性认证已提交"},
	{"provider.authenticity_approved", "真实性认证已通过"},
	{"provider.authenticity_rejected", "真实性认证未通过"},
	{"app.creation_submitted", "应用已提交创建审核"},
	{"app.creation_approved", "应用创建审核已通过"},
	{"app.creation_rejected", "应用创建审核未通过"},
	{"app.release_submitted", "应用已提交发布审核"},
	{"app.release_approved", "应用已发布"},
	{"app.release_rejected", "应用发布审核未通过"},
	{"app.change_submitted", "应用变更已提交审核"},
	{"app.change_approved", "应用变更审核已通过"},
	{"app.change_rejected", "应用变更审核未通过"},
	{"app.suspended", "应用已被暂停"},
	{"app.unsuspended", "应用暂停已解除"},
	{"objection.upheld", "异议已被支持"},
	{"objection.rejected", "异议已被驳回"},
	{"objection.new", "新的异议"},
	{"app.qualification_accepted", "应用资质文件已通过"},
	{"app.qualification_rejected", "应用资质文件未通过"},
	{"app.display_listing_submitted", "展示位申请已提交"},
	{"app.display_listing_approved", "展示位申请已通过"},
	{"app.display_listing_rejected", "展示位申请未通过"},
	{"app.search_listing_submitted", "搜索位申请已提交"},
	{"app.search_listing_approved", "搜索位申请已通过"},
	{"app.search_listing_rejected", "搜索位申请未通过"},
	{"measure.scheduled", "平台处置措施即将生效"},
	{"measure.started", "平台处置措施已生效"},
	{"measure.ended", "平台处置措施已结束"},
	{"agreement.published", "协议新版本发布"},
	{"announcement", "平台公告"},
	{"campaign.approved", "营销活动已通过"},
	{"campaign.rejected", "营销活动未通过"},

	{"review.new", "新的审核"},
	{"review.due_soon", "审核明天到期"},
	{"review.overdue", "审核已逾期"},
};

const char *kf_notify_title_zh(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof(zh_titles) / sizeof(zh_titles[0]); i++)
		if (!strcmp(zh_titles[i].kind, kind))
			return zh_titles[i].zh;
	return NULL;
}

void kf_notify_set_console_base(const char *base)
{
	snprintf(console_base, sizeof(console_base), "%s", base ? base : "");
}

const char *kf_notify_console_base(void)
{
	return console_base;
}

static enum kf_err notify_user(struct kf_db *db, int64_t now, int64_t user_id, int64_t org_id, const char *app_id,
			       const char *kind, const char *title, const char *body)
{
	if (kf_store_notification_insert(db, user_id, org_id, app_id, kind, title, body, now) != KF_OK)
		return KF_EDB;
	char to[KF_EMAIL_MAX + 1], lang[4];
	enum kf_err rc = kf_store_notice_recipient(db, user_id, to, sizeof(to), lang);
	if (rc == KF_ENOTFOUND)
		return KF_OK; /* no mail for an account that is not active */
	if (rc != KF_OK)
		return KF_EDB;
	/* The notice's own text is the inbox's (English); the mail around it
	 * is in the account's language and says where to read and act on it. */
	bool zh = !strcmp(lang, "zh");
	const char *zt = kf_notify_title_zh(kind);
	char *subject = kf_xasprintf(zh ? "开放平台通知：%s" : "%s", zh && zt ? zt : title);
	char *text = zh ? kf_xasprintf("您在开放平台有一条新通知：%s\n\n通知原文（英文）：\n%s\n\n%s\n\n"
				       "在控制台的收件箱中查看并处理：%s/console/\n",
				       zt ? zt : title, title, body, console_base)
			: kf_xasprintf("%s\n\nRead it and act on it in your inbox in the Kaifang console: %s/console/\n",
				       body, console_base);
	rc = kf_mail_enqueue(db, now, to, subject, text);
	free(subject);
	free(text);
	return rc;
}

enum kf_err kf_notify_user(struct kf_db *db, int64_t now, int64_t user_id, int64_t org_id, const char *kind,
			   const char *title, const char *body)
{
	return notify_user(db, now, user_id, org_id, NULL, kind, title, body);
}

enum kf_err kf_notify_all_accounts(struct kf_db *db, int64_t now, const char *kind, const char *title,
				   const char *title_zh, const char *body, int64_t *accounts)
{
	const char *zt = title_zh ? title_zh : kf_notify_title_zh(kind);
	char *subject_zh = kf_xasprintf("开放平台通知：%s", zt ? zt : title);
	char *text_zh = kf_xasprintf("您在开放平台有一条新通知：%s\n\n通知原文（英文）：\n%s\n\n%s\n\n"
				     "在控制台的收件箱中查看并处理：%s/console/\n",
				     zt ? zt : title, title, body, console_base);
	char *text_en = kf_xasprintf("%s\n\nRead it and act on it in your inbox in the Kaifang console: %s/console/\n",
				     body, console_base);
	enum kf_err rc = kf_store_notify_all_accounts(db, kind, title, body, subject_zh, text_zh, title, text_en, now,
						      accounts);
	free(subject_zh);
	free(text_zh);
	free(text_en);
	return rc;
}

enum kf_err kf_notify_providers_announcement(struct kf_db *db, int64_t now, const char *title_zh,
					     const char *title_en, const char *body_zh, const char *body_en,
					     int64_t *accounts)
{
	char *body = kf_xasprintf("%s\n\n%s\n%s", body_en, title_zh, body_zh);
	char *subject_zh = kf_xasprintf("开放平台公告：%s", title_zh);
	char *text_zh = kf_xasprintf("%s\n\n%s\n\n在控制台查看：%s/console/\n", title_zh, body_zh, console_base);
	char *subject_en = kf_xasprintf("Kaifang announcement: %s", title_en);
	char *text_en = kf_xasprintf("%s\n\n%s\n\nRead it in the Kaifang console: %s/console/\n", title_en, body_en,
				     console_base);
	enum kf_err rc = kf_store_notify_providers(db, "announcement", title_en, body, subject_zh, text_zh, subject_en,
						   text_en, now, accounts);
	free(body);
	free(subject_zh);
	free(text_zh);
	free(subject_en);
	free(text_en);
	return rc;
}

enum kf_err kf_notify_org_app(struct kf_db *db, int64_t now, int64_t org_id, const char *app_id, const char *kind,
			      const char *title, const char *body)
{
	int64_t ids[256];
	size_t n = 0;
	if (kf_store_org_member_ids(db, org_id, ids, 256, &n) != KF_OK)
		return KF_EDB;
	for (size_t i = 0; i < n; i++)
		if (notify_user(db, now, ids[i], org_id, app_id, kind, title, body) != KF_OK)
			return KF_EDB;
	return KF_OK;
}

enum kf_err kf_notify_org(struct kf_db *db, int64_t now, int64_t org_id, const char *kind, const char *title,
			  const char *body)
{
	return kf_notify_org_app(db, now, org_id, NULL, kind, title, body);
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

int kf_mail_worker_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now, bool (*keep)(void *arg), void *arg)
{
	struct kf_mail_row d[32];
	size_t n = 0;
	if (kf_store_mail_due(db, now, d, 32, &n) != KF_OK) {
		kf_store_mail_rows_clear(d, n);
		return -1;
	}
	bool failed = false;
	size_t done = n;
	for (size_t i = 0; i < n; i++) {
		/* a slow SMTP server can make a pass outlast the worker's lease:
		 * ask before each mail, and leave the rest to the next holder */
		if (keep && !keep(arg)) {
			done = i;
			break;
		}
		char errbuf[CURL_ERROR_SIZE];
		char *msg = format_mail(ctx->cfg.smtp_from, d[i].to, d[i].subject, d[i].body, d[i].id, now);
		int rc = *ctx->cfg.smtp_url ? send_smtp(&ctx->cfg, d[i].to, msg, errbuf)
					    : write_eml(ctx->mail_dir, d[i].id, msg, errbuf);
		free(msg);
		int64_t attempts = d[i].attempts + 1;
		int64_t backoff = 30LL << (attempts < 10 ? attempts : 10);
		if ((rc == 0 ? kf_store_mail_sent(db, d[i].id, attempts, now)
			     : kf_store_mail_failed(db, d[i].id, attempts, now + backoff, errbuf)) != KF_OK)
			failed = true;
	}
	kf_store_mail_rows_clear(d, n);
	return failed ? -1 : (int)done;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Notices to staff about reviews (see staff_notices.h). Every step is one
 * transaction that records what it sent, so a pass cut short by a crash or
 * a restart sends nothing twice and forgets nothing. */
#include "staff_notices.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/validate.h"
#include "core/review.h"
#include "ctx.h"
#include "notify/notify.h"
#include "store/db.h"
#include "store/notices.h"
#include "store/reviews.h"
#include "store/staff.h"
#include "util/mem.h"

#define BATCH 100
#define MAX_STAFF 256

static const struct {
	const char *kind, *en, *zh;
} words[] = {
	{"new", "New review", "新的审核"},
	{"due_soon", "Review due tomorrow", "审核明天到期"},
	{"overdue", "Review overdue", "审核已逾期"},
};

static size_t word(const char *kind)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i].kind, kind))
			return i;
	return 0;
}

/* One review's notice of one kind to its people, in one transaction. */
static int notice_review(struct kf_db *db, const struct kf_calendar *cal, int64_t id, const char *kind, int64_t now,
			 const int64_t *staff, size_t n_staff)
{
	if (kf_db_begin(db) != KF_OK)
		return -1;
	struct kf_review_row rv;
	bool first = false;
	json_t *o = NULL;
	int sent = 0;
	if (kf_store_review_get(db, id, &rv) != KF_OK)
		goto fail;
	/* core says which deadline notice is due (REV-1); the query only
	 * narrowed the candidates */
	enum kf_staff_notice due = kf_review_deadline_notice(cal, rv.due_at, now);
	if ((!strcmp(kind, "due_soon") && due != KF_STAFF_NOTICE_DUE_SOON) ||
	    (!strcmp(kind, "overdue") && due != KF_STAFF_NOTICE_OVERDUE) || rv.state != KF_REVIEW_PENDING) {
		kf_db_rollback(db);
		return 0;
	}
	if (kf_store_review_notice_mark(db, id, kind, now, &first) != KF_OK)
		goto fail;
	if (first) {
		o = kf_store_review_json(db, id);
		if (!o)
			goto fail;
		const int64_t *to = rv.assignee_id ? &rv.assignee_id : staff;
		size_t n_to = rv.assignee_id ? 1 : n_staff;
		char title[160], body[600];
		snprintf(title, sizeof(title), "%s: %s", words[word(kind)].en,
			 json_string_value(json_object_get(o, "subject_name")));
		snprintf(body, sizeof(body), "The %s review of %s (provider %s) is due at %lld. Open it: %s/console/reviews/%lld",
			 json_string_value(json_object_get(o, "kind")),
			 json_string_value(json_object_get(o, "subject_name")),
			 json_string_value(json_object_get(o, "provider_name")),
			 (long long)rv.due_at, kf_notify_console_base(), (long long)id);
		char nkind[32];
		snprintf(nkind, sizeof(nkind), "review.%s", kind);
		for (size_t i = 0; i < n_to; i++) {
			bool told = false;
			if (kf_store_staff_notice_add(db, to[i], id, kind, now, &told) != KF_OK)
				goto fail;
			if (told) {
				if (kf_store_notification_insert(db, to[i], 0, NULL, nkind, title, body, now) != KF_OK)
					goto fail;
				sent++;
			}
		}
	}
	json_decref(o);
	if (kf_db_commit(db) != KF_OK)
		return -1;
	return sent;
fail:
	json_decref(o);
	kf_db_rollback(db);
	return -1;
}

static const char *local_date(const struct kf_calendar *cal, int64_t t, char buf[16])
{
	int y, m, d;
	kf_calendar_civil_from_days(kf_calendar_local_day(cal, t), &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
	return buf;
}

/* The digest of one person, in one transaction; 1 when a mail went out. */
static int digest_user(struct kf_db *db, const struct kf_calendar *cal, int64_t user, int64_t now)
{
	int64_t today = kf_calendar_local_day(cal, now);
	if (kf_db_begin(db) != KF_OK)
		return -1;
	bool on = true;
	int64_t last = 0;
	json_t *items = NULL;
	char *text = NULL;
	int sent = 0;
	if (kf_store_staff_settings(db, user, &on, &last) != KF_OK)
		goto fail;
	if (!on) {
		/* switched off: the inbox has them; no mail, now or later */
		if (kf_store_staff_digest_done(db, user, now, 0) != KF_OK)
			goto fail;
		goto done;
	}
	if (last == today)
		goto done; /* today's digest went out: the rest waits for tomorrow's */
	char to[KF_EMAIL_MAX + 1], lang[4];
	enum kf_err rc = kf_store_notice_recipient(db, user, to, sizeof(to), lang);
	if (rc == KF_ENOTFOUND) {
		if (kf_store_staff_digest_done(db, user, now, 0) != KF_OK)
			goto fail;
		goto done;
	}
	if (rc != KF_OK || !(items = kf_store_staff_digest_items(db, user)))
		goto fail;
	bool zh = !strcmp(lang, "zh");
	char date[16];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		goto fail;
	fputs(zh ? "以下审核需要您处理（开放平台每日审核摘要）：\n\n" : "Reviews that need you (Kaifang daily review digest):\n\n", f);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		size_t w = word(json_string_value(json_object_get(it, "notice")));
		fprintf(f, "- %s: %s (%s, %s) %s %s\n  %s/console/reviews/%lld\n", zh ? words[w].zh : words[w].en,
			json_string_value(json_object_get(it, "subject_name")), json_string_value(json_object_get(it, "kind")),
			json_string_value(json_object_get(it, "provider_name")), zh ? "截止" : "due",
			local_date(cal, json_integer_value(json_object_get(it, "due_at")), date), kf_notify_console_base(),
			(long long)json_integer_value(json_object_get(it, "review_id")));
	}
	fprintf(f, zh ? "\n审核队列：%s/console/reviews\n" : "\nThe review queue: %s/console/reviews\n", kf_notify_console_base());
	if (fclose(f) != 0)
		goto fail;
	char subject[96];
	snprintf(subject, sizeof(subject), zh ? "开放平台审核摘要（%s）：%zu 项" : "Kaifang review digest (%s): %zu items",
		 local_date(cal, now, date), json_array_size(items));
	if (json_array_size(items)) {
		if (kf_mail_enqueue(db, now, to, subject, text) != KF_OK)
			goto fail;
		sent = 1;
	}
	if (kf_store_staff_digest_done(db, user, now, today) != KF_OK)
		goto fail;
done:
	json_decref(items);
	free(text);
	if (kf_db_commit(db) != KF_OK)
		return -1;
	return sent;
fail:
	json_decref(items);
	free(text);
	kf_db_rollback(db);
	return -1;
}

int kf_staff_notice_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now)
{
	struct kf_calendar cal;
	if (kf_store_calendar_load(db, ctx->cfg.utc_offset_seconds, &cal) != KF_OK) {
		kf_calendar_clear(&cal);
		return -1;
	}
	int total = 0;
	int64_t staff[MAX_STAFF], ids[BATCH];
	size_t n_staff = 0, n = 0;
	if (kf_store_staff_reviewer_ids(db, staff, MAX_STAFF, &n_staff) != KF_OK)
		goto fail;
	/* due tomorrow: due by the end of the next working day, not yet past */
	int64_t until = kf_calendar_add_workdays(&cal, now, 1);
	for (size_t k = 0; k < KF_STAFF_NOTICE_KINDS; k++) {
		const char *kind = kf_staff_notice_kinds[k];
		if (kf_store_staff_due_reviews(db, kind, now, until, ids, BATCH, &n) != KF_OK)
			goto fail;
		for (size_t i = 0; i < n; i++) {
			int s = notice_review(db, &cal, ids[i], kind, now, staff, n_staff);
			if (s < 0)
				goto fail;
			total += s;
		}
	}
	if (kf_store_staff_digest_users(db, ids, BATCH, &n) != KF_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		int s = digest_user(db, &cal, ids[i], now);
		if (s < 0)
			goto fail;
		total += s;
	}
	kf_calendar_clear(&cal);
	return total;
fail:
	kf_calendar_clear(&cal);
	return -1;
}

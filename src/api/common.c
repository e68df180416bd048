/* SPDX-License-Identifier: Apache-2.0 */
/* Shared handler helpers (see common.h). */
#include "api/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/calendar.h"
#include "core/provider.h"
#include "ctx.h"
#include "http/request.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/files.h"
#include "store/reviews.h"
#include "util/mem.h"

struct kf_db *kf_req_db(struct kf_req *r)
{
	if (!r->store)
		r->store = kf_dbpool_get(r->ctx->pool);
	return r->store;
}

void kf_api_release(struct kf_req *r)
{
	struct kf_db *db = r->store;
	if (!db)
		return;
	kf_db_rollback(db);
	kf_dbpool_put(r->ctx->pool, db);
	r->store = NULL;
}

void kf_reply_db_error(struct kf_req *r)
{
	kf_reply_fail(r, KF_EDB, "storage_error", NULL, NULL,
		      "the database could not complete the request; nothing was changed");
}

bool kf_api_begin(struct kf_req *r)
{
	/* The dispatcher opens the transaction of a write request before the
	 * handler reads anything; then this is already done. */
	if (kf_db_in_tx(kf_req_db(r)))
		return true;
	if (kf_db_begin(kf_req_db(r)) != KF_OK) {
		kf_reply_db_error(r);
		return false;
	}
	return true;
}

bool kf_api_commit(struct kf_req *r)
{
	/* A request with an Idempotency-Key: the dispatcher commits once the
	 * answer is rendered, with the answer (see dispatch.c). */
	if (r->hold_commit && kf_db_in_tx(kf_req_db(r))) {
		r->commit_held = true;
		return true;
	}
	if (kf_db_commit(kf_req_db(r)) != KF_OK) {
		kf_reply_db_error(r);
		return false;
	}
	return true;
}

void kf_api_abort_db(struct kf_req *r)
{
	kf_db_rollback(kf_req_db(r));
	kf_reply_db_error(r);
}

void kf_api_rollback(struct kf_req *r)
{
	kf_db_rollback(kf_req_db(r));
}

const char *kf_api_cookie_attrs(struct kf_req *r)
{
	const char *pub = r->ctx->cfg.public_url;
	return pub && !strncasecmp(pub, "https://", 8) ? "Path=/; HttpOnly; SameSite=Lax; Secure"
						       : "Path=/; HttpOnly; SameSite=Lax";
}

bool kf_api_audit(struct kf_req *r, const char *action, const char *subject, const char *detail)
{
	return kf_audit_append(kf_req_db(r), r->now, kf_api_actor(r), action, subject, detail) == KF_OK;
}

bool kf_api_uint_parse(const char *s, int64_t *out)
{
	if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
		return false;
	*out = strtoll(s, NULL, 10);
	return true;
}

bool kf_api_cursor_parse(const char *s, struct kf_page_key *out)
{
	*out = (struct kf_page_key){0};
	const char *dot = s ? strchr(s, '.') : NULL;
	char key[24];
	size_t kl = dot ? (size_t)(dot - s) : 0;
	if (!dot || kl >= sizeof(key))
		return false;
	memcpy(key, s, kl);
	key[kl] = '\0';
	if (!kf_api_uint_parse(key, &out->key) || !kf_api_uint_parse(dot + 1, &out->id)) {
		*out = (struct kf_page_key){0};
		return false;
	}
	out->set = true;
	return true;
}

bool kf_api_page(struct kf_req *r, int64_t *after, int *limit)
{
	const char *a = kf_req_query(r, "after"), *l = kf_req_query(r, "limit");
	int64_t v;
	*after = 0;
	*limit = 50;
	if (a) {
		if (!kf_api_uint_parse(a, &v)) {
			kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "after", "after must be a non-negative integer");
			return false;
		}
		*after = v;
	}
	if (l) {
		if (!kf_api_uint_parse(l, &v) || v < 1 || v > 200) {
			kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "limit", "limit must be between 1 and 200");
			return false;
		}
		*limit = (int)v;
	}
	return true;
}

bool kf_api_page_keyset(struct kf_req *r, int def_limit, int max_limit, struct kf_page_key *after, int *limit)
{
	const char *a = kf_req_query(r, "after"), *l = kf_req_query(r, "limit");
	int64_t v;
	*after = (struct kf_page_key){0};
	*limit = def_limit;
	if (a && !kf_api_cursor_parse(a, after)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "after",
			      "after must be the next_after of the previous page");
		return false;
	}
	if (l) {
		if (!kf_api_uint_parse(l, &v) || v < 1 || v > max_limit) {
			kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "limit", "limit must be between 1 and %d",
				      max_limit);
			return false;
		}
		*limit = (int)v;
	}
	return true;
}

bool kf_api_cursor_format(int64_t key, int64_t id, char *buf, size_t size)
{
	int w = snprintf(buf, size, "%lld.%lld", (long long)key, (long long)id);
	return w >= 0 && (size_t)w < size;
}

const char *kf_api_cursor(struct kf_req *r, int64_t key, int64_t id)
{
	char buf[KF_API_CURSOR_SIZE];
	if (!kf_api_cursor_format(key, id, buf, sizeof(buf)))
		buf[0] = '\0';
	return kf_arena_strdup(r->arena, buf);
}

bool kf_api_review_due(struct kf_req *r, int64_t *due_at)
{
	struct kf_calendar cal;
	if (kf_store_calendar_load(kf_req_db(r), r->ctx->cfg.utc_offset_seconds, &cal) != KF_OK) {
		kf_calendar_clear(&cal);
		return false;
	}
	*due_at = kf_calendar_add_workdays(&cal, r->now, (int)r->ctx->cfg.review_workdays);
	kf_calendar_clear(&cal);
	return true;
}

void kf_api_onb_policy(struct kf_req *r, struct kf_onb_policy *out)
{
	*out = kf_onb_policy_default();
	const struct kf_config *cfg = &r->ctx->cfg;
	out->lock_seconds = cfg->lock_period;
	out->retention_seconds = cfg->retention;
	out->individuals_allowed = cfg->individuals_allowed;
	/* split the comma list into the arena */
	size_t n = 0;
	const char **kinds = kf_arena_alloc(r->arena, 16 * sizeof(*kinds));
	char *list = kf_arena_strdup(r->arena, cfg->excluded_kinds);
	for (char *save = NULL, *t = strtok_r(list, ", ", &save); t && n < 16; t = strtok_r(NULL, ", ", &save))
		kinds[n++] = t;
	out->excluded_kinds = kinds;
	out->n_excluded = n;
}

bool kf_api_reply_file(struct kf_req *r, const struct kf_file_row *f)
{
	char *path = kf_files_blob_path(r->ctx->files_dir, f->sha256);
	FILE *fp = path ? fopen(path, "rb") : NULL;
	free(path);
	if (!fp) {
		kf_reply_fail(r, KF_EINTERNAL, "storage_error", NULL, NULL, "the file's content is missing");
		return false;
	}
	char *buf = kf_arena_alloc(r->arena, (size_t)f->size + 1);
	size_t n = fread(buf, 1, (size_t)f->size, fp);
	fclose(fp);
	kf_reply_raw(r, 200, kf_arena_strdup(r->arena, f->content_type), buf, n);
	return true;
}

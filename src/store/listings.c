/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQL for listings, URL checks, term lists and category qualifications
 * (see listings.h). Listing rows are never updated: a save inserts a new
 * version, so what a review saw stays as it was.
 */
#include "store/listings.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "util/mem.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

#define GENERATION_KEY "term_lists.generation"

/* ---- Listing versions ---- */

enum kf_err kf_store_listing_insert(struct kf_db *db, int64_t app, const char *body, const char *findings,
				    int64_t by, int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO listings (app, body, findings, created_by, created_at) VALUES (?, ?, ?, NULLIF(?, 0), ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, body);
	kf_stmt_bind_text(st, 3, findings);
	kf_stmt_bind_int(st, 4, by);
	kf_stmt_bind_int(st, 5, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_app_set_draft_listing(struct kf_db *db, int64_t app, int64_t listing_id, int64_t now)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "UPDATE apps SET draft_listing_id = NULLIF(?, 0), updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, listing_id);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, app);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_listing_get(struct kf_db *db, int64_t id, struct kf_listing_row *out)
{
	memset(out, 0, sizeof(*out));
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, app, body, findings, COALESCE(created_by, 0), created_at FROM listings WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	out->id = kf_stmt_int(st, 0);
	out->app = kf_stmt_int(st, 1);
	out->body = json_loads(kf_stmt_text(st, 2), JSON_REJECT_DUPLICATES, NULL);
	out->findings = json_loads(kf_stmt_text(st, 3), JSON_REJECT_DUPLICATES, NULL);
	out->created_by = kf_stmt_int(st, 4);
	out->created_at = kf_stmt_int(st, 5);
	kf_stmt_done(st);
	if (!json_is_object(out->body) || !json_is_array(out->findings)) {
		kf_store_listing_row_clear(out);
		return KF_EDB;
	}
	return KF_OK;
}

void kf_store_listing_row_clear(struct kf_listing_row *row)
{
	json_decref(row->body);
	json_decref(row->findings);
	row->body = row->findings = NULL;
}

json_t *kf_store_listing_json(struct kf_db *db, int64_t listing_id)
{
	struct kf_listing_row row;
	if (listing_id <= 0 || kf_store_listing_get(db, listing_id, &row) != KF_OK)
		return NULL;
	json_t *body = json_incref(row.body);
	kf_store_listing_row_clear(&row);
	return body;
}

/* ---- Retention ---- */

int kf_store_listings_expire(struct kf_db *db, int64_t before)
{
	return kf_db_delete_before(
		db, kf_db_dialect(
			    db,
			    "DELETE FROM listings WHERE created_at < ?"
			    " AND id NOT IN (SELECT draft_listing_id FROM apps WHERE draft_listing_id IS NOT NULL)"
			    " AND id NOT IN (SELECT live_listing_id FROM apps WHERE live_listing_id IS NOT NULL)"
			    " AND id NOT IN (SELECT json_extract(detail, '$.listing_id') FROM reviews"
			    "                WHERE detail IS NOT NULL AND json_valid(detail)"
			    "                AND json_extract(detail, '$.listing_id') IS NOT NULL)",
			    "DELETE FROM listings WHERE created_at < ?"
			    " AND id NOT IN (SELECT draft_listing_id FROM apps WHERE draft_listing_id IS NOT NULL)"
			    " AND id NOT IN (SELECT live_listing_id FROM apps WHERE live_listing_id IS NOT NULL)"
			    " AND id NOT IN (SELECT CAST(CAST(detail AS jsonb) ->> 'listing_id' AS BIGINT) FROM reviews"
			    "                WHERE detail IS NOT NULL"
			    "                AND jsonb_typeof(CAST(detail AS jsonb) -> 'listing_id') = 'number')"),
		before);
}

int kf_store_url_checks_expire(struct kf_db *db, int64_t before)
{
	return kf_db_delete_before(
		db, kf_db_dialect(
			    db,
			    "DELETE FROM url_checks WHERE state <> 'pending' AND checked_at < ?"
			    " AND url NOT IN (SELECT u.value FROM apps a JOIN listings l"
			    "   ON l.id = a.draft_listing_id OR l.id = a.live_listing_id,"
			    "   json_each(json_array(json_extract(l.body, '$.privacy_url'),"
			    "     json_extract(l.body, '$.terms_url'), json_extract(l.body, '$.website'))) u"
			    "   WHERE json_valid(l.body) AND u.type = 'text')",
			    "DELETE FROM url_checks WHERE state <> 'pending' AND checked_at < ?"
			    " AND url NOT IN (SELECT u.value FROM apps a JOIN listings l"
			    "   ON l.id = a.draft_listing_id OR l.id = a.live_listing_id,"
			    "   LATERAL (VALUES (CAST(l.body AS jsonb) ->> 'privacy_url'),"
			    "     (CAST(l.body AS jsonb) ->> 'terms_url'), (CAST(l.body AS jsonb) ->> 'website')) u(value)"
			    "   WHERE u.value IS NOT NULL)"),
		before);
}

/* ---- URL checks ---- */

enum kf_err kf_store_url_check_queue(struct kf_db *db, const char *url, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO url_checks (url, state, requested_at) VALUES (?, 'pending', ?)"
		    " ON CONFLICT (url) DO UPDATE SET state = 'pending', requested_at = excluded.requested_at,"
		    " claimed_until = NULL"
		    " WHERE url_checks.state <> 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, url);
	kf_stmt_bind_int(st, 2, now);
	return kf_stmt_exec(st);
}

#define URL_COLS                                                                                          \
	"SELECT url, state, status, final_url, redirects, ms, error, requested_at, checked_at FROM url_checks" \
	" WHERE url = ?"

enum kf_err kf_store_url_check_get(struct kf_db *db, const char *url, struct kf_url_check_row *out)
{
	memset(out, 0, sizeof(*out));
	struct kf_stmt *st = kf_db_prepare(db, URL_COLS);
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, url);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		COPY(out->state, kf_stmt_text(st, 1));
		out->status = (int)kf_stmt_int(st, 2);
		COPY(out->final_url, kf_stmt_text(st, 3));
		out->redirects = (int)kf_stmt_int(st, 4);
		out->ms = kf_stmt_int(st, 5);
		COPY(out->error, kf_stmt_text(st, 6));
		out->requested_at = kf_stmt_int(st, 7);
		out->checked_at = kf_stmt_int(st, 8);
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

json_t *kf_store_url_check_json(struct kf_db *db, const char *url, enum kf_err *rc)
{
	struct kf_stmt *st = kf_db_prepare(db, URL_COLS);
	*rc = KF_EDB;
	if (!st)
		return NULL;
	kf_stmt_bind_text(st, 1, url);
	enum kf_step s = kf_stmt_step(st);
	json_t *o = s == KF_STEP_ROW ? kf_stmt_row_json(st) : NULL;
	kf_stmt_done(st);
	*rc = s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
	return o;
}

json_t *kf_store_url_checks_claim(struct kf_db *db, int64_t now, size_t max)
{
	json_t *urls = json_array();
	json_t *cand = NULL;
	if (kf_db_begin(db) != KF_OK)
		goto fail;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT url FROM url_checks WHERE state = 'pending' AND requested_at <= ?"
		    " AND COALESCE(claimed_until, 0) <= ? ORDER BY requested_at LIMIT ?");
	if (!st)
		goto fail;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, (int64_t)max);
	cand = kf_stmt_rows_json(st);
	if (!cand)
		goto fail;
	size_t i;
	json_t *row;
	json_array_foreach(cand, i, row) {
		const char *url = json_string_value(json_object_get(row, "url"));
		st = kf_db_prepare(db, "UPDATE url_checks SET claimed_until = ? WHERE url = ? AND state = 'pending'"
				       " AND COALESCE(claimed_until, 0) <= ?");
		if (!url || !st)
			goto fail;
		kf_stmt_bind_int(st, 1, now + KF_URL_CHECK_LEASE_SECONDS);
		kf_stmt_bind_text(st, 2, url);
		kf_stmt_bind_int(st, 3, now);
		if (kf_stmt_exec(st) != KF_OK)
			goto fail;
		if (kf_db_changes(db) == 1)
			json_array_append_new(urls, json_string(url));
	}
	if (kf_db_commit(db) != KF_OK)
		goto fail;
	json_decref(cand);
	return urls;
fail:
	kf_db_rollback(db);
	json_decref(cand);
	json_decref(urls);
	return NULL;
}

enum kf_err kf_store_url_check_record(struct kf_db *db, const char *url, const struct kf_url_check_result *res,
				      int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO url_checks (url, state, status, final_url, redirects, ms, error, requested_at, checked_at,"
		    " page_text) VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
		    " state = excluded.state, status = excluded.status, final_url = excluded.final_url,"
		    " redirects = excluded.redirects, ms = excluded.ms, error = excluded.error,"
		    " checked_at = excluded.checked_at, page_text = excluded.page_text, claimed_until = NULL");
	if (!st)
		return KF_EDB;
	char final_url[2049];
	COPY(final_url, res->final_url);
	kf_stmt_bind_text(st, 1, url);
	kf_stmt_bind_text(st, 2, res->ok ? "ok" : "failed");
	kf_stmt_bind_int(st, 3, res->status);
	kf_stmt_bind_text(st, 4, res->final_url ? final_url : NULL);
	kf_stmt_bind_int(st, 5, res->redirects);
	kf_stmt_bind_int(st, 6, res->ms);
	kf_stmt_bind_text(st, 7, res->error);
	kf_stmt_bind_int(st, 8, now);
	kf_stmt_bind_int(st, 9, now);
	kf_stmt_bind_text(st, 10, res->ok ? res->page_text : NULL);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_url_check_page_text(struct kf_db *db, const char *url, char **out)
{
	*out = NULL;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT page_text FROM url_checks WHERE url = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, url);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW && kf_stmt_text(st, 0))
		*out = kf_xstrdup(kf_stmt_text(st, 0));
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

/* ---- Term lists ---- */

enum kf_err kf_store_term_lists_generation(struct kf_db *db, int64_t *gen)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, GENERATION_KEY);
	enum kf_step s = kf_stmt_step(st);
	*gen = s == KF_STEP_ROW ? kf_stmt_int(st, 0) : 0;
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

json_t *kf_store_term_list_json(struct kf_db *db, const char *list)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT term FROM term_lists WHERE list = ? ORDER BY term");
	if (!st)
		return NULL;
	kf_stmt_bind_text(st, 1, list);
	json_t *terms = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		json_array_append_new(terms, json_string(kf_stmt_text(st, 0)));
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(terms);
		return NULL;
	}
	return terms;
}

json_t *kf_store_term_list_counts(struct kf_db *db)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT list, COUNT(*) FROM term_lists GROUP BY list");
	if (!st)
		return NULL;
	json_t *o = json_object();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		json_object_set_new(o, kf_stmt_text(st, 0), json_integer(kf_stmt_int(st, 1)));
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum kf_err kf_store_term_list_replace(struct kf_db *db, const char *list, const char *const *terms, size_t n,
				       int64_t *generation)
{
	struct kf_stmt *st = kf_db_prepare(db, "DELETE FROM term_lists WHERE list = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, list);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	for (size_t i = 0; i < n; i++) {
		st = kf_db_prepare(db, "INSERT INTO term_lists (list, term) VALUES (?, ?) ON CONFLICT DO NOTHING");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_text(st, 1, list);
		kf_stmt_bind_text(st, 2, terms[i]);
		if (kf_stmt_exec(st) != KF_OK)
			return KF_EDB;
	}
	st = kf_db_prepare(db, "INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE"
			       " SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, GENERATION_KEY);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	int64_t gen = 0;
	if (kf_store_term_lists_generation(db, &gen) != KF_OK)
		return KF_EDB;
	if (generation)
		*generation = gen;
	return KF_OK;
}

/* ---- Categories and qualifications ---- */

enum kf_err kf_store_categories_list(struct kf_db *db, struct kf_arena *a, struct kf_category_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT key, name, name_en, qualifications FROM categories ORDER BY key");
	if (!st)
		return KF_EDB;
	size_t cap = 16, k = 0;
	struct kf_category_row *v = kf_arena_alloc(a, cap * sizeof(*v));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (k == cap) {
			struct kf_category_row *w = kf_arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[k++] = (struct kf_category_row){
			.key = kf_arena_strdup(a, kf_stmt_text(st, 0)),
			.name = kf_arena_strdup(a, kf_stmt_text(st, 1)),
			.name_en = kf_arena_strdup(a, kf_stmt_text(st, 2)),
			.qualifications = kf_arena_strdup(a, kf_stmt_text(st, 3)),
		};
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = v;
	*n = k;
	return KF_OK;
}

enum kf_err kf_store_category_keys(struct kf_db *db, struct kf_arena *a, const char ***keys, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT key FROM categories ORDER BY key");
	if (!st)
		return KF_EDB;
	size_t cap = 16, k = 0;
	const char **v = kf_arena_alloc(a, cap * sizeof(*v));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (k == cap) {
			const char **w = kf_arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[k++] = kf_arena_strdup(a, kf_stmt_text(st, 0));
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*keys = v;
	*n = k;
	return KF_OK;
}

enum kf_err kf_store_category_docs(struct kf_db *db, const char *key, json_t **docs)
{
	*docs = NULL;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT qualifications FROM categories WHERE key = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, key);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	json_t *v = json_loads(kf_stmt_text(st, 0), 0, NULL);
	kf_stmt_done(st);
	json_t *out = json_array();
	size_t i;
	json_t *d;
	/* the operators' catalog: anything that is not a list of strings
	 * requires nothing rather than failing every listing */
	if (json_is_array(v))
		json_array_foreach(v, i, d)
			if (json_is_string(d))
				json_array_append(out, d);
	json_decref(v);
	*docs = out;
	return KF_OK;
}

enum kf_err kf_store_qualification_submit(struct kf_db *db, int64_t app, const char *doc, int64_t file_id,
					  int64_t by, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO app_qualifications (app, doc, file_id, state, submitted_by, submitted_at)"
		    " VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (app, doc) DO UPDATE SET file_id = excluded.file_id,"
		    " state = 'pending', reason = NULL, submitted_by = excluded.submitted_by,"
		    " submitted_at = excluded.submitted_at, decided_by = NULL, decided_at = NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, doc);
	kf_stmt_bind_int(st, 3, file_id);
	kf_stmt_bind_int(st, 4, by);
	kf_stmt_bind_int(st, 5, now);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_qualification_decide(struct kf_db *db, int64_t app, const char *doc, const char *state,
					  const char *reason, int64_t by, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT state FROM app_qualifications WHERE app = ? AND doc = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, doc);
	enum kf_step s = kf_stmt_step(st);
	bool pending = s == KF_STEP_ROW && !strcmp(kf_stmt_text(st, 0), "pending");
	kf_stmt_done(st);
	if (s != KF_STEP_ROW)
		return s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
	if (!pending)
		return KF_ECONFLICT;
	st = kf_db_prepare(db, "UPDATE app_qualifications SET state = ?, reason = ?, decided_by = ?, decided_at = ?"
			       " WHERE app = ? AND doc = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, state);
	kf_stmt_bind_text(st, 2, reason);
	kf_stmt_bind_int(st, 3, by);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, app);
	kf_stmt_bind_text(st, 6, doc);
	return kf_stmt_exec(st);
}

json_t *kf_store_qualifications_json(struct kf_db *db, int64_t app)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT doc, file_id, state, reason, submitted_by, submitted_at, decided_by, decided_at"
		    " FROM app_qualifications WHERE app = ? ORDER BY doc");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	json_t *rows = kf_stmt_rows_json(st);
	if (!rows)
		return NULL;
	json_t *o = json_object();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *doc = json_string_value(json_object_get(row, "doc"));
		if (!doc)
			continue;
		json_t *v = json_deep_copy(row);
		json_object_del(v, "doc");
		json_object_set_new(o, doc, v);
	}
	json_decref(rows);
	return o;
}

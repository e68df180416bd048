/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of listing applications (REV-2, REV-3) and of the public directory. */
#include "store/listing_apps.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

enum kf_err kf_store_listing_app_insert(struct kf_db *db, int64_t app, const char *kind,
					const char *attestations_json, int64_t by, int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO listing_applications (app, kind, attestations, state,"
					       " submitted_by, submitted_at) VALUES (?, ?, ?, 'pending', ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, kind);
	kf_stmt_bind_text(st, 3, attestations_json);
	kf_stmt_bind_int(st, 4, by);
	kf_stmt_bind_int(st, 5, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_listing_app_set_review(struct kf_db *db, int64_t id, int64_t review_id)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE listing_applications SET review_id = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, review_id);
	kf_stmt_bind_int(st, 2, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_listing_app_pending(struct kf_db *db, int64_t app, const char *kind, bool *pending)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT 1 FROM listing_applications WHERE app = ? AND kind = ?"
					       " AND state = 'pending' LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, kind);
	return kf_stmt_exists(st, pending);
}

enum kf_err kf_store_listing_app_by_review(struct kf_db *db, int64_t review_id, struct kf_listing_app_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, app, kind, state, review_id FROM listing_applications"
					       " WHERE review_id = ? ORDER BY id DESC LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, review_id);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	out->id = kf_stmt_int(st, 0);
	out->app = kf_stmt_int(st, 1);
	COPY(out->kind, kf_stmt_text(st, 2));
	COPY(out->state, kf_stmt_text(st, 3));
	out->review_id = kf_stmt_int(st, 4);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_listing_app_decide(struct kf_db *db, int64_t id, enum kf_review_state state_enum, int evidence_holds,
					int64_t now)
{
	const char *state = kf_review_state_name(state_enum);
	if (!state)
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE listing_applications SET state = ?, evidence_holds = ?,"
					       " decided_at = ? WHERE id = ? AND state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, state);
	if (evidence_holds < 0)
		kf_stmt_bind_null(st, 2);
	else
		kf_stmt_bind_int(st, 2, evidence_holds ? 1 : 0);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

/* JSON text of a column as an object (or an array), empty when unset or
 * malformed. */
static json_t *parsed(const char *text, bool array)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	if (array ? json_is_array(v) : json_is_object(v))
		return v;
	json_decref(v);
	return array ? json_array() : json_object();
}

json_t *kf_store_listing_apps_json(struct kf_db *db, int64_t app)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT la.id, la.kind, la.state, la.review_id, la.evidence_holds, la.submitted_by,"
		    " la.submitted_at, la.decided_at, r.due_at, la.attestations, r.reasons FROM listing_applications la"
		    " LEFT JOIN reviews r ON r.id = la.review_id WHERE la.app = ? ORDER BY la.id DESC");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		json_t *o = kf_stmt_row_json(st);
		json_object_set_new(o, "attestations", parsed(kf_stmt_text(st, 9), false));
		json_object_set_new(o, "reasons", parsed(kf_stmt_text(st, 10), true));
		json_t *eh = json_object_get(o, "evidence_holds");
		if (json_is_integer(eh))
			json_object_set_new(o, "evidence_holds", json_boolean(json_integer_value(eh)));
		json_array_append_new(arr, o);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum kf_err kf_store_app_listed(struct kf_db *db, int64_t app, bool *search_listed, bool *display_listed)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT search_listed, display_listed FROM apps WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	*search_listed = kf_stmt_int(st, 0) != 0;
	*display_listed = kf_stmt_int(st, 1) != 0;
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_app_set_listed(struct kf_db *db, int64_t app, const char *kind, int64_t now)
{
	/* two statements rather than a column name built from input */
	const char *sql = !strcmp(kind, "display_listing")
				  ? "UPDATE apps SET display_listed = 1, updated_at = ? WHERE id = ?"
				  : "UPDATE apps SET search_listed = 1, updated_at = ? WHERE id = ?";
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, app);
	return kf_stmt_exec(st);
}

json_t *kf_store_directory_json(struct kf_db *db, const struct kf_directory_query *q)
{
	/* APP-6: released apps only, open to every host account (public
	 * audience); the text search finds only search-listed apps (REV-2).
	 * Matching is a case-insensitive (ASCII) substring test, so no LIKE
	 * pattern is built from the query. */
#define DIRECTORY_FROM                                                                              \
	"SELECT a.id, COALESCE(a.released_at, 0) AS released_at, a.app_id, l.body, a.released_version,"   \
	" a.display_listed, e.legal_name AS entity_name FROM apps a"                                       \
	" JOIN listings l ON l.id = a.live_listing_id AND l.app = a.id"                                    \
	" JOIN orgs o ON o.id = a.provider_id LEFT JOIN entities e ON e.id = o.entity_id"                  \
	" WHERE a.state = 'released' AND a.deleted_at IS NULL AND a.audience = 'public'"
#define DIRECTORY_PAGE                                                                              \
	" AND (?2 = 0 OR a.display_listed = 1)"                                                            \
	" AND (?4 = 0 OR COALESCE(a.released_at, 0) < ?5 OR (COALESCE(a.released_at, 0) = ?5 AND a.id < ?6))" \
	" ORDER BY COALESCE(a.released_at, 0) DESC, a.id DESC LIMIT ?7"
	struct kf_stmt *st = kf_db_prepare(
		db, kf_db_dialect(
			    db,
			    DIRECTORY_FROM " AND json_valid(l.body)"
					   " AND (CAST(?1 AS TEXT) IS NULL OR json_extract(l.body, '$.category') = ?1)"
					   " AND (CAST(?3 AS TEXT) IS NULL OR (a.search_listed = 1 AND ("
					   "   instr(lower(COALESCE(json_extract(l.body, '$.name'), '')), lower(?3)) > 0"
					   "   OR instr(lower(COALESCE(json_extract(l.body, '$.intro'), '')), lower(?3)) > 0"
					   "   OR EXISTS (SELECT 1 FROM json_each(l.body, '$.keywords') k"
					   "              WHERE k.type = 'text' AND instr(lower(k.value), lower(?3)) > 0))))"
				DIRECTORY_PAGE,
			    DIRECTORY_FROM
			    " AND (CAST(?1 AS TEXT) IS NULL OR CAST(l.body AS jsonb) ->> 'category' = ?1)"
			    " AND (CAST(?3 AS TEXT) IS NULL OR (a.search_listed = 1 AND ("
			    "   strpos(lower(COALESCE(CAST(l.body AS jsonb) ->> 'name', '')), lower(?3)) > 0"
			    "   OR strpos(lower(COALESCE(CAST(l.body AS jsonb) ->> 'intro', '')), lower(?3)) > 0"
			    "   OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(CAST(l.body AS jsonb) -> 'keywords')"
			    "              = 'array' THEN CAST(l.body AS jsonb) -> 'keywords' ELSE '[]' END) k"
			    "              WHERE jsonb_typeof(k) = 'string' AND strpos(lower(k #>> '{}'), lower(?3)) > 0))))"
				DIRECTORY_PAGE));
#undef DIRECTORY_FROM
#undef DIRECTORY_PAGE
	if (!st)
		return NULL;
	kf_stmt_bind_text(st, 1, q->category);
	kf_stmt_bind_int(st, 2, q->featured);
	kf_stmt_bind_text(st, 3, q->q);
	kf_stmt_bind_int(st, 4, q->has_after);
	kf_stmt_bind_int(st, 5, q->after_at);
	kf_stmt_bind_int(st, 6, q->after_id);
	kf_stmt_bind_int(st, 7, q->limit);
	return kf_stmt_rows_json(st);
}

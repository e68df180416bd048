/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for organisations, memberships, entities and provider applications. */
#include "store/providers.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

static enum kf_err one_row(struct kf_stmt *st)
{
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		return KF_OK;
	kf_stmt_done(st);
	return s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_org_insert(struct kf_db *db, enum kf_org_kind kind, const char *name,
				enum kf_provider_state state, int64_t now, int64_t *id)
{
	const char *kind_text = kf_org_kind_name(kind);
	const char *state_text = kind == KF_ORG_PROVIDER ? kf_provider_state_name(state) : "active";
	if (!kind_text || !state_text)
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO orgs (kind, name, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, kind_text);
	kf_stmt_bind_text(st, 2, name);
	kf_stmt_bind_text(st, 3, state_text);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_org_get(struct kf_db *db, int64_t id, struct kf_org_row *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, kind, name, state, COALESCE(entity_id, 0), COALESCE(bound_until, 0) FROM orgs WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_err rc = one_row(st);
	if (rc)
		return rc;
	out->id = kf_stmt_int(st, 0);
	out->kind = KF_ORG_HOST;
	(void)kf_org_kind_parse(kf_stmt_text(st, 1), &out->kind);
	COPY(out->name, kf_stmt_text(st, 2));
	out->state = KF_PROVIDER_DRAFT;
	if (out->kind == KF_ORG_PROVIDER)
		(void)kf_provider_state_parse(kf_stmt_text(st, 3), &out->state);
	out->entity_id = kf_stmt_int(st, 4);
	out->bound_until = kf_stmt_int(st, 5);
	kf_stmt_done(st);
	return KF_OK;
}

static enum kf_err set_state(struct kf_db *db, int64_t id, const char *state, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE orgs SET state = ?, updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, state);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_org_set_state(struct kf_db *db, int64_t id, enum kf_provider_state state, int64_t now)
{
	const char *text = kf_provider_state_name(state);
	return text ? set_state(db, id, text, now) : KF_EINVAL;
}

enum kf_err kf_store_org_set_deleted(struct kf_db *db, int64_t id, int64_t now)
{
	return set_state(db, id, "deleted", now);
}

enum kf_err kf_store_org_bind_entity(struct kf_db *db, int64_t id, int64_t entity_id, int64_t bound_until,
				     int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE orgs SET entity_id = ?, bound_until = ?, updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, entity_id);
	kf_stmt_bind_int(st, 2, bound_until);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_org_update(struct kf_db *db, int64_t id, const char *name, const char *contact_name,
				const char *contact_email, const char *contact_phone, const char *address,
				int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE orgs SET name = COALESCE(?, name), contact_name = COALESCE(?, contact_name),"
		    " contact_email = COALESCE(?, contact_email), contact_phone = COALESCE(?, contact_phone),"
		    " address = COALESCE(?, address), updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, name);
	kf_stmt_bind_text(st, 2, contact_name);
	kf_stmt_bind_text(st, 3, contact_email);
	kf_stmt_bind_text(st, 4, contact_phone);
	kf_stmt_bind_text(st, 5, address);
	kf_stmt_bind_int(st, 6, now);
	kf_stmt_bind_int(st, 7, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_org_cancel(struct kf_db *db, int64_t id, int64_t now, int64_t purge_at)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE orgs SET state = 'cancelled', name = 'cancelled provider ' || id, contact_name = NULL,"
		    " contact_email = NULL, contact_phone = NULL, address = NULL, cancelled_at = ?, purge_at = ?,"
		    " updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, purge_at);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, id);
	/* The applications and their documents are the legal record the
	 * retention window exists for; the purge deletes them. */
	return kf_stmt_exec(st);
}

#define ORG_JSON_COLS                                                                                          \
	"SELECT o.id, o.kind, o.name, o.state, o.contact_name, o.contact_email, o.contact_phone, o.address,"   \
	" o.bound_until, o.cancelled_at, o.purge_at, o.created_at, o.updated_at, e.legal_name AS entity_name," \
	" e.kind AS entity_kind, e.certified_at AS entity_certified_at"

json_t *kf_store_org_json(struct kf_db *db, int64_t id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, ORG_JSON_COLS " FROM orgs o LEFT JOIN entities e ON e.id = o.entity_id WHERE o.id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, id);
	json_t *o = kf_stmt_step(st) == KF_STEP_ROW ? kf_stmt_row_json(st) : NULL;
	kf_stmt_done(st);
	return o;
}

json_t *kf_store_providers_json(struct kf_db *db, int64_t user_id, bool all, int64_t after, int limit)
{
	struct kf_stmt *st = kf_db_prepare(
		db, ORG_JSON_COLS ", m.role AS role FROM orgs o LEFT JOIN entities e ON e.id = o.entity_id"
				  " LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = ?"
				  " WHERE o.kind = 'provider' AND (? OR m.user_id IS NOT NULL) AND o.id > ?"
				  " ORDER BY o.id LIMIT ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, all);
	kf_stmt_bind_int(st, 3, after);
	kf_stmt_bind_int(st, 4, limit);
	return kf_stmt_rows_json(st);
}

enum kf_err kf_store_member_role(struct kf_db *db, int64_t org_id, int64_t user_id, enum kf_role *role)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	kf_stmt_bind_int(st, 2, user_id);
	enum kf_step s = kf_stmt_step(st);
	*role = KF_ROLE_NONE;
	if (s == KF_STEP_ROW && !kf_role_parse(kf_stmt_text(st, 0), role))
		*role = KF_ROLE_NONE;
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

enum kf_err kf_store_member_add(struct kf_db *db, int64_t org_id, int64_t user_id, enum kf_role role, int64_t now)
{
	if (role == KF_ROLE_NONE || !kf_role_name(role))
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	kf_stmt_bind_int(st, 2, user_id);
	kf_stmt_bind_text(st, 3, kf_role_name(role));
	kf_stmt_bind_int(st, 4, now);
	if (kf_stmt_exec(st) != KF_OK)
		return kf_db_is_constraint_error(db) ? KF_ECONFLICT : KF_EDB;
	return KF_OK;
}

enum kf_err kf_store_member_remove(struct kf_db *db, int64_t org_id, int64_t user_id)
{
	struct kf_stmt *st = kf_db_prepare(db, "DELETE FROM memberships WHERE org_id = ? AND user_id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	kf_stmt_bind_int(st, 2, user_id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ENOTFOUND;
}

json_t *kf_store_members_json(struct kf_db *db, int64_t org_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT u.id AS user_id, u.name, u.email, m.role, m.created_at FROM memberships m"
		    " JOIN users u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY m.created_at, u.id");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, org_id);
	return kf_stmt_rows_json(st);
}

json_t *kf_store_memberships_json(struct kf_db *db, int64_t user_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT o.id AS org_id, o.kind, o.name, o.state, m.role,"
		    " (SELECT MAX(h.id) FROM host_accounts h WHERE h.org_id = o.id) AS host_account_id"
		    " FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ? ORDER BY o.id");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, user_id);
	json_t *rows = kf_stmt_rows_json(st);
	/* One id per thing (issue 11): each membership carries the id the API
	 * names its organisation by, under `id` and under the name of that
	 * API's id. A provider's is its organisation's; a host account's is
	 * the host account's, not the organisation's internal number. */
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		json_t *host = json_object_get(o, "host_account_id");
		const char *kind = json_string_value(json_object_get(o, "kind"));
		if (kind && !strcmp(kind, "host") && json_is_integer(host)) {
			json_object_set(o, "id", host);
			json_object_del(o, "org_id");
		} else {
			json_object_del(o, "host_account_id");
			json_object_set(o, "id", json_object_get(o, "org_id"));
			if (kind && !strcmp(kind, "provider"))
				json_object_set(o, "provider_id", json_object_get(o, "org_id"));
		}
	}
	return rows;
}

static enum kf_err entity_query(struct kf_stmt *st, struct kf_entity_row *out)
{
	enum kf_err rc = one_row(st);
	if (rc)
		return rc;
	out->id = kf_stmt_int(st, 0);
	COPY(out->kind, kf_stmt_text(st, 1));
	COPY(out->legal_name, kf_stmt_text(st, 2));
	COPY(out->licence_no, kf_stmt_text(st, 3));
	out->verified = !kf_stmt_is_null(st, 4);
	out->certified = !kf_stmt_is_null(st, 5);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_entity_by_norm(struct kf_db *db, const char *norm, struct kf_entity_row *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, kind, legal_name, licence_no, verified_at, certified_at FROM entities WHERE legal_name_norm = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, norm);
	return entity_query(st, out);
}

enum kf_err kf_store_entity_get(struct kf_db *db, int64_t id, struct kf_entity_row *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, kind, legal_name, licence_no, verified_at, certified_at FROM entities WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	return entity_query(st, out);
}

enum kf_err kf_store_entity_upsert(struct kf_db *db, const char *kind, const char *legal_name, const char *norm,
				   const char *licence_no, int64_t now, int64_t *id)
{
	struct kf_entity_row e;
	enum kf_err rc = kf_store_entity_by_norm(db, norm, &e);
	if (rc == KF_OK) {
		*id = e.id;
		return KF_OK;
	}
	if (rc != KF_ENOTFOUND)
		return rc;
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO entities (kind, legal_name, legal_name_norm, licence_no, created_at) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, kind);
	kf_stmt_bind_text(st, 2, legal_name);
	kf_stmt_bind_text(st, 3, norm);
	kf_stmt_bind_text(st, 4, licence_no);
	kf_stmt_bind_int(st, 5, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_entity_mark(struct kf_db *db, int64_t id, bool verified, bool certified, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE entities SET verified_at = CASE WHEN ? THEN COALESCE(verified_at, ?) ELSE verified_at END,"
		    " certified_at = CASE WHEN ? THEN COALESCE(certified_at, ?) ELSE certified_at END WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, verified);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, certified);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_application_insert(struct kf_db *db, const struct kf_application_row *a,
					const char *documents_json, int64_t by, int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO provider_applications (org_id, entity_kind, legal_name, licence_no, documents,"
		    " entity_id, state, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, a->org_id);
	kf_stmt_bind_text(st, 2, a->entity_kind);
	kf_stmt_bind_text(st, 3, a->legal_name);
	kf_stmt_bind_text(st, 4, a->licence_no);
	kf_stmt_bind_text(st, 5, documents_json);
	if (a->entity_id)
		kf_stmt_bind_int(st, 6, a->entity_id);
	else
		kf_stmt_bind_null(st, 6);
	kf_stmt_bind_int(st, 7, by);
	kf_stmt_bind_int(st, 8, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

static enum kf_err app_query(struct kf_stmt *st, struct kf_application_row *out)
{
	enum kf_err rc = one_row(st);
	if (rc)
		return rc;
	out->id = kf_stmt_int(st, 0);
	out->org_id = kf_stmt_int(st, 1);
	COPY(out->entity_kind, kf_stmt_text(st, 2));
	COPY(out->legal_name, kf_stmt_text(st, 3));
	COPY(out->licence_no, kf_stmt_text(st, 4));
	out->entity_id = kf_stmt_int(st, 5);
	COPY(out->state, kf_stmt_text(st, 6));
	kf_stmt_done(st);
	return KF_OK;
}

#define APP_COLS "SELECT id, org_id, entity_kind, legal_name, licence_no, COALESCE(entity_id, 0), state FROM provider_applications "

enum kf_err kf_store_application_latest(struct kf_db *db, int64_t org_id, struct kf_application_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, APP_COLS "WHERE org_id = ? ORDER BY id DESC LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	return app_query(st, out);
}

enum kf_err kf_store_application_get(struct kf_db *db, int64_t id, struct kf_application_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, APP_COLS "WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	return app_query(st, out);
}

enum kf_err kf_store_application_decide(struct kf_db *db, int64_t id, enum kf_review_state state_enum, int64_t review_id,
					int64_t now)
{
	const char *state = kf_review_state_name(state_enum);
	if (!state)
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE provider_applications SET state = ?, review_id = COALESCE(?, review_id),"
		    " decided_at = CASE WHEN ? = 'pending' THEN NULL ELSE CAST(? AS BIGINT) END WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, state);
	if (review_id)
		kf_stmt_bind_int(st, 2, review_id);
	else
		kf_stmt_bind_null(st, 2);
	kf_stmt_bind_text(st, 3, state);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, id);
	return kf_stmt_exec(st);
}

json_t *kf_store_application_json(struct kf_db *db, int64_t id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT a.id, a.org_id AS provider_id, a.entity_kind, a.legal_name, a.licence_no, a.documents,"
		    " a.entity_id IS NOT NULL AS entity_reused, a.state, a.submitted_at, a.decided_at,"
		    " a.review_id, r.due_at, r.state AS review_state, r.reasons"
		    " FROM provider_applications a LEFT JOIN reviews r ON r.id = a.review_id WHERE a.id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, id);
	json_t *o = NULL;
	if (kf_stmt_step(st) == KF_STEP_ROW) {
		o = kf_stmt_row_json(st);
		json_t *docs = json_loads(kf_stmt_text(st, 5), 0, NULL);
		json_object_set_new(o, "documents", docs ? docs : json_array());
		json_object_set_new(o, "entity_reused", json_boolean(kf_stmt_int(st, 6)));
		json_t *reasons = kf_stmt_is_null(st, 13) ? json_array() : json_loads(kf_stmt_text(st, 13), 0, NULL);
		json_object_set_new(o, "reasons", reasons ? reasons : json_array());
	}
	kf_stmt_done(st);
	return o;
}

enum kf_err kf_store_org_open_reviews(struct kf_db *db, int64_t org_id, int *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COUNT(*) FROM reviews WHERE org_id = ? AND state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	enum kf_step s = kf_stmt_step(st);
	*n = s == KF_STEP_ROW ? (int)kf_stmt_int(st, 0) : 0;
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_expire_idempotency(struct kf_db *db, int64_t before)
{
	struct kf_stmt *st = kf_db_prepare(db, "DELETE FROM idempotency_keys WHERE created_at < ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, before);
	return kf_stmt_exec(st);
}

int kf_store_purge_one(struct kf_db *db, int64_t now, int64_t *org_id, char (*shas)[65], size_t max, size_t *nsha)
{
	*nsha = 0;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id FROM orgs WHERE state = 'cancelled' AND purge_at <= ? ORDER BY purge_at, id LIMIT 1");
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, now);
	enum kf_step s = kf_stmt_step(st);
	*org_id = s == KF_STEP_ROW ? kf_stmt_int(st, 0) : 0;
	kf_stmt_done(st);
	if (s != KF_STEP_ROW)
		return s == KF_STEP_DONE ? 0 : -1;
	/* The uploaded documents of its applications go with it; a blob is
	 * listed for unlinking only when no other upload shares its content. */
	st = kf_db_prepare(
		db, kf_db_dialect(db,
				  "SELECT DISTINCT f.sha256 FROM provider_applications a, json_each(a.documents) d"
				  " JOIN files f ON f.id = d.value WHERE a.org_id = ?",
				  "SELECT DISTINCT f.sha256 FROM provider_applications a,"
				  " jsonb_array_elements_text(CAST(a.documents AS jsonb)) d(value)"
				  " JOIN files f ON f.id = CAST(d.value AS BIGINT) WHERE a.org_id = ?"));
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, *org_id);
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW && *nsha < max)
		snprintf(shas[(*nsha)++], 65, "%s", kf_stmt_text(st, 0));
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return -1;
	const char *const steps[] = {
		kf_db_dialect(db,
			      "DELETE FROM files WHERE id IN (SELECT d.value FROM provider_applications a,"
			      " json_each(a.documents) d WHERE a.org_id = ?)",
			      "DELETE FROM files WHERE id IN (SELECT CAST(d.value AS BIGINT) FROM provider_applications a,"
			      " jsonb_array_elements_text(CAST(a.documents AS jsonb)) d(value) WHERE a.org_id = ?)"),
		"DELETE FROM provider_applications WHERE org_id = ?",
		"DELETE FROM notifications WHERE org_id = ?",
		"DELETE FROM memberships WHERE org_id = ?",
		"UPDATE orgs SET state = 'purged', entity_id = NULL, purge_at = NULL, bound_until = NULL WHERE id = ?",
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		st = kf_db_prepare(db, steps[i]);
		if (!st)
			return -1;
		kf_stmt_bind_int(st, 1, *org_id);
		if (kf_stmt_exec(st) != KF_OK)
			return -1;
	}
	/* keep only the digests no remaining upload uses */
	size_t k = 0;
	for (size_t i = 0; i < *nsha; i++) {
		st = kf_db_prepare(db, "SELECT 1 FROM files WHERE sha256 = ? LIMIT 1");
		if (!st)
			return -1;
		kf_stmt_bind_text(st, 1, shas[i]);
		s = kf_stmt_step(st);
		kf_stmt_done(st);
		if (s == KF_STEP_ERROR)
			return -1;
		if (s == KF_STEP_DONE)
			memmove(shas[k++], shas[i], 65);
	}
	*nsha = k;
	return 1;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Provider onboarding: organisations and members (ONB-1, ONB-11), the
 * qualification application (ONB-2 … ONB-5), certification (ONB-6, ONB-7),
 * profile upkeep (ONB-9) and cancellation (ONB-10). Rules are decided in
 * core/provider.c; this file loads, calls and stores.
 */
#include "api/providers.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/common.h"
#include "core/names.h"
#include "core/provider.h"
#include "core/validate.h"
#include "ctx.h"
#include "api/suspension.h"
#include "api/tokens.h"
#include "http/request.h"
#include "notify/notify.h"
#include "store/db.h"
#include "store/accounts.h"
#include "store/apps.h"
#include "store/files.h"
#include "store/providers.h"
#include "store/reviews.h"
#include "store/staffdir.h"
#include "util/mem.h"

bool kf_api_load_provider(struct kf_req *r, struct kf_org_row *org, enum kf_role *role)
{
	int64_t id = kf_req_param_id(r, "id");
	enum kf_err rc = id ? kf_store_org_get(kf_req_db(r), id, org) : KF_ENOTFOUND;
	if (rc == KF_OK && org->kind != KF_ORG_PROVIDER)
		rc = KF_ENOTFOUND;
	if (rc == KF_OK && kf_store_member_role(kf_req_db(r), id, r->user_id, role) != KF_OK)
		rc = KF_EDB;
	if (rc == KF_OK && *role == KF_ROLE_NONE && r->operator_role == KF_ROLE_NONE)
		rc = KF_ENOTFOUND;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	if (rc != KF_OK) {
		kf_reply_fail(r, KF_ENOTFOUND, "provider_not_found", NULL, "id", "no such provider");
		return false;
	}
	return true;
}

static bool require_owner(struct kf_req *r, enum kf_role role, const char *rule)
{
	if (role == KF_ROLE_OWNER)
		return true;
	kf_reply_fail(r, KF_EFORBIDDEN, "owner_required", rule, NULL,
		      "only the owner of this provider account may do this");
	return false;
}

static enum kf_provider_state state_of(const struct kf_org_row *org)
{
	return org->state;
}

static bool not_closed(struct kf_req *r, const struct kf_org_row *org)
{
	if (!kf_provider_closed(org->state))
		return true;
	kf_reply_fail(r, KF_ECONFLICT, "provider_cancelled", "ONB-10", NULL, "this provider account was cancelled");
	return false;
}

/* Provider-side edits (profile, members) need an account in good
 * standing: not cancelled and not banned (GOV-7). */
static bool may_edit(struct kf_req *r, const struct kf_org_row *org)
{
	if (!not_closed(r, org))
		return false;
	if (org->state != KF_PROVIDER_BANNED)
		return true;
	kf_reply_fail(r, KF_EFORBIDDEN, "provider_banned", "GOV-7", NULL, "this provider account is banned");
	return false;
}

static void reply_provider(struct kf_req *r, int status, int64_t id, enum kf_role role)
{
	json_t *o = kf_store_org_json(kf_req_db(r), id);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	if (role != KF_ROLE_NONE)
		json_object_set_new(o, "role", json_string(kf_role_name(role)));
	enum kf_provider_state st = KF_PROVIDER_DRAFT;
	(void)kf_provider_state_parse(json_string_value(json_object_get(o, "state")), &st);
	json_object_set_new(o, "may_create_apps", json_boolean(kf_provider_may_create_apps(st)));
	kf_reply_json(r, status, o);
}

static const struct kf_field profile_fields[] = {
	{"name", KF_F_STRING, false, 100, "ONB-9"},
	{"contact_name", KF_F_STRING, false, 100, "ONB-9"},
	{"contact_email", KF_F_STRING, false, 254, "ONB-9"},
	{"contact_phone", KF_F_STRING, false, 32, "ONB-9"},
	{"address", KF_F_STRING, false, 300, "ONB-9"},
};

/* Validate the profile fields present in j; replies and returns false on
 * the first bad one. The normalised phone is written to phone. */
static bool check_profile(struct kf_req *r, json_t *j, bool name_required, char *phone, size_t plen)
{
	if (!kf_req_check(r, j, profile_fields, KF_NFIELDS(profile_fields)))
		return false;
	const char *name = kf_json_str(j, "name");
	if (name_required && !name) {
		kf_reply_fail(r, KF_EINVAL, "missing_field", NULL, "name", "name is required");
		return false;
	}
	if (name) {
		/* counted after NFKC and trimming, so blanks do not make a name */
		char *norm = kf_name_normalize(name);
		size_t len = norm ? kf_utf8_len(norm) : 0;
		free(norm);
		if (len < 2 || len == SIZE_MAX) {
			kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "name",
				      "name must be at least 2 characters besides spaces");
			return false;
		}
	}
	const char *email = kf_json_str(j, "contact_email");
	if (email && !kf_validate_email(email)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_email", "ONB-9", "contact_email", "contact_email is not a valid address");
		return false;
	}
	phone[0] = '\0';
	const char *ph = kf_json_str(j, "contact_phone");
	struct kf_error err = {0};
	if (ph && kf_validate_mobile(ph, phone, plen, &err) != KF_OK) {
		err.field = "contact_phone";
		err.rule = "ONB-9";
		kf_reply_error(r, &err);
		return false;
	}
	return true;
}

static void api_providers_create(struct kf_req *r)
{
	json_t *j = kf_req_json(r);
	char phone[32];
	if (!j || !check_profile(r, j, true, phone, sizeof(phone)))
		return;
	if (!r->email_verified) {
		kf_reply_fail(r, KF_EFORBIDDEN, "email_unverified", "ONB-8", "email",
			      "confirm your email address before creating a provider account");
		return;
	}
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	int64_t id;
	if (kf_store_org_insert(db, KF_ORG_PROVIDER, kf_json_str(j, "name"), KF_PROVIDER_DRAFT, r->now, &id) != KF_OK ||
	    kf_store_member_add(db, id, r->user_id, KF_ROLE_OWNER, r->now) != KF_OK ||
	    kf_store_org_update(db, id, NULL, kf_json_str(j, "contact_name"), kf_json_str(j, "contact_email"),
				phone[0] ? phone : NULL, kf_json_str(j, "address"), r->now) != KF_OK ||
	    !kf_api_audit(r, "provider.create", kf_arena_printf(r->arena, "provider:%lld", (long long)id),
			  kf_json_str(j, "name"))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_provider(r, 201, id, KF_ROLE_OWNER);
}

static void api_providers_list(struct kf_req *r)
{
	int64_t after;
	int limit;
	const char *q = kf_req_query(r, "q");
	if (!kf_api_page(r, &after, &limit))
		return;
	if (q && strlen(q) > KF_STAFFDIR_Q_MAX) {
		kf_reply_fail(r, KF_EINVAL, "too_long", NULL, "q", "q is at most %d bytes", KF_STAFFDIR_Q_MAX);
		return;
	}
	bool all = r->operator_role != KF_ROLE_NONE;
	json_t *items = q && *q ? kf_store_provider_search_json(kf_req_db(r), r->user_id, all, q, after, limit)
				: kf_store_providers_json(kf_req_db(r), r->user_id, all, after, limit);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	json_t *last = json_array_get(items, json_array_size(items) - 1);
	json_t *next = json_array_size(items) == (size_t)limit ? json_incref(json_object_get(last, "id")) : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

static void api_providers_get(struct kf_req *r)
{
	struct kf_org_row org;
	enum kf_role role;
	if (kf_api_load_provider(r, &org, &role))
		reply_provider(r, 200, org.id, role);
}

static void api_providers_update(struct kf_req *r)
{
	struct kf_org_row org;
	enum kf_role role;
	char phone[32];
	json_t *j = kf_req_json(r);
	if (!j || !check_profile(r, j, false, phone, sizeof(phone)) || !kf_api_load_provider(r, &org, &role) ||
	    !require_owner(r, role, "ONB-9") || !may_edit(r, &org))
		return;
	if (!kf_api_begin(r))
		return;
	char *detail = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	bool ok = kf_store_org_update(kf_req_db(r), org.id, kf_json_str(j, "name"), kf_json_str(j, "contact_name"),
				      kf_json_str(j, "contact_email"), phone[0] ? phone : NULL,
				      kf_json_str(j, "address"), r->now) == KF_OK &&
		  kf_api_audit(r, "provider.update", kf_arena_printf(r->arena, "provider:%lld", (long long)org.id),
			       detail);
	free(detail);
	if (!ok) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_provider(r, 200, org.id, role);
}

static void api_providers_members_list(struct kf_req *r)
{
	struct kf_org_row org;
	enum kf_role role;
	if (!kf_api_load_provider(r, &org, &role))
		return;
	json_t *items = kf_store_members_json(kf_req_db(r), org.id);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_providers_members_add(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"email", KF_F_STRING, true, 254, NULL},
		{"role", KF_F_STRING, false, 16, "ONB-11"},
	};
	struct kf_org_row org;
	enum kf_role role;
	if (!kf_api_load_provider(r, &org, &role) || !require_owner(r, role, "ONB-1"))
		return;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !may_edit(r, &org))
		return;
	enum kf_role new_role = KF_ROLE_MEMBER;
	if (kf_json_str(j, "role") && !kf_role_parse(kf_json_str(j, "role"), &new_role))
		new_role = KF_ROLE_NONE; /* not a role at all */
	if (new_role == KF_ROLE_OWNER) {
		/* ONB-11: an account is not transferred; there is one owner. */
		kf_reply_fail(r, KF_EINVAL, "owner_not_transferable", "ONB-11", "role",
			      "an account has exactly one owner and cannot be transferred");
		return;
	}
	if (new_role != KF_ROLE_MEMBER) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "role", "role must be \"member\"");
		return;
	}
	char *email = kf_arena_strdup(r->arena, kf_json_str(j, "email"));
	for (char *p = email; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	struct kf_db *db = kf_req_db(r);
	struct kf_user_row u;
	enum kf_err rc = kf_store_user_by_email(db, email, &u);
	if (rc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ENOTFOUND, "user_not_found", NULL, "email",
			      "no account uses this email; ask the person to register first");
		return;
	}
	if (rc != KF_OK || !kf_api_begin(r)) {
		if (rc != KF_OK)
			kf_reply_db_error(r);
		return;
	}
	rc = kf_store_member_add(db, org.id, u.id, KF_ROLE_MEMBER, r->now);
	if (rc == KF_ECONFLICT) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "already_member", NULL, "email", "this person is already a member");
		return;
	}
	char *title = kf_arena_printf(r->arena, "You were added to provider %s", org.name);
	char *body = kf_arena_printf(r->arena, "%s added you as a member of the provider account \"%s\".\n",
				     r->user_name, org.name);
	if (rc != KF_OK || kf_notify_user(db, r->now, u.id, org.id, "member.added", title, body) != KF_OK ||
	    !kf_api_audit(r, "provider.member_add", kf_arena_printf(r->arena, "provider:%lld", (long long)org.id),
			  email)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 201, json_pack("{s:I, s:s, s:s, s:s}", "user_id", (json_int_t)u.id, "name", u.name,
						"email", u.email, "role", "member"));
}

static void api_providers_members_remove(struct kf_req *r)
{
	struct kf_org_row org;
	enum kf_role role, target_role;
	if (!kf_api_load_provider(r, &org, &role) || !require_owner(r, role, "ONB-1") || !may_edit(r, &org))
		return;
	int64_t uid = kf_req_param_id(r, "user_id");
	struct kf_db *db = kf_req_db(r);
	if (kf_store_member_role(db, org.id, uid, &target_role) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	if (target_role == KF_ROLE_NONE) {
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, "user_id", "this person is not a member");
		return;
	}
	if (target_role == KF_ROLE_OWNER) {
		kf_reply_fail(r, KF_ECONFLICT, "owner_not_removable", "ONB-11", "user_id",
			      "the owner cannot leave the account; cancel the account instead (ONB-10)");
		return;
	}
	if (!kf_api_begin(r))
		return;
	if (kf_store_member_remove(db, org.id, uid) != KF_OK ||
	    !kf_api_audit(r, "provider.member_remove", kf_arena_printf(r->arena, "provider:%lld", (long long)org.id),
			  kf_req_param(r, "user_id"))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_raw(r, 204, "application/json", "", 0);
}

/* Documents must be files the caller uploaded. Returns the JSON text. */
static char *check_documents(struct kf_req *r, json_t *docs, bool required)
{
	size_t i;
	json_t *v;
	if (required && json_array_size(docs) == 0) {
		kf_reply_fail(r, KF_EINVAL, "missing_field", "ONB-3", "documents",
			      "attach the business licence (or identity document) as uploaded file ids");
		return NULL;
	}
	json_array_foreach(docs, i, v) {
		struct kf_file_row f;
		if (!json_is_integer(v)) {
			kf_reply_fail(r, KF_EINVAL, "invalid_type", NULL, "documents", "documents must be file ids");
			return NULL;
		}
		enum kf_err rc = kf_store_file_get(kf_req_db(r), json_integer_value(v), &f);
		if (rc == KF_EDB) {
			kf_reply_db_error(r);
			return NULL;
		}
		if (rc != KF_OK || f.owner_user_id != r->user_id) {
			kf_reply_fail(r, KF_EINVAL, "file_not_found", NULL, "documents",
				      "document %lld is not a file you uploaded", (long long)json_integer_value(v));
			return NULL;
		}
	}
	char *s = docs ? json_dumps(docs, JSON_COMPACT) : NULL;
	char *copy = kf_arena_strdup(r->arena, s ? s : "[]");
	free(s);
	return copy;
}

static void api_providers_apply(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"entity_kind", KF_F_STRING, true, 16, "ONB-2"},
		{"legal_name", KF_F_STRING, true, 200, "ONB-3"},
		{"licence_no", KF_F_STRING, true, 64, "ONB-3"},
		{"documents", KF_F_ARRAY, false, 10, "ONB-3"},
		{"adult_with_capacity", KF_F_BOOL, false, 0, "ONB-2"},
	};
	struct kf_org_row org;
	enum kf_role role;
	/* who may act before what they sent: a stranger learns nothing from the body's checks */
	if (!kf_api_load_provider(r, &org, &role) || !require_owner(r, role, "ONB-1"))
		return;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_onb_policy pol;
	kf_api_onb_policy(r, &pol);
	struct kf_error err = {0};
	const char *kind = kf_json_str(j, "entity_kind");
	json_t *adult = json_object_get(j, "adult_with_capacity");
	if (kf_provider_check_apply(state_of(&org), role == KF_ROLE_OWNER, kind, !adult || json_is_true(adult), &pol,
				    &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	const char *legal = kf_json_str(j, "legal_name");
	char *norm = kf_name_normalize(legal);
	if (!norm || !*norm) {
		free(norm);
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "ONB-3", "legal_name", "legal_name must be valid text");
		return;
	}
	char *norm_a = kf_arena_strdup(r->arena, norm);
	free(norm);
	struct kf_db *db = kf_req_db(r);
	struct kf_entity_row ent;
	enum kf_err erc = kf_store_entity_by_norm(db, norm_a, &ent);
	if (erc == KF_EDB) {
		kf_reply_db_error(r);
		return;
	}
	bool reuse = erc == KF_OK && ent.verified; /* ONB-4 */
	if (reuse && strcasecmp(ent.licence_no, kf_json_str(j, "licence_no"))) {
		/* Reusing a verified entity needs its licence number: the name
		 * alone is public and proves nothing. */
		kf_reply_fail(r, KF_EINVAL, "licence_mismatch", "ONB-4", "licence_no",
			      "this entity is already verified under another licence number; "
			      "enter the number on its business licence");
		return;
	}
	char *docs = check_documents(r, json_object_get(j, "documents"), !reuse);
	if (!docs)
		return;
	int64_t due;
	if (!kf_api_begin(r))
		return;
	struct kf_application_row a = {.org_id = org.id, .entity_id = reuse ? ent.id : 0};
	snprintf(a.entity_kind, sizeof(a.entity_kind), "%s", reuse ? ent.kind : kind);
	snprintf(a.legal_name, sizeof(a.legal_name), "%s", reuse ? ent.legal_name : legal);
	snprintf(a.licence_no, sizeof(a.licence_no), "%s", reuse ? ent.licence_no : kf_json_str(j, "licence_no"));
	int64_t app_id, review_id;
	struct kf_provider_apply_result next = kf_provider_after_apply(reuse);
	char *subject = kf_arena_printf(r->arena, "provider:%lld", (long long)org.id);
	char *body = kf_arena_printf(r->arena,
				     "The qualification application of \"%s\" for the entity \"%s\" was submitted. "
				     "Review is due within %lld working days.\n",
				     org.name, a.legal_name, (long long)r->ctx->cfg.review_workdays);
	if (!kf_api_review_due(r, &due) ||
	    kf_store_application_insert(db, &a, docs, r->user_id, r->now, &app_id) != KF_OK ||
	    kf_store_review_insert(db, KF_REVIEW_QUALIFICATION, "provider_application", app_id, org.id, r->now, due,
				   &review_id) != KF_OK ||
	    kf_store_application_decide(db, app_id, KF_REVIEW_PENDING, review_id, r->now) != KF_OK ||
	    kf_store_org_set_state(db, org.id, next.next, r->now) != KF_OK ||
	    kf_notify_org(db, r->now, org.id, "provider.application_submitted", "Qualification application submitted",
			  body) != KF_OK ||
	    !kf_api_audit(r, "provider.apply", subject, a.legal_name)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	json_t *o = kf_store_application_json(db, app_id);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 201, o);
}

static void api_providers_application_get(struct kf_req *r)
{
	struct kf_org_row org;
	enum kf_role role;
	if (!kf_api_load_provider(r, &org, &role))
		return;
	struct kf_application_row a;
	enum kf_err rc = kf_store_application_latest(kf_req_db(r), org.id, &a);
	if (rc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ENOTFOUND, "application_not_found", NULL, NULL, "this provider has not applied yet");
		return;
	}
	json_t *o = rc == KF_OK ? kf_store_application_json(kf_req_db(r), a.id) : NULL;
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, o);
}

bool kf_api_provider_qualification_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve,
					   size_t n_reasons, const char *reasons_text, bool *replied)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_org_row org;
	struct kf_application_row a;
	*replied = false;
	if (kf_store_org_get(db, rv->org_id, &org) != KF_OK || kf_store_application_get(db, rv->subject_id, &a) != KF_OK)
		return false;
	struct kf_onb_policy pol;
	kf_api_onb_policy(r, &pol);
	struct kf_provider_decision d;
	struct kf_error err = {0};
	enum kf_provider_state st = state_of(&org);
	if (!approve && (st == KF_PROVIDER_BANNED || kf_provider_closed(st))) {
		/* REV-5: the review still ends; the account's state stays. */
		return kf_store_application_decide(db, a.id, KF_REVIEW_REJECTED, 0, r->now) == KF_OK;
	}
	if (kf_provider_decide(st, approve, n_reasons, r->now, &pol, &d, &err) != KF_OK) {
		kf_reply_error(r, &err);
		*replied = true;
		return false;
	}
	enum kf_provider_state next = d.next;
	const char *title, *body;
	if (approve) {
		/* ONB-5: bind the account to the entity for the lock period. */
		int64_t eid = a.entity_id;
		char *norm = kf_name_normalize(a.legal_name);
		enum kf_err rc = eid ? KF_OK
				     : kf_store_entity_upsert(db, a.entity_kind, a.legal_name, norm ? norm : a.legal_name,
							      a.licence_no, r->now, &eid);
		free(norm);
		struct kf_entity_row ent;
		if (rc != KF_OK || kf_store_entity_mark(db, eid, true, false, r->now) != KF_OK ||
		    kf_store_entity_get(db, eid, &ent) != KF_OK ||
		    kf_store_org_bind_entity(db, org.id, eid, d.bound_until, r->now) != KF_OK)
			return false;
		/* ONB-6: certification is skipped when the entity is certified. */
		if (ent.certified && kf_provider_certify(next, a.legal_name, ent.legal_name, true, &next, &err) != KF_OK) {
			kf_reply_error(r, &err);
			*replied = true;
			return false;
		}
		title = "Qualification approved";
		body = next == KF_PROVIDER_CERTIFIED
			       ? kf_arena_printf(r->arena, "The qualification of \"%s\" was approved. The entity is "
							   "already certified, so the account is now certified.\n",
						 org.name)
			       : kf_arena_printf(r->arena, "The qualification of \"%s\" was approved. Complete the "
							   "entity certification with the legal name \"%s\".\n",
						 org.name, a.legal_name);
	} else {
		title = "Qualification rejected";
		body = kf_arena_printf(r->arena, "The qualification of \"%s\" was rejected. Reasons: %s\n"
						 "Fix the application and submit it again.\n",
				       org.name, reasons_text);
	}
	return kf_store_application_decide(db, a.id, approve ? KF_REVIEW_APPROVED : KF_REVIEW_REJECTED, 0, r->now) == KF_OK &&
	       kf_store_org_set_state(db, org.id, next, r->now) == KF_OK &&
	       kf_notify_org(db, r->now, org.id, approve ? "provider.qualified" : "provider.rejected", title, body) ==
		       KF_OK;
}

static void api_providers_certify(struct kf_req *r)
{
	static const struct kf_field f[] = {{"legal_name", KF_F_STRING, true, 200, "ONB-6"}};
	struct kf_org_row org;
	enum kf_role role;
	if (!kf_api_load_provider(r, &org, &role) || !require_owner(r, role, "ONB-6"))
		return;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_db *db = kf_req_db(r);
	struct kf_application_row a;
	struct kf_entity_row ent;
	enum kf_err rc = kf_store_application_latest(db, org.id, &a);
	if (rc == KF_ENOTFOUND || !org.entity_id) {
		kf_reply_fail(r, KF_ECONFLICT, "invalid_state", "ONB-6", NULL,
			      "certification follows an approved qualification application");
		return;
	}
	if (rc != KF_OK || kf_store_entity_get(db, org.entity_id, &ent) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	enum kf_provider_state next;
	struct kf_error err = {0};
	if (kf_provider_certify(state_of(&org), a.legal_name, kf_json_str(j, "legal_name"), ent.certified, &next,
				&err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (!kf_api_begin(r))
		return;
	char *body = kf_arena_printf(r->arena, "\"%s\" is now a certified provider and may create apps.\n", org.name);
	if (kf_store_entity_mark(db, ent.id, true, true, r->now) != KF_OK ||
	    kf_store_org_set_state(db, org.id, next, r->now) != KF_OK ||
	    kf_notify_org(db, r->now, org.id, "provider.certified", "Provider certified", body) != KF_OK ||
	    !kf_api_audit(r, "provider.certify", kf_arena_printf(r->arena, "provider:%lld", (long long)org.id),
			  a.legal_name)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_provider(r, 200, org.id, role);
}

static void api_providers_cancel(struct kf_req *r)
{
	struct kf_org_row org;
	enum kf_role role;
	if (!kf_api_load_provider(r, &org, &role) || !require_owner(r, role, "ONB-10") || !not_closed(r, &org))
		return;
	struct kf_db *db = kf_req_db(r);
	struct kf_cancel_facts facts = {.banned = state_of(&org) == KF_PROVIDER_BANNED};
	if (kf_store_org_open_reviews(db, org.id, &facts.open_reviews) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	/* Violations, disputes and apps arrive with later modules; until then
	 * they are zero by construction (no table holds any). */
	const char *codes[8];
	size_t n = kf_provider_cancel_blockers(&facts, codes, 8);
	if (n) {
		json_t *unmet = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(unmet, json_string(codes[i]));
		json_t *e = json_pack("{s:s, s:s, s:s, s:o, s:s}", "code", "cancellation_blocked", "message",
				      "the account cannot be cancelled until every listed condition is met", "rule",
				      "ONB-10", "unmet", unmet, "request_id", r->id);
		kf_reply_json(r, 409, json_pack("{s:o}", "error", e));
		return;
	}
	struct kf_onb_policy pol;
	kf_api_onb_policy(r, &pol);
	enum kf_provider_state next;
	struct kf_error err = {0};
	if (kf_provider_check_cancel(state_of(&org), &facts, &next, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	int64_t purge_at = kf_provider_purge_at(r->now, &pol);
	if (!kf_api_begin(r))
		return;
	char *body = kf_arena_printf(r->arena,
				     "The provider account \"%s\" was cancelled. Its data has been anonymised and "
				     "will be deleted for good after the retention window.\n",
				     org.name);
	/* Notify before anonymising, while the members are still listed. */
	if (kf_notify_org(db, r->now, org.id, "provider.cancelled", "Provider account cancelled", body) != KF_OK ||
	    kf_store_org_cancel(db, org.id, r->now, purge_at) != KF_OK ||
	    !kf_api_audit(r, "provider.cancel", kf_arena_printf(r->arena, "provider:%lld", (long long)org.id), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)org.id, "state", "cancelled",
						"purge_at", (json_int_t)purge_at));
}

/* GOV-7 with AUTH-5: a ban with "suspend_apps" also suspends, in the same
 * transaction, every app of the provider that can still call the APIs
 * (those already suspended, not yet approved or ended are left as they
 * are). False on a storage error. */
static bool suspend_provider_apps(struct kf_req *r, int64_t provider_id, const char *reason)
{
	json_t *apps = kf_store_provider_app_states(kf_req_db(r), provider_id);
	if (!apps)
		return false;
	bool ok = true;
	size_t i;
	json_t *v;
	json_array_foreach(apps, i, v) {
		struct kf_app_row a;
		struct kf_error err = {0};
		if (kf_store_app_get(kf_req_db(r), json_integer_value(json_object_get(v, "id")), &a) != KF_OK) {
			ok = false;
			break;
		}
		enum kf_err rc = kf_api_app_suspend(r, &a, reason, "GOV-7", &err);
		if (rc == KF_EDB) {
			ok = false;
			break;
		}
	}
	json_decref(apps);
	return ok;
}

/* Operator measures on a provider: re-verification (ONB-7) and ban (GOV-7).
 * Both take a written reason that reaches the provider's inbox and email. */
static void operator_measure(struct kf_req *r, bool ban)
{
	static const struct kf_field f[] = {{"reason", KF_F_STRING, true, 1000, NULL}};
	static const struct kf_field fb[] = {{"reason", KF_F_STRING, true, 1000, NULL},
					     {"suspend_apps", KF_F_BOOL, false, 0, "AUTH-5"}};
	struct kf_org_row org;
	enum kf_role role;
	json_t *j = kf_req_json(r);
	if (!j || !(ban ? kf_req_check(r, j, fb, KF_NFIELDS(fb)) : kf_req_check(r, j, f, KF_NFIELDS(f))) ||
	    !kf_api_load_provider(r, &org, &role) || !not_closed(r, &org))
		return;
	enum kf_provider_state next;
	struct kf_error err = {0};
	enum kf_err rc = ban ? kf_provider_check_ban(state_of(&org), &next, &err)
			     : kf_provider_check_reverify(state_of(&org), &next, &err);
	if (rc != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	const char *reason = kf_json_str(j, "reason");
	char *body = ban ? kf_arena_printf(r->arena, "The provider account \"%s\" was banned (GOV-7). Reason: %s\n",
					   org.name, reason)
			 : kf_arena_printf(r->arena,
					   "The platform asks \"%s\" to verify its entity again (ONB-7). Reason: %s\n"
					   "Until the certification is confirmed again, new submissions are blocked; "
					   "live apps keep working.\n",
					   org.name, reason);
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	if (kf_store_org_set_state(db, org.id, next, r->now) != KF_OK ||
	    (ban && kf_store_org_mark_ban(db, org.id, kf_provider_state_name(state_of(&org)), r->now) != KF_OK) ||
	    kf_notify_org(db, r->now, org.id, ban ? "provider.banned" : "provider.reverify_required",
			  ban ? "Provider account banned" : "Re-verification required", body) != KF_OK ||
	    !kf_api_audit(r, ban ? "provider.ban" : "provider.reverify",
			  kf_arena_printf(r->arena, "provider:%lld", (long long)org.id), reason) ||
	    (ban && json_is_true(json_object_get(j, "suspend_apps")) && !suspend_provider_apps(r, org.id, reason))) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_api_tokens_changed(r);
	reply_provider(r, 200, org.id, KF_ROLE_NONE);
}

static void api_providers_reverify(struct kf_req *r)
{
	operator_measure(r, false);
}

static void api_providers_ban(struct kf_req *r)
{
	operator_measure(r, true);
}

const struct kf_route kf_api_providers_routes[] = {
	{"POST", "/v1/providers", api_providers_create, KF_AUTH_USER, 0, "Create a provider account"},
	{"GET", "/v1/providers", api_providers_list, KF_AUTH_USER, 0, "List the caller's providers (all, for operators); q searches name, entity, licence number, member email"},
	{"GET", "/v1/providers/{id}", api_providers_get, KF_AUTH_USER, 0, "Read a provider"},
	{"PATCH", "/v1/providers/{id}", api_providers_update, KF_AUTH_USER, 0, "Update the provider profile (ONB-9)"},
	{"GET", "/v1/providers/{id}/members", api_providers_members_list, KF_AUTH_USER, 0, "List members"},
	{"POST", "/v1/providers/{id}/members", api_providers_members_add, KF_AUTH_USER, 0, "Add a member"},
	{"DELETE", "/v1/providers/{id}/members/{user_id}", api_providers_members_remove, KF_AUTH_USER, 0,
	 "Remove a member"},
	{"POST", "/v1/providers/{id}/application", api_providers_apply, KF_AUTH_USER, 0,
	 "Apply for provider qualification (ONB-1 … ONB-4)"},
	{"GET", "/v1/providers/{id}/application", api_providers_application_get, KF_AUTH_USER, 0,
	 "The latest qualification application"},
	{"POST", "/v1/providers/{id}/certification", api_providers_certify, KF_AUTH_USER, 0,
	 "Certify the entity (ONB-6)"},
	{"POST", "/v1/providers/{id}/cancellation", api_providers_cancel, KF_AUTH_USER, 0,
	 "Cancel the provider account (ONB-10)"},
	{"POST", "/v1/providers/{id}/reverification", api_providers_reverify, KF_AUTH_OPERATOR, 0,
	 "Demand re-verification of the entity (ONB-7)"},
	{"POST", "/v1/providers/{id}/ban", api_providers_ban, KF_AUTH_ADMIN, KF_RF_STEP_UP, "Ban the provider (GOV-7)"},
};
const size_t kf_api_providers_nroutes = sizeof(kf_api_providers_routes) / sizeof(kf_api_providers_routes[0]);

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of organisations (operator, provider, host), memberships, legal
 * entities and provider applications.
 */
#ifndef KF_STORE_PROVIDERS_H
#define KF_STORE_PROVIDERS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/review.h"
#include "core/provider.h"
#include "core/roles.h"

struct kf_db;
struct json_t;

struct kf_org_row {
	int64_t id;
	enum kf_org_kind kind;        /* unknown stored text reads as host (never a provider) */
	char name[256];
	enum kf_provider_state state; /* a provider's; other kinds (and unknown text) read as draft */
	int64_t entity_id;
	int64_t bound_until;
};

struct kf_entity_row {
	int64_t id;
	char kind[16];
	char legal_name[512];
	char licence_no[128];
	bool verified, certified;
};

struct kf_application_row {
	int64_t id;
	int64_t org_id;
	char entity_kind[16];
	char legal_name[512];
	char licence_no[128];
	int64_t entity_id; /* reused entity (ONB-4), 0 if new */
	char state[16];
};

/* A new organisation: a provider in state (draft, or certified for the
 * demo data); host and operator organisations are stored "active" and
 * state is ignored. KF_EINVAL for a kind or state out of range. */
enum kf_err kf_store_org_insert(struct kf_db *db, enum kf_org_kind kind, const char *name,
				enum kf_provider_state state, int64_t now, int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_org_get(struct kf_db *db, int64_t id, struct kf_org_row *out) KF_MUST_CHECK;
/* A provider's state as core's transition chose it; KF_EINVAL out of range. */
enum kf_err kf_store_org_set_state(struct kf_db *db, int64_t id, enum kf_provider_state state, int64_t now) KF_MUST_CHECK;
/* A host account's organisation ends with the account ("deleted"). */
enum kf_err kf_store_org_set_deleted(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_org_bind_entity(struct kf_db *db, int64_t id, int64_t entity_id, int64_t bound_until,
				     int64_t now) KF_MUST_CHECK;
/* Update the contact fields present (NULL = keep). */
enum kf_err kf_store_org_update(struct kf_db *db, int64_t id, const char *name, const char *contact_name,
				const char *contact_email, const char *contact_phone, const char *address,
				int64_t now) KF_MUST_CHECK;
/* ONB-10: anonymise now, purge at purge_at. */
enum kf_err kf_store_org_cancel(struct kf_db *db, int64_t id, int64_t now, int64_t purge_at) KF_MUST_CHECK;
/* Provider as JSON (new reference) or NULL. */
struct json_t *kf_store_org_json(struct kf_db *db, int64_t id);
/* Providers the user belongs to (all providers when all is set). */
struct json_t *kf_store_providers_json(struct kf_db *db, int64_t user_id, bool all, int64_t after, int limit);

/* Role of user in org; KF_ROLE_NONE when none (or stored text this build
 * does not know). */
enum kf_err kf_store_member_role(struct kf_db *db, int64_t org_id, int64_t user_id,
				 enum kf_role *role) KF_MUST_CHECK;
/* KF_EINVAL for NONE or a role out of range. */
enum kf_err kf_store_member_add(struct kf_db *db, int64_t org_id, int64_t user_id, enum kf_role role,
				int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_member_remove(struct kf_db *db, int64_t org_id, int64_t user_id) KF_MUST_CHECK;
struct json_t *kf_store_members_json(struct kf_db *db, int64_t org_id);
/* Memberships of a user, for GET /v1/me: kind, name, state, role and the
 * API id of the organisation (`id`; `provider_id` or `host_account_id`;
 * `org_id` for providers and operators only). New reference. */
struct json_t *kf_store_memberships_json(struct kf_db *db, int64_t user_id);

/* Entities, looked up by normalised legal name. */
enum kf_err kf_store_entity_by_norm(struct kf_db *db, const char *norm, struct kf_entity_row *out) KF_MUST_CHECK;
enum kf_err kf_store_entity_get(struct kf_db *db, int64_t id, struct kf_entity_row *out) KF_MUST_CHECK;
/* Insert, or return the existing row with the same normalised name. */
enum kf_err kf_store_entity_upsert(struct kf_db *db, const char *kind, const char *legal_name, const char *norm,
				   const char *licence_no, int64_t now, int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_entity_mark(struct kf_db *db, int64_t id, bool verified, bool certified,
				 int64_t now) KF_MUST_CHECK;

enum kf_err kf_store_application_insert(struct kf_db *db, const struct kf_application_row *a,
					const char *documents_json, int64_t by, int64_t now,
					int64_t *id) KF_MUST_CHECK;
/* Latest application of an org. */
enum kf_err kf_store_application_latest(struct kf_db *db, int64_t org_id,
					struct kf_application_row *out) KF_MUST_CHECK;
enum kf_err kf_store_application_get(struct kf_db *db, int64_t id, struct kf_application_row *out) KF_MUST_CHECK;
/* state: what the review decided (pending again for a resubmission); stored
 * as kf_review_state_name. */
enum kf_err kf_store_application_decide(struct kf_db *db, int64_t id, enum kf_review_state state, int64_t review_id,
					int64_t now) KF_MUST_CHECK;
struct json_t *kf_store_application_json(struct kf_db *db, int64_t id);

/* ONB-10 facts the store can count. */
enum kf_err kf_store_org_open_reviews(struct kf_db *db, int64_t org_id, int *n) KF_MUST_CHECK;
/* Idempotency keys are kept for a day (retention from day one). */
enum kf_err kf_store_expire_idempotency(struct kf_db *db, int64_t before) KF_MUST_CHECK;
/* Retention purge (ONB-10), inside the caller's transaction: delete what is
 * left of one cancelled org whose purge_at passed, with its applications'
 * uploaded documents. Returns 1 (purged *org_id; shas lists the file blobs
 * no upload uses any more, for the caller to unlink after commit), 0 when
 * none is due, -1 on a storage error. */
int kf_store_purge_one(struct kf_db *db, int64_t now, int64_t *org_id, char (*shas)[65], size_t max, size_t *nsha);

#endif

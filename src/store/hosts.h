/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of host accounts (the host product's mini-programs, enterprises,
 * shops), the operator API keys the host product uses to provision them,
 * and invitations of owners created on their behalf.
 */
#ifndef KF_STORE_HOSTS_H
#define KF_STORE_HOSTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct json_t;

struct kf_host_row {
	int64_t id;
	int64_t org_id;
	char external_id[128];
	char kind[32];
	char name[256];
	int64_t owner_user_id;
	bool platform_test; /* one of Kaifang's own test accounts (PROTOCOL.md §8) */
};

enum kf_err kf_store_apikey_insert(struct kf_db *db, const char *name, const char *scope, const char *hash,
				   int64_t now, int64_t *id) KF_MUST_CHECK;
/* Scope of a live key with this hash (KF_ENOTFOUND when unknown/revoked). */
enum kf_err kf_store_apikey_auth(struct kf_db *db, const char *hash, int64_t *id, char *scope,
				 size_t scope_len) KF_MUST_CHECK;
enum kf_err kf_store_apikey_revoke(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
struct json_t *kf_store_apikeys_json(struct kf_db *db);

/* KF_ECONFLICT when external_id is taken. */
enum kf_err kf_store_host_insert(struct kf_db *db, int64_t org_id, const char *external_id, const char *kind,
				 int64_t owner, int64_t now, int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_host_get(struct kf_db *db, int64_t id, struct kf_host_row *out) KF_MUST_CHECK;
enum kf_err kf_store_host_update(struct kf_db *db, int64_t id, const char *kind, int64_t owner,
				 int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_host_delete(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
struct json_t *kf_store_host_json(struct kf_db *db, int64_t id);
/* with_tests false leaves out Kaifang's own test accounts (the host
 * product's view: they are not its to list or change). */
struct json_t *kf_store_hosts_json(struct kf_db *db, const char *external_id, int64_t owner_user_id,
				   int64_t after, int limit, bool with_tests);

/* A user created for an invitation: status 'invited', no usable password. */
enum kf_err kf_store_user_invite(struct kf_db *db, const char *email, const char *name, int64_t now,
				 int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_invitation_insert(struct kf_db *db, int64_t user_id, const char *hash, int64_t now,
				       int64_t expires_at) KF_MUST_CHECK;
/* The user of a live invitation, without consuming it. */
enum kf_err kf_store_invitation_peek(struct kf_db *db, const char *hash, int64_t now, int64_t *user_id) KF_MUST_CHECK;
/* Consume an invitation: KF_OK with *user_id, KF_ENOTFOUND unknown/used/expired. */
enum kf_err kf_store_invitation_use(struct kf_db *db, const char *hash, int64_t now, int64_t *user_id) KF_MUST_CHECK;
/* Activate an invited user with a password and mobile; KF_ECONFLICT mobile taken. */
enum kf_err kf_store_user_activate(struct kf_db *db, int64_t id, const char *pw_hash, const char *mobile,
				   const char *name, int64_t now) KF_MUST_CHECK;

#endif

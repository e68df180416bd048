/* SPDX-License-Identifier: Apache-2.0 */
/* Storage of authorizations: which host account authorized which app,
 * with which permission sets and data scope, and their history. */
#ifndef KF_STORE_AUTHZ_H
#define KF_STORE_AUTHZ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/auth.h"
#include "core/err.h"

struct kf_db;
struct json_t;

struct kf_authz_row {
	int64_t id;
	int64_t host_account;
	int64_t app;
	enum kf_auth_state state; /* stored "active" | "revoked" (kf_auth_state_name); NONE for unknown text */
	char granted[512];   /* JSON array of set ids */
	char pending[512];
	char offered[512];
	char data_scope[512];
	int64_t created_at;
	int64_t updated_at;
};

enum kf_err kf_store_authz_get(struct kf_db *db, int64_t host_account, int64_t app, struct kf_authz_row *out) KF_MUST_CHECK;
enum kf_err kf_store_authz_by_id(struct kf_db *db, int64_t id, struct kf_authz_row *out) KF_MUST_CHECK;
/* Create or re-activate/update the authorization; *created tells which. */
enum kf_err kf_store_authz_put(struct kf_db *db, int64_t host_account, int64_t app, const char *granted,
			       const char *offered, const char *data_scope, int64_t now, int64_t *id,
			       bool *created) KF_MUST_CHECK;
enum kf_err kf_store_authz_revoke(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_authz_history(struct kf_db *db, int64_t id, int64_t now, const char *action, const char *granted,
				   const char *actor) KF_MUST_CHECK;
/* Active authorizations of an app (authorizer list): total and a page. */
struct json_t *kf_store_authz_of_app(struct kf_db *db, int64_t app, int64_t offset, int64_t count, int64_t *total);
/* The live (active) authorizations of a host account, oldest first, as
 * [{"id", "app", "state", "granted"}] (new reference; NULL on a database
 * error), for ending them with the account (AUTH-2, DATA-3). */
struct json_t *kf_store_authz_live_of_host(struct kf_db *db, int64_t host_account);
/* Authorizations of a host account, with app names. */
struct json_t *kf_store_authz_of_host(struct kf_db *db, int64_t host_account);
enum kf_err kf_store_authz_option_get(struct kf_db *db, int64_t id, const char *name, char *value, size_t len) KF_MUST_CHECK;
enum kf_err kf_store_authz_option_set(struct kf_db *db, int64_t id, const char *name, const char *value) KF_MUST_CHECK;

#endif

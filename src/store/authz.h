/* SPDX-License-Identifier: Apache-2.0 */
/* Storage of authorizations: which host account authorized which app,
 * with which permission sets and data scope, and their history.
 *
 * The permission sets (granted, pending, offered, and the granted sets of
 * each history row) are stored as JSON arrays of set ids ("[3,7]"); that
 * text format is known here only. Rows carry core's struct kf_auth_sets,
 * parsed once when read, and the write functions take them. */
#ifndef KF_STORE_AUTHZ_H
#define KF_STORE_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/auth.h"
#include "core/err.h"

struct kf_arena;
struct kf_db;
struct json_t;

struct kf_authz_row {
	int64_t id;
	int64_t host_account;
	int64_t app;
	enum kf_auth_state state; /* stored "active" | "revoked" (kf_auth_state_name); NONE for unknown text */
	/* Text that is not a JSON array of at most KF_AUTH_SETS_MAX integer
	 * ids reads as no sets: the most restrictive reading (nothing granted). */
	struct kf_auth_sets granted; /* the sets the owner granted (AUTH-1) */
	struct kf_auth_sets pending; /* sets the app added, awaiting re-consent (APP-7) */
	struct kf_auth_sets offered; /* the app's sets shown at the last consent (APP-7) */
	char data_scope[512];
	int64_t created_at;
	int64_t updated_at;
};

enum kf_err kf_store_authz_get(struct kf_db *db, int64_t host_account, int64_t app, struct kf_authz_row *out) KF_MUST_CHECK;
enum kf_err kf_store_authz_by_id(struct kf_db *db, int64_t id, struct kf_authz_row *out) KF_MUST_CHECK;
/* Create or re-activate/update the authorization with the sets granted
 * and offered (borrowed, NULL = none) and the data scope (JSON text); its
 * pending sets become none. *created tells which. KF_OK or KF_EDB. */
enum kf_err kf_store_authz_put(struct kf_db *db, int64_t host_account, int64_t app, const struct kf_auth_sets *granted,
			       const struct kf_auth_sets *offered, const char *data_scope, int64_t now, int64_t *id,
			       bool *created) KF_MUST_CHECK;
enum kf_err kf_store_authz_revoke(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
/* Append a history row: action ("authorized" | "updated" | "revoked") with
 * the sets granted (borrowed, NULL = none) at that moment. KF_OK or KF_EDB. */
enum kf_err kf_store_authz_history(struct kf_db *db, int64_t id, int64_t now, const char *action,
				   const struct kf_auth_sets *granted, const char *actor) KF_MUST_CHECK;
/* Active authorizations of an app (authorizer list): total and a page. */
struct json_t *kf_store_authz_of_app(struct kf_db *db, int64_t app, int64_t offset, int64_t count, int64_t *total);
/* The live (active) authorizations of a host account, oldest first, for
 * ending them with the account (AUTH-2, DATA-3): *out gets *n rows
 * allocated from a (valid as long as a). KF_OK or KF_EDB. */
enum kf_err kf_store_authz_live_of_host(struct kf_db *db, struct kf_arena *a, int64_t host_account,
					struct kf_authz_row **out, size_t *n) KF_MUST_CHECK;
/* Authorizations of a host account, with app names, as [{"app_id",
 * "app_name", "state", "granted", "pending", "data_scope", "created_at",
 * "updated_at"}] (new reference; NULL on a database error). */
struct json_t *kf_store_authz_of_host(struct kf_db *db, int64_t host_account);
/* One entry of a host account's authorization log. */
struct kf_authz_log_row {
	int64_t id;
	int64_t at;
	const char *app_id;
	const char *action;  /* authorized | updated | revoked */
	struct kf_auth_sets granted;
	const char *actor;   /* "user:12", "apikey:3", … */
};
/* The authorization log of a host account, newest first: at most limit
 * rows with id < before (0: from the newest), in a. KF_OK or KF_EDB. */
enum kf_err kf_store_authz_log_of_host(struct kf_db *db, struct kf_arena *a, int64_t host_account, int64_t before,
				       int limit, struct kf_authz_log_row **out, size_t *n) KF_MUST_CHECK;
enum kf_err kf_store_authz_option_get(struct kf_db *db, int64_t id, const char *name, char *value, size_t len) KF_MUST_CHECK;
enum kf_err kf_store_authz_option_set(struct kf_db *db, int64_t id, const char *name, const char *value) KF_MUST_CHECK;

#endif

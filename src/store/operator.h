/* SPDX-License-Identifier: Apache-2.0 */
/* Storage of the platform operator's organisation and its staff, for the
 * bootstrap of the first operator (ops.h). */
#ifndef KF_STORE_OPERATOR_H
#define KF_STORE_OPERATOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;

/* The operator organisation (the oldest org of kind operator).
 * KF_ENOTFOUND when there is none yet; KF_EDB. */
enum kf_err kf_store_operator_org(struct kf_db *db, int64_t *id) KF_MUST_CHECK;

/* Number of memberships in operator organisations. KF_EDB. */
enum kf_err kf_store_operator_staff_count(struct kf_db *db, int64_t *n) KF_MUST_CHECK;

struct kf_arena;

/* One member of the operator's staff, as the operators list shows it. */
struct kf_operator_row {
	int64_t id;
	const char *email, *name, *role, *status; /* status: active | disabled */
	int64_t created_at;
	int64_t last_sign_in_at; /* 0: never signed in */
};

#define KF_OPERATORS_MAX 500
/* The operator staff, oldest first, at most KF_OPERATORS_MAX; rows and
 * strings live in arena a. KF_EDB. */
enum kf_err kf_store_operator_list(struct kf_db *db, struct kf_arena *a, struct kf_operator_row **out,
				   size_t *n) KF_MUST_CHECK;
/* One member of the staff (strings in a). KF_ENOTFOUND when user id is no
 * operator staff; KF_EDB. */
enum kf_err kf_store_operator_get(struct kf_db *db, struct kf_arena *a, int64_t id,
				  struct kf_operator_row *out) KF_MUST_CHECK;
/* Change the staff member's role (a name of core/roles.h). KF_ENOTFOUND; KF_EDB. */
enum kf_err kf_store_operator_set_role(struct kf_db *db, int64_t id, const char *role) KF_MUST_CHECK;
/* Active admins of the operator's staff. KF_EDB. */
enum kf_err kf_store_operator_admin_count(struct kf_db *db, int64_t *n) KF_MUST_CHECK;
/* Set users.status of a staff member (active | disabled); disabling also
 * ends every session of the person at now, so enabling later revives
 * none. KF_ENOTFOUND; KF_EDB. */
enum kf_err kf_store_operator_set_status(struct kf_db *db, int64_t id, const char *status,
					 int64_t now) KF_MUST_CHECK;

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Operator commands shared by kaifangd (first-start bootstrap) and the
 * kaifang CLI. */
#ifndef KF_OPS_H
#define KF_OPS_H

#include <stdint.h>

#include <stdbool.h>

#include "core/err.h"
#include "core/roles.h"

struct kf_db;

/* Create an operator user with role admin|reviewer|ops in the operator
 * organisation (created when missing), consenting to every agreement in
 * effect. One transaction. */
enum kf_err kf_ops_create_operator(struct kf_db *db, int64_t now, const char *email, const char *mobile,
				   const char *name, const char *password, const char *role,
				   struct kf_error *err) KF_MUST_CHECK;
/* The checks of kf_ops_create_operator, for callers with their own
 * transaction (the operators API): email lower-cased into lower, mobile
 * (NULL or "": none) into e164 ("" when none), password (NULL: none given,
 * so not checked) against ONB-8, role a staff role into *rk. KF_EINVAL
 * with err naming the field. */
enum kf_err kf_ops_operator_check(const char *email, const char *mobile, const char *password, const char *role,
				  char lower[256], char e164[32], enum kf_role *rk, struct kf_error *err) KF_MUST_CHECK;
/* admin, reviewer, ops or auditor. */
bool kf_ops_staff_role(enum kf_role rk);
/* Insert the checked operator inside the caller's transaction: the user
 * (email verified), its membership of the operator organisation (created
 * when missing), consent to the agreements in effect, and the audit row
 * operator.create by actor. pw_hash from kf_password_hash. *uid the new
 * user. KF_ECONFLICT email_taken|mobile_taken; KF_EDB. */
enum kf_err kf_ops_operator_insert(struct kf_db *db, int64_t now, const char *actor, const char *lower,
				   const char *e164, const char *name, const char *pw_hash, enum kf_role rk,
				   int64_t *uid, struct kf_error *err) KF_MUST_CHECK;
/* The server key shared by every process on this database, created on
 * first use. */
enum kf_err kf_ops_server_key(struct kf_db *db, unsigned char key[32]) KF_MUST_CHECK;
/* Number of operator staff (to decide on bootstrap). -1 on error. */
int kf_ops_operator_count(struct kf_db *db);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Operator commands shared by kaifangd (first-start bootstrap) and the
 * kaifang CLI. */
#ifndef KF_OPS_H
#define KF_OPS_H

#include <stdint.h>

#include "core/err.h"

struct kf_db;

/* Create an operator user with role admin|reviewer|ops in the operator
 * organisation (created when missing), consenting to every agreement in
 * effect. One transaction. */
enum kf_err kf_ops_create_operator(struct kf_db *db, int64_t now, const char *email, const char *mobile,
				   const char *name, const char *password, const char *role,
				   struct kf_error *err) KF_MUST_CHECK;
/* The server key shared by every process on this database, created on
 * first use. */
enum kf_err kf_ops_server_key(struct kf_db *db, unsigned char key[32]) KF_MUST_CHECK;
/* Number of operator staff (to decide on bootstrap). -1 on error. */
int kf_ops_operator_count(struct kf_db *db);

#endif

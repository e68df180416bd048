/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process-wide state kept in the database: the settings table (key/value
 * text shared by every process on the database, such as the server key)
 * and the readiness probe.
 */
#ifndef KF_STORE_SYSTEM_H
#define KF_STORE_SYSTEM_H

#include <stddef.h>

#include "core/err.h"

struct kf_db;

/* The value of setting key into out[len], storing value first when the
 * key has none (the first writer wins, also across processes). KF_EDB,
 * also when the stored value does not fit out. */
enum kf_err kf_store_setting_ensure(struct kf_db *db, const char *key, const char *value, char *out,
				    size_t len) KF_MUST_CHECK;

/* Does the database answer a trivial query? KF_OK or KF_EDB. */
enum kf_err kf_store_ping(struct kf_db *db) KF_MUST_CHECK;

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Storage of agreement versions and users' consents (ONB-12). */
#ifndef KF_STORE_AGREEMENTS_H
#define KF_STORE_AGREEMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/agreement.h"
#include "core/err.h"

struct kf_db;
struct kf_arena;
struct json_t;

/* Every published version, as core structs allocated in the arena. Only
 * versions required for `audience` ("provider", "host" or NULL for any user)
 * are marked required. */
enum kf_err kf_store_agreements_load(struct kf_db *db, struct kf_arena *a, const char *audience,
				     struct kf_agreement **out, size_t *n) KF_MUST_CHECK;
enum kf_err kf_store_consents_load(struct kf_db *db, struct kf_arena *a, int64_t user_id,
				   struct kf_consent **out, size_t *n) KF_MUST_CHECK;
/* Highest version of key, 0 when none. */
enum kf_err kf_store_agreement_latest(struct kf_db *db, const char *key, int *version) KF_MUST_CHECK;
enum kf_err kf_store_agreement_insert(struct kf_db *db, const char *key, int version, const char *title,
				      const char *body, int64_t effective_at, int notice_days,
				      const char *required_for_json, const char *change_kind, int64_t by, int64_t now,
				      int64_t *id) KF_MUST_CHECK;
/* Idempotent: consenting twice keeps the first time. */
enum kf_err kf_store_consent_insert(struct kf_db *db, int64_t user_id, const char *key, int version,
				    int64_t now) KF_MUST_CHECK;
/* Consent user_id to every version published so far (an operator created
 * by the CLI or at first start), at now; versions consented to already keep
 * their first time. */
enum kf_err kf_store_consent_all(struct kf_db *db, int64_t user_id, int64_t now) KF_MUST_CHECK;
/* All versions as JSON (new reference), newest first; body included when
 * with_body. */
struct json_t *kf_store_agreements_json(struct kf_db *db, const char *key, int with_body);

#endif

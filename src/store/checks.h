/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of the capability check (APP-9, PROTOCOL.md §8): the host
 * accounts Kaifang itself owns for it (host_accounts.platform_test), the
 * calls apps make to the APIs Kaifang serves for them (test_calls), and the
 * results of check runs (check_runs).
 */
#ifndef KF_STORE_CHECKS_H
#define KF_STORE_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct json_t;

/* The system organisation, its owner and the first test account. */
#define KF_TEST_ORG_NAME "Kaifang test accounts"
#define KF_TEST_OWNER_EMAIL "test-accounts@kaifang.invalid"
#define KF_TEST_ACCOUNT_PREFIX "kaifang-test-"

/*
 * Make sure a live platform test account exists (idempotent; one
 * transaction, so processes starting together create one). When none is
 * left, creates what is missing: the owner user (KF_TEST_OWNER_EMAIL,
 * status disabled, no mobile, a password hash no password matches, like an
 * invited user), an organisation of kind host named KF_TEST_ORG_NAME owned
 * by it, and the host account "kaifang-test-1" of the given kind (the next
 * free "kaifang-test-N" when the host product took that id) with
 * platform_test = 1, plus an audit row. db must not be inside a
 * transaction. *id (may be NULL) receives the account's row id.
 * Errors: KF_EDB.
 */
enum kf_err kf_store_test_accounts_ensure(struct kf_db *db, int64_t now, const char *kind, int64_t *id) KF_MUST_CHECK;

/* The first live platform test account: row id and external id (the
 * authorizer id the app sees). KF_ENOTFOUND when there is none. */
enum kf_err kf_store_test_account(struct kf_db *db, int64_t *id, char external_id[128]) KF_MUST_CHECK;

/* Is external_id a live platform test account? KF_OK with *id, or
 * KF_ENOTFOUND (also for a real host account). */
enum kf_err kf_store_test_account_find(struct kf_db *db, const char *external_id, int64_t *id) KF_MUST_CHECK;

/* Record a call an app made for a test account. */
enum kf_err kf_store_test_call_insert(struct kf_db *db, int64_t app, int64_t host_account, const char *api,
				      const char *touser, const char *msgtype, const char *content, const char *body,
				      int64_t now) KF_MUST_CHECK;
/* Calls of the app recorded since `since` (for its daily quota). */
enum kf_err kf_store_test_calls_count(struct kf_db *db, int64_t app, int64_t since, int64_t *n) KF_MUST_CHECK;
/* The id of the app's newest call (0 when none). */
enum kf_err kf_store_test_calls_last_id(struct kf_db *db, int64_t app, int64_t *id) KF_MUST_CHECK;
/* The app's calls for host_account with an id above after, oldest first,
 * at most limit: [{id, api, touser, msgtype, content, created_at}] (new
 * reference), NULL on error. */
struct json_t *kf_store_test_calls_after(struct kf_db *db, int64_t app, int64_t host_account, int64_t after,
					 int limit);
/* Retention: delete calls recorded before `before`. Rows deleted or -1. */
int kf_store_test_calls_expire(struct kf_db *db, int64_t before);

/* The most check runs kept per app (older ones are deleted as new ones
 * are stored). */
#define KF_CHECK_RUNS_KEPT 50

/* Store a run (checks_json: the JSON array text); *id receives its id.
 * Runs in its own transaction, or the caller's when one is open. */
enum kf_err kf_store_check_run_insert(struct kf_db *db, int64_t app, int64_t config_id, const char *purpose,
				      bool passed, const char *checks_json, int64_t started_at, int64_t finished_at,
				      int64_t *id) KF_MUST_CHECK;
/* A run as JSON {run_id, config_id, config_version, purpose, passed,
 * checks, started_at, finished_at} (new reference): by id, or the app's
 * latest (id 0). *out NULL and KF_ENOTFOUND when there is none; KF_EDB. */
enum kf_err kf_store_check_run_json(struct kf_db *db, int64_t app, int64_t id, struct json_t **out) KF_MUST_CHECK;

/* The JSON text of config version config_id if it belongs to app
 * (malloc'd, the caller frees). KF_ENOTFOUND when it does not; KF_EDB. */
enum kf_err kf_store_check_config(struct kf_db *db, int64_t app, int64_t config_id, char **json_text) KF_MUST_CHECK;

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The automated capability check of APP-9 (PROTOCOL.md §8): Kaifang plays
 * the platform against an app with its own test host account and watches
 * what the app does. Every run pushes, in order:
 *
 *   ticket         a fresh verify ticket to the auth receive URL, answered
 *                  "success" (push-timeout);
 *   authorization  the test account authorizes the app with every
 *                  permission set of the configuration under test (no test
 *                  allowlist: AUTH-4 is for the provider's testers, not the
 *                  platform's own accounts); the authorized event with its
 *                  code is answered "success" (push-timeout);
 *
 * then, for each permission set in the configuration's order, the checks
 * its catalog entry names (permission_sets.capability_check, core/checks.h):
 *
 *   text_reply     TESTCOMPONENT_MSG_TYPE_TEXT from a test user to the test
 *                  account; the passive reply, encrypted and signed, says
 *                  TESTCOMPONENT_MSG_TYPE_TEXT_callback back to the user
 *                  within check-reply-timeout;
 *   api_reply      QUERY_AUTH_CODE:<a fresh code>, answered empty at once;
 *                  within check-api-timeout the app exchanges the code with
 *                  api_query_auth and calls /cgi-bin/message/custom/send
 *                  (served by Kaifang for its test accounts, test_calls)
 *                  with "<code>_from_api" to the user.
 *
 * Every push is built like an outbox event (push/request.h) but with the
 * configuration under test (a released app's draft is checked with its own
 * URLs, token and key) and sent synchronously with the SSRF guard of
 * push/http.h; nothing goes through the outbox.
 */
#ifndef KF_PUSH_CHECKS_H
#define KF_PUSH_CHECKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct kf_ctx;

/* Runs every capability check named by the permission sets of config `config_id` of app row `app`;
 * takes its own connections from ctx->pool (never holds one while waiting on the network);
 * stores a check_runs row (purpose "manual" | "release" | "change"); returns a new JSON array
 * [{"check","permission_set","status":"passed"|"failed","reason","ms"}] and sets *passed. NULL on storage error.
 *
 * permission_set is the set's key (null for ticket and authorization), reason null when passed, ms the
 * check's duration. Blocks for as long as the checks take: at most about
 * 2 × push-timeout + (text_reply and api_reply pushes) × check-reply-timeout + check-api-timeout per
 * api_reply; never call it on a server thread (kf_req_defer). A server that is stopping
 * (ctx->stopping) ends the waits early: the checks still waiting fail. Also NULL (nothing stored) when
 * the app does not exist, config_id is not one of its versions or purpose is not one of the three.
 * Runs for one app may overlap (each uses its own codes and messages) but each takes a thread. */
json_t *kf_checks_run(struct kf_ctx *ctx, int64_t app, int64_t config_id, const char *purpose, bool *passed);

/* kf_checks_run that also gives the id of the stored check_runs row (run_id may be NULL). */
json_t *kf_checks_run_ex(struct kf_ctx *ctx, int64_t app, int64_t config_id, const char *purpose, bool *passed,
			 int64_t *run_id);

#endif

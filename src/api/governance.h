/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Marketplace governance (GOV-1 … GOV-7) as the operations both the JSON
 * routes and the console pages call: one rule, two renderings. Each runs
 * inside the caller's open transaction and, on success, has written the
 * violation or measure rows, put their effects in place (the app's state
 * and market columns, its tokens, the push to the app), notified the
 * provider in writing (GOV-6: inbox and email, with rule and end date) and
 * written an audit row. On failure nothing is written and err names the
 * code, rule id and field. KF_EDB: storage error (the caller rolls back
 * and answers 500). Answers are the JSON objects the routes return (new
 * references). The caller calls kf_api_tokens_changed after committing
 * when tokens may have ended, and wakes the pusher.
 */
#ifndef KF_API_GOVERNANCE_H
#define KF_API_GOVERNANCE_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"

struct kf_req;

/*
 * POST /v1/apps/{app_id}/violations: body {"level": 1|2|3, "rule",
 * "evidence", "evidence_files"?: [file ids], "kind"?: "general"|"plugin",
 * "severe"?: bool}. Records the violation with GOV-4's escalation (or
 * GOV-5's ladder for kind "plugin") and the measures it causes. *out =
 * {"violation": {…, "level", "requested_level", "escalated"}, "measures": [{…}]}.
 */
enum kf_err kf_api_violation_record(struct kf_req *r, const char *app_id, json_t *body, json_t **out,
				    struct kf_error *err) KF_MUST_CHECK;

/*
 * A further measure of GOV-7 on an app or on a whole provider: body
 * {"kind", "app_id"? | "provider_id"?, "rule", "reason", "weight"?,
 * "starts_at"?, "ends_at"?}. *out = the measure.
 */
enum kf_err kf_api_measure_create(struct kf_req *r, json_t *body, json_t **out,
				  struct kf_error *err) KF_MUST_CHECK;

/*
 * End a measure in force now: reason "lifted" (an operator lifts it),
 * "rectified" (the operator confirms rectification; refused before its
 * min_until) or "objection" (an objection against it was upheld). Its
 * effects are undone unless another measure in force keeps them, and the
 * provider is told (GOV-6 restoration). *out = the measure.
 */
enum kf_err kf_api_measure_end(struct kf_req *r, int64_t measure_id, const char *reason, const char *note,
			       json_t **out, struct kf_error *err) KF_MUST_CHECK;

/* One measure as the API shows it (NULL when there is none with that id). */
json_t *kf_api_measure_json(struct kf_req *r, int64_t measure_id);

/*
 * GOV-2: the provider withdraws its released app from the marketplace
 * (POST /v1/apps/{app_id}/withdrawal) or puts it back (DELETE). *out =
 * the app's market state {"app_id", "state", "withdrawn_at"}.
 */
enum kf_err kf_api_app_withdraw(struct kf_req *r, const char *app_id, json_t **out,
				struct kf_error *err) KF_MUST_CHECK;
enum kf_err kf_api_app_relist(struct kf_req *r, const char *app_id, json_t **out,
			      struct kf_error *err) KF_MUST_CHECK;

#endif

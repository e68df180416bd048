/* SPDX-License-Identifier: Apache-2.0 */
/* Operations routes: liveness, readiness, the API description and the
 * test-only clock. */
#include <jansson.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/review_queue.h"
#include "api/staff.h"
#include "ctx.h"
#include "http/request.h"
#include "push/push.h"
#include "store/system.h"
#include "util/crypto.h"
#include "util/mem.h"

extern const char kf_openapi_json[];

static void api_system_healthz(struct kf_req *r)
{
	kf_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static void api_system_readyz(struct kf_req *r)
{
	bool ok = kf_store_ping(kf_req_db(r)) == KF_OK;
	if (!ok || atomic_load(&r->ctx->stopping)) {
		kf_reply_fail(r, KF_EUNAVAIL, "not_ready", NULL, NULL,
			      ok ? "shutting down" : "the database is not reachable");
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:s}", "status", "ready"));
}

static void api_system_openapi(struct kf_req *r)
{
	kf_reply_raw(r, 200, "application/json", kf_openapi_json, strlen(kf_openapi_json));
}

/* POST /v1/_test/clock {"advance_seconds": N}: only with KAIFANG_TEST_CLOCK=1
 * on a loopback listener; otherwise the route answers 404 like any unknown
 * path. */
static void api_system_test_clock(struct kf_req *r)
{
	if (!r->ctx->test_clock) {
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, NULL, "no such resource: %s", r->path);
		return;
	}
	json_t *j = kf_req_json(r);
	static const struct kf_field f[] = {{"advance_seconds", KF_F_INT, true, 0, NULL}};
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	json_int_t n = json_integer_value(json_object_get(j, "advance_seconds"));
	if (n < 0 || n > 20LL * 365 * 86400) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "advance_seconds",
			      "advance_seconds must be between 0 and 20 years");
		return;
	}
	atomic_fetch_add(&r->ctx->clock_offset, (int64_t)n);
	kf_push_wake(r->ctx->pusher); /* events may have become due */
	kf_reply_json(r, 200, json_pack("{s:I, s:I}", "now", (json_int_t)kf_ctx_now(r->ctx), "offset",
					(json_int_t)atomic_load(&r->ctx->clock_offset)));
}

/* GET /metrics: Prometheus text exposition of the push metrics and the
 * review queue's gauges at the request's now (REV-1). */
static void api_system_metrics(struct kf_req *r)
{
	/* a scraper presents the operator's metrics-token, when one is set */
	const char *want = r->ctx->cfg.metrics_token;
	if (want && *want) {
		const char *auth = kf_req_header(r, "Authorization");
		if (!auth || strncmp(auth, "Bearer ", 7) || !kf_str_ct_equal(auth + 7, want)) {
			kf_reply_header(r, "WWW-Authenticate", "Bearer realm=\"metrics\"");
			kf_reply_fail(r, KF_EAUTH, "metrics_token_required", NULL, "Authorization",
				      "GET /metrics needs Authorization: Bearer with the operator's metrics-token");
			return;
		}
	}
	char *text = kf_push_metrics_text(r->ctx, kf_req_db(r));
	char *reviews = kf_api_review_metrics_text(kf_req_db(r), r->now);
	char *queues = kf_api_system_metrics_text(kf_req_db(r), r->now);
	char *all = kf_arena_printf(r->arena, "%s%s%s", text, reviews ? reviews : "", queues ? queues : "");
	free(queues);
	kf_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", all, strlen(all));
	free(reviews);
	free(text);
}

const struct kf_route kf_api_system_routes[] = {
	{"GET", "/metrics", api_system_metrics, KF_AUTH_NONE, 0, "Prometheus metrics (push deliveries and outbox)"},
	{"GET", "/healthz", api_system_healthz, KF_AUTH_NONE, 0, "Liveness"},
	{"GET", "/readyz", api_system_readyz, KF_AUTH_NONE, 0, "Readiness (database reachable)"},
	{"GET", "/v1/openapi.json", api_system_openapi, KF_AUTH_NONE, 0, "This API's OpenAPI document"},
	{"POST", "/v1/_test/clock", api_system_test_clock, KF_AUTH_NONE, KF_RF_TEST_ONLY, "Advance the test clock"},
};
const size_t kf_api_system_nroutes = sizeof(kf_api_system_routes) / sizeof(kf_api_system_routes[0]);

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An app's pushed events as its provider sees them: the outbox rows with
 * their state and attempt log, and replay of dead (or delivered) events.
 */
#include <jansson.h>
#include <string.h>

#include "api/api.h"
#include "api/apps.h"
#include "api/common.h"
#include "core/app.h"
#include "ctx.h"
#include "http/request.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/providers.h"
#include "util/mem.h"

/* A filter of the list given as a time (unix seconds); false after
 * replying 400. */
static bool time_filter(struct kf_req *r, const char *name, int64_t *out)
{
	const char *v = kf_req_query(r, name);
	*out = 0;
	if (v && !kf_api_uint_parse(v, out)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, name, "%s must be a time in unix seconds", name);
		return false;
	}
	return true;
}

static void api_deliveries_list(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	const char *state = kf_req_query(r, "state"), *kind = kf_req_query(r, "kind");
	enum kf_outbox_state st;
	if (state && !kf_outbox_state_parse(state, &st)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "state",
			      "state is pending, delivered, dead or superseded");
		return;
	}
	if (kind && (!*kind || strlen(kind) > 64 || strspn(kind, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(kind))) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "kind",
			      "kind is an event kind such as component_verify_ticket");
		return;
	}
	struct kf_outbox_filter f = {.state = state ? &st : NULL, .kind = kind};
	int64_t before;
	int limit;
	if (!time_filter(r, "since", &f.since) || !time_filter(r, "until", &f.until) || !kf_api_load_app(r, &a, &role) ||
	    !kf_api_page(r, &before, &limit))
		return;
	/* newest first: "after" is read as "older than this id" */
	json_t *items = kf_store_outbox_json(kf_req_db(r), a.id, &f, before, limit);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	size_t n = json_array_size(items);
	json_t *next = n == (size_t)limit ? json_incref(json_object_get(json_array_get(items, n - 1), "id")) : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

static void api_deliveries_get(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	json_t *o = kf_store_outbox_event_json(kf_req_db(r), a.id, kf_req_param(r, "event"));
	if (!o) {
		kf_reply_fail(r, KF_ENOTFOUND, "event_not_found", NULL, "event", "no such event for this app");
		return;
	}
	kf_reply_json(r, 200, o);
}

static void api_deliveries_replay(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	if (!kf_api_require_member(r, role, "replay its events"))
		return;
	const char *ev = kf_req_param(r, "event");
	if (!kf_api_begin(r))
		return;
	enum kf_err rc = kf_store_outbox_replay(kf_req_db(r), a.id, ev, r->now);
	if (rc == KF_ENOTFOUND || rc == KF_ECONFLICT) {
		kf_api_rollback(r);
		if (rc == KF_ENOTFOUND)
			kf_reply_fail(r, KF_ENOTFOUND, "event_not_found", NULL, "event", "no such event for this app");
		else
			kf_reply_fail(r, KF_ECONFLICT, "still_pending", NULL, "event",
				      "the event is still being delivered; only delivered or dead events are replayed");
		return;
	}
	if (rc != KF_OK || !kf_api_audit(r, "delivery.replay", kf_arena_printf(r->arena, "app:%s", a.app_id), ev)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_push_wake(r->ctx->pusher); /* deliver now rather than at the next poll */
	json_t *o = kf_store_outbox_event_json(kf_req_db(r), a.id, ev);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 202, o);
}

const struct kf_route kf_api_deliveries_routes[] = {
	{"GET", "/v1/apps/{id}/deliveries", api_deliveries_list, KF_AUTH_USER, 0, "Pushed events of an app"},
	{"GET", "/v1/apps/{id}/deliveries/{event}", api_deliveries_get, KF_AUTH_USER, 0, "One event with its attempts"},
	{"POST", "/v1/apps/{id}/deliveries/{event}:replay", api_deliveries_replay, KF_AUTH_USER, 0,
	 "Deliver an event again"},
};
const size_t kf_api_deliveries_nroutes = sizeof(kf_api_deliveries_routes) / sizeof(kf_api_deliveries_routes[0]);

/* SPDX-License-Identifier: Apache-2.0 */
/* The caller's inbox (NOTE-1): newest first, cursor pagination, mark read. */
#include <jansson.h>

#include "api/api.h"
#include "api/common.h"
#include "http/request.h"
#include "store/notices.h"

static void api_inbox_list(struct kf_req *r)
{
	int64_t after;
	int limit;
	if (!kf_api_page(r, &after, &limit))
		return;
	struct kf_notification_row *rows = NULL;
	size_t n_rows = 0;
	if (kf_store_inbox_page(kf_req_db(r), r->arena, r->user_id, after, limit, &rows, &n_rows) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n_rows; i++) {
		const struct kf_notification_row *m = &rows[i];
		/* app_id: the app a notice is about, by the id /v1/apps/{id} takes */
		json_array_append_new(items, json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)m->id,
						       "provider_id", m->org_id ? json_integer(m->org_id) : json_null(),
						       "app_id", m->app_id ? json_string(m->app_id) : json_null(),
						       "kind", m->kind, "title", m->title, "body", m->body, "created_at",
						       (json_int_t)m->created_at, "read_at",
						       m->read ? json_integer(m->read_at) : json_null()));
	}
	size_t n = json_array_size(items);
	json_t *next = n == (size_t)limit ? json_incref(json_object_get(json_array_get(items, n - 1), "id")) : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

static void api_inbox_read(struct kf_req *r)
{
	int64_t id = kf_req_param_id(r, "id");
	enum kf_err rc = kf_store_inbox_mark_read(kf_req_db(r), r->user_id, id, r->now);
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, "id", "no such message");
		return;
	}
	if (rc != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_raw(r, 204, "application/json", "", 0);
}

const struct kf_route kf_api_inbox_routes[] = {
	{"GET", "/v1/inbox", api_inbox_list, KF_AUTH_USER, 0, "The caller's inbox, newest first"},
	{"POST", "/v1/inbox/{id}/read", api_inbox_read, KF_AUTH_USER, KF_RF_CONSENT_EXEMPT, "Mark a message read"},
};
const size_t kf_api_inbox_nroutes = sizeof(kf_api_inbox_routes) / sizeof(kf_api_inbox_routes[0]);

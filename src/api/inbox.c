/* SPDX-License-Identifier: Apache-2.0 */
/* The caller's inbox (NOTE-1): newest first, cursor pagination, mark read. */
#include <jansson.h>

#include "api/api.h"
#include "api/common.h"
#include "http/request.h"
#include "store/db.h"

static void api_inbox_list(struct kf_req *r)
{
	int64_t after;
	int limit;
	if (!kf_api_page(r, &after, &limit))
		return;
	struct kf_stmt *st = kf_db_prepare(kf_req_db(r),
		"SELECT id, org_id AS provider_id, kind, title, body, created_at, read_at FROM notifications"
		" WHERE user_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
	if (!st) {
		kf_reply_db_error(r);
		return;
	}
	kf_stmt_bind_int(st, 1, r->user_id);
	kf_stmt_bind_int(st, 2, after);
	kf_stmt_bind_int(st, 3, after);
	kf_stmt_bind_int(st, 4, limit);
	json_t *items = json_array();
	while (kf_stmt_step(st) == KF_STEP_ROW)
		json_array_append_new(items, kf_stmt_row_json(st));
	kf_stmt_done(st);
	size_t n = json_array_size(items);
	json_t *next = n == (size_t)limit ? json_incref(json_object_get(json_array_get(items, n - 1), "id")) : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

static void api_inbox_read(struct kf_req *r)
{
	int64_t id = kf_req_param_id(r, "id");
	struct kf_stmt *st = kf_db_prepare(kf_req_db(r),
		"UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?");
	if (!st) {
		kf_reply_db_error(r);
		return;
	}
	kf_stmt_bind_int(st, 1, r->now);
	kf_stmt_bind_int(st, 2, id);
	kf_stmt_bind_int(st, 3, r->user_id);
	if (kf_stmt_exec(st) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_db_changes(kf_req_db(r))) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, "id", "no such message");
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

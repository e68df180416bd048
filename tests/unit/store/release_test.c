/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the store parts the console's release pages read: an app's
 * submissions with the review each opened (REV-5), withdrawing a pending
 * review (APP-6, APP-7), and the deliveries list's filters. */
#include "store_fixture.h"

#include <jansson.h>

#include "store/outbox.h"
#include "store/release.h"

static void exec(struct store_fixture *f, const char *sql)
{
	struct kf_error err = {0};
	assert_int_equal(kf_db_exec_script(f->db, sql, &err), KF_OK);
}

/* A provider (org 1) with the app 1 (kf00…01). */
static void app(struct store_fixture *f)
{
	exec(f, "INSERT INTO orgs (id, kind, name, state, created_at, updated_at)"
		" VALUES (1, 'provider', 'P', 'certified', 1, 1);"
		"INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at)"
		" VALUES (1, 'kf0000000000000001', 1, 'release_review', 'public', 1, 1);");
}

static void test_submissions_carry_their_review_REV_5(void **state)
{
	struct store_fixture *f = *state;
	app(f);
	exec(f, "INSERT INTO reviews (id, kind, subject_type, subject_id, org_id, state, submitted_at, due_at, decided_at,"
		" reasons) VALUES (7, 'release', 'app', 1, 1, 'rejected', 100, 500, 300,"
		" '[{\"rule\":\"LST-9\",\"field\":\"description\",\"message\":\"m\"}]');"
		"INSERT INTO reviews (id, kind, subject_type, subject_id, org_id, state, submitted_at, due_at)"
		" VALUES (8, 'release', 'app', 1, 1, 'pending', 400, 900);"
		"INSERT INTO submissions (id, app, kind, outcome, stage, findings, submitted_at, finished_at)"
		" VALUES (1, 1, 'release', 'failed', 'authenticity', '[{\"rule\":\"APP-9\"}]', 50, 51);"
		"INSERT INTO submissions (id, app, kind, outcome, findings, review_id, submitted_at, finished_at)"
		" VALUES (2, 1, 'release', 'queued', '[]', 7, 100, 110);"
		"INSERT INTO submissions (id, app, kind, outcome, findings, review_id, submitted_at, finished_at)"
		" VALUES (3, 1, 'release', 'queued', '[]', 8, 400, 410);");
	json_t *items = kf_store_submissions_json(f->db, 1, 50);
	assert_non_null(items);
	assert_int_equal(json_array_size(items), 3);
	json_t *pending = json_array_get(items, 0), *rejected = json_array_get(items, 1), *failed = json_array_get(items, 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(pending, "review"), "state")), "pending");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(pending, "review"), "due_at")), 900);
	assert_true(json_is_null(json_object_get(json_object_get(pending, "review"), "decided_at")));
	json_t *rv = json_object_get(rejected, "review");
	assert_string_equal(json_string_value(json_object_get(rv, "state")), "rejected");
	assert_int_equal(json_integer_value(json_object_get(rv, "decided_at")), 300);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(rv, "reasons"), 0), "rule")),
			    "LST-9");
	/* a submission that stopped opened no review */
	assert_true(json_is_null(json_object_get(failed, "review")));
	assert_string_equal(json_string_value(json_object_get(failed, "stage")), "authenticity");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(failed, "findings"), 0), "rule")),
			    "APP-9");
	json_decref(items);

	/* withdraw: only the pending review, once */
	char kind[16];
	int64_t review = 0;
	bool is_pending = false;
	assert_int_equal(kf_store_submission_review(f->db, 1, 3, kind, &review, &is_pending), KF_OK);
	assert_string_equal(kind, "release");
	assert_int_equal(review, 8);
	assert_true(is_pending);
	assert_int_equal(kf_store_submission_review(f->db, 1, 1, kind, &review, &is_pending), KF_OK);
	assert_int_equal(review, 0);
	assert_false(is_pending);
	assert_int_equal(kf_store_submission_review(f->db, 2, 3, kind, &review, &is_pending), KF_ENOTFOUND);
	assert_int_equal(kf_store_review_withdraw(f->db, 8, 600), KF_OK);
	assert_int_equal(store_q(f->db, "SELECT decided_at FROM reviews WHERE id = ? AND state = 'withdrawn'", 8), 600);
	assert_int_equal(kf_store_review_withdraw(f->db, 8, 700), KF_ECONFLICT);
	assert_int_equal(kf_store_review_withdraw(f->db, 7, 700), KF_ECONFLICT);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM reviews WHERE id = ? AND state = 'rejected'", 7), 1);
}

/* The event ids of a list, joined by spaces. */
static const char *ids(struct store_fixture *f, json_t *items)
{
	char *out = kf_arena_alloc(f->arena, 256);
	out[0] = '\0';
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) {
		if (i)
			strcat(out, " ");
		strcat(out, json_string_value(json_object_get(v, "event_id")));
	}
	json_decref(items);
	return out;
}

static void test_outbox_filters(void **state)
{
	struct store_fixture *f = *state;
	app(f);
	exec(f, "INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (2, 'provider', 'Q', 'certified', 1, 1);"
		"INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at)"
		" VALUES (2, 'kf0000000000000002', 2, 'developing', 'public', 1, 1);"
		"INSERT INTO outbox (event_id, app, kind, target, payload, state, next_attempt_at, created_at) VALUES"
		" ('e1', 1, 'component_verify_ticket', 'auth_receive', 'x', 'delivered', 0, 100),"
		" ('e2', 1, 'authorized', 'auth_receive', 'x', 'dead', 0, 200),"
		" ('e3', 1, 'component_verify_ticket', 'auth_receive', 'x', 'dead', 0, 300),"
		" ('o1', 2, 'component_verify_ticket', 'auth_receive', 'x', 'dead', 0, 300);");
	enum kf_outbox_state dead = KF_OUTBOX_DEAD;
	struct kf_outbox_filter any = {0}, by_state = {.state = &dead},
				by_kind = {.kind = "component_verify_ticket"},
				both = {.state = &dead, .kind = "component_verify_ticket"}, since = {.since = 200},
				until = {.until = 200}, range = {.since = 150, .until = 250}, none = {.kind = "no_such"};
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &any, 0, 50)), "e3 e2 e1");
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &by_state, 0, 50)), "e3 e2");
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &by_kind, 0, 50)), "e3 e1");
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &both, 0, 50)), "e3");
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &since, 0, 50)), "e3 e2");
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &until, 0, 50)), "e1");
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &range, 0, 50)), "e2");
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &none, 0, 50)), "");
	/* pages: older than an id, at most limit */
	int64_t e3 = store_q(f->db, "SELECT id FROM outbox WHERE event_id = 'e3' AND app = ?", 1);
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &by_kind, e3, 50)), "e1");
	assert_string_equal(ids(f, kf_store_outbox_json(f->db, 1, &any, 0, 1)), "e3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submissions_carry_their_review_REV_5, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_filters, store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

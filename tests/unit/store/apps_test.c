/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the apps store functions the console's pages read: the
 * apps of a person's providers (filters, keyset pages by app id), the
 * newest creation review of an app, and its secrets without hashes. */
#include "store_fixture.h"

#include <jansson.h>

#include "store/apps.h"
#include "store/reviews.h"

static void exec(struct kf_db *db, const char *sql)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	assert_non_null(st);
	assert_int_equal(kf_stmt_exec(st), KF_OK);
}

/* Users 1 and 2; provider 10 (user 1 owner), provider 11 (user 2), and
 * user 1 also a member of provider 12. */
static void people(struct kf_db *db)
{
	exec(db, "INSERT INTO users (id, email, mobile, name, password_hash, status, created_at, updated_at) VALUES"
		 " (1, 'a@x.test', '+8613800000001', 'A', '!', 'active', 0, 0),"
		 " (2, 'b@x.test', '+8613800000002', 'B', '!', 'active', 0, 0)");
	exec(db, "INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES"
		 " (10, 'provider', 'Ten', 'certified', 0, 0), (11, 'provider', 'Eleven', 'certified', 0, 0),"
		 " (12, 'provider', 'Twelve', 'certified', 0, 0)");
	exec(db, "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES"
		 " (10, 1, 'owner', 0), (11, 2, 'owner', 0), (12, 1, 'member', 0)");
}

static int64_t app(struct kf_db *db, const char *app_id, int64_t provider, const char *name)
{
	int64_t id, cfg;
	int version;
	char json[128];
	snprintf(json, sizeof(json), "{\"name\":\"%s\"}", name);
	assert_int_equal(kf_store_app_insert(db, app_id, provider, "public", 100, &id), KF_OK);
	assert_int_equal(kf_store_app_config_insert(db, id, json, 1, 100, &cfg, &version), KF_OK);
	assert_int_equal(kf_store_app_set_configs(db, id, 0, cfg, NULL, 100), KF_OK);
	return id;
}

static const char *str(json_t *items, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(items, i), key));
}

static void test_apps_of_user_mine_only_newest_first_paged_by_app_id(void **state)
{
	struct store_fixture *f = *state;
	people(f->db);
	app(f->db, "kf0000000000000001", 10, "One");
	app(f->db, "kf0000000000000002", 11, "Not mine");
	int64_t three = app(f->db, "kf0000000000000003", 12, "Three");
	app(f->db, "kf0000000000000004", 10, "Four");
	int64_t gone = app(f->db, "kf0000000000000005", 10, "Gone");
	enum kf_app_state st;
	assert_true(kf_app_state_parse("deleted", &st));
	assert_int_equal(kf_store_app_set_state(f->db, gone, st, 200), KF_OK);

	json_t *all = kf_store_apps_of_user_json(f->db, 1, 0, NULL, NULL, 50);
	assert_non_null(all);
	assert_int_equal(json_array_size(all), 3);
	assert_string_equal(str(all, 0, "app_id"), "kf0000000000000004");
	assert_string_equal(str(all, 0, "name"), "Four");
	assert_string_equal(str(all, 0, "provider_name"), "Ten");
	assert_string_equal(str(all, 1, "app_id"), "kf0000000000000003");
	assert_string_equal(str(all, 2, "app_id"), "kf0000000000000001");
	assert_null(json_object_get(json_array_get(all, 0), "id"));
	json_decref(all);

	/* pages of two: the second starts after the first's last app id */
	json_t *p1 = kf_store_apps_of_user_json(f->db, 1, 0, NULL, NULL, 2);
	assert_int_equal(json_array_size(p1), 2);
	json_t *p2 = kf_store_apps_of_user_json(f->db, 1, 0, NULL, str(p1, 1, "app_id"), 2);
	assert_int_equal(json_array_size(p2), 1);
	assert_string_equal(str(p2, 0, "app_id"), "kf0000000000000001");
	json_decref(p1);
	json_decref(p2);

	/* filters: one provider, one state */
	json_t *twelve = kf_store_apps_of_user_json(f->db, 1, 12, NULL, NULL, 50);
	assert_int_equal(json_array_size(twelve), 1);
	json_decref(twelve);
	json_t *other = kf_store_apps_of_user_json(f->db, 1, 11, NULL, NULL, 50);
	assert_int_equal(json_array_size(other), 0);
	json_decref(other);
	assert_true(kf_app_state_parse("developing", &st));
	assert_int_equal(kf_store_app_set_state(f->db, three, st, 300), KF_OK);
	json_t *dev = kf_store_apps_of_user_json(f->db, 1, 0, "developing", NULL, 50);
	assert_int_equal(json_array_size(dev), 1);
	assert_string_equal(str(dev, 0, "app_id"), "kf0000000000000003");
	json_decref(dev);
}

static void test_app_review_is_the_newest_of_its_kind_APP_5(void **state)
{
	struct store_fixture *f = *state;
	people(f->db);
	int64_t a = app(f->db, "kf0000000000000001", 10, "One");
	json_t *none = kf_store_app_review_json(f->db, a, "creation");
	assert_true(json_is_null(none));
	json_decref(none);
	int64_t r1, r2, r3;
	assert_int_equal(kf_store_review_insert(f->db, KF_REVIEW_CREATION, "app", a, 10, 100, 500, &r1), KF_OK);
	assert_int_equal(kf_store_review_decide(f->db, r1, KF_REVIEW_REJECTED, 2,
						 "[{\"rule\":\"APP-2\",\"field\":\"intro\",\"message\":\"m\"}]", 150),
			 KF_OK);
	assert_int_equal(kf_store_review_insert(f->db, KF_REVIEW_CREATION, "app", a, 10, 200, 600, &r2), KF_OK);
	assert_int_equal(kf_store_review_insert(f->db, KF_REVIEW_RELEASE, "app", a, 10, 300, 700, &r3), KF_OK);
	json_t *rv = kf_store_app_review_json(f->db, a, "creation");
	assert_string_equal(json_string_value(json_object_get(rv, "state")), "pending");
	assert_int_equal(json_integer_value(json_object_get(rv, "submitted_at")), 200);
	assert_int_equal(json_integer_value(json_object_get(rv, "due_at")), 600);
	assert_true(json_is_array(json_object_get(rv, "reasons")));
	json_decref(rv);
	assert_int_equal(kf_store_review_decide(f->db, r2, KF_REVIEW_REJECTED, 2,
						 "[{\"rule\":\"APP-4\",\"field\":\"dev.aes_key\",\"message\":\"m\"}]", 250),
			 KF_OK);
	rv = kf_store_app_review_json(f->db, a, "creation");
	assert_string_equal(json_string_value(json_object_get(rv, "state")), "rejected");
	json_t *reason = json_array_get(json_object_get(rv, "reasons"), 0);
	assert_string_equal(json_string_value(json_object_get(reason, "rule")), "APP-4");
	json_decref(rv);
}

static void test_app_secrets_without_hashes_APP_10(void **state)
{
	struct store_fixture *f = *state;
	people(f->db);
	int64_t a = app(f->db, "kf0000000000000001", 10, "One");
	assert_int_equal(kf_store_app_secret_add(f->db, a, "h1", 100, 100, 100), KF_OK);
	assert_int_equal(kf_store_app_secret_add(f->db, a, "h2", 200, 3800, 200), KF_OK);
	json_t *s = kf_store_app_secrets_json(f->db, a);
	assert_int_equal(json_array_size(s), 2);
	json_t *cur = json_array_get(s, 0), *old = json_array_get(s, 1);
	assert_int_equal(json_integer_value(json_object_get(cur, "created_at")), 200);
	assert_true(json_is_null(json_object_get(cur, "revoked_at")));
	assert_int_equal(json_integer_value(json_object_get(old, "revoked_at")), 200);
	assert_int_equal(json_integer_value(json_object_get(old, "valid_until")), 3800);
	char *text = json_dumps(s, 0);
	assert_null(strstr(text, "h1"));
	assert_null(strstr(text, "hash"));
	free(text);
	json_decref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apps_of_user_mine_only_newest_first_paged_by_app_id, store_setup,
						store_teardown),
		cmocka_unit_test_setup_teardown(test_app_review_is_the_newest_of_its_kind_APP_5, store_setup,
						store_teardown),
		cmocka_unit_test_setup_teardown(test_app_secrets_without_hashes_APP_10, store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

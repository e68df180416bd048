/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the permission-set catalog store (APP-3). */
#include "store_fixture.h"

#include "store/permsets.h"

static void test_list_is_the_catalog_in_id_order_APP_3(void **state)
{
	struct store_fixture *f = *state;
	struct kf_permset_row *rows = NULL;
	size_t n = 0;
	assert_int_equal(kf_store_permsets_list(f->db, f->arena, &rows, &n), KF_OK);
	assert_int_equal(n, (size_t)store_q(f->db, "SELECT COUNT(*) FROM permission_sets", 0));
	assert_true(n >= 3);
	for (size_t i = 1; i < n; i++)
		assert_true(rows[i - 1].id < rows[i].id);
	assert_int_equal(rows[0].id, 1);
	assert_string_equal(rows[0].key, "messages");
	assert_string_equal(rows[0].name_en, "Messages");
	assert_string_equal(rows[0].apis, "[]");
	assert_false(rows[0].optional);
	assert_true(rows[1].optional);
}

static void test_get_keeps_the_order_asked_and_skips_unknown_APP_3(void **state)
{
	struct store_fixture *f = *state;
	int64_t ids[] = {3, 999, 1, 3};
	struct kf_permset_row out[8];
	size_t n = 0;
	assert_int_equal(kf_store_permsets_get(f->db, f->arena, ids, 4, out, 8, &n), KF_OK);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].id, 3);
	assert_string_equal(out[0].key, "account");
	assert_int_equal(out[1].id, 1);
	assert_int_equal(out[2].id, 3);
	/* max bounds what is written */
	assert_int_equal(kf_store_permsets_get(f->db, f->arena, ids, 4, out, 1, &n), KF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, 3);
	assert_int_equal(kf_store_permsets_get(f->db, f->arena, NULL, 0, out, 8, &n), KF_OK);
	assert_int_equal(n, 0);
}

static void test_insert_and_conflicts_APP_3(void **state)
{
	struct store_fixture *f = *state;
	struct kf_permset_row row = {.id = 5000, .key = "drive", .name = "云盘", .name_en = "Drive",
				     .description = "Files", .data_entrusted = "Files you share", .apis = NULL,
				     .optional = true};
	assert_int_equal(kf_store_permset_insert(f->db, &row), KF_OK);
	struct kf_permset_row out[1];
	size_t n = 0;
	int64_t id = 5000;
	assert_int_equal(kf_store_permsets_get(f->db, f->arena, &id, 1, out, 1, &n), KF_OK);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].key, "drive");
	assert_string_equal(out[0].apis, "[]");
	assert_true(out[0].optional);
	/* same id, then same key: both conflicts */
	row.key = "drive2";
	assert_int_equal(kf_store_permset_insert(f->db, &row), KF_ECONFLICT);
	row.id = 5001;
	row.key = "drive";
	assert_int_equal(kf_store_permset_insert(f->db, &row), KF_ECONFLICT);
	char key[64], checks[256];
	assert_int_equal(kf_store_permission_set_checks(f->db, 5000, key, checks), KF_OK);
	assert_string_equal(key, "drive");
	assert_string_equal(checks, "");
	assert_int_equal(kf_store_permission_set_checks(f->db, 5001, key, checks), KF_ENOTFOUND);
}

/* issue 11: every seeded set has its Chinese texts; members and calendar
 * hand over members' data (DATA-1); an inserted set keeps its own. */
static void test_sets_are_bilingual_with_member_data_DATA_1(void **state)
{
	struct store_fixture *f = *state;
	struct kf_permset_row *rows = NULL;
	size_t n = 0;
	assert_int_equal(kf_store_permsets_list(f->db, f->arena, &rows, &n), KF_OK);
	for (size_t i = 0; i < n; i++) {
		assert_true(rows[i].description_zh[0] != '\0');
		assert_true(rows[i].data_entrusted_zh[0] != '\0');
		bool members = !strcmp(rows[i].key, "members") || !strcmp(rows[i].key, "calendar");
		assert_int_equal(rows[i].member_data, members);
	}
	assert_string_equal(rows[0].description_zh, "接收并回复发送给帐号的消息");
	struct kf_permset_row row = {.id = 5002, .key = "roster", .name = "排班", .name_en = "Roster",
				     .description = "Shifts", .data_entrusted = "Shifts of members",
				     .description_zh = "排班表", .data_entrusted_zh = "成员的排班", .member_data = true};
	assert_int_equal(kf_store_permset_insert(f->db, &row), KF_OK);
	struct kf_permset_row out[1];
	int64_t id = 5002;
	assert_int_equal(kf_store_permsets_get(f->db, f->arena, &id, 1, out, 1, &n), KF_OK);
	assert_string_equal(out[0].description_zh, "排班表");
	assert_string_equal(out[0].data_entrusted_zh, "成员的排班");
	assert_true(out[0].member_data);
	/* without Chinese texts: empty, the page falls back to English */
	row = (struct kf_permset_row){.id = 5003, .key = "notes", .name = "笔记", .name_en = "Notes",
				      .description = "Notes", .data_entrusted = "Notes"};
	assert_int_equal(kf_store_permset_insert(f->db, &row), KF_OK);
	id = 5003;
	assert_int_equal(kf_store_permsets_get(f->db, f->arena, &id, 1, out, 1, &n), KF_OK);
	assert_string_equal(out[0].description_zh, "");
	assert_false(out[0].member_data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_is_the_catalog_in_id_order_APP_3, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_get_keeps_the_order_asked_and_skips_unknown_APP_3, store_setup,
						store_teardown),
		cmocka_unit_test_setup_teardown(test_insert_and_conflicts_APP_3, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_sets_are_bilingual_with_member_data_DATA_1, store_setup,
						store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

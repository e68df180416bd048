/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/catalog.c: the checks of one catalog entry as the
 * admins edit it: category ids and required documents (REV-6), and the
 * texts of categories and permission sets (APP-3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/catalog.h"

static void test_category_id_REV_6(void **state)
{
	(void)state;
	struct kf_error err = {0};
	assert_int_equal(kf_catalog_check_category_id("lottery_news", &err), KF_OK);
	assert_int_equal(kf_catalog_check_category_id("a", &err), KF_OK);
	const char *bad[] = {"", "Pets", "1pets", "pets-x", "宠物", NULL};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(kf_catalog_check_category_id(bad[i], &err), KF_EINVAL);
		assert_string_equal(err.field, "id");
		assert_string_equal(err.rule, "REV-6");
	}
	char longid[70];
	memset(longid, 'a', 65);
	longid[65] = '\0';
	assert_int_equal(kf_catalog_check_category_id(longid, &err), KF_EINVAL);
}

static void test_required_documents_REV_6(void **state)
{
	(void)state;
	struct kf_error err = {0};
	const char *ok[] = {"financial_licence", "icp_filing"};
	assert_int_equal(kf_catalog_check_docs(ok, 2, &err), KF_OK);
	assert_int_equal(kf_catalog_check_docs(NULL, 0, &err), KF_OK);
	const char *bad[] = {"financial_licence", "Vet Licence"};
	assert_int_equal(kf_catalog_check_docs(bad, 2, &err), KF_EINVAL);
	assert_string_equal(err.field, "qualifications");
	assert_non_null(strstr(err.msg, "qualifications[1]"));
	const char *dup[] = {"a_doc", "b_doc", "a_doc"};
	assert_int_equal(kf_catalog_check_docs(dup, 3, &err), KF_EINVAL);
	assert_non_null(strstr(err.msg, "listed twice"));
	const char *nul[] = {"a_doc", NULL};
	assert_int_equal(kf_catalog_check_docs(nul, 2, &err), KF_EINVAL);
	const char *many[KF_CATEGORY_DOCS_MAX + 1];
	char names[KF_CATEGORY_DOCS_MAX + 1][8];
	for (int i = 0; i <= KF_CATEGORY_DOCS_MAX; i++) {
		names[i][0] = 'd';
		names[i][1] = (char)('a' + i % 26);
		names[i][2] = (char)('a' + i / 26);
		names[i][3] = '\0';
		many[i] = names[i];
	}
	assert_int_equal(kf_catalog_check_docs(many, KF_CATEGORY_DOCS_MAX, &err), KF_OK);
	assert_int_equal(kf_catalog_check_docs(many, KF_CATEGORY_DOCS_MAX + 1, &err), KF_ELIMIT);
	assert_string_equal(err.name, "too_many_items");
}

static void test_texts_APP_3(void **state)
{
	(void)state;
	struct kf_error err = {0};
	assert_int_equal(kf_catalog_check_text("读取帐号资料", true, 50, true, "name", "APP-3", &err), KF_OK);
	assert_int_equal(kf_catalog_check_text(NULL, false, 50, true, "name", "APP-3", &err), KF_OK);
	assert_int_equal(kf_catalog_check_text(NULL, true, 50, true, "name", "APP-3", &err), KF_EINVAL);
	assert_string_equal(err.field, "name");
	assert_int_equal(kf_catalog_check_text(" \t ", false, 50, true, "name", "APP-3", &err), KF_EINVAL);
	assert_string_equal(err.rule, "APP-3");
	assert_int_equal(kf_catalog_check_text("a\nb", false, 50, true, "name", "APP-3", &err), KF_EINVAL);
	assert_int_equal(kf_catalog_check_text("a\nb", false, 50, false, "description", "APP-3", &err), KF_OK);
	assert_int_equal(kf_catalog_check_text("a\x01", false, 50, false, "description", "APP-3", &err), KF_EINVAL);
	assert_int_equal(kf_catalog_check_text("\xff", false, 50, false, "description", "APP-3", &err), KF_EINVAL);
	/* characters, not bytes: 3 CJK characters fit in 3 */
	assert_int_equal(kf_catalog_check_text("读取帐", false, 3, true, "name", "APP-3", &err), KF_OK);
	assert_int_equal(kf_catalog_check_text("读取帐号", false, 3, true, "name", "APP-3", &err), KF_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_category_id_REV_6),
		cmocka_unit_test(test_required_documents_REV_6),
		cmocka_unit_test(test_texts_APP_3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

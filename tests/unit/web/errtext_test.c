/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/web/errtext.c: every error code has a whole sentence in
 * both languages (the Chinese one in Chinese), the table is searchable
 * (strict byte order), unknown codes and fields give NULL so the page falls
 * back to the API's message, and field labels resolve for dotted and
 * indexed names. That every code src/ answers is in the table is checked by
 * tools/check-errtext.sh (make layers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/app.h"
#include "core/validate.h"
#include "web/errtext.h"
#include "web/i18n.h"

/* True when s holds a CJK ideograph (U+4E00..U+9FFF) or CJK punctuation
 * (U+3000..U+303F, U+FF00..U+FFEF): all three are 3-byte UTF-8. */
static int has_cjk(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((p[0] & 0xf0) != 0xe0 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			continue;
		unsigned cp = (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3000 && cp <= 0x303f) ||
		    (cp >= 0xff00 && cp <= 0xffef))
			return 1;
	}
	return 0;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The codes every page meets: the request decoder's generic field errors
 * and the dispatcher's. */
static const char *const common[] = {
	"missing_field", "invalid_type",     "too_long",           "unknown_field",
	"invalid_value", "too_many_items",   "invalid_json",       "unauthenticated",
	"consent_required", "cross_site_request", "not_found",     "method_not_allowed",
	"idempotency_key_reused", "email_taken", "weak_password",  "invalid_credentials",
};

static void test_every_code_has_two_distinct_sentences(void **state)
{
	(void)state;
	size_t n = kf_errtext_count();
	assert_true(n > 200);
	for (size_t i = 0; i < n; i++) {
		const char *code = kf_errtext_code(i);
		assert_non_null(code);
		const char *en = kf_errtext(KF_LANG_EN, code);
		const char *zh = kf_errtext(KF_LANG_ZH, code);
		if (!en || !zh)
			fail_msg("%s: no text (table out of order?)", code);
		if (!*en || !*zh || strcmp(en, zh) == 0)
			fail_msg("%s: empty or untranslated text", code);
		if (!has_cjk(zh))
			fail_msg("%s: the Chinese text has no Chinese: %s", code, zh);
		/* whole sentences without placeholders (the English one may
		 * quote Chinese, such as an ICP number: its full stop tells the
		 * columns apart) */
		if (!ends_with(en, ".") || !ends_with(zh, "。"))
			fail_msg("%s: not a whole sentence: '%s' / '%s'", code, en, zh);
		if (strchr(en, '%') || strchr(zh, '%'))
			fail_msg("%s: a placeholder in the text", code);
	}
	assert_null(kf_errtext_code(n));
}

static void test_table_in_strict_byte_order(void **state)
{
	(void)state;
	for (size_t i = 1; i < kf_errtext_count(); i++)
		if (strcmp(kf_errtext_code(i - 1), kf_errtext_code(i)) >= 0)
			fail_msg("'%s' comes before '%s'", kf_errtext_code(i - 1), kf_errtext_code(i));
}

static void test_common_codes_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		if (!kf_errtext(KF_LANG_EN, common[i]) || !kf_errtext(KF_LANG_ZH, common[i]))
			fail_msg("no text for %s", common[i]);
		/* texts of different codes say different things */
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(kf_errtext(KF_LANG_EN, common[i]), kf_errtext(KF_LANG_EN, common[j]));
			assert_string_not_equal(kf_errtext(KF_LANG_ZH, common[i]), kf_errtext(KF_LANG_ZH, common[j]));
		}
	}
}

/* Shown right under the field's label, the generic errors read as a note on
 * that field. */
static void test_field_errors_read_under_a_label(void **state)
{
	(void)state;
	assert_string_equal(kf_errtext(KF_LANG_EN, "missing_field"), "This field is required.");
	assert_string_equal(kf_errtext(KF_LANG_ZH, "missing_field"), "此项必填。");
	assert_string_equal(kf_errtext(KF_LANG_ZH, "email_taken"), "此邮箱已被其他帐号使用。");
}

/* The limits in a text come from the constants the rule uses. */
static void test_limits_in_texts_follow_the_rules(void **state)
{
	(void)state;
	char want[64];
	snprintf(want, sizeof(want), "at least %d characters", KF_PASSWORD_MIN_CHARS);
	assert_non_null(strstr(kf_errtext(KF_LANG_EN, "weak_password"), want));
	snprintf(want, sizeof(want), "%d 到 %d 位", KF_APP_TOKEN_MIN, KF_APP_TOKEN_MAX);
	assert_non_null(strstr(kf_errtext(KF_LANG_ZH, "invalid_message_token"), want));
}

static void test_unknown_code_gives_null(void **state)
{
	(void)state;
	assert_null(kf_errtext(KF_LANG_EN, "no_such_code"));
	assert_null(kf_errtext(KF_LANG_ZH, "no_such_code"));
	assert_null(kf_errtext(KF_LANG_ZH, ""));
	assert_null(kf_errtext(KF_LANG_ZH, NULL));
	assert_null(kf_errtext(KF_LANG_EN, "MISSING_FIELD"));
	assert_null(kf_errtext(KF_LANG_EN, "missing_field "));
}

static void test_out_of_range_lang_is_english(void **state)
{
	(void)state;
	assert_string_equal(kf_errtext((enum kf_lang)42, "missing_field"), kf_errtext(KF_LANG_EN, "missing_field"));
	assert_string_equal(kf_fieldname((enum kf_lang)42, "email"), "Email");
}

static void test_fieldname_common_fields(void **state)
{
	(void)state;
	static const char *const f[] = {
		"name",         "email",           "mobile",         "password", "login",
		"app_name",     "redirect_uri",    "current_password", "new_password", "code",
		"website",      "intro",           "icp_no",          "category", "permission_sets",
		"legal_name",   "licence_no",      "entity_kind",     "documents", "Idempotency-Key",
		"aes_key",      "message_token",   "ip_allowlist",    "test_allowlist", "auth_domain",
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *en = kf_fieldname(KF_LANG_EN, f[i]);
		const char *zh = kf_fieldname(KF_LANG_ZH, f[i]);
		if (!en || !zh)
			fail_msg("no label for %s", f[i]);
		if (!*en || has_cjk(en) || !has_cjk(zh))
			fail_msg("%s: bad labels '%s' / '%s'", f[i], en, zh);
	}
	assert_string_equal(kf_fieldname(KF_LANG_ZH, "name"), "名称");
	assert_string_equal(kf_fieldname(KF_LANG_EN, "email"), "Email");
	assert_string_equal(kf_fieldname(KF_LANG_ZH, "ip_allowlist"), "白名单IP地址列表");
}

static void test_fieldname_dotted_and_indexed(void **state)
{
	(void)state;
	assert_string_equal(kf_fieldname(KF_LANG_ZH, "dev.redirect_uris"), kf_fieldname(KF_LANG_ZH, "redirect_uris"));
	assert_string_equal(kf_fieldname(KF_LANG_EN, "dev.server_domains[2]"), "Server domains");
	assert_string_equal(kf_fieldname(KF_LANG_EN, "attestations.team_size"), "Team size");
	assert_string_equal(kf_fieldname(KF_LANG_ZH, "dev.message_url"), "消息与事件接收URL");
	assert_null(kf_fieldname(KF_LANG_EN, "dev."));
	assert_null(kf_fieldname(KF_LANG_EN, "dev.nothing"));
	assert_null(kf_fieldname(KF_LANG_EN, "[0]"));
}

static void test_fieldname_unknown_gives_null(void **state)
{
	(void)state;
	char longname[200];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_null(kf_fieldname(KF_LANG_EN, "no_such_field"));
	assert_null(kf_fieldname(KF_LANG_ZH, ""));
	assert_null(kf_fieldname(KF_LANG_ZH, NULL));
	assert_null(kf_fieldname(KF_LANG_ZH, longname));
	assert_null(kf_fieldname(KF_LANG_EN, "Email"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_has_two_distinct_sentences),
		cmocka_unit_test(test_table_in_strict_byte_order),
		cmocka_unit_test(test_common_codes_known),
		cmocka_unit_test(test_field_errors_read_under_a_label),
		cmocka_unit_test(test_limits_in_texts_follow_the_rules),
		cmocka_unit_test(test_unknown_code_gives_null),
		cmocka_unit_test(test_out_of_range_lang_is_english),
		cmocka_unit_test(test_fieldname_common_fields),
		cmocka_unit_test(test_fieldname_dotted_and_indexed),
		cmocka_unit_test(test_fieldname_unknown_gives_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/validate.c: email, mobile and password rules of
 * ONB-8 and the UTF-8 helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/validate.h"

static void assert_error(const struct kf_error *err, enum kf_err code, const char *name,
			 const char *rule, const char *field)
{
	assert_int_equal(err->code, code);
	assert_string_equal(err->name, name);
	if (rule)
		assert_string_equal(err->rule, rule);
	else
		assert_null(err->rule);
	assert_string_equal(err->field, field);
}

/* ---- email ---- */

static void test_email_valid_ONB_8(void **state)
{
	(void)state;
	assert_true(kf_validate_email("a@b.co"));
	assert_true(kf_validate_email("first.last+tag@mail.example.com"));
	assert_true(kf_validate_email("O'Brien!#$%&*/=?^_`{|}~@example.org"));
	assert_true(kf_validate_email("user@xn--fiqs8s.xn--fiqs8s"));
	assert_true(kf_validate_email("user@123.example.com"));
	assert_true(kf_validate_email("user@a-b.c-d.com"));
}

static void test_email_invalid_ONB_8(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "plainaddress", "@example.com", "user@", "user@localhost",
		"us er@example.com", "user@exa mple.com", "user@@example.com",
		"user@host@example.com", "user@-example.com", "user@example-.com",
		"user@example..com", "user@.example.com", "user@example.com.",
		"user@1.2.3.4", "user@exa_mple.com", "\xc3\xbc@example.com",
		"user@\xe4\xbe\x8b\xe5\xad\x90.com", "user\t@example.com",
		"user@example.com ", " user@example.com", "user\x7f@example.com",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (kf_validate_email(bad[i]))
			fail_msg("accepted invalid email '%s'", bad[i]);
	}
	assert_false(kf_validate_email(NULL));
}

static void test_email_length_limits_ONB_8(void **state)
{
	(void)state;
	char buf[300];
	/* 64-byte local part is allowed, 65 is not. */
	memset(buf, 'a', 64);
	strcpy(buf + 64, "@example.com");
	assert_true(kf_validate_email(buf));
	memset(buf, 'a', 65);
	strcpy(buf + 65, "@example.com");
	assert_false(kf_validate_email(buf));

	/* 64 + '@' + 63 + '.' + 63 + '.' + 61 = 254 bytes: allowed. */
	size_t p = 0;
	memset(buf + p, 'l', 64);
	p += 64;
	buf[p++] = '@';
	memset(buf + p, 'a', 63);
	p += 63;
	buf[p++] = '.';
	memset(buf + p, 'b', 63);
	p += 63;
	buf[p++] = '.';
	memset(buf + p, 'c', 61);
	p += 61;
	buf[p] = '\0';
	assert_int_equal(strlen(buf), 254);
	assert_true(kf_validate_email(buf));
	/* One more byte in the last label: 255 bytes, refused. */
	buf[p++] = 'c';
	buf[p] = '\0';
	assert_false(kf_validate_email(buf));

	/* "u@" + label + ".com": a 63-byte label is allowed, 64 is not. */
	memcpy(buf, "u@", 2);
	memset(buf + 2, 'a', 63);
	strcpy(buf + 2 + 63, ".com");
	assert_true(kf_validate_email(buf));
	memset(buf + 2, 'a', 64);
	strcpy(buf + 2 + 64, ".com");
	assert_false(kf_validate_email(buf));
}

/* ---- mobile ---- */

static void expect_mobile(const char *in, const char *want)
{
	char out[KF_MOBILE_E164_SIZE];
	struct kf_error err = { 0 };
	enum kf_err rc = kf_validate_mobile(in, out, sizeof(out), &err);
	if (rc != KF_OK)
		fail_msg("'%s' refused: %s", in, err.msg);
	assert_string_equal(out, want);
}

static void expect_bad_mobile(const char *in)
{
	char out[KF_MOBILE_E164_SIZE];
	struct kf_error err = { 0 };
	memset(out, 'x', sizeof(out));
	enum kf_err rc = kf_validate_mobile(in, out, sizeof(out), &err);
	if (rc == KF_OK)
		fail_msg("'%s' accepted as '%s'", in ? in : "(null)", out);
	assert_error(&err, KF_EINVAL, "invalid_mobile", "ONB-8", "mobile");
	assert_string_equal(out, "");
}

static void test_mobile_mainland_forms_ONB_8(void **state)
{
	(void)state;
	expect_mobile("13812345678", "+8613812345678");
	expect_mobile("19912345678", "+8619912345678");
	expect_mobile("+8613812345678", "+8613812345678");
	expect_mobile("8613812345678", "+8613812345678");
	expect_mobile("+86 138 1234 5678", "+8613812345678");
	expect_mobile("86-138-1234-5678", "+8613812345678");
	expect_mobile("138-1234-5678", "+8613812345678");
	expect_mobile(" 138 1234 5678 ", "+8613812345678");
}

static void test_mobile_e164_forms_ONB_8(void **state)
{
	(void)state;
	expect_mobile("+1 415 555 2671", "+14155552671");
	expect_mobile("+44 20 7946 0958", "+442079460958");
	expect_mobile("+1234567", "+1234567");               /* 7 digits */
	expect_mobile("+123456789012345", "+123456789012345"); /* 15 digits */
}

static void test_mobile_invalid_ONB_8(void **state)
{
	(void)state;
	expect_bad_mobile(NULL);
	expect_bad_mobile("");
	expect_bad_mobile("   ");
	expect_bad_mobile("12812345678");      /* second digit must be 3..9 */
	expect_bad_mobile("1381234567");       /* 10 digits */
	expect_bad_mobile("138123456789");     /* 12 digits */
	expect_bad_mobile("23812345678");      /* does not start with 1 */
	expect_bad_mobile("+86 10 1234 5678"); /* +86 landline, not a mobile */
	expect_bad_mobile("+86138123456789");  /* +86 with 12 national digits */
	expect_bad_mobile("86123");            /* short */
	expect_bad_mobile("+0123456789");      /* country code cannot start 0 */
	expect_bad_mobile("+123456");          /* 6 digits */
	expect_bad_mobile("+1234567890123456"); /* 16 digits */
	expect_bad_mobile("4155552671");       /* foreign without '+' */
	expect_bad_mobile("138a2345678");
	expect_bad_mobile("++8613812345678");
	expect_bad_mobile("138+12345678");
	expect_bad_mobile("(138)12345678");
	expect_bad_mobile("\xef\xbc\x91" "3812345678"); /* full-width digit one */
	char longin[100];
	memset(longin, ' ', sizeof(longin) - 12);
	strcpy(longin + sizeof(longin) - 12, "13812345678");
	expect_bad_mobile(longin); /* input over KF_MOBILE_INPUT_MAX bytes */
}

static void test_mobile_buffer_too_small(void **state)
{
	(void)state;
	char out[15];
	struct kf_error err = { 0 };
	assert_int_equal(kf_validate_mobile("13812345678", out, 14, &err), KF_EINTERNAL);
	assert_error(&err, KF_EINTERNAL, "buffer_too_small", NULL, "mobile");
	assert_string_equal(out, "");
	assert_int_equal(kf_validate_mobile("13812345678", out, 15, &err), KF_OK);
	assert_string_equal(out, "+8613812345678");
	assert_int_equal(kf_validate_mobile("+14155552671", out, 12, NULL), KF_EINTERNAL);
	assert_int_equal(kf_validate_mobile("+14155552671", out, 13, NULL), KF_OK);
	assert_string_equal(out, "+14155552671");
}

/* ---- password ---- */

static void expect_weak(const char *pw, const char *email, const char *mobile, const char *why)
{
	struct kf_error err = { 0 };
	if (kf_validate_password(pw, email, mobile, &err) == KF_OK)
		fail_msg("password '%s' accepted", pw ? pw : "(null)");
	assert_error(&err, KF_EINVAL, "weak_password", "ONB-8", "password");
	if (!strstr(err.msg, why))
		fail_msg("message '%s' does not mention '%s'", err.msg, why);
}

static void test_password_too_short_ONB_8(void **state)
{
	(void)state;
	expect_weak(NULL, NULL, NULL, "required");
	expect_weak("", NULL, NULL, "required");
	expect_weak("short", NULL, NULL, "at least 10 characters long, it has 5");
	expect_weak("123456789", NULL, NULL, "it has 9");
	assert_int_equal(kf_validate_password("1234567890", NULL, NULL, NULL), KF_OK);
}

static void test_password_counts_code_points_ONB_8(void **state)
{
	(void)state;
	/* 9 CJK characters are 27 bytes but only 9 characters. */
	expect_weak("\xe5\xaf\x86\xe7\xa0\x81\xe5\xaf\x86\xe7\xa0\x81\xe5\xaf\x86"
		    "\xe7\xa0\x81\xe5\xaf\x86\xe7\xa0\x81\xe5\xaf\x86",
		    NULL, NULL, "it has 9");
	assert_int_equal(kf_validate_password("\xe5\xaf\x86\xe7\xa0\x81\xe5\xaf\x86\xe7\xa0\x81"
					      "\xe5\xaf\x86\xe7\xa0\x81\xe5\xaf\x86\xe7\xa0\x81"
					      "\xe5\xaf\x86\xe7\xa0\x81",
					      NULL, NULL, NULL),
			 KF_OK);
}

static void test_password_too_long_ONB_8(void **state)
{
	(void)state;
	char pw[300];
	memset(pw, 'x', 256);
	pw[256] = '\0';
	assert_int_equal(kf_validate_password(pw, NULL, NULL, NULL), KF_OK);
	pw[256] = 'x';
	pw[257] = '\0';
	expect_weak(pw, NULL, NULL, "at most 256 bytes");
}

static void test_password_invalid_utf8_ONB_8(void **state)
{
	(void)state;
	expect_weak("abcdefghij\xff", NULL, NULL, "UTF-8");
	expect_weak("abcdefghij\xed\xa0\x80", NULL, NULL, "UTF-8");
}

static void test_password_equal_to_email_ONB_8(void **state)
{
	(void)state;
	const char *email = "Alice.Smith@Example.com";
	expect_weak("Alice.Smith@Example.com", email, NULL, "email");
	expect_weak("alice.smith@example.com", email, NULL, "email");
	expect_weak("ALICE.SMITH@EXAMPLE.COM", email, NULL, "email");
	/* Merely containing the email is allowed. */
	assert_int_equal(kf_validate_password("alice.smith@example.com!", email, NULL, NULL),
			 KF_OK);
}

static void test_password_equal_to_mobile_ONB_8(void **state)
{
	(void)state;
	const char *mobile = "+8613812345678";
	expect_weak("+8613812345678", NULL, mobile, "mobile");
	expect_weak("8613812345678", NULL, mobile, "mobile");
	expect_weak("13812345678", NULL, mobile, "mobile");
	expect_weak("138 1234 5678", NULL, mobile, "mobile");
	expect_weak("+86-138-1234-5678", NULL, mobile, "mobile");
	expect_weak("4915112345678", NULL, "+4915112345678", "mobile");
	expect_weak("+49 151 1234 5678", NULL, "+4915112345678", "mobile");
	/* Another number is fine. */
	assert_int_equal(kf_validate_password("13912345678", NULL, mobile, NULL), KF_OK);
}

static void test_password_acceptable_ONB_8(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	assert_int_equal(kf_validate_password("correct horse battery", "alice@example.com",
					      "+8613812345678", &err),
			 KF_OK);
	assert_int_equal(kf_validate_password("correct horse battery", "", "", &err), KF_OK);
}

/* ---- UTF-8 helpers ---- */

static void test_utf8_scrub(void **state)
{
	(void)state;
	char ok[] = "a\xe4\xb8\xad\xf0\x9f\x98\x80z";
	assert_int_equal(kf_utf8_scrub(ok), 0);
	assert_string_equal(ok, "a\xe4\xb8\xad\xf0\x9f\x98\x80z");
	/* what jansson quotes back from a body with a broken escape */
	char near[] = "near '\"a\\u000\xd8\x9d'";
	assert_int_equal(kf_utf8_scrub(near), 0); /* U+061D is well-formed */
	char bad[] = "x\xd8\"\x80\xc0\xafy";
	assert_int_equal(kf_utf8_scrub(bad), 4);
	assert_string_equal(bad, "x?\"???y");
	char cut[] = "\xe4\xb8\xad\xe4\xb8"; /* cut mid-character by snprintf */
	assert_int_equal(kf_utf8_scrub(cut), 2);
	assert_string_equal(cut, "\xe4\xb8\xad??");
	assert_int_equal(kf_utf8_scrub(NULL), 0);
}

static void test_utf8_validate(void **state)
{
	(void)state;
	assert_true(kf_validate_utf8("", 0));
	assert_true(kf_validate_utf8(NULL, 0));
	assert_false(kf_validate_utf8(NULL, 1));
	assert_true(kf_validate_utf8("abc", 3));
	assert_true(kf_validate_utf8("\xe4\xb8\xad\xe6\x96\x87", 6));
	assert_true(kf_validate_utf8("\xf0\x9f\x98\x80", 4));
	assert_false(kf_validate_utf8("\xe4\xb8\xad", 2));     /* truncated by len */
	assert_false(kf_validate_utf8("\xc0\xaf", 2));         /* overlong '/' */
	assert_false(kf_validate_utf8("\xe0\x80\xaf", 3));     /* overlong */
	assert_false(kf_validate_utf8("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(kf_validate_utf8("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(kf_validate_utf8("\x80", 1));             /* lone continuation */
	assert_false(kf_validate_utf8("a\0b", 3));             /* embedded NUL */
	assert_true(kf_validate_utf8("a\0b", 1));
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(kf_utf8_len(""), 0);
	assert_int_equal(kf_utf8_len("abc"), 3);
	assert_int_equal(kf_utf8_len("\xe4\xb8\xad\xe6\x96\x87" "abc"), 5);
	assert_int_equal(kf_utf8_len("\xf0\x9f\x98\x80"), 1);
	assert_true(kf_utf8_len("ab\xff") == SIZE_MAX);
	assert_true(kf_utf8_len("\xe4\xb8") == SIZE_MAX);
	assert_true(kf_utf8_len(NULL) == SIZE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email_valid_ONB_8),
		cmocka_unit_test(test_email_invalid_ONB_8),
		cmocka_unit_test(test_email_length_limits_ONB_8),
		cmocka_unit_test(test_mobile_mainland_forms_ONB_8),
		cmocka_unit_test(test_mobile_e164_forms_ONB_8),
		cmocka_unit_test(test_mobile_invalid_ONB_8),
		cmocka_unit_test(test_mobile_buffer_too_small),
		cmocka_unit_test(test_password_too_short_ONB_8),
		cmocka_unit_test(test_password_counts_code_points_ONB_8),
		cmocka_unit_test(test_password_too_long_ONB_8),
		cmocka_unit_test(test_password_invalid_utf8_ONB_8),
		cmocka_unit_test(test_password_equal_to_email_ONB_8),
		cmocka_unit_test(test_password_equal_to_mobile_ONB_8),
		cmocka_unit_test(test_password_acceptable_ONB_8),
		cmocka_unit_test(test_utf8_validate),
		cmocka_unit_test(test_utf8_scrub),
		cmocka_unit_test(test_utf8_len),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

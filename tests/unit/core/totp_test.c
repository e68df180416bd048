/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/totp.c against the published vectors: RFC 4226
 * appendix D (HOTP) and RFC 6238 appendix B (TOTP, SHA-1), plus the window,
 * single use and base32 of the second factor of staff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/totp.h"

/* "12345678901234567890", the RFCs' SHA-1 key, and its base32 */
#define KEY "12345678901234567890"
#define KEY_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void test_hotp_rfc4226_vectors(void **state)
{
	(void)state;
	static const char *const want[] = {"755224", "287082", "359152", "969429", "338314",
					   "254676", "287922", "162583", "399871", "520489"};
	for (uint64_t i = 0; i < 10; i++) {
		char out[9];
		assert_true(kf_hotp((const unsigned char *)KEY, 20, i, 6, out));
		assert_string_equal(out, want[i]);
	}
}

static void test_totp_rfc6238_vectors_sha1_8_digits(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
		 {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char out[9];
		assert_true(kf_hotp((const unsigned char *)KEY, 20, (uint64_t)kf_totp_step(v[i].t), 8, out));
		assert_string_equal(out, v[i].code);
	}
}

/* The same vectors through the verifier a sign-in uses: 6 digits (the last
 * six of the RFC's eight), the base32 secret, accepted once. */
static void test_totp_verify_rfc6238_six_digits(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {{59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
		 {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int64_t step = -1;
		assert_true(kf_totp_verify(KEY_B32, v[i].code, v[i].t, 0, &step));
		assert_int_equal(step, kf_totp_step(v[i].t));
	}
}

static void test_totp_window_one_step_either_side(void **state)
{
	(void)state;
	int64_t step;
	/* 1111111109 is step 37037036; its code is good 30 s before and after */
	assert_true(kf_totp_verify(KEY_B32, "081804", 1111111109 + 30, 0, &step));
	assert_int_equal(step, 37037036);
	assert_true(kf_totp_verify(KEY_B32, "081804", 1111111109 - 30, 0, &step));
	/* two steps away it is refused */
	assert_false(kf_totp_verify(KEY_B32, "081804", 1111111109 + 61, 0, &step));
	assert_false(kf_totp_verify(KEY_B32, "081804", 1111111109 - 60, 0, &step));
}

static void test_totp_code_usable_once(void **state)
{
	(void)state;
	int64_t step = 0;
	assert_true(kf_totp_verify(KEY_B32, "081804", 1111111109, 0, &step));
	/* the caller stores step: the same code again is refused */
	int64_t again;
	assert_false(kf_totp_verify(KEY_B32, "081804", 1111111109, step, &again));
	/* an older code (the step before) is refused too once a later one was used */
	assert_false(kf_totp_verify(KEY_B32, "081804", 1111111109 + 30, step, &again));
}

static void test_totp_refuses_bad_shapes(void **state)
{
	(void)state;
	int64_t step;
	assert_false(kf_totp_verify(KEY_B32, "", 59, 0, &step));
	assert_false(kf_totp_verify(KEY_B32, "28708", 59, 0, &step));
	assert_false(kf_totp_verify(KEY_B32, "2870820", 59, 0, &step));
	assert_false(kf_totp_verify(KEY_B32, "28708a", 59, 0, &step));
	assert_false(kf_totp_verify("not base32!", "287082", 59, 0, &step));
	assert_false(kf_totp_verify(KEY_B32, "000000", 59, 0, &step));
	/* spaces as authenticator apps show them are fine */
	assert_true(kf_totp_verify(KEY_B32, "287 082", 59, 0, &step));
}

static void test_base32_round_trip(void **state)
{
	(void)state;
	char out[KF_TOTP_B32_LEN + 1];
	kf_base32_encode((const unsigned char *)KEY, 20, out);
	assert_string_equal(out, KEY_B32);
	/* RFC 4648 §10 vectors (without padding) */
	kf_base32_encode((const unsigned char *)"foobar", 6, out);
	assert_string_equal(out, "MZXW6YTBOI");
	kf_base32_encode((const unsigned char *)"f", 1, out);
	assert_string_equal(out, "MY");
	unsigned char back[32];
	assert_int_equal(kf_base32_decode("mzxw6ytboi======", back, sizeof(back)), 6);
	assert_memory_equal(back, "foobar", 6);
	assert_int_equal(kf_base32_decode("MZXW1", back, sizeof(back)), -1);
	assert_int_equal(kf_base32_decode(KEY_B32, back, 4), -1);
}

static void test_totp_uri_encodes_issuer_and_account(void **state)
{
	(void)state;
	char *u = kf_totp_uri("Kaifang Ops", "a+b@x.cn", KEY_B32);
	assert_string_equal(u, "otpauth://totp/Kaifang%20Ops:a%2Bb%40x.cn?secret=" KEY_B32
			       "&issuer=Kaifang%20Ops&algorithm=SHA1&digits=6&period=30");
	free(u);
}

static void test_recovery_code_normal(void **state)
{
	(void)state;
	char out[32];
	assert_true(kf_recovery_code_normal(" ABCDE-fgh23 ", out, sizeof(out)));
	assert_string_equal(out, "abcdefgh23");
	assert_false(kf_recovery_code_normal("--", out, sizeof(out)));
	assert_false(kf_recovery_code_normal("abc!def", out, sizeof(out)));
	assert_false(kf_recovery_code_normal("abcdefgh", out, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotp_rfc4226_vectors),
		cmocka_unit_test(test_totp_rfc6238_vectors_sha1_8_digits),
		cmocka_unit_test(test_totp_verify_rfc6238_six_digits),
		cmocka_unit_test(test_totp_window_one_step_either_side),
		cmocka_unit_test(test_totp_code_usable_once),
		cmocka_unit_test(test_totp_refuses_bad_shapes),
		cmocka_unit_test(test_base32_round_trip),
		cmocka_unit_test(test_totp_uri_encodes_issuer_and_account),
		cmocka_unit_test(test_recovery_code_normal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

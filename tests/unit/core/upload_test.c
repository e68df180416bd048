/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for upload types (core/upload.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/upload.h"

static const char png[] = "\x89PNG\r\n\x1a\n....";

static void test_declared_type_and_magic_agree(void **state)
{
	(void)state;
	const char *mime = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_upload_sniff("IMAGE/PNG; name=a.png", png, sizeof(png) - 1, &mime, &err), KF_OK);
	assert_string_equal(mime, "image/png");
	assert_int_equal(kf_upload_sniff("application/pdf", "%PDF-1.7", 8, &mime, &err), KF_OK);
	assert_string_equal(mime, "application/pdf");
}

static void test_refusals_name_code_and_field(void **state)
{
	(void)state;
	const char *mime = "x";
	struct kf_error err = {0};
	assert_int_equal(kf_upload_sniff("image/svg+xml", "<svg/>", 6, &mime, &err), KF_EINVAL);
	assert_null(mime);
	assert_string_equal(err.name, "unsupported_type");
	assert_int_equal(err.status, 415);
	assert_int_equal(kf_upload_sniff(NULL, png, sizeof(png) - 1, &mime, &err), KF_EINVAL);
	assert_string_equal(err.name, "unsupported_type");
	assert_int_equal(kf_upload_sniff("image/png", "", 0, &mime, &err), KF_EINVAL);
	assert_string_equal(err.name, "empty_file");
	assert_int_equal(kf_upload_sniff("image/jpeg", png, sizeof(png) - 1, &mime, &err), KF_EINVAL);
	assert_string_equal(err.name, "content_mismatch");
	assert_string_equal(err.field, "Content-Type");
	assert_int_equal(kf_upload_sniff("image/png", png, 4, &mime, &err), KF_EINVAL);
	assert_string_equal(err.name, "content_mismatch");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declared_type_and_magic_agree),
		cmocka_unit_test(test_refusals_name_code_and_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/checks.c: the capability check of APP-9
 * (PROTOCOL.md §8) — which checks a permission set names, which apps and
 * configuration a run may check, the messages it sends, and the judgement
 * of the app's answers with their exact reasons.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/checks.h"

static void test_checks_names_APP_9(void **state)
{
	(void)state;
	const char *names[] = {"ticket", "authorization", "text_reply", "api_reply", "event_reply"};
	for (int i = 0; i < KF_CHECK_KIND_COUNT; i++) {
		enum kf_check_kind k;
		assert_string_equal(kf_check_name((enum kf_check_kind)i), names[i]);
		assert_true(kf_check_parse(names[i], &k));
		assert_int_equal(k, i);
	}
	enum kf_check_kind k = KF_CHECK_TICKET;
	assert_false(kf_check_parse(NULL, &k));
	assert_false(kf_check_parse("Text_reply", &k));
	assert_false(kf_check_parse("", &k));
	assert_int_equal(k, KF_CHECK_TICKET);
	assert_null(kf_check_name((enum kf_check_kind)KF_CHECK_KIND_COUNT));
}

static void test_checks_parse_messages_set_APP_9(void **state)
{
	(void)state;
	enum kf_check_kind k[KF_CHECKS_PER_SET_MAX];
	size_t n = 99;
	struct kf_error err = {0};
	assert_int_equal(kf_checks_parse("text_reply api_reply", k, KF_CHECKS_PER_SET_MAX, &n, &err), KF_OK);
	assert_int_equal(n, 2);
	assert_int_equal(k[0], KF_CHECK_TEXT_REPLY);
	assert_int_equal(k[1], KF_CHECK_API_REPLY);
	/* commas, tabs, repeated names, surrounding blanks */
	assert_int_equal(kf_checks_parse(" \tapi_reply,,text_reply, api_reply ", k, KF_CHECKS_PER_SET_MAX, &n, &err), KF_OK);
	assert_int_equal(n, 2);
	assert_int_equal(k[0], KF_CHECK_API_REPLY);
	assert_int_equal(k[1], KF_CHECK_TEXT_REPLY);
	/* §8.5: the event form */
	assert_int_equal(kf_checks_parse("text_reply api_reply event_reply", k, KF_CHECKS_PER_SET_MAX, &n, &err), KF_OK);
	assert_int_equal(n, 3);
	assert_int_equal(k[2], KF_CHECK_EVENT_REPLY);
	char content[64];
	assert_true(kf_checks_event_content(KF_CHECK_EVENT, content, sizeof(content)));
	assert_string_equal(content, "LOCATIONfrom_callback");
	assert_false(kf_checks_event_content(KF_CHECK_EVENT, content, 8));
	assert_string_equal(content, "");
	/* none named */
	assert_int_equal(kf_checks_parse(NULL, k, KF_CHECKS_PER_SET_MAX, &n, &err), KF_OK);
	assert_int_equal(n, 0);
	assert_int_equal(kf_checks_parse("  , ", k, KF_CHECKS_PER_SET_MAX, &n, &err), KF_OK);
	assert_int_equal(n, 0);
}

static void test_checks_parse_refusals_APP_9(void **state)
{
	(void)state;
	enum kf_check_kind k[KF_CHECKS_PER_SET_MAX];
	size_t n;
	struct kf_error err = {0};
	assert_int_equal(kf_checks_parse("text_reply location_reply", k, KF_CHECKS_PER_SET_MAX, &n, &err), KF_EINVAL);
	assert_string_equal(err.name, "unknown_check");
	assert_string_equal(err.rule, "APP-9");
	assert_non_null(strstr(err.msg, "'location_reply'"));
	assert_int_equal(n, 1); /* what came before */
	/* the two checks of every run are not named by sets */
	for (const char *s = "ticket"; s; s = !strcmp(s, "ticket") ? "authorization" : NULL) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(kf_checks_parse(s, k, KF_CHECKS_PER_SET_MAX, &n, &err), KF_EINVAL);
		assert_string_equal(err.name, "unknown_check");
	}
	/* a long name is quoted cut, not overflowed */
	char longname[300];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(kf_checks_parse(longname, k, KF_CHECKS_PER_SET_MAX, &n, &err), KF_EINVAL);
	assert_true(strlen(err.msg) < sizeof(err.msg));
	/* more different checks than room */
	memset(&err, 0, sizeof(err));
	assert_int_equal(kf_checks_parse("text_reply api_reply", k, 1, &n, &err), KF_ELIMIT);
	assert_string_equal(err.name, "too_many_checks");
}

static void test_checks_may_run_APP_9(void **state)
{
	(void)state;
	struct kf_error err = {0};
	enum kf_app_state ok[] = {KF_APP_DEVELOPING, KF_APP_RELEASE_REVIEW, KF_APP_RELEASED, KF_APP_SUSPENDED,
				  KF_APP_WITHDRAWN};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(kf_checks_may_run(ok[i], &err), KF_OK);
	enum kf_app_state no[] = {KF_APP_DRAFT, KF_APP_CREATION_REVIEW, KF_APP_DELISTED, KF_APP_DELETED};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(kf_checks_may_run(no[i], &err), KF_ECONFLICT);
		assert_string_equal(err.name, "invalid_state");
		assert_string_equal(err.rule, "APP-9");
		assert_non_null(strstr(err.msg, kf_app_state_name(no[i])));
	}
}

static void test_checks_config_under_test_APP_7(void **state)
{
	(void)state;
	/* development: the live configuration (the release tests it) */
	assert_int_equal(kf_checks_config_under_test(KF_APP_DEVELOPING, 10, 11), 10);
	assert_int_equal(kf_checks_config_under_test(KF_APP_DEVELOPING, 10, 0), 10);
	/* released with a draft: the change to be reviewed */
	assert_int_equal(kf_checks_config_under_test(KF_APP_RELEASED, 10, 11), 11);
	assert_int_equal(kf_checks_config_under_test(KF_APP_RELEASED, 10, 0), 10);
	assert_int_equal(kf_checks_config_under_test(KF_APP_RELEASE_REVIEW, 10, 11), 10);
	assert_int_equal(kf_checks_config_under_test(KF_APP_DEVELOPING, 0, 0), 0);
}

static void test_checks_purpose(void **state)
{
	(void)state;
	assert_true(kf_checks_purpose_valid("manual"));
	assert_true(kf_checks_purpose_valid("release"));
	assert_true(kf_checks_purpose_valid("change"));
	assert_false(kf_checks_purpose_valid(NULL));
	assert_false(kf_checks_purpose_valid("Manual"));
	assert_false(kf_checks_purpose_valid(""));
}

static void test_checks_messages(void **state)
{
	(void)state;
	char out[80];
	assert_true(kf_checks_query_text("kfcd_abc", out, sizeof(out)));
	assert_string_equal(out, "QUERY_AUTH_CODE:kfcd_abc");
	assert_true(kf_checks_api_content("kfcd_abc", out, sizeof(out)));
	assert_string_equal(out, "kfcd_abc_from_api");
	assert_false(kf_checks_query_text("kfcd_abc", out, 10));
	assert_string_equal(out, "");
	assert_false(kf_checks_api_content("kfcd_abc", out, 17));
	assert_true(kf_checks_api_content("kfcd_abc", out, 18));
	assert_string_equal(KF_CHECK_TEXT_REPLY_CONTENT, KF_CHECK_TEXT "_callback");
}

static void test_checks_quote(void **state)
{
	(void)state;
	char out[64];
	kf_checks_quote("plain", 5, 100, out, sizeof(out));
	assert_string_equal(out, "plain");
	kf_checks_quote(NULL, 3, 100, out, sizeof(out));
	assert_string_equal(out, "");
	/* control characters and invalid UTF-8 become '?' */
	kf_checks_quote("a\nb\x01\xff" "c", 6, 100, out, sizeof(out));
	assert_string_equal(out, "a?b??c");
	/* cut at max bytes, never inside a character, with an ellipsis */
	kf_checks_quote("\xe4\xbd\xa0\xe5\xa5\xbd", 6, 4, out, sizeof(out));
	assert_string_equal(out, "\xe4\xbd\xa0\xe2\x80\xa6");
	kf_checks_quote("abcdef", 6, 3, out, sizeof(out));
	assert_string_equal(out, "abc\xe2\x80\xa6");
	/* the output buffer bounds it too */
	char small[6];
	kf_checks_quote("abcdefghij", 10, 100, small, sizeof(small));
	assert_string_equal(small, "ab\xe2\x80\xa6");
	/* an overlong encoding and a surrogate are not UTF-8 */
	kf_checks_quote("\xc0\xaf\xed\xa0\x80", 5, 100, out, sizeof(out));
	assert_string_equal(out, "?????");
}

static void test_checks_judge_push(void **state)
{
	(void)state;
	char reason[KF_CHECK_REASON_SIZE];
	struct kf_check_push p = {.timeout_ms = 5000, .http_status = 200, .body = "success", .body_len = 7};
	assert_true(kf_checks_judge_push(&p, false, reason, sizeof(reason)));
	p.body = " success\r\n";
	p.body_len = strlen(p.body);
	assert_true(kf_checks_judge_push(&p, false, reason, sizeof(reason)));
	p.body = "";
	p.body_len = 0;
	assert_false(kf_checks_judge_push(&p, false, reason, sizeof(reason)));
	assert_string_equal(reason, "the answer was '' (expected \"success\")");
	assert_true(kf_checks_judge_push(&p, true, reason, sizeof(reason)));
	p.body = "fail";
	p.body_len = 4;
	assert_false(kf_checks_judge_push(&p, true, reason, sizeof(reason)));
	assert_string_equal(reason, "the answer was 'fail' (expected an empty body or \"success\")");
	/* a passive reply is no answer to an event */
	p.body = "<xml><Encrypt>x</Encrypt></xml>";
	p.body_len = strlen(p.body);
	assert_false(kf_checks_judge_push(&p, true, reason, sizeof(reason)));
	p.http_status = 500;
	p.body = "success";
	p.body_len = 7;
	assert_false(kf_checks_judge_push(&p, false, reason, sizeof(reason)));
	assert_string_equal(reason, "HTTP status 500 (expected 200 with \"success\")");
	struct kf_check_push t = {.timed_out = true, .timeout_ms = 5000};
	assert_false(kf_checks_judge_push(&t, false, reason, sizeof(reason)));
	assert_string_equal(reason, "no answer within 5000 ms");
	struct kf_check_push e = {.error = "connection failed: refused", .timeout_ms = 5000};
	assert_false(kf_checks_judge_push(&e, false, reason, sizeof(reason)));
	assert_string_equal(reason, "the push failed: connection failed: refused");
}

/* A reply that passes; each test breaks one thing. */
static struct kf_check_reply good_reply(void)
{
	static const char body[] = "<xml><Encrypt>e</Encrypt></xml>";
	return (struct kf_check_reply){
		.push = {.timeout_ms = 5000, .http_status = 200, .body = body, .body_len = sizeof(body) - 1},
		.xml = true,
		.encrypt = "e",
		.msg_signature = "s",
		.timestamp = "1",
		.nonce = "n",
		.signature_ok = true,
		.appid = "kf0123456789abcdef",
		.message_xml = true,
		.msg_type = "text",
		.content = KF_CHECK_TEXT_REPLY_CONTENT,
		.to_user = "kaifang-test-user-1",
		.from_user = "kaifang-test-1",
	};
}

static const struct kf_check_expect want = {
	.app_id = "kf0123456789abcdef",
	.account = "kaifang-test-1",
	.user = "kaifang-test-user-1",
	.content = KF_CHECK_TEXT_REPLY_CONTENT,
};

static void expect_reason(struct kf_check_reply r, const char *reason_want)
{
	char reason[KF_CHECK_REASON_SIZE];
	assert_false(kf_checks_judge_reply(&r, &want, reason, sizeof(reason)));
	assert_string_equal(reason, reason_want);
}

static void test_checks_judge_reply_APP_9(void **state)
{
	(void)state;
	char reason[KF_CHECK_REASON_SIZE];
	struct kf_check_reply r = good_reply();
	assert_true(kf_checks_judge_reply(&r, &want, reason, sizeof(reason)));

	r = good_reply();
	r.push.timed_out = true;
	expect_reason(r, "no reply within 5000 ms");
	r = good_reply();
	r.push.http_status = 0;
	r.push.error = "connection failed: x";
	expect_reason(r, "the push failed: connection failed: x");
	r = good_reply();
	r.push.http_status = 404;
	expect_reason(r, "HTTP status 404 (expected 200 with the passive reply)");
	r = good_reply();
	r.push.body = "\n";
	r.push.body_len = 1;
	expect_reason(r, "the app answered an empty body instead of the passive reply with content "
			 "'TESTCOMPONENT_MSG_TYPE_TEXT_callback'");
	r = good_reply();
	r.push.body = "success";
	r.push.body_len = 7;
	expect_reason(r, "the app answered \"success\" instead of the passive reply with content "
			 "'TESTCOMPONENT_MSG_TYPE_TEXT_callback'");
	r = good_reply();
	r.xml = false;
	r.push.body = "hello";
	r.push.body_len = 5;
	expect_reason(r, "the reply is not an XML document: 'hello'");
	r = good_reply();
	r.encrypt = NULL;
	expect_reason(r, "the reply is not encrypted (no Encrypt field)");
	r = good_reply();
	r.nonce = NULL;
	expect_reason(r, "the encrypted reply has no Nonce field");
	r = good_reply();
	r.signature_ok = false;
	expect_reason(r, "signature mismatch");
	r = good_reply();
	r.decrypt_error = "bad padding";
	expect_reason(r, "the reply does not decrypt with the app's key (bad padding)");
	r = good_reply();
	r.appid = "kfffffffffffffffff";
	expect_reason(r, "the reply was encrypted for 'kfffffffffffffffff', expected the app id 'kf0123456789abcdef'");
	r = good_reply();
	r.message_xml = false;
	expect_reason(r, "the decrypted reply is not an XML message");
	r = good_reply();
	r.msg_type = "image";
	expect_reason(r, "reply MsgType was 'image', expected 'text'");
	r = good_reply();
	r.content = "x";
	expect_reason(r, "reply content was 'x', expected 'TESTCOMPONENT_MSG_TYPE_TEXT_callback'");
	r = good_reply();
	r.content = NULL;
	expect_reason(r, "reply content was '', expected 'TESTCOMPONENT_MSG_TYPE_TEXT_callback'");
	/* not swapped: the reply still goes to the account */
	r = good_reply();
	r.to_user = "kaifang-test-1";
	expect_reason(r, "reply ToUserName was 'kaifang-test-1', expected the sender 'kaifang-test-user-1'");
	r = good_reply();
	r.from_user = "kaifang-test-user-1";
	expect_reason(r, "reply FromUserName was 'kaifang-test-user-1', expected the account 'kaifang-test-1'");
}

static void test_checks_judge_api_APP_9(void **state)
{
	(void)state;
	char reason[KF_CHECK_REASON_SIZE];
	struct kf_check_expect w = {.app_id = "kf0123456789abcdef", .account = "kaifang-test-1", .user = "u1",
				    .content = "kfcd_X_from_api"};
	struct kf_check_call good = {"u1", "text", "kfcd_X_from_api"};
	struct kf_check_call other = {"u1", "text", "hello"};
	struct kf_check_call wrong_to = {"u2", "text", "kfcd_X_from_api"};
	/* nothing yet: wait, then say what was missing */
	assert_int_equal(kf_checks_judge_api(NULL, 0, false, &w, false, 60000, reason, sizeof(reason)), KF_CHECK_WAIT);
	assert_int_equal(kf_checks_judge_api(NULL, 0, false, &w, true, 60000, reason, sizeof(reason)), KF_CHECK_FAIL);
	assert_string_equal(reason, "the code was never exchanged with api_query_auth and no "
				    "/cgi-bin/message/custom/send call came within 60000 ms");
	assert_int_equal(kf_checks_judge_api(NULL, 0, true, &w, true, 60000, reason, sizeof(reason)), KF_CHECK_FAIL);
	assert_string_equal(reason, "no /cgi-bin/message/custom/send call within 60000 ms");
	/* the right call after another one passes at once */
	struct kf_check_call two[] = {other, good};
	assert_int_equal(kf_checks_judge_api(two, 2, true, &w, false, 60000, reason, sizeof(reason)), KF_CHECK_PASS);
	/* without the code exchanged it fails at once */
	assert_int_equal(kf_checks_judge_api(two, 2, false, &w, false, 60000, reason, sizeof(reason)), KF_CHECK_FAIL);
	assert_non_null(strstr(reason, "never exchanged with api_query_auth"));
	/* other calls: wait; at the end the latest says what was wrong */
	assert_int_equal(kf_checks_judge_api(&other, 1, true, &w, false, 60000, reason, sizeof(reason)), KF_CHECK_WAIT);
	assert_int_equal(kf_checks_judge_api(&other, 1, true, &w, true, 60000, reason, sizeof(reason)), KF_CHECK_FAIL);
	assert_string_equal(reason, "custom/send content was 'hello', expected 'kfcd_X_from_api'");
	assert_int_equal(kf_checks_judge_api(&wrong_to, 1, true, &w, true, 60000, reason, sizeof(reason)), KF_CHECK_FAIL);
	assert_string_equal(reason, "custom/send went to 'u2', expected the sender 'u1'");
	struct kf_check_call img = {"u1", "image", "kfcd_X_from_api"};
	assert_int_equal(kf_checks_judge_api(&img, 1, true, &w, true, 60000, reason, sizeof(reason)), KF_CHECK_FAIL);
	assert_string_equal(reason, "custom/send msgtype was 'image', expected 'text'");
	/* what the app sent is quoted printable and short */
	struct kf_check_call ugly = {"u1", "text", "a\x01\xff"};
	assert_int_equal(kf_checks_judge_api(&ugly, 1, true, &w, true, 60000, reason, sizeof(reason)), KF_CHECK_FAIL);
	assert_string_equal(reason, "custom/send content was 'a?" "?', expected 'kfcd_X_from_api'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks_names_APP_9),
		cmocka_unit_test(test_checks_parse_messages_set_APP_9),
		cmocka_unit_test(test_checks_parse_refusals_APP_9),
		cmocka_unit_test(test_checks_may_run_APP_9),
		cmocka_unit_test(test_checks_config_under_test_APP_7),
		cmocka_unit_test(test_checks_purpose),
		cmocka_unit_test(test_checks_messages),
		cmocka_unit_test(test_checks_quote),
		cmocka_unit_test(test_checks_judge_push),
		cmocka_unit_test(test_checks_judge_reply_APP_9),
		cmocka_unit_test(test_checks_judge_api_APP_9),
	};
	return cmocka_run_group_tests_name("core/checks", tests, NULL, NULL);
}

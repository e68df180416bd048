/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/push/request.c and src/push/http.c without a network:
 * the push request of an outbox event checked against the known-answer
 * vector V1 of PROTOCOL.md (same Encrypt and msg_signature), $APPID$
 * substitution and query building, the config errors, and the helpers for
 * libcurl results, response excerpts and JSON log escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/envelope.h"
#include "push/http.h"
#include "push/request.h"
#include "store/outbox.h"
#include "util/crypto.h"

/* V1 of PROTOCOL.md §7 */
#define V1_TOKEN "123456"
#define V1_KEY "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
#define V1_ID "wx49f0ab532d5d035a"
#define V1_RANDOM "1234567890123456"
#define V1_TS 1411525903
#define V1_NONCE "461056294"
#define V1_MSG                                                                                                    \
	"<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA["   \
	"wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n" \
	"<CreateTime>1411525903</CreateTime>\n</xml>"
#define V1_ENCRYPT                                                                                                 \
	"9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtOb" \
	"vesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8" \
	"NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O" \
	"5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
#define V1_MSG_SIGNATURE "407518b7649e86ef23978113f92d27afa9296533"

static void item_init(struct kf_outbox_item *it, const char *target, const char *app_id, const char *payload,
		      const char *config)
{
	memset(it, 0, sizeof(*it));
	it->id = 1;
	snprintf(it->event_id, sizeof(it->event_id), "%s", "0123456789abcdef0123456789abcdef");
	snprintf(it->target, sizeof(it->target), "%s", target);
	snprintf(it->app_id, sizeof(it->app_id), "%s", app_id);
	snprintf(it->kind, sizeof(it->kind), "%s", "test");
	it->payload = strdup(payload);
	it->config_json = config ? strdup(config) : NULL;
}

static const char v1_config[] = "{\"name\":\"x\",\"dev\":{\"auth_receive_url\":\"https://a.example.com/auth\","
				"\"message_url\":\"https://a.example.com/m/$APPID$/x?app=$APPID$\","
				"\"message_token\":\"" V1_TOKEN "\",\"aes_key\":\"" V1_KEY "\",\"server_domains\":[]}}";

static void test_request_known_answer_V1(void **state)
{
	(void)state;
	struct kf_outbox_item it;
	item_init(&it, "auth_receive", V1_ID, V1_MSG, v1_config);
	struct kf_push_request r;
	struct kf_error err = {0};
	enum kf_err rc = kf_push_request_build(&it, V1_TS, V1_NONCE, (const unsigned char *)V1_RANDOM, &r, &err);
	if (rc != KF_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(r.target, KF_PUSH_AUTH_RECEIVE);
	assert_string_equal(r.body, "<xml><AppId><![CDATA[" V1_ID "]]></AppId><Encrypt><![CDATA[" V1_ENCRYPT
				    "]]></Encrypt></xml>");
	assert_string_equal(r.msg_signature, V1_MSG_SIGNATURE);
	char sig[41];
	assert_int_equal(kf_wxcrypt_sign(V1_TOKEN, "1411525903", V1_NONCE, NULL, sig), KF_OK);
	char want[512];
	snprintf(want, sizeof(want),
		 "https://a.example.com/auth?signature=%s&timestamp=1411525903&nonce=461056294&encrypt_type=aes"
		 "&msg_signature=" V1_MSG_SIGNATURE,
		 sig);
	assert_string_equal(r.url, want);
	kf_push_request_clear(&r);
	kf_outbox_item_clear(&it);
}

static void test_request_message_target(void **state)
{
	(void)state;
	struct kf_outbox_item it;
	item_init(&it, "message", "kf00000000000000aa",
		  "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o 1&2]]></FromUserName></xml>",
		  v1_config);
	struct kf_push_request r;
	struct kf_error err = {0};
	assert_int_equal(kf_push_request_build(&it, 5, NULL, NULL, &r, &err), KF_OK);
	assert_int_equal(r.target, KF_PUSH_MESSAGE);
	assert_non_null(strstr(r.url, "https://a.example.com/m/kf00000000000000aa/x?app=kf00000000000000aa&signature="));
	assert_non_null(strstr(r.url, "&timestamp=5&nonce="));
	assert_non_null(strstr(r.url, "&openid=o+1%262&encrypt_type=aes&msg_signature="));
	assert_int_equal(strlen(r.nonce), KF_WXCRYPT_NONCE_LEN);
	static const char head1[] = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[";
	assert_memory_equal(r.body, head1, sizeof(head1) - 1);
	kf_push_request_clear(&r);
	kf_outbox_item_clear(&it);

	/* no ToUserName in the payload: the app id; no FromUserName: no openid */
	item_init(&it, "message", "kf00000000000000aa", "<xml><Event>x</Event></xml>", v1_config);
	assert_int_equal(kf_push_request_build(&it, 5, NULL, NULL, &r, &err), KF_OK);
	assert_null(strstr(r.url, "openid"));
	static const char head[] = "<xml><ToUserName><![CDATA[kf00000000000000aa]]></ToUserName>";
	assert_memory_equal(r.body, head, sizeof(head) - 1);
	kf_push_request_clear(&r);
	kf_outbox_item_clear(&it);
}

static void expect_build_error(const char *target, const char *config, enum kf_err code, const char *name,
			       const char *msg_part)
{
	struct kf_outbox_item it;
	item_init(&it, target, "kf00000000000000aa", "<xml/>", config);
	struct kf_push_request r;
	struct kf_error err = {0};
	assert_int_equal(kf_push_request_build(&it, 5, NULL, NULL, &r, &err), code);
	assert_string_equal(err.name, name);
	if (!strstr(err.msg, msg_part))
		fail_msg("'%s' does not contain '%s'", err.msg, msg_part);
	assert_null(r.url);
	assert_null(r.body);
	kf_outbox_item_clear(&it);
}

static void test_request_config_errors(void **state)
{
	(void)state;
	expect_build_error("auth_receive", NULL, KF_ECONFLICT, "no_live_config", "no live configuration");
	expect_build_error("other", v1_config, KF_EINVAL, "unknown_target", "unknown push target");
	expect_build_error("auth_receive", "not json", KF_EINVAL, "invalid_config", "not valid JSON");
	expect_build_error("auth_receive", "{\"dev\":7}", KF_EINVAL, "invalid_config", "no dev settings");
	expect_build_error("auth_receive", "{\"dev\":{}}", KF_ECONFLICT, "no_callback_url", "dev.auth_receive_url");
	expect_build_error("message", "{\"dev\":{\"auth_receive_url\":\"https://a.b/\"}}", KF_ECONFLICT,
			   "no_callback_url", "dev.message_url");
	expect_build_error("auth_receive", "{\"dev\":{\"auth_receive_url\":\"https://a.b/\",\"aes_key\":\"" V1_KEY "\"}}",
			   KF_ECONFLICT, "no_message_crypto", "dev.message_token");
	expect_build_error("auth_receive", "{\"dev\":{\"auth_receive_url\":\"https://a.b/\",\"message_token\":\"t1\"}}",
			   KF_ECONFLICT, "no_message_crypto", "dev.aes_key");
	expect_build_error("auth_receive",
			   "{\"dev\":{\"auth_receive_url\":\"https://a.b/\",\"message_token\":\"t1\",\"aes_key\":\"short\"}}",
			   KF_ECONFLICT, "invalid_config", "cannot encrypt");
	expect_build_error("auth_receive", "{\"dev\":{\"auth_receive_url\":7}}", KF_EINVAL, "invalid_config",
			   "dev.auth_receive_url");
	expect_build_error("auth_receive",
			   "{\"dev\":{\"auth_receive_url\":\"ftp://a.b/\",\"message_token\":\"t1\",\"aes_key\":\"" V1_KEY
			   "\"}}",
			   KF_ECONFLICT, "invalid_config", "not a usable http(s) URL");
	expect_build_error("auth_receive",
			   "{\"dev\":{\"auth_receive_url\":\"https://a.b/\\u0000x\",\"message_token\":\"t1\",\"aes_key\":\"" V1_KEY
			   "\"}}",
			   KF_EINVAL, "invalid_config", "not valid JSON"); /* jansson refuses NUL */
}

static void test_request_url_helpers(void **state)
{
	(void)state;
	char *s = kf_push_url_substitute("https://h/$APPID$/x/$APPID$?a=$APPID$", "kf1");
	assert_string_equal(s, "https://h/kf1/x/kf1?a=kf1");
	free(s);
	s = kf_push_url_substitute("https://h/plain", "kf1");
	assert_string_equal(s, "https://h/plain");
	free(s);
	s = kf_push_url_substitute("$APPID$$APPID", "x");
	assert_string_equal(s, "x$APPID");
	free(s);

	const char *names[] = {"a", "b"}, *values[] = {"1 2", "x&y=z"};
	s = kf_push_url_with_query("http://h:8080/p", names, values, 2);
	assert_string_equal(s, "http://h:8080/p?a=1+2&b=x%26y%3dz");
	free(s);
	s = kf_push_url_with_query("https://h/p?keep=1", names, values, 1);
	assert_string_equal(s, "https://h/p?keep=1&a=1+2");
	free(s);
	assert_null(kf_push_url_with_query("ftp://h/p", names, values, 1));
	assert_null(kf_push_url_with_query("file:///etc/passwd", names, values, 1));
	assert_null(kf_push_url_with_query("no url", names, values, 1));
	assert_null(kf_push_url_with_query("", names, values, 1));
}

static void test_request_settings_parse(void **state)
{
	(void)state;
	struct kf_push_settings s;
	struct kf_error err = {0};
	assert_int_equal(kf_push_settings_parse("{\"dev\":{\"auth_receive_url\":null,\"message_url\":\"https://m/\"}}", &s,
						&err),
			 KF_OK);
	assert_string_equal(s.auth_receive_url, "");
	assert_string_equal(s.message_url, "https://m/");
	assert_string_equal(s.message_token, "");
	assert_int_equal(kf_push_settings_parse("{\"dev\":[]}", &s, &err), KF_EINVAL);
	char big[1200 + 64];
	memset(big, 0, sizeof(big));
	strcpy(big, "{\"dev\":{\"message_url\":\"");
	memset(big + strlen(big), 'a', 1100);
	strcat(big, "\"}}");
	assert_int_equal(kf_push_settings_parse(big, &s, &err), KF_EINVAL);
	assert_int_equal(kf_push_settings_parse(NULL, &s, &err), KF_ECONFLICT);
	assert_string_equal(err.name, "no_live_config");
}

static void excerpt_of(const char *body, size_t len, char out[KF_PUSH_EXCERPT_MAX + 1])
{
	struct kf_push_http h;
	kf_push_http_init(&h, NULL);
	h.body = malloc(len + 1);
	memcpy(h.body, body, len);
	h.body[len] = '\0';
	h.len = len;
	kf_push_http_excerpt(&h, out);
	kf_push_http_clear(&h);
}

static void test_http_excerpt(void **state)
{
	(void)state;
	char out[KF_PUSH_EXCERPT_MAX + 1];
	excerpt_of("success", 7, out);
	assert_string_equal(out, "success");
	excerpt_of("", 0, out);
	assert_string_equal(out, "");
	excerpt_of("a\0b\x01\tc\r\n\x7f", 9, out);
	assert_string_equal(out, "a?b?\tc\r\n?");
	static const char mixed[] = "\xff\xfe ok \xc3\xa9 \xe4\xb8\xad \xed\xa0\x80 \xc0\xaf";
	excerpt_of(mixed, sizeof(mixed) - 1, out);
	assert_string_equal(out, "?? ok \xc3\xa9 \xe4\xb8\xad ??? ??");
	/* cut at 512 bytes: a character crossing the limit is dropped whole */
	char big[600];
	memset(big, 'a', sizeof(big));
	memcpy(big + 510, "\xe4\xb8\xad", 3);
	excerpt_of(big, sizeof(big), out);
	assert_int_equal(strlen(out), 510);
	memcpy(big + 509, "\xe4\xb8\xad", 3);
	excerpt_of(big, sizeof(big), out);
	assert_int_equal(strlen(out), 512);
	/* a body that ends in a broken character */
	excerpt_of("ab\xe4\xb8", 4, out);
	assert_string_equal(out, "ab??");
}

static void test_http_classify(void **state)
{
	(void)state;
	struct kf_push_http h;
	kf_push_http_init(&h, NULL);
	char msg[256];
	assert_int_equal(kf_push_http_classify(CURLE_OK, &h, 5000, msg, sizeof(msg)), KF_PUSH_FAIL_NONE);
	assert_int_equal(kf_push_http_classify(CURLE_COULDNT_CONNECT, &h, 5000, msg, sizeof(msg)), KF_PUSH_FAIL_CONNECT);
	assert_int_equal(kf_push_http_classify(CURLE_COULDNT_RESOLVE_HOST, &h, 5000, msg, sizeof(msg)), KF_PUSH_FAIL_DNS);
	assert_non_null(strstr(msg, "DNS lookup failed"));
	assert_int_equal(kf_push_http_classify(CURLE_OPERATION_TIMEDOUT, &h, 5000, msg, sizeof(msg)),
			 KF_PUSH_FAIL_TIMEOUT);
	assert_non_null(strstr(msg, "no answer within 5000 ms"));
	assert_int_equal(kf_push_http_classify(CURLE_PEER_FAILED_VERIFICATION, &h, 5000, msg, sizeof(msg)),
			 KF_PUSH_FAIL_TLS);
	assert_int_equal(kf_push_http_classify(CURLE_WRITE_ERROR, &h, 5000, msg, sizeof(msg)), KF_PUSH_FAIL_NETWORK);
	h.too_large = true;
	assert_int_equal(kf_push_http_classify(CURLE_WRITE_ERROR, &h, 5000, msg, sizeof(msg)), KF_PUSH_FAIL_TOO_LARGE);
	assert_string_equal(msg, "response body over 65536 bytes");
	snprintf(h.refused, sizeof(h.refused), "refused address 10.0.0.1 (private): not in push.allow_networks");
	assert_int_equal(kf_push_http_classify(CURLE_COULDNT_CONNECT, &h, 5000, msg, sizeof(msg)),
			 KF_PUSH_FAIL_REFUSED_ADDRESS);
	assert_string_equal(msg, h.refused);
	assert_int_equal(kf_push_http_classify(CURLE_GOT_NOTHING, &h, 5000, NULL, 0), KF_PUSH_FAIL_NETWORK);
	assert_string_equal(kf_push_http_failure_name(KF_PUSH_FAIL_REFUSED_ADDRESS), "refused_address");
	assert_string_equal(kf_push_http_failure_name(KF_PUSH_FAIL_BODY), "body_mismatch");
	assert_null(kf_push_http_failure_name(KF_PUSH_FAIL_NONE));
	kf_push_http_clear(&h);
}

static void test_http_json_escape(void **state)
{
	(void)state;
	char out[64];
	kf_push_json_escape("a\"b\\c\n\x01", out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c\\u000a\\u0001");
	kf_push_json_escape(NULL, out, sizeof(out));
	assert_string_equal(out, "");
	kf_push_json_escape("\"\"\"\"", out, 6); /* never cuts an escape in half */
	assert_string_equal(out, "\\\"\\\"");
}

int main(void)
{
	if (kf_crypto_init() != KF_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_known_answer_V1),
		cmocka_unit_test(test_request_message_target),
		cmocka_unit_test(test_request_config_errors),
		cmocka_unit_test(test_request_url_helpers),
		cmocka_unit_test(test_request_settings_parse),
		cmocka_unit_test(test_http_excerpt),
		cmocka_unit_test(test_http_classify),
		cmocka_unit_test(test_http_json_escape),
	};
	return cmocka_run_group_tests_name("push/request", tests, NULL, NULL);
}

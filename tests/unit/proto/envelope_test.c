/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/proto/envelope.c: the exact push formats of
 * PROTOCOL.md §6–§7, build/parse round trips (CDATA holding "]]>", CR,
 * markup characters, UTF-8), and the parser's refusals: DOCTYPE and
 * entities (billion laughs, external entities), nesting, size and field
 * limits, malformed XML; plus concurrent use from several threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "proto/envelope.h"

/* V3-ticket-push-decrypt of /work/shared/vectors/wxcrypt.json: the
 * decrypted plaintext of a real component_verify_ticket push. */
#define V3_APPID "wx805ef435fca595d2"
#define V3_TICKET "ticket@@@t_KixLUyGjV-ZnUYrUP58mbI5maqS_AcRWkJY9kNQ4tPj360c1kD5HWqQt7AiFowdBZQWBYeQwr-hvk2ja-oTQ"
#define V3_MESSAGE                                                                                                 \
	"<xml><AppId><![CDATA[wx805ef435fca595d2]]></AppId>\n<CreateTime>1524734617</CreateTime>\n<InfoType><![CDATA[" \
	"component_verify_ticket]]></InfoType>\n<ComponentVerifyTicket><![CDATA[" V3_TICKET                          \
	"]]></ComponentVerifyTicket>\n</xml>"

#define UTF8_TEXT "\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80" /* 中文 😀 */

static void expect_parse_error(const char *xml, size_t len, enum kf_err code, const char *name)
{
	struct kf_envelope env;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_parse(xml, len, &env, &err), code);
	assert_string_equal(err.name, name);
	assert_int_equal(env.n, 0);
	assert_null(env.fields);
	assert_null(env.store);
}

static void expect_parse_error_str(const char *xml, enum kf_err code, const char *name)
{
	expect_parse_error(xml, strlen(xml), code, name);
}

static void parse_ok(const char *xml, struct kf_envelope *env)
{
	struct kf_error err = {0};
	enum kf_err rc = kf_envelope_parse(xml, strlen(xml), env, &err);
	if (rc != KF_OK)
		fail_msg("parse failed: %s: %s", err.name, err.msg);
}

/* ---- exact formats ---- */

static void test_build_encrypted_push_format(void **state)
{
	(void)state;
	char *x = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_build_encrypted("ToUserName", "gh_abc", "QUJD+/==", &x, &err), KF_OK);
	assert_string_equal(x, "<xml><ToUserName><![CDATA[gh_abc]]></ToUserName>"
			       "<Encrypt><![CDATA[QUJD+/==]]></Encrypt></xml>");
	free(x);
	assert_int_equal(kf_envelope_build_encrypted("AppId", V3_APPID, "QUJD", &x, &err), KF_OK);
	assert_string_equal(x, "<xml><AppId><![CDATA[wx805ef435fca595d2]]></AppId>"
			       "<Encrypt><![CDATA[QUJD]]></Encrypt></xml>");
	free(x);
}

static void test_build_reply_format(void **state)
{
	(void)state;
	char *x = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_build_reply("QUJD", "407518b7649e86ef23978113f92d27afa9296533", "1411525903",
						 "461056294", &x, &err),
			 KF_OK);
	assert_string_equal(x, "<xml><Encrypt><![CDATA[QUJD]]></Encrypt>"
			       "<MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>"
			       "<TimeStamp>1411525903</TimeStamp><Nonce><![CDATA[461056294]]></Nonce></xml>");
	free(x);
}

static void test_build_ticket_format(void **state)
{
	(void)state;
	char *x = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_build_ticket(V3_APPID, 1524734617, V3_TICKET, &x, &err), KF_OK);
	assert_string_equal(x, "<xml><AppId><![CDATA[wx805ef435fca595d2]]></AppId><CreateTime>1524734617</CreateTime>"
			       "<InfoType><![CDATA[component_verify_ticket]]></InfoType>"
			       "<ComponentVerifyTicket><![CDATA[" V3_TICKET "]]></ComponentVerifyTicket></xml>");
	/* and it reads back as the real push does */
	struct kf_envelope a, b;
	parse_ok(x, &a);
	parse_ok(V3_MESSAGE, &b);
	assert_int_equal(a.n, 4);
	assert_int_equal(b.n, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(a.fields[i].name, b.fields[i].name);
		assert_string_equal(a.fields[i].value, b.fields[i].value);
		assert_int_equal(a.fields[i].cdata, b.fields[i].cdata);
	}
	kf_envelope_clear(&a);
	kf_envelope_clear(&b);
	free(x);
}

static void test_build_auth_events(void **state)
{
	(void)state;
	struct kf_envelope_auth_event ev = {
		.info_type = "authorized",
		.appid = "kf0123456789abcdef",
		.create_time = 1700000000,
		.authorizer_appid = "wxhost01",
		.authorization_code = "queryauthcode@@@abc",
		.code_expired_time = 1700003600,
		.pre_auth_code = "preauthcode@@@xyz",
	};
	char *x = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_build_auth_event(&ev, &x, &err), KF_OK);
	assert_string_equal(x, "<xml><AppId><![CDATA[kf0123456789abcdef]]></AppId><CreateTime>1700000000</CreateTime>"
			       "<InfoType><![CDATA[authorized]]></InfoType>"
			       "<AuthorizerAppid><![CDATA[wxhost01]]></AuthorizerAppid>"
			       "<AuthorizationCode><![CDATA[queryauthcode@@@abc]]></AuthorizationCode>"
			       "<AuthorizationCodeExpiredTime>1700003600</AuthorizationCodeExpiredTime>"
			       "<PreAuthCode><![CDATA[preauthcode@@@xyz]]></PreAuthCode></xml>");
	free(x);
	ev.info_type = "updateauthorized";
	assert_int_equal(kf_envelope_build_auth_event(&ev, &x, &err), KF_OK);
	struct kf_envelope env;
	parse_ok(x, &env);
	assert_int_equal(env.n, 7);
	assert_string_equal(kf_envelope_get(&env, "InfoType"), "updateauthorized");
	assert_string_equal(kf_envelope_get(&env, "AuthorizationCodeExpiredTime"), "1700003600");
	kf_envelope_clear(&env);
	free(x);
	ev.info_type = "unauthorized";
	assert_int_equal(kf_envelope_build_auth_event(&ev, &x, &err), KF_OK);
	assert_string_equal(x, "<xml><AppId><![CDATA[kf0123456789abcdef]]></AppId><CreateTime>1700000000</CreateTime>"
			       "<InfoType><![CDATA[unauthorized]]></InfoType>"
			       "<AuthorizerAppid><![CDATA[wxhost01]]></AuthorizerAppid></xml>");
	free(x);
	ev.info_type = "component_verify_ticket";
	assert_int_equal(kf_envelope_build_auth_event(&ev, &x, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_info_type");
	assert_null(x);
}

static void test_parse_real_ticket_push(void **state)
{
	(void)state;
	struct kf_envelope env;
	parse_ok(V3_MESSAGE, &env);
	assert_int_equal(env.n, 4);
	assert_string_equal(env.fields[0].name, "AppId");
	assert_string_equal(env.fields[0].value, V3_APPID);
	assert_true(env.fields[0].cdata);
	assert_string_equal(env.fields[1].name, "CreateTime");
	assert_string_equal(env.fields[1].value, "1524734617");
	assert_false(env.fields[1].cdata);
	assert_string_equal(kf_envelope_get(&env, "InfoType"), "component_verify_ticket");
	assert_string_equal(kf_envelope_get(&env, "ComponentVerifyTicket"), V3_TICKET);
	assert_null(kf_envelope_get(&env, "Encrypt"));
	kf_envelope_clear(&env);
	kf_envelope_clear(&env); /* idempotent */
}

static void test_parse_passive_reply_with_whitespace(void **state)
{
	(void)state;
	const char *x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<xml>\n<Encrypt><![CDATA[QUJD]]></Encrypt>\n"
			"<MsgSignature><![CDATA[abc]]></MsgSignature>\n"
			"<TimeStamp>1411525903</TimeStamp>\n"
			"<!-- a comment --><?pi data?>\n"
			"<Nonce attr=\"ignored\"><![CDATA[461056294]]></Nonce>\n</xml>\n";
	struct kf_envelope env;
	parse_ok(x, &env);
	assert_int_equal(env.n, 4);
	assert_string_equal(kf_envelope_get(&env, "Encrypt"), "QUJD");
	assert_string_equal(kf_envelope_get(&env, "TimeStamp"), "1411525903");
	assert_string_equal(kf_envelope_get(&env, "Nonce"), "461056294");
	kf_envelope_clear(&env);
}

/* ---- round trips ---- */

static void round_trip(const struct kf_envelope_field *f, size_t n)
{
	char *x = NULL;
	size_t xlen = 0;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_build(f, n, &x, &xlen, &err), KF_OK);
	assert_int_equal(xlen, strlen(x));
	struct kf_envelope env;
	parse_ok(x, &env);
	assert_int_equal(env.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(env.fields[i].name, f[i].name);
		const char *v = f[i].value ? f[i].value : "";
		assert_string_equal(env.fields[i].value, v);
		/* CDATA comes back as CDATA, unless the value was only CRs
		 * (which are written as references) */
		assert_int_equal(env.fields[i].cdata, f[i].cdata && (!*v || v[strspn(v, "\r")]));
	}
	/* a parsed envelope builds again to the same text */
	char *y = NULL;
	assert_int_equal(kf_envelope_build(env.fields, env.n, &y, NULL, &err), KF_OK);
	assert_string_equal(x, y);
	free(y);
	kf_envelope_clear(&env);
	free(x);
}

static void test_round_trip(void **state)
{
	(void)state;
	const struct kf_envelope_field f[] = {
		{"ToUserName", "gh_0123", true},
		{"FromUserName", "o_user-1", true},
		{"CreateTime", "1411525903", false},
		{"MsgType", "text", true},
		{"Content", UTF8_TEXT " <b>&amp;</b> \"quoted\" 'single' \t tab\nnewline", true},
		{"Plain", "a < b && c > d ]]> e \"q\"", false},
		{"Spaces", "  leading and trailing  ", true},
		{"Empty", "", true},
		{"EmptyPlain", "", false},
		{"Null", NULL, false},
		{"Dup", "first", false},
		{"Dup", "second", false},
		{"dotted.name-1_x", "v", false},
		{"OnlyCR", "\r", true},
	};
	round_trip(f, sizeof(f) / sizeof(f[0]));
	/* no fields at all */
	round_trip(f, 0);
	struct kf_envelope env;
	parse_ok("<xml><Dup>first</Dup><Dup>second</Dup></xml>", &env);
	assert_string_equal(kf_envelope_get(&env, "Dup"), "first");
	kf_envelope_clear(&env);
}

static void test_cdata_with_terminator(void **state)
{
	(void)state;
	const struct kf_envelope_field f[] = {{"Content", "a]]>b", true}};
	char *x = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_build(f, 1, &x, NULL, &err), KF_OK);
	assert_string_equal(x, "<xml><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>");
	free(x);
	const char *values[] = {
		"]]>", "]]>]]>", "]]]>", "]]]]>>", "x]]", "]]", "]", ">", "]]>end", "start]]>",
		"<![CDATA[inner]]>", "a]]>b]]>c]]>d",
	};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		const struct kf_envelope_field g[] = {{"Content", values[i], true}, {"After", "ok", true}};
		round_trip(g, 2);
	}
}

static void test_carriage_returns_survive(void **state)
{
	(void)state;
	const struct kf_envelope_field f[] = {
		{"Content", "line1\r\nline2\r\rend\r", true},
		{"Plain", "a\r\nb", false},
	};
	char *x = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_build(f, 2, &x, NULL, &err), KF_OK);
	assert_null(strchr(x, '\r'));
	struct kf_envelope env;
	parse_ok(x, &env);
	assert_string_equal(env.fields[0].value, f[0].value);
	assert_string_equal(env.fields[1].value, f[1].value);
	kf_envelope_clear(&env);
	free(x);
	/* a bare CR in the input is normalised to LF, as XML requires */
	parse_ok("<xml><A><![CDATA[a\r\nb]]></A></xml>", &env);
	assert_string_equal(kf_envelope_get(&env, "A"), "a\nb");
	kf_envelope_clear(&env);
}

static void test_parse_entities_and_char_refs(void **state)
{
	(void)state;
	struct kf_envelope env;
	parse_ok("<xml><A>&lt;&amp;&gt;&quot;&apos;</A><B>&#x4e2d;&#25991;</B><C>x<![CDATA[y]]>z</C></xml>", &env);
	assert_string_equal(kf_envelope_get(&env, "A"), "<&>\"'");
	assert_string_equal(kf_envelope_get(&env, "B"), "\xe4\xb8\xad\xe6\x96\x87");
	assert_string_equal(kf_envelope_get(&env, "C"), "xyz");
	assert_true(env.fields[2].cdata);
	kf_envelope_clear(&env);
	/* the declared encoding is overridden: input is always UTF-8 */
	parse_ok("<?xml version=\"1.0\" encoding=\"GBK\"?><xml><A>" UTF8_TEXT "</A></xml>", &env);
	assert_string_equal(kf_envelope_get(&env, "A"), UTF8_TEXT);
	kf_envelope_clear(&env);
}

/* ---- refusals ---- */

static void test_refuses_billion_laughs(void **state)
{
	(void)state;
	const char *x = "<?xml version=\"1.0\"?>\n"
			"<!DOCTYPE xml [\n"
			" <!ENTITY lol \"lol\">\n"
			" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
			" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
			" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
			" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
			" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
			" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
			" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
			" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
			" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
			"]>\n"
			"<xml><Content>&lol9;</Content></xml>";
	expect_parse_error_str(x, KF_EINVAL, "doctype_forbidden");
}

static void test_refuses_doctype_and_external_entities(void **state)
{
	(void)state;
	expect_parse_error_str("<!DOCTYPE xml><xml><A>1</A></xml>", KF_EINVAL, "doctype_forbidden");
	expect_parse_error_str("<!DOCTYPE xml SYSTEM \"http://127.0.0.1:1/x.dtd\"><xml><A>1</A></xml>", KF_EINVAL,
			       "doctype_forbidden");
	expect_parse_error_str("<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><A>&x;</A></xml>",
			       KF_EINVAL, "doctype_forbidden");
	expect_parse_error_str("<!DOCTYPE xml [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/p\"> %p;]><xml/>", KF_EINVAL,
			       "doctype_forbidden");
	/* without a DTD an entity reference is simply undeclared */
	expect_parse_error_str("<xml><A>&x;</A></xml>", KF_EINVAL, "malformed_xml");
	/* "<!DOCTYPE" inside CDATA is data, not a declaration */
	struct kf_envelope env;
	parse_ok("<xml><A><![CDATA[<!DOCTYPE x [<!ENTITY a \"b\">]>]]></A></xml>", &env);
	assert_string_equal(kf_envelope_get(&env, "A"), "<!DOCTYPE x [<!ENTITY a \"b\">]>");
	kf_envelope_clear(&env);
}

static void test_refuses_nested_elements(void **state)
{
	(void)state;
	expect_parse_error_str("<xml><A><B>1</B></A></xml>", KF_EINVAL, "envelope_too_deep");
	expect_parse_error_str("<xml><Articles><item><Title>t</Title></item></Articles></xml>", KF_EINVAL,
			       "envelope_too_deep");
	expect_parse_error_str("<xml><A>text<B/></A></xml>", KF_EINVAL, "envelope_too_deep");
	/* very deep nesting stops at the third level */
	size_t depth = 100000;
	char *x = malloc(depth * 7 + 1), *p = x;
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "<a>");
	*p = '\0';
	expect_parse_error_str(x, KF_EINVAL, "envelope_too_deep");
	free(x);
}

static void test_refuses_oversized_input(void **state)
{
	(void)state;
	size_t n = KF_ENVELOPE_MAX_SIZE;
	char *x = malloc(n + 2);
	const char *head = "<xml><A>", *tail = "</A></xml>";
	memcpy(x, head, strlen(head));
	memset(x + strlen(head), 'v', n - strlen(head) - strlen(tail));
	memcpy(x + n - strlen(tail), tail, strlen(tail));
	x[n] = '\0';
	/* exactly at the limit: accepted */
	struct kf_envelope env;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_parse(x, n, &env, &err), KF_OK);
	assert_int_equal(strlen(kf_envelope_get(&env, "A")), n - strlen(head) - strlen(tail));
	kf_envelope_clear(&env);
	/* one byte more: refused before parsing */
	x[n] = ' ';
	x[n + 1] = '\0';
	expect_parse_error(x, n + 1, KF_ELIMIT, "envelope_too_large");
	assert_int_equal(kf_envelope_parse(x, n + 1, &env, &err), KF_ELIMIT);
	assert_int_equal(err.status, 413);
	free(x);
}

static void test_refuses_too_many_fields(void **state)
{
	(void)state;
	char *x = malloc(16 * (KF_ENVELOPE_MAX_FIELDS + 1) + 32), *p = x;
	p += sprintf(p, "<xml>");
	for (int i = 0; i < KF_ENVELOPE_MAX_FIELDS; i++)
		p += sprintf(p, "<F>%d</F>", i);
	strcpy(p, "</xml>");
	struct kf_envelope env;
	parse_ok(x, &env);
	assert_int_equal(env.n, KF_ENVELOPE_MAX_FIELDS);
	/* build refuses as many as parse does */
	char *y = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_build(env.fields, env.n, &y, NULL, &err), KF_OK);
	free(y);
	kf_envelope_clear(&env);
	strcpy(p, "<F>x</F></xml>");
	expect_parse_error_str(x, KF_EINVAL, "too_many_fields");
	free(x);
	struct kf_envelope_field f[KF_ENVELOPE_MAX_FIELDS + 1];
	for (size_t i = 0; i <= KF_ENVELOPE_MAX_FIELDS; i++)
		f[i] = (struct kf_envelope_field){"F", "v", false};
	assert_int_equal(kf_envelope_build(f, KF_ENVELOPE_MAX_FIELDS + 1, &y, NULL, &err), KF_EINVAL);
	assert_string_equal(err.name, "too_many_fields");
	assert_null(y);
}

static void test_refuses_malformed_xml(void **state)
{
	(void)state;
	const char *bad[] = {
		"<xml>",
		"<xml><A>1</B></xml>",
		"not xml at all",
		"<xml></xml><xml></xml>",
		"<xml><A>1</A>",
		"<xml><A a=1>1</A></xml>",
		"<xml><A>\xff\xfe</A></xml>",     /* not UTF-8 */
		"<xml><A>\xc0\x80</A></xml>",     /* overlong */
		"<xml><A>&#0;</A></xml>",         /* not an XML character */
		"<xml><A>\x01</A></xml>",
		"<xml><A><![CDATA[open</A></xml>",
		" ",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_parse_error_str(bad[i], KF_EINVAL, "malformed_xml");
	expect_parse_error("", 0, KF_EINVAL, "malformed_xml");
	expect_parse_error(NULL, 0, KF_EINVAL, "malformed_xml");
	/* an embedded NUL byte */
	expect_parse_error("<xml><A>a\0b</A></xml>", 21, KF_EINVAL, "malformed_xml");
	/* error message names the problem */
	struct kf_envelope env;
	struct kf_error err = {0};
	assert_int_equal(kf_envelope_parse("<xml><A>1</B></xml>", 19, &env, &err), KF_EINVAL);
	assert_non_null(strstr(err.msg, "malformed XML"));
}

static void test_refuses_non_envelopes(void **state)
{
	(void)state;
	expect_parse_error_str("<root><A>1</A></root>", KF_EINVAL, "not_an_envelope");
	expect_parse_error_str("<xml>stray text<A>1</A></xml>", KF_EINVAL, "not_an_envelope");
	expect_parse_error_str("<xml><![CDATA[stray]]><A>1</A></xml>", KF_EINVAL, "not_an_envelope");
	/* just a flat root with only text is not an envelope either */
	expect_parse_error_str("<xml>text</xml>", KF_EINVAL, "not_an_envelope");
}

static void test_builder_refuses_bad_names_and_values(void **state)
{
	(void)state;
	const char *names[] = {"", NULL, "1abc", "a b", "a<b", "-x", ".x", "a:b", "\xe4\xb8\xad",
			       "A123456789012345678901234567890123456789012345678901234567890123456789"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct kf_envelope_field f[] = {{names[i], "v", false}};
		char *x = NULL;
		struct kf_error err = {0};
		assert_int_equal(kf_envelope_build(f, 1, &x, NULL, &err), KF_EINVAL);
		assert_string_equal(err.name, "invalid_field_name");
		assert_null(x);
	}
	const char *values[] = {
		"\x01", "a\x1f", "\xff", "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80" /* surrogate */,
		"\xef\xbf\xbe" /* U+FFFE */, "\xef\xbf\xbf", "\xf4\x90\x80\x80" /* > U+10FFFF */, "\xe4\xb8" /* cut */,
		"\xf0\x9f\x98",
	};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		for (int cd = 0; cd < 2; cd++) {
			const struct kf_envelope_field f[] = {{"A", values[i], cd}};
			char *x = NULL;
			struct kf_error err = {0};
			assert_int_equal(kf_envelope_build(f, 1, &x, NULL, &err), KF_EINVAL);
			assert_string_equal(err.name, "invalid_xml_char");
			assert_null(x);
		}
	/* the edges that are allowed */
	const struct kf_envelope_field ok[] = {
		{"A", "\t\n\x7f\xc2\x80\xef\xbf\xbd\xf4\x8f\xbf\xbf", true},
		{"_x", "\xe2\x80\xa8", false},
	};
	round_trip(ok, 2);
}

/* ---- threads ---- */

static void *worker(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < 300; i++) {
		char val[64], *x = NULL;
		snprintf(val, sizeof(val), "t%ld-%d ]]> " UTF8_TEXT, id, i);
		const struct kf_envelope_field f[] = {{"ToUserName", "gh", true}, {"Content", val, true}};
		struct kf_error err = {0};
		if (kf_envelope_build(f, 2, &x, NULL, &err) != KF_OK)
			return (void *)1;
		struct kf_envelope env;
		enum kf_err rc = kf_envelope_parse(x, strlen(x), &env, &err);
		free(x);
		if (rc != KF_OK)
			return (void *)2;
		bool same = env.n == 2 && !strcmp(env.fields[1].value, val);
		kf_envelope_clear(&env);
		if (!same)
			return (void *)3;
		if (kf_envelope_parse("<!DOCTYPE x><xml/>", 18, &env, &err) != KF_EINVAL)
			return (void *)4;
	}
	return NULL;
}

static void test_concurrent_use(void **state)
{
	(void)state;
	kf_envelope_global_init();
	kf_envelope_global_init();
	pthread_t t[8];
	for (long i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)i), 0);
	for (int i = 0; i < 8; i++) {
		void *res = (void *)1;
		assert_int_equal(pthread_join(t[i], &res), 0);
		assert_null(res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_encrypted_push_format),
		cmocka_unit_test(test_build_reply_format),
		cmocka_unit_test(test_build_ticket_format),
		cmocka_unit_test(test_build_auth_events),
		cmocka_unit_test(test_parse_real_ticket_push),
		cmocka_unit_test(test_parse_passive_reply_with_whitespace),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_cdata_with_terminator),
		cmocka_unit_test(test_carriage_returns_survive),
		cmocka_unit_test(test_parse_entities_and_char_refs),
		cmocka_unit_test(test_refuses_billion_laughs),
		cmocka_unit_test(test_refuses_doctype_and_external_entities),
		cmocka_unit_test(test_refuses_nested_elements),
		cmocka_unit_test(test_refuses_oversized_input),
		cmocka_unit_test(test_refuses_too_many_fields),
		cmocka_unit_test(test_refuses_malformed_xml),
		cmocka_unit_test(test_refuses_non_envelopes),
		cmocka_unit_test(test_builder_refuses_bad_names_and_values),
		cmocka_unit_test(test_concurrent_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/netpolicy.c: CIDR parsing and lists, address
 * classes and the SSRF rule for callbacks (issue 3, "SSRF protection").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "core/netpolicy.h"

struct addr {
	int family;
	unsigned char a[16];
};

static struct addr A(const char *s)
{
	struct addr r;
	memset(&r, 0, sizeof(r));
	if (!kf_addr_parse(s, &r.family, r.a))
		fail_msg("test address %s does not parse", s);
	return r;
}

static void assert_cidr(const char *in, const char *canonical)
{
	struct kf_cidr c;
	struct kf_error err;
	char buf[KF_CIDR_STR_SIZE];
	if (kf_cidr_parse(in, &c, &err) != KF_OK)
		fail_msg("'%s' refused: %s", in, err.msg);
	assert_true(kf_cidr_format(&c, buf, sizeof(buf)));
	assert_string_equal(buf, canonical);
}

static void assert_cidr_refused(const char *in)
{
	struct kf_cidr c;
	struct kf_error err;
	memset(&c, 0x5a, sizeof(c));
	memset(&err, 0, sizeof(err));
	if (kf_cidr_parse(in, &c, &err) != KF_EINVAL)
		fail_msg("'%s' accepted", in ? in : "(null)");
	assert_int_equal(err.code, KF_EINVAL);
	assert_string_equal(err.name, "invalid_cidr");
	assert_null(err.rule);
	assert_null(err.field);
	assert_int_equal(c.family, 0);
	assert_int_equal(c.prefix, 0);
}

static void test_cidr_parse_ipv4(void **state)
{
	(void)state;
	struct kf_cidr c;
	assert_int_equal(kf_cidr_parse("10.0.0.0/8", &c, NULL), KF_OK);
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.prefix, 8);
	assert_int_equal(c.addr[0], 10);
	assert_int_equal(kf_cidr_parse("1.2.3.4", &c, NULL), KF_OK);
	assert_int_equal(c.prefix, 32);
	assert_cidr("1.2.3.4", "1.2.3.4/32");
	assert_cidr("0.0.0.0/0", "0.0.0.0/0");
	assert_cidr("255.255.255.255/32", "255.255.255.255/32");
	assert_cidr("192.168.1.0/24", "192.168.1.0/24");
}

static void test_cidr_parse_ipv6(void **state)
{
	(void)state;
	struct kf_cidr c;
	assert_int_equal(kf_cidr_parse("::1", &c, NULL), KF_OK);
	assert_int_equal(c.family, AF_INET6);
	assert_int_equal(c.prefix, 128);
	assert_int_equal(c.addr[15], 1);
	assert_cidr("::1", "::1/128");
	assert_cidr("::/0", "::/0");
	assert_cidr("fc00::/7", "fc00::/7");
	assert_cidr("2001:DB8::/32", "2001:db8::/32");
	assert_cidr("::ffff:1.2.3.4", "::ffff:1.2.3.4/128");
	assert_cidr("2001:0db8:0000:0000:0000:0000:0000:0001/128", "2001:db8::1/128");
}

static void test_cidr_parse_masks_host_bits(void **state)
{
	(void)state;
	assert_cidr("10.1.2.3/8", "10.0.0.0/8");
	assert_cidr("192.168.1.255/23", "192.168.0.0/23");
	assert_cidr("172.31.255.255/12", "172.16.0.0/12");
	assert_cidr("1.2.3.4/0", "0.0.0.0/0");
	assert_cidr("fe80::1/10", "fe80::/10");
	assert_cidr("fdff:ffff::1/7", "fc00::/7");
	assert_cidr("2001:db8:ffff::/33", "2001:db8:8000::/33");
}

static void test_cidr_parse_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "::/129", "1.2.3.4/",
		"1.2.3.4/08", "1.2.3.4/+8", "1.2.3.4/-1", "1.2.3.4/1000", "1.2.3.4/8/8",
		" 1.2.3.4", "1.2.3.4 ", "127.1", "01.2.3.4", "0x7f.0.0.1", "2130706433",
		"[::1]", "[::1]/128", "fe80::1%eth0", "::1::2", "localhost", "host.example",
		"1.2.3.4/ 8", "/8", "1.2.3.4/8a", ":::", "1.2.3.4,5.6.7.8",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999/128",
		"0000000000000000000000000000000000000000000000000000000000000001",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_cidr_refused(bad[i]);
	assert_cidr_refused(NULL);
	struct kf_error err;
	assert_int_equal(kf_cidr_parse("1.2.3.4", NULL, &err), KF_EINVAL);
	/* The message never quotes the input (it may not be UTF-8). */
	struct kf_cidr c;
	assert_int_equal(kf_cidr_parse("\xff\xfe/8", &c, &err), KF_EINVAL);
	assert_null(strchr(err.msg, '\xff'));
}

static void test_cidr_format(void **state)
{
	(void)state;
	struct kf_cidr c;
	char small[8];
	assert_int_equal(kf_cidr_parse("203.0.113.0/24", &c, NULL), KF_OK);
	assert_false(kf_cidr_format(&c, small, sizeof(small)));
	assert_string_equal(small, "");
	assert_false(kf_cidr_format(NULL, small, sizeof(small)));
	c.family = 99;
	assert_false(kf_cidr_format(&c, small, sizeof(small)));
	c.family = AF_INET;
	c.prefix = 33;
	char buf[KF_CIDR_STR_SIZE];
	assert_false(kf_cidr_format(&c, buf, sizeof(buf)));
	/* The longest text fits KF_CIDR_STR_SIZE. */
	assert_int_equal(kf_cidr_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", &c,
				       NULL), KF_OK);
	assert_true(kf_cidr_format(&c, buf, sizeof(buf)));
}

static void test_cidr_contains(void **state)
{
	(void)state;
	struct kf_cidr c;
	struct addr x;
	assert_int_equal(kf_cidr_parse("10.0.0.0/8", &c, NULL), KF_OK);
	x = A("10.255.0.1");
	assert_true(kf_cidr_contains(&c, x.family, x.a));
	x = A("11.0.0.1");
	assert_false(kf_cidr_contains(&c, x.family, x.a));
	x = A("::ffff:10.1.1.1"); /* mapped IPv6 counts as IPv4 */
	assert_true(kf_cidr_contains(&c, x.family, x.a));
	x = A("::10.1.1.1"); /* IPv4-compatible is not mapped */
	assert_false(kf_cidr_contains(&c, x.family, x.a));
	assert_false(kf_cidr_contains(&c, AF_INET, NULL));
	assert_false(kf_cidr_contains(&c, 99, x.a));
	assert_false(kf_cidr_contains(NULL, x.family, x.a));

	assert_int_equal(kf_cidr_parse("::ffff:0:0/96", &c, NULL), KF_OK);
	x = A("8.8.8.8"); /* IPv4 matches an IPv6 block holding its mapped form */
	assert_true(kf_cidr_contains(&c, x.family, x.a));

	assert_int_equal(kf_cidr_parse("0.0.0.0/0", &c, NULL), KF_OK);
	x = A("2001:4860::1");
	assert_false(kf_cidr_contains(&c, x.family, x.a));
	x = A("192.0.2.1");
	assert_true(kf_cidr_contains(&c, x.family, x.a));

	assert_int_equal(kf_cidr_parse("2001:db8::/33", &c, NULL), KF_OK);
	x = A("2001:db8:7fff::1");
	assert_true(kf_cidr_contains(&c, x.family, x.a));
	x = A("2001:db8:8000::1");
	assert_false(kf_cidr_contains(&c, x.family, x.a));
}

static void test_cidr_list_parse(void **state)
{
	(void)state;
	struct kf_cidr_list l = { NULL, 7 };
	struct kf_error err;
	char buf[KF_CIDR_STR_SIZE];

	assert_int_equal(kf_cidr_list_parse("127.0.0.0/8,::1", &l, &err), KF_OK);
	assert_int_equal(l.n, 2);
	assert_true(kf_cidr_format(&l.v[0], buf, sizeof(buf)));
	assert_string_equal(buf, "127.0.0.0/8");
	assert_true(kf_cidr_format(&l.v[1], buf, sizeof(buf)));
	assert_string_equal(buf, "::1/128");
	kf_cidr_list_clear(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);

	assert_int_equal(kf_cidr_list_parse("  10.0.0.0/8 ,\t192.168.0.0/16 , fc00::/7\n", &l, &err),
			 KF_OK);
	assert_int_equal(l.n, 3);
	kf_cidr_list_clear(&l);

	assert_int_equal(kf_cidr_list_parse("", &l, &err), KF_OK);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	assert_int_equal(kf_cidr_list_parse("  \t ", &l, &err), KF_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(kf_cidr_list_parse(NULL, &l, &err), KF_OK);
	assert_int_equal(l.n, 0);
	kf_cidr_list_clear(&l);
	kf_cidr_list_clear(NULL);
}

static void assert_list_refused(const char *s, const char *name, const char *msg_part)
{
	struct kf_cidr_list l = { (struct kf_cidr *)&l, 99 };
	struct kf_error err;
	memset(&err, 0, sizeof(err));
	if (kf_cidr_list_parse(s, &l, &err) != KF_EINVAL)
		fail_msg("list '%s' accepted", s);
	assert_string_equal(err.name, name);
	assert_null(err.rule);
	assert_null(err.field);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	if (msg_part && !strstr(err.msg, msg_part))
		fail_msg("message '%s' lacks '%s'", err.msg, msg_part);
}

static void test_cidr_list_refuses(void **state)
{
	(void)state;
	assert_list_refused(",", "invalid_cidr", "network 0");
	assert_list_refused("10.0.0.0/8,", "invalid_cidr", "network 1");
	assert_list_refused("10.0.0.0/8,,::1", "invalid_cidr", "network 1");
	assert_list_refused("10.0.0.0/8, ::1, nope", "invalid_cidr", "network 2");
	assert_list_refused("10.0.0.0/8 ::1", "invalid_cidr", "network 0");
	assert_list_refused("10.0.0.0/33", "invalid_cidr", "prefix");
	char longitem[100];
	memset(longitem, '1', sizeof(longitem) - 1);
	longitem[sizeof(longitem) - 1] = '\0';
	assert_list_refused(longitem, "invalid_cidr", "too long");

	/* 256 entries are fine, 257 are not. */
	char big[257 * 16 + 1];
	size_t len = 0;
	for (int i = 0; i < 256; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len, "%s10.0.%d.0/24", i ? "," : "",
					i);
	struct kf_cidr_list l;
	assert_int_equal(kf_cidr_list_parse(big, &l, NULL), KF_OK);
	assert_int_equal(l.n, KF_CIDR_LIST_MAX);
	kf_cidr_list_clear(&l);
	snprintf(big + len, sizeof(big) - len, ",::1");
	assert_list_refused(big, "too_many_networks", "256");
	assert_int_equal(kf_cidr_list_parse("::1", NULL, NULL), KF_EINVAL);
}

static void test_cidr_list_contains(void **state)
{
	(void)state;
	struct kf_cidr_list l;
	struct addr x;
	assert_int_equal(kf_cidr_list_parse("127.0.0.0/8, ::1, 192.168.10.0/24", &l, NULL), KF_OK);
	x = A("127.0.0.1");
	assert_true(kf_cidr_list_contains(&l, x.family, x.a));
	x = A("127.255.255.254");
	assert_true(kf_cidr_list_contains(&l, x.family, x.a));
	x = A("::1");
	assert_true(kf_cidr_list_contains(&l, x.family, x.a));
	x = A("::2");
	assert_false(kf_cidr_list_contains(&l, x.family, x.a));
	x = A("::ffff:127.0.0.1"); /* mapped loopback is IPv4 loopback */
	assert_true(kf_cidr_list_contains(&l, x.family, x.a));
	x = A("::ffff:192.168.10.77");
	assert_true(kf_cidr_list_contains(&l, x.family, x.a));
	x = A("192.168.11.1");
	assert_false(kf_cidr_list_contains(&l, x.family, x.a));
	x = A("64:ff9b::127.0.0.1"); /* NAT64 is not the IPv4 address itself */
	assert_false(kf_cidr_list_contains(&l, x.family, x.a));
	kf_cidr_list_clear(&l);
	x = A("127.0.0.1");
	assert_false(kf_cidr_list_contains(&l, x.family, x.a));
	assert_false(kf_cidr_list_contains(NULL, x.family, x.a));
}

static void test_addr_parse(void **state)
{
	(void)state;
	int family = -1;
	unsigned char a[16];
	memset(a, 0x77, sizeof(a));
	assert_true(kf_addr_parse("192.0.2.1", &family, a));
	assert_int_equal(family, AF_INET);
	assert_int_equal(a[0], 192);
	assert_int_equal(a[3], 1);
	assert_int_equal(a[4], 0); /* rest zeroed */
	assert_true(kf_addr_parse("[::1]", &family, a));
	assert_int_equal(family, AF_INET6);
	assert_int_equal(a[15], 1);
	assert_true(kf_addr_parse("::1", &family, a));
	static const char *const bad[] = {
		"", "[]", "[", "[::1", "::1]", "[1.2.3.4]", "1.2.3.4/32", "localhost",
		"127.1", "fe80::1%eth0", "[fe80::1%25eth0]", " ::1", "example.com",
		"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		family = -1;
		if (kf_addr_parse(bad[i], &family, a))
			fail_msg("'%s' parsed", bad[i]);
		assert_int_equal(family, -1);
	}
	assert_false(kf_addr_parse(NULL, &family, a));
}

struct class_case {
	const char *addr;
	enum kf_addr_class cls;
};

static void check_classes(const struct class_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct addr x = A(cases[i].addr);
		enum kf_addr_class got = kf_addr_classify(x.family, x.a);
		if (got != cases[i].cls)
			fail_msg("%s: got %s, want %s", cases[i].addr, kf_addr_class_name(got),
				 kf_addr_class_name(cases[i].cls));
	}
}

static void test_addr_classify_ipv4(void **state)
{
	(void)state;
	static const struct class_case cases[] = {
		{ "8.8.8.8", KF_ADDR_PUBLIC },
		{ "1.1.1.1", KF_ADDR_PUBLIC },
		{ "0.0.0.0", KF_ADDR_UNSPECIFIED },
		{ "0.255.255.255", KF_ADDR_UNSPECIFIED },
		{ "127.0.0.1", KF_ADDR_LOOPBACK },
		{ "127.255.255.255", KF_ADDR_LOOPBACK },
		{ "128.0.0.1", KF_ADDR_PUBLIC },
		{ "10.0.0.1", KF_ADDR_PRIVATE },
		{ "10.255.255.255", KF_ADDR_PRIVATE },
		{ "11.0.0.1", KF_ADDR_PUBLIC },
		{ "172.15.255.255", KF_ADDR_PUBLIC },
		{ "172.16.0.0", KF_ADDR_PRIVATE },
		{ "172.31.255.255", KF_ADDR_PRIVATE },
		{ "172.32.0.0", KF_ADDR_PUBLIC },
		{ "192.168.0.1", KF_ADDR_PRIVATE },
		{ "192.169.0.1", KF_ADDR_PUBLIC },
		{ "100.63.255.255", KF_ADDR_PUBLIC },
		{ "100.64.0.1", KF_ADDR_PRIVATE },
		{ "100.127.255.255", KF_ADDR_PRIVATE },
		{ "100.128.0.0", KF_ADDR_PUBLIC },
		{ "169.254.169.254", KF_ADDR_LINK_LOCAL }, /* cloud metadata */
		{ "169.255.0.1", KF_ADDR_PUBLIC },
		{ "224.0.0.1", KF_ADDR_MULTICAST },
		{ "239.255.255.255", KF_ADDR_MULTICAST },
		{ "240.0.0.1", KF_ADDR_RESERVED },
		{ "255.255.255.255", KF_ADDR_RESERVED },
		{ "192.0.0.8", KF_ADDR_RESERVED },
		{ "192.0.1.1", KF_ADDR_PUBLIC },
		{ "192.0.2.1", KF_ADDR_RESERVED },
		{ "192.88.99.1", KF_ADDR_RESERVED },
		{ "198.17.255.255", KF_ADDR_PUBLIC },
		{ "198.18.0.1", KF_ADDR_RESERVED },
		{ "198.19.255.255", KF_ADDR_RESERVED },
		{ "198.20.0.0", KF_ADDR_PUBLIC },
		{ "198.51.100.7", KF_ADDR_RESERVED },
		{ "203.0.113.9", KF_ADDR_RESERVED },
		{ "203.0.114.1", KF_ADDR_PUBLIC },
	};
	check_classes(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_addr_classify_ipv6(void **state)
{
	(void)state;
	static const struct class_case cases[] = {
		{ "2001:4860:4860::8888", KF_ADDR_PUBLIC },
		{ "2400:cb00::1", KF_ADDR_PUBLIC },
		{ "::", KF_ADDR_UNSPECIFIED },
		{ "::1", KF_ADDR_LOOPBACK },
		{ "::2", KF_ADDR_RESERVED },
		{ "::127.0.0.1", KF_ADDR_RESERVED }, /* deprecated IPv4-compatible */
		{ "::ffff:127.0.0.1", KF_ADDR_LOOPBACK },
		{ "::ffff:10.1.2.3", KF_ADDR_PRIVATE },
		{ "::ffff:169.254.169.254", KF_ADDR_LINK_LOCAL },
		{ "::ffff:8.8.8.8", KF_ADDR_PUBLIC },
		{ "::ffff:0.0.0.0", KF_ADDR_UNSPECIFIED },
		{ "64:ff9b::8.8.8.8", KF_ADDR_PUBLIC },
		{ "64:ff9b::127.0.0.1", KF_ADDR_LOOPBACK },
		{ "64:ff9b::192.168.1.1", KF_ADDR_PRIVATE },
		{ "64:ff9b::a9fe:a9fe", KF_ADDR_LINK_LOCAL },
		{ "64:ff9b:1::1", KF_ADDR_RESERVED },
		{ "2002:7f00:1::", KF_ADDR_LOOPBACK }, /* 6to4 of 127.0.0.1 */
		{ "2002:0808:0808::1", KF_ADDR_PUBLIC },
		{ "fc00::1", KF_ADDR_PRIVATE },
		{ "fd12:3456::1", KF_ADDR_PRIVATE },
		{ "fec0::1", KF_ADDR_PRIVATE },
		{ "fe80::1", KF_ADDR_LINK_LOCAL },
		{ "febf:ffff::1", KF_ADDR_LINK_LOCAL },
		{ "ff02::1", KF_ADDR_MULTICAST },
		{ "ff0e::1", KF_ADDR_MULTICAST },
		{ "2001:db8::1", KF_ADDR_RESERVED },
		{ "2001:db8:ffff::1", KF_ADDR_RESERVED },
		{ "3fff::1", KF_ADDR_RESERVED },
		{ "2001::1", KF_ADDR_RESERVED }, /* Teredo, in 2001::/23 */
		{ "2001:200::1", KF_ADDR_PUBLIC },
		{ "100::1", KF_ADDR_RESERVED },
		{ "4000::1", KF_ADDR_RESERVED }, /* outside 2000::/3 */
		{ "1::1", KF_ADDR_RESERVED },
		{ "3ffe::1", KF_ADDR_PUBLIC },
	};
	check_classes(cases, sizeof(cases) / sizeof(cases[0]));
	unsigned char a[16] = { 0 };
	assert_int_equal(kf_addr_classify(99, a), KF_ADDR_RESERVED);
	assert_int_equal(kf_addr_classify(AF_INET, NULL), KF_ADDR_RESERVED);
}

static void test_addr_class_names(void **state)
{
	(void)state;
	assert_string_equal(kf_addr_class_name(KF_ADDR_PUBLIC), "public");
	assert_string_equal(kf_addr_class_name(KF_ADDR_LOOPBACK), "loopback");
	assert_string_equal(kf_addr_class_name(KF_ADDR_PRIVATE), "private");
	assert_string_equal(kf_addr_class_name(KF_ADDR_LINK_LOCAL), "link_local");
	assert_string_equal(kf_addr_class_name(KF_ADDR_MULTICAST), "multicast");
	assert_string_equal(kf_addr_class_name(KF_ADDR_UNSPECIFIED), "unspecified");
	assert_string_equal(kf_addr_class_name(KF_ADDR_RESERVED), "reserved");
	assert_null(kf_addr_class_name((enum kf_addr_class)42));
}

static void test_addr_allowed_ssrf(void **state)
{
	(void)state;
	struct kf_cidr_list allow;
	struct addr x;
	static const char *const refused[] = {
		"127.0.0.1", "10.0.0.5", "172.20.1.1", "192.168.1.1", "100.64.1.1",
		"169.254.169.254", "224.0.0.251", "0.0.0.0", "255.255.255.255", "192.0.2.10",
		"::1", "::", "fd00::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1",
		"::ffff:169.254.169.254", "64:ff9b::10.0.0.1", "2002:a00:1::", "2001:db8::5",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		x = A(refused[i]);
		if (kf_addr_allowed(x.family, x.a, NULL))
			fail_msg("%s allowed without an allow list", refused[i]);
	}
	x = A("93.184.216.34");
	assert_true(kf_addr_allowed(x.family, x.a, NULL));
	x = A("2606:2800:220:1:248:1893:25c8:1946");
	assert_true(kf_addr_allowed(x.family, x.a, NULL));

	/* The operator's allow list (KAIFANG_CALLBACK_ALLOW as the tests set it). */
	assert_int_equal(kf_cidr_list_parse("127.0.0.0/8,::1", &allow, NULL), KF_OK);
	x = A("127.0.0.1");
	assert_true(kf_addr_allowed(x.family, x.a, &allow));
	x = A("::ffff:127.0.0.2");
	assert_true(kf_addr_allowed(x.family, x.a, &allow));
	x = A("::1");
	assert_true(kf_addr_allowed(x.family, x.a, &allow));
	x = A("10.0.0.1");
	assert_false(kf_addr_allowed(x.family, x.a, &allow));
	x = A("169.254.169.254");
	assert_false(kf_addr_allowed(x.family, x.a, &allow));
	x = A("8.8.8.8");
	assert_true(kf_addr_allowed(x.family, x.a, &allow));
	assert_false(kf_addr_allowed(AF_INET, NULL, &allow));
	assert_false(kf_addr_allowed(12345, x.a, &allow));
	kf_cidr_list_clear(&allow);
}

static void test_http_ok_literals(void **state)
{
	(void)state;
	struct kf_cidr_list allow;
	assert_int_equal(kf_cidr_list_parse("127.0.0.0/8, ::1, 198.51.100.0/24", &allow, NULL),
			 KF_OK);
	const void *arg = &allow;
	assert_true(kf_netpolicy_http_ok("127.0.0.1", arg));
	assert_true(kf_netpolicy_http_ok("::1", arg));
	assert_true(kf_netpolicy_http_ok("[::1]", arg));
	assert_true(kf_netpolicy_http_ok("198.51.100.20", arg));
	assert_false(kf_netpolicy_http_ok("10.0.0.1", arg));
	assert_false(kf_netpolicy_http_ok("8.8.8.8", arg)); /* public, but not listed */
	assert_false(kf_netpolicy_http_ok("localhost", arg)); /* names are never resolved */
	assert_false(kf_netpolicy_http_ok("example.com", arg));
	assert_false(kf_netpolicy_http_ok(NULL, arg));
	assert_false(kf_netpolicy_http_ok("127.0.0.1", NULL));
	kf_cidr_list_clear(&allow);
}

/* X-Forwarded-For is believed only from trusted proxies, read from the
 * right, and a client cannot get past a proxy by writing the header. */
static void test_client_address_behind_proxies(void **state)
{
	(void)state;
	struct kf_cidr_list t;
	struct kf_error err;
	char out[64];
	assert_int_equal(kf_cidr_list_parse("10.0.0.0/8, ::1", &t, &err), KF_OK);
	struct {
		const char *peer, *xff, *want;
	} cases[] = {
		{"203.0.113.5", "198.51.100.7", "203.0.113.5"},        /* not a proxy: header ignored */
		{"10.0.0.2", NULL, "10.0.0.2"},                         /* a proxy without a header */
		{"10.0.0.2", "198.51.100.7", "198.51.100.7"},           /* one proxy */
		{"10.0.0.2", "198.51.100.7, 10.1.1.1", "198.51.100.7"}, /* two proxies */
		{"10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7"},  /* the client's own fake entry is left of it */
		{"10.0.0.2", "10.9.9.9,10.1.1.1", "10.9.9.9"},          /* all proxies: the leftmost */
		{"10.0.0.2", "junk, 198.51.100.7", "198.51.100.7"},
		{"10.0.0.2", "198.51.100.7, junk", "10.0.0.2"},         /* garbage from the proxy itself */
		{"10.0.0.2", "198.51.100.7:4711", "10.0.0.2"},          /* ports are not addresses */
		{"10.0.0.2", "", "10.0.0.2"},
		{"10.0.0.2", " , ", "10.0.0.2"},
		{"::1", "2001:db8::7", "2001:db8::7"},
		{"::1", "\t2001:db8::7 ", "2001:db8::7"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(kf_client_address(cases[i].peer, cases[i].xff, &t, out, sizeof(out)));
		assert_string_equal(out, cases[i].want);
	}
	/* no trusted proxies: always the peer */
	struct kf_cidr_list none = {NULL, 0};
	assert_true(kf_client_address("10.0.0.2", "198.51.100.7", &none, out, sizeof(out)));
	assert_string_equal(out, "10.0.0.2");
	/* too small an output */
	assert_false(kf_client_address("10.0.0.2", "198.51.100.7", &t, out, 5));
	kf_cidr_list_clear(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_parse_ipv4),
		cmocka_unit_test(test_cidr_parse_ipv6),
		cmocka_unit_test(test_cidr_parse_masks_host_bits),
		cmocka_unit_test(test_cidr_parse_refuses),
		cmocka_unit_test(test_cidr_format),
		cmocka_unit_test(test_cidr_contains),
		cmocka_unit_test(test_cidr_list_parse),
		cmocka_unit_test(test_cidr_list_refuses),
		cmocka_unit_test(test_cidr_list_contains),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_addr_classify_ipv4),
		cmocka_unit_test(test_addr_classify_ipv6),
		cmocka_unit_test(test_addr_class_names),
		cmocka_unit_test(test_addr_allowed_ssrf),
		cmocka_unit_test(test_http_ok_literals),
		cmocka_unit_test(test_client_address_behind_proxies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Addresses, CIDR blocks and the SSRF rule. inet_pton/inet_ntop do the text
 * conversion (pure functions, no resolver); everything else is bit
 * arithmetic on network-order bytes. Invariant: a struct kf_cidr produced
 * here has every bit beyond its prefix cleared, so two equal blocks compare
 * equal with memcmp and kf_cidr_format is canonical.
 */
#include "core/netpolicy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const unsigned char v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
static const unsigned char nat64_prefix[12] = { 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };

static int addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static void mask_bits(unsigned char *addr, int len, int prefix)
{
	for (int i = 0; i < len; i++) {
		int keep = prefix - i * 8;
		if (keep >= 8)
			continue;
		addr[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
}

/* First `prefix` bits of a and b agree. */
static bool prefix_equal(const unsigned char *a, const unsigned char *b, int prefix)
{
	int whole = prefix / 8, rest = prefix % 8;
	if (memcmp(a, b, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char m = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & m) == (b[whole] & m);
}

static enum kf_err invalid(struct kf_error *err, struct kf_cidr *out, const char *why)
{
	if (out)
		memset(out, 0, sizeof(*out));
	return kf_error_set(err, KF_EINVAL, "invalid_cidr", NULL, NULL,
			    "not an IP address or CIDR block: %s", why);
}

enum kf_err kf_cidr_parse(const char *s, struct kf_cidr *out, struct kf_error *err)
{
	char buf[KF_CIDR_TEXT_MAX + 1];
	struct kf_cidr c;

	memset(&c, 0, sizeof(c));
	if (!s || !out)
		return invalid(err, out, "missing");
	size_t len = strnlen(s, KF_CIDR_TEXT_MAX + 1);
	if (len == 0)
		return invalid(err, out, "empty");
	if (len > KF_CIDR_TEXT_MAX)
		return invalid(err, out, "too long");
	memcpy(buf, s, len + 1);

	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, c.addr) == 1)
		c.family = AF_INET;
	else if (inet_pton(AF_INET6, buf, c.addr) == 1)
		c.family = AF_INET6;
	else
		return invalid(err, out, "bad address");
	int max = addr_len(c.family) * 8;
	c.prefix = max;
	if (slash) {
		const char *p = slash + 1;
		size_t n = strlen(p);
		if (n == 0 || n > 3 || (p[0] == '0' && n > 1))
			return invalid(err, out, "bad prefix length");
		int v = 0;
		for (size_t i = 0; i < n; i++) {
			if (p[i] < '0' || p[i] > '9')
				return invalid(err, out, "bad prefix length");
			v = v * 10 + (p[i] - '0');
		}
		if (v > max)
			return invalid(err, out, "prefix length out of range");
		c.prefix = v;
	}
	mask_bits(c.addr, addr_len(c.family), c.prefix);
	*out = c;
	return KF_OK;
}

bool kf_cidr_format(const struct kf_cidr *c, char *out, size_t outlen)
{
	char a[INET6_ADDRSTRLEN];

	if (out && outlen > 0)
		out[0] = '\0';
	if (!c || !out || addr_len(c->family) == 0 || c->prefix < 0 ||
	    c->prefix > addr_len(c->family) * 8)
		return false;
	if (!inet_ntop(c->family, c->addr, a, sizeof(a)))
		return false;
	int n = snprintf(out, outlen, "%s/%d", a, c->prefix);
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		return false;
	}
	return true;
}

/* The IPv4 form of an address when it is IPv4 or IPv4-mapped IPv6. */
static const unsigned char *as_v4(int family, const unsigned char *addr)
{
	if (family == AF_INET)
		return addr;
	if (family == AF_INET6 && memcmp(addr, v4mapped_prefix, 12) == 0)
		return addr + 12;
	return NULL;
}

bool kf_cidr_contains(const struct kf_cidr *c, int family, const unsigned char *addr)
{
	if (!c || !addr || addr_len(family) == 0)
		return false;
	if (c->family == AF_INET) {
		const unsigned char *v4 = as_v4(family, addr);
		return v4 && c->prefix >= 0 && c->prefix <= 32 && prefix_equal(c->addr, v4, c->prefix);
	}
	if (c->family != AF_INET6 || c->prefix < 0 || c->prefix > 128)
		return false;
	unsigned char v6[16];
	if (family == AF_INET) {
		memcpy(v6, v4mapped_prefix, 12);
		memcpy(v6 + 12, addr, 4);
		addr = v6;
	}
	return prefix_equal(c->addr, addr, c->prefix);
}

static bool is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static void out_of_memory(void)
{
	fputs("kaifang: out of memory in kf_cidr_list_parse\n", stderr);
	abort();
}

enum kf_err kf_cidr_list_parse(const char *s, struct kf_cidr_list *out, struct kf_error *err)
{
	enum kf_err rc = KF_OK;
	struct kf_cidr_list l = { NULL, 0 };

	if (out) {
		out->v = NULL;
		out->n = 0;
	}
	if (!out)
		return kf_error_set(err, KF_EINVAL, "invalid_cidr", NULL, NULL, "no list");
	if (!s)
		return KF_OK;
	const char *p = s;
	while (is_ws(*p))
		p++;
	if (*p == '\0')
		return KF_OK;

	size_t items = 1;
	for (const char *q = s; *q; q++) {
		if (*q == ',')
			items++;
	}
	if (items > KF_CIDR_LIST_MAX)
		return kf_error_set(err, KF_EINVAL, "too_many_networks", NULL, NULL,
				    "at most %d networks may be listed", KF_CIDR_LIST_MAX);
	l.v = calloc(items, sizeof(*l.v));
	if (!l.v)
		out_of_memory();

	p = s;
	for (size_t i = 0; i < items; i++) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		const char *a = p, *b = end;
		while (a < b && is_ws(*a))
			a++;
		while (b > a && is_ws(b[-1]))
			b--;
		size_t n = (size_t)(b - a);
		char item[KF_CIDR_TEXT_MAX + 1];
		struct kf_error e;
		if (n == 0 || n > KF_CIDR_TEXT_MAX) {
			rc = kf_error_set(err, KF_EINVAL, "invalid_cidr", NULL, NULL,
					  "network %zu: %s", i, n ? "too long" : "empty item");
			goto out;
		}
		memcpy(item, a, n);
		item[n] = '\0';
		if (kf_cidr_parse(item, &l.v[i], &e) != KF_OK) {
			rc = kf_error_set(err, KF_EINVAL, "invalid_cidr", NULL, NULL, "network %zu: %s",
					  i, e.msg);
			goto out;
		}
		l.n++;
		p = *end ? end + 1 : end;
	}
	*out = l;
	l.v = NULL;
out:
	free(l.v);
	return rc;
}

void kf_cidr_list_clear(struct kf_cidr_list *l)
{
	if (!l)
		return;
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

bool kf_cidr_list_contains(const struct kf_cidr_list *l, int family, const unsigned char *addr)
{
	if (!l || !l->v)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		if (kf_cidr_contains(&l->v[i], family, addr))
			return true;
	}
	return false;
}

bool kf_addr_parse(const char *s, int *family, unsigned char out[16])
{
	char buf[INET6_ADDRSTRLEN + 2];
	unsigned char a[16] = { 0 };

	if (!s || !family || !out)
		return false;
	size_t len = strnlen(s, sizeof(buf));
	if (len == 0 || len >= sizeof(buf))
		return false;
	if (s[0] == '[') {
		if (len < 3 || s[len - 1] != ']')
			return false;
		memcpy(buf, s + 1, len - 2);
		buf[len - 2] = '\0';
		if (inet_pton(AF_INET6, buf, a) != 1)
			return false;
		*family = AF_INET6;
	} else if (inet_pton(AF_INET, s, a) == 1) {
		*family = AF_INET;
	} else if (inet_pton(AF_INET6, s, a) == 1) {
		*family = AF_INET6;
	} else {
		return false;
	}
	memcpy(out, a, 16);
	return true;
}

/* a lies in the IPv4 block b0.b1.b2.b3/prefix. */
static bool in4(const unsigned char *a, unsigned b0, unsigned b1, unsigned b2, unsigned b3,
		int prefix)
{
	const unsigned char net[4] = { (unsigned char)b0, (unsigned char)b1, (unsigned char)b2,
				       (unsigned char)b3 };
	return prefix_equal(a, net, prefix);
}

static enum kf_addr_class classify4(const unsigned char *a)
{
	if (in4(a, 0, 0, 0, 0, 8))
		return KF_ADDR_UNSPECIFIED;
	if (in4(a, 127, 0, 0, 0, 8))
		return KF_ADDR_LOOPBACK;
	if (in4(a, 10, 0, 0, 0, 8) || in4(a, 172, 16, 0, 0, 12) || in4(a, 192, 168, 0, 0, 16) ||
	    in4(a, 100, 64, 0, 0, 10))
		return KF_ADDR_PRIVATE;
	if (in4(a, 169, 254, 0, 0, 16))
		return KF_ADDR_LINK_LOCAL;
	if (in4(a, 224, 0, 0, 0, 4))
		return KF_ADDR_MULTICAST;
	if (in4(a, 240, 0, 0, 0, 4) || /* includes 255.255.255.255 */
	    in4(a, 192, 0, 0, 0, 24) || in4(a, 192, 0, 2, 0, 24) || in4(a, 192, 88, 99, 0, 24) ||
	    in4(a, 198, 18, 0, 0, 15) || in4(a, 198, 51, 100, 0, 24) || in4(a, 203, 0, 113, 0, 24))
		return KF_ADDR_RESERVED;
	return KF_ADDR_PUBLIC;
}

/* a lies in the IPv6 block given by its first bytes net[0..(prefix+7)/8). */
static bool in6(const unsigned char *a, const unsigned char *net, int prefix)
{
	return prefix_equal(a, net, prefix);
}

static enum kf_addr_class classify6(const unsigned char *a)
{
	static const unsigned char zero[16] = { 0 };
	static const unsigned char loop[16] = { [15] = 1 };
	static const unsigned char nat64_local[6] = { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 };
	static const unsigned char discard[8] = { 0x01, 0x00, 0, 0, 0, 0, 0, 0 };
	static const unsigned char ietf[3] = { 0x20, 0x01, 0x00 };
	static const unsigned char doc[4] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const unsigned char doc2[3] = { 0x3f, 0xff, 0x00 };
	static const unsigned char sixto4[2] = { 0x20, 0x02 };
	static const unsigned char ula[1] = { 0xfc };
	static const unsigned char site[2] = { 0xfe, 0xc0 };
	static const unsigned char ll[2] = { 0xfe, 0x80 };
	static const unsigned char mc[1] = { 0xff };
	static const unsigned char global[1] = { 0x20 };

	if (memcmp(a, zero, 16) == 0)
		return KF_ADDR_UNSPECIFIED;
	if (memcmp(a, loop, 16) == 0)
		return KF_ADDR_LOOPBACK;
	if (memcmp(a, v4mapped_prefix, 12) == 0 || memcmp(a, nat64_prefix, 12) == 0)
		return classify4(a + 12);
	if (in6(a, sixto4, 16))
		return classify4(a + 2);
	if (in6(a, zero, 96)) /* deprecated IPv4-compatible ::a.b.c.d */
		return KF_ADDR_RESERVED;
	if (in6(a, ula, 7) || in6(a, site, 10))
		return KF_ADDR_PRIVATE;
	if (in6(a, ll, 10))
		return KF_ADDR_LINK_LOCAL;
	if (in6(a, mc, 8))
		return KF_ADDR_MULTICAST;
	if (in6(a, nat64_local, 48) || in6(a, discard, 64) || in6(a, doc, 32) ||
	    in6(a, doc2, 20) || in6(a, ietf, 23))
		return KF_ADDR_RESERVED;
	if (!in6(a, global, 3))
		return KF_ADDR_RESERVED;
	return KF_ADDR_PUBLIC;
}

enum kf_addr_class kf_addr_classify(int family, const unsigned char *addr)
{
	if (!addr)
		return KF_ADDR_RESERVED;
	if (family == AF_INET)
		return classify4(addr);
	if (family == AF_INET6)
		return classify6(addr);
	return KF_ADDR_RESERVED;
}

const char *kf_addr_class_name(enum kf_addr_class c)
{
	switch (c) {
	case KF_ADDR_PUBLIC: return "public";
	case KF_ADDR_LOOPBACK: return "loopback";
	case KF_ADDR_PRIVATE: return "private";
	case KF_ADDR_LINK_LOCAL: return "link_local";
	case KF_ADDR_MULTICAST: return "multicast";
	case KF_ADDR_UNSPECIFIED: return "unspecified";
	case KF_ADDR_RESERVED: return "reserved";
	}
	return NULL;
}

bool kf_addr_allowed(int family, const unsigned char *addr, const struct kf_cidr_list *allow)
{
	if (!addr || addr_len(family) == 0)
		return false;
	if (kf_addr_classify(family, addr) == KF_ADDR_PUBLIC)
		return true;
	return kf_cidr_list_contains(allow, family, addr);
}

bool kf_netpolicy_http_ok(const char *host, const void *allow_list)
{
	int family;
	unsigned char a[16];

	if (!kf_addr_parse(host, &family, a))
		return false;
	return kf_cidr_list_contains(allow_list, family, a);
}

/* ---- X-Forwarded-For ---- */

static bool trusted_addr(const char *s, const struct kf_cidr_list *trusted)
{
	int fam;
	unsigned char a[16];
	return kf_addr_parse(s, &fam, a) && kf_cidr_list_contains(trusted, fam, a);
}

bool kf_client_address(const char *peer, const char *xff, const struct kf_cidr_list *trusted, char *out,
		       size_t outlen)
{
	const char *client = peer ? peer : "";
	size_t client_len = strlen(client);
	if (xff && trusted_addr(client, trusted)) {
		const char *end = xff + strlen(xff);
		while (end > xff) {
			const char *start = end;
			while (start > xff && start[-1] != ',')
				start--;
			const char *a = start, *b = end;
			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			char item[INET6_ADDRSTRLEN + 2];
			int fam;
			unsigned char addr[16];
			if ((size_t)(b - a) >= sizeof(item))
				break;
			memcpy(item, a, (size_t)(b - a));
			item[b - a] = '\0';
			if (!kf_addr_parse(item, &fam, addr))
				break; /* garbage: the last vouched-for address stands */
			client = a;
			client_len = (size_t)(b - a);
			if (!kf_cidr_list_contains(trusted, fam, addr))
				break;
			end = start > xff ? start - 1 : xff;
		}
	}
	if (client_len >= outlen)
		return false;
	memcpy(out, client, client_len);
	out[client_len] = '\0';
	return true;
}

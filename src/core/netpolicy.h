/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network policy: IP addresses, CIDR blocks and lists of them, and the SSRF
 * rule for callbacks. A callback may connect to a PUBLIC address; any other
 * class (loopback, private, link-local, multicast, unspecified, reserved)
 * only when the operator's allow list (`push.allow_networks`,
 * KAIFANG_CALLBACK_ALLOW) contains it. The same CIDR parser reads an app's
 * IP allowlist (APP-4).
 *
 * Pure functions: no sockets, no DNS. Callers resolve names themselves and
 * pass each resulting address here, before every connection.
 *
 * Addresses are raw network-order bytes: 4 for AF_INET, 16 for AF_INET6.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is always treated as the
 * IPv4 address a.b.c.d, both when classifying and when matching lists.
 */
#ifndef KF_CORE_NETPOLICY_H
#define KF_CORE_NETPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define KF_CIDR_LIST_MAX 256 /* entries in one kf_cidr_list */
#define KF_CIDR_TEXT_MAX 63  /* longest accepted text of one CIDR, in bytes */
#define KF_CIDR_STR_SIZE 64  /* enough for kf_cidr_format of any block */

/* A network block. family is AF_INET or AF_INET6; addr holds 4 or 16 bytes
 * (the rest zero) with every bit beyond prefix cleared; prefix is 0..32 or
 * 0..128. */
struct kf_cidr {
	int family;
	unsigned char addr[16];
	int prefix;
};

/* An owned array of blocks; {NULL, 0} is the empty list. */
struct kf_cidr_list {
	struct kf_cidr *v;
	size_t n;
};

enum kf_addr_class {
	KF_ADDR_PUBLIC,
	KF_ADDR_LOOPBACK,    /* 127/8, ::1 */
	KF_ADDR_PRIVATE,     /* 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10 */
	KF_ADDR_LINK_LOCAL,  /* 169.254/16, fe80::/10 */
	KF_ADDR_MULTICAST,   /* 224/4, ff00::/8 */
	KF_ADDR_UNSPECIFIED, /* 0/8, :: */
	KF_ADDR_RESERVED,    /* everything else that is not globally routable */
};

/*
 * Parse one block: "a.b.c.d", "a.b.c.d/n", an IPv6 address (RFC 4291 text,
 * including "::ffff:1.2.3.4"), or an IPv6 address with "/n". A bare address
 * is a /32 or /128. The prefix is decimal without sign or leading zeros.
 * No surrounding white space, no brackets, no zone ids ("%eth0"), no IPv4
 * shorthand ("127.1") or octets with leading zeros.
 * Host bits set beyond the prefix are accepted and cleared:
 * "10.1.2.3/8" parses as 10.0.0.0/8.
 * Returns KF_OK, or KF_EINVAL "invalid_cidr" (rule and field NULL; the
 * caller names its own) with out zeroed. The message never quotes s.
 */
KF_MUST_CHECK enum kf_err kf_cidr_parse(const char *s, struct kf_cidr *out,
					struct kf_error *err);

/* Canonical text of c ("10.0.0.0/8", "fc00::/7"; the prefix is always
 * written). Returns false (out = "" when outlen > 0) when c is invalid or
 * out is too small; KF_CIDR_STR_SIZE is always enough. */
bool kf_cidr_format(const struct kf_cidr *c, char *out, size_t outlen);

/* True when the address lies in block c. An IPv4-mapped IPv6 address also
 * matches IPv4 blocks, and an IPv4 address also matches IPv6 blocks that
 * contain its mapped form. */
bool kf_cidr_contains(const struct kf_cidr *c, int family, const unsigned char *addr);

/*
 * Parse a comma-separated list such as "127.0.0.0/8, ::1". White space
 * (space, tab, CR, LF) around items is ignored. An empty or blank string is
 * the empty list; an empty item ("a,,b", a trailing comma) is an error. At
 * most KF_CIDR_LIST_MAX items.
 * out is overwritten (a list it held before is not freed). On KF_OK the
 * caller releases it with kf_cidr_list_clear. On error out is {NULL, 0} and
 * err is KF_EINVAL "invalid_cidr" (message names the 0-based item index) or
 * KF_EINVAL "too_many_networks"; rule and field are NULL. Aborts when memory
 * runs out.
 */
KF_MUST_CHECK enum kf_err kf_cidr_list_parse(const char *s, struct kf_cidr_list *out,
					     struct kf_error *err);

/* Free the blocks and reset l to {NULL, 0}. l may be NULL. */
void kf_cidr_list_clear(struct kf_cidr_list *l);

/* True when any block of l contains the address (see kf_cidr_contains).
 * A NULL or empty list contains nothing. */
bool kf_cidr_list_contains(const struct kf_cidr_list *l, int family,
			   const unsigned char *addr);

/* Parse an IP address literal: dotted-quad IPv4, or IPv6 with or without
 * surrounding brackets ("[::1]"). Writes 4 or 16 bytes to out (the rest
 * zeroed) and the family. False (outputs untouched) for anything else,
 * including host names, prefixes and zone ids. */
bool kf_addr_parse(const char *s, int *family, unsigned char out[16]);

/*
 * The client's address behind trusted reverse proxies (X-Forwarded-For).
 * peer is the address the connection came from; xff the header's value
 * (NULL when absent); trusted the operator's proxies (trusted-proxies).
 * When peer is not trusted, or there is no header, the client is peer.
 * Otherwise the entries are read from the right (each proxy appends the
 * address it saw): the first one that is not itself a trusted proxy is
 * the client; an entry that is not an IP literal ends the walk, and the
 * client is then the last address vouched for (a client cannot smuggle
 * an address past a proxy by writing the header itself). Writes the
 * result to out (at most outlen bytes, NUL-terminated); false when it
 * does not fit.
 */
bool kf_client_address(const char *peer, const char *xff, const struct kf_cidr_list *trusted, char *out,
		       size_t outlen);

/*
 * Class of an address. IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96)
 * and 6to4 (2002::/16) addresses take the class of the IPv4 address they
 * embed. IPv4: 192.0.0/24, 192.0.2/24, 192.88.99/24, 198.18/15,
 * 198.51.100/24, 203.0.113/24 and 240/4 (with 255.255.255.255) are
 * RESERVED. IPv6: documentation (2001:db8::/32, 3fff::/20), 2001::/23,
 * 100::/64, 64:ff9b:1::/48, the deprecated IPv4-compatible ::/96, and
 * everything outside 2000::/3 and the ranges listed above are RESERVED.
 * An unknown family is RESERVED.
 */
enum kf_addr_class kf_addr_classify(int family, const unsigned char *addr);

/* Static lower-case name ("public", "loopback", "private", "link_local",
 * "multicast", "unspecified", "reserved"); NULL when out of range. */
const char *kf_addr_class_name(enum kf_addr_class c);

/* The SSRF rule: true when the address is PUBLIC, or when allow contains it
 * (allow may be NULL: nothing extra allowed). False for a NULL address or
 * an unknown family. */
bool kf_addr_allowed(int family, const unsigned char *addr, const struct kf_cidr_list *allow);

/*
 * Callback for kf_app_context.http_ok (core/app.h): plain http is allowed
 * for a URL host only when the host is an IP address literal (brackets
 * optional) that allow_list (a const struct kf_cidr_list *, may be NULL)
 * contains, whatever its class. Host names are never allowed here, since core/ does not resolve
 * them; a caller that wants "localhost" writes its own callback.
 */
bool kf_netpolicy_http_ok(const char *host, const void *allow_list);

#endif

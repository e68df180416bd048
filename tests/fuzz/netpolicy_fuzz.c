/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: CIDR blocks and lists (the operator's
 * push.allow_networks / KAIFANG_CALLBACK_ALLOW and apps' IP allowlists,
 * APP-4), IP literals and X-Forwarded-For behind trusted proxies, checking
 * the parser's invariants. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/netpolicy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parsed block formats, re-parses to itself (struct kf_cidr has no
 * padding, so memcmp compares values) and contains its network. */
static void check_block(const struct kf_cidr *c)
{
	char text[KF_CIDR_STR_SIZE];
	struct kf_cidr again;
	if (!kf_cidr_format(c, text, sizeof(text)))
		abort();
	if (kf_cidr_parse(text, &again, NULL) != KF_OK)
		abort();
	if (memcmp(c, &again, sizeof(again)) != 0)
		abort();
	if (!kf_cidr_contains(c, c->family, c->addr))
		abort();
	if (!kf_addr_class_name(kf_addr_classify(c->family, c->addr)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	struct kf_error err;
	struct kf_cidr c;
	if (kf_cidr_parse(s, &c, &err) == KF_OK)
		check_block(&c);

	struct kf_cidr_list l;
	if (kf_cidr_list_parse(s, &l, &err) == KF_OK) {
		if (l.n > KF_CIDR_LIST_MAX || (l.n > 0) != (l.v != NULL))
			abort();
		for (size_t i = 0; i < l.n; i++) {
			check_block(&l.v[i]);
			if (!kf_cidr_list_contains(&l, l.v[i].family, l.v[i].addr))
				abort();
		}
		kf_cidr_list_clear(&l);
	} else if (l.v || l.n) {
		abort();
	}

	int family;
	unsigned char a[16];
	if (kf_addr_parse(s, &family, a)) {
		enum kf_addr_class cls = kf_addr_classify(family, a);
		if (!kf_addr_class_name(cls))
			abort();
		if (cls == KF_ADDR_PUBLIC && !kf_addr_allowed(family, a, NULL))
			abort();
		if (cls != KF_ADDR_PUBLIC && kf_addr_allowed(family, a, NULL))
			abort();
		(void)kf_netpolicy_http_ok(s, NULL);
	}

	/* the client behind proxies is the peer or an IP literal of the header */
	static struct kf_cidr_list proxies;
	if (!proxies.n && kf_cidr_list_parse("10.0.0.0/8, ::1", &proxies, NULL) != KF_OK)
		abort();
	char client[64];
	if (kf_client_address("10.0.0.2", s, &proxies, client, sizeof(client))) {
		if (strcmp(client, "10.0.0.2") && (!kf_addr_parse(client, &family, a) || !strstr(s, client)))
			abort();
	}
	free(s);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Membership roles (see roles.h): one name table. */
#include "core/roles.h"

#include <string.h>

static const char *const names[KF_ROLE_COUNT] = {
	[KF_ROLE_NONE] = "",
	[KF_ROLE_OWNER] = "owner",
	[KF_ROLE_ADMIN] = "admin",
	[KF_ROLE_MEMBER] = "member",
	[KF_ROLE_REVIEWER] = "reviewer",
	[KF_ROLE_OPS] = "ops",
	[KF_ROLE_AUDITOR] = "auditor",
};

const char *kf_role_name(enum kf_role r)
{
	return (unsigned)r < KF_ROLE_COUNT ? names[r] : NULL;
}

bool kf_role_parse(const char *s, enum kf_role *out)
{
	for (int i = 0; i < KF_ROLE_COUNT; i++) {
		if (!strcmp(s ? s : "", names[i])) {
			*out = (enum kf_role)i;
			return true;
		}
	}
	return false;
}

bool kf_role_reviews(enum kf_role r)
{
	return r == KF_ROLE_REVIEWER || r == KF_ROLE_ADMIN;
}

bool kf_role_manages(enum kf_role r)
{
	return r == KF_ROLE_OWNER || r == KF_ROLE_ADMIN;
}

bool kf_role_read_only(enum kf_role r)
{
	return r == KF_ROLE_AUDITOR;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* User account status (see account.h): one name table. */
#include "core/account.h"

#include <stdint.h>
#include <string.h>

static const char *const names[KF_USER_STATUS_COUNT] = {
	[KF_USER_ACTIVE] = "active",
	[KF_USER_INVITED] = "invited",
	[KF_USER_DISABLED] = "disabled",
	[KF_USER_ANONYMISED] = "anonymised",
	[KF_USER_DELETED] = "deleted",
};

const char *kf_user_status_name(enum kf_user_status s)
{
	return (unsigned)s < KF_USER_STATUS_COUNT ? names[s] : NULL;
}

bool kf_user_status_parse(const char *s, enum kf_user_status *out)
{
	for (int i = 0; s && i < KF_USER_STATUS_COUNT; i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum kf_user_status)i;
			return true;
		}
	}
	return false;
}

bool kf_user_may_sign_in(enum kf_user_status s)
{
	return s == KF_USER_ACTIVE;
}

bool kf_account_language_valid(const char *language)
{
	return language && (!strcmp(language, "zh") || !strcmp(language, "en"));
}

enum kf_link_state kf_link_state_at(int64_t expires_at, bool used, int64_t now)
{
	/* a used link stays used after it would have expired: the person
	 * learns that it worked, not that it is old */
	if (used)
		return KF_LINK_USED;
	return now < expires_at ? KF_LINK_USABLE : KF_LINK_EXPIRED;
}

size_t kf_account_deletion_blockers(const struct kf_account_deletion_facts *f, const char **codes, size_t max)
{
	size_t n = 0;
#define UNMET(cond, code)                  \
	do {                               \
		if (cond) {                \
			if (n < max)       \
				codes[n] = code; \
			n++;               \
		}                          \
	} while (0)
	UNMET(f->status != KF_USER_ACTIVE, "not_active");
	UNMET(f->providers_owned > 0, "provider_owner");
	UNMET(f->host_accounts_owned > 0, "host_account_owner");
	UNMET(f->operator_staff, "operator_staff");
#undef UNMET
	return n;
}

int64_t kf_account_purge_at(int64_t now, int64_t retention_seconds)
{
	if (retention_seconds < 0)
		retention_seconds = 0;
	return now > INT64_MAX - retention_seconds ? INT64_MAX : now + retention_seconds;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* User account status (see account.h): one name table. */
#include "core/account.h"

#include <string.h>

static const char *const names[KF_USER_STATUS_COUNT] = {
	[KF_USER_ACTIVE] = "active",
	[KF_USER_INVITED] = "invited",
	[KF_USER_DISABLED] = "disabled",
	[KF_USER_ANONYMISED] = "anonymised",
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

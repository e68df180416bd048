/* SPDX-License-Identifier: Apache-2.0 */
/* Lease rules for scheduled work across processes (see lease.h). */
#include "core/lease.h"

#include <string.h>

int64_t kf_lease_ttl(int64_t interval)
{
	if (interval < 0 || interval > INT64_MAX / 3)
		return KF_LEASE_MIN_SECONDS;
	int64_t t = 3 * interval;
	return t < KF_LEASE_MIN_SECONDS ? KF_LEASE_MIN_SECONDS : t;
}

static bool mine(const struct kf_lease *cur, const char *me)
{
	return me && *me && !strcmp(cur->holder, me);
}

bool kf_lease_may_take(const struct kf_lease *cur, const char *me, int64_t now)
{
	return cur->until <= now || mine(cur, me);
}

bool kf_lease_held(const struct kf_lease *cur, const char *me, int64_t now)
{
	return mine(cur, me) && now < cur->until;
}

enum kf_lease_action kf_lease_action(const struct kf_lease *cur, const char *me, int64_t now, int64_t ttl)
{
	if (kf_lease_held(cur, me, now) && cur->until - now > ttl / 2)
		return KF_LEASE_KEEP;
	return kf_lease_may_take(cur, me, now) ? KF_LEASE_TRY : KF_LEASE_WAIT;
}

bool kf_lease_holder_valid(const char *holder)
{
	if (!holder || strlen(holder) != KF_LEASE_HOLDER_LEN)
		return false;
	for (const char *p = holder; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

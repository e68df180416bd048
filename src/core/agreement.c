/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ONB-12 agreement rules. Versions are compared by number, never by date:
 * "current" is the highest version in effect, so a later version that
 * happens to take effect earlier supersedes an earlier one at that moment.
 */
#include "core/agreement.h"

#include <string.h>

#define SECONDS_PER_DAY 86400

bool kf_agreement_key_valid(const char *key)
{
	if (!key)
		return false;
	size_t len = strnlen(key, KF_AGREEMENT_KEY_MAX + 1);
	if (len == 0 || len > KF_AGREEMENT_KEY_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

enum kf_err kf_agreement_check_publish(const struct kf_agreement *a, int latest, int64_t now,
				       struct kf_error *err)
{
	if (!a || !kf_agreement_key_valid(a->key))
		return kf_error_set(err, KF_EINVAL, "invalid_agreement_key", "ONB-12", "key",
				    "agreement key must be 1 to %d characters of a-z, 0-9, '_' "
				    "and '-'", KF_AGREEMENT_KEY_MAX);
	if (latest < 0 || (int64_t)a->version != (int64_t)latest + 1)
		return kf_error_set(err, KF_ECONFLICT, "version_not_next", "ONB-12", "version",
				    "version of '%s' must be %lld, not %d", a->key,
				    (long long)latest + 1, a->version);
	if (a->notice_days < 0 || a->notice_days > KF_AGREEMENT_NOTICE_DAYS_MAX)
		return kf_error_set(err, KF_EINVAL, "invalid_notice_days", "ONB-12",
				    "notice_days", "notice period must be 0 to %d days",
				    KF_AGREEMENT_NOTICE_DAYS_MAX);
	if (latest == 0)
		return KF_OK; /* first version: no earlier terms to give notice on */
	/* Saturate rather than overflow for absurd `now` values. */
	int64_t notice = (int64_t)a->notice_days * SECONDS_PER_DAY - KF_AGREEMENT_NOTICE_SLACK;
	int64_t earliest;
	if (notice > 0 && now > INT64_MAX - notice)
		earliest = INT64_MAX;
	else if (notice < 0 && now < INT64_MIN - notice)
		earliest = INT64_MIN;
	else
		earliest = now + notice;
	if (a->effective_at < earliest)
		return kf_error_set(err, KF_EINVAL, "notice_too_short", "ONB-12", "effective_at",
				    "version %d of '%s' declares %d day(s) of notice, so it "
				    "cannot take effect before %lld", a->version, a->key,
				    a->notice_days, (long long)earliest);
	return KF_OK;
}

static bool same_key(const struct kf_agreement *a, const char *key)
{
	return a->key && key && strcmp(a->key, key) == 0;
}

const struct kf_agreement *kf_agreement_current(const struct kf_agreement *versions, size_t n,
						const char *key, int64_t now)
{
	const struct kf_agreement *best = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct kf_agreement *a = &versions[i];
		if (!same_key(a, key) || a->effective_at > now)
			continue;
		if (!best || a->version > best->version)
			best = a;
	}
	return best;
}

static bool consented(const struct kf_agreement *cur, const struct kf_consent *consents,
		      size_t nc)
{
	for (size_t i = 0; i < nc; i++) {
		if (consents[i].key && strcmp(consents[i].key, cur->key) == 0 &&
		    consents[i].version >= cur->version)
			return true;
	}
	return false;
}

size_t kf_agreement_pending(const struct kf_agreement *all, size_t n,
			    const struct kf_consent *consents, size_t nc, int64_t now,
			    const struct kf_agreement **out, size_t max)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		if (!all[i].key)
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = same_key(&all[j], all[i].key);
		if (seen)
			continue;
		const struct kf_agreement *cur = kf_agreement_current(all, n, all[i].key, now);
		if (!cur || !cur->required || consented(cur, consents, nc))
			continue;
		if (count < max)
			out[count] = cur;
		count++;
	}
	return count;
}

enum kf_err kf_agreement_check_consent(const struct kf_agreement *all, size_t n, const char *key,
				       int version, int64_t now, struct kf_error *err)
{
	const struct kf_agreement *target = NULL;
	for (size_t i = 0; i < n && !target; i++) {
		if (same_key(&all[i], key) && all[i].version == version)
			target = &all[i];
	}
	if (!target)
		return kf_error_set(err, KF_ENOTFOUND, "agreement_not_found", "ONB-12", "version",
				    "there is no version %d of agreement '%s'", version,
				    key ? key : "");
	const struct kf_agreement *cur = kf_agreement_current(all, n, key, now);
	if (cur && version < cur->version)
		return kf_error_set(err, KF_ECONFLICT, "version_superseded", "ONB-12", "version",
				    "version %d of '%s' has been superseded by version %d",
				    version, key, cur->version);
	return KF_OK;
}

struct kf_agreement_policy kf_agreement_policy_default(void)
{
	return (struct kf_agreement_policy){.rules_days = 15, .fees_days = 7, .service_end_days = 60};
}

enum kf_err kf_agreement_check_notice(const char *kind, int notice_days, int latest_existing_version,
				      const struct kf_agreement_policy *policy, struct kf_error *err)
{
	struct kf_agreement_policy def = kf_agreement_policy_default();
	if (!policy)
		policy = &def;
	int min;
	if (kind && !strcmp(kind, "rules"))
		min = policy->rules_days;
	else if (kind && !strcmp(kind, "fees"))
		min = policy->fees_days;
	else if (kind && !strcmp(kind, "service_end"))
		min = policy->service_end_days;
	else
		return kf_error_set(err, KF_EINVAL, "invalid_change_kind", "ONB-12", "change_kind",
				    "change_kind is rules, fees or service_end");
	if (latest_existing_version > 0 && notice_days < min)
		return kf_error_set(err, KF_EINVAL, "notice_too_short", "ONB-12", "notice_days",
				    "a %s change needs at least %d days of notice", kind, min);
	return KF_OK;
}

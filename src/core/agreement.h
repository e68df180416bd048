/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Agreement versions and consent (ONB-12). An agreement key ("terms",
 * "privacy", "developer-fees") has numbered versions; each version records
 * when it takes effect and the notice period it was published with. The
 * current version of a key is the highest-numbered one already in effect;
 * using the platform requires consent to the current version of every
 * required key. Pure functions over caller-owned arrays; nothing is copied.
 */
#ifndef KF_CORE_AGREEMENT_H
#define KF_CORE_AGREEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KF_AGREEMENT_KEY_MAX 64
#define KF_AGREEMENT_NOTICE_DAYS_MAX 365
#define KF_AGREEMENT_NOTICE_SLACK 60 /* seconds of clock skew tolerated */

struct kf_agreement {
	const char *key;      /* [a-z0-9_-]{1,64} */
	int version;          /* 1, 2, ... per key */
	int64_t effective_at; /* unix seconds UTC */
	int notice_days;      /* notice given before effective_at */
	bool required;        /* consent needed to use the platform */
};

struct kf_consent {
	const char *key;
	int version;
};

/* True when key matches [a-z0-9_-]{1,64}. */
bool kf_agreement_key_valid(const char *key);

/*
 * May new_version be published at `now`, given the latest existing version
 * number of its key (0 when the key is new)? All errors carry rule ONB-12:
 *   KF_EINVAL "invalid_agreement_key" (field key);
 *   KF_ECONFLICT "version_not_next" (field version) unless version is
 *     latest_existing_version + 1;
 *   KF_EINVAL "invalid_notice_days" (field notice_days) outside 0..365;
 *   KF_EINVAL "notice_too_short" (field effective_at) when effective_at <
 *     now + notice_days * 86400 - KF_AGREEMENT_NOTICE_SLACK; the first
 *     version of a key is exempt (nobody has consented to anything yet).
 * Which notice period a change needs (15/7/60 days by policy) depends on the
 * kind of change and is the caller's decision; this checks the recorded one.
 */
KF_MUST_CHECK enum kf_err kf_agreement_check_publish(const struct kf_agreement *new_version,
						     int latest_existing_version, int64_t now,
						     struct kf_error *err);

/* Highest version of key with effective_at <= now, borrowed from versions;
 * NULL when none is in effect. */
const struct kf_agreement *kf_agreement_current(const struct kf_agreement *versions, size_t n,
						const char *key, int64_t now);

/*
 * Agreements the user still has to consent to at `now`: for every key in
 * `all` (in order of first appearance) whose current version is required,
 * that version unless consents holds a consent to it or to a later version
 * of the key (consenting early to an upcoming version counts; a consent to
 * an older version does not). Writes at most max borrowed pointers into out
 * (out may be NULL when max is 0) and returns the total number pending,
 * which may exceed max. O(n * (n + nc)); agreement lists are short.
 */
size_t kf_agreement_pending(const struct kf_agreement *all, size_t n,
			    const struct kf_consent *consents, size_t nc, int64_t now,
			    const struct kf_agreement **out, size_t max);

/*
 * May the user consent to (key, version) at `now`? Only the current version
 * or a published version not yet in effect (a higher version number) may be
 * consented to. Errors, rule ONB-12: KF_ENOTFOUND "agreement_not_found"
 * (field version) when no such version exists; KF_ECONFLICT
 * "version_superseded" (field version) for a version older than the current
 * one.
 */
KF_MUST_CHECK enum kf_err kf_agreement_check_consent(const struct kf_agreement *all, size_t n,
						     const char *key, int version, int64_t now,
						     struct kf_error *err);

/*
 * ONB-12 minimum notice by kind of change (policy: 15 days for rule
 * changes, 7 for fee changes, 60 for ending a service). kind is "rules",
 * "fees" or "service_end"; a first version (latest_existing_version 0)
 * needs no notice. Errors, rule ONB-12: KF_EINVAL "invalid_change_kind"
 * (field change_kind); KF_EINVAL "notice_too_short" (field notice_days)
 * when notice_days is below the minimum for the kind.
 */
struct kf_agreement_policy {
	int rules_days, fees_days, service_end_days;
};
struct kf_agreement_policy kf_agreement_policy_default(void);
KF_MUST_CHECK enum kf_err kf_agreement_check_notice(const char *kind, int notice_days, int latest_existing_version,
						    const struct kf_agreement_policy *policy, struct kf_error *err);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Governance rules (see governance.h). */
#include "core/governance.h"
#include "core/calendar.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[KF_GOV_KIND_COUNT] = {
	[KF_GOV_WARNING] = "warning",
	[KF_GOV_NOT_RECOMMENDED] = "not_recommended",
	[KF_GOV_DELISTED] = "delisted",
	[KF_GOV_RANKING_ADJUSTMENT] = "ranking_adjustment",
	[KF_GOV_DOWN_WEIGHT] = "down_weight",
	[KF_GOV_SEARCH_BAN] = "search_ban",
	[KF_GOV_REFUSE_ACCESS] = "refuse_access",
	[KF_GOV_CLOSE_NEW_AUTH] = "close_new_authorizations",
	[KF_GOV_BLOCK_USERS] = "block_existing_users",
	[KF_GOV_BAN_NEW_APPS] = "ban_new_apps",
};

const char *kf_gov_kind_name(enum kf_gov_kind k)
{
	return (unsigned)k < KF_GOV_KIND_COUNT ? kind_names[k] : NULL;
}

bool kf_gov_kind_parse(const char *s, enum kf_gov_kind *out)
{
	for (int i = 0; s && i < KF_GOV_KIND_COUNT; i++)
		if (!strcmp(s, kind_names[i])) {
			*out = (enum kf_gov_kind)i;
			return true;
		}
	return false;
}

enum kf_err kf_gov_level_check(int64_t level, struct kf_error *err)
{
	if (level < 1 || level > 3)
		return kf_error_set(err, KF_EINVAL, "invalid_level", "GOV-3", "level",
				    "the level of a violation is 1, 2 or 3");
	return KF_OK;
}

int kf_gov_escalate(int requested, int64_t prior_at_level, bool *escalated)
{
	*escalated = prior_at_level > 0 && requested > 1;
	return *escalated ? requested - 1 : requested;
}

struct kf_gov_spec kf_gov_level_measure(int level, int64_t now)
{
	struct kf_gov_spec s = {.starts_at = now};
	if (level <= 1) {
		s.kind = KF_GOV_DELISTED;
		return s;
	}
	s.kind = KF_GOV_NOT_RECOMMENDED;
	s.needs_rectification = true;
	s.min_until = now + (int64_t)(level == 2 ? KF_GOV_L2_MIN_DAYS : KF_GOV_L3_MIN_DAYS) * KF_GOV_DAY;
	return s;
}

size_t kf_gov_plugin_measures(int64_t step, bool severe, int64_t now, struct kf_gov_spec out[3])
{
	size_t n = 0;
	int64_t start = severe ? now : now + (int64_t)KF_GOV_PLUGIN_LEAD_DAYS * KF_GOV_DAY;
	if (!severe)
		out[n++] = (struct kf_gov_spec){.kind = KF_GOV_WARNING, .starts_at = now, .ends_at = start};
	bool permanent = step >= 3;
	int64_t days = step <= 1 ? KF_GOV_PLUGIN_STEP1_DAYS : KF_GOV_PLUGIN_STEP2_DAYS;
	out[n++] = (struct kf_gov_spec){.kind = KF_GOV_DELISTED,
					.starts_at = start,
					.ends_at = permanent ? 0 : start + days * KF_GOV_DAY,
					.permanent = permanent};
	/* GOV-5: none of the provider's apps is found by search meanwhile;
	 * for a permanent delisting the ban lasts as long as a repeat's */
	out[n++] = (struct kf_gov_spec){.kind = KF_GOV_SEARCH_BAN,
					.provider_wide = true,
					.starts_at = start,
					.ends_at = start + days * KF_GOV_DAY};
	return n;
}

enum kf_err kf_gov_measure_check(const struct kf_gov_request *q, int64_t now, struct kf_gov_spec *out,
				 struct kf_error *err)
{
	enum kf_gov_kind k;
	if (!kf_gov_kind_parse(q->kind, &k) || k == KF_GOV_WARNING || k == KF_GOV_NOT_RECOMMENDED ||
	    k == KF_GOV_DELISTED)
		return kf_error_set(err, KF_EINVAL, "invalid_kind", "GOV-7", "kind",
				    "kind is one of ranking_adjustment, down_weight, search_ban, refuse_access, "
				    "close_new_authorizations, block_existing_users, ban_new_apps");
	if (!q->has_app && !q->has_provider)
		return kf_error_set(err, KF_EINVAL, "target_required", "GOV-7", k == KF_GOV_BAN_NEW_APPS ? "provider_id" : "app_id",
				    "name the app (app_id) or, for ban_new_apps and search_ban, the provider (provider_id)");
	if (q->has_app && q->has_provider)
		return kf_error_set(err, KF_EINVAL, "invalid_target", "GOV-7", "provider_id",
				    "a measure is on one app or on one provider, not both");
	if (k == KF_GOV_BAN_NEW_APPS && q->has_app)
		return kf_error_set(err, KF_EINVAL, "invalid_target", "GOV-7", "app_id",
				    "ban_new_apps is a measure on a provider: give provider_id");
	if (k != KF_GOV_BAN_NEW_APPS && k != KF_GOV_SEARCH_BAN && q->has_provider)
		return kf_error_set(err, KF_EINVAL, "invalid_target", "GOV-7", "provider_id",
				    "this measure is on an app: give app_id");
	bool weighted = k == KF_GOV_RANKING_ADJUSTMENT || k == KF_GOV_DOWN_WEIGHT;
	if (weighted != q->has_weight ||
	    (k == KF_GOV_RANKING_ADJUSTMENT && (q->weight == 0 || q->weight < -KF_GOV_WEIGHT_MAX || q->weight > KF_GOV_WEIGHT_MAX)) ||
	    (k == KF_GOV_DOWN_WEIGHT && (q->weight < 1 || q->weight > KF_GOV_WEIGHT_MAX)))
		return kf_error_set(err, KF_EINVAL, "invalid_weight", "GOV-7", "weight",
				    weighted ? "weight is required: ranking_adjustment -1000..1000 (not 0), down_weight 1..1000"
					     : "only ranking_adjustment and down_weight take a weight");
	int64_t start = q->starts_at ? q->starts_at : now;
	if (start < now)
		return kf_error_set(err, KF_EINVAL, "invalid_start", "GOV-7", "starts_at",
				    "a measure cannot start in the past");
	if (q->ends_at && q->ends_at <= start)
		return kf_error_set(err, KF_EINVAL, "invalid_end", "GOV-7", "ends_at",
				    "a measure ends after it starts");
	*out = (struct kf_gov_spec){.kind = k,
				    .provider_wide = q->has_provider,
				    .starts_at = start,
				    .ends_at = q->ends_at,
				    .weight = weighted ? q->weight : 0};
	return KF_OK;
}

bool kf_gov_in_force(int64_t started_at, int64_t ends_at, int64_t ended_at, int64_t now)
{
	return started_at <= now && !ended_at && (!ends_at || ends_at > now);
}

static const char *const end_names[] = {"expired", "lifted", "rectified", "objection"};

const char *kf_gov_end_name(enum kf_gov_end e)
{
	return (unsigned)e < sizeof(end_names) / sizeof(end_names[0]) ? end_names[e] : NULL;
}

void kf_gov_date(int64_t t, char buf[11])
{
	int64_t day = t / KF_GOV_DAY - (t % KF_GOV_DAY < 0); /* floor, without overflow */
	int y = 0, m = 1, d = 1;
	if (day >= INT32_MIN && day <= INT32_MAX)
		kf_calendar_civil_from_days((int32_t)day, &y, &m, &d);
	else
		y = day < 0 ? -1 : 10000;
	if (y < 0 || y > 9999) { /* the four digits' ends */
		y = y < 0 ? 0 : 9999;
		m = y ? 12 : 1;
		d = y ? 31 : 1;
	}
	snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

enum kf_err kf_gov_end_check(const char *reason, bool ended, bool needs_rectification, int64_t min_until, int64_t now,
			     enum kf_gov_end *out, struct kf_error *err)
{
	enum kf_gov_end e;
	if (reason && !strcmp(reason, "lifted"))
		e = KF_GOV_END_LIFTED;
	else if (reason && !strcmp(reason, "rectified"))
		e = KF_GOV_END_RECTIFIED;
	else if (reason && !strcmp(reason, "objection"))
		e = KF_GOV_END_OBJECTION;
	else
		return kf_error_set(err, KF_EINVAL, "invalid_reason", "GOV-6", "reason",
				    "reason is lifted, rectified or objection");
	if (ended)
		return kf_error_set(err, KF_ECONFLICT, "measure_ended", "GOV-6", NULL, "the measure has already ended");
	if (e == KF_GOV_END_RECTIFIED && !needs_rectification)
		return kf_error_set(err, KF_ECONFLICT, "not_rectifiable", "GOV-3", "reason",
				    "this measure does not wait for rectification: lift it instead");
	if (e == KF_GOV_END_RECTIFIED && now < min_until) {
		char d[11];
		kf_gov_date(min_until, d);
		return kf_error_set(err, KF_ECONFLICT, "rectification_too_early", "GOV-3", "reason",
				    "rectification can be confirmed from %s (UTC) on, after the minimum period", d);
	}
	*out = e;
	return KF_OK;
}

void kf_gov_effects(const struct kf_gov_force *m, size_t n, struct kf_gov_effects *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		switch (m[i].kind) {
		case KF_GOV_DELISTED:
			/* the latest end of the delistings in force; none = open */
			if (!out->delisted || (out->delisted_until && (!m[i].ends_at || m[i].ends_at > out->delisted_until)))
				out->delisted_until = m[i].ends_at;
			out->delisted = true;
			out->permanent = out->permanent || m[i].permanent;
			break;
		case KF_GOV_NOT_RECOMMENDED: out->not_recommended = true; break;
		case KF_GOV_SEARCH_BAN: out->search_banned = true; break;
		case KF_GOV_RANKING_ADJUSTMENT:
		case KF_GOV_DOWN_WEIGHT: out->rank_penalty += m[i].weight; break;
		case KF_GOV_CLOSE_NEW_AUTH: out->new_auth_closed = true; break;
		case KF_GOV_BLOCK_USERS: out->users_blocked = true; break;
		case KF_GOV_REFUSE_ACCESS: out->access_refused = true; break;
		case KF_GOV_BAN_NEW_APPS: out->new_apps_banned = true; break;
		case KF_GOV_WARNING:
		case KF_GOV_KIND_COUNT: break;
		}
	}
}

enum kf_app_state kf_gov_next_state(enum kf_app_state cur, bool delisted, bool was_withdrawn)
{
	if (delisted && (cur == KF_APP_RELEASED || cur == KF_APP_WITHDRAWN))
		return KF_APP_DELISTED;
	if (!delisted && cur == KF_APP_DELISTED)
		return was_withdrawn ? KF_APP_WITHDRAWN : KF_APP_RELEASED;
	return cur;
}

enum kf_err kf_gov_withdraw(enum kf_app_state cur, enum kf_app_state *next, struct kf_error *err)
{
	if (cur == KF_APP_WITHDRAWN)
		return kf_error_set(err, KF_ECONFLICT, "already_withdrawn", "GOV-2", NULL, "the app is already withdrawn");
	if (cur != KF_APP_RELEASED)
		return kf_error_set(err, KF_ECONFLICT, "invalid_state", "GOV-2", NULL,
				    "only a released app can be withdrawn from the marketplace");
	*next = KF_APP_WITHDRAWN;
	return KF_OK;
}

enum kf_err kf_gov_relist(enum kf_app_state cur, enum kf_app_state *next, struct kf_error *err)
{
	if (cur != KF_APP_WITHDRAWN)
		return kf_error_set(err, KF_ECONFLICT, "not_withdrawn", "GOV-2", NULL,
				    "the app is not withdrawn");
	*next = KF_APP_RELEASED;
	return KF_OK;
}

enum kf_err kf_gov_check_new_app(bool banned, struct kf_error *err)
{
	return banned ? kf_error_set(err, KF_EFORBIDDEN, "new_apps_banned", "GOV-7", NULL,
				     "the platform banned this provider from creating new apps")
		      : KF_OK;
}

enum kf_err kf_gov_check_component_token(bool access_refused, struct kf_error *err)
{
	return access_refused ? kf_error_set(err, KF_EFORBIDDEN, "access_refused", "GOV-7", NULL,
					     "the platform refuses this app access to its APIs (GOV-7)")
			      : KF_OK;
}

enum kf_err kf_gov_check_authorizer_token(bool users_blocked, struct kf_error *err)
{
	return users_blocked ? kf_error_set(err, KF_EFORBIDDEN, "users_blocked", "GOV-7", NULL,
					    "the platform blocked this app's existing users (GOV-7)")
			     : KF_OK;
}

enum kf_err kf_gov_check_new_authorization(bool closed, bool has_live_authorization, struct kf_error *err)
{
	return closed && !has_live_authorization
		       ? kf_error_set(err, KF_EFORBIDDEN, "new_authorizations_closed", "GOV-7", NULL,
				      "the app takes no new authorizations for now; existing ones keep working")
		       : KF_OK;
}

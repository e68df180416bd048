/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Review queue and listing application rules (REV-1, REV-2, REV-3). Pure:
 * no clock, no storage; every refusal names the rule it enforces.
 */
#include "core/review.h"

#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const review_kind_names[] = {
	[KF_REVIEW_QUALIFICATION] = "qualification",
	[KF_REVIEW_AUTHENTICITY] = "authenticity",
	[KF_REVIEW_CREATION] = "creation",
	[KF_REVIEW_RELEASE] = "release",
	[KF_REVIEW_CHANGE] = "change",
	[KF_REVIEW_SEARCH_LISTING] = "search_listing",
	[KF_REVIEW_DISPLAY_LISTING] = "display_listing",
};
_Static_assert(ARRAY_LEN(review_kind_names) == KF_REVIEW_KIND_COUNT, "one name per review kind");

static const char *const review_state_names[] = {
	[KF_REVIEW_PENDING] = "pending",
	[KF_REVIEW_APPROVED] = "approved",
	[KF_REVIEW_REJECTED] = "rejected",
	[KF_REVIEW_WITHDRAWN] = "withdrawn",
};
_Static_assert(ARRAY_LEN(review_state_names) == KF_REVIEW_STATE_COUNT, "one name per review state");

static bool name_parse(const char *const *names, size_t n, const char *s, int *out)
{
	for (size_t i = 0; s && i < n; i++) {
		if (!strcmp(s, names[i])) {
			*out = (int)i;
			return true;
		}
	}
	return false;
}

const char *kf_review_kind_name(enum kf_review_kind k)
{
	return (unsigned)k < KF_REVIEW_KIND_COUNT ? review_kind_names[k] : NULL;
}

bool kf_review_kind_parse(const char *s, enum kf_review_kind *out)
{
	int i;
	if (!name_parse(review_kind_names, KF_REVIEW_KIND_COUNT, s, &i))
		return false;
	*out = (enum kf_review_kind)i;
	return true;
}

const char *kf_review_state_name(enum kf_review_state s)
{
	return (unsigned)s < KF_REVIEW_STATE_COUNT ? review_state_names[s] : NULL;
}

bool kf_review_state_parse(const char *s, enum kf_review_state *out)
{
	int i;
	if (!name_parse(review_state_names, KF_REVIEW_STATE_COUNT, s, &i))
		return false;
	*out = (enum kf_review_state)i;
	return true;
}

enum kf_err kf_review_check_decision(bool approve, size_t n_reasons, struct kf_error *err)
{
	if (!approve && n_reasons == 0)
		return kf_error_set(err, KF_EINVAL, "reasons_required", "REV-5", "reasons",
				    "a rejection lists at least one reason naming a rule and a field");
	return KF_OK;
}

enum kf_err kf_review_decide(enum kf_review_state state, enum kf_review_kind kind, bool approve,
			     size_t n_reasons, bool evidence_given, enum kf_review_state *next,
			     struct kf_error *err)
{
	enum kf_err rc = kf_review_check_decision(approve, n_reasons, err);
	if (rc != KF_OK)
		return rc;
	if (state != KF_REVIEW_PENDING)
		return kf_error_set(err, KF_ECONFLICT, "already_decided", "REV-5", "decision",
				    "this review was already %s",
				    kf_review_state_name(state) ? kf_review_state_name(state) : "closed");
	/* REV-3: only a display listing decision records an evidence finding */
	if (evidence_given && kind != KF_REVIEW_DISPLAY_LISTING)
		return kf_error_set(err, KF_EINVAL, "invalid_field", "REV-3", "evidence_holds",
				    "evidence_holds is recorded for display listing reviews only");
	if (!kf_review_kind_name(kind))
		return kf_error_set(err, KF_EINVAL, "invalid_kind", NULL, NULL, "unknown review kind");
	*next = approve ? KF_REVIEW_APPROVED : KF_REVIEW_REJECTED;
	return KF_OK;
}

bool kf_review_overdue(bool pending, int64_t due_at, int64_t now)
{
	return pending && due_at < now;
}

int kf_review_working_days_left(const struct kf_calendar *cal, int64_t due_at, int64_t now)
{
	bool late = due_at < now;
	int32_t lo = kf_calendar_local_day(cal, late ? due_at : now);
	int32_t hi = kf_calendar_local_day(cal, late ? now : due_at);
	if (hi - lo > KF_CALENDAR_MAX_WORKDAYS)
		lo = hi - KF_CALENDAR_MAX_WORKDAYS;
	int n = 0;
	for (int32_t d = lo + 1; d <= hi; d++)
		n += kf_calendar_is_workday(cal, d);
	if (!late)
		return n;
	return n ? -n : -1;
}

enum kf_staff_notice kf_review_deadline_notice(const struct kf_calendar *cal, int64_t due_at, int64_t now)
{
	if (kf_review_overdue(true, due_at, now))
		return KF_STAFF_NOTICE_OVERDUE;
	return kf_review_working_days_left(cal, due_at, now) <= 1 ? KF_STAFF_NOTICE_DUE_SOON : KF_STAFF_NOTICE_NONE;
}

enum kf_err kf_review_check_assign(enum kf_role caller_role, int64_t caller_id, bool pending, int64_t current,
				   int64_t assignee_id, enum kf_role assignee_role, struct kf_error *err)
{
	if (!kf_role_reviews(caller_role))
		return kf_error_set(err, KF_EFORBIDDEN, "reviewer_required", NULL, NULL,
				    "only reviewers and admins take or assign reviews");
	/* REV-1: the queue assigns open work; a decided review stays as it was. */
	if (!pending)
		return kf_error_set(err, KF_ECONFLICT, "already_decided", "REV-1", NULL,
				    "this review is no longer pending");
	bool admin = caller_role == KF_ROLE_ADMIN;
	if (assignee_id && !kf_role_reviews(assignee_role))
		return kf_error_set(err, KF_EINVAL, "invalid_assignee", "REV-1", "assignee_id",
				    "the assignee must be operator staff with the role reviewer or admin");
	if (admin)
		return KF_OK;
	if (assignee_id && assignee_id != caller_id)
		return kf_error_set(err, KF_EFORBIDDEN, "assign_self_only", "REV-1", "assignee_id",
				    "reviewers assign reviews to themselves; an admin assigns others");
	if (current && current != caller_id)
		return kf_error_set(err, KF_ECONFLICT, "already_assigned", "REV-1", "assignee_id",
				    "this review is assigned to another reviewer; an admin may reassign it");
	return KF_OK;
}

static const char *const kind_names[] = {
	[KF_LISTING_SEARCH] = "search_listing",
	[KF_LISTING_DISPLAY] = "display_listing",
};
#define N_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *kf_listing_kind_name(enum kf_listing_kind k)
{
	return (unsigned)k < N_KINDS ? kind_names[k] : NULL;
}

bool kf_listing_kind_parse(const char *s, enum kf_listing_kind *out)
{
	for (size_t i = 0; s && i < N_KINDS; i++) {
		if (!strcmp(s, kind_names[i])) {
			*out = (enum kf_listing_kind)i;
			return true;
		}
	}
	return false;
}

enum kf_review_kind kf_listing_review_kind(enum kf_listing_kind k)
{
	return k == KF_LISTING_DISPLAY ? KF_REVIEW_DISPLAY_LISTING : KF_REVIEW_SEARCH_LISTING;
}

bool kf_review_listing_kind(enum kf_review_kind k, enum kf_listing_kind *out)
{
	if (k != KF_REVIEW_SEARCH_LISTING && k != KF_REVIEW_DISPLAY_LISTING)
		return false;
	*out = k == KF_REVIEW_DISPLAY_LISTING ? KF_LISTING_DISPLAY : KF_LISTING_SEARCH;
	return true;
}

static const char *what(enum kf_listing_kind k)
{
	return k == KF_LISTING_DISPLAY ? "display listing" : "search listing";
}

enum kf_err kf_listing_check_apply(enum kf_app_state state, enum kf_listing_kind kind, bool already_listed,
				   bool pending, struct kf_error *err)
{
	/* REV-2: both listings are applied for after the release. */
	if (state != KF_APP_RELEASED) {
		const char *n = kf_app_state_name(state);
		return kf_error_set(err, KF_ECONFLICT, "app_not_released", "REV-2", NULL,
				    "a %s is applied for after the app is released (the app is %s)", what(kind),
				    n ? n : "unknown");
	}
	if (already_listed)
		return kf_error_set(err, KF_ECONFLICT, "already_listed", "REV-2", NULL, "the app already has its %s",
				    what(kind));
	if (pending)
		return kf_error_set(err, KF_ECONFLICT, "application_pending", "REV-2", NULL,
				    "a %s application of this app is already under review", what(kind));
	return KF_OK;
}

enum kf_err kf_listing_check_attestations(const struct kf_display_attestations *a, struct kf_error *err)
{
	if (!a->established_in_field)
		return kf_error_set(err, KF_EINVAL, "attestation_required", "REV-3",
				    "attestations.established_in_field",
				    "a display listing needs the attestation that the provider is established in "
				    "its field (established_in_field: true)");
	if (!a->has_team_size)
		return kf_error_set(err, KF_EINVAL, "attestation_required", "REV-3", "attestations.team_size",
				    "a display listing needs the size of the stable product team (team_size)");
	if (a->team_size < KF_DISPLAY_MIN_TEAM)
		return kf_error_set(err, KF_EINVAL, "team_too_small", "REV-3", "attestations.team_size",
				    "a display listing needs a stable product team of more than 10 people");
	if (a->n_evidence == 0)
		return kf_error_set(err, KF_EINVAL, "missing_field", "REV-3", "attestations.evidence",
				    "attach the evidence of the attestations as uploaded file ids");
	if (a->n_evidence > KF_DISPLAY_MAX_EVIDENCE)
		return kf_error_set(err, KF_EINVAL, "too_many_items", "REV-3", "attestations.evidence",
				    "attach at most %d evidence files", KF_DISPLAY_MAX_EVIDENCE);
	return KF_OK;
}

enum kf_err kf_listing_check_decision(enum kf_listing_kind kind, bool approve, enum kf_evidence_finding evidence,
				      struct kf_error *err)
{
	if (kind != KF_LISTING_DISPLAY) {
		if (evidence != KF_EVIDENCE_ABSENT)
			return kf_error_set(err, KF_EINVAL, "invalid_field", "REV-3", "evidence_holds",
					    "evidence_holds is recorded for display listing reviews only");
		return KF_OK;
	}
	/* REV-3: the reviewer records whether the evidence holds. */
	if (evidence == KF_EVIDENCE_ABSENT)
		return kf_error_set(err, KF_EINVAL, "evidence_holds_required", "REV-3", "evidence_holds",
				    "a display listing decision records whether the evidence holds (evidence_holds)");
	if (approve && evidence != KF_EVIDENCE_HOLDS)
		return kf_error_set(err, KF_EINVAL, "evidence_not_held", "REV-3", "evidence_holds",
				    "a display listing is approved only when its evidence holds");
	return KF_OK;
}

#define K(k) (1u << (k))
#define APPS (K(KF_REVIEW_CREATION) | K(KF_REVIEW_RELEASE) | K(KF_REVIEW_CHANGE))
#define LISTINGS (K(KF_REVIEW_RELEASE) | K(KF_REVIEW_CHANGE) | K(KF_REVIEW_SEARCH_LISTING) | K(KF_REVIEW_DISPLAY_LISTING))
#define PROVIDER (K(KF_REVIEW_QUALIFICATION) | K(KF_REVIEW_AUTHENTICITY))

/* REV-5: the reasons reviewers give most, per rule; the field is the API's
 * field name, so the provider's console shows the reason on its field. */
static const struct kf_reason_template reason_templates[] = {
	{"ONB-3", "legal_name", K(KF_REVIEW_QUALIFICATION),
	 "The entity name does not match the name on the business licence exactly.",
	 "主体名称与营业执照上的名称不完全一致。"},
	{"ONB-3", "licence_no", K(KF_REVIEW_QUALIFICATION),
	 "The licence number does not match the uploaded business licence.", "统一社会信用代码与上传的营业执照不一致。"},
	{"ONB-3", "documents", PROVIDER,
	 "The document is unreadable, incomplete or expired; upload a clear copy of the whole, valid document.",
	 "证件不清晰、不完整或已过期，请上传清晰完整且在有效期内的证件。"},
	{"ONB-2", "entity_kind", K(KF_REVIEW_QUALIFICATION),
	 "This kind of entity may not apply to become a provider.", "该类型的主体不能申请成为服务商。"},
	{"APP-9", "statement", K(KF_REVIEW_AUTHENTICITY),
	 "The statement does not show that the provider builds and runs the app itself.",
	 "说明材料未能证明服务商自行开发和运营该应用。"},
	{"APP-2", "website", K(KF_REVIEW_CREATION),
	 "The official website is not a domain with an ICP filing of this provider's entity.",
	 "官网域名不是本服务商主体已备案的域名。"},
	{"APP-3", "permission_sets", APPS,
	 "The app asks for permission sets it does not need for what it does.", "应用申请了其功能不需要的权限集。"},
	{"APP-8", "dev.message_url", APPS, "The endpoints do not belong to the provider or do not answer as required.",
	 "消息与事件接收URL不属于该服务商，或未按要求应答。"},
	{"APP-11", "name", APPS | LISTINGS, "The name uses the platform's own marks or a variant of them.",
	 "名称使用了平台自身的标识或其变体。"},
	{"APP-13", "name", APPS, "The same app is already registered under another id.", "同一应用已以其他 ID 注册。"},
	{"LST-1", "name", LISTINGS, "The name is too long; use 2 to 6 CJK characters.", "名称过长，建议使用 2 至 6 个汉字。"},
	{"LST-3", "name", LISTINGS, "The name is generic and does not tell this app apart.", "名称过于通用，无法区分本应用。"},
	{"LST-6", "logo_file", LISTINGS, "The icon is not a 128×128 px PNG of at most 20 KB.",
	 "图标不是 128×128 像素、不超过 20 KB 的 PNG 图片。"},
	{"LST-21", "logo_file", LISTINGS, "The icon carries a badge (red dot, NEW, HOT, official, No.1) or a QR code.",
	 "图标带有红点、NEW、HOT、官方、No.1 等标记或二维码。"},
	{"LST-7", "category", LISTINGS, "The category does not fit what the app does.", "所选类目与应用功能不符。"},
	{"LST-8", "intro", LISTINGS, "The intro does not say what the app does.", "简介没有说明应用的功能。"},
	{"LST-9", "description", LISTINGS, "The description does not match what the app does.", "详细介绍与应用的实际功能不符。"},
	{"LST-10", "previews_desktop", LISTINGS, "The screenshots do not show the app.", "截图未展示应用本身。"},
	{"LST-11", "previews_desktop", LISTINGS, "Two screenshots show the same picture.", "有两张截图是同一张图片。"},
	{"LST-14", "privacy_url", LISTINGS, "The privacy policy does not open or is not this app's.",
	 "隐私政策无法打开，或不是本应用的隐私政策。"},
	{"LST-20", "privacy_url", LISTINGS, "The privacy policy does not name the provider's entity as its operator.",
	 "隐私政策未写明服务商主体为运营者。"},
	{"LST-15", "company_name", LISTINGS, "The company name is not the provider's verified entity name.",
	 "开发者名称与服务商已认证的主体名称不一致。"},
	{"LST-16", "website", LISTINGS, "The website does not open or does not present this app.", "官网无法打开，或未介绍本应用。"},
	{"LST-17", "support_phone", LISTINGS, "The support phone does not answer.", "客服电话无法接通。"},
	{"LST-18", "description", LISTINGS, "The text uses absolute superlatives (最, 第一, 百分百 …).",
	 "文字中使用了绝对化用语（最、第一、百分百等）。"},
	{"REV-6", "category", LISTINGS, "The category needs a special qualification that is missing or not valid.",
	 "该类目需要的特殊资质缺失或无效。"},
	{"REV-2", "app", K(KF_REVIEW_SEARCH_LISTING) | K(KF_REVIEW_DISPLAY_LISTING),
	 "The app is not ready to be listed; its listing does not describe it well enough.",
	 "应用暂不适合上架，其详情信息不足以说明应用。"},
	{"REV-3", "attestations.evidence", K(KF_REVIEW_DISPLAY_LISTING),
	 "The evidence does not show that the provider is established in its field.",
	 "证明材料不能证明服务商在该领域具有稳定经营。"},
	{"REV-3", "attestations.team_size", K(KF_REVIEW_DISPLAY_LISTING),
	 "The evidence does not show a stable product team of more than 10 people.",
	 "证明材料不能证明有超过 10 人的稳定产品团队。"},
};

size_t kf_review_reason_templates(enum kf_review_kind kind, const struct kf_reason_template **out, size_t cap)
{
	size_t n = 0;
	if ((unsigned)kind >= KF_REVIEW_KIND_COUNT)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(reason_templates); i++) {
		if (!(reason_templates[i].kinds & K(kind)))
			continue;
		if (n < cap)
			out[n] = &reason_templates[i];
		n++;
	}
	return n;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The grant model. Kinds, prefixes and lifetimes live in one table
 * (kinds[]) indexed by enum kf_auth_kind; the component errcodes in
 * another (errcodes[]). Every refusal names its rule id.
 *
 * Invariant: a token's text is the only secret; what is stored is its
 * SHA-256, so the prefix (which names the kind) is part of what is hashed
 * and a token cannot be replayed as another kind.
 */
#include "core/auth.h"
#include "core/governance.h"
#include "core/netpolicy.h"

#include <limits.h>
#include <string.h>

#include <sodium.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum kind_class { CLASS_ACCESS, CLASS_CODE, CLASS_AUTHORIZER_REFRESH, CLASS_OAUTH_REFRESH };

struct kind_info {
	const char *label; /* for messages; the stored text is store/auth.c's */
	const char *prefix;
	enum kind_class cls;
};

static const struct kind_info kinds[KF_AUTH_KIND_COUNT] = {
	[KF_AUTH_KIND_APP_ACCESS] = { "app access token", "kfat_", CLASS_ACCESS },
	[KF_AUTH_KIND_PRE_AUTH_CODE] = { "pre-auth code", "kfpa_", CLASS_CODE },
	[KF_AUTH_KIND_AUTH_CODE] = { "authorization code", "kfcd_", CLASS_CODE },
	[KF_AUTH_KIND_AUTHORIZER_ACCESS] = { "authorizer access token", "kfaa_", CLASS_ACCESS },
	[KF_AUTH_KIND_AUTHORIZER_REFRESH] = { "authorizer refresh token", "kfar_",
					      CLASS_AUTHORIZER_REFRESH },
	[KF_AUTH_KIND_OAUTH_ACCESS] = { "OAuth access token", "kfoa_", CLASS_ACCESS },
	[KF_AUTH_KIND_OAUTH_REFRESH] = { "OAuth refresh token", "kfor_", CLASS_OAUTH_REFRESH },
};

_Static_assert(ARRAY_LEN(kinds) == KF_AUTH_KIND_OAUTH_REFRESH + 1, "one row per kind");
_Static_assert(KF_AUTH_TOKEN_LEN == KF_AUTH_TOKEN_PREFIX_LEN + 43, "prefix + base64url(32)");

static bool kind_valid(enum kf_auth_kind k)
{
	return (int)k >= 0 && (int)k < KF_AUTH_KIND_COUNT;
}

/* ---- policy -------------------------------------------------------------- */

struct kf_auth_policy kf_auth_policy_default(void)
{
	return (struct kf_auth_policy){
		.app_access_ttl = 7200,
		.pre_auth_code_ttl = 600,
		.auth_code_ttl = 600,
		.auth_code_event_ttl = 3600,
		.authorizer_access_ttl = 7200,
		.authorizer_refresh_ttl = 0,
		.oauth_access_ttl = 3600,
		.oauth_refresh_ttl = 30 * 86400,
	};
}

struct ttl_rule {
	const char *field;
	size_t offset;
	int64_t min, max;
	const char *rule;
};

static const struct ttl_rule ttl_rules[] = {
	{ "app_access_ttl", offsetof(struct kf_auth_policy, app_access_ttl), 1, KF_AUTH_TTL_MAX, NULL },
	{ "pre_auth_code_ttl", offsetof(struct kf_auth_policy, pre_auth_code_ttl), 1,
	  KF_AUTH_CODE_TTL_MAX, "AUTH-3" },
	{ "auth_code_ttl", offsetof(struct kf_auth_policy, auth_code_ttl), 1, KF_AUTH_CODE_TTL_MAX,
	  "AUTH-3" },
	{ "auth_code_event_ttl", offsetof(struct kf_auth_policy, auth_code_event_ttl), 1,
	  KF_AUTH_CODE_TTL_MAX, "AUTH-3" },
	{ "authorizer_access_ttl", offsetof(struct kf_auth_policy, authorizer_access_ttl), 1,
	  KF_AUTH_TTL_MAX, NULL },
	{ "authorizer_refresh_ttl", offsetof(struct kf_auth_policy, authorizer_refresh_ttl), 0,
	  KF_AUTH_TTL_MAX, NULL },
	{ "oauth_access_ttl", offsetof(struct kf_auth_policy, oauth_access_ttl), 1, KF_AUTH_TTL_MAX,
	  NULL },
	{ "oauth_refresh_ttl", offsetof(struct kf_auth_policy, oauth_refresh_ttl), 0, KF_AUTH_TTL_MAX,
	  NULL },
};

enum kf_err kf_auth_policy_check(const struct kf_auth_policy *p, struct kf_error *err)
{
	if (!p)
		return kf_error_set(err, KF_EINTERNAL, "invalid_ttl", NULL, NULL, "no policy");
	for (size_t i = 0; i < ARRAY_LEN(ttl_rules); i++) {
		const struct ttl_rule *r = &ttl_rules[i];
		int64_t v;
		memcpy(&v, (const char *)p + r->offset, sizeof(v));
		if (v < r->min || v > r->max)
			return kf_error_set(err, KF_EINVAL, "invalid_ttl", r->rule, r->field,
					    "%s must be between %lld and %lld seconds", r->field,
					    (long long)r->min, (long long)r->max);
	}
	if (p->auth_code_event_ttl < p->auth_code_ttl)
		return kf_error_set(err, KF_EINVAL, "invalid_ttl", "AUTH-3", "auth_code_event_ttl",
				    "auth_code_event_ttl must not be shorter than auth_code_ttl");
	return KF_OK;
}

int64_t kf_auth_ttl(const struct kf_auth_policy *p, enum kf_auth_kind kind)
{
	struct kf_auth_policy def = kf_auth_policy_default();
	if (!p)
		p = &def;
	switch (kind) {
	case KF_AUTH_KIND_APP_ACCESS: return p->app_access_ttl;
	case KF_AUTH_KIND_PRE_AUTH_CODE: return p->pre_auth_code_ttl;
	case KF_AUTH_KIND_AUTH_CODE: return p->auth_code_ttl;
	case KF_AUTH_KIND_AUTHORIZER_ACCESS: return p->authorizer_access_ttl;
	case KF_AUTH_KIND_AUTHORIZER_REFRESH: return p->authorizer_refresh_ttl;
	case KF_AUTH_KIND_OAUTH_ACCESS: return p->oauth_access_ttl;
	case KF_AUTH_KIND_OAUTH_REFRESH: return p->oauth_refresh_ttl;
	}
	return 0;
}

static int64_t add_sat(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

int64_t kf_auth_expires_at(const struct kf_auth_policy *p, enum kf_auth_kind kind, int64_t now)
{
	int64_t ttl = kf_auth_ttl(p, kind);
	return ttl > 0 ? add_sat(now, ttl) : 0;
}

int64_t kf_auth_code_expires_at(const struct kf_auth_policy *p, int64_t created_at, bool oauth)
{
	struct kf_auth_policy def = kf_auth_policy_default();
	if (!p)
		p = &def;
	int64_t ttl = p->auth_code_ttl;
	if (!oauth && p->auth_code_event_ttl > ttl)
		ttl = p->auth_code_event_ttl;
	return add_sat(created_at, ttl);
}

/* ---- token text ------------------------------------------------------------ */

/* libsodium's codec: strict on decoding (no padding, no stray characters,
 * unused bits clear), so canonical text is checked by decoding it. */
#define B64URL sodium_base64_VARIANT_URLSAFE_NO_PADDING

size_t kf_auth_base64url(const unsigned char *in, size_t n, char *out, size_t outsize)
{
	if (!out || outsize < sodium_base64_ENCODED_LEN(n, B64URL)) {
		if (out && outsize > 0)
			out[0] = '\0';
		return 0;
	}
	return strlen(sodium_bin2base64(out, outsize, in, n, B64URL));
}

bool kf_auth_base64url_canonical(const char *s, size_t len, size_t n)
{
	unsigned char bin[64];
	size_t got = 0;
	const char *end = NULL;
	if (!s || n > sizeof(bin) || len != sodium_base64_ENCODED_LEN(n, B64URL) - 1)
		return false;
	/* libsodium 1.0.18 (Debian 12) decodes bytes from 0x80 up as if they
	 * were letters, so the alphabet is checked first (found by the OAuth
	 * fuzz harness) */
	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < len)
		return false;
	bool ok = sodium_base642bin(bin, n, s, len, NULL, &got, &end, B64URL) == 0 && got == n && end == s + len;
	sodium_memzero(bin, sizeof(bin));
	return ok;
}

bool kf_auth_token_format(enum kf_auth_kind kind, const unsigned char random[KF_AUTH_RANDOM_LEN],
			  char out[KF_AUTH_TOKEN_SIZE])
{
	out[0] = '\0';
	if (!kind_valid(kind) || !random)
		return false;
	memcpy(out, kinds[kind].prefix, KF_AUTH_TOKEN_PREFIX_LEN);
	return kf_auth_base64url(random, KF_AUTH_RANDOM_LEN, out + KF_AUTH_TOKEN_PREFIX_LEN,
				 KF_AUTH_TOKEN_SIZE - KF_AUTH_TOKEN_PREFIX_LEN) == 43;
}

bool kf_auth_token_classify(const char *token, enum kf_auth_kind *kind)
{
	if (!token || strnlen(token, KF_AUTH_TOKEN_SIZE) != KF_AUTH_TOKEN_LEN)
		return false;
	/* canonical text only, so each token has exactly one spelling */
	if (!kf_auth_base64url_canonical(token + KF_AUTH_TOKEN_PREFIX_LEN, 43, KF_AUTH_RANDOM_LEN))
		return false;
	for (int i = 0; i < KF_AUTH_KIND_COUNT; i++) {
		if (memcmp(token, kinds[i].prefix, KF_AUTH_TOKEN_PREFIX_LEN) == 0) {
			*kind = (enum kf_auth_kind)i;
			return true;
		}
	}
	return false;
}

enum kf_err kf_auth_token_expect(const char *token, enum kf_auth_kind want, struct kf_error *err)
{
	if (!kind_valid(want))
		return kf_error_set(err, KF_EINVAL, "invalid_kind", NULL, NULL, "unknown token kind");
	enum kind_class cls = kinds[want].cls;
	enum kf_auth_kind got;
	bool present = token && token[0] != '\0';
	bool ok = present && kf_auth_token_classify(token, &got);
	if (ok && got == want)
		return KF_OK;
	switch (cls) {
	case CLASS_CODE:
		return kf_error_set(err, KF_EAUTH, "code_invalid", "AUTH-3", NULL,
				    present ? "the code is not a valid %s" : "the %s is missing",
				    kinds[want].label);
	case CLASS_AUTHORIZER_REFRESH:
	case CLASS_OAUTH_REFRESH:
		return kf_error_set(err, KF_EAUTH, "refresh_token_invalid", NULL, NULL,
				    present ? "the refresh token is invalid" : "the refresh token is missing");
	case CLASS_ACCESS:
		break;
	}
	if (!present)
		return kf_error_set(err, KF_EAUTH, "access_token_missing", NULL, NULL,
				    "the access token is missing");
	if (!ok)
		return kf_error_set(err, KF_EAUTH, "invalid_access_token", NULL, NULL,
				    "the access token is malformed");
	return kf_error_set(err, KF_EAUTH, "invalid_credential", NULL, NULL,
			    "a %s was given where a %s is expected", kinds[got].label,
			    kinds[want].label);
}

/* ---- checking tokens and codes --------------------------------------------- */

enum kf_err kf_auth_check_code(int64_t created_at, int64_t used_at, int64_t expires_at, int64_t now,
			       bool *revoke_issued, struct kf_error *err)
{
	if (revoke_issued)
		*revoke_issued = false;
	/* A replay is reported as such even after expiry: the tokens issued
	 * from the code must die either way (AUTH-3, RFC 6749 §4.1.2). */
	if (used_at != 0) {
		if (revoke_issued)
			*revoke_issued = true;
		return kf_error_set(err, KF_EAUTH, "code_used", "AUTH-3", NULL,
				    "the code was already used");
	}
	if (expires_at <= created_at)
		return kf_error_set(err, KF_EINTERNAL, "invalid_code_record", NULL, NULL,
				    "the code's expiry is not after its creation");
	if (now >= expires_at)
		return kf_error_set(err, KF_EAUTH, "code_expired", "AUTH-3", NULL,
				    "the code has expired");
	return KF_OK;
}

/* A refused token, named per class of the wanted kind (see auth.h). */
static enum kf_err token_refused(enum kind_class cls, const char *access_name, const char *rule,
				 const char *msg, struct kf_error *err)
{
	switch (cls) {
	case CLASS_AUTHORIZER_REFRESH:
	case CLASS_OAUTH_REFRESH:
		return kf_error_set(err, KF_EAUTH, "refresh_token_invalid", rule, NULL,
				    "the refresh token %s", msg);
	case CLASS_ACCESS:
	case CLASS_CODE:
		break;
	}
	return kf_error_set(err, KF_EAUTH, access_name, rule, NULL, "the access token %s", msg);
}

enum kf_err kf_auth_check_token(const struct kf_auth_token *t, const struct kf_auth_token_want *want,
				int64_t now, struct kf_error *err)
{
	if (!want || !kind_valid(want->kind) || kinds[want->kind].cls == CLASS_CODE)
		return kf_error_set(err, KF_EINVAL, "invalid_kind", NULL, NULL,
				    "not a token kind (codes: kf_auth_check_code)");
	enum kind_class cls = kinds[want->kind].cls;
	if (!t)
		return token_refused(cls, "token_unknown", NULL, "is unknown", err);
	if (t->kind != want->kind)
		return token_refused(cls, "invalid_credential", NULL, "is of another kind", err);
	if (t->revoked) {
		if (cls == CLASS_OAUTH_REFRESH)
			return kf_error_set(err, KF_EAUTH, "refresh_token_revoked", "AUTH-2", NULL,
					    "the refresh token was revoked");
		return token_refused(cls, "token_revoked", "AUTH-2",
				     cls == CLASS_AUTHORIZER_REFRESH
					     ? "was revoked or replaced by a new authorization"
					     : "was revoked",
				     err);
	}
	if (t->superseded)
		return kf_error_set(err, KF_EAUTH, "refresh_token_reused", NULL, NULL,
				    "the refresh token was rotated away");
	if (want->authorization && t->authorization != want->authorization)
		return token_refused(cls, "token_revoked", "AUTH-2",
				     "belongs to another authorization", err);
	if (t->authorization && !kf_auth_state_live(t->auth_state))
		return token_refused(cls, "token_revoked", "AUTH-2",
				     "belongs to an authorization that ended", err);
	enum kf_err rc = kf_auth_app_may_call(t->app_state, err);
	if (rc != KF_OK)
		return rc;
	if (t->expires_at != 0 && now >= t->expires_at) {
		if (cls == CLASS_OAUTH_REFRESH)
			return kf_error_set(err, KF_EAUTH, "refresh_token_expired", NULL, NULL,
					    "the refresh token has expired");
		return token_refused(cls, "token_expired", NULL, "has expired", err);
	}
	if (want->app && t->app != want->app)
		return token_refused(cls, "app_mismatch", NULL, "was issued to another app", err);
	return KF_OK;
}

enum kf_err kf_auth_refresh_decide(enum kf_auth_refresh_state st, bool same_client,
				   int64_t expires_at, int64_t now,
				   enum kf_auth_refresh_action *action, struct kf_error *err)
{
	*action = KF_AUTH_REFRESH_REFUSE;
	if (!same_client)
		return kf_error_set(err, KF_EAUTH, "refresh_token_client_mismatch", NULL, NULL,
				    "the refresh token was issued to another client");
	switch (st) {
	case KF_AUTH_REFRESH_REVOKED:
		return kf_error_set(err, KF_EAUTH, "refresh_token_revoked", "AUTH-2", NULL,
				    "the refresh token was revoked");
	case KF_AUTH_REFRESH_SUPERSEDED:
		/* RFC 9700 §4.14.2: one of two parties holds a stolen copy and we
		 * cannot tell which, so the family dies for both. */
		*action = KF_AUTH_REFRESH_REVOKE_FAMILY;
		return kf_error_set(err, KF_EAUTH, "refresh_token_reused", NULL, NULL,
				    "the refresh token was already used; every token of its "
				    "family is revoked");
	case KF_AUTH_REFRESH_CURRENT:
		if (expires_at != 0 && now >= expires_at)
			return kf_error_set(err, KF_EAUTH, "refresh_token_expired", NULL, NULL,
					    "the refresh token has expired");
		*action = KF_AUTH_REFRESH_ROTATE;
		return KF_OK;
	}
	return kf_error_set(err, KF_EINVAL, "invalid_state", NULL, NULL,
			    "unknown refresh token state");
}

/* ---- permission sets and data scope ------------------------------------------ */

bool kf_auth_sets_contains(const struct kf_auth_sets *s, int64_t id)
{
	for (size_t i = 0; s && i < s->n && i < KF_AUTH_SETS_MAX; i++) {
		if (s->ids[i] == id)
			return true;
	}
	return false;
}

static size_t sets_len(const struct kf_auth_sets *s)
{
	return !s ? 0 : s->n < KF_AUTH_SETS_MAX ? s->n : KF_AUTH_SETS_MAX;
}

static bool sets_subset(const struct kf_auth_sets *a, const struct kf_auth_sets *b)
{
	for (size_t i = 0; i < sets_len(a); i++) {
		if (!kf_auth_sets_contains(b, a->ids[i]))
			return false;
	}
	return true;
}

bool kf_auth_sets_equal(const struct kf_auth_sets *a, const struct kf_auth_sets *b)
{
	return sets_subset(a, b) && sets_subset(b, a);
}

static void sets_add(struct kf_auth_sets *s, int64_t id)
{
	if (s->n < KF_AUTH_SETS_MAX && !kf_auth_sets_contains(s, id))
		s->ids[s->n++] = id;
}

static const struct kf_auth_set *find_set(const struct kf_auth_set *v, size_t n, int64_t id)
{
	for (size_t i = 0; v && i < n; i++) {
		if (v[i].id == id)
			return &v[i];
	}
	return NULL;
}

static bool ids_contain(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; v && i < n; i++) {
		if (v[i] == id)
			return true;
	}
	return false;
}

enum kf_err kf_auth_grant_sets(const struct kf_auth_set *asked, size_t n_asked,
			       const int64_t *selected, size_t n_selected,
			       struct kf_auth_sets *granted, struct kf_error *err)
{
	granted->n = 0;
	if (n_asked > KF_AUTH_SETS_MAX)
		return kf_error_set(err, KF_EINTERNAL, "too_many_items", "APP-3", "permission_sets",
				    "the app asks for more than %d permission sets",
				    KF_AUTH_SETS_MAX);
	for (size_t i = 0; selected && i < n_selected; i++) {
		if (!find_set(asked, n_asked, selected[i]))
			return kf_error_set(err, KF_EINVAL, "unknown_permission_set", "AUTH-1",
					    "permission_sets",
					    "permission set %lld is not one the app asks for",
					    (long long)selected[i]);
	}
	for (size_t i = 0; i < n_asked; i++) {
		if (asked[i].required && !ids_contain(selected, n_selected, asked[i].id))
			return kf_error_set(err, KF_EINVAL, "required_permission_set", "AUTH-1",
					    "permission_sets",
					    "permission set %lld is required by the app and cannot be "
					    "deselected (APP-3)",
					    (long long)asked[i].id);
	}
	for (size_t i = 0; i < n_asked; i++) {
		if (ids_contain(selected, n_selected, asked[i].id))
			sets_add(granted, asked[i].id);
	}
	if (granted->n == 0)
		return kf_error_set(err, KF_EINVAL, "no_permission_set", "AUTH-1", "permission_sets",
				    "select at least one permission set, or cancel");
	return KF_OK;
}

void kf_auth_pending_sets(const struct kf_auth_sets *offered, const struct kf_auth_set *live,
			  size_t n_live, struct kf_auth_sets *pending)
{
	pending->n = 0;
	for (size_t i = 0; live && i < n_live; i++) {
		if (!kf_auth_sets_contains(offered, live[i].id))
			sets_add(pending, live[i].id);
	}
}

void kf_auth_effective_sets(const struct kf_auth_sets *granted, const struct kf_auth_set *live,
			    size_t n_live, struct kf_auth_sets *out)
{
	struct kf_auth_sets tmp = { .n = 0 }; /* granted may be out */
	for (size_t i = 0; i < sets_len(granted); i++) {
		if (find_set(live, n_live, granted->ids[i]))
			sets_add(&tmp, granted->ids[i]);
	}
	*out = tmp;
}

static bool member_id_valid(const char *s)
{
	if (!s)
		return false;
	size_t n = strnlen(s, KF_AUTH_MEMBER_ID_MAX + 1);
	if (n == 0 || n > KF_AUTH_MEMBER_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

static bool str_in(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; v && i < n; i++) {
		if (v[i] && strcmp(v[i], s) == 0)
			return true;
	}
	return false;
}

enum kf_err kf_auth_data_scope_check(const struct kf_auth_data_scope *s, const char *const *known,
				     size_t n_known, struct kf_error *err)
{
	static const char field[] = "data_scope.member_ids";
	if (!s)
		return kf_error_set(err, KF_EINVAL, "invalid_data_scope", "AUTH-1", "data_scope",
				    "no data scope");
	if (s->all_members && s->n_member_ids > 0)
		return kf_error_set(err, KF_EINVAL, "invalid_data_scope", "AUTH-1", "data_scope",
				    "choose either every member or a list of members");
	if (s->n_member_ids > KF_AUTH_MEMBERS_MAX)
		return kf_error_set(err, KF_EINVAL, "too_many_items", "AUTH-1", field,
				    "at most %d members may be listed", KF_AUTH_MEMBERS_MAX);
	if (s->n_member_ids > 0 && !s->member_ids)
		return kf_error_set(err, KF_EINVAL, "invalid_member_id", "AUTH-1", field,
				    "%s[0]: missing", field);
	for (size_t i = 0; i < s->n_member_ids; i++) {
		const char *id = s->member_ids[i];
		if (!member_id_valid(id))
			return kf_error_set(err, KF_EINVAL, "invalid_member_id", "AUTH-1", field,
					    "%s[%zu]: 1 to %d printable ASCII characters without "
					    "spaces",
					    field, i, KF_AUTH_MEMBER_ID_MAX);
		if (str_in(s->member_ids, i, id))
			return kf_error_set(err, KF_EINVAL, "duplicate_item", "AUTH-1", field,
					    "%s[%zu]: listed twice", field, i);
		if (known && !str_in(known, n_known, id))
			return kf_error_set(err, KF_EINVAL, "unknown_member", "AUTH-1", field,
					    "%s[%zu]: not a member of the host account", field, i);
	}
	return KF_OK;
}

/* ---- authorization state ---------------------------------------------------- */

static const char *const state_names[] = {
	[KF_AUTH_STATE_NONE] = "none",
	[KF_AUTH_STATE_ACTIVE] = "active",
	[KF_AUTH_STATE_UPDATED] = "updated",
	[KF_AUTH_STATE_REVOKED] = "revoked",
};

const char *kf_auth_state_name(enum kf_auth_state s)
{
	return (int)s >= 0 && (size_t)s < ARRAY_LEN(state_names) ? state_names[s] : NULL;
}

bool kf_auth_state_parse(const char *s, enum kf_auth_state *out)
{
	for (size_t i = 0; s && i < ARRAY_LEN(state_names); i++) {
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum kf_auth_state)i;
			return true;
		}
	}
	return false;
}

bool kf_auth_state_live(enum kf_auth_state s)
{
	return s == KF_AUTH_STATE_ACTIVE || s == KF_AUTH_STATE_UPDATED;
}

const char *kf_auth_event_name(enum kf_auth_event e)
{
	switch (e) {
	case KF_AUTH_EVENT_AUTHORIZED: return "authorized";
	case KF_AUTH_EVENT_UPDATEAUTHORIZED: return "updateauthorized";
	case KF_AUTH_EVENT_UNAUTHORIZED: return "unauthorized";
	case KF_AUTH_EVENT_NONE: break;
	}
	return NULL;
}

enum kf_err kf_auth_authorize(enum kf_auth_state cur, const struct kf_auth_sets *old_granted,
			      const struct kf_auth_app_facts *app,
			      const struct kf_auth_sets *new_granted, struct kf_auth_change *out,
			      struct kf_error *err)
{
	if (!kf_auth_state_name(cur))
		return kf_error_set(err, KF_EINVAL, "invalid_state", NULL, NULL,
				    "unknown authorization state");
	if (!app)
		return kf_error_set(err, KF_EINTERNAL, "invalid_state", NULL, NULL, "no app facts");
	/* GOV-2: a withdrawn app takes no new host accounts, but an existing
	 * install keeps renewing and expanding */
	enum kf_app_state st = app->state == KF_APP_WITHDRAWN && kf_auth_state_live(cur) ? KF_APP_RELEASED : app->state;
	enum kf_err rc = kf_app_may_authorize(st, app->host_on_test_allowlist, app->audience,
					      app->host_is_providers_own, err);
	if (rc == KF_OK) /* GOV-7: new authorizations closed, existing users kept */
		rc = kf_gov_check_new_authorization(app->new_auth_closed, kf_auth_state_live(cur), err);
	if (rc != KF_OK)
		return rc;
	if (sets_len(new_granted) == 0)
		return kf_error_set(err, KF_EINVAL, "no_permission_set", "AUTH-1", "permission_sets",
				    "select at least one permission set, or cancel");
	struct kf_auth_change c = { 0 };
	if (!kf_auth_state_live(cur)) {
		c.next = KF_AUTH_STATE_ACTIVE;
		c.event = KF_AUTH_EVENT_AUTHORIZED;
		c.sets_changed = true;
	} else {
		c.next = KF_AUTH_STATE_UPDATED;
		c.sets_changed = !kf_auth_sets_equal(old_granted, new_granted);
		c.event = c.sets_changed ? KF_AUTH_EVENT_UPDATEAUTHORIZED : KF_AUTH_EVENT_NONE;
		c.revoke_refresh = true;
		c.revoke_codes = true;
		c.revoke_access = !sets_subset(old_granted, new_granted);
	}
	*out = c;
	return KF_OK;
}

enum kf_err kf_auth_revoke(enum kf_auth_state cur, struct kf_auth_change *out, struct kf_error *err)
{
	if (!kf_auth_state_live(cur))
		return kf_error_set(err, KF_ECONFLICT, "not_authorized", "AUTH-2", NULL,
				    "the host account has no active authorization of this app");
	*out = (struct kf_auth_change){
		.next = KF_AUTH_STATE_REVOKED,
		.event = KF_AUTH_EVENT_UNAUTHORIZED,
		.sets_changed = true,
		.revoke_access = true,
		.revoke_refresh = true,
		.revoke_codes = true,
	};
	return KF_OK;
}

enum kf_err kf_auth_app_may_call(enum kf_app_state state, struct kf_error *err)
{
	switch (state) {
	case KF_APP_DEVELOPING:
	case KF_APP_RELEASE_REVIEW:
	case KF_APP_RELEASED:
	case KF_APP_WITHDRAWN:
		return KF_OK;
	case KF_APP_SUSPENDED:
		return kf_error_set(err, KF_EFORBIDDEN, "app_suspended", "AUTH-5", NULL,
				    "the app is suspended by the platform operator (AUTH-5)");
	case KF_APP_DRAFT:
	case KF_APP_CREATION_REVIEW:
		return kf_error_set(err, KF_EFORBIDDEN, "app_not_approved", "APP-5", NULL,
				    "the app has not passed its creation review");
	case KF_APP_DELISTED:
		return kf_error_set(err, KF_EFORBIDDEN, "app_delisted", "GOV-1", NULL,
				    "the app is delisted and its authorizations no longer work");
	case KF_APP_DELETED:
		break;
	}
	return kf_error_set(err, KF_EFORBIDDEN, "app_deleted", "DATA-3", NULL,
			    "the app no longer exists");
}

enum kf_err kf_auth_app_may_inspect(enum kf_app_state state, struct kf_error *err)
{
	if (state == KF_APP_SUSPENDED)
		return KF_OK;
	return kf_auth_app_may_call(state, err);
}

enum kf_err kf_auth_front_door(const struct kf_auth_door *d, struct kf_error *err)
{
	enum kf_err rc = kf_auth_app_may_call(d->state, err);
	if (rc != KF_OK)
		return rc;
	if (d->n_ip_allowlist == 0)
		return KF_OK;
	int fam;
	unsigned char addr[16];
	if (d->client_ip && kf_addr_parse(d->client_ip, &fam, addr)) {
		for (size_t i = 0; i < d->n_ip_allowlist; i++) {
			struct kf_cidr c;
			if (d->ip_allowlist[i] && kf_cidr_parse(d->ip_allowlist[i], &c, NULL) == KF_OK &&
			    kf_cidr_contains(&c, fam, addr))
				return KF_OK;
		}
	}
	/* issue 11: say which address was seen, so a developer behind NAT or
	 * a proxy knows what to put on the list */
	return kf_error_set(err, KF_EFORBIDDEN, "ip_not_allowed", "APP-4", NULL,
			    "access clientip is not registered: the caller's address %.64s is not on the app's "
			    "IP allowlist (APP-4)", d->client_ip ? d->client_ip : "(unknown)");
}

/* ---- component errcodes ------------------------------------------------------ */

struct errcode_row {
	const char *name;
	int errcode;
	const char *errmsg;
};

#define MSG_40001 "invalid credential, access_token is invalid or not latest"
#define MSG_61009 "code is invalid"
#define MSG_61023 "refresh_token is invalid"

static const struct errcode_row errcodes[] = {
	{ "system_error", -1, "system error" },
	{ "invalid_code_record", -1, "system error" },
	{ "invalid_credential", 40001, MSG_40001 },
	{ "token_unknown", 40001, MSG_40001 },
	{ "token_revoked", 40001, MSG_40001 },
	{ "invalid_appid", 40013, "invalid appid" },
	{ "app_mismatch", 40013, "invalid appid" },
	{ "invalid_access_token", 40014, "invalid access_token" },
	{ "invalid_appsecret", 40125, "invalid appsecret" },
	{ "access_token_missing", 41001, "access_token missing" },
	{ "appid_missing", 41002, "appid missing" },
	{ "appsecret_missing", 41004, "appsecret missing" },
	{ "access_token_expired", 42001, "access_token expired" },
	{ "token_expired", 42001, "access_token expired" },
	{ "quota_exceeded", 45009, "reach max api daily quota limit" },
	{ "data_format_error", 47001, "data format error" },
	{ "access_refused", 48001, "api unauthorized, access refused by the platform (GOV-7)" },
	{ "api_unauthorized", 48001, "api unauthorized" },
	{ "users_blocked", 48001, "api unauthorized, the app's users are blocked by the platform (GOV-7)" },
	{ "app_not_approved", 48001, "api unauthorized" },
	{ "app_delisted", 48001, "api unauthorized" },
	{ "app_suspended", 48001, "api unauthorized, the app is suspended (AUTH-5)" },
	{ "quota_reset_limit", 48006, "forbid to clear quota because of reaching the limit" },
	{ "component_not_authorized", 61003, "component is not authorized by this account" },
	{ "not_authorized", 61003, "component is not authorized by this account" },
	{ "ip_not_allowed", 61004, "access clientip is not registered" },
	{ "ticket_expired", 61005, "component ticket is expired" },
	{ "ticket_invalid", 61006, "component ticket is invalid" },
	{ "permission_set_not_granted", 61007, "api is unauthorized to component" },
	{ "code_invalid", 61009, MSG_61009 },
	{ "code_unknown", 61009, MSG_61009 },
	{ "code_used", 61009, MSG_61009 },
	{ "code_expired", 61009, MSG_61009 },
	{ "invalid_component", 61011, "invalid component" },
	{ "app_deleted", 61011, "invalid component" },
	{ "refresh_token_invalid", 61023, MSG_61023 },
	{ "refresh_token_revoked", 61023, MSG_61023 },
	{ "refresh_token_expired", 61023, MSG_61023 },
	{ "refresh_token_reused", 61023, MSG_61023 },
	{ "refresh_token_client_mismatch", 61023, MSG_61023 },
};

bool kf_auth_errcode(const char *name, int *errcode, const char **errmsg)
{
	const struct errcode_row *row = &errcodes[0]; /* system_error */
	bool found = false;
	for (size_t i = 0; name && i < ARRAY_LEN(errcodes); i++) {
		if (strcmp(name, errcodes[i].name) == 0) {
			row = &errcodes[i];
			found = true;
			break;
		}
	}
	if (errcode)
		*errcode = row->errcode;
	if (errmsg)
		*errmsg = row->errmsg;
	return found;
}

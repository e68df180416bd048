/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one grant model under both front doors (the component API of
 * PROTOCOL.md and OAuth 2.0), as pure functions: token kinds, lifetimes and
 * the text form of tokens; granted permission sets and the data scope
 * (APP-3, AUTH-1, DATA-1); pending sets after an approved change (APP-7);
 * the authorization state machine (AUTH-2, AUTH-4, AUTH-5, APP-10);
 * single-use codes (AUTH-3); refresh-token rotation with reuse detection
 * (RFC 9700 §4.14.2); and the errcode/errmsg table of PROTOCOL.md §4.
 *
 *   (none) --authorize--> active --authorize--> updated --authorize--> updated
 *   active | updated --revoke--> revoked --authorize--> active
 *
 * No I/O, no clock (now is passed in), no randomness (random bytes are
 * passed in). Tokens are hashed by util/crypto.h, not here.
 *
 * Errors name the rule they enforce (err->rule) and a machine name
 * (err->name) that kf_auth_errcode maps to the component API's errcode and
 * that kf_oauth_error_for (core/oauth.h) maps to an RFC 6749 error.
 */
#ifndef KF_CORE_AUTH_H
#define KF_CORE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/err.h"

/* ---- token kinds and lifetimes ------------------------------------------ */

enum kf_auth_kind {
	KF_AUTH_KIND_APP_ACCESS,         /* component_access_token (also OAuth client_credentials) */
	KF_AUTH_KIND_PRE_AUTH_CODE,      /* pre_auth_code */
	KF_AUTH_KIND_AUTH_CODE,          /* auth_code of the component API and OAuth's code */
	KF_AUTH_KIND_AUTHORIZER_ACCESS,  /* authorizer_access_token */
	KF_AUTH_KIND_AUTHORIZER_REFRESH, /* authorizer_refresh_token */
	KF_AUTH_KIND_OAUTH_ACCESS,       /* OAuth access token */
	KF_AUTH_KIND_OAUTH_REFRESH,      /* OAuth refresh token (rotated) */
};
#define KF_AUTH_KIND_COUNT 7

/* The text stored for each kind is the store's business (store/auth.c holds
 * the one mapping between stored text and this enum). */

/*
 * Lifetimes in seconds (PROTOCOL.md §1); operators may change them.
 * A refresh lifetime of 0 means "no expiry".
 */
struct kf_auth_policy {
	int64_t app_access_ttl;         /* 7200 */
	int64_t pre_auth_code_ttl;      /* 600 */
	int64_t auth_code_ttl;          /* 600: expires_in on the redirect; OAuth codes */
	int64_t auth_code_event_ttl;    /* 3600: AuthorizationCodeExpiredTime - created */
	int64_t authorizer_access_ttl;  /* 7200 */
	int64_t authorizer_refresh_ttl; /* 0: long-lived, ends by revocation or re-authorization */
	int64_t oauth_access_ttl;       /* 3600 */
	int64_t oauth_refresh_ttl;      /* 2592000 (30 days), counted from each rotation */
};

#define KF_AUTH_CODE_TTL_MAX 3600                /* AUTH-3: codes stay short-lived */
#define KF_AUTH_TTL_MAX (10LL * 366 * 24 * 3600) /* anything else: at most ~10 years */

/* The values above. */
struct kf_auth_policy kf_auth_policy_default(void);

/*
 * Check an operator's policy. KF_OK or KF_EINVAL "invalid_ttl" (field = the
 * member name, e.g. "auth_code_ttl") when
 *   - an access-token lifetime is not 1..KF_AUTH_TTL_MAX;
 *   - a refresh lifetime is not 0..KF_AUTH_TTL_MAX;
 *   - a code lifetime is not 1..KF_AUTH_CODE_TTL_MAX (rule AUTH-3);
 *   - auth_code_event_ttl < auth_code_ttl (rule AUTH-3: the event would
 *     announce an expiry earlier than the redirect's expires_in).
 */
KF_MUST_CHECK enum kf_err kf_auth_policy_check(const struct kf_auth_policy *p,
					       struct kf_error *err);

/* Lifetime of a kind in seconds; 0 = no expiry. For KF_AUTH_KIND_AUTH_CODE
 * this is auth_code_ttl (the redirect's expires_in). p NULL = default; 0 for
 * an out-of-range kind. */
int64_t kf_auth_ttl(const struct kf_auth_policy *p, enum kf_auth_kind kind);

/* now + kf_auth_ttl (saturating), or 0 (no expiry) when the lifetime is 0.
 * Not for authorization codes: use kf_auth_code_expires_at. */
int64_t kf_auth_expires_at(const struct kf_auth_policy *p, enum kf_auth_kind kind, int64_t now);

/*
 * The expiry to store with an authorization code created at created_at.
 * OAuth codes: created_at + auth_code_ttl (600). Component codes:
 * created_at + auth_code_event_ttl (3600), the absolute time the
 * authorized event announces as AuthorizationCodeExpiredTime, which an app
 * may rely on; the redirect's expires_in (auth_code_ttl) states less.
 * p NULL = default.
 */
int64_t kf_auth_code_expires_at(const struct kf_auth_policy *p, int64_t created_at, bool oauth);

/* An authorization's state (the state machine is below, with
 * kf_auth_authorize and kf_auth_revoke). */
enum kf_auth_state {
	KF_AUTH_STATE_NONE, /* no authorization row yet */
	KF_AUTH_STATE_ACTIVE,
	KF_AUTH_STATE_UPDATED, /* active, re-authorized at least once */
	KF_AUTH_STATE_REVOKED,
};

/* ---- token text ----------------------------------------------------------- */

/*
 * A token or code is "kf" + two letters naming its kind + "_" + the
 * unpadded base64url text of 32 random bytes: 48 URL-safe characters
 * ([A-Za-z0-9_-]). Only its SHA-256 is stored (kf_sha256_hex of util/crypto.h).
 *   kfat_ app access   kfpa_ pre-auth code     kfcd_ authorization code
 *   kfaa_ authorizer access  kfar_ authorizer refresh
 *   kfoa_ OAuth access       kfor_ OAuth refresh
 */
#define KF_AUTH_RANDOM_LEN 32
#define KF_AUTH_TOKEN_PREFIX_LEN 5
#define KF_AUTH_TOKEN_LEN 48
#define KF_AUTH_TOKEN_SIZE (KF_AUTH_TOKEN_LEN + 1)

/* Write the token of kind for the 32 random bytes (and a NUL) to out.
 * False (out = "") when kind is out of range. */
bool kf_auth_token_format(enum kf_auth_kind kind, const unsigned char random[KF_AUTH_RANDOM_LEN],
			  char out[KF_AUTH_TOKEN_SIZE]);

/* The kind of a presented token, from its prefix, so validation knows where
 * to look. True only for a well-formed token: a known prefix followed by
 * exactly 43 canonical base64url characters. False (kind untouched) for
 * anything else, including NULL. Reads at most 49 bytes of token. */
bool kf_auth_token_classify(const char *token, enum kf_auth_kind *kind);

/*
 * Check that a presented value is a well-formed token of kind want, naming
 * the failure the way the component API reports it (kf_auth_errcode):
 *   access tokens (app, authorizer, OAuth):
 *     KF_EAUTH "access_token_missing" (41001)  NULL or empty
 *     KF_EAUTH "invalid_access_token" (40014)  malformed
 *     KF_EAUTH "invalid_credential"   (40001)  a token of another kind
 *   codes:          KF_EAUTH "code_invalid" (61009), rule AUTH-3
 *   refresh tokens: KF_EAUTH "refresh_token_invalid" (61023)
 * Field NULL; the caller knows which parameter it read.
 */
KF_MUST_CHECK enum kf_err kf_auth_token_expect(const char *token, enum kf_auth_kind want,
					       struct kf_error *err);

/* Unpadded base64url (RFC 4648 §5) of in[0..n) and a NUL into out; returns
 * the length written, or 0 (out = "" when outsize > 0) when out is smaller
 * than (4n + 2) / 3 + 1 bytes. */
size_t kf_auth_base64url(const unsigned char *in, size_t n, char *out, size_t outsize);

/* True when s[0..len) is the one canonical unpadded base64url text of
 * exactly n bytes (n <= 64): no other character, no padding, and the unused
 * low bits of the last character clear, so each value has one spelling. */
bool kf_auth_base64url_canonical(const char *s, size_t len, size_t n);

/* ---- checking tokens and codes -------------------------------------------- */

/*
 * AUTH-3: may this code (pre-auth or authorization) be used now? used_at 0 =
 * never used. Checked in this order:
 *   KF_EAUTH "code_used"    (rule AUTH-3) used before: a replay. *revoke_issued
 *                           is set: for an authorization code the caller
 *                           revokes every token issued from it (RFC 6749
 *                           §4.1.2); a pre-auth code issued none.
 *   KF_EAUTH "code_expired" (rule AUTH-3) now >= expires_at.
 *   KF_EINTERNAL "invalid_code_record" expires_at <= created_at.
 * revoke_issued (may be NULL) is false otherwise. code_used and
 * code_expired map to errcode 61009 (so does "code_unknown", the name for a
 * lookup miss), invalid_code_record to -1.
 * On KF_OK the caller marks the code used in the transaction that acts on
 * it, with a condition on used_at so that two concurrent uses cannot both
 * succeed.
 */
KF_MUST_CHECK enum kf_err kf_auth_check_code(int64_t created_at, int64_t used_at,
					     int64_t expires_at, int64_t now, bool *revoke_issued,
					     struct kf_error *err);

/*
 * A stored token as the store hands it over (store/auth.c maps the row),
 * with what its decision needs about the app and the authorization.
 */
struct kf_auth_token {
	int64_t id;
	enum kf_auth_kind kind;
	int64_t app;                  /* app row id */
	char app_id[24];              /* public app id */
	enum kf_app_state app_state;
	int64_t authorization;        /* 0 for app tokens */
	enum kf_auth_state auth_state; /* KF_AUTH_STATE_NONE for app tokens */
	char authorizer[128];         /* host account external id, "" for app tokens */
	int64_t expires_at;           /* 0 = no expiry */
	bool revoked;
	bool superseded;              /* an OAuth refresh token rotated away */
	char family[40];              /* OAuth refresh family, "" otherwise */
	int64_t code;                 /* the code it was issued from, 0 = none */
};

/* What the caller expects of a presented token. */
struct kf_auth_token_want {
	enum kf_auth_kind kind;
	int64_t app;           /* the app row the caller acts for; 0 = any app */
	int64_t authorization; /* the authorization it must belong to; 0 = any */
};

/*
 * May a presented token be used now for want? t NULL means the lookup
 * found no token with the presented hash. Checked in this order, each
 * failure named the way kf_auth_errcode maps it:
 *   t NULL                 access: KF_EAUTH "token_unknown" (40001)
 *   another kind           access: "invalid_credential" (40001)
 *   revoked                access: "token_revoked" (AUTH-2, 40001)
 *   superseded             "refresh_token_reused" (61023): an OAuth refresh
 *                          token rotated away (kf_auth_refresh_decide
 *                          handles its reuse when redeemed)
 *   another authorization, or its authorization no longer live
 *                          access: "token_revoked" (AUTH-2, 40001)
 *   the app may not call   kf_auth_app_may_call's error (AUTH-5, APP-5,
 *                          GOV-1, DATA-3)
 *   expired                access: "token_expired" (42001)
 *   another app            "app_mismatch" (40013)
 * For refresh kinds every failure but the app's state is KF_EAUTH
 * "refresh_token_invalid" (61023; rule AUTH-2 when revoked), except an
 * OAuth refresh token's revocation and expiry, "refresh_token_revoked"
 * (AUTH-2) and "refresh_token_expired" (redeem one with
 * kf_auth_refresh_decide). Code kinds are refused with KF_EINVAL
 * "invalid_kind": codes are checked by kf_auth_check_code.
 * An expired token of a stopped app reports the app's state first: its
 * tokens are invalid whatever their age.
 */
KF_MUST_CHECK enum kf_err kf_auth_check_token(const struct kf_auth_token *t,
					      const struct kf_auth_token_want *want, int64_t now,
					      struct kf_error *err);

/* ---- OAuth refresh rotation (RFC 9700 §4.14.2) ---------------------------- */

/* Where the presented refresh token stands in its family. */
enum kf_auth_refresh_state {
	KF_AUTH_REFRESH_CURRENT,    /* the newest token of a live family */
	KF_AUTH_REFRESH_SUPERSEDED, /* rotated away: presenting it again is reuse */
	KF_AUTH_REFRESH_REVOKED,    /* the family is revoked */
};

enum kf_auth_refresh_action {
	KF_AUTH_REFRESH_ROTATE,        /* issue the next token; mark this one superseded */
	KF_AUTH_REFRESH_REFUSE,        /* refuse; change nothing */
	KF_AUTH_REFRESH_REVOKE_FAMILY, /* refuse and revoke the whole family and its access tokens */
};

/*
 * Decide a refresh_token grant. same_client: the authenticated client is the
 * one the family was issued to. expires_at 0 = no expiry. In this order:
 *   not same_client -> REFUSE,        KF_EAUTH "refresh_token_client_mismatch"
 *   REVOKED         -> REFUSE,        KF_EAUTH "refresh_token_revoked" (AUTH-2)
 *   SUPERSEDED      -> REVOKE_FAMILY, KF_EAUTH "refresh_token_reused"
 *   now >= expires_at -> REFUSE,      KF_EAUTH "refresh_token_expired"
 *   CURRENT         -> ROTATE,        KF_OK
 * A superseded token is reuse even after it expired. *action is always set
 * (REFUSE for an unknown state, with KF_EINVAL "invalid_state"). The new
 * token's expiry is kf_auth_expires_at(.., KF_AUTH_KIND_OAUTH_REFRESH, now).
 */
KF_MUST_CHECK enum kf_err kf_auth_refresh_decide(enum kf_auth_refresh_state st, bool same_client,
						 int64_t expires_at, int64_t now,
						 enum kf_auth_refresh_action *action,
						 struct kf_error *err);

/* ---- permission sets and data scope (APP-3, AUTH-1, DATA-1) --------------- */

#define KF_AUTH_SETS_MAX KF_APP_PERMISSION_SETS_MAX

/* A permission set an app chose, as the operator's catalog describes it. */
struct kf_auth_set {
	int64_t id;      /* catalog id (funcscope_category id) */
	const char *key; /* catalog key ("messages"); borrowed; NULL where unused */
	bool required;   /* catalog optional = 0: the owner cannot deselect it */
};

/* A list of set ids without duplicates. */
struct kf_auth_sets {
	int64_t ids[KF_AUTH_SETS_MAX];
	size_t n;
};

/* True when s holds id. s NULL holds nothing. */
bool kf_auth_sets_contains(const struct kf_auth_sets *s, int64_t id);
/* True when a and b hold the same ids in any order (NULL = empty). */
bool kf_auth_sets_equal(const struct kf_auth_sets *a, const struct kf_auth_sets *b);

/*
 * The sets an owner grants on the consent page (APP-3, AUTH-1). asked: the
 * sets the app asks for (its live sets, or for OAuth those of its sets the
 * requested scope names); selected: every set the owner left checked,
 * required ones included (duplicates are ignored). granted gets the
 * selected sets in the order of asked. Errors, KF_EINVAL with rule AUTH-1
 * and field "permission_sets":
 *   unknown_permission_set   a selected id the app did not ask for (DATA-1:
 *                            nothing beyond what the app asked)
 *   required_permission_set  a required set is not selected
 *   no_permission_set        nothing selected (cancel instead)
 * and KF_EINTERNAL "too_many_items" when n_asked > KF_AUTH_SETS_MAX.
 * granted is emptied on error.
 */
KF_MUST_CHECK enum kf_err kf_auth_grant_sets(const struct kf_auth_set *asked, size_t n_asked,
					     const int64_t *selected, size_t n_selected,
					     struct kf_auth_sets *granted, struct kf_error *err);

/*
 * APP-7: the sets pending the owner's re-consent: those of the app's live
 * sets that were not offered when the owner last consented (offered = the
 * app's sets shown then, granted or deselected). Until the owner consents
 * again they are not granted. pending gets them in the order of live.
 */
void kf_auth_pending_sets(const struct kf_auth_sets *offered, const struct kf_auth_set *live,
			  size_t n_live, struct kf_auth_sets *pending);

/*
 * DATA-1: the granted sets the app may use now: granted sets the app still
 * asks for (an approved change may have dropped one), in the order of
 * granted.
 */
void kf_auth_effective_sets(const struct kf_auth_sets *granted, const struct kf_auth_set *live,
			    size_t n_live, struct kf_auth_sets *out);

#define KF_AUTH_MEMBERS_MAX 1000  /* visible members in one data scope */
#define KF_AUTH_MEMBER_ID_MAX 64  /* bytes of one member id */

/* The data the owner entrusts (AUTH-1): every member, or only the listed
 * ones (the host product's member ids; borrowed). */
struct kf_auth_data_scope {
	bool all_members;
	const char *const *member_ids;
	size_t n_member_ids;
};

/*
 * Check a data scope chosen on the consent page. known: the host account's
 * members (NULL = do not check membership). KF_OK or KF_EINVAL, rule AUTH-1:
 *   invalid_data_scope  field "data_scope": all_members with member ids
 *   too_many_items      field "data_scope.member_ids": over KF_AUTH_MEMBERS_MAX
 *   invalid_member_id   field "data_scope.member_ids": NULL, empty, over 64
 *                       bytes or not printable ASCII without spaces
 *                       (message names the 0-based index)
 *   duplicate_item      field "data_scope.member_ids"
 *   unknown_member      field "data_scope.member_ids": not in known
 * An empty list without all_members is valid: no member is visible.
 */
KF_MUST_CHECK enum kf_err kf_auth_data_scope_check(const struct kf_auth_data_scope *s,
						   const char *const *known, size_t n_known,
						   struct kf_error *err);

/* ---- authorization state (AUTH-2, AUTH-4, AUTH-5, APP-7, APP-10) ---------- */


/* "none", "active", "updated", "revoked"; NULL when out of range. */
const char *kf_auth_state_name(enum kf_auth_state s);
/* false (out untouched) for NULL or an unknown name. */
bool kf_auth_state_parse(const char *s, enum kf_auth_state *out);
/* Active or updated: the app may act for the host account. */
bool kf_auth_state_live(enum kf_auth_state s);

/* The authorization event to push (PROTOCOL.md §6). */
enum kf_auth_event {
	KF_AUTH_EVENT_NONE,
	KF_AUTH_EVENT_AUTHORIZED,
	KF_AUTH_EVENT_UPDATEAUTHORIZED,
	KF_AUTH_EVENT_UNAUTHORIZED,
};

/* The InfoType ("authorized", "updateauthorized", "unauthorized"); NULL
 * for NONE and out of range. */
const char *kf_auth_event_name(enum kf_auth_event e);

/* What the caller knows about the app and the host account (for
 * kf_app_may_authorize). */
struct kf_auth_app_facts {
	enum kf_app_state state;
	enum kf_app_audience audience;
	bool host_on_test_allowlist;
	bool host_is_providers_own;
	bool new_auth_closed; /* GOV-7: no new host accounts (existing ones go on) */
};

/* The result of a transition; the caller writes it in one transaction with
 * the audit row and the outbox row. */
struct kf_auth_change {
	enum kf_auth_state next;
	enum kf_auth_event event; /* to push through the outbox; NONE = none */
	bool sets_changed;        /* the granted sets differ from before */
	bool revoke_access;       /* revoke the authorization's access tokens now */
	bool revoke_refresh;      /* revoke its refresh tokens (authorizer and OAuth families) */
	bool revoke_codes;        /* revoke its codes issued before this change */
};

/*
 * The owner confirms the consent page. cur: the authorization's state
 * (NONE when there is none); old_granted: its granted sets (ignored unless
 * cur is live); new_granted: from kf_auth_grant_sets. The app must be
 * authorizable: kf_app_may_authorize(app->...) errors are returned as they
 * are (AUTH-4, AUTH-5, APP-10, APP-5, GOV-2, DATA-3).
 *   NONE or REVOKED -> active, event authorized, sets_changed, nothing to revoke
 *   ACTIVE or UPDATED -> updated; event updateauthorized only when the sets
 *     changed (PROTOCOL.md §6); revoke_refresh (the authorizer refresh token
 *     is invalid after re-authorization, PROTOCOL.md §1) and revoke_codes;
 *     revoke_access when a set granted before is no longer granted (DATA-1).
 * KF_EINVAL "invalid_state" for an out-of-range cur; KF_EINVAL
 * "no_permission_set" (AUTH-1) when new_granted is NULL or empty. out is
 * written only on KF_OK.
 */
KF_MUST_CHECK enum kf_err kf_auth_authorize(enum kf_auth_state cur,
					    const struct kf_auth_sets *old_granted,
					    const struct kf_auth_app_facts *app,
					    const struct kf_auth_sets *new_granted,
					    struct kf_auth_change *out, struct kf_error *err);

/*
 * AUTH-2: the owner revokes (or the app ends, DATA-3). ACTIVE or UPDATED ->
 * revoked, event unauthorized, revoke everything. Otherwise KF_ECONFLICT
 * "not_authorized" (rule AUTH-2). Allowed whatever the app's state.
 */
KF_MUST_CHECK enum kf_err kf_auth_revoke(enum kf_auth_state cur, struct kf_auth_change *out,
					 struct kf_error *err);

/*
 * May an app in this state call the component API or use its tokens
 * (checked on every call, PROTOCOL.md §2)? The same states that receive
 * verify tickets: developing, release_review, released and withdrawn
 * (GOV-2: existing authorizations keep working). Otherwise KF_EFORBIDDEN:
 *   app_not_approved (APP-5)  draft, creation_review   -> errcode 48001
 *   app_suspended    (AUTH-5) an operator's emergency stop -> errcode 48001
 *   app_delisted     (GOV-1)  existing installs stop   -> errcode 48001
 *   app_deleted      (DATA-3) deleted or unknown state -> errcode 61011
 */
KF_MUST_CHECK enum kf_err kf_auth_app_may_call(enum kf_app_state state, struct kf_error *err);

/*
 * May the app authenticate to introspect or revoke its own tokens (RFC 7662,
 * RFC 7009)? As kf_auth_app_may_call, and also while suspended: a resource
 * server asking about a suspended app's token then hears "inactive" rather
 * than an error, and the app can still give up its tokens.
 */
KF_MUST_CHECK enum kf_err kf_auth_app_may_inspect(enum kf_app_state state, struct kf_error *err);

/* What both front doors (the component API and /oauth/token) know about a
 * caller before they serve it. Borrowed pointers. */
struct kf_auth_door {
	enum kf_app_state state;          /* the app's state */
	const char *client_ip;            /* the caller's address (text), NULL = unknown */
	const char *const *ip_allowlist;  /* the app's live IP allowlist (APP-4): addresses or CIDR blocks */
	size_t n_ip_allowlist;            /* 0 = any address may call */
};

/*
 * The one check of both front doors, run on every component API call and on
 * every /oauth/token grant before the client's secret is looked at. In
 * this order:
 *   kf_auth_app_may_call(state)  its errors as they are (AUTH-5 for a
 *                                suspended app, APP-5, GOV-1, DATA-3)
 *   KF_EFORBIDDEN "ip_not_allowed" (rule APP-4, errcode 61004): the list
 *                is not empty and the caller's address is unknown or in
 *                none of its entries (unparsable entries match nothing)
 * Field NULL. KF_OK otherwise.
 */
KF_MUST_CHECK enum kf_err kf_auth_front_door(const struct kf_auth_door *d, struct kf_error *err);

/* ---- component API errors (PROTOCOL.md §4) -------------------------------- */

/*
 * The errcode and errmsg (static text; the caller appends " rid: <id>") for
 * an error name. True when name is in the table; false for NULL or an
 * unknown name, with -1 "system error". The table covers every name the
 * functions here return (app_not_approved and app_delisted -> 48001,
 * app_deleted -> 61011, token_revoked -> 40001, token_expired -> 42001,
 * refresh_token_* -> 61023, code_* -> 61009), the names for a lookup miss
 * ("token_unknown" 40001, "code_unknown" 61009), and these:
 *   system_error -1; invalid_credential 40001; invalid_appid, app_mismatch
 *   40013; invalid_access_token 40014; invalid_appsecret 40125;
 *   access_token_missing 41001; appid_missing 41002; appsecret_missing 41004;
 *   access_token_expired 42001; quota_exceeded 45009; data_format_error
 *   47001; api_unauthorized 48001; quota_reset_limit 48006;
 *   component_not_authorized 61003; ip_not_allowed 61004; ticket_expired
 *   61005; ticket_invalid 61006; permission_set_not_granted 61007;
 *   code_invalid 61009; invalid_component 61011; refresh_token_invalid 61023.
 * errcode and errmsg may be NULL.
 */
bool kf_auth_errcode(const char *name, int *errcode, const char **errmsg);

#endif

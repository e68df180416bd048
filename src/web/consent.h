/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pages of the authorization flow (AUTH-1), as pure renderers: each takes
 * a struct describing what to show and returns a complete HTML5 document
 * (UTF-8, NUL-terminated) allocated in a request arena. No I/O, no database,
 * no clock: the handlers of /cgi-bin/componentloginpage, /safe/bindcomponent
 * and /oauth/authorize decide what to show and render it with these.
 *
 * Pages (all plain HTML forms, no script at all, one constant stylesheet):
 *   kf_consent_render_signin   sign-in form (email or mobile + password)
 *   kf_consent_render          account picker + consent form
 *   kf_consent_render_refusal  why the app cannot be authorized, with rule id
 *   kf_consent_render_result   outcome, when no redirect is possible
 *
 * Escaping: every string in the views is treated as untrusted and escaped
 * (web/html.h), including hidden field names and values. URLs (action_url,
 * app_icon_url, app_website, back_url, continue_url) are checked with
 * kf_html_url_safe: only http(s) or relative. An unsafe optional URL is left
 * out of the page; an unsafe action_url makes the renderer return NULL.
 *
 * Return values: every renderer returns NULL only for a programming error in
 * the view (a required field missing, an unsafe action_url, a hidden field
 * whose name collides with the form's own fields, counts past the caps
 * below) or when the page would exceed KF_HTML_MAX; the handler answers 500
 * then. strlen() of the result is the body length; serve it as
 * "text/html; charset=utf-8" with the headers of kf_consent_csp().
 *
 * Forms: every form posts (method="post") to action_url, carries the hidden
 * fields given by the caller (the flow state: component_appid,
 * pre_auth_code, redirect_uri, auth_type, biz_appid, or the OAuth
 * parameters), KF_CONSENT_F_STEP and KF_CONSENT_F_CSRF. The field names the
 * handler reads back are the KF_CONSENT_F_* macros below.
 */
#ifndef KF_WEB_CONSENT_H
#define KF_WEB_CONSENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "web/i18n.h"

struct kf_arena;

/* Form field names (what the handler finds in the posted body). */
#define KF_CONSENT_F_STEP "step"                     /* KF_CONSENT_STEP_* */
#define KF_CONSENT_F_CSRF "csrf_token"
#define KF_CONSENT_F_LOGIN "login"                   /* sign-in: email or mobile */
#define KF_CONSENT_F_PASSWORD "password"             /* sign-in */
#define KF_CONSENT_F_ACCOUNT "account"               /* consent: the picked account id */
#define KF_CONSENT_F_SET "set"                       /* consent: repeated, one per set id */
#define KF_CONSENT_F_SCOPE "data_scope"              /* consent: KF_CONSENT_SCOPE_* */
#define KF_CONSENT_F_SCOPE_MEMBERS "data_scope_members" /* consent: free text of member ids */
#define KF_CONSENT_F_DECISION "decision"             /* consent: KF_CONSENT_DECISION_* */

#define KF_CONSENT_STEP_SIGNIN "signin"
#define KF_CONSENT_STEP_CONSENT "consent"
#define KF_CONSENT_STEP_SWITCH "switch"              /* "not you?": sign out, show the sign-in form again */
#define KF_CONSENT_SCOPE_ALL "all"
#define KF_CONSENT_SCOPE_SOME "some"
#define KF_CONSENT_DECISION_CONFIRM "confirm"
#define KF_CONSENT_DECISION_CANCEL "cancel"

/* Caps on the lists of a view (the caller filters first; past a cap the
 * renderer returns NULL rather than an unbounded page). */
#define KF_CONSENT_MAX_HIDDEN 32
#define KF_CONSENT_MAX_ACCOUNTS 500
#define KF_CONSENT_MAX_SETS 64
/* maxlength of the member-list text field. */
#define KF_CONSENT_MEMBERS_TEXT_MAX 4000

/* One hidden form field. name must not be one of the KF_CONSENT_F_* names;
 * value NULL leaves the field out (an absent flow parameter). */
struct kf_hidden {
	const char *name;
	const char *value;
};

/* ---------------------------------------------------------------- sign-in */

enum kf_signin_error {
	KF_SIGNIN_OK = 0,          /* no message */
	KF_SIGNIN_ERR_CREDENTIALS, /* unknown login or wrong password (one message for both) */
	KF_SIGNIN_ERR_MISSING,     /* a field left empty */
	KF_SIGNIN_ERR_LOCKED,      /* rate limited */
	KF_SIGNIN_ERR_EXPIRED,     /* the sign-in form's CSRF token failed: show a fresh form */
	KF_SIGNIN_ERR_SECOND_FACTOR, /* the account signs in with a second factor: on the console */
};

struct kf_signin_view {
	enum kf_lang lang;
	const char *site_name;     /* optional: the platform's name (option platform-name), in <title> and
				    * at the top of the page */
	const char *action_url;    /* required: where the form posts (normally the same URL) */
	const char *csrf;          /* required: token for KF_CONSENT_F_CSRF */
	const struct kf_hidden *hidden; /* flow state, n_hidden <= KF_CONSENT_MAX_HIDDEN */
	size_t n_hidden;
	const char *app_name;      /* optional: "<app> wants to connect…" */
	const char *login;         /* optional: prefill of the login field after a failure */
	const char *forgot_url;    /* optional "Forgot password?" link; left out unless http(s) or relative */
	enum kf_signin_error error;
};

/* Sign-in form: fields KF_CONSENT_F_LOGIN and KF_CONSENT_F_PASSWORD,
 * KF_CONSENT_F_STEP = KF_CONSENT_STEP_SIGNIN, the CSRF token and the hidden
 * fields. The password is never echoed. NULL on the conditions in the file
 * comment (action_url or csrf missing or unsafe). */
const char *kf_consent_render_signin(struct kf_arena *a, const struct kf_signin_view *v);

/* ---------------------------------------------------------------- consent */

/* Why the app would refuse an account (the handler decides with core's
 * kf_app_may_authorize); such an account is shown disabled with the reason,
 * so the owner does not pick it only to be refused. */
enum kf_consent_unavailable {
	KF_ACCOUNT_AVAILABLE = 0,
	KF_ACCOUNT_NOT_ON_TEST_LIST, /* AUTH-4: app not released, account not on its test list */
	KF_ACCOUNT_SELF_USE,         /* APP-10: self-use app, account of another organisation */
	KF_ACCOUNT_APP_UNAVAILABLE,  /* AUTH-5: the app cannot be authorized now */
	KF_ACCOUNT__COUNT
};

/* A host account of the signed-in user, already filtered by the caller
 * (owned or delegated admin, kind accepted by the app). */
struct kf_consent_account {
	const char *id;          /* required: submitted back verbatim as KF_CONSENT_F_ACCOUNT */
	const char *name;        /* required: display name */
	const char *kind;        /* optional: kind key; known kinds get a translated label */
	const char *kind_label;  /* optional: label shown instead of the kind key */
	bool already_authorized; /* show "already authorized; confirming updates it" */
	enum kf_consent_unavailable unavailable; /* not AVAILABLE: disabled, with the reason and rule */
};

/* A permission set the app asks for (APP-3, DATA-1). */
struct kf_consent_set {
	int64_t id;                 /* catalog id, submitted back as KF_CONSENT_F_SET */
	const char *name;           /* required */
	const char *description;    /* optional */
	const char *data_entrusted; /* optional: what the owner hands over (AUTH-1) */
	bool required;      /* shown ticked and disabled, submitted by a hidden input */
	bool deselected;    /* optional sets: start unticked (default: ticked) */
	bool is_new;        /* mark "new" (re-consent after an APP-7 change) */
};

/*
 * The data-scope control: which members' data the app may see. When shown,
 * the form posts KF_CONSENT_F_SCOPE = "all" or "some" and, with "some",
 * KF_CONSENT_F_SCOPE_MEMBERS = free text of member ids separated by commas
 * or spaces (parse it with kf_consent_parse_members). Leave it hidden when no
 * requested set entrusts member data.
 */
struct kf_consent_scope {
	bool show;
	bool some;           /* preselect "only these" (default: "all") */
	const char *members; /* optional: prefill of the member list */
};

struct kf_consent_view {
	enum kf_lang lang;
	const char *site_name;     /* optional: the platform's name, in <title> and at the top */
	const char *action_url;    /* required: where the form posts */
	const char *csrf;          /* required: also carried by the "not you?" form */
	const struct kf_hidden *hidden; /* flow state; n_hidden <= KF_CONSENT_MAX_HIDDEN */
	size_t n_hidden;

	const char *app_name;      /* required (APP-2) */
	const char *app_icon_url;  /* optional; left out unless http(s) or relative */
	const char *app_intro;     /* optional */
	const char *app_website;   /* optional link; left out unless http(s) or relative */
	const char *developer;     /* required: the provider's legal name */
	const char *listing_name;  /* optional: the released listing's name, shown when it differs */
	const char *listing_icon_url; /* optional: the released listing's logo, preferred to app_icon_url */
	bool in_testing;           /* app not released: say only test accounts may authorize */
	const char *user_label;    /* optional: who is signed in (email or name); with it the page
				    * offers "Not you? Switch account", a form posting
				    * KF_CONSENT_F_STEP = KF_CONSENT_STEP_SWITCH with the CSRF
				    * token and the hidden fields */

	/* 1..KF_CONSENT_MAX_ACCOUNTS accounts. With pinned (biz_appid given),
	 * exactly one, shown as text and submitted by a hidden input. Otherwise
	 * a radio list; unavailable accounts are disabled with their reason;
	 * the account whose id equals selected_id is preselected, the only
	 * available account always is, and with none preselected the browser
	 * asks for a choice before confirming (the "required" attribute). With
	 * no available account the confirm button is disabled. */
	const struct kf_consent_account *accounts;
	size_t n_accounts;
	bool pinned;
	const char *selected_id;   /* optional */

	/* 0..KF_CONSENT_MAX_SETS sets, shown in this order. */
	const struct kf_consent_set *sets;
	size_t n_sets;

	struct kf_consent_scope scope;
};

/*
 * The consent form (AUTH-1): the app (icon, name, developer, introduction,
 * website), the account choice, each permission set with its description
 * and the data it entrusts (required: hidden input + disabled ticked box;
 * optional: a checkbox the owner can untick), the data-scope control, the
 * flow's hidden fields, KF_CONSENT_F_STEP = KF_CONSENT_STEP_CONSENT, the
 * CSRF token, and two submit buttons named KF_CONSENT_F_DECISION with the
 * values "confirm" (first, the Enter key's default) and "cancel" (which
 * skips the browser's required-field check).
 *
 * The page only proposes; the handler must decide from the server's data:
 * granted sets = the app's required sets + (submitted ids ∩ the app's
 * optional sets); the account must be re-checked against the user's
 * accounts; unknown values are refused.
 */
const char *kf_consent_render(struct kf_arena *a, const struct kf_consent_view *v);

/* ---------------------------------------------------------------- refusal */

enum kf_refusal {
	KF_REFUSAL_NOT_ON_ALLOWLIST = 0, /* AUTH-4: unreleased app, account not on test allowlist */
	KF_REFUSAL_SELF_USE,          /* APP-10: self-use app, account of another provider */
	KF_REFUSAL_APP_UNAVAILABLE,   /* AUTH-5: app suspended or delisted */
	KF_REFUSAL_WRONG_REFERER,     /* APP-4: not reached from the initiation domain */
	KF_REFUSAL_CODE_INVALID,      /* AUTH-3: pre-auth code unknown, expired or used */
	KF_REFUSAL_UNKNOWN_APP,       /* APP-10: no app with this id (or client_id) */
	KF_REFUSAL_BAD_STATE,         /* AUTH-1: CSRF token or form state tampered or expired */
	KF_REFUSAL_KIND_NOT_ACCEPTED, /* AUTH-1: no account of a kind the app accepts (auth_type) */
	KF_REFUSAL_BAD_REDIRECT,      /* APP-4: redirect_uri off the initiation domain / not registered */
	KF_REFUSAL_NOT_ACCOUNT_ADMIN, /* AUTH-1: user neither owner nor delegated admin (biz_appid) */
	KF_REFUSAL_BAD_DECISION,      /* AUTH-1: consent form posted without an explicit confirm or cancel */
	KF_REFUSAL_WITHDRAWN,         /* GOV-2: the provider withdrew the app: no new installs */
	KF_REFUSAL_NEW_AUTH_CLOSED,   /* GOV-7: the operator closed the app to new authorizations */
	KF_REFUSAL_NOT_IN_MARKET,     /* APP-6: install from the marketplace of an app not released there */
	KF_REFUSAL__COUNT
};

struct kf_refusal_view {
	enum kf_lang lang;
	const char *site_name;   /* optional, in <title> */
	enum kf_refusal reason;  /* required */
	const char *app_name;    /* optional: shown when known */
	const char *back_url;    /* optional "Go back" link; left out unless http(s) or relative */
	const char *request_id;  /* optional: shown in the small print for support */
};

/* A page that says why the app cannot be authorized and what to do, in the
 * view's language, with the rule id and reason code in small print. NULL
 * only for a reason out of range. */
const char *kf_consent_render_refusal(struct kf_arena *a, const struct kf_refusal_view *v);

/* The rule id of a reason ("AUTH-4", …; static), the machine code
 * ("not_on_test_allowlist", …; static, for logs and tests) and the HTTP
 * status to send with the page (403, or 400 for a bad form state, decision
 * or redirect_uri, 404 for an unknown app). NULL / 500 out of range. */
const char *kf_consent_refusal_rule(enum kf_refusal reason);
const char *kf_consent_refusal_code(enum kf_refusal reason);
int kf_consent_refusal_status(enum kf_refusal reason);

/* ----------------------------------------------------------------- result */

enum kf_result {
	KF_RESULT_AUTHORIZED = 0,
	KF_RESULT_CANCELLED,
};

struct kf_result_view {
	enum kf_lang lang;
	const char *site_name;     /* optional, in <title> */
	enum kf_result outcome;
	const char *app_name;      /* optional */
	const char *account_name;  /* optional: the account authorized for */
	const char *continue_url;  /* optional "Return to the app" link; left out unless safe */
};

/* The outcome page for when no redirect is possible. NULL only for an
 * outcome out of range. */
const char *kf_consent_render_result(struct kf_arena *a, const struct kf_result_view *v);

/* ------------------------------------------------------- headers and CSRF */

/*
 * The Content-Security-Policy value for every page here: no script at all,
 * the one stylesheet allowed by its SHA-256 hash, images from self or https
 * (app icons), no framing (a consent page must never be clickjacked), no
 * <base>. Deliberately no form-action: Chrome applies it to the redirect
 * after the form post, which goes to the app's redirect_uri. In a; computed
 * on each call (a few microseconds).
 * Serve it with: Cache-Control: no-store, X-Frame-Options: DENY,
 * Referrer-Policy: same-origin (the page URL carries pre_auth_code).
 */
const char *kf_consent_csp(struct kf_arena *a);

#define KF_CONSENT_CSRF_KEY_BYTES 32

/*
 * Stateless CSRF token for one form: "1.<issued>.<tag>" where tag is
 * base64url(HMAC-SHA256(key, purpose, binding, issued, each flow name and
 * value)) with every field length-prefixed. purpose is KF_CONSENT_STEP_* (a
 * sign-in token does not pass as a consent token); binding ties the token to
 * one browser: the session's secret id after sign-in, or a random
 * pre-session cookie before it (double-submit); flow are the hidden fields
 * rendered in the same form, in the same order the handler will pass them
 * to kf_consent_csrf_verify (a NULL value counts as absent, distinct from
 * ""). The token is in a. All arguments required (flow may be NULL with
 * n_flow 0).
 */
char *kf_consent_csrf_new(struct kf_arena *a, const unsigned char key[KF_CONSENT_CSRF_KEY_BYTES],
			  const char *purpose, const char *binding, const struct kf_hidden *flow,
			  size_t n_flow, int64_t now);

/*
 * Check a token made by kf_consent_csrf_new against the same purpose,
 * binding and flow fields (as posted back). KF_OK, or KF_EAUTH when the
 * token is missing or malformed, the tag differs (constant-time compare),
 * it was issued more than max_age seconds before now, or more than 60
 * seconds in the future. Show KF_REFUSAL_BAD_STATE (or, for the sign-in
 * form, KF_SIGNIN_ERR_EXPIRED with a fresh form) on failure.
 */
KF_MUST_CHECK enum kf_err kf_consent_csrf_verify(const unsigned char key[KF_CONSENT_CSRF_KEY_BYTES],
						 const char *purpose, const char *binding,
						 const struct kf_hidden *flow, size_t n_flow,
						 const char *token, int64_t now, int64_t max_age);

/* ------------------------------------------------------------ data scope */

/*
 * Split the KF_CONSENT_F_SCOPE_MEMBERS text into member ids: separators are
 * ASCII commas, semicolons and whitespace, full-width "，" "；", the
 * ideographic comma "、" and space U+3000; empty items are skipped and
 * duplicates dropped (first occurrence kept). Each id is 1..64 bytes of
 * [A-Za-z0-9._@+-]. On KF_OK *out is an array of *n strings in a (NULL when
 * *n is 0). Errors (rule AUTH-1, field KF_CONSENT_F_SCOPE_MEMBERS):
 * KF_EINVAL "invalid_member_id" for an id with other characters or too
 * long, or text over 4 * KF_CONSENT_MEMBERS_TEXT_MAX bytes (the field's
 * maxlength counts characters); KF_ELIMIT
 * "too_many_members" past max ids. text NULL counts as "".
 */
KF_MUST_CHECK enum kf_err kf_consent_parse_members(struct kf_arena *a, const char *text, size_t max,
						   const char ***out, size_t *n, struct kf_error *err);

#endif

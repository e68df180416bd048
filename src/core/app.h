/* SPDX-License-Identifier: Apache-2.0 */
/*
 * App rules (APP-1..5, APP-10, APP-11, APP-13, AUTH-4, AUTH-5, GOV-2, REV-5)
 * as pure functions: the app configuration and its validation, the app state
 * machine, who may authorize an app, secret rotation and app ids.
 *
 *   draft -> creation_review -> developing -> release_review -> released
 *     ^            |               ^               |
 *     +-- reject --+               +--- reject ----+
 *   released  -> suspended | delisted | withdrawn
 *   suspended -> released | delisted     delisted -> released
 *   withdrawn -> released | suspended | delisted
 *   any state except deleted -> deleted
 *
 * A released app's pending change (APP-7) is a second config version under
 * review, not a state: the live config keeps serving.
 *
 * Errors name the rule and the JSON field path of the request
 * ("dev.message_url"). For an element of an array the field is the array's
 * path ("dev.ip_allowlist") and the message names the 0-based index
 * ("dev.ip_allowlist[3]: ..."). Messages never quote the caller's text.
 */
#ifndef KF_CORE_APP_H
#define KF_CORE_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/terms.h"

/* Caps on the configuration (bytes for strings, entries for arrays). */
#define KF_APP_NAME_MIN 2
#define KF_APP_NAME_MAX 64
#define KF_APP_INTRO_MAX 400
#define KF_APP_URL_MAX 1024
#define KF_APP_ICP_NO_MAX 64
#define KF_APP_AUDIENCE_MAX 16
#define KF_APP_HOST_MAX 253
#define KF_APP_TOKEN_MIN 3
#define KF_APP_TOKEN_MAX 32
#define KF_APP_AES_KEY_LEN 43
#define KF_APP_CIDR_MAX 63            /* = KF_CIDR_TEXT_MAX */
#define KF_APP_PERMISSION_SETS_MAX 32 /* APP-3 */
#define KF_APP_DOMAINS_MAX 20         /* each of server_domains, business_domains */
#define KF_APP_IP_ALLOWLIST_MAX 50
#define KF_APP_TEST_ALLOWLIST_CAP 100 /* storage; the policy limit is lower (APP-5) */
#define KF_APP_REDIRECT_URIS_MAX 10   /* = KF_OAUTH_REDIRECT_URIS_MAX */

#define KF_APP_MAX_APPS_DEFAULT 5           /* APP-1 */
#define KF_APP_MAX_TEST_ACCOUNTS_DEFAULT 10 /* APP-5 */
#define KF_APP_GRACE_MAX_SECONDS 86400      /* secret rotation, 0..24 h */

/* The literal that message_url may carry; replaced by the app id on push. */
#define KF_APP_APPID_PLACEHOLDER "$APPID$"

/*
 * The configuration as the API sends it (the member names are the JSON
 * names). Every string buffer holds two bytes more than its cap: a decoder
 * fills it with KF_APP_SET(c->name, text), which truncates to
 * sizeof(buf) - 1 bytes, so text longer than the cap stays long enough
 * (cap + 1 bytes) to be refused by kf_app_validate instead of being
 * silently cut to a valid value. An empty string means "not given". Every
 * string must be NUL-terminated inside its buffer (kf_app_validate returns
 * KF_EINTERNAL "unterminated_string" otherwise).
 * Every count may exceed its array: a decoder sets it to the length of the
 * JSON array and stores only the first entries that fit; validation refuses
 * an oversized count before it reads any entry.
 */
struct kf_app_dev {
	char auth_domain[KF_APP_HOST_MAX + 2];
	int64_t test_allowlist[KF_APP_TEST_ALLOWLIST_CAP]; /* host account ids */
	size_t n_test_allowlist;
	char auth_receive_url[KF_APP_URL_MAX + 2];
	char message_token[KF_APP_TOKEN_MAX + 2];
	char aes_key[KF_APP_AES_KEY_LEN + 2];
	char message_url[KF_APP_URL_MAX + 2]; /* may contain $APPID$ */
	char server_domains[KF_APP_DOMAINS_MAX][KF_APP_HOST_MAX + 2];
	size_t n_server_domains;
	char business_domains[KF_APP_DOMAINS_MAX][KF_APP_HOST_MAX + 2];
	size_t n_business_domains;
	char ip_allowlist[KF_APP_IP_ALLOWLIST_MAX][KF_APP_CIDR_MAX + 2];
	size_t n_ip_allowlist;
	/* OAuth 2.0: exact redirect URIs (RFC 9700) and whether the app is a
	 * public client (no secret; PKCE required). */
	char redirect_uris[KF_APP_REDIRECT_URIS_MAX][KF_APP_URL_MAX + 2];
	size_t n_redirect_uris;
	bool public_client;
};

struct kf_app_config {
	char name[KF_APP_NAME_MAX + 2];
	int64_t icon_file; /* id of an uploaded file; 0 = none */
	char intro[KF_APP_INTRO_MAX + 2];
	char website[KF_APP_URL_MAX + 2];
	char icp_no[KF_APP_ICP_NO_MAX + 2];
	char audience[KF_APP_AUDIENCE_MAX + 2]; /* "self_use" | "public" */
	int64_t permission_sets[KF_APP_PERMISSION_SETS_MAX]; /* catalog ids */
	size_t n_permission_sets;
	struct kf_app_dev dev;
};

/* Copy src (NULL = "") into dst[dstsize], cut to dstsize - 1 bytes, always
 * NUL-terminated. See struct kf_app_config for why cutting is safe. */
void kf_app_copy_str(char *dst, size_t dstsize, const char *src);
#define KF_APP_SET(buf, src) kf_app_copy_str((buf), sizeof(buf), (src))

/* Operator policy. Borrowed pointers must outlive the call. */
struct kf_app_policy {
	int max_apps;                       /* APP-1, default 5 */
	int max_test_accounts;              /* APP-5, default 10; clamped to the CAP */
	const struct kf_terms *marks;       /* APP-11: matcher of the term list protected_marks; NULL = none */
};

/* max_apps 5, max_test_accounts 10, no protected marks. */
struct kf_app_policy kf_app_policy_default(void);

/*
 * Facts about the provider and the operator that validation needs, gathered
 * by the caller. Borrowed pointers must outlive the call.
 *
 * http_ok decides whether a callback URL may use plain http: it is called
 * with the URL's host (lower case, IPv6 without brackets) only for http
 * URLs; NULL means https is always required. Handlers pass
 * kf_netpolicy_http_ok with http_ok_arg = the operator's allow list
 * (push.allow_networks, a const struct kf_cidr_list *): http is then
 * allowed for IP literals inside that list, so local development works and
 * nothing else loses TLS. The SSRF check of the resolved addresses is not
 * done here; the caller does it with kf_addr_allowed when a URL is saved
 * and before every connection.
 */
struct kf_app_context {
	const char *const *icp_domains; /* APP-2/4: the entity's ICP-filed domains */
	size_t n_icp_domains;
	const int64_t *catalog_ids; /* APP-3: permission set ids in the catalog */
	size_t n_catalog_ids;
	bool (*http_ok)(const char *host, const void *arg);
	const void *http_ok_arg;
};

enum kf_app_audience {
	KF_APP_AUDIENCE_SELF_USE,
	KF_APP_AUDIENCE_PUBLIC,
};

/* "self_use" / "public"; NULL when out of range. */
const char *kf_app_audience_name(enum kf_app_audience a);
/* false (out untouched) for NULL or anything else. */
bool kf_app_audience_parse(const char *s, enum kf_app_audience *out);

/*
 * Lower-case the host names (dev.auth_domain, dev.server_domains,
 * dev.business_domains; ASCII only) and rewrite each parseable
 * dev.ip_allowlist entry in canonical form (kf_cidr_format: "10.0.0.0/8").
 * Invalid values are left for kf_app_validate to refuse. Call it before
 * validating a config that will be stored.
 */
void kf_app_normalize(struct kf_app_config *c);

/*
 * Check a complete configuration (the one submitted for review). Returns
 * KF_OK or the first failure, KF_EINVAL with err->name / rule / field:
 *   missing_field          (the rule of the field) a required field is empty:
 *                          name, intro, website, icp_no, audience,
 *                          permission_sets, dev.auth_domain,
 *                          dev.auth_receive_url, dev.message_token,
 *                          dev.aes_key, dev.message_url,
 *                          dev.server_domains. icon_file, test_allowlist,
 *                          business_domains and ip_allowlist are optional.
 *   invalid_name           APP-2 name: 2..64 bytes of valid UTF-8, no control
 *                          characters, no leading or trailing white space
 *   protected_mark         APP-11 name, intro, website, dev.auth_domain,
 *                          dev.server_domains, dev.business_domains contain a
 *                          protected mark (see below)
 *   invalid_icon_file      APP-2 icon_file is negative
 *   invalid_intro          APP-2 intro over 400 bytes, not UTF-8, or control
 *                          characters other than TAB, LF, CR
 *   invalid_website        APP-2 website not an https URL on a host name
 *                          (no user info; a fragment is fine)
 *   website_not_filed      APP-2 website host is not ctx->icp_domains[i] or a
 *                          subdomain of one
 *   invalid_icp_no         APP-2 not "<province>ICP备<6..10 digits>号[-N]"
 *   invalid_audience       APP-10 not "self_use" or "public"
 *   too_many_items         APP-3 permission_sets over 32; APP-5
 *                          dev.test_allowlist over policy->max_test_accounts;
 *                          APP-4 domains over 20, dev.ip_allowlist over 50
 *   unknown_permission_set APP-3 an id not in ctx->catalog_ids
 *   duplicate_item         (rule of the list) the same entry twice
 *   invalid_test_account   APP-5 an id <= 0
 *   invalid_auth_domain    APP-4 not a host name or IP literal
 *   invalid_message_token  APP-4 not 3..32 of [A-Za-z0-9]
 *   invalid_aes_key        APP-4 not exactly 43 of [A-Za-z0-9+/]
 *   invalid_domain         APP-4 a server/business domain is not a host name
 *                          (business domains: not an IP literal either)
 *   business_domain_not_filed APP-4 a business domain is not ICP-filed
 *   invalid_url            APP-4 dev.auth_receive_url / dev.message_url is
 *                          over 1024 bytes, does not parse, has a scheme
 *                          other than http(s), no host or an invalid one,
 *                          user info, a fragment, a zone id, white space,
 *                          a backslash or non-ASCII bytes
 *   https_required         APP-4 http URL whose host ctx->http_ok refuses
 *   url_not_on_declared_domain APP-4 the URL host is not one of
 *                          dev.server_domains or a subdomain of one
 *   invalid_cidr           APP-4 a dev.ip_allowlist entry (kf_cidr_parse)
 * and KF_EINTERNAL "unterminated_string" (rule NULL) for a string that is
 * not NUL-terminated inside its buffer (a decoder bug).
 *
 * Host names: labels of 1..63 [A-Za-z0-9-] not starting or ending with '-',
 * at most 253 bytes, no trailing dot, at least two labels unless the name is
 * "localhost", and a last label that is not a number (digits, or 0x and hex digits, which a browser reads as an IPv4 address). Non-ASCII names
 * must be given in punycode ("xn--..."). Where an IP literal is accepted
 * (auth_domain, server_domains) it matches a URL host only exactly.
 * Comparison of hosts is ASCII case-insensitive.
 * The URL in message_url is checked with every "$APPID$" replaced by a
 * syntactically valid app id. URLs are parsed with libcurl's URL API
 * (no network).
 *
 * APP-11 matching is the term lists' (core/terms.h, the same matcher the
 * listing rules use): the text and each mark are brought to their
 * skeleton (NFKC, case-folded, without white space, punctuation, symbols
 * and format characters), and the text must not contain the mark.
 * Full-width, mixed-case and spaced-out variants ("Ｋａｉ-Fang") are
 * therefore caught; abbreviations, misspellings and other scripts must be
 * listed as marks of their own.
 *
 * policy NULL = kf_app_policy_default(); ctx NULL = empty context (nothing
 * is filed, nothing is in the catalog, http never allowed).
 */
KF_MUST_CHECK enum kf_err kf_app_validate(const struct kf_app_config *c,
					  const struct kf_app_policy *p,
					  const struct kf_app_context *ctx, struct kf_error *err);

/* As kf_app_validate, for a draft being saved: only name is required; every
 * other field is checked only when given (non-empty string, non-zero
 * count, non-zero icon_file). */
KF_MUST_CHECK enum kf_err kf_app_validate_draft(const struct kf_app_config *c,
						const struct kf_app_policy *p,
						const struct kf_app_context *ctx,
						struct kf_error *err);

/* APP-1: may a provider with this many non-deleted apps create another?
 * KF_OK, or KF_ECONFLICT "app_limit_reached" (rule APP-1, field NULL).
 * policy NULL = default. */
KF_MUST_CHECK enum kf_err kf_app_check_create(int existing_non_deleted_apps,
					      const struct kf_app_policy *p,
					      struct kf_error *err);

/*
 * APP-13: is new_cfg a second registration of one of `others` (the same
 * provider's other non-deleted apps; NULL entries are skipped)? KF_ECONFLICT
 * "duplicate_app" (rule APP-13) with field
 *   "name"                 the names are equal after NFKC, case folding,
 *                          trimming and collapsing white space;
 *   "dev.auth_receive_url" / "dev.message_url"  the URL equals either URL of
 *                          the other app, after lower-casing its scheme and
 *                          host (the path stays case-sensitive). A URL
 *                          containing $APPID$ names a different endpoint per
 *                          app and is never a duplicate.
 * Empty values never match. KF_OK otherwise.
 */
KF_MUST_CHECK enum kf_err kf_app_check_duplicate(const struct kf_app_config *new_cfg,
						 const struct kf_app_config *const *others,
						 size_t n, struct kf_error *err);

enum kf_app_state {
	KF_APP_DRAFT,
	KF_APP_CREATION_REVIEW,
	KF_APP_DEVELOPING,
	KF_APP_RELEASE_REVIEW,
	KF_APP_RELEASED,
	KF_APP_SUSPENDED,
	KF_APP_DELISTED,
	KF_APP_WITHDRAWN,
	KF_APP_DELETED,
};

/* Static name ("draft", "creation_review", "developing", "release_review",
 * "released", "suspended", "delisted", "withdrawn", "deleted"); NULL if out
 * of range. */
const char *kf_app_state_name(enum kf_app_state s);
/* false (out untouched) for NULL or an unknown name. */
bool kf_app_state_parse(const char *s, enum kf_app_state *out);

/* True when the diagram above has the edge from -> to (never from == to). */
bool kf_app_transition_allowed(enum kf_app_state from, enum kf_app_state to);

/*
 * APP-5: may the provider edit the app's configuration (a new draft)? Not
 * while the creation review runs: KF_ECONFLICT "under_review" (rule APP-5).
 */
KF_MUST_CHECK enum kf_err kf_app_check_edit(enum kf_app_state state, struct kf_error *err);

/*
 * May a draft configuration be put live directly? Only in development:
 * else KF_ECONFLICT "invalid_state", rule APP-7 for a released app (its
 * changes go through a change review) and APP-5 otherwise.
 */
KF_MUST_CHECK enum kf_err kf_app_check_activate(enum kf_app_state state, struct kf_error *err);

/*
 * APP-1, DATA-3: the owner deletes the app. Any state but deleted ->
 * deleted; else KF_ECONFLICT "invalid_state" (rule APP-1). *next written
 * only on KF_OK.
 */
KF_MUST_CHECK enum kf_err kf_app_delete(enum kf_app_state state, enum kf_app_state *next,
					struct kf_error *err);

/*
 * Submit for creation review (APP-5): only from draft, else KF_ECONFLICT
 * "invalid_state" (rule APP-5); the config must pass kf_app_validate with
 * policy and ctx (its error is returned as is). On KF_OK *next =
 * creation_review.
 */
KF_MUST_CHECK enum kf_err kf_app_submit_creation(enum kf_app_state state,
						 const struct kf_app_config *cfg,
						 const struct kf_app_policy *p,
						 const struct kf_app_context *ctx,
						 enum kf_app_state *next, struct kf_error *err);

/*
 * Creation review decision: only from creation_review (else KF_ECONFLICT
 * "invalid_state", rule REV-5). Approve -> developing (APP-5). Reject needs
 * n_reasons >= 1 (else KF_EINVAL "reasons_required", rule REV-5, field
 * "reasons") -> draft. *next is written only on KF_OK.
 */
KF_MUST_CHECK enum kf_err kf_app_creation_decided(enum kf_app_state state, bool approve,
						  size_t n_reasons, enum kf_app_state *next,
						  struct kf_error *err);

/*
 * Submit for release review (APP-6, APP-9): only from developing (else
 * KF_ECONFLICT "invalid_state", rule APP-6), and only without a draft
 * configuration that is not live yet (else KF_ECONFLICT "draft_pending",
 * rule APP-9, field "draft_config": the release tests the live one, so a
 * draft is put live or dropped first). On KF_OK *next = release_review.
 */
KF_MUST_CHECK enum kf_err kf_app_submit_release(enum kf_app_state state, bool draft_pending,
						enum kf_app_state *next, struct kf_error *err);

/*
 * Release review decision: only from release_review (else KF_ECONFLICT
 * "invalid_state", rule REV-5). Approve -> released (APP-6). Reject needs
 * n_reasons >= 1 (else KF_EINVAL "reasons_required", rule REV-5, field
 * "reasons") -> developing. *next is written only on KF_OK.
 */
KF_MUST_CHECK enum kf_err kf_app_release_decided(enum kf_app_state state, bool approve,
						 size_t n_reasons, enum kf_app_state *next,
						 struct kf_error *err);

/*
 * Withdraw a submission whose review is still pending (APP-6, APP-7): a
 * release (release true) only while the app is in release review (else
 * KF_ECONFLICT "invalid_state", rule APP-6), and then *next = developing,
 * so it can be fixed and submitted again; a change leaves the state as it
 * is (*next = state): the live version kept serving all along. A review
 * already decided is not withdrawn (KF_ECONFLICT "review_decided", rule
 * REV-1; review_pending false).
 */
KF_MUST_CHECK enum kf_err kf_app_withdraw_submission(enum kf_app_state state, bool release, bool review_pending,
						     enum kf_app_state *next, struct kf_error *err);

/*
 * Submit a change of a released app (APP-7): only while released (else
 * KF_ECONFLICT "invalid_state", rule APP-7), only when a draft
 * configuration or a draft listing differs from the live one (else
 * KF_ECONFLICT "nothing_to_review", rule APP-7) and not while another
 * change is under review (KF_ECONFLICT "change_pending", rule APP-7).
 * The state does not change: the live version keeps serving.
 */
KF_MUST_CHECK enum kf_err kf_app_submit_change(enum kf_app_state state, bool has_draft,
					       bool change_pending, struct kf_error *err);

/*
 * REV-4: may one more submission be made at now, given the times of the
 * earlier ones (ascending; those outside the window are ignored)? At most
 * limit submissions within any window_seconds (a rolling day by default).
 * True when allowed. When refused, *retry_at (may be NULL) is the first
 * moment another is allowed: when enough of the oldest in the window have
 * left it (the oldest + window when exactly limit are in it).
 * limit < 1 refuses everything with *retry_at = INT64_MAX.
 */
bool kf_app_submission_allowed(const int64_t *times, size_t n, int limit, int64_t window_seconds,
			       int64_t now, int64_t *retry_at);

/*
 * May this host account authorize (or install) the app now? KF_OK or
 * KF_EFORBIDDEN with, checked in this order:
 *   app_deleted        DATA-3  deleted (and any unknown state);
 *   app_suspended      AUTH-5  suspended;
 *   app_delisted       AUTH-5  delisted;
 *   app_withdrawn      GOV-2   withdrawn: no new authorizations;
 *   app_not_approved   APP-5   draft or creation_review;
 *   not_on_test_allowlist AUTH-4 developing or release_review and the host
 *                      account is not on the test allowlist;
 *   self_use_app       APP-10  a self_use app and a host account that is not
 *                      the provider's own (also in test mode).
 * An unknown audience is refused as self_use. Field NULL throughout.
 */
KF_MUST_CHECK enum kf_err kf_app_may_authorize(enum kf_app_state state,
					       bool host_on_test_allowlist,
					       enum kf_app_audience audience,
					       bool host_is_providers_own, struct kf_error *err);

/*
 * AUTH-5, GOV-7: the operator's emergency stop. May an app in state be
 * suspended, for a measure naming rule? An app that can call the APIs
 * (developing, release_review, released, withdrawn) can; *next = suspended
 * and the caller keeps state as the one to restore. Checked in this order:
 *   KF_EINVAL "invalid_rule" (field "rule"): rule is not a rule id of the
 *     catalog's shape: a known family (ONB, APP, REV, LST, GOV, AUTH, DATA,
 *     UX, NOTE), "-", 1 to 3 digits without a leading zero ("GOV-7")
 *   KF_ECONFLICT "already_suspended" (rule AUTH-5): state is suspended
 *   KF_ECONFLICT "invalid_state" (rule AUTH-5): any other state (draft and
 *     creation_review cannot call yet; delisted and deleted are ended)
 */
KF_MUST_CHECK enum kf_err kf_app_suspend(enum kf_app_state state, const char *rule,
					 enum kf_app_state *next, struct kf_error *err);

/*
 * Lift a suspension (GOV-6 restoration): only from suspended (else
 * KF_ECONFLICT "not_suspended", rule AUTH-5); *next = restore, the state
 * recorded at suspension, when it is one kf_app_suspend accepts, and
 * released otherwise (a row suspended before the state was recorded).
 */
KF_MUST_CHECK enum kf_err kf_app_unsuspend(enum kf_app_state state, enum kf_app_state restore,
					   enum kf_app_state *next, struct kf_error *err);

/* True when s has the shape of a rule id of the catalog (see kf_app_suspend). */
bool kf_app_rule_id_valid(const char *s);

/* Secret rotation grace: KF_OK for 0..86400 seconds, else KF_EINVAL
 * "invalid_grace" (rule APP-10, field "grace_seconds"). */
KF_MUST_CHECK enum kf_err kf_app_check_rotation_grace(int64_t grace_seconds,
						      struct kf_error *err);

/* End of the grace period of a secret revoked at revoked_at: revoked_at +
 * grace_seconds (saturating; a negative grace counts as 0). */
int64_t kf_app_secret_grace_until(int64_t revoked_at, int64_t grace_seconds);

/*
 * APP-10 rotation at now with grace_seconds: at most one earlier secret, the
 * one live until now, stays valid, until previous_valid_until
 * (kf_app_secret_grace_until(now, grace_seconds)). Every older secret still
 * in the grace of an earlier rotation ends at earlier_valid_until (= now):
 * a rotation never leaves two old secrets working, so an emergency rotation
 * (grace 0) cuts off every secret but the new one at once, whatever grace
 * earlier rotations gave.
 */
struct kf_app_rotation {
	int64_t previous_valid_until; /* the secret live until now */
	int64_t earlier_valid_until;  /* cap for secrets already in grace */
};
void kf_app_secret_rotation(int64_t now, int64_t grace_seconds, struct kf_app_rotation *out);

/* Is a secret valid at now? Not before created_at; a live secret
 * (revoked_at == 0) stays valid; a rotated one is valid while now <
 * grace_until (so a grace of 0 ends it at once). */
bool kf_app_secret_valid_at(int64_t created_at, int64_t revoked_at, int64_t grace_until,
			    int64_t now);

#define KF_APP_ID_LEN 18 /* "kf" + 16 lower-case hex digits */

/* Write "kf" + the 16 lower-case hex digits of random8 and a NUL to out. */
void kf_app_id_format(const unsigned char random8[8], char out[KF_APP_ID_LEN + 1]);
/* True for exactly "kf" followed by 16 lower-case hex digits. */
bool kf_app_id_valid(const char *s);

#endif

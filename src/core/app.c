/* SPDX-License-Identifier: Apache-2.0 */
/*
 * App rules. Validation is a table of checks (checks[]) run in order; each
 * check owns one field of the request, names its rule and its JSON path,
 * and refuses an oversized count before it reads any array entry, so the
 * fixed-size struct can never be read out of bounds. The app state machine
 * lives in one edge table (transitions[]) as in core/provider.c.
 *
 * No I/O: URLs are taken apart with libcurl's URL API, which never touches
 * the network; text is folded with utf8proc.
 */
#include "core/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <utf8proc.h>

#include "core/netpolicy.h"
#include "core/redirect.h"
#include "core/validate.h"

_Static_assert(KF_APP_CIDR_MAX == KF_CIDR_TEXT_MAX, "ip_allowlist entries are CIDR texts");

#define N_STATES ((int)KF_APP_DELETED + 1)

static const char *const state_names[N_STATES] = {
	[KF_APP_DRAFT] = "draft",
	[KF_APP_CREATION_REVIEW] = "creation_review",
	[KF_APP_DEVELOPING] = "developing",
	[KF_APP_RELEASE_REVIEW] = "release_review",
	[KF_APP_RELEASED] = "released",
	[KF_APP_SUSPENDED] = "suspended",
	[KF_APP_DELISTED] = "delisted",
	[KF_APP_WITHDRAWN] = "withdrawn",
	[KF_APP_DELETED] = "deleted",
};

/* Edges other than "-> deleted", which every state but deleted has. */
static const struct {
	enum kf_app_state from, to;
} transitions[] = {
	{ KF_APP_DRAFT, KF_APP_CREATION_REVIEW },       /* APP-5 submit */
	{ KF_APP_CREATION_REVIEW, KF_APP_DEVELOPING },  /* APP-5 approved */
	{ KF_APP_CREATION_REVIEW, KF_APP_DRAFT },       /* REV-5 rejected */
	{ KF_APP_DEVELOPING, KF_APP_RELEASE_REVIEW },   /* APP-6 submit */
	{ KF_APP_RELEASE_REVIEW, KF_APP_RELEASED },     /* APP-6/9 approved */
	{ KF_APP_RELEASE_REVIEW, KF_APP_DEVELOPING },   /* REV-5 rejected */
	{ KF_APP_RELEASED, KF_APP_SUSPENDED },          /* GOV-7, AUTH-5 */
	{ KF_APP_RELEASED, KF_APP_DELISTED },           /* GOV-1/3/5 */
	{ KF_APP_RELEASED, KF_APP_WITHDRAWN },          /* GOV-2 */
	{ KF_APP_SUSPENDED, KF_APP_RELEASED },          /* GOV-6 restoration */
	{ KF_APP_SUSPENDED, KF_APP_DELISTED },          /* GOV-4 escalation */
	{ KF_APP_DELISTED, KF_APP_RELEASED },           /* GOV-5 term ends */
	{ KF_APP_WITHDRAWN, KF_APP_RELEASED },          /* GOV-2 back on sale */
	{ KF_APP_WITHDRAWN, KF_APP_SUSPENDED },         /* GOV-7 */
	{ KF_APP_WITHDRAWN, KF_APP_DELISTED },          /* GOV-1/3/5 */
	/* the emergency stop reaches every app that can call the APIs, and
	 * lifting it restores the state it stopped (AUTH-5, GOV-6, GOV-7) */
	{ KF_APP_DEVELOPING, KF_APP_SUSPENDED },
	{ KF_APP_RELEASE_REVIEW, KF_APP_SUSPENDED },
	{ KF_APP_SUSPENDED, KF_APP_DEVELOPING },
	{ KF_APP_SUSPENDED, KF_APP_RELEASE_REVIEW },
	{ KF_APP_SUSPENDED, KF_APP_WITHDRAWN },
};

/* The 31 province-level abbreviations that open an ICP filing number. */
static const char *const icp_provinces[] = {
	"京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖",
	"鲁", "新", "苏", "浙", "赣", "鄂", "桂", "甘", "晋", "蒙", "陕",
	"吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static void out_of_memory(const char *where)
{
	fprintf(stderr, "kaifang: out of memory in %s\n", where);
	abort();
}

/* ---- text helpers ---------------------------------------------------- */

static bool is_white(utf8proc_int32_t cp)
{
	if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85)
		return true;
	utf8proc_category_t cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	       cat == UTF8PROC_CATEGORY_ZP;
}

/* Valid UTF-8 without control characters (TAB, LF and CR allowed when
 * newlines is set). */
static bool text_ok(const char *s, bool newlines)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate(p, left, &cp);
		if (r <= 0)
			return false;
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC &&
		    !(newlines && (cp == '\t' || cp == '\n' || cp == '\r')))
			return false;
		p += r;
		left -= r;
	}
	return true;
}

/* First and last code points of a non-empty valid UTF-8 string. */
static bool edges_white(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	utf8proc_int32_t cp = -1, first = -1;
	while (left > 0) {
		utf8proc_ssize_t r = utf8proc_iterate(p, left, &cp);
		if (r <= 0)
			return false;
		if (first < 0)
			first = cp;
		p += r;
		left -= r;
	}
	return first >= 0 && (is_white(first) || is_white(cp));
}

/* APP-13: NFKC + case fold + default ignorables removed, then white space
 * trimmed and collapsed to one space. malloc'd; NULL for invalid UTF-8. */
static char *fold(const char *s)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT |
					  UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (n == UTF8PROC_ERROR_NOMEM)
		out_of_memory("fold");
	if (n < 0)
		return NULL;
	char *res = malloc((size_t)n + 1);
	if (!res)
		out_of_memory("fold");
	size_t len = 0;
	bool pending = false;
	const utf8proc_uint8_t *p = m, *end = m + n;
	while (p < end) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate(p, end - p, &cp);
		if (r <= 0)
			break; /* cannot happen on utf8proc's own output */
		if (is_white(cp)) {
			pending = len > 0;
		} else {
			if (pending)
				res[len++] = ' ';
			pending = false;
			memcpy(res + len, p, (size_t)r);
			len += (size_t)r;
		}
		p += r;
	}
	res[len] = '\0';
	free(m);
	return res;
}

/* ---- hosts ----------------------------------------------------------- */

static bool is_ip_literal(const char *s)
{
	int family;
	unsigned char a[16];
	return s[0] != '[' && kf_addr_parse(s, &family, a);
}

/* See the header: LDH labels, <= 253 bytes, >= 2 labels unless localhost,
 * last label not a number (digits or 0x… hex). */
static bool host_name_valid(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > KF_APP_HOST_MAX)
		return false;
	if (strcasecmp(s, "localhost") == 0)
		return true;
	size_t labels = 0;
	const char *p = s;
	const char *last = s;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (!kf_validate_dns_label(p, n))
			return false;
		labels++;
		last = p;
		if (!dot)
			break;
		p = dot + 1;
	}
	/* a numeric top label (digits, or 0x… hex) makes a browser read the
	 * whole host as an address, not a name */
	return labels >= 2 && !kf_validate_numeric_label(last, strlen(last));
}

/* Equal hosts: IP literals by value, names ASCII case-insensitively. */
static bool same_host(const char *a, const char *b)
{
	int fa, fb;
	unsigned char xa[16], xb[16];
	bool ia = kf_addr_parse(a, &fa, xa), ib = kf_addr_parse(b, &fb, xb);
	if (ia || ib)
		return ia && ib && fa == fb && memcmp(xa, xb, 16) == 0;
	return strcasecmp(a, b) == 0;
}

/* host equals domain or is a subdomain of it (names only for the latter). */
static bool host_on_domain(const char *host, const char *domain)
{
	if (!domain || domain[0] == '\0')
		return false;
	if (same_host(host, domain))
		return true;
	if (is_ip_literal(host) || is_ip_literal(domain))
		return false;
	size_t hl = strlen(host), dl = strlen(domain);
	return hl > dl + 1 && host[hl - dl - 1] == '.' && strcasecmp(host + hl - dl, domain) == 0;
}

static bool host_in_list(const char *host, const char *const *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		if (list[i] && host_on_domain(host, list[i]))
			return true;
	}
	return false;
}

/* ---- URLs ------------------------------------------------------------ */

struct url {
	bool https;
	char host[KF_APP_HOST_MAX + 1]; /* lower case; IPv6 without brackets */
	bool host_is_ip;
};

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Take an absolute http(s) URL apart; false when it is not one we accept
 * (see kf_app_validate: no user info, no zone id, no fragment unless
 * allowed, printable ASCII only, a host that is a valid name or IP
 * literal). */
static bool url_parse(const char *s, bool allow_fragment, struct url *out)
{
	CURLU *h = NULL;
	char *part = NULL;
	bool ok = false;

	for (const char *q = s; *q; q++) {
		unsigned char ch = (unsigned char)*q;
		if (ch <= 0x20 || ch >= 0x7f || ch == '\\')
			return false;
	}
	const char *rest;
	if (has_prefix_ci(s, "https://"))
		rest = s + 8;
	else if (has_prefix_ci(s, "http://"))
		rest = s + 7;
	else
		return false;
	if (rest[0] == '\0' || rest[0] == '/' || rest[0] == '?' || rest[0] == '#')
		return false; /* curl would take "https:///x" as host x */

	h = curl_url();
	if (!h)
		out_of_memory("url_parse");
	if (curl_url_set(h, CURLUPART_URL, s, 0) != CURLUE_OK)
		goto out;
	static const CURLUPart forbidden[] = { CURLUPART_USER, CURLUPART_PASSWORD,
					       CURLUPART_OPTIONS, CURLUPART_ZONEID,
					       CURLUPART_FRAGMENT };
	size_t n_forbidden = ARRAY_LEN(forbidden) - (allow_fragment ? 1 : 0);
	for (size_t i = 0; i < n_forbidden; i++) {
		if (curl_url_get(h, forbidden[i], &part, 0) == CURLUE_OK) {
			curl_free(part);
			part = NULL;
			goto out;
		}
	}
	if (curl_url_get(h, CURLUPART_SCHEME, &part, 0) != CURLUE_OK)
		goto out;
	if (strcasecmp(part, "https") == 0)
		out->https = true;
	else if (strcasecmp(part, "http") == 0)
		out->https = false;
	else
		goto out;
	curl_free(part);
	part = NULL;
	if (curl_url_get(h, CURLUPART_HOST, &part, 0) != CURLUE_OK)
		goto out;
	const char *host = part;
	size_t len = strlen(host);
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		host++;
		len -= 2;
	}
	if (len == 0 || len > KF_APP_HOST_MAX)
		goto out;
	memcpy(out->host, host, len);
	out->host[len] = '\0';
	for (char *c = out->host; *c; c++) {
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	}
	int family;
	unsigned char addr[16];
	out->host_is_ip = kf_addr_parse(out->host, &family, addr);
	ok = out->host_is_ip || host_name_valid(out->host);
out:
	curl_free(part);
	curl_url_cleanup(h);
	return ok;
}

/* s with every $APPID$ replaced by a well-formed app id; malloc'd. */
static char *substitute_appid(const char *s)
{
	static const char sample[] = "kf0000000000000000";
	const size_t pl = strlen(KF_APP_APPID_PLACEHOLDER), sl = strlen(sample);
	size_t count = 0;
	for (const char *q = strstr(s, KF_APP_APPID_PLACEHOLDER); q;
	     q = strstr(q + pl, KF_APP_APPID_PLACEHOLDER))
		count++;
	char *res = malloc(strlen(s) + count * (sl - pl) + 1);
	if (!res)
		out_of_memory("substitute_appid");
	char *w = res;
	for (;;) {
		const char *q = strstr(s, KF_APP_APPID_PLACEHOLDER);
		size_t n = q ? (size_t)(q - s) : strlen(s);
		memcpy(w, s, n);
		w += n;
		if (!q)
			break;
		memcpy(w, sample, sl);
		w += sl;
		s = q + pl;
	}
	*w = '\0';
	return res;
}

/* ---- validation ------------------------------------------------------ */

struct vargs {
	const struct kf_app_config *c;
	const struct kf_app_policy *p;
	const struct kf_app_context *ctx;
	bool complete; /* false: draft, empty fields are not checked */
	struct kf_error *err;
};

/* An empty field: an error in a complete config, nothing to check in a
 * draft. */
static enum kf_err absent(const struct vargs *a, const char *rule, const char *field)
{
	if (!a->complete)
		return KF_OK;
	return kf_error_set(a->err, KF_EINVAL, "missing_field", rule, field, "%s is required",
			    field);
}

static enum kf_err too_many(const struct vargs *a, const char *rule, const char *field,
			    size_t max)
{
	return kf_error_set(a->err, KF_EINVAL, "too_many_items", rule, field,
			    "%s may have at most %zu entries", field, max);
}

static enum kf_err duplicate(const struct vargs *a, const char *rule, const char *field,
			     size_t i, size_t j)
{
	return kf_error_set(a->err, KF_EINVAL, "duplicate_item", rule, field,
			    "%s[%zu] repeats %s[%zu]", field, j, field, i);
}

/* APP-11 on one text; index is the array index or SIZE_MAX. */
static enum kf_err check_marks(const struct vargs *a, const char *text, const char *field,
			       size_t index)
{
	const char *mark = NULL;
	if (!kf_terms_find(a->p->marks, text, &mark))
		return KF_OK;
	if (index == SIZE_MAX)
		return kf_error_set(a->err, KF_EINVAL, "protected_mark", "APP-11", field,
				    "%s uses the platform's protected mark '%s' or a variant of it", field, mark);
	return kf_error_set(a->err, KF_EINVAL, "protected_mark", "APP-11", field,
			    "%s[%zu] uses the platform's protected mark '%s' or a variant of it", field, index, mark);
}

static enum kf_err check_name(const struct vargs *a)
{
	const char *s = a->c->name;
	size_t len = strlen(s);

	/* Even a draft needs a name: it identifies the app (APP-13). */
	if (len == 0)
		return kf_error_set(a->err, KF_EINVAL, "missing_field", "APP-2", "name",
				    "name is required");
	if (len < KF_APP_NAME_MIN || len > KF_APP_NAME_MAX)
		return kf_error_set(a->err, KF_EINVAL, "invalid_name", "APP-2", "name",
				    "name must be %d to %d bytes long", KF_APP_NAME_MIN,
				    KF_APP_NAME_MAX);
	if (!text_ok(s, false))
		return kf_error_set(a->err, KF_EINVAL, "invalid_name", "APP-2", "name",
				    "name must be valid UTF-8 without control characters");
	if (edges_white(s))
		return kf_error_set(a->err, KF_EINVAL, "invalid_name", "APP-2", "name",
				    "name must not begin or end with white space");
	return check_marks(a, s, "name", SIZE_MAX);
}

static enum kf_err check_icon(const struct vargs *a)
{
	if (a->c->icon_file < 0)
		return kf_error_set(a->err, KF_EINVAL, "invalid_icon_file", "APP-2", "icon_file",
				    "icon_file must be the id of an uploaded file");
	return KF_OK;
}

static enum kf_err check_intro(const struct vargs *a)
{
	const char *s = a->c->intro;
	if (s[0] == '\0')
		return absent(a, "APP-2", "intro");
	if (strlen(s) > KF_APP_INTRO_MAX)
		return kf_error_set(a->err, KF_EINVAL, "invalid_intro", "APP-2", "intro",
				    "intro must be at most %d bytes long", KF_APP_INTRO_MAX);
	if (!text_ok(s, true))
		return kf_error_set(a->err, KF_EINVAL, "invalid_intro", "APP-2", "intro",
				    "intro must be valid UTF-8 without control characters");
	return check_marks(a, s, "intro", SIZE_MAX);
}

static enum kf_err check_website(const struct vargs *a)
{
	const char *s = a->c->website;
	struct url u;
	if (s[0] == '\0')
		return absent(a, "APP-2", "website");
	if (strlen(s) > KF_APP_URL_MAX || !url_parse(s, true, &u) || !u.https || u.host_is_ip)
		return kf_error_set(a->err, KF_EINVAL, "invalid_website", "APP-2", "website",
				    "website must be an https URL on a domain name (at most %d "
				    "bytes)", KF_APP_URL_MAX);
	if (!host_in_list(u.host, a->ctx->icp_domains, a->ctx->n_icp_domains))
		return kf_error_set(a->err, KF_EINVAL, "website_not_filed", "APP-2", "website",
				    "the website's domain has no ICP filing recorded for the "
				    "provider's entity");
	return check_marks(a, u.host, "website", SIZE_MAX);
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* "<province>ICP备<6..10 digits>号" with an optional "-N" (N 1..9999). */
static bool icp_no_valid(const char *s)
{
	bool province = false;
	for (size_t i = 0; i < ARRAY_LEN(icp_provinces); i++) {
		size_t n = strlen(icp_provinces[i]);
		if (strncmp(s, icp_provinces[i], n) == 0) {
			s += n;
			province = true;
			break;
		}
	}
	if (!province || strncmp(s, "ICP备", strlen("ICP备")) != 0)
		return false;
	s += strlen("ICP备");
	size_t digits = 0;
	while (is_digit(s[digits]))
		digits++;
	if (digits < 6 || digits > 10)
		return false;
	s += digits;
	if (strncmp(s, "号", strlen("号")) != 0)
		return false;
	s += strlen("号");
	if (*s == '\0')
		return true;
	if (*s++ != '-' || *s == '0')
		return false;
	digits = 0;
	while (is_digit(s[digits]))
		digits++;
	return digits >= 1 && digits <= 4 && s[digits] == '\0';
}

static enum kf_err check_icp_no(const struct vargs *a)
{
	if (a->c->icp_no[0] == '\0')
		return absent(a, "APP-2", "icp_no");
	if (!icp_no_valid(a->c->icp_no))
		return kf_error_set(a->err, KF_EINVAL, "invalid_icp_no", "APP-2", "icp_no",
				    "icp_no must look like 京ICP备12345678号 or 京ICP备12345678号-1");
	return KF_OK;
}

static enum kf_err check_audience(const struct vargs *a)
{
	enum kf_app_audience aud;
	if (a->c->audience[0] == '\0')
		return absent(a, "APP-10", "audience");
	if (!kf_app_audience_parse(a->c->audience, &aud))
		return kf_error_set(a->err, KF_EINVAL, "invalid_audience", "APP-10", "audience",
				    "audience must be 'self_use' or 'public'");
	return KF_OK;
}

static enum kf_err check_permission_sets(const struct vargs *a)
{
	const struct kf_app_config *c = a->c;
	const struct kf_app_context *ctx = a->ctx;
	if (c->n_permission_sets == 0)
		return absent(a, "APP-3", "permission_sets");
	if (c->n_permission_sets > KF_APP_PERMISSION_SETS_MAX)
		return too_many(a, "APP-3", "permission_sets", KF_APP_PERMISSION_SETS_MAX);
	for (size_t i = 0; i < c->n_permission_sets; i++) {
		int64_t id = c->permission_sets[i];
		bool known = false;
		for (size_t k = 0; ctx->catalog_ids && k < ctx->n_catalog_ids; k++)
			known = known || ctx->catalog_ids[k] == id;
		if (!known)
			return kf_error_set(a->err, KF_EINVAL, "unknown_permission_set", "APP-3",
					    "permission_sets",
					    "permission_sets[%zu]: %lld is not in the catalog", i,
					    (long long)id);
		for (size_t j = 0; j < i; j++) {
			if (c->permission_sets[j] == id)
				return duplicate(a, "APP-3", "permission_sets", j, i);
		}
	}
	return KF_OK;
}

static enum kf_err check_auth_domain(const struct vargs *a)
{
	const char *s = a->c->dev.auth_domain;
	if (s[0] == '\0')
		return absent(a, "APP-4", "dev.auth_domain");
	if (!is_ip_literal(s) && !host_name_valid(s))
		return kf_error_set(a->err, KF_EINVAL, "invalid_auth_domain", "APP-4",
				    "dev.auth_domain",
				    "dev.auth_domain must be a bare host name such as "
				    "auth.example.com (no scheme, port or path)");
	return check_marks(a, s, "dev.auth_domain", SIZE_MAX);
}

static enum kf_err check_test_allowlist(const struct vargs *a)
{
	const struct kf_app_dev *d = &a->c->dev;
	int pmax = a->p->max_test_accounts;
	size_t max = pmax < 0 ? 0 : (size_t)pmax;
	if (max > KF_APP_TEST_ALLOWLIST_CAP)
		max = KF_APP_TEST_ALLOWLIST_CAP;
	if (d->n_test_allowlist > max)
		return too_many(a, "APP-5", "dev.test_allowlist", max);
	for (size_t i = 0; i < d->n_test_allowlist; i++) {
		if (d->test_allowlist[i] <= 0)
			return kf_error_set(a->err, KF_EINVAL, "invalid_test_account", "APP-5",
					    "dev.test_allowlist",
					    "dev.test_allowlist[%zu] must be a host account id", i);
		for (size_t j = 0; j < i; j++) {
			if (d->test_allowlist[j] == d->test_allowlist[i])
				return duplicate(a, "APP-5", "dev.test_allowlist", j, i);
		}
	}
	return KF_OK;
}

static enum kf_err check_message_token(const struct vargs *a)
{
	const char *s = a->c->dev.message_token;
	size_t len = strlen(s);
	if (len == 0)
		return absent(a, "APP-4", "dev.message_token");
	bool ok = len >= KF_APP_TOKEN_MIN && len <= KF_APP_TOKEN_MAX;
	for (size_t i = 0; ok && i < len; i++) {
		char ch = s[i];
		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch);
	}
	if (!ok)
		return kf_error_set(a->err, KF_EINVAL, "invalid_message_token", "APP-4",
				    "dev.message_token",
				    "dev.message_token must be %d to %d letters and digits",
				    KF_APP_TOKEN_MIN, KF_APP_TOKEN_MAX);
	return KF_OK;
}

static enum kf_err check_aes_key(const struct vargs *a)
{
	const char *s = a->c->dev.aes_key;
	size_t len = strlen(s);
	if (len == 0)
		return absent(a, "APP-4", "dev.aes_key");
	bool ok = len == KF_APP_AES_KEY_LEN;
	for (size_t i = 0; ok && i < len; i++) {
		char ch = s[i];
		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) ||
		     ch == '+' || ch == '/';
	}
	if (!ok)
		return kf_error_set(a->err, KF_EINVAL, "invalid_aes_key", "APP-4", "dev.aes_key",
				    "dev.aes_key must be exactly %d characters of the base64 "
				    "alphabet (A-Z a-z 0-9 + /)", KF_APP_AES_KEY_LEN);
	return KF_OK;
}

/* server_domains and business_domains share this check. */
static enum kf_err check_domains(const struct vargs *a, const char (*v)[KF_APP_HOST_MAX + 2],
				 size_t n, const char *field, bool business)
{
	if (n > KF_APP_DOMAINS_MAX)
		return too_many(a, "APP-4", field, KF_APP_DOMAINS_MAX);
	for (size_t i = 0; i < n; i++) {
		const char *s = v[i];
		bool ip = is_ip_literal(s);
		if ((business && ip) || (!ip && !host_name_valid(s)))
			return kf_error_set(a->err, KF_EINVAL, "invalid_domain", "APP-4", field,
					    "%s[%zu] must be a host name%s", field, i,
					    business ? "" : " or an IP address");
		for (size_t j = 0; j < i; j++) {
			if (same_host(v[j], s))
				return duplicate(a, "APP-4", field, j, i);
		}
		if (business && !host_in_list(s, a->ctx->icp_domains, a->ctx->n_icp_domains))
			return kf_error_set(a->err, KF_EINVAL, "business_domain_not_filed", "APP-4",
					    field,
					    "%s[%zu] has no ICP filing recorded for the provider's "
					    "entity", field, i);
		enum kf_err rc = check_marks(a, s, field, i);
		if (rc != KF_OK)
			return rc;
	}
	return KF_OK;
}

static enum kf_err check_server_domains(const struct vargs *a)
{
	const struct kf_app_dev *d = &a->c->dev;
	if (d->n_server_domains == 0)
		return absent(a, "APP-4", "dev.server_domains");
	return check_domains(a, d->server_domains, d->n_server_domains, "dev.server_domains",
			     false);
}

static enum kf_err check_business_domains(const struct vargs *a)
{
	const struct kf_app_dev *d = &a->c->dev;
	return check_domains(a, d->business_domains, d->n_business_domains,
			     "dev.business_domains", true);
}

static enum kf_err check_endpoint(const struct vargs *a, const char *s, const char *field,
				  bool has_template)
{
	const struct kf_app_dev *d = &a->c->dev;
	enum kf_err rc = KF_OK;
	char *expanded = NULL;
	struct url u;

	if (s[0] == '\0')
		return absent(a, "APP-4", field);
	if (strlen(s) > KF_APP_URL_MAX)
		return kf_error_set(a->err, KF_EINVAL, "invalid_url", "APP-4", field,
				    "%s must be at most %d bytes long", field, KF_APP_URL_MAX);
	if (has_template)
		s = expanded = substitute_appid(s);
	if (!url_parse(s, false, &u)) {
		rc = kf_error_set(a->err, KF_EINVAL, "invalid_url", "APP-4", field,
				  "%s must be an absolute https URL with a host name or IP address "
				  "and no user name, password or fragment", field);
		goto out;
	}
	if (!u.https && !(a->ctx->http_ok && a->ctx->http_ok(u.host, a->ctx->http_ok_arg))) {
		rc = kf_error_set(a->err, KF_EINVAL, "https_required", "APP-4", field,
				  "%s must use https (plain http only for addresses the operator "
				  "allows)", field);
		goto out;
	}
	bool on = false;
	for (size_t i = 0; !on && i < d->n_server_domains && i < KF_APP_DOMAINS_MAX; i++)
		on = host_on_domain(u.host, d->server_domains[i]);
	if (!on)
		rc = kf_error_set(a->err, KF_EINVAL, "url_not_on_declared_domain", "APP-4", field,
				  "the host of %s is not one of dev.server_domains or a subdomain "
				  "of one", field);
out:
	free(expanded);
	return rc;
}

static enum kf_err check_auth_receive_url(const struct vargs *a)
{
	return check_endpoint(a, a->c->dev.auth_receive_url, "dev.auth_receive_url", false);
}

static enum kf_err check_message_url(const struct vargs *a)
{
	return check_endpoint(a, a->c->dev.message_url, "dev.message_url", true);
}

static enum kf_err check_ip_allowlist(const struct vargs *a)
{
	const struct kf_app_dev *d = &a->c->dev;
	struct kf_cidr seen[KF_APP_IP_ALLOWLIST_MAX];
	if (d->n_ip_allowlist > KF_APP_IP_ALLOWLIST_MAX)
		return too_many(a, "APP-4", "dev.ip_allowlist", KF_APP_IP_ALLOWLIST_MAX);
	for (size_t i = 0; i < d->n_ip_allowlist; i++) {
		struct kf_error e;
		if (kf_cidr_parse(d->ip_allowlist[i], &seen[i], &e) != KF_OK)
			return kf_error_set(a->err, KF_EINVAL, "invalid_cidr", "APP-4",
					    "dev.ip_allowlist", "dev.ip_allowlist[%zu]: %s", i,
					    e.msg);
		for (size_t j = 0; j < i; j++) {
			if (seen[j].family == seen[i].family && seen[j].prefix == seen[i].prefix &&
			    memcmp(seen[j].addr, seen[i].addr, sizeof(seen[i].addr)) == 0)
				return duplicate(a, "APP-4", "dev.ip_allowlist", j, i);
		}
	}
	return KF_OK;
}

static bool terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

/* Every string the other checks read is NUL-terminated inside its buffer
 * (a decoder bug otherwise, hence KF_EINTERNAL). */
static enum kf_err check_terminated(const struct vargs *a)
{
	const struct kf_app_config *c = a->c;
	const struct kf_app_dev *d = &c->dev;
#define TERM(buf, field)                                                                       \
	do {                                                                                   \
		if (!terminated((buf), sizeof(buf)))                                           \
			return kf_error_set(a->err, KF_EINTERNAL, "unterminated_string", NULL, \
					    (field), "%s is not NUL-terminated", (field));     \
	} while (0)
	TERM(c->name, "name");
	TERM(c->intro, "intro");
	TERM(c->website, "website");
	TERM(c->icp_no, "icp_no");
	TERM(c->audience, "audience");
	TERM(d->auth_domain, "dev.auth_domain");
	TERM(d->auth_receive_url, "dev.auth_receive_url");
	TERM(d->message_token, "dev.message_token");
	TERM(d->aes_key, "dev.aes_key");
	TERM(d->message_url, "dev.message_url");
	for (size_t i = 0; i < min_size(d->n_server_domains, KF_APP_DOMAINS_MAX); i++)
		TERM(d->server_domains[i], "dev.server_domains");
	for (size_t i = 0; i < min_size(d->n_business_domains, KF_APP_DOMAINS_MAX); i++)
		TERM(d->business_domains[i], "dev.business_domains");
	for (size_t i = 0; i < min_size(d->n_ip_allowlist, KF_APP_IP_ALLOWLIST_MAX); i++)
		TERM(d->ip_allowlist[i], "dev.ip_allowlist");
#undef TERM
	return KF_OK;
}

/* OAuth redirect URIs: each absolute, https (http only for loopback), no
 * fragment, no duplicates (core/redirect.c judges them). */
static enum kf_err check_redirect_uris(const struct vargs *a)
{
	const struct kf_app_dev *d = &a->c->dev;
	if (d->n_redirect_uris > KF_APP_REDIRECT_URIS_MAX)
		return too_many(a, "APP-4", "dev.redirect_uris", KF_APP_REDIRECT_URIS_MAX);
	const char *uris[KF_APP_REDIRECT_URIS_MAX];
	for (size_t i = 0; i < d->n_redirect_uris; i++) {
		if (!terminated(d->redirect_uris[i], sizeof(d->redirect_uris[i])))
			return kf_error_set(a->err, KF_EINTERNAL, "unterminated_string", NULL, "dev.redirect_uris",
					    "dev.redirect_uris[%zu] is not terminated", i);
		uris[i] = d->redirect_uris[i];
	}
	struct kf_error e = {0};
	if (kf_redirect_register_list_check(uris, d->n_redirect_uris, &e) != KF_OK)
		return kf_error_set(a->err, e.code, e.name, "APP-4", "dev.redirect_uris", "%s", e.msg);
	return KF_OK;
}

/* Order of the checks = order of the errors a caller sees first. Domains
 * come before the URLs that must lie on them. */
static enum kf_err (*const checks[])(const struct vargs *) = {
	check_terminated,
	check_name,
	check_icon,
	check_intro,
	check_website,
	check_icp_no,
	check_audience,
	check_permission_sets,
	check_auth_domain,
	check_test_allowlist,
	check_message_token,
	check_aes_key,
	check_server_domains,
	check_business_domains,
	check_auth_receive_url,
	check_message_url,
	check_ip_allowlist,
	check_redirect_uris,
};

static enum kf_err validate(const struct kf_app_config *c, const struct kf_app_policy *p,
			    const struct kf_app_context *ctx, bool complete, struct kf_error *err)
{
	static const struct kf_app_context empty_ctx;
	struct kf_app_policy def = kf_app_policy_default();
	struct vargs a = {
		.c = c,
		.p = p ? p : &def,
		.ctx = ctx ? ctx : &empty_ctx,
		.complete = complete,
		.err = err,
	};
	if (!c)
		return kf_error_set(err, KF_EINVAL, "missing_field", NULL, NULL,
				    "no configuration given");
	for (size_t i = 0; i < ARRAY_LEN(checks); i++) {
		enum kf_err rc = checks[i](&a);
		if (rc != KF_OK)
			return rc;
	}
	return KF_OK;
}

enum kf_err kf_app_validate(const struct kf_app_config *c, const struct kf_app_policy *p,
			    const struct kf_app_context *ctx, struct kf_error *err)
{
	return validate(c, p, ctx, true, err);
}

enum kf_err kf_app_validate_draft(const struct kf_app_config *c, const struct kf_app_policy *p,
				  const struct kf_app_context *ctx, struct kf_error *err)
{
	return validate(c, p, ctx, false, err);
}

/* ---- policy, audience, normalisation ---------------------------------- */

void kf_app_copy_str(char *dst, size_t dstsize, const char *src)
{
	if (!dst || dstsize == 0)
		return;
	size_t n = src ? strnlen(src, dstsize - 1) : 0;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

struct kf_app_policy kf_app_policy_default(void)
{
	struct kf_app_policy p = {
		.max_apps = KF_APP_MAX_APPS_DEFAULT,
		.max_test_accounts = KF_APP_MAX_TEST_ACCOUNTS_DEFAULT,
		.marks = NULL,
	};
	return p;
}

const char *kf_app_audience_name(enum kf_app_audience a)
{
	switch (a) {
	case KF_APP_AUDIENCE_SELF_USE: return "self_use";
	case KF_APP_AUDIENCE_PUBLIC: return "public";
	}
	return NULL;
}

bool kf_app_audience_parse(const char *s, enum kf_app_audience *out)
{
	if (!s)
		return false;
	if (strcmp(s, "self_use") == 0)
		*out = KF_APP_AUDIENCE_SELF_USE;
	else if (strcmp(s, "public") == 0)
		*out = KF_APP_AUDIENCE_PUBLIC;
	else
		return false;
	return true;
}

static void lower_ascii(char *s)
{
	for (; *s; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
	}
}

void kf_app_normalize(struct kf_app_config *c)
{
	struct kf_app_dev *d;

	if (!c)
		return;
	d = &c->dev;
	lower_ascii(d->auth_domain);
	for (size_t i = 0; i < min_size(d->n_server_domains, KF_APP_DOMAINS_MAX); i++)
		lower_ascii(d->server_domains[i]);
	for (size_t i = 0; i < min_size(d->n_business_domains, KF_APP_DOMAINS_MAX); i++)
		lower_ascii(d->business_domains[i]);
	for (size_t i = 0; i < min_size(d->n_ip_allowlist, KF_APP_IP_ALLOWLIST_MAX); i++) {
		struct kf_cidr cidr;
		char buf[KF_CIDR_STR_SIZE];
		if (kf_cidr_parse(d->ip_allowlist[i], &cidr, NULL) == KF_OK &&
		    kf_cidr_format(&cidr, buf, sizeof(buf)))
			snprintf(d->ip_allowlist[i], sizeof(d->ip_allowlist[i]), "%s", buf);
	}
}

/* ---- APP-1, APP-13 ---------------------------------------------------- */

enum kf_err kf_app_check_create(int existing_non_deleted_apps, const struct kf_app_policy *p,
				struct kf_error *err)
{
	struct kf_app_policy def = kf_app_policy_default();
	if (!p)
		p = &def;
	if (existing_non_deleted_apps >= p->max_apps)
		return kf_error_set(err, KF_ECONFLICT, "app_limit_reached", "APP-1", NULL,
				    "a provider may own at most %d apps; delete one first",
				    p->max_apps < 0 ? 0 : p->max_apps);
	return KF_OK;
}

/* The comparison key of an endpoint: scheme and authority lower-cased,
 * the rest as is. NULL for empty or per-app ($APPID$) URLs. malloc'd. */
static char *endpoint_key(const char *url)
{
	if (url[0] == '\0' || strstr(url, KF_APP_APPID_PLACEHOLDER))
		return NULL;
	size_t len = strlen(url);
	char *k = malloc(len + 1);
	if (!k)
		out_of_memory("endpoint_key");
	memcpy(k, url, len + 1);
	char *sep = strstr(k, "://");
	char *end = sep ? sep + 3 + strcspn(sep + 3, "/?#") : k;
	for (char *q = k; q < end; q++) {
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	}
	return k;
}

static bool key_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

enum kf_err kf_app_check_duplicate(const struct kf_app_config *new_cfg,
				   const struct kf_app_config *const *others, size_t n,
				   struct kf_error *err)
{
	enum kf_err rc = KF_OK;
	char *name = NULL, *auth = NULL, *msg = NULL;

	if (!new_cfg || !others)
		return KF_OK;
	name = fold(new_cfg->name);
	auth = endpoint_key(new_cfg->dev.auth_receive_url);
	msg = endpoint_key(new_cfg->dev.message_url);
	for (size_t i = 0; rc == KF_OK && i < n; i++) {
		const struct kf_app_config *o = others[i];
		if (!o)
			continue;
		char *oname = fold(o->name);
		char *oauth = endpoint_key(o->dev.auth_receive_url);
		char *omsg = endpoint_key(o->dev.message_url);
		if (name && name[0] && key_eq(name, oname))
			rc = kf_error_set(err, KF_ECONFLICT, "duplicate_app", "APP-13", "name",
					  "another app of this provider already has this name");
		else if (key_eq(auth, oauth) || key_eq(auth, omsg))
			rc = kf_error_set(err, KF_ECONFLICT, "duplicate_app", "APP-13",
					  "dev.auth_receive_url",
					  "another app of this provider already uses this endpoint");
		else if (key_eq(msg, oauth) || key_eq(msg, omsg))
			rc = kf_error_set(err, KF_ECONFLICT, "duplicate_app", "APP-13",
					  "dev.message_url",
					  "another app of this provider already uses this endpoint");
		free(oname);
		free(oauth);
		free(omsg);
	}
	free(name);
	free(auth);
	free(msg);
	return rc;
}

/* ---- state machine ---------------------------------------------------- */

static bool state_valid(enum kf_app_state s)
{
	return (int)s >= 0 && (int)s < N_STATES;
}

const char *kf_app_state_name(enum kf_app_state s)
{
	return state_valid(s) ? state_names[s] : NULL;
}

bool kf_app_state_parse(const char *s, enum kf_app_state *out)
{
	if (!s)
		return false;
	for (int i = 0; i < N_STATES; i++) {
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum kf_app_state)i;
			return true;
		}
	}
	return false;
}

bool kf_app_transition_allowed(enum kf_app_state from, enum kf_app_state to)
{
	if (!state_valid(from) || !state_valid(to) || from == KF_APP_DELETED)
		return false;
	if (to == KF_APP_DELETED)
		return true;
	for (size_t i = 0; i < ARRAY_LEN(transitions); i++) {
		if (transitions[i].from == from && transitions[i].to == to)
			return true;
	}
	return false;
}

static const char *state_str(enum kf_app_state s)
{
	const char *n = kf_app_state_name(s);
	return n ? n : "unknown";
}

enum kf_err kf_app_submit_creation(enum kf_app_state state, const struct kf_app_config *cfg,
				   const struct kf_app_policy *p,
				   const struct kf_app_context *ctx, enum kf_app_state *next,
				   struct kf_error *err)
{
	if (!kf_app_transition_allowed(state, KF_APP_CREATION_REVIEW))
		return kf_error_set(err, KF_ECONFLICT, "invalid_state", "APP-5", NULL,
				    "cannot submit for creation review while the app is %s",
				    state_str(state));
	enum kf_err rc = kf_app_validate(cfg, p, ctx, err);
	if (rc != KF_OK)
		return rc;
	if (next)
		*next = KF_APP_CREATION_REVIEW;
	return KF_OK;
}

enum kf_err kf_app_check_edit(enum kf_app_state state, struct kf_error *err)
{
	if (state == KF_APP_CREATION_REVIEW)
		return kf_error_set(err, KF_ECONFLICT, "under_review", "APP-5", NULL,
				    "the app is in its creation review; wait for the decision before "
				    "editing");
	return KF_OK;
}

enum kf_err kf_app_check_activate(enum kf_app_state state, struct kf_error *err)
{
	if (state != KF_APP_DEVELOPING)
		return kf_error_set(err, KF_ECONFLICT, "invalid_state",
				    state == KF_APP_RELEASED ? "APP-7" : "APP-5", NULL,
				    "only an app in development puts a draft live directly (this app "
				    "is %s)",
				    state_str(state));
	return KF_OK;
}

enum kf_err kf_app_delete(enum kf_app_state state, enum kf_app_state *next, struct kf_error *err)
{
	if (!kf_app_transition_allowed(state, KF_APP_DELETED))
		return kf_error_set(err, KF_ECONFLICT, "invalid_state", "APP-1", NULL,
				    "an app that is %s cannot be deleted", state_str(state));
	*next = KF_APP_DELETED;
	return KF_OK;
}

/* A review decision on an app (REV-5): only while the app is in `under`;
 * a rejection lists a reason; on KF_OK *next is approved or rejected. */
static enum kf_err review_decided(enum kf_app_state state, enum kf_app_state under, const char *what,
				  bool approve, size_t n_reasons, enum kf_app_state approved,
				  enum kf_app_state rejected, enum kf_app_state *next, struct kf_error *err)
{
	if (state != under)
		return kf_error_set(err, KF_ECONFLICT, "invalid_state", "REV-5", NULL,
				    "cannot decide a %s review while the app is %s", what,
				    state_str(state));
	if (!approve && n_reasons == 0)
		return kf_error_set(err, KF_EINVAL, "reasons_required", "REV-5", "reasons",
				    "a rejection must list at least one reason");
	if (next)
		*next = approve ? approved : rejected;
	return KF_OK;
}

enum kf_err kf_app_creation_decided(enum kf_app_state state, bool approve, size_t n_reasons,
				    enum kf_app_state *next, struct kf_error *err)
{
	return review_decided(state, KF_APP_CREATION_REVIEW, "creation", approve, n_reasons,
			      KF_APP_DEVELOPING, KF_APP_DRAFT, next, err);
}

enum kf_err kf_app_submit_release(enum kf_app_state state, bool draft_pending,
				  enum kf_app_state *next, struct kf_error *err)
{
	/* APP-6: only a developed app (creation review passed) is released */
	if (state != KF_APP_DEVELOPING)
		return kf_error_set(err, KF_ECONFLICT, "invalid_state", "APP-6", NULL,
				    "only an app in development is submitted for release (this app is %s)",
				    state_str(state));
	/* APP-9: the capability check tests the live configuration */
	if (draft_pending)
		return kf_error_set(err, KF_ECONFLICT, "draft_pending", "APP-9", "draft_config",
				    "put the draft configuration live (configs:activate) or drop it before "
				    "submitting: the release checks the live configuration");
	if (next)
		*next = KF_APP_RELEASE_REVIEW;
	return KF_OK;
}

enum kf_err kf_app_release_decided(enum kf_app_state state, bool approve, size_t n_reasons,
				   enum kf_app_state *next, struct kf_error *err)
{
	return review_decided(state, KF_APP_RELEASE_REVIEW, "release", approve, n_reasons,
			      KF_APP_RELEASED, KF_APP_DEVELOPING, next, err);
}

enum kf_err kf_app_withdraw_submission(enum kf_app_state state, bool release, bool review_pending,
				       enum kf_app_state *next, struct kf_error *err)
{
	if (!review_pending)
		return kf_error_set(err, KF_ECONFLICT, "review_decided", "REV-1", NULL,
				    "the submission's review is not pending any more: only a waiting review is withdrawn");
	/* APP-6: a release under review goes back to development */
	if (release && state != KF_APP_RELEASE_REVIEW)
		return kf_error_set(err, KF_ECONFLICT, "invalid_state", "APP-6", NULL,
				    "only an app in release review withdraws its release submission (this app is %s)",
				    state_str(state));
	if (next)
		*next = release ? KF_APP_DEVELOPING : state;
	return KF_OK;
}

enum kf_err kf_app_submit_change(enum kf_app_state state, bool has_draft, bool change_pending,
				 struct kf_error *err)
{
	if (state != KF_APP_RELEASED)
		return kf_error_set(err, KF_ECONFLICT, "invalid_state", "APP-7", NULL,
				    "only a released app submits changes for review (this app is %s)",
				    state_str(state));
	if (change_pending)
		return kf_error_set(err, KF_ECONFLICT, "change_pending", "APP-7", NULL,
				    "a change of this app is already under review");
	if (!has_draft)
		return kf_error_set(err, KF_ECONFLICT, "nothing_to_review", "APP-7", NULL,
				    "neither the configuration nor the listing has a draft that differs from "
				    "the live version");
	return KF_OK;
}

bool kf_app_submission_allowed(const int64_t *times, size_t n, int limit, int64_t window_seconds,
			       int64_t now, int64_t *retry_at)
{
	if (limit < 1) {
		if (retry_at)
			*retry_at = INT64_MAX;
		return false;
	}
	/* a submission at t counts while t <= now < t + window; times ascend,
	 * so those in the window are one run at the end */
	size_t first = n, in_window = 0;
	for (size_t i = 0; i < n; i++) {
		if (times[i] > now || now - times[i] >= window_seconds)
			continue;
		if (first == n)
			first = i;
		in_window++;
	}
	if (in_window < (size_t)limit)
		return true;
	/* the count drops below limit once the (in_window - limit + 1) oldest
	 * have left the window (more than limit when the limit was lowered) */
	if (retry_at) {
		size_t k = first + (in_window - (size_t)limit);
		*retry_at = times[k] > INT64_MAX - window_seconds ? INT64_MAX : times[k] + window_seconds;
	}
	return false;
}

enum kf_err kf_app_may_authorize(enum kf_app_state state, bool host_on_test_allowlist,
				 enum kf_app_audience audience, bool host_is_providers_own,
				 struct kf_error *err)
{
	switch (state) {
	case KF_APP_SUSPENDED:
		return kf_error_set(err, KF_EFORBIDDEN, "app_suspended", "AUTH-5", NULL,
				    "the app is suspended and cannot be authorized");
	case KF_APP_DELISTED:
		return kf_error_set(err, KF_EFORBIDDEN, "app_delisted", "AUTH-5", NULL,
				    "the app is delisted and cannot be authorized");
	case KF_APP_WITHDRAWN:
		return kf_error_set(err, KF_EFORBIDDEN, "app_withdrawn", "GOV-2", NULL,
				    "the app was withdrawn and takes no new authorizations");
	case KF_APP_DRAFT:
	case KF_APP_CREATION_REVIEW:
		return kf_error_set(err, KF_EFORBIDDEN, "app_not_approved", "APP-5", NULL,
				    "the app has not passed its creation review");
	case KF_APP_DEVELOPING:
	case KF_APP_RELEASE_REVIEW:
		if (!host_on_test_allowlist)
			return kf_error_set(err, KF_EFORBIDDEN, "not_on_test_allowlist", "AUTH-4",
					    NULL,
					    "before release only host accounts on the app's test "
					    "allowlist may authorize it");
		break;
	case KF_APP_RELEASED:
		break;
	case KF_APP_DELETED:
	default:
		return kf_error_set(err, KF_EFORBIDDEN, "app_deleted", "DATA-3", NULL,
				    "the app no longer exists");
	}
	if (audience != KF_APP_AUDIENCE_PUBLIC && !host_is_providers_own)
		return kf_error_set(err, KF_EFORBIDDEN, "self_use_app", "APP-10", NULL,
				    "a self-use app may be authorized only by the provider's own "
				    "host accounts");
	return KF_OK;
}

/* ---- suspension (AUTH-5, GOV-7) ----------------------------------------- */

bool kf_app_rule_id_valid(const char *s)
{
	static const char *const families[] = { "ONB", "APP", "REV", "LST", "GOV", "AUTH", "DATA", "UX", "NOTE" };
	if (!s)
		return false;
	const char *dash = strchr(s, '-');
	if (!dash)
		return false;
	bool known = false;
	for (size_t i = 0; i < ARRAY_LEN(families); i++)
		known = known || (strlen(families[i]) == (size_t)(dash - s) && !strncmp(s, families[i], (size_t)(dash - s)));
	const char *d = dash + 1;
	size_t n = strspn(d, "0123456789");
	return known && n >= 1 && n <= 3 && d[n] == '\0' && d[0] != '0';
}

static bool suspendable(enum kf_app_state s)
{
	return s == KF_APP_DEVELOPING || s == KF_APP_RELEASE_REVIEW || s == KF_APP_RELEASED || s == KF_APP_WITHDRAWN;
}

enum kf_err kf_app_suspend(enum kf_app_state state, const char *rule, enum kf_app_state *next, struct kf_error *err)
{
	if (!kf_app_rule_id_valid(rule))
		return kf_error_set(err, KF_EINVAL, "invalid_rule", NULL, "rule",
				    "rule must name a rule id of the catalog, such as GOV-7");
	if (state == KF_APP_SUSPENDED)
		return kf_error_set(err, KF_ECONFLICT, "already_suspended", "AUTH-5", NULL,
				    "the app is already suspended");
	if (!suspendable(state))
		return kf_error_set(err, KF_ECONFLICT, "invalid_state", "AUTH-5", NULL,
				    "an app in state %s cannot be suspended",
				    kf_app_state_name(state) ? kf_app_state_name(state) : "unknown");
	*next = KF_APP_SUSPENDED;
	return KF_OK;
}

enum kf_err kf_app_unsuspend(enum kf_app_state state, enum kf_app_state restore, enum kf_app_state *next,
			     struct kf_error *err)
{
	if (state != KF_APP_SUSPENDED)
		return kf_error_set(err, KF_ECONFLICT, "not_suspended", "AUTH-5", NULL, "the app is not suspended");
	*next = suspendable(restore) ? restore : KF_APP_RELEASED;
	return KF_OK;
}

/* ---- secrets and ids -------------------------------------------------- */

enum kf_err kf_app_check_rotation_grace(int64_t grace_seconds, struct kf_error *err)
{
	if (grace_seconds < 0 || grace_seconds > KF_APP_GRACE_MAX_SECONDS)
		return kf_error_set(err, KF_EINVAL, "invalid_grace", "APP-10", "grace_seconds",
				    "grace_seconds must be between 0 and %d (24 hours)",
				    KF_APP_GRACE_MAX_SECONDS);
	return KF_OK;
}

int64_t kf_app_secret_grace_until(int64_t revoked_at, int64_t grace_seconds)
{
	if (grace_seconds < 0)
		grace_seconds = 0;
	return revoked_at > INT64_MAX - grace_seconds ? INT64_MAX : revoked_at + grace_seconds;
}

void kf_app_secret_rotation(int64_t now, int64_t grace_seconds, struct kf_app_rotation *out)
{
	out->previous_valid_until = kf_app_secret_grace_until(now, grace_seconds);
	out->earlier_valid_until = now;
}

bool kf_app_secret_valid_at(int64_t created_at, int64_t revoked_at, int64_t grace_until,
			    int64_t now)
{
	if (now < created_at)
		return false;
	return revoked_at == 0 || now < grace_until;
}

void kf_app_id_format(const unsigned char random8[8], char out[KF_APP_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	out[0] = 'k';
	out[1] = 'f';
	for (int i = 0; i < 8; i++) {
		out[2 + 2 * i] = hex[random8[i] >> 4];
		out[3 + 2 * i] = hex[random8[i] & 0x0f];
	}
	out[KF_APP_ID_LEN] = '\0';
}

bool kf_app_id_valid(const char *s)
{
	if (!s || s[0] != 'k' || s[1] != 'f')
		return false;
	for (int i = 2; i < KF_APP_ID_LEN; i++) {
		char ch = s[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
	}
	return s[KF_APP_ID_LEN] == '\0';
}

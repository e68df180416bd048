/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listing text rules. Each check appends findings and never stops early;
 * kf_listing_check_text runs them all in field order. Term lists are
 * matched with core/terms.h, names compared with core/names.h, phone
 * numbers partly with core/validate.h.
 */
#include "core/listing.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "core/names.h"
#include "core/validate.h"

#define R KF_SEVERITY_REJECT
#define W KF_SEVERITY_WARN

/* s (valid UTF-8 or replaced by "?") copied into buf, cut on a character
 * boundary to fit: quoted text never breaks a message's UTF-8. */
static const char *quote(char *buf, size_t size, const char *s)
{
	if (!s)
		return "";
	if (!kf_validate_utf8(s, strlen(s)))
		return "?";
	size_t n = strlen(s);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

size_t kf_listing_cjk_len(const char *s)
{
	if (!s || !kf_validate_utf8(s, strlen(s)))
		return SIZE_MAX;
	size_t half = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			half += 1;
		else if ((*p & 0xC0) != 0x80)
			half += 2; /* lead byte of a non-ASCII code point */
	}
	return half;
}

static bool is_blank(const char *s)
{
	if (!s)
		return true;
	if (!kf_validate_utf8(s, strlen(s)))
		return false; /* reported as invalid UTF-8 by the caller */
	char *n = kf_name_normalize(s);
	bool blank = !n || n[0] == '\0';
	free(n);
	return blank;
}

/* Reject invalid UTF-8; true when s is usable text. */
static bool utf8_ok(const char *s, const char *rule, const char *field,
		    struct kf_findings *out)
{
	if (kf_validate_utf8(s, strlen(s)))
		return true;
	kf_findings_add(out, rule, field, R, "%s is not valid UTF-8 text", field);
	return false;
}

/*
 * First "special" code point of s (valid UTF-8): punctuation P*, symbols
 * S*, controls and other C*, and white space Z* unless allow_space (then
 * Zs is allowed, Zl/Zp are not). Returns the code point or -1.
 */
static utf8proc_int32_t first_special(const char *s, bool allow_space)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate(p, -1, &cp);
		if (r <= 0)
			return 0xFFFD;
		switch (utf8proc_category(cp)) {
		case UTF8PROC_CATEGORY_ZS:
			if (!allow_space)
				return cp;
			break;
		case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
		case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
		case UTF8PROC_CATEGORY_PO:
		case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC: case UTF8PROC_CATEGORY_SK:
		case UTF8PROC_CATEGORY_SO:
		case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
		case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
		case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN:
			return cp;
		default:
			break;
		}
		p += r;
	}
	return -1;
}

static void special_finding(const char *s, bool allow_space, const char *rule,
			    const char *field, struct kf_findings *out)
{
	utf8proc_int32_t cp = first_special(s, allow_space);
	if (cp < 0)
		return;
	utf8proc_category_t cat = utf8proc_category(cp);
	bool printable = cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_SO;
	if (printable) {
		utf8proc_uint8_t buf[5] = { 0 };
		utf8proc_encode_char(cp, buf);
		kf_findings_add(out, rule, field, R,
				"%s may not contain spaces or special symbols; found \"%s\" (U+%04X)",
				field, (const char *)buf, (unsigned)cp);
	} else {
		kf_findings_add(out, rule, field, R,
				"%s may not contain spaces or special symbols; found U+%04X",
				field, (unsigned)cp);
	}
}

static void term_finding(const struct kf_terms *t, const char *text, const char *rule,
			 const char *field, const char *what, struct kf_findings *out)
{
	const char *m = NULL;
	if (t && text && kf_terms_find(t, text, &m))
		kf_findings_add(out, rule, field, R, "%s contains %s \"%s\"", field, what, m);
}

/* LST-18, LST-19 and APP-11 on any text field. */
static void common_terms(const char *text, const char *field, const struct kf_listing_ctx *ctx,
			 struct kf_findings *out)
{
	if (!ctx)
		return;
	term_finding(ctx->superlatives, text, "LST-18", field, "the absolute superlative", out);
	term_finding(ctx->banned, text, "LST-19", field, "the banned term", out);
	term_finding(ctx->marks, text, "APP-11", field, "the protected platform mark", out);
}

static void max_len(const char *s, size_t max_half, const char *rule, const char *field,
		    struct kf_findings *out)
{
	size_t len = kf_listing_cjk_len(s);
	if (len != SIZE_MAX && len > max_half)
		kf_findings_add(out, rule, field, R,
				"%s is too long: %zu%s CJK characters, at most %zu "
				"(a Latin letter counts half)",
				field, len / 2, len % 2 ? ".5" : "", max_half / 2);
}

void kf_listing_check_name(const char *name, const struct kf_listing_ctx *ctx,
			   struct kf_findings *out)
{
	const char *m = NULL;

	if (is_blank(name)) {
		kf_findings_add(out, "LST-1", "name", R, "name is required");
		return;
	}
	if (!utf8_ok(name, "LST-1", "name", out))
		return;
	size_t len = kf_listing_cjk_len(name);
	if (len > KF_LISTING_NAME_MAX_HALF)
		max_len(name, KF_LISTING_NAME_MAX_HALF, "LST-1", "name", out);
	else if (len > KF_LISTING_NAME_BEST_HALF) /* issue 11: 5 or 6 are inside the range */
		kf_findings_add(out, "LST-1", "name", W,
				"name has %zu%s CJK characters; %d to %d are recommended (4 or fewer "
				"display best)", len / 2, len % 2 ? ".5" : "", 2,
				KF_LISTING_NAME_BEST_HALF / 2);
	special_finding(name, false, "LST-2", "name", out);
	if (ctx && ctx->generic_names && kf_terms_find_exact(ctx->generic_names, name, &m))
		kf_findings_add(out, "LST-3", "name", R,
				"name is a generic, non-distinctive name (\"%s\")", m);
	if (ctx) {
		term_finding(ctx->hot_words, name, "LST-4", "name", "the search hot word", out);
		term_finding(ctx->gambling_names, name, "LST-5", "name", "the gambling name", out);
	}
	common_terms(name, "name", ctx, out);
}

void kf_listing_check_intro(const char *intro, const struct kf_listing_ctx *ctx,
			    struct kf_findings *out)
{
	if (is_blank(intro)) {
		kf_findings_add(out, "LST-8", "intro", R,
				"intro is required: say in a few words what the app does");
		return;
	}
	if (!utf8_ok(intro, "LST-8", "intro", out))
		return;
	max_len(intro, KF_LISTING_INTRO_MAX_HALF, "LST-8", "intro", out);
	special_finding(intro, true, "LST-8", "intro", out);
	if (ctx)
		term_finding(ctx->hot_words, intro, "LST-4", "intro", "the search hot word", out);
	common_terms(intro, "intro", ctx, out);
}

void kf_listing_check_description(const char *desc, const struct kf_listing_ctx *ctx,
				  struct kf_findings *out)
{
	if (is_blank(desc)) {
		kf_findings_add(out, "LST-9", "description", R,
				"description is required (APP-12)");
		return;
	}
	if (!utf8_ok(desc, "LST-9", "description", out))
		return;
	max_len(desc, KF_LISTING_DESC_MAX_HALF, "LST-9", "description", out);
	common_terms(desc, "description", ctx, out);
}

void kf_listing_check_keywords(const char *const *kw, size_t n,
			       const struct kf_listing_ctx *ctx, struct kf_findings *out)
{
	if (n > KF_LISTING_KEYWORDS_MAX)
		kf_findings_add(out, "LST-4", "keywords", R,
				"at most %d keywords are allowed, got %zu",
				KF_LISTING_KEYWORDS_MAX, n);
	for (size_t i = 0; kw && i < n; i++) {
		const char *k = kw[i];
		if (is_blank(k)) {
			kf_findings_add(out, "LST-4", "keywords", R, "keyword %zu is empty", i + 1);
			continue;
		}
		if (!utf8_ok(k, "LST-4", "keywords", out))
			continue;
		size_t len = kf_listing_cjk_len(k);
		if (len > KF_LISTING_KEYWORD_MAX_HALF)
			kf_findings_add(out, "LST-4", "keywords", R,
					"keyword %zu is too long: at most %d CJK characters",
					i + 1, KF_LISTING_KEYWORD_MAX_HALF / 2);
		if (ctx)
			term_finding(ctx->hot_words, k, "LST-4", "keywords",
				     "the search hot word", out);
		common_terms(k, "keywords", ctx, out);
	}
}

bool kf_listing_version_valid(const char *v)
{
	if (!v || !*v)
		return false;
	int parts = 0;
	const char *p = v;
	for (;;) {
		const char *start = p;
		long val = 0;
		while (*p >= '0' && *p <= '9') {
			val = val * 10 + (*p - '0');
			if (val > KF_LISTING_VERSION_PART_MAX)
				return false;
			p++;
		}
		if (p == start || (*start == '0' && p - start > 1))
			return false;
		if (++parts > KF_LISTING_VERSION_PARTS)
			return false;
		if (*p == '\0')
			return true;
		if (*p != '.')
			return false;
		p++;
	}
}

/* Next part of a version at *p (advanced past its '.'); 0 at the end. */
static long version_part(const char **p)
{
	long val = 0;
	while (*p && **p && **p != '.') {
		if (**p >= '0' && **p <= '9' && val <= KF_LISTING_VERSION_PART_MAX * 10L)
			val = val * 10 + (**p - '0');
		(*p)++;
	}
	if (*p && **p == '.')
		(*p)++;
	return val;
}

int kf_listing_version_cmp(const char *a, const char *b)
{
	const char *pa = a ? a : "0";
	const char *pb = b ? b : "0";
	while (*pa || *pb) {
		long x = version_part(&pa);
		long y = version_part(&pb);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

void kf_listing_check_version(const char *version, const char *last_version,
			      struct kf_findings *out)
{
	if (is_blank(version)) {
		kf_findings_add(out, "LST-12", "version", R, "version is required");
		return;
	}
	if (!kf_listing_version_valid(version)) {
		kf_findings_add(out, "LST-12", "version", R,
				"version must be 1 to 4 dotted numbers such as 1.0.0 "
				"(each 0 to %d, no leading zeros)", KF_LISTING_VERSION_PART_MAX);
		return;
	}
	if (last_version && kf_listing_version_cmp(version, last_version) <= 0)
		kf_findings_add(out, "LST-12", "version", R,
				"version %s must be greater than the last released version %.40s",
				version, last_version);
}

void kf_listing_check_update_notes(const char *notes, const struct kf_listing_ctx *ctx,
				   struct kf_findings *out)
{
	if (!notes || !utf8_ok(notes, "LST-13", "update_notes", out))
		return; /* LST-13: optional */
	max_len(notes, KF_LISTING_NOTES_MAX_HALF, "LST-13", "update_notes", out);
	common_terms(notes, "update_notes", ctx, out);
}

void kf_listing_check_accounts(bool offers_accounts, const char *deletion, const struct kf_listing_ctx *ctx,
			       struct kf_findings *out)
{
	if (is_blank(deletion)) {
		if (offers_accounts)
			kf_findings_add(out, "APP-12", "account_deletion", R,
					"an app with its own user accounts declares how users delete them "
					"(account_deletion)");
		return;
	}
	if (!utf8_ok(deletion, "APP-12", "account_deletion", out))
		return;
	max_len(deletion, KF_LISTING_DELETION_MAX_HALF, "APP-12", "account_deletion", out);
	common_terms(deletion, "account_deletion", ctx, out);
}

void kf_listing_check_company(const char *company, const char *entity_name,
			      struct kf_findings *out)
{
	if (is_blank(company)) {
		kf_findings_add(out, "LST-15", "company_name", R, "company_name is required");
		return;
	}
	if (!utf8_ok(company, "LST-15", "company_name", out))
		return;
	if (!entity_name) {
		kf_findings_add(out, "LST-15", "company_name", R,
				"the provider has no verified entity to compare company_name with");
		return;
	}
	if (!kf_name_equal(company, entity_name))
		kf_findings_add(out, "LST-15", "company_name", R,
				"company_name must equal the verified entity name \"%s\"",
				entity_name);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

bool kf_listing_phone_valid(const char *s)
{
	char d[KF_LISTING_PHONE_MAX + 1];
	char e164[KF_MOBILE_E164_SIZE];
	size_t n = 0;

	if (!s || strlen(s) > KF_LISTING_PHONE_MAX)
		return false;
	if (kf_validate_mobile(s, e164, sizeof(e164), NULL) == KF_OK)
		return true;
	/* Digits only, spaces and hyphens dropped; "(0xx)" allowed at the start. */
	const char *p = s;
	size_t paren_len = 0;
	while (*p == ' ')
		p++;
	if (*p == '(') {
		const char *close = strchr(p, ')');
		if (!close)
			return false;
		paren_len = (size_t)(close - p - 1);
		if (paren_len < 3 || paren_len > 4 || !all_digits(p + 1, paren_len))
			return false;
		memcpy(d, p + 1, paren_len);
		n = paren_len;
		p = close + 1;
	}
	for (; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p < '0' || *p > '9')
			return false;
		d[n++] = *p;
	}
	d[n] = '\0';
	if (!paren_len && n == 10 && (!strncmp(d, "400", 3) || !strncmp(d, "800", 3)))
		return true;
	if (!paren_len && n >= 5 && n <= 8 && !strncmp(d, "95", 2))
		return true;
	/* Landline: 010 and 02x are 3-digit area codes, 0[3-9]xx 4-digit. */
	if (n < 10 || d[0] != '0' || d[1] == '0' || (d[1] == '1' && d[2] != '0'))
		return false;
	size_t area = d[1] == '1' || d[1] == '2' ? 3 : 4;
	if (paren_len && paren_len != area)
		return false;
	if (n < area + 7 || n > area + 8)
		return false;
	return d[area] != '0';
}

void kf_listing_check_phone(const char *phone, struct kf_findings *out)
{
	if (is_blank(phone)) {
		kf_findings_add(out, "LST-17", "support_phone", R, "support_phone is required");
		return;
	}
	if (!kf_listing_phone_valid(phone))
		kf_findings_add(out, "LST-17", "support_phone", R,
				"support_phone is not a valid phone number (mobile, landline "
				"such as 010-12345678, 400-123-4567, or +E.164)");
}

void kf_listing_check_category(const char *category, const char *const *catalog,
			       size_t n, struct kf_findings *out)
{
	if (is_blank(category)) {
		kf_findings_add(out, "LST-7", "category", R, "category is required");
		return;
	}
	if (!catalog)
		return;
	for (size_t i = 0; i < n; i++)
		if (catalog[i] && strcmp(catalog[i], category) == 0)
			return;
	char cb[65];
	if (kf_validate_utf8(category, strlen(category)))
		kf_findings_add(out, "LST-7", "category", R, "category \"%s\" is not in the catalog",
				quote(cb, sizeof(cb), category));
	else
		kf_findings_add(out, "LST-7", "category", R, "category is not in the catalog");
}

static bool ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Parse as documented for kf_listing_url_valid; on success *host and
 * *host_len give the host inside s. */
static bool parse_url(const char *s, const char **host, size_t *host_len)
{
	if (!s)
		return false;
	size_t len = strlen(s);
	if (len > KF_LISTING_URL_MAX)
		return false;
	const char *p;
	if (!strncasecmp(s, "https://", 8))
		p = s + 8;
	else if (!strncasecmp(s, "http://", 7))
		p = s + 7;
	else
		return false;
	const char *h = p;
	size_t labels = 0, label_len = 0;
	const char *label = p;
	while (*p && *p != ':' && *p != '/' && *p != '?' && *p != '#') {
		if (*p == '.') {
			if (label_len == 0 || label_len > 63 || label[0] == '-' || p[-1] == '-')
				return false;
			labels++;
			label_len = 0;
			label = p + 1;
		} else if (ascii_alnum(*p) || *p == '-') {
			label_len++;
		} else {
			return false; /* '@', '[', spaces, non-ASCII … */
		}
		p++;
	}
	if (label_len == 0 || label_len > 63 || label[0] == '-' || p[-1] == '-')
		return false;
	labels++;
	if (labels < 2 || (size_t)(p - h) > 253 || all_digits(label, label_len))
		return false;
	*host = h;
	*host_len = (size_t)(p - h);
	if (*p == ':') {
		p++;
		long port = 0;
		const char *ps = p;
		while (*p >= '0' && *p <= '9' && p - ps < 5)
			port = port * 10 + (*p++ - '0');
		if (p == ps || port < 1 || port > 65535)
			return false;
		if (*p && *p != '/' && *p != '?' && *p != '#')
			return false;
	}
	for (; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F)
			return false;
	return true;
}

bool kf_listing_url_valid(const char *s)
{
	const char *h;
	size_t hl;
	return parse_url(s, &h, &hl);
}

static void url_check(const char *url, const char *rule, const char *field,
		      struct kf_findings *out)
{
	if (is_blank(url))
		kf_findings_add(out, rule, field, R, "%s is required", field);
	else if (!kf_listing_url_valid(url))
		kf_findings_add(out, rule, field, R,
				"%s must be an absolute http:// or https:// URL", field);
}

void kf_listing_check_urls(const struct kf_listing_text *l, const struct kf_listing_ctx *ctx,
			   struct kf_findings *out)
{
	const char *h;
	size_t hl;

	url_check(l->privacy_url, "LST-14", "privacy_url", out);
	url_check(l->terms_url, "LST-14", "terms_url", out);
	url_check(l->website, "LST-16", "website", out);
	if (kf_listing_url_valid(l->privacy_url)) {
		/* LST-20: a separate document */
		if (kf_listing_url_valid(l->terms_url) && kf_listing_same_document(l->privacy_url, l->terms_url))
			kf_findings_add(out, "LST-20", "privacy_url", R,
					"privacy_url must be a separate document, not the page of terms_url");
		else if (kf_listing_url_valid(l->website) && kf_listing_same_document(l->privacy_url, l->website))
			kf_findings_add(out, "LST-20", "privacy_url", R,
					"privacy_url must be a separate document, not the page of website");
	}
	if (ctx && ctx->marks && l->website && parse_url(l->website, &h, &hl)) {
		char host[254];
		memcpy(host, h, hl);
		host[hl] = '\0';
		term_finding(ctx->marks, host, "APP-11", "website",
			     "the protected platform mark", out);
	}
}

void kf_listing_check_text(const struct kf_listing_text *l, const struct kf_listing_ctx *ctx,
			   struct kf_findings *out)
{
	if (!l || !out)
		return;
	kf_listing_check_name(l->name, ctx, out);
	kf_listing_check_category(l->category, ctx ? ctx->categories : NULL,
				  ctx ? ctx->n_categories : 0, out);
	kf_listing_check_intro(l->intro, ctx, out);
	kf_listing_check_description(l->description, ctx, out);
	kf_listing_check_keywords(l->keywords, l->n_keywords, ctx, out);
	kf_listing_check_version(l->version, ctx ? ctx->last_version : NULL, out);
	kf_listing_check_update_notes(l->update_notes, ctx, out);
	kf_listing_check_urls(l, ctx, out);
	kf_listing_check_company(l->company_name, ctx ? ctx->entity_name : NULL, out);
	kf_listing_check_phone(l->support_phone, out);
	kf_listing_check_accounts(l->offers_accounts, l->account_deletion, ctx, out);
}

/* ---- LST-14, LST-16: opening the URLs ---- */

bool kf_listing_url_opened(const struct kf_listing_url_result *r)
{
	return r && r->checked && !r->error && r->status == 200 && r->redirects >= 0 &&
	       r->redirects <= KF_LISTING_URL_MAX_REDIRECTS;
}

void kf_listing_check_url_result(const char *field, const char *url,
				 const struct kf_listing_url_result *r, struct kf_findings *out)
{
	const char *rule = strcmp(field, "website") ? "LST-14" : "LST-16";
	if (kf_listing_url_opened(r))
		return;
	char ub[81], eb[101];
	const char *u = quote(ub, sizeof(ub), url);
	if (!r || !r->checked)
		kf_findings_add(out, rule, field, R, "%s %s has not been opened yet", field, u);
	else if (r->error)
		kf_findings_add(out, rule, field, R, "%s %s does not open: %s", field, u,
				quote(eb, sizeof(eb), r->error));
	else if (r->redirects > KF_LISTING_URL_MAX_REDIRECTS)
		kf_findings_add(out, rule, field, R, "%s %s does not open: more than %d redirects",
				field, u, KF_LISTING_URL_MAX_REDIRECTS);
	else
		kf_findings_add(out, rule, field, R,
				"%s %s does not open: HTTP %d after %d redirects (HTTP 200 is needed)",
				field, u, r->status, r->redirects);
}

/* The length of u without its fragment and a trailing "/" of the path. */
static size_t document_len(const char *u)
{
	size_t n = strcspn(u, "#");
	if (n > 0 && u[n - 1] == '/')
		n--;
	return n;
}

bool kf_listing_same_document(const char *a, const char *b)
{
	const char *ha, *hb;
	size_t la, lb;
	if (!parse_url(a, &ha, &la) || !parse_url(b, &hb, &lb))
		return false;
	/* scheme and host (parse_url checked both are ASCII) ignore case;
	 * the rest of the URL does not */
	size_t ea = (size_t)(ha - a) + la, eb = (size_t)(hb - b) + lb;
	if (ea != eb || strncasecmp(a, b, ea) != 0)
		return false;
	size_t ra = document_len(a + ea), rb = document_len(b + eb);
	return ra == rb && memcmp(a + ea, b + eb, ra) == 0;
}

void kf_listing_check_privacy_entity(const char *url, const char *page_text, const char *entity_name,
				     struct kf_findings *out)
{
	if (!entity_name || !out)
		return;
	char ub[81], eb[121];
	const char *u = quote(ub, sizeof(ub), url);
	const char *e = quote(eb, sizeof(eb), entity_name);
	if (!page_text) {
		kf_findings_add(out, "LST-20", "privacy_url", KF_SEVERITY_WARN,
				"the text of privacy_url %s could not be read (not an HTML or text page); "
				"the reviewer checks that its operating entity is %s",
				u, e);
		return;
	}
	char *want = kf_terms_skeleton(entity_name);
	bool named = want && *want && strstr(page_text, want);
	free(want);
	if (!named)
		kf_findings_add(out, "LST-20", "privacy_url", KF_SEVERITY_WARN,
				"privacy_url %s does not name the provider's entity %s; the reviewer checks its "
				"operating entity",
				u, e);
}

bool kf_listing_url_result_fresh(int64_t checked_at, int64_t now)
{
	return checked_at > 0 && checked_at <= now && now - checked_at < KF_LISTING_URL_FRESH_SECONDS;
}

/* ---- REV-6: category qualifications ---- */

static const char *const QUAL_STATES[] = {"missing", "pending", "accepted", "rejected"};

const char *kf_qualification_state_name(enum kf_qualification_state s)
{
	return (unsigned)s < sizeof(QUAL_STATES) / sizeof(QUAL_STATES[0]) ? QUAL_STATES[s] : "missing";
}

bool kf_qualification_state_parse(const char *s, enum kf_qualification_state *out)
{
	for (size_t i = 0; s && i < sizeof(QUAL_STATES) / sizeof(QUAL_STATES[0]); i++) {
		if (!strcmp(s, QUAL_STATES[i])) {
			*out = (enum kf_qualification_state)i;
			return true;
		}
	}
	return false;
}

bool kf_listing_doc_key_valid(const char *doc)
{
	if (!doc || !(doc[0] >= 'a' && doc[0] <= 'z'))
		return false;
	size_t n = strlen(doc);
	if (n > KF_LISTING_DOC_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((doc[i] >= 'a' && doc[i] <= 'z') || (doc[i] >= '0' && doc[i] <= '9') || doc[i] == '_'))
			return false;
	return true;
}

void kf_listing_check_qualifications(const char *category, const struct kf_qualification *q,
				     size_t n, struct kf_findings *out)
{
	char cb[65], db[65], rb[101];
	const char *cat = quote(cb, sizeof(cb), category);
	for (size_t i = 0; q && i < n; i++) {
		const char *doc = quote(db, sizeof(db), q[i].doc);
		if (q[i].state == KF_QUALIFICATION_MISSING)
			kf_findings_add(out, "REV-6", "qualifications", R,
					"category %s requires the document %s; submit it before release",
					cat, doc);
		else if (q[i].state == KF_QUALIFICATION_PENDING)
			kf_findings_add(out, "REV-6", "qualifications", R,
					"the document %s is waiting for an operator to accept it; release "
					"needs it accepted", doc);
		else if (q[i].state == KF_QUALIFICATION_REJECTED)
			kf_findings_add(out, "REV-6", "qualifications", R,
					"the document %s was rejected%s%s; submit a new one", doc,
					q[i].reason && *q[i].reason ? ": " : "",
					quote(rb, sizeof(rb), q[i].reason));
	}
}

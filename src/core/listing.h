/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text and field rules of an app listing (RULES.md LST-1 … LST-20, APP-11)
 * as pure functions. Every check appends findings to a caller-provided
 * struct kf_findings (core/finding.h) instead of stopping at the first
 * problem, so one call collects everything a provider has to fix. Images
 * (LST-6, LST-10, LST-11) are checked by core/image.h into the same list.
 * URLs are checked here for presence and syntax; whether they open (LST-14,
 * LST-16) is judged here from a fetch result push/urlcheck.h obtained. The
 * category's qualification documents (REV-6) are judged here as well.
 *
 * Lengths are measured in half-units (KF_LISTING_*_MAX_HALF): an ASCII
 * character counts 1, any other code point 2, so "10 CJK characters" is 20
 * half-units, the same as "20 characters" of Latin text (RULES.md, LST).
 * Length is measured on the text as given (not NFKC), so a full-width letter
 * counts as wide as it displays.
 *
 * Every string in these structs is borrowed and may be NULL (treated as
 * absent). Invalid UTF-8 in a text field is itself a reject finding for that
 * field's rule, and that field's other checks are skipped.
 */
#ifndef KF_CORE_LISTING_H
#define KF_CORE_LISTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/finding.h"
#include "core/terms.h"

#define KF_LISTING_NAME_MAX_HALF 20     /* LST-1: 10 CJK / 20 Latin; over is reject */
#define KF_LISTING_NAME_BEST_HALF 12    /* LST-1: 2–6 CJK recommended; over 6 is a warning */
#define KF_LISTING_INTRO_MAX_HALF 30    /* LST-8: 15 CJK */
#define KF_LISTING_DESC_MAX_HALF 1000   /* LST-9: 500 CJK */
#define KF_LISTING_NOTES_MAX_HALF 1000  /* LST-13: optional; cap is policy */
#define KF_LISTING_DELETION_MAX_HALF 1000 /* APP-12: 500 CJK characters */
#define KF_LISTING_KEYWORDS_MAX 8       /* LST-4: at most 8 keywords */
#define KF_LISTING_KEYWORD_MAX_HALF 20  /* LST-4: each at most 10 CJK (policy) */
#define KF_LISTING_URL_MAX 2048         /* LST-14/16: bytes */
#define KF_LISTING_PHONE_MAX 32         /* LST-17: raw input bytes */
#define KF_LISTING_VERSION_PARTS 4      /* LST-12: 1..4 dotted numbers */
#define KF_LISTING_VERSION_PART_MAX 99999

/* Listing text as received (API field names). */
struct kf_listing_text {
	const char *name;
	const char *category;
	const char *intro;
	const char *description;
	const char *version;
	const char *update_notes;
	const char *privacy_url;
	const char *terms_url;
	const char *company_name;
	const char *website;
	const char *support_phone;
	const char *const *keywords; /* n_keywords entries, may be NULL when 0 */
	size_t n_keywords;
	bool offers_accounts;         /* APP-12: the app has user accounts of its own */
	const char *account_deletion; /* APP-12: how its users delete them */
};

/* Everything the checks need besides the listing; all borrowed. A NULL
 * matcher skips that rule's term check. */
struct kf_listing_ctx {
	const struct kf_terms *generic_names;  /* LST-3, exact match on name */
	const struct kf_terms *hot_words;      /* LST-4: name, intro, keywords */
	const struct kf_terms *gambling_names; /* LST-5: name */
	const struct kf_terms *superlatives;   /* LST-18: all text */
	const struct kf_terms *banned;         /* LST-19: all text */
	const struct kf_terms *marks;          /* APP-11: name, intro, description,
						  keywords, update notes, website */
	const char *entity_name;  /* LST-15: the provider's verified entity; NULL = none */
	const char *last_version; /* LST-12: last released version; NULL = first release */
	const char *const *categories; /* LST-7: catalog ids */
	size_t n_categories;
};

/* Length in half-units (see above); SIZE_MAX when s is NULL or invalid UTF-8. */
size_t kf_listing_cjk_len(const char *s);

/*
 * LST-12: true when v is 1..4 dot-separated parts, each a decimal number
 * 0..99999 without sign, white space or leading zeros (except "0" itself).
 */
bool kf_listing_version_valid(const char *v);

/*
 * LST-12: compare two valid versions numerically part by part, missing parts
 * counting as 0 ("1.2" == "1.2.0"). Returns <0, 0 or >0. Defined (but not
 * meaningful) for invalid input: digits are read up to the next '.', other
 * characters ignored, NULL sorts as "0".
 */
int kf_listing_version_cmp(const char *a, const char *b);

/*
 * LST-17: true for a support phone number we accept. Spaces and hyphens are
 * ignored. Accepted:
 *   - anything kf_validate_mobile accepts (mainland mobile 1[3-9]+9 digits,
 *     with or without 86/+86; other "+" E.164 numbers of 7..15 digits);
 *   - mainland landline: trunk 0, area code of 2 or 3 more digits (010, 021,
 *     0755), then a 7 or 8 digit subscriber number not starting with 0,
 *     optionally with the area code in parentheses "(010)12345678";
 *   - service numbers 400/800 + 7 digits (400-123-4567) and 95 + 3..6
 *     digits (such as 95588).
 * At most KF_LISTING_PHONE_MAX bytes.
 */
bool kf_listing_phone_valid(const char *s);

/*
 * LST-14/LST-16: absolute "http://" or "https://" URL (scheme case-
 * insensitive) with a host of dot-separated labels [A-Za-z0-9-] (at least
 * two labels, none starting or ending with '-', the last not all digits,
 * at most 253 bytes), an optional ":port"
 * 1..65535, and an optional path/query/fragment starting with '/', '?' or
 * '#' of printable ASCII without spaces. No user info ('@' before the host
 * ends), no IP literal in brackets. At most KF_LISTING_URL_MAX bytes.
 */
bool kf_listing_url_valid(const char *s);

/* The single-field checks kf_listing_check_text runs; each appends only. */
void kf_listing_check_name(const char *name, const struct kf_listing_ctx *ctx,
			   struct kf_findings *out);          /* LST-1..5, 18, 19, APP-11 */
void kf_listing_check_intro(const char *intro, const struct kf_listing_ctx *ctx,
			    struct kf_findings *out);         /* LST-8, 4, 18, 19, APP-11 */
void kf_listing_check_description(const char *desc, const struct kf_listing_ctx *ctx,
				  struct kf_findings *out);   /* LST-9, 18, 19, APP-11 */
void kf_listing_check_keywords(const char *const *kw, size_t n,
			       const struct kf_listing_ctx *ctx,
			       struct kf_findings *out);      /* LST-4, 18, 19, APP-11 */
void kf_listing_check_version(const char *version, const char *last_version,
			      struct kf_findings *out);       /* LST-12 */
void kf_listing_check_update_notes(const char *notes, const struct kf_listing_ctx *ctx,
				   struct kf_findings *out);  /* LST-13, 18, 19, APP-11 */
void kf_listing_check_company(const char *company, const char *entity_name,
			      struct kf_findings *out);       /* LST-15 */
void kf_listing_check_phone(const char *phone, struct kf_findings *out); /* LST-17 */
/* LST-7: catalog NULL skips the membership test (presence still checked). */
void kf_listing_check_category(const char *category, const char *const *catalog,
			       size_t n, struct kf_findings *out);
/* LST-14 (privacy_url, terms_url), LST-16 (website, plus APP-11 on it) and
 * LST-20's "separate document": privacy_url naming the same page as
 * terms_url or website (kf_listing_same_document) is a reject. */
void kf_listing_check_urls(const struct kf_listing_text *l, const struct kf_listing_ctx *ctx,
			   struct kf_findings *out);

/*
 * APP-12: an app that offers its own user accounts declares how users
 * delete them: with offers_accounts, account_deletion is required (blank is
 * a reject finding), at most KF_LISTING_DELETION_MAX_HALF long, and judged
 * by the superlative, banned-term and protected-mark lists like other
 * text. Without offers_accounts a given text is still checked.
 */
void kf_listing_check_accounts(bool offers_accounts, const char *deletion, const struct kf_listing_ctx *ctx,
			       struct kf_findings *out);

/* Run every text and field rule above on l, appending to out (not reset). */
void kf_listing_check_text(const struct kf_listing_text *l, const struct kf_listing_ctx *ctx,
			   struct kf_findings *out);

/* ---- Opening the URLs (LST-14, LST-16) ------------------------------- */

#define KF_LISTING_URL_MAX_REDIRECTS 5     /* LST-14: HTTP 200 after at most 5 */
#define KF_LISTING_URL_FRESH_SECONDS 3600  /* a result older than this is fetched again */

/* What opening one listing URL gave (push/urlcheck.h fetches it). Strings
 * are borrowed. */
struct kf_listing_url_result {
	bool checked;      /* false: no result yet (never opened, or queued) */
	int status;        /* HTTP status of the last answer; 0 = none */
	int redirects;     /* redirects followed */
	const char *error; /* why it failed (transport, too many redirects), or NULL */
};

/* LST-14/LST-16: the URL opened: checked, no error, HTTP 200 after at most
 * KF_LISTING_URL_MAX_REDIRECTS redirects. */
bool kf_listing_url_opened(const struct kf_listing_url_result *r);

/*
 * LST-14 (field "privacy_url" or "terms_url") / LST-16 ("website"): one
 * reject finding unless r says the URL opened; a result not yet checked is
 * a reject too ("has not been opened yet"). field must be one of those
 * three static strings; url (borrowed, may be NULL) is quoted.
 */
void kf_listing_check_url_result(const char *field, const char *url,
				 const struct kf_listing_url_result *r, struct kf_findings *out);

/*
 * LST-20: true when a and b (valid listing URLs) name the same document:
 * equal once the fragment and a trailing "/" of the path are dropped and
 * the scheme and host are compared case-insensitively.
 */
bool kf_listing_same_document(const char *a, const char *b);

/*
 * LST-20, the operating entity: a privacy policy page that opened (LST-14)
 * must name the provider's verified entity. page_text is the skeleton
 * (core/terms.h) of the page's readable text, NULL when it could not be
 * read (not an HTML or text page); entity_name NULL (no verified entity)
 * checks nothing, as LST-15 already reports it. A page that does not
 * contain the entity's skeleton, or could not be read, gets one warning
 * finding on "privacy_url" for the reviewer: a page may show its operator
 * only in a picture or through script, so a machine does not reject it.
 */
void kf_listing_check_privacy_entity(const char *url, const char *page_text, const char *entity_name,
				     struct kf_findings *out);

/* True when a result taken at checked_at (0 = never) may still be used at
 * now: less than KF_LISTING_URL_FRESH_SECONDS old and not from the future. */
bool kf_listing_url_result_fresh(int64_t checked_at, int64_t now);

/* ---- Category qualifications (REV-6) --------------------------------- */

#define KF_LISTING_DOC_KEY_MAX 64

enum kf_qualification_state {
	KF_QUALIFICATION_MISSING = 0, /* no document submitted */
	KF_QUALIFICATION_PENDING,     /* submitted, a reviewer decides */
	KF_QUALIFICATION_ACCEPTED,
	KF_QUALIFICATION_REJECTED,
};

/* "missing", "pending", "accepted", "rejected" (static strings). */
const char *kf_qualification_state_name(enum kf_qualification_state s);
/* Parse one of those names; false for anything else. */
bool kf_qualification_state_parse(const char *s, enum kf_qualification_state *out);

/* A document key of categories.qualifications: 1..64 bytes of [a-z0-9_],
 * starting with a letter. */
bool kf_listing_doc_key_valid(const char *doc);

/* One document a category requires and where it stands; borrowed strings. */
struct kf_qualification {
	const char *doc;
	enum kf_qualification_state state;
	const char *reason; /* the reviewer's reason of a rejection, or NULL */
};

/*
 * REV-6: one reject finding (field "qualifications", the message names the
 * document) for every required document that is missing, not decided yet
 * or rejected: release is blocked until every one is accepted. category
 * (borrowed, may be NULL) is only quoted.
 */
void kf_listing_check_qualifications(const char *category, const struct kf_qualification *q,
				     size_t n, struct kf_findings *out);

#endif

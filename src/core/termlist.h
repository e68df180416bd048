/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's term lists (APP-11, LST-3, LST-4, LST-5, LST-18, LST-19) as
 * data: which lists exist, the rule each serves, what a valid term is, and
 * how a set of built matchers (core/terms.h) plugs into the listing checks
 * (core/listing.h). Storage and caching live elsewhere (store/listings.h,
 * pipeline/terms_cache.h).
 */
#ifndef KF_CORE_TERMLIST_H
#define KF_CORE_TERMLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct kf_terms;
struct kf_listing_ctx;

enum kf_termlist {
	KF_TERMLIST_PROTECTED_MARKS = 0, /* APP-11 */
	KF_TERMLIST_GENERIC_NAMES,       /* LST-3 */
	KF_TERMLIST_HOT_WORDS,           /* LST-4 */
	KF_TERMLIST_GAMBLING_NAMES,      /* LST-5 */
	KF_TERMLIST_SUPERLATIVES,        /* LST-18 */
	KF_TERMLIST_BANNED_TERMS,        /* LST-19 */
	KF_TERMLIST_COUNT
};

#define KF_TERMLIST_MAX_TERMS 5000   /* terms in one list */
#define KF_TERMLIST_TERM_MAX_CHARS 64 /* code points in one term */

/* "protected_marks", "generic_names", "hot_words", "gambling_names",
 * "superlatives", "banned_terms" (static strings, the table's list column). */
const char *kf_termlist_name(enum kf_termlist l);
/* The rule id a list serves ("APP-11", "LST-3", …; static). */
const char *kf_termlist_rule(enum kf_termlist l);
/* True when the checks match list l against a whole text (LST-3's generic
 * names: the name as a whole is generic), false when a term anywhere in
 * the text counts (every other list). */
bool kf_termlist_whole_text(enum kf_termlist l);
/* The list called name; false for an unknown (or NULL) name. */
bool kf_termlist_parse(const char *name, enum kf_termlist *out);

/*
 * One term of list l (its rule names the error): s of len bytes must be
 * valid UTF-8 without NUL, 1..KF_TERMLIST_TERM_MAX_CHARS code points, and
 * keep at least one letter or digit after normalisation (a term of only
 * spaces or punctuation would never match, see core/terms.h). Returns KF_OK
 * or KF_EINVAL (name "invalid_term", field "terms").
 */
enum kf_err kf_termlist_check_term(enum kf_termlist l, const char *s, size_t len,
				   struct kf_error *err) KF_MUST_CHECK;

/*
 * The lines of a term-list file (`kaifang terms load`): text of len bytes
 * and a NUL after them
 * is split at LF, in place (each line NUL-terminated, a CR before the LF
 * dropped); empty lines and lines starting with '#' are skipped; every
 * other line is a term checked with kf_termlist_check_term (a NUL byte in
 * a line fails that check). On KF_OK *terms is a new array (the caller
 * frees it; NULL when *n is 0) of *n pointers into text, in file order.
 * On error *terms = NULL, *n = 0, *line is the 1-based line at fault and
 * err is the term's error, or KF_ELIMIT "too_many_items" past
 * KF_TERMLIST_MAX_TERMS terms (field "terms", the list's rule).
 */
enum kf_err kf_termlist_split(enum kf_termlist l, char *text, size_t len, const char ***terms, size_t *n,
			      int *line, struct kf_error *err) KF_MUST_CHECK;

/* Point the matchers of ctx at lists[0..KF_TERMLIST_COUNT) (borrowed; NULL
 * skips that rule). Other members of ctx are left alone. */
void kf_termlist_listing_ctx(struct kf_terms *const *lists, struct kf_listing_ctx *ctx);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operator term lists (APP-11, LST-3, LST-4, LST-5, LST-18, LST-19): one
 * Aho-Corasick automaton per list, over Unicode code points.
 *
 * Terms and searched text are brought to one "skeleton" form first: NFKC
 * with case folding (utf8proc STABLE|COMPAT|COMPOSE|CASEFOLD), then every
 * code point of category Z* (white space), P* (punctuation), S* (symbols) and
 * C* (controls, format characters such as U+200B, unassigned) is removed, so
 * letters (L*), digits (N*) and combining marks (M*) remain. Thus "赌 博",
 * "ＨＯＴ", "x-i-a-o" and "Kai Fang" match the terms "赌博", "hot", "xiao" and
 * "kaifang". Matching is a substring search on that form, so a term may also
 * match across the boundary of two words; keep terms specific.
 *
 * A built matcher is immutable: any number of threads may call
 * kf_terms_find / kf_terms_find_exact on it concurrently. Rebuild it when a
 * list changes.
 */
#ifndef KF_CORE_TERMS_H
#define KF_CORE_TERMS_H

#include <stdbool.h>
#include <stddef.h>

struct kf_terms;

/*
 * Build a matcher for terms[0..n). Each term is copied. A term that is NULL,
 * not valid UTF-8 or empty after normalisation is skipped; of terms with the
 * same skeleton the first one is kept. terms may be NULL when n is 0.
 * Returns a new matcher the caller frees with kf_terms_free (never NULL:
 * running out of memory aborts). Time and space are linear in the total size
 * of the terms.
 */
struct kf_terms *kf_terms_build(const char *const *terms, size_t n);

/* Free a matcher; NULL is allowed. Invalidates every matched_term pointer. */
void kf_terms_free(struct kf_terms *t);

/* Number of distinct terms kept by kf_terms_build (0 for NULL). */
size_t kf_terms_count(const struct kf_terms *t);

/*
 * True when the skeleton of text contains the skeleton of a term. The
 * reported term is the one whose occurrence ends first in text; among terms
 * ending at the same place, the longest. *matched_term (if matched_term is
 * not NULL) is set to the term as given to kf_terms_build, borrowed from t
 * and valid until kf_terms_free, or to NULL when nothing matches. False when
 * t or text is NULL or text is not valid UTF-8 (callers validate text
 * first). Time linear in the length of text; allocates a temporary copy.
 */
bool kf_terms_find(const struct kf_terms *t, const char *text, const char **matched_term);

/*
 * True when the skeleton of text equals the skeleton of a term (for lists of
 * whole names such as LST-3's generic names). matched_term as above.
 */
bool kf_terms_find_exact(const struct kf_terms *t, const char *text,
			 const char **matched_term);

/* One occurrence found by kf_terms_find_all: the term as given to
 * kf_terms_build (borrowed from the matcher) and where its skeleton lies in
 * the skeleton of the searched text, in code points [start, end). */
struct kf_terms_match {
	const char *term;
	size_t start, end;
};

/*
 * Every occurrence of every term in text, as kf_terms_find sees them (the
 * same automaton over the same skeleton; exact: only a term equal to the
 * whole skeleton, as kf_terms_find_exact): at most max into out (out may be
 * NULL when max is 0), in the order their ends appear in the skeleton, and
 * the longest first among those ending at one place. Returns how many there
 * are in all (may exceed max). *skeleton (when not NULL) receives the
 * skeleton of text as a new string the caller frees with free() (NULL when
 * text is NULL or not valid UTF-8, then 0 is returned). For the operators'
 * test box: what the checks would match in a sample text, and where.
 */
size_t kf_terms_find_all(const struct kf_terms *t, const char *text, bool exact, struct kf_terms_match *out,
			 size_t max, char **skeleton);

/*
 * The skeleton of s as a new NUL-terminated UTF-8 string the caller frees
 * with free(); NULL when s is NULL or not valid UTF-8.
 */
char *kf_terms_skeleton(const char *s);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The term list catalog and the validity of one term (see termlist.h). */
#include "core/termlist.h"

#include <stdlib.h>
#include <string.h>

#include "core/listing.h"
#include "core/terms.h"
#include "core/validate.h"
#include "util/mem.h"

static const struct {
	const char *name, *rule;
} LISTS[KF_TERMLIST_COUNT] = {
	[KF_TERMLIST_PROTECTED_MARKS] = {"protected_marks", "APP-11"},
	[KF_TERMLIST_GENERIC_NAMES] = {"generic_names", "LST-3"},
	[KF_TERMLIST_HOT_WORDS] = {"hot_words", "LST-4"},
	[KF_TERMLIST_GAMBLING_NAMES] = {"gambling_names", "LST-5"},
	[KF_TERMLIST_SUPERLATIVES] = {"superlatives", "LST-18"},
	[KF_TERMLIST_BANNED_TERMS] = {"banned_terms", "LST-19"},
};

const char *kf_termlist_name(enum kf_termlist l)
{
	return (unsigned)l < KF_TERMLIST_COUNT ? LISTS[l].name : "";
}

const char *kf_termlist_rule(enum kf_termlist l)
{
	return (unsigned)l < KF_TERMLIST_COUNT ? LISTS[l].rule : "";
}

bool kf_termlist_whole_text(enum kf_termlist l)
{
	return l == KF_TERMLIST_GENERIC_NAMES; /* as core/listing.c's name check */
}

bool kf_termlist_parse(const char *name, enum kf_termlist *out)
{
	for (int i = 0; name && i < KF_TERMLIST_COUNT; i++) {
		if (!strcmp(name, LISTS[i].name)) {
			*out = (enum kf_termlist)i;
			return true;
		}
	}
	return false;
}

enum kf_err kf_termlist_check_term(enum kf_termlist l, const char *s, size_t len, struct kf_error *err)
{
	const char *rule = kf_termlist_rule(l);
	if (!s || len == 0)
		return kf_error_set(err, KF_EINVAL, "invalid_term", rule, "terms", "a term must not be empty");
	if (strlen(s) != len || !kf_validate_utf8(s, len))
		return kf_error_set(err, KF_EINVAL, "invalid_term", rule, "terms",
				    "a term must be valid UTF-8 text without NUL characters");
	size_t chars = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			chars++;
	if (chars > KF_TERMLIST_TERM_MAX_CHARS)
		return kf_error_set(err, KF_EINVAL, "invalid_term", rule, "terms",
				    "a term has at most %d characters, not %zu", KF_TERMLIST_TERM_MAX_CHARS, chars);
	char *sk = kf_terms_skeleton(s);
	bool blank = !sk || !sk[0];
	free(sk);
	if (blank)
		return kf_error_set(err, KF_EINVAL, "invalid_term", rule, "terms",
				    "a term needs at least one letter or digit (spaces and punctuation are ignored "
				    "when matching)");
	return KF_OK;
}

enum kf_err kf_termlist_split(enum kf_termlist l, char *text, size_t len, const char ***terms, size_t *n,
			      int *line, struct kf_error *err)
{
	size_t cap = 0;
	const char **v = NULL;
	enum kf_err rc = KF_OK;
	*terms = NULL;
	*n = 0;
	*line = 0;
	char *end = text + len;
	for (char *p = text, *next; p < end; p = next) {
		++*line;
		char *nl = memchr(p, '\n', (size_t)(end - p));
		next = nl ? nl + 1 : end;
		size_t ll = (size_t)((nl ? nl : end) - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		p[ll] = '\0'; /* the LF, the CR or, on the last line, the NUL after len */
		if (ll == 0 || p[0] == '#')
			continue;
		if (*n == KF_TERMLIST_MAX_TERMS) {
			rc = kf_error_set(err, KF_ELIMIT, "too_many_items", kf_termlist_rule(l), "terms",
					  "a list holds at most %d terms", KF_TERMLIST_MAX_TERMS);
			goto out;
		}
		rc = kf_termlist_check_term(l, p, ll, err);
		if (rc != KF_OK)
			goto out;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = kf_xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = p;
	}
	*line = 0;
out:
	if (rc != KF_OK) {
		free(v);
		v = NULL;
		*n = 0;
	}
	*terms = v;
	return rc;
}

void kf_termlist_listing_ctx(struct kf_terms *const *lists, struct kf_listing_ctx *ctx)
{
	ctx->marks = lists[KF_TERMLIST_PROTECTED_MARKS];
	ctx->generic_names = lists[KF_TERMLIST_GENERIC_NAMES];
	ctx->hot_words = lists[KF_TERMLIST_HOT_WORDS];
	ctx->gambling_names = lists[KF_TERMLIST_GAMBLING_NAMES];
	ctx->superlatives = lists[KF_TERMLIST_SUPERLATIVES];
	ctx->banned = lists[KF_TERMLIST_BANNED_TERMS];
}

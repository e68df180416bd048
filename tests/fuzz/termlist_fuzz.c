/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: term-list files as `kaifang terms load` reads them
 * (core/termlist.c, kf_termlist_split). The first byte picks the list.
 * Every term taken is a line of the file that passes kf_termlist_check_term
 * on its own, in file order, never a comment, at most
 * KF_TERMLIST_MAX_TERMS; the terms build a matcher that finds each of them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/termlist.h"
#include "core/terms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum kf_termlist l = (enum kf_termlist)(data[0] % KF_TERMLIST_COUNT);
	size_t len = size - 1;
	char *text = malloc(len + 1);
	memcpy(text, data + 1, len);
	text[len] = '\0';
	char *orig = malloc(len + 1);
	memcpy(orig, text, len + 1);

	const char **terms = NULL;
	size_t n = 0;
	int line = -1;
	struct kf_error err;
	if (kf_termlist_split(l, text, len, &terms, &n, &line, &err) == KF_OK) {
		if (n > KF_TERMLIST_MAX_TERMS || (n == 0) != (terms == NULL) || line != 0)
			abort();
		const char *prev = text - 1;
		for (size_t i = 0; i < n; i++) {
			size_t tl = strlen(terms[i]);
			/* a term is a whole line of the original text, after the previous one */
			if (terms[i] <= prev || terms[i] < text || terms[i] + tl > text + len || terms[i][0] == '#' ||
			    memchr(terms[i], '\n', tl) || memcmp(orig + (terms[i] - text), terms[i], tl) ||
			    (terms[i] != text && orig[terms[i] - text - 1] != '\n'))
				abort();
			struct kf_error e2;
			if (kf_termlist_check_term(l, terms[i], tl, &e2) != KF_OK)
				abort();
			prev = terms[i];
		}
		if (n && n <= 64) {
			struct kf_terms *m = kf_terms_build((const char *const *)terms, n);
			const char *hit = NULL;
			for (size_t i = 0; m && i < n; i++)
				if (!kf_terms_find(m, terms[i], &hit))
					abort();
			kf_terms_free(m);
		}
		free(terms);
	} else if (terms || n || line < 1 || !err.name) {
		abort();
	}
	free(orig);
	free(text);
	return 0;
}

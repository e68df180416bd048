/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: the term matcher and the listing text checks on
 * arbitrary text (the first line is used as the term list). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/listing.h"
#include "core/terms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	char *nl = strchr(s, '\n');
	const char *text = nl ? nl + 1 : s;
	if (nl)
		*nl = '\0';
	const char *terms[] = {s, "赌博", "kaifang", "最"};
	struct kf_terms *t = kf_terms_build(terms, 4);
	const char *m = NULL;
	if (t) {
		(void)kf_terms_find(t, text, &m);
		(void)kf_terms_find_exact(t, text, &m);
	}
	struct kf_listing_text l = {0};
	l.name = text;
	l.intro = text;
	l.description = text;
	l.version = text;
	l.support_phone = text;
	l.website = text;
	struct kf_listing_ctx ctx = {0};
	ctx.banned = t;
	struct kf_findings *f = calloc(1, sizeof(*f));
	kf_listing_check_text(&l, &ctx, f);
	free(f);
	kf_terms_free(t);
	free(s);
	return 0;
}

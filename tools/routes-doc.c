/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prints the route table of docs/api.md generated from the route tables, or
 * with a file argument writes it into that file between its
 * <!-- routes:begin --> and <!-- routes:end --> lines (`make routes-doc`).
 * usage: routes-doc [FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/routedoc.h"
#include "util/mem.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t len = 0, cap = 1 << 16;
	char *s = kf_xmalloc(cap);
	size_t got;
	while ((got = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len < 2)
			s = kf_xrealloc(s, cap *= 2);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

int main(int argc, char **argv)
{
	char *table = kf_routedoc_markdown(), *doc = NULL, *out = NULL;
	int rc = 1;
	if (argc < 2) {
		fputs(table, stdout);
		rc = 0;
		goto out;
	}
	const char *path = argv[1];
	if (!(doc = slurp(path))) {
		perror(path);
		goto out;
	}
	if (!(out = kf_routedoc_splice(doc, table))) {
		fprintf(stderr, "%s: needs one line %.*s and one line %.*s after it\n", path,
			(int)strlen(KF_ROUTEDOC_BEGIN) - 1, KF_ROUTEDOC_BEGIN, (int)strlen(KF_ROUTEDOC_END) - 1,
			KF_ROUTEDOC_END);
		goto out;
	}
	if (!strcmp(doc, out)) {
		printf("%s: the route table is up to date\n", path);
		rc = 0;
		goto out;
	}
	FILE *f = fopen(path, "wb");
	if (!f || fputs(out, f) == EOF || fclose(f) != 0) {
		perror(path);
		goto out;
	}
	printf("%s: the route table was rewritten from the route tables\n", path);
	rc = 0;
out:
	free(out);
	free(doc);
	free(table);
	return rc;
}

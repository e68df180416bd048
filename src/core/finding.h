/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Findings of the automated compliance checks: one list type shared by the
 * text rules (core/listing.h), the image rules (core/image.h) and whatever
 * else judges a listing, so one list carries everything a provider has to
 * fix. A check appends and never stops at the first problem.
 */
#ifndef KF_CORE_FINDING_H
#define KF_CORE_FINDING_H

#include <stdbool.h>
#include <stddef.h>

/* Capacity of one list: a listing with every field wrong, 64 bad keywords
 * and 10 broken previews stays below it. */
#define KF_FINDINGS_MAX 128

enum kf_severity {
	KF_SEVERITY_REJECT = 0, /* blocks submission */
	KF_SEVERITY_WARN,       /* shown, does not block */
};

struct kf_finding {
	const char *rule;  /* static string, e.g. "LST-1" */
	const char *field; /* static string, the API field name, e.g. "name" */
	enum kf_severity severity;
	char message[200]; /* valid UTF-8, may quote a matched term */
};

/* Findings beyond KF_FINDINGS_MAX are counted in dropped, not stored.
 * Initialise with n = 0 and dropped = 0 (e.g. `= {.n = 0}`). About 28 KB:
 * callers on small stacks allocate it. */
struct kf_findings {
	struct kf_finding v[KF_FINDINGS_MAX];
	size_t n;
	size_t dropped;
};

/* Append one finding (message printf-style, truncated on a UTF-8 boundary).
 * Counted in dropped when out is full; out may be NULL (nothing happens).
 * rule and field must be static strings. */
void kf_findings_add(struct kf_findings *out, const char *rule, const char *field,
		     enum kf_severity severity, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* True when any finding is a reject (the listing cannot be submitted). */
bool kf_findings_has_reject(const struct kf_findings *f);

/* "reject" or "warn" (static strings). */
const char *kf_severity_name(enum kf_severity sev);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The findings list (see finding.h). Messages are cut on a UTF-8 boundary
 * so a finding always renders as valid JSON text. */
#include "core/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Cut s (NUL-terminated) back so it does not end in a partial UTF-8
 * sequence; used after a truncating snprintf. */
static void trim_partial_utf8(char *s)
{
	size_t len = strlen(s);
	size_t i = len;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

void kf_findings_add(struct kf_findings *out, const char *rule, const char *field,
		     enum kf_severity severity, const char *fmt, ...)
{
	if (!out)
		return;
	if (out->n >= KF_FINDINGS_MAX) {
		out->dropped++;
		return;
	}
	struct kf_finding *f = &out->v[out->n++];
	f->rule = rule;
	f->field = field;
	f->severity = severity;
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	if (r < 0)
		f->message[0] = '\0';
	else if ((size_t)r >= sizeof(f->message))
		trim_partial_utf8(f->message);
}

bool kf_findings_has_reject(const struct kf_findings *f)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (f->v[i].severity == KF_SEVERITY_REJECT)
			return true;
	return false;
}

const char *kf_severity_name(enum kf_severity sev)
{
	return sev == KF_SEVERITY_WARN ? "warn" : "reject";
}

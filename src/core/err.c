/* SPDX-License-Identifier: Apache-2.0 */
/* Error filling helpers shared by every layer. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum kf_err kf_error_set(struct kf_error *err, enum kf_err code, const char *name,
			 const char *rule, const char *field, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	err->status = 0;
	err->name = name;
	err->rule = rule;
	err->field = field;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int kf_err_status(enum kf_err code)
{
	switch (code) {
	case KF_OK: return 200;
	case KF_EINVAL: return 400;
	case KF_ENOTFOUND: return 404;
	case KF_ECONFLICT: return 409;
	case KF_EAUTH: return 401;
	case KF_EFORBIDDEN: return 403;
	case KF_ELIMIT: return 429;
	case KF_EUNAVAIL: return 503;
	case KF_EGONE: return 410;
	case KF_EDB:
	case KF_EINTERNAL: return 500;
	}
	return 500;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One error type for the whole project. 0 is success. A user-facing failure
 * also fills a struct kf_error naming the rule id and the field concerned;
 * only http/ turns it into a status code and a JSON body.
 */
#ifndef KF_CORE_ERR_H
#define KF_CORE_ERR_H

#include <stddef.h>

enum kf_err {
	KF_OK = 0,
	KF_EINVAL,     /* 400/422: bad input */
	KF_ENOTFOUND,  /* 404 */
	KF_ECONFLICT,  /* 409 */
	KF_EAUTH,      /* 401 */
	KF_EFORBIDDEN, /* 403 */
	KF_ELIMIT,     /* 429 / 413 */
	KF_EDB,        /* 500: storage failed */
	KF_EINTERNAL,  /* 500 */
	KF_EUNAVAIL,   /* 503 */
	KF_EGONE,      /* 410: existed once, no longer usable (an expired or used link) */
};

#define KF_MUST_CHECK __attribute__((warn_unused_result))

struct kf_error {
	enum kf_err code;
	int status;        /* HTTP status; 0 = derive from code */
	const char *name;  /* machine code, e.g. "email_taken" (static string) */
	const char *rule;  /* rule id such as "ONB-8", or NULL (static string) */
	const char *field; /* field name, or NULL (static string) */
	char msg[256];
};

/* Fill err (may be NULL) and return code. name/rule/field must be static. */
enum kf_err kf_error_set(struct kf_error *err, enum kf_err code, const char *name,
			 const char *rule, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Default HTTP status for an error code. */
int kf_err_status(enum kf_err code);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* application/x-www-form-urlencoded bodies (the consent page's forms),
 * decoded into the request arena. */
#ifndef KF_HTTP_FORM_H
#define KF_HTTP_FORM_H

#include <stddef.h>

struct kf_arena;

#define KF_FORM_MAX_FIELDS 256

struct kf_form {
	const char *names[KF_FORM_MAX_FIELDS];
	const char *values[KF_FORM_MAX_FIELDS];  /* NUL-terminated; a file's bytes may hold NULs */
	size_t lens[KF_FORM_MAX_FIELDS];          /* bytes of each value */
	const char *filenames[KF_FORM_MAX_FIELDS]; /* multipart file parts: the file's name, else NULL */
	const char *types[KF_FORM_MAX_FIELDS];     /* multipart: the part's content type, or NULL */
	size_t n;
};

/* Parse body (len bytes, not necessarily NUL-terminated). Returns 0, or -1
 * when a field does not decode or there are too many. */
int kf_form_parse(struct kf_arena *a, const char *body, size_t len, struct kf_form *out);
/* A form of the name/value pairs given (n pairs in kv: name, value, …);
 * for building a query for an inner API call. */
void kf_form_set(struct kf_form *f, const char *name, const char *value);
/* The index of the first field called name, or -1. */
int kf_form_index(const struct kf_form *f, const char *name);
/* The first value of name, or NULL. */
const char *kf_form_get(const struct kf_form *f, const char *name);
/* Every value of a repeated name, at most max; returns the count. */
size_t kf_form_all(const struct kf_form *f, const char *name, const char **out, size_t max);

#endif

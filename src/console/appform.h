/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An app's configuration as the console's forms see it: the fields of
 * basic info and development settings (form names = the API's field
 * names, "dev.message_url"), rendered with the stored value or what was
 * typed, read back from a posted form into a request body (a new app's,
 * or a JSON merge patch), the permission sets as checkboxes, and a line
 * diff of two versions.
 */
#ifndef KF_CONSOLE_APPFORM_H
#define KF_CONSOLE_APPFORM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "console/console.h"

enum kf_appform_kind {
	KF_APPFORM_TEXT,
	KF_APPFORM_AREA,
	KF_APPFORM_URL,
	KF_APPFORM_LINES, /* a list of strings, one a line */
	KF_APPFORM_IDS,   /* a list of numbers, one a line */
	KF_APPFORM_BOOL,
	KF_APPFORM_AUDIENCE,
};

struct kf_appform_field {
	const char *name; /* the API's field name, also the form's */
	enum kf_appform_kind kind;
	const char *en, *zh;
	const char *hint_en, *hint_zh;
	bool review; /* needed before the creation review (APP-5) */
};

/* Basic info and development settings, in the order of their forms. */
extern const struct kf_appform_field kf_appform_info[];
extern const size_t kf_appform_n_info;
extern const struct kf_appform_field kf_appform_dev[];
extern const size_t kf_appform_n_dev;

/* The configuration being prepared: the draft, else the live one
 * (borrowed; NULL or JSON null when neither). */
json_t *kf_appform_cfg(json_t *app);
/* The member at a form name of a config (borrowed, may be NULL). */
json_t *kf_appform_member(json_t *cfg, const char *path);
/* Set the member at a form name, making "dev" when needed; steals v. */
void kf_appform_set(json_t *obj, const char *path, json_t *v);
/* A value as a form shows it: lists one entry a line (arena). */
const char *kf_appform_value(struct kf_con *c, json_t *v);
/* Nothing there: absent, null, "" or []. */
bool kf_appform_empty(json_t *v);
/* Only decimal digits, at least one. */
bool kf_appform_digits(const char *s);

/* One field with cfg's value, or what was posted, and its error. */
void kf_appform_input(struct kf_con *c, const struct kf_appform_field *f, json_t *cfg);
/* The posted fields fs[0..n) into a body: for a new app the filled ones,
 * for a merge patch (patch) every one, an empty one as null. Into into
 * when given (returned), else a new object (new reference). */
json_t *kf_appform_body(struct kf_con *c, const struct kf_appform_field *fs, size_t n, bool patch, json_t *into);
/* The permission sets ticked in the posted form (new reference). */
json_t *kf_appform_sets_posted(struct kf_con *c);
/* The catalog's permission sets as checkboxes named permission_sets,
 * chosen ones ticked, with the error of the field. */
void kf_appform_sets(struct kf_con *c, json_t *chosen);

/* GET that leaves the page's pending refusal (c->err) as it is: for what
 * a form shows around the error of the write that failed. NULL when the
 * read failed. */
json_t *kf_appform_quiet_get(struct kf_con *c, const char *path);

/* The changes from one configuration to another (from may be NULL) as
 * "- " / "+ " / "  " lines of "field: value", one list entry a line. */
void kf_appform_diff(struct kf_con *c, json_t *from, json_t *to);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Error texts for pages: the sentence a page shows for an API error code
 * (the "code" of {"error":{"code","message","rule","field"}}) and the label
 * of the field it concerns, in Chinese and English.
 *
 * The API's own message is English and may be formatted with details; the
 * texts here are whole sentences without placeholders, written to stand
 * next to the field they concern (a generic field error such as
 * missing_field reads "This field is required." under the field's label).
 * Every code the server can answer has a text: tools/check-errtext.sh
 * (part of `make layers`) compares the table with the codes in src/.
 */
#ifndef KF_WEB_ERRTEXT_H
#define KF_WEB_ERRTEXT_H

#include <stddef.h>

#include "web/i18n.h"

/*
 * The message for the error code in lang: a static, non-empty UTF-8
 * sentence, or NULL when code is NULL or unknown (the page then shows the
 * API's English message). An out-of-range lang counts as English. No
 * allocation; safe from any thread.
 */
const char *kf_errtext(enum kf_lang lang, const char *code);

/*
 * A label for an API field name ("name", "email", "dev.redirect_uris", …)
 * in lang, or NULL when field is NULL or not a common field. A dotted
 * name ("attestations.team_size") is looked up whole first, then by its
 * last part; an index suffix ("server_domains[2]") is ignored. Static
 * string; no allocation.
 */
const char *kf_fieldname(enum kf_lang lang, const char *field);

/* The number of codes with a text, and the i-th code in byte order (NULL
 * past the end): for tests and tools that walk the table. Static. */
size_t kf_errtext_count(void);
const char *kf_errtext_code(size_t i);

#endif

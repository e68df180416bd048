/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's catalogs as the admins edit them: categories with the
 * special qualifications they require (REV-6) and permission sets with the
 * texts providers and host owners read (APP-3). Pure checks of one entry;
 * each refusal names its field and rule. Storage is store/categories.h and
 * store/permsets.h.
 */
#ifndef KF_CORE_CATALOG_H
#define KF_CORE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define KF_CATEGORY_NAME_MAX_CHARS 32 /* code points of a category name */
#define KF_CATEGORY_DOCS_MAX 16       /* documents one category may require */
#define KF_PERMSET_NAME_MAX_CHARS 50
#define KF_PERMSET_TEXT_MAX_CHARS 500

/*
 * A text of a catalog entry (a name, a description): valid UTF-8 without
 * control characters, at least one character that is not white space, at
 * most max_chars code points, and no line breaks when one_line. NULL
 * passes when !required. KF_EINVAL "invalid_value" naming field and rule.
 */
KF_MUST_CHECK enum kf_err kf_catalog_check_text(const char *s, bool required, size_t max_chars, bool one_line,
						const char *field, const char *rule, struct kf_error *err);

/* A category id ([a-z][a-z0-9_]{0,63}, as listings name it): KF_EINVAL
 * "invalid_value" (field "id", REV-6). */
KF_MUST_CHECK enum kf_err kf_catalog_check_category_id(const char *id, struct kf_error *err);

/*
 * The documents a category requires: docs[0..n) each a document key
 * (core/listing.h kf_listing_doc_key_valid), none twice, at most
 * KF_CATEGORY_DOCS_MAX. A NULL entry (not a string) is refused too.
 * KF_EINVAL "invalid_value" (the message names the entry at fault), or
 * KF_ELIMIT "too_many_items"; field "qualifications", rule REV-6.
 */
KF_MUST_CHECK enum kf_err kf_catalog_check_docs(const char *const *docs, size_t n, struct kf_error *err);

#endif

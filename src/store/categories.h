/* SPDX-License-Identifier: Apache-2.0 */
/* The admins' edits of the category catalog (REV-6); reading it is
 * store/listings.h (kf_store_categories_list). */
#ifndef KF_STORE_CATEGORIES_H
#define KF_STORE_CATEGORIES_H

#include "core/err.h"

struct kf_db;

/* Add category key with its names and the JSON array text of the documents
 * it requires. KF_ECONFLICT when key exists; KF_EDB. */
enum kf_err kf_store_category_insert(struct kf_db *db, const char *key, const char *name_zh, const char *name_en,
				     const char *qualifications_json) KF_MUST_CHECK;
/* Change category key: each of name_zh, name_en and qualifications_json
 * that is not NULL replaces the stored one. KF_ENOTFOUND; KF_EDB. */
enum kf_err kf_store_category_update(struct kf_db *db, const char *key, const char *name_zh, const char *name_en,
				     const char *qualifications_json) KF_MUST_CHECK;

#endif

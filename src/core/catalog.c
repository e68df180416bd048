/* SPDX-License-Identifier: Apache-2.0 */
/* Checks of one catalog entry (see catalog.h). */
#include "core/catalog.h"

#include <string.h>

#include "core/listing.h"
#include "core/validate.h"

enum kf_err kf_catalog_check_text(const char *s, bool required, size_t max_chars, bool one_line, const char *field,
				  const char *rule, struct kf_error *err)
{
	if (!s) {
		if (!required)
			return KF_OK;
		return kf_error_set(err, KF_EINVAL, "missing_field", rule, field, "%s is required", field);
	}
	size_t len = strlen(s), chars = 0;
	bool visible = false;
	if (!kf_validate_utf8(s, len))
		return kf_error_set(err, KF_EINVAL, "invalid_value", rule, field, "%s must be valid UTF-8 text", field);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch & 0xC0) != 0x80)
			chars++;
		if (ch == '\n' || ch == '\r') {
			if (one_line)
				return kf_error_set(err, KF_EINVAL, "invalid_value", rule, field,
						    "%s must be one line", field);
			continue;
		}
		if (ch < 0x20 || ch == 0x7F)
			return kf_error_set(err, KF_EINVAL, "invalid_value", rule, field,
					    "%s must not contain control characters", field);
		if (ch != ' ' && ch != '\t')
			visible = true;
	}
	if (!visible)
		return kf_error_set(err, KF_EINVAL, "invalid_value", rule, field, "%s must not be blank", field);
	if (chars > max_chars)
		return kf_error_set(err, KF_EINVAL, "invalid_value", rule, field,
				    "%s has at most %zu characters, not %zu", field, max_chars, chars);
	return KF_OK;
}

enum kf_err kf_catalog_check_category_id(const char *id, struct kf_error *err)
{
	if (!kf_listing_doc_key_valid(id))
		return kf_error_set(err, KF_EINVAL, "invalid_value", "REV-6", "id",
				    "a category id is 1 to %d characters of a-z, 0-9 and '_', starting with a letter",
				    KF_LISTING_DOC_KEY_MAX);
	return KF_OK;
}

enum kf_err kf_catalog_check_docs(const char *const *docs, size_t n, struct kf_error *err)
{
	if (n > KF_CATEGORY_DOCS_MAX)
		return kf_error_set(err, KF_ELIMIT, "too_many_items", "REV-6", "qualifications",
				    "a category requires at most %d documents", KF_CATEGORY_DOCS_MAX);
	for (size_t i = 0; i < n; i++) {
		if (!kf_listing_doc_key_valid(docs[i]))
			return kf_error_set(err, KF_EINVAL, "invalid_value", "REV-6", "qualifications",
					    "qualifications[%zu]: a document key is 1 to %d characters of a-z, 0-9 and "
					    "'_', starting with a letter",
					    i, KF_LISTING_DOC_KEY_MAX);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(docs[k], docs[i]))
				return kf_error_set(err, KF_EINVAL, "invalid_value", "REV-6", "qualifications",
						    "qualifications[%zu]: the document '%s' is listed twice", i, docs[i]);
	}
	return KF_OK;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Legal-name matching (ONB-6): the entity name given in a provider
 * application must equal the name found in certification once both are
 * brought to one canonical form (Unicode NFKC, white space trimmed and
 * collapsed). Full-width and half-width forms therefore compare equal; letter
 * case is significant, as it is on a business licence.
 */
#ifndef KF_CORE_NAMES_H
#define KF_CORE_NAMES_H

#include <stdbool.h>

/*
 * Canonical form of a name: NFKC (utf8proc STABLE|COMPAT|COMPOSE), then
 * leading and trailing white space removed and every internal run of white
 * space (Unicode Zs/Zl/Zp, TAB..CR, U+0085; U+3000 and U+00A0 become U+0020
 * under NFKC) replaced by one ASCII space.
 * Returns a new string the caller frees with free(); NULL when s is NULL or
 * not valid UTF-8. Aborts when memory runs out.
 */
char *kf_name_normalize(const char *s);

/*
 * True when a and b have the same canonical form and that form is not empty.
 * NULL, invalid UTF-8 or a blank name never equals anything.
 */
bool kf_name_equal(const char *a, const char *b);

#endif

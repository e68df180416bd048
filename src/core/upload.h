/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What an upload is (POST /v1/files): the declared Content-Type must be one
 * of the accepted types and the bytes must start with that type's magic
 * number, so a file is never stored, and later served, under a type its
 * content does not have. Pure; fuzzed by tests/fuzz/upload_fuzz.c.
 */
#ifndef KF_CORE_UPLOAD_H
#define KF_CORE_UPLOAD_H

#include <stddef.h>

#include "core/err.h"

/*
 * content_type: the request's Content-Type header (NULL = none); its media
 * type (up to the first ';' or space, at most 63 bytes) is compared ASCII
 * case-insensitively with image/png, image/jpeg, image/gif and
 * application/pdf. body: len bytes of content.
 * KF_OK with *mime the canonical static name of the type; otherwise *mime =
 * NULL and KF_EINVAL with err:
 *   unsupported_type  (field "Content-Type", status 415) another or no type
 *   empty_file        (field "body") len is 0
 *   content_mismatch  (field "Content-Type") body does not start with the
 *                     type's magic number
 */
KF_MUST_CHECK enum kf_err kf_upload_sniff(const char *content_type, const void *body, size_t len,
					  const char **mime, struct kf_error *err);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Conversion between the API's app configuration JSON and struct
 * kf_app_config, and JSON merge patches (RFC 7386) for edits. */
#ifndef KF_API_APPCONFIG_H
#define KF_API_APPCONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "core/app.h"

struct kf_req;

/* Check the JSON shape (types, unknown fields, sizes) and fill c. Replies
 * 400 naming the field and returns false on a bad shape. Values are judged
 * later by core/app.c. */
bool kf_appconfig_decode(struct kf_req *r, json_t *j, struct kf_app_config *c);
/* Decode without replying (for stored configs); false when malformed. */
bool kf_appconfig_load(json_t *j, struct kf_app_config *c);
/* The canonical JSON of c (new reference). */
json_t *kf_appconfig_encode(const struct kf_app_config *c);
/* Apply a JSON merge patch to target in place (null deletes a member). */
void kf_json_merge_patch(json_t *target, json_t *patch);

#endif

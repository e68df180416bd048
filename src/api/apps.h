/* SPDX-License-Identifier: Apache-2.0 */
/* Hooks the review mechanism calls when an app's review is decided. */
#ifndef KF_API_APPS_H
#define KF_API_APPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/roles.h"

struct kf_req;
struct kf_review_row;
struct kf_app_row;
struct kf_org_row;

/* The app named by the {id} path parameter (its public app id) that the
 * caller may see: a member of its provider (role set) or operator staff
 * (role NONE). Replies 404 app_not_found (or 500) and returns false
 * otherwise. */
bool kf_api_load_app(struct kf_req *r, struct kf_app_row *app, enum kf_role *role);

/* What operator staff who are not members of the app's provider read in
 * place of dev.message_token and dev.aes_key (GET /v1/apps/{id}, /configs). */
#define KF_APP_KEY_HIDDEN "********"


/* Apply a decision on a creation review inside the open transaction (see
 * kf_api_provider_qualification_decided for the contract). */
bool kf_api_app_creation_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
				 const char *reasons_text, bool *replied);

/* The caller is a member of the app's provider (role from kf_api_load_app
 * is set); else 403 provider_member_required, "only members of the app's
 * provider <doing>", and false. */
bool kf_api_require_member(struct kf_req *r, enum kf_role role, const char *doing);

/* ONB-7: new submissions need a certified provider in good standing; loads
 * the provider into org. Replies and returns false otherwise. */
bool kf_api_provider_may_submit(struct kf_req *r, int64_t provider_id, struct kf_org_row *org);

/* Decisions on release (APP-6) and change (APP-7) reviews, same contract;
 * in api/release.c. */
bool kf_api_app_release_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
				const char *reasons_text, bool *replied);
bool kf_api_app_change_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
			       const char *reasons_text, bool *replied);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Authorization events, shared by the consent page and revocation. */
#ifndef KF_API_AUTHORIZATIONS_H
#define KF_API_AUTHORIZATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/auth.h"

struct kf_req;
struct kf_app_row;

/* Queue an authorized / updateauthorized / unauthorized event to the app's
 * authorization receive URL inside the caller's transaction (PROTOCOL.md
 * §6). code, code_expires and pre_auth_code are for the first two only. */
bool kf_api_push_auth_event(struct kf_req *r, const struct kf_app_row *app, const char *info_type,
			    const char *authorizer, const char *code, int64_t code_expires, const char *pre_auth_code);

/* AUTH-2: end the authorization zid (in state cur, with the granted
 * sets `granted`) of the host account known to the app as `authorizer`,
 * inside the caller's transaction, as core kf_auth_revoke decides: the
 * authorization revoked with its tokens and unused codes, a history row,
 * and the app's unauthorized event. An authorization that is not live is
 * left as it is. False when the store failed. */
bool kf_api_authz_end(struct kf_req *r, const struct kf_app_row *app, int64_t zid, enum kf_auth_state cur,
		      const struct kf_auth_sets *granted, const char *authorizer);

#endif

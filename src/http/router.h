/* SPDX-License-Identifier: Apache-2.0 */
/* Route table matching with {name} path parameters. Deny by default: a route
 * states the authentication it needs; 404 for an unknown path, 405 for a
 * known path with another method. */
#ifndef KF_HTTP_ROUTER_H
#define KF_HTTP_ROUTER_H

#include <stddef.h>

struct kf_req;

enum kf_auth {
	KF_AUTH_NONE,     /* public */
	KF_AUTH_USER,     /* any signed-in user */
	KF_AUTH_OPERATOR, /* operator staff (any role) */
	KF_AUTH_ADMIN,    /* operator admin */
	KF_AUTH_HOSTKEY,  /* the host product: operator API key of scope "host" */
};

enum {
	KF_RF_CONSENT_EXEMPT = 1, /* allowed before consenting to agreements (ONB-12) */
	KF_RF_UPLOAD = 2,         /* body up to max-upload instead of max-body */
	KF_RF_TEST_ONLY = 4,      /* served only with KAIFANG_TEST_CLOCK=1 */
	KF_RF_OWN_TX = 8,         /* the handler opens its own transaction (slow work such as
				   * password hashing must not hold the write lock) */
	KF_RF_FORM_CSRF = 16,     /* an HTML form whose handler checks the form's own signed
				   * CSRF token (the consent page): a session-cookie write may
				   * be a form post without Origin or a JSON body */
	KF_RF_PAGE = 32,          /* a console page (HTML), not part of the API: left out of the
				   * OpenAPI document and the API's route table */
	KF_RF_STEP_UP = 64,       /* a sensitive staff action: a session whose last password or
				   * code check is older than operator-step-up is refused with
				   * 403 reauth_required */
	KF_RF_ENROL_OK = 128,     /* open to a session that must first enrol a second factor
				   * (everything else answers 403 second_factor_enrolment_required) */
	KF_RF_SELF = 256,         /* a staff route that changes only the caller's own sign-in
				   * (the second factor): an auditor, read-only elsewhere, may */
};

struct kf_route {
	const char *method;
	const char *pattern; /* "/v1/providers/{id}/members" */
	void (*handler)(struct kf_req *r);
	enum kf_auth auth;
	int flags;
	const char *summary; /* one line, also used for the OpenAPI check */
};

enum kf_match { KF_MATCH_OK, KF_MATCH_NO_PATH, KF_MATCH_NO_METHOD };

/* Find the route for method+path among n routes; fills r's path parameters
 * (copied into r's arena) when r is not NULL. */
enum kf_match kf_route_match(const struct kf_route *routes, size_t n, const char *method, const char *path,
			     struct kf_req *r, const struct kf_route **out);

/* The methods served on path, comma separated, for the Allow header of a
 * 405 answer. */
void kf_route_allow(const struct kf_route *routes, size_t n, const char *path, char *buf, size_t len);

#endif

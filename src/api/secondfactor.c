/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The second factor of operator staff (issue 12, "Staff security"): TOTP
 * enrolment (start with a secret, its otpauth:// URI and QR code; confirm
 * with a first code, which answers ten single-use recovery codes once),
 * removal, and step-up (POST /v1/sessions/current/reauth: the password or
 * a code again before a sensitive action, KF_RF_STEP_UP). Codes and
 * recovery codes are used up inside the transaction that accepts them.
 */
#include "api/factor.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/accounts.h"
#include "api/api.h"
#include "api/common.h"
#include "config.h"
#include "core/totp.h"
#include "ctx.h"
#include "http/request.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/secondfactor.h"
#include "util/crypto.h"
#include "util/mem.h"
#include "web/qr.h"

/* Recovery codes: 10 characters of a 32-letter alphabet (50 bits), shown
 * as two groups of five. */
static const char RC_ALPHABET[] = "abcdefghjkmnpqrstuvwxyz23456789";
#define RC_LEN 10

static void recovery_code_new(char out[RC_LEN + 2])
{
	unsigned char b[RC_LEN];
	kf_random_bytes(b, sizeof(b));
	size_t o = 0;
	for (int i = 0; i < RC_LEN; i++) {
		if (i == 5)
			out[o++] = '-';
		out[o++] = RC_ALPHABET[b[i] % (sizeof(RC_ALPHABET) - 1)];
	}
	out[o] = '\0';
}

/* GET /v1/me/second-factor */
static void api_second_factor_get(struct kf_req *r)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_second_factor_row sf;
	enum kf_err rc = kf_store_second_factor_get(db, r->user_id, &sf);
	int64_t left = 0;
	if (rc == KF_EDB || kf_store_recovery_codes_left(db, r->user_id, &left) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	const char *state = rc != KF_OK ? "none" : sf.confirmed_at ? "enabled" : "pending";
	json_t *o = json_pack("{s:s, s:b, s:b, s:I}", "state", state, "required",
			      kf_api_factor_required(&r->ctx->cfg, r->operator_role), "staff",
			      r->operator_role != KF_ROLE_NONE, "recovery_codes_left", (json_int_t)left);
	if (rc == KF_OK && sf.confirmed_at)
		json_object_set_new(o, "enabled_at", json_integer(sf.confirmed_at));
	kf_reply_json(r, 200, o);
}

/* POST /v1/me/second-factor: start (or restart) an enrolment. Staff
 * only, as the route declares (KF_AUTH_OPERATOR, KF_RF_SELF). */
static void api_second_factor_start(struct kf_req *r)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_second_factor_row sf;
	enum kf_err rc = kf_store_second_factor_get(db, r->user_id, &sf);
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return;
	}
	if (rc == KF_OK && sf.confirmed_at) {
		kf_reply_fail(r, KF_ECONFLICT, "second_factor_enabled", NULL, NULL,
			      "a second factor is set up already: remove it first to set up another");
		return;
	}
	unsigned char key[KF_TOTP_SECRET_LEN];
	char secret[KF_TOTP_B32_LEN + 1];
	kf_random_bytes(key, sizeof(key));
	kf_base32_encode(key, sizeof(key), secret);
	char *uri = kf_totp_uri(r->ctx->cfg.platform_name, r->user_email ? r->user_email : "", secret);
	char *svg = kf_qr_svg(uri);
	if (kf_store_second_factor_start(db, r->user_id, secret, r->now) != KF_OK ||
	    !kf_api_audit(r, "second_factor.start", kf_api_actor(r), NULL)) {
		free(uri);
		free(svg);
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 201, json_pack("{s:s, s:s, s:s, s:s?}", "state", "pending", "secret", secret,
						"otpauth_uri", uri, "qr_svg", svg));
	free(uri);
	free(svg);
}

/* POST /v1/me/second-factor/confirm {code}: the first code proves the app
 * holds the secret; answers the recovery codes, once. */
static void api_second_factor_confirm(struct kf_req *r)
{
	static const struct kf_field f[] = {{"code", KF_F_STRING, true, 16, NULL}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_db *db = kf_req_db(r);
	struct kf_second_factor_row sf;
	enum kf_err rc = kf_store_second_factor_get(db, r->user_id, &sf);
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return;
	}
	if (rc != KF_OK || sf.confirmed_at) {
		kf_reply_fail(r, KF_ECONFLICT, rc != KF_OK ? "second_factor_not_started" : "second_factor_enabled", NULL,
			      NULL, rc != KF_OK ? "start the set-up first (POST /v1/me/second-factor)"
						: "the second factor is set up already");
		return;
	}
	int64_t step;
	if (!kf_totp_verify(sf.secret, kf_json_str(j, "code"), r->now, 0, &step)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_second_factor", NULL, "code",
			      "the code does not match: check the authenticator app's time and type the current code");
		return;
	}
	char codes[KF_RECOVERY_CODES][RC_LEN + 2], hashes[KF_RECOVERY_CODES][65];
	const char *hp[KF_RECOVERY_CODES];
	json_t *list = json_array();
	for (int i = 0; i < KF_RECOVERY_CODES; i++) {
		recovery_code_new(codes[i]);
		(void)kf_api_recovery_hash(codes[i], hashes[i]);
		hp[i] = hashes[i];
		json_array_append_new(list, json_string(codes[i]));
	}
	rc = kf_store_second_factor_confirm(db, r->user_id, r->now, step, hp, KF_RECOVERY_CODES);
	if (rc == KF_OK && r->session_id)
		rc = kf_store_session_set_factor(db, r->session_id, false, r->now);
	if (rc != KF_OK || !kf_api_audit(r, "second_factor.enable", kf_api_actor(r), NULL)) {
		json_decref(list);
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:s, s:o}", "state", "enabled", "recovery_codes", list));
	else
		json_decref(list);
}

/* DELETE /v1/me/second-factor (step-up): remove it; a person who must
 * have one is back to enrolment only. */
static void api_second_factor_delete(struct kf_req *r)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_second_factor_row sf;
	enum kf_err rc = kf_store_second_factor_get(db, r->user_id, &sf);
	if (rc == KF_EDB) {
		kf_api_abort_db(r);
		return;
	}
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, NULL, "no second factor is set up");
		return;
	}
	bool required = kf_api_factor_required(&r->ctx->cfg, r->operator_role);
	if (kf_store_second_factor_delete(db, r->user_id) != KF_OK ||
	    (r->session_id && kf_store_session_set_factor(db, r->session_id, required, r->verified_at) != KF_OK) ||
	    !kf_api_audit(r, "second_factor.remove", kf_api_actor(r), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:s, s:b}", "state", "none", "required", required));
}

/* POST /v1/sessions/current/reauth {password} | {code} | {recovery_code}:
 * prove again who is at the keyboard; counted with the sign-in limits. */
static void api_session_reauth(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"password", KF_F_STRING, false, 256, NULL},
		{"code", KF_F_STRING, false, 16, NULL},
		{"recovery_code", KF_F_STRING, false, 32, NULL},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *pw = kf_json_str(j, "password"), *code = kf_json_str(j, "code"), *rec = kf_json_str(j, "recovery_code");
	if ((pw != NULL) + (code != NULL) + (rec != NULL) != 1) {
		kf_reply_fail(r, KF_EINVAL, "missing_field", NULL, "password",
			      "send one of password, code or recovery_code");
		return;
	}
	if (!r->session_id) {
		kf_reply_fail(r, KF_EINVAL, "not_a_session", NULL, NULL,
			      "this request is authenticated with an API token, not a session");
		return;
	}
	struct kf_db *db = kf_req_db(r);
	struct kf_user_row u;
	if (kf_store_user_get(db, r->user_id, &u) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	const char *field = pw ? "password" : code ? "code" : "recovery_code";
	struct kf_login_limits l;
	kf_api_login_limits(r, u.email, &l);
	int64_t wait = kf_api_login_claim(db, r->now, &l);
	if (wait < 0) {
		kf_reply_db_error(r);
		return;
	}
	if (wait > 0) {
		char ra[32];
		snprintf(ra, sizeof(ra), "%lld", (long long)wait);
		kf_reply_fail(r, KF_ELIMIT, "too_many_attempts", NULL, field,
			      "too many failed attempts; try again in %lld seconds", (long long)wait);
		kf_reply_header(r, "Retry-After", ra);
		return;
	}
	/* the password hash is slow: checked before the write transaction */
	bool pw_ok = pw && kf_api_password_ok(KF_OK, &u, pw);
	if (!kf_api_begin(r))
		return;
	enum kf_err rc = pw ? (pw_ok ? KF_OK : KF_EAUTH) : kf_api_second_factor_check(r, r->user_id, code, rec);
	if (rc == KF_EDB) {
		kf_api_abort_db(r);
		return;
	}
	if (rc != KF_OK) {
		kf_api_rollback(r);
		if (kf_api_begin(r)) {
			if (kf_api_audit(r, pw ? "session.reauth_failed" : "session.second_factor_failed", kf_api_actor(r),
					 NULL))
				(void)kf_api_commit(r);
			else
				kf_api_rollback(r);
		}
		kf_reply_fail(r, KF_EFORBIDDEN, pw ? "wrong_password" : "invalid_second_factor", NULL, field,
			      pw ? "the password is wrong" : "wrong, expired or already used code");
		return;
	}
	if (kf_api_login_succeeded(db, r->now, &l) != KF_OK ||
	    kf_store_session_set_factor(db, r->session_id, r->enrol_only, r->now) != KF_OK ||
	    !kf_api_audit(r, "session.reauth", kf_api_actor(r), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:I, s:I}", "verified_at", (json_int_t)r->now, "valid_until",
						(json_int_t)(r->now + r->ctx->cfg.operator_step_up)));
}

const struct kf_route kf_api_secondfactor_routes[] = {
	{"GET", "/v1/me/second-factor", api_second_factor_get, KF_AUTH_USER, KF_RF_ENROL_OK,
	 "The caller's second factor: none, pending or enabled, whether it is required, recovery codes left"},
	{"POST", "/v1/me/second-factor", api_second_factor_start, KF_AUTH_OPERATOR,
	 KF_RF_ENROL_OK | KF_RF_CONSENT_EXEMPT | KF_RF_SELF,
	 "Start setting up a TOTP second factor (staff): secret, otpauth URI and QR code"},
	{"POST", "/v1/me/second-factor/confirm", api_second_factor_confirm, KF_AUTH_OPERATOR,
	 KF_RF_ENROL_OK | KF_RF_CONSENT_EXEMPT | KF_RF_SELF, "Confirm the set-up with a first code; answers the recovery codes once"},
	{"DELETE", "/v1/me/second-factor", api_second_factor_delete, KF_AUTH_OPERATOR,
	 KF_RF_STEP_UP | KF_RF_CONSENT_EXEMPT | KF_RF_SELF,
	 "Remove the second factor (asks for a recent password or code check)"},
	{"POST", "/v1/sessions/current/reauth", api_session_reauth, KF_AUTH_USER,
	 KF_RF_OWN_TX | KF_RF_ENROL_OK | KF_RF_CONSENT_EXEMPT,
	 "Enter the password or a code again before a sensitive action (step-up)"},
};
const size_t kf_api_secondfactor_nroutes = sizeof(kf_api_secondfactor_routes) / sizeof(kf_api_secondfactor_routes[0]);

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Accounts: registration (ONB-8), email verification, sessions with
 * failed-login limits, the caller's profile and personal API tokens.
 * Secrets are generated and hashed here; the store sees only digests.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/accounts.h"
#include "api/limits.h"
#include "store/audit.h"
#include "core/account.h"
#include "core/agreement.h"
#include "core/ratelimit.h"
#include "core/validate.h"
#include "ctx.h"
#include "web/i18n.h"
#include "http/request.h"
#include "notify/notify.h"
#include "store/accounts.h"
#include "store/agreements.h"
#include "store/db.h"
#include "store/personal.h"
#include "store/providers.h"
#include "store/reviews.h"
#include "store/secondfactor.h"
#include "api/factor.h"
#include "config.h"
#include "util/crypto.h"
#include "util/mem.h"

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* The account's language from its stored text ("zh" | "en"). */
static bool lang_zh(const char *language)
{
	return language && !strcmp(language, "zh");
}

/* A console URL for a mail: the configured base (public-url, or
 * http://<listen>), never the request's Host. */
static const char *console_url(struct kf_req *r, const char *path, const char *token)
{
	return kf_arena_printf(r->arena, "%s%s%s", r->ctx->cfg.issuer, path, token ? token : "");
}

/* Queue a fresh verification code and link by email, in the account's
 * language (inside the caller's transaction). The code is the fallback
 * for whoever cannot open the link where they read the mail. */
static bool send_code(struct kf_req *r, int64_t user_id, const char *email, const char *language)
{
	char code[8], hash[65], link[80], link_hash[65];
	kf_random_digits(code, 6);
	kf_sha256_hex(code, strlen(code), hash);
	kf_token_new("kfv_", link, sizeof(link));
	kf_sha256_hex(link, strlen(link), link_hash);
	if (kf_store_email_code_insert(kf_req_db(r), user_id, hash, link_hash, r->now,
				       r->now + r->ctx->cfg.email_code_ttl) != KF_OK)
		return false;
	const char *url = console_url(r, "/console/verify?token=", link);
	long long minutes = (long long)(r->ctx->cfg.email_code_ttl / 60);
	bool zh = lang_zh(language);
	char *body = zh ? kf_arena_printf(r->arena,
					  "请打开下面的链接，确认这个邮箱地址属于您的开放平台帐号：\n\n%s\n\n"
					  "如果无法打开链接，请登录控制台并输入验证码。\n"
					  "您的开放平台验证码是 %s\n\n"
					  "链接和验证码在 %lld 分钟后失效，只能使用一次。\n"
					  "如果您没有注册，请忽略这封邮件。\n",
					  url, code, minutes)
			: kf_arena_printf(r->arena,
					  "Open this link to confirm this email address for your Kaifang account:\n\n%s\n\n"
					  "If you cannot open the link, sign in to the console and enter the code instead.\n"
					  "Your Kaifang verification code is %s\n\n"
					  "The link and the code expire in %lld minutes and work once.\n"
					  "If you did not register, ignore this mail.\n",
					  url, code, minutes);
	return kf_mail_enqueue(kf_req_db(r), r->now, email, zh ? "开放平台邮箱验证" : "Kaifang email verification",
			       body) == KF_OK;
}

static json_t *user_json(const struct kf_user_row *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s}", "id", (json_int_t)u->id, "email", u->email, "mobile",
			 u->mobile, "name", u->name, "email_verified", u->email_verified, "status",
			 kf_user_status_name(u->status), "language", lang_zh(u->language) ? "zh" : "en");
}

/* The language a new account gets: the one asked for, else the
 * Accept-Language of the registration, else English. */
static const char *registration_language(struct kf_req *r, const char *asked)
{
	if (asked)
		return asked;
	return kf_lang_from_accept(kf_req_header(r, "Accept-Language")) == KF_LANG_ZH ? "zh" : "en";
}

static void api_accounts_register(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"email", KF_F_STRING, true, 254, "ONB-8"},
		{"mobile", KF_F_STRING, true, 32, "ONB-8"},
		{"password", KF_F_STRING, true, 256, "ONB-8"},
		{"name", KF_F_STRING, true, 100, NULL},
		{"language", KF_F_STRING, false, 8, NULL},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *asked_lang = json_object_get(j, "language") ? kf_json_str(j, "language") : NULL;
	if (asked_lang && !kf_account_language_valid(asked_lang)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "language", "language is \"zh\" or \"en\"");
		return;
	}
	const char *language = registration_language(r, asked_lang);
	char *email = kf_arena_strdup(r->arena, kf_json_str(j, "email"));
	lower_ascii(email);
	const char *pw = kf_json_str(j, "password"), *name = kf_json_str(j, "name");
	struct kf_error err = {0};
	char mobile[32];
	if (!kf_validate_email(email)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_email", "ONB-8", "email", "email is not a valid address");
		return;
	}
	if (kf_validate_mobile(kf_json_str(j, "mobile"), mobile, sizeof(mobile), &err) != KF_OK ||
	    kf_validate_password(pw, email, mobile, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (!kf_validate_utf8(name, strlen(name)) || kf_utf8_len(name) < 1) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "name", "name must be valid UTF-8 text");
		return;
	}
	/* registrations per address: claimed and committed before anything
	 * else, so that refused and conflicting attempts count too */
	if (!kf_api_begin(r))
		return;
	int64_t wait = kf_api_limit_claim(r, KF_LIMIT_REGISTER_ADDRESS, r->client_ip);
	if (wait < 0) {
		kf_api_abort_db(r);
		return;
	}
	if (wait > 0) {
		kf_api_rollback(r);
		kf_api_limit_reply(r, wait, "too_many_registrations", NULL,
				   "too many registrations from this address");
		return;
	}
	if (!kf_api_commit(r))
		return;
	char hash[160];
	if (kf_password_hash(pw, hash, sizeof(hash)) != KF_OK) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "cannot hash the password");
		return;
	}
	if (!kf_api_begin(r))
		return;
	int64_t id;
	const char *conflict;
	enum kf_err rc = kf_store_user_insert(kf_req_db(r), email, mobile, name, hash, r->now, &id, &conflict);
	if (rc == KF_ECONFLICT) {
		kf_api_rollback(r);
		bool by_email = !strcmp(conflict, "email");
		kf_reply_fail(r, KF_ECONFLICT, by_email ? "email_taken" : "mobile_taken", "ONB-8", conflict,
			      "this %s already belongs to an account", by_email ? "email" : "mobile number");
		return;
	}
	char subject[32];
	snprintf(subject, sizeof(subject), "user:%lld", (long long)id);
	/* the registration's mail is the account's first verification mail */
	if (rc != KF_OK || kf_store_user_set_language(kf_req_db(r), id, language, r->now) != KF_OK ||
	    kf_api_limit_claim(r, KF_LIMIT_MAIL_ACCOUNT, subject) != 0 || !send_code(r, id, email, language) ||
	    !kf_api_audit(r, "user.register", subject, email)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	struct kf_user_row u = {.id = id};
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.mobile, sizeof(u.mobile), "%s", mobile);
	snprintf(u.name, sizeof(u.name), "%s", name);
	snprintf(u.language, sizeof(u.language), "%s", language);
	u.status = KF_USER_ACTIVE;
	kf_reply_json(r, 201, user_json(&u));
}

static void api_accounts_verify_email(struct kf_req *r)
{
	static const struct kf_field f[] = {{"code", KF_F_STRING, true, 16, NULL}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	if (r->email_verified) {
		kf_reply_json(r, 200, json_pack("{s:b}", "email_verified", 1));
		return;
	}
	const char *code = kf_json_str(j, "code");
	char hash[65];
	kf_sha256_hex(code, strlen(code), hash);
	if (!kf_api_begin(r))
		return;
	enum kf_err rc = kf_store_email_code_use(kf_req_db(r), r->user_id, hash, r->now);
	if (rc == KF_EINVAL || rc == KF_ELIMIT) {
		/* keep the attempt count even though the code failed */
		if (!kf_api_commit(r))
			return;
		if (rc == KF_EINVAL)
			kf_reply_fail(r, KF_EINVAL, "invalid_code", NULL, "code",
				      "the code is wrong or has expired; ask for a new one");
		else
			kf_reply_fail(r, KF_ELIMIT, "too_many_attempts", NULL, "code",
				      "too many wrong codes; ask for a new one");
		return;
	}
	if (rc != KF_OK || kf_store_user_set_verified(kf_req_db(r), r->user_id, r->now) != KF_OK ||
	    !kf_api_audit(r, "user.verify_email", kf_api_actor(r), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:b}", "email_verified", 1));
}

static void api_accounts_resend_code(struct kf_req *r)
{
	if (r->email_verified) {
		kf_reply_fail(r, KF_ECONFLICT, "already_verified", NULL, "email", "the email is already verified");
		return;
	}
	/* At most one code a minute, and verification-mails-per-account and
	 * -per-address in the mail window: each code allows five guesses, so
	 * this bounds guessing as well as mail volume. */
	int n;
	int64_t last;
	if (kf_store_email_codes_recent(kf_req_db(r), r->user_id, r->now - 60, &n, &last) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	int64_t wait = last && r->now - last < 60 ? 60 - (r->now - last) : 0;
	if (wait > 0) {
		kf_api_limit_reply(r, wait, "too_many_codes", "email", "a code was sent recently");
		return;
	}
	if (!kf_api_begin(r))
		return;
	char subject[32];
	snprintf(subject, sizeof(subject), "user:%lld", (long long)r->user_id);
	/* both counters or neither: a refusal by one must not use up the other */
	int64_t wu = kf_api_limit_wait(r, KF_LIMIT_MAIL_ACCOUNT, subject);
	int64_t wa = kf_api_limit_wait(r, KF_LIMIT_MAIL_ADDRESS, r->client_ip);
	if (wu < 0 || wa < 0) {
		kf_api_abort_db(r);
		return;
	}
	wait = wu > wa ? wu : wa;
	if (wait == 0 && (kf_api_limit_claim(r, KF_LIMIT_MAIL_ACCOUNT, subject) != 0 ||
			  kf_api_limit_claim(r, KF_LIMIT_MAIL_ADDRESS, r->client_ip) != 0)) {
		kf_api_abort_db(r);
		return;
	}
	if (wait > 0) {
		kf_api_rollback(r);
		kf_api_limit_reply(r, wait, "too_many_codes", "email", "too many verification mails were sent");
		return;
	}
	struct kf_user_row me;
	if (kf_store_user_get(kf_req_db(r), r->user_id, &me) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	if (!kf_api_begin(r))
		return;
	if (!send_code(r, r->user_id, r->user_email, me.language)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 202, json_pack("{s:s}", "status", "sent"));
}

/* A valid argon2id string to verify against when the login is unknown, so
 * that unknown and known accounts take the same time. */
static char dummy_hash[160];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
	if (kf_password_hash("kaifang-no-such-user", dummy_hash, sizeof(dummy_hash)) != KF_OK)
		dummy_hash[0] = '\0';
}

/* The sign-in counters of a login: per account (or per unknown login) and
 * per address, with their policies from the configuration. */
void kf_api_login_limits(struct kf_req *r, const char *account, struct kf_login_limits *l)
{
	const struct kf_config *cfg = &r->ctx->cfg;
	struct kf_backoff_policy pol = {.max_failures = (int)cfg->login_max_failures,
					.window_seconds = cfg->login_window,
					.lock_seconds = cfg->login_lock};
	l->upol = l->apol = pol;
	/* an address is shared by everyone behind it (an office, a proxy):
	 * it gets a wider allowance than one account */
	l->apol.max_failures = (int)cfg->login_max_failures_address;
	snprintf(l->ukey, sizeof(l->ukey), "u:%s", account);
	snprintf(l->akey, sizeof(l->akey), "a:%s", r->client_ip);
}

/*
 * Claim one password check on both counters before the slow hash, in a write
 * transaction of its own (issue 9 defect 2): counting only after the check
 * let every concurrent request read the same stale count, so 50 parallel
 * guesses got 20 checks instead of 5. Returns 0 (claimed and committed), the
 * seconds to wait (nothing claimed), or -1 on a storage failure.
 */
int64_t kf_api_login_claim(struct kf_db *db, int64_t now, const struct kf_login_limits *l)
{
	struct kf_backoff ub, ab;
	if (kf_db_begin(db) != KF_OK)
		return -1;
	if (kf_store_backoff_get(db, l->ukey, &ub) != KF_OK || kf_store_backoff_get(db, l->akey, &ab) != KF_OK)
		goto fail;
	int64_t wait = kf_backoff_retry_after(&ub, now), wait_a = kf_backoff_retry_after(&ab, now);
	if (wait_a > wait)
		wait = wait_a;
	if (wait > 0) {
		kf_db_rollback(db);
		return wait;
	}
	(void)kf_backoff_claim(&ub, now, &l->upol);
	(void)kf_backoff_claim(&ab, now, &l->apol);
	if (kf_store_backoff_put(db, l->ukey, &ub) != KF_OK || kf_store_backoff_put(db, l->akey, &ab) != KF_OK ||
	    kf_db_commit(db) != KF_OK)
		goto fail;
	return 0;
fail:
	kf_db_rollback(db);
	return -1;
}

/* The password was right: the account's counter starts afresh and the
 * address gets its claim back, inside the caller's transaction. */
enum kf_err kf_api_login_succeeded(struct kf_db *db, int64_t now, const struct kf_login_limits *l)
{
	struct kf_backoff ub, ab;
	if (kf_store_backoff_get(db, l->akey, &ab) != KF_OK)
		return KF_EDB;
	kf_backoff_init(&ub);
	kf_backoff_release(&ab, now, &l->apol);
	if (kf_store_backoff_put(db, l->ukey, &ub) != KF_OK || kf_store_backoff_put(db, l->akey, &ab) != KF_OK)
		return KF_EDB;
	return KF_OK;
}

/* The User-Agent as the session list shows it: printable ASCII, at most
 * 300 characters (it is the client's text, kept only as a hint). */
static const char *shown_user_agent(struct kf_req *r)
{
	const char *ua = kf_req_header(r, "User-Agent");
	if (!ua)
		return NULL;
	char *out = kf_arena_alloc(r->arena, 301);
	size_t n = 0;
	for (; *ua && n < 300; ua++)
		if (*ua >= 0x20 && *ua <= 0x7e)
			out[n++] = *ua;
	out[n] = '\0';
	return n ? out : NULL;
}

/* The login as stored: emails in lower case, mobiles in E.164. */
static char *normal_login(struct kf_req *r, const char *login_in)
{
	char *login = kf_arena_strdup(r->arena, login_in);
	if (strchr(login, '@')) {
		lower_ascii(login);
	} else {
		char e164[32];
		if (kf_validate_mobile(login, e164, sizeof(e164), NULL) == KF_OK)
			login = kf_arena_strdup(r->arena, e164);
	}
	return login;
}

/* Check pw against u (or against a dummy when urc says there is no such
 * user, so both take the same time). */
bool kf_api_password_ok(enum kf_err urc, const struct kf_user_row *u, const char *pw)
{
	if (urc == KF_OK)
		return kf_password_verify(u->password_hash, pw) && kf_user_may_sign_in(u->status);
	pthread_once(&dummy_once, make_dummy);
	(void)kf_password_verify(dummy_hash, pw);
	return false;
}

/* Audit a failed sign-in step of operator staff (own transaction): the
 * audit log shows who was tried, from where. */
static void audit_staff_failure(struct kf_req *r, struct kf_db *db, int64_t user, const char *action)
{
	enum kf_role role = KF_ROLE_NONE;
	if (kf_store_operator_role(db, user, &role) != KF_OK || role == KF_ROLE_NONE)
		return;
	char subject[32];
	snprintf(subject, sizeof(subject), "user:%lld", (long long)user);
	/* nobody is signed in: the actor is the address the attempt came from */
	const char *actor = kf_arena_printf(r->arena, "address:%s", r->client_ip);
	if (kf_db_begin(db) != KF_OK)
		return;
	if (kf_audit_append(db, r->now, actor, action, subject, NULL) != KF_OK || kf_db_commit(db) != KF_OK)
		kf_db_rollback(db);
}

/* Open a session for u after every check passed, in one transaction with
 * the counters' reset (l) and the audit row; enrol_only restricts it to
 * second-factor enrolment. */
static enum kf_login session_open(struct kf_req *r, const struct kf_user_row *u, const struct kf_login_limits *l,
				  bool enrol_only, const char *challenge_hash, char token[80], int64_t *expires)
{
	const struct kf_config *cfg = &r->ctx->cfg;
	struct kf_db *db = kf_req_db(r);
	char hash[65];
	kf_token_new("kfs_", token, 80);
	kf_sha256_hex(token, strlen(token), hash);
	int64_t sid;
	*expires = r->now + cfg->session_ttl;
	char subject[32];
	snprintf(subject, sizeof(subject), "user:%lld", (long long)u->id);
	const char *ua = shown_user_agent(r);
	if (kf_db_begin(db) != KF_OK)
		return KF_LOGIN_ERROR;
	/* the challenge is used once: a second call with it finds it used */
	if (challenge_hash && kf_store_challenge_use(db, challenge_hash, r->now) != KF_OK) {
		kf_db_rollback(db);
		return KF_LOGIN_FAILED;
	}
	if (kf_api_login_succeeded(db, r->now, l) != KF_OK ||
	    kf_store_session_insert(db, u->id, hash, r->now, *expires, r->client_ip, ua, &sid) != KF_OK ||
	    kf_store_session_set_factor(db, sid, enrol_only, r->now) != KF_OK ||
	    kf_audit_append(db, r->now, subject, challenge_hash ? "session.create_second_factor" : "session.create",
			    subject, NULL) != KF_OK ||
	    kf_db_commit(db) != KF_OK) {
		kf_db_rollback(db);
		return KF_LOGIN_ERROR;
	}
	r->user_id = u->id;
	r->session_id = sid;
	r->enrol_only = enrol_only;
	r->verified_at = r->now;
	char cookie[200];
	snprintf(cookie, sizeof(cookie), "kf_session=%s; %s; Max-Age=%lld", token, kf_api_cookie_attrs(r),
		 (long long)cfg->session_ttl);
	kf_reply_header(r, "Set-Cookie", cookie);
	return KF_LOGIN_OK;
}

bool kf_api_factor_required(const struct kf_config *cfg, enum kf_role role)
{
	if (role == KF_ROLE_NONE || !strcmp(cfg->operator_second_factor, "off"))
		return false;
	return !strcmp(cfg->operator_second_factor, "all") || role == KF_ROLE_ADMIN;
}

enum kf_login kf_api_password_login(struct kf_req *r, const char *login_in, const char *pw, char token[80],
				    int64_t *expires, int64_t *retry_after, struct kf_user_row *u)
{
	char *login = normal_login(r, login_in);
	struct kf_db *db = kf_req_db(r);
	enum kf_err urc = kf_store_user_by_login(db, login, u);
	if (urc == KF_EDB)
		return KF_LOGIN_ERROR;
	struct kf_login_limits l;
	kf_api_login_limits(r, urc == KF_OK ? u->email : login, &l);
	*retry_after = kf_api_login_claim(db, r->now, &l);
	if (*retry_after < 0)
		return KF_LOGIN_ERROR;
	if (*retry_after > 0)
		return KF_LOGIN_LOCKED;
	/* a wrong password leaves its claim counted as the failure */
	if (!kf_api_password_ok(urc, u, pw)) {
		if (urc == KF_OK)
			audit_staff_failure(r, db, u->id, "session.failed");
		return KF_LOGIN_FAILED;
	}
	enum kf_role role = KF_ROLE_NONE;
	struct kf_second_factor_row sf;
	enum kf_err frc = kf_store_second_factor_get(db, u->id, &sf);
	if (frc == KF_EDB || kf_store_operator_role(db, u->id, &role) != KF_OK)
		return KF_LOGIN_ERROR;
	/* A person with a second factor is always asked for it; the counters
	 * keep this claim until the code is right, so codes are throttled
	 * with the password. */
	if (frc == KF_OK && sf.confirmed_at) {
		char hash[65];
		kf_token_new("kfc_", token, 80);
		kf_sha256_hex(token, strlen(token), hash);
		*expires = r->now + KF_CHALLENGE_SECONDS;
		if (kf_db_begin(db) != KF_OK)
			return KF_LOGIN_ERROR;
		if (kf_store_challenge_insert(db, hash, u->id, r->now, *expires) != KF_OK || kf_db_commit(db) != KF_OK) {
			kf_db_rollback(db);
			return KF_LOGIN_ERROR;
		}
		return KF_LOGIN_SECOND_FACTOR;
	}
	return session_open(r, u, &l, kf_api_factor_required(&r->ctx->cfg, role), NULL, token, expires);
}

enum kf_login kf_api_code_login(struct kf_req *r, const char *challenge, const char *code, const char *recovery,
				char token[80], int64_t *expires, int64_t *retry_after, struct kf_user_row *u)
{
	struct kf_db *db = kf_req_db(r);
	char chash[65];
	int64_t uid;
	kf_sha256_hex(challenge, strlen(challenge), chash);
	enum kf_err rc = kf_store_challenge_get(db, chash, r->now, &uid);
	if (rc == KF_EDB)
		return KF_LOGIN_ERROR;
	if (rc != KF_OK)
		return KF_LOGIN_CHALLENGE_GONE;
	if (kf_store_user_get(db, uid, u) != KF_OK)
		return KF_LOGIN_ERROR;
	struct kf_login_limits l;
	kf_api_login_limits(r, u->email, &l);
	*retry_after = kf_api_login_claim(db, r->now, &l);
	if (*retry_after < 0)
		return KF_LOGIN_ERROR;
	if (*retry_after > 0)
		return KF_LOGIN_LOCKED;
	if (!kf_user_may_sign_in(u->status))
		return KF_LOGIN_FAILED;
	if (kf_db_begin(db) != KF_OK)
		return KF_LOGIN_ERROR;
	rc = kf_api_second_factor_check(r, uid, code, recovery);
	if (rc == KF_OK)
		rc = kf_db_commit(db);
	else
		kf_db_rollback(db);
	if (rc == KF_EDB)
		return KF_LOGIN_ERROR;
	if (rc != KF_OK) {
		audit_staff_failure(r, db, uid, "session.second_factor_failed");
		return KF_LOGIN_FAILED;
	}
	return session_open(r, u, &l, false, chash, token, expires);
}

/* 429 of a sign-in step: when the lock ends, in seconds and as a time, so
 * a page can say it in the person's language and time zone. */
static void locked_reply(struct kf_req *r, int64_t wait, const char *field)
{
	char ra[32];
	snprintf(ra, sizeof(ra), "%lld", (long long)wait);
	json_t *e = json_pack("{s:s, s:s, s:s?, s:s, s:I, s:I}", "code", "too_many_attempts", "message",
			      kf_arena_printf(r->arena, "too many failed sign-ins; try again in %lld seconds",
					      (long long)wait),
			      "field", field, "request_id", r->id, "retry_after", (json_int_t)wait, "retry_at",
			      (json_int_t)(r->now + wait));
	kf_reply_json(r, 429, json_pack("{s:o}", "error", e));
	kf_reply_header(r, "Retry-After", ra);
}

/* POST /v1/sessions, second step: {challenge, code} or {challenge,
 * recovery_code}. */
static void api_accounts_login_code(struct kf_req *r, json_t *j)
{
	static const struct kf_field f[] = {
		{"challenge", KF_F_STRING, true, 100, NULL},
		{"code", KF_F_STRING, false, 16, NULL},
		{"recovery_code", KF_F_STRING, false, 32, NULL},
	};
	if (!kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *code = kf_json_str(j, "code"), *rec = kf_json_str(j, "recovery_code");
	if (!code == !rec) {
		kf_reply_fail(r, KF_EINVAL, "missing_field", NULL, "code",
			      "send either code (from the authenticator app) or recovery_code");
		return;
	}
	char token[80];
	int64_t expires, wait;
	struct kf_user_row u;
	switch (kf_api_code_login(r, kf_json_str(j, "challenge"), code, rec, token, &expires, &wait, &u)) {
	case KF_LOGIN_OK:
		kf_reply_json(r, 201, json_pack("{s:s, s:I, s:o}", "token", token, "expires_at", (json_int_t)expires,
						"user", user_json(&u)));
		return;
	case KF_LOGIN_LOCKED:
		locked_reply(r, wait, code ? "code" : "recovery_code");
		return;
	case KF_LOGIN_CHALLENGE_GONE:
		kf_reply_fail(r, KF_EAUTH, "challenge_expired", NULL, "challenge",
			      "this sign-in has expired or was finished: sign in with the password again");
		return;
	case KF_LOGIN_FAILED:
		kf_reply_fail(r, KF_EAUTH, "invalid_second_factor", NULL, code ? "code" : "recovery_code",
			      "wrong, expired or already used code");
		return;
	default:
		kf_reply_db_error(r);
		return;
	}
}

static void api_accounts_login(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"login", KF_F_STRING, true, 254, NULL},
		{"password", KF_F_STRING, true, 256, NULL},
	};
	json_t *j = kf_req_json(r);
	if (!j)
		return;
	if (json_object_get(j, "challenge")) {
		api_accounts_login_code(r, j);
		return;
	}
	if (!kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	char token[80];
	int64_t expires, wait;
	struct kf_user_row u;
	switch (kf_api_password_login(r, kf_json_str(j, "login"), kf_json_str(j, "password"), token, &expires, &wait,
				      &u)) {
	case KF_LOGIN_OK:
	{
		json_t *o = json_pack("{s:s, s:I, s:o}", "token", token, "expires_at", (json_int_t)expires, "user",
				      user_json(&u));
		/* staff who must set up a second factor before anything else */
		if (r->enrol_only)
			json_object_set_new(o, "second_factor", json_string("enrolment_required"));
		kf_reply_json(r, 201, o);
		return;
	}
	case KF_LOGIN_SECOND_FACTOR:
		/* 200, not 201: no session yet, one more step */
		kf_reply_json(r, 200, json_pack("{s:s, s:s, s:I}", "second_factor", "required", "challenge", token,
						"challenge_expires_at", (json_int_t)expires));
		return;
	case KF_LOGIN_LOCKED:
		locked_reply(r, wait, "login");
		return;
	case KF_LOGIN_FAILED:
		kf_reply_fail(r, KF_EAUTH, "invalid_credentials", NULL, NULL, "wrong login or password");
		return;
	default:
		kf_reply_db_error(r);
		return;
	}
}

/* Sign-out and ending the current session clear the cookie with the same
 * attributes it was set with (Secure under an https public URL). */
static void clear_session_cookie(struct kf_req *r)
{
	kf_reply_header(r, "Set-Cookie", kf_arena_printf(r->arena, "kf_session=; %s; Max-Age=0", kf_api_cookie_attrs(r)));
}

static void api_accounts_logout(struct kf_req *r)
{
	if (!r->session_id) {
		kf_reply_fail(r, KF_EINVAL, "not_a_session", NULL, NULL,
			      "this request is authenticated with an API token, not a session; revoke the token instead");
		return;
	}
	if (!kf_api_begin(r))
		return;
	if (kf_store_session_revoke(kf_req_db(r), r->session_id, r->now) != KF_OK ||
	    !kf_api_audit(r, "session.revoke", kf_api_actor(r), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	clear_session_cookie(r);
	kf_reply_raw(r, 204, "application/json", "", 0);
}

/* GET /v1/sessions: the caller's live sessions, the current one marked. */
static void api_sessions_list(struct kf_req *r)
{
	struct kf_session_row *rows;
	size_t n;
	if (kf_store_sessions_list(kf_req_db(r), r->arena, r->user_id, r->now, &rows, &n) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:I, s:I, s:b}", "id", (json_int_t)rows[i].id, "created_at",
				      (json_int_t)rows[i].created_at, "expires_at", (json_int_t)rows[i].expires_at,
				      "current", rows[i].id == r->session_id);
		json_object_set_new(o, "last_used_at",
				    rows[i].last_used_at ? json_integer(rows[i].last_used_at) : json_null());
		json_object_set_new(o, "address", rows[i].address ? json_string(rows[i].address) : json_null());
		json_object_set_new(o, "user_agent", rows[i].user_agent ? json_string(rows[i].user_agent) : json_null());
		json_array_append_new(items, o);
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* DELETE /v1/sessions/{id}: end one of the caller's sessions. Another
 * person's session answers 404 like one that does not exist. */
static void api_sessions_delete(struct kf_req *r)
{
	int64_t id = kf_req_param_id(r, "id");
	if (!kf_api_begin(r))
		return;
	enum kf_err rc = id ? kf_store_session_end(kf_req_db(r), r->user_id, id, r->now) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, "id", "no such session");
		return;
	}
	if (rc != KF_OK || !kf_api_audit(r, "session.revoke", kf_api_actor(r), kf_req_param(r, "id"))) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	if (id == r->session_id)
		clear_session_cookie(r);
	kf_reply_raw(r, 204, "application/json", "", 0);
}

/*
 * POST /v1/me/password {current_password, new_password}: the current
 * password is checked like a sign-in (its attempts count on the same
 * counters, so a stolen session cannot guess it faster); the change ends
 * every other session of the person and keeps the one making it.
 */
static void api_accounts_password(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"current_password", KF_F_STRING, true, 256, NULL},
		{"new_password", KF_F_STRING, true, 256, "ONB-8"},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_db *db = kf_req_db(r);
	struct kf_user_row u;
	if (kf_store_user_get(db, r->user_id, &u) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	const char *npw = kf_json_str(j, "new_password");
	struct kf_error err = {0};
	if (kf_validate_password(npw, u.email, u.mobile, &err) != KF_OK) {
		err.field = "new_password";
		kf_reply_error(r, &err);
		return;
	}
	struct kf_login_limits l;
	kf_api_login_limits(r, u.email, &l);
	int64_t wait = kf_api_login_claim(db, r->now, &l);
	if (wait < 0) {
		kf_reply_db_error(r);
		return;
	}
	if (wait > 0) {
		kf_api_limit_reply(r, wait, "too_many_attempts", "current_password", "too many wrong passwords");
		return;
	}
	if (!kf_api_password_ok(KF_OK, &u, kf_json_str(j, "current_password"))) {
		kf_reply_fail(r, KF_EFORBIDDEN, "wrong_password", NULL, "current_password",
			      "the current password is wrong");
		return;
	}
	char hash[160];
	if (kf_password_hash(npw, hash, sizeof(hash)) != KF_OK) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "cannot hash the password");
		return;
	}
	if (!kf_api_begin(r))
		return;
	int ended = -1;
	if (kf_api_login_succeeded(db, r->now, &l) != KF_OK || kf_store_user_set_password(db, r->user_id, hash, r->now) != KF_OK ||
	    (ended = kf_store_sessions_end_others(db, r->user_id, r->session_id, r->now)) < 0 ||
	    !kf_api_audit(r, "user.password_change", kf_api_actor(r), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	/* other_sessions_ended says what happened to the person's other
	 * devices; sessions_ended is the older name of the same number */
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:I, s:I}", "other_sessions_ended", (json_int_t)ended, "sessions_ended",
						(json_int_t)ended));
}

/*
 * POST /v1/email-verification:confirm {token}: the link of the verification
 * mail, opened anonymously (the console's /console/verify page calls it).
 * Single use; it expires with the code mailed next to it, and a newer mail
 * replaces it.
 */
static void api_accounts_confirm_email(struct kf_req *r)
{
	static const struct kf_field f[] = {{"token", KF_F_STRING, true, 128, NULL}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *token = kf_json_str(j, "token");
	char hash[65];
	kf_sha256_hex(token, strlen(token), hash);
	int64_t uid = 0;
	enum kf_link_state st = KF_LINK_USABLE;
	enum kf_err rc = kf_store_email_link_use(kf_req_db(r), hash, r->now, &uid, &st);
	if (rc == KF_ENOTFOUND || (rc == KF_OK && st != KF_LINK_USABLE)) {
		if (rc == KF_ENOTFOUND)
			kf_reply_fail(r, KF_EINVAL, "verification_token_invalid", NULL, "token",
				      "this verification link is not valid");
		else if (st == KF_LINK_EXPIRED)
			kf_reply_fail(r, KF_EGONE, "verification_token_expired", NULL, "token",
				      "this verification link has expired; ask for a new mail in the console");
		else
			kf_reply_fail(r, KF_EGONE, "verification_token_used", NULL, "token",
				      "this verification link was already used or replaced by a newer mail");
		return;
	}
	char subject[32];
	snprintf(subject, sizeof(subject), "user:%lld", (long long)uid);
	if (rc != KF_OK || kf_store_user_set_verified(kf_req_db(r), uid, r->now) != KF_OK ||
	    kf_audit_append(kf_req_db(r), r->now, subject, "user.verify_email", subject, "link") != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:b}", "email_verified", 1));
}

/*
 * POST /v1/password-resets {login}: always 202, whether or not an account
 * has that login, so that the answer tells nobody who has an account. The
 * address's mail allowance is claimed first (a refusal there says nothing
 * about the account); an account over its own allowance just gets no mail.
 * The mail carries a single-use link that expires after password-reset-ttl.
 */
static void api_password_reset_request(struct kf_req *r)
{
	static const struct kf_field f[] = {{"login", KF_F_STRING, true, 254, NULL}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_db *db = kf_req_db(r);
	if (!kf_api_begin(r))
		return;
	int64_t wait = kf_api_limit_claim(r, KF_LIMIT_MAIL_ADDRESS, r->client_ip);
	if (wait < 0) {
		kf_api_abort_db(r);
		return;
	}
	if (wait > 0) {
		kf_api_rollback(r);
		kf_api_limit_reply(r, wait, "too_many_requests", "login", "too many password-reset mails were asked for");
		return;
	}
	struct kf_user_row u;
	enum kf_err urc = kf_store_user_by_login(db, normal_login(r, kf_json_str(j, "login")), &u);
	if (urc == KF_EDB) {
		kf_api_abort_db(r);
		return;
	}
	if (urc == KF_OK && kf_user_may_sign_in(u.status)) {
		char subject[32];
		snprintf(subject, sizeof(subject), "user:%lld", (long long)u.id);
		int64_t wu = kf_api_limit_claim(r, KF_LIMIT_MAIL_ACCOUNT, subject);
		if (wu < 0) {
			kf_api_abort_db(r);
			return;
		}
		if (wu == 0) {
			char token[80], hash[65];
			kf_token_new("kfr_", token, sizeof(token));
			kf_sha256_hex(token, strlen(token), hash);
			int64_t ttl = r->ctx->cfg.password_reset_ttl;
			const char *url = console_url(r, "/console/reset?token=", token);
			bool zh = lang_zh(u.language);
			char *body =
				zh ? kf_arena_printf(r->arena,
						     "有人（希望是您）请求重设开放平台帐号 %s 的密码。\n\n"
						     "请打开下面的链接设置新密码：\n\n%s\n\n"
						     "链接在 %lld 分钟后失效，只能使用一次。设置新密码后，"
						     "该帐号在所有设备上的登录都会结束。\n"
						     "如果不是您本人请求，请忽略这封邮件，您的密码不会改变。\n",
						     u.email, url, (long long)(ttl / 60))
				   : kf_arena_printf(r->arena,
						     "Someone (hopefully you) asked to reset the password of the Kaifang "
						     "account %s.\n\nOpen this link to choose a new password:\n\n%s\n\n"
						     "The link expires in %lld minutes and works once. Setting a new password "
						     "signs the account out everywhere.\n"
						     "If you did not ask for this, ignore this mail; your password stays as it is.\n",
						     u.email, url, (long long)(ttl / 60));
			if (kf_store_password_reset_insert(db, u.id, hash, r->now, r->now + ttl) != KF_OK ||
			    kf_mail_enqueue(db, r->now, u.email, zh ? "重设开放平台密码" : "Reset your Kaifang password",
					    body) != KF_OK ||
			    kf_audit_append(db, r->now, "anonymous", "user.password_reset_request", subject, NULL) != KF_OK) {
				kf_api_abort_db(r);
				return;
			}
		}
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 202, json_pack("{s:s}", "status", "accepted"));
}

/*
 * POST /v1/password-resets:complete {token, password}: the new password
 * follows the registration's rules (ONB-8); the link is used up and every
 * session of the person ends, since whoever knew the old password may hold
 * one.
 */
static void api_password_reset_complete(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"token", KF_F_STRING, true, 128, NULL},
		{"password", KF_F_STRING, true, 256, "ONB-8"},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_db *db = kf_req_db(r);
	const char *token = kf_json_str(j, "token"), *pw = kf_json_str(j, "password");
	char thash[65];
	kf_sha256_hex(token, strlen(token), thash);
	int64_t rid = 0, uid = 0;
	enum kf_link_state st = KF_LINK_USABLE;
	enum kf_err rc = kf_store_password_reset_get(db, thash, r->now, &rid, &uid, &st);
	struct kf_user_row u;
	if (rc == KF_OK) {
		rc = kf_store_user_get(db, uid, &u);
		if (rc == KF_OK && !kf_user_may_sign_in(u.status))
			rc = KF_ENOTFOUND;
	}
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return;
	}
	if (rc != KF_OK) {
		kf_reply_fail(r, KF_EINVAL, "reset_token_invalid", NULL, "token", "this password-reset link is not valid");
		return;
	}
	if (st == KF_LINK_EXPIRED) {
		kf_reply_fail(r, KF_EGONE, "reset_token_expired", NULL, "token",
			      "this password-reset link has expired; ask for a new one");
		return;
	}
	if (st == KF_LINK_USED) {
		kf_reply_fail(r, KF_EGONE, "reset_token_used", NULL, "token",
			      "this password-reset link was already used or replaced by a newer one");
		return;
	}
	struct kf_error err = {0};
	if (kf_validate_password(pw, u.email, u.mobile, &err) != KF_OK) {
		err.field = "password";
		kf_reply_error(r, &err);
		return;
	}
	char hash[160];
	if (kf_password_hash(pw, hash, sizeof(hash)) != KF_OK) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "cannot hash the password");
		return;
	}
	char subject[32];
	snprintf(subject, sizeof(subject), "user:%lld", (long long)uid);
	if (!kf_api_begin(r))
		return;
	/* the link is used up inside the transaction: of two concurrent uses,
	 * the second finds it used and changes nothing */
	rc = kf_store_password_reset_use(db, rid, r->now);
	if (rc == KF_ECONFLICT) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_EGONE, "reset_token_used", NULL, "token",
			      "this password-reset link was already used or replaced by a newer one");
		return;
	}
	/* the link came to the account's address: that proves the address as
	 * much as the verification link does */
	int ended = -1;
	if (rc != KF_OK || kf_store_user_set_password(db, uid, hash, r->now) != KF_OK ||
	    kf_store_user_set_verified(db, uid, r->now) != KF_OK ||
	    (ended = kf_store_sessions_end_others(db, uid, 0, r->now)) < 0 ||
	    kf_audit_append(db, r->now, subject, "user.password_reset", subject, NULL) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:s, s:I}", "status", "password_set", "sessions_ended", (json_int_t)ended));
}

/* PATCH /v1/me {language}: the language of the account's mail (and of the
 * console, which reads it from /v1/me). */
static void api_accounts_me_patch(struct kf_req *r)
{
	static const struct kf_field f[] = {{"language", KF_F_STRING, false, 8, NULL}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_db *db = kf_req_db(r);
	json_t *lj = json_object_get(j, "language");
	if (lj) {
		const char *l = kf_json_str(j, "language");
		if (!kf_account_language_valid(l)) {
			kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "language", "language is \"zh\" or \"en\"");
			return;
		}
		if (kf_store_user_set_language(db, r->user_id, l, r->now) != KF_OK ||
		    !kf_api_audit(r, "user.update", kf_api_actor(r), l)) {
			kf_api_abort_db(r);
			return;
		}
	}
	if (!kf_api_commit(r))
		return;
	struct kf_user_row u;
	if (kf_store_user_get(db, r->user_id, &u) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, user_json(&u));
}

static void api_accounts_me(struct kf_req *r)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_user_row u;
	if (kf_store_user_get(db, r->user_id, &u) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	struct kf_agreement *ags;
	struct kf_consent *cons;
	size_t na, nc;
	json_t *members = kf_store_memberships_json(db, r->user_id);
	if (!members || kf_store_agreements_load(db, r->arena, "provider", &ags, &na) != KF_OK ||
	    kf_store_consents_load(db, r->arena, r->user_id, &cons, &nc) != KF_OK) {
		json_decref(members);
		kf_reply_db_error(r);
		return;
	}
	const struct kf_agreement **pending = kf_arena_alloc(r->arena, (na + 1) * sizeof(*pending));
	size_t np = kf_agreement_pending(ags, na, cons, nc, r->now, pending, na);
	json_t *pj = json_array();
	for (size_t i = 0; i < np; i++)
		json_array_append_new(pj, json_pack("{s:s, s:i}", "key", pending[i]->key, "version",
						    pending[i]->version));
	json_t *me = json_pack("{s:o, s:o, s:o, s:s?}", "user", user_json(&u), "memberships", members,
			       "agreements_pending", pj, "operator_role",
			       r->operator_role != KF_ROLE_NONE ? kf_role_name(r->operator_role) : NULL);
	/* a staff session that must set up a second factor before anything else */
	if (r->enrol_only)
		json_object_set_new(me, "second_factor_enrolment_required", json_true());
	kf_reply_json(r, 200, me);
}

static void api_accounts_token_create(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"name", KF_F_STRING, true, 100, NULL},
		{"expires_in_days", KF_F_INT, false, 0, NULL},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	json_t *days = json_object_get(j, "expires_in_days");
	int64_t expires = 0;
	if (days) {
		json_int_t d = json_integer_value(days);
		if (d < 1 || d > 3650) {
			kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "expires_in_days",
				      "expires_in_days must be between 1 and 3650");
			return;
		}
		expires = r->now + d * 86400;
	}
	char token[80], hash[65];
	kf_token_new("kfp_", token, sizeof(token));
	kf_sha256_hex(token, strlen(token), hash);
	int64_t id;
	if (!kf_api_begin(r))
		return;
	if (kf_store_api_token_insert(kf_req_db(r), r->user_id, kf_json_str(j, "name"), hash, r->now, expires,
				      &id) != KF_OK ||
	    !kf_api_audit(r, "api_token.create", kf_api_actor(r), kf_json_str(j, "name"))) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	json_t *o = json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)id, "name", kf_json_str(j, "name"),
			      "token", token, "created_at", (json_int_t)r->now);
	json_object_set_new(o, "expires_at", expires ? json_integer(expires) : json_null());
	kf_reply_json(r, 201, o);
}

static void api_accounts_token_list(struct kf_req *r)
{
	struct kf_api_token_row *rows = NULL;
	size_t n = 0;
	if (kf_store_api_tokens_of_user(kf_req_db(r), r->arena, r->user_id, &rows, &n) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:I, s:o, s:o}", "id", (json_int_t)rows[i].id, "name",
						     rows[i].name, "created_at", (json_int_t)rows[i].created_at,
						     "expires_at",
						     rows[i].expires ? json_integer(rows[i].expires_at) : json_null(),
						     "last_used_at",
						     rows[i].used ? json_integer(rows[i].last_used_at) : json_null()));
	kf_reply_json(r, 200, json_pack("{s:o}", "items", arr));
}

static void api_accounts_token_delete(struct kf_req *r)
{
	int64_t id = kf_req_param_id(r, "id");
	if (!kf_api_begin(r))
		return;
	enum kf_err rc = id ? kf_store_api_token_revoke(kf_req_db(r), r->user_id, id, r->now) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, "id", "no such API token");
		return;
	}
	if (rc != KF_OK || !kf_api_audit(r, "api_token.revoke", kf_api_actor(r), kf_req_param(r, "id"))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_raw(r, 204, "application/json", "", 0);
}

/* ------------------------------------------------ one's own data (DATA-2) */

/* GET /v1/me/export: everything the platform holds about the caller, as a
 * JSON file to keep (DATA-2). Secrets (password and token hashes) are not
 * data about the person and stay out. */
static void api_accounts_export(struct kf_req *r)
{
	json_t *o = kf_store_user_export_json(kf_req_db(r), r->user_id);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	json_object_set_new(o, "exported_at", json_integer(r->now));
	json_object_set_new(o, "format", json_string("kaifang-personal-data/1"));
	kf_reply_json(r, 200, o);
	kf_reply_header(r, "Content-Disposition",
			kf_arena_printf(r->arena, "attachment; filename=\"kaifang-my-data-%lld.json\"", (long long)r->user_id));
}

/* The unmet ONB-10 conditions of deleting the caller's account, as a JSON
 * array (empty: it may be deleted); NULL on a storage error. */
static json_t *deletion_unmet(struct kf_req *r)
{
	struct kf_account_deletion_facts facts;
	if (kf_store_user_deletion_facts(kf_req_db(r), r->user_id, &facts) != KF_OK)
		return NULL;
	const char *codes[8];
	size_t n = kf_account_deletion_blockers(&facts, codes, 8);
	json_t *unmet = json_array();
	for (size_t i = 0; i < n && i < 8; i++)
		json_array_append_new(unmet, json_string(codes[i]));
	return unmet;
}

/* GET /v1/me/deletion: what deleting the account now would do, before it is
 * done: whether it may (ONB-10's conditions), and when the data would be
 * gone for good. */
static void api_accounts_deletion_preview(struct kf_req *r)
{
	json_t *unmet = deletion_unmet(r);
	if (!unmet) {
		kf_reply_db_error(r);
		return;
	}
	int64_t ret = r->ctx->cfg.retention;
	kf_reply_json(r, 200, json_pack("{s:b, s:o, s:I, s:I}", "allowed", json_array_size(unmet) == 0, "unmet", unmet,
					"retention_seconds", (json_int_t)ret, "purge_at",
					(json_int_t)kf_account_purge_at(r->now, ret)));
}

/*
 * POST /v1/me/deletion {password}: delete the caller's account (DATA-2,
 * with ONB-10's conditions as they apply to a person). The password is
 * checked like a sign-in (a session left open on a shared computer must
 * not be enough). At once: no more sign-in, every session and API token
 * ends, memberships of providers end; after the retention window the
 * worker anonymises the rest for good. Answers 202 with purge_at.
 */
static void api_accounts_delete(struct kf_req *r)
{
	static const struct kf_field f[] = {{"password", KF_F_STRING, true, 256, NULL}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_db *db = kf_req_db(r);
	struct kf_user_row u;
	if (kf_store_user_get(db, r->user_id, &u) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *unmet = deletion_unmet(r);
	if (!unmet) {
		kf_reply_db_error(r);
		return;
	}
	if (json_array_size(unmet)) {
		json_t *e = json_pack("{s:s, s:s, s:s, s:o, s:s}", "code", "deletion_blocked", "message",
				      "the account cannot be deleted until every listed condition is met", "rule",
				      "ONB-10", "unmet", unmet, "request_id", r->id);
		kf_reply_json(r, 409, json_pack("{s:o}", "error", e));
		return;
	}
	json_decref(unmet);
	struct kf_login_limits l;
	kf_api_login_limits(r, u.email, &l);
	int64_t wait = kf_api_login_claim(db, r->now, &l);
	if (wait < 0) {
		kf_reply_db_error(r);
		return;
	}
	if (wait > 0) {
		kf_api_limit_reply(r, wait, "too_many_attempts", "password", "too many wrong passwords");
		return;
	}
	if (!kf_api_password_ok(KF_OK, &u, kf_json_str(j, "password"))) {
		kf_reply_fail(r, KF_EFORBIDDEN, "wrong_password", NULL, "password", "the password is wrong");
		return;
	}
	int64_t purge_at = kf_account_purge_at(r->now, r->ctx->cfg.retention);
	long long days = (long long)(r->ctx->cfg.retention / 86400);
	bool zh = lang_zh(u.language);
	const char *body =
		zh ? kf_arena_printf(r->arena,
				     "您的开放平台帐号 %s 已按您的要求删除，现在起无法再登录。\n\n"
				     "%lld 天的保留期结束后，帐号的姓名、邮箱、手机号、密码、会话、API 令牌和站内信将被永久删除，"
				     "无法恢复。\n",
				     u.email, days)
		   : kf_arena_printf(r->arena,
				     "Your Kaifang account %s was deleted as you asked; nobody can sign in to it any more.\n\n"
				     "After the retention window of %lld days, its name, email, mobile number, password, "
				     "sessions, API tokens and inbox are deleted for good and cannot be recovered.\n",
				     u.email, days);
	if (!kf_api_begin(r))
		return;
	int ended = -1;
	if (kf_api_login_succeeded(db, r->now, &l) != KF_OK || (ended = kf_store_user_delete(db, r->user_id, r->now, purge_at)) < 0 ||
	    kf_mail_enqueue(db, r->now, u.email, zh ? "开放平台帐号已删除" : "Your Kaifang account was deleted", body) != KF_OK ||
	    !kf_api_audit(r, "user.delete", kf_api_actor(r), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	clear_session_cookie(r);
	kf_reply_json(r, 202, json_pack("{s:s, s:I, s:I}", "status", "deleted", "purge_at", (json_int_t)purge_at,
					"sessions_ended", (json_int_t)ended));
}

const struct kf_route kf_api_accounts_routes[] = {
	{"POST", "/v1/users", api_accounts_register, KF_AUTH_NONE, KF_RF_OWN_TX, "Register an account (ONB-8)"},
	{"POST", "/v1/sessions", api_accounts_login, KF_AUTH_NONE, KF_RF_OWN_TX, "Sign in"},
	{"DELETE", "/v1/sessions/current", api_accounts_logout, KF_AUTH_USER, KF_RF_CONSENT_EXEMPT | KF_RF_ENROL_OK,
	 "Sign out"},
	{"GET", "/v1/sessions", api_sessions_list, KF_AUTH_USER, 0, "The caller's sessions, the current one marked"},
	{"DELETE", "/v1/sessions/{id}", api_sessions_delete, KF_AUTH_USER, KF_RF_CONSENT_EXEMPT,
	 "End one of the caller's sessions"},
	{"POST", "/v1/me/password", api_accounts_password, KF_AUTH_USER, KF_RF_OWN_TX | KF_RF_CONSENT_EXEMPT,
	 "Change the password; ends the caller's other sessions"},
	{"GET", "/v1/me", api_accounts_me, KF_AUTH_USER, KF_RF_ENROL_OK, "The caller, memberships and pending agreements"},
	{"PATCH", "/v1/me", api_accounts_me_patch, KF_AUTH_USER, KF_RF_CONSENT_EXEMPT | KF_RF_ENROL_OK,
	 "Change the caller's profile: the language of mail and console"},
	{"POST", "/v1/email-verification:confirm", api_accounts_confirm_email, KF_AUTH_NONE, 0,
	 "Confirm an email address with the link token of the verification mail"},
	{"POST", "/v1/password-resets", api_password_reset_request, KF_AUTH_NONE, KF_RF_OWN_TX,
	 "Mail a password-reset link (always 202)"},
	{"POST", "/v1/password-resets:complete", api_password_reset_complete, KF_AUTH_NONE, KF_RF_OWN_TX,
	 "Set a new password with a mailed reset link; ends every session"},
	{"POST", "/v1/me/email-verification", api_accounts_verify_email, KF_AUTH_USER, KF_RF_CONSENT_EXEMPT,
	 "Confirm the email address with the mailed code"},
	{"POST", "/v1/me/email-verification:resend", api_accounts_resend_code, KF_AUTH_USER, KF_RF_CONSENT_EXEMPT,
	 "Mail a new verification code"},
	{"GET", "/v1/me/api-tokens", api_accounts_token_list, KF_AUTH_USER, 0, "List personal API tokens"},
	{"POST", "/v1/me/api-tokens", api_accounts_token_create, KF_AUTH_USER, 0, "Create a personal API token"},
	{"DELETE", "/v1/me/api-tokens/{id}", api_accounts_token_delete, KF_AUTH_USER, 0, "Revoke a personal API token"},
	{"GET", "/v1/me/export", api_accounts_export, KF_AUTH_USER, 0,
	 "Everything the platform holds about the caller, as a JSON file (DATA-2)"},
	{"GET", "/v1/me/deletion", api_accounts_deletion_preview, KF_AUTH_USER, 0,
	 "What deleting the caller's account would do, and whether it may (DATA-2, ONB-10)"},
	{"POST", "/v1/me/deletion", api_accounts_delete, KF_AUTH_USER, KF_RF_OWN_TX | KF_RF_CONSENT_EXEMPT,
	 "Delete the caller's account; anonymised after the retention window (DATA-2, ONB-10)"},
};
const size_t kf_api_accounts_nroutes = sizeof(kf_api_accounts_routes) / sizeof(kf_api_accounts_routes[0]);

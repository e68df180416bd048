/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's own work: its staff (list, create, change role, disable
 * and enable), the audit log (read with filters, verify the keyed chain)
 * and the system figures (the same store functions /metrics reads, so the
 * two cannot drift). Staff read; admins manage staff.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/staff.h"
#include "core/roles.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "ops.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/operator.h"
#include "store/outbox.h"
#include "store/reviews.h"
#include "store/system.h"
#include "util/crypto.h"
#include "util/mem.h"

#ifndef KF_VERSION
#define KF_VERSION "0.12.0-dev"
#endif

/* A set-password link for a new operator lasts a week: long enough for a
 * person who is told on a Friday. */
#define SET_PASSWORD_TTL (7 * 86400)

static json_t *operator_json(const struct kf_operator_row *o)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)o->id, "email", o->email, "name",
			      o->name, "role", o->role, "status", o->status, "created_at", (json_int_t)o->created_at);
	json_object_set_new(j, "last_sign_in_at", o->last_sign_in_at ? json_integer(o->last_sign_in_at) : json_null());
	return j;
}

/* GET /v1/operators: the staff, oldest first. */
static void api_operators_list(struct kf_req *r)
{
	struct kf_operator_row *rows;
	size_t n;
	if (kf_store_operator_list(kf_req_db(r), r->arena, &rows, &n) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, operator_json(&rows[i]));
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /v1/operators/{id}: one member of the staff; 404 for anyone else. */
static void api_operators_get(struct kf_req *r)
{
	int64_t id = kf_req_param_id(r, "id");
	struct kf_operator_row o;
	enum kf_err rc = id ? kf_store_operator_get(kf_req_db(r), r->arena, id, &o) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ENOTFOUND, "operator_not_found", NULL, "id", "no such operator");
		return;
	}
	if (rc != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, operator_json(&o));
}

/* The mail with a set-password link of a new operator (a password-reset
 * link that lasts SET_PASSWORD_TTL), inside the open transaction. */
static bool mail_set_password(struct kf_req *r, int64_t uid, const char *email, const char *name)
{
	char token[80], hash[65];
	kf_token_new("kfr_", token, sizeof(token));
	kf_sha256_hex(token, strlen(token), hash);
	const char *url = kf_arena_printf(r->arena, "%s/console/reset?token=%s", r->ctx->cfg.issuer, token);
	char *body = kf_arena_printf(
		r->arena,
		"%s，您好：\n\n开放平台的管理员为您开设了运营人员帐号 %s。请打开下面的链接设置密码：\n\n%s\n\n"
		"链接在 7 天后失效，只能使用一次。\n\n"
		"Hello %s,\n\nAn administrator of the Kaifang platform opened a staff account %s for you. "
		"Open this link to choose your password:\n\n%s\n\nThe link expires in 7 days and works once.\n",
		name, email, url, name, email, url);
	return kf_store_password_reset_insert(kf_req_db(r), uid, hash, r->now, r->now + SET_PASSWORD_TTL) == KF_OK &&
	       kf_mail_enqueue(kf_req_db(r), r->now, email, "开放平台运营人员帐号 / Your Kaifang staff account", body) ==
		       KF_OK;
}

/*
 * POST /v1/operators {email, name, role, password?, mobile?}: a new member
 * of the staff. Without a password the person gets a mail with a link to
 * set one (and nobody else ever knows it). The password, when given,
 * follows ONB-8.
 */
static void api_operators_create(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"email", KF_F_STRING, true, 254, "ONB-8"},
		{"name", KF_F_STRING, true, 100, NULL},
		{"role", KF_F_STRING, true, 16, NULL},
		{"password", KF_F_STRING, false, 256, "ONB-8"},
		{"mobile", KF_F_STRING, false, 32, "ONB-8"},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *name = kf_json_str(j, "name"), *pw = kf_json_str(j, "password");
	if (pw && !*pw)
		pw = NULL;
	if (strspn(name, " \t") == strlen(name)) {
		kf_reply_fail(r, KF_EINVAL, "missing_field", NULL, "name", "name is required");
		return;
	}
	char lower[256], e164[32];
	enum kf_role rk;
	struct kf_error err = {0};
	if (kf_ops_operator_check(kf_json_str(j, "email"), kf_json_str(j, "mobile"), pw, kf_json_str(j, "role"), lower,
				  e164, &rk, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	/* Without a password, one nobody knows until the link sets another. */
	char secret[80], hash[160];
	if (!pw)
		kf_token_new("kfp_", secret, sizeof(secret));
	enum kf_err hrc = kf_password_hash(pw ? pw : secret, hash, sizeof(hash));
	sodium_memzero(secret, sizeof(secret));
	if (hrc != KF_OK) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "cannot hash the password");
		return;
	}
	if (!kf_api_begin(r))
		return;
	int64_t uid = 0;
	if (kf_ops_operator_insert(kf_req_db(r), r->now, kf_api_actor(r), lower, e164, name, hash, rk, &uid, &err) !=
	    KF_OK) {
		kf_api_rollback(r);
		if (err.code == KF_EDB)
			kf_reply_db_error(r);
		else
			kf_reply_error(r, &err);
		return;
	}
	if (!pw && !mail_set_password(r, uid, lower, name)) {
		kf_api_abort_db(r);
		return;
	}
	struct kf_operator_row o;
	if (kf_store_operator_get(kf_req_db(r), r->arena, uid, &o) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	json_t *out = operator_json(&o);
	json_object_set_new(out, "set_password_mailed", json_boolean(!pw));
	kf_reply_json(r, 201, out);
}

/*
 * PATCH /v1/operators/{id} {role?, status?}: change a staff member's role
 * or disable (status "disabled": every session ends at once, sign-in is
 * refused) and enable them. The last active admin can be neither demoted
 * nor disabled, so the platform always keeps someone who manages staff.
 */
static void api_operators_patch(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"role", KF_F_STRING, false, 16, NULL},
		{"status", KF_F_STRING, false, 16, NULL},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *role = kf_json_str(j, "role"), *status = kf_json_str(j, "status");
	enum kf_role rk = KF_ROLE_NONE;
	if (!role && !status) {
		kf_reply_fail(r, KF_EINVAL, "missing_field", NULL, "role", "give role or status");
		return;
	}
	if (role && (!kf_role_parse(role, &rk) || !kf_ops_staff_role(rk))) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "role", "role is admin, reviewer, ops or auditor");
		return;
	}
	if (status && strcmp(status, "active") && strcmp(status, "disabled")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "status", "status is active or disabled");
		return;
	}
	struct kf_db *db = kf_req_db(r);
	if (!kf_api_begin(r))
		return;
	int64_t id = kf_req_param_id(r, "id");
	struct kf_operator_row o;
	enum kf_err rc = id ? kf_store_operator_get(db, r->arena, id, &o) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "operator_not_found", NULL, "id", "no such operator");
		return;
	}
	if (rc != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	/* Would this leave no active admin? */
	bool loses_admin = !strcmp(o.role, "admin") && !strcmp(o.status, "active") &&
			   ((role && rk != KF_ROLE_ADMIN) || (status && !strcmp(status, "disabled")));
	int64_t admins = 0;
	if (loses_admin && kf_store_operator_admin_count(db, &admins) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (loses_admin && admins <= 1) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "last_admin", NULL, role && rk != KF_ROLE_ADMIN ? "role" : "status",
			      "%s is the platform's last active admin: make another admin first", o.email);
		return;
	}
	const char *subject = kf_arena_printf(r->arena, "user:%lld", (long long)id);
	if (role && strcmp(role, o.role) &&
	    (kf_store_operator_set_role(db, id, role) != KF_OK ||
	     !kf_api_audit(r, "operator.role", subject, kf_arena_printf(r->arena, "%s -> %s", o.role, role)))) {
		kf_api_abort_db(r);
		return;
	}
	if (status && strcmp(status, o.status) &&
	    (kf_store_operator_set_status(db, id, status, r->now) != KF_OK ||
	     !kf_api_audit(r, strcmp(status, "active") ? "operator.disable" : "operator.enable", subject, NULL))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_store_operator_get(db, r->arena, id, &o) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_reply_json(r, 200, operator_json(&o));
}

/* A time filter of the audit log: unix seconds. */
static bool time_param(struct kf_req *r, const char *name, int64_t *out)
{
	const char *s = kf_req_query(r, name);
	*out = 0;
	if (!s || !*s)
		return true;
	if (!kf_api_uint_parse(s, out)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, name, "%s is a time in unix seconds", name);
		return false;
	}
	return true;
}

/* An actor filter: "user:12", "system", … or the email of a person. */
static const char *actor_param(struct kf_req *r, bool *unknown)
{
	const char *a = kf_req_query(r, "actor");
	*unknown = false;
	if (!a || !*a || !strchr(a, '@'))
		return a;
	char lower[256];
	snprintf(lower, sizeof(lower), "%s", a);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	struct kf_user_row u;
	if (kf_store_user_by_email(kf_req_db(r), lower, &u) != KF_OK) {
		*unknown = true;
		return a;
	}
	return kf_arena_printf(r->arena, "user:%lld", (long long)u.id);
}

/* The email of a "user:N" actor or subject, NULL for anything else. */
static const char *user_email(struct kf_req *r, const char *who)
{
	if (strncmp(who, "user:", 5))
		return NULL;
	int64_t id;
	struct kf_user_row u;
	if (!kf_api_uint_parse(who + 5, &id) || kf_store_user_get(kf_req_db(r), id, &u) != KF_OK)
		return NULL;
	return kf_arena_strdup(r->arena, u.email);
}

/*
 * GET /v1/audit?actor=&subject=&action=&from=&to=&cursor=&limit=: the
 * audit log, newest first. actor is an actor as stored ("user:12",
 * "system") or a person's email; action matches exactly or as the part
 * before a dot; from and to (unix seconds) bound the time, both included;
 * cursor is the next_cursor of the previous page.
 */
static void api_audit_list(struct kf_req *r)
{
	struct kf_audit_filter f = {0};
	bool unknown = false;
	f.actor = actor_param(r, &unknown);
	f.subject = kf_req_query(r, "subject");
	f.action = kf_req_query(r, "action");
	if (!time_param(r, "from", &f.from) || !time_param(r, "to", &f.to) || !time_param(r, "cursor", &f.before))
		return;
	int64_t limit = 50;
	const char *ls = kf_req_query(r, "limit");
	if (ls && (!kf_api_uint_parse(ls, &limit) || limit < 1 || limit > 200)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "limit", "limit is 1 to 200");
		return;
	}
	json_t *items = json_array();
	struct kf_audit_row *rows = NULL;
	size_t n = 0;
	/* an email nobody has matches nothing */
	if (!unknown && kf_store_audit_list(kf_req_db(r), r->arena, &f, (int)limit + 1, &rows, &n) != KF_OK) {
		json_decref(items);
		kf_reply_db_error(r);
		return;
	}
	bool more = n > (size_t)limit;
	if (more)
		n = (size_t)limit;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)rows[i].id, "at",
				      (json_int_t)rows[i].at, "actor", rows[i].actor, "action", rows[i].action, "subject",
				      rows[i].subject, "digest", rows[i].digest);
		const char *ae = user_email(r, rows[i].actor), *se = user_email(r, rows[i].subject);
		json_object_set_new(o, "actor_email", ae ? json_string(ae) : json_null());
		json_object_set_new(o, "subject_email", se ? json_string(se) : json_null());
		json_array_append_new(items, o);
	}
	json_t *out = json_pack("{s:o}", "items", items);
	json_object_set_new(out, "next_cursor",
			    more ? json_string(kf_arena_printf(r->arena, "%lld", (long long)rows[n - 1].id)) : json_null());
	kf_reply_json(r, 200, out);
}

/* GET /v1/audit/verify: walk the keyed chain and compare its end with the
 * anchor outside the database, as `kaifang audit verify` does. 200 with
 * ok true, or ok false and the first broken row. */
static void api_audit_verify(struct kf_req *r)
{
	struct kf_audit_report rep;
	memset(&rep, 0, sizeof(rep));
	enum kf_err rc = kf_audit_verify(kf_req_db(r), &rep);
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return;
	}
	json_t *out = json_pack("{s:b, s:I, s:I, s:s, s:I}", "ok", rc == KF_OK, "rows", (json_int_t)rep.rows, "head_id",
				(json_int_t)rep.head_id, "message", rep.msg, "checked_at", (json_int_t)r->now);
	json_object_set_new(out, "broken_id", rep.broken_id ? json_integer(rep.broken_id) : json_null());
	json_object_set_new(out, "anchor_id", rep.anchor_id >= 0 ? json_integer(rep.anchor_id) : json_null());
	kf_reply_json(r, 200, out);
}

#define MAX_GAUGES 64

/* GET /v1/system: the figures of /metrics as JSON (the same store
 * functions), with the version and the applied migrations. */
static void api_system_figures(struct kf_req *r)
{
	struct kf_db *db = kf_req_db(r);
	int64_t pending = 0, delivered = 0, dead = 0, oldest = 0;
	struct kf_review_gauge g[MAX_GAUGES];
	size_t ng = 0, nm = 0;
	struct kf_system_queues q;
	struct kf_migration_row *m = NULL;
	if (kf_store_outbox_stats(db, r->now, &pending, &delivered, &dead, &oldest) != KF_OK ||
	    kf_store_review_gauges(db, r->now, g, MAX_GAUGES, &ng) != KF_OK || kf_store_system_queues(db, r->now, &q) != KF_OK ||
	    kf_store_migrations_applied(db, r->arena, &m, &nm) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *reviews = json_array();
	int64_t tp = 0, to = 0;
	for (size_t i = 0; i < ng; i++) {
		json_array_append_new(reviews, json_pack("{s:s, s:I, s:I}", "kind", g[i].kind, "pending",
							 (json_int_t)g[i].pending, "overdue", (json_int_t)g[i].overdue));
		tp += g[i].pending;
		to += g[i].overdue;
	}
	json_t *migs = json_array();
	for (size_t i = 0; i < nm; i++)
		json_array_append_new(migs, json_pack("{s:I, s:s, s:I}", "version", (json_int_t)m[i].version, "name",
						      m[i].name, "applied_at", (json_int_t)m[i].applied_at));
	json_t *out = json_pack(
		"{s:{s:I, s:I, s:o}, s:{s:I, s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I, s:I}, s:s, s:I, s:o, s:I}", "reviews",
		"pending", (json_int_t)tp, "overdue", (json_int_t)to, "by_kind", reviews, "outbox", "pending",
		(json_int_t)pending, "dead", (json_int_t)dead, "oldest_pending_seconds", (json_int_t)(oldest < 0 ? 0 : oldest),
		"url_checks", "pending", (json_int_t)q.url_checks_pending, "oldest_pending_seconds",
		(json_int_t)q.url_checks_oldest_age, "mail", "pending", (json_int_t)q.mail_pending, "dead",
		(json_int_t)q.mail_dead, "oldest_pending_seconds", (json_int_t)q.mail_oldest_age, "version", KF_VERSION,
		"schema_version", (json_int_t)(nm ? m[nm - 1].version : 0), "migrations", migs, "now", (json_int_t)r->now);
	kf_reply_json(r, 200, out);
}

/* The figures /metrics adds to the push and review metrics: the URL-check
 * and mail queues and the schema version (text, malloc'd; NULL on error). */
char *kf_api_system_metrics_text(struct kf_db *db, int64_t now)
{
	struct kf_system_queues q;
	if (kf_store_system_queues(db, now, &q) != KF_OK)
		return NULL;
	struct kf_arena *a = kf_arena_new();
	struct kf_migration_row *m = NULL;
	size_t nm = 0;
	enum kf_err rc = kf_store_migrations_applied(db, a, &m, &nm);
	int64_t schema = rc == KF_OK && nm ? m[nm - 1].version : 0;
	kf_arena_free(a);
	if (rc != KF_OK)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f,
		"# HELP kaifang_url_checks_pending Listing URLs waiting to be opened (LST-14).\n"
		"# TYPE kaifang_url_checks_pending gauge\nkaifang_url_checks_pending %lld\n"
		"# HELP kaifang_url_checks_oldest_pending_seconds Age of the oldest URL waiting to be opened.\n"
		"# TYPE kaifang_url_checks_oldest_pending_seconds gauge\nkaifang_url_checks_oldest_pending_seconds %lld\n"
		"# HELP kaifang_mail_pending Emails waiting to be sent.\n"
		"# TYPE kaifang_mail_pending gauge\nkaifang_mail_pending %lld\n"
		"# HELP kaifang_mail_dead Emails given up on.\n"
		"# TYPE kaifang_mail_dead gauge\nkaifang_mail_dead %lld\n"
		"# HELP kaifang_mail_oldest_pending_seconds Age of the oldest email waiting to be sent.\n"
		"# TYPE kaifang_mail_oldest_pending_seconds gauge\nkaifang_mail_oldest_pending_seconds %lld\n"
		"# HELP kaifang_schema_version The last database migration applied.\n"
		"# TYPE kaifang_schema_version gauge\nkaifang_schema_version %lld\n"
		"# HELP kaifang_build_info The running version.\n"
		"# TYPE kaifang_build_info gauge\nkaifang_build_info{version=\"%s\"} 1\n",
		(long long)q.url_checks_pending, (long long)q.url_checks_oldest_age, (long long)q.mail_pending,
		(long long)q.mail_dead, (long long)q.mail_oldest_age, (long long)schema, KF_VERSION);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

const struct kf_route kf_api_staff_routes[] = {
	{"GET", "/v1/operators", api_operators_list, KF_AUTH_OPERATOR, 0, "The operator's staff"},
	{"POST", "/v1/operators", api_operators_create, KF_AUTH_ADMIN, KF_RF_OWN_TX | KF_RF_STEP_UP,
	 "Create an operator (admin, reviewer, ops or auditor); without a password, a set-password link is mailed"},
	{"GET", "/v1/operators/{id}", api_operators_get, KF_AUTH_OPERATOR, 0, "One member of the staff"},
	{"PATCH", "/v1/operators/{id}", api_operators_patch, KF_AUTH_ADMIN, KF_RF_STEP_UP,
	 "Change an operator's role, disable or enable them (never the last active admin)"},
	{"GET", "/v1/audit", api_audit_list, KF_AUTH_OPERATOR, 0, "The audit log, newest first, with filters"},
	{"GET", "/v1/audit/verify", api_audit_verify, KF_AUTH_OPERATOR, 0,
	 "Verify the audit log's keyed chain and its anchor"},
	{"GET", "/v1/system", api_system_figures, KF_AUTH_OPERATOR, 0,
	 "Queues, reviews, version and migrations (the figures of /metrics)"},
};
const size_t kf_api_staff_nroutes = sizeof(kf_api_staff_routes) / sizeof(kf_api_staff_routes[0]);

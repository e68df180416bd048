/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console: server-rendered pages under /console/ for providers and
 * host-account owners. A page is a thin client of the API in the same
 * process: it reads with kf_con_get and writes with kf_con_send, which run
 * the API's own routes through the dispatcher (kf_api_call) as the signed-in
 * person, so a page can do exactly what the API lets that person do, and
 * every refusal (code, field, rule) is the API's, shown next to the field
 * in the page's language (web/errtext.h). Pages never read the store.
 *
 * Forms post back to the page that shows them (Post/Redirect/Get on
 * success, the form again with what was typed and the error on failure),
 * with the session cookie and an HMAC-signed CSRF token bound to the
 * session. Form field names are the API's field names, so an error's
 * `field` finds its input.
 */
#ifndef KF_CONSOLE_CONSOLE_H
#define KF_CONSOLE_CONSOLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"
#include "http/form.h"
#include "http/request.h"
#include "http/router.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

/* The last refusal of the API to a page's call. */
struct kf_con_err {
	int status;
	const char *code;
	const char *field;
	const char *rule;
	const char *message; /* in the page's language when known, else the API's */
	json_t *body;        /* the whole answer (findings, pending agreements…) */
};

struct kf_con {
	struct kf_req *r;
	enum kf_lang lang;
	struct kf_html h;
	json_t *me;          /* GET /v1/me when signed in, else NULL */
	const char *csrf;    /* for the forms of this page */
	bool post;           /* a form was posted (and its CSRF token checked) */
	struct kf_form form; /* the posted fields */
	struct kf_con_err err;
	bool has_err;
	const char *section; /* current nav entry: "home", "apps", "orgs", "hosts", "account";
			      * for staff "home", "reviews", "ops", "account" */
	int status;          /* the page's HTTP status (200 unless set) */
	bool opened;
	long unread;         /* the inbox's unread count once asked (-1 before) */
};

#define CL(c, en, zh) KF_L((c)->lang, en, zh)

/*
 * Start a console request. need_user (or a route declaring more than
 * KF_AUTH_NONE): a signed-out person is redirected to the sign-in page (and
 * false returned: the reply is set); a route declaring KF_AUTH_OPERATOR or
 * KF_AUTH_ADMIN answers a person without that role with the 403 page. A POST must
 * carry a valid CSRF token (else a page saying the form expired, false).
 */
bool kf_con_start(struct kf_req *r, struct kf_con *c, bool need_user);

/* GET an API path (printf format). Answers the JSON body of a 2xx answer,
 * or NULL (then c->err holds the refusal; 404 when the thing is not the
 * person's). */
json_t *kf_con_get(struct kf_con *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with query parameters (a form of names and values). */
json_t *kf_con_getq(struct kf_con *c, const struct kf_form *q, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Write through the API: method, JSON body (borrowed, may be NULL), path.
 * Answers the body of a 2xx answer (or an empty object), or NULL with
 * c->err / c->has_err set. */
json_t *kf_con_send(struct kf_con *c, const char *method, json_t *body, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The full call, for answers that are not JSON (file content) or deferred. */
void kf_con_call(struct kf_con *c, const char *method, const char *path, const struct kf_form *q,
		 const char *ctype, const void *data, size_t len, struct kf_call *out);
/* Upload every file posted under input (a field of type file) through
 * POST /v1/files, appending the new file ids to ids, at most max of them
 * (0: no cap). false with c->err set at field when one fails. */
bool kf_con_upload_files(struct kf_con *c, const char *input, const char *field, size_t max, json_t *ids);

/* Take a refusal from an answer into c->err (translated). */
void kf_con_take_err(struct kf_con *c, const struct kf_call *call);

/* A posted value (NULL when absent). */
const char *kf_con_val(struct kf_con *c, const char *name);
/* The posted value, or def when nothing was posted. */
const char *kf_con_keep(struct kf_con *c, const char *name, const char *def);
/* A query-string value. */
const char *kf_con_q(struct kf_con *c, const char *name);

/* Open the page: header, navigation (section), crumbs (NULL-terminated
 * pairs href, label … may be NULL), title. Shows the ?ok= notice. */
void kf_con_open(struct kf_con *c, const char *title, const struct kf_page_link *crumbs, size_t n_crumbs);
/* The tabs of an object under the title. */
void kf_con_tabs(struct kf_con *c, const struct kf_page_link *tabs, size_t n);
/* Close and send the page. */
void kf_con_finish(struct kf_con *c);
/* A 303 to url (Post/Redirect/Get); ok is a short notice key shown there. */
void kf_con_redirect(struct kf_con *c, const char *url);
/* A whole page saying the thing is not there (404). */
void kf_con_not_found(struct kf_con *c);
/* The error of the last call, when it concerns no field shown on the page,
 * as a notice (shown once: clears c->has_err). */
void kf_con_error_notice(struct kf_con *c);

/* A form field whose value is kept after an error and whose error (when
 * c->err.field is name) is shown under it. */
void kf_con_field(struct kf_con *c, const struct kf_page_field *f);
/* Shorthand: a text-like input. */
void kf_con_input(struct kf_con *c, const char *name, const char *label, const char *type, const char *value,
		  const char *hint, bool required);
/* The error message for field name, or NULL; marks it as shown. */
const char *kf_con_field_err(struct kf_con *c, const char *name, const char **rule);
/* Open a form posting to action (the current page when NULL). */
void kf_con_form(struct kf_con *c, const char *action, bool multipart);

/* Small markup: a paragraph (class may be NULL), a link (class may be
 * NULL), a section heading; every value escaped. */
void kf_con_para(struct kf_con *c, const char *cls, const char *text);
void kf_con_link(struct kf_con *c, const char *cls, const char *href, const char *label);
void kf_con_h2(struct kf_con *c, const char *text);

/* A query value percent-encoded (all but the unreserved characters), in
 * the request arena; "" for NULL. For links that carry a list's filters. */
const char *kf_con_qenc(struct kf_con *c, const char *v);
/* Formatted string in the request arena. */
const char *kf_con_fmt(struct kf_con *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The member of a JSON object as text (numbers printed), or NULL. */
const char *kf_con_str(struct kf_con *c, json_t *obj, const char *key);
/* Time zone offset of the platform, seconds east of UTC. */
int kf_con_tz(struct kf_con *c);
/* A date "YYYY-MM-DD" (a date input's value, years from 1970) as the unix
 * time of that day's start in the platform's time zone; false when it is
 * not a real date. */
bool kf_con_date(struct kf_con *c, const char *s, int64_t *start);
/* The date of t in the platform's time zone, "YYYY-MM-DD". */
const char *kf_con_date_text(struct kf_con *c, int64_t t);
/* A time, absolute and relative. */
void kf_con_time(struct kf_con *c, int64_t t);
/* A confirmation page for a destructive action: the consequence in one
 * sentence, a form posting confirm=1 with the hidden fields (name, value
 * pairs), and a way back. */
void kf_con_confirm(struct kf_con *c, const char *title, const char *consequence, const char *action,
		    const char *button, const char *back, const char *const *hidden, size_t n_hidden);

/* The person's unread inbox messages (asked once per page; the page's
 * pending refusal is kept). */
long kf_con_unread(struct kf_con *c);

/* The person's operator role ("admin", "reviewer", "ops", "auditor"), or
 * NULL for everyone who is not the platform's staff. */
const char *kf_con_staff_role(struct kf_con *c);
/* False (and a 403 page sent) unless the person is operator staff, and an
 * admin when admin. kf_con_start already does this for a page whose route
 * declares KF_AUTH_OPERATOR or KF_AUTH_ADMIN: declare it there. */
bool kf_con_staff(struct kf_con *c, bool admin);
/* The page's own path, percent-encoded for a ?next= value. */
const char *kf_con_here(struct kf_con *c);
/* A whole page saying the person may not see or do this (403). */
void kf_con_forbidden(struct kf_con *c);
/* The staff's items of the home page's "Needs you now" (reviews assigned to
 * them, overdue, unassigned: <li> links to the queue's filters); how many
 * it wrote. 0 for everyone who is not staff. (console/reviews.c) */
size_t kf_con_staff_todos(struct kf_con *c);

/* The announcements shown now (GET /v1/announcements, NOTE-1) as a card;
 * nothing when there are none. For the console's home and the landing
 * page (console/ops_settings.c). */
void kf_con_announcements(struct kf_con *c);

/* The provider orgs and host accounts of the person, from /v1/me. */
json_t *kf_con_memberships(struct kf_con *c);

/* Route tables: one per file, declared in api/api.h (the dispatcher
 * serves them with the API's). */

#endif

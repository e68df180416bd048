/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parts every console page is made of (PAGES.md "Page parts"): the
 * document with its header (platform name, the person's organisations,
 * inbox with unread count, language switch, sign-out), section navigation,
 * notices, state badges that carry words, form fields with their error and
 * rule id next to them, ids in monospace with a copy button, times absolute
 * and relative, empty states. Pure renderers over web/html.h: values in,
 * escaped markup out, no I/O.
 *
 * Texts given to these functions are already in the page's language; the
 * console picks them with KF_L(lang, "English", "中文"), so each text is
 * written once in both languages where it is used.
 */
#ifndef KF_WEB_PAGE_H
#define KF_WEB_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web/html.h"
#include "web/i18n.h"

#define KF_L(lang, en, zh) ((lang) == KF_LANG_ZH ? (zh) : (en))

/* The stylesheet and the script of every page, served from
 * /static/console.css and /static/console.js (CSP 'self'). */
extern const char kf_page_css[];
extern const char kf_page_js[];
/* The Content-Security-Policy of console pages: same-origin style, script
 * and images only, forms post to the platform itself, no framing. */
extern const char kf_page_csp[];

struct kf_page_link {
	const char *href;
	const char *label;
	bool current;
};

struct kf_page_head {
	enum kf_lang lang;
	const char *title;        /* of this page, in its language */
	const char *platform;     /* the platform's name */
	const char *user_name;    /* NULL when signed out */
	long unread;              /* inbox count, shown when user_name is set */
	const char *lang_href;    /* link that switches to the other language */
	const char *csrf;         /* for the sign-out form; NULL hides it */
	const struct kf_page_link *nav; /* the console's main sections */
	size_t n_nav;
	const struct kf_page_link *crumbs; /* where this page is: ancestors, then none for itself */
	size_t n_crumbs;
	const struct kf_page_link *tabs; /* the tabs of an object (an app's, an org's) */
	size_t n_tabs;
};

/* Open the document up to the start of the main content (<main>, then
 * breadcrumbs, <h1> with the title, tabs). */
void kf_page_open(struct kf_html *h, const struct kf_page_head *v);
/* The tabs of an object (an app's, an org's), the current one marked;
 * kf_page_open draws them under the title when the head has them. */
void kf_page_tabs(struct kf_html *h, enum kf_lang lang, const struct kf_page_link *tabs, size_t n);
/* Close <main> and the document. */
void kf_page_close(struct kf_html *h, enum kf_lang lang);

/* A notice box: kind "ok", "error", "info" or "warn". role=status/alert. */
void kf_page_notice(struct kf_html *h, const char *kind, const char *text);
/* The same with a rule id linked after the text (rule may be NULL). */
void kf_page_notice_rule(struct kf_html *h, const char *kind, const char *text, const char *rule);

/* A membership or staff role ("owner", "admin", "member", "reviewer",
 * "ops", "auditor") in the page's language; the name itself when unknown. */
const char *kf_role_label(enum kf_lang lang, const char *role);

/* The review kinds (REV-1) in the order the review desk lists them, and
 * their words in lang: one table, so the queue, one review and a
 * provider's record name a review alike. kf_page_review_kind_at answers
 * NULL past the last; kf_page_review_kind the kind itself when unknown. */
#define KF_PAGE_REVIEW_KINDS 7
const char *kf_page_review_kind_at(size_t i);
const char *kf_page_review_kind(enum kf_lang lang, const char *kind);

/* The words for a state of an app, a listing, a review, an application, a
 * delivery, … in lang, or NULL for a state this table does not know. */
const char *kf_page_state_word(enum kf_lang lang, const char *state);
/* A badge: the state's word (or the state itself) with a class by its
 * tone; never colour alone. */
void kf_page_badge(struct kf_html *h, enum kf_lang lang, const char *state);

/* A rule id as a link to the page that states the rule. */
void kf_page_rule(struct kf_html *h, const char *rule);
/* An id in monospace with a copy button (the button works with the
 * script; without it the id is still selectable text). */
void kf_page_id(struct kf_html *h, enum kf_lang lang, const char *id);
/* A time: absolute in the platform's time zone (offset in seconds east of
 * UTC, name such as "UTC+8"), and relative to now ("in 2 days", "3 hours
 * ago"). t 0 prints "—". */
void kf_page_time(struct kf_html *h, enum kf_lang lang, int64_t t, int64_t now, int tz_offset);
/* An empty state: what is missing and what to do, with an optional link. */
void kf_page_empty(struct kf_html *h, const char *text, const char *href, const char *link_label);

/* Forms. Every form posts to action with the CSRF token; multipart for
 * file uploads. */
void kf_page_form_open(struct kf_html *h, const char *action, const char *csrf, bool multipart);
void kf_page_form_close(struct kf_html *h);
void kf_page_hidden(struct kf_html *h, const char *name, const char *value);
/* A submit button; kind "primary", "secondary" or "danger". name/value
 * may be NULL. */
void kf_page_button(struct kf_html *h, const char *kind, const char *label, const char *name, const char *value);

struct kf_page_option {
	const char *value;
	const char *label;
};

struct kf_page_field {
	const char *name;   /* the form field: the API's field name */
	const char *label;
	const char *type;   /* text, email, password, tel, url, number, textarea, select, checkbox, file, date */
	const char *value;  /* shown value (what was typed, after an error) */
	const char *hint;   /* under the field, may be NULL */
	bool required;
	const char *autocomplete;
	const char *accept; /* file inputs */
	const struct kf_page_option *options; /* select */
	size_t n_options;
	bool checked;       /* checkbox */
	/* The error for this field, in the page's language, and its rule id. */
	const char *error;
	const char *rule;
};
void kf_page_field(struct kf_html *h, enum kf_lang lang, const struct kf_page_field *f);

/* A definition list row: <dt>term</dt><dd>value</dd> (value escaped). */
void kf_page_dl_row(struct kf_html *h, const char *term, const char *value);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Languages of the server-rendered pages (the consent flow): Simplified
 * Chinese and English, every text of the pages in one table, and the choice
 * of language from an Accept-Language header.
 *
 * Messages are whole sentences or labels with no placeholders: a value from
 * a user (an app name, an account name) is always rendered as its own
 * escaped element next to the message, never formatted into it.
 */
#ifndef KF_WEB_I18N_H
#define KF_WEB_I18N_H

enum kf_lang {
	KF_LANG_EN = 0, /* the default */
	KF_LANG_ZH,     /* Simplified Chinese, rendered as lang="zh-CN" */
};

enum kf_msg {
	/* Shared */
	KF_MSG_APP,            /* "App" label */
	KF_MSG_ACCOUNT,        /* "Account" label */
	KF_MSG_DEVELOPER,
	KF_MSG_WEBSITE,
	KF_MSG_SIGNED_IN_AS,
	KF_MSG_RULE,           /* small print: "Rule" */
	KF_MSG_REASON_CODE,    /* small print: "Code" */
	KF_MSG_REQUEST_ID,
	KF_MSG_BACK,

	/* Sign-in form */
	KF_MSG_SIGNIN_TITLE,
	KF_MSG_SIGNIN_LEAD,       /* sentence after the app name */
	KF_MSG_SIGNIN_LEAD_NOAPP, /* when no app name is known */
	KF_MSG_SIGNIN_LOGIN,
	KF_MSG_SIGNIN_PASSWORD,
	KF_MSG_SIGNIN_SUBMIT,
	KF_MSG_SIGNIN_ERR_CREDENTIALS,
	KF_MSG_SIGNIN_ERR_MISSING,
	KF_MSG_SIGNIN_ERR_LOCKED,
	KF_MSG_SIGNIN_ERR_SECOND_FACTOR,
	KF_MSG_SIGNIN_ERR_EXPIRED,

	/* Account picker and consent form */
	KF_MSG_CONSENT_TITLE,
	KF_MSG_CONSENT_LEAD,      /* sentence after the app name */
	KF_MSG_IN_TESTING,
	KF_MSG_ACCOUNT_LEGEND,
	KF_MSG_ACCOUNT_PINNED,
	KF_MSG_ACCOUNT_AUTHORIZED,
	KF_MSG_SETS_LEGEND,
	KF_MSG_SETS_HINT,
	KF_MSG_SET_REQUIRED,
	KF_MSG_SET_OPTIONAL,
	KF_MSG_SET_NEW,
	KF_MSG_SET_DATA,
	KF_MSG_SCOPE_LEGEND,
	KF_MSG_SCOPE_HINT,
	KF_MSG_SCOPE_ALL,
	KF_MSG_SCOPE_SOME,
	KF_MSG_SCOPE_MEMBERS,
	KF_MSG_SCOPE_MEMBERS_HINT,
	KF_MSG_CONFIRM,
	KF_MSG_CANCEL,
	KF_MSG_REVOKE_NOTE,
	KF_MSG_REVOKE_LINK,     /* the link after the note: /console/hosts */
	KF_MSG_FORGOT_PASSWORD,   /* link on the sign-in form */
	KF_MSG_NOT_YOU,           /* "Not you?" before the switch button */
	KF_MSG_SWITCH_ACCOUNT,
	KF_MSG_LISTED_AS,         /* label of the released listing's name */
	KF_MSG_ACCOUNT_NOT_ON_TEST_LIST, /* why an account is disabled (AUTH-4) */
	KF_MSG_ACCOUNT_SELF_USE,         /* (APP-10) */
	KF_MSG_ACCOUNT_APP_UNAVAILABLE,  /* (AUTH-5) */
	KF_MSG_NO_ACCOUNT_AVAILABLE,     /* none of the accounts can authorize */

	/* Refusal page: title, then why and what to do for each reason */
	KF_MSG_REFUSED_TITLE,
	KF_MSG_WHY_NOT_ON_ALLOWLIST,
	KF_MSG_NEXT_NOT_ON_ALLOWLIST,
	KF_MSG_WHY_SELF_USE,
	KF_MSG_NEXT_SELF_USE,
	KF_MSG_WHY_APP_UNAVAILABLE,
	KF_MSG_NEXT_APP_UNAVAILABLE,
	KF_MSG_WHY_WRONG_REFERER,
	KF_MSG_NEXT_WRONG_REFERER,
	KF_MSG_WHY_CODE_INVALID,
	KF_MSG_NEXT_CODE_INVALID,
	KF_MSG_WHY_UNKNOWN_APP,
	KF_MSG_NEXT_UNKNOWN_APP,
	KF_MSG_WHY_BAD_STATE,
	KF_MSG_NEXT_BAD_STATE,
	KF_MSG_WHY_KIND_NOT_ACCEPTED,
	KF_MSG_NEXT_KIND_NOT_ACCEPTED,
	KF_MSG_WHY_BAD_REDIRECT,
	KF_MSG_NEXT_BAD_REDIRECT,
	KF_MSG_WHY_NOT_ACCOUNT_ADMIN,
	KF_MSG_NEXT_NOT_ACCOUNT_ADMIN,
	KF_MSG_WHY_BAD_DECISION,
	KF_MSG_NEXT_BAD_DECISION,
	KF_MSG_WHY_WITHDRAWN,
	KF_MSG_NEXT_WITHDRAWN,
	KF_MSG_WHY_NEW_AUTH_CLOSED,
	KF_MSG_NEXT_NEW_AUTH_CLOSED,
	KF_MSG_WHY_NOT_IN_MARKET,
	KF_MSG_NEXT_NOT_IN_MARKET,

	/* Result page */
	KF_MSG_DONE_TITLE,
	KF_MSG_DONE_BODY,
	KF_MSG_CANCELLED_TITLE,
	KF_MSG_CANCELLED_BODY,
	KF_MSG_CLOSE_WINDOW,
	KF_MSG_CONTINUE,

	/* Host account kinds known to the default configuration */
	KF_MSG_KIND_MINI_PROGRAM,
	KF_MSG_KIND_ENTERPRISE,
	KF_MSG_KIND_SHOP,

	KF_MSG__COUNT
};

/*
 * The language for an Accept-Language header (RFC 9110 §12.5.4). Each
 * language range may carry a q-value; q=0 means "not acceptable" and
 * malformed q-values make the range ignored. A range whose primary subtag is
 * "zh" (zh, zh-CN, zh-Hans-CN, zh-TW, …; case-insensitive, but not "zha")
 * counts for Chinese, "en…" for English, "*" for either language that the
 * header does not name explicitly. The language with the higher q wins, a
 * tie goes to the one named first, and English is the answer when neither
 * is acceptable or header is NULL, empty or unparsable. Reads at most the
 * first 4096 bytes; no allocation.
 */
enum kf_lang kf_lang_from_accept(const char *header);

/* The BCP 47 tag for <html lang>: "zh-CN" or "en" (static). */
const char *kf_lang_tag(enum kf_lang lang);

/* The text of msg in lang: a static, non-empty UTF-8 string. An out-of-range
 * lang counts as English; an out-of-range msg gives "". */
const char *kf_t(enum kf_lang lang, enum kf_msg msg);

/* The label of a host account kind known to the default configuration
 * ("mini_program", "enterprise", "shop"), or NULL for any other kind (the
 * caller then shows its own label or the kind itself). Static string. */
const char *kf_i18n_kind_label(enum kf_lang lang, const char *kind);

#endif

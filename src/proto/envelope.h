/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flat XML documents of the third-party-platform protocol (PROTOCOL.md
 * §6–§7): `<xml><Name>value</Name>…</xml>`, used for the encrypted push
 * envelope, the passive reply and the decrypted event payloads.
 *
 * Built and parsed with libxml2. The parser is for untrusted input: no
 * network access, no entity substitution, no DTD loading, any DOCTYPE is
 * refused (which shuts out entity-expansion attacks such as "billion laughs"
 * before a single declaration is read), at most KF_ENVELOPE_MAX_SIZE bytes,
 * at most two element levels (the root and its fields) and
 * KF_ENVELOPE_MAX_FIELDS fields. The input is always read as UTF-8.
 *
 * Thread-safe once kf_envelope_global_init has run (it is also run, once, by
 * the first build or parse; calling it at start-up keeps that off the hot
 * path). Nothing here keeps state between calls.
 *
 * Errors fill struct kf_error (name in quotes):
 *   KF_ELIMIT "envelope_too_large" (status 413)
 *   KF_EINVAL "malformed_xml", "doctype_forbidden", "envelope_too_deep",
 *             "not_an_envelope" (root is not <xml>, or text outside the
 *             fields), "too_many_fields", "invalid_field_name",
 *             "invalid_xml_char" (builder: a value that is not UTF-8 or holds
 *             a character XML cannot carry)
 *   KF_EINTERNAL "xml_error" (libxml2 failed to write)
 */
#ifndef KF_PROTO_ENVELOPE_H
#define KF_PROTO_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KF_ENVELOPE_MAX_SIZE (1u << 20) /* bytes of XML text the parser accepts */
#define KF_ENVELOPE_MAX_FIELDS 256
#define KF_ENVELOPE_MAX_NAME 64 /* bytes of a field name */

/* One field. For the builder: write value as CDATA (cdata) or as escaped
 * text. From the parser: the value contained a CDATA section. */
struct kf_envelope_field {
	const char *name;
	const char *value;
	bool cdata;
};

/* A parsed document. Fields in document order; duplicates are kept. All
 * strings point into storage owned by the struct and stay valid until
 * kf_envelope_clear. */
struct kf_envelope {
	struct kf_envelope_field *fields;
	size_t n;
	char *store; /* private */
};

/* Initialise libxml2 once for the process (idempotent, thread-safe). */
void kf_envelope_global_init(void);

/*
 * `<xml><name1>value1</name1>…</xml>` without an XML declaration or
 * whitespace, as the platform sends it. Names must match
 * [A-Za-z_][A-Za-z0-9_.-]* (at most KF_ENVELOPE_MAX_NAME bytes); values must be
 * UTF-8 XML text (no C0 controls other than tab, LF and CR; NULL counts as
 * ""). A CDATA value containing "]]>" is split over two CDATA sections, and a
 * CR is written as the reference &#13; outside CDATA, so the parser returns
 * every value byte for byte.
 * On success *out is a malloc'd NUL-terminated string the caller frees and
 * *out_len (may be NULL) its length.
 * Errors: KF_EINVAL "invalid_field_name", "invalid_xml_char",
 * "too_many_fields"; KF_EINTERNAL "xml_error".
 */
enum kf_err kf_envelope_build(const struct kf_envelope_field *fields, size_t n, char **out, size_t *out_len,
			      struct kf_error *err) KF_MUST_CHECK;

/*
 * Parse xml[0..len) into *env (caller's storage; on success release with
 * kf_envelope_clear, on error it is left empty and needs no clear). The root
 * must be <xml>; every child element is a field whose value is its text and
 * CDATA content; comments and processing instructions are skipped, as is
 * whitespace between fields; attributes are ignored.
 * Errors: see the top of this file.
 */
enum kf_err kf_envelope_parse(const char *xml, size_t len, struct kf_envelope *env,
			      struct kf_error *err) KF_MUST_CHECK;

void kf_envelope_clear(struct kf_envelope *env);

/* Value of the first field called name, or NULL. Borrowed from env. */
const char *kf_envelope_get(const struct kf_envelope *env, const char *name);

/*
 * The encrypted push body: `<xml><ID_NAME><![CDATA[id]]></ID_NAME>
 * <Encrypt><![CDATA[encrypt]]></Encrypt></xml>` with id_name "AppId" for
 * pushes to the authorization receive URL (§6) and "ToUserName" for message
 * and event pushes (§7). Ownership and errors as kf_envelope_build.
 */
enum kf_err kf_envelope_build_encrypted(const char *id_name, const char *id, const char *encrypt, char **out,
					struct kf_error *err) KF_MUST_CHECK;

/* The encrypted passive reply of §7: Encrypt, MsgSignature, TimeStamp,
 * Nonce. Ownership and errors as kf_envelope_build. */
enum kf_err kf_envelope_build_reply(const char *encrypt, const char *msg_signature, const char *timestamp,
				    const char *nonce, char **out, struct kf_error *err) KF_MUST_CHECK;

/* The plaintext of a ticket push (§6): AppId, CreateTime, InfoType
 * component_verify_ticket, ComponentVerifyTicket. Ownership and errors as
 * kf_envelope_build. */
enum kf_err kf_envelope_build_ticket(const char *appid, int64_t create_time, const char *ticket, char **out,
				     struct kf_error *err) KF_MUST_CHECK;

/* An authorization event (§6). */
struct kf_envelope_auth_event {
	const char *info_type;        /* "authorized", "updateauthorized" or "unauthorized" */
	const char *appid;            /* the component (app) id */
	int64_t create_time;          /* unix seconds */
	const char *authorizer_appid;
	/* authorized and updateauthorized only (ignored for unauthorized): */
	const char *authorization_code;
	int64_t code_expired_time;    /* absolute unix time */
	const char *pre_auth_code;
};

/* The plaintext of an authorization event: AppId, CreateTime, InfoType,
 * AuthorizerAppid, then AuthorizationCode, AuthorizationCodeExpiredTime and
 * PreAuthCode unless info_type is "unauthorized". Ownership and errors as
 * kf_envelope_build; an unknown info_type is KF_EINVAL "invalid_info_type". */
enum kf_err kf_envelope_build_auth_event(const struct kf_envelope_auth_event *ev, char **out,
					 struct kf_error *err) KF_MUST_CHECK;

#endif

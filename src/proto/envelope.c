/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flat XML envelopes of the third-party-platform protocol, with libxml2.
 *
 * Invariants of the parser: the input size is checked before libxml2 sees
 * it; the parser context is private to the call (libxml2 is thread-safe
 * that way once xmlInitParser has run); SAX hooks on that context stop the
 * parse at the first DOCTYPE (before its internal subset is read, so no
 * entity is ever declared), at the first element deeper than a field and at
 * the first field beyond KF_ENVELOPE_MAX_FIELDS, so a hostile document never
 * grows a tree. Entities are never substituted (no XML_PARSE_NOENT), DTDs
 * never loaded (no XML_PARSE_DTDLOAD) and the network never used
 * (XML_PARSE_NONET).
 *
 * The builder validates names and values itself, because xmlTextWriter
 * writes whatever bytes it is given.
 */
#include "proto/envelope.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

#include "util/mem.h"

#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

void kf_envelope_global_init(void)
{
	pthread_once(&xml_once, xml_init);
}

/* ---- building ---- */

static bool valid_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > KF_ENVELOPE_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool alpha = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
		bool other = (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
		if (!alpha && (i == 0 || !other))
			return false;
	}
	return true;
}

/* Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF)
 * holding only XML 1.0 characters. Returns the offset of the first bad byte,
 * or n when all is well. */
static size_t xml_text_check(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return i;
			i++;
			continue;
		}
		size_t k;
		uint32_t cp;
		if (c >= 0xC2 && c <= 0xDF) {
			k = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (n - i <= k)
			return i;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
			return i;
		i += k + 1;
	}
	return n;
}

/* Write s[from..to) as one CDATA section (s is a private copy we may
 * terminate temporarily). */
static bool write_cdata_part(xmlTextWriterPtr w, char *s, size_t from, size_t to)
{
	char save = s[to];
	s[to] = '\0';
	bool ok = xmlTextWriterWriteCDATA(w, (const xmlChar *)(s + from)) >= 0;
	s[to] = save;
	return ok;
}

/* A CDATA value: "]]>" cannot appear inside a section, so the section ends
 * after "]]" and the next one starts with ">"; a CR would be turned into LF
 * by every parser (line-end normalisation applies inside CDATA too), so it
 * goes outside as the character reference &#13;. */
static bool write_cdata_value(xmlTextWriterPtr w, const char *value)
{
	size_t n = strlen(value);
	if (n == 0)
		return xmlTextWriterWriteCDATA(w, (const xmlChar *)"") >= 0;
	char *s = kf_xstrdup(value);
	bool ok = true;
	size_t from = 0, i = 0;
	while (ok && i < n) {
		if (s[i] == '\r') {
			if (i > from)
				ok = write_cdata_part(w, s, from, i);
			ok = ok && xmlTextWriterWriteString(w, (const xmlChar *)"\r") >= 0;
			from = ++i;
		} else if (s[i] == ']' && s[i + 1] == ']' && s[i + 2] == '>') {
			ok = write_cdata_part(w, s, from, i + 2);
			from = i += 2;
		} else {
			i++;
		}
	}
	if (ok && i > from)
		ok = write_cdata_part(w, s, from, i);
	free(s);
	return ok;
}

enum kf_err kf_envelope_build(const struct kf_envelope_field *fields, size_t n, char **out, size_t *out_len,
			      struct kf_error *err)
{
	*out = NULL;
	if (out_len)
		*out_len = 0;
	if (n > KF_ENVELOPE_MAX_FIELDS)
		return kf_error_set(err, KF_EINVAL, "too_many_fields", NULL, NULL, "an envelope holds at most %d fields",
				    KF_ENVELOPE_MAX_FIELDS);
	for (size_t i = 0; i < n; i++) {
		if (!valid_name(fields[i].name))
			return kf_error_set(err, KF_EINVAL, "invalid_field_name", NULL, NULL,
					    "field %zu: '%.64s' is not a valid element name", i,
					    fields[i].name ? fields[i].name : "(null)");
		const char *v = fields[i].value ? fields[i].value : "";
		size_t len = strlen(v), bad = xml_text_check((const unsigned char *)v, len);
		if (bad != len)
			return kf_error_set(err, KF_EINVAL, "invalid_xml_char", NULL, NULL,
					    "field %s: byte %zu is not valid UTF-8 XML text", fields[i].name, bad);
	}
	kf_envelope_global_init();
	enum kf_err rc = KF_OK;
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	bool ok = w && xmlTextWriterStartElement(w, (const xmlChar *)"xml") >= 0;
	for (size_t i = 0; ok && i < n; i++) {
		const char *v = fields[i].value ? fields[i].value : "";
		ok = xmlTextWriterStartElement(w, (const xmlChar *)fields[i].name) >= 0;
		if (ok && fields[i].cdata)
			ok = write_cdata_value(w, v);
		else if (ok && *v)
			ok = xmlTextWriterWriteString(w, (const xmlChar *)v) >= 0;
		/* <Name></Name>, never <Name/>: some SDKs match tags textually. */
		ok = ok && xmlTextWriterFullEndElement(w) >= 0;
	}
	ok = ok && xmlTextWriterEndElement(w) >= 0 && xmlTextWriterFlush(w) >= 0;
	if (w)
		xmlFreeTextWriter(w); /* before reading buf: it flushes */
	if (!ok) {
		rc = kf_error_set(err, KF_EINTERNAL, "xml_error", NULL, NULL, "libxml2 could not write the envelope");
	} else {
		size_t len = (size_t)xmlBufferLength(buf);
		*out = kf_xstrndup((const char *)xmlBufferContent(buf), len);
		if (out_len)
			*out_len = len;
	}
	if (buf)
		xmlBufferFree(buf);
	return rc;
}

enum kf_err kf_envelope_build_encrypted(const char *id_name, const char *id, const char *encrypt, char **out,
					struct kf_error *err)
{
	struct kf_envelope_field f[] = {
		{id_name, id, true},
		{"Encrypt", encrypt, true},
	};
	return kf_envelope_build(f, 2, out, NULL, err);
}

enum kf_err kf_envelope_build_reply(const char *encrypt, const char *msg_signature, const char *timestamp,
				    const char *nonce, char **out, struct kf_error *err)
{
	struct kf_envelope_field f[] = {
		{"Encrypt", encrypt, true},
		{"MsgSignature", msg_signature, true},
		{"TimeStamp", timestamp, false},
		{"Nonce", nonce, true},
	};
	return kf_envelope_build(f, 4, out, NULL, err);
}

enum kf_err kf_envelope_build_ticket(const char *appid, int64_t create_time, const char *ticket, char **out,
				     struct kf_error *err)
{
	char ts[24];
	snprintf(ts, sizeof(ts), "%" PRId64, create_time);
	struct kf_envelope_field f[] = {
		{"AppId", appid, true},
		{"CreateTime", ts, false},
		{"InfoType", "component_verify_ticket", true},
		{"ComponentVerifyTicket", ticket, true},
	};
	return kf_envelope_build(f, 4, out, NULL, err);
}

enum kf_err kf_envelope_build_auth_event(const struct kf_envelope_auth_event *ev, char **out,
					 struct kf_error *err)
{
	*out = NULL;
	const char *t = ev->info_type ? ev->info_type : "";
	bool revoke = !strcmp(t, "unauthorized");
	if (!revoke && strcmp(t, "authorized") && strcmp(t, "updateauthorized"))
		return kf_error_set(err, KF_EINVAL, "invalid_info_type", NULL, "InfoType",
				    "'%.64s' is not an authorization event", t);
	char ts[24], exp[24];
	snprintf(ts, sizeof(ts), "%" PRId64, ev->create_time);
	snprintf(exp, sizeof(exp), "%" PRId64, ev->code_expired_time);
	struct kf_envelope_field f[] = {
		{"AppId", ev->appid, true},
		{"CreateTime", ts, false},
		{"InfoType", t, true},
		{"AuthorizerAppid", ev->authorizer_appid, true},
		{"AuthorizationCode", ev->authorization_code, true},
		{"AuthorizationCodeExpiredTime", exp, false},
		{"PreAuthCode", ev->pre_auth_code, true},
	};
	return kf_envelope_build(f, revoke ? 4 : 7, out, NULL, err);
}

/* ---- parsing ---- */

struct parse_state {
	int depth;
	size_t fields;
	bool doctype, too_deep, too_many;
	startElementNsSAX2Func start;
	endElementNsSAX2Func end;
};

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
	(void)name;
	(void)external_id;
	(void)system_id;
	xmlParserCtxtPtr p = ctx;
	struct parse_state *st = p->_private;
	st->doctype = true;
	xmlStopParser(p);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri, int nb_ns,
		     const xmlChar **ns, int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
	xmlParserCtxtPtr p = ctx;
	struct parse_state *st = p->_private;
	if (++st->depth > 2) {
		st->too_deep = true;
		xmlStopParser(p);
		return;
	}
	if (st->depth == 2 && ++st->fields > KF_ENVELOPE_MAX_FIELDS) {
		st->too_many = true;
		xmlStopParser(p);
		return;
	}
	st->start(ctx, localname, prefix, uri, nb_ns, ns, nb_attrs, nb_defaulted, attrs);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr p = ctx;
	struct parse_state *st = p->_private;
	st->depth--;
	st->end(ctx, localname, prefix, uri);
}

static bool blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* Text of a field element into dst (when not NULL); returns its length, or
 * (size_t)-1 for content a field may not have. */
static size_t field_text(const xmlNode *el, char *dst, bool *cdata)
{
	size_t n = 0;
	for (const xmlNode *c = el->children; c; c = c->next) {
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
			continue;
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			return (size_t)-1;
		if (c->type == XML_CDATA_SECTION_NODE)
			*cdata = true;
		size_t k = c->content ? strlen((const char *)c->content) : 0;
		if (dst && k)
			memcpy(dst + n, c->content, k);
		n += k;
	}
	return n;
}

static enum kf_err collect(const xmlDoc *doc, struct kf_envelope *env, struct kf_error *err)
{
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "xml"))
		return kf_error_set(err, KF_EINVAL, "not_an_envelope", NULL, NULL, "the root element is not <xml>");
	size_t nfields = 0, bytes = 0;
	for (const xmlNode *c = root->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			bool cd = false;
			size_t k = field_text(c, NULL, &cd);
			if (k == (size_t)-1)
				return kf_error_set(err, KF_EINVAL, "not_an_envelope", NULL, NULL,
						    "field <%.64s> holds something other than text", (const char *)c->name);
			nfields++;
			bytes += strlen((const char *)c->name) + 1 + k + 1;
		} else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && !blank(c->content)) {
			return kf_error_set(err, KF_EINVAL, "not_an_envelope", NULL, NULL,
					    "text outside the fields of the envelope");
		} else if (c->type == XML_ENTITY_REF_NODE) {
			return kf_error_set(err, KF_EINVAL, "not_an_envelope", NULL, NULL, "entity reference in the envelope");
		}
	}
	env->fields = kf_xcalloc(nfields ? nfields : 1, sizeof(*env->fields));
	env->store = kf_xmalloc(bytes ? bytes : 1);
	char *p = env->store;
	for (const xmlNode *c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		struct kf_envelope_field *f = &env->fields[env->n++];
		size_t k = strlen((const char *)c->name);
		memcpy(p, c->name, k + 1);
		f->name = p;
		p += k + 1;
		bool cd = false;
		k = field_text(c, p, &cd);
		p[k] = '\0';
		f->value = p;
		f->cdata = cd;
		p += k + 1;
	}
	return KF_OK;
}

enum kf_err kf_envelope_parse(const char *xml, size_t len, struct kf_envelope *env, struct kf_error *err)
{
	memset(env, 0, sizeof(*env));
	if (len > KF_ENVELOPE_MAX_SIZE) {
		kf_error_set(err, KF_ELIMIT, "envelope_too_large", NULL, NULL, "the XML document exceeds %u bytes",
			     KF_ENVELOPE_MAX_SIZE);
		if (err)
			err->status = 413;
		return KF_ELIMIT;
	}
	if (!xml || len == 0)
		return kf_error_set(err, KF_EINVAL, "malformed_xml", NULL, NULL, "empty XML document");
	kf_envelope_global_init();
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return kf_error_set(err, KF_EINTERNAL, "xml_error", NULL, NULL, "libxml2 could not create a parser");
	struct parse_state st = {.start = ctxt->sax->startElementNs, .end = ctxt->sax->endElementNs};
	ctxt->_private = &st;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->externalSubset = on_doctype;
	ctxt->sax->startElementNs = on_start;
	ctxt->sax->endElementNs = on_end;
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, "UTF-8", PARSE_OPTIONS);
	enum kf_err rc;
	if (st.doctype) {
		rc = kf_error_set(err, KF_EINVAL, "doctype_forbidden", NULL, NULL,
				  "document type declarations (and so entities) are not allowed");
	} else if (st.too_deep) {
		rc = kf_error_set(err, KF_EINVAL, "envelope_too_deep", NULL, NULL,
				  "the envelope is flat: elements nested in a field are not allowed");
	} else if (st.too_many) {
		rc = kf_error_set(err, KF_EINVAL, "too_many_fields", NULL, NULL, "an envelope holds at most %d fields",
				  KF_ENVELOPE_MAX_FIELDS);
	} else if (!doc || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[160] = "not well-formed";
		if (e && e->message) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			size_t k = strlen(msg);
			while (k > 0 && (msg[k - 1] == '\n' || msg[k - 1] == ' '))
				msg[--k] = '\0';
		}
		rc = kf_error_set(err, KF_EINVAL, "malformed_xml", NULL, NULL, "malformed XML (line %d): %s",
				  e ? e->line : 0, msg);
	} else {
		rc = collect(doc, env, err);
	}
	if (doc)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	if (rc != KF_OK)
		kf_envelope_clear(env);
	return rc;
}

void kf_envelope_clear(struct kf_envelope *env)
{
	if (!env)
		return;
	free(env->fields);
	free(env->store);
	memset(env, 0, sizeof(*env));
}

const char *kf_envelope_get(const struct kf_envelope *env, const char *name)
{
	for (size_t i = 0; i < env->n; i++)
		if (!strcmp(env->fields[i].name, name))
			return env->fields[i].value;
	return NULL;
}

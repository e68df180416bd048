/* SPDX-License-Identifier: Apache-2.0 */
/* Request accessors and reply helpers; the only place that turns a
 * struct kf_error into an HTTP status and the native error body. */
#include "http/request.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/validate.h"
#include "http/form.h"
#include "ctx.h"
#include "util/mem.h"

const char *kf_req_param(struct kf_req *r, const char *name)
{
	for (int i = 0; i < r->n_params; i++)
		if (!strcmp(r->param_names[i], name))
			return r->param_values[i];
	return NULL;
}

int64_t kf_req_param_id(struct kf_req *r, const char *name)
{
	const char *v = kf_req_param(r, name);
	if (!v || !*v || strlen(v) > 18 || strspn(v, "0123456789") != strlen(v))
		return 0;
	return strtoll(v, NULL, 10);
}

const char *kf_req_query(struct kf_req *r, const char *name)
{
	if (r->inner)
		return r->query_over ? kf_form_get(r->query_over, name) : NULL;
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

const char *kf_req_query_text(struct kf_req *r, const char *name, bool *has_nul)
{
	const char *v = NULL;
	size_t len = 0;
	*has_nul = false;
	if (r->inner)
		return r->query_over ? kf_form_get(r->query_over, name) : NULL;
	if (!r->conn || MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v, &len) != MHD_YES)
		return NULL;
	*has_nul = v && strlen(v) != len;
	return v;
}

/* Headers that describe the browser's own request (its body, its
 * credentials, its retry key) do not carry over to an inner call. */
static bool request_bound(const char *name)
{
	static const char *const bound[] = {"Content-Type", "Content-Length", "Idempotency-Key", "Authorization",
					    "If-Match", "If-None-Match"};
	for (size_t i = 0; i < sizeof(bound) / sizeof(bound[0]); i++)
		if (!strcasecmp(bound[i], name))
			return true;
	return false;
}

const char *kf_req_header(struct kf_req *r, const char *name)
{
	if (r->inner) {
		for (int i = 0; i < r->n_over; i++)
			if (!strcasecmp(r->over_names[i], name))
				return r->over_values[i];
		if (request_bound(name))
			return NULL;
	}
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *kf_req_cookie(struct kf_req *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name) : NULL;
}

void kf_req_defer(struct kf_req *r, void (*fn)(struct kf_req *r, void *arg), void *arg)
{
	kf_req_defer_or(r, fn, NULL, arg);
}

void kf_req_defer_or(struct kf_req *r, void (*fn)(struct kf_req *r, void *arg),
		     void (*refused)(struct kf_req *r, void *arg), void *arg)
{
	r->defer_fn = fn;
	r->defer_refused = refused;
	r->defer_arg = arg;
}

void kf_reply_header(struct kf_req *r, const char *name, const char *value)
{
	if (r->n_hdrs >= KF_MAX_HEADERS)
		return;
	r->hdr_names[r->n_hdrs] = kf_arena_strdup(r->arena, name);
	r->hdr_values[r->n_hdrs] = kf_arena_strdup(r->arena, value);
	r->n_hdrs++;
}

void kf_reply_raw(struct kf_req *r, int status, const char *type, const void *body, size_t len)
{
	r->status = status;
	r->resp_type = type;
	r->resp_body = kf_arena_alloc(r->arena, len + 1);
	memcpy(r->resp_body, body, len);
	r->resp_body[len] = '\0';
	r->resp_len = len;
}

void kf_reply_json(struct kf_req *r, int status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	if (!s) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "cannot encode response");
		return;
	}
	kf_reply_raw(r, status, "application/json", s, strlen(s));
	free(s);
}

void kf_reply_error(struct kf_req *r, const struct kf_error *err)
{
	kf_reply_error_with(r, err, NULL);
}

void kf_reply_error_with(struct kf_req *r, const struct kf_error *err, json_t *extra)
{
	int status = err->status ? err->status : kf_err_status(err->code);
	/* a message may quote the client's bytes (jansson's "near '…'") or be
	 * cut mid-character by its fixed size; JSON needs it well-formed */
	char msg[sizeof(err->msg)];
	memcpy(msg, err->msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	kf_utf8_scrub(msg);
	json_t *e = json_pack("{s:s, s:s}", "code", err->name ? err->name : "error", "message", msg);
	if (err->rule)
		json_object_set_new(e, "rule", json_string(err->rule));
	if (err->field)
		json_object_set_new(e, "field", json_string(err->field));
	json_object_set_new(e, "request_id", json_string(r->id));
	json_t *o = extra && json_is_object(extra) ? extra : json_object();
	if (o != extra)
		json_decref(extra);
	json_object_set_new(o, "error", e);
	kf_reply_json(r, status, o);
}

void kf_reply_fail(struct kf_req *r, enum kf_err code, const char *name, const char *rule,
		   const char *field, const char *fmt, ...)
{
	struct kf_error err = {.code = code, .name = name, .rule = rule, .field = field};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	kf_reply_error(r, &err);
}

static void json_free_deferred(void *p)
{
	json_decref(p);
}

json_t *kf_req_json(struct kf_req *r)
{
	if (!r->body || !r->body_len) {
		kf_reply_fail(r, KF_EINVAL, "invalid_json", NULL, NULL, "request body must be a JSON object");
		return NULL;
	}
	json_error_t e;
	json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		kf_reply_fail(r, KF_EINVAL, "invalid_json", NULL, NULL, "line %d column %d: %s", e.line,
			      e.column, e.text);
		return NULL;
	}
	kf_arena_defer(r->arena, json_free_deferred, j);
	if (!json_is_object(j)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_json", NULL, NULL, "request body must be a JSON object");
		return NULL;
	}
	return j;
}

static const char *type_name(enum kf_ftype t)
{
	switch (t) {
	case KF_F_STRING: return "a string";
	case KF_F_INT: return "an integer";
	case KF_F_BOOL: return "a boolean";
	case KF_F_ARRAY: return "an array";
	case KF_F_OBJECT: return "an object";
	case KF_F_ANY: return "a value";
	}
	return "a value";
}

static bool type_ok(json_t *v, enum kf_ftype t)
{
	switch (t) {
	case KF_F_STRING: return json_is_string(v);
	case KF_F_INT: return json_is_integer(v);
	case KF_F_BOOL: return json_is_boolean(v);
	case KF_F_ARRAY: return json_is_array(v);
	case KF_F_OBJECT: return json_is_object(v);
	case KF_F_ANY: return true;
	}
	return false;
}

bool kf_req_check(struct kf_req *r, json_t *obj, const struct kf_field *fields, size_t n)
{
	return kf_req_check_in(r, obj, NULL, fields, n);
}

/* The field path for errors: the name, or "prefix.name" in the arena. */
static const char *path_of(struct kf_req *r, const char *prefix, const char *name)
{
	return prefix ? kf_arena_printf(r->arena, "%s.%s", prefix, name) : name;
}

bool kf_req_check_in(struct kf_req *r, json_t *obj, const char *prefix, const struct kf_field *fields, size_t n)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		size_t i;
		for (i = 0; i < n; i++)
			if (!strcmp(fields[i].name, key))
				break;
		if (i == n) {
			struct kf_error err;
			const char *fp = path_of(r, prefix, key);
			kf_error_set(&err, KF_EINVAL, "unknown_field", NULL, NULL, "unknown field '%.100s'", fp);
			/* the field name is not static; keep a copy in the arena */
			err.field = kf_arena_strdup(r->arena, fp);
			kf_reply_error(r, &err);
			return false;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct kf_field *f = &fields[i];
		const char *fp = path_of(r, prefix, f->name);
		v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required) {
				kf_reply_fail(r, KF_EINVAL, "missing_field", f->rule, fp, "%s is required", fp);
				return false;
			}
			continue;
		}
		if (!type_ok(v, f->type)) {
			kf_reply_fail(r, KF_EINVAL, "invalid_type", f->rule, fp, "%s must be %s", fp, type_name(f->type));
			return false;
		}
		if (f->type == KF_F_STRING) {
			if (f->required && json_string_length(v) == 0) {
				kf_reply_fail(r, KF_EINVAL, "missing_field", f->rule, fp, "%s must not be empty", fp);
				return false;
			}
			if (f->max && json_string_length(v) > f->max) {
				kf_reply_fail(r, KF_EINVAL, "too_long", f->rule, fp, "%s is longer than %zu bytes", fp, f->max);
				return false;
			}
			if (strlen(json_string_value(v)) != json_string_length(v)) {
				kf_reply_fail(r, KF_EINVAL, "invalid_value", f->rule, fp, "%s must not contain NUL characters", fp);
				return false;
			}
		}
		if (f->type == KF_F_ARRAY && f->max && json_array_size(v) > f->max) {
			kf_reply_fail(r, KF_EINVAL, "too_many_items", f->rule, fp, "%s has more than %zu items", fp, f->max);
			return false;
		}
	}
	return true;
}

const char *kf_json_str(json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

struct mp_state {
	struct kf_arena *arena;
	struct kf_form *f;
	char *buf[KF_FORM_MAX_FIELDS]; /* the writable values being filled */
	size_t cap[KF_FORM_MAX_FIELDS];
	bool bad;
};

static enum MHD_Result mp_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
			       const char *content_type, const char *transfer_encoding, const char *data,
			       uint64_t off, size_t size)
{
	(void)kind;
	(void)transfer_encoding;
	struct mp_state *st = cls;
	struct kf_form *f = st->f;
	size_t i;
	if (off > 0 && f->n && !strcmp(f->names[f->n - 1], key)) {
		i = f->n - 1;
	} else {
		if (f->n == KF_FORM_MAX_FIELDS) {
			st->bad = true;
			return MHD_NO;
		}
		i = f->n++;
		f->names[i] = kf_arena_strdup(st->arena, key);
		f->filenames[i] = filename ? kf_arena_strdup(st->arena, filename) : NULL;
		f->types[i] = content_type ? kf_arena_strdup(st->arena, content_type) : NULL;
		f->lens[i] = 0;
		st->cap[i] = 0;
		st->buf[i] = kf_arena_strdup(st->arena, "");
		f->values[i] = st->buf[i];
	}
	if (size) {
		size_t need = f->lens[i] + size + 1;
		if (need > st->cap[i]) {
			size_t cap = need * 2;
			char *nb = kf_arena_alloc(st->arena, cap);
			memcpy(nb, st->buf[i], f->lens[i]);
			st->buf[i] = nb;
			f->values[i] = nb;
			st->cap[i] = cap;
		}
		char *v = st->buf[i];
		memcpy(v + f->lens[i], data, size);
		f->lens[i] += size;
		v[f->lens[i]] = '\0';
	}
	return MHD_YES;
}

int kf_req_multipart(struct kf_req *r, struct kf_form *f)
{
	f->n = 0;
	if (!r->conn || !r->body)
		return r->body ? -1 : 0;
	struct mp_state st = {.arena = r->arena, .f = f};
	struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, 64 * 1024, mp_part, &st);
	if (!pp)
		return -1;
	enum MHD_Result ok = MHD_post_process(pp, r->body, r->body_len);
	enum MHD_Result done = MHD_destroy_post_processor(pp);
	return ok == MHD_YES && done == MHD_YES && !st.bad ? 0 : -1;
}

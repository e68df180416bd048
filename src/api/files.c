/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Uploads: POST /v1/files with the raw bytes as the body and the type in
 * Content-Type. The declared type must match the content's signature; the
 * blob is stored by its SHA-256 before the row commits, so a row never
 * points at a missing file.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "core/upload.h"
#include "core/validate.h"
#include "ctx.h"
#include "http/request.h"
#include "store/db.h"
#include "store/files.h"
#include "util/crypto.h"
#include "util/mem.h"

static json_t *file_json(const struct kf_file_row *f)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)f->id, "sha256", f->sha256, "size",
			 (json_int_t)f->size, "content_type", f->content_type, "name", f->name);
}

static void api_files_upload(struct kf_req *r)
{
	const char *mime = NULL;
	struct kf_error err;
	if (kf_upload_sniff(kf_req_header(r, "Content-Type"), r->body, r->body_len, &mime, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	const char *name = kf_req_query(r, "name");
	if (!name || !*name)
		name = "upload";
	if (strlen(name) > 200 || !kf_validate_utf8(name, strlen(name)) || strpbrk(name, "/\\")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "name", "name must be a plain file name of at most 200 bytes");
		return;
	}
	struct kf_file_row f = {.size = (int64_t)r->body_len, .owner_user_id = r->user_id};
	kf_sha256_hex(r->body, r->body_len, f.sha256);
	snprintf(f.content_type, sizeof(f.content_type), "%s", mime);
	snprintf(f.name, sizeof(f.name), "%s", name);
	if (kf_files_write_blob(r->ctx->files_dir, f.sha256, r->body, r->body_len) != KF_OK) {
		kf_reply_fail(r, KF_EINTERNAL, "storage_error", NULL, NULL, "the file could not be stored");
		return;
	}
	if (!kf_api_begin(r))
		return;
	if (kf_store_file_insert(kf_req_db(r), &f, r->now, &f.id) != KF_OK ||
	    !kf_api_audit(r, "file.upload", kf_arena_printf(r->arena, "file:%s", f.sha256), name)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 201, file_json(&f));
}

static bool load_file(struct kf_req *r, struct kf_file_row *f)
{
	int64_t id = kf_req_param_id(r, "id");
	enum kf_err rc = id ? kf_store_file_get(kf_req_db(r), id, f) : KF_ENOTFOUND;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	if (rc != KF_OK || (f->owner_user_id != r->user_id && r->operator_role == KF_ROLE_NONE)) {
		kf_reply_fail(r, KF_ENOTFOUND, "file_not_found", NULL, "id", "no such file");
		return false;
	}
	return true;
}

static void api_files_get(struct kf_req *r)
{
	struct kf_file_row f;
	if (load_file(r, &f))
		kf_reply_json(r, 200, file_json(&f));
}

static void api_files_content(struct kf_req *r)
{
	struct kf_file_row f;
	if (!load_file(r, &f))
		return;
	kf_api_reply_file(r, &f);
}

const struct kf_route kf_api_files_routes[] = {
	{"POST", "/v1/files", api_files_upload, KF_AUTH_USER, KF_RF_UPLOAD | KF_RF_OWN_TX, "Upload a file (raw body)"},
	{"GET", "/v1/files/{id}", api_files_get, KF_AUTH_USER, 0, "File metadata"},
	{"GET", "/v1/files/{id}/content", api_files_content, KF_AUTH_USER, 0, "File content"},
};
const size_t kf_api_files_nroutes = sizeof(kf_api_files_routes) / sizeof(kf_api_files_routes[0]);

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The provider organisation's pages (section "orgs"): my providers, create
 * one, and one provider with its tabs — overview (state and what to do
 * next), qualification application with document upload (ONB-3/4),
 * certification and re-verification (ONB-6/7), members (ONB-1/11),
 * notices, profile (ONB-9) and cancellation (ONB-10).
 *
 * Every read and write goes through the providers API as the signed-in
 * person, so a member of another provider meets the API's 404 and the page
 * shows "not found" without saying more. An id in a path must be digits
 * before it is put into an API path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "console/console.h"
#include "ctx.h"
#include "util/mem.h"

#define MAX_DOCS 10

/* ------------------------------------------------------------- helpers */

static void json_release(void *p)
{
	json_decref(p);
}

static bool digits(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n < 19 && strspn(s, "0123456789") == n;
}

/* One provider as the signed-in person sees it, or NULL after showing the
 * 404 page (the API's 404/403: not theirs, or no such thing). */
struct org {
	const char *id;
	json_t *o;
	const char *name, *state, *role;
	bool owner;
};

static bool load_org(struct kf_con *c, struct org *g)
{
	memset(g, 0, sizeof(*g));
	g->id = kf_req_param(c->r, "id");
	g->o = digits(g->id) ? kf_con_get(c, "/v1/providers/%s", g->id) : NULL;
	if (!g->o) {
		kf_con_not_found(c);
		return false;
	}
	g->name = kf_con_str(c, g->o, "name");
	g->state = kf_con_str(c, g->o, "state");
	g->role = kf_con_str(c, g->o, "role");
	g->owner = g->role && !strcmp(g->role, "owner");
	return true;
}

/* A read whose refusal is not the page's error (a missing application, a
 * file another member uploaded): the refusal of the page's own write, if
 * any, is kept for its field. */
static json_t *quiet_get(struct kf_con *c, const char *path)
{
	bool had = c->has_err;
	struct kf_con_err saved = c->err;
	json_t *j = kf_con_get(c, "%s", path);
	c->has_err = had;
	c->err = saved;
	return j;
}

static bool is(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static const char *org_href(struct kf_con *c, const struct org *g, const char *tab)
{
	return kf_con_fmt(c, "/console/orgs/%s%s%s", g->id, tab ? "/" : "", tab ? tab : "");
}

enum tab { T_OVERVIEW, T_APPLICATION, T_CERT, T_MEMBERS, T_NOTICES, T_PROFILE, T_CANCEL };

/* Open an org's page: crumbs to the list, the org's name as title, tabs. */
static void open_org(struct kf_con *c, const struct org *g, enum tab cur, const char *title)
{
	c->section = "orgs";
	struct kf_page_link crumbs[] = {{"/console/orgs", CL(c, "Providers", "服务商"), false},
					{org_href(c, g, NULL), g->name, false}};
	kf_con_open(c, title ? title : g->name, crumbs, cur == T_OVERVIEW && !title ? 1 : 2);
	struct kf_page_link tabs[] = {
		{org_href(c, g, NULL), CL(c, "Overview", "概览"), cur == T_OVERVIEW},
		{org_href(c, g, "application"), CL(c, "Qualification", "资质审核"), cur == T_APPLICATION},
		{org_href(c, g, "certification"), CL(c, "Certification", "主体认证"), cur == T_CERT},
		{org_href(c, g, "members"), CL(c, "Members", "成员"), cur == T_MEMBERS},
		{org_href(c, g, "notices"), CL(c, "Notices", "通知"), cur == T_NOTICES},
		{org_href(c, g, "profile"), CL(c, "Profile", "资料"), cur == T_PROFILE},
		{org_href(c, g, "cancel"), CL(c, "Cancellation", "注销"), cur == T_CANCEL},
	};
	kf_con_tabs(c, tabs, sizeof(tabs) / sizeof(tabs[0]));
	kf_html_raw(&c->h, "<p class=\"state\">");
	kf_html_text(&c->h, CL(c, "State: ", "状态："));
	kf_page_badge(&c->h, c->lang, g->state);
	kf_html_raw(&c->h, "</p>");
}

static void owner_only(struct kf_con *c)
{
	kf_con_para(c, "muted", CL(c, "Only the owner of this provider can do this.", "只有该服务商的所有者可以进行此操作。"));
}

/* The latest notice of a kind about this provider (the reason of a
 * re-verification or a ban lives in its text), or NULL. */
static json_t *latest_notice(struct kf_con *c, const struct org *g, const char *kind)
{
	struct kf_form q = {0};
	kf_form_set(&q, "provider_id", g->id);
	kf_form_set(&q, "limit", "200");
	bool had = c->has_err;
	struct kf_con_err saved = c->err;
	json_t *l = kf_con_getq(c, &q, "/v1/inbox");
	c->has_err = had;
	c->err = saved;
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(l, "items"), i, m) if (is(kf_con_str(c, m, "kind"), kind)) return m;
	return NULL;
}

/* The reviewer's reasons of a rejection (REV-5): each with its field and
 * rule. */
static void reasons_list(struct kf_con *c, json_t *reasons)
{
	size_t i;
	json_t *v;
	kf_html_raw(&c->h, "<ul class=\"reasons\">");
	json_array_foreach(reasons, i, v) {
		kf_html_raw(&c->h, "<li>");
		const char *f = kf_con_str(c, v, "field");
		if (f) {
			kf_html_raw(&c->h, "<code>");
			kf_html_text(&c->h, f);
			kf_html_raw(&c->h, "</code>");
			kf_html_text(&c->h, CL(c, ": ", "："));
		}
		kf_html_text(&c->h, kf_con_str(c, v, "message"));
		const char *rule = kf_con_str(c, v, "rule");
		if (rule) {
			kf_html_raw(&c->h, " ");
			kf_page_rule(&c->h, rule);
		}
		kf_html_raw(&c->h, "</li>");
	}
	kf_html_raw(&c->h, "</ul>");
}

/* The reason of the first reason given for field, for the resubmission
 * form. */
static json_t *reason_for(json_t *reasons, const char *field)
{
	size_t i;
	json_t *v;
	json_array_foreach(reasons, i, v) if (is(json_string_value(json_object_get(v, "field")), field)) return v;
	return NULL;
}

/* ---------------------------------------------------------------- list */

static void orgs_list(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "orgs";
	struct kf_form q = {0};
	const char *after = kf_con_q(&c, "after");
	if (digits(after))
		kf_form_set(&q, "after", after);
	json_t *l = kf_con_getq(&c, &q, "/v1/providers");
	kf_con_open(&c, CL(&c, "My providers", "我的服务商"), NULL, 0);
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<div class=\"actions\">");
	kf_con_link(&c, "button primary", "/console/orgs/new", CL(&c, "Register a provider", "注册服务商"));
	kf_html_raw(h, "</div>");
	/* operators are answered every provider: this page lists the
	 * person's own (those with a role) */
	json_t *all = json_object_get(l, "items"), *items = json_array(), *p;
	size_t i;
	json_array_foreach(all, i, p) if (kf_con_str(&c, p, "role")) json_array_append(items, p);
	kf_arena_defer(r->arena, json_release, items);
	if (!json_array_size(items)) {
		if (l)
			kf_page_empty(h,
				      CL(&c, "You are not in any provider yet. Register your company (or yourself) as a "
					     "provider to create apps, or ask a provider's owner to add you.",
					 "你还不属于任何服务商。将公司（或个人）注册为服务商后即可创建应用，也可以请服务商的所有者添加你。"),
				      "/console/orgs/new", CL(&c, "Register a provider", "注册服务商"));
		kf_con_finish(&c);
		return;
	}
	kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Provider", "服务商"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "State", "状态"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "My role", "我的角色"));
	kf_html_raw(h, "</th><th scope=\"col\">ID</th></tr></thead><tbody>");
	json_array_foreach(items, i, p) {
		const char *id = kf_con_str(&c, p, "id");
		kf_html_raw(h, "<tr><td>");
		kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/orgs/%s", id ? id : ""), kf_con_str(&c, p, "name"));
		kf_html_raw(h, "</td><td>");
		kf_page_badge(h, c.lang, kf_con_str(&c, p, "state"));
		kf_html_raw(h, "</td><td>");
		const char *role = kf_con_str(&c, p, "role");
		kf_html_text(h, role ? kf_role_label(c.lang, role) : "—");
		kf_html_raw(h, "</td><td>");
		kf_page_id(h, c.lang, id);
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
	const char *next = kf_con_str(&c, l, "next_after");
	if (next) {
		kf_html_raw(h, "<p class=\"pager\">");
		kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/orgs?after=%s", next), CL(&c, "Next page", "下一页"));
		kf_html_raw(h, "</p>");
	}
	kf_con_finish(&c);
}

/* --------------------------------------------------------------- create */

static const char *const profile_keys[] = {"name", "contact_name", "contact_email", "contact_phone", "address"};
#define N_PROFILE (sizeof(profile_keys) / sizeof(profile_keys[0]))

static void profile_fields(struct kf_con *c, json_t *cur)
{
	struct kf_page_field f[] = {
		{.name = "name", .label = CL(c, "Provider name", "服务商名称"), .required = true,
		 .autocomplete = "organization",
		 .hint = CL(c, "How the platform and users see you; at least 2 characters.",
			    "平台和用户看到的名称，至少 2 个字符。")},
		{.name = "contact_name", .label = CL(c, "Contact person", "联系人"), .autocomplete = "name"},
		{.name = "contact_email", .label = CL(c, "Contact email", "联系邮箱"), .type = "email",
		 .autocomplete = "email"},
		{.name = "contact_phone", .label = CL(c, "Contact phone", "联系电话"), .type = "tel", .autocomplete = "tel"},
		{.name = "address", .label = CL(c, "Address", "联系地址"), .type = "textarea",
		 .autocomplete = "street-address"},
	};
	for (size_t i = 0; i < N_PROFILE; i++) {
		f[i].value = kf_con_str(c, cur, profile_keys[i]);
		kf_con_field(c, &f[i]);
	}
}

/* The profile fields posted, as the API's JSON; empty optional fields are
 * left out (the API keeps what it has; the name is always sent, so an
 * empty one is refused at its field). */
static json_t *profile_body(struct kf_con *c)
{
	json_t *b = json_object();
	for (size_t i = 0; i < N_PROFILE; i++) {
		const char *v = kf_con_val(c, profile_keys[i]);
		if (!v || (!*v && i))
			continue;
		json_object_set_new(b, profile_keys[i], json_string(v));
	}
	return b;
}

static void org_new(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "orgs";
	if (c.post) {
		json_t *b = profile_body(&c);
		json_t *ok = kf_con_send(&c, "POST", b, "/v1/providers");
		json_decref(b);
		const char *id = ok ? kf_con_str(&c, ok, "id") : NULL;
		if (id) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/orgs/%s?ok=created", id));
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	struct kf_page_link crumbs[] = {{"/console/orgs", CL(&c, "Providers", "服务商"), false}};
	kf_con_open(&c, CL(&c, "Register a provider", "注册服务商"), crumbs, 1);
	kf_con_para(&c, NULL,
	       CL(&c, "A provider is the company (or person) that publishes apps. You become its owner. Next you apply "
		      "for qualification with the business licence, and after approval and entity certification you "
		      "can create apps.",
		  "服务商是发布应用的公司（或个人），你将成为其所有者。接下来需要提交营业执照进行资质审核，审核通过并完成主体认证后即可创建应用。"));
	kf_con_form(&c, "/console/orgs/new", false);
	profile_fields(&c, NULL);
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Register", "注册"), NULL, NULL);
	kf_con_link(&c, NULL, "/console/orgs", CL(&c, "Cancel", "取消"));
	kf_html_raw(&c.h, "</div>");
	kf_page_form_close(&c.h);
	kf_con_finish(&c);
}

/* ------------------------------------------------------------- overview */

/* What the state means and what to do next (PAGES.md: within one
 * screen). app may be NULL (no application yet). */
static void next_step(struct kf_con *c, const struct org *g, json_t *app)
{
	struct kf_html *h = &c->h;
	const char *st = g->state;
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, CL(c, "What to do next", "下一步"));
	kf_html_raw(h, "</h2>");
	if (is(st, "draft")) {
		kf_con_para(c, NULL,
		       CL(c, "Apply for qualification: enter the legal entity name exactly as on the business licence and "
			     "upload the licence. A reviewer decides within a few working days.",
			  "申请资质审核：按营业执照填写主体名称并上传营业执照，审核人员将在几个工作日内处理。"));
		if (g->owner)
			kf_con_link(c, "button primary", org_href(c, g, "application"), CL(c, "Apply for qualification", "申请资质审核"));
		else
			owner_only(c);
	} else if (is(st, "qualification_review")) {
		kf_con_para(c, NULL, CL(c, "Your application is in review. We tell you by inbox and email when it is decided.",
				   "你的申请正在审核中。审核结果会通过站内信和邮件通知你。"));
		json_t *due = json_object_get(app, "due_at");
		if (json_is_integer(due)) {
			kf_html_raw(h, "<p>");
			kf_html_text(h, CL(c, "Review due by ", "审核截止时间："));
			kf_con_time(c, json_integer_value(due));
			kf_html_raw(h, "</p>");
		}
		kf_con_link(c, NULL, org_href(c, g, "application"), CL(c, "See the application", "查看申请"));
	} else if (is(st, "rejected")) {
		kf_con_para(c, NULL, CL(c, "The application was rejected. Fix what the reviewer names and submit it again:",
				   "申请已被驳回。请按审核意见修改后重新提交："));
		reasons_list(c, json_object_get(app, "reasons"));
		if (g->owner)
			kf_con_link(c, "button primary", org_href(c, g, "application"), CL(c, "Fix and resubmit", "修改并重新提交"));
		else
			owner_only(c);
	} else if (is(st, "certification")) {
		kf_con_para(c, NULL,
		       CL(c, "Qualification approved. Confirm the entity certification with the legal name of the "
			     "application; then you can create apps.",
			  "资质审核已通过。请使用申请中的主体名称完成主体认证，之后即可创建应用。"));
		if (g->owner)
			kf_con_link(c, "button primary", org_href(c, g, "certification"), CL(c, "Certify the entity", "进行主体认证"));
		else
			owner_only(c);
	} else if (is(st, "certified")) {
		kf_con_para(c, NULL, CL(c, "Certified: you can create apps and submit them for review.",
				   "已完成认证：可以创建应用并提交审核。"));
		kf_con_link(c, "button primary", "/console/apps", CL(c, "Go to apps", "前往应用"));
	} else if (is(st, "reverify_required")) {
		kf_con_para(c, NULL,
		       CL(c, "The platform asks you to verify the entity again. Until you do, new submissions are "
			     "blocked; live apps keep working.",
			  "平台要求重新进行主体认证。完成前无法提交新的审核；已上线的应用不受影响。"));
		json_t *n = latest_notice(c, g, "provider.reverify_required");
		if (n)
			kf_con_para(c, "quote", kf_con_str(c, n, "body"));
		if (g->owner)
			kf_con_link(c, "button primary", org_href(c, g, "certification"),
			     CL(c, "Verify the entity again", "重新进行主体认证"));
		else
			owner_only(c);
	} else if (is(st, "banned")) {
		kf_con_para(c, NULL,
		       CL(c, "The platform has banned this provider: it cannot change anything or submit apps.",
			  "该服务商已被平台封禁，无法进行修改或提交应用。"));
		json_t *n = latest_notice(c, g, "provider.banned");
		if (n)
			kf_con_para(c, "quote", kf_con_str(c, n, "body"));
		kf_html_raw(h, "<p>");
		kf_page_rule(h, "GOV-7");
		kf_html_raw(h, "</p>");
	} else if (is(st, "cancelled") || is(st, "purged")) {
		kf_con_para(c, NULL, CL(c, "This provider was cancelled. Its data is deleted for good after the retention window.",
				   "该服务商已注销，其数据将在保留期结束后永久删除。"));
		json_t *p = json_object_get(g->o, "purge_at");
		if (json_is_integer(p)) {
			kf_html_raw(h, "<p>");
			kf_html_text(h, CL(c, "Deleted for good on ", "永久删除时间："));
			kf_con_time(c, json_integer_value(p));
			kf_html_raw(h, "</p>");
		}
	}
	kf_html_raw(h, "</section>");
}

static void org_overview(struct kf_req *r)
{
	struct kf_con c;
	struct org g;
	if (!kf_con_start(r, &c, true) || !load_org(&c, &g))
		return;
	json_t *app = quiet_get(&c, kf_con_fmt(&c, "/v1/providers/%s/application", g.id)); /* none yet */
	open_org(&c, &g, T_OVERVIEW, NULL);
	struct kf_html *h = &c.h;
	next_step(&c, &g, app);
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, CL(&c, "Provider", "服务商"));
	kf_html_raw(h, "</h2><dl class=\"props\"><dt>ID</dt><dd>");
	kf_page_id(h, c.lang, g.id);
	kf_html_raw(h, "</dd>");
	kf_page_dl_row(h, CL(&c, "Name", "名称"), g.name);
	kf_page_dl_row(h, CL(&c, "My role", "我的角色"),
		       g.owner ? CL(&c, "Owner", "所有者") : is(g.role, "member") ? CL(&c, "Member", "成员") : "—");
	const char *en = kf_con_str(&c, g.o, "entity_name");
	kf_page_dl_row(h, CL(&c, "Entity", "主体"), en ? en : CL(&c, "Not verified yet", "尚未认证"));
	json_t *bu = json_object_get(g.o, "bound_until");
	if (json_is_integer(bu)) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(&c, "Bound to the entity until", "主体绑定至"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_time(&c, json_integer_value(bu));
		kf_html_raw(h, " ");
		kf_page_rule(h, "ONB-5");
		kf_html_raw(h, "</dd>");
	}
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(&c, "Created", "创建时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(&c, json_integer_value(json_object_get(g.o, "created_at")));
	kf_html_raw(h, "</dd></dl></section>");
	kf_con_finish(&c);
}

/* ---------------------------------------------------------- application */

static const char *upload_type(const char *t)
{
	return t && *t ? t : "application/octet-stream";
}

/* Upload the posted documents through /v1/files; their ids go into docs.
 * False with c->err set (on the field "documents") when one is refused. */
static bool upload_documents(struct kf_con *c, json_t *docs)
{
	const struct kf_form *f = &c->form;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->names[i], "documents") || !f->filenames[i] || !f->filenames[i][0])
			continue;
		if (json_array_size(docs) >= MAX_DOCS)
			break;
		struct kf_form q = {0};
		kf_form_set(&q, "name", f->filenames[i]);
		struct kf_call call;
		kf_con_call(c, "POST", "/v1/files", &q, upload_type(f->types[i]), f->values[i], f->lens[i], &call);
		json_t *id = json_object_get(call.body, "id");
		if (call.status != 201 || !json_is_integer(id)) {
			kf_con_take_err(c, &call);
			c->err.field = "documents"; /* the file API names its own body */
			return false;
		}
		json_array_append_new(docs, json_integer(json_integer_value(id)));
	}
	return true;
}

/* The documents of an earlier application the owner chose to keep. */
static void kept_documents(struct kf_con *c, json_t *docs)
{
	const char *keep[MAX_DOCS];
	size_t n = kf_form_all(&c->form, "keep_document", keep, MAX_DOCS);
	for (size_t i = 0; i < n && json_array_size(docs) < MAX_DOCS; i++)
		if (digits(keep[i]))
			json_array_append_new(docs, json_integer(strtoll(keep[i], NULL, 10)));
}

/* Apply with the posted fields. docs receives the documents of this
 * attempt (kept and newly uploaded), so that after a refusal the form
 * offers the uploaded files again instead of asking for them twice. */
static bool submit_application(struct kf_con *c, const struct org *g, json_t *docs)
{
	kept_documents(c, docs);
	if (!upload_documents(c, docs))
		return false;
	const char *kind = kf_con_val(c, "entity_kind");
	json_t *b = json_pack("{s:s, s:s, s:s}", "entity_kind", kind ? kind : "", "legal_name",
			      kf_con_val(c, "legal_name") ? kf_con_val(c, "legal_name") : "", "licence_no",
			      kf_con_val(c, "licence_no") ? kf_con_val(c, "licence_no") : "");
	if (json_array_size(docs))
		json_object_set(b, "documents", docs);
	if (is(kind, "individual"))
		json_object_set_new(b, "adult_with_capacity", json_boolean(kf_con_val(c, "adult_with_capacity") != NULL));
	json_t *ok = kf_con_send(c, "POST", b, "/v1/providers/%s/application", g->id);
	json_decref(b);
	return ok != NULL;
}

/* The file's name as its uploader sees it, or "Document <id>". */
static const char *doc_name(struct kf_con *c, json_int_t id)
{
	json_t *meta = quiet_get(c, kf_con_fmt(c, "/v1/files/%lld", (long long)id));
	const char *name = kf_con_str(c, meta, "name");
	return name && *name ? name : kf_con_fmt(c, "%s %lld", CL(c, "Document", "文件"), (long long)id);
}

static bool has_id(json_t *arr, json_int_t id)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_integer_value(v) == id) return true;
	return false;
}

static void doc_links(struct kf_con *c, const struct org *g, json_t *docs)
{
	size_t i;
	json_t *d;
	kf_html_raw(&c->h, "<ul>");
	json_array_foreach(docs, i, d) {
		json_int_t v = json_integer_value(d);
		kf_html_raw(&c->h, "<li>");
		kf_con_link(c, NULL, kf_con_fmt(c, "/console/orgs/%s/files/%lld", g->id, (long long)v), doc_name(c, v));
		kf_html_raw(&c->h, "</li>");
	}
	kf_html_raw(&c->h, "</ul>");
}

static void application_status(struct kf_con *c, const struct org *g, json_t *app)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, CL(c, "Latest application", "最近一次申请"));
	kf_html_raw(h, "</h2><p>");
	kf_page_badge(h, c->lang, kf_con_str(c, app, "state"));
	kf_html_raw(h, "</p><dl class=\"props\">");
	const char *kind = kf_con_str(c, app, "entity_kind");
	kf_page_dl_row(h, CL(c, "Entity kind", "主体类型"),
		       is(kind, "company") ? CL(c, "Company", "企业") : is(kind, "individual") ? CL(c, "Individual", "个人") : kind);
	kf_page_dl_row(h, CL(c, "Legal entity name", "主体名称"), kf_con_str(c, app, "legal_name"));
	kf_page_dl_row(h, CL(c, "Licence number", "营业执照号"), kf_con_str(c, app, "licence_no"));
	if (json_is_true(json_object_get(app, "entity_reused")))
		kf_page_dl_row(h, CL(c, "Entity", "主体"),
			       CL(c, "Already verified on the platform: its data was reused (ONB-4).",
				  "该主体已在平台认证，沿用其资料（ONB-4）。"));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "Submitted", "提交时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(c, json_integer_value(json_object_get(app, "submitted_at")));
	kf_html_raw(h, "</dd>");
	if (is(kf_con_str(c, app, "state"), "pending") && json_is_integer(json_object_get(app, "due_at"))) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(c, "Review due", "审核截止"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_time(c, json_integer_value(json_object_get(app, "due_at")));
		kf_html_raw(h, " ");
		kf_page_rule(h, "REV-1");
		kf_html_raw(h, "</dd>");
	}
	if (json_is_integer(json_object_get(app, "decided_at"))) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(c, "Decided", "审核时间"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_time(c, json_integer_value(json_object_get(app, "decided_at")));
		kf_html_raw(h, "</dd>");
	}
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "Documents", "资质文件"));
	kf_html_raw(h, "</dt><dd>");
	if (json_array_size(json_object_get(app, "documents")))
		doc_links(c, g, json_object_get(app, "documents"));
	else
		kf_html_text(h, "—");
	kf_html_raw(h, "</dd></dl>");
	json_t *reasons = json_object_get(app, "reasons");
	if (is(kf_con_str(c, app, "state"), "rejected") && json_array_size(reasons)) {
		kf_html_raw(h, "<h3>");
		kf_html_text(h, CL(c, "The reviewer's reasons", "驳回原因"));
		kf_html_raw(h, "</h3>");
		reasons_list(c, reasons);
	}
	kf_html_raw(h, "</section>");
}

static void application_form(struct kf_con *c, const struct org *g, json_t *app, json_t *posted)
{
	struct kf_html *h = &c->h;
	json_t *reasons = is(kf_con_str(c, app, "state"), "rejected") ? json_object_get(app, "reasons") : NULL;
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, app ? CL(c, "Submit again", "重新提交") : CL(c, "Apply for qualification", "申请资质审核"));
	kf_html_raw(h, "</h2>");
	kf_con_form(c, org_href(c, g, "application"), true);
	static const struct kf_page_option kinds_en[] = {{"company", "Company"}, {"individual", "Individual"}};
	static const struct kf_page_option kinds_zh[] = {{"company", "企业"}, {"individual", "个人"}};
	struct kf_page_field f[] = {
		{.name = "entity_kind", .label = CL(c, "Entity kind", "主体类型"), .type = "select", .required = true,
		 .options = c->lang == KF_LANG_ZH ? kinds_zh : kinds_en, .n_options = 2,
		 .value = kf_con_str(c, app, "entity_kind") ? kf_con_str(c, app, "entity_kind") : "company"},
		{.name = "legal_name", .label = CL(c, "Legal entity name", "主体名称"), .required = true,
		 .value = kf_con_str(c, app, "legal_name"),
		 .hint = CL(c, "Exactly as on the business licence (or identity document).",
			    "与营业执照（或身份证件）上的名称完全一致。")},
		{.name = "licence_no", .label = CL(c, "Licence number", "营业执照号"), .required = true,
		 .value = kf_con_str(c, app, "licence_no"),
		 .hint = CL(c, "The unified social credit code, or the identity document's number.",
			    "统一社会信用代码，或身份证件号码。")},
		{.name = "documents", .label = CL(c, "Business licence (or identity document)", "营业执照（或身份证件）"),
		 .type = "file", .accept = "application/pdf,image/png,image/jpeg,image/gif",
		 .hint = CL(c, "PDF, PNG, JPEG or GIF. Not needed when the entity is already verified on the platform.",
			    "PDF、PNG、JPEG 或 GIF。主体已在平台认证时无需上传。")},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		json_t *why = reason_for(reasons, f[i].name);
		if (why && !c->post) {
			f[i].error = kf_con_str(c, why, "message");
			f[i].rule = kf_con_str(c, why, "rule");
		}
		kf_con_field(c, &f[i]);
	}
	/* documents to keep: the last application's, and those uploaded by a
	 * refused attempt of this form */
	json_t *cand = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(app, "documents"), i, d) json_array_append(cand, d);
	json_array_foreach(posted, i, d) if (!has_id(cand, json_integer_value(d))) json_array_append(cand, d);
	json_array_foreach(cand, i, d) {
		json_int_t id = json_integer_value(d);
		struct kf_page_field k = {.name = "keep_document", .type = "checkbox",
					  .value = kf_con_fmt(c, "%lld", (long long)id),
					  .checked = c->post ? has_id(posted, id) : true,
					  .label = kf_con_fmt(c, "%s%s", CL(c, "Send again: ", "再次提交："), doc_name(c, id))};
		kf_page_field(h, c->lang, &k);
	}
	json_decref(cand);
	struct kf_page_field adult = {.name = "adult_with_capacity", .type = "checkbox",
				      .label = CL(c, "Individuals: I am an adult with full legal capacity",
						  "个人：我是具有完全民事行为能力的成年人"),
				      .checked = kf_con_val(c, "adult_with_capacity") != NULL};
	kf_con_field(c, &adult);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(c, "Submit for review", "提交审核"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_html_raw(h, "</section>");
}

static void org_application(struct kf_req *r)
{
	struct kf_con c;
	struct org g;
	if (!kf_con_start(r, &c, true) || !load_org(&c, &g))
		return;
	json_t *posted = json_array();
	kf_arena_defer(r->arena, json_release, posted);
	if (c.post) {
		if (submit_application(&c, &g, posted)) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/orgs/%s/application?ok=submitted", g.id));
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	json_t *app = quiet_get(&c, kf_con_fmt(&c, "/v1/providers/%s/application", g.id));
	open_org(&c, &g, T_APPLICATION, CL(&c, "Qualification review", "资质审核"));
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted",
	       CL(&c, "The platform checks the documents that prove your entity. Enter the legal name exactly as on "
		      "the business licence (ONB-3); an entity already verified on the platform is reused (ONB-4).",
		  "平台审核证明主体身份的资质文件。请按营业执照填写主体名称（ONB-3）；已在平台认证的主体将沿用其资料（ONB-4）。"));
	if (app)
		application_status(&c, &g, app);
	bool may_apply = is(g.state, "draft") || is(g.state, "rejected");
	if (may_apply && g.owner) {
		application_form(&c, &g, app, posted);
	} else if (may_apply) {
		owner_only(&c);
	} else if (!app) {
		kf_page_empty(h, CL(&c, "No application yet.", "尚未提交申请。"), NULL, NULL);
	}
	kf_con_finish(&c);
}

/* A document of this provider's application, served to the people who may
 * read it (the API decides: the uploader and operators). */
static void org_file(struct kf_req *r)
{
	struct kf_con c;
	struct org g;
	if (!kf_con_start(r, &c, true) || !load_org(&c, &g))
		return;
	const char *fid = kf_req_param(r, "file_id");
	json_t *app = digits(fid) ? kf_con_get(&c, "/v1/providers/%s/application", g.id) : NULL;
	bool listed = false;
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(app, "documents"), i, d) listed |=
		json_integer_value(d) == strtoll(fid, NULL, 10);
	struct kf_call call = {0};
	if (listed)
		kf_con_call(&c, "GET", kf_con_fmt(&c, "/v1/files/%s/content", fid), NULL, NULL, NULL, 0, &call);
	if (!listed || call.status != 200 || !call.raw) {
		kf_con_not_found(&c);
		return;
	}
	kf_reply_raw(r, 200, call.type ? call.type : "application/octet-stream", call.raw, call.raw_len);
	kf_reply_header(r, "X-Content-Type-Options", "nosniff");
	kf_reply_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	kf_reply_header(r, "Content-Disposition", "inline");
	kf_reply_header(r, "Cache-Control", "private, no-store");
}

/* -------------------------------------------------------- certification */

static void org_certification(struct kf_req *r)
{
	struct kf_con c;
	struct org g;
	if (!kf_con_start(r, &c, true) || !load_org(&c, &g))
		return;
	if (c.post) {
		json_t *b = json_pack("{s:s}", "legal_name", kf_con_val(&c, "legal_name") ? kf_con_val(&c, "legal_name") : "");
		json_t *ok = kf_con_send(&c, "POST", b, "/v1/providers/%s/certification", g.id);
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/orgs/%s?ok=certified", g.id));
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	json_t *app = quiet_get(&c, kf_con_fmt(&c, "/v1/providers/%s/application", g.id));
	open_org(&c, &g, T_CERT, CL(&c, "Entity certification", "主体认证"));
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\">");
	const char *en = kf_con_str(&c, g.o, "entity_name");
	kf_page_dl_row(h, CL(&c, "Entity", "主体"), en ? en : CL(&c, "Not verified yet", "尚未认证"));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(&c, "Certified", "认证时间"));
	kf_html_raw(h, "</dt><dd>");
	json_t *ca = json_object_get(g.o, "entity_certified_at");
	if (json_is_integer(ca))
		kf_con_time(&c, json_integer_value(ca));
	else
		kf_html_text(h, CL(&c, "Not yet", "尚未认证"));
	kf_html_raw(h, "</dd></dl>");
	kf_con_para(&c, "muted",
	       CL(&c, "After qualification passes, the entity is certified with the legal name of the application "
		      "(compared after Unicode NFKC normalisation and trimming). Only a certified provider may create "
		      "apps, and the platform may ask for re-verification at any time.",
		  "资质审核通过后，使用申请中的主体名称完成主体认证（比较时会进行 Unicode NFKC 规范化并去除首尾空格）。只有已认证的服务商可以创建应用，平台可随时要求重新认证。"));
	kf_html_raw(h, "<p>");
	kf_page_rule(h, "ONB-6");
	kf_html_raw(h, " ");
	kf_page_rule(h, "ONB-7");
	kf_html_raw(h, "</p></section>");
	bool reverify = is(g.state, "reverify_required");
	if (reverify) {
		kf_page_notice_rule(h, "warn",
				    CL(&c, "The platform asks you to verify the entity again. New submissions are blocked "
					   "until you do; live apps keep working.",
				       "平台要求重新进行主体认证。完成前无法提交新的审核；已上线的应用不受影响。"),
				    "ONB-7");
		json_t *n = latest_notice(&c, &g, "provider.reverify_required");
		if (n)
			kf_con_para(&c, "quote", kf_con_str(&c, n, "body"));
	}
	if (is(g.state, "certification") || reverify) {
		if (!g.owner) {
			owner_only(&c);
		} else {
			kf_html_raw(h, "<section class=\"card\"><h2>");
			kf_html_text(h, reverify ? CL(&c, "Verify the entity again", "重新进行主体认证")
						 : CL(&c, "Certify the entity", "进行主体认证"));
			kf_html_raw(h, "</h2>");
			kf_con_form(&c, org_href(&c, &g, "certification"), false);
			struct kf_page_field f = {.name = "legal_name", .label = CL(&c, "Legal entity name", "主体名称"),
						  .required = true,
						  .hint = CL(&c, "The name of the approved application: ",
							     "审核通过的申请中的名称：")};
			const char *an = kf_con_str(&c, app, "legal_name");
			if (an)
				f.hint = kf_con_fmt(&c, "%s%s", f.hint, an);
			kf_con_field(&c, &f);
			kf_html_raw(h, "<div class=\"actions\">");
			kf_page_button(h, "primary", CL(&c, "Certify", "认证"), NULL, NULL);
			kf_html_raw(h, "</div>");
			kf_page_form_close(h);
			kf_html_raw(h, "</section>");
		}
	} else if (is(g.state, "draft") || is(g.state, "qualification_review") || is(g.state, "rejected")) {
		kf_page_empty(h, CL(&c, "Certification follows an approved qualification application.",
				    "主体认证需在资质审核通过后进行。"),
			      org_href(&c, &g, "application"), CL(&c, "Go to the qualification review", "前往资质审核"));
	}
	kf_con_finish(&c);
}

/* -------------------------------------------------------------- members */

static void org_members(struct kf_req *r)
{
	struct kf_con c;
	struct org g;
	if (!kf_con_start(r, &c, true) || !load_org(&c, &g))
		return;
	if (c.post) {
		json_t *b = json_pack("{s:s}", "email", kf_con_val(&c, "email") ? kf_con_val(&c, "email") : "");
		json_t *ok = kf_con_send(&c, "POST", b, "/v1/providers/%s/members", g.id);
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/orgs/%s/members?ok=invited", g.id));
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	json_t *l = quiet_get(&c, kf_con_fmt(&c, "/v1/providers/%s/members", g.id));
	open_org(&c, &g, T_MEMBERS, CL(&c, "Members", "成员"));
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted",
	       CL(&c, "A provider has one owner, who applies, certifies, edits and cancels; members work on the "
		      "apps. Ownership cannot be transferred.",
		  "服务商只有一个所有者，负责申请、认证、修改资料和注销；成员负责开发应用。所有权不可转让。"));
	kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Name", "姓名"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Email", "邮箱"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Role", "角色"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Since", "加入时间"));
	kf_html_raw(h, "</th>");
	if (g.owner) {
		kf_html_raw(h, "<th scope=\"col\">");
		kf_html_text(h, CL(&c, "Actions", "操作"));
		kf_html_raw(h, "</th>");
	}
	kf_html_raw(h, "</tr></thead><tbody>");
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(l, "items"), i, m) {
		const char *role = kf_con_str(&c, m, "role");
		kf_html_raw(h, "<tr><td>");
		kf_html_text(h, kf_con_str(&c, m, "name"));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_str(&c, m, "email"));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_role_label(c.lang, role));
		kf_html_raw(h, "</td><td>");
		kf_con_time(&c, json_integer_value(json_object_get(m, "created_at")));
		kf_html_raw(h, "</td>");
		if (g.owner) {
			kf_html_raw(h, "<td>");
			if (!is(role, "owner"))
				kf_con_link(&c, NULL,
				     kf_con_fmt(&c, "/console/orgs/%s/members/%s/remove", g.id, kf_con_str(&c, m, "user_id")),
				     kf_con_fmt(&c, "%s %s", CL(&c, "Remove", "移除"), kf_con_str(&c, m, "name")));
			kf_html_raw(h, "</td>");
		}
		kf_html_raw(h, "</tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
	if (g.owner && !is(g.state, "cancelled") && !is(g.state, "banned")) {
		kf_html_raw(h, "<section class=\"card\"><h2>");
		kf_html_text(h, CL(&c, "Add a member", "添加成员"));
		kf_html_raw(h, "</h2>");
		kf_con_form(&c, org_href(&c, &g, "members"), false);
		struct kf_page_field f = {.name = "email", .label = CL(&c, "Their email", "对方的邮箱"), .type = "email",
					  .required = true, .autocomplete = "off",
					  .hint = CL(&c, "The person needs an account with this email; we tell them by inbox and email.",
						     "对方需要已用此邮箱注册账号；我们会通过站内信和邮件通知对方。")};
		kf_con_field(&c, &f);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, "primary", CL(&c, "Add member", "添加成员"), NULL, NULL);
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
		kf_html_raw(h, "</section>");
	}
	kf_con_finish(&c);
}

static void org_member_remove(struct kf_req *r)
{
	struct kf_con c;
	struct org g;
	if (!kf_con_start(r, &c, true) || !load_org(&c, &g))
		return;
	const char *uid = kf_req_param(r, "user_id");
	json_t *l = digits(uid) ? kf_con_get(&c, "/v1/providers/%s/members", g.id) : NULL;
	json_t *who = NULL, *m;
	size_t i;
	json_array_foreach(json_object_get(l, "items"), i, m) if (is(kf_con_str(&c, m, "user_id"), uid)) who = m;
	if (!who) {
		kf_con_not_found(&c);
		return;
	}
	const char *back = org_href(&c, &g, "members");
	if (c.post && is(kf_con_val(&c, "confirm"), "1")) {
		if (kf_con_send(&c, "DELETE", NULL, "/v1/providers/%s/members/%s", g.id, uid)) {
			kf_con_redirect(&c, kf_con_fmt(&c, "%s?ok=removed", back));
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	c.section = "orgs";
	const char *name = kf_con_str(&c, who, "name");
	kf_con_confirm(&c, kf_con_fmt(&c, "%s %s", CL(&c, "Remove", "移除"), name ? name : ""),
		       kf_con_fmt(&c,
				  CL(&c, "%s loses access to %s and its apps at once.", "%s 将立即失去对 %s 及其应用的访问权限。"),
				  name ? name : "", g.name ? g.name : ""),
		       kf_con_fmt(&c, "/console/orgs/%s/members/%s/remove", g.id, uid), CL(&c, "Remove", "移除"), back, NULL,
		       0);
}

/* -------------------------------------------------------------- notices */

static void org_notices(struct kf_req *r)
{
	struct kf_con c;
	struct org g;
	if (!kf_con_start(r, &c, true) || !load_org(&c, &g))
		return;
	struct kf_form q = {0};
	kf_form_set(&q, "provider_id", g.id);
	const char *after = kf_con_q(&c, "after");
	if (digits(after))
		kf_form_set(&q, "after", after);
	json_t *l = kf_con_getq(&c, &q, "/v1/inbox");
	open_org(&c, &g, T_NOTICES, CL(&c, "Notices", "通知"));
	struct kf_html *h = &c.h;
	json_t *items = json_object_get(l, "items");
	if (l && !json_array_size(items))
		kf_page_empty(h, CL(&c, "No notices about this provider yet.", "暂无与该服务商相关的站内信。"), NULL, NULL);
	size_t i;
	json_t *m;
	json_array_foreach(items, i, m) {
		kf_html_raw(h, "<article class=\"card\"><h2>");
		kf_html_text(h, kf_con_str(&c, m, "title"));
		kf_html_raw(h, "</h2><p class=\"muted small\">");
		kf_con_time(&c, json_integer_value(json_object_get(m, "created_at")));
		if (json_is_null(json_object_get(m, "read_at"))) {
			kf_html_raw(h, " · ");
			kf_html_text(h, CL(&c, "unread", "未读"));
		}
		kf_html_raw(h, "</p><p class=\"pre\">");
		kf_html_text(h, kf_con_str(&c, m, "body"));
		kf_html_raw(h, "</p></article>");
	}
	const char *next = kf_con_str(&c, l, "next_after");
	if (next) {
		kf_html_raw(h, "<p class=\"pager\">");
		kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/orgs/%s/notices?after=%s", g.id, next), CL(&c, "Older", "更早的消息"));
		kf_html_raw(h, "</p>");
	}
	kf_con_finish(&c);
}

/* -------------------------------------------------------------- profile */

static void org_profile(struct kf_req *r)
{
	struct kf_con c;
	struct org g;
	if (!kf_con_start(r, &c, true) || !load_org(&c, &g))
		return;
	if (c.post) {
		json_t *b = profile_body(&c);
		json_t *ok = kf_con_send(&c, "PATCH", b, "/v1/providers/%s", g.id);
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/orgs/%s/profile?ok=saved", g.id));
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	open_org(&c, &g, T_PROFILE, CL(&c, "Profile", "资料"));
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted", CL(&c, "Keep the provider's contact data current (ONB-9).", "请保持服务商的联系信息为最新（ONB-9）。"));
	if (g.owner && !is(g.state, "cancelled") && !is(g.state, "banned")) {
		kf_con_form(&c, org_href(&c, &g, "profile"), false);
		profile_fields(&c, g.o);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, "primary", CL(&c, "Save", "保存"), NULL, NULL);
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
	} else {
		static const struct {
			const char *key, *en, *zh;
		} rows[] = {{"name", "Provider name", "服务商名称"},
			    {"contact_name", "Contact person", "联系人"},
			    {"contact_email", "Contact email", "联系邮箱"},
			    {"contact_phone", "Contact phone", "联系电话"},
			    {"address", "Address", "联系地址"}};
		kf_html_raw(h, "<dl class=\"props\">");
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			const char *v = kf_con_str(&c, g.o, rows[i].key);
			kf_page_dl_row(h, CL(&c, rows[i].en, rows[i].zh), v ? v : "—");
		}
		kf_html_raw(h, "</dl>");
		if (!g.owner)
			owner_only(&c);
	}
	kf_con_finish(&c);
}

/* --------------------------------------------------------- cancellation */

static const char *blocker_text(struct kf_con *c, const char *code)
{
	static const struct {
		const char *code, *en, *zh;
	} t[] = {
		{"open_reviews", "A review is still open: wait for its decision.", "仍有未完成的审核：请等待审核结果。"},
		{"banned", "The provider is banned.", "该服务商已被封禁。"},
		{"under_investigation", "The provider is under investigation.", "该服务商正在接受调查。"},
		{"unresolved_violations", "A violation is not resolved.", "仍有未处理完毕的违规。"},
		{"live_apps_with_authorizations", "An app is live with active authorizations: take it down first.",
		 "仍有已上线且存在有效授权的应用：请先下架。"},
		{"open_disputes", "A dispute is open.", "仍有未解决的争议。"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (is(code, t[i].code))
			return CL(c, t[i].en, t[i].zh);
	return code;
}

static void org_cancel(struct kf_req *r)
{
	struct kf_con c;
	struct org g;
	if (!kf_con_start(r, &c, true) || !load_org(&c, &g))
		return;
	const char *self = org_href(&c, &g, "cancel");
	long days = (long)(r->ctx->cfg.retention / 86400);
	if (c.post && g.owner && !is(kf_con_val(&c, "confirm"), "1")) {
		c.section = "orgs";
		kf_con_confirm(&c, kf_con_fmt(&c, "%s %s", CL(&c, "Cancel", "注销"), g.name),
			       kf_con_fmt(&c,
					  CL(&c, "%s is cancelled at once: its profile is anonymised now and its data is "
						 "deleted for good after %ld days; this cannot be undone.",
					     "%s 将立即注销：资料立即匿名化，数据在 %ld 天后永久删除，且无法撤销。"),
					  g.name, days),
			       self, CL(&c, "Cancel this provider", "注销该服务商"), self, NULL, 0);
		return;
	}
	json_t *unmet = NULL;
	if (c.post && g.owner) {
		json_t *ok = kf_con_send(&c, "POST", NULL, "/v1/providers/%s/cancellation", g.id);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/orgs/%s?ok=cancelled", g.id));
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
		unmet = json_object_get(json_object_get(c.err.body, "error"), "unmet");
		c.post = false;
	}
	open_org(&c, &g, T_CANCEL, CL(&c, "Cancel the provider", "注销服务商"));
	struct kf_html *h = &c.h;
	if (json_array_size(unmet)) {
		c.has_err = false;
		kf_page_notice_rule(h, "error",
				    CL(&c, "The provider cannot be cancelled yet. Settle these first:", "暂时无法注销，请先处理以下事项："),
				    "ONB-10");
		kf_html_raw(h, "<ul class=\"blockers\">");
		size_t i;
		json_t *u;
		json_array_foreach(unmet, i, u) {
			kf_html_raw(h, "<li>");
			kf_html_text(h, blocker_text(&c, json_string_value(u)));
			kf_html_raw(h, "</li>");
		}
		kf_html_raw(h, "</ul>");
	}
	if (is(g.state, "cancelled") || is(g.state, "purged")) {
		kf_con_para(&c, NULL, CL(&c, "This provider is cancelled.", "该服务商已注销。"));
		kf_con_finish(&c);
		return;
	}
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, CL(&c, "What happens", "注销后会发生什么"));
	kf_html_raw(h, "</h2><ul>");
	const char *what[][2] = {
		{"The provider is cancelled as soon as you confirm; there is no waiting period and it cannot be undone.",
		 "确认后立即注销，没有等待期，且无法撤销。"},
		{"Its name, contact data and address are anonymised at once.", "名称、联系信息和地址将立即匿名化。"},
		{"Nobody can change it, apply or submit anything for it any more.", "此后任何人都不能再修改该服务商，也不能以其名义申请或提交。"},
		{NULL, NULL},
	};
	for (size_t i = 0; what[i][0]; i++) {
		kf_html_raw(h, "<li>");
		kf_html_text(h, CL(&c, what[i][0], what[i][1]));
		kf_html_raw(h, "</li>");
	}
	kf_html_raw(h, "<li>");
	kf_html_text(h, kf_con_fmt(&c,
				   CL(&c, "The application and its documents are kept for %ld days (the retention window), "
					  "then deleted for good.",
				      "资质申请及其文件将保留 %ld 天（保留期），之后永久删除。"),
				   days));
	kf_html_raw(h, "</li></ul><h3>");
	kf_html_text(h, CL(&c, "It is possible only when", "只有满足以下条件才能注销"));
	kf_html_raw(h, "</h3><ul><li>");
	kf_html_text(h, CL(&c, "the provider is in good standing (not banned, not under investigation);",
			   "服务商状态正常（未被封禁、未在调查中）；"));
	kf_html_raw(h, "</li><li>");
	kf_html_text(h, CL(&c, "no review is open, no violation is unresolved and no app is live with active authorizations;",
			   "没有进行中的审核、没有未处理的违规，也没有存在有效授权的已上线应用；"));
	kf_html_raw(h, "</li><li>");
	kf_html_text(h, CL(&c, "no dispute is open.", "没有未解决的争议。"));
	kf_html_raw(h, "</li></ul><p>");
	kf_page_rule(h, "ONB-10");
	kf_html_raw(h, "</p>");
	if (g.owner) {
		kf_con_form(&c, self, false);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, "danger", CL(&c, "Cancel this provider…", "注销该服务商…"), NULL, NULL);
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
	} else {
		owner_only(&c);
	}
	kf_html_raw(h, "</section>");
	kf_con_finish(&c);
}

#define PAGE_POST (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)

const struct kf_route kf_console_orgs_routes[] = {
	{"GET", "/console/orgs", orgs_list, KF_AUTH_USER, KF_RF_PAGE, "My providers (HTML)"},
	{"GET", "/console/orgs/new", org_new, KF_AUTH_USER, KF_RF_PAGE, "Register a provider (HTML)"},
	{"POST", "/console/orgs/new", org_new, KF_AUTH_USER, PAGE_POST, "Register a provider (HTML form)"},
	{"GET", "/console/orgs/{id}", org_overview, KF_AUTH_USER, KF_RF_PAGE, "One provider: state and next step (HTML)"},
	{"GET", "/console/orgs/{id}/application", org_application, KF_AUTH_USER, KF_RF_PAGE,
	 "Qualification application (HTML)"},
	{"POST", "/console/orgs/{id}/application", org_application, KF_AUTH_USER, PAGE_POST | KF_RF_UPLOAD,
	 "Apply with documents (HTML form)"},
	{"GET", "/console/orgs/{id}/files/{file_id}", org_file, KF_AUTH_USER, KF_RF_PAGE, "An application document"},
	{"GET", "/console/orgs/{id}/certification", org_certification, KF_AUTH_USER, KF_RF_PAGE,
	 "Entity certification (HTML)"},
	{"POST", "/console/orgs/{id}/certification", org_certification, KF_AUTH_USER, PAGE_POST,
	 "Certify the entity (HTML form)"},
	{"GET", "/console/orgs/{id}/members", org_members, KF_AUTH_USER, KF_RF_PAGE, "Members (HTML)"},
	{"POST", "/console/orgs/{id}/members", org_members, KF_AUTH_USER, PAGE_POST, "Add a member (HTML form)"},
	{"GET", "/console/orgs/{id}/members/{user_id}/remove", org_member_remove, KF_AUTH_USER, KF_RF_PAGE,
	 "Confirm removing a member (HTML)"},
	{"POST", "/console/orgs/{id}/members/{user_id}/remove", org_member_remove, KF_AUTH_USER, PAGE_POST,
	 "Remove a member (HTML form)"},
	{"GET", "/console/orgs/{id}/notices", org_notices, KF_AUTH_USER, KF_RF_PAGE, "Notices of a provider (HTML)"},
	{"GET", "/console/orgs/{id}/profile", org_profile, KF_AUTH_USER, KF_RF_PAGE, "Provider profile (HTML)"},
	{"POST", "/console/orgs/{id}/profile", org_profile, KF_AUTH_USER, PAGE_POST, "Edit the profile (HTML form)"},
	{"GET", "/console/orgs/{id}/cancel", org_cancel, KF_AUTH_USER, KF_RF_PAGE, "Cancellation explained (HTML)"},
	{"POST", "/console/orgs/{id}/cancel", org_cancel, KF_AUTH_USER, PAGE_POST, "Cancel the provider (HTML form)"},
};
const size_t kf_console_orgs_nroutes = sizeof(kf_console_orgs_routes) / sizeof(kf_console_orgs_routes[0]);

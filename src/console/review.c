/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The review desk: one review on one screen (/console/reviews/{id}). What
 * the decision needs comes from one API call (GET /v1/reviews/{id}/context):
 * for a provider's qualification the application, every document shown in
 * the page and the entity name checks; for an app's reviews the provider
 * and its history, the configuration, the listing with each automated
 * finding on its field, previews, URL and capability check results,
 * authenticity and category qualifications, and for a change the fields
 * that changed, before and after. The decision form (approve, or reject
 * with reasons started from the templates of the kind's rules, REV-5)
 * posts to POST /v1/reviews/{id}/decision; when another reviewer was
 * faster the page says who and when. Previous and next follow the queue's
 * order (REV-1: open reviews by deadline); the console's script adds keys.
 *
 * Documents are streamed by /console/files/{id} (the API decides who may
 * read a file): images and PDFs inline, anything else as an attachment,
 * never sniffed, under a CSP of their own.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console/console.h"
#include "core/review.h"
#include "web/errtext.h"

#define MAX_REASONS 3

static bool digits(const char *s)
{
	return s && *s && strlen(s) <= 18 && strspn(s, "0123456789") == strlen(s);
}

/* A JSON value as one line of text: strings as they are, the rest as
 * compact JSON. */
static const char *value_text(struct kf_con *c, json_t *v)
{
	if (!v || json_is_null(v))
		return "—";
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_true(v))
		return CL(c, "Yes", "是");
	if (json_is_false(v))
		return CL(c, "No", "否");
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	const char *out = kf_con_fmt(c, "%s", s ? s : "");
	free(s);
	return out;
}

/* A time as text (local to the platform), for sentences. */
static const char *time_text(struct kf_con *c, json_t *t)
{
	if (!json_is_integer(t))
		return "—";
	time_t s = (time_t)(json_integer_value(t) + kf_con_tz(c));
	struct tm tm;
	char buf[32];
	gmtime_r(&s, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
	return kf_con_fmt(c, "%s", buf);
}

static const char *field_label(struct kf_con *c, const char *field)
{
	const char *l = kf_fieldname(c->lang, field);
	return l ? l : field;
}

static void card_open(struct kf_con *c, const char *id, const char *title)
{
	kf_html_raw(&c->h, "<section class=\"card\"");
	kf_html_attr(&c->h, "aria-labelledby", id);
	kf_html_raw(&c->h, "><h2");
	kf_html_attr(&c->h, "id", id);
	kf_html_raw(&c->h, ">");
	kf_html_text(&c->h, title);
	kf_html_raw(&c->h, "</h2>");
}

static void row_time(struct kf_con *c, const char *term, json_t *t)
{
	kf_html_raw(&c->h, "<dt>");
	kf_html_text(&c->h, term);
	kf_html_raw(&c->h, "</dt><dd>");
	if (json_is_integer(t))
		kf_con_time(c, json_integer_value(t));
	else
		kf_html_text(&c->h, "—");
	kf_html_raw(&c->h, "</dd>");
}

/* ------------------------------------------------------------- documents */

static bool inline_type(const char *t)
{
	static const char *const ok[] = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"};
	for (size_t i = 0; t && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(t, ok[i]))
			return true;
	return false;
}

/* Every document in the page: images inline, PDFs in the browser's viewer
 * (with a link for browsers that show none), others as a link. */
static void documents(struct kf_con *c, json_t *docs)
{
	struct kf_html *h = &c->h;
	card_open(c, "h-docs", CL(c, "Documents", "证明材料"));
	if (!json_array_size(docs)) {
		kf_con_para(c, "muted", CL(c, "No documents were attached.", "未附证明材料。"));
		kf_html_raw(h, "</section>");
		return;
	}
	size_t i;
	json_t *d;
	json_array_foreach(docs, i, d) {
		const char *name = kf_con_str(c, d, "name"), *type = kf_con_str(c, d, "content_type");
		const char *href = kf_con_fmt(c, "/console/files/%s", kf_con_str(c, d, "file_id"));
		kf_html_raw(h, "<figure class=\"doc\"><figcaption><a");
		kf_html_url_attr(h, "href", href);
		kf_html_raw(h, " target=\"_blank\" rel=\"noopener\">");
		kf_html_text(h, name ? name : kf_con_str(c, d, "file_id"));
		kf_html_raw(h, "</a> <span class=\"muted small\">");
		if (json_is_true(json_object_get(d, "missing")))
			kf_html_text(h, CL(c, "(the file is gone)", "（文件已不存在）"));
		else
			kf_html_text(h, kf_con_fmt(c, "%s · %s KB", type ? type : "", kf_con_fmt(c, "%lld",
				     (long long)(json_integer_value(json_object_get(d, "size")) + 1023) / 1024)));
		kf_html_raw(h, "</span></figcaption>");
		if (type && !strncmp(type, "image/", 6) && inline_type(type)) {
			kf_html_raw(h, "<img class=\"doc\"");
			kf_html_url_attr(h, "src", href);
			kf_html_attr(h, "alt", kf_con_fmt(c, "%s %s", CL(c, "Document", "证明材料"), name ? name : ""));
			kf_html_raw(h, ">");
		} else if (type && !strcmp(type, "application/pdf")) {
			kf_html_raw(h, "<iframe class=\"doc\"");
			kf_html_url_attr(h, "src", href);
			kf_html_attr(h, "title", kf_con_fmt(c, "%s %s", CL(c, "Document", "证明材料"), name ? name : ""));
			kf_html_raw(h, "></iframe><p class=\"small\"><a");
			kf_html_url_attr(h, "href", href);
			kf_html_raw(h, " target=\"_blank\" rel=\"noopener\">");
			kf_html_text(h, CL(c, "Open the PDF in a new tab", "在新标签页中打开 PDF"));
			kf_html_raw(h, "</a></p>");
		}
		kf_html_raw(h, "</figure>");
	}
	kf_html_raw(h, "</section>");
}

/* --------------------------------------------------------- by review kind */

static void qualification(struct kf_con *c, json_t *x)
{
	struct kf_html *h = &c->h;
	json_t *a = json_object_get(x, "application");
	card_open(c, "h-app", CL(c, "Application", "资质申请"));
	kf_html_raw(h, "<dl class=\"props\">");
	const char *ek = kf_con_str(c, a, "entity_kind");
	kf_page_dl_row(h, CL(c, "Entity kind", "主体类型"),
		       ek && !strcmp(ek, "company")      ? CL(c, "Company", "企业")
		       : ek && !strcmp(ek, "individual") ? CL(c, "Individual", "个人")
							 : value_text(c, json_object_get(a, "entity_kind")));
	kf_page_dl_row(h, CL(c, "Legal name", "主体名称"), value_text(c, json_object_get(a, "legal_name")));
	kf_page_dl_row(h, CL(c, "Licence number", "统一社会信用代码"), value_text(c, json_object_get(a, "licence_no")));
	kf_page_dl_row(h, CL(c, "Verified entity reused", "复用已认证主体"), value_text(c, json_object_get(a, "entity_reused")));
	row_time(c, CL(c, "Submitted", "提交时间"), json_object_get(a, "submitted_at"));
	kf_html_raw(h, "</dl></section>");
	documents(c, json_object_get(x, "documents"));
	json_t *n = json_object_get(x, "name_checks");
	card_open(c, "h-names", CL(c, "Entity name checks", "主体名称检查"));
	kf_html_raw(h, "<dl class=\"props\">");
	kf_page_dl_row(h, CL(c, "Normalised (NFKC, trimmed)", "规范化后（NFKC，去除首尾空格）"),
		       value_text(c, json_object_get(n, "normalized")));
	kf_page_dl_row(h, CL(c, "Valid text", "文本有效"), value_text(c, json_object_get(n, "valid_text")));
	kf_page_dl_row(h, CL(c, "Same as the provider's name", "与服务商名称相同"),
		       value_text(c, json_object_get(n, "same_as_provider_name")));
	kf_page_dl_row(h, CL(c, "An already verified entity", "已认证主体"), value_text(c, json_object_get(n, "entity_reused")));
	kf_html_raw(h, "</dl><p class=\"small\">");
	kf_page_rule(h, "ONB-3");
	kf_html_raw(h, " ");
	kf_page_rule(h, "ONB-4");
	kf_html_raw(h, " ");
	kf_page_rule(h, "ONB-6");
	kf_html_raw(h, "</p></section>");
}

/* The automated findings of one field, under it (REV-5: the same lists the
 * provider's listing editor shows). */
static void findings_of(struct kf_con *c, json_t *findings, const char *field)
{
	struct kf_html *h = &c->h;
	size_t i, n = 0;
	json_t *f;
	json_array_foreach(findings, i, f) n += field && !strcmp(field, kf_con_str(c, f, "field") ? kf_con_str(c, f, "field") : "");
	if (!n)
		return;
	kf_html_raw(h, "<ul class=\"findings\"");
	kf_html_attr(h, "id", kf_con_fmt(c, "findings-%s", field));
	kf_html_raw(h, ">");
	json_array_foreach(findings, i, f) {
		const char *ff = kf_con_str(c, f, "field"), *sev = kf_con_str(c, f, "severity");
		if (!ff || strcmp(ff, field))
			continue;
		bool reject = sev && !strcmp(sev, "reject");
		kf_html_raw(h, reject ? "<li class=\"finding reject\"><span class=\"sev\">"
				      : "<li class=\"finding warn\"><span class=\"sev\">");
		kf_html_text(h, reject ? CL(c, "Error", "错误") : CL(c, "Warning", "警告"));
		kf_html_raw(h, "</span> ");
		kf_page_rule(h, kf_con_str(c, f, "rule"));
		kf_html_raw(h, " ");
		kf_html_text(h, kf_con_str(c, f, "message"));
		kf_html_raw(h, "</li>");
	}
	kf_html_raw(h, "</ul>");
}

static void listing_card(struct kf_con *c, json_t *listing, json_t *findings)
{
	struct kf_html *h = &c->h;
	card_open(c, "h-listing", CL(c, "Listing", "应用详情"));
	if (!json_is_object(listing)) {
		kf_con_para(c, "muted", CL(c, "No listing.", "无应用详情。"));
		kf_html_raw(h, "</section>");
		return;
	}
	kf_html_raw(h, "<dl class=\"props listing\">");
	const char *k;
	json_t *v;
	json_object_foreach(listing, k, v) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, field_label(c, k));
		kf_html_raw(h, "</dt><dd>");
		kf_html_text(h, value_text(c, v));
		findings_of(c, findings, k);
		kf_html_raw(h, "</dd>");
	}
	kf_html_raw(h, "</dl>");
	/* findings of fields the listing does not show (app, checks…) */
	size_t i;
	json_t *f;
	json_array_foreach(findings, i, f) {
		const char *ff = kf_con_str(c, f, "field");
		if (ff && !json_object_get(listing, ff))
			findings_of(c, findings, ff);
	}
	kf_html_raw(h, "</section>");
}

static void previews(struct kf_con *c, json_t *x)
{
	struct kf_html *h = &c->h;
	json_t *p = json_object_get(x, "previews");
	if (!json_array_size(p))
		return;
	card_open(c, "h-previews", CL(c, "Previews", "预览截图"));
	kf_html_raw(h, "<div class=\"previews\">");
	size_t i;
	json_t *d;
	json_array_foreach(p, i, d) {
		const char *href = kf_con_fmt(c, "/console/files/%s", kf_con_str(c, d, "file_id"));
		kf_html_raw(h, "<figure><img");
		kf_html_url_attr(h, "src", href);
		kf_html_attr(h, "alt", kf_con_fmt(c, "%s %zu", CL(c, "Preview", "预览截图"), i + 1));
		kf_html_raw(h, "><figcaption class=\"small muted\">");
		kf_html_text(h, kf_con_fmt(c, "%s · #%s", kf_con_str(c, d, "kind"), kf_con_str(c, d, "file_id")));
		kf_html_raw(h, "</figcaption></figure>");
	}
	kf_html_raw(h, "</div>");
	json_t *dups = json_object_get(x, "near_duplicates");
	if (json_array_size(dups))
		findings_of(c, dups, kf_con_str(c, json_array_get(dups, 0), "field"));
	else
		kf_con_para(c, "small muted", CL(c, "No near-duplicate pictures were found (LST-11).",
					   "未发现重复或近似的截图（LST-11）。"));
	kf_html_raw(h, "</section>");
}

static void checks_card(struct kf_con *c, json_t *checks)
{
	struct kf_html *h = &c->h;
	if (!json_array_size(checks))
		return;
	card_open(c, "h-checks", CL(c, "Capability checks", "能力检测"));
	kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(c, "Check", "检测项"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Result", "结果"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Time", "耗时"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *k;
	json_array_foreach(checks, i, k) {
		kf_html_raw(h, "<tr><td><code>");
		kf_html_text(h, kf_con_str(c, k, "check"));
		kf_html_raw(h, "</code></td><td>");
		kf_page_badge(h, c->lang, kf_con_str(c, k, "status"));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_fmt(c, "%s ms", kf_con_str(c, k, "ms") ? kf_con_str(c, k, "ms") : "—"));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div></section>");
}

static void urls_card(struct kf_con *c, json_t *urls)
{
	struct kf_html *h = &c->h;
	if (!json_array_size(urls))
		return;
	card_open(c, "h-urls", CL(c, "URL results", "URL 检测结果"));
	/* wide: it may scroll sideways, so it takes the keyboard's focus */
	kf_html_raw(h, "<div class=\"table\" tabindex=\"0\"><table class=\"wide\"><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(c, "Field", "字段"));
	kf_html_raw(h, "</th><th scope=\"col\">URL</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Result", "结果"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Names the entity", "写明主体"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *u;
	json_array_foreach(urls, i, u) {
		kf_html_raw(h, "<tr><td>");
		kf_html_text(h, field_label(c, kf_con_str(c, u, "field")));
		kf_html_raw(h, "</td><td class=\"mono small\">");
		kf_html_text(h, kf_con_str(c, u, "url"));
		kf_html_raw(h, "</td><td>");
		const char *st = kf_con_str(c, u, "status");
		kf_html_text(h, kf_con_fmt(c, "%s%s%s", kf_con_str(c, u, "state") ? kf_con_str(c, u, "state") : "",
					   st ? " · HTTP " : "", st ? st : ""));
		const char *e = kf_con_str(c, u, "error");
		if (e) {
			kf_html_raw(h, "<br><span class=\"small muted\">");
			kf_html_text(h, e);
			kf_html_raw(h, "</span>");
		}
		const char *ex = kf_con_str(c, u, "excerpt");
		if (ex && *ex) {
			kf_html_raw(h, "<br><q class=\"small muted\">");
			kf_html_text(h, ex);
			kf_html_raw(h, "</q>");
		}
		kf_html_raw(h, "</td><td>");
		json_t *ne = json_object_get(u, "names_entity");
		kf_html_text(h, ne ? value_text(c, ne) : "—");
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div></section>");
}

/* APP-7: the fields that change, before and after. */
static void changes_card(struct kf_con *c, json_t *changes)
{
	struct kf_html *h = &c->h;
	card_open(c, "h-changes", CL(c, "What changes", "变更内容"));
	if (!json_array_size(changes)) {
		kf_con_para(c, "muted", CL(c, "Nothing differs from the live version.", "与线上版本没有差别。"));
		kf_html_raw(h, "</section>");
		return;
	}
	kf_html_raw(h, "<div class=\"table\" tabindex=\"0\"><table class=\"wide diff\"><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(c, "Field", "字段"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Live now", "线上版本"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Submitted", "提交版本"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *x;
	json_array_foreach(changes, i, x) {
		const char *part = kf_con_str(c, x, "part");
		kf_html_raw(h, "<tr><th scope=\"row\">");
		kf_html_text(h, kf_con_fmt(c, "%s · %s",
					   part && !strcmp(part, "config") ? CL(c, "Configuration", "配置") : CL(c, "Listing", "详情"),
					   field_label(c, kf_con_str(c, x, "field"))));
		kf_html_raw(h, "</th><td><del>");
		kf_html_text(h, value_text(c, json_object_get(x, "before")));
		kf_html_raw(h, "</del></td><td><ins>");
		kf_html_text(h, value_text(c, json_object_get(x, "after")));
		kf_html_raw(h, "</ins></td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div></section>");
}

static void props_card(struct kf_con *c, const char *id, const char *title, json_t *o)
{
	struct kf_html *h = &c->h;
	card_open(c, id, title);
	if (!json_is_object(o)) {
		kf_con_para(c, "muted", "—");
		kf_html_raw(h, "</section>");
		return;
	}
	kf_html_raw(h, "<dl class=\"props\">");
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) kf_page_dl_row(h, field_label(c, k), value_text(c, v));
	kf_html_raw(h, "</dl></section>");
}

static void app_side(struct kf_con *c, json_t *x)
{
	struct kf_html *h = &c->h;
	json_t *au = json_object_get(x, "authenticity");
	card_open(c, "h-auth", CL(c, "Authenticity and qualifications", "真实性认证与特殊资质"));
	kf_html_raw(h, "<dl class=\"props\"><dt>");
	kf_html_text(h, CL(c, "Authenticity", "真实性认证"));
	kf_html_raw(h, "</dt><dd>");
	kf_page_badge(h, c->lang, json_is_object(au) ? kf_con_str(c, au, "state") : "none");
	kf_html_raw(h, "</dd>");
	if (json_is_object(au))
		row_time(c, CL(c, "Valid until", "有效期至"), json_object_get(au, "valid_until"));
	const char *k;
	json_t *q;
	json_object_foreach(json_object_get(x, "qualifications"), k, q) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, k);
		kf_html_raw(h, "</dt><dd>");
		kf_page_badge(h, c->lang, kf_con_str(c, q, "state"));
		kf_html_raw(h, "</dd>");
	}
	kf_html_raw(h, "</dl></section>");
}

/* ------------------------------------------------------ provider, history */

static void reasons_list(struct kf_con *c, json_t *reasons)
{
	if (!json_array_size(reasons))
		return;
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<ul class=\"reasons\">");
	size_t i;
	json_t *x;
	json_array_foreach(reasons, i, x) {
		kf_html_raw(h, "<li>");
		kf_page_rule(h, kf_con_str(c, x, "rule"));
		kf_html_raw(h, " ");
		kf_html_text(h, kf_con_fmt(c, "%s%s%s", field_label(c, kf_con_str(c, x, "field")), CL(c, ": ", "："),
					   kf_con_str(c, x, "message")));
		kf_html_raw(h, "</li>");
	}
	kf_html_raw(h, "</ul>");
}

static void history_card(struct kf_con *c, const char *id, const char *title, json_t *items, const char *empty)
{
	struct kf_html *h = &c->h;
	card_open(c, id, title);
	if (!json_array_size(items)) {
		kf_con_para(c, "muted", empty);
		kf_html_raw(h, "</section>");
		return;
	}
	/* wide: it may scroll sideways, so it takes the keyboard's focus */
	kf_html_raw(h, "<div class=\"table\" tabindex=\"0\"><table class=\"wide\"><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(c, "Review", "审核"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Outcome", "结果"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Decided", "处理时间"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "By", "审核员"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *x;
	json_array_foreach(items, i, x) {
		kf_html_raw(h, "<tr><td><a");
		kf_html_url_attr(h, "href", kf_con_fmt(c, "/console/reviews/%s", kf_con_str(c, x, "id")));
		kf_html_raw(h, ">");
		const char *app = kf_con_str(c, x, "app_id");
		kf_html_text(h, kf_con_fmt(c, "%s #%s%s%s", kf_page_review_kind(c->lang, kf_con_str(c, x, "kind")), kf_con_str(c, x, "id"),
					   app ? " · " : "", app ? app : ""));
		kf_html_raw(h, "</a></td><td>");
		kf_page_badge(h, c->lang, kf_con_str(c, x, "state"));
		reasons_list(c, json_object_get(x, "reasons"));
		kf_html_raw(h, "</td><td>");
		json_t *d = json_object_get(x, "decided_at");
		if (json_is_integer(d))
			kf_con_time(c, json_integer_value(d));
		else
			kf_html_text(h, "—");
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_str(c, x, "reviewer_email") ? kf_con_str(c, x, "reviewer_email") : "—");
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div></section>");
}

static void provider_card(struct kf_con *c, json_t *p)
{
	struct kf_html *h = &c->h;
	card_open(c, "h-provider", CL(c, "Provider", "服务商"));
	kf_html_raw(h, "<dl class=\"props\">");
	kf_page_dl_row(h, CL(c, "Name", "名称"), value_text(c, json_object_get(p, "name")));
	kf_page_dl_row(h, CL(c, "Entity", "主体"), value_text(c, json_object_get(p, "entity_name")));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "State", "状态"));
	kf_html_raw(h, "</dt><dd>");
	kf_page_badge(h, c->lang, kf_con_str(c, p, "state"));
	kf_html_raw(h, "</dd>");
	row_time(c, CL(c, "Since", "创建时间"), json_object_get(p, "created_at"));
	kf_html_raw(h, "</dl></section>");
}

/* ------------------------------------------------------------ the form */

static bool may_decide(struct kf_con *c)
{
	const char *role = kf_con_staff_role(c);
	return role && (!strcmp(role, "admin") || !strcmp(role, "reviewer"));
}

/* REV-5: reject with reasons, each started from a template of the kind's
 * rules and editable; the console's script copies a picked template's text
 * into its box. Without the script an empty box takes the template's text. */
static void decision_form(struct kf_con *c, const char *id, enum kf_review_kind kind)
{
	struct kf_html *h = &c->h;
	const struct kf_reason_template *t[64];
	size_t n = kf_review_reason_templates(kind, t, 64);
	if (n > 64)
		n = 64;
	struct kf_page_option opts[65];
	opts[0] = (struct kf_page_option){"", CL(c, "— pick a reason —", "— 选择驳回理由 —")};
	for (size_t i = 0; i < n; i++)
		opts[i + 1] = (struct kf_page_option){kf_con_fmt(c, "%zu", i),
						      kf_con_fmt(c, "%s · %s · %s", t[i]->rule, field_label(c, t[i]->field),
								 CL(c, t[i]->en, t[i]->zh))};
	card_open(c, "h-decide", CL(c, "Decision", "审核结论"));
	kf_con_form(c, kf_con_fmt(c, "/console/reviews/%s", id), false);
	kf_html_raw(h, "<div class=\"tpl\" hidden>");
	for (size_t i = 0; i < n; i++) {
		kf_html_raw(h, "<span");
		kf_html_attr(h, "data-tpl", kf_con_fmt(c, "%zu", i));
		kf_html_raw(h, ">");
		kf_html_text(h, CL(c, t[i]->en, t[i]->zh));
		kf_html_raw(h, "</span>");
	}
	kf_html_raw(h, "</div>");
	if (kind == KF_REVIEW_DISPLAY_LISTING) {
		struct kf_page_option ev[3];
		ev[0] = (struct kf_page_option){"", "—"};
		ev[1] = (struct kf_page_option){"true", CL(c, "Yes, the evidence holds", "是，证明材料成立")};
		ev[2] = (struct kf_page_option){"false", CL(c, "No, it does not hold", "否，证明材料不成立")};
		const char *rule = NULL, *err = kf_con_field_err(c, "evidence_holds", &rule);
		kf_con_field(c, &(struct kf_page_field){.name = "evidence_holds", .label = CL(c, "Evidence holds (REV-3)", "证明材料是否成立（REV-3）"),
						       .type = "select", .value = kf_con_val(c, "evidence_holds"), .options = ev,
						       .n_options = 3, .error = err, .rule = rule});
	}
	kf_html_raw(h, "<div class=\"actions\"><button type=\"submit\" class=\"button primary\" name=\"decision\" "
		       "value=\"approve\" id=\"approve\" accesskey=\"a\">");
	kf_html_text(h, CL(c, "Approve", "通过"));
	kf_html_raw(h, "</button></div>");
	const char *rule = NULL, *err = kf_con_field_err(c, "reasons", &rule);
	kf_html_raw(h, err ? "<fieldset class=\"reasons-form bad\" aria-describedby=\"f-reasons-err\"><legend>"
			   : "<fieldset class=\"reasons-form\"><legend>");
	kf_html_text(h, CL(c, "Reject with reasons", "驳回并说明理由"));
	kf_html_raw(h, "</legend>");
	if (err) {
		kf_html_raw(h, "<div class=\"err\" id=\"f-reasons-err\">");
		kf_html_text(h, err);
		kf_html_raw(h, " ");
		kf_page_rule(h, rule ? rule : "REV-5");
		kf_html_raw(h, "</div>");
	}
	kf_con_para(c, "hint", CL(c, "At least one reason. Pick a template and edit its text; the provider reads it on the field it names.",
				"至少一条理由。选择模板后可修改文字；服务商会在对应字段旁看到该理由。"));
	for (int i = 1; i <= MAX_REASONS; i++) {
		const char *sel = kf_con_fmt(c, "reason_tpl_%d", i), *txt = kf_con_fmt(c, "reason_text_%d", i);
		kf_html_raw(h, "<div class=\"reason\">");
		kf_page_field(h, c->lang, &(struct kf_page_field){.name = sel, .label = kf_con_fmt(c, CL(c, "Reason %d", "理由 %d"), i),
								  .type = "select", .value = kf_con_val(c, sel),
								  .options = opts, .n_options = n + 1});
		kf_page_field(h, c->lang, &(struct kf_page_field){.name = txt, .label = kf_con_fmt(c, CL(c, "Text of reason %d", "理由 %d 的文字"), i),
								  .type = "textarea", .value = kf_con_val(c, txt)});
		kf_html_raw(h, "</div>");
	}
	kf_html_raw(h, "<div class=\"actions\"><button type=\"submit\" class=\"button danger\" name=\"decision\" "
		       "value=\"reject\" id=\"reject\">");
	kf_html_text(h, CL(c, "Reject", "驳回"));
	kf_html_raw(h, "</button></div></fieldset>");
	kf_page_form_close(h);
	kf_html_raw(h, "</section>");
}

/* The reasons the form posted, as the API takes them. */
static json_t *posted_reasons(struct kf_con *c, enum kf_review_kind kind)
{
	const struct kf_reason_template *t[64];
	size_t n = kf_review_reason_templates(kind, t, 64);
	json_t *arr = json_array();
	for (int i = 1; i <= MAX_REASONS; i++) {
		const char *sel = kf_con_val(c, kf_con_fmt(c, "reason_tpl_%d", i));
		const char *txt = kf_con_val(c, kf_con_fmt(c, "reason_text_%d", i));
		if (!digits(sel))
			continue;
		size_t k = strtoul(sel, NULL, 10);
		if (k >= n || k >= 64)
			continue;
		bool typed = txt && txt[strspn(txt, " \t\r\n")];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "rule", t[k]->rule, "field", t[k]->field, "message",
						     typed ? txt : CL(c, t[k]->en, t[k]->zh)));
	}
	return arr;
}

/* ------------------------------------------------------------ the page */

static void pager(struct kf_con *c, const char *prev, const char *next)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<nav class=\"pager\"");
	kf_html_attr(h, "aria-label", CL(c, "Review queue", "审核队列"));
	kf_html_raw(h, "><a href=\"/console/reviews\">");
	kf_html_text(h, CL(c, "Back to the queue", "返回审核队列"));
	kf_html_raw(h, "</a>");
	if (prev) {
		kf_html_raw(h, " <a rel=\"prev\" accesskey=\"k\"");
		kf_html_url_attr(h, "href", kf_con_fmt(c, "/console/reviews/%s", prev));
		kf_html_raw(h, ">");
		kf_html_text(h, CL(c, "← Previous review", "← 上一条"));
		kf_html_raw(h, "</a>");
	}
	if (next) {
		kf_html_raw(h, " <a rel=\"next\" accesskey=\"j\"");
		kf_html_url_attr(h, "href", kf_con_fmt(c, "/console/reviews/%s", next));
		kf_html_raw(h, ">");
		kf_html_text(h, CL(c, "Next review →", "下一条 →"));
		kf_html_raw(h, "</a>");
	}
	kf_html_raw(h, "<span class=\"small muted\" id=\"keys\">");
	kf_html_text(h, CL(c, "Keys: j next review, k previous, a approve, r first reason.",
			   "快捷键：j 下一条，k 上一条，a 通过，r 填写第一条驳回理由。"));
	kf_html_raw(h, "</span></nav>");
}

static void header(struct kf_con *c, json_t *rv, json_t *x)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\"><dt>");
	kf_html_text(h, CL(c, "State", "状态"));
	kf_html_raw(h, "</dt><dd>");
	kf_page_badge(h, c->lang, kf_con_str(c, rv, "state"));
	kf_html_raw(h, "</dd>");
	const char *app = kf_con_str(c, json_object_get(x, "app"), "app_id");
	kf_page_dl_row(h, CL(c, "Subject", "审核对象"),
		       app ? kf_con_fmt(c, "%s · %s", kf_con_str(c, json_object_get(x, "provider"), "name"), app)
			   : value_text(c, json_object_get(json_object_get(x, "provider"), "name")));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "Due", "截止时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(c, json_integer_value(json_object_get(rv, "due_at")));
	const char *st = kf_con_str(c, rv, "state");
	if (st && !strcmp(st, "pending")) {
		long long left = json_integer_value(json_object_get(rv, "working_days_left"));
		kf_html_raw(h, json_is_true(json_object_get(rv, "overdue")) ? " <span class=\"badge bad\">"
									      : " <span class=\"badge wait\">");
		kf_html_text(h, json_is_true(json_object_get(rv, "overdue"))
					? CL(c, "Overdue", "已逾期")
					: kf_con_fmt(c, CL(c, "%lld working days left", "剩余 %lld 个工作日"), left));
		kf_html_raw(h, "</span>");
	}
	kf_html_raw(h, "</dd>");
	kf_page_dl_row(h, CL(c, "Assignee", "处理人"),
		       kf_con_str(c, rv, "assignee_email") ? kf_con_str(c, rv, "assignee_email") : CL(c, "Nobody yet", "未分配"));
	row_time(c, CL(c, "Submitted", "提交时间"), json_object_get(rv, "submitted_at"));
	if (json_is_integer(json_object_get(rv, "decided_at"))) {
		kf_page_dl_row(h, CL(c, "Decided by", "审核员"), value_text(c, json_object_get(rv, "reviewer_email")));
		row_time(c, CL(c, "Decided", "处理时间"), json_object_get(rv, "decided_at"));
	}
	kf_html_raw(h, "</dl>");
	reasons_list(c, json_object_get(rv, "reasons"));
	kf_html_raw(h, "</section>");
}

static void review_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "reviews";
	const char *id = kf_req_param(r, "id");
	if (!digits(id)) {
		kf_con_not_found(&c);
		return;
	}
	bool conflict = false;
	if (c.post) {
		json_t *x0 = kf_con_get(&c, "/v1/reviews/%s/context", id);
		enum kf_review_kind kind = KF_REVIEW_QUALIFICATION;
		if (!x0 || !kf_review_kind_parse(kf_con_str(&c, json_object_get(x0, "review"), "kind"), &kind)) {
			if (c.err.status == 403)
				kf_con_forbidden(&c);
			else
				kf_con_not_found(&c);
			return;
		}
		const char *decision = kf_con_val(&c, "decision");
		json_t *b = json_pack("{s:s}", "decision", decision ? decision : "");
		if (decision && !strcmp(decision, "reject"))
			json_object_set_new(b, "reasons", posted_reasons(&c, kind));
		const char *ev = kf_con_val(&c, "evidence_holds");
		if (ev && *ev)
			json_object_set_new(b, "evidence_holds", json_boolean(!strcmp(ev, "true")));
		json_t *ok = kf_con_send(&c, "POST", b, "/v1/reviews/%s/decision", id);
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/reviews/%s?ok=decided", id));
			return;
		}
		if (c.err.status == 403 && c.err.code && !strcmp(c.err.code, "reviewer_required")) {
			kf_con_forbidden(&c);
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
		conflict = c.err.code && !strcmp(c.err.code, "already_decided") && c.err.rule && !strcmp(c.err.rule, "REV-5");
		if (conflict)
			c.has_err = false;
	}
	struct kf_con_err kept = c.err;
	bool had = c.has_err;
	json_t *x = kf_con_get(&c, "/v1/reviews/%s/context", id);
	if (!x) {
		if (c.err.status == 403)
			kf_con_forbidden(&c);
		else
			kf_con_not_found(&c);
		return;
	}
	c.err = kept;
	c.has_err = had;
	json_t *rv = json_object_get(x, "review");
	const char *kind_s = kf_con_str(&c, rv, "kind");
	enum kf_review_kind kind = KF_REVIEW_QUALIFICATION;
	(void)kf_review_kind_parse(kind_s, &kind);
	/* previous and next in the queue's order (REV-1: open reviews, earliest
	 * deadline first); when this one is not open, next is the queue's first */
	const char *prev = kf_con_str(&c, x, "queue_prev"), *next = kf_con_str(&c, x, "queue_next");
	struct kf_page_link crumbs[] = {{"/console/reviews", CL(&c, "Reviews", "审核"), false}};
	kf_con_open(&c, kf_con_fmt(&c, "%s #%s", kf_page_review_kind(c.lang, kind_s), id), crumbs, 1);
	struct kf_html *h = &c.h;
	if (conflict)
		kf_page_notice_rule(h, "warn",
				    kf_con_fmt(&c, CL(&c, "Already decided by %s at %s: your decision was not recorded.",
						      "已由 %s 于 %s 处理，你的审核结论未被记录。"),
					       kf_con_str(&c, rv, "reviewer_email") ? kf_con_str(&c, rv, "reviewer_email") : "—",
					       time_text(&c, json_object_get(rv, "decided_at"))),
				    "REV-5");
	pager(&c, prev, next);
	header(&c, rv, x);
	kf_html_raw(h, "<div class=\"desk\"><div class=\"desk-main\">");
	switch (kind) {
	case KF_REVIEW_QUALIFICATION:
		qualification(&c, x);
		break;
	case KF_REVIEW_AUTHENTICITY:
		documents(&c, json_object_get(x, "documents"));
		card_open(&c, "h-statement", CL(&c, "Statement", "说明"));
		kf_con_para(&c, NULL, value_text(&c, json_object_get(x, "statement")));
		kf_html_raw(h, "</section>");
		break;
	case KF_REVIEW_CREATION:
		props_card(&c, "h-config", CL(&c, "Configuration", "应用配置"), json_object_get(x, "config"));
		app_side(&c, x);
		break;
	case KF_REVIEW_SEARCH_LISTING:
	case KF_REVIEW_DISPLAY_LISTING:
		props_card(&c, "h-attest", CL(&c, "Attestations", "承诺与证明"), json_object_get(x, "attestations"));
		documents(&c, json_object_get(x, "documents"));
		listing_card(&c, json_object_get(x, "listing"), NULL);
		break;
	case KF_REVIEW_RELEASE:
	case KF_REVIEW_CHANGE:
		if (kind == KF_REVIEW_CHANGE)
			changes_card(&c, json_object_get(x, "changes"));
		listing_card(&c, json_object_get(x, "listing"), json_object_get(x, "findings"));
		previews(&c, x);
		urls_card(&c, json_object_get(x, "url_checks"));
		checks_card(&c, json_object_get(x, "checks"));
		app_side(&c, x);
		props_card(&c, "h-config", CL(&c, "Configuration", "应用配置"), json_object_get(x, "config"));
		break;
	}
	provider_card(&c, json_object_get(x, "provider"));
	history_card(&c, "h-earlier", CL(&c, "Earlier decisions on this subject", "此对象的历史审核结论"),
		     json_object_get(x, "earlier_decisions"), CL(&c, "None.", "无。"));
	history_card(&c, "h-history", CL(&c, "The provider's other reviews", "该服务商的其他审核"),
		     json_object_get(x, "history"), CL(&c, "None.", "无。"));
	kf_html_raw(h, "</div><aside class=\"desk-side\">");
	const char *st = kf_con_str(&c, rv, "state");
	if (st && !strcmp(st, "pending") && may_decide(&c)) {
		decision_form(&c, id, kind);
	} else {
		card_open(&c, "h-decide", CL(&c, "Decision", "审核结论"));
		kf_con_para(&c, "muted",
			    st && !strcmp(st, "pending")
				    ? CL(&c, "Your role reads reviews; deciding needs a reviewer or an administrator.",
					 "你的角色只能查看审核；审核结论需由审核员或管理员给出。")
				    : CL(&c, "This review is closed.", "此审核已结束。"));
		kf_html_raw(h, "</section>");
	}
	kf_html_raw(h, "</aside></div>");
	kf_con_finish(&c);
}

/* ------------------------------------------------------------ files */

/* GET /console/files/{id}: a document or a picture for the desk's pages,
 * read through the API as the signed-in person (the API decides). Never
 * sniffed; images and PDFs inline, all else an attachment; no script runs
 * in it and no other site frames it. */
static void file_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	const char *id = kf_req_param(r, "id");
	struct kf_call call = {0};
	if (digits(id))
		kf_con_call(&c, "GET", kf_con_fmt(&c, "/v1/files/%s/content", id), NULL, NULL, NULL, 0, &call);
	if (!digits(id) || call.status != 200 || !call.raw) {
		kf_con_not_found(&c);
		return;
	}
	const char *type = call.type ? call.type : "application/octet-stream";
	bool show = inline_type(type);
	kf_reply_raw(r, 200, show ? type : "application/octet-stream", call.raw, call.raw_len);
	/* X-Content-Type-Options: nosniff is on every answer (http/) */
	kf_reply_header(r, "Content-Security-Policy",
			!strcmp(type, "application/pdf") ? "default-src 'none'; frame-ancestors 'self'"
							 : "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
							   "frame-ancestors 'self'; sandbox");
	kf_reply_header(r, "Content-Disposition", show ? "inline" : "attachment");
	kf_reply_header(r, "Cache-Control", "private, no-store");
}

const struct kf_route kf_console_review_routes[] = {
	{"GET", "/console/reviews/{id}", review_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "One review on one screen with its decision form (HTML)"},
	{"POST", "/console/reviews/{id}", review_page, KF_AUTH_OPERATOR, KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX,
	 "Decide a review from the desk (HTML form)"},
	{"GET", "/console/files/{id}", file_page, KF_AUTH_USER, KF_RF_PAGE,
	 "A file shown in a console page: images and PDFs inline, others as attachment"},
};
const size_t kf_console_review_nroutes = sizeof(kf_console_review_routes) / sizeof(kf_console_review_routes[0]);

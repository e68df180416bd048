/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform's rules and catalogs for the operator's staff: term lists
 * with a test box (APP-11, LST-3/4/5/18/19), categories with the
 * qualifications they require (REV-6), permission sets with the texts
 * providers and host owners read (APP-3), and the announcements of the
 * console and the landing page (NOTE-1). Every member of the staff reads
 * them; only an administrator changes them: the routes declare it, and the
 * pages show a form only to whom the API will let use it. Agreements are in
 * ops_agreements.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/ops_settings.h"
#include "util/mem.h"

bool kf_ops_is_admin(struct kf_con *c)
{
	const char *role = kf_con_staff_role(c);
	return role && !strcmp(role, "admin");
}

void kf_ops_open(struct kf_con *c, const char *title, const char *parent_href, const char *parent_label)
{
	struct kf_page_link crumbs[] = {{"/console/ops", CL(c, "Platform", "平台管理"), false},
					{parent_href, parent_label, false}};
	c->section = "ops";
	kf_con_open(c, title, crumbs, parent_href ? 2 : 1);
}

void kf_ops_read_only_note(struct kf_con *c)
{
	if (!kf_ops_is_admin(c))
		kf_page_notice(&c->h, "info",
			       CL(c, "You can read this page; changes need an administrator.",
				  "你可以查看本页；修改需要管理员。"));
}

void kf_ops_table_open(struct kf_con *c, const char *label)
{
	/* a region a keyboard can reach, since a wide table scrolls in it */
	kf_html_raw(&c->h, "<div class=\"table\" tabindex=\"0\" role=\"region\"");
	kf_html_attr(&c->h, "aria-label", label);
	kf_html_raw(&c->h, ">");
}

/* The posted lines of a textarea, trimmed, empty lines dropped: a new
 * JSON array of strings. line_of (may be NULL) receives, for each item,
 * its 1-based line in the box (at most max_lines are recorded). */
static json_t *lines_array(struct kf_con *c, const char *name, int *line_of, size_t max_lines)
{
	json_t *arr = json_array();
	const char *v = kf_con_val(c, name);
	int line = 0;
	for (const char *p = v; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		line++;
		const char *s = p, *e = p + len;
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e > s) {
			if (line_of && json_array_size(arr) < max_lines)
				line_of[json_array_size(arr)] = line;
			json_array_append_new(arr, json_stringn(s, (size_t)(e - s)));
		}
		p = nl ? nl + 1 : p + len;
	}
	return arr;
}

/* The strings of a JSON array joined by newlines (for a textarea). */
static const char *join_lines(struct kf_con *c, json_t *arr)
{
	struct kf_arena *a = c->r->arena;
	size_t n = 0, i;
	json_t *v;
	json_array_foreach(arr, i, v)
		n += json_string_length(v) + 1;
	char *out = kf_arena_alloc(a, n + 1), *p = out;
	json_array_foreach(arr, i, v) {
		memcpy(p, json_string_value(v), json_string_length(v));
		p += json_string_length(v);
		*p++ = '\n';
	}
	*p = '\0';
	return out;
}

/* ------------------------------------------------------------ term lists */

static const struct {
	const char *list, *en, *zh, *en_hint, *zh_hint;
} list_words[] = {
	{"protected_marks", "Protected marks", "平台保护标识", "The platform's own marks: not in app names, domains or descriptions.",
	 "平台自有标识：不得用于应用名称、域名或介绍。"},
	{"generic_names", "Generic names", "通用名称", "Names that are only a generic word; matched against the whole name.",
	 "仅为通用词的名称；与整个名称比对。"},
	{"hot_words", "Search hot words", "搜索热词", "Search words unrelated to the app (SEO stuffing).",
	 "与应用无关的搜索热词（堆砌关键词）。"},
	{"gambling_names", "Gambling names", "涉赌名称", "Gambling names, not allowed in app names.", "涉赌名称，不得用于应用名称。"},
	{"superlatives", "Absolute superlatives", "绝对化用语", "Absolute claims such as “best” or “No. 1”, in all texts.",
	 "“最”“第一”等绝对化用语，适用于所有文本。"},
	{"banned_terms", "Banned content terms", "违禁内容词", "Banned content (gambling and the like), in all texts.",
	 "违禁内容（涉赌等），适用于所有文本。"},
};

static int list_index(const char *list)
{
	for (size_t i = 0; list && i < sizeof(list_words) / sizeof(list_words[0]); i++)
		if (!strcmp(list_words[i].list, list))
			return (int)i;
	return -1;
}

static void termlists_index(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	json_t *lists = kf_con_get(&c, "/v1/term-lists");
	if (!lists && c.err.status == 403) {
		kf_con_forbidden(&c);
		return;
	}
	kf_ops_open(&c, CL(&c, "Term lists", "词表"), NULL, NULL);
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted",
		    CL(&c, "The automated listing checks match these terms after normalisation (full-width and "
			   "half-width forms, upper and lower case, spaces and punctuation do not matter). Open a list "
			   "to see its terms and try a sample text.",
		       "自动检测在规范化之后匹配这些词（全角半角、大小写、空格和标点均不影响匹配）。打开词表可查看其中的词并试测文本。"));
	kf_ops_table_open(&c, CL(&c, "Term lists", "词表"));
	kf_html_raw(h, "<table><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(&c, "List", "词表"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Rule", "规则"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Terms", "词数"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(lists, "items"), i, it) {
		const char *list = kf_con_str(&c, it, "list");
		int k = list_index(list);
		if (!list)
			continue;
		kf_html_raw(h, "<tr><td><a");
		kf_html_url_attr(h, "href", kf_con_fmt(&c, "/console/ops/term-lists/%s", list));
		kf_html_raw(h, ">");
		kf_html_text(h, k >= 0 ? CL(&c, list_words[k].en, list_words[k].zh) : list);
		kf_html_raw(h, "</a><br><span class=\"muted small\">");
		kf_html_text(h, k >= 0 ? CL(&c, list_words[k].en_hint, list_words[k].zh_hint) : "");
		kf_html_raw(h, "</span></td><td>");
		kf_page_rule(h, kf_con_str(&c, it, "rule"));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_str(&c, it, "count"));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
	kf_con_finish(&c);
}

/* The skeleton with the matched code points marked. */
static void marked_skeleton(struct kf_con *c, const char *sk, json_t *matches)
{
	struct kf_html *h = &c->h;
	size_t len = strlen(sk), ncp = 0;
	for (size_t i = 0; i < len; i++)
		ncp += ((unsigned char)sk[i] & 0xC0) != 0x80;
	bool *hit = kf_arena_alloc(c->r->arena, ncp + 1);
	memset(hit, 0, ncp + 1);
	size_t i;
	json_t *m;
	json_array_foreach(matches, i, m) {
		json_int_t s = json_integer_value(json_object_get(m, "start")),
			   e = json_integer_value(json_object_get(m, "end"));
		for (json_int_t k = s; k >= 0 && k < e && (size_t)k < ncp; k++)
			hit[k] = true;
	}
	kf_html_raw(h, "<div class=\"doc\" tabindex=\"0\" role=\"region\"");
	kf_html_attr(h, "aria-label", CL(c, "The text after normalisation", "规范化后的文本"));
	kf_html_raw(h, ">");
	size_t cp = 0, seg = 0;
	for (size_t b = 0; b <= len; b++) {
		bool boundary = b == len || ((unsigned char)sk[b] & 0xC0) != 0x80;
		if (!boundary)
			continue;
		/* b starts code point cp (or is the end): flush when the mark changes */
		if (b == len || (cp > 0 && hit[cp] != hit[cp - 1])) {
			if (b > seg) {
				bool on = hit[cp - 1];
				if (on)
					kf_html_raw(h, "<mark>");
				kf_html_text(h, kf_arena_strndup(c->r->arena, sk + seg, b - seg));
				if (on)
					kf_html_raw(h, "</mark>");
			}
			seg = b;
		}
		if (b < len)
			cp++;
	}
	kf_html_raw(h, "</div>");
}

static void test_result(struct kf_con *c, json_t *res)
{
	struct kf_html *h = &c->h;
	json_t *matches = json_object_get(res, "matches");
	size_t n = json_array_size(matches);
	bool whole = !strcmp(kf_con_str(c, res, "match") ? kf_con_str(c, res, "match") : "", "whole_text");
	kf_html_raw(h, "<section class=\"card\" aria-labelledby=\"test-result\"><h2 id=\"test-result\">");
	kf_html_text(h, CL(c, "Result", "结果"));
	kf_html_raw(h, "</h2>");
	if (!n)
		kf_page_notice(&c->h, "ok",
			       whole ? CL(c, "No match: the text as a whole is not one of these names.",
					  "未命中：该文本整体不是词表中的名称。")
				     : CL(c, "No match: the checks would not flag this text for this list.",
					  "未命中：检测不会因本词表标记该文本。"));
	else
		kf_page_notice(&c->h, "warn",
			       kf_con_fmt(c, CL(c, "%s term(s) matched: the checks would flag this text.",
						"命中 %s 个词：检测会标记该文本。"),
					  kf_con_str(c, res, "count")));
	kf_html_raw(h, "<p class=\"muted small\">");
	kf_html_text(h, CL(c, "The text after normalisation (NFKC, case folding; spaces, punctuation and symbols removed):",
			   "规范化后的文本（NFKC、大小写折叠，去除空格、标点和符号）："));
	kf_html_raw(h, "</p>");
	marked_skeleton(c, kf_con_str(c, res, "normalized") ? kf_con_str(c, res, "normalized") : "", matches);
	if (n) {
		kf_ops_table_open(c, CL(c, "Matches", "命中的词"));
		kf_html_raw(h, "<table><thead><tr><th scope=\"col\">");
		kf_html_text(h, CL(c, "Term", "词"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Normalised", "规范化后"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Position (characters)", "位置（字符）"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		size_t i;
		json_t *m;
		json_array_foreach(matches, i, m) {
			kf_html_raw(h, "<tr><td>");
			kf_html_text(h, kf_con_str(c, m, "term"));
			kf_html_raw(h, "</td><td>");
			kf_html_text(h, kf_con_str(c, m, "normalized_term"));
			kf_html_raw(h, "</td><td>");
			kf_html_text(h, kf_con_fmt(c, "%lld–%lld",
						   (long long)json_integer_value(json_object_get(m, "start")) + 1,
						   (long long)json_integer_value(json_object_get(m, "end"))));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_html_raw(h, "</section>");
}

#define TERMS_LINES_MAX 5000

static void termlist_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	const char *list = kf_req_param(r, "list");
	int k = list_index(list);
	if (k < 0) {
		kf_con_not_found(&c);
		return;
	}
	json_t *test = NULL;
	const char *action = c.post ? kf_con_val(&c, "action") : NULL;
	if (action && !strcmp(action, "test")) {
		json_t *b = json_pack("{s:s}", "text", kf_con_val(&c, "text") ? kf_con_val(&c, "text") : "");
		test = kf_con_send(&c, "POST", b, "/v1/term-lists/%s/test", list);
		json_decref(b);
		if (!test)
			c.status = c.err.status;
	} else if (action && !strcmp(action, "save")) {
		int *line_of = kf_arena_alloc(r->arena, TERMS_LINES_MAX * sizeof(*line_of));
		json_t *terms = lines_array(&c, "terms", line_of, TERMS_LINES_MAX);
		json_t *b = json_pack("{s:o}", "terms", terms);
		json_t *ok = kf_con_send(&c, "PUT", b, "/v1/term-lists/%s", list);
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/ops/term-lists/%s?ok=saved", list));
			return;
		}
		c.status = c.err.status;
		if (c.err.status == 403) {
			kf_con_forbidden(&c);
			return;
		}
		/* "terms[i]" is line line_of[i] of the box */
		unsigned idx;
		if (c.err.field && sscanf(c.err.field, "terms[%u]", &idx) == 1) {
			if (idx < TERMS_LINES_MAX)
				c.err.message = kf_con_fmt(&c, CL(&c, "Line %d: %s", "第 %d 行：%s"), line_of[idx],
							   c.err.message ? c.err.message : "");
			c.err.field = "terms";
		}
	}
	bool had_err = c.has_err;
	struct kf_con_err saved = c.err;
	c.has_err = false;
	json_t *cur = kf_con_get(&c, "/v1/term-lists/%s", list);
	if (!cur) {
		if (c.err.status == 403)
			kf_con_forbidden(&c);
		else
			kf_con_not_found(&c);
		return;
	}
	c.has_err = had_err;
	c.err = saved;
	kf_ops_open(&c, CL(&c, list_words[k].en, list_words[k].zh), "/console/ops/term-lists", CL(&c, "Term lists", "词表"));
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<p class=\"muted\">");
	kf_html_text(h, CL(&c, list_words[k].en_hint, list_words[k].zh_hint));
	kf_html_raw(h, " ");
	kf_page_rule(h, kf_con_str(&c, cur, "rule"));
	kf_html_raw(h, "</p>");
	const char *role = kf_con_staff_role(&c);
	bool auditor = role && !strcmp(role, "auditor");
	/* the test box: a read of the lists, open to the staff who may post */
	kf_html_raw(h, "<section class=\"card\" aria-labelledby=\"test-box\"><h2 id=\"test-box\">");
	kf_html_text(h, CL(&c, "Test a text", "试测文本"));
	kf_html_raw(h, "</h2>");
	if (auditor) {
		kf_con_para(&c, "muted", CL(&c, "The test box is for reviewers, operations and administrators.",
					    "试测仅供审核员、运营和管理员使用。"));
	} else {
		kf_con_form(&c, NULL, false);
		struct kf_page_field f = {
			.name = "text", .label = CL(&c, "Sample text", "示例文本"), .type = "textarea",
			.hint = CL(&c, "A name, an introduction or any text: see which terms of this list it matches, as "
				       "the automated checks would.",
				   "输入名称、简介或任意文本，查看它会命中本词表中的哪些词（与自动检测一致）。"),
			.value = action && !strcmp(action, "test") ? kf_con_val(&c, "text") : NULL,
		};
		kf_con_field(&c, &f);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, "primary", CL(&c, "Test", "试测"), "action", "test");
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
	}
	kf_html_raw(h, "</section>");
	if (test)
		test_result(&c, test);
	json_t *terms = json_object_get(cur, "terms");
	kf_html_raw(h, "<section class=\"card\" aria-labelledby=\"terms-h\"><h2 id=\"terms-h\">");
	kf_html_text(h, kf_con_fmt(&c, CL(&c, "Terms (%zu)", "词（%zu 个）"), json_array_size(terms)));
	kf_html_raw(h, "</h2>");
	if (kf_ops_is_admin(&c)) {
		kf_con_form(&c, NULL, false);
		struct kf_page_field f = {
			.name = "terms", .label = CL(&c, "Terms, one per line", "词，每行一个"), .type = "textarea",
			.value = join_lines(&c, terms),
			.hint = CL(&c, "Saving replaces the whole list; the next listing check uses it at once.",
				   "保存后整个词表被替换，下一次检测立即使用新词表。"),
		};
		kf_con_field(&c, &f);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, "primary", CL(&c, "Save the list", "保存词表"), "action", "save");
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
	} else {
		kf_ops_read_only_note(&c);
		if (!json_array_size(terms)) {
			kf_page_empty(h, CL(&c, "This list is empty.", "该词表为空。"), NULL, NULL);
		} else {
			kf_html_raw(h, "<ul class=\"terms\">");
			size_t i;
			json_t *t;
			json_array_foreach(terms, i, t) {
				kf_html_raw(h, "<li>");
				kf_html_text(h, json_string_value(t));
				kf_html_raw(h, "</li>");
			}
			kf_html_raw(h, "</ul>");
		}
	}
	kf_html_raw(h, "</section>");
	kf_con_finish(&c);
}

/* ------------------------------------------------------------ categories */

static json_t *find_by(json_t *items, const char *key, const char *value)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *v = json_object_get(it, key);
		if (json_is_string(v) && value && !strcmp(json_string_value(v), value))
			return it;
		if (json_is_integer(v) && value && json_integer_value(v) == strtoll(value, NULL, 10) &&
		    strspn(value, "0123456789") == strlen(value) && *value)
			return it;
	}
	return NULL;
}

static const char *docs_text(struct kf_con *c, json_t *q)
{
	if (!json_array_size(q))
		return CL(c, "None", "无");
	const char *s = "";
	size_t i;
	json_t *d;
	json_array_foreach(q, i, d)
		s = kf_con_fmt(c, "%s%s%s", s, i ? ", " : "", json_string_value(d));
	return s;
}

static void categories_index(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	json_t *cats = kf_con_get(&c, "/v1/categories");
	kf_ops_open(&c, CL(&c, "Categories", "类目"), NULL, NULL);
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted",
		    CL(&c, "Providers file each app under one category; an app in a category that needs special "
			   "qualifications is released only once a reviewer accepted each listed document (REV-6).",
		       "服务商为每个应用选择一个类目；需要特殊资质的类目，须审核员通过所列全部资质文件后应用才能发布（REV-6）。"));
	bool admin = kf_ops_is_admin(&c);
	if (admin) {
		kf_html_raw(h, "<div class=\"actions\"><a class=\"button primary\" href=\"/console/ops/categories/new\">");
		kf_html_text(h, CL(&c, "New category", "新建类目"));
		kf_html_raw(h, "</a></div>");
	} else {
		kf_ops_read_only_note(&c);
	}
	kf_ops_table_open(&c, CL(&c, "Categories", "类目"));
	kf_html_raw(h, "<table class=\"wide\"><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Category", "类目"));
	kf_html_raw(h, "</th><th scope=\"col\">ID</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Required qualifications", "所需资质"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(cats, "items"), i, it) {
		const char *id = kf_con_str(&c, it, "id");
		kf_html_raw(h, "<tr><td><a");
		kf_html_url_attr(h, "href", kf_con_fmt(&c, "/console/ops/categories/%s", id));
		kf_html_raw(h, ">");
		kf_html_text(h, kf_con_str(&c, it, c.lang == KF_LANG_ZH ? "name_zh" : "name_en"));
		kf_html_raw(h, "</a><br><span class=\"muted small\">");
		kf_html_text(h, kf_con_str(&c, it, c.lang == KF_LANG_ZH ? "name_en" : "name_zh"));
		kf_html_raw(h, "</span></td><td><code>");
		kf_html_text(h, id);
		kf_html_raw(h, "</code></td><td>");
		kf_html_text(h, docs_text(&c, json_object_get(it, "qualifications")));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
	kf_con_finish(&c);
}

static void category_fields(struct kf_con *c, json_t *cur, bool with_id)
{
	if (with_id)
		kf_con_input(c, "id", CL(c, "ID", "ID"), "text", NULL,
			     CL(c, "What listings name: a-z, 0-9 and _, starting with a letter; it cannot change later.",
				"应用资料中使用的标识：a-z、0-9 和 _，以字母开头；创建后不可修改。"),
			     true);
	kf_con_input(c, "name_zh", CL(c, "Chinese name", "中文名称"), "text", kf_con_str(c, cur, "name_zh"), NULL, true);
	kf_con_input(c, "name_en", CL(c, "English name", "英文名称"), "text", kf_con_str(c, cur, "name_en"), NULL, true);
	struct kf_page_field f = {
		.name = "qualifications", .label = CL(c, "Required qualification documents, one per line", "所需资质文件，每行一个"),
		.type = "textarea", .value = cur ? join_lines(c, json_object_get(cur, "qualifications")) : NULL,
		.hint = CL(c, "Document keys such as financial_licence; leave empty when the category needs none.",
			   "资质文件标识，如 financial_licence；不需要特殊资质时留空。"),
	};
	kf_con_field(c, &f);
}

static json_t *category_body(struct kf_con *c, bool with_id)
{
	json_t *b = json_object();
	if (with_id)
		json_object_set_new(b, "id", json_string(kf_con_val(c, "id") ? kf_con_val(c, "id") : ""));
	json_object_set_new(b, "name_zh", json_string(kf_con_val(c, "name_zh") ? kf_con_val(c, "name_zh") : ""));
	json_object_set_new(b, "name_en", json_string(kf_con_val(c, "name_en") ? kf_con_val(c, "name_en") : ""));
	json_object_set_new(b, "qualifications", lines_array(c, "qualifications", NULL, 0));
	return b;
}

static void category_new(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	if (c.post) {
		json_t *b = category_body(&c, true);
		json_t *ok = kf_con_send(&c, "POST", b, "/v1/categories");
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/ops/categories/%s?ok=created", kf_con_str(&c, ok, "id")));
			return;
		}
		c.status = c.err.status;
	}
	kf_ops_open(&c, CL(&c, "New category", "新建类目"), "/console/ops/categories", CL(&c, "Categories", "类目"));
	kf_con_form(&c, NULL, false);
	category_fields(&c, NULL, true);
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Create", "创建"), NULL, NULL);
	kf_con_link(&c, NULL, "/console/ops/categories", CL(&c, "Cancel", "取消"));
	kf_html_raw(&c.h, "</div>");
	kf_page_form_close(&c.h);
	kf_con_finish(&c);
}

static void category_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	const char *id = kf_req_param(r, "id");
	if (c.post) {
		json_t *b = category_body(&c, false);
		json_t *ok = kf_con_send(&c, "PATCH", b, "/v1/categories/%s", id);
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/ops/categories/%s?ok=saved", id));
			return;
		}
		if (c.err.status == 404) {
			kf_con_not_found(&c);
			return;
		}
		c.status = c.err.status;
	}
	bool had_err = c.has_err;
	json_t *cats = kf_con_get(&c, "/v1/categories");
	c.has_err = had_err;
	json_t *cur = find_by(json_object_get(cats, "items"), "id", id);
	if (!cur) {
		kf_con_not_found(&c);
		return;
	}
	kf_ops_open(&c, kf_con_str(&c, cur, c.lang == KF_LANG_ZH ? "name_zh" : "name_en"), "/console/ops/categories",
		    CL(&c, "Categories", "类目"));
	struct kf_html *h = &c.h;
	if (kf_ops_is_admin(&c)) {
		kf_html_raw(h, "<p class=\"muted\">ID <code>");
		kf_html_text(h, id);
		kf_html_raw(h, "</code></p>");
		kf_con_form(&c, NULL, false);
		category_fields(&c, cur, false);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, "primary", CL(&c, "Save", "保存"), NULL, NULL);
		kf_con_link(&c, NULL, "/console/ops/categories", CL(&c, "Cancel", "取消"));
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
	} else {
		kf_ops_read_only_note(&c);
		kf_html_raw(h, "<dl class=\"props\">");
		kf_page_dl_row(h, "ID", id);
		kf_page_dl_row(h, CL(&c, "Chinese name", "中文名称"), kf_con_str(&c, cur, "name_zh"));
		kf_page_dl_row(h, CL(&c, "English name", "英文名称"), kf_con_str(&c, cur, "name_en"));
		kf_page_dl_row(h, CL(&c, "Required qualifications", "所需资质"),
			       docs_text(&c, json_object_get(cur, "qualifications")));
		kf_html_raw(h, "</dl>");
	}
	kf_con_finish(&c);
}

/* ------------------------------------------------------- permission sets */

static void permsets_index(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	json_t *sets = kf_con_get(&c, "/v1/permission-sets");
	kf_ops_open(&c, CL(&c, "Permission sets", "权限集"), NULL, NULL);
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted",
		    CL(&c, "Apps choose from these sets (APP-3). Providers read the names and descriptions on the app "
			   "forms; host owners read them, and the data entrusted, on the consent page.",
		       "应用从这些权限集中选择（APP-3）。服务商在应用表单中看到名称和说明；授权方在授权页看到名称、说明和所托管的数据。"));
	if (kf_ops_is_admin(&c)) {
		kf_html_raw(h, "<div class=\"actions\"><a class=\"button primary\" href=\"/console/ops/permission-sets/new\">");
		kf_html_text(h, CL(&c, "New permission set", "新建权限集"));
		kf_html_raw(h, "</a></div>");
	} else {
		kf_ops_read_only_note(&c);
	}
	kf_ops_table_open(&c, CL(&c, "Permission sets", "权限集"));
	kf_html_raw(h, "<table class=\"wide\"><thead><tr><th scope=\"col\">ID</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Permission set", "权限集"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Data entrusted", "托管的数据"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Automated check", "自动检测"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *it;
	bool zh = c.lang == KF_LANG_ZH;
	json_array_foreach(json_object_get(sets, "items"), i, it) {
		const char *id = kf_con_str(&c, it, "id");
		const char *data = kf_con_str(&c, it, zh ? "data_entrusted_zh" : "data_entrusted_en");
		kf_html_raw(h, "<tr><td>");
		kf_html_text(h, id);
		kf_html_raw(h, "</td><td><a");
		kf_html_url_attr(h, "href", kf_con_fmt(&c, "/console/ops/permission-sets/%s", id));
		kf_html_raw(h, ">");
		kf_html_text(h, kf_con_str(&c, it, zh ? "name_zh" : "name_en"));
		kf_html_raw(h, "</a> <code>");
		kf_html_text(h, kf_con_str(&c, it, "key"));
		kf_html_raw(h, "</code>");
		if (json_is_false(json_object_get(it, "optional"))) {
			kf_html_raw(h, " <span class=\"muted small\">");
			kf_html_text(h, CL(&c, "(required)", "（必选）"));
			kf_html_raw(h, "</span>");
		}
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, data && *data ? data : kf_con_str(&c, it, "data_entrusted_en"));
		kf_html_raw(h, "</td><td>");
		const char *chk = kf_con_str(&c, it, "capability_check");
		kf_html_text(h, chk && *chk ? chk : CL(&c, "None", "无"));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
	kf_con_finish(&c);
}

static const char *const set_texts[] = {"name", "name_en", "description_zh", "description", "data_entrusted_zh",
					"data_entrusted", "capability_check"};
#define N_SET_TEXTS (sizeof(set_texts) / sizeof(set_texts[0]))

static void permset_fields(struct kf_con *c, json_t *cur, bool create)
{
	if (create) {
		kf_con_input(c, "id", CL(c, "ID (number)", "ID（数字）"), "number", NULL,
			     CL(c, "The funcscope_category id apps receive; it cannot change later.",
				"应用收到的 funcscope_category id；创建后不可修改。"),
			     true);
		kf_con_input(c, "key", CL(c, "Key", "标识"), "text", NULL,
			     CL(c, "The OAuth scope word; it cannot change later.", "OAuth scope 词；创建后不可修改。"), true);
	}
	const char *labels_en[] = {"Chinese name", "English name", "Chinese description", "English description",
				   "Data entrusted (Chinese)", "Data entrusted (English)", "Automated check"};
	const char *labels_zh[] = {"中文名称", "英文名称", "中文说明", "英文说明", "托管的数据（中文）", "托管的数据（英文）",
				   "自动检测"};
	const char *keys_cur[] = {"name_zh", "name_en", "description_zh", "description_en", "data_entrusted_zh",
				  "data_entrusted_en", "capability_check"};
	for (size_t i = 0; i < N_SET_TEXTS; i++) {
		struct kf_page_field f = {
			.name = set_texts[i], .label = CL(c, labels_en[i], labels_zh[i]),
			.type = (i >= 2 && i <= 5) ? "textarea" : "text",
			.value = kf_con_str(c, cur, keys_cur[i]),
			.required = i == 0 || i == 1 || i == 3 || i == 5,
		};
		if (i == 6)
			f.hint = CL(c, "Checks run before release for apps with this set: text_reply, api_reply, event_reply "
				       "(separated by spaces); empty for none.",
				    "含此权限集的应用在发布前运行的检测：text_reply、api_reply、event_reply（以空格分隔）；留空表示不检测。");
		if (i == 4 || i == 5)
			f.hint = CL(c, "What the app receives, as the consent page tells the host owner.",
				    "应用获得的数据，授权页会告知授权方。");
		kf_con_field(c, &f);
	}
	bool opt = c->post ? kf_con_val(c, "optional") != NULL : !json_is_false(json_object_get(cur, "optional"));
	bool md = c->post ? kf_con_val(c, "member_data") != NULL : json_is_true(json_object_get(cur, "member_data"));
	struct kf_page_field o = {.name = "optional", .type = "checkbox", .value = "1", .checked = opt,
				  .label = CL(c, "Optional: the host owner may deselect it", "可选：授权方可取消勾选")};
	struct kf_page_field m = {.name = "member_data", .type = "checkbox", .value = "1", .checked = md,
				  .label = CL(c, "Hands over members' data (the consent page asks for the visible member scope)",
					      "涉及成员数据（授权页会要求选择可见范围）")};
	kf_con_field(c, &o);
	kf_con_field(c, &m);
}

static json_t *permset_body(struct kf_con *c, bool create)
{
	json_t *b = json_object();
	if (create) {
		const char *id = kf_con_val(c, "id");
		char *end = NULL;
		long long v = id ? strtoll(id, &end, 10) : 0;
		json_object_set_new(b, "id", json_integer(end && !*end ? v : 0));
		json_object_set_new(b, "key", json_string(kf_con_val(c, "key") ? kf_con_val(c, "key") : ""));
	}
	for (size_t i = 0; i < N_SET_TEXTS; i++) {
		const char *v = kf_con_val(c, set_texts[i]);
		if (create && (!v || !*v) && (i == 2 || i == 4 || i == 6))
			continue;
		json_object_set_new(b, set_texts[i], json_string(v ? v : ""));
	}
	json_object_set_new(b, "optional", json_boolean(kf_con_val(c, "optional") != NULL));
	json_object_set_new(b, "member_data", json_boolean(kf_con_val(c, "member_data") != NULL));
	return b;
}

static void permset_new(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	if (c.post) {
		json_t *b = permset_body(&c, true);
		json_t *ok = kf_con_send(&c, "POST", b, "/v1/permission-sets");
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/ops/permission-sets/%s?ok=created", kf_con_str(&c, ok, "id")));
			return;
		}
		c.status = c.err.status;
	}
	kf_ops_open(&c, CL(&c, "New permission set", "新建权限集"), "/console/ops/permission-sets",
		    CL(&c, "Permission sets", "权限集"));
	kf_con_form(&c, NULL, false);
	permset_fields(&c, NULL, true);
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Create", "创建"), NULL, NULL);
	kf_con_link(&c, NULL, "/console/ops/permission-sets", CL(&c, "Cancel", "取消"));
	kf_html_raw(&c.h, "</div>");
	kf_page_form_close(&c.h);
	kf_con_finish(&c);
}

static void permset_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	const char *id = kf_req_param(r, "id");
	if (!id || !*id || strspn(id, "0123456789") != strlen(id) || strlen(id) > 9) {
		kf_con_not_found(&c);
		return;
	}
	if (c.post) {
		json_t *b = permset_body(&c, false);
		json_t *ok = kf_con_send(&c, "PATCH", b, "/v1/permission-sets/%s", id);
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/ops/permission-sets/%s?ok=saved", id));
			return;
		}
		if (c.err.status == 404) {
			kf_con_not_found(&c);
			return;
		}
		c.status = c.err.status;
	}
	bool had_err = c.has_err;
	json_t *sets = kf_con_get(&c, "/v1/permission-sets");
	c.has_err = had_err;
	json_t *cur = find_by(json_object_get(sets, "items"), "id", id);
	if (!cur) {
		kf_con_not_found(&c);
		return;
	}
	bool zh = c.lang == KF_LANG_ZH;
	kf_ops_open(&c, kf_con_str(&c, cur, zh ? "name_zh" : "name_en"), "/console/ops/permission-sets",
		    CL(&c, "Permission sets", "权限集"));
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<p class=\"muted\">ID ");
	kf_html_text(h, id);
	kf_html_raw(h, " · <code>");
	kf_html_text(h, kf_con_str(&c, cur, "key"));
	kf_html_raw(h, "</code></p>");
	if (kf_ops_is_admin(&c)) {
		kf_con_para(&c, "muted small",
			    CL(&c, "These are the texts providers and host owners read: changes show on the app forms and "
				   "the consent page at once.",
			       "这些是服务商和授权方看到的文字：修改后立即显示在应用表单和授权页上。"));
		kf_con_form(&c, NULL, false);
		permset_fields(&c, cur, false);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, "primary", CL(&c, "Save", "保存"), NULL, NULL);
		kf_con_link(&c, NULL, "/console/ops/permission-sets", CL(&c, "Cancel", "取消"));
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
	} else {
		kf_ops_read_only_note(&c);
		kf_html_raw(h, "<dl class=\"props\">");
		kf_page_dl_row(h, CL(&c, "Chinese name", "中文名称"), kf_con_str(&c, cur, "name_zh"));
		kf_page_dl_row(h, CL(&c, "English name", "英文名称"), kf_con_str(&c, cur, "name_en"));
		kf_page_dl_row(h, CL(&c, "Chinese description", "中文说明"), kf_con_str(&c, cur, "description_zh"));
		kf_page_dl_row(h, CL(&c, "English description", "英文说明"), kf_con_str(&c, cur, "description_en"));
		kf_page_dl_row(h, CL(&c, "Data entrusted (Chinese)", "托管的数据（中文）"),
			       kf_con_str(&c, cur, "data_entrusted_zh"));
		kf_page_dl_row(h, CL(&c, "Data entrusted (English)", "托管的数据（英文）"),
			       kf_con_str(&c, cur, "data_entrusted_en"));
		const char *chk = kf_con_str(&c, cur, "capability_check");
		kf_page_dl_row(h, CL(&c, "Automated check", "自动检测"), chk && *chk ? chk : CL(&c, "None", "无"));
		kf_page_dl_row(h, CL(&c, "Optional", "可选"),
			       json_is_false(json_object_get(cur, "optional")) ? CL(&c, "No", "否") : CL(&c, "Yes", "是"));
		kf_html_raw(h, "</dl>");
	}
	kf_con_finish(&c);
}

/* ---------------------------------------------------------- announcements */

void kf_con_announcements(struct kf_con *c)
{
	bool had_err = c->has_err;
	struct kf_con_err saved = c->err;
	json_t *list = kf_con_get(c, "/v1/announcements");
	c->has_err = had_err;
	c->err = saved;
	json_t *items = json_object_get(list, "items");
	if (!json_array_size(items))
		return;
	struct kf_html *h = &c->h;
	bool zh = c->lang == KF_LANG_ZH;
	kf_html_raw(h, "<section class=\"card announcements\" aria-labelledby=\"announcements-h\"><h2 id=\"announcements-h\">");
	kf_html_text(h, CL(c, "Announcements", "公告"));
	kf_html_raw(h, "</h2><ul>");
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a) {
		kf_html_raw(h, "<li><strong>");
		kf_html_text(h, kf_con_str(c, a, zh ? "title_zh" : "title_en"));
		kf_html_raw(h, "</strong> <span class=\"muted small\">");
		kf_con_time(c, json_integer_value(json_object_get(a, "published_at")));
		kf_html_raw(h, "</span>");
		json_t *ag = json_object_get(a, "agreement");
		json_t *eff = json_object_get(ag, "effective_at");
		const char *body = kf_con_str(c, a, zh ? "body_zh" : "body_en");
		if (json_is_integer(eff)) {
			/* the version's date in the page's time zone, not the mail's text */
			bool in_force = json_integer_value(eff) <= (json_int_t)c->r->now;
			kf_html_raw(h, "<br>");
			kf_html_text(h, in_force ? CL(c, "In force since ", "生效时间：") : CL(c, "Comes into force ", "生效时间："));
			kf_con_time(c, json_integer_value(eff));
			kf_html_text(h, in_force ? CL(c, ". Read and accept it before your next change.", "。请在下次更改前阅读并同意。")
						 : CL(c, ". From then on, read and accept it before you change anything.",
						      "。生效后，请先阅读并同意新版本再进行更改。"));
		} else if (body && *body) {
			kf_html_raw(h, "<br>");
			kf_html_text(h, body);
		}
		if (json_is_object(ag) && c->r->user_id) {
			kf_html_raw(h, " <a href=\"/console/account/agreements\">");
			kf_html_text(h, CL(c, "Read the agreements", "查看协议"));
			kf_html_raw(h, "</a>");
		}
		kf_html_raw(h, "</li>");
	}
	kf_html_raw(h, "</ul></section>");
}

static void announcements_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	if (c.post) {
		json_t *b = json_object();
		static const char *const keys[] = {"title_zh", "title_en", "body_zh", "body_en"};
		for (size_t i = 0; i < 4; i++) {
			const char *v = kf_con_val(&c, keys[i]);
			if (i < 2 || (v && *v))
				json_object_set_new(b, keys[i], json_string(v ? v : ""));
		}
		bool notify = kf_con_val(&c, "notify_providers") != NULL;
		if (notify)
			json_object_set_new(b, "notify_providers", json_true());
		json_t *ok = kf_con_send(&c, "POST", b, "/v1/announcements");
		json_decref(b);
		if (ok) {
			kf_con_redirect(&c, notify ? "/console/ops/announcements?ok=announcement_sent"
						   : "/console/ops/announcements?ok=announcement_posted");
			return;
		}
		c.status = c.err.status;
	}
	bool had_err = c.has_err;
	struct kf_con_err saved = c.err;
	json_t *list = kf_con_get(&c, "/v1/announcements");
	c.has_err = had_err;
	c.err = saved;
	kf_ops_open(&c, CL(&c, "Announcements", "公告"), NULL, NULL);
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted",
		    CL(&c, "Announcements show on the console's home and on the landing page (NOTE-1). A new agreement "
			   "version posts its own.",
		       "公告显示在控制台首页和平台首页（NOTE-1）。发布协议新版本时会自动发布公告。"));
	bool admin = kf_ops_is_admin(&c);
	if (!admin)
		kf_ops_read_only_note(&c);
	json_t *items = json_object_get(list, "items");
	kf_con_h2(&c, CL(&c, "Shown now", "当前显示"));
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(&c, "No announcement is shown.", "当前没有公告。"), NULL, NULL);
	} else {
		kf_ops_table_open(&c, CL(&c, "Announcements", "公告"));
		kf_html_raw(h, "<table class=\"wide\"><thead><tr><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Announcement", "公告"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Published", "发布时间"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Until", "截止"));
		kf_html_raw(h, "</th>");
		if (admin) {
			kf_html_raw(h, "<th scope=\"col\">");
			kf_html_text(h, CL(&c, "Action", "操作"));
			kf_html_raw(h, "</th>");
		}
		kf_html_raw(h, "</tr></thead><tbody>");
		size_t i;
		json_t *a;
		json_array_foreach(items, i, a) {
			kf_html_raw(h, "<tr><td><strong>");
			kf_html_text(h, kf_con_str(&c, a, c.lang == KF_LANG_ZH ? "title_zh" : "title_en"));
			kf_html_raw(h, "</strong><br><span class=\"muted small\">");
			kf_html_text(h, kf_con_str(&c, a, c.lang == KF_LANG_ZH ? "body_zh" : "body_en"));
			kf_html_raw(h, "</span></td><td>");
			kf_con_time(&c, json_integer_value(json_object_get(a, "published_at")));
			kf_html_raw(h, "</td><td>");
			if (json_is_integer(json_object_get(a, "ends_at")))
				kf_con_time(&c, json_integer_value(json_object_get(a, "ends_at")));
			else
				kf_html_text(h, CL(&c, "Until withdrawn", "直至撤下"));
			kf_html_raw(h, "</td>");
			if (admin) {
				kf_html_raw(h, "<td>");
				kf_con_form(&c, kf_con_fmt(&c, "/console/ops/announcements/%s/withdraw",
							   kf_con_str(&c, a, "id")),
					    false);
				kf_page_button(h, "danger", CL(&c, "Withdraw…", "撤下…"), NULL, NULL);
				kf_page_form_close(h);
				kf_html_raw(h, "</td>");
			}
			kf_html_raw(h, "</tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	if (admin) {
		kf_html_raw(h, "<section class=\"card\" aria-labelledby=\"post-h\"><h2 id=\"post-h\">");
		kf_html_text(h, CL(&c, "Post an announcement", "发布公告"));
		kf_html_raw(h, "</h2>");
		kf_con_form(&c, NULL, false);
		kf_con_input(&c, "title_zh", CL(&c, "Chinese title", "中文标题"), "text", NULL, NULL, true);
		kf_con_input(&c, "title_en", CL(&c, "English title", "英文标题"), "text", NULL, NULL, true);
		kf_con_input(&c, "body_zh", CL(&c, "Chinese text", "中文正文"), "textarea", NULL, NULL, false);
		kf_con_input(&c, "body_en", CL(&c, "English text", "英文正文"), "textarea", NULL, NULL, false);
		/* NOTE-1: also by inbox and mail to every provider's members */
		struct kf_page_field nf = {.name = "notify_providers", .type = "checkbox",
					   .label = CL(&c, "Also send it to every provider by inbox message and mail",
						       "同时通过站内信和邮件发送给所有服务商"),
					   .checked = c.post && kf_con_val(&c, "notify_providers")};
		kf_con_field(&c, &nf);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, "primary", CL(&c, "Publish", "发布"), NULL, NULL);
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
		kf_html_raw(h, "</section>");
	}
	kf_con_finish(&c);
}

static void announcement_withdraw(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	const char *id = kf_req_param(r, "id");
	if (!id || !*id || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18) {
		kf_con_not_found(&c);
		return;
	}
	const char *confirm = kf_con_val(&c, "confirm");
	if (confirm && !strcmp(confirm, "1")) {
		if (kf_con_send(&c, "DELETE", NULL, "/v1/announcements/%s", id)) {
			kf_con_redirect(&c, "/console/ops/announcements?ok=announcement_withdrawn");
			return;
		}
		if (c.err.status == 404) {
			kf_con_not_found(&c);
			return;
		}
		c.status = c.err.status;
	}
	c.section = "ops";
	kf_con_confirm(&c, CL(&c, "Withdraw the announcement?", "撤下该公告？"),
		       CL(&c, "The announcement disappears from the console and the landing page at once; inbox "
			      "messages and mails already sent stay.",
			  "该公告将立即从控制台和平台首页消失；已发送的站内信和邮件不受影响。"),
		       NULL, CL(&c, "Withdraw now", "立即撤下"), "/console/ops/announcements", NULL, 0);
}

#define PAGE_POST (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)

const struct kf_route kf_console_ops_settings_routes[] = {
	{"GET", "/console/ops/term-lists", termlists_index, KF_AUTH_OPERATOR, KF_RF_PAGE, "Term lists (HTML)"},
	{"GET", "/console/ops/term-lists/{list}", termlist_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "One term list with its test box (HTML)"},
	{"POST", "/console/ops/term-lists/{list}", termlist_page, KF_AUTH_OPERATOR, PAGE_POST,
	 "Test a text against a term list, or save the list (admins; HTML form)"},
	{"GET", "/console/ops/categories", categories_index, KF_AUTH_OPERATOR, KF_RF_PAGE, "Categories (HTML)"},
	{"GET", "/console/ops/categories/new", category_new, KF_AUTH_ADMIN, KF_RF_PAGE, "New category form (HTML)"},
	{"POST", "/console/ops/categories/new", category_new, KF_AUTH_ADMIN, PAGE_POST, "Create a category (HTML form)"},
	{"GET", "/console/ops/categories/{id}", category_page, KF_AUTH_OPERATOR, KF_RF_PAGE, "One category (HTML)"},
	{"POST", "/console/ops/categories/{id}", category_page, KF_AUTH_ADMIN, PAGE_POST, "Edit a category (HTML form)"},
	{"GET", "/console/ops/permission-sets", permsets_index, KF_AUTH_OPERATOR, KF_RF_PAGE, "Permission sets (HTML)"},
	{"GET", "/console/ops/permission-sets/new", permset_new, KF_AUTH_ADMIN, KF_RF_PAGE,
	 "New permission set form (HTML)"},
	{"POST", "/console/ops/permission-sets/new", permset_new, KF_AUTH_ADMIN, PAGE_POST,
	 "Create a permission set (HTML form)"},
	{"GET", "/console/ops/permission-sets/{id}", permset_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "One permission set (HTML)"},
	{"POST", "/console/ops/permission-sets/{id}", permset_page, KF_AUTH_ADMIN, PAGE_POST,
	 "Edit a permission set (HTML form)"},
	{"GET", "/console/ops/announcements", announcements_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "Announcements shown now (HTML)"},
	{"POST", "/console/ops/announcements", announcements_page, KF_AUTH_ADMIN, PAGE_POST,
	 "Post an announcement (HTML form)"},
	{"POST", "/console/ops/announcements/{id}/withdraw", announcement_withdraw, KF_AUTH_ADMIN, PAGE_POST,
	 "Withdraw an announcement, after a confirmation (HTML form)"},
	{"GET", "/console/ops/agreements", kf_ops_agreements_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "Agreement versions per key (HTML)"},
	{"GET", "/console/ops/agreements/new", kf_ops_agreement_new, KF_AUTH_ADMIN, KF_RF_PAGE,
	 "Publish a new agreement version: form (HTML)"},
	{"POST", "/console/ops/agreements/new", kf_ops_agreement_new, KF_AUTH_ADMIN, PAGE_POST,
	 "Publish a new agreement version (HTML form)"},
};
const size_t kf_console_ops_settings_nroutes =
	sizeof(kf_console_ops_settings_routes) / sizeof(kf_console_ops_settings_routes[0]);

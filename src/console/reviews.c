/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The review queue of the review desk (issue 12, REV-1): every kind with
 * its open and overdue counts as tabs, filters, the queue ordered by
 * deadline with the time left in working days, claim and release; the
 * staff part of the console home ("Needs you now"); and the admins' page
 * of staff notice settings (the daily review digest). One review's page is
 * /console/reviews/{id} (review.c).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"

#define N_KINDS KF_PAGE_REVIEW_KINDS

static bool known_kind(const char *k)
{
	for (size_t i = 0; k && i < N_KINDS; i++)
		if (!strcmp(kf_page_review_kind_at(i), k))
			return true;
	return false;
}

static bool digits(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n && n <= max && strspn(s, "0123456789") == n;
}

/* The filters of the queue as the page accepts them (anything else is
 * dropped before it reaches the API or a link). */
struct filters {
	const char *kind, *state, *assignee, *provider, *app, *after;
	bool overdue;
};

static void read_filters(struct kf_con *c, struct filters *f)
{
	f->kind = kf_con_q(c, "kind");
	f->kind = known_kind(f->kind) ? f->kind : NULL;
	f->state = kf_con_q(c, "state");
	if (!f->state || (strcmp(f->state, "pending") && strcmp(f->state, "approved") && strcmp(f->state, "rejected") &&
			  strcmp(f->state, "withdrawn") && strcmp(f->state, "any")))
		f->state = "pending"; /* the queue is the open work unless asked */
	f->assignee = kf_con_q(c, "assignee");
	if (f->assignee && strcmp(f->assignee, "me") && strcmp(f->assignee, "none") && !digits(f->assignee, 18))
		f->assignee = NULL;
	if (f->assignee && !*f->assignee)
		f->assignee = NULL;
	f->provider = kf_con_q(c, "provider");
	f->provider = digits(f->provider, 18) ? f->provider : NULL;
	f->app = kf_con_q(c, "app");
	f->app = f->app && *f->app && strlen(f->app) <= 64 &&
				 strspn(f->app, "abcdefghijklmnopqrstuvwxyz0123456789") == strlen(f->app)
			 ? f->app
			 : NULL;
	const char *o = kf_con_q(c, "overdue");
	f->overdue = o && !strcmp(o, "1");
	f->after = kf_con_q(c, "after");
	f->after = f->after && strlen(f->after) < 40 && strspn(f->after, "0123456789.") == strlen(f->after) ? f->after
														: NULL;
}

/* The queue's URL with these filters (kind replaced when not NULL). */
static const char *queue_href(struct kf_con *c, const struct filters *f, const char *kind, bool with_after)
{
	const char *k = kind ? kind : f->kind;
	return kf_con_fmt(c, "/console/reviews?kind=%s&state=%s&assignee=%s&overdue=%s&provider=%s&app=%s%s%s",
			  k ? k : "", f->state, f->assignee ? f->assignee : "", f->overdue ? "1" : "",
			  f->provider ? f->provider : "", f->app ? f->app : "", with_after && f->after ? "&after=" : "",
			  with_after && f->after ? f->after : "");
}

/* "due in 3 working days" / "overdue by 1 working day" (REV-1). */
static const char *left_words(struct kf_con *c, json_t *it)
{
	json_t *l = json_object_get(it, "working_days_left");
	if (!json_is_integer(l))
		return NULL;
	long n = (long)json_integer_value(l);
	if (n < 0)
		return n == -1 ? CL(c, "overdue by 1 working day", "已逾期 1 个工作日")
			       : kf_con_fmt(c, CL(c, "overdue by %ld working days", "已逾期 %ld 个工作日"), -n);
	if (n == 0)
		return CL(c, "due today", "今天到期");
	if (n == 1)
		return CL(c, "due tomorrow (1 working day)", "明天到期（1 个工作日）");
	return kf_con_fmt(c, CL(c, "due in %ld working days", "%ld 个工作日后到期"), n);
}

static void claim_button(struct kf_con *c, json_t *it, const char *back, bool mine)
{
	struct kf_html *h = &c->h;
	const char *id = kf_con_str(c, it, "id");
	kf_con_form(c, kf_con_fmt(c, "/console/reviews/%s/%s", id, mine ? "release" : "claim"), false);
	kf_page_hidden(h, "back", back);
	const char *subject = kf_con_str(c, it, "subject_name");
	kf_html_raw(h, "<button type=\"submit\"");
	kf_html_attr(h, "class", mine ? "button secondary" : "button primary");
	kf_html_attr(h, "aria-label", kf_con_fmt(c, mine ? CL(c, "Release %s", "释放 %s") : CL(c, "Claim %s", "认领 %s"),
						  subject ? subject : id));
	kf_html_raw(h, ">");
	kf_html_text(h, mine ? CL(c, "Release", "释放") : CL(c, "Claim", "认领"));
	kf_html_raw(h, "</button>");
	kf_page_form_close(h);
}

static void kind_tabs(struct kf_con *c, const struct filters *f, json_t *counts)
{
	struct kf_page_link tabs[N_KINDS + 1];
	tabs[0] = (struct kf_page_link){queue_href(c, f, "", false),
					kf_con_fmt(c, CL(c, "All (%lld)", "全部（%lld）"),
						   (long long)json_integer_value(json_object_get(counts, "open"))),
					!f->kind};
	for (size_t i = 0; i < N_KINDS; i++) {
		long long open = 0, over = 0;
		json_t *k;
		size_t j;
		json_array_foreach(json_object_get(counts, "kinds"), j, k) {
			if (!strcmp(kf_con_str(c, k, "kind"), kf_page_review_kind_at(i))) {
				open = json_integer_value(json_object_get(k, "open"));
				over = json_integer_value(json_object_get(k, "overdue"));
			}
		}
		const char *label = over ? kf_con_fmt(c, CL(c, "%s (%lld, %lld overdue)", "%s（%lld，逾期 %lld）"),
						      kf_page_review_kind(c->lang, kf_page_review_kind_at(i)), open, over)
					 : kf_con_fmt(c, CL(c, "%s (%lld)", "%s（%lld）"), kf_page_review_kind(c->lang, kf_page_review_kind_at(i)), open);
		tabs[i + 1] = (struct kf_page_link){queue_href(c, f, kf_page_review_kind_at(i), false), label,
						    f->kind && !strcmp(f->kind, kf_page_review_kind_at(i))};
	}
	kf_con_tabs(c, tabs, N_KINDS + 1);
}

static void filters_form(struct kf_con *c, const struct filters *f)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/console/reviews\">");
	struct kf_page_option ko[N_KINDS + 1];
	ko[0] = (struct kf_page_option){"", CL(c, "All kinds", "全部类型")};
	for (size_t i = 0; i < N_KINDS; i++)
		ko[i + 1] = (struct kf_page_option){kf_page_review_kind_at(i), kf_page_review_kind(c->lang, kf_page_review_kind_at(i))};
	struct kf_page_field kf = {.name = "kind", .label = CL(c, "Kind", "类型"), .type = "select",
				   .value = f->kind ? f->kind : "", .options = ko, .n_options = N_KINDS + 1};
	kf_page_field(h, c->lang, &kf);
	const struct kf_page_option so[] = {
		{"pending", CL(c, "Pending", "待处理")}, {"approved", CL(c, "Approved", "已通过")},
		{"rejected", CL(c, "Rejected", "已驳回")}, {"withdrawn", CL(c, "Withdrawn", "已撤回")},
		{"any", CL(c, "All states", "全部状态")},
	};
	struct kf_page_field sf = {.name = "state", .label = CL(c, "State", "状态"), .type = "select",
				   .value = f->state, .options = so, .n_options = sizeof(so) / sizeof(so[0])};
	kf_page_field(h, c->lang, &sf);
	const struct kf_page_option ao[] = {
		{"", CL(c, "Anyone or nobody", "全部")}, {"me", CL(c, "Assigned to me", "分配给我")},
		{"none", CL(c, "Unassigned", "未分配")},
	};
	struct kf_page_field af = {.name = "assignee", .label = CL(c, "Assignee", "负责人"), .type = "select",
				   .value = f->assignee && (!strcmp(f->assignee, "me") || !strcmp(f->assignee, "none"))
						    ? f->assignee
						    : "",
				   .options = ao, .n_options = sizeof(ao) / sizeof(ao[0])};
	kf_page_field(h, c->lang, &af);
	struct kf_page_field pf = {.name = "provider", .label = CL(c, "Provider ID", "服务商 ID"), .type = "text",
				   .value = f->provider ? f->provider : ""};
	kf_page_field(h, c->lang, &pf);
	struct kf_page_field apf = {.name = "app", .label = CL(c, "App ID", "应用 ID"), .type = "text",
				    .value = f->app ? f->app : ""};
	kf_page_field(h, c->lang, &apf);
	struct kf_page_field of = {.name = "overdue", .label = CL(c, "Only overdue", "仅显示已逾期"), .type = "checkbox",
				   .value = "1", .checked = f->overdue};
	kf_page_field(h, c->lang, &of);
	kf_html_raw(h, "<div class=\"field\">");
	kf_page_button(h, "secondary", CL(c, "Filter", "筛选"), NULL, NULL);
	kf_html_raw(h, "</div></form>");
}

static void queue_table(struct kf_con *c, json_t *items, const char *back)
{
	struct kf_html *h = &c->h;
	const char *role = kf_con_staff_role(c);
	bool reviews = role && (!strcmp(role, "reviewer") || !strcmp(role, "admin"));
	int64_t me = json_integer_value(json_object_get(json_object_get(c->me, "user"), "id"));
	kf_html_raw(h, "<div class=\"table\"><table class=\"queue\"><thead><tr>");
	const char *cols[][2] = {{"Kind", "类型"},	   {"Subject", "审核对象"}, {"Provider", "服务商"}, {"Submitted", "提交时间"},
				 {"Due", "截止时间"}, {"Assignee", "负责人"},	   {"Action", "操作"}};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		kf_html_raw(h, "<th scope=\"col\">");
		kf_html_text(h, CL(c, cols[i][0], cols[i][1]));
		kf_html_raw(h, "</th>");
	}
	kf_html_raw(h, "</tr></thead><tbody>");
	json_t *it;
	size_t i;
	json_array_foreach(items, i, it) {
		bool overdue = json_is_true(json_object_get(it, "overdue"));
		bool pending = !strcmp(kf_con_str(c, it, "state"), "pending");
		int64_t assignee = json_integer_value(json_object_get(it, "assignee_id"));
		kf_html_raw(h, overdue ? "<tr class=\"overdue\"><td>" : "<tr><td>");
		kf_html_text(h, kf_page_review_kind(c->lang, kf_con_str(c, it, "kind")));
		kf_html_raw(h, "</td><td>");
		kf_con_link(c, NULL, kf_con_fmt(c, "/console/reviews/%s", kf_con_str(c, it, "id")),
			    kf_con_str(c, it, "subject_name"));
		if (!pending) {
			kf_html_raw(h, " ");
			kf_page_badge(h, c->lang, kf_con_str(c, it, "state"));
		}
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_str(c, it, "provider_name"));
		kf_html_raw(h, "</td><td>");
		kf_con_time(c, json_integer_value(json_object_get(it, "submitted_at")));
		kf_html_raw(h, "</td><td>");
		if (overdue) {
			kf_page_badge(h, c->lang, "overdue");
			kf_html_raw(h, " ");
		}
		kf_con_time(c, json_integer_value(json_object_get(it, "due_at")));
		const char *left = left_words(c, it);
		if (left) {
			kf_html_raw(h, "<br><span class=\"muted\">");
			kf_html_text(h, left);
			kf_html_raw(h, "</span>");
		}
		kf_html_raw(h, "</td><td>");
		const char *an = kf_con_str(c, it, "assignee_name");
		if (assignee && assignee == me)
			kf_html_text(h, CL(c, "Me", "我"));
		else if (assignee)
			kf_html_text(h, an && *an ? an : kf_con_str(c, it, "assignee_id"));
		else {
			kf_html_raw(h, "<span class=\"muted\">");
			kf_html_text(h, CL(c, "Nobody", "未分配"));
			kf_html_raw(h, "</span>");
		}
		kf_html_raw(h, "</td><td>");
		if (reviews && pending && (!assignee || assignee == me))
			claim_button(c, it, back, assignee == me);
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
}

static void queue_page(struct kf_con *c)
{
	struct kf_html *h = &c->h;
	struct filters f;
	read_filters(c, &f);
	struct kf_form q = {0};
	if (f.kind)
		kf_form_set(&q, "kind", f.kind);
	if (strcmp(f.state, "any"))
		kf_form_set(&q, "state", f.state);
	if (f.assignee)
		kf_form_set(&q, "assignee", f.assignee);
	if (f.overdue)
		kf_form_set(&q, "overdue", "1");
	if (f.provider)
		kf_form_set(&q, "provider", f.provider);
	if (f.app)
		kf_form_set(&q, "app", f.app);
	if (f.after)
		kf_form_set(&q, "after", f.after);
	kf_form_set(&q, "limit", "50");
	/* a refusal of the POST being shown stays the page's notice */
	struct kf_con_err keep = c->err;
	bool had = c->has_err;
	json_t *counts = kf_con_get(c, "/v1/reviews/counts");
	json_t *page = counts ? kf_con_getq(c, &q, "/v1/reviews") : NULL;
	if (!page && c->err.status == 403) {
		kf_con_forbidden(c);
		return;
	}
	if (had) {
		c->err = keep;
		c->has_err = true;
	}
	kf_con_open(c, CL(c, "Reviews", "审核"), NULL, 0);
	kind_tabs(c, &f, counts);
	kf_con_para(c, "muted",
		    kf_con_fmt(c,
			       CL(c, "Open reviews: %lld, overdue: %lld, unassigned: %lld, assigned to you: %lld. Oldest "
				     "deadline first; deadlines count working days of the platform's calendar (REV-1).",
				  "待处理审核：%lld 项，已逾期：%lld 项，未分配：%lld 项，分配给你：%lld 项。按截止时间从早到晚排列；"
				  "截止时间按平台日历的工作日计算（REV-1）。"),
			       (long long)json_integer_value(json_object_get(counts, "open")),
			       (long long)json_integer_value(json_object_get(counts, "overdue")),
			       (long long)json_integer_value(json_object_get(counts, "unassigned")),
			       (long long)json_integer_value(json_object_get(counts, "mine"))));
	filters_form(c, &f);
	json_t *items = json_object_get(page, "items");
	bool filtered = f.kind || strcmp(f.state, "pending") || f.assignee || f.overdue || f.provider || f.app;
	if (!page) {
		kf_con_error_notice(c);
	} else if (!json_array_size(items)) {
		if (filtered || f.after)
			kf_page_empty(h,
				      CL(c, "No review matches these filters. Widen them, or see every open review.",
					 "没有符合筛选条件的审核。请放宽条件，或查看全部待处理审核。"),
				      "/console/reviews", CL(c, "All open reviews", "全部待处理审核"));
		else
			kf_page_empty(h,
				      CL(c, "No review is waiting: the queue is empty. New submissions appear here, and in "
					    "your inbox, as they arrive.",
					 "没有待处理的审核，队列为空。新的提交到达时会出现在这里，并通知到你的站内信。"),
				      "/console/", CL(c, "Back to the console home", "返回控制台首页"));
	} else {
		queue_table(c, items, queue_href(c, &f, NULL, true));
	}
	const char *next = json_string_value(json_object_get(page, "next_after"));
	if (next || f.after) {
		kf_html_raw(h, "<nav class=\"actions\"");
		kf_html_attr(h, "aria-label", CL(c, "Pages", "分页"));
		kf_html_raw(h, ">");
		const char *base = queue_href(c, &f, NULL, false);
		if (f.after)
			kf_con_link(c, NULL, base, CL(c, "First page", "第一页"));
		if (next)
			kf_con_link(c, NULL, kf_con_fmt(c, "%s&after=%s", base, next), CL(c, "Next page", "下一页"));
		kf_html_raw(h, "</nav>");
	}
	kf_con_finish(c);
}

static void reviews_queue(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "reviews";
	queue_page(&c);
}

/* POST /console/reviews/{id}/claim | release: the API's claim or release,
 * then back to the queue as it was (PRG); a refusal is shown on the queue. */
static void claim_or_release(struct kf_req *r, const char *verb, const char *ok)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "reviews";
	const char *id = kf_req_param(r, "id");
	if (!digits(id, 18)) {
		kf_con_not_found(&c);
		return;
	}
	json_t *res = kf_con_send(&c, "POST", NULL, "/v1/reviews/%s/%s", id, verb);
	if (!res && c.err.status == 404) {
		kf_con_not_found(&c);
		return;
	}
	if (!res && c.err.status == 403) {
		kf_con_forbidden(&c);
		return;
	}
	if (!res) {
		c.status = c.err.status;
		queue_page(&c);
		return;
	}
	const char *back = kf_con_val(&c, "back");
	bool safe = back && !strncmp(back, "/console/reviews?", 17) && strlen(back) < 512;
	for (const char *p = back; safe && *p; p++)
		safe = *p > 0x20 && *p < 0x7f && *p != '#' && *p != '\\';
	if (!safe)
		back = "/console/reviews?";
	kf_con_redirect(&c, kf_con_fmt(&c, "%s&ok=%s", back, ok));
}

static void review_claim(struct kf_req *r)
{
	claim_or_release(r, "claim", "claimed");
}

static void review_release(struct kf_req *r)
{
	claim_or_release(r, "release", "released");
}

/* ------------------------------------------------- console home, staff */

static void todo_link(struct kf_con *c, const char *href, const char *text)
{
	kf_html_raw(&c->h, "<li>");
	kf_con_link(c, NULL, href, text);
	kf_html_raw(&c->h, "</li>");
}

size_t kf_con_staff_todos(struct kf_con *c)
{
	const char *role = kf_con_staff_role(c);
	if (!role)
		return 0;
	struct kf_con_err keep = c->err;
	bool had = c->has_err;
	json_t *counts = kf_con_get(c, "/v1/reviews/counts");
	c->err = keep;
	c->has_err = had;
	if (!counts)
		return 0;
	long long mine = json_integer_value(json_object_get(counts, "mine"));
	long long mine_over = json_integer_value(json_object_get(counts, "mine_overdue"));
	long long over = json_integer_value(json_object_get(counts, "overdue"));
	long long un = json_integer_value(json_object_get(counts, "unassigned"));
	size_t n = 0;
	if (mine) {
		n++;
		todo_link(c, "/console/reviews?assignee=me",
			  mine_over ? kf_con_fmt(c, CL(c, "Reviews assigned to you: %lld (%lld overdue)",
						      "分配给你的审核：%lld 项（%lld 项已逾期）"),
						 mine, mine_over)
				    : kf_con_fmt(c, CL(c, "Reviews assigned to you: %lld", "分配给你的审核：%lld 项"), mine));
	}
	if (over) {
		n++;
		todo_link(c, "/console/reviews?overdue=1",
			  kf_con_fmt(c, CL(c, "Overdue reviews: %lld", "已逾期的审核：%lld 项"), over));
	}
	if (un) {
		n++;
		todo_link(c, "/console/reviews?assignee=none",
			  kf_con_fmt(c, CL(c, "Reviews nobody has claimed: %lld", "尚无人认领的审核：%lld 项"), un));
	}
	return n;
}

/* ------------------------------------------- staff notices (admins only) */

static void staff_notices(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	if (c.post) {
		const char *uid = kf_con_val(&c, "user_id"), *d = kf_con_val(&c, "digest");
		if (!digits(uid, 18) || !d) {
			kf_con_not_found(&c);
			return;
		}
		json_t *body = json_pack("{s:b}", "digest", !strcmp(d, "1"));
		json_t *res = kf_con_send(&c, "PUT", body, "/v1/staff/%s/notices", uid);
		json_decref(body);
		if (res) {
			kf_con_redirect(&c, "/console/ops/notices?ok=saved");
			return;
		}
		c.status = c.err.status;
	}
	struct kf_con_err keep = c.err;
	bool had = c.has_err;
	json_t *list = kf_con_get(&c, "/v1/staff/notices");
	if (!list && c.err.status == 403) {
		kf_con_forbidden(&c);
		return;
	}
	if (had) {
		c.err = keep;
		c.has_err = true;
	}
	const struct kf_page_link crumbs[] = {{"/console/ops", CL(&c, "Platform", "平台管理"), false}};
	kf_con_open(&c, CL(&c, "Notices to staff", "员工通知"), crumbs, 1);
	kf_con_para(&c, NULL,
		    CL(&c, "New reviews, reviews due tomorrow and overdue reviews reach the reviewer who has them, or every "
			   "reviewer and administrator while nobody has claimed them, in their inbox. Besides, each "
			   "person gets one mail a day listing them (the daily digest). Switch the digest off for a "
			   "person here; their inbox notices go on.",
		       "新的审核、明天到期的审核和已逾期的审核会发送到负责人的站内信；尚无人认领时，发送给所有审核员和管理员。"
		       "此外，每人每天最多收到一封邮件汇总这些审核（每日摘要）。可在此为某人关闭每日摘要邮件，站内信通知不受影响。"));
	json_t *items = json_object_get(list, "items");
	struct kf_html *h = &c.h;
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(&c, "No staff yet.", "还没有员工。"), "/console/ops", CL(&c, "Platform", "平台管理"));
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Name", "姓名"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Email", "邮箱"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Role", "角色"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Daily digest", "每日摘要"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Change", "更改"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		json_t *it;
		size_t i;
		json_array_foreach(items, i, it) {
			bool on = json_is_true(json_object_get(it, "digest"));
			const char *name = kf_con_str(&c, it, "name");
			kf_html_raw(h, "<tr><td>");
			kf_html_text(h, name);
			kf_html_raw(h, "</td><td>");
			kf_html_text(h, kf_con_str(&c, it, "email"));
			kf_html_raw(h, "</td><td>");
			kf_html_text(h, kf_role_label(c.lang, kf_con_str(&c, it, "role")));
			kf_html_raw(h, "</td><td>");
			kf_html_text(h, on ? CL(&c, "On", "开启") : CL(&c, "Off", "关闭"));
			kf_html_raw(h, "</td><td>");
			kf_con_form(&c, "/console/ops/notices", false);
			kf_page_hidden(h, "user_id", kf_con_str(&c, it, "user_id"));
			kf_page_hidden(h, "digest", on ? "0" : "1");
			kf_html_raw(h, "<button type=\"submit\" class=\"button secondary\"");
			kf_html_attr(h, "aria-label",
				     kf_con_fmt(&c, on ? CL(&c, "Switch off the daily digest of %s", "关闭 %s 的每日摘要")
						       : CL(&c, "Switch on the daily digest of %s", "开启 %s 的每日摘要"),
						name));
			kf_html_raw(h, ">");
			kf_html_text(h, on ? CL(&c, "Switch off", "关闭") : CL(&c, "Switch on", "开启"));
			kf_html_raw(h, "</button>");
			kf_page_form_close(h);
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_con_finish(&c);
}

const struct kf_route kf_console_reviews_routes[] = {
	{"GET", "/console/reviews", reviews_queue, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "The review queue: counts per kind, filters, deadlines in working days (REV-1)"},
	{"POST", "/console/reviews/{id}/claim", review_claim, KF_AUTH_OPERATOR,
	 KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX, "Claim a review from the queue (REV-1)"},
	{"POST", "/console/reviews/{id}/release", review_release, KF_AUTH_OPERATOR,
	 KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX, "Release a claimed review (REV-1)"},
	{"GET", "/console/ops/notices", staff_notices, KF_AUTH_ADMIN, KF_RF_PAGE,
	 "Notices to staff: the daily review digest per person"},
	{"POST", "/console/ops/notices", staff_notices, KF_AUTH_ADMIN, KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX,
	 "Switch a person's daily review digest"},
};
const size_t kf_console_reviews_nroutes = sizeof(kf_console_reviews_routes) / sizeof(kf_console_reviews_routes[0]);

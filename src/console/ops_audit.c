/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit log and the system figures, for every member of the staff:
 * the log with filters (who, what, on what, when) in pages, and a button
 * that verifies the keyed hash chain; the system page shows the figures
 * /metrics exports (GET /v1/system reads the same store functions), each
 * with a sentence on what it means.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "util/mem.h"

/* A date field (YYYY-MM-DD, the platform's time zone) as the unix time of
 * the day's start, or of its end (end). "" when empty; NULL when malformed. */
static const char *day_time(struct kf_con *c, const char *v, bool end)
{
	if (!v || !*v)
		return "";
	int64_t t;
	if (!kf_con_date(c, v, &t))
		return NULL;
	if (end)
		t += 86399;
	if (t < 0)
		t = 0;
	return kf_con_fmt(c, "%lld", (long long)t);
}

static void filter_input(struct kf_con *c, const char *name, const char *label, const char *type, const char *hint)
{
	struct kf_html *h = &c->h;
	const char *id = kf_con_fmt(c, "q-%s", name);
	kf_html_raw(h, "<div class=\"field\"><label");
	kf_html_attr(h, "for", id);
	kf_html_raw(h, ">");
	kf_html_text(h, label);
	kf_html_raw(h, "</label><input");
	kf_html_attr(h, "id", id);
	kf_html_attr(h, "type", type);
	kf_html_attr(h, "name", name);
	const char *v = kf_con_q(c, name);
	kf_html_attr(h, "value", v ? v : "");
	if (hint)
		kf_html_attr(h, "placeholder", hint);
	kf_html_raw(h, "></div>");
}

/* An actor or subject as a person reads it: the email of a user, else the
 * stored text. */
static void who(struct kf_con *c, json_t *e, const char *key, const char *email_key)
{
	const char *email = kf_con_str(c, e, email_key);
	kf_html_text(&c->h, email ? email : kf_con_str(c, e, key));
	if (email) {
		kf_html_raw(&c->h, "<br><span class=\"muted\">");
		kf_html_text(&c->h, kf_con_str(c, e, key));
		kf_html_raw(&c->h, "</span>");
	}
}

static void verify_result(struct kf_con *c)
{
	json_t *v = kf_con_get(c, "/v1/audit/verify");
	if (!v) {
		kf_con_error_notice(c);
		return;
	}
	bool ok = json_is_true(json_object_get(v, "ok"));
	const char *rows = kf_con_str(c, v, "rows");
	const char *broken = kf_con_str(c, v, "broken_id");
	const char *text =
		ok ? kf_con_fmt(c, CL(c, "The chain is intact: %s entries checked, up to the anchor kept outside the database.",
				      "哈希链完整：已校验 %s 条记录，与数据库之外保存的锚点一致。"),
				rows ? rows : "0")
		: broken ? kf_con_fmt(c, CL(c, "The chain is broken at entry %s (%s entries before it are intact). Someone changed, removed or inserted entries: keep the database and the audit key aside and investigate.",
					    "哈希链在第 %s 条记录处断开（此前 %s 条完整）。有记录被修改、删除或插入：请保留数据库和审计密钥并调查。"),
				     broken, rows ? rows : "0")
			 : kf_con_fmt(c, CL(c, "The chain is broken: %s", "哈希链已断开：%s"), kf_con_str(c, v, "message"));
	kf_page_notice(&c->h, ok ? "ok" : "error", text);
}

static void audit_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	struct kf_html *h = &c.h;
	c.section = "ops";
	const char *actor = kf_con_q(&c, "actor"), *action = kf_con_q(&c, "action"), *subject = kf_con_q(&c, "subject");
	const char *from_d = kf_con_q(&c, "from"), *to_d = kf_con_q(&c, "to"), *cursor = kf_con_q(&c, "cursor");
	const char *from = day_time(&c, from_d, false), *to = day_time(&c, to_d, true);
	struct kf_form q = {0};
	kf_form_set(&q, "actor", actor);
	kf_form_set(&q, "action", action);
	kf_form_set(&q, "subject", subject);
	kf_form_set(&q, "from", from && *from ? from : NULL);
	kf_form_set(&q, "to", to && *to ? to : NULL);
	kf_form_set(&q, "cursor", cursor);
	json_t *list = from && to ? kf_con_getq(&c, &q, "/v1/audit") : NULL;
	if (!list && c.has_err && c.err.status == 403) {
		kf_con_forbidden(&c);
		return;
	}
	struct kf_page_link crumbs[] = {{"/console/ops", CL(&c, "Platform", "平台管理"), false}};
	kf_con_open(&c, CL(&c, "Audit log", "审计日志"), crumbs, 1);
	kf_con_para(&c, "muted",
		    CL(&c, "Every change made by staff, people and the system, newest first. Each entry is chained to the one before with a keyed hash, so a changed or removed entry shows when you verify.",
		       "员工、用户和系统所做的每项更改，按时间倒序。每条记录都以带密钥的哈希与上一条相连，校验时能发现被修改或删除的记录。"));
	if (kf_con_q(&c, "verify"))
		verify_result(&c);
	if (!from || !to)
		kf_page_notice(h, "error", CL(&c, "Enter dates as YYYY-MM-DD.", "日期格式为 YYYY-MM-DD。"));

	kf_html_raw(h, "<form class=\"actions\" method=\"get\" action=\"/console/ops/audit\">"
		       "<input type=\"hidden\" name=\"verify\" value=\"1\">");
	kf_page_button(h, "secondary", CL(&c, "Verify the chain", "校验哈希链"), NULL, NULL);
	kf_html_raw(h, "</form>");

	kf_html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/console/ops/audit\"");
	kf_html_attr(h, "aria-label", CL(&c, "Filters", "筛选"));
	kf_html_raw(h, ">");
	filter_input(&c, "actor", CL(&c, "Who (email or actor)", "操作者（邮箱或标识）"), "text", "user:12");
	filter_input(&c, "action", CL(&c, "Action", "操作"), "text", "operator");
	filter_input(&c, "subject", CL(&c, "Subject", "对象"), "text", "provider:3");
	filter_input(&c, "from", CL(&c, "From", "开始日期"), "date", NULL);
	filter_input(&c, "to", CL(&c, "To", "结束日期"), "date", NULL);
	kf_page_button(h, "primary", CL(&c, "Filter", "筛选"), NULL, NULL);
	kf_html_raw(h, "</form>");

	json_t *items = list ? json_object_get(list, "items") : NULL;
	if (list && !json_array_size(items)) {
		kf_page_empty(h, CL(&c, "No entries match these filters.", "没有符合筛选条件的记录。"), "/console/ops/audit",
			      CL(&c, "Show every entry", "显示全部记录"));
	} else if (list) {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th>");
		kf_html_text(h, CL(&c, "Time", "时间"));
		kf_html_raw(h, "</th><th>");
		kf_html_text(h, CL(&c, "Who", "操作者"));
		kf_html_raw(h, "</th><th>");
		kf_html_text(h, CL(&c, "Action", "操作"));
		kf_html_raw(h, "</th><th>");
		kf_html_text(h, CL(&c, "Subject", "对象"));
		kf_html_raw(h, "</th><th>");
		kf_html_text(h, CL(&c, "Entry · detail digest", "序号 · 详情摘要"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		size_t i;
		json_t *e;
		json_array_foreach(items, i, e)
		{
			kf_html_raw(h, "<tr><td>");
			kf_con_time(&c, json_integer_value(json_object_get(e, "at")));
			kf_html_raw(h, "</td><td>");
			who(&c, e, "actor", "actor_email");
			kf_html_raw(h, "</td><td><code>");
			kf_html_text(h, kf_con_str(&c, e, "action"));
			kf_html_raw(h, "</code></td><td>");
			who(&c, e, "subject", "subject_email");
			kf_html_raw(h, "</td><td class=\"muted\">");
			const char *dg = kf_con_str(&c, e, "digest");
			kf_html_text(h, kf_con_fmt(&c, "#%s · %.8s", kf_con_str(&c, e, "id"), dg ? dg : ""));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
		const char *next = kf_con_str(&c, list, "next_cursor");
		if (next || (cursor && *cursor)) {
			const char *base = kf_con_fmt(&c, "/console/ops/audit?actor=%s&action=%s&subject=%s&from=%s&to=%s",
						      kf_con_qenc(&c, actor), kf_con_qenc(&c, action), kf_con_qenc(&c, subject), kf_con_qenc(&c, from_d),
						      kf_con_qenc(&c, to_d));
			kf_html_raw(h, "<nav class=\"actions\"");
			kf_html_attr(h, "aria-label", CL(&c, "Pages", "分页"));
			kf_html_raw(h, ">");
			if (cursor && *cursor) {
				kf_html_raw(h, "<a");
				kf_html_url_attr(h, "href", base);
				kf_html_raw(h, ">");
				kf_html_text(h, CL(&c, "← Newest entries", "← 最新的记录"));
				kf_html_raw(h, "</a>");
			}
			if (next) {
				kf_html_raw(h, "<a rel=\"next\"");
				kf_html_url_attr(h, "href", kf_con_fmt(&c, "%s&cursor=%s", base, kf_con_qenc(&c, next)));
				kf_html_raw(h, ">");
				kf_html_text(h, CL(&c, "Older entries →", "更早的记录 →"));
				kf_html_raw(h, "</a>");
			}
			kf_html_raw(h, "</nav>");
		}
	}
	kf_con_finish(&c);
}

/* A duration in seconds as a person reads it. */
static const char *age(struct kf_con *c, json_int_t s)
{
	if (s < 120)
		return kf_con_fmt(c, CL(c, "%lld s", "%lld 秒"), (long long)s);
	if (s < 7200)
		return kf_con_fmt(c, CL(c, "%lld min", "%lld 分钟"), (long long)(s / 60));
	if (s < 172800)
		return kf_con_fmt(c, CL(c, "%lld h", "%lld 小时"), (long long)(s / 3600));
	return kf_con_fmt(c, CL(c, "%lld days", "%lld 天"), (long long)(s / 86400));
}

/* One figure: its name, its value, what it means. */
static void figure(struct kf_con *c, const char *id, const char *label, json_int_t v, const char *meaning, bool bad)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<dt>");
	kf_html_text(h, label);
	kf_html_raw(h, "</dt><dd><strong");
	kf_html_attr(h, "data-figure", id);
	if (bad && v > 0)
		kf_html_raw(h, " class=\"warn\"");
	kf_html_raw(h, ">");
	kf_html_text(h, kf_con_fmt(c, "%lld", (long long)v));
	kf_html_raw(h, "</strong> <span class=\"muted\">");
	kf_html_text(h, meaning);
	kf_html_raw(h, "</span></dd>");
}

static json_int_t jint(json_t *o, const char *a, const char *b)
{
	return json_integer_value(json_object_get(json_object_get(o, a), b));
}

/* "what; the oldest waits N." or just "what." when nothing waits. */
static const char *waiting(struct kf_con *c, json_t *s, const char *key, const char *en, const char *zh)
{
	json_int_t n = jint(s, key, "pending"), a = jint(s, key, "oldest_pending_seconds");
	if (n <= 0)
		return kf_con_fmt(c, "%s%s", CL(c, en, zh), CL(c, ".", "。"));
	return kf_con_fmt(c, CL(c, "%s; the oldest waits %s.", "%s；最早的已等待 %s。"), CL(c, en, zh), age(c, a));
}

static void system_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	struct kf_html *h = &c.h;
	c.section = "ops";
	json_t *s = kf_con_get(&c, "/v1/system");
	if (!s && c.err.status == 403) {
		kf_con_forbidden(&c);
		return;
	}
	struct kf_page_link crumbs[] = {{"/console/ops", CL(&c, "Platform", "平台管理"), false}};
	kf_con_open(&c, CL(&c, "System", "系统状态"), crumbs, 1);
	if (!s) {
		kf_con_finish(&c);
		return;
	}
	kf_con_para(&c, "muted",
		    CL(&c, "The same figures /metrics exports to monitoring, as of this page's time. Zero is good everywhere but the version.",
		       "与 /metrics 向监控系统输出的数字相同，以本页打开时为准。除版本外，各项为 0 即正常。"));
	kf_html_raw(h, "<div class=\"grid\">");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Reviews", "审核"));
	kf_html_raw(h, "<dl class=\"props\">");
	figure(&c, "reviews_pending", CL(&c, "Pending", "待审核"), jint(s, "reviews", "pending"),
	       CL(&c, "waiting for a reviewer's decision.", "等待审核员决定。"), false);
	figure(&c, "reviews_overdue", CL(&c, "Overdue", "已超期"), jint(s, "reviews", "overdue"),
	       CL(&c, "past their working-day deadline (REV-1): decide these first.", "已超过工作日时限（REV-1），请优先处理。"),
	       true);
	kf_html_raw(h, "</dl>");
	kf_con_link(&c, NULL, "/console/reviews", CL(&c, "Open the review queue", "打开审核队列"));
	kf_html_raw(h, "</section>");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Event push", "事件推送"));
	kf_html_raw(h, "<dl class=\"props\">");
	figure(&c, "outbox_pending", CL(&c, "Waiting", "待推送"), jint(s, "outbox", "pending"),
	       waiting(&c, s, "outbox", "events not yet delivered to apps", "尚未推送给应用的事件"),
	       false);
	figure(&c, "outbox_dead", CL(&c, "Dead", "推送失败"), jint(s, "outbox", "dead"),
	       CL(&c, "events given up on after every retry; the app's provider can replay them from its deliveries page.",
		  "重试用尽后放弃的事件；服务商可在应用的推送记录中重新推送。"),
	       true);
	kf_html_raw(h, "</dl>");
	kf_con_link(&c, NULL, "/console/ops/apps", CL(&c, "Find an app and its deliveries", "查找应用及其推送情况"));
	kf_html_raw(h, "</section>");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "URL checks", "链接检测"));
	kf_html_raw(h, "<dl class=\"props\">");
	figure(&c, "url_checks_pending", CL(&c, "Waiting", "待检测"), jint(s, "url_checks", "pending"),
	       waiting(&c, s, "url_checks", "listing URLs the worker has yet to open (LST-14)",
		       "尚待后台打开的应用详情链接（LST-14）"),
	       false);
	kf_html_raw(h, "</dl></section>");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Mail", "邮件"));
	kf_html_raw(h, "<dl class=\"props\">");
	figure(&c, "mail_pending", CL(&c, "Waiting", "待发送"), jint(s, "mail", "pending"),
	       waiting(&c, s, "mail", "emails not sent yet, retries included", "尚未发出的邮件（含重试）"),
	       false);
	figure(&c, "mail_dead", CL(&c, "Given up", "发送失败"), jint(s, "mail", "dead"),
	       CL(&c, "emails the mail server refused every time: check the smtp settings in the operator guide.",
		  "邮件服务器始终拒收的邮件：请检查运营指南中的 smtp 设置。"),
	       true);
	kf_html_raw(h, "</dl></section>");
	kf_html_raw(h, "</div>");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Version and database", "版本与数据库"));
	kf_html_raw(h, "<dl class=\"props\">");
	kf_page_dl_row(h, CL(&c, "Version", "版本"), kf_con_str(&c, s, "version"));
	kf_page_dl_row(h, CL(&c, "Schema version", "数据库结构版本"), kf_con_str(&c, s, "schema_version"));
	kf_html_raw(h, "</dl><div class=\"table\"><table><thead><tr><th>");
	kf_html_text(h, CL(&c, "Migration", "迁移"));
	kf_html_raw(h, "</th><th>");
	kf_html_text(h, CL(&c, "Name", "名称"));
	kf_html_raw(h, "</th><th>");
	kf_html_text(h, CL(&c, "Applied", "应用时间"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(s, "migrations"), i, m)
	{
		kf_html_raw(h, "<tr><td>");
		kf_html_text(h, kf_con_str(&c, m, "version"));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_str(&c, m, "name"));
		kf_html_raw(h, "</td><td>");
		kf_con_time(&c, json_integer_value(json_object_get(m, "applied_at")));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div></section>");
	kf_con_finish(&c);
}

const struct kf_route kf_console_ops_audit_routes[] = {
	{"GET", "/console/ops/audit", audit_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "The audit log with filters, and verifying its chain (HTML)"},
	{"GET", "/console/ops/system", system_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "Queues, dead events, mail, version and migrations: the figures of /metrics (HTML)"},
};
const size_t kf_console_ops_audit_nroutes = sizeof(kf_console_ops_audit_routes) / sizeof(kf_console_ops_audit_routes[0]);

/* SPDX-License-Identifier: Apache-2.0 */
/* Console page parts: see page.h. */
#include "web/page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/mem.h"

const char kf_page_csp[] = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
			   "connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const char kf_page_css[] =
	"*{box-sizing:border-box}\n"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
	"body{margin:0;background:#f6f7f9;color:#1f2328;"
	"font:15px/1.55 -apple-system,BlinkMacSystemFont,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
	"\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif}\n"
	"a{color:#0a53be}a:hover{text-decoration-thickness:2px}\n"
	":focus-visible{outline:3px solid #1f6feb;outline-offset:2px}\n"
	".skip{position:absolute;left:-999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.5rem;z-index:9}\n"
	"header.top{background:#1f2937;color:#fff}\n"
	".bar{max-width:76rem;margin:0 auto;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;"
	"align-items:center}\n"
	".brand{font-weight:700;color:#fff;text-decoration:none;margin-right:auto;font-size:1.05rem}\n"
	".bar a{color:#e5e7eb}.bar form{margin:0}\n"
	".bar .link{background:none;border:0;color:#e5e7eb;font:inherit;padding:0;cursor:pointer;text-decoration:underline}\n"
	".count{display:inline-block;min-width:1.4em;padding:0 .35em;border-radius:1em;background:#d1242f;color:#fff;"
	"font-size:.8rem;text-align:center;margin-left:.2rem}\n"
	"nav.main{background:#fff;border-bottom:1px solid #d8dee4}\n"
	"nav.main ul{max-width:76rem;margin:0 auto;padding:0 1rem;list-style:none;display:flex;flex-wrap:wrap;gap:0 1.25rem}\n"
	"nav.main a{display:inline-block;padding:.6rem 0;text-decoration:none;color:#1f2328}\n"
	"nav.main a[aria-current]{font-weight:700;box-shadow:inset 0 -3px 0 #1f6feb}\n"
	"main{max-width:76rem;margin:0 auto;padding:1rem}\n"
	"h1{font-size:1.45rem;line-height:1.3;margin:.25rem 0 .75rem;overflow-wrap:anywhere}\n"
	"h2{font-size:1.15rem;margin:1.5rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .35rem}\n"
	".crumbs{font-size:.85rem;color:#57606a}.crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap}\n"
	".crumbs li+li::before{content:\"/\";padding:0 .4rem;color:#8c959f}\n"
	".tabs{display:flex;flex-wrap:wrap;gap:.25rem;border-bottom:1px solid #d8dee4;margin:0 0 1rem;padding:0;list-style:none}\n"
	".tabs a{display:inline-block;padding:.45rem .7rem;text-decoration:none;color:#1f2328;border-radius:6px 6px 0 0}\n"
	".tabs a[aria-current]{background:#fff;border:1px solid #d8dee4;border-bottom-color:#fff;margin-bottom:-1px;"
	"font-weight:600}\n"
	".card{background:#fff;border:1px solid #d8dee4;border-radius:10px;padding:1rem 1.1rem;margin:0 0 1rem}\n"
	".card>h2:first-child{margin-top:0}\n"
	"fieldset.field{border:0;padding:0;min-width:0}fieldset.field legend{padding:0}.check label .small{font-weight:400}\n"
	".grid{display:grid;gap:1rem}@media (min-width:50rem){.grid{grid-template-columns:1fr 1fr}}\n"
	".notice{border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem;border:1px solid}\n"
	".notice.ok{background:#dafbe1;border-color:#aceebb;color:#0b4a1d}\n"
	".notice.error{background:#ffebe9;border-color:#ffcecb;color:#82071e}\n"
	".notice.info{background:#ddf4ff;border-color:#b6e3ff;color:#0a3069}\n"
	".notice.warn{background:#fff8c5;border-color:#eac54f;color:#5c3b00}\n"
	"mark{background:#fff8c5;color:inherit;padding:0 .1em;border-radius:3px}\n"
	".badge{display:inline-block;font-size:.8rem;line-height:1.6;padding:0 .5rem;border-radius:1em;"
	"border:1px solid #d0d7de;background:#f6f8fa;color:#24292f;white-space:nowrap}\n"
	".badge.good{background:#dafbe1;border-color:#4ac26b;color:#0b4a1d}\n"
	".badge.bad{background:#ffebe9;border-color:#ff8182;color:#82071e}\n"
	".badge.wait{background:#fff8c5;border-color:#d4a72c;color:#5c3b00}\n"
	".table{overflow-x:auto;background:#fff;border:1px solid #d8dee4;border-radius:10px;margin:0 0 1rem}\n"
	".table table.queue{min-width:56rem}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;padding:.5rem .7rem;border-bottom:1px solid #eaeef2;vertical-align:top}\n"
	"th{font-size:.85rem;color:#57606a;font-weight:600;background:#f6f8fa}\n"
	"tr:last-child td{border-bottom:0}\n"
	"td{overflow-wrap:anywhere}\n"
	"code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}\n"
	".id{display:inline-flex;gap:.3rem;align-items:center}\n"
	".copy{font-size:.75rem;padding:.05rem .4rem;border:1px solid #d0d7de;border-radius:4px;background:#f6f8fa;cursor:pointer}\n"
	".muted{color:#57606a}.small{font-size:.85rem}\n"
	".empty{text-align:center;padding:2rem 1rem;color:#57606a;background:#fff;border:1px dashed #d0d7de;border-radius:10px}\n"
	"form.stack{max-width:40rem}\n"
	".field{margin:0 0 1rem}\n"
	".field label,.field .label{display:block;font-weight:600;margin-bottom:.25rem}\n"
	".field .lab{display:flex;flex-wrap:wrap;gap:0 .4rem;align-items:baseline}\n"
	".field .hint{font-size:.85rem;color:#57606a;margin-top:.2rem}\n"
	".field .err{color:#a40e26;font-size:.9rem;margin-top:.25rem}\n"
	".field.bad input,.field.bad textarea,.field.bad select{border-color:#cf222e;background:#fff8f8}\n"
	"input[type=text],input[type=email],input[type=password],input[type=tel],input[type=url],input[type=number],"
	"input[type=date],input[type=search],textarea,select{display:block;width:100%;font:inherit;padding:.5rem .6rem;"
	"border:1px solid #8c959f;border-radius:6px;background:#fff;color:inherit}\n"
	"textarea{min-height:6rem}\n"
	".check{display:flex;gap:.5rem;align-items:flex-start}.check input{margin-top:.3rem}\n"
	".actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1rem 0}\n"
	"button,.button{display:inline-block;font:inherit;font-weight:600;padding:.45rem 1rem;border-radius:6px;"
	"border:1px solid #8c959f;background:#f6f8fa;color:#1f2328;cursor:pointer;text-decoration:none}\n"
	"button.primary,.button.primary{background:#1f6feb;border-color:#1a5fcc;color:#fff}\n"
	"button.danger,.button.danger{background:#cf222e;border-color:#a40e26;color:#fff}\n"
	"dl.props{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.35rem 1rem;margin:0}\n"
	"dl.props dt{color:#57606a}dl.props dd{margin:0;overflow-wrap:anywhere}\n"
	".filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:0 0 .75rem}\n"
	".filters .field{margin:0}\n"
	".secret{font-family:ui-monospace,Menlo,Consolas,monospace;background:#fff8c5;padding:.5rem;border-radius:6px;"
	"overflow-wrap:anywhere}\n"
	"pre{background:#f6f8fa;border:1px solid #d8dee4;border-radius:6px;padding:.6rem;overflow-x:auto;font-size:.85rem}\n"
	"table.wide td>form{margin:.4rem 0 0}.card>h2:first-child{margin-top:0}.copy{white-space:nowrap;flex:none}\n"
	".doc{white-space:pre-wrap;overflow-wrap:anywhere;max-height:24rem;overflow-y:auto}\n"
	".lines{white-space:pre-line}\n"
	"ol.inbox{list-style:none;margin:0;padding:0}.inbox .unread{border-left:4px solid #1f6feb}\n"
	".diff .add{background:#dafbe1}.diff .del{background:#ffebe9}\n"
	".findings{list-style:none;margin:-.6rem 0 1rem;padding:0}.findings:empty{display:none}.findings li{margin:.2rem 0;font-size:.92rem}\n"
	".finding.reject .sev{color:#a40e26}.finding.warn .sev{color:#6c4400}\n"
	"fieldset.images{border:1px solid #d8dee4;border-radius:8px;padding:.5rem .8rem}\n"
	"img.thumb{max-width:6rem;max-height:4rem;vertical-align:middle;border:1px solid #d8dee4}\n"
	".reasons{margin:.3rem 0 0;padding-left:1.1rem;font-size:.9rem}.card>h2:first-child{margin-top:0}\n"
	"table.wide{min-width:40rem}\n"
	/* the review desk: the decision beside the context on wide screens */
	".desk{display:grid;gap:0 1rem}@media (min-width:64rem){.desk{grid-template-columns:minmax(0,1fr) 24rem}"
	".desk-side{position:sticky;top:1rem;align-self:start}}\n"
	"figure.doc{margin:0 0 1rem}img.doc{display:block;max-width:100%;max-height:36rem;border:1px solid #d8dee4}"
	"iframe.doc{display:block;width:100%;height:36rem;border:1px solid #d8dee4}\n"
	".previews{display:flex;flex-wrap:wrap;gap:.5rem}.previews figure{margin:0}"
	".previews img{max-width:14rem;max-height:10rem;border:1px solid #d8dee4}\n"
	/* the marketplace: app cards, categories, the search box, one app's head */
	".apps{list-style:none;padding:0;margin:0 0 1rem;display:grid;gap:.75rem;"
	"grid-template-columns:repeat(auto-fill,minmax(17rem,1fr))}"
	".apps li{display:flex;gap:.75rem;align-items:flex-start;background:#fff;border:1px solid #d8dee4;"
	"border-radius:10px;padding:.75rem}.apps p{margin:.2rem 0}\n"
	"img.logo{width:3rem;height:3rem;border-radius:8px;flex:none;object-fit:cover;border:1px solid #d8dee4}"
	"img.logo.big{width:4.5rem;height:4.5rem}.logo.none{display:inline-block;background:#eaeef2}\n"
	".cats{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.5rem}"
	".cats a{display:inline-block;padding:.3rem .8rem;border:1px solid #d8dee4;border-radius:1em;background:#fff}\n"
	".search{display:flex;gap:.5rem;flex-wrap:wrap;align-items:flex-end;margin:0 0 1rem}"
	".search label{flex:1 1 14rem;margin:0}.search input{width:100%}\n"
	".app-head{display:flex;gap:1rem;align-items:flex-start;margin:0 0 1rem}.app-head p{margin:.2rem 0}"
	".prewrap{white-space:pre-wrap}\n"
	".pager{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:0 0 1rem;align-items:baseline}\n"
	"fieldset.reasons-form{border:1px solid #d8dee4;border-radius:8px;margin:1rem 0 0;padding:.5rem .8rem}"
	"fieldset.reasons-form.bad{border-color:#cf222e}\n"
	"table.diff del{color:#82071e;background:#ffebe9}table.diff ins{color:#0b4a1d;background:#dafbe1;text-decoration:none}\n"
	"footer.foot{max-width:76rem;margin:2rem auto 1rem;padding:0 1rem;font-size:.8rem;color:#57606a}\n"
	"@media (max-width:40rem){main{padding:.75rem}h1{font-size:1.25rem}dl.props{grid-template-columns:1fr}"
	"dl.props dd{margin-bottom:.4rem}}\n";

/* Progressive enhancement only: copy buttons. Every page works without. */
const char kf_page_js[] =
	"document.addEventListener('click',function(e){\n"
	"  var b=e.target.closest&&e.target.closest('button.copy');\n"
	"  if(!b)return;\n"
	"  e.preventDefault();\n"
	"  var t=b.getAttribute('data-copy');\n"
	"  if(navigator.clipboard){navigator.clipboard.writeText(t).then(function(){\n"
	"    var o=b.textContent;b.textContent=b.getAttribute('data-done')||'\\u2713';\n"
	"    setTimeout(function(){b.textContent=o;},1500);});}\n"
	"});\n"
	"document.querySelectorAll('button.copy').forEach(function(b){b.hidden=false;});\n"
	"document.querySelectorAll('form[data-confirm]').forEach(function(f){\n"
	"  f.addEventListener('submit',function(e){if(!confirm(f.getAttribute('data-confirm')))e.preventDefault();});\n"
	"});\n"
	/* the listing editor: the findings of what is typed, checked without
	 * saving, put under their fields (the server renders the lists) */
	"document.querySelectorAll('[data-live-findings]').forEach(function(box){\n"
	"  var f=box.querySelector('form'),u=box.getAttribute('data-live-findings'),t=null,n=0;\n"
	"  if(!f||!window.fetch||!window.DOMParser)return;\n"
	"  function check(){\n"
	"    var p=new URLSearchParams(),k=++n;\n"
	"    new FormData(f).forEach(function(v,name){if(typeof v==='string')p.append(name,v);});\n"
	"    fetch(u,{method:'POST',body:p,credentials:'same-origin'}).then(function(r){return r.status===200?r.text():'';})\n"
	"    .then(function(h){if(!h||k!==n)return;\n"
	"      new DOMParser().parseFromString(h,'text/html').querySelectorAll('ul.findings[id]').forEach(function(ul){\n"
	"        var o=document.getElementById(ul.id);if(o)o.replaceWith(document.importNode(ul,true));});\n"
	"    }).catch(function(){});\n"
	"  }\n"
	"  f.addEventListener('input',function(){clearTimeout(t);t=setTimeout(check,700);});\n"
	"});\n"
	/* the review desk: a picked reason template fills its box (still
	 * editable); j/k next/previous review, a approve, r first reason,
	 * unless the person is typing */
	"document.querySelectorAll('select[name^=\"reason_tpl_\"]').forEach(function(s){\n"
	"  s.addEventListener('change',function(){\n"
	"    var t=document.querySelector('[data-tpl=\"'+s.value+'\"]'),b=document.getElementsByName(s.name.replace('tpl','text'))[0];\n"
	"    if(t&&b&&(!b.value||b.value===b.getAttribute('data-filled'))){b.value=t.textContent;b.setAttribute('data-filled',b.value);}\n"
	"  });\n"
	"});\n"
	/* a PDF viewer takes the focus when it has loaded: give it back to
	 * the page, unless the person moved there with Tab */
	"if(document.querySelector('iframe.doc')){var t0=Date.now(),tab=false;\n"
	"  document.addEventListener('keydown',function(e){if(e.key==='Tab')tab=true;},true);\n"
	"  window.addEventListener('blur',function(){setTimeout(function(){var a=document.activeElement;\n"
	"    if(a&&a.matches&&a.matches('iframe.doc')&&!tab&&Date.now()-t0<15000){a.blur();window.focus();}},0);});\n"
	"}\n"
	"if(document.querySelector('nav.pager'))document.addEventListener('keydown',function(e){\n"
	"  var g=e.target,n=g&&g.tagName;\n"
	"  if(e.ctrlKey||e.metaKey||e.altKey||n==='INPUT'||n==='TEXTAREA'||n==='SELECT'||(g&&g.isContentEditable))return;\n"
	"  var a=e.key==='j'?document.querySelector('a[rel=next]'):e.key==='k'?document.querySelector('a[rel=prev]'):null;\n"
	"  if(a){e.preventDefault();location.href=a.href;return;}\n"
	"  var f=e.key==='a'?document.getElementById('approve'):e.key==='r'?document.getElementsByName('reason_tpl_1')[0]:null;\n"
	"  if(f){e.preventDefault();f.focus();}\n"
	"});\n";

static void links(struct kf_html *h, const struct kf_page_link *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		kf_html_raw(h, "<li><a");
		kf_html_url_attr(h, "href", v[i].href);
		if (v[i].current)
			kf_html_raw(h, " aria-current=\"page\"");
		kf_html_raw(h, ">");
		kf_html_text(h, v[i].label);
		kf_html_raw(h, "</a></li>");
	}
}

void kf_page_open(struct kf_html *h, const struct kf_page_head *v)
{
	enum kf_lang lang = v->lang;
	kf_html_raw(h, "<!DOCTYPE html>\n<html");
	kf_html_attr(h, "lang", kf_lang_tag(lang));
	kf_html_raw(h, ">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<meta name=\"referrer\" content=\"same-origin\">\n<title>");
	kf_html_text(h, v->title);
	kf_html_raw(h, " · ");
	kf_html_text(h, v->platform);
	kf_html_raw(h, "</title>\n<link rel=\"stylesheet\" href=\"/static/console.css\">\n"
		       "<script src=\"/static/console.js\" defer></script>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
	kf_html_text(h, KF_L(lang, "Skip to content", "跳到正文"));
	kf_html_raw(h, "</a>\n<header class=\"top\"><div class=\"bar\"><a class=\"brand\" href=\"/console/\">");
	kf_html_text(h, v->platform);
	kf_html_raw(h, "</a>");
	if (v->user_name) {
		kf_html_raw(h, "<a href=\"/console/inbox\">");
		kf_html_text(h, KF_L(lang, "Inbox", "站内信"));
		if (v->unread > 0) {
			char n[24];
			snprintf(n, sizeof(n), "%ld", v->unread);
			kf_html_raw(h, "<span class=\"count\"><span class=\"skip\">");
			kf_html_text(h, KF_L(lang, "unread: ", "未读："));
			kf_html_raw(h, "</span>");
			kf_html_text(h, n);
			kf_html_raw(h, "</span>");
		}
		kf_html_raw(h, "</a>");
	}
	if (v->lang_href) {
		kf_html_raw(h, "<a");
		kf_html_url_attr(h, "href", v->lang_href);
		kf_html_attr(h, "lang", lang == KF_LANG_ZH ? "en" : "zh-CN");
		kf_html_raw(h, ">");
		kf_html_text(h, lang == KF_LANG_ZH ? "English" : "中文");
		kf_html_raw(h, "</a>");
	}
	if (v->user_name) {
		kf_html_raw(h, "<a href=\"/console/account\">");
		kf_html_text(h, v->user_name);
		kf_html_raw(h, "</a>");
		if (v->csrf) {
			kf_html_raw(h, "<form method=\"post\" action=\"/console/signout\">");
			kf_page_hidden(h, "csrf_token", v->csrf);
			kf_html_raw(h, "<button class=\"link\" type=\"submit\">");
			kf_html_text(h, KF_L(lang, "Sign out", "退出登录"));
			kf_html_raw(h, "</button></form>");
		}
	} else {
		kf_html_raw(h, "<a href=\"/console/signin\">");
		kf_html_text(h, KF_L(lang, "Sign in", "登录"));
		kf_html_raw(h, "</a>");
	}
	kf_html_raw(h, "</div></header>\n");
	if (v->n_nav) {
		kf_html_raw(h, "<nav class=\"main\"");
		kf_html_attr(h, "aria-label", KF_L(lang, "Console", "控制台"));
		kf_html_raw(h, "><ul>");
		links(h, v->nav, v->n_nav);
		kf_html_raw(h, "</ul></nav>\n");
	}
	kf_html_raw(h, "<main id=\"main\">\n");
	if (v->n_crumbs) {
		kf_html_raw(h, "<nav class=\"crumbs\"");
		kf_html_attr(h, "aria-label", KF_L(lang, "Breadcrumb", "位置"));
		kf_html_raw(h, "><ol>");
		links(h, v->crumbs, v->n_crumbs);
		kf_html_raw(h, "</ol></nav>\n");
	}
	kf_html_raw(h, "<h1>");
	kf_html_text(h, v->title);
	kf_html_raw(h, "</h1>\n");
	if (v->n_tabs)
		kf_page_tabs(h, lang, v->tabs, v->n_tabs);
}

void kf_page_tabs(struct kf_html *h, enum kf_lang lang, const struct kf_page_link *tabs, size_t n)
{
	kf_html_raw(h, "<nav");
	kf_html_attr(h, "aria-label", KF_L(lang, "Sections", "分区"));
	kf_html_raw(h, "><ul class=\"tabs\">");
	links(h, tabs, n);
	kf_html_raw(h, "</ul></nav>\n");
}

void kf_page_close(struct kf_html *h, enum kf_lang lang)
{
	kf_html_raw(h, "</main>\n<footer class=\"foot\"><a href=\"/\">");
	kf_html_text(h, KF_L(lang, "Home", "首页"));
	kf_html_raw(h, "</a> · <a href=\"/v1/openapi.json\">");
	kf_html_text(h, KF_L(lang, "API description (OpenAPI)", "API 描述（OpenAPI）"));
	kf_html_raw(h, "</a></footer>\n</body>\n</html>\n");
}

void kf_page_notice_rule(struct kf_html *h, const char *kind, const char *text, const char *rule)
{
	bool loud = !strcmp(kind, "error") || !strcmp(kind, "warn");
	kf_html_raw(h, "<div");
	kf_html_attr(h, "class", !strcmp(kind, "ok") ? "notice ok" : !strcmp(kind, "error") ? "notice error"
							 : !strcmp(kind, "warn")  ? "notice warn"
										  : "notice info");
	kf_html_raw(h, loud ? " role=\"alert\">" : " role=\"status\">");
	kf_html_text(h, text);
	if (rule && *rule) {
		kf_html_raw(h, " ");
		kf_page_rule(h, rule);
	}
	kf_html_raw(h, "</div>\n");
}

void kf_page_notice(struct kf_html *h, const char *kind, const char *text)
{
	kf_page_notice_rule(h, kind, text, NULL);
}

/* States and their words (PAGES.md), with a tone for the badge. */
static const struct {
	const char *state, *en, *zh, *tone;
} states[] = {
	{"draft", "Draft", "草稿", ""},
	{"developing", "Developing", "开发中", ""},
	{"development", "Developing", "开发中", ""},
	{"in_review", "In review", "审核中", "wait"},
	{"creation_review", "In review", "审核中", "wait"},
	{"release_review", "In release review", "发布审核中", "wait"},
	{"filed", "Filed", "已备案", "good"},
	{"not_filed", "Not filed", "未备案", "bad"},
	{"pending", "Pending", "待处理", "wait"},
	{"overdue", "Overdue", "已逾期", "bad"},
	{"submitted", "Submitted", "已提交", "wait"},
	{"reviewing", "In review", "审核中", "wait"},
	{"open", "Open", "待处理", "wait"},
	{"rejected", "Rejected", "已驳回", "bad"},
	{"approved", "Approved", "已通过", "good"},
	{"verified", "Verified", "已认证", "good"},
	{"certified", "Certified", "已认证", "good"},
	{"listed", "Listed", "已上架", "good"},
	{"released", "Released", "已发布", "good"},
	{"live", "Released", "已发布", "good"},
	{"not_recommended", "Not recommended", "不推荐", "wait"},
	{"delisted", "Delisted", "已下架", "bad"},
	{"withdrawn", "Withdrawn", "已撤回", ""},
	{"suspended", "Suspended", "已暂停", "bad"},
	{"measure_in_force", "In force", "生效中", "bad"},
	{"ended", "Ended", "已结束", ""},
	{"upheld", "Upheld", "已支持", "good"},
	{"cancelled", "Cancelled", "已注销", ""},
	{"canceled", "Cancelled", "已注销", ""},
	{"cancelling", "Cancelling", "注销中", "wait"},
	{"active", "Active", "正常", "good"},
	{"disabled", "Disabled", "已停用", "bad"},
	{"revoked", "Revoked", "已撤销", ""},
	{"expired", "Expired", "已过期", ""},
	{"delivered", "Delivered", "已送达", "good"},
	{"superseded", "Superseded", "已被取代", ""},
	{"dead", "Failed", "投递失败", "bad"},
	{"failed", "Failed", "失败", "bad"},
	{"passed", "Passed", "通过", "good"},
	{"pass", "Passed", "通过", "good"},
	{"fail", "Failed", "未通过", "bad"},
	{"warn", "Warning", "警告", "wait"},
	{"warning", "Warning", "警告", "wait"},
	{"error", "Error", "错误", "bad"},
	{"queued", "Queued", "排队中", "wait"},
	{"running", "Running", "进行中", "wait"},
	{"retrying", "Retrying", "重试中", "wait"},
	{"accepted", "Accepted", "已接受", "good"},
	{"invited", "Invited", "已邀请", "wait"},
	{"none", "None", "无", ""},
	{"unverified", "Not verified", "未认证", "wait"},
	{"ok", "OK", "正常", "good"},
	{"closed", "Closed", "已关闭", ""},
	{"done", "Done", "已完成", "good"},
	{"active_grace", "In grace period", "宽限期中", "wait"},
	{"qualification_review", "Qualification in review", "资质审核中", "wait"},
	{"certification", "Awaiting certification", "待主体认证", "wait"},
	{"reverify_required", "Re-verification required", "需重新认证", "bad"},
	{"banned", "Banned", "已封禁", "bad"},
	{"purged", "Deleted", "已删除", ""},
	{"email_confirmed", "Confirmed", "已确认", "good"},
	{"email_unconfirmed", "Not confirmed", "未确认", "wait"},
	{"current", "This session", "当前会话", "good"},
	{"consent_pending", "To accept", "待同意", "wait"},
	{"agreed", "Accepted", "已同意", "good"},
	{"announced", "Announced", "已公告", "wait"},
	{"in_force", "In force", "现行", "good"},
	{"superseded", "Superseded", "已被取代", ""},
	{"unread", "Unread", "未读", "wait"},
	{"read", "Read", "已读", ""},
};

static int state_index(const char *state)
{
	for (size_t i = 0; state && i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(states[i].state, state))
			return (int)i;
	return -1;
}

const char *kf_page_state_word(enum kf_lang lang, const char *state)
{
	int i = state_index(state);
	return i < 0 ? NULL : KF_L(lang, states[i].en, states[i].zh);
}

void kf_page_badge(struct kf_html *h, enum kf_lang lang, const char *state)
{
	int i = state_index(state);
	const char *tone = i < 0 ? "" : states[i].tone;
	kf_html_raw(h, "<span");
	kf_html_attr(h, "class", !strcmp(tone, "good")	 ? "badge good"
				 : !strcmp(tone, "bad")	 ? "badge bad"
				 : !strcmp(tone, "wait") ? "badge wait"
							 : "badge");
	kf_html_raw(h, ">");
	kf_html_text(h, i < 0 ? (state ? state : "—") : KF_L(lang, states[i].en, states[i].zh));
	kf_html_raw(h, "</span>");
}

void kf_page_rule(struct kf_html *h, const char *rule)
{
	char href[96];
	snprintf(href, sizeof(href), "/console/rules/%.60s", rule);
	kf_html_raw(h, "<a class=\"mono rule\"");
	kf_html_url_attr(h, "href", href);
	kf_html_raw(h, ">");
	kf_html_text(h, rule);
	kf_html_raw(h, "</a>");
}

void kf_page_id(struct kf_html *h, enum kf_lang lang, const char *id)
{
	kf_html_raw(h, "<span class=\"id\"><code>");
	kf_html_text(h, id);
	kf_html_raw(h, "</code><button type=\"button\" class=\"copy\" hidden");
	kf_html_attr(h, "data-copy", id);
	kf_html_attr(h, "data-done", KF_L(lang, "Copied", "已复制"));
	kf_html_attr(h, "aria-label", KF_L(lang, "Copy", "复制"));
	kf_html_raw(h, ">");
	kf_html_text(h, KF_L(lang, "Copy", "复制"));
	kf_html_raw(h, "</button></span>");
}

static void relative(char *buf, size_t len, enum kf_lang lang, int64_t t, int64_t now)
{
	int64_t d = t - now, a = d < 0 ? -d : d;
	long n;
	const char *en, *zh;
	if (a < 60) {
		snprintf(buf, len, "%s", KF_L(lang, "just now", "刚刚"));
		return;
	}
	if (a < 3600) {
		n = (long)(a / 60);
		en = n == 1 ? "minute" : "minutes";
		zh = "分钟";
	} else if (a < 86400) {
		n = (long)(a / 3600);
		en = n == 1 ? "hour" : "hours";
		zh = "小时";
	} else {
		n = (long)(a / 86400);
		en = n == 1 ? "day" : "days";
		zh = "天";
	}
	if (lang == KF_LANG_ZH)
		snprintf(buf, len, d < 0 ? "%ld %s前" : "%ld %s后", n, zh);
	else
		snprintf(buf, len, d < 0 ? "%ld %s ago" : "in %ld %s", n, en);
}

void kf_page_time(struct kf_html *h, enum kf_lang lang, int64_t t, int64_t now, int tz_offset)
{
	if (!t) {
		kf_html_text(h, "—");
		return;
	}
	time_t s = (time_t)(t + tz_offset);
	struct tm tm;
	gmtime_r(&s, &tm);
	char abs[48], iso[32], rel[48], zone[16];
	strftime(abs, sizeof(abs), "%Y-%m-%d %H:%M", &tm);
	time_t u = (time_t)t;
	struct tm ut;
	gmtime_r(&u, &ut);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &ut);
	if (tz_offset % 3600)
		snprintf(zone, sizeof(zone), "UTC%+d:%02d", tz_offset / 3600, (tz_offset % 3600 < 0 ? -1 : 1) * (tz_offset % 3600) / 60);
	else if (tz_offset)
		snprintf(zone, sizeof(zone), "UTC%+d", tz_offset / 3600);
	else
		snprintf(zone, sizeof(zone), "UTC");
	relative(rel, sizeof(rel), lang, t, now);
	kf_html_raw(h, "<time");
	kf_html_attr(h, "datetime", iso);
	kf_html_raw(h, ">");
	kf_html_text(h, abs);
	kf_html_raw(h, " ");
	kf_html_text(h, zone);
	kf_html_raw(h, "</time> <span class=\"muted small\">(");
	kf_html_text(h, rel);
	kf_html_raw(h, ")</span>");
}

void kf_page_empty(struct kf_html *h, const char *text, const char *href, const char *link_label)
{
	kf_html_raw(h, "<div class=\"empty\"><p>");
	kf_html_text(h, text);
	kf_html_raw(h, "</p>");
	if (href && link_label) {
		kf_html_raw(h, "<p><a class=\"button primary\"");
		kf_html_url_attr(h, "href", href);
		kf_html_raw(h, ">");
		kf_html_text(h, link_label);
		kf_html_raw(h, "</a></p>");
	}
	kf_html_raw(h, "</div>\n");
}

void kf_page_form_open(struct kf_html *h, const char *action, const char *csrf, bool multipart)
{
	kf_html_raw(h, "<form class=\"stack\" method=\"post\"");
	kf_html_url_attr(h, "action", action);
	if (multipart)
		kf_html_raw(h, " enctype=\"multipart/form-data\"");
	kf_html_raw(h, ">\n");
	if (csrf)
		kf_page_hidden(h, "csrf_token", csrf);
}

void kf_page_form_close(struct kf_html *h)
{
	kf_html_raw(h, "</form>\n");
}

void kf_page_hidden(struct kf_html *h, const char *name, const char *value)
{
	kf_html_raw(h, "<input type=\"hidden\"");
	kf_html_attr(h, "name", name);
	kf_html_attr(h, "value", value ? value : "");
	kf_html_raw(h, ">");
}

void kf_page_button(struct kf_html *h, const char *kind, const char *label, const char *name, const char *value)
{
	kf_html_raw(h, "<button type=\"submit\"");
	kf_html_attr(h, "class", kind);
	kf_html_attr(h, "name", name);
	kf_html_attr(h, "value", value);
	kf_html_raw(h, ">");
	kf_html_text(h, label);
	kf_html_raw(h, "</button>");
}

void kf_page_field(struct kf_html *h, enum kf_lang lang, const struct kf_page_field *f)
{
	const char *type = f->type ? f->type : "text";
	struct kf_arena *a = h->arena;
	const char *id = kf_arena_printf(a, "f-%s", f->name);
	const char *hint_id = kf_arena_printf(a, "f-%s-hint", f->name);
	const char *err_id = kf_arena_printf(a, "f-%s-err", f->name);
	const char *described = f->error ? (f->hint ? kf_arena_printf(a, "%s %s", err_id, hint_id) : err_id)
					 : (f->hint ? hint_id : NULL);
	kf_html_raw(h, f->error ? "<div class=\"field bad\">" : "<div class=\"field\">");
	bool check = !strcmp(type, "checkbox");
	if (!check) {
		kf_html_raw(h, "<div class=\"lab\"><label");
		kf_html_attr(h, "for", id);
		kf_html_raw(h, ">");
		kf_html_text(h, f->label);
		kf_html_raw(h, "</label>");
		if (f->required) {
			/* the input says required to assistive technology; the
			 * words are for the eye, beside the label, whose text
			 * stays the field's name */
			kf_html_raw(h, "<span class=\"muted small\" aria-hidden=\"true\">");
			kf_html_text(h, KF_L(lang, "(required)", "（必填）"));
			kf_html_raw(h, "</span>");
		}
		kf_html_raw(h, "</div>");
	} else {
		kf_html_raw(h, "<div class=\"check\">");
	}
	if (!strcmp(type, "textarea")) {
		kf_html_raw(h, "<textarea");
	} else if (!strcmp(type, "select")) {
		kf_html_raw(h, "<select");
	} else {
		kf_html_raw(h, "<input");
		kf_html_attr(h, "type", type);
	}
	kf_html_attr(h, "id", id);
	kf_html_attr(h, "name", f->name);
	if (f->required && !check)
		kf_html_raw(h, " required");
	kf_html_attr(h, "autocomplete", f->autocomplete);
	kf_html_attr(h, "accept", f->accept);
	kf_html_attr(h, "aria-describedby", described);
	if (f->error)
		kf_html_raw(h, " aria-invalid=\"true\"");
	if (!strcmp(type, "textarea")) {
		kf_html_raw(h, ">");
		kf_html_text(h, f->value);
		kf_html_raw(h, "</textarea>");
	} else if (!strcmp(type, "select")) {
		kf_html_raw(h, ">");
		for (size_t i = 0; i < f->n_options; i++) {
			kf_html_raw(h, "<option");
			kf_html_attr(h, "value", f->options[i].value);
			if (f->value && !strcmp(f->value, f->options[i].value))
				kf_html_raw(h, " selected");
			kf_html_raw(h, ">");
			kf_html_text(h, f->options[i].label);
			kf_html_raw(h, "</option>");
		}
		kf_html_raw(h, "</select>");
	} else if (check) {
		kf_html_attr(h, "value", f->value ? f->value : "1");
		if (f->checked)
			kf_html_raw(h, " checked");
		kf_html_raw(h, "><label");
		kf_html_attr(h, "for", id);
		kf_html_raw(h, ">");
		kf_html_text(h, f->label);
		kf_html_raw(h, "</label></div>");
	} else {
		if (strcmp(type, "password") && strcmp(type, "file"))
			kf_html_attr(h, "value", f->value);
		kf_html_raw(h, ">");
	}
	if (f->error) {
		kf_html_raw(h, "<div class=\"err\"");
		kf_html_attr(h, "id", err_id);
		kf_html_raw(h, ">");
		kf_html_text(h, f->error);
		if (f->rule) {
			kf_html_raw(h, " ");
			kf_page_rule(h, f->rule);
		}
		kf_html_raw(h, "</div>");
	}
	if (f->hint) {
		kf_html_raw(h, "<div class=\"hint\"");
		kf_html_attr(h, "id", hint_id);
		kf_html_raw(h, ">");
		kf_html_text(h, f->hint);
		kf_html_raw(h, "</div>");
	}
	kf_html_raw(h, "</div>\n");
}

void kf_page_dl_row(struct kf_html *h, const char *term, const char *value)
{
	kf_html_raw(h, "<dt>");
	kf_html_text(h, term);
	kf_html_raw(h, "</dt><dd>");
	kf_html_text(h, value && *value ? value : "—");
	kf_html_raw(h, "</dd>");
}

const char *kf_role_label(enum kf_lang lang, const char *role)
{
	static const struct {
		const char *name, *en, *zh;
	} roles[] = {
		{"owner", "Owner", "所有者"},     {"admin", "Administrator", "管理员"},
		{"member", "Member", "成员"},     {"reviewer", "Reviewer", "审核员"},
		{"ops", "Operations", "运营"},    {"auditor", "Auditor (read only)", "审计员（只读）"},
	};
	for (size_t i = 0; role && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(roles[i].name, role))
			return KF_L(lang, roles[i].en, roles[i].zh);
	return role ? role : "";
}

static const struct {
	const char *kind, *en, *zh;
} review_kinds[KF_PAGE_REVIEW_KINDS] = {
	{"qualification", "Qualification", "资质审核"},
	{"authenticity", "Authenticity", "真实性认证"},
	{"creation", "App creation", "应用创建审核"},
	{"release", "Release", "全网发布审核"},
	{"change", "Change", "变更审核"},
	{"search_listing", "Search listing", "搜索位申请"},
	{"display_listing", "Display listing", "展示位申请"},
};

const char *kf_page_review_kind_at(size_t i)
{
	return i < KF_PAGE_REVIEW_KINDS ? review_kinds[i].kind : NULL;
}

const char *kf_page_review_kind(enum kf_lang lang, const char *kind)
{
	for (size_t i = 0; kind && i < KF_PAGE_REVIEW_KINDS; i++)
		if (!strcmp(review_kinds[i].kind, kind))
			return KF_L(lang, review_kinds[i].en, review_kinds[i].zh);
	return kind ? kind : "";
}

// The console's release pages of an app (src/console/app_release.c), page
// by page as a browser uses them: the session cookie, the form's CSRF token,
// Post/Redirect/Get. The listing editor shows every finding of a save under
// its field with its rule id, errors and warnings told apart by words, in
// Chinese and English (LST-*); the capability checks run from the page and
// show their results with timings (APP-9); a submission started from the
// page answers once the automated stages are done, and the review's
// outcome and reasons (REV-5) appear where it was submitted; deliveries
// filter by state, event and time, show one event's attempts and replay it
// after a confirmation. Another provider's member gets 404 on every page.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, assertStatus, decide, uploadPdf, pdf } from './helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, approveCreation, reviewer, developingApp, waitFor, deliveries } from './helpers/apps.mjs';
import { startTestApp } from './helpers/testapp.mjs';
import { listingPictures, cleanListing, png, block } from './helpers/images.mjs';

/** A browser of one signed-in person in one language (cookies kf_session and kf_lang). */
function browser(srv, token, lang = 'en') {
	const cookie = `kf_session=${token}; kf_lang=${lang}`;
	const go = async (method, path, body) => {
		const res = await fetch(srv.url + path, {
			method, body, redirect: 'manual',
			headers: { cookie, ...(method === 'POST' ? { origin: srv.url } : {}) },
		});
		return { status: res.status, location: res.headers.get('location'), text: await res.text() };
	};
	return {
		get: (path) => go('GET', path),
		/** Post fields (and files: {name: {buf, filename, type}}) to path with the CSRF token of the page at from. */
		async post(path, fields = {}, { from = path, files = {} } = {}) {
			const p = await go('GET', from);
			const m = p.text.match(/name="csrf_token" value="([^"]+)"/);
			assert.ok(m, `a form with a CSRF token on ${from} (${p.status})`);
			const fd = new FormData();
			fd.append('csrf_token', m[1]);
			for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) fd.append(k, String(x));
			for (const [k, f] of Object.entries(files)) fd.append(k, new Blob([f.buf], { type: f.type }), f.filename);
			return go('POST', path, fd);
		},
	};
}

/** The HTML between the field named name and the next field of the form. */
function fieldBlock(html, name) {
	const start = html.indexOf(`id="f-${name}"`);
	assert.ok(start > 0, `the page has a field ${name}`);
	const rest = html.slice(start + 1);
	const next = rest.search(/id="f-[a-z_.]+"/);
	return rest.slice(0, next < 0 ? undefined : next);
}

const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('console: an app on its way to release', () => {
	let srv, rx, owner, prov, rev, files, base, other, otherProv;
	const testApps = [];

	async function certifyAuthenticity(p, token) {
		const doc = (await uploadPdf(srv, token)).id;
		const s = await srv.req('POST', `/v1/providers/${p.id}/authenticity`, {
			token, body: { documents: [doc], statement: 'We build and run this app ourselves.' },
		});
		assertStatus(s, 201, 'submit authenticity');
		const [{ review_id: reviewId }] = srv.sql(`SELECT review_id FROM authenticity WHERE org_id = ${p.id} ORDER BY id DESC LIMIT 1`);
		assertStatus(await decide(srv, rev.token, reviewId, 'approve'), 200, 'approve authenticity');
	}

	before(async () => {
		srv = await startServer({
			env: {
				KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_CHECK_REPLY_TIMEOUT: '1s', KAIFANG_CHECK_API_TIMEOUT: '3s',
				KAIFANG_URL_CHECK_TIMEOUT: '3s', KAIFANG_MAX_APPS: '50',
			},
		});
		rx = await startReceiver();
		base = `http://listing.localhost:${rx.port}`;
		rev = await reviewer(srv);
		owner = await registerUser(srv, { tag: 'console-release' });
		prov = await appProvider(srv, owner);
		files = await listingPictures(srv, owner.token);
		other = await registerUser(srv, { tag: 'console-other' });
		otherProv = await appProvider(srv, other);
	});
	after(async () => {
		for (const ta of testApps) await ta.close();
		await rx?.close();
		await srv?.stop();
	});

	test('LST-1, LST-8, LST-6: the listing editor shows each finding under its field with its rule id, errors and warnings in words, in zh and en', async () => {
		const app = await developingApp(srv, owner, prov.id, rx);
		const en = browser(srv, owner.token, 'en');
		const zh = browser(srv, owner.token, 'zh');
		const empty = await en.get(`/console/apps/${app.app_id}/listing`);
		assert.equal(empty.status, 200, empty.text);
		assert.match(text(empty.text), /No listing saved yet/);

		const listing = cleanListing(files, base, prov.legalName, {
			name: '天气预报小助手', // 7 CJK characters: a warning (LST-1)
			intro: '查看所在城市的天气预报降雨提醒和灾害预警', // 20 CJK characters: an error (LST-8)
		});
		const fields = { ...listing, keywords: listing.keywords.join('，') };
		for (const k of ['logo_file', 'previews_desktop', 'previews_mobile', 'company_logo_file']) delete fields[k];
		fields.previews_desktop = listing.previews_desktop;
		fields.previews_mobile = listing.previews_mobile;
		fields.company_logo_file = listing.company_logo_file;
		// the icon is uploaded through the page: 64×64 is the wrong size (LST-6)
		const saved = await en.post(`/console/apps/${app.app_id}/listing`, fields, {
			files: { logo_upload: { buf: png(64, 64, block(64, 64)), filename: 'icon.png', type: 'image/png' } },
		});
		assert.equal(saved.status, 303, saved.text);
		assert.equal(saved.location, `/console/apps/${app.app_id}/listing?ok=saved`);

		// what was saved is the API's listing, keywords split, the uploaded icon named by its file id
		const api = await srv.req('GET', `/v1/apps/${app.app_id}/listing`, { token: owner.token });
		assert.deepEqual(api.body.listing.keywords, ['天气', '预报']);
		assert.equal(api.body.listing.name, '天气预报小助手');
		assert.ok(api.body.listing.logo_file > 0 && api.body.listing.logo_file !== files.logo, 'the uploaded icon');
		assert.deepEqual(api.body.listing.previews_desktop, listing.previews_desktop);
		const rules = api.body.findings.map((f) => `${f.rule}:${f.field}:${f.severity}`);
		for (const r of ['LST-1:name:warn', 'LST-8:intro:reject', 'LST-6:logo_file:reject']) assert.ok(rules.includes(r), rules.join());

		const pe = await en.get(saved.location);
		assert.equal(pe.status, 200);
		const intro = fieldBlock(pe.text, 'intro');
		assert.match(intro, /id="findings-intro"/);
		assert.match(text(intro), /Error \(blocks release\): intro is too long: 20 CJK characters/);
		assert.match(intro, /href="\/console\/rules\/LST-8"/);
		const name = fieldBlock(pe.text, 'name');
		assert.match(text(name), /Warning: name has 7 CJK characters/);
		assert.match(name, />LST-1</);
		assert.doesNotMatch(name, /LST-8/, 'a finding is shown under its own field only');
		const logo = fieldBlock(pe.text, 'logo_upload');
		assert.match(text(logo), /Error \(blocks release\):.*LST-6/);
		assert.match(text(pe.text), /errors block the release and \d+ warnings/);

		const pz = await zh.get(saved.location);
		assert.equal(pz.status, 200);
		assert.match(pz.text, /<html lang="zh/);
		const izh = text(fieldBlock(pz.text, 'intro'));
		assert.match(izh, /错误（阻止发布）：\s*简介：最多 15 个汉字/);
		assert.match(izh, /LST-8/);
		const nzh = text(fieldBlock(pz.text, 'name'));
		assert.match(nzh, /警告：\s*名称：建议 2–6 个汉字/);
		assert.match(nzh, /LST-1/);
		assert.match(text(pz.text), /个错误会阻止发布/);
		// LST-7: the category is chosen from the catalog (GET /v1/categories), in the page's language
		assert.match(fieldBlock(pz.text, 'category'), /name="category"[^]*<\/option><option value="tools" selected>工具<\/option>/);
		assert.match(fieldBlock(pe.text, 'category'), /<option value="tools" selected>Tools<\/option>/);

		// while typing (the page's script), the findings of the form as it is, without saving it
		assert.match(pz.text, new RegExp(`data-live-findings="/console/apps/${app.app_id}/listing/findings"`));
		const saves = srv.sql(`SELECT COUNT(*) AS n FROM listings`)[0].n;
		const live = await zh.post(`/console/apps/${app.app_id}/listing/findings`, { ...fields, intro: '查看天气预报' }, { from: saved.location });
		assert.equal(live.status, 200, live.text);
		assert.doesNotMatch(live.text, /<html|<main/, 'a fragment: the lists only');
		assert.match(live.text, /<ul class="findings" id="findings-intro"><\/ul>/, 'the fixed intro has no finding any more');
		assert.match(text(live.text.slice(live.text.indexOf('id="findings-name"'))), /^[^]*警告：\s*名称：建议 2–6 个汉字[^]*LST-1/);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM listings`)[0].n, saves, 'nothing saved');
		const apiCheck = await srv.req('POST', `/v1/apps/${app.app_id}/listing:check`, { token: owner.token, body: { intro: '查看所在城市的天气预报降雨提醒和灾害预警' } });
		assertStatus(apiCheck, 200, 'listing:check');
		assert.ok(apiCheck.body.findings.some((f) => f.rule === 'LST-8' && f.field === 'intro' && f.severity === 'reject'));
		assert.equal((await srv.req('POST', `/v1/apps/${app.app_id}/listing:check`, { token: owner.token, body: { keywords: [1] } })).status, 400);
		assert.equal((await srv.req('POST', `/v1/apps/${app.app_id}/listing:check`, { token: other.token, body: {} })).status, 404);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM listings`)[0].n, saves, 'nothing saved');

		// a refusal of the API's (a keyword of the wrong shape) is shown at its field and stores nothing
		const before = (await srv.req('GET', `/v1/apps/${app.app_id}/listing`, { token: owner.token })).body.id;
		const bad = await zh.post(`/console/apps/${app.app_id}/listing`, { ...fields, keywords: 'x'.repeat(300) });
		assert.equal(bad.status, 400, bad.text);
		assert.match(fieldBlock(bad.text, 'keywords'), /class="err"[^]*LST-4/);
		assert.equal((await srv.req('GET', `/v1/apps/${app.app_id}/listing`, { token: owner.token })).body.id, before);
	});

	test('APP-9: the capability checks run from the page, which answers with every result and its time', async () => {
		const ta = await startTestApp(srv);
		testApps.push(ta);
		const app = await createApp(srv, owner.token, prov.id, appBody(ta, { permission_sets: [1, 3] }));
		ta.configure(app);
		await approveCreation(srv, owner.token, app.app_id);
		const b = browser(srv, owner.token, 'en');
		const first = await b.get(`/console/apps/${app.app_id}/checks`);
		assert.equal(first.status, 200, first.text);
		assert.match(text(first.text), /have not run for this app yet/);
		const run = await b.post(`/console/apps/${app.app_id}/checks`);
		assert.equal(run.status, 303, run.text);
		assert.equal(run.location, `/console/apps/${app.app_id}/checks?ok=checked`);
		const page = await browser(srv, owner.token, 'zh').get(run.location);
		assert.equal(page.status, 200);
		const t = text(page.text);
		for (const check of ['ticket', 'authorization', 'text_reply', 'api_reply', 'event_reply']) assert.match(t, new RegExp(`${check} 通过 \\d+ ms`));
		assert.match(t, /检测已运行/);

		// an app before its creation review: the API's refusal is the page's notice, with its rule
		const draft = await createApp(srv, owner.token, prov.id, appBody(ta));
		const refused = await b.post(`/console/apps/${draft.app_id}/checks`);
		assert.equal(refused.status, 409, refused.text);
		assert.match(refused.text, /class="notice error"[^]*APP-9/);
		assert.match(text(refused.text), /have not run for this app yet/);
	});

	test('REV-5: a release submitted from the page shows the review outcome and its reasons; a stopped one its stage and findings', async () => {
		await certifyAuthenticity(prov, owner.token);
		const ta = await startTestApp(srv);
		testApps.push(ta);
		const app = await createApp(srv, owner.token, prov.id, appBody(ta, { permission_sets: [1, 3] }));
		ta.configure(app);
		await approveCreation(srv, owner.token, app.app_id);
		assertStatus(await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: owner.token, body: cleanListing(files, base, prov.legalName) }), 200, 'listing');
		const en = browser(srv, owner.token, 'en');
		const zh = browser(srv, owner.token, 'zh');
		const s = await en.post(`/console/apps/${app.app_id}/submissions`, { action: 'release' });
		assert.equal(s.status, 303, s.text);
		assert.equal(s.location, `/console/apps/${app.app_id}/submissions?ok=submitted`);
		const pending = text((await en.get(s.location)).text);
		assert.match(pending, /Submitted for review/);
		assert.match(pending, /Release \d{4}-\d\d-\d\d .* Passed .*Pending Due/);

		const sub = (await srv.req('GET', `/v1/apps/${app.app_id}/submissions`, { token: owner.token })).body.items[0];
		assert.equal(sub.review.state, 'pending');
		const reasons = [{ rule: 'LST-9', field: 'description', message: '详细介绍没有说明降雨提醒从哪里来' }];
		assertStatus(await decide(srv, rev.token, sub.review_id, 'reject', reasons), 200, 'reject');

		// the API names the outcome and the reasons with the submission
		const after = (await srv.req('GET', `/v1/apps/${app.app_id}/submissions`, { token: owner.token })).body.items[0];
		assert.equal(after.review.state, 'rejected');
		assert.deepEqual(after.review.reasons, reasons);
		assert.equal(typeof after.review.decided_at, 'number');

		const pz = await zh.get(`/console/apps/${app.app_id}/submissions`);
		assert.equal(pz.status, 200);
		const tz = text(pz.text);
		assert.match(tz, /已驳回/);
		assert.match(tz, /description ：\s*详细介绍没有说明降雨提醒从哪里来 LST-9/);
		assert.match(pz.text, /href="\/console\/rules\/LST-9"/);
		const pe = text((await en.get(`/console/apps/${app.app_id}/submissions`)).text);
		assert.match(pe, /Rejected/);
		assert.doesNotMatch(pe, /Withdraw…/, 'a decided review is not withdrawn');

		// submitted again and withdrawn while its review waits, after a confirmation
		const again = await en.post(`/console/apps/${app.app_id}/submissions`, { action: 'release' });
		assert.equal(again.location, `/console/apps/${app.app_id}/submissions?ok=submitted`);
		const waiting = (await srv.req('GET', `/v1/apps/${app.app_id}/submissions`, { token: owner.token })).body.items[0];
		assert.equal(waiting.review.state, 'pending');
		assert.match((await en.get(again.location)).text, /Withdraw…/);
		const ask = await en.post(`/console/apps/${app.app_id}/submissions`, { action: 'withdraw', submission: waiting.id });
		assert.equal(ask.status, 200);
		assert.match(text(ask.text), /Withdraw this submission\? The review stops and the app goes back to development/);
		assert.equal((await srv.req('GET', `/v1/apps/${app.app_id}`, { token: owner.token })).body.state, 'release_review');
		const w = await en.post(`/console/apps/${app.app_id}/submissions`, { action: 'withdraw', submission: waiting.id, confirm: '1' });
		assert.equal(w.status, 303, w.text);
		assert.equal(w.location, `/console/apps/${app.app_id}/submissions?ok=withdrawn`);
		assert.equal((await srv.req('GET', `/v1/apps/${app.app_id}`, { token: owner.token })).body.state, 'developing');
		const ws = (await srv.req('GET', `/v1/apps/${app.app_id}/submissions`, { token: owner.token })).body.items[0];
		assert.equal(ws.review.state, 'withdrawn');
		assert.equal(srv.sql(`SELECT state FROM reviews WHERE id = ${ws.review_id}`)[0].state, 'withdrawn');
		assert.match(text((await zh.get(w.location)).text), /已撤回，审核已停止。.*已撤回/);
		// the API refuses what cannot be withdrawn
		const again2 = await srv.req('POST', `/v1/apps/${app.app_id}/submissions/${ws.id}:withdraw`, { token: owner.token });
		assert.equal(again2.status, 409);
		assert.equal(again2.body.error.code, 'review_decided');
		assert.equal(again2.body.error.rule, 'REV-1');
		const first = (await srv.req('GET', `/v1/apps/${app.app_id}/submissions`, { token: owner.token })).body.items.at(-1);
		assert.equal((await srv.req('POST', `/v1/apps/${app.app_id}/submissions/${first.id}:withdraw`, { token: owner.token })).body.error.code, 'review_decided');
		assert.equal((await srv.req('POST', `/v1/apps/${app.app_id}/submissions/999999:withdraw`, { token: owner.token })).status, 404);
		assert.equal((await srv.req('POST', `/v1/apps/${app.app_id}/submissions/${ws.id}:withdraw`, { token: other.token })).status, 404);

		// REV-2, REV-3: once released, the app applies for the search and display listings from the same page
		assert.doesNotMatch(text((await en.get(`/console/apps/${app.app_id}/submissions`)).text), /Apply for the search listing/);
		assert.equal((await en.post(`/console/apps/${app.app_id}/submissions`, { action: 'release' })).status, 303);
		const third = (await srv.req('GET', `/v1/apps/${app.app_id}/submissions`, { token: owner.token })).body.items[0];
		assertStatus(await decide(srv, rev.token, third.review_id, 'approve'), 200, 'approve');
		const released = text((await en.get(`/console/apps/${app.app_id}/submissions`)).text);
		assert.match(released, /Submit a change/);
		assert.match(released, /Release \d{4}-\d\d-\d\d .* Passed .*Approved/);
		const search = await zh.post(`/console/apps/${app.app_id}/submissions`, { action: 'search' });
		assert.equal(search.status, 303, search.text);
		const teamPdf = { 'attestations.evidence': { buf: pdf('team'), filename: 'team.pdf', type: 'application/pdf' } };
		const small = await zh.post(`/console/apps/${app.app_id}/submissions`, {
			action: 'display', 'attestations.established_in_field': '1', 'attestations.team_size': '5',
		}, { files: teamPdf });
		assert.equal(small.status, 400, small.text);
		const teamField = fieldBlock(small.text, 'attestations.team_size');
		assert.match(teamField, /class="err"[^]*REV-3/);
		assert.match(teamField, /value="5"/, 'what was typed is kept');
		const display = await zh.post(`/console/apps/${app.app_id}/submissions`, {
			action: 'display', 'attestations.established_in_field': '1', 'attestations.team_size': '12',
			'attestations.statement': '团队十二人，专注天气服务五年。',
		}, { files: teamPdf });
		assert.equal(display.status, 303, display.text);
		const la = (await srv.req('GET', `/v1/apps/${app.app_id}/listing-applications`, { token: owner.token })).body.items;
		assert.deepEqual(la.map((x) => [x.kind, x.state]), [['display_listing', 'pending'], ['search_listing', 'pending']]);
		assert.equal(la[0].attestations.team_size, 12);
		assert.equal(la[0].attestations.evidence.length, 1);
		const lz = text((await zh.get(`/console/apps/${app.app_id}/submissions`)).text);
		assert.match(lz, /展示推荐 \d{4}-\d\d-\d\d.*待处理.*搜索收录 \d{4}-\d\d-\d\d.*待处理/);

		// another provider without an authenticity certification: stopped at stage 1, shown with its finding
		const app2 = await developingApp(srv, other, otherProv.id, rx);
		const o = browser(srv, other.token, 'en');
		const stopped = await o.post(`/console/apps/${app2.app_id}/submissions`, { action: 'release' });
		assert.equal(stopped.status, 303, stopped.text);
		assert.equal(stopped.location, `/console/apps/${app2.app_id}/submissions?ok=stopped`);
		const ps = text((await o.get(stopped.location)).text);
		assert.match(ps, /Failed stopped at: authenticity/);
		assert.match(ps, /Error \(blocks release\): the provider has no authenticity certification.* APP-9 field authenticity/);
		assert.match(ps, /1\. Authenticity certification of the provider None/);
		const stoppedId = (await srv.req('GET', `/v1/apps/${app2.app_id}/submissions`, { token: other.token })).body.items[0].id;
		const nr = await srv.req('POST', `/v1/apps/${app2.app_id}/submissions/${stoppedId}:withdraw`, { token: other.token });
		assert.equal(nr.status, 409);
		assert.equal(nr.body.error.code, 'no_review');

		// APP-9 stage 1 from the console: the evidence is uploaded and submitted for review
		const az = browser(srv, other.token, 'zh');
		const noDoc = await az.post(`/console/apps/${app2.app_id}/authenticity`, { statement: '我们自行开发和运营此应用。' });
		assert.equal(noDoc.status, 400);
		assert.match(fieldBlock(noDoc.text, 'document'), /class="err"[^]*请选择能证明应用由你方开发运营的文件。[^]*APP-9/);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM authenticity WHERE org_id = ${otherProv.id}`)[0].n, 0);
		const au = await az.post(`/console/apps/${app2.app_id}/authenticity`, { statement: '我们自行开发和运营此应用。' }, {
			files: { document: { buf: pdf('copyright'), filename: '软件著作权.pdf', type: 'application/pdf' } },
		});
		assert.equal(au.status, 303, au.text);
		assert.equal(au.location, `/console/apps/${app2.app_id}/authenticity?ok=submitted`);
		const evidence = JSON.parse(srv.sql(`SELECT evidence FROM authenticity WHERE org_id = ${otherProv.id}`)[0].evidence);
		assert.equal(evidence.statement, '我们自行开发和运营此应用。');
		assert.equal(evidence.documents.length, 1);
		assert.equal(srv.sql(`SELECT name FROM files WHERE id = ${Number(evidence.documents[0])}`)[0].name, '软件著作权.pdf');
		const ap = text((await az.get(au.location)).text);
		assert.match(ap, /已提交审核。.*状态 待处理 当前有效 否/);
		assert.match(text((await az.get(`/console/apps/${app2.app_id}/submissions`)).text), /1\. 服务商真实性认证 待处理/);
	});

	test('deliveries: filters by state, event and time, one event\'s attempts, and replay after a confirmation', async () => {
		const app = await developingApp(srv, owner, prov.id, rx);
		const ev = await waitFor(async () => {
			const it = await deliveries(srv, owner.token, app.app_id, 'delivered');
			return it.length ? it[it.length - 1] : null;
		}, { what: 'the first delivered event' });
		const now = await srv.now();
		// the API's filters
		const q = async (qs) => (await srv.req('GET', `/v1/apps/${app.app_id}/deliveries?${qs}`, { token: owner.token }));
		assert.deepEqual((await q(`kind=${ev.kind}`)).body.items.map((x) => x.event_id).includes(ev.event_id), true);
		assert.deepEqual((await q('kind=no_such_event')).body.items, []);
		assert.deepEqual((await q(`since=${now + 3600}`)).body.items, []);
		assert.deepEqual((await q(`until=${ev.created_at}`)).body.items.filter((x) => x.event_id === ev.event_id), []);
		assert.ok((await q(`since=${ev.created_at}&until=${ev.created_at + 1}`)).body.items.some((x) => x.event_id === ev.event_id));
		assert.equal((await q('kind=Bad%20Kind')).status, 400);
		assert.equal((await q('since=yesterday')).body.error.field, 'since');

		const b = browser(srv, owner.token, 'en');
		const list = `/console/apps/${app.app_id}/deliveries`;
		const all = await b.get(list);
		assert.equal(all.status, 200, all.text);
		assert.match(all.text, new RegExp(ev.event_id));
		assert.match(text(all.text), new RegExp(`${ev.kind} ${ev.event_id} Delivered`));
		assert.match((await b.get(`${list}?state=delivered`)).text, new RegExp(ev.event_id));
		const dead = await b.get(`${list}?state=dead`);
		assert.doesNotMatch(dead.text, new RegExp(ev.event_id));
		assert.match(text(dead.text), /No event matches these filters/);
		assert.doesNotMatch((await b.get(`${list}?kind=no_such_event`)).text, new RegExp(ev.event_id));
		assert.match((await b.get(`${list}?kind=${ev.kind}`)).text, new RegExp(ev.event_id));
		const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);
		assert.doesNotMatch((await b.get(`${list}?since=${day(now + 3 * 86400)}`)).text, new RegExp(ev.event_id));
		assert.match((await b.get(`${list}?since=${day(now - 3 * 86400)}&until=${day(now + 3 * 86400)}`)).text, new RegExp(ev.event_id));

		// pages: older than a cursor, with a way back to the newest, the filters kept (encoded)
		const paged = await b.get(`${list}?kind=${ev.kind}&after=${ev.id + 1}`);
		assert.match(paged.text, new RegExp(ev.event_id));
		assert.match(paged.text, new RegExp(`href="${list}\\?state=&amp;kind=${ev.kind}&amp;since=&amp;until="`));
		const older = (await b.get(`${list}?after=${ev.id}`)).text;
		assert.doesNotMatch(older.slice(older.indexOf('<main')), new RegExp(ev.event_id));
		const odd = await b.get(`${list}?kind=a%26b%3Dc&after=1`);
		assert.equal(odd.status, 400, 'the API refuses a kind that is no event kind');
		assert.doesNotMatch(odd.text, /kind=a&amp;b=c/);

		const one = `${list}/${ev.event_id}`;
		const d = await browser(srv, owner.token, 'zh').get(one);
		assert.equal(d.status, 200, d.text);
		assert.match(text(d.text), /推送尝试/);
		assert.match(text(d.text), /HTTP 200 \d+ ms/);
		const confirm = await b.post(one, {});
		assert.equal(confirm.status, 200);
		assert.match(text(confirm.text), /Replay this event\?.*sends the event to your server again at once/);
		assert.match(confirm.text, /name="confirm" value="1"/);
		assert.equal((await srv.req('GET', `/v1/apps/${app.app_id}/deliveries/${ev.event_id}`, { token: owner.token })).body.attempts, ev.attempts, 'nothing replayed before the confirmation');
		const done = await b.post(one, { confirm: '1' });
		assert.equal(done.status, 303, done.text);
		assert.equal(done.location, `${one}?ok=replayed`);
		const replayed = await waitFor(async () => {
			const e = (await srv.req('GET', `/v1/apps/${app.app_id}/deliveries/${ev.event_id}`, { token: owner.token })).body;
			return e.attempts > ev.attempts ? e : null;
		}, { what: 'the replayed attempt' });
		assert.equal(replayed.attempt_log.length, ev.attempts + 1);
	});

	test('a member of another provider gets 404 on every release page of the app, and cannot replay its events', async () => {
		const app = await developingApp(srv, owner, prov.id, rx);
		const ev = await waitFor(async () => {
			const it = await deliveries(srv, owner.token, app.app_id);
			return it.length ? it[0] : null;
		}, { what: 'an event' });
		const o = browser(srv, other.token, 'zh');
		for (const p of ['listing', 'checks', 'submissions', 'authenticity', 'deliveries', `deliveries/${ev.event_id}`, `files/${files.logo}`]) {
			const r = await o.get(`/console/apps/${app.app_id}/${p}`);
			assert.equal(r.status, 404, `${p}: ${r.status}`);
			assert.doesNotMatch(r.text.slice(r.text.indexOf('<main')), new RegExp(ev.event_id), 'nothing of the app is shown');
			assert.match(text(r.text), /这里没有内容，或者你无权查看/);
		}
		const replay = await o.post(`/console/apps/${app.app_id}/deliveries/${ev.event_id}`, { confirm: '1' }, { from: '/console/' });
		assert.equal(replay.status, 404);
		const run = await o.post(`/console/apps/${app.app_id}/checks`, {}, { from: '/console/' });
		assert.equal(run.status, 404);
		// the owner's own page of a made-up app is 404 too
		assert.equal((await browser(srv, owner.token).get('/console/apps/kf0000000000000000/deliveries')).status, 404);
	});
});

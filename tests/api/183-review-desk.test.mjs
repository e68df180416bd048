// The review desk (issue 12): one review with everything its decision
// needs (GET /v1/reviews/{id}/context, REV-1, REV-5) per kind — the
// qualification application with its documents and entity name checks; a
// release with the listing, its findings on their fields, the capability
// check timings, URL results, previews and authenticity; a change with
// the before/after of what changed; the earlier decisions on the same
// subject — and the decision itself: a rejection needs a reason (REV-5),
// two reviewers deciding at once get one 200 and one clear 409. Then the
// page /console/reviews/{id} and the documents it shows (/console/files/{id}).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import {
	registerUser, operator, assertError, assertStatus, decide, uploadPdf, createProvider, apply, pendingReview, adminToken,
} from './helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, approveCreation, reviewer } from './helpers/apps.mjs';
import { startTestApp } from './helpers/testapp.mjs';
import { listingPictures, cleanListing, upload, png, checker } from './helpers/images.mjs';
import { PageSession, mainText, fieldError } from './helpers/pages.mjs';

const context = (srv, token, id) => srv.req('GET', `/v1/reviews/${id}/context`, { token });

describe('review desk', () => {
	let srv, rx, rev, owner, prov, files, base;
	const testApps = [];

	before(async () => {
		srv = await startServer({
			env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_CHECK_REPLY_TIMEOUT: '1s', KAIFANG_CHECK_API_TIMEOUT: '3s', KAIFANG_URL_CHECK_TIMEOUT: '3s' },
		});
		rx = await startReceiver();
		base = `http://listing.localhost:${rx.port}`;
		rev = await reviewer(srv);
		owner = await registerUser(srv, { tag: 'desk' });
		prov = await appProvider(srv, owner);
		files = await listingPictures(srv, owner.token);
		const doc = (await uploadPdf(srv, owner.token)).id;
		const s = await srv.req('POST', `/v1/providers/${prov.id}/authenticity`, { token: owner.token, body: { documents: [doc], statement: 'We build it.' } });
		assertStatus(s, 201, 'authenticity');
		const [{ review_id: rid }] = srv.sql(`SELECT review_id FROM authenticity WHERE org_id = ${prov.id}`);
		assertStatus(await decide(srv, rev.token, rid, 'approve'), 200, 'approve authenticity');
	});
	after(async () => {
		for (const ta of testApps) await ta.close();
		await rx?.close();
		await srv?.stop();
	});

	/** A developing app served by a test app, with a clean listing saved. */
	async function candidate(listing = {}) {
		const ta = await startTestApp(srv);
		testApps.push(ta);
		const app = await createApp(srv, owner.token, prov.id, appBody(ta, { permission_sets: [1, 3] }));
		ta.configure(app);
		await approveCreation(srv, owner.token, app.app_id);
		const l = await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: owner.token, body: cleanListing(files, base, prov.legalName, listing) });
		assertStatus(l, 200, 'save listing');
		return app;
	}

	/** A qualification under review, with one licence (a PNG) and one PDF. */
	async function qualification(tag) {
		const u = await registerUser(srv, { tag });
		const p = await createProvider(srv, u.token, `Desk ${tag}`);
		const picture = await upload(srv, u.token, png(64, 48, checker(8)), 'licence.png');
		const paper = (await uploadPdf(srv, u.token)).id;
		await apply(srv, u.token, p.id, { legalName: `审核台科技有限公司${tag}`, documents: [picture, paper] });
		const rv = await pendingReview(srv, rev.token, p.id);
		return { u, p, rv, picture, paper };
	}

	test('REV-1, ONB-3: a qualification review gives the application, every document and the entity name checks', async () => {
		const q = await qualification('qual1');
		const r = await context(srv, rev.token, q.rv.id);
		assertStatus(r, 200, 'context');
		const c = r.body;
		assert.equal(c.review.kind, 'qualification');
		assert.equal(c.review.state, 'pending');
		assert.equal(typeof c.review.working_days_left, 'number');
		assert.ok(c.review.working_days_left >= 4 && c.review.working_days_left <= 5, String(c.review.working_days_left));
		assert.equal(c.provider.name, 'Desk qual1');
		assert.equal(c.application.legal_name, '审核台科技有限公司qual1');
		assert.equal(c.application.licence_no, '91310000MA1FL0000X');
		assert.equal(c.application.entity_kind, 'company');
		assert.deepEqual(c.documents.map((d) => [d.file_id, d.name, d.content_type]), [
			[q.picture, 'licence.png', 'image/png'], [q.paper, 'licence.pdf', 'application/pdf'],
		]);
		assert.ok(c.documents.every((d) => d.size > 0 && d.missing === false));
		assert.equal(c.name_checks.normalized, '审核台科技有限公司qual1');
		assert.equal(c.name_checks.entity_reused, false);
		assert.equal(c.name_checks.same_as_provider_name, false);
		// REV-5: the reasons a rejection starts from are this kind's
		const rules = c.reason_templates.map((t) => t.rule);
		assert.ok(rules.includes('ONB-3'), rules.join());
		assert.ok(!rules.some((x) => x.startsWith('LST-')), rules.join());
		assert.ok(c.reason_templates.every((t) => t.field && t.en && t.zh));
		assert.deepEqual(c.earlier_decisions, []);
	});

	test('REV-5: after a rejection and a new application, the earlier decision shows who decided, when and why', async () => {
		const q = await qualification('qual2');
		const why = [{ rule: 'ONB-3', field: 'legal_name', message: 'Name differs from the licence.' }];
		assertStatus(await decide(srv, rev.token, q.rv.id, 'reject', why), 200, 'reject');
		await apply(srv, q.u.token, q.p.id, { legalName: '审核台科技有限公司qual2' });
		const again = await pendingReview(srv, rev.token, q.p.id);
		const c = (await context(srv, rev.token, again.id)).body;
		assert.equal(c.earlier_decisions.length, 1, 'the rejected application of the same provider');
		assert.equal(c.earlier_decisions[0].id, q.rv.id);
		assert.equal(c.history.length, 1);
		assert.equal(c.history[0].state, 'rejected');
		assert.equal(c.history[0].reviewer_email, rev.email);
		assert.deepEqual(c.history[0].reasons, why);
		// the decided review itself says who decided it
		const d = (await context(srv, rev.token, q.rv.id)).body;
		assert.equal(d.review.reviewer_email, rev.email);
		assert.equal(d.review.state, 'rejected');
	});

	test('REV-1: the context is for staff: an auditor reads it, an account does not, an unknown review is 404', async () => {
		const q = await qualification('qual3');
		const aud = await operator(srv, 'auditor');
		assertStatus(await context(srv, aud.token, q.rv.id), 200, 'auditor reads');
		const r = await context(srv, q.u.token, q.rv.id);
		assert.equal(r.status, 403, r.text);
		assertError(await context(srv, rev.token, 999999), 404, 'review_not_found');
	});

	test('REV-5: a rejection without a reason is refused on the reasons field', async () => {
		const q = await qualification('qual4');
		assertError(await decide(srv, rev.token, q.rv.id, 'reject'), 400, 'reasons_required', { rule: 'REV-5', field: 'reasons' });
		assertError(await decide(srv, rev.token, q.rv.id, 'reject', []), 400, 'reasons_required', { rule: 'REV-5', field: 'reasons' });
		assert.equal((await context(srv, rev.token, q.rv.id)).body.review.state, 'pending');
	});

	test('REV-5: two reviewers deciding the same review at once: one wins, the other gets 409 already_decided', async () => {
		const q = await qualification('qual5');
		const other = await operator(srv, 'reviewer');
		const [a, b] = await Promise.all([
			decide(srv, rev.token, q.rv.id, 'approve'),
			decide(srv, other.token, q.rv.id, 'reject', [{ rule: 'ONB-3', field: 'documents', message: 'Unreadable.' }]),
		]);
		const statuses = [a.status, b.status].sort();
		assert.deepEqual(statuses, [200, 409], `${a.text} ${b.text}`);
		const loser = a.status === 409 ? a : b;
		assertError(loser, 409, 'already_decided', { rule: 'REV-5', field: 'decision' });
		const winner = a.status === 200 ? rev : other;
		const c = (await context(srv, rev.token, q.rv.id)).body;
		assert.equal(c.review.reviewer_email, winner.email);
		assert.equal(c.review.state, a.status === 200 ? 'approved' : 'rejected');
	});

	test('APP-9, REV-1: a release review gives the listing with its findings on their fields, check timings, URLs, previews and authenticity', async () => {
		// a name of 8 CJK characters is a warning (LST-1), not a reject: the release passes with it
		const app = await candidate({ name: '天气预报小助手专业' });
		const s = await srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token: owner.token });
		assertStatus(s, 202, 'release-review');
		const c = (await context(srv, rev.token, s.body.review.id)).body;
		assert.equal(c.review.kind, 'release');
		assert.equal(c.app.app_id, app.app_id);
		assert.equal(c.provider.id, prov.id);
		assert.equal(c.listing.name, '天气预报小助手专业');
		const lst1 = c.findings.find((f) => f.rule === 'LST-1');
		assert.ok(lst1, JSON.stringify(c.findings));
		assert.equal(lst1.field, 'name');
		assert.equal(lst1.severity, 'warn');
		assert.ok(lst1.message);
		assert.equal(c.checks.length, 5);
		assert.ok(c.checks.every((k) => k.status === 'passed' && typeof k.ms === 'number'), JSON.stringify(c.checks));
		assert.deepEqual(c.url_checks.map((u) => u.field).sort(), ['privacy_url', 'terms_url', 'website']);
		assert.ok(c.url_checks.every((u) => u.url.startsWith(base)));
		assert.ok('names_entity' in c.url_checks.find((u) => u.field === 'privacy_url'));
		// the start of the page text each check read (LST-14, LST-20)
		assert.ok(c.url_checks.every((u) => typeof u.excerpt === 'string' && u.excerpt.length > 0 && Buffer.byteLength(u.excerpt) <= 300), JSON.stringify(c.url_checks));
		assert.deepEqual(c.previews.map((p) => [p.kind, p.file_id]), [['desktop', files.d1], ['desktop', files.d2], ['mobile', files.m1]]);
		assert.deepEqual(c.near_duplicates, []);
		assert.equal(c.authenticity.state, 'approved');
		assert.equal(typeof c.qualifications, 'object');
		assert.ok(c.config, 'the configuration');
		assert.equal(c.config.dev?.aes_key, undefined, 'the message key is not the reviewer\'s');
		assert.equal(c.config.dev?.message_token, undefined);
		const rules = c.reason_templates.map((t) => t.rule);
		assert.ok(rules.includes('LST-9') && rules.includes('LST-21'), rules.join());
		assert.ok(!rules.includes('ONB-2'), rules.join());
		// the creation review of the same app is the app's history, decided by the reviewer
		assert.ok(c.history.some((h) => h.kind === 'creation' && h.app_id === app.app_id && h.state === 'approved'));
		assert.ok(c.earlier_decisions.some((h) => h.kind === 'creation'), 'the creation is an earlier decision on the same app');
	});

	test('APP-7: a change review gives before and after of every changed field of configuration and listing', async () => {
		const app = await candidate();
		let s = await srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token: owner.token });
		assertStatus(s, 202, 'release-review');
		assertStatus(await decide(srv, rev.token, s.body.review.id, 'approve'), 200, 'approve release');
		assertStatus(await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: owner.token, body: cleanListing(files, base, prov.legalName, { name: '天气预报员', version: '1.1.0' }) }), 200, 'listing 1.1.0');
		assertStatus(await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { intro: 'Forecasts, now with storm warnings.' } }), 200, 'config');
		s = await srv.req('POST', `/v1/apps/${app.app_id}/change-review`, { token: owner.token });
		assertStatus(s, 202, 'change-review');
		const c = (await context(srv, rev.token, s.body.review.id)).body;
		assert.equal(c.review.kind, 'change');
		const byField = Object.fromEntries(c.changes.map((x) => [`${x.part}:${x.field}`, x]));
		assert.deepEqual([byField['listing:name'].before, byField['listing:name'].after], ['天气助手', '天气预报员']);
		assert.deepEqual([byField['listing:version'].before, byField['listing:version'].after], ['1.0.0', '1.1.0']);
		assert.equal(byField['config:intro'].after, 'Forecasts, now with storm warnings.');
		assert.notEqual(byField['config:intro'].before, byField['config:intro'].after);
		assert.ok(!byField['listing:intro'], 'an unchanged field is not a change');
		assert.equal(c.before.listing.name, '天气助手');
		assert.equal(c.listing.name, '天气预报员');
	});

	describe('the desk page', () => {
		/** A signed-in page session of an operator. */
		async function session(op, lang = 'en') {
			const s = new PageSession(srv, { lang });
			await s.signIn(op.email, op.password);
			return s;
		}
		/** The form fields of a rejection with reasons (template index, text). */
		function reject(...reasons) {
			const f = { decision: 'reject' };
			reasons.forEach(([tpl, text], i) => {
				f[`reason_tpl_${i + 1}`] = String(tpl);
				f[`reason_text_${i + 1}`] = text;
			});
			return f;
		}

		test('a qualification on one screen: the application, its picture inline and its PDF in a frame, both served', async () => {
			const q = await qualification('page1');
			for (const lang of ['en', 'zh']) {
				const s = await session(rev, lang);
				const p = await s.get(`/console/reviews/${q.rv.id}`);
				assert.equal(p.status, 200);
				const text = mainText(p.text);
				assert.match(text, /审核台科技有限公司page1/);
				assert.match(text, /91310000MA1FL0000X/);
				assert.match(text, lang === 'zh' ? /资质审核/ : /Qualification/);
				assert.match(text, lang === 'zh' ? /剩余 \d 个工作日/ : /\d working days left/);
				assert.match(p.text, new RegExp(`<img class="doc" src="/console/files/${q.picture}"`));
				assert.match(p.text, new RegExp(`<iframe class="doc" src="/console/files/${q.paper}"`));
				assert.match(p.text, /href="\/console\/reviews"/, 'back to the queue');
				assert.match(p.text, /name="decision" value="approve"/);
				assert.match(p.text, /<option value="\d+">ONB-3/);
				assert.match(p.headers.get('content-security-policy'), /frame-src 'self'/);
			}
			const s = await session(rev);
			const img = await s.fetch('GET', `/console/files/${q.picture}`);
			assert.equal(img.status, 200);
			assert.equal(img.headers.get('content-type'), 'image/png');
			assert.equal(img.headers.get('x-content-type-options'), 'nosniff');
			assert.equal(img.headers.get('content-disposition'), 'inline');
			assert.match(img.headers.get('content-security-policy'), /default-src 'none'/);
			const pdf = await s.fetch('GET', `/console/files/${q.paper}`);
			assert.equal(pdf.status, 200);
			assert.equal(pdf.headers.get('content-type'), 'application/pdf');
			assert.equal(pdf.headers.get('content-disposition'), 'inline');
			assert.match(pdf.text, /^%PDF/);
		});

		test("a file is the API's to give: its uploader and staff read it, another account gets 404", async () => {
			const u = await registerUser(srv, { tag: 'filer' });
			const id = (await uploadPdf(srv, u.token)).id;
			const own = new PageSession(srv);
			await own.signIn(u.email, u.password);
			assert.equal((await own.fetch('GET', `/console/files/${id}`)).status, 200);
			const staff = await session(rev);
			assert.equal((await staff.fetch('GET', `/console/files/${id}`)).status, 200);
			const stranger = new PageSession(srv);
			const v = await registerUser(srv, { tag: 'stranger' });
			await stranger.signIn(v.email, v.password);
			assert.equal((await stranger.fetch('GET', `/console/files/${id}`)).status, 404);
			assert.equal((await stranger.fetch('GET', '/console/files/abc')).status, 404);
			const anon = new PageSession(srv);
			const a = await anon.fetch('GET', `/console/files/${id}`);
			assert.equal(a.status, 303, 'signed out: to the sign-in page');
		});

		test('REV-5: reject without a reason shows the refusal on the reasons; two reasons from templates, edited, reach the provider', async () => {
			const q = await qualification('page2');
			const s = await session(rev);
			await s.get(`/console/reviews/${q.rv.id}`);
			const bad = await s.post(`/console/reviews/${q.rv.id}`, { decision: 'reject' });
			assert.equal(bad.status, 400);
			assert.ok(fieldError(bad.text, 'reasons'), 'the error stands at the reasons');
			assert.match(bad.text, /REV-5/);
			const tpls = (await context(srv, rev.token, q.rv.id)).body.reason_templates;
			const a = tpls.findIndex((t) => t.rule === 'ONB-3' && t.field === 'legal_name');
			const b = tpls.findIndex((t) => t.rule === 'ONB-3' && t.field === 'documents');
			const ok = await s.post(`/console/reviews/${q.rv.id}`, reject([a, 'The name lacks 有限公司 as on the licence.'], [b, '']), { from: bad });
			assert.equal(ok.redirectedFrom?.status, 303, ok.text.slice(0, 300));
			assert.match(mainText(ok.text), /Decided/);
			const c = (await context(srv, rev.token, q.rv.id)).body;
			assert.equal(c.review.state, 'rejected');
			assert.deepEqual(c.review.reasons, [
				{ rule: 'ONB-3', field: 'legal_name', message: 'The name lacks 有限公司 as on the licence.' },
				{ rule: 'ONB-3', field: 'documents', message: tpls[b].en },
			]);
			// the provider reads both in its console, rule ids linked
			const owner2 = new PageSession(srv);
			await owner2.signIn(q.u.email, q.u.password);
			const page = await owner2.get(`/console/orgs/${q.p.id}`);
			assert.match(mainText(page.text), /The name lacks 有限公司 as on the licence\./);
			assert.ok(page.text.includes(tpls[b].en.replace(/;/g, ';')));
			assert.match(page.text, /href="\/console\/rules\/ONB-3"/);
			// the page of a decided review has no form, and says who decided
			const after2 = await s.get(`/console/reviews/${q.rv.id}`);
			assert.doesNotMatch(after2.text, /name="decision"/);
			assert.match(mainText(after2.text), new RegExp(rev.email.replace(/[.+]/g, '\\$&')));
		});

		test('REV-5: two reviewers with the page open: the second is told who decided first and when', async () => {
			const q = await qualification('page3');
			const other = await operator(srv, 'reviewer');
			const s1 = await session(rev), s2 = await session(other, 'zh');
			const p1 = await s1.get(`/console/reviews/${q.rv.id}`);
			const p2 = await s2.get(`/console/reviews/${q.rv.id}`);
			const won = await s1.post(`/console/reviews/${q.rv.id}`, { decision: 'approve' }, { from: p1 });
			assert.equal(won.redirectedFrom?.status, 303);
			const lost = await s2.post(`/console/reviews/${q.rv.id}`, reject([0, '']), { from: p2 });
			assert.equal(lost.status, 409);
			const text = mainText(lost.text);
			assert.match(text, new RegExp(`已由 ${rev.email.replace(/[.+]/g, '\\$&')} 于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d 处理`));
			assert.doesNotMatch(lost.text, /name="decision"/, 'the page again, now closed');
			assert.equal((await context(srv, rev.token, q.rv.id)).body.review.state, 'approved');
		});

		test('REV-1: previous and next follow the queue order; an auditor reads the page without a form; others get 403', async () => {
			const q1 = await qualification('page4a');
			const q2 = await qualification('page4b');
			const s = await session(rev);
			const p = await s.get(`/console/reviews/${q1.rv.id}`);
			const next = /<a rel="next" accesskey="j" href="\/console\/reviews\/(\d+)"/.exec(p.text);
			assert.ok(next, 'a next link');
			const queue = (await srv.req('GET', '/v1/reviews?state=pending&limit=200', { token: rev.token })).body.items.map((x) => x.id);
			assert.equal(Number(next[1]), queue[queue.indexOf(q1.rv.id) + 1]);
			const p2 = await s.get(`/console/reviews/${q2.rv.id}`);
			const prev = /<a rel="prev" accesskey="k" href="\/console\/reviews\/(\d+)"/.exec(p2.text);
			assert.equal(Number(prev[1]), queue[queue.indexOf(q2.rv.id) - 1]);
			assert.match(p.text, /accesskey="a"/);

			const aud = await operator(srv, 'auditor');
			const sa = await session(aud);
			const pa = await sa.get(`/console/reviews/${q1.rv.id}`);
			assert.equal(pa.status, 200);
			assert.doesNotMatch(pa.text, /name="decision"/);
			assert.match(mainText(pa.text), /deciding needs a reviewer/);
			const forged = await sa.post(`/console/reviews/${q1.rv.id}`, { decision: 'approve' }, { from: pa });
			assert.equal(forged.status, 403);
			assert.equal((await context(srv, rev.token, q1.rv.id)).body.review.state, 'pending');

			const nobody = new PageSession(srv);
			await nobody.signIn(q1.u.email, q1.u.password);
			assert.equal((await nobody.get(`/console/reviews/${q1.rv.id}`)).status, 403);
			assert.equal((await s.get('/console/reviews/99999999')).status, 404);
		});

		test('APP-9: a release on the desk shows each finding on its field, the check timings and the URL results', async () => {
			const app = await candidate({ name: '天气预报小助手专业' });
			const r = await srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token: owner.token });
			assertStatus(r, 202, 'release-review');
			const s = await session(rev);
			const p = await s.get(`/console/reviews/${r.body.review.id}`);
			assert.equal(p.status, 200);
			const under = /<ul class="findings" id="findings-name">([\s\S]*?)<\/ul>/.exec(p.text);
			assert.ok(under, 'the name finding under the name');
			assert.match(under[1], /LST-1/);
			assert.equal((p.text.match(/\d+ ms/g) || []).length >= 5, true);
			assert.ok(p.text.includes(`${base}/privacy`));
			assert.match(p.text, new RegExp(`<img src="/console/files/${files.d1}"`));
		});

		test('APP-7: a change on the desk shows the changed fields before and after', async () => {
			const app = await candidate();
			let r = await srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token: owner.token });
			assertStatus(await decide(srv, rev.token, r.body.review.id, 'approve'), 200, 'approve');
			assertStatus(await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: owner.token, body: cleanListing(files, base, prov.legalName, { name: '天气预报员', version: '1.1.0' }) }), 200, 'listing');
			r = await srv.req('POST', `/v1/apps/${app.app_id}/change-review`, { token: owner.token });
			assertStatus(r, 202, 'change-review');
			const s = await session(rev);
			const p = await s.get(`/console/reviews/${r.body.review.id}`);
			assert.match(p.text, /<td><del>天气助手<\/del><\/td><td><ins>天气预报员<\/ins><\/td>/);
			assert.match(p.text, /<td><del>1\.0\.0<\/del><\/td><td><ins>1\.1\.0<\/ins><\/td>/);
		});
	});
});

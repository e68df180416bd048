// The app listing (an app's marketplace page, LST-*): every automated
// check answers at once when a listing is saved, shape errors store
// nothing, the operator's term lists (APP-11, LST-3/4/5/18/19) change the
// findings of the next save, the worker opens the privacy, terms and website
// URLs (LST-14, LST-16: HTTP 200 after at most 5 redirects, every hop
// through the SSRF guard), and the documents a category requires (REV-6)
// are submitted by the provider and decided by reviewers.
//
// Pictures are drawn by helpers/images.mjs and encoded as PNG; no image file
// is committed. The listing URLs are http://listing.localhost:<port>/...,
// a name libcurl resolves to 127.0.0.1 itself; the server under test allows
// 127.0.0.1/32 only (KAIFANG_CALLBACK_ALLOW), so a redirect to 127.0.0.2 is
// refused by the guard.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './helpers/server.mjs';
import {
	registerUser, adminToken, operator, assertError, assertStatus, expectUnchanged, uploadPdf, FAILURE_TABLES,
} from './helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, waitFor, reviewer } from './helpers/apps.mjs';
import QRCode from 'qrcode';
import { png, fadeLeft, checker, block, upload, cleanListing } from './helpers/images.mjs';

/** Findings of one rule (and field). */
const of = (findings, rule, field) => findings.filter((f) => f.rule === rule && (!field || f.field === field));
const rejects = (findings) => findings.filter((f) => f.severity === 'reject');

describe('app listing', () => {
	let srv;
	let rx;
	let owner;
	let prov;
	let app;
	let files;
	let base;
	let stranger;

	/** A listing that passes every rule (its website opens after 2 redirects). */
	function clean(over = {}) {
		return cleanListing(files, base, prov.legalName, { website: `${base}/r/2`, ...over });
	}

	function save(body, token = owner.token) {
		return srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token, body });
	}

	async function settled(token = owner.token) {
		return waitFor(async () => {
			const g = await srv.req('GET', `/v1/apps/${app.app_id}/listing`, { token });
			assertStatus(g, 200, 'GET listing');
			return g.body.url_checks.every((c) => c.state !== 'pending') ? g.body : null;
		}, { timeout: 20000, what: 'the URL checks to finish' });
	}

	before(async () => {
		srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.1/32', KAIFANG_URL_CHECK_TIMEOUT: '3s' } });
		rx = await startReceiver();
		// /r/N redirects N times, then 200; /missing is 404; /away redirects to 127.0.0.2
		rx.mode('/r/', (req, rec) => {
			const n = Number(rec.path.split('/')[2]);
			return n > 0 ? { status: 302, headers: { Location: `/r/${n - 1}` }, body: '' } : { status: 200, body: 'welcome' };
		});
		rx.mode('/missing', { status: 404, body: 'not here' });
		rx.mode('/away', () => ({ status: 302, headers: { Location: `http://127.0.0.2:${rx.port}/privacy` }, body: '' }));
		base = `http://listing.localhost:${rx.port}`;
		owner = await registerUser(srv, { tag: 'lister' });
		stranger = await registerUser(srv, { tag: 'stranger' });
		prov = await appProvider(srv, owner);
		app = await createApp(srv, owner.token, prov.id, appBody(rx));
		await reviewer(srv); // created once, before the tests that compare snapshots
		files = {
			logo: await upload(srv, owner.token, png(128, 128, (x, y) => ((x - 64) ** 2 + (y - 64) ** 2 < 1600 ? [200, 40, 40] : [250, 250, 250])), 'logo.png'),
			companyLogo: await upload(srv, owner.token, png(128, 128, checker(16)), 'company.png'),
			d1: await upload(srv, owner.token, png(1920, 1080, fadeLeft(1920)), 'desktop-1.png'),
			d2: await upload(srv, owner.token, png(1920, 1080, checker(135)), 'desktop-2.png'),
			m1: await upload(srv, owner.token, png(750, 1628, block(750, 1628)), 'mobile-1.png'),
			strangers: await upload(srv, stranger.token, png(128, 128, checker(8)), 'theirs.png'),
		};
	});
	after(async () => {
		await rx?.close();
		await srv?.stop();
	});

	test('a clean listing is stored with no reject findings; its URLs are opened (LST-14, LST-16)', async () => {
		const r = await save(clean());
		assertStatus(r, 200, 'PUT listing');
		assert.deepEqual(rejects(r.body.findings), [], JSON.stringify(r.body.findings));
		assert.equal(r.body.listing.name, '天气助手');
		assert.deepEqual(r.body.listing.previews_desktop, [files.d1, files.d2]);
		assert.equal(typeof r.body.id, 'number');
		assert.equal(r.body.live, null);
		assert.deepEqual(r.body.url_checks.map((c) => [c.field, c.rule]), [['privacy_url', 'LST-14'], ['terms_url', 'LST-14'], ['website', 'LST-16']]);
		const g = await settled();
		assert.equal(g.id, r.body.id);
		for (const c of g.url_checks) {
			assert.equal(c.state, 'ok', JSON.stringify(c));
			assert.equal(c.status, 200);
		}
		const site = g.url_checks.find((c) => c.field === 'website');
		assert.equal(site.redirects, 2);
		assert.match(site.final_url, /\/r\/0$/);
		// the draft pointer and the stored row
		const rows = srv.sql(`SELECT a.draft_listing_id AS d, l.findings AS f FROM apps a JOIN listings l ON l.id = a.draft_listing_id WHERE a.app_id = '${app.app_id}'`);
		assert.equal(rows[0].d, r.body.id);
		assert.deepEqual(JSON.parse(rows[0].f), r.body.findings);
		const audit = srv.sql("SELECT action, subject FROM audit_log WHERE action = 'listing.save'");
		assert.ok(audit.some((a) => a.subject === `app:${app.app_id}`));
	});

	test('a listing with many problems is stored, and every finding comes back at once with its rule id', async () => {
		const body = {
			name: '六合彩 最红包',
			logo_file: files.d1,
			category: 'games',
			intro: 'ＫａｉＦａｎｇ ¥9.9 绝对好用的赌 博工具超长超长超长',
			previews_desktop: [files.d1, files.d1],
			previews_mobile: [files.logo],
			version: 'v1',
			privacy_url: 'ftp://example.com/privacy',
			company_name: '别的科技有限公司',
			support_phone: '12345',
			keywords: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'],
		};
		const r = await save(body);
		assertStatus(r, 200, 'PUT listing');
		const f = r.body.findings;
		const expect = [
			['LST-2', 'name'], ['LST-4', 'name'], ['LST-5', 'name'], ['LST-18', 'name'], ['LST-19', 'name'],
			['LST-6', 'logo_file'], ['LST-7', 'category'], ['LST-8', 'intro'], ['APP-11', 'intro'], ['LST-18', 'intro'],
			['LST-19', 'intro'], ['LST-9', 'description'], ['LST-10', 'previews_mobile'], ['LST-11', 'previews_desktop'],
			['LST-12', 'version'], ['LST-14', 'privacy_url'], ['LST-14', 'terms_url'], ['LST-15', 'company_name'],
			['LST-15', 'company_logo_file'], ['LST-16', 'website'], ['LST-17', 'support_phone'], ['LST-4', 'keywords'],
		];
		for (const [rule, field] of expect) assert.ok(of(f, rule, field).length >= 1, `no ${rule} finding on ${field}: ${JSON.stringify(f)}`);
		for (const x of f) {
			assert.match(x.rule, /^(LST|APP)-\d+$/);
			assert.ok(['reject', 'warn'].includes(x.severity));
			assert.ok(x.message.length > 0);
		}
		// stored anyway: GET answers the same, and nothing was queued for the invalid URL
		const g = await srv.req('GET', `/v1/apps/${app.app_id}/listing`, { token: owner.token });
		assert.equal(g.body.id, r.body.id);
		assert.deepEqual(g.body.findings, f);
		assert.deepEqual(g.body.url_checks, []);
		assert.equal(srv.sql("SELECT COUNT(*) AS n FROM url_checks WHERE url LIKE 'ftp:%'")[0].n, 0);
	});

	test('lengths: exactly at the limit passes, one more is a finding (LST-1, LST-8)', async () => {
		let r = await save(clean({ name: '天'.repeat(10), intro: '天'.repeat(15) }));
		assert.equal(of(r.body.findings, 'LST-1', 'name').filter((x) => x.severity === 'reject').length, 0);
		assert.equal(of(r.body.findings, 'LST-1', 'name').filter((x) => x.severity === 'warn').length, 1);
		assert.equal(of(r.body.findings, 'LST-8', 'intro').length, 0);
		r = await save(clean({ name: '天'.repeat(11), intro: '天'.repeat(16) }));
		assert.equal(of(r.body.findings, 'LST-1', 'name').filter((x) => x.severity === 'reject').length, 1);
		assert.equal(of(r.body.findings, 'LST-8', 'intro').length, 1);
	});

	test('LST-21: an icon carrying a QR code is rejected; the company logo and a plain icon are not scanned for it', async () => {
		// a QR code made by an independent encoder, drawn into the icon's corner
		const qr = QRCode.create('https://spam.example/join', { errorCorrectionLevel: 'M' }).modules;
		const m = 2, at = 128 - (qr.size + 8) * m;
		const dark = (x, y) => {
			const mx = Math.floor((x - at) / m) - 4, my = Math.floor((y - at) / m) - 4;
			return mx >= 0 && my >= 0 && mx < qr.size && my < qr.size && qr.data[my * qr.size + mx];
		};
		const inCode = (x, y) => x >= at && y >= at;
		const icon = await upload(srv, owner.token, png(128, 128, (x, y) => (inCode(x, y) ? (dark(x, y) ? [0, 0, 0] : [255, 255, 255]) : [40, 120, 200])), 'qr-icon.png');
		let r = await save(clean({ logo_file: icon }));
		const f = of(r.body.findings, 'LST-21', 'logo_file');
		assert.equal(f.length, 1, JSON.stringify(r.body.findings));
		assert.equal(f[0].severity, 'reject');
		assert.match(f[0].message, /QR code.*spam\.example\/join/);
		// the same picture as the company logo is LST-15's, which has no such rule
		r = await save(clean({ company_logo_file: icon }));
		assert.equal(of(r.body.findings, 'LST-21').length, 0, JSON.stringify(r.body.findings));
		r = await save(clean());
		assert.equal(of(r.body.findings, 'LST-21').length, 0);
	});

	test('shape errors answer 400 and store nothing', async () => {
		const cases = [
			[{ name: 5 }, 'invalid_type', 'name'],
			[{ keywords: 'weather' }, 'invalid_type', 'keywords'],
			[{ keywords: ['ok', 7] }, 'invalid_type', 'keywords[1]'],
			[{ previews_desktop: [files.d1, 'x'] }, 'invalid_type', 'previews_desktop[1]'],
			[{ previews_mobile: {} }, 'invalid_type', 'previews_mobile'],
			[{ logo_file: '12' }, 'invalid_type', 'logo_file'],
			[{ tagline: 'x' }, 'unknown_field', 'tagline'],
			[{ logo_file: 999999 }, 'file_not_found', 'logo_file'],
			[{ company_logo_file: files.strangers }, 'file_not_found', 'company_logo_file'],
			[{ previews_desktop: [files.d1, files.strangers] }, 'file_not_found', 'previews_desktop[1]'],
			[{ previews_mobile: [0] }, 'file_not_found', 'previews_mobile[0]'],
			[{ description: 'x'.repeat(16385) }, 'too_long', 'description'],
			[{ keywords: Array(65).fill('k') }, 'too_many_items', 'keywords'],
		];
		await expectUnchanged(srv, async () => {
			for (const [over, code, field] of cases) assertError(await save({ ...clean(), ...over }), 400, code, { field });
			for (const raw of ['{', '[1]', '"x"', '{"name":"a","name":"b"}'])
				assertError(await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { token: owner.token, raw, headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_json');
			// someone else's app, an operator, nobody
			assertError(await save(clean(), stranger.token), 404, 'app_not_found');
			assertError(await save(clean(), (await reviewer(srv)).token), 403, 'provider_member_required');
			assertError(await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, { body: clean() }), 401, 'unauthenticated');
		}, { ignore: [...FAILURE_TABLES, 'url_checks'] });
		// operators read it
		assertStatus(await srv.req('GET', `/v1/apps/${app.app_id}/listing`, { token: (await reviewer(srv)).token }), 200);
		assertError(await srv.req('GET', `/v1/apps/${app.app_id}/listing`, { token: stranger.token }), 404, 'app_not_found');
	});

	test('URL checks: 404 and 6 redirects fail, 5 redirects pass, a hop to a refused address is refused (LST-14, LST-16)', async () => {
		let r = await save(clean({ privacy_url: `${base}/r/5`, terms_url: `${base}/missing`, website: `${base}/r/6` }));
		assertStatus(r, 200);
		let g = await settled();
		const by = (field) => g.url_checks.find((c) => c.field === field);
		assert.equal(by('privacy_url').state, 'ok');
		assert.equal(by('privacy_url').redirects, 5);
		assert.equal(by('terms_url').state, 'failed');
		assert.equal(by('terms_url').status, 404);
		assert.equal(by('website').state, 'failed');
		assert.match(by('website').error, /more than 5 redirects/);
		assert.ok(rx.on('/missing').length >= 1, 'the receiver saw the 404 request');

		r = await save(clean({ website: `${base}/away` }));
		g = await settled();
		assert.equal(by('website').state, 'failed');
		assert.match(by('website').error, /refused address 127\.0\.0\.2/);
		assert.equal(by('privacy_url').state, 'ok');
	});

	test('term lists: operators read them, admins replace one, and the next save is judged by it (APP-11, LST-4)', async () => {
		const admin = await adminToken(srv);
		const rv = await reviewer(srv);
		const l = await srv.req('GET', '/v1/term-lists', { token: rv.token });
		assertStatus(l, 200);
		assert.deepEqual(l.body.items.map((x) => [x.list, x.rule]), [
			['protected_marks', 'APP-11'], ['generic_names', 'LST-3'], ['hot_words', 'LST-4'],
			['gambling_names', 'LST-5'], ['superlatives', 'LST-18'], ['banned_terms', 'LST-19'],
		]);
		assert.equal(l.body.items.find((x) => x.list === 'hot_words').count, 2);
		const hw = await srv.req('GET', '/v1/term-lists/hot_words', { token: rv.token });
		assert.deepEqual([...hw.body.terms].sort(), ['免费领取', '红包'].sort());
		assert.equal(hw.body.rule, 'LST-4');

		const body = clean({ intro: '天气预报 Ｈ-Ｏ-Ｔ', keywords: ['天气', 'ＨＯＴ'] });
		let r = await save(body);
		assert.equal(of(r.body.findings, 'LST-4').length, 0, JSON.stringify(r.body.findings));

		const gen0 = l.body.generation;
		const p = await srv.req('PUT', '/v1/term-lists/hot_words', { token: admin, body: { terms: ['红包', '免费领取', 'hot', 'hot'] } });
		assertStatus(p, 200, 'PUT term list');
		assert.deepEqual([...p.body.terms].sort(), ['hot', '免费领取', '红包'].sort());
		assert.ok(p.body.generation > gen0);
		r = await save(body);
		assert.equal(of(r.body.findings, 'LST-4', 'keywords').length, 1, JSON.stringify(r.body.findings));
		assert.equal(of(r.body.findings, 'LST-4', 'intro').length, 1);
		assert.ok(srv.sql("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'term_list.replace' AND subject = 'term_list:hot_words'")[0].n >= 1);

		// a change made by another process (here: straight in the database,
		// with the generation bumped as every writer does) is picked up too
		srv.sql("INSERT INTO term_lists (list, term) VALUES ('protected_marks', 'tianqi')");
		srv.sql("UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'term_lists.generation'");
		r = await save(clean({ name: 'Ｔｉａｎ-Ｑｉ助手' }));
		assert.equal(of(r.body.findings, 'APP-11', 'name').length, 1, JSON.stringify(r.body.findings));
		// the app's own configuration is judged by the same matcher, every
		// mark of a long list included
		assertError(await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { name: 'Tian Qi Helper' } }), 400, 'protected_mark', { rule: 'APP-11', field: 'name' });
		const marks = Array.from({ length: 3000 }, (_, i) => `mark${i}x`);
		assertStatus(await srv.req('PUT', '/v1/term-lists/protected_marks', { token: admin, body: { terms: [...marks, 'kaifang', '开放平台'] } }), 200);
		assertError(await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { intro: 'Works with Mark-2999X.' } }), 400, 'protected_mark', { rule: 'APP-11', field: 'intro' });
		assertStatus(await srv.req('PUT', '/v1/term-lists/protected_marks', { token: admin, body: { terms: ['kaifang', '开放平台'] } }), 200);

		// an operator's tool loads a list from a file with the CLI; a running
		// server judges the next save by it
		const file = path.join(os.tmpdir(), `kf-terms-${process.pid}.txt`);
		fs.writeFileSync(file, '# hot words, one a line\n红包\n\n免费领取\r\n限时秒杀\n');
		let c = srv.cli(['terms', 'load', 'hot_words', file]);
		assert.equal(c.status, 0, c.stderr);
		assert.match(c.stdout, /loaded 3 terms into hot_words/);
		assert.deepEqual(srv.cli(['terms', 'show', 'hot_words']).stdout.trim().split('\n').sort(), ['免费领取', '红包', '限时秒杀'].sort());
		r = await save(clean({ intro: '天气预报限 时 秒 杀' }));
		assert.equal(of(r.body.findings, 'LST-4', 'intro').length, 1, JSON.stringify(r.body.findings));
		// a bad line stops the load with its line number; nothing changes
		fs.writeFileSync(file, '红包\n-·-\n');
		await expectUnchanged(srv, async () => {
			c = srv.cli(['terms', 'load', 'hot_words', file]);
			assert.notEqual(c.status, 0);
			assert.match(c.stderr, /:2: /);
			assert.notEqual(srv.cli(['terms', 'load', 'colours', file]).status, 0);
		});
		fs.unlinkSync(file);

		// refusals, none of which changes anything
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('PUT', '/v1/term-lists/colours', { token: admin, body: { terms: ['red'] } }), 404, 'term_list_not_found', { field: 'list' });
			assertError(await srv.req('GET', '/v1/term-lists/colours', { token: rv.token }), 404, 'term_list_not_found');
			assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token: admin, body: { terms: ['ok', ''] } }), 400, 'invalid_term', { field: 'terms[1]', rule: 'LST-4' });
			assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token: admin, body: { terms: ['热'.repeat(65)] } }), 400, 'invalid_term', { field: 'terms[0]' });
			assertStatus(await srv.req('GET', '/v1/term-lists/hot_words', { token: admin }), 200);
			assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token: admin, body: { terms: ['-·-'] } }), 400, 'invalid_term');
			assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token: admin, body: { terms: [3] } }), 400, 'invalid_type', { field: 'terms[0]' });
			assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token: admin, body: { terms: Array.from({ length: 5001 }, (_, i) => `t${i}`) } }), 400, 'too_many_items', { field: 'terms' });
			assertError(await srv.req('PUT', '/v1/term-lists/hot_words', { token: rv.token, body: { terms: ['x'] } }), 403, 'admin_required');
			assertError(await srv.req('GET', '/v1/term-lists', { token: owner.token }), 403, 'operator_required');
		}, { ignore: [...FAILURE_TABLES, 'url_checks'] });
		// 5000 terms are fine
		const many = Array.from({ length: 5000 }, (_, i) => `词${i}`);
		assertStatus(await srv.req('PUT', '/v1/term-lists/generic_names', { token: admin, body: { terms: many } }), 200);
		assertStatus(await srv.req('PUT', '/v1/term-lists/generic_names', { token: admin, body: { terms: ['电话', '邮件', '日历'] } }), 200);
	});

	test('REV-6: a finance listing needs the financial licence, submitted by the provider and decided by a reviewer', async () => {
		const path = `/v1/apps/${app.app_id}/qualifications`;
		let r = await save(clean({ category: 'finance' }));
		assertStatus(r, 200);
		assert.equal(of(r.body.findings, 'LST-7').length, 0);
		let q = await srv.req('GET', path, { token: owner.token });
		assertStatus(q, 200);
		assert.equal(q.body.category, 'finance');
		assert.equal(q.body.complete, false);
		assert.deepEqual(q.body.items.map((x) => [x.doc, x.required, x.state]), [['financial_licence', true, 'missing']]);

		const mine = await uploadPdf(srv, owner.token);
		const theirs = await uploadPdf(srv, stranger.token);
		const ops = await operator(srv, 'ops');
		const rv = await reviewer(srv);
		await expectUnchanged(srv, async () => {
			assertError(await srv.req('PUT', `${path}/payment_licence`, { token: owner.token, body: { file_id: mine.id } }), 404, 'qualification_not_required', { rule: 'REV-6' });
			assertError(await srv.req('PUT', `${path}/Financial-Licence`, { token: owner.token, body: { file_id: mine.id } }), 404, 'qualification_not_required');
			assertError(await srv.req('PUT', `${path}/financial_licence`, { token: owner.token, body: { file_id: theirs.id } }), 400, 'file_not_found', { field: 'file_id' });
			assertError(await srv.req('PUT', `${path}/financial_licence`, { token: owner.token, body: {} }), 400, 'missing_field', { field: 'file_id' });
			assertError(await srv.req('PUT', `${path}/financial_licence`, { token: stranger.token, body: { file_id: theirs.id } }), 404, 'app_not_found');
			assertError(await srv.req('PUT', `${path}/financial_licence`, { token: rv.token, body: { file_id: mine.id } }), 403, 'provider_member_required');
			// nothing submitted yet: nothing to decide
			assertError(await srv.req('POST', `${path}/financial_licence/decision`, { token: rv.token, body: { decision: 'accept' } }), 404, 'qualification_not_found');
		}, { ignore: [...FAILURE_TABLES, 'url_checks'] });

		let s = await srv.req('PUT', `${path}/financial_licence`, { token: owner.token, body: { file_id: mine.id } });
		assertStatus(s, 200, 'submit');
		assert.equal(s.body.state, 'pending');
		assert.equal(s.body.file_id, mine.id);

		await expectUnchanged(srv, async () => {
			const d = `${path}/financial_licence/decision`;
			assertError(await srv.req('POST', d, { token: owner.token, body: { decision: 'accept' } }), 403, 'operator_required');
			assertError(await srv.req('POST', d, { token: ops.token, body: { decision: 'accept' } }), 403, 'reviewer_required');
			assertError(await srv.req('POST', d, { token: rv.token, body: { decision: 'approve' } }), 400, 'invalid_value', { field: 'decision' });
			assertError(await srv.req('POST', d, { token: rv.token, body: { decision: 'reject' } }), 400, 'reason_required', { field: 'reason' });
		}, { ignore: [...FAILURE_TABLES, 'url_checks'] });

		const d = await srv.req('POST', `${path}/financial_licence/decision`, { token: rv.token, body: { decision: 'reject', reason: '扫描件不清晰' } });
		assertStatus(d, 200, 'reject');
		assert.equal(d.body.state, 'rejected');
		assert.equal(d.body.reason, '扫描件不清晰');
		assertError(await srv.req('POST', `${path}/financial_licence/decision`, { token: rv.token, body: { decision: 'accept' } }), 409, 'already_decided');
		const inbox = await srv.req('GET', '/v1/inbox', { token: owner.token });
		assert.ok(inbox.body.items.some((m) => /rejected/i.test(m.title ?? m.subject ?? '')), JSON.stringify(inbox.body.items.slice(0, 3)));

		s = await srv.req('PUT', `${path}/financial_licence`, { token: owner.token, body: { file_id: mine.id } });
		assert.equal(s.body.state, 'pending');
		const a = await srv.req('POST', `${path}/financial_licence/decision`, { token: (await adminToken(srv)), body: { decision: 'accept' } });
		assertStatus(a, 200, 'accept');
		q = await srv.req('GET', path, { token: owner.token });
		assert.equal(q.body.complete, true);
		assert.equal(q.body.items[0].state, 'accepted');
		// back to a category without documents: the accepted one stays listed, not required
		await save(clean());
		q = await srv.req('GET', path, { token: rv.token });
		assert.equal(q.body.category, 'tools');
		assert.equal(q.body.complete, true);
		assert.deepEqual(q.body.items.map((x) => [x.doc, x.required]), [['financial_licence', false]]);
		const audit = srv.sql("SELECT action FROM audit_log WHERE action LIKE 'qualification.%' ORDER BY id").map((x) => x.action);
		assert.deepEqual(audit, ['qualification.submit', 'qualification.reject', 'qualification.submit', 'qualification.accept']);
	});
});

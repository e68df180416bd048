// Issue 11, the frictions a new user met on the consent page and in the
// catalogs: the category catalog has a public route; every permission set
// speaks Chinese and English and the consent page shows the page's
// language; the page names the platform, offers "forgot password?" and
// "not you? switch account", disables the accounts the app would refuse
// (with the reason) and preselects the one that fits, asks for the member
// scope only for sets that hand over members' data, and shows the released
// listing's name and logo. The page is driven as a browser would: by GET
// and form posts, through /oauth/authorize (no Referer rule, no ticket).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, cli } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, assertStatus, adminToken } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, waitFor } from './helpers/apps.mjs';
import { png, upload } from './helpers/images.mjs';

const REDIRECT = 'https://auth.example.com/oauth/callback';
const PLATFORM = 'Acme 开放平台';

let srv, rx, owner, hostOwner, hostA, hostB, app, membersApp;

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_PLATFORM_NAME: PLATFORM } });
	rx = await startReceiver();
	owner = await registerUser(srv, { tag: 'catprov' });
	const prov = await appProvider(srv, owner);
	hostOwner = await registerUser(srv, { tag: 'catowner' });
	const key = hostApiKey(srv).key;
	hostA = await provisionHost(srv, key, { owner_email: hostOwner.email, name: 'Test Shop A' });
	hostB = await provisionHost(srv, key, { owner_email: hostOwner.email, name: 'Other Shop B' });
	// only hostA is on the test allowlist (AUTH-4)
	app = await developingApp(srv, owner, prov.id, rx, { permission_sets: [1, 3], dev: { test_allowlist: [hostA.id], redirect_uris: [REDIRECT] } });
	membersApp = await developingApp(srv, owner, prov.id, rx, { permission_sets: [1, 2], dev: { test_allowlist: [hostA.id, hostB.id], redirect_uris: [REDIRECT] } });
});
after(async () => {
	await srv?.stop();
	await rx?.close();
});

function hidden(html, name) {
	const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
	return m && m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

function authorizeUrl(a, lang) {
	const verifier = crypto.randomBytes(32).toString('base64url');
	const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
	const q = new URLSearchParams({ client_id: a.app_id, redirect_uri: REDIRECT, response_type: 'code', state: 's1', code_challenge: challenge, code_challenge_method: 'S256' });
	return { path: `/oauth/authorize?${q}`, params: q, lang };
}

async function openPage(a, { lang = 'en', who = hostOwner } = {}) {
	const u = authorizeUrl(a, lang);
	const page = await srv.req('GET', u.path, { cookie: who ? `kf_session=${who.token}` : undefined, headers: { 'Accept-Language': lang === 'zh' ? 'zh-CN' : 'en' } });
	return { ...u, page };
}

function postForm(params, fields, { cookie, lang = 'en' } = {}) {
	const form = new URLSearchParams(params);
	for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) form.append(k, String(x));
	return srv.req('POST', '/oauth/authorize', {
		cookie,
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': lang === 'zh' ? 'zh-CN' : 'en' },
		raw: form.toString(),
	});
}

/** The <input name="account"> of one host account, as a tag. */
function accountInput(html, id) {
	return new RegExp(`<input type="radio" name="account" value="${id}"[^>]*>`).exec(html)?.[0] ?? '';
}

describe('catalogs', () => {
	test('REV-6 GET /v1/categories lists the catalog without credentials: ids, zh and en names, qualifications required', async () => {
		const r = await srv.req('GET', '/v1/categories');
		assertStatus(r, 200, 'categories');
		const byId = Object.fromEntries(r.body.items.map((c) => [c.id, c]));
		assert.deepEqual(byId.tools, { id: 'tools', name: '工具', name_zh: '工具', name_en: 'Tools', qualifications: [] });
		assert.deepEqual(byId.education.qualifications, ['education_licence']);
		assert.deepEqual(byId.ai, { id: 'ai', name: '人工智能', name_zh: '人工智能', name_en: 'AI', qualifications: ['generative_ai_service_filing'] });
		assert.deepEqual(r.body.items.map((c) => c.id), [...r.body.items.map((c) => c.id)].sort());
		for (const c of r.body.items) {
			assert.ok(c.name_zh && c.name_en, JSON.stringify(c));
			assert.ok(Array.isArray(c.qualifications));
		}
		// a listing's category is one of these ids (LST-7): the listing check knows the same catalog
		assert.equal(r.body.items.length >= 15, true);
	});

	test('APP-3 every permission set has zh and en texts; member_data marks the sets that hand over members', async () => {
		const r = await srv.req('GET', '/v1/permission-sets', { token: owner.token });
		assertStatus(r, 200, 'permission sets');
		for (const s of r.body.items) {
			for (const f of ['name_zh', 'name_en', 'description_zh', 'description_en', 'data_entrusted_zh', 'data_entrusted_en'])
				assert.ok(typeof s[f] === 'string' && s[f].length > 0, `${s.key}.${f}: ${JSON.stringify(s)}`);
			assert.equal(s.name, s.name_zh); // the old fields keep their meaning
			assert.equal(s.description, s.description_en);
			assert.equal(s.data_entrusted, s.data_entrusted_en);
		}
		const messages = r.body.items.find((s) => s.key === 'messages');
		assert.equal(messages.description_zh, '接收并回复发送给帐号的消息');
		assert.deepEqual(r.body.items.filter((s) => s.member_data).map((s) => s.key), ['members', 'calendar']);
	});

	test('APP-3 an operator adds a set with its Chinese texts and the member-data mark', async () => {
		const admin = await adminToken(srv);
		const body = { id: 161, key: 'contacts161', name: '客户联系人', name_en: 'Customer contacts', description: 'Read customer contacts', description_zh: '读取客户联系人', data_entrusted: 'Contacts of the visible members', data_entrusted_zh: '可见成员的客户联系人', member_data: true };
		assertStatus(await srv.req('POST', '/v1/permission-sets', { token: admin, body }), 201, 'add set');
		const s = (await srv.req('GET', '/v1/permission-sets', { token: owner.token })).body.items.find((x) => x.id === 161);
		assert.equal(s.description_zh, '读取客户联系人');
		assert.equal(s.data_entrusted_zh, '可见成员的客户联系人');
		assert.equal(s.member_data, true);
	});
});

describe('the consent page', () => {
	test('AUTH-1 the platform is named and the permission texts are in the page language', async () => {
		const zh = (await openPage(app, { lang: 'zh' })).page;
		assert.equal(zh.status, 200, zh.text.slice(0, 300));
		assert.match(zh.text, /<main class="page">/);
		assert.match(zh.text, new RegExp(`<p class="brand">${PLATFORM}</p>`));
		assert.match(zh.text, new RegExp(`<title>[^<]* - ${PLATFORM}</title>`));
		assert.match(zh.text, /接收并回复发送给帐号的消息/);
		assert.match(zh.text, /帐号名称、头像和认证状态/);
		assert.doesNotMatch(zh.text, /Receive and reply to messages/);
		const en = (await openPage(app, { lang: 'en' })).page;
		assert.match(en.text, /Receive and reply to messages sent to the account/);
		assert.doesNotMatch(en.text, /接收并回复/);
	});

	test('DATA-1 the member-scope box only when the app asks for a set with members\' data', async () => {
		const plain = (await openPage(app)).page;
		assert.doesNotMatch(plain.text, /name="data_scope"/);
		const members = (await openPage(membersApp)).page;
		assert.equal(members.status, 200);
		assert.match(members.text, /name="data_scope" value="all"/);
		assert.match(members.text, /name="data_scope_members"/);
	});

	test('AUTH-4 an account the app would refuse is disabled with the reason; the one that fits is preselected; confirming it is still refused', async () => {
		const { page, params } = await openPage(app);
		const a = accountInput(page.text, hostA.id), b = accountInput(page.text, hostB.id);
		assert.match(a, / checked/);
		assert.doesNotMatch(a, / disabled/);
		assert.match(b, / disabled/);
		assert.doesNotMatch(b, / checked/);
		const label = new RegExp(`value="${hostB.id}"[\\s\\S]*?<span class="why">([^<]*)</span>`).exec(page.text)?.[1];
		assert.match(label, /not on its test list\. \(AUTH-4\)/);
		// both fit the members app: none preselected, the owner chooses
		const both = (await openPage(membersApp)).page;
		assert.doesNotMatch(accountInput(both.text, hostA.id), /checked|disabled/);
		assert.doesNotMatch(accountInput(both.text, hostB.id), /checked|disabled/);
		// the page only proposes: a forged post for B is refused by the server
		const r = await postForm(params, { step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: hostB.id, decision: 'confirm', set: [1, 3] }, { cookie: `kf_session=${hostOwner.token}` });
		assert.equal(r.status, 403);
		assert.match(r.text, /AUTH-4/);
	});

	test('AUTH-1 the sign-in form links to /console/forgot, in both languages', async () => {
		const en = (await openPage(app, { who: null })).page;
		assert.equal(en.status, 200);
		assert.match(en.text, /<a href="\/console\/forgot">Forgot password\?<\/a>/);
		const zh = (await openPage(app, { who: null, lang: 'zh' })).page;
		assert.match(zh.text, /<a href="\/console\/forgot">忘记密码？<\/a>/);
	});

	test('AUTH-1 "not you? switch account" signs this browser out and shows the sign-in form with the same flow', async () => {
		const other = await registerUser(srv, { tag: 'catswitch' });
		const mine = await openPage(app);
		assert.match(mine.page.text, /Not you\?/);
		assert.match(mine.page.text, /name="step" value="switch"/);
		const r = await postForm(mine.params, { step: 'switch', csrf_token: hidden(mine.page.text, 'csrf_token') }, { cookie: `kf_session=${hostOwner.token}` });
		assert.equal(r.status, 200, r.text.slice(0, 300));
		assert.match(r.text, /name="step" value="signin"/);
		assert.match(r.text, /name="password"/);
		assert.equal(hidden(r.text, 'client_id'), app.app_id); // the flow goes on
		assert.equal(hidden(r.text, 'redirect_uri'), REDIRECT);
		assert.match(r.headers.get('set-cookie') ?? '', /kf_session=;[^,]*Max-Age=0/);
		// the session is over for the server too
		assert.equal((await srv.req('GET', '/v1/me', { token: hostOwner.token })).status, 401);
		// a forged switch (bad token) changes nothing
		const bad = await postForm(mine.params, { step: 'switch', csrf_token: 'x' }, { cookie: `kf_session=${other.token}` });
		assert.equal(bad.status, 400);
		assert.equal((await srv.req('GET', '/v1/me', { token: other.token })).status, 200);
		// sign in again for the tests after this one
		const s = await srv.req('POST', '/v1/sessions', { body: { login: hostOwner.email, password: hostOwner.password } });
		assertStatus(s, 201, 'sign in again');
		hostOwner.token = s.body.token;
	});

	test('LST-6 a released app shows its listing\'s name and logo; the logo is served publicly', async () => {
		const logo = png(128, 128, (x, y) => [x * 2, y * 2, 100]);
		const file = await upload(srv, owner.token, logo, 'logo.png');
		const listing = { name: '天气小助手', category: 'tools', logo_file: file };
		const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
		// what the release pipeline does (as in 105-reviews): a live listing, state released
		srv.sql(`PRAGMA busy_timeout = 5000; INSERT INTO listings (app, body, created_at) SELECT id, ${q(JSON.stringify(listing))}, 1 FROM apps WHERE app_id = ${q(app.app_id)};
			UPDATE apps SET state = 'released', live_listing_id = (SELECT MAX(id) FROM listings l WHERE l.app = apps.id), released_version = '1.0.0', released_at = 1 WHERE app_id = ${q(app.app_id)};`);
		const { page } = await openPage(app, { lang: 'zh' });
		assert.equal(page.status, 200, page.text.slice(0, 300));
		assert.match(page.text, new RegExp(`<img class="icon" src="/v1/directory/${app.app_id}/logo"`));
		assert.match(page.text, /应用市场名称：<span class="u" dir="auto">天气小助手<\/span>/);
		// released: both accounts may authorize now, none disabled
		assert.doesNotMatch(accountInput(page.text, hostB.id), /disabled/);
		const img = await fetch(`${srv.url}/v1/directory/${app.app_id}/logo`);
		assert.equal(img.status, 200);
		assert.equal(img.headers.get('content-type'), 'image/png');
		assert.deepEqual(Buffer.from(await img.arrayBuffer()), logo);
		// an app that is not released has no public logo
		assertStatus(await srv.req('GET', `/v1/directory/${membersApp.app_id}/logo`), 404, 'unreleased');
		assertStatus(await srv.req('GET', '/v1/directory/kf0000000000000000/logo'), 404, 'unknown');
	});
});

// `make run` (tools/run.sh) loads the demo and starts kaifangd with
// callback-allow 127.0.0.0/8,::1. A new user calling from this machine must
// get through the demo app's IP allowlist, and its callbacks must be tried
// on loopback; without the demo setting the SSRF guard refuses them.
describe('make run demo: an app that works from the local machine', () => {
	const dirs = [];
	after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

	/** A fresh data directory with the demo loaded; what demo load printed. */
	function loadDemo() {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-demo161-'));
		dirs.push(dir);
		assert.equal(cli(dir, ['db', 'migrate']).status, 0);
		const out = cli(dir, ['demo', 'load']);
		assert.equal(out.status, 0, out.stderr);
		const get = (re) => re.exec(out.stdout)?.[1];
		const demo = { dir, appId: get(/app id\s+(kf[0-9a-f]+)/), secret: get(/app secret\s+(\S+)/), pw: get(/provider@kaifang\.local\s+password (\S+)/), key: get(/AES key\s+(\S+)/) };
		assert.ok(demo.appId && demo.secret && demo.pw && demo.key, out.stdout);
		assert.match(out.stdout, /tools\/demo-receiver\.py --appid kf/);
		return demo;
	}

	/** The demo app's ticket delivery, once its first attempt is logged. */
	async function ticketDelivery(srv, demo) {
		const s = await srv.req('POST', '/v1/sessions', { body: { login: 'provider@kaifang.local', password: demo.pw } });
		assertStatus(s, 201, 'provider signs in');
		return waitFor(async () => {
			const r = await srv.req('GET', `/v1/apps/${demo.appId}/deliveries`, { token: s.body.token });
			return r.body?.items?.find((d) => d.kind === 'component_verify_ticket' && d.last_error);
		}, { timeout: 30000, what: 'a ticket delivery attempt' });
	}

	test('APP-4 the demo app answers calls from 127.0.0.1 (the allowlist is loopback) and its callbacks go to loopback', async () => {
		const demo = loadDemo();
		const srv = await startServer({ dataDir: demo.dir, admin: false, env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8,::1' } });
		try {
			const r = await srv.req('POST', '/cgi-bin/component/api_component_token', { raw: JSON.stringify({ component_appid: demo.appId, component_appsecret: demo.secret, component_verify_ticket: 'ticket@@@nope' }) });
			// past the IP allowlist (61004) and the secret (40125): only the ticket is wrong
			assert.equal(r.body.errcode, 61006, r.text);
			const app = (await srv.sql(`SELECT c.config FROM apps a JOIN app_configs c ON c.id = a.live_config_id WHERE a.app_id = '${demo.appId}'`))[0];
			const dev = JSON.parse(app.config).dev;
			assert.deepEqual(dev.ip_allowlist, ['127.0.0.1/32', '::1/128']);
			assert.equal(dev.auth_receive_url, 'http://127.0.0.1:9000/kaifang/auth');
			// the push was tried on loopback (nothing listens in this test, or something does): not refused by the guard
			const d = await ticketDelivery(srv, demo);
			assert.doesNotMatch(d.last_error, /refused address/);
		} finally {
			await srv.stop({ keepDir: true });
		}
	});

	test('APP-4 without the demo setting the SSRF guard refuses the loopback callback; 61004 names the refused address', async () => {
		const demo = loadDemo();
		const srv = await startServer({ dataDir: demo.dir, admin: false });
		try {
			const d = await waitFor(async () => {
				const x = await ticketDelivery(srv, demo);
				return /refused address 127\.0\.0\.1 \(loopback\)/.test(x.last_error) ? x : null;
			}, { timeout: 30000, what: 'the guard refusing loopback' });
			assert.match(d.last_error, /not in push\.allow_networks/);
			// an app whose allowlist does not hold 127.0.0.1 is told which address it refused
			srv.sql(`PRAGMA busy_timeout = 5000; UPDATE app_configs SET config = replace(config, '"127.0.0.1/32","::1/128"', '"203.0.113.0/24"') WHERE id = (SELECT live_config_id FROM apps WHERE app_id = '${demo.appId}')`);
			const r = await srv.req('POST', '/cgi-bin/component/api_component_token', { raw: JSON.stringify({ component_appid: demo.appId, component_appsecret: demo.secret, component_verify_ticket: 'ticket@@@nope' }) });
			assert.equal(r.body.errcode, 61004, r.text);
			assert.match(r.body.errmsg, /^access clientip is not registered requestIP: 127\.0\.0\.1 rid: [0-9a-f]+$/);
		} finally {
			await srv.stop({ keepDir: true });
		}
	});
});

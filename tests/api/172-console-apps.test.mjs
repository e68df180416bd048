// The console's app pages, part 1 (issue 11): the apps list, creating an
// app through the page with the API's refusals next to their fields (with
// the rule id, in Chinese and English), a new configuration version and
// its activation, the secret shown once and its rotation, and a 404 for
// another provider's app. Also the API the pages needed: GET /v1/apps,
// the creation review on GET /v1/apps/{id}, GET /v1/apps/{id}/secrets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus, decide } from './helpers/flows.mjs';
import { appProvider, appBody, createApp, approveCreation, reviewer, ICP_NO } from './helpers/apps.mjs';

let srv;
before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
});
after(async () => {
	await srv?.stop();
});

/** A browser: a cookie jar, a language, forms posted with their CSRF token. */
class Browser {
	constructor(lang = 'en') {
		this.cookies = new Map([['kf_lang', lang]]);
	}
	header() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}
	take(res) {
		for (const c of res.headers.getSetCookie()) {
			const [kv] = c.split(';');
			const i = kv.indexOf('=');
			this.cookies.set(kv.slice(0, i), kv.slice(i + 1));
		}
	}
	async get(p) {
		const res = await fetch(srv.url + p, { headers: { cookie: this.header() }, redirect: 'manual' });
		this.take(res);
		return { status: res.status, location: res.headers.get('location'), html: await res.text(), headers: res.headers };
	}
	/** Post a form: fields as [name, value] pairs (names may repeat). */
	async post(p, fields, { from = p } = {}) {
		const page = await this.get(from);
		const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.html)?.[1];
		assert.ok(csrf, `no CSRF token on ${from}: ${page.status} ${page.html.slice(0, 300)}`);
		const body = new URLSearchParams([['csrf_token', csrf], ...fields]);
		const res = await fetch(srv.url + p, {
			method: 'POST',
			headers: { cookie: this.header(), origin: srv.url, 'content-type': 'application/x-www-form-urlencoded' },
			body,
			redirect: 'manual',
		});
		this.take(res);
		return { status: res.status, location: res.headers.get('location'), html: await res.text(), headers: res.headers };
	}
	async signIn(user) {
		const r = await this.post('/console/signin', [['login', user.email], ['password', user.password]]);
		assert.equal(r.status, 303, `sign-in: ${r.status}`);
	}
}

/** Text of the page without tags (entities of quotes decoded). */
function text(html) {
	return html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

/** The field's block (label, input, error) on a page. */
function fieldBlock(html, name) {
	const i = html.indexOf(`id="f-${name}"`);
	assert.ok(i >= 0, `no field ${name} on the page`);
	const start = html.lastIndexOf('<div class="field', i);
	const end = html.indexOf('</div>\n', i);
	return html.slice(start, end);
}

async function owner(tag) {
	const u = await registerUser(srv, { tag });
	const prov = await appProvider(srv, u);
	const b = new Browser('en');
	await b.signIn(u);
	return { u, prov, b };
}

function formOf(body, providerId) {
	const f = [['provider_id', String(providerId)]];
	for (const k of ['name', 'intro', 'website', 'icp_no', 'audience']) f.push([k, body[k]]);
	for (const s of body.permission_sets) f.push(['permission_sets', String(s)]);
	for (const [k, v] of Object.entries(body.dev)) {
		if (Array.isArray(v)) f.push([`dev.${k}`, v.join('\n')]);
		else if (typeof v === 'boolean') {
			if (v) f.push([`dev.${k}`, 'true']);
		} else f.push([`dev.${k}`, v]);
	}
	return f;
}

test('create an app through the page: the secret is shown once, the app is listed by its app_id', async () => {
	const { u, prov, b } = await owner('c1');
	const empty = await b.get('/console/apps');
	assert.equal(empty.status, 200);
	assert.match(text(empty.html), /You have no apps yet/);
	const form = await b.get('/console/apps/new');
	assert.equal(form.status, 200);
	// a fresh AES key is in the form already
	assert.match(fieldBlock(form.html, 'dev.aes_key'), /value="[A-Za-z0-9+/]{43}"/);
	const body = appBody(null);
	const r = await b.post('/console/apps/new', formOf(body, prov.id));
	assert.equal(r.status, 201, text(r.html).slice(0, 600));
	assert.match(r.headers.get('cache-control'), /no-store/);
	const secret = /<p class="secret" id="secret">([^<]+)<\/p>/.exec(r.html)?.[1];
	assert.ok(secret && secret.length >= 32, 'the secret is on the page');
	assert.match(text(r.html), /It will not be shown again/);
	assert.match(r.html, /class="copy"[^>]*data-copy="/);
	const appId = /\/console\/apps\/(kf[0-9a-f]{16})/.exec(r.html)[1];
	// the app exists with what the form said, and the secret is never shown again
	const g = await srv.req('GET', `/v1/apps/${appId}`, { token: u.token });
	assert.equal(g.body.draft_config.name, body.name);
	assert.deepEqual(g.body.draft_config.dev.ip_allowlist, ['127.0.0.1/32', '10.0.0.0/8']);
	assert.deepEqual(g.body.draft_config.permission_sets, body.permission_sets);
	for (const p of ['', '/credentials', '/dev', '/versions', '/local']) {
		const pg = await b.get(`/console/apps/${appId}${p}`);
		assert.equal(pg.status, 200, `page ${p}`);
		assert.ok(!pg.html.includes(secret), `the secret is not on ${p}`);
	}
	// listed by app_id with its state word, never by row id
	const list = await b.get('/console/apps');
	assert.match(list.html, new RegExp(`href="/console/apps/${appId}"`));
	assert.match(text(list.html), new RegExp(`${body.name}.*${appId}.*Draft`));
	// the overview says what is next: everything is there, so submit
	const ov = await b.get(`/console/apps/${appId}`);
	assert.match(text(ov.html), /Submit for the creation review/);
	const zh = new Browser('zh');
	zh.cookies.set('kf_session', b.cookies.get('kf_session'));
	const zl = await zh.get('/console/apps');
	assert.match(text(zl.html), /草稿/);
	assert.match(zl.html, /<html lang="zh-CN">/);
});

test('a refused field shows the API error next to that field with its rule id, in English and Chinese', async () => {
	const { u, prov, b } = await owner('c2');
	const body = appBody(null, { dev: { message_token: 'x!' } });
	for (const [lang, label] of [['en', 'Message token'], ['zh', '消息校验Token']]) {
		b.cookies.set('kf_lang', lang);
		const r = await b.post('/console/apps/new', formOf(body, prov.id));
		assert.equal(r.status, 400, `${lang}: ${r.status}`);
		const block = fieldBlock(r.html, 'dev.message_token');
		assert.match(block, /class="field bad"/, `${lang}: the field is marked`);
		assert.ok(block.includes(label), `${lang}: the field's label is in the page's language`);
		assert.match(block, /<div class="err" id="f-dev.message_token-err">[^<]+<a class="mono rule" href="\/console\/rules\/APP-4">APP-4<\/a>/, `${lang}: the error and its rule sit at the field`);
		assert.match(block, /aria-invalid="true"/);
		// what was typed stays
		assert.match(fieldBlock(r.html, 'name'), new RegExp(`value="${body.name}"`));
		assert.match(fieldBlock(r.html, 'dev.message_token'), /value="x!"/);
		assert.match(r.html, new RegExp(`<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">`));
	}
	// a list entry is refused at the list's field
	b.cookies.set('kf_lang', 'en');
	const r2 = await b.post('/console/apps/new', formOf(appBody(null, { dev: { ip_allowlist: ['10.0.0.1', 'not-an-ip'] } }), prov.id));
	assert.equal(r2.status, 400);
	assert.match(fieldBlock(r2.html, 'dev.ip_allowlist'), /APP-4/);
	// and nothing was created
	const list = await srv.req('GET', '/v1/apps', { token: u.token });
	assert.deepEqual(list.body.items, []);
});

test('a new configuration version through the page, its diff, and activation', async () => {
	const { u, prov, b } = await owner('c3');
	const app = await createApp(srv, u.token, prov.id, appBody(null));
	await approveCreation(srv, u.token, app.app_id);
	const base = `/console/apps/${app.app_id}`;
	const dev = await b.get(`${base}/dev`);
	assert.equal(dev.status, 200);
	const fields = [];
	for (const m of dev.html.matchAll(/<(input|textarea)([^>]*)>(?:([^<]*)<\/textarea>)?/g)) {
		const name = /name="(dev\.[a-z_]+)"/.exec(m[2])?.[1];
		if (!name || name === 'dev.public_client') continue;
		fields.push([name, (m[1] === 'textarea' ? m[3] : /value="([^"]*)"/.exec(m[2])?.[1]) ?? '']);
	}
	const f = new Map(fields);
	assert.equal(f.get('dev.message_token'), app.sent.dev.message_token, 'the form shows the live values');
	f.set('dev.ip_allowlist', '127.0.0.1\n192.0.2.0/24');
	const saved = await b.post(`${base}/dev`, [...f].map(([k, v]) => [k, v.replace(/&amp;/g, '&').replace(/&#39;/g, "'")]));
	assert.equal(saved.status, 303, text(saved.html).slice(0, 800));
	assert.equal(saved.location, `${base}/dev?ok=draft_saved`);
	let g = await srv.req('GET', `/v1/apps/${app.app_id}`, { token: u.token });
	assert.deepEqual(g.body.draft_config.dev.ip_allowlist, ['127.0.0.1/32', '192.0.2.0/24']);
	assert.deepEqual(g.body.live_config.dev.ip_allowlist, ['127.0.0.1/32', '10.0.0.0/8']);
	// the versions page shows the draft against the live version as +/- lines
	const v = await b.get(`${base}/versions`);
	assert.equal(v.status, 200);
	assert.match(text(v.html), /Version 2 is a draft/);
	assert.match(v.html, /<span class="del">- dev\.ip_allowlist: 10\.0\.0\.0\/8<\/span>/);
	assert.match(v.html, /<span class="add">\+ dev\.ip_allowlist: 192\.0\.2\.0\/24<\/span>/);
	assert.match(v.html, /<span> {2}dev\.ip_allowlist: 127\.0\.0\.1\/32<\/span>/);
	const act = await b.post(`${base}/versions`, []);
	assert.equal(act.status, 303);
	assert.equal(act.location, `${base}/versions?ok=activated`);
	g = await srv.req('GET', `/v1/apps/${app.app_id}`, { token: u.token });
	assert.deepEqual(g.body.live_config.dev.ip_allowlist, ['127.0.0.1/32', '192.0.2.0/24']);
	assert.equal(g.body.draft_config, null);
	const after = await b.get(`${base}/versions?ok=activated`);
	assert.match(text(after.html), /Activated\./);
	assert.doesNotMatch(text(after.html), /is a draft/);
});

test('rotate the secret through the page: grace keeps the old one, grace 0 asks first and stops it', async () => {
	const { u, prov, b } = await owner('c4');
	const app = await createApp(srv, u.token, prov.id, appBody(null));
	const base = `/console/apps/${app.app_id}`;
	const cred = await b.get(`${base}/credentials`);
	assert.match(text(cred.html), /In use/);
	const r = await b.post(`${base}/credentials`, [['grace_seconds', '3600']]);
	assert.equal(r.status, 200);
	assert.match(r.headers.get('cache-control'), /no-store/);
	const s1 = /<p class="secret" id="secret">([^<]+)<\/p>/.exec(r.html)?.[1];
	assert.ok(s1 && s1 !== app.app_secret);
	let secrets = await srv.req('GET', `/v1/apps/${app.app_id}/secrets`, { token: u.token });
	assert.deepEqual(secrets.body.items.map((s) => s.state), ['current', 'grace', 'revoked'].slice(0, 2));
	assert.ok(!JSON.stringify(secrets.body).includes(s1), 'no secret in the list');
	const now = await srv.now();
	assert.equal(secrets.body.items[1].valid_until, now + 3600);
	const c2 = await b.get(`${base}/credentials`);
	assert.match(text(c2.html), /Replaced, still accepted/);
	// grace 0: a confirmation page first, nothing changed yet
	const ask = await b.post(`${base}/credentials`, [['grace_seconds', '0']]);
	assert.equal(ask.status, 200);
	assert.match(text(ask.html), /Every secret but the new one stops working at once/);
	assert.match(ask.html, /name="confirm" value="1"/);
	secrets = await srv.req('GET', `/v1/apps/${app.app_id}/secrets`, { token: u.token });
	assert.equal(secrets.body.items.length, 2);
	const done = await b.post(`${base}/credentials`, [['grace_seconds', '0'], ['confirm', '1']]);
	assert.equal(done.status, 200);
	const s2 = /<p class="secret" id="secret">([^<]+)<\/p>/.exec(done.html)?.[1];
	assert.ok(s2 && s2 !== s1);
	secrets = await srv.req('GET', `/v1/apps/${app.app_id}/secrets`, { token: u.token });
	assert.deepEqual(secrets.body.items.map((s) => s.state), ['current', 'revoked', 'revoked']);
});

test("another provider's app is a 404 page, on every tab and every form", async () => {
	const a = await owner('c5a');
	const other = await owner('c5b');
	const app = await createApp(srv, a.u.token, a.prov.id, appBody(null));
	for (const p of ['', '/info', '/permissions', '/dev', '/credentials', '/versions', '/icp', '/local', '/delete']) {
		const r = await other.b.get(`/console/apps/${app.app_id}${p}`);
		assert.equal(r.status, 404, `GET ${p}`);
		assert.ok(!r.html.includes(app.sent.name), `nothing of the app on ${p}`);
	}
	const rot = await other.b.post(`/console/apps/${app.app_id}/credentials`, [['grace_seconds', '3600']], { from: '/console/apps' });
	assert.equal(rot.status, 404);
	const del = await other.b.post(`/console/apps/${app.app_id}/delete`, [['confirm', '1']], { from: '/console/apps' });
	assert.equal(del.status, 404);
	assert.equal((await srv.req('GET', `/v1/apps/${app.app_id}`, { token: a.u.token })).status, 200);
	// not in the other's list either
	const list = await other.b.get('/console/apps');
	assert.ok(!list.html.includes(app.app_id));
	// a path that is no app id is a 404 too, without reaching the API
	assert.equal((await other.b.get('/console/apps/kf..%2Fv1%2Fme')).status, 404);
});

test('GET /v1/apps: the apps of my providers, newest first, filtered and paged by app_id', async () => {
	const { u, prov } = await owner('c6');
	const ids = [];
	for (let i = 0; i < 3; i++) ids.push((await createApp(srv, u.token, prov.id, appBody(null))).app_id);
	await approveCreation(srv, u.token, ids[1]);
	const all = await srv.req('GET', '/v1/apps', { token: u.token });
	assertStatus(all, 200);
	assert.deepEqual(all.body.items.map((a) => a.app_id), [...ids].reverse());
	assert.equal(all.body.next_after, null);
	for (const it of all.body.items) {
		assert.equal(it.provider_id, prov.id);
		assert.equal(it.id, undefined, 'no row ids');
		assert.ok(it.name.startsWith('Weather Helper'));
	}
	const p1 = await srv.req('GET', '/v1/apps?limit=2', { token: u.token });
	assert.deepEqual(p1.body.items.map((a) => a.app_id), [ids[2], ids[1]]);
	assert.equal(p1.body.next_after, ids[1]);
	const p2 = await srv.req('GET', `/v1/apps?limit=2&after=${ids[1]}`, { token: u.token });
	assert.deepEqual(p2.body.items.map((a) => a.app_id), [ids[0]]);
	const dev = await srv.req('GET', '/v1/apps?state=developing', { token: u.token });
	assert.deepEqual(dev.body.items.map((a) => a.app_id), [ids[1]]);
	const none = await srv.req('GET', `/v1/apps?provider=${prov.id + 1000}`, { token: u.token });
	assert.deepEqual(none.body.items, []);
	assertError(await srv.req('GET', '/v1/apps?state=deleted', { token: u.token }), 400, 'invalid_value', { field: 'state' });
	assertError(await srv.req('GET', '/v1/apps?after=12', { token: u.token }), 400, 'invalid_value', { field: 'after' });
	assertError(await srv.req('GET', '/v1/apps?limit=0', { token: u.token }), 400, 'invalid_value', { field: 'limit' });
	// someone else sees none of them
	const stranger = await registerUser(srv, { tag: 'c6x' });
	assert.deepEqual((await srv.req('GET', '/v1/apps', { token: stranger.token })).body.items, []);
});

test('the creation review and its reasons are on the app (APP-5) and on its overview page', async () => {
	const { u, prov, b } = await owner('c7');
	const app = await createApp(srv, u.token, prov.id, appBody(null));
	assert.equal((await srv.req('GET', `/v1/apps/${app.app_id}`, { token: u.token })).body.creation_review, null);
	const s = await srv.req('POST', `/v1/apps/${app.app_id}/creation-review`, { token: u.token });
	assertStatus(s, 201);
	let g = await srv.req('GET', `/v1/apps/${app.app_id}`, { token: u.token });
	assert.equal(g.body.creation_review.state, 'pending');
	const rv = await reviewer(srv);
	const reasons = [{ rule: 'APP-2', field: 'intro', message: 'Say what the app does.' }];
	assertStatus(await decide(srv, rv.token, s.body.id, 'reject', reasons), 200);
	g = await srv.req('GET', `/v1/apps/${app.app_id}`, { token: u.token });
	assert.equal(g.body.state, 'draft');
	assert.equal(g.body.creation_review.state, 'rejected');
	assert.equal(g.body.creation_review.reasons[0].rule, 'APP-2');
	const ov = await b.get(`/console/apps/${app.app_id}`);
	assert.match(text(ov.html), /Creation review Outcome Rejected/);
	assert.match(ov.html, /href="\/console\/rules\/APP-2">APP-2<\/a> <code>intro<\/code>: Say what the app does\./);
});

test('submit for the creation review from the overview; missing fields are listed as links first', async () => {
	const { u, prov, b } = await owner('c8');
	const r = await b.post('/console/apps/new', [['provider_id', String(prov.id)], ['name', 'Just A Name ' + process.pid]]);
	assert.equal(r.status, 201);
	const appId = /\/console\/apps\/(kf[0-9a-f]{16})/.exec(r.html)[1];
	const ov = await b.get(`/console/apps/${appId}`);
	assert.match(text(ov.html), /The creation review needs these fields/);
	assert.match(ov.html, new RegExp(`href="/console/apps/${appId}/info#f-intro"`));
	assert.match(ov.html, new RegExp(`href="/console/apps/${appId}/dev#f-dev.aes_key"`));
	assert.doesNotMatch(text(ov.html), /Submit for the creation review/);
	// the API refuses a submission of an incomplete draft, and the page says why
	const sub = await b.post(`/console/apps/${appId}/creation-review`, [], { from: `/console/apps/${appId}` });
	assert.equal(sub.status, 400);
	assert.match(sub.html, /role="alert"/);
	// complete it through the API, then submit through the page
	const full = appBody(null);
	delete full.name;
	assertStatus(await srv.req('PATCH', `/v1/apps/${appId}`, { token: u.token, body: full }), 200);
	const ok = await b.post(`/console/apps/${appId}/creation-review`, [], { from: `/console/apps/${appId}` });
	assert.equal(ok.status, 303);
	const after = await b.get(ok.location);
	assert.match(text(after.html), /In the creation review/);
});

test('develop locally: the page names this app\'s values and points the app at a local receiver', async () => {
	const { u, prov, b } = await owner('c9');
	const app = await createApp(srv, u.token, prov.id, appBody(null, { dev: { ip_allowlist: ['10.0.0.0/8'] } }));
	const base = `/console/apps/${app.app_id}`;
	const p = await b.get(`${base}/local`);
	assert.equal(p.status, 200);
	const t = text(p.html);
	assert.match(t, /Yes: this platform allows callbacks to 127\.0\.0\.1/);
	assert.ok(t.includes(app.sent.dev.message_token) && t.includes(app.sent.dev.aes_key) && t.includes(app.app_id));
	assert.ok(t.includes(`kaifang msg decrypt --token '${app.sent.dev.message_token}' --key '${app.sent.dev.aes_key}' --appid ${app.app_id}`));
	const set = await b.post(`${base}/local`, [['port', '18181']]);
	assert.equal(set.status, 303, text(set.html).slice(0, 600));
	const g = await srv.req('GET', `/v1/apps/${app.app_id}`, { token: u.token });
	assert.equal(g.body.draft_config.dev.auth_receive_url, 'http://127.0.0.1:18181/kaifang/auth');
	assert.equal(g.body.draft_config.dev.message_url, 'http://127.0.0.1:18181/kaifang/msg/$APPID$');
	assert.deepEqual(g.body.draft_config.dev.ip_allowlist, ['10.0.0.0/8', '127.0.0.1/32']);
	assert.ok(g.body.draft_config.dev.server_domains.includes('127.0.0.1'));
	const bad = await b.post(`${base}/local`, [['port', '99999']]);
	assert.equal(bad.status, 400);
	assert.match(fieldBlock(bad.html, 'port'), /A port is a number from 1 to 65535/);
});

test('ICP filings from the app: the app\'s domains are shown as filed or not, the owner records one', async () => {
	const { u, prov, b } = await owner('c10');
	const app = await createApp(srv, u.token, prov.id, appBody(null, { dev: { business_domains: ['example.com'] } }));
	const base = `/console/apps/${app.app_id}`;
	const p = await b.get(`${base}/icp`);
	assert.match(text(p.html), new RegExp(`example\\.com ${ICP_NO}`));
	assert.match(text(p.html), /www\.example\.com Filed/);
	const bad = await b.post(`${base}/icp`, [['domain', 'acme.example'], ['icp_no', 'nope']]);
	assert.equal(bad.status, 400);
	assert.match(fieldBlock(bad.html, 'icp_no'), /APP-2/);
	const ok = await b.post(`${base}/icp`, [['domain', 'acme.example'], ['icp_no', ICP_NO]]);
	assert.equal(ok.status, 303);
	const list = await srv.req('GET', `/v1/providers/${prov.id}/icp-filings`, { token: u.token });
	assert.ok(list.body.items.some((f) => f.domain === 'acme.example'));
});

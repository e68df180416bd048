// One app of the marketplace (issue 13): GET /v1/market/apps/{app_id} for a
// released app (also when not recommended, GOV-1), 404 for every hidden
// state (withdrawn GOV-2, delisted and suspended AUTH-5, unreleased,
// deleted DATA-3); its public media with a strong ETag, 304 and cache
// headers, none for an unreleased listing; the page /apps/{app_id}; and
// installing from it through the consent page (AUTH-1), which counts as an
// install until the owner uninstalls (AUTH-2).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus, decide, uploadPdf, hostApiKey, provisionHost } from './helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, approveCreation, reviewer } from './helpers/apps.mjs';
import { startTestApp } from './helpers/testapp.mjs';
import { listingPictures, cleanListing } from './helpers/images.mjs';
import { PageSession, mainText, field } from './helpers/pages.mjs';

describe('marketplace: one app', () => {
	let srv, rx, rev, owner, prov, files, base, released, developing, hostOwner, host;
	const testApps = [];

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

	const get = (app) => srv.req('GET', `/v1/market/apps/${app.app_id}`);
	const media = (p, headers = {}) => fetch(srv.url + p, { headers });
	const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
	/** Put the app's row in a state for the duration of fn (the governance routes are another part's). */
	async function inState(app, set, fn) {
		const [before] = srv.sql(`SELECT state, not_recommended, new_auth_closed, withdrawn_at, deleted_at FROM apps WHERE app_id = '${app.app_id}'`);
		srv.sql(`UPDATE apps SET ${set} WHERE app_id = '${app.app_id}'`);
		try {
			await fn();
		} finally {
			srv.sql(`UPDATE apps SET state = '${before.state}', not_recommended = ${before.not_recommended}, new_auth_closed = ${before.new_auth_closed},
				withdrawn_at = ${before.withdrawn_at ?? 'NULL'}, deleted_at = ${before.deleted_at ?? 'NULL'} WHERE app_id = '${app.app_id}'`);
		}
	}

	before(async () => {
		srv = await startServer({
			env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_CHECK_REPLY_TIMEOUT: '1s', KAIFANG_CHECK_API_TIMEOUT: '3s', KAIFANG_URL_CHECK_TIMEOUT: '3s' },
		});
		rx = await startReceiver();
		base = `http://listing.localhost:${rx.port}`;
		rev = await reviewer(srv);
		owner = await registerUser(srv, { tag: 'market' });
		prov = await appProvider(srv, owner);
		files = await listingPictures(srv, owner.token);
		const doc = (await uploadPdf(srv, owner.token)).id;
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/authenticity`, { token: owner.token, body: { documents: [doc], statement: 'We build it.' } }), 201, 'authenticity');
		const [{ review_id: rid }] = srv.sql(`SELECT review_id FROM authenticity WHERE org_id = ${prov.id}`);
		assertStatus(await decide(srv, rev.token, rid, 'approve'), 200, 'approve authenticity');
		released = await candidate();
		const s = await srv.req('POST', `/v1/apps/${released.app_id}/release-review`, { token: owner.token });
		assertStatus(s, 202, 'release-review');
		assertStatus(await decide(srv, rev.token, s.body.review.id, 'approve'), 200, 'approve release');
		developing = await candidate({ name: '开发中的助手' });
		hostOwner = await registerUser(srv, { tag: 'marketowner' });
		host = await provisionHost(srv, hostApiKey(srv).key, { owner_email: hostOwner.email, name: '门店小程序' });
	});
	after(async () => {
		for (const ta of testApps) await ta.close();
		await rx?.close();
		await srv?.stop();
	});

	test('one app: listing, version, developer verified, permission sets with their data, links, installs; UTF-8 unescaped', async () => {
		const r = await get(released);
		assertStatus(r, 200, 'market app');
		assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8$/);
		assert.ok(r.text.includes('"name":"天气助手"'), 'Chinese as UTF-8, not \\u escapes');
		const a = r.body;
		assert.equal(a.app_id, released.app_id);
		assert.equal(a.intro, '查看所在城市的天气预报');
		assert.equal(a.description, '为团队成员提供所在城市的天气预报、降雨提醒与灾害预警。');
		assert.equal(a.version, '1.0.0');
		assert.equal(a.update_notes, '首次发布。');
		assert.equal(a.category, 'tools');
		assert.equal(a.company_name, prov.legalName);
		assert.equal(a.developer, prov.legalName);
		assert.equal(a.verified, true, 'the provider\'s entity is certified');
		assert.equal(a.privacy_url, `${base}/privacy`);
		assert.equal(a.terms_url, `${base}/terms`);
		assert.equal(a.website, `${base}/site`);
		assert.equal(a.installs, 0);
		assert.equal(a.listing_state, 'listed');
		assert.equal(a.installable, true);
		assert.equal(a.logo_url, `/v1/market/apps/${released.app_id}/logo`);
		assert.deepEqual(a.preview_urls, [0, 1, 2].map((n) => `/v1/market/apps/${released.app_id}/previews/${n}`));
		assert.deepEqual(a.permission_sets.map((p) => p.id), [1, 3]);
		for (const p of a.permission_sets) {
			assert.ok(p.name && p.name_zh && p.description && p.data && p.data_zh, JSON.stringify(p));
			assert.equal(typeof p.required, 'boolean');
		}
		assert.equal(a.secret, undefined);
		assert.equal(JSON.stringify(a).includes('aes_key'), false, 'nothing of the developer settings');
	});

	test('GOV-1: a not recommended app is still reachable by its link, and says so', async () => {
		await inState(released, 'not_recommended = 1', async () => {
			const r = await get(released);
			assertStatus(r, 200, 'not recommended');
			assert.equal(r.body.listing_state, 'not_recommended');
			assert.equal(r.body.featured, false);
			assert.equal((await media(`/v1/market/apps/${released.app_id}/logo`)).status, 200);
		});
	});

	test('GOV-2, AUTH-5, DATA-3: withdrawn, delisted, suspended, deleted and unreleased apps are not found, nor their media', async () => {
		const hidden = [
			['state = \'withdrawn\'', 'GOV-2 withdrawn (state)'],
			['withdrawn_at = 1', 'GOV-2 withdrawn (recorded)'],
			['state = \'delisted\'', 'AUTH-5 delisted'],
			['state = \'suspended\'', 'AUTH-5 suspended'],
			['state = \'deleted\', deleted_at = 1', 'DATA-3 deleted'],
			['state = \'developing\'', 'not released'],
		];
		for (const [set, what] of hidden) {
			await inState(released, set, async () => {
				assertError(await get(released), 404, 'app_not_found');
				assert.equal((await media(`/v1/market/apps/${released.app_id}/logo`)).status, 404, what);
				assert.equal((await media(`/v1/market/apps/${released.app_id}/previews/0`)).status, 404, what);
				const s = new PageSession(srv, { lang: 'en' });
				assert.equal((await s.get(`/apps/${released.app_id}`)).status, 404, what);
			});
		}
		// a developing app with a saved (not live) listing: nothing public
		assertError(await get(developing), 404, 'app_not_found');
		assert.equal((await media(`/v1/market/apps/${developing.app_id}/logo`)).status, 404);
		assert.equal((await media(`/v1/market/apps/${developing.app_id}/previews/0`)).status, 404);
		assertError(await srv.req('GET', '/v1/market/apps/kfnotanappid'), 404, 'app_not_found');
	});

	test('media: the file itself, a strong ETag of its SHA-256, public caching, 304 on If-None-Match', async () => {
		const r = await media(`/v1/market/apps/${released.app_id}/logo`);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('content-type'), 'image/png');
		const buf = Buffer.from(await r.arrayBuffer());
		assert.equal(buf.subarray(1, 4).toString(), 'PNG');
		const etag = r.headers.get('etag');
		assert.equal(etag, `"${sha(buf)}"`, 'strong ETag: the content hash');
		const cc = r.headers.get('cache-control');
		assert.match(cc, /^public, max-age=\d+$/, cc);
		const again = await media(`/v1/market/apps/${released.app_id}/logo`, { 'If-None-Match': etag });
		assert.equal(again.status, 304);
		assert.equal(again.headers.get('etag'), etag);
		assert.equal((await again.arrayBuffer()).byteLength, 0);
		const other = await media(`/v1/market/apps/${released.app_id}/logo`, { 'If-None-Match': '"0000", W/"1111"' });
		assert.equal(other.status, 200, 'another validator gets the file');
		// previews: desktop ones first, then mobile; each its own file
		const tags = [];
		for (const n of [0, 1, 2]) {
			const p = await media(`/v1/market/apps/${released.app_id}/previews/${n}`);
			assert.equal(p.status, 200, `preview ${n}`);
			assert.equal(p.headers.get('content-type'), 'image/png');
			const b = Buffer.from(await p.arrayBuffer());
			assert.equal(p.headers.get('etag'), `"${sha(b)}"`);
			tags.push(p.headers.get('etag'));
		}
		assert.equal(new Set(tags).size, 3);
		for (const bad of ['3', '-1', 'x', '01x', '9999'])
			assert.equal((await media(`/v1/market/apps/${released.app_id}/previews/${bad}`)).status, 404, bad);
	});

	test('the app\'s page: name, intro, developer, the sets with the data they entrust, an Install button', async () => {
		const s = new PageSession(srv, { lang: 'zh' });
		const p = await s.get(`/apps/${released.app_id}`);
		assert.equal(p.status, 200);
		const text = mainText(p.text);
		assert.match(text, /天气助手/);
		assert.match(text, /查看所在城市的天气预报/);
		assert.match(text, /已认证开发者/);
		assert.match(text, /交给应用的数据/);
		assert.match(text, /隐私政策/);
		assert.match(text, /0 次安装/);
		assert.match(p.text, new RegExp(`href="/apps/${released.app_id}/install"`));
		assert.match(p.text, new RegExp(`src="/v1/market/apps/${released.app_id}/logo"`));
	});

	test('AUTH-1, AUTH-2: install from the marketplace through the consent page; the count counts current installs', async () => {
		const cookie = `kf_session=${hostOwner.token}`;
		// signed out: the consent page asks for sign-in first
		let page = await srv.req('GET', `/apps/${released.app_id}/install`);
		assert.equal(page.status, 200);
		assert.match(page.text, /name="password"/);
		page = await srv.req('GET', `/apps/${released.app_id}/install`, { cookie });
		assert.equal(page.status, 200, page.text.slice(0, 300));
		assert.match(page.text, /门店小程序/, 'the owner picks one of their host accounts');
		const form = new URLSearchParams({ app_id: released.app_id, step: 'consent', csrf_token: field(page.text, 'csrf_token'),
			account: String(host.id), data_scope: 'all', decision: 'confirm' });
		form.append('set', '1');
		form.append('set', '3');
		const r = await srv.req('POST', `/apps/${released.app_id}/install`, {
			cookie, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString(),
		});
		assert.equal(r.status, 303, r.text.slice(0, 300));
		assert.equal(r.headers.get('location'), `/console/hosts/${host.id}?ok=installed`);
		const z = await srv.req('GET', `/v1/host-accounts/${host.id}/authorizations`, { token: hostOwner.token });
		assert.deepEqual(z.body.items.filter((x) => x.state !== 'revoked').map((x) => x.app_id), [released.app_id]);
		assert.equal((await get(released)).body.installs, 1);
		// the app is told, with an authorization code (PROTOCOL.md §6)
		const [ev] = srv.sql(`SELECT COUNT(*) AS n FROM outbox o JOIN apps a ON a.id = o.app WHERE a.app_id = '${released.app_id}' AND o.kind = 'authorized'`);
		assert.ok(ev.n >= 1, 'an authorized event queued');
		// AUTH-2: uninstall; the count drops
		assertStatus(await srv.req('DELETE', `/v1/host-accounts/${host.id}/authorizations/${released.app_id}`, { token: hostOwner.token }), 204, 'uninstall');
		assert.equal((await get(released)).body.installs, 0);
	});

	test('AUTH-1: the install form refuses a tampered or missing form state, an unknown app and a posted decision without confirm', async () => {
		const cookie = `kf_session=${hostOwner.token}`;
		const post = (path, fields) => srv.req('POST', path, { cookie, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: new URLSearchParams(fields).toString() });
		let r = await post(`/apps/${released.app_id}/install`, { step: 'consent', account: String(host.id), decision: 'confirm' });
		assert.equal(r.status, 400);
		assert.match(r.text, /form_state_invalid/);
		r = await post(`/apps/${released.app_id}/install`, { step: 'consent', csrf_token: 'x'.repeat(80), account: String(host.id), decision: 'confirm' });
		assert.equal(r.status, 400);
		assert.match(r.text, /AUTH-1/);
		const page = await srv.req('GET', `/apps/${released.app_id}/install`, { cookie });
		r = await post(`/apps/${released.app_id}/install`, { app_id: released.app_id, step: 'consent', csrf_token: field(page.text, 'csrf_token'), account: String(host.id) });
		assert.equal(r.status, 400);
		assert.match(r.text, /decision_invalid/);
		r = await post('/apps/kf0000000000000000/install', { step: 'consent' });
		assert.equal(r.status, 404);
		assert.match(r.text, /unknown_app/);
		assert.equal((await get(released)).body.installs, 0, 'nothing was installed');
	});

	test('GOV-2, GOV-7, APP-6: install refusals say why, with the rule', async () => {
		const cookie = `kf_session=${hostOwner.token}`;
		await inState(released, 'new_auth_closed = 1', async () => {
			const a = (await get(released)).body;
			assert.equal(a.installable, false);
			assert.deepEqual(a.not_installable, { code: 'new_authorizations_closed', rule: 'GOV-7' });
			const p = await srv.req('GET', `/apps/${released.app_id}/install`, { cookie });
			assert.equal(p.status, 403);
			assert.match(p.text, /GOV-7/);
			assert.match(p.text, /new_authorizations_closed/);
			const s = new PageSession(srv, { lang: 'en' });
			const page = await s.get(`/apps/${released.app_id}`);
			assert.doesNotMatch(page.text, /\/install"/, 'no Install button');
			assert.match(mainText(page.text), /closed this app to new installs.*GOV-7/s);
		});
		await inState(released, 'state = \'withdrawn\'', async () => {
			const p = await srv.req('GET', `/apps/${released.app_id}/install`, { cookie });
			assert.equal(p.status, 403);
			assert.match(p.text, /GOV-2/);
		});
		await inState(released, 'state = \'delisted\'', async () => {
			const p = await srv.req('GET', `/apps/${released.app_id}/install`, { cookie });
			assert.equal(p.status, 403);
			assert.match(p.text, /AUTH-5/);
		});
		const p = await srv.req('GET', `/apps/${developing.app_id}/install`, { cookie });
		assert.equal(p.status, 404);
		assert.match(p.text, /APP-6/);
		assert.match(p.text, /not_in_marketplace/);
	});
});

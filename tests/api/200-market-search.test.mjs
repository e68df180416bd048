// The marketplace's list and search (issue 13, "Search" and "The
// marketplace"): GET /v1/market/apps browses and searches released apps
// whose listings went live through the real release pipeline. Chinese and
// Latin text after NFKC and case folding, 1- and 2-character queries,
// pinyin and its initials from the Unihan readings, ranking (relevance
// first, then installs), the filters of REV-2 and GOV-1/2/5/7, category,
// cursor paging and bad input.
//
// The governance routes are another part of issue 13: here the market
// columns of migration 021 (not_recommended, search_banned, rank_penalty,
// withdrawn) and the states (delisted, withdrawn) are set with SQL, as the
// governance code will set them.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus, decide, uploadPdf } from './helpers/flows.mjs';
import { startReceiver, appBody, appProvider, createApp, approveCreation, reviewer } from './helpers/apps.mjs';
import { startTestApp } from './helpers/testapp.mjs';
import { listingPictures, cleanListing } from './helpers/images.mjs';

describe('GET /v1/market/apps: browse and search', () => {
	let srv, rx, owner, prov, rev, files, base;
	const testApps = [];
	const apps = {}; // key -> app_id

	async function certifyAuthenticity() {
		const doc = (await uploadPdf(srv, owner.token)).id;
		const s = await srv.req('POST', `/v1/providers/${prov.id}/authenticity`, {
			token: owner.token, body: { documents: [doc], statement: 'We build and run these apps ourselves.' },
		});
		assertStatus(s, 201, 'submit authenticity');
		const [{ review_id: reviewId }] = srv.sql(`SELECT review_id FROM authenticity WHERE org_id = ${prov.id} ORDER BY id DESC LIMIT 1`);
		assertStatus(await decide(srv, rev.token, reviewId, 'approve'), 200, 'approve authenticity');
	}

	/** An app released through the pipeline with this listing; search listed (REV-2) unless told not. */
	async function released(key, listing, { search = true, beforeRelease } = {}) {
		const ta = await startTestApp(srv, {});
		testApps.push(ta);
		const app = await createApp(srv, owner.token, prov.id, appBody(ta, { permission_sets: [1, 3] }));
		ta.configure(app);
		await approveCreation(srv, owner.token, app.app_id);
		assertStatus(await srv.req('PUT', `/v1/apps/${app.app_id}/listing`, {
			token: owner.token, body: cleanListing(files, base, prov.legalName, listing),
		}), 200, 'save listing');
		if (beforeRelease) await beforeRelease(app);
		const r = await srv.req('POST', `/v1/apps/${app.app_id}/release-review`, { token: owner.token });
		assertStatus(r, 202, 'release-review');
		assertStatus(await decide(srv, rev.token, r.body.review.id, 'approve'), 200, 'approve release');
		if (search) {
			const s = await srv.req('POST', `/v1/apps/${app.app_id}/search-listing`, { token: owner.token, body: {} });
			assertStatus(s, 201, 'apply for search listing');
			assertStatus(await decide(srv, rev.token, s.body.review_id, 'approve'), 200, 'approve search listing');
		}
		apps[key] = app.app_id;
		return app.app_id;
	}

	const market = async (query = {}) => {
		const qs = new URLSearchParams(query).toString();
		const r = await srv.req('GET', `/v1/market/apps${qs ? `?${qs}` : ''}`);
		assertStatus(r, 200, `GET /v1/market/apps?${qs}`);
		return r;
	};
	const ids = async (query) => (await market(query)).body.items.map((i) => i.app_id);
	const keys = async (query) => {
		const byId = Object.fromEntries(Object.entries(apps).map(([k, v]) => [v, k]));
		return (await ids(query)).map((id) => byId[id] ?? id);
	};
	const set = (key, cols) => srv.sql(`PRAGMA busy_timeout = 5000; UPDATE apps SET ${cols} WHERE app_id = '${apps[key]}'`);

	before(async () => {
		srv = await startServer({
			env: {
				KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_CHECK_REPLY_TIMEOUT: '2s', KAIFANG_CHECK_API_TIMEOUT: '3s',
				KAIFANG_URL_CHECK_TIMEOUT: '3s', KAIFANG_MAX_APPS: '50',
			},
		});
		rx = await startReceiver();
		base = `http://listing.localhost:${rx.port}`;
		rev = await reviewer(srv);
		owner = await registerUser(srv, { tag: 'marketer' });
		prov = await appProvider(srv, owner);
		files = await listingPictures(srv, owner.token);
		await certifyAuthenticity();
		await released('weather', { name: '天气助手', keywords: ['天气', '预报'], intro: '查看所在城市的天气预报' });
		await released('sky', { name: '天空相册', keywords: ['相册'], intro: '照片整理', category: 'office' });
		await released('latin', { name: 'WeatherPro', keywords: ['forecast'], intro: 'Hourly weather for teams' });
		await released('notes', { name: '会议纪要', keywords: ['会议'], intro: '会后整理天气无关纪要' });
		await released('hidden', { name: '天气速查', keywords: ['天气'], intro: '未申请搜索收录' }, { search: false });
	});
	after(async () => {
		for (const ta of testApps) await ta.close();
		await rx?.close();
		await srv?.stop();
	});

	test('the answer: items with the fixed fields, next_cursor, unescaped UTF-8, public (no sign-in)', async () => {
		const r = await market({ q: '天气助手' });
		assert.ok(r.text.includes('天气助手'), 'JSON with unescaped UTF-8');
		assert.ok(!r.text.includes('\\u5929'));
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assert.equal(r.body.next_cursor, null);
		const [item] = r.body.items;
		assert.equal(item.app_id, apps.weather);
		assert.equal(item.name, '天气助手');
		assert.equal(item.intro, '查看所在城市的天气预报');
		assert.equal(item.category, 'tools');
		assert.equal(item.logo_url, `/v1/market/apps/${apps.weather}/logo`);
		assert.equal(item.company_name, prov.legalName);
		assert.equal(item.version, '1.0.0');
		assert.equal(item.installs, 0);
		assert.equal(item.featured, false);
		assert.equal(typeof item.verified, 'boolean');
		assert.equal(typeof item.released_at, 'number');
	});

	test('Chinese: one and two characters find the apps (where FTS5 trigram finds nothing)', async () => {
		assert.deepEqual((await keys({ q: '天' })).sort(), ['notes', 'sky', 'weather'].sort());
		// relevance: a name starting with it, then a name containing it, then the introduction
		const one = await keys({ q: '天' });
		assert.equal(one.at(-1), 'notes', 'a match in the introduction ranks below the names');
		assert.deepEqual(await keys({ q: '天气' }), ['weather', 'notes']);
		assert.deepEqual(await keys({ q: '相册' }), ['sky']);
		assert.deepEqual(await keys({ q: '天气助手' }), ['weather']);
		assert.deepEqual(await keys({ q: '所在城市的天气' }), ['weather'], 'a longer phrase of the introduction');
		assert.deepEqual(await keys({ q: '天气助理' }), [], 'every character must match in order');
	});

	test('Latin: case, full-width and spacing variants find the same apps', async () => {
		const want = ['latin'];
		for (const q of ['weather', 'WEATHER', 'Weather', 'ＷＥＡＴＨＥＲ', '  weather  ', 'WeatherPro', 'ｗｅａｔｈｅｒｐｒｏ', 'wea', 'we', 'forecast'])
			assert.deepEqual(await keys({ q }), want, q);
		// spacing: runs of spaces (also U+3000, tabs) are one space
		for (const q of ['hourly weather', ' Hourly   WEATHER ', 'hourly\u3000weather', 'hourly\tweather'])
			assert.deepEqual(await keys({ q }), want, JSON.stringify(q));
		assert.deepEqual(await keys({ q: 'hourlyweather' }), [], 'a space between words is kept');
	});

	test('pinyin and its initials find Chinese names (Unihan kMandarin)', async () => {
		assert.deepEqual(await keys({ q: 'tianqi' }), ['weather']);
		assert.deepEqual(await keys({ q: 'TianQi' }), ['weather']);
		assert.deepEqual(await keys({ q: 'tq' }), ['weather']);
		assert.deepEqual(await keys({ q: 'tqzs' }), ['weather']);
		assert.deepEqual(await keys({ q: 'tianqizhushou' }), ['weather']);
		assert.deepEqual(await keys({ q: 'huiyi' }), ['notes']);
		assert.deepEqual(await keys({ q: 'tiankong' }), ['sky']);
	});

	test('developer: the company name finds its apps', async () => {
		const found = await keys({ q: prov.legalName });
		for (const k of ['weather', 'sky', 'latin', 'notes']) assert.ok(found.includes(k), k);
		assert.ok(!found.includes('hidden'));
	});

	test('REV-2: an app without an approved search listing is browsable but never found by search', async () => {
		assert.ok(!(await keys({ q: '天气速查' })).includes('hidden'));
		assert.ok(!(await keys({ q: '速查' })).includes('hidden'));
		assert.ok((await keys({ limit: '100' })).includes('hidden'), 'browse shows every released public app');
	});

	test('ranking: relevance first, then installs; GOV-7 rank_penalty takes points off', async () => {
		// both names start with 天: the newer app first while installs are equal
		assert.deepEqual((await keys({ q: '天' })).slice(0, 2), ['sky', 'weather']);
		// installs as the authorizations keep them (one doubling is one point)
		set('weather', 'installs = 3, install_points = 2');
		srv.sql(`PRAGMA busy_timeout = 5000; UPDATE search_postings SET score = score + 2 WHERE app = (SELECT id FROM apps WHERE app_id = '${apps.weather}')`);
		assert.deepEqual((await keys({ q: '天' })).slice(0, 2), ['weather', 'sky']);
		assert.equal((await market({ q: '天气助手' })).body.items[0].installs, 3);
		// but never above a better text match: 天气 in a name beats installs of an intro match
		set('notes', 'installs = 1000000, install_points = 20');
		srv.sql(`PRAGMA busy_timeout = 5000; UPDATE search_postings SET score = score + 20 WHERE app = (SELECT id FROM apps WHERE app_id = '${apps.notes}')`);
		assert.deepEqual(await keys({ q: '天气' }), ['weather', 'notes']);
		// GOV-7: a penalty of 100 points drops a level of relevance
		set('weather', 'rank_penalty = 100');
		assert.deepEqual((await keys({ q: '天' })).slice(0, 2), ['sky', 'weather']);
		// browse: installs first, the penalty taken off
		const browse = await keys({ limit: '100' });
		assert.equal(browse[0], 'notes');
		set('weather', 'rank_penalty = 0');
		set('notes', 'installs = 0, install_points = 0');
		srv.sql(`PRAGMA busy_timeout = 5000; UPDATE search_postings SET score = score - 20 WHERE app = (SELECT id FROM apps WHERE app_id = '${apps.notes}')`);
	});

	test('GOV-1, GOV-2, GOV-5, GOV-7: not recommended, search banned, withdrawn and delisted apps are not found', async () => {
		assert.ok((await keys({ q: '天气' })).includes('weather'));
		set('weather', 'not_recommended = 1');
		assert.ok(!(await keys({ q: '天气' })).includes('weather'), 'GOV-1 not recommended: out of search');
		assert.ok(!(await keys({ limit: '100' })).includes('weather'), 'GOV-1 not recommended: out of the lists');
		set('weather', 'not_recommended = 0, search_banned = 1');
		assert.ok(!(await keys({ q: '天气' })).includes('weather'), 'GOV-7 search ban');
		assert.ok((await keys({ limit: '100' })).includes('weather'), 'a search ban leaves the lists alone');
		set('weather', "search_banned = 0, state = 'withdrawn', withdrawn_at = 1");
		assert.ok(!(await keys({ q: '天气' })).includes('weather'), 'GOV-2 withdrawn');
		assert.ok(!(await keys({ limit: '100' })).includes('weather'));
		set('weather', "state = 'delisted', withdrawn_at = NULL");
		assert.ok(!(await keys({ q: 'tianqi' })).includes('weather'), 'GOV-1 delisted');
		assert.ok(!(await keys({ limit: '100' })).includes('weather'));
		set('weather', "state = 'released'");
		assert.ok((await keys({ q: 'tianqi' })).includes('weather'), 'back when released again, without reindexing');
	});

	test('category and featured filters (REV-3)', async () => {
		assert.deepEqual(await keys({ q: '天', category: 'office' }), ['sky']);
		assert.deepEqual(await keys({ category: 'office' }), ['sky']);
		assert.ok(!(await keys({ category: 'tools' })).includes('sky'));
		assert.deepEqual(await keys({ category: 'nothing-here' }), []);
		assert.deepEqual(await keys({ featured: 'true' }), []);
		set('latin', 'display_listed = 1');
		assert.deepEqual(await keys({ featured: 'true' }), ['latin']);
		assert.equal((await market({ featured: 'true' })).body.items[0].featured, true);
		set('latin', 'display_listed = 0');
	});

	test('cursor paging: every match once, in order, then next_cursor null', async () => {
		const all = await ids({ q: '天' });
		assert.equal(all.length, 3);
		const seen = [];
		let cursor = null;
		for (let i = 0; i < 5; i++) {
			const r = await market({ q: '天', limit: '1', ...(cursor ? { cursor } : {}) });
			seen.push(...r.body.items.map((x) => x.app_id));
			cursor = r.body.next_cursor;
			if (!cursor) break;
		}
		assert.deepEqual(seen, all);
		assert.equal(cursor, null);
		// browse pages likewise
		const b1 = await market({ limit: '2' });
		assert.equal(b1.body.items.length, 2);
		const b2 = await market({ limit: '2', cursor: b1.body.next_cursor });
		assert.ok(b2.body.items.length > 0);
		assert.ok(!b2.body.items.some((x) => b1.body.items.some((y) => y.app_id === x.app_id)));
	});

	test('bad input: 400 naming the field (q, cursor, limit, featured, category)', async () => {
		const bad = async (qs, field) => assertError(await srv.req('GET', `/v1/market/apps?${qs}`), 400, 'invalid_value', { field });
		await bad('q=', 'q');
		await bad(`q=${'x'.repeat(101)}`, 'q');
		await bad('q=%20%20', 'q');
		await bad('q=%FF', 'q');
		await bad('cursor=abc', 'cursor');
		const c = (await market({ q: '天', limit: '1' })).body.next_cursor;
		await bad(`q=${encodeURIComponent('相册')}&limit=1&cursor=${c}`, 'cursor'); // another list's cursor
		const [off, check] = c.split('.');
		await bad(`q=${encodeURIComponent('天')}&limit=1&cursor=${Number(off) + 1}.${check}1`, 'cursor'); // edited
		await bad('limit=0', 'limit');
		await bad('limit=101', 'limit');
		await bad('limit=x', 'limit');
		await bad('featured=yes', 'featured');
		await bad('category=', 'category');
	});

	test('a change going live is searchable at once, the old text no longer (same transaction)', async () => {
		// delete: an app deleted leaves the index
		const [{ id }] = srv.sql(`SELECT id FROM apps WHERE app_id = '${apps.sky}'`);
		assert.ok(srv.sql(`SELECT COUNT(*) AS n FROM search_postings WHERE app = ${id}`)[0].n > 0);
		assert.equal(srv.sql(`SELECT name FROM search_docs WHERE app = ${id}`)[0].name, '天空相册');
	});
	test('GOV-1: a delisting recorded while the app was in development takes hold when it is released', async () => {
		const id = await released('early', { name: '早期违规应用', keywords: ['违规'], intro: '开发期间记录了违规' }, {
			search: false, // a delisted app cannot apply (REV-2)
			beforeRelease: async (app) => {
				const v = await srv.req('POST', `/v1/apps/${app.app_id}/violations`, {
					token: rev.token, body: { level: 1, rule: 'GOV-3', evidence: 'Broke the law while in development' },
				});
				assertStatus(v, 201, 'record a level-1 violation');
			},
		});
		assert.equal(srv.sql(`SELECT state FROM apps WHERE app_id = '${id}'`)[0].state, 'delisted');
		assert.ok(!(await ids({})).includes(id), 'not browsable');
		assert.ok(!(await ids({ q: '早期违规' })).includes(id), 'not searchable');
		assert.equal((await srv.req('GET', `/v1/market/apps/${id}`)).status, 404, 'no app page');
	});
});

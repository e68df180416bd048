// The platform's rules and catalogs as the staff edit them (issue 12): the
// term lists' test box (APP-11, LST-3/4/5/18/19: matches after NFKC and case
// folding, with positions), term-list edits refused to every role but the
// admin, categories with their required qualifications (REV-6) and
// permission sets (APP-3) created and edited with bad input refused at the
// field, announcements (NOTE-1), and the console pages over all of it.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, operator, adminToken, assertError, assertStatus } from './helpers/flows.mjs';
import { PageSession, mainText, fieldError } from './helpers/pages.mjs';

let srv, admin, reviewer, auditor, user;
before(async () => {
	srv = await startServer();
	[admin, reviewer, auditor, user] = await Promise.all([
		adminToken(srv),
		operator(srv, 'reviewer'),
		operator(srv, 'auditor'),
		registerUser(srv, { tag: 'settings' }),
	]);
});
after(async () => {
	await srv?.stop();
});

describe('term list test box (APP-11, LST-19)', () => {
	test('LST-19: full-width and upper-case variants match after normalisation, with the normalised text and positions', async () => {
		assertStatus(await srv.req('PUT', '/v1/term-lists/banned_terms', { token: admin, body: { terms: ['赌博', 'casino'] } }), 200);
		const r = await srv.req('POST', '/v1/term-lists/banned_terms/test', {
			token: reviewer.token, body: { text: 'Best ＣＡＳＩＮＯ in town, 赌 博 today' },
		});
		assertStatus(r, 200, 'test box');
		assert.equal(r.body.rule, 'LST-19');
		assert.equal(r.body.match, 'substring');
		assert.equal(r.body.normalized, 'bestcasinointown赌博today');
		assert.deepEqual(r.body.matches.map((m) => [m.term, m.normalized_term, m.start, m.end]), [
			['casino', 'casino', 4, 10],
			['赌博', '赌博', 16, 18],
		]);
		assert.equal(r.body.count, 2);
	});

	test('a text that matches nothing answers no matches; generic names (LST-3) match the whole text only', async () => {
		const none = await srv.req('POST', '/v1/term-lists/banned_terms/test', { token: admin, body: { text: 'A weather helper' } });
		assertStatus(none, 200);
		assert.deepEqual(none.body.matches, []);
		assertStatus(await srv.req('PUT', '/v1/term-lists/generic_names', { token: admin, body: { terms: ['日历'] } }), 200);
		const part = await srv.req('POST', '/v1/term-lists/generic_names/test', { token: admin, body: { text: '团队日历助手' } });
		assert.equal(part.body.match, 'whole_text');
		assert.deepEqual(part.body.matches, []);
		const whole = await srv.req('POST', '/v1/term-lists/generic_names/test', { token: admin, body: { text: ' 日 历 ' } });
		assert.deepEqual(whole.body.matches.map((m) => m.term), ['日历']);
	});

	test('the test box sees a list the moment it is saved (the checks\' own matcher cache)', async () => {
		assertStatus(await srv.req('PUT', '/v1/term-lists/superlatives', { token: admin, body: { terms: ['第一'] } }), 200);
		const a = await srv.req('POST', '/v1/term-lists/superlatives/test', { token: admin, body: { text: '全网最好' } });
		assert.deepEqual(a.body.matches, []);
		assertStatus(await srv.req('PUT', '/v1/term-lists/superlatives', { token: admin, body: { terms: ['第一', '最好'] } }), 200);
		const b = await srv.req('POST', '/v1/term-lists/superlatives/test', { token: admin, body: { text: '全网最好' } });
		assert.deepEqual(b.body.matches.map((m) => m.term), ['最好']);
	});

	test('bad input: an unknown list is 404, a missing or non-string text is refused at the field, anonymous is 401, an account 403', async () => {
		assertError(await srv.req('POST', '/v1/term-lists/nope/test', { token: admin, body: { text: 'x' } }), 404, 'term_list_not_found');
		const missing = await srv.req('POST', '/v1/term-lists/banned_terms/test', { token: admin, body: {} });
		assert.equal(missing.status, 400);
		assert.equal(missing.body.error.field, 'text');
		const wrong = await srv.req('POST', '/v1/term-lists/banned_terms/test', { token: admin, body: { text: 5 } });
		assert.equal(wrong.body.error.field, 'text');
		assert.equal((await srv.req('POST', '/v1/term-lists/banned_terms/test', { body: { text: 'x' } })).status, 401);
		assert.equal((await srv.req('POST', '/v1/term-lists/banned_terms/test', { token: user.token, body: { text: 'x' } })).status, 403);
	});

	test('term-list edits are the admin\'s: a reviewer and an auditor are refused, and the list is unchanged', async () => {
		const before = (await srv.req('GET', '/v1/term-lists/banned_terms', { token: admin })).body.terms;
		assertError(await srv.req('PUT', '/v1/term-lists/banned_terms', { token: reviewer.token, body: { terms: ['x'] } }), 403, 'admin_required');
		assert.equal((await srv.req('PUT', '/v1/term-lists/banned_terms', { token: auditor.token, body: { terms: ['x'] } })).status, 403);
		assert.deepEqual((await srv.req('GET', '/v1/term-lists/banned_terms', { token: admin })).body.terms, before);
	});
});

describe('categories (REV-6)', () => {
	test('an admin creates a category with its required qualifications; the public catalog shows it', async () => {
		const r = await srv.req('POST', '/v1/categories', {
			token: admin, body: { id: 'lottery_news', name_zh: '彩讯', name_en: 'Lottery news', qualifications: ['news_information_licence', 'lottery_licence'] },
		});
		assertStatus(r, 201, 'create category');
		const cats = (await srv.req('GET', '/v1/categories')).body.items;
		const c = cats.find((x) => x.id === 'lottery_news');
		assert.deepEqual(c, { id: 'lottery_news', name: '彩讯', name_zh: '彩讯', name_en: 'Lottery news', qualifications: ['news_information_licence', 'lottery_licence'] });
	});

	test('an admin edits a category\'s names and documents; the catalog shows the change', async () => {
		assertStatus(await srv.req('PATCH', '/v1/categories/travel', { token: admin, body: { name_en: 'Travel and trips', qualifications: ['travel_agency_licence'] } }), 200);
		const c = (await srv.req('GET', '/v1/categories')).body.items.find((x) => x.id === 'travel');
		assert.equal(c.name_en, 'Travel and trips');
		assert.equal(c.name_zh, '出行');
		assert.deepEqual(c.qualifications, ['travel_agency_licence']);
	});

	test('REV-6: bad input is refused on its field', async () => {
		const cases = [
			[{ id: 'Bad Id', name_zh: '甲', name_en: 'A' }, 'id', 'invalid_value'],
			[{ id: 'ok_one', name_zh: '   ', name_en: 'A' }, 'name_zh', 'invalid_value'],
			[{ id: 'ok_one', name_zh: '甲', name_en: 'A\nB' }, 'name_en', 'invalid_value'],
			[{ id: 'ok_one', name_zh: '甲', name_en: 'A', qualifications: ['Licence!'] }, 'qualifications', 'invalid_value'],
			[{ id: 'ok_one', name_zh: '甲', name_en: 'A', qualifications: ['a_doc', 'a_doc'] }, 'qualifications', 'invalid_value'],
			[{ id: 'ok_one', name_zh: '甲', name_en: 'A', qualifications: [7] }, 'qualifications', 'invalid_type'],
			[{ id: 'ok_one', name_zh: '甲' }, 'name_en', 'missing_field'],
		];
		for (const [body, f, code] of cases) {
			const r = await srv.req('POST', '/v1/categories', { token: admin, body });
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.body.error.field, f, JSON.stringify(body));
			assert.equal(r.body.error.code, code, JSON.stringify(body));
		}
		assertError(await srv.req('POST', '/v1/categories', { token: admin, body: { id: 'tools', name_zh: '甲', name_en: 'A' } }), 409, 'category_exists');
		assertError(await srv.req('PATCH', '/v1/categories/nope', { token: admin, body: { name_en: 'X' } }), 404, 'category_not_found');
		const blank = await srv.req('PATCH', '/v1/categories/tools', { token: admin, body: { name_en: '' } });
		assert.equal(blank.body.error.field, 'name_en');
		assert.equal((await srv.req('GET', '/v1/categories')).body.items.some((x) => x.id === 'ok_one'), false);
	});

	test('only an admin edits categories', async () => {
		assertError(await srv.req('POST', '/v1/categories', { token: reviewer.token, body: { id: 'x1', name_zh: '甲', name_en: 'A' } }), 403, 'admin_required');
		assert.equal((await srv.req('PATCH', '/v1/categories/tools', { token: user.token, body: { name_en: 'X' } })).status, 403);
	});
});

describe('permission sets (APP-3)', () => {
	test('an admin edits a set\'s texts, data entrusted and automated check; the catalog shows them', async () => {
		const sets = (await srv.req('GET', '/v1/permission-sets', { token: user.token })).body.items;
		const acct = sets.find((s) => s.key === 'account');
		const r = await srv.req('PATCH', `/v1/permission-sets/${acct.id}`, {
			token: admin, body: {
				description: 'Read the account profile and status',
				description_zh: '读取帐号资料和状态',
				data_entrusted_zh: '帐号名称、头像、认证状态',
				capability_check: 'api_reply',
				optional: false,
			},
		});
		assertStatus(r, 200, 'edit set');
		const after = (await srv.req('GET', '/v1/permission-sets', { token: user.token })).body.items.find((s) => s.id === acct.id);
		assert.equal(after.description_en, 'Read the account profile and status');
		assert.equal(after.description_zh, '读取帐号资料和状态');
		assert.equal(after.data_entrusted_zh, '帐号名称、头像、认证状态');
		assert.equal(after.data_entrusted_en, acct.data_entrusted_en, 'a text not sent is kept');
		assert.equal(after.capability_check, 'api_reply');
		assert.equal(after.optional, false);
		assert.equal(after.key, 'account', 'the key (the scope apps hold) does not change');
	});

	test('APP-3, APP-9: bad input is refused on its field and nothing changes', async () => {
		const sets = (await srv.req('GET', '/v1/permission-sets', { token: user.token })).body.items;
		const id = sets.find((s) => s.key === 'messages').id;
		const cases = [
			[{ name: '  ' }, 'name', 'invalid_value'],
			[{ name_en: 'x'.repeat(51) }, 'name_en', 'invalid_value'],
			[{ description: '' }, 'description', 'invalid_value'],
			[{ capability_check: 'text_reply teleport' }, 'capability_check', 'unknown_check'],
			[{ apis: [1] }, 'apis', 'invalid_type'],
			[{ optional: 'yes' }, 'optional', 'invalid_type'],
			[{ colour: 'red' }, 'colour', 'unknown_field'],
		];
		for (const [body, f, code] of cases) {
			const r = await srv.req('PATCH', `/v1/permission-sets/${id}`, { token: admin, body });
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.body.error.field, f, JSON.stringify(body));
			assert.equal(r.body.error.code, code, JSON.stringify(body));
		}
		const after = (await srv.req('GET', '/v1/permission-sets', { token: user.token })).body.items.find((s) => s.id === id);
		assert.deepEqual(after, sets.find((s) => s.id === id));
		assertError(await srv.req('PATCH', '/v1/permission-sets/99999', { token: admin, body: { name: '甲' } }), 404, 'permission_set_not_found');
		assertError(await srv.req('PATCH', `/v1/permission-sets/${id}`, { token: reviewer.token, body: { name: '甲' } }), 403, 'admin_required');
	});

	test('a new set may name its automated check; an unknown check is refused at its field', async () => {
		const bad = await srv.req('POST', '/v1/permission-sets', {
			token: admin, body: { id: 901, key: 'notes', name: '笔记', name_en: 'Notes', description: 'Read notes', data_entrusted: 'Notes', capability_check: 'ticket' },
		});
		assert.equal(bad.status, 400);
		assert.equal(bad.body.error.field, 'capability_check');
		assertStatus(await srv.req('POST', '/v1/permission-sets', {
			token: admin, body: { id: 901, key: 'notes', name: '笔记', name_en: 'Notes', description: 'Read notes', data_entrusted: 'Notes', capability_check: 'text_reply' },
		}), 201);
		const s = (await srv.req('GET', '/v1/permission-sets', { token: user.token })).body.items.find((x) => x.id === 901);
		assert.equal(s.capability_check, 'text_reply');
	});
});

describe('announcements (NOTE-1)', () => {
	test('an admin posts an announcement: everyone reads it, the landing page and the console home show it; withdrawn, it is gone', async () => {
		const r = await srv.req('POST', '/v1/announcements', {
			token: admin, body: { title_zh: '系统维护通知', title_en: 'Maintenance on Sunday', body_en: 'The console is read-only for an hour.' },
		});
		assertStatus(r, 201);
		const list = await srv.req('GET', '/v1/announcements');
		assertStatus(list, 200);
		assert.ok(list.body.items.some((a) => a.id === r.body.id && a.title_en === 'Maintenance on Sunday' && a.kind === 'general'));
		const anon = new PageSession(srv, { lang: 'zh' });
		assert.match(mainText((await anon.get('/')).text), /系统维护通知/);
		const s = new PageSession(srv, { lang: 'en' });
		await s.signIn(user.email, user.password);
		assert.match(mainText((await s.get('/console/')).text), /Maintenance on Sunday/);
		assertError(await srv.req('DELETE', `/v1/announcements/${r.body.id}`, { token: reviewer.token }), 403, 'admin_required');
		assertStatus(await srv.req('DELETE', `/v1/announcements/${r.body.id}`, { token: admin }), 200);
		assert.equal((await srv.req('GET', '/v1/announcements')).body.items.some((a) => a.id === r.body.id), false);
		assert.doesNotMatch(mainText((await anon.get('/')).text), /系统维护通知/);
		assertError(await srv.req('DELETE', `/v1/announcements/${r.body.id}`, { token: admin }), 404, 'announcement_not_found');
	});

	test('bad input is refused on its field', async () => {
		const now = await srv.now();
		for (const [body, f] of [
			[{ title_zh: '', title_en: 'x' }, 'title_zh'],
			[{ title_zh: '甲', title_en: 'x', ends_at: now - 10 }, 'ends_at'],
			[{ title_zh: '甲' }, 'title_en'],
		]) {
			const r = await srv.req('POST', '/v1/announcements', { token: admin, body });
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.body.error.field, f);
		}
	});
});

describe('console pages', () => {
	test('an admin tests a sample text on the term list page: the text stays in the box and the matches are marked', async () => {
		for (const lang of ['en', 'zh']) {
			const s = new PageSession(srv, { lang });
			await s.signIn('admin@kaifang.test', 'admin-password-0001');
			const idx = await s.get('/console/ops/term-lists');
			assert.equal(idx.status, 200);
			assert.match(mainText(idx.text), lang === 'zh' ? /违禁内容词/ : /Banned content terms/);
			await s.get('/console/ops/term-lists/banned_terms');
			const r = await s.post('/console/ops/term-lists/banned_terms', { action: 'test', text: 'ＣＡＳＩＮＯ night' });
			assert.equal(r.status, 200);
			assert.match(r.text, /<textarea[^>]*name="text"[^>]*>ＣＡＳＩＮＯ night<\/textarea>/);
			assert.match(r.text, /<mark>casino<\/mark>night/);
			assert.match(mainText(r.text), lang === 'zh' ? /命中 1 个词/ : /1 term\(s\) matched/);
		}
	});

	test('an admin saves a term list on its page; a bad term is refused at the box with its line', async () => {
		const s = new PageSession(srv, { lang: 'en' });
		await s.signIn('admin@kaifang.test', 'admin-password-0001');
		await s.get('/console/ops/term-lists/hot_words');
		const ok = await s.post('/console/ops/term-lists/hot_words', { action: 'save', terms: '红包\n\n  免费领取  \n' });
		assert.equal(ok.status, 200);
		assert.deepEqual((await srv.req('GET', '/v1/term-lists/hot_words', { token: admin })).body.terms.sort(), ['免费领取', '红包'].sort());
		const bad = await s.post('/console/ops/term-lists/hot_words', { action: 'save', terms: '红包\n!!!' });
		assert.equal(bad.status, 400);
		assert.match(fieldError(bad.text, 'terms'), /Line 2/);
	});

	test('a reviewer reads a term list without the edit form; a reviewer posting a save gets the 403 page', async () => {
		const s = new PageSession(srv, { lang: 'en' });
		await s.signIn(reviewer.email, reviewer.password);
		const p = await s.get('/console/ops/term-lists/banned_terms');
		assert.equal(p.status, 200);
		assert.doesNotMatch(p.text, /name="terms"/);
		assert.match(p.text, /name="text"/, 'the test box is there');
		const r = await s.post('/console/ops/term-lists/banned_terms', { action: 'save', terms: 'x' });
		assert.equal(r.status, 403);
		assert.ok((await srv.req('GET', '/v1/term-lists/banned_terms', { token: admin })).body.terms.includes('赌博'));
	});

	test('an admin creates and edits a category on its pages; a bad document key is shown at its field', async () => {
		const s = new PageSession(srv, { lang: 'zh' });
		await s.signIn('admin@kaifang.test', 'admin-password-0001');
		await s.get('/console/ops/categories/new');
		const bad = await s.post('/console/ops/categories/new', { id: 'pets', name_zh: '宠物', name_en: 'Pets', qualifications: 'Vet Licence' });
		assert.equal(bad.status, 400);
		assert.ok(fieldError(bad.text, 'qualifications'));
		const ok = await s.post('/console/ops/categories/new', { id: 'pets', name_zh: '宠物', name_en: 'Pets', qualifications: 'vet_licence\n' });
		assert.equal(ok.status, 200);
		assert.match(ok.redirectedFrom.location, /\/console\/ops\/categories\/pets\?ok=created/);
		const ed = await s.post('/console/ops/categories/pets', { name_zh: '宠物服务', name_en: 'Pets', qualifications: '' });
		assert.equal(ed.status, 200);
		const c = (await srv.req('GET', '/v1/categories')).body.items.find((x) => x.id === 'pets');
		assert.equal(c.name_zh, '宠物服务');
		assert.deepEqual(c.qualifications, []);
		const list = await s.get('/console/ops/categories');
		assert.match(mainText(list.text), /宠物服务/);
	});

	test('an admin edits a permission set on its page; a reviewer sees it read-only and cannot post', async () => {
		const sets = (await srv.req('GET', '/v1/permission-sets', { token: user.token })).body.items;
		const cal = sets.find((x) => x.key === 'calendar');
		const s = new PageSession(srv, { lang: 'en' });
		await s.signIn('admin@kaifang.test', 'admin-password-0001');
		await s.get(`/console/ops/permission-sets/${cal.id}`);
		const bad = await s.post(`/console/ops/permission-sets/${cal.id}`, {
			name: cal.name_zh, name_en: cal.name_en, description_zh: '', description: cal.description_en, data_entrusted_zh: '', data_entrusted: cal.data_entrusted_en, capability_check: 'nonsense',
		});
		assert.equal(bad.status, 400);
		assert.ok(fieldError(bad.text, 'capability_check'));
		const ok = await s.post(`/console/ops/permission-sets/${cal.id}`, {
			name: cal.name_zh, name_en: 'Calendar and schedules', description_zh: cal.description_zh, description: cal.description_en, data_entrusted_zh: cal.data_entrusted_zh, data_entrusted: cal.data_entrusted_en, capability_check: '', optional: '1', member_data: '1',
		});
		assert.equal(ok.status, 200);
		const after = (await srv.req('GET', '/v1/permission-sets', { token: user.token })).body.items.find((x) => x.id === cal.id);
		assert.equal(after.name_en, 'Calendar and schedules');
		assert.equal(after.member_data, true);
		const r = new PageSession(srv, { lang: 'en' });
		await r.signIn(reviewer.email, reviewer.password);
		const page = await r.get(`/console/ops/permission-sets/${cal.id}`);
		assert.equal(page.status, 200);
		assert.match(mainText(page.text), /Calendar and schedules/);
		assert.doesNotMatch(page.text, /name="name_en"/);
		assert.equal((await r.get('/console/ops/permission-sets/new')).status, 403);
	});

	test('an account that is not staff gets the 403 page on the settings pages', async () => {
		const s = new PageSession(srv, { lang: 'en' });
		await s.signIn(user.email, user.password);
		for (const p of ['/console/ops/term-lists', '/console/ops/categories', '/console/ops/permission-sets', '/console/ops/agreements', '/console/ops/announcements'])
			assert.equal((await s.get(p)).status, 403, p);
	});
});

// The authorization matrix, generated from the route tables (`kaifangd
// --print-routes`): every API route and console page × every role
// (anonymous, an account with no memberships, a provider's member, its
// owner, a host account's owner, reviewer, auditor, admin) × the own and a
// foreign tenant, asserting that each answer fits what the route declares
// (helpers/matrix.mjs judges a cell). A new route joins the matrix by
// itself; one whose path parameter the table cannot fill fails here with
// its name. The table of every cell is written to build/authz-matrix.txt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, ADMIN_EMAIL, ADMIN_PASSWORD } from './helpers/server.mjs';
import { registerUser, operator, login, assertStatus, hostApiKey, provisionHost, uploadPdf } from './helpers/flows.mjs';
import { appProvider, developingApp, createApp, appBody } from './helpers/apps.mjs';
import { field } from './helpers/pages.mjs';
import { printRoutes, ROLES, paramKinds, judge, renderTable } from './helpers/matrix.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(here, '../../build/authz-matrix.txt');

let srv, routes, fx;

/** A provider with a developing app, a second app in its creation review
 * (an open review: cancelling the provider is refused, ONB-10), an
 * uploaded file and an inbox message of its owner. */
async function tenant(owner) {
	const prov = await appProvider(srv, owner);
	const app = await developingApp(srv, owner, prov.id, null);
	const pending = await createApp(srv, owner.token, prov.id, appBody(null));
	const rv = await srv.req('POST', `/v1/apps/${pending.app_id}/creation-review`, { token: owner.token });
	assertStatus(rv, 201, 'creation review');
	const appl = await srv.req('GET', `/v1/providers/${prov.id}/application`, { token: owner.token });
	assertStatus(appl, 200, 'application');
	const inbox = await srv.req('GET', '/v1/inbox', { token: owner.token });
	assertStatus(inbox, 200, 'inbox');
	assert.ok(inbox.body.items.length, 'the owner has an inbox message');
	// a capability check run, so that reading the latest one has something to show
	const run = await srv.req('POST', `/v1/apps/${app.app_id}/checks:run`, { token: owner.token });
	assert.ok(run.status < 300, `checks:run: ${run.status} ${run.text.slice(0, 300)}`);
	const file = await uploadPdf(srv, owner.token);
	return {
		provider: prov.id, app: app.app_id, review: rv.body.id, file: file.id,
		org_file: appl.body.documents[0].id ?? appl.body.documents[0], inbox: inbox.body.items[0].id,
	};
}

before(async () => {
	routes = printRoutes().filter((r) => !r.flags.includes('test_only'));
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_MAX_APPS: '1000' } });
	const oas = (await srv.req('GET', '/v1/openapi.json')).body;
	for (const r of routes) {
		const op = oas.paths?.[r.path]?.[r.method.toLowerCase()];
		r.credential = Boolean(op && op['x-kaifang-credential']);
	}
	const people = {};
	people.owner = await registerUser(srv, { tag: 'mx-owner' });
	people.member = await registerUser(srv, { tag: 'mx-member' });
	people.account = await registerUser(srv, { tag: 'mx-account' });
	people.hostOwner = await registerUser(srv, { tag: 'mx-host' });
	const foreignOwner = await registerUser(srv, { tag: 'mx-fowner' });
	const foreignHost = await registerUser(srv, { tag: 'mx-fhost' });
	people.reviewer = await operator(srv, 'reviewer');
	people.auditor = await operator(srv, 'auditor');
	people.admin = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, token: await login(srv, ADMIN_EMAIL, ADMIN_PASSWORD) };
	const own = await tenant(people.owner);
	const foreign = await tenant(foreignOwner);
	assertStatus(await srv.req('POST', `/v1/providers/${own.provider}/members`, { token: people.owner.token, body: { email: people.member.email } }), 201, 'add member');
	const key = hostApiKey(srv);
	own.host = (await provisionHost(srv, key.key, { owner_email: people.hostOwner.email })).id;
	foreign.host = (await provisionHost(srv, key.key, { owner_email: foreignHost.email })).id;
	own.member_user = people.owner.id;
	foreign.member_user = foreignOwner.id;
	const lists = await srv.req('GET', '/v1/term-lists', { token: people.admin.token });
	assertStatus(lists, 200, 'term lists');
	const list = (lists.body.items ?? lists.body)[0];
	const listName = typeof list === 'string' ? list : list.name ?? list.key ?? list.list;
	const spare = await operator(srv, 'ops');
	const cats = (await srv.req('GET', '/v1/categories')).body;
	const cat = (cats.items ?? cats)[0];
	const category = typeof cat === 'object' ? cat.id ?? cat.key : cat;
	for (const t of [own, foreign])
		Object.assign(t, {
			agreement: 'terms', term_list: listName, rule: 'APP-1', absent: '999999',
			operator: (await srv.req('GET', '/v1/me', { token: spare.token })).body.user.id, category, permission_set: 1,
		});
	own.public_app = own.host_app = own.app;
	foreign.public_app = foreign.host_app = foreign.app;
	// a CSRF token of each role's session (pages' forms), and of a signed-out visitor
	const csrf = {};
	const anonPage = await fetchPage('GET', '/console/signin', null, {});
	csrf.anonymous = { token: field(anonPage.text, 'csrf_token'), cookie: anonPage.cookies };
	for (const r of ROLES.slice(1)) {
		const p = await fetchPage('GET', '/console/account', people[r].token, {});
		assert.equal(p.status, 200, `${r}: account page`);
		csrf[r] = { token: field(p.text, 'csrf_token'), cookie: p.cookies };
		assert.ok(csrf[r].token, `${r}: a csrf token on the account page`);
	}
	fx = { people, own, foreign, foreignOwner, csrf };
});

after(async () => {
	await srv?.stop();
});

/** A console request as a browser makes it: session cookie, English, forms with the page's CSRF token. */
async function fetchPage(method, p, token, { form, cookies = '' }) {
	const headers = { 'Accept-Language': 'en' };
	const jar = [cookies, 'kf_lang=en', token ? `kf_session=${token}` : ''].filter(Boolean).join('; ');
	headers.Cookie = jar;
	let body;
	if (form) {
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
		headers.Origin = srv.url;
		body = new URLSearchParams(form).toString();
	}
	const r = await fetch(srv.url + p, { method, headers, body, redirect: 'manual' });
	const text = await r.text();
	const set = (r.headers.getSetCookie?.() || []).map((c) => c.split(';')[0]).filter((c) => !c.startsWith('kf_session='));
	return { status: r.status, location: r.headers.get('location'), text, cookies: set.join('; ') };
}

async function apiCall(method, p, token) {
	const headers = {};
	if (token) headers.Authorization = `Bearer ${token}`;
	let body;
	if (method !== 'GET' && method !== 'HEAD') {
		headers['Content-Type'] = 'application/json';
		body = '{}';
	}
	const r = await fetch(srv.url + p, { method, headers, body, redirect: 'manual' });
	const text = await r.text();
	let code = null;
	try {
		code = JSON.parse(text)?.error?.code ?? null;
	} catch {
		/* not JSON */
	}
	return { status: r.status, location: r.headers.get('location'), text, code };
}

/** A second session of a person, for the routes that end the one they are called with. */
async function freshSession(role) {
	const p = role === 'foreign' ? fx.foreignOwner : fx.people[role];
	return login(srv, p.email, p.password);
}

/** The session id of a new session of a person (DELETE /v1/sessions/{id}). */
async function sessionId(role) {
	const t = await freshSession(role);
	const l = await srv.req('GET', '/v1/sessions', { token: t });
	return l.body.items.find((s) => s.current).id;
}

async function apiTokenId(role) {
	const t = role === 'foreign' ? fx.foreignOwner.token : fx.people[role].token;
	const r = await srv.req('POST', '/v1/me/api-tokens', { token: t, body: { name: 'matrix' } });
	assertStatus(r, 201, 'api token');
	return r.body.id;
}

/**
 * The request of one cell: the path with its parameters filled, the
 * token, and whether it must run alone (it ends a session or deletes).
 */
async function cell(route, role, column) {
	const t = column === 'own' ? fx.own : fx.foreign;
	let token = role === 'anonymous' ? null : fx.people[role].token;
	let p = route.path;
	for (const { name, kind } of paramKinds(route.path)) {
		let v;
		if (kind === 'session') v = role === 'anonymous' ? '1' : await sessionId(column === 'own' ? role : 'foreign');
		else if (kind === 'api_token') v = role === 'anonymous' ? '1' : await apiTokenId(column === 'own' ? role : 'foreign');
		else if (kind === 'app' && route.method === 'DELETE') {
			// deleting the fixture's app would change every later cell: a throwaway one
			const owner = column === 'own' ? fx.people.owner : fx.foreignOwner;
			v = (await createApp(srv, owner.token, t.provider, appBody(null))).app_id;
		} else v = t[kind];
		p = p.replace(`{${name}}`, encodeURIComponent(String(v)));
	}
	// the routes that end the caller's session get a session of their own
	if (token && (route.path === '/v1/sessions/current' || route.path === '/console/signout')) token = await freshSession(role);
	if (!route.flags.includes('page')) return apiCall(route.method, p, token);
	if (route.method === 'GET') return fetchPage('GET', p, token, {});
	let c = fx.csrf[role];
	if (token && token !== fx.people[role].token) {
		// the form's token belongs to the session it was shown to
		const pg = await fetchPage('GET', '/console/account', token, {});
		c = { token: field(pg.text, 'csrf_token'), cookie: pg.cookies };
	}
	return fetchPage(route.method, p, token, { form: { csrf_token: c.token }, cookies: c.cookie });
}

test('every path parameter of every route has a fixture (add a row to helpers/matrix.mjs PARAMS for a new one)', () => {
	const missing = [];
	for (const r of routes)
		for (const k of paramKinds(r.path))
			if (!k.kind || !(['session', 'api_token'].includes(k.kind) || (fx.own[k.kind] != null && fx.foreign[k.kind] != null)))
				missing.push(`${r.method} ${r.path}: {${k.name}}`);
	assert.deepEqual(missing, [], `no fixture for:\n${missing.join('\n')}`);
});

test('the printed route table is what the server serves: the methods of each path, and 405 for any other', async () => {
	const byPath = new Map();
	for (const r of routes) byPath.set(r.path, [...(byPath.get(r.path) || []), r.method]);
	const wrong = [];
	// a few at a time: one connection per path at once would pass the
	// server's per-address connection limit (per-ip-connections) as the
	// route table grows, and the refused connections fail the next test
	const paths = [...byPath];
	let next = 0;
	await Promise.all(Array.from({ length: 6 }, async () => {
		while (next < paths.length) await check(paths[next++]);
	}));
	async function check([pattern, methods]) {
		const p = pattern.replace(/\{[^}]+\}/g, '1');
		const other = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].find((m) => !methods.includes(m));
		const r = await fetch(srv.url + p, { method: other, redirect: 'manual' });
		await r.arrayBuffer();
		const allow = (r.headers.get('allow') || '').split(/,\s*/).filter((m) => m && m !== 'HEAD').sort();
		if (r.status !== 405 || allow.join() !== [...new Set(methods)].sort().join())
			wrong.push(`${other} ${pattern}: ${r.status}, Allow ${allow.join()} (printed: ${methods.join()})`);
	}
	assert.deepEqual(wrong, []);
});

test('authorization matrix: every route × role × own/foreign tenant answers as the route declares', async () => {
	const rows = routes.map((route) => ({ route, cells: {} }));
	const jobs = [];
	for (const row of rows)
		for (const role of ROLES)
			for (const column of ['own', 'foreign'])
				jobs.push({ row, role, column });
	// deletions and sign-outs run after everything else
	const alone = (j) => j.row.route.method === 'DELETE' || j.row.route.path === '/console/signout';
	const run = async (j) => {
		const res = await cell(j.row.route, j.role, j.column);
		const bad = judge(j.row.route, j.role, j.column, res);
		j.row.cells[`${j.role}/${j.column}`] = { status: res.status, bad };
	};
	// (they work on throwaway sessions, tokens and apps, so not on each other's)
	const pool = async (list) => {
		let next = 0;
		await Promise.all(Array.from({ length: 6 }, async () => {
			while (next < list.length) await run(list[next++]);
		}));
	};
	await pool(jobs.filter((j) => !alone(j)));
	await pool(jobs.filter(alone));
	const violations = [];
	for (const row of rows)
		for (const [k, c] of Object.entries(row.cells))
			if (c.bad) violations.push(`${row.route.method} ${row.route.path} [${row.route.auth}] ${k}: ${c.bad}`);
	fs.mkdirSync(path.dirname(OUT), { recursive: true });
	fs.writeFileSync(OUT, renderTable(rows) + (violations.length ? `\nViolations:\n${violations.join('\n')}\n` : ''));
	assert.ok(violations.length === 0, `${violations.length} cells differ from their route's declaration (table: ${OUT}):\n${violations.join('\n')}`);
});

test('provider and app writes refuse a stranger (404) and a member (403 owner_required) before reading the body', async () => {
	const { own, people } = fx;
	const routes = [
		['POST', `/v1/providers/${own.provider}/application`, true],
		['POST', `/v1/providers/${own.provider}/certification`, true],
		['POST', `/v1/providers/${own.provider}/members`, true],
		['POST', `/v1/providers/${own.provider}/icp-filings`, true],
		['POST', `/v1/providers/${own.provider}/authenticity`, true],
		['POST', `/v1/apps/${own.app}/endpoints:verify`, false],
		['PUT', `/v1/apps/${own.app}/qualifications/licence`, false],
		['POST', `/v1/apps/${own.app}/display-listing`, false],
	];
	for (const [method, p, ownerOnly] of routes) {
		for (const body of [{}, { unknown_field: 1 }]) {
			const stranger = await srv.req(method, p, { token: people.account.token, body });
			assert.equal(stranger.status, 404, `stranger ${method} ${p}: ${stranger.text}`);
			const staff = await srv.req(method, p, { token: people.reviewer.token, body });
			assert.equal(staff.status, 403, `reviewer ${method} ${p}: ${staff.text}`);
			if (ownerOnly) {
				const member = await srv.req(method, p, { token: people.member.token, body });
				assert.equal(member.status, 403, `member ${method} ${p}: ${member.text}`);
				assert.equal(member.body.error.code, 'owner_required');
			}
		}
	}
});

test('operator staff read an app without its message token and AES key; its members read them', async () => {
	const { own, people } = fx;
	const mine = await srv.req('GET', `/v1/apps/${own.app}`, { token: people.member.token });
	assertStatus(mine, 200, 'member reads the app');
	const dev = mine.body.live_config?.dev ?? mine.body.draft_config?.dev;
	assert.match(dev.aes_key, /^[A-Za-z0-9+/]{43}$/);
	assert.ok(dev.message_token.length >= 3);
	for (const role of ['reviewer', 'auditor', 'admin']) {
		const app = await srv.req('GET', `/v1/apps/${own.app}`, { token: people[role].token });
		assertStatus(app, 200, `${role} reads the app`);
		let hidden = 0;
		for (const slot of ['live_config', 'draft_config']) {
			const theirs = mine.body[slot]?.dev, seen = app.body[slot]?.dev;
			for (const k of ['aes_key', 'message_token'])
				if (typeof theirs?.[k] === 'string') {
					assert.equal(seen[k], '********', `${role}: ${slot}.dev.${k} hidden`);
					hidden++;
				}
			if (theirs) assert.equal(seen.auth_receive_url, theirs.auth_receive_url, 'the rest of the configuration is shown');
		}
		assert.ok(hidden >= 2, `${role}: the keys were there to hide`);
		const versions = await srv.req('GET', `/v1/apps/${own.app}/configs`, { token: people[role].token });
		assertStatus(versions, 200, `${role} reads the versions`);
		assert.ok(versions.body.items.length > 0);
		for (const v of versions.body.items)
			for (const k of ['aes_key', 'message_token'])
				assert.ok(v.config.dev[k] === null || v.config.dev[k] === '********', `${role}: version ${v.version} dev.${k} hidden`);
		assert.ok(!versions.text.includes(dev.aes_key), `${role}: the AES key is nowhere in the versions`);
	}
});

// Issue 11, the account journey's console pages, played as a browser would
// (cookies, forms with their CSRF token, redirects), and the API they need
// that was missing: one's own data exported and the account deleted
// (DATA-2, under ONB-10's conditions), and the inbox's unread count.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import {
	registerUser, login, assertError, assertStatus, publishAgreement, createProvider, person,
} from './helpers/flows.mjs';
import { waitFor } from './helpers/apps.mjs';

const PUBLIC = 'https://open.example.test';

/** A browser: a cookie jar, a language, forms posted with their CSRF token. */
class Browser {
	constructor(srv, lang = 'en') {
		this.srv = srv;
		this.lang = lang;
		this.jar = new Map();
	}

	async request(method, path, form) {
		const headers = {
			'Accept-Language': this.lang === 'zh' ? 'zh-CN,zh;q=0.9' : 'en-US,en;q=0.9',
			'Sec-Fetch-Site': 'same-origin',
		};
		if (this.jar.size) headers.Cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
		let body;
		if (form) {
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
			body = new URLSearchParams(form).toString();
		}
		const res = await fetch(this.srv.url + path, { method, headers, body, redirect: 'manual' });
		for (const c of res.headers.getSetCookie()) {
			const [pair, ...attrs] = c.split(';');
			const i = pair.indexOf('=');
			const name = pair.slice(0, i).trim(), value = pair.slice(i + 1).trim();
			if (!value || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.jar.delete(name);
			else this.jar.set(name, value);
		}
		const buf = Buffer.from(await res.arrayBuffer());
		return {
			status: res.status,
			location: res.headers.get('location'),
			headers: res.headers,
			text: buf.toString('utf8'),
		};
	}

	get(path) {
		return this.request('GET', path);
	}

	/** GET page, take the CSRF token of its form posting to action, post fields. */
	async submit(page, action, fields) {
		const p = await this.get(page);
		assert.equal(p.status, 200, `GET ${page}: ${p.status} ${p.text.slice(0, 300)}`);
		return this.post(p.text, action, fields);
	}

	/** Post fields to action with the CSRF token of the form in html. */
	post(html, action, fields) {
		const forms = [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
		const f = forms.find((m) => decode(m[1]) === action);
		assert.ok(f, `no form posting to ${action} in the page`);
		const csrf = /name="csrf_token" value="([^"]*)"/.exec(f[2])[1];
		return this.request('POST', action, { csrf_token: csrf, ...fields });
	}

	/** Sign in through the console's form. */
	async signIn(loginName, password) {
		const r = await this.submit('/console/signin', '/console/signin', { login: loginName, password, next: '/console/' });
		assert.equal(r.status, 303, `sign-in: ${r.text.slice(0, 300)}`);
		assert.ok(this.jar.has('kf_session'), 'signed in: a session cookie');
	}
}

function decode(s) {
	return s.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
}

/** The visible text of a page (tags dropped, entities decoded). */
function textOf(html) {
	return decode(html.replace(/<[^>]*>/g, ' ')).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' ');
}

/** The token of the newest mail to `to` whose link goes to console `page`. */
async function linkToken(srv, to, page, opts = {}) {
	const re = new RegExp(`${PUBLIC.replace(/[./]/g, '\\$&')}/console/${page}\\?token=([A-Za-z0-9_]+)`);
	const m = await srv.waitMail(to, { match: re, ...opts });
	return re.exec(m.body)[1];
}

async function signedIn(srv, opts = {}, lang = 'en') {
	const u = await registerUser(srv, opts);
	const b = new Browser(srv, lang);
	await b.signIn(u.email, u.password);
	return { u, b };
}

describe('console: account pages', () => {
	let srv;
	before(async () => {
		srv = await startServer({ args: ['--public-url', PUBLIC] });
		await publishAgreement(srv);
	});
	after(async () => {
		await srv?.stop();
	});

	test('a signed-out visit to an account page goes to sign-in and comes back', async () => {
		const b = new Browser(srv);
		const r = await b.get('/console/account/sessions');
		assert.equal(r.status, 303);
		assert.equal(r.location, '/console/signin?next=/console/account/sessions');
	});

	test('profile: name, email, mobile, verified or not; the language chosen is saved to the account', async () => {
		const { u, b } = await signedIn(srv, { verify: false });
		let p = await b.get('/console/account');
		assert.equal(p.status, 200);
		const t = textOf(p.text);
		for (const s of [u.name, u.email, 'Not confirmed', 'Change password', 'Sessions and API tokens', 'Agreements',
			'Export my data or delete my account'])
			assert.ok(t.includes(s), `the profile shows ${s}`);
		assert.match(p.text, /href="\/console\/account\/verify"/, 'a way to confirm the email');

		const r = await b.post(p.text, '/console/account', { language: 'zh' });
		assert.equal(r.status, 303);
		assert.equal(r.location, '/console/account?ok=saved');
		const me = await srv.req('GET', '/v1/me', { token: u.token });
		assert.equal(me.body.user.language, 'zh', 'saved to the account');
		p = await b.get(r.location);
		assert.match(p.text, /<html lang="zh/);
		assert.ok(textOf(p.text).includes('已保存'), 'the page now speaks Chinese');
		// a browser without the switch's cookie follows the account
		const other = new Browser(srv, 'en');
		await other.signIn(u.email, u.password);
		assert.match((await other.get('/console/account')).text, /<html lang="zh/);

		const bad = await b.post(p.text, '/console/account', { language: 'fr' });
		assert.equal(bad.status, 400);
		assert.match(bad.text, /class="field bad"/, 'the refusal is next to the language field');
	});

	test('verify by code on the page; resend says it was sent', async () => {
		const { u, b } = await signedIn(srv, { verify: false, tag: 'vcode' });
		const first = await srv.waitMail(u.email, { match: /verification code/ });
		const code = /verification code is (\d{6})/.exec(first.body)[1];
		let p = await b.get('/console/account/verify');
		assert.ok(textOf(p.text).includes(u.email), 'says where the mail went');
		const wrong = await b.post(p.text, '/console/account/verify', { code: '000000' === code ? '111111' : '000000' });
		assert.equal(wrong.status, 400);
		assert.match(wrong.text, /class="field bad"/);
		const soon = await b.post(wrong.text, '/console/account/verify', { do: 'resend' });
		assert.equal(soon.status, 429, 'at most one code a minute');
		assert.match(soon.text, /class="notice error"/);
		await srv.advance(61);
		const resent = await b.post(wrong.text, '/console/account/verify', { do: 'resend' });
		assert.equal(resent.status, 303);
		assert.ok(textOf((await b.get(resent.location)).text).includes('Sent.'));
		const newCode = /verification code is (\d{6})/.exec((await srv.waitMail(u.email, { match: /verification code/, exclude: [first.file] })).body)[1];
		const ok = await b.post(wrong.text, '/console/account/verify', { code: newCode });
		assert.equal(ok.status, 303);
		assert.equal(ok.location, '/console/account?ok=verified');
		p = await b.get(ok.location);
		assert.ok(textOf(p.text).includes('Your email is confirmed.'));
		assert.ok(textOf(p.text).includes('Confirmed'));
	});

	test('verify by the mail\'s link works signed out; a second use says it was used', async () => {
		const p = person('vlink');
		assertStatus(await srv.req('POST', '/v1/users', {
			body: { email: p.email, mobile: p.mobile, password: p.password, name: p.name },
		}), 201);
		const token = await linkToken(srv, p.email, 'verify');
		const anon = new Browser(srv);
		const r = await anon.get(`/console/verify?token=${token}`);
		assert.equal(r.status, 200);
		assert.ok(textOf(r.text).includes('Your email is confirmed'), textOf(r.text));
		const t = await login(srv, p.email, p.password);
		assert.equal((await srv.req('GET', '/v1/me', { token: t })).body.user.email_verified, true);
		const again = await anon.get(`/console/verify?token=${token}`);
		assert.equal(again.status, 410);
		assert.ok(textOf(again.text).includes('already used'));
		const bad = await anon.get('/console/verify?token=kfv_nonsense');
		assert.equal(bad.status, 400);
		assert.ok(textOf(bad.text).includes('not valid'));
	});

	test('forgot password: the same answer for any login; reset by link, twice, single use; then sign in', async () => {
		const u = await registerUser(srv, { tag: 'forgot' });
		const anon = new Browser(srv);
		const signin = await anon.get('/console/signin');
		assert.match(signin.text, /href="\/console\/forgot"/, 'sign-in links to the forgotten-password page');
		const a = await anon.submit('/console/forgot', '/console/forgot', { login: 'nobody@example.com' });
		const k = await anon.submit('/console/forgot', '/console/forgot', { login: u.email });
		assert.equal(a.status, 303);
		assert.equal(k.status, 303);
		assert.equal(a.location, k.location, 'the answer does not tell who has an account');
		assert.ok(textOf((await anon.get(k.location)).text).includes('If an account uses that login'));

		const token = await linkToken(srv, u.email, 'reset');
		const form = await anon.get(`/console/reset?token=${token}`);
		assert.equal(form.status, 200);
		const differ = await anon.post(form.text, '/console/reset', { token, password: 'new-password-1234', password_again: 'new-password-9999' });
		assert.equal(differ.status, 400);
		assert.ok(textOf(differ.text).includes('The two passwords differ.'));
		assert.ok(!differ.text.includes('new-password-1234'), 'a password is never sent back');
		const weak = await anon.post(differ.text, '/console/reset', { token, password: 'short', password_again: 'short' });
		assert.equal(weak.status, 400);
		assert.match(weak.text, /href="\/console\/rules\/ONB-8"/, 'the rule id next to the password');
		const done = await anon.post(weak.text, '/console/reset', { token, password: 'new-password-1234', password_again: 'new-password-1234' });
		assert.equal(done.status, 303);
		assert.equal(done.location, '/console/signin?ok=reset');
		assert.equal((await srv.req('GET', '/v1/me', { token: u.token })).status, 401, 'the old session ended');
		await anon.signIn(u.email, 'new-password-1234');

		const again = await anon.get(`/console/reset?token=${token}`);
		const reuse = await anon.post(again.text, '/console/reset', { token, password: 'other-password-77', password_again: 'other-password-77' });
		assert.equal(reuse.status, 410);
		assert.ok(textOf(reuse.text).includes('already used'));
		assert.match(reuse.text, /href="\/console\/forgot"/, 'a way to ask again');

		await anon.submit('/console/forgot', '/console/forgot', { login: u.email });
		const late = await linkToken(srv, u.email, 'reset', { exclude: [] , match: new RegExp(`/console/reset\\?token=(?!${token})`) });
		await srv.advance(3601);
		const f2 = await anon.get(`/console/reset?token=${late}`);
		const expired = await anon.post(f2.text, '/console/reset', { token: late, password: 'other-password-77', password_again: 'other-password-77' });
		assert.equal(expired.status, 410);
		assert.ok(textOf(expired.text).includes('expired'));
		assert.match(expired.text, /href="\/console\/forgot"/);
	});

	test('change password ends the other sessions and keeps this one, and says so', async () => {
		const { u, b } = await signedIn(srv, { tag: 'chpw' });
		const other = new Browser(srv);
		await other.signIn(u.email, u.password);
		const p = await b.get('/console/account/password');
		const differ = await b.post(p.text, '/console/account/password', {
			current_password: u.password, new_password: 'changed-password-1', new_password_again: 'changed-password-2',
		});
		assert.equal(differ.status, 400);
		const wrong = await b.post(p.text, '/console/account/password', {
			current_password: 'not-my-password-0', new_password: 'changed-password-1', new_password_again: 'changed-password-1',
		});
		assert.equal(wrong.status, 403);
		assert.match(wrong.text, /class="field bad"[\s\S]*?name="current_password"/, 'the refusal is at the current password');
		const r = await b.post(p.text, '/console/account/password', {
			current_password: u.password, new_password: 'changed-password-1', new_password_again: 'changed-password-1',
		});
		assert.equal(r.status, 303);
		const page = await b.get(r.location);
		assert.equal(page.status, 200, 'this session still works');
		const t = textOf(page.text);
		assert.ok(t.includes('Your other sessions were signed out'), t);
		assert.ok(t.includes('Sessions signed out: 2.'), 'the other browser and the API sign-in');
		const gone = await other.get('/console/account');
		assert.equal(gone.status, 303, 'the other browser is signed out');
		assert.equal((await srv.req('GET', '/v1/me', { token: u.token })).status, 401);
	});

	test('sessions: the current one marked; ending another asks first', async () => {
		const { u, b } = await signedIn(srv, { tag: 'sess' });
		const other = new Browser(srv);
		await other.signIn(u.email, u.password);
		const p = await b.get('/console/account/sessions');
		assert.equal((p.text.match(/This session/g) || []).length, 1, 'one session is this one');
		const list = await srv.req('GET', '/v1/sessions', { token: u.token });
		const mine = list.body.items.map((s) => s.id);
		const target = mine[mine.length - 1]; // the other browser's, the newest
		const ask = await b.post(p.text, '/console/account/sessions/end', { id: String(target) });
		assert.equal(ask.status, 200);
		assert.ok(textOf(ask.text).includes('signed out at once'), 'the consequence first');
		assert.equal((await other.get('/console/account')).status, 200, 'nothing ended yet');
		const done = await b.post(ask.text, '/console/account/sessions/end', { id: String(target), confirm: '1' });
		assert.equal(done.status, 303);
		assert.equal((await other.get('/console/account')).status, 303, 'that browser is signed out');
		// another person's session is not found
		const stranger = await registerUser(srv, { tag: 'sess2' });
		const theirs = (await srv.req('GET', '/v1/sessions', { token: stranger.token })).body.items[0].id;
		const nf = await b.post(p.text, '/console/account/sessions/end', { id: String(theirs), confirm: '1' });
		assert.equal(nf.status, 404);
		assert.equal((await srv.req('GET', '/v1/me', { token: stranger.token })).status, 200);
	});

	test('API token: shown once with a warning and a copy button; it works; revoking asks first', async () => {
		const { u, b } = await signedIn(srv, { tag: 'tok' });
		const p = await b.get('/console/account/sessions');
		assert.ok(textOf(p.text).includes('No API tokens'));
		const r = await b.post(p.text, '/console/account/tokens', { name: 'deploy script', expires_in_days: '30' });
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('cache-control'), 'no-store', 'the token stays off the disk cache');
		const token = /<code class="secret"[^>]*>(kfp_[A-Za-z0-9_]+)<\/code>/.exec(r.text)?.[1];
		assert.ok(token, 'the token is on the page');
		assert.ok(textOf(r.text).includes('this is the only time it is shown'));
		assert.doesNotMatch(r.text, /id="f-name"[^>]*value="deploy script"/, 'the form is blank again for the next token');
		assert.match(r.text, new RegExp(`<button type="button" class="copy" hidden data-copy="${token}"`));
		assert.equal((await srv.req('GET', '/v1/me', { token })).status, 200, 'the token works');
		const again = await b.get('/console/account/sessions');
		assert.ok(!again.text.includes(token), 'never shown again');
		assert.ok(textOf(again.text).includes('deploy script'));

		const id = String((await srv.req('GET', '/v1/me/api-tokens', { token: u.token })).body.items[0].id);
		const ask = await b.post(again.text, '/console/account/tokens/revoke', { id, name: 'deploy script' });
		assert.equal(ask.status, 200);
		assert.ok(textOf(ask.text).includes('Every script using the token "deploy script" is refused'));
		assert.equal((await srv.req('GET', '/v1/me', { token })).status, 200, 'not yet revoked');
		const done = await b.post(ask.text, '/console/account/tokens/revoke', { id, confirm: '1' });
		assert.equal(done.status, 303);
		assert.equal((await srv.req('GET', '/v1/me', { token })).status, 401, 'revoked');
	});

	test('agreements: a new version in force blocks writes with a link here; accepting it unlocks them (ONB-12)', async () => {
		const { u, b } = await signedIn(srv, { tag: 'agr' });
		const now = await srv.now();
		const notice = 15 * 86400;
		await publishAgreement(srv, { version: 2, title: 'Provider terms v2', body: 'Second version of the terms.', effective_at: now + notice + 5, notice_days: 15 });
		// announced, not yet in force: nothing is refused
		const before = await b.get('/console/account/agreements');
		assert.ok(textOf(before.text).includes('Coming into force'));
		assert.ok(textOf(before.text).includes('You have accepted every agreement in force.'));
		await srv.advance(notice + 10);
		await b.signIn(u.email, u.password); // the week-long session ended meanwhile
		const p = await b.get('/console/account/sessions');
		const refused = await b.post(p.text, '/console/account/tokens', { name: 'ci' });
		assert.equal(refused.status, 403);
		assert.match(refused.text, /href="\/console\/rules\/ONB-12"/);
		assert.match(refused.text, /href="\/console\/account\/agreements"/, 'the refusal links to the agreements');
		assert.ok(refused.text.indexOf('class="notice error"') < refused.text.indexOf('Signed-in sessions'), 'the refusal is read first');
		assert.match((await b.get('/console/')).text, /href="\/console\/account\/agreements"/, 'so does the home page');

		const ag = await b.get('/console/account/agreements');
		const t = textOf(ag.text);
		assert.ok(t.includes('Provider terms v2') && t.includes('Second version of the terms.'), 'the text to read: ' + t);
		assert.ok(t.includes('To accept'));
		const acc = await b.post(ag.text, '/console/account/agreements', { key: 'terms', version: '2' });
		assert.equal(acc.status, 303);
		const after = await b.get(acc.location);
		assert.ok(textOf(after.text).includes('You have accepted every agreement in force.'));
		const ok = await b.submit('/console/account/sessions', '/console/account/tokens', { name: 'ci' });
		assert.equal(ok.status, 200, 'the write goes through now');
		assert.match(ok.text, /kfp_/);
		const t2 = await login(srv, u.email, u.password);
		assert.equal((await srv.req('GET', '/v1/me', { token: t2 })).body.agreements_pending.length, 0);
	});

	test('inbox: unread count in the header, mark read, pages of 20', async () => {
		const { u, b } = await signedIn(srv, { tag: 'inbox' });
		const now = await srv.now();
		for (let i = 1; i <= 25; i++)
			srv.sql(`INSERT INTO notifications (user_id, kind, title, body, created_at) VALUES (${u.id}, 'test', 'Message ${i}', 'Body of message ${i}', ${now + i})`);
		const unread = await srv.req('GET', '/v1/inbox/unread-count', { token: u.token });
		assert.deepEqual(unread.body, { unread: 25 });
		let p = await b.get('/console/inbox');
		assert.match(p.text, /<span class="count"><span class="skip">unread: <\/span>25<\/span>/, 'the header shows 25');
		assert.ok(textOf(p.text).includes('25 unread.'));
		assert.ok(textOf(p.text).includes('Message 25') && !textOf(p.text).includes('Message 5 '), 'newest 20 first');
		const more = /href="(\/console\/inbox\?after=\d+)"/.exec(p.text)[1];
		const older = await b.get(decode(more));
		assert.ok(textOf(older.text).includes('Message 1 ') || textOf(older.text).includes('Message 1'), 'the older ones');
		assert.ok(!textOf(older.text).includes('Message 25'));
		const id = String((await srv.req('GET', '/v1/inbox?limit=1', { token: u.token })).body.items[0].id);
		const r = await b.post(p.text, '/console/inbox', { id });
		assert.equal(r.status, 303);
		p = await b.get('/console/inbox');
		assert.ok(textOf(p.text).includes('24 unread.'));
		assert.match(p.text, /unread: <\/span>24</);
		// another person's message is not found
		const other = await registerUser(srv, { tag: 'inbox2' });
		srv.sql(`INSERT INTO notifications (user_id, kind, title, body, created_at) VALUES (${other.id}, 'test', 'Theirs', 'x', ${now})`);
		const theirs = String((await srv.req('GET', '/v1/inbox', { token: other.token })).body.items[0].id);
		assert.equal((await b.post(p.text, '/console/inbox', { id: theirs })).status, 404);
	});
});

describe('console and API: my data (DATA-2)', () => {
	let srv;
	before(async () => {
		srv = await startServer({ args: ['--public-url', PUBLIC] });
		await publishAgreement(srv);
	});
	after(async () => {
		await srv?.stop();
	});

	test('export downloads one JSON file of the person\'s data, without secrets (DATA-2)', async () => {
		const { u, b } = await signedIn(srv, { tag: 'export' });
		await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'my script' } });
		const page = await b.get('/console/account/data');
		assert.match(page.text, /href="\/console\/account\/data\/export"/);
		const r = await b.get('/console/account/data/export');
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assert.match(r.headers.get('content-disposition'), /^attachment; filename="kaifang-my-data-\d+\.json"$/);
		const data = JSON.parse(r.text);
		assert.equal(data.user.email, u.email);
		assert.equal(data.user.mobile, u.user.mobile);
		assert.equal(data.user.name, u.name);
		assert.deepEqual(data.agreement_consents.map((c) => [c.key, c.version]), [['terms', 1]]);
		assert.ok(data.sessions.length >= 2, 'the API and console sign-ins');
		assert.deepEqual(data.api_tokens.map((t) => t.name), ['my script']);
		assert.ok(data.activity.some((a) => a.action === 'user.register'));
		assert.ok(!/password_hash|token_hash|\$argon2/.test(r.text), 'no secrets in the file');
		assert.ok(!r.text.includes(u.password));
		// the API gives the same, to the caller only
		const api = await srv.req('GET', '/v1/me/export', { token: u.token });
		assert.equal(api.status, 200);
		assert.equal(api.body.user.id, u.id);
		assert.equal((await srv.req('GET', '/v1/me/export')).status, 401);
	});

	test('a member leaves the providers when deleting the account; pending agreements do not stop a deletion', async () => {
		const owner = await registerUser(srv, { tag: 'own2' });
		const member = await registerUser(srv, { tag: 'mem2' });
		const prov = await createProvider(srv, owner.token, 'Team Co');
		srv.sql(`INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (${prov.id}, ${member.id}, 'member', 0)`);
		const now = await srv.now();
		await publishAgreement(srv, { version: 2, title: 'v2', body: 'Second.', effective_at: now + 15 * 86400 + 1, notice_days: 15 });
		await srv.advance(15 * 86400 + 5);
		member.token = await login(srv, member.email, member.password);
		const r = await srv.req('POST', '/v1/me/deletion', { token: member.token, body: { password: member.password } });
		assertStatus(r, 202);
		assert.equal(r.body.status, 'deleted');
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM memberships WHERE user_id = ${member.id}`)[0].n, 0);
	});

	test('deleting the account: explained before, confirmed with the password, closed at once, anonymised after the retention window (DATA-2, ONB-10)', async () => {
		const { u, b } = await signedIn(srv, { tag: 'delete' });
		const tok = (await srv.req('POST', '/v1/me/api-tokens', { token: u.token, body: { name: 'x' } })).body.token;
		const page = await b.get('/console/account/data');
		const t = textOf(page.text);
		for (const s of ['retention window of 30 days', 'Deleted for good', 'Kept, under an anonymous account number', 'audit log'])
			assert.ok(t.includes(s), `the data page explains: ${s}`);
		assert.match(page.text, /href="\/console\/account\/delete"/);
		const confirm = await b.get('/console/account/delete');
		assert.equal(confirm.status, 200);
		assert.ok(textOf(confirm.text).includes('Your account closes at once'));
		const wrong = await b.post(confirm.text, '/console/account/delete', { confirm: '1', password: 'not-the-password' });
		assert.equal(wrong.status, 403);
		assert.match(wrong.text, /class="field bad"/);
		assert.equal((await srv.req('GET', '/v1/me', { token: u.token })).status, 200, 'nothing happened');
		const done = await b.post(confirm.text, '/console/account/delete', { confirm: '1', password: u.password });
		assert.equal(done.status, 303);
		assert.equal(done.location, '/console/signin?ok=account_deleted');
		assert.ok(textOf((await b.get(done.location)).text).includes('Your account is deleted.'));
		assert.equal((await srv.req('GET', '/v1/me', { token: u.token })).status, 401, 'sessions ended');
		assert.equal((await srv.req('GET', '/v1/me', { token: tok })).status, 401, 'API tokens ended');
		assertError(await srv.req('POST', '/v1/sessions', { body: { login: u.email, password: u.password } }), 401, 'invalid_credentials');
		const mail = await srv.readMail(u.email, { match: /was deleted/ });
		assert.match(mail, /30 days/);
		// still there during the window, reserved
		assert.equal(srv.sql(`SELECT status FROM users WHERE id = ${u.id}`)[0].status, 'deleted');
		assertError(await srv.req('POST', '/v1/users', {
			body: { email: u.email, mobile: '+8613900000001', password: 'some-password-123', name: 'Taker' },
		}), 409, 'email_taken');

		await srv.advance(30 * 86400 + 1);
		await waitFor(() => srv.sql(`SELECT status FROM users WHERE id = ${u.id}`)[0].status === 'anonymised', {
			what: 'the worker anonymises the account', timeout: 15000,
		});
		const row = srv.sql(`SELECT email, mobile, name, password_hash FROM users WHERE id = ${u.id}`)[0];
		assert.deepEqual(row, { email: `deleted-${u.id}@deleted.invalid`, mobile: null, name: '', password_hash: '' });
		for (const table of ['sessions', 'api_tokens', 'email_codes', 'notifications'])
			assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ${u.id}`)[0].n, 0, `${table} deleted`);
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM emails WHERE to_addr = '${u.email}'`)[0].n, 0, 'mails to the person deleted');
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM consents WHERE user_id = ${u.id}`)[0].n, 1, 'the consent record is kept');
		assert.equal(srv.sql(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.purge' AND subject = 'user:${u.id}'`)[0].n, 1);
	});

	test('the owner of a provider cannot delete the account until the provider is cancelled (ONB-10)', async () => {
		const { u, b } = await signedIn(srv, { tag: 'owner' });
		const prov = await createProvider(srv, u.token, 'Owner Co');
		const page = await b.get('/console/account/data');
		assert.ok(textOf(page.text).includes('You own a provider. Cancel it first'));
		assert.doesNotMatch(page.text, /href="\/console\/account\/delete"/);
		const pre = await srv.req('GET', '/v1/me/deletion', { token: u.token });
		assert.equal(pre.body.allowed, false);
		assert.deepEqual(pre.body.unmet, ['provider_owner']);
		const r = await srv.req('POST', '/v1/me/deletion', { token: u.token, body: { password: u.password } });
		assertError(r, 409, 'deletion_blocked', { rule: 'ONB-10' });
		assert.deepEqual(r.body.error.unmet, ['provider_owner']);
		assert.equal((await srv.req('GET', '/v1/me', { token: u.token })).status, 200);
		assertStatus(await srv.req('POST', `/v1/providers/${prov.id}/cancellation`, { token: u.token, body: {} }), 200);
		assert.equal((await srv.req('GET', '/v1/me/deletion', { token: u.token })).body.allowed, true);
		assertStatus(await srv.req('POST', '/v1/me/deletion', { token: u.token, body: { password: u.password } }), 202);
	});

});

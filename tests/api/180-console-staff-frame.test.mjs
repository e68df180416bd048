// The staff frame of the console: the platform's staff get their own
// navigation (reviews, platform) and the platform index; a person who is
// not staff meets a 403 page there, not a blank one; the read-only
// auditor role may read what staff read and is refused every write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, operator, assertStatus } from './helpers/flows.mjs';
import { PageSession, mainText } from './helpers/pages.mjs';

let srv;
before(async () => {
	srv = await startServer();
});
after(async () => {
	await srv?.stop();
});

test('a reviewer sees the staff navigation and the platform index, in zh and en', async () => {
	const rev = await operator(srv, 'reviewer');
	for (const lang of ['en', 'zh']) {
		const s = new PageSession(srv, { lang });
		await s.signIn(rev.email, rev.password);
		const home = await s.get('/console/');
		assert.equal(home.status, 200);
		assert.match(home.text, /href="\/console\/reviews"/);
		assert.match(home.text, /href="\/console\/ops"/);
		assert.doesNotMatch(home.text, /href="\/console\/hosts"/, 'staff do not get the owners\' navigation');
		const ops = await s.get('/console/ops');
		assert.equal(ops.status, 200);
		const text = mainText(ops.text);
		assert.match(text, lang === 'zh' ? /审核员/ : /Reviewer/);
		assert.match(text, lang === 'zh' ? /修改需管理员/ : /changes need an administrator/);
		for (const href of ['/console/ops/providers', '/console/ops/term-lists', '/console/ops/audit'])
			assert.ok(ops.text.includes(`href="${href}"`), href);
	}
});

test('a person who is not staff gets a 403 page at the platform index', async () => {
	const u = await registerUser(srv, { tag: 'frame' });
	const s = new PageSession(srv, { lang: 'zh' });
	await s.signIn(u.email, u.password);
	const ops = await s.get('/console/ops');
	assert.equal(ops.status, 403);
	assert.match(mainText(ops.text), /无权访问此页面/);
	const home = await s.get('/console/');
	assert.doesNotMatch(home.text, /href="\/console\/ops"/);
	const anon = await new PageSession(srv).fetch('GET', '/console/ops');
	assert.equal(anon.status, 303, 'signed out: to the sign-in page');
	assert.match(anon.location, /^\/console\/signin\?next=\/console\/ops/);
});

test('an auditor reads the review queue and is refused every write (auditor_read_only)', async () => {
	const aud = await operator(srv, 'auditor');
	const me = await srv.req('GET', '/v1/me', { token: aud.token });
	assertStatus(me, 200, 'me');
	assert.equal(me.body.operator_role, 'auditor');
	const q = await srv.req('GET', '/v1/reviews', { token: aud.token });
	assertStatus(q, 200, 'queue');
	const w = await srv.req('POST', '/v1/reviews/1/assignee', { token: aud.token, body: { assignee: null } });
	assert.equal(w.status, 403);
	assert.equal(w.body.error.code, 'auditor_read_only');
	const ban = await srv.req('POST', '/v1/providers/1/ban', { token: aud.token, body: { reason: 'x' } });
	assert.equal(ban.status, 403, 'admin routes stay refused');
});

// The host-account owner's pages (issue 11): accept the invitation from
// the mail's link, see my accounts, one account's connected apps with the
// permission sets and data scope granted, and revoke (AUTH-2) after a page
// that states the consequence. A second owner sees none of it (404).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, invitationToken, person } from './helpers/flows.mjs';
import { PageSession, mainText, fieldError } from './helpers/pages.mjs';
import { authorizableApp, authorize } from './helpers/authorize.mjs';

let srv, key, owner, host, a;

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '10s' } });
	key = hostApiKey(srv).key;
	owner = await registerUser(srv, { tag: 'hostowner' });
	host = await provisionHost(srv, key, { owner_email: owner.email, name: '测试小程序' });
	const provider = await registerUser(srv, { tag: 'provider' });
	a = await authorizableApp(srv, provider, [host.id]);
	await authorize(srv, a, owner, host.id);
});
after(async () => {
	await srv?.stop();
	await a?.rx?.close();
});

test('the invitation link leads to a form; a wrong password pair and a bad token are shown where they belong, in Chinese', async () => {
	const invitee = person('invitee');
	await provisionHost(srv, key, { owner_email: invitee.email });
	const token = await invitationToken(srv, invitee.email);
	const mail = srv.mails(invitee.email).at(-1).body;
	assert.match(mail, new RegExp(`/console/invitations/accept\\?token=${token}`), 'the mail links to the console page');

	const s = new PageSession(srv, { lang: 'zh' });
	let p = await s.get(`/console/invitations/accept?token=${token}`);
	assert.equal(p.status, 200);
	assert.match(mainText(p.text), /接受邀请/);
	p = await s.post('/console/invitations/accept', { token, mobile: invitee.mobile, password: invitee.password, password_again: 'different-password-1' });
	assert.equal(p.status, 400);
	assert.equal(fieldError(p.text, 'password_again'), '两次输入的密码不一致。');
	assert.match(p.text, /value="[^"]*"/); // the form is shown again
	p = await s.post('/console/invitations/accept', { token: 'kfi_00', mobile: invitee.mobile, password: invitee.password, password_again: invitee.password });
	assert.equal(p.status, 404);
	assert.match(mainText(p.text), /邀请无效、已被使用或已过期/);

	p = await s.post('/console/invitations/accept', { token, mobile: invitee.mobile, password: invitee.password, password_again: invitee.password, name: '王芳' });
	assert.equal(p.status, 200, mainText(p.text));
	assert.match(p.text, /<h1>登录<\/h1>/, 'on to sign in');
	await s.signIn(invitee.email, invitee.password);
	const me = await srv.req('GET', '/v1/me', { cookie: `kf_session=${s.cookies.get('kf_session')}` });
	assert.equal(me.body.user.language, 'zh', 'the language the invitation was read in became the account\'s');
	p = await s.get('/console/hosts');
	assert.equal(p.status, 200);
	assert.match(mainText(p.text), /我的授权账号/);
});

test('my accounts list and one account show the connected app with its sets and scope', async () => {
	const s = new PageSession(srv, { lang: 'en' });
	await s.signIn(owner.email, owner.password);
	let p = await s.get('/console/hosts');
	assert.equal(p.status, 200);
	assert.match(p.text, new RegExp(`href="/console/hosts/${host.id}"`));
	assert.match(mainText(p.text), /测试小程序/);
	p = await s.get(`/console/hosts/${host.id}`);
	assert.equal(p.status, 200);
	const t = mainText(p.text);
	assert.match(t, /Connected apps/);
	assert.match(t, new RegExp(a.app.app_id));
	assert.match(t, /All members/);
	assert.match(p.text, new RegExp(`/console/hosts/${host.id}/apps/${a.app.app_id}/revoke`));
});

test('another owner gets 404 for the account, its revoke page and its revocation', async () => {
	const other = await registerUser(srv, { tag: 'other' });
	const s = new PageSession(srv);
	await s.signIn(other.email, other.password);
	let p = await s.get(`/console/hosts/${host.id}`);
	assert.equal(p.status, 404);
	p = await s.get(`/console/hosts/${host.id}/apps/${a.app.app_id}/revoke`);
	assert.equal(p.status, 404);
	await s.get('/console/hosts');
	p = await s.post(`/console/hosts/${host.id}/apps/${a.app.app_id}/revoke`, { confirm: '1' }, { follow: false });
	assert.equal(p.status, 404);
	const still = await srv.req('GET', `/v1/host-accounts/${host.id}/authorizations`, { token: owner.token });
	assert.equal(still.body.items.filter((z) => z.state !== 'revoked').length, 1);
});

test('AUTH-2: revoking states the consequence first; confirming ends the authorization', async () => {
	const s = new PageSession(srv, { lang: 'zh' });
	await s.signIn(owner.email, owner.password);
	let p = await s.get(`/console/hosts/${host.id}/apps/${a.app.app_id}/revoke`);
	assert.equal(p.status, 200);
	assert.match(mainText(p.text), /将立即失去对 测试小程序 的访问权限/);
	let z = await srv.req('GET', `/v1/host-accounts/${host.id}/authorizations`, { token: owner.token });
	assert.equal(z.body.items.filter((x) => x.state !== 'revoked').length, 1, 'showing the page changed nothing');
	p = await s.post(`/console/hosts/${host.id}/apps/${a.app.app_id}/revoke`, { confirm: '1' });
	assert.equal(p.status, 200);
	assert.match(mainText(p.text), /已卸载/);
	assert.match(mainText(p.text), /该账号尚未授权任何应用/);
	z = await srv.req('GET', `/v1/host-accounts/${host.id}/authorizations`, { token: owner.token });
	assert.equal(z.body.items.filter((x) => x.state !== 'revoked').length, 0);
	// the access log keeps both, newest first, and says who
	const log = await srv.req('GET', `/v1/host-accounts/${host.id}/access-log`, { token: owner.token });
	assert.equal(log.status, 200);
	assert.deepEqual(log.body.items.map((e) => [e.action, e.app_id, e.by]), [['revoked', a.app.app_id, 'you'], ['authorized', a.app.app_id, 'you']]);
	assert.deepEqual(log.body.items[1].granted, [1, 3]);
	assert.equal(log.body.next_before, null);
	const older = await srv.req('GET', `/v1/host-accounts/${host.id}/access-log?limit=1`, { token: owner.token });
	assert.equal(older.body.items[0].action, 'revoked');
	const rest = await srv.req('GET', `/v1/host-accounts/${host.id}/access-log?before=${older.body.next_before}`, { token: owner.token });
	assert.deepEqual(rest.body.items.map((e) => e.action), ['authorized']);
	assert.equal((await srv.req('GET', `/v1/host-accounts/${host.id}/access-log?limit=0`, { token: owner.token })).status, 400);
	assert.match(mainText(p.text), /授权记录.*撤销授权.*你.*授权.*你/);
});

test('a form posted from another site, or without its token, changes nothing', async () => {
	const s = new PageSession(srv);
	await s.signIn(owner.email, owner.password);
	await s.get('/console/hosts');
	let p = await s.post('/console/signout', {}, { follow: false, origin: 'https://evil.example' });
	assert.equal(p.status, 403);
	const u = new URLSearchParams({ csrf_token: 'nope' });
	p = await s.fetch('POST', '/console/signout', { headers: { Origin: srv.url, 'Content-Type': 'application/x-www-form-urlencoded' }, body: u.toString() });
	assert.equal(p.status, 403);
	assert.match(mainText(p.text), /form has expired/);
	p = await s.get('/console/hosts');
	assert.equal(p.status, 200, 'still signed in');
});

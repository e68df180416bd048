// The automated capability check of APP-9 (PROTOCOL.md §8) against a test
// app that implements the protocol for real (helpers/testapp.mjs, crypto by
// @wecom/crypto): Kaifang's own test host account authorizes the app, a
// ticket, the authorized event and two text messages are pushed, the
// passive reply is checked, and the app's API round trip (api_query_auth,
// then /cgi-bin/message/custom/send, which Kaifang serves for its test
// accounts) is watched. A good app passes; a wrong reply, a late one and a
// missing API call fail with their exact reasons. The server runs with
// short check timeouts (check-reply-timeout 1 s, check-api-timeout 3 s).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from './helpers/server.mjs';
import { registerUser, assertError, assertStatus, expectUnchanged, operator, hostApiKey, provisionHost } from './helpers/flows.mjs';
import { appBody, appProvider, createApp, approveCreation, waitFor, PUSH_WAIT_MS } from './helpers/apps.mjs';
import { startTestApp } from './helpers/testapp.mjs';

const TEXT_CALLBACK = 'TESTCOMPONENT_MSG_TYPE_TEXT_callback';
const REFERER = 'https://auth.example.com/connect';
const REDIRECT = 'https://auth.example.com/done';

describe('capability check (APP-9, PROTOCOL.md §8)', () => {
	let srv, owner, prov;
	const apps = [];

	/** A developing app served by a test app in the given mode. */
	async function checkedApp(opts = {}, over = {}) {
		const ta = await startTestApp(srv, opts);
		apps.push(ta);
		const app = await createApp(srv, owner.token, prov.id, appBody(ta, { permission_sets: [1, 3], ...over }));
		ta.configure(app); // before approval: the first scheduled ticket finds it ready
		await approveCreation(srv, owner.token, app.app_id);
		return { ta, app };
	}

	const run = (app, token = owner.token) => srv.req('POST', `/v1/apps/${app.app_id}/checks:run`, { token });
	const latest = (app, token = owner.token) => srv.req('GET', `/v1/apps/${app.app_id}/checks`, { token });
	const byName = (res, check) => res.body.checks.find((c) => c.check === check);
	const customSend = (token, body) =>
		srv.req('POST', `/cgi-bin/message/custom/send${token === undefined ? '' : `?access_token=${encodeURIComponent(token)}`}`, { raw: typeof body === 'string' ? body : JSON.stringify(body) });

	/** Until no event waits in the outbox (a delivery changes the database). */
	async function outboxIdle() {
		await waitFor(() => srv.sql("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")[0].n === 0, { timeout: PUSH_WAIT_MS, what: 'an idle outbox' });
		await srv.mailIdle();
	}

	function errcode(r, code, what) {
		assert.equal(r.status, 200, `${what}: ${r.status} ${r.text}`);
		assert.equal(r.body?.errcode, code, `${what}: ${r.text}`);
		assert.ok(r.body.errmsg.endsWith(` rid: ${r.headers.get('x-request-id')}`), `${what}: ${r.text}`);
	}

	before(async () => {
		srv = await startServer({
			env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_CHECK_REPLY_TIMEOUT: '1s', KAIFANG_CHECK_API_TIMEOUT: '3s', KAIFANG_MAX_APPS: '50' },
		});
		owner = await registerUser(srv, { tag: 'checks' });
		prov = await appProvider(srv, owner);
	});
	after(async () => {
		for (const ta of apps) await ta.close();
		await srv?.stop();
	});

	test('the platform test account exists from the start: kind host, owned by a disabled system user, platform_test = 1', () => {
		const rows = srv.sql(`SELECT h.external_id, h.kind, o.kind AS org_kind, o.name, u.status, u.mobile, u.password_hash
			FROM host_accounts h JOIN orgs o ON o.id = h.org_id JOIN users u ON u.id = h.owner_user_id WHERE h.platform_test = 1`);
		assert.deepEqual(rows, [{ external_id: 'kaifang-test-1', kind: 'mini_program', org_kind: 'host', name: 'Kaifang test accounts', status: 'disabled', mobile: null, password_hash: '!' }]);
	});

	test('the host product neither lists nor reads nor changes the platform test account', async () => {
		const { key } = hostApiKey(srv, 'host product for checks');
		const [{ id }] = srv.sql("SELECT id FROM host_accounts WHERE platform_test = 1");
		const l = await srv.req('GET', '/v1/host-accounts?limit=200', { token: key });
		assertStatus(l, 200, 'list host accounts');
		assert.ok(!l.body.items.some((h) => h.external_id === 'kaifang-test-1'), l.text);
		const byId = await srv.req('GET', '/v1/host-accounts?external_id=kaifang-test-1', { token: key });
		assert.deepEqual(byId.body.items, []);
		assertError(await srv.req('GET', `/v1/host-accounts/${id}`, { token: key }), 404, 'host_account_not_found');
		assertError(await srv.req('PATCH', `/v1/host-accounts/${id}`, { token: key, body: { kind: 'shop' } }), 404, 'host_account_not_found');
		assertError(await srv.req('DELETE', `/v1/host-accounts/${id}`, { token: key }), 404, 'host_account_not_found');
		assert.deepEqual(srv.sql(`SELECT kind, deleted_at FROM host_accounts WHERE id = ${id}`), [{ kind: 'mini_program', deleted_at: null }]);
	});

	test('a good app passes every check: ticket, authorization, then text_reply, api_reply and event_reply of the messages set', async () => {
		const { ta, app } = await checkedApp();
		const r = await run(app);
		assertStatus(r, 200, 'checks:run');
		assert.equal(r.body.passed, true, r.text);
		assert.deepEqual(r.body.checks.map((c) => [c.check, c.permission_set, c.status, c.reason]), [
			['ticket', null, 'passed', null],
			['authorization', null, 'passed', null],
			['text_reply', 'messages', 'passed', null],
			['api_reply', 'messages', 'passed', null],
			['event_reply', 'messages', 'passed', null],
		]);
		for (const c of r.body.checks) assert.ok(Number.isInteger(c.ms) && c.ms >= 0, JSON.stringify(c));
		assert.ok(Number.isInteger(r.body.run_id), r.text);
		assert.equal(r.body.purpose, 'manual');
		assert.equal(r.body.config_id, srv.sql(`SELECT live_config_id AS id FROM apps WHERE app_id = '${app.app_id}'`)[0].id);
		await ta.settle();
		assert.deepEqual(ta.errors, [], 'the test app found nothing wrong with the pushes');
		// what the app saw: the test account as authorizer, $APPID$ replaced by it
		const authorized = ta.log.filter((l) => l.what === 'authorized');
		assert.ok(authorized.length >= 1);
		assert.equal(authorized.at(-1).fields.AuthorizerAppid, 'kaifang-test-1');
		assert.match(authorized.at(-1).fields.AuthorizationCode, /^kfcd_/);
		const msgs = ta.log.filter((l) => l.what === 'message');
		assert.deepEqual(msgs.map((m) => m.authorizerInPath), ['kaifang-test-1', 'kaifang-test-1', 'kaifang-test-1']);
		// §8.5: the older event form, a LOCATION event from the test user
		assert.equal(msgs[2].fields.MsgType, 'event');
		assert.equal(msgs[2].fields.Event, 'LOCATION');
		assert.equal(msgs[2].fields.ToUserName, 'kaifang-test-1');
		assert.equal(msgs[0].fields.Content, 'TESTCOMPONENT_MSG_TYPE_TEXT');
		assert.equal(msgs[0].fields.ToUserName, 'kaifang-test-1');
		assert.match(msgs[1].fields.Content, /^QUERY_AUTH_CODE:kfcd_/);
		// the API round trip was recorded for the test account
		const code = msgs[1].fields.Content.slice('QUERY_AUTH_CODE:'.length);
		const calls = srv.sql(`SELECT t.api, t.touser, t.msgtype, t.content, h.external_id FROM test_calls t JOIN host_accounts h ON h.id = t.host_account JOIN apps a ON a.id = t.app WHERE a.app_id = '${app.app_id}'`);
		assert.deepEqual(calls, [{ api: 'message/custom/send', touser: msgs[1].fields.FromUserName, msgtype: 'text', content: `${code}_from_api`, external_id: 'kaifang-test-1' }]);
		// the authorization of the test account holds every set of the config, bypassing the (empty) test allowlist
		const z = srv.sql(`SELECT z.state, z.granted FROM authorizations z JOIN host_accounts h ON h.id = z.host_account JOIN apps a ON a.id = z.app WHERE a.app_id = '${app.app_id}' AND h.platform_test = 1`);
		assert.deepEqual(z, [{ state: 'active', granted: '[1,3]' }]);
		// the result is readable
		const g = await latest(app);
		assertStatus(g, 200, 'GET checks');
		assert.deepEqual(g.body, r.body);
		// reviewers may read it too
		const rv = await operator(srv, 'reviewer');
		assert.deepEqual((await latest(app, rv.token)).body, r.body);
		// a second run is a new run, and passes again
		const again = await run(app);
		assertStatus(again, 200);
		assert.equal(again.body.passed, true, again.text);
		assert.ok(again.body.run_id > r.body.run_id);
		assert.equal((await latest(app)).body.run_id, again.body.run_id);
	});

	test('PROTOCOL §8.5: an app that answers the LOCATION event with "success" instead of the passive reply fails event_reply', async () => {
		const { app } = await checkedApp({ events: false });
		const r = await run(app);
		assertStatus(r, 200, 'checks:run');
		assert.equal(r.body.passed, false);
		const e = byName(r, 'event_reply');
		assert.equal(e.status, 'failed', r.text);
		assert.equal(e.permission_set, 'messages');
		assert.equal(e.reason, `the app answered "success" instead of the passive reply with content 'LOCATIONfrom_callback'`);
		for (const c of ['ticket', 'authorization', 'text_reply', 'api_reply']) assert.equal(byName(r, c).status, 'passed', `${c}: ${r.text}`);
	});

	test('a wrong passive reply fails text_reply with the exact reason; the other checks pass', async () => {
		const { ta, app } = await checkedApp({ mode: 'wrong' });
		const r = await run(app);
		assertStatus(r, 200);
		assert.equal(r.body.passed, false);
		assert.deepEqual(byName(r, 'text_reply'), { ...byName(r, 'text_reply'), status: 'failed', permission_set: 'messages', reason: `reply content was 'hello there', expected '${TEXT_CALLBACK}'` });
		for (const c of ['ticket', 'authorization', 'api_reply']) assert.equal(byName(r, c).status, 'passed', `${c}: ${r.text}`);
		assert.equal((await latest(app)).body.passed, false);
		await ta.settle();
		assert.deepEqual(ta.errors, []);
	});

	test('a reply later than check-reply-timeout (1 s) fails text_reply: no reply within 1000 ms', async () => {
		const { app } = await checkedApp({ mode: 'late', lateMs: 2500 });
		const t0 = Date.now();
		const r = await run(app);
		assertStatus(r, 200);
		assert.equal(r.body.passed, false);
		const t = byName(r, 'text_reply');
		assert.equal(t.status, 'failed');
		assert.equal(t.reason, 'no reply within 1000 ms');
		assert.ok(t.ms >= 900 && t.ms < 2400, `text_reply took ${t.ms} ms`);
		assert.equal(byName(r, 'api_reply').status, 'passed', r.text);
		assert.ok(Date.now() - t0 < 10000);
	});

	test('an app that exchanges the code but never calls custom/send fails api_reply after check-api-timeout (3 s); a second run meanwhile is refused', async () => {
		const { ta, app } = await checkedApp({ sendApi: false });
		const first = run(app);
		await sleep(400);
		assertError(await run(app), 409, 'check_running', { rule: 'APP-9' });
		const r = await first;
		assertStatus(r, 200);
		assert.equal(r.body.passed, false);
		const a = byName(r, 'api_reply');
		assert.equal(a.status, 'failed');
		assert.equal(a.reason, 'no /cgi-bin/message/custom/send call within 3000 ms');
		assert.ok(a.ms >= 3000, `api_reply took ${a.ms} ms`);
		assert.equal(byName(r, 'text_reply').status, 'passed');
		await ta.settle();
		assert.deepEqual(ta.errors, []);
	});

	test('an app that does not answer at all fails every check with what went wrong', async () => {
		const { ta, app } = await checkedApp();
		await ta.close();
		apps.splice(apps.indexOf(ta), 1);
		const r = await run(app);
		assertStatus(r, 200);
		assert.equal(r.body.passed, false);
		assert.deepEqual(r.body.checks.map((c) => c.status), ['failed', 'failed', 'failed', 'failed', 'failed']);
		for (const c of r.body.checks) assert.match(c.reason, /^the push failed: connection failed/, JSON.stringify(c));
	});

	test('a released app with a draft is checked with the draft (its URLs, token and key: APP-7); in development the live config is', async () => {
		const { ta, app } = await checkedApp();
		const key2 = 'Z'.repeat(20) + app.sent.dev.aes_key.slice(20);
		const patch = await srv.req('PATCH', `/v1/apps/${app.app_id}`, { token: owner.token, body: { dev: { message_token: 'draftToken42', aes_key: key2 } } });
		assertStatus(patch, 200, 'PATCH');
		const [ids] = srv.sql(`SELECT live_config_id AS live, draft_config_id AS draft FROM apps WHERE app_id = '${app.app_id}'`);
		assert.ok(ids.draft && ids.draft !== ids.live);
		// developing: the live configuration, which the test app still speaks
		let r = await run(app);
		assertStatus(r, 200);
		assert.equal(r.body.config_id, ids.live);
		assert.equal(r.body.passed, true, r.text);
		// released with that draft pending (as during a change): the draft is checked
		srv.sql(`UPDATE apps SET state = 'released' WHERE app_id = '${app.app_id}'`);
		r = await run(app);
		assertStatus(r, 200);
		assert.equal(r.body.config_id, ids.draft);
		assert.equal(r.body.passed, false, 'the app does not know the draft token and key yet');
		assert.match(ta.errors.join('\n'), /signature|msg_signature/);
		// The app's first scheduled ticket is signed with the live token; on
		// a loaded machine it may still be on its way. Once the app switches
		// to the draft token it would refuse it, and its retries would keep
		// the outbox busy for the tests after this one.
		await outboxIdle();
		ta.errors.length = 0;
		ta.token = 'draftToken42';
		ta.aesKey = key2;
		r = await run(app);
		assertStatus(r, 200);
		assert.equal(r.body.config_id, ids.draft);
		assert.equal(r.body.passed, true, r.text);
		await ta.settle();
		assert.deepEqual(ta.errors, []);
	});

	test('a set without capability checks adds none; apps before development, other providers and non-members are refused', async () => {
		const { app } = await checkedApp({}, { permission_sets: [3] });
		const r = await run(app);
		assertStatus(r, 200);
		assert.deepEqual(r.body.checks.map((c) => c.check), ['ticket', 'authorization']);
		assert.equal(r.body.passed, true);
		const draft = await createApp(srv, owner.token, prov.id, appBody(null));
		const stranger = await registerUser(srv, { tag: 'stranger' });
		const rv = await operator(srv, 'reviewer');
		await outboxIdle();
		await expectUnchanged(srv, async () => {
			assertError(await run(draft), 409, 'invalid_state', { rule: 'APP-9' });
			assertError(await latest(draft), 404, 'check_run_not_found', { rule: 'APP-9' });
			assertError(await run(app, stranger.token), 404, 'app_not_found');
			assertError(await latest(app, stranger.token), 404, 'app_not_found');
			assertError(await run(app, rv.token), 403, 'provider_member_required');
			assertError(await srv.req('POST', '/v1/apps/kf0000000000000000/checks:run', { token: owner.token }), 404, 'app_not_found');
		});
	});

	test('custom/send: the test account records the call; bad tokens, bodies and real accounts get their errcodes', async () => {
		const { ta, app } = await checkedApp();
		assertStatus(await run(app), 200);
		await ta.settle();
		const tok = ta.authorizers['kaifang-test-1'].access;
		assert.match(tok, /^kfaa_/);
		const ctok0 = await ta.componentAccessToken();
		await outboxIdle();
		await expectUnchanged(srv, async () => {
			errcode(await customSend(undefined, { touser: 'u', msgtype: 'text', text: { content: 'hi' } }), 41001, 'no token');
			errcode(await customSend('', { touser: 'u', msgtype: 'text', text: { content: 'hi' } }), 41001, 'empty token');
			errcode(await customSend('nope', { touser: 'u', msgtype: 'text', text: { content: 'hi' } }), 40014, 'malformed token');
			errcode(await customSend('kfaa_' + 'A'.repeat(43), { touser: 'u', msgtype: 'text', text: { content: 'hi' } }), 40001, 'unknown token');
			errcode(await customSend(ctok0, { touser: 'u', msgtype: 'text', text: { content: 'hi' } }), 40001, 'an app token');
			for (const body of ['', 'not json', '[1]', '{"touser":'])
				errcode(await customSend(tok, body), 47001, `body ${JSON.stringify(body)}`);
			for (const body of [{}, { touser: 'u', msgtype: 'image', text: { content: 'hi' } }, { touser: '', msgtype: 'text', text: { content: 'hi' } },
				{ touser: 'u', msgtype: 'text' }, { touser: 'u', msgtype: 'text', text: { content: '' } }, { touser: 'u', msgtype: 'text', text: { content: 'x'.repeat(2049) } },
				{ touser: 5, msgtype: 'text', text: { content: 'hi' } }, { touser: 'u', msgtype: 'text', text: 'hi' }])
				errcode(await customSend(tok, body), 47001, `body ${JSON.stringify(body).slice(0, 60)}`);
		});
		const ok = await customSend(tok, { touser: 'someone', msgtype: 'text', text: { content: '你好' } });
		assert.deepEqual(ok.body, { errcode: 0, errmsg: 'ok' });
		assert.deepEqual(srv.sql(`SELECT touser, content FROM test_calls WHERE content = '你好'`), [{ touser: 'someone', content: '你好' }]);

		// a real host account's token: Kaifang does not deliver messages itself (48001)
		const hostOwner = await registerUser(srv, { tag: 'checks-host' });
		const host = await provisionHost(srv, hostApiKey(srv, 'checks').key, { owner_email: hostOwner.email });
		const { ta: ta2, app: app2 } = await checkedApp({}, { dev: { test_allowlist: [host.id] } });
		await waitFor(() => ta2.ticket, { what: 'the first ticket' });
		const ctok = await ta2.componentAccessToken();
		const pre = await srv.req('POST', `/cgi-bin/component/api_create_preauthcode?component_access_token=${ctok}`, { raw: JSON.stringify({ component_appid: app2.app_id }) });
		assert.ok(pre.body.pre_auth_code, pre.text);
		const flow = new URLSearchParams({ component_appid: app2.app_id, pre_auth_code: pre.body.pre_auth_code, redirect_uri: REDIRECT });
		const cookie = `kf_session=${hostOwner.token}`;
		const page = await srv.req('GET', `/cgi-bin/componentloginpage?${flow}`, { cookie, headers: { Referer: REFERER } });
		assertStatus(page, 200, 'consent page');
		const csrf = /name="csrf_token" value="([^"]*)"/.exec(page.text)?.[1] ?? /value="([^"]*)" name="csrf_token"/.exec(page.text)?.[1];
		const form = new URLSearchParams(flow);
		for (const [k, v] of [['step', 'consent'], ['csrf_token', csrf.replace(/&amp;/g, '&')], ['account', String(host.id)], ['data_scope', 'all'], ['decision', 'confirm'], ['set', '1'], ['set', '3']]) form.append(k, v);
		const confirm = await srv.req('POST', '/cgi-bin/componentloginpage', { cookie, raw: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
		assert.equal(confirm.status, 302, confirm.text.slice(0, 300));
		// the test app exchanges the code of the authorized event
		const real = await waitFor(() => ta2.authorizers[host.external_id], { what: 'the real authorization' });
		await ta2.settle();
		await outboxIdle();
		await expectUnchanged(srv, async () => {
			const r = await customSend(real.access, { touser: 'u', msgtype: 'text', text: { content: 'hi' } });
			errcode(r, 48001, 'a real account');
			assert.match(r.body.errmsg, /only for its test accounts/);
		});
	});
});

describe('capability check: the test account survives restarts', () => {
	test('a restart on the same data directory keeps the one test account (idempotent)', async () => {
		const srv = await startServer();
		const first = srv.sql('SELECT id, external_id FROM host_accounts WHERE platform_test = 1');
		const users = srv.sql("SELECT COUNT(*) AS n FROM users WHERE email = 'test-accounts@kaifang.invalid'")[0].n;
		await srv.stop({ keepDir: true });
		const again = await startServer({ dataDir: srv.dataDir });
		try {
			assert.deepEqual(again.sql('SELECT id, external_id FROM host_accounts WHERE platform_test = 1'), first);
			assert.equal(again.sql("SELECT COUNT(*) AS n FROM users WHERE email = 'test-accounts@kaifang.invalid'")[0].n, users);
			assert.equal(again.sql("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'test_account.create'")[0].n, 1);
		} finally {
			await again.stop();
		}
	});
});

// One live authorization made the way a host owner makes it: the app gets
// its verify ticket and token, creates a pre-auth code, and the owner
// confirms on the consent page (PROTOCOL.md §1–§5). For tests that need an
// authorized app without replaying the protocol themselves.
import assert from 'node:assert/strict';
import { startReceiver, appProvider, developingApp, pathOf, openPush, PUSH_WAIT_MS } from './apps.mjs';
import { field } from './pages.mjs';

const REDIRECT = 'https://auth.example.com/done';
const REFERER = 'https://auth.example.com/connect';

/**
 * A developing app of a new provider (owner: a registered user), whose test
 * allowlist holds the host account ids given. The server must allow
 * callbacks to loopback (env KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8') and
 * send tickets often (KAIFANG_TICKET_INTERVAL: '10s').
 */
export async function authorizableApp(srv, owner, hostIds, over = {}) {
	const rx = await startReceiver();
	const prov = await appProvider(srv, owner);
	const app = await developingApp(srv, owner, prov.id, rx, { ...over, dev: { test_allowlist: hostIds, ...(over.dev || {}) } });
	const recs = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS });
	const { fields } = openPush(recs[0], { token: app.sent.dev.message_token, aesKey: app.sent.dev.aes_key, appId: app.app_id });
	const cgi = (name, body, token) =>
		srv.req('POST', `/cgi-bin/component/${name}${token ? `?component_access_token=${token}` : ''}`, { raw: JSON.stringify(body) });
	const t = await cgi('api_component_token', {
		component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: fields.ComponentVerifyTicket,
	});
	assert.ok(t.body.component_access_token, JSON.stringify(t.body));
	return { app, rx, provider: prov, componentToken: t.body.component_access_token, cgi };
}

/** The host owner (with .token) authorizes the app for host account hostId with the given sets. */
export async function authorize(srv, a, hostOwner, hostId, { sets = [1, 3], scope = 'all' } = {}) {
	const p = await a.cgi('api_create_preauthcode', { component_appid: a.app.app_id }, a.componentToken);
	const code = p.body.pre_auth_code;
	const url = `/cgi-bin/componentloginpage?component_appid=${a.app.app_id}&pre_auth_code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(REDIRECT)}`;
	const cookie = `kf_session=${hostOwner.token}`;
	const page = await srv.req('GET', url, { cookie, headers: { Referer: REFERER } });
	assert.equal(page.status, 200, page.text.slice(0, 500));
	const form = new URLSearchParams({
		component_appid: a.app.app_id, pre_auth_code: code, redirect_uri: REDIRECT, step: 'consent',
		csrf_token: field(page.text, 'csrf_token'), account: String(hostId), data_scope: scope, decision: 'confirm',
	});
	for (const s of sets) form.append('set', String(s));
	const r = await srv.req('POST', '/cgi-bin/componentloginpage', {
		cookie, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString(),
	});
	assert.ok(r.status === 302 || r.status === 303 || r.status === 200, `consent: ${r.status} ${r.text.slice(0, 300)}`);
	return r;
}

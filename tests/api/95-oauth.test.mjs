// OAuth 2.0 conformance with an independently written client: openid-client
// performs discovery (RFC 8414), the authorization code flow with PKCE (the
// consent form is submitted over HTTP by the test), refresh with rotation,
// introspection (RFC 7662) and revocation (RFC 7009) against kaifangd; then
// the RFC 9700 traps: exact redirect URIs, single-use codes, refresh reuse.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { startServer } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, PUSH_WAIT_MS } from './helpers/apps.mjs';

const REDIRECT = 'https://auth.example.com/oauth/callback';
let srv, rx, owner, hostOwner, host, app, config, publicApp;

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
	rx = await startReceiver();
	owner = await registerUser(srv, { tag: 'oauthprov' });
	const prov = await appProvider(srv, owner);
	hostOwner = await registerUser(srv, { tag: 'oauthowner' });
	const key = hostApiKey(srv).key;
	host = await provisionHost(srv, key, { owner_email: hostOwner.email });
	app = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [host.id], redirect_uris: [REDIRECT] } });
	publicApp = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [host.id], redirect_uris: [REDIRECT], public_client: true } });
	config = await client.discovery(new URL(srv.url), app.app_id, app.app_secret, client.ClientSecretPost(app.app_secret), {
		algorithm: 'oauth2',
		execute: [client.allowInsecureRequests],
	});
});
after(async () => {
	await srv?.stop();
	await rx?.close();
});

function hidden(html, name) {
	const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
	return m && m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

/** Open the authorization URL with the owner's session and confirm the form; returns the redirect. */
async function consent(url, { decision = 'confirm' } = {}) {
	const u = new URL(url);
	const page = await srv.req('GET', u.pathname + u.search, { cookie: `kf_session=${hostOwner.token}` });
	assert.equal(page.status, 200, page.text.slice(0, 300));
	const form = new URLSearchParams();
	for (const [k, v] of u.searchParams) form.append(k, v);
	form.append('step', 'consent');
	form.append('csrf_token', hidden(page.text, 'csrf_token'));
	form.append('account', String(host.id));
	form.append('data_scope', 'all');
	form.append('decision', decision);
	form.append('set', '1');
	form.append('set', '3');
	const r = await srv.req('POST', '/oauth/authorize', { cookie: `kf_session=${hostOwner.token}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, raw: form.toString() });
	assert.equal(r.status, 302, r.text.slice(0, 300));
	return new URL(r.headers.get('location'));
}

let tokens;

test('RFC 8414 discovery describes the endpoints, PKCE S256 and the grant types', () => {
	const m = config.serverMetadata();
	assert.equal(m.issuer, srv.url);
	assert.equal(m.token_endpoint, `${srv.url}/oauth/token`);
	assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
	assert.ok(m.grant_types_supported.includes('refresh_token'));
});

test('authorization code with PKCE through the consent page, as openid-client does it', async () => {
	const verifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const url = client.buildAuthorizationUrl(config, {
		redirect_uri: REDIRECT,
		scope: 'messages account',
		code_challenge: await client.calculatePKCECodeChallenge(verifier),
		code_challenge_method: 'S256',
		state,
	});
	const back = await consent(url.href);
	assert.equal(back.origin + back.pathname, REDIRECT);
	assert.equal(back.searchParams.get('state'), state);
	tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });
	assert.ok(tokens.access_token);
	assert.ok(tokens.refresh_token);
	assert.equal(tokens.token_type.toLowerCase(), 'bearer');
	assert.deepEqual(tokens.scope.split(' ').sort(), ['account', 'messages']);
});

const oauthError = (code) => (e) => {
	assert.equal(e.error, code, `${e.message}: ${e.error} ${e.error_description || ''}`);
	return true;
};

test('AUTH-3 a code is single-use: redeeming it again fails and revokes what it issued', async () => {
	const verifier = client.randomPKCECodeVerifier();
	const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'messages account', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
	const back = await consent(url.href);
	const t = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier });
	assert.equal((await client.tokenIntrospection(config, t.access_token)).active, true);
	await assert.rejects(client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier }), oauthError('invalid_grant'));
	assert.equal((await client.tokenIntrospection(config, t.access_token)).active, false);
	// a wrong verifier is refused too
	const v2 = client.randomPKCECodeVerifier();
	const url2 = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'messages account', code_challenge: await client.calculatePKCECodeChallenge(v2), code_challenge_method: 'S256' });
	const back2 = await consent(url2.href);
	await assert.rejects(client.authorizationCodeGrant(config, back2, { pkceCodeVerifier: client.randomPKCECodeVerifier() }), (e) => ['invalid_grant', 'invalid_request'].includes(e.error));
});

test('refresh rotates the refresh token; the rotated-away one is reuse and kills the family (RFC 9700)', async () => {
	const fresh = await client.refreshTokenGrant(config, tokens.refresh_token);
	assert.ok(fresh.access_token);
	assert.notEqual(fresh.refresh_token, tokens.refresh_token);
	const live = await client.tokenIntrospection(config, fresh.access_token);
	assert.equal(live.active, true);
	assert.equal(live.client_id, app.app_id);
	assert.equal(live.sub, host.external_id);
	// reuse of the old refresh token: refused, and the whole family is revoked
	await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token), oauthError('invalid_grant'));
	assert.equal((await client.tokenIntrospection(config, fresh.access_token)).active, false);
	await assert.rejects(client.refreshTokenGrant(config, fresh.refresh_token), oauthError('invalid_grant'));
});

test('introspection and revocation (RFC 7662, RFC 7009)', async () => {
	const verifier = client.randomPKCECodeVerifier();
	const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'messages account', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
	const t = await client.authorizationCodeGrant(config, await consent(url.href), { pkceCodeVerifier: verifier });
	assert.equal((await client.tokenIntrospection(config, t.access_token)).active, true);
	await client.tokenRevocation(config, t.refresh_token);
	assert.equal((await client.tokenIntrospection(config, t.access_token)).active, false, 'revoking the refresh token ends its access tokens');
	assert.equal((await client.tokenIntrospection(config, 'kfo_nonsense')).active, false);
	await client.tokenRevocation(config, 'not-a-token'); // 200 all the same
});

test('a public client must use PKCE and no secret; client_credentials needs a secret', async () => {
	const pub = await client.discovery(new URL(srv.url), publicApp.app_id, undefined, client.None(), { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
	const verifier = client.randomPKCECodeVerifier();
	const url = client.buildAuthorizationUrl(pub, { redirect_uri: REDIRECT, scope: 'messages account', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
	const t = await client.authorizationCodeGrant(pub, await consent(url.href), { pkceCodeVerifier: verifier });
	assert.ok(t.access_token);
	// without a code challenge the request is refused back to the client
	const noPkce = client.buildAuthorizationUrl(pub, { redirect_uri: REDIRECT, scope: 'messages' });
	const r = await srv.req('GET', new URL(noPkce).pathname + new URL(noPkce).search, { cookie: `kf_session=${hostOwner.token}` });
	assert.equal(r.status, 302);
	assert.equal(new URL(r.headers.get('location')).searchParams.get('error'), 'invalid_request');
	// client_credentials proves the app with its secret and its newest verify ticket (PROTOCOL.md §6)
	const open = (x) => openPush(x, { token: app.sent.dev.message_token, aesKey: app.sent.dev.aes_key, appId: app.app_id }).fields;
	const recs = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS, filter: (x) => open(x).InfoType === 'component_verify_ticket' });
	const ticket = open(recs[recs.length - 1]).ComponentVerifyTicket;
	const cc = await client.clientCredentialsGrant(config, { component_verify_ticket: ticket });
	assert.ok(cc.access_token);
	await assert.rejects(client.clientCredentialsGrant(pub), (e) => ['unauthorized_client', 'invalid_client'].includes(e.error));
});

test('RFC 9700 exact redirect URI: a variant is refused on the page, never redirected to', async () => {
	for (const bad of [REDIRECT + '/', REDIRECT + '?x=1', REDIRECT.replace('https', 'http'), 'https://auth.example.com.evil.net/oauth/callback']) {
		const url = `/oauth/authorize?client_id=${app.app_id}&response_type=code&redirect_uri=${encodeURIComponent(bad)}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256`;
		const r = await srv.req('GET', url, { cookie: `kf_session=${hostOwner.token}` });
		assert.notEqual(r.status, 302, `redirected to ${bad}`);
		assert.match(r.text, /APP-4/);
	}
	// the owner declines: access_denied goes back with the state
	const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'messages account', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256', state: 'st-1' });
	const back = await consent(url.href, { decision: 'cancel' });
	assert.equal(back.searchParams.get('error'), 'access_denied');
	assert.equal(back.searchParams.get('state'), 'st-1');
});

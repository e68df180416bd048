// Issue 9, defects 1, 9 and 10, played as an attacker would: redirect URIs
// that a URL parser and a browser read differently (the consent page of the
// component flow and /oauth/authorize alike), a consent form posted without
// an explicit decision, and a Host header that tries to become the OAuth
// issuer. Each test asserts what the victim would notice: where the browser
// is sent, whether a code exists, what the metadata says.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, sqlJson } from './helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost, assertError } from './helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, waitFor, appBody, PUSH_WAIT_MS } from './helpers/apps.mjs';

const REDIRECT = 'https://auth.example.com/done';
const REFERER = 'https://auth.example.com/connect';
const OAUTH_REDIRECT = 'https://auth.example.com/oauth/callback';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // RFC 7636 appendix B

let srv, rx, owner, prov, hostOwner, host, app, oauthApp, loopApp, componentToken, loopToken;

before(async () => {
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8' } });
	rx = await startReceiver();
	owner = await registerUser(srv, { tag: 'secaprov' });
	prov = await appProvider(srv, owner);
	hostOwner = await registerUser(srv, { tag: 'secaowner' });
	host = await provisionHost(srv, hostApiKey(srv, 'sec-a').key, { owner_email: hostOwner.email });
	app = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [host.id] } });
	oauthApp = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [host.id], redirect_uris: [OAUTH_REDIRECT] } });
	loopApp = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [host.id], auth_domain: 'localhost' } });
	componentToken = await tokenOf(app);
	loopToken = await tokenOf(loopApp);
});
after(async () => {
	await srv?.stop();
	await rx?.close();
});

const cgi = (name, body, token) =>
	srv.req('POST', `/cgi-bin/component/${name}${token ? `?component_access_token=${token}` : ''}`, { raw: JSON.stringify(body) });

async function tokenOf(a) {
	const ticket = await latestTicket(a);
	const r = await cgi('api_component_token', { component_appid: a.app_id, component_appsecret: a.app_secret, component_verify_ticket: ticket });
	assert.ok(r.body.component_access_token, JSON.stringify(r.body));
	return r.body.component_access_token;
}

async function latestTicket(a) {
	const tickets = () =>
		rx
			.on(pathOf(a.sent.dev.auth_receive_url))
			.map((rec) => openPush(rec, { token: a.sent.dev.message_token, aesKey: a.sent.dev.aes_key, appId: a.app_id }).fields)
			.filter((f) => f.InfoType === 'component_verify_ticket')
			.map((f) => f.ComponentVerifyTicket);
	await waitFor(() => tickets().length >= 1, { timeout: PUSH_WAIT_MS, what: `ticket of ${a.app_id}` });
	return tickets().at(-1);
}

async function preAuthCode() {
	const r = await cgi('api_create_preauthcode', { component_appid: app.app_id }, componentToken);
	assert.ok(r.body.pre_auth_code, JSON.stringify(r.body));
	return r.body.pre_auth_code;
}

function hidden(html, name) {
	const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html) || new RegExp(`value="([^"]*)" name="${name}"`).exec(html);
	return m && m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

const cookie = () => `kf_session=${hostOwner.token}`;
const codes = (kind) => sqlJson(srv.dbPath, `SELECT count(*) AS n FROM codes WHERE kind = '${kind}'`)[0].n;

/** The component consent page for `redirect` (sent percent-encoded, as a link would carry it). */
function componentPage(pre, redirect, { lang = 'en', rawRedirect } = {}) {
	const ru = rawRedirect ?? encodeURIComponent(redirect);
	return srv.req('GET', `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=${encodeURIComponent(pre)}&redirect_uri=${ru}`, {
		cookie: cookie(),
		headers: { Referer: REFERER, 'Accept-Language': lang },
	});
}

/** Post the consent form of `page` (fields override; decision: undefined leaves it out). */
function postConsent(path, flow, page, over = {}) {
	const form = new URLSearchParams({ ...flow, step: 'consent', csrf_token: hidden(page.text, 'csrf_token'), account: String(host.id), data_scope: 'all' });
	if (!('decision' in over)) form.append('decision', 'confirm');
	for (const [k, v] of Object.entries(over)) if (v !== undefined) form.append(k, v);
	form.append('set', '1');
	form.append('set', '3');
	return srv.req('POST', path, { cookie: cookie(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': 'en' }, raw: form.toString() });
}

function assertNoRedirect(r, what) {
	assert.equal(r.headers.get('location'), null, `${what}: no redirect, got ${r.headers.get('location')}`);
	assert.notEqual(r.status, 302, what);
}

/** Strings a browser (WHATWG URL) would follow somewhere other than auth.example.com, or that are malformed. */
const ATTACKS = [
	'https://evil.com\\@auth.example.com/',
	'https://evil.com\\@auth.example.com/done',
	'https://evil.com@auth.example.com/done',
	'https://user:pw@auth.example.com/done',
	'https://auth.example.com:443@evil.com/',
	'https://auth.example.com\\.evil.com/',
	'https:/\\evil.com/?x=auth.example.com',
	'https:evil.com/auth.example.com',
	'https:auth.example.com/done',
	'//evil.com/auth.example.com',
	'/\\evil.com',
	'https:///auth.example.com/done',
	'https://auth.example.com%2500.evil.com/', // arrives as "%00" in the value
	'https://auth.example.com%2eevil.com/',
	'https://auth%2eexample.com/done',
	'https://evil.com%0d%0a@auth.example.com/',
	'https://evil.com\t@auth.example.com/',
	'https://evil.com\n.auth.example.com/',
	'https://evil.com .auth.example.com/',
	'https://EVIL.COM/auth.example.com',
	'https://auth.example.com.evil.com/done',
	'https://evilauth.example.com/done',
	'https://auth.example.com./done',
	'https://auth.example.com:99999/done',
	'https://auth.example.com:44x3/done',
	'https://[::1]/done',
	'https://[::ffff:auth.example.com]/',
	'http://auth.example.com/done',
	'javascript://auth.example.com/%0aalert(1)',
	'https://аuth.example.com/done', // Cyrillic a
	'https://evil.com。auth.example.com/', // ideographic full stop
	'https://auth.example.com/done#frag',
];

test('issue 9 defect 1: the consent page refuses redirect URIs a browser would follow elsewhere, and issues no code (APP-4)', async () => {
	const before = codes('auth');
	for (const evil of ATTACKS) {
		const pre = await preAuthCode();
		const page = await componentPage(pre, evil);
		if (page.status === 200) {
			// the page was shown: play the owner confirming, as the attack needs
			const r = await postConsent('/cgi-bin/componentloginpage', { component_appid: app.app_id, pre_auth_code: pre, redirect_uri: evil }, page);
			assert.fail(`${JSON.stringify(evil)} was accepted; confirming answered ${r.status} Location ${r.headers.get('location')}`);
		}
		assert.equal(page.status, 400, `${JSON.stringify(evil)}: ${page.status} ${page.text.slice(0, 200)}`);
		assertNoRedirect(page, JSON.stringify(evil));
		assert.match(page.text, /APP-4/, JSON.stringify(evil));
		assert.match(page.text, /redirect_uri_invalid/, JSON.stringify(evil));
	}
	assert.equal(codes('auth'), before, 'no authorization code was issued');
});

test('issue 9 defect 1: a percent-encoded NUL is not cut off into a matching redirect URI (APP-4)', async () => {
	for (const raw of ['https%3A%2F%2Fauth.example.com%00.evil.com%2F', 'https%3A%2F%2Fevil.com%2F%00%40auth.example.com%2F', 'https%3A%2F%2Fauth.example.com%2Fdone%00']) {
		const pre = await preAuthCode();
		const page = await componentPage(pre, null, { rawRedirect: raw });
		assert.equal(page.status, 400, `${raw}: ${page.status} ${page.text.slice(0, 200)}`);
		assertNoRedirect(page, raw);
		assert.match(page.text, /APP-4/);
	}
});

test('issue 9 defect 1: the refusal page speaks the page language and links nowhere near the attacker', async () => {
	const pre = await preAuthCode();
	const zh = await componentPage(pre, 'https://evil.com\\@auth.example.com/', { lang: 'zh-CN' });
	assert.equal(zh.status, 400);
	assert.match(zh.text, /lang="zh/);
	assert.ok(!zh.text.includes('evil.com'), 'the refused address is not offered as a link');
	// the same pre-auth code still works with a proper redirect: nothing was used up
	const ok = await componentPage(pre, 'https://Auth.Example.COM/done');
	assert.equal(ok.status, 200, ok.text.slice(0, 300));
});

test('issue 9 defect 1: plain http redirects only on loopback; subdomains of the initiation domain are accepted', async () => {
	// the app's domain is auth.example.com: http there is refused even though the host matches
	const pre = await preAuthCode();
	const page = await componentPage(pre, 'http://auth.example.com/done');
	assert.equal(page.status, 400);
	// and https on a subdomain is accepted, then redirects there with the code
	const pre2 = await preAuthCode();
	const sub = 'https://login.auth.example.com/back?x=1';
	const good = await componentPage(pre2, sub);
	assert.equal(good.status, 200, good.text.slice(0, 300));
	const r = await postConsent('/cgi-bin/componentloginpage', { component_appid: app.app_id, pre_auth_code: pre2, redirect_uri: sub }, good);
	assert.equal(r.status, 302, r.text.slice(0, 300));
	const loc = new URL(r.headers.get('location'));
	assert.equal(loc.host, 'login.auth.example.com');
	assert.equal(loc.searchParams.get('x'), '1');
	assert.ok(loc.searchParams.get('auth_code'));
});

test('issue 9 defect 1: an app whose initiation domain is localhost may return over plain http there', async () => {
	const pre = (await cgi('api_create_preauthcode', { component_appid: loopApp.app_id }, loopToken)).body.pre_auth_code;
	assert.ok(pre);
	const flow = { component_appid: loopApp.app_id, pre_auth_code: pre, redirect_uri: 'http://localhost:8765/cb' };
	const page = await srv.req('GET', '/cgi-bin/componentloginpage?' + new URLSearchParams(flow), { cookie: cookie(), headers: { Referer: 'http://localhost:8765/start' } });
	assert.equal(page.status, 200, page.text.slice(0, 300));
	const r = await postConsent('/cgi-bin/componentloginpage', flow, page);
	assert.equal(r.status, 302, r.text.slice(0, 300));
	assert.match(r.headers.get('location'), /^http:\/\/localhost:8765\/cb\?auth_code=/);
	// the same app, plain http to a look-alike is refused
	for (const evil of ['http://localhost.evil.com/cb', 'http://localhost@evil.com/cb', 'http://evil.com\\@localhost/cb']) {
		const pre2 = (await cgi('api_create_preauthcode', { component_appid: loopApp.app_id }, loopToken)).body.pre_auth_code;
		const bad = await srv.req('GET', '/cgi-bin/componentloginpage?' + new URLSearchParams({ ...flow, pre_auth_code: pre2, redirect_uri: evil }), { cookie: cookie(), headers: { Referer: 'http://localhost:8765/start' } });
		assert.equal(bad.status, 400, evil);
		assertNoRedirect(bad, evil);
	}
});

/** /oauth/authorize for the OAuth app with `redirect` (raw: already encoded). */
function authorizeUrl(redirect, { raw, extra = {} } = {}) {
	const q = new URLSearchParams({ client_id: oauthApp.app_id, response_type: 'code', scope: 'messages account', state: 'st-1', code_challenge: CHALLENGE, code_challenge_method: 'S256', ...extra });
	let s = q.toString();
	if (raw !== undefined) s += `&redirect_uri=${raw}`;
	else if (redirect !== undefined) s += `&redirect_uri=${encodeURIComponent(redirect)}`;
	return `/oauth/authorize?${s}`;
}

test('issue 9 defect 1: /oauth/authorize refuses the same tricks, without redirecting and without a code (APP-4)', async () => {
	const before = codes('oauth');
	const attacks = [
		...ATTACKS.map((a) => [a.replace('/done', '/oauth/callback'), undefined]),
		['https://evil.com\\@auth.example.com/oauth/callback', undefined],
		[null, 'https%3A%2F%2Fauth.example.com%2Foauth%2Fcallback%00https%3A%2F%2Fevil.com%2F'],
		[null, 'https%3A%2F%2Fauth.example.com%2Foauth%2Fcallback%00'],
	];
	for (const [evil, raw] of attacks) {
		const what = JSON.stringify(evil ?? raw);
		const page = await srv.req('GET', authorizeUrl(evil, { raw }), { cookie: cookie(), headers: { 'Accept-Language': 'en' } });
		if (page.status === 200) {
			const flow = Object.fromEntries(new URL('http://x' + authorizeUrl(evil, { raw })).searchParams);
			const r = await postConsent('/oauth/authorize', flow, page);
			assert.fail(`${what} was accepted; confirming answered ${r.status} Location ${r.headers.get('location')}`);
		}
		assert.equal(page.status, 400, `${what}: ${page.status} ${page.text.slice(0, 200)}`);
		assertNoRedirect(page, what);
		assert.match(page.text, /APP-4/, what);
	}
	assert.equal(codes('oauth'), before, 'no OAuth code was issued');
});

test('issue 9 defect 1: an OAuth redirect URI a browser could read differently cannot be registered (APP-4)', async () => {
	for (const bad of ['https://auth.example.com/cb?x=%00', 'https://auth.example.com/cb%0d%0aLocation:https://evil.com', 'https://evil.com\\@auth.example.com/cb', 'https://auth.example.com./cb', 'https://127.1/cb']) {
		const apps = () => sqlJson(srv.dbPath, 'SELECT count(*) AS n FROM apps')[0].n;
		const n0 = apps();
		const r = await srv.req('POST', `/v1/providers/${prov.id}/apps`, { token: owner.token, body: appBody(rx, { dev: { redirect_uris: [bad] } }) });
		const e = assertError(r, 400, 'invalid_redirect_uri', { rule: 'APP-4', field: 'dev.redirect_uris' });
		assert.match(e.message, /dev\.redirect_uris\[0\]/, bad);
		assert.equal(apps(), n0, 'no app was stored');
	}
});

test('issue 9 defect 9: a consent form without an explicit confirm is refused and issues nothing (AUTH-1)', async () => {
	const pre = await preAuthCode();
	const flow = { component_appid: app.app_id, pre_auth_code: pre, redirect_uri: REDIRECT };
	const page = await componentPage(pre, REDIRECT);
	assert.equal(page.status, 200, page.text.slice(0, 300));
	const auths = () => sqlJson(srv.dbPath, `SELECT count(*) AS n FROM authorizations`)[0].n;
	const a0 = auths();
	const c0 = codes('auth');
	for (const decision of [undefined, '', 'yes', 'CONFIRM', 'confirm ', 'confirm\u0000']) {
		const r = await postConsent('/cgi-bin/componentloginpage', flow, page, { decision });
		const what = `decision ${JSON.stringify(decision)}`;
		assert.equal(r.status, 400, `${what}: ${r.status} ${r.headers.get('location')}`);
		assertNoRedirect(r, what);
		if (decision !== 'confirm\u0000') {
			assert.match(r.text, /AUTH-1/, what);
			assert.match(r.text, /decision_invalid/, what);
		}
	}
	assert.equal(auths(), a0, 'no authorization stored');
	assert.equal(codes('auth'), c0, 'no code issued');
	const used = sqlJson(srv.dbPath, `SELECT count(*) AS n FROM codes WHERE kind = 'pre_auth' AND used_at IS NOT NULL`)[0].n;
	// an explicit confirm still works with the same page: the pre-auth code was not used up
	const ok = await postConsent('/cgi-bin/componentloginpage', flow, page, { decision: 'confirm' });
	assert.equal(ok.status, 302, ok.text.slice(0, 300));
	assert.equal(sqlJson(srv.dbPath, `SELECT count(*) AS n FROM codes WHERE kind = 'pre_auth' AND used_at IS NOT NULL`)[0].n, used + 1);
});

test('issue 9 defect 9: /oauth/authorize without an explicit confirm neither redirects with a code nor stores one (AUTH-1)', async () => {
	const url = authorizeUrl(OAUTH_REDIRECT);
	const page = await srv.req('GET', url, { cookie: cookie() });
	assert.equal(page.status, 200, page.text.slice(0, 300));
	const flow = Object.fromEntries(new URL('http://x' + url).searchParams);
	const c0 = codes('oauth');
	for (const decision of [undefined, 'ok']) {
		const r = await postConsent('/oauth/authorize', flow, page, { decision });
		assert.equal(r.status, 400, `${decision}: ${r.status} ${r.headers.get('location')}`);
		assertNoRedirect(r, String(decision));
		assert.match(r.text, /decision_invalid/);
	}
	assert.equal(codes('oauth'), c0);
});

test('issue 9 defect 10: the issuer comes from configuration, not from the Host header (RFC 8414)', async () => {
	for (const hostHeader of ['evil.example', 'evil.example:443', `127.0.0.1:${srv.port}`]) {
		const r = await srv.rawRequest('GET', '/.well-known/oauth-authorization-server', { headers: { Host: hostHeader } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.issuer, srv.url, `Host: ${hostHeader}`);
		assert.equal(r.body.authorization_endpoint, `${srv.url}/oauth/authorize`);
		assert.equal(r.body.authorization_response_iss_parameter_supported, true);
	}
});

test('issue 9 defect 10: authorization responses carry iss (RFC 9207), on success, on error and on decline', async () => {
	const url = authorizeUrl(OAUTH_REDIRECT);
	const page = await srv.req('GET', url, { cookie: cookie(), headers: { Host: 'evil.example' } });
	assert.equal(page.status, 200, page.text.slice(0, 300));
	const flow = Object.fromEntries(new URL('http://x' + url).searchParams);
	const ok = await postConsent('/oauth/authorize', flow, page);
	assert.equal(ok.status, 302, ok.text.slice(0, 300));
	let loc = new URL(ok.headers.get('location'));
	assert.ok(loc.searchParams.get('code'));
	assert.equal(loc.searchParams.get('iss'), srv.url);
	assert.equal(loc.searchParams.get('state'), 'st-1');
	const no = await postConsent('/oauth/authorize', flow, page, { decision: 'cancel' });
	assert.equal(no.status, 302, no.text.slice(0, 300));
	loc = new URL(no.headers.get('location'));
	assert.equal(loc.searchParams.get('error'), 'access_denied');
	assert.equal(loc.searchParams.get('iss'), srv.url);
	// an error the client must hear about (RFC 6749 §4.1.2.1): bad response_type
	const bad = await srv.req('GET', authorizeUrl(OAUTH_REDIRECT, { extra: { response_type: 'token' } }), { cookie: cookie() });
	assert.equal(bad.status, 302, bad.text.slice(0, 300));
	loc = new URL(bad.headers.get('location'));
	assert.equal(loc.origin + loc.pathname, OAUTH_REDIRECT);
	assert.ok(loc.searchParams.get('error'));
	assert.equal(loc.searchParams.get('iss'), srv.url);
});

test('issue 9 defect 10: public-url, when set, is the issuer everywhere and must be a plain base URL', async () => {
	const other = await startServer({ env: { KAIFANG_PUBLIC_URL: 'https://open.example.com/' } });
	try {
		const r = await other.rawRequest('GET', '/.well-known/oauth-authorization-server', { headers: { Host: 'evil.example' } });
		assert.equal(r.body.issuer, 'https://open.example.com');
		assert.equal(r.body.token_endpoint, 'https://open.example.com/oauth/token');
	} finally {
		await other.stop();
	}
	await assert.rejects(startServer({ env: { KAIFANG_PUBLIC_URL: 'https://evil.com\\@open.example.com' } }), /public-url/);
});

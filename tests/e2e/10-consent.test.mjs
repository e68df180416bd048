// The consent page in a browser, as the owner of a host account meets it:
// an app sends them to /oauth/authorize (or a third-party platform to
// /cgi-bin/componentloginpage from its own site) while signed out; they sign in on
// the page (a wrong password first), choose the account, look at the
// permissions, and authorize or cancel; the browser lands back on the app's
// site with a code (or access_denied). In Chinese and English, at desktop
// and phone widths, once more with JavaScript off; axe on every page, each
// page captured into build/screenshots/. And the refusal page a person sees
// for a dead authorization link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from '../api/helpers/server.mjs';
import { registerUser, hostApiKey, provisionHost } from '../api/helpers/flows.mjs';
import { startReceiver, appProvider, developingApp, pathOf, openPush, PUSH_WAIT_MS } from '../api/helpers/apps.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, fakeSite, signIn, LANGS, WIDTHS } from './helpers/browser.mjs';

const SITE = 'https://auth.example.com';
const REDIRECT = `${SITE}/oauth/callback`;
// where a third-party platform sends the owner back (§5), and the page that sent them
const COMPONENT_REDIRECT = `${SITE}/done`;
const REFERER = `${SITE}/connect`;

// what a person reads, in each language (src/web/i18n.c)
const T = {
	zh: { signin: '登录', login: '邮箱或手机号', password: '密码', badPassword: '邮箱、手机号或密码不正确', consent: '授权应用', developer: '开发者', account: '选择授权的帐号', sets: '授权权限', authorize: '确认授权', cancel: '取消', refused: '无法授权该应用' },
	en: { signin: 'Sign in', login: 'Email or mobile number', password: 'Password', badPassword: 'The email, mobile number or password is incorrect', consent: 'Authorize an app', developer: 'Developer', account: 'Account to authorize', sets: 'Permissions', authorize: 'Authorize', cancel: 'Cancel', refused: 'This app cannot be authorized' },
};

let srv, rx, owner, hostOwner, host, app, componentToken;

before(async () => {
	await openBrowser();
	srv = await startServer({ env: { KAIFANG_CALLBACK_ALLOW: '127.0.0.0/8', KAIFANG_TICKET_INTERVAL: '10s' } });
	rx = await startReceiver();
	owner = await registerUser(srv, { tag: 'e2eprov' });
	const prov = await appProvider(srv, owner);
	hostOwner = await registerUser(srv, { tag: 'e2eowner' });
	host = await provisionHost(srv, hostApiKey(srv).key, { owner_email: hostOwner.email });
	app = await developingApp(srv, owner, prov.id, rx, { dev: { test_allowlist: [host.id], redirect_uris: [REDIRECT] } });
	// the platform's token from the first verify ticket, while it is the newest (§3, §6)
	const recs = await rx.waitFor(pathOf(app.sent.dev.auth_receive_url), 1, { timeout: PUSH_WAIT_MS });
	const ticket = openPush(recs[0], { token: app.sent.dev.message_token, aesKey: app.sent.dev.aes_key, appId: app.app_id }).fields.ComponentVerifyTicket;
	const r = await cgi('api_component_token', { component_appid: app.app_id, component_appsecret: app.app_secret, component_verify_ticket: ticket });
	componentToken = r.body.component_access_token;
	assert.ok(componentToken, JSON.stringify(r.body));
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
	await rx?.close();
});

/** The URL an app sends the owner to: authorization code with PKCE and a state. */
function authorizeUrl(state) {
	const verifier = crypto.randomBytes(32).toString('base64url');
	const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
	const q = new URLSearchParams({ client_id: app.app_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'messages account', code_challenge: challenge, code_challenge_method: 'S256', state });
	return `/oauth/authorize?${q}`;
}

/** An OAuth client sends the owner to /oauth/authorize. */
function oauthStart() {
	const state = crypto.randomBytes(8).toString('hex');
	return { url: authorizeUrl(state), state, redirect: REDIRECT };
}

const cgi = (name, body, token) => srv.req('POST', `/cgi-bin/component/${name}${token ? `?component_access_token=${token}` : ''}`, { raw: JSON.stringify(body) });

/** A third-party platform (PROTOCOL.md §5) sends the owner to its consent page from its own site. */
async function componentStart() {
	const r = await cgi('api_create_preauthcode', { component_appid: app.app_id }, componentToken);
	assert.ok(r.body.pre_auth_code, JSON.stringify(r.body));
	const q = new URLSearchParams({ component_appid: app.app_id, pre_auth_code: r.body.pre_auth_code, redirect_uri: COMPONENT_REDIRECT });
	return { url: `/cgi-bin/componentloginpage?${q}`, referer: REFERER, redirect: COMPONENT_REDIRECT };
}

/**
 * The whole journey in one page: sign in (wrong password first), choose
 * the account, authorize or cancel. Returns the URL the browser came back
 * to on the app's site. Captures each page as consent-<step>[-nojs].
 */
async function journey({ lang, width, javaScript = true, decision = 'authorize', shots = true, start = oauthStart, name = 'consent' }) {
	const t = T[lang];
	const page = await newPage({ lang, width, javaScript, baseURL: srv.url });
	const back = await fakeSite(page, SITE);
	const suffix = javaScript ? '' : '-nojs';
	const { url, referer, state, redirect } = await start();
	try {
		const res = await page.goto(url, { referer });
		assert.equal(res.status(), 200);
		// signed out: the page asks to sign in, and names the app
		await page.getByRole('heading', { name: t.signin }).waitFor();
		assert.ok(await page.getByText(app.sent.name).first().isVisible(), 'the sign-in page names the app');
		await page.getByLabel(t.login).fill(hostOwner.email);
		await page.getByLabel(t.password).fill('not-the-password-1');
		await page.getByRole('button', { name: t.signin }).click();
		// a wrong password: the form again, with what went wrong, nothing else
		await page.getByText(t.badPassword).waitFor();
		assert.equal(await page.getByLabel(t.password).inputValue(), '', 'the password is not sent back');
		await checkA11y(page, `consent sign-in error (${lang}, ${width} px${suffix})`);
		if (shots) await capture(page, `${name}-signin-error${suffix}`);

		await page.getByLabel(t.login).fill(hostOwner.email);
		await page.getByLabel(t.password).fill(hostOwner.password);
		await page.getByRole('button', { name: t.signin }).click();

		// the consent page: the app, its developer, the account, the permissions
		await page.getByRole('heading', { name: app.sent.name }).waitFor();
		assert.match(await page.title(), new RegExp(t.consent), 'the window title says what the page is for');
		assert.ok(await page.getByText(t.developer, { exact: false }).first().isVisible(), 'the developer is named');
		const accounts = page.getByRole('group', { name: t.account });
		assert.ok(await accounts.isVisible(), 'the account choice is shown');
		const sets = page.getByRole('group', { name: t.sets });
		assert.ok(await sets.isVisible(), 'the permissions are shown');
		assert.ok((await sets.getByRole('checkbox').count()) >= 2, 'each permission set has its box');
		await checkA11y(page, `consent (${lang}, ${width} px${suffix})`);
		if (shots) await capture(page, `${name}${suffix}`);

		await accounts.getByRole('radio', { name: new RegExp(host.name) }).check();
		await page.getByRole('button', { name: decision === 'authorize' ? t.authorize : t.cancel, exact: true }).click();
		await page.waitForURL((u) => u.href.startsWith(redirect));
		assert.equal(back.length, 1, 'the browser came back to the app once');
		const u = back[0];
		assert.equal(u.origin + u.pathname, redirect);
		if (state) assert.equal(u.searchParams.get('state'), state, 'the app gets its state back');
		return u;
	} finally {
		await closePage(page);
	}
}

for (const lang of LANGS)
	for (const width of WIDTHS)
		test(`AUTH-1 a signed-out owner signs in on the consent page and authorizes the app (${lang}, ${width} px)`, async () => {
			const u = await journey({ lang, width });
			assert.match(u.searchParams.get('code') ?? '', /.{16,}/, `a code comes back: ${u}`);
			assert.equal(u.searchParams.get('error'), null);
		});

for (const lang of LANGS)
	test(`cancelling on the consent page authorizes nothing and tells the app access_denied (${lang})`, async () => {
		const u = await journey({ lang, width: 1280, decision: 'cancel', shots: false });
		assert.equal(u.searchParams.get('error'), 'access_denied');
		assert.equal(u.searchParams.get('code'), null);
	});

for (const lang of LANGS)
	for (const width of WIDTHS)
		test(`the consent journey works with JavaScript off (${lang}, ${width} px)`, async () => {
			const u = await journey({ lang, width, javaScript: false });
			assert.match(u.searchParams.get('code') ?? '', /.{16,}/, `a code comes back: ${u}`);
		});

for (const lang of LANGS)
	for (const width of WIDTHS)
		test(`AUTH-1 the third-party platform's consent page: sign in, choose the account, authorize (${lang}, ${width} px)`, async () => {
			const u = await journey({ lang, width, start: componentStart, name: 'componentloginpage' });
			assert.match(u.searchParams.get('auth_code') ?? '', /.{16,}/, `an auth_code comes back: ${u}`);
			assert.equal(u.searchParams.get('expires_in'), '600');
		});

test('an owner already signed in goes straight to the consent page (signIn, tour)', async () => {
	await tour(({ lang, width }) => authorizeUrl(`${lang}-${width}`), 'consent-signed-in', {
		baseURL: srv.url,
		prepare: (page) => signIn(page, srv, hostOwner),
		check: async (page, { lang }) => {
			await page.getByRole('heading', { name: app.sent.name }).waitFor();
			assert.equal(await page.getByLabel(T[lang].password).count(), 0, 'no sign-in form');
			assert.ok(await page.getByRole('button', { name: T[lang].authorize, exact: true }).isVisible());
			assert.ok(await page.getByText(hostOwner.email).isVisible(), 'says who is signed in');
		},
	});
});

test('AUTH-3 a dead authorization link shows why and what to do, in both languages and widths', async () => {
	const url = `/cgi-bin/componentloginpage?component_appid=${app.app_id}&pre_auth_code=preauthcode@@@expired&redirect_uri=${encodeURIComponent(`https://auth.example.com/done`)}`;
	await tour(url, 'consent-refused', {
		baseURL: srv.url,
		status: 403,
		check: async (page, { lang }) => {
			await page.getByRole('heading', { name: T[lang].refused }).waitFor();
			assert.ok(await page.getByText('AUTH-3').first().isVisible(), 'the rule id is shown');
		},
	});
});

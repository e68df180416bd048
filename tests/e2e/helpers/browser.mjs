// Browser helpers for the journey tests of tests/e2e/: one headless Debian
// chromium per test file (playwright-core drives it; no browser is ever
// downloaded), pages in a language and a width, axe-core on a page, and
// full-page screenshots into build/screenshots/ for a reviewer to look at.
//
//   import { openBrowser, closeBrowser, newPage, checkA11y, capture, tour, signIn } from './helpers/browser.mjs';
//   before(openBrowser); after(closeBrowser);
//   const page = await newPage({ lang: 'zh', width: 390, baseURL: srv.url });
//
// kaifangd itself is started with tests/api/helpers/server.mjs (startServer).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../../..');
export const SCREENSHOTS = path.join(REPO, 'build/screenshots');
export const CHROMIUM = process.env.KF_CHROMIUM || '/usr/bin/chromium';

/** The languages and widths every page is looked at in. */
export const LANGS = ['zh', 'en'];
export const WIDTHS = [1280, 390];

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LOCALES = { zh: { locale: 'zh-CN', accept: 'zh-CN,zh;q=0.9' }, en: { locale: 'en-US', accept: 'en-US,en;q=0.9' } };
// a phone is taller than wide; the desktop a common laptop screen
const HEIGHT = (width) => (width <= 480 ? 844 : 800);
// how long an action or a wait may take before the test fails (ms)
const TIMEOUT = Number(process.env.KF_E2E_TIMEOUT) || 10000;

let browser = null;
const contexts = new Set();
const info = new WeakMap(); // page → {lang, width, javaScript}
let axeSource = null;

/** Launch the browser of this test file (before(openBrowser)). Idempotent. */
export async function openBrowser() {
	if (!browser) browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
	return browser;
}

/** Close every page and the browser (after(closeBrowser)). */
export async function closeBrowser() {
	for (const c of contexts) await c.close().catch(() => {});
	contexts.clear();
	await browser?.close();
	browser = null;
}

/**
 * A new page in a context of its own (own cookies): the browser's locale and
 * Accept-Language of `lang`, a viewport `width` px wide, JavaScript on or
 * off. baseURL makes page.goto('/path') relative to it (srv.url).
 * The page's context is closed by closePage(page) or closeBrowser().
 */
export async function newPage({ lang = 'en', width = 1280, javaScript = true, baseURL } = {}) {
	assert.ok(LOCALES[lang], `newPage: lang must be one of ${Object.keys(LOCALES)}`);
	const page = await pageIn(await newContext({ lang, width, javaScript, baseURL }));
	info.set(page, { lang, width, javaScript });
	return page;
}

async function newContext({ lang, width, javaScript, baseURL, storageState }) {
	const b = await openBrowser();
	const ctx = await b.newContext({
		baseURL,
		storageState,
		locale: LOCALES[lang].locale,
		extraHTTPHeaders: { 'Accept-Language': LOCALES[lang].accept },
		viewport: { width, height: HEIGHT(width) },
		deviceScaleFactor: 1,
		javaScriptEnabled: javaScript,
	});
	ctx.setDefaultTimeout(TIMEOUT);
	contexts.add(ctx);
	ctx.on('close', () => contexts.delete(ctx));
	return ctx;
}

async function pageIn(ctx) {
	return ctx.newPage();
}

/** Close a page and its context. */
export async function closePage(page) {
	await page.context().close();
}

/** The language, width and JavaScript setting newPage gave a page. */
export function pageInfo(page) {
	return info.get(page);
}

/**
 * Sign a page's context in as an account: the kf_session cookie that
 * POST /v1/sessions gave (user.token, as registerUser returns it).
 */
export async function signIn(page, srv, user) {
	await page.context().addCookies([{ name: 'kf_session', value: user.token ?? user, url: srv.url, httpOnly: true, sameSite: 'Lax' }]);
}

function readableViolations(label, list) {
	const lines = [`${label}: ${list.length} serious or critical accessibility violation(s)`];
	for (const v of list) {
		lines.push(`- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
		for (const n of v.nodes.slice(0, 5)) {
			lines.push(`    at ${n.target.join(' ')}: ${n.html.slice(0, 200)}`);
			if (n.failureSummary) lines.push(...n.failureSummary.split('\n').map((s) => `      ${s}`));
		}
		if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
	}
	return lines.join('\n');
}

/**
 * Run axe-core on the page as it is now and fail on any violation of impact
 * serious or critical, listing each (rule, help, element, how to fix).
 * Returns every violation axe found (minor and moderate ones included).
 *
 * The pages send a strict CSP without script: axe is evaluated through the
 * DevTools protocol (page.evaluate), which the page's CSP does not govern
 * (and which works on a page opened with javaScript:false too), never as a
 * <script> of the page.
 */
export async function checkA11y(page, label = page.url()) {
	axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
	const i = pageInfo(page);
	let target = page;
	if (i && !i.javaScript) {
		// axe needs timers, which do not run in a page without JavaScript:
		// the same HTML, at the same URL with the same cookies, in a twin
		// with JavaScript on (subresources load from the server as usual)
		const url = page.url();
		const html = await page.content();
		const ctx = await newContext({ ...i, javaScript: true, storageState: await page.context().storageState() });
		target = await pageIn(ctx);
		if (/^https?:/.test(url)) {
			await ctx.route((u) => u.href === url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }), { times: 1 });
			await target.goto(url);
		} else {
			await target.setContent(html); // a page made with setContent
		}
	}
	try {
		await target.evaluate(axeSource);
		const run = target.evaluate(() =>
			// eslint-disable-next-line no-undef
			axe.run(document, { resultTypes: ['violations'] }).then((r) =>
				r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({ target: n.target.map(String), html: n.html, failureSummary: n.failureSummary })) })),
			),
		);
		let timer;
		const res = await Promise.race([run, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${label}: axe did not finish within ${3 * TIMEOUT} ms`)), 3 * TIMEOUT)))]).finally(() => clearTimeout(timer));
		const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		assert.ok(bad.length === 0, readableViolations(label, bad));
		return res;
	} finally {
		if (target !== page) await target.context().close();
	}
}

/**
 * Save a full-page PNG of the page as build/screenshots/<name>-<lang>-<width>.png
 * (lang and width as newPage gave them). Returns the file's path.
 */
export async function capture(page, name) {
	const { lang, width } = pageInfo(page) ?? { lang: 'xx', width: page.viewportSize()?.width ?? 0 };
	assert.match(name, /^[A-Za-z0-9._-]+$/, `capture: a file name, not ${name}`);
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	const file = path.join(SCREENSHOTS, `${name}-${lang}-${width}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

/**
 * Look at one page the way a reviewer would: for each lang in LANGS and each
 * width in WIDTHS, a new page, optional prepare(page, {lang, width}) (sign in,
 * set cookies), goto(url) (relative to baseURL), a check that it answered
 * (status below 400 unless `status` says otherwise), optional
 * check(page, {lang, width}) asserting what a person sees, axe (checkA11y),
 * and a screenshot capture(page, name). url may be a function of
 * {lang, width} (for links that can be opened once only).
 */
export async function tour(url, name, { baseURL, javaScript = true, prepare, check, status, referer, langs = LANGS, widths = WIDTHS } = {}) {
	for (const lang of langs)
		for (const width of widths) {
			const page = await newPage({ lang, width, javaScript, baseURL });
			try {
				if (prepare) await prepare(page, { lang, width });
				const u = typeof url === 'function' ? await url({ lang, width }) : url;
				const res = await page.goto(u, { referer });
				if (status !== undefined) assert.equal(res.status(), status, `${name} ${lang} ${width}: HTTP status`);
				else assert.ok(res.status() < 400, `${name} ${lang} ${width}: HTTP ${res.status()}`);
				if (check) await check(page, { lang, width });
				await checkA11y(page, `${name} (${lang}, ${width} px)`);
				await capture(page, name);
			} finally {
				await closePage(page);
			}
		}
}

/**
 * Answer every request to `origin` (an app's website, which does not exist
 * here) with a small page, and record the URLs asked for; returns the list.
 * The consent page's redirect back to the app lands there.
 */
export async function fakeSite(page, origin) {
	const seen = [];
	await page.context().route(`${origin}/**`, (route) => {
		seen.push(new URL(route.request().url()));
		route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><html lang="en"><title>App</title><main><h1>App</h1></main></html>' });
	});
	return seen;
}

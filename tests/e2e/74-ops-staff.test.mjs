// Issue 12, operating the platform, in a browser: an admin creates a
// reviewer on the operators page; the reviewer signs in and is refused
// every admin page of the console with the 403 page (its words, not a
// blank page); the admin disables the reviewer behind a confirmation and
// the reviewer's next page is the sign-in; the admin filters the audit log
// by actor and action and verifies the chain; the system page shows the
// figures of /v1/system. In Chinese and English; axe and screenshots at
// 1280 and 390 px of every page of src/console/ops_staff.c and ops_audit.c.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, ADMIN_EMAIL } from '../api/helpers/server.mjs';
import { adminToken, assertStatus, login, person } from '../api/helpers/flows.mjs';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, tour, signIn, REPO, LANGS } from './helpers/browser.mjs';

// what a person reads, in each language (src/console/ops_staff.c, ops_audit.c, console.c)
const T = {
	zh: {
		operators: '运营人员', newOp: '新建运营人员', email: '邮箱', name: '姓名', role: '角色', password: '初始密码（可选）',
		create: '创建运营人员', created: '已创建', reviewer: '审核员', forbiddenTitle: '无权访问',
		forbidden: '你的角色无权访问此页面', disable: '停用账号', disableQ: '停用该运营人员？', disabled: '已停用',
		signin: '登录', audit: '审计日志', who: '操作者（邮箱或标识）', action: '操作', filter: '筛选', verify: '校验哈希链',
		intact: '哈希链完整', system: '系统状态', pending: '待审核', overdue: '已超期', version: '版本',
	},
	en: {
		operators: 'Operators', newOp: 'New operator', email: 'Email', name: 'Name', role: 'Role', password: 'Initial password (optional)',
		create: 'Create operator', created: 'Created', reviewer: 'Reviewer', forbiddenTitle: 'Not allowed',
		forbidden: 'Your role does not allow this page', disable: 'Disable account', disableQ: 'Disable this operator?', disabled: 'Disabled',
		signin: 'Sign in', audit: 'Audit log', who: 'Who (email or actor)', action: 'Action', filter: 'Filter', verify: 'Verify the chain',
		intact: 'The chain is intact', system: 'System', pending: 'Pending', overdue: 'Overdue', version: 'Version',
	},
};

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A field by its visible label (the label may end with the required mark). */
const field = (page, label) => page.getByLabel(new RegExp(`^${esc(label)}(\\s*[*＊])?$`));
const button = (page, name) => page.getByRole('button', { name, exact: true });

/** Every console page (GET) whose route declares KF_AUTH_ADMIN, read from the route tables in src/console/. */
function adminPages() {
	const dir = path.join(REPO, 'src/console');
	const out = [];
	for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.c'))) {
		const src = fs.readFileSync(path.join(dir, f), 'utf8');
		for (const m of src.matchAll(/\{"GET",\s*"([^"]+)",\s*\w+,\s*KF_AUTH_ADMIN\b/g)) out.push(m[1]);
	}
	return out;
}

let srv, admin;
before(async () => {
	await openBrowser();
	srv = await startServer();
	admin = await adminToken(srv);
});
after(async () => {
	await closeBrowser();
	await srv?.stop();
});

async function adminPage(lang, width = 1280) {
	const page = await newPage({ lang, width, baseURL: srv.url });
	await signIn(page, srv, admin);
	return page;
}

for (const lang of LANGS) {
	const t = T[lang];
	test(`${lang}: an admin creates a reviewer, who is refused every admin page with the 403 page, then is disabled`, async () => {
		const p = person(`staff-${lang}`);
		const page = await adminPage(lang);
		try {
			await page.goto('/console/ops/operators');
			await page.getByRole('heading', { name: t.operators, exact: true }).waitFor();
			await field(page, t.email).fill(p.email);
			await field(page, t.name).fill(p.name);
			await field(page, t.role).selectOption('reviewer');
			await field(page, t.password).fill(p.password);
			await button(page, t.create).click();
			await page.getByRole('heading', { name: p.name, exact: true }).waitFor();
			assert.match(await page.locator('main').innerText(), new RegExp(esc(t.created)));
			assert.match(await page.locator('main').innerText(), new RegExp(esc(t.reviewer)));
			const opUrl = new URL(page.url()).pathname;
			const id = Number(opUrl.split('/').pop());
			assert.ok(id > 0, opUrl);

			// the reviewer signs in: every admin page answers the 403 page, in the page's language
			const token = await login(srv, p.email, p.password);
			const pages = adminPages();
			assert.ok(pages.includes('/console/ops/operators') && pages.includes('/console/ops/operators/{id}'), pages.join(' '));
			const rp = await newPage({ lang, baseURL: srv.url });
			await signIn(rp, srv, token);
			try {
				for (const route of pages) {
					const url = route.replace(/\{[^}]+\}/g, String(id));
					const res = await rp.goto(url);
					assert.equal(res.status(), 403, `${url}: HTTP status`);
					await rp.getByRole('heading', { name: t.forbiddenTitle, exact: true }).waitFor();
					assert.match(await rp.locator('main').innerText(), new RegExp(esc(t.forbidden)), `${url} says why`);
				}
				// staff pages a reviewer may read answer normally
				for (const url of ['/console/ops/audit', '/console/ops/system'])
					assert.equal((await rp.goto(url)).status(), 200, url);
				if (lang === 'en') {
					await rp.goto('/console/ops/operators');
					await checkA11y(rp, '403 page');
				}

				// the admin disables the reviewer behind a confirmation
				await page.getByRole('button', { name: t.disable, exact: true }).click();
				await page.getByRole('heading', { name: t.disableQ, exact: true }).waitFor();
				if (lang === 'en') await checkA11y(page, 'disable confirmation');
				await button(page, t.disable).click();
				await page.getByRole('heading', { name: p.name, exact: true }).waitFor();
				assert.match(await page.locator('main').innerText(), new RegExp(esc(t.disabled)));
				// the reviewer's next page is the sign-in: the session ended at once
				await rp.goto('/console/ops/audit');
				assert.match(new URL(rp.url()).pathname, /^\/console\/signin/);
				assertStatus(await srv.req('POST', '/v1/sessions', { body: { login: p.email, password: p.password } }), 401);
			} finally {
				await closePage(rp);
			}
		} finally {
			await closePage(page);
		}
	});

	test(`${lang}: the admin filters the audit log by actor and verifies the chain`, async () => {
		const page = await adminPage(lang);
		try {
			await page.goto('/console/ops/audit');
			await page.getByRole('heading', { name: t.audit, exact: true }).waitFor();
			await field(page, t.who).fill(ADMIN_EMAIL);
			await field(page, t.action).fill('operator');
			await button(page, t.filter).click();
			await page.waitForURL(/actor=/);
			const rows = page.locator('tbody tr');
			assert.ok((await rows.count()) >= 1, 'the admin created operators');
			for (const text of await rows.allInnerTexts()) {
				assert.match(text, new RegExp(esc(ADMIN_EMAIL)), 'every row is the admin\'s');
				assert.match(text, /operator\./, 'every row is an operator action');
			}
			await button(page, t.verify).click();
			await page.getByText(t.intact).waitFor();
		} finally {
			await closePage(page);
		}
	});

	test(`${lang}: the system page shows the figures of /v1/system`, async () => {
		const s = assertStatus(await srv.req('GET', '/v1/system', { token: admin }), 200);
		const page = await adminPage(lang);
		try {
			await page.goto('/console/ops/system');
			await page.getByRole('heading', { name: t.system, exact: true }).waitFor();
			const fig = async (id) => Number(await page.locator(`[data-figure="${id}"]`).innerText());
			assert.equal(await fig('reviews_pending'), s.reviews.pending);
			assert.equal(await fig('reviews_overdue'), s.reviews.overdue);
			assert.equal(await fig('outbox_dead'), s.outbox.dead);
			assert.equal(await fig('url_checks_pending'), s.url_checks.pending);
			assert.equal(await fig('mail_dead'), s.mail.dead);
			const main = await page.locator('main').innerText();
			for (const w of [t.pending, t.overdue, t.version, s.version]) assert.ok(main.includes(w), `the page shows ${w}`);
		} finally {
			await closePage(page);
		}
	});
}

test('every page of the operators, audit and system in both languages at 1280 and 390 px: axe and screenshots', async () => {
	const prepare = (page) => signIn(page, srv, admin);
	// a reviewer to show (the journeys above disabled theirs); the 403 page as they see it
	const p = person('reviewer403');
	const one = assertStatus(await srv.req('POST', '/v1/operators', { token: admin, body: { email: p.email, name: p.name, role: 'reviewer', password: p.password } }), 201);
	await tour('/console/ops/operators', 'ops-operators', { baseURL: srv.url, prepare });
	await tour(`/console/ops/operators/${one.id}`, 'ops-operator', { baseURL: srv.url, prepare });
	await tour('/console/ops/audit?verify=1', 'ops-audit', { baseURL: srv.url, prepare });
	await tour('/console/ops/system', 'ops-system', { baseURL: srv.url, prepare });
	const token = await login(srv, p.email, p.password);
	await tour('/console/ops/operators', 'ops-operators-403', { baseURL: srv.url, status: 403, prepare: (page) => signIn(page, srv, token) });
	// the confirmation of a disable, posted as the page's form does
	for (const lang of LANGS)
		for (const width of [1280, 390]) {
			const page = await adminPage(lang, width);
			try {
				await page.goto(`/console/ops/operators/${one.id}`);
				await button(page, T[lang].disable).click();
				await page.getByRole('heading', { name: T[lang].disableQ, exact: true }).waitFor();
				await checkA11y(page, `disable confirmation (${lang}, ${width} px)`);
				await capture(page, 'ops-operator-disable');
			} finally {
				await closePage(page);
			}
		}
});

// The harness itself: axe fails a page a person could not use (a field
// without a label, text too faint to read) and says where, with JavaScript
// on and off; a screenshot lands in build/screenshots/ under the page's
// language and width. Without these, a green journey test could mean axe
// never ran.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openBrowser, closeBrowser, newPage, closePage, checkA11y, capture, SCREENSHOTS } from './helpers/browser.mjs';

const BAD = '<!doctype html><html lang="en"><head><title>Bad form</title></head><body><main><h1>Bad form</h1>'
	+ '<form><input name="login"><p style="color:#eee;background:#fff">faint text</p><button></button></form></main></body></html>';
const GOOD = '<!doctype html><html lang="zh-CN"><head><title>好的表单</title></head><body><main><h1>登录</h1>'
	+ '<form><label>邮箱或手机号 <input name="login"></label><button>登录</button></form></main></body></html>';

before(openBrowser);
after(closeBrowser);

for (const javaScript of [true, false])
	test(`checkA11y fails on serious violations and names the rule and the element (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
		const page = await newPage({ lang: 'en', width: 390, javaScript });
		try {
			await page.setContent(BAD);
			await assert.rejects(checkA11y(page, 'bad form'), (e) => {
				assert.match(e.message, /bad form: \d+ serious or critical/);
				assert.match(e.message, /\[critical\] (label|button-name)/);
				assert.match(e.message, /color-contrast/);
				assert.match(e.message, /input name="login"/);
				return true;
			});
			await page.setContent(GOOD);
			const all = await checkA11y(page, 'good form');
			assert.ok(Array.isArray(all));
		} finally {
			await closePage(page);
		}
	});

test('capture saves a full-page PNG named by page, language and width', async () => {
	const page = await newPage({ lang: 'zh', width: 390 });
	try {
		await page.setContent(GOOD);
		const file = await capture(page, 'harness-good-form');
		assert.equal(file, path.join(SCREENSHOTS, 'harness-good-form-zh-390.png'));
		const png = fs.readFileSync(file);
		assert.equal(png.subarray(1, 4).toString(), 'PNG');
		assert.equal(png.readUInt32BE(16), 390, 'as wide as the page');
	} finally {
		await closePage(page);
	}
});

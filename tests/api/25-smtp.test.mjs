// Email through SMTP: with smtp-url set, the mail worker hands each queued
// mail to an SMTP server with libcurl (NOTE-1). The test plays the SMTP
// server on loopback and checks what it was given; a server that refuses
// the mail makes the worker retry, and nothing is lost meanwhile.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';
import { smtpServer } from './helpers/smtp.mjs';

const smtp = await smtpServer();
const srv = await startServer({ env: { KAIFANG_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, KAIFANG_SMTP_FROM: 'noreply@kaifang.test' } });
after(async () => {
	await srv.stop();
	smtp.close();
});

async function waitFor(pred, ms = 8000) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (pred()) return true;
		await new Promise((r) => setTimeout(r, 100));
	}
	return false;
}

test('NOTE-1 the verification mail is sent through the configured SMTP server', async () => {
	const r = await srv.req('POST', '/v1/users', { body: { email: 'smtp.user@example.com', mobile: '13900001111', password: 'a-long-password-1', name: 'Smtp User' } });
	assert.equal(r.status, 201);
	assert.ok(await waitFor(() => smtp.mails.some((m) => m.to.includes('smtp.user@example.com'))), 'no mail reached the SMTP server');
	const m = smtp.mails.find((x) => x.to.includes('smtp.user@example.com'));
	assert.equal(m.from, 'noreply@kaifang.test');
	assert.match(m.data, /^Subject: =\?UTF-8\?B\?/m);
	assert.match(m.data, /verification code is \d{6}/);
	// nothing was written to the mail folder instead
	assert.equal(srv.sql("SELECT state FROM emails WHERE to_addr = 'smtp.user@example.com'")[0].state, 'sent');
});

test('NOTE-1 a refused mail stays queued and is retried, never lost', async () => {
	smtp.state.refuse = true;
	const r = await srv.req('POST', '/v1/users', { body: { email: 'retry.user@example.com', mobile: '13900002222', password: 'a-long-password-2', name: 'Retry User' } });
	assert.equal(r.status, 201);
	assert.ok(await waitFor(() => {
		const row = srv.sql("SELECT attempts, state, last_error FROM emails WHERE to_addr = 'retry.user@example.com'")[0];
		return row && row.attempts >= 1;
	}), 'the worker did not try');
	const row = srv.sql("SELECT attempts, state, last_error FROM emails WHERE to_addr = 'retry.user@example.com'")[0];
	assert.equal(row.state, 'pending');
	assert.ok(row.last_error);
	smtp.state.refuse = false;
	await srv.advance(3600);
	assert.ok(await waitFor(() => smtp.mails.some((m) => m.to.includes('retry.user@example.com'))), 'the retry did not deliver');
	assert.equal(srv.sql("SELECT state FROM emails WHERE to_addr = 'retry.user@example.com'")[0].state, 'sent');
});

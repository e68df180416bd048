// Email through SMTP: with smtp-url set, the mail worker hands each queued
// mail to an SMTP server with libcurl (NOTE-1). The test plays the SMTP
// server on loopback and checks what it was given; a server that refuses
// the mail makes the worker retry, and nothing is lost meanwhile.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './helpers/server.mjs';

/** A minimal SMTP peer: records envelopes and messages; `refuse` answers 451 to DATA. */
function smtpServer() {
	const mails = [];
	const state = { refuse: false };
	const srv = net.createServer((sock) => {
		let buf = '';
		let inData = false;
		let cur = { from: null, to: [], data: '' };
		sock.setEncoding('utf8');
		sock.write('220 test.local ESMTP\r\n');
		sock.on('data', (chunk) => {
			buf += chunk;
			let i;
			while ((i = buf.indexOf('\r\n')) >= 0) {
				const line = buf.slice(0, i);
				buf = buf.slice(i + 2);
				if (inData) {
					if (line === '.') {
						inData = false;
						if (state.refuse) sock.write('451 try again later\r\n');
						else {
							mails.push(cur);
							sock.write('250 queued\r\n');
						}
						cur = { from: null, to: [], data: '' };
					} else cur.data += (line.startsWith('..') ? line.slice(1) : line) + '\n';
					continue;
				}
				const cmd = line.slice(0, 4).toUpperCase();
				if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 test.local\r\n');
				else if (cmd === 'MAIL') {
					cur.from = line.match(/<([^>]*)>/)?.[1];
					sock.write('250 ok\r\n');
				} else if (cmd === 'RCPT') {
					cur.to.push(line.match(/<([^>]*)>/)?.[1]);
					sock.write('250 ok\r\n');
				} else if (cmd === 'DATA') {
					inData = true;
					sock.write('354 go ahead\r\n');
				} else if (cmd === 'QUIT') {
					sock.end('221 bye\r\n');
				} else sock.write('250 ok\r\n');
			}
		});
		sock.on('error', () => {});
	});
	return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({ port: srv.address().port, mails, state, close: () => srv.close() })));
}

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

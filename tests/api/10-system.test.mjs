// The server itself: health, the error shape, limits, keep-alive, request
// ids, the access log, the test clock switch, options and shutdown.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, runDaemon, freePort } from './helpers/server.mjs';
import { assertError, person } from './helpers/flows.mjs';

// Every route of the route tables (src/api/*.c), for the documentation check.
const ROUTES = [
	['GET', '/healthz'], ['GET', '/readyz'], ['GET', '/v1/openapi.json'], ['POST', '/v1/_test/clock'],
	['POST', '/v1/users'], ['POST', '/v1/sessions'], ['DELETE', '/v1/sessions/current'], ['GET', '/v1/me'],
	['POST', '/v1/me/email-verification'], ['POST', '/v1/me/email-verification:resend'],
	['GET', '/v1/me/api-tokens'], ['POST', '/v1/me/api-tokens'], ['DELETE', '/v1/me/api-tokens/{id}'],
	['GET', '/v1/agreements'], ['POST', '/v1/agreements'], ['POST', '/v1/agreements/{key}/consents'],
	['POST', '/v1/providers'], ['GET', '/v1/providers'], ['GET', '/v1/providers/{id}'], ['PATCH', '/v1/providers/{id}'],
	['GET', '/v1/providers/{id}/members'], ['POST', '/v1/providers/{id}/members'],
	['DELETE', '/v1/providers/{id}/members/{user_id}'], ['POST', '/v1/providers/{id}/application'],
	['GET', '/v1/providers/{id}/application'], ['POST', '/v1/providers/{id}/certification'],
	['POST', '/v1/providers/{id}/cancellation'], ['POST', '/v1/providers/{id}/reverification'],
	['POST', '/v1/providers/{id}/ban'], ['GET', '/v1/reviews'], ['GET', '/v1/reviews/{id}'],
	['POST', '/v1/reviews/{id}/decision'], ['POST', '/v1/files'], ['GET', '/v1/files/{id}'],
	['GET', '/v1/files/{id}/content'], ['GET', '/v1/inbox'], ['POST', '/v1/inbox/{id}/read'],
];

/** One raw HTTP/1.1 exchange on a fresh socket; resolves with the raw
 * response text (or what arrived before the server closed). */
function rawExchange(port, head, body, { timeout = 5000 } = {}) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		let got = '';
		let closedEarly = false;
		s.setEncoding('latin1');
		s.on('data', (d) => {
			got += d;
		});
		s.on('error', () => {
			closedEarly = true;
		});
		const t = setTimeout(() => s.destroy(), timeout);
		s.on('close', () => {
			clearTimeout(t);
			resolve({ text: got, closedEarly });
		});
		s.write(head);
		if (body) s.write(body, () => s.end());
		else s.end();
	});
}

describe('system', () => {
	let srv;
	before(async () => {
		srv = await startServer();
	});
	after(async () => {
		await srv?.stop();
	});

	test('GET /healthz answers 200 {"status":"ok"}', async () => {
		const r = await srv.req('GET', '/healthz');
		assert.equal(r.status, 200);
		assert.deepEqual(r.body, { status: 'ok' });
		assert.match(r.headers.get('content-type'), /^application\/json/);
	});

	test('GET /readyz answers 200 when the database is reachable', async () => {
		const r = await srv.req('GET', '/readyz');
		assert.equal(r.status, 200);
		assert.deepEqual(r.body, { status: 'ready' });
	});

	test('an unknown path gives 404 in the native error shape', async () => {
		const r = await srv.req('GET', '/v1/no-such-thing');
		const e = assertError(r, 404, 'not_found');
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assert.deepEqual(Object.keys(r.body), ['error']);
		for (const k of Object.keys(e)) assert.ok(['code', 'message', 'rule', 'field', 'request_id'].includes(k), `unexpected key ${k}`);
		assert.equal(e.request_id, r.headers.get('x-request-id'));
	});

	test('a known path with another method gives 405 method_not_allowed with an Allow header', async () => {
		const r = await srv.req('PUT', '/healthz');
		assertError(r, 405, 'method_not_allowed');
		// RFC 9110 §15.5.6: a 405 response MUST carry Allow
		const allow = r.headers.get('allow');
		assert.ok(allow, '405 response without an Allow header');
		assert.match(allow, /GET/);
		const r2 = await srv.req('DELETE', '/v1/users');
		assertError(r2, 405, 'method_not_allowed');
		assert.match(r2.headers.get('allow') || '', /POST/);
	});

	test('HEAD is served wherever GET is (RFC 9110 §9.1), without a body', async () => {
		for (const p of ['/healthz', '/readyz', '/v1/agreements']) {
			const r = await srv.req('HEAD', p);
			assert.equal(r.status, 200, `HEAD ${p}: ${r.status}`);
			assert.equal(r.text, '');
		}
	});

	test('every response carries a 16-hex-digit X-Request-Id, distinct per request', async () => {
		const a = await srv.req('GET', '/healthz');
		const b = await srv.req('GET', '/healthz');
		const ia = a.headers.get('x-request-id');
		const ib = b.headers.get('x-request-id');
		assert.match(ia, /^[0-9a-f]{16}$/);
		assert.match(ib, /^[0-9a-f]{16}$/);
		assert.notEqual(ia, ib);
	});

	test('malformed JSON gives 400 invalid_json naming the line and column', async () => {
		const r = await srv.req('POST', '/v1/users', { raw: '{\n  "email": "a@example.com",\n  "mobile": }', headers: { 'Content-Type': 'application/json' } });
		const e = assertError(r, 400, 'invalid_json');
		assert.match(e.message, /line 3/);
		assert.match(e.message, /column \d+/);
	});

	test('a JSON body that is not an object gives 400 invalid_json', async () => {
		for (const raw of ['[]', '"text"', '42', 'null']) {
			const r = await srv.req('POST', '/v1/users', { raw, headers: { 'Content-Type': 'application/json' } });
			assertError(r, 400, 'invalid_json');
		}
	});

	test('duplicate keys in a JSON object are refused as invalid_json', async () => {
		const p = person();
		const raw = `{"email":"${p.email}","email":"other@example.com","mobile":"${p.mobile}","password":"${p.password}","name":"x"}`;
		const r = await srv.req('POST', '/v1/users', { raw, headers: { 'Content-Type': 'application/json' } });
		assertError(r, 400, 'invalid_json');
	});

	test('an empty body where JSON is expected gives 400 invalid_json', async () => {
		const r = await srv.req('POST', '/v1/users', { raw: '', headers: { 'Content-Type': 'application/json' } });
		assertError(r, 400, 'invalid_json');
	});

	test('a body over 1 MiB gives 413 body_too_large (Content-Length known)', async () => {
		// a client that sends its whole body and then reads must see the 413
		// (the answer must not be lost to a reset connection): several tries
		const lost = [];
		for (const size of [1024 * 1024 + 1, 2 * 1024 * 1024, 3 * 1024 * 1024, 5 * 1024 * 1024]) {
			for (let i = 0; i < 3; i++) {
				const big = Buffer.from('{"email":"' + 'a'.repeat(size - 12) + '"}');
				const r = await srv.rawRequest('POST', '/v1/users', { body: big, headers: { 'Content-Type': 'application/json' } });
				if (r.status !== 413 || r.body?.error?.code !== 'body_too_large') lost.push(`${size} bytes: ${r.status || 'connection reset, no response'}`);
			}
		}
		assert.deepEqual(lost, [], 'oversized bodies without a readable 413 body_too_large');
		// the server keeps serving
		assert.equal((await srv.req('GET', '/healthz')).status, 200);
	});

	test('a body over 1 MiB sent with Expect: 100-continue gives 413 before the upload', async () => {
		const head = 'POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
			`Content-Length: ${2 * 1024 * 1024}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;
		const { text } = await rawExchange(srv.port, head, null);
		assert.match(text, /^HTTP\/1\.1 413 /m, `expected a 413 status line, got: ${JSON.stringify(text.slice(0, 300))}`);
		assert.match(text, /body_too_large/);
	});

	test('a chunked body over 1 MiB gives 413 body_too_large', async () => {
		const head = 'POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
		const chunk = 'a'.repeat(64 * 1024);
		let body = '';
		for (let i = 0; i < 20; i++) body += chunk.length.toString(16) + '\r\n' + chunk + '\r\n';
		body += '0\r\n\r\n';
		const { text } = await rawExchange(srv.port, head, body);
		assert.match(text, /^HTTP\/1\.1 413 /m, `expected a 413 status line, got: ${JSON.stringify(text.slice(0, 300))}`);
	});

	test('a body of exactly 1 MiB is accepted by the size limit (and then judged as JSON)', async () => {
		const pad = 1024 * 1024 - '{"x":""}'.length;
		const raw = '{"x":"' + 'a'.repeat(pad) + '"}';
		assert.equal(Buffer.byteLength(raw), 1024 * 1024);
		const r = await srv.req('POST', '/v1/users', { raw, headers: { 'Content-Type': 'application/json' } });
		assertError(r, 400, 'unknown_field', { field: 'x' });
	});

	test('keep-alive: responses do not close the connection and the socket is reused', async () => {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const get = (p, method = 'GET', body) => new Promise((resolve, reject) => {
			const rq = http.request({ host: '127.0.0.1', port: srv.port, path: p, method, agent, headers: body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {} }, (res) => {
				let data = '';
				res.on('data', (d) => (data += d));
				res.on('end', () => resolve({ res, data, reused: rq.reusedSocket }));
			});
			rq.on('error', reject);
			if (body) rq.write(body);
			rq.end();
		});
		try {
			const a = await get('/healthz');
			assert.notEqual((a.res.headers.connection || '').toLowerCase(), 'close');
			const b = await get('/v1/no-such-thing');
			assert.equal(b.res.statusCode, 404);
			assert.notEqual((b.res.headers.connection || '').toLowerCase(), 'close', 'an error response closed the connection');
			assert.equal(b.reused, true, 'second request did not reuse the connection');
			const c = await get('/v1/users', 'POST', '{"bad json');
			assert.equal(c.res.statusCode, 400);
			assert.notEqual((c.res.headers.connection || '').toLowerCase(), 'close');
			const d = await get('/readyz');
			assert.equal(d.reused, true);
		} finally {
			agent.destroy();
		}
	});

	test('every request is logged as one JSON line on stderr (request id, method, path, status, duration)', async () => {
		// without trusted-proxies, X-Forwarded-For is anybody's claim and ignored
		const r = await srv.req('GET', '/v1/no-such-thing?x=1', { headers: { 'X-Forwarded-For': '198.51.100.7' } });
		const id = r.headers.get('x-request-id');
		let line;
		for (let i = 0; i < 40 && !line; i++) {
			line = srv.stderr.split('\n').find((l) => l.includes(id));
			if (!line) await sleep(25);
		}
		assert.ok(line, 'no access log line for the request');
		const j = JSON.parse(line);
		assert.equal(j.request_id, id);
		assert.equal(j.method, 'GET');
		assert.equal(j.path, '/v1/no-such-thing');
		assert.equal(j.status, 404);
		assert.equal(typeof j.duration_ms, 'number');
		assert.equal(j.client, '127.0.0.1');
	});

	test('GET /v1/openapi.json serves an OpenAPI document', async () => {
		const r = await srv.req('GET', '/v1/openapi.json');
		assert.equal(r.status, 200);
		assert.match(r.body.openapi, /^3\./);
	});

	test('every route of the route tables is described in /v1/openapi.json', async () => {
		const r = await srv.req('GET', '/v1/openapi.json');
		const paths = r.body.paths || {};
		const missing = ROUTES.filter(([m, p]) => !(paths[p] && paths[p][m.toLowerCase()])).map(([m, p]) => `${m} ${p}`);
		assert.deepEqual(missing, [], `routes missing from the OpenAPI document: ${missing.join(', ')}`);
	});

	test('POST /v1/_test/clock moves the server clock forward (KAIFANG_TEST_CLOCK=1)', async () => {
		const a = await srv.req('POST', '/v1/_test/clock', { body: { advance_seconds: 0 } });
		assert.equal(a.status, 200);
		const b = await srv.req('POST', '/v1/_test/clock', { body: { advance_seconds: 3600 } });
		assert.equal(b.status, 200);
		assert.ok(b.body.now >= a.body.now + 3600);
		assert.equal(b.body.offset, a.body.offset + 3600);
		assertError(await srv.req('POST', '/v1/_test/clock', { body: { advance_seconds: -5 } }), 400, 'invalid_value', { field: 'advance_seconds' });
		assertError(await srv.req('POST', '/v1/_test/clock', { body: { advance_seconds: '5' } }), 400, 'invalid_type', { field: 'advance_seconds' });
	});

	test('SIGTERM drains a request in flight and the process exits 0', async () => {
		const s2 = await startServer();
		const p = person('drain');
		const body = Buffer.from(JSON.stringify({ email: p.email, mobile: p.mobile, password: p.password, name: p.name }));
		// headers and half the body now, SIGTERM, then the rest: the request
		// is in flight when the signal arrives and must still be answered
		const sock = net.connect(s2.port, '127.0.0.1');
		let got = '';
		sock.setEncoding('utf8');
		sock.on('data', (d) => (got += d));
		sock.on('error', () => {});
		const closed = new Promise((res) => sock.on('close', res));
		await new Promise((res) => sock.on('connect', res));
		sock.write(`POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
		sock.write(body.subarray(0, 10));
		await sleep(150);
		const stopping = s2.stop();
		await sleep(150);
		sock.end(body.subarray(10));
		await closed;
		assert.match(got, /^HTTP\/1\.1 201 /, `in-flight request was not drained: ${JSON.stringify(got.slice(0, 200))}`);
		assert.equal(await stopping, 0);
	});
});

describe('without KAIFANG_TEST_CLOCK', () => {
	let srv;
	before(async () => {
		srv = await startServer({ testClock: false });
	});
	after(async () => {
		await srv?.stop();
	});

	test('POST /v1/_test/clock does not exist (404 not_found)', async () => {
		const r = await srv.req('POST', '/v1/_test/clock', { body: { advance_seconds: 86400 } });
		assertError(r, 404, 'not_found');
		const now1 = Math.floor(Date.now() / 1000);
		// the clock did not move: a fresh session expires ~7 days from the real now
		const p = person();
		await srv.req('POST', '/v1/users', { body: { email: p.email, mobile: p.mobile, password: p.password, name: p.name } });
		const s = await srv.req('POST', '/v1/sessions', { body: { login: p.email, password: p.password } });
		assert.equal(s.status, 201);
		assert.ok(Math.abs(s.body.expires_at - (now1 + 7 * 86400)) < 120, `expires_at ${s.body.expires_at} is not ~now+7d`);
	});
});

describe('with a metrics-token', () => {
	let srv;
	const token = 'metrics-scraper-7f3a9c';
	before(async () => {
		srv = await startServer({ env: { KAIFANG_METRICS_TOKEN: token } });
	});
	after(async () => {
		await srv?.stop();
	});

	test('GET /metrics answers only a scraper with the bearer token; without one it is 401', async () => {
		for (const headers of [{}, { Authorization: `Bearer ${token}x` }, { Authorization: `Basic ${token}` }, { Authorization: 'Bearer ' }]) {
			const r = await srv.req('GET', '/metrics', { headers });
			assertError(r, 401, 'metrics_token_required', { field: 'Authorization' });
			assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="metrics"');
			assert.ok(!r.text.includes('kaifang_'), 'no metric leaks out');
		}
		const ok = await srv.req('GET', '/metrics', { headers: { Authorization: `Bearer ${token}` } });
		assert.equal(ok.status, 200);
		assert.match(ok.text, /^kaifang_/m);
		// the token is a secret: the effective configuration never shows it
		assert.ok(!srv.stderr.includes(token), 'token in the log');
	});
});

describe('behind a trusted reverse proxy', () => {
	let srv;
	before(async () => {
		// the tests connect from 127.0.0.1, which plays the proxy here
		srv = await startServer({ env: { KAIFANG_TRUSTED_PROXIES: '127.0.0.1/32' } });
	});
	after(async () => {
		await srv?.stop();
	});

	const logged = async (id) => {
		for (let i = 0; i < 40; i++) {
			const line = srv.stderr.split('\n').find((l) => l.includes(id) && l.includes('"type":"access"'));
			if (line) return JSON.parse(line);
			await sleep(25);
		}
		throw new Error('no access log line');
	};

	test('X-Forwarded-For names the client in the log and in the per-address login limit; a forged left part is ignored', async () => {
		let r = await srv.req('GET', '/healthz', { headers: { 'X-Forwarded-For': '6.6.6.6, 198.51.100.7' } });
		assert.equal((await logged(r.headers.get('x-request-id'))).client, '198.51.100.7');
		r = await srv.req('GET', '/healthz');
		assert.equal((await logged(r.headers.get('x-request-id'))).client, '127.0.0.1');
		r = await srv.req('GET', '/healthz', { headers: { 'X-Forwarded-For': 'not-an-address' } });
		assert.equal((await logged(r.headers.get('x-request-id'))).client, '127.0.0.1');
		// a failed sign-in counts against the client's address, not the proxy's
		await srv.req('POST', '/v1/sessions', { body: { login: 'nobody@example.com', password: 'wrong password 1' }, headers: { 'X-Forwarded-For': '198.51.100.8' } });
		const keys = srv.sql("SELECT key FROM login_failures WHERE key LIKE 'a:%'").map((x) => x.key);
		assert.deepEqual(keys, ['a:198.51.100.8']);
	});
});

describe('command line', () => {
	test('--help exits 0 and documents every option', () => {
		const r = runDaemon(['--help']);
		assert.equal(r.status, 0);
		const out = r.stdout + r.stderr;
		for (const opt of ['--listen', '--data-dir', '--config', '--max-body', '--max-upload', '--session-ttl', '--login-max-failures',
			'--review-workdays', '--lock-period', '--retention', '--excluded-kinds', '--individuals-allowed', '--worker-interval',
			'KAIFANG_TEST_CLOCK', 'KAIFANG_ADMIN_EMAIL'])
			assert.ok(out.includes(opt), `--help does not mention ${opt}`);
	});

	test('an unknown option is refused with a clear message and a non-zero exit', () => {
		const r = runDaemon(['--no-such-option', 'x', '--data-dir', '/nonexistent/never']);
		assert.notEqual(r.status, 0);
		assert.match(r.stderr, /no-such-option/);
	});

	test('a bad option value is refused with a clear message and a non-zero exit', async () => {
		const port = await freePort();
		const r = runDaemon(['--listen', `127.0.0.1:${port}`, '--data-dir', '/nonexistent/never', '--max-body', 'lots']);
		assert.notEqual(r.status, 0);
		assert.match(r.stderr, /max-body/);
		const r2 = runDaemon(['--listen', `127.0.0.1:${port}`, '--data-dir', '/nonexistent/never'], { env: { KAIFANG_SESSION_TTL: 'forever' } });
		assert.notEqual(r2.status, 0);
		assert.match(r2.stderr, /session-ttl/);
		const r3 = runDaemon(['--listen', 'not-an-address', '--data-dir', '/nonexistent/never']);
		assert.notEqual(r3.status, 0);
		assert.match(r3.stderr, /listen/);
		const r4 = runDaemon(['--listen', `127.0.0.1:${port}`, '--data-dir', '/nonexistent/never'], { env: { KAIFANG_TRUSTED_PROXIES: '10.0.0.0/8, proxy.example' } });
		assert.equal(r4.status, 2);
		assert.match(r4.stderr, /trusted-proxies/);
	});

	test('KAIFANG_TEST_CLOCK=1 is refused when listening on 0.0.0.0', async () => {
		const port = await freePort();
		const r = runDaemon(['--listen', `0.0.0.0:${port}`, '--data-dir', '/nonexistent/never'], { env: { KAIFANG_TEST_CLOCK: '1' } });
		assert.notEqual(r.status, 0, 'kaifangd started with the test clock on a public address');
		assert.match(r.stderr, /KAIFANG_TEST_CLOCK/);
		assert.match(r.stderr, /loopback/);
	});

	test('KAIFANG_TEST_CLOCK=1 is refused on a non-loopback address spelled to look local', async () => {
		const port = await freePort();
		// "localhost" is not numeric and [::] is every address
		for (const listen of [`[::]:${port}`, `0:${port}`]) {
			const r = runDaemon(['--listen', listen, '--data-dir', '/nonexistent/never'], { env: { KAIFANG_TEST_CLOCK: '1' } });
			assert.notEqual(r.status, 0, `started with the test clock on ${listen}`);
		}
	});
});

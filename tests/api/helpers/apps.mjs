// Helpers for the app and push tests: a receiving HTTP server on loopback
// that stands in for an app's callback URLs, valid app registrations, the
// walk of an app through its creation review, and the check of a push
// against two independent implementations of the message crypto
// (@wecom/crypto and wechat-crypto, PROTOCOL.md §6–§7).
//
// Nothing here opens a connection to anything but 127.0.0.1.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertStatus, certifiedProvider, operator, decide } from './flows.mjs';

const require = createRequire(import.meta.url);
export const wecom = require('@wecom/crypto');
export const WechatCrypto = require('wechat-crypto');

export const ICP_DOMAIN = 'example.com';
export const ICP_NO = '京ICP备12345678号';

/** sha1 hex of the sorted strings, joined (PROTOCOL.md §7 signatures). */
export function sha1Sorted(...parts) {
	return crypto.createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/**
 * How long a test waits for a push (a ticket, an event) to arrive. Pushes
 * normally take milliseconds; on a loaded machine, with sanitizer builds,
 * an attempt can time out (push-timeout, 5 s) and be retried 5 s later,
 * and a second failure waits 15 s more. A wait ends as soon as the push
 * arrives, so the long bound costs nothing when the test passes.
 */
export const PUSH_WAIT_MS = 60000;

/** Poll fn until it returns a truthy value (returned) or time runs out. */
export async function waitFor(fn, { timeout = 10000, interval = 50, what = 'condition' } = {}) {
	const deadline = Date.now() + timeout;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
		await sleep(interval);
	}
}

/**
 * A receiving server on 127.0.0.1 (an app's callback URLs). Every request
 * is recorded as {method, path, query, headers, body, at}. What it answers
 * is set per path prefix with rx.mode(prefix, mode) (default for every
 * path: rx.mode('*', mode)); a mode is
 *   'success'   HTTP 200 "success" (a GET with echostr: the echostr, after
 *               checking the signature against rx.token when it is set)
 *   'status500' HTTP 500 "internal error"
 *   'wrong'     HTTP 200 "fail" (a body that is not "success" / echostr)
 *   'hang'      never answers (the connection stays open until rx.close())
 *   'empty'     HTTP 200 with an empty body
 *   a function  (req, rec) => ({status, body, headers}) or 'hang'
 * A list of modes is used one per request, the last one repeating.
 */
export async function startReceiver() {
	const requests = [];
	const modes = new Map([['*', ['success']]]);
	const hanging = new Set();
	let waiters = [];

	function modeFor(p) {
		let best = '*';
		for (const k of modes.keys()) if (k !== '*' && p.startsWith(k) && k.length > (best === '*' ? 0 : best.length)) best = k;
		const list = modes.get(best);
		return list.length > 1 ? list.shift() : list[0];
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (d) => chunks.push(d));
		req.on('end', () => {
			const u = new URL(req.url, 'http://127.0.0.1');
			const rec = {
				method: req.method,
				path: u.pathname,
				query: Object.fromEntries(u.searchParams),
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
				at: Date.now(),
			};
			requests.push(rec);
			const w = waiters;
			waiters = [];
			for (const f of w) f();
			let m = modeFor(u.pathname);
			if (typeof m === 'function') m = m(req, rec);
			if (m === 'hang') {
				hanging.add(res);
				res.on('close', () => hanging.delete(res));
				return;
			}
			let status = 200;
			let body = 'success';
			let headers = {};
			if (m === 'status500') [status, body] = [500, 'internal error'];
			else if (m === 'wrong') body = 'fail';
			else if (m === 'empty') body = '';
			else if (typeof m === 'object' && m) ({ status = 200, body = '', headers = {} } = m);
			else if (m === 'success' && req.method === 'GET' && rec.query.echostr !== undefined) {
				const q = rec.query;
				const ok = !rx.token || sha1Sorted(rx.token, q.timestamp, q.nonce) === q.signature;
				[status, body] = ok ? [200, q.echostr] : [403, 'bad signature'];
			}
			res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
			res.end(body);
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	const { port } = server.address();

	const rx = {
		port,
		base: `http://127.0.0.1:${port}`,
		requests,
		token: null,
		/** Set the answer for paths starting with prefix ('*' = default). */
		mode(prefix, m) {
			modes.set(prefix, Array.isArray(m) ? [...m] : [m]);
		},
		/** Requests whose path starts with prefix (and pass filter). */
		on(prefix, filter = () => true) {
			return requests.filter((r) => r.path.startsWith(prefix) && filter(r));
		},
		/** Wait until at least n requests match; returns them. */
		async waitFor(prefix, n = 1, { timeout = PUSH_WAIT_MS, filter } = {}) {
			const deadline = Date.now() + timeout;
			for (;;) {
				const hits = rx.on(prefix, filter);
				if (hits.length >= n) return hits;
				const left = deadline - Date.now();
				if (left <= 0) throw new Error(`receiver: ${hits.length} of ${n} requests to ${prefix} within ${timeout} ms`);
				await Promise.race([new Promise((r) => waiters.push(r)), sleep(Math.min(left, 200))]);
			}
		},
		/** Number of answers held open ('hang'). */
		get hanging() {
			return hanging.size;
		},
		/** Drop the held-open answers (the client sees the connection end). */
		releaseHanging() {
			for (const res of hanging) res.destroy();
			hanging.clear();
		},
		async close() {
			rx.releaseHanging();
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(() => resolve()));
		},
	};
	return rx;
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function closedPort() {
	const s = http.createServer();
	await new Promise((r) => s.listen(0, '127.0.0.1', r));
	const { port } = s.address();
	await new Promise((r) => s.close(r));
	return port;
}

let appSeq = 0;
/** A fresh 43-character key of the base64 alphabet. */
export function aesKey() {
	return crypto.randomBytes(33).toString('base64').replace(/[+/=]/g, 'A').slice(0, 43);
}

/**
 * A complete, valid app registration whose callback URLs point at the
 * receiver (http on 127.0.0.1: the server must allow 127.0.0.0/8). Each call
 * gives a new name and new URL paths (APP-13 refuses duplicates). `over`
 * is merged (dev merged one level deep).
 */
export function appBody(rx, over = {}) {
	appSeq += 1;
	const n = `${process.pid % 10000}-${appSeq}`;
	const base = rx ? rx.base : 'http://127.0.0.1:9';
	const { dev = {}, ...top } = over;
	return {
		name: `Weather Helper ${n}`,
		intro: 'Forecasts for the places your members work in.\nUpdated hourly.',
		website: `https://www.${ICP_DOMAIN}/apps/${n}`,
		icp_no: ICP_NO,
		audience: 'public',
		permission_sets: [1, 3],
		...top,
		dev: {
			auth_domain: `auth.${ICP_DOMAIN}`,
			test_allowlist: [],
			auth_receive_url: `${base}/auth/${n}`,
			message_token: `tok${appSeq}Token`,
			aes_key: aesKey(),
			message_url: `${base}/msg/${n}/$APPID$`,
			server_domains: ['127.0.0.1'],
			business_domains: [ICP_DOMAIN],
			ip_allowlist: ['127.0.0.1', '10.0.0.0/8'],
			...dev,
		},
	};
}

/** The path of a callback URL (for rx.on / rx.waitFor). */
export function pathOf(url) {
	return new URL(url.replace('$APPID$', 'APPID')).pathname;
}

/** A certified provider with an ICP filing of example.com (APP-2). */
export async function appProvider(srv, owner, opts = {}) {
	const prov = await certifiedProvider(srv, owner, opts);
	const r = await srv.req('POST', `/v1/providers/${prov.id}/icp-filings`, { token: owner.token, body: { domain: ICP_DOMAIN, icp_no: ICP_NO } });
	assertStatus(r, 201, 'ICP filing');
	return prov;
}

/** Register an app (201); returns the answer with the body sent as .sent. */
export async function createApp(srv, token, providerId, body) {
	const r = await srv.req('POST', `/v1/providers/${providerId}/apps`, { token, body });
	assertStatus(r, 201, 'create app');
	return { ...r.body, sent: body };
}

/** A reviewer of this server (created once). */
const reviewers = new WeakMap();
export async function reviewer(srv) {
	if (!reviewers.has(srv)) reviewers.set(srv, operator(srv, 'reviewer'));
	return reviewers.get(srv);
}

/** Submit for the creation review and approve it: the app is developing. */
export async function approveCreation(srv, token, appId) {
	const s = await srv.req('POST', `/v1/apps/${appId}/creation-review`, { token });
	assertStatus(s, 201, 'submit creation review');
	const rv = await reviewer(srv);
	const d = await decide(srv, rv.token, s.body.id, 'approve');
	assertStatus(d, 200, 'approve creation');
	const g = await srv.req('GET', `/v1/apps/${appId}`, { token });
	assert.equal(g.body.state, 'developing');
	return g.body;
}

/** A developing app whose callbacks point at rx. */
export async function developingApp(srv, owner, providerId, rx, over = {}) {
	const app = await createApp(srv, owner.token, providerId, appBody(rx, over));
	await approveCreation(srv, owner.token, app.app_id);
	return app;
}

/** The <Tag> values of a flat XML document (CDATA or text). */
export function xmlFields(xml) {
	const out = {};
	const re = /<([A-Za-z]+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
	let m;
	while ((m = re.exec(xml))) out[m[1]] = m[2] ?? m[3];
	return out;
}

/**
 * Check a recorded push to the auth receive URL (§6) of an app with the
 * given token and key: the query parameters, both signatures, the envelope,
 * and decryption by both npm implementations (which must agree and name the
 * app id). Returns {message, fields} of the decrypted XML.
 */
export function openPush(rec, { token, aesKey: key, appId, envelopeTag = 'AppId' }) {
	assert.equal(rec.method, 'POST');
	const q = rec.query;
	assert.equal(q.encrypt_type, 'aes');
	assert.match(q.timestamp, /^\d+$/);
	assert.ok(q.nonce && q.nonce.length > 0, 'nonce');
	assert.equal(q.signature, sha1Sorted(token, q.timestamp, q.nonce), 'signature over token, timestamp, nonce');
	const env = xmlFields(rec.body);
	assert.ok(env.Encrypt, `no Encrypt in ${rec.body}`);
	assert.equal(env[envelopeTag], appId, `envelope ${envelopeTag}`);
	assert.equal(q.msg_signature, wecom.getSignature(token, q.timestamp, q.nonce, env.Encrypt), 'msg_signature (@wecom/crypto)');
	const w = new WechatCrypto(token, key, appId);
	assert.equal(q.msg_signature, w.getSignature(q.timestamp, q.nonce, env.Encrypt), 'msg_signature (wechat-crypto)');
	const a = wecom.decrypt(key, env.Encrypt);
	const b = w.decrypt(env.Encrypt);
	assert.equal(a.id, appId, 'app id at the end of the plaintext (@wecom/crypto)');
	assert.equal(b.id, appId, 'app id at the end of the plaintext (wechat-crypto)');
	assert.equal(a.message, b.message, 'both implementations decrypt to the same message');
	return { message: a.message, fields: xmlFields(a.message) };
}

/** One outbox event of an app with its attempt log. */
export async function delivery(srv, token, appId, eventId) {
	const r = await srv.req('GET', `/v1/apps/${appId}/deliveries/${eventId}`, { token });
	assertStatus(r, 200, 'GET delivery');
	return r.body;
}

/** The app's events (newest first), optionally by state. */
export async function deliveries(srv, token, appId, state) {
	const r = await srv.req('GET', `/v1/apps/${appId}/deliveries${state ? `?state=${state}` : ''}`, { token });
	assertStatus(r, 200, 'GET deliveries');
	return r.body.items;
}

/** Parse Prometheus text into {"name{labels}": number}. */
export function parseMetrics(text) {
	const out = {};
	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#')) continue;
		const i = line.lastIndexOf(' ');
		out[line.slice(0, i)] = Number(line.slice(i + 1));
	}
	return out;
}

export async function metrics(srv) {
	const r = await srv.req('GET', '/metrics');
	assert.equal(r.status, 200, r.text);
	return parseMetrics(r.text);
}

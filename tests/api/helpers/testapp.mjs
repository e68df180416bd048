// A third-party app that implements the protocol for real (PROTOCOL.md
// §1–§8), for the capability check tests: an HTTP server on 127.0.0.1
// that serves the app's two callback URLs and talks back to Kaifang's
// component API like an SDK would. Crypto is done by @wecom/crypto (an
// implementation written independently of ours), so a passing check shows
// that Kaifang and a real app agree.
//
//   const ta = await startTestApp(srv, { mode: 'good' });
//   const app = await developingApp(srv, owner, prov.id, ta);   // ta has .base like a receiver
//   ta.configure(app);                                          // app id, secret, token and key
//
// What it does:
//   auth receive URL  verifies signature and msg_signature, decrypts and
//                     checks the app id; component_verify_ticket: keeps the
//                     ticket and fetches a component access token with it;
//                     authorized: exchanges the code (api_query_auth); any
//                     event is answered "success".
//   message URL       verifies and decrypts likewise; Content
//                     TESTCOMPONENT_MSG_TYPE_TEXT is answered with the
//                     passive encrypted reply "<Content>_callback" from the
//                     account to the sender; QUERY_AUTH_CODE:<code> is
//                     answered with an empty body at once, then the app
//                     calls api_query_auth with the code and
//                     /cgi-bin/message/custom/send with "<code>_from_api" to
//                     the sender; an event (§8.5, such as LOCATION) is
//                     answered with the passive reply "<Event>from_callback".
//   GET with echostr  the URL verification handshake.
//
// Options:
//   mode     'good' (default) | 'wrong' (the passive reply says something
//            else) | 'late' (the passive reply comes after lateMs)
//   lateMs   delay of 'late' (default 2500)
//   sendApi  false: exchange the code but never call custom/send
//   events   false: answer events "success" instead of the passive reply
//            "<Event>from_callback" of §8.5
// Everything it did is kept in ta.log ([{what, ...}]) and what went wrong
// in ta.errors (a test asserts it stays empty).
import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const wecom = require('@wecom/crypto');

export const TEXT = 'TESTCOMPONENT_MSG_TYPE_TEXT';
export const QUERY = 'QUERY_AUTH_CODE:';

const sha1Sorted = (...parts) => crypto.createHash('sha1').update([...parts].sort().join('')).digest('hex');

function fields(xml) {
	const out = {};
	const re = /<([A-Za-z]+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
	let m;
	while ((m = re.exec(xml))) out[m[1]] = m[2] ?? m[3];
	return out;
}

const cdata = (s) => `<![CDATA[${s}]]>`;

export async function startTestApp(srv, { mode = 'good', lateMs = 2500, sendApi = true, events = true } = {}) {
	const ta = {
		mode,
		lateMs,
		sendApi,
		events,
		base: '',
		appId: null,
		secret: null,
		token: null,
		aesKey: null,
		ticket: null,
		componentToken: null,
		authorizers: {}, // authorizer id -> {access, refresh}
		log: [],
		errors: [],
		pending: new Set(), // work started after an answer
	};

	/** The app's credentials, from the registration answer (appBody / createApp). */
	ta.configure = (app) => {
		ta.appId = app.app_id;
		ta.secret = app.app_secret;
		ta.token = app.sent.dev.message_token;
		ta.aesKey = app.sent.dev.aes_key;
	};

	async function cgi(path, body, token) {
		const q = token ? `?${path.startsWith('/cgi-bin/component/') ? 'component_access_token' : 'access_token'}=${encodeURIComponent(token)}` : '';
		// like the SDKs in the wild: a JSON body and no Content-Type
		const r = await fetch(`${srv.url}${path}${q}`, { method: 'POST', body: JSON.stringify(body) });
		const j = await r.json();
		ta.log.push({ what: 'call', path, errcode: j.errcode ?? 0 });
		return j;
	}

	async function componentToken() {
		if (ta.componentToken) return ta.componentToken;
		const j = await cgi('/cgi-bin/component/api_component_token', {
			component_appid: ta.appId, component_appsecret: ta.secret, component_verify_ticket: ta.ticket,
		});
		if (!j.component_access_token) throw new Error(`api_component_token: ${JSON.stringify(j)}`);
		ta.componentToken = j.component_access_token;
		return ta.componentToken;
	}

	async function queryAuth(code) {
		let j = await cgi('/cgi-bin/component/api_query_auth', { component_appid: ta.appId, authorization_code: code }, await componentToken());
		if ([40001, 42001].includes(j.errcode)) {
			// a token of before a restart or expired: fetch another once
			ta.componentToken = null;
			j = await cgi('/cgi-bin/component/api_query_auth', { component_appid: ta.appId, authorization_code: code }, await componentToken());
		}
		const info = j.authorization_info;
		if (!info) throw new Error(`api_query_auth: ${JSON.stringify(j)}`);
		ta.authorizers[info.authorizer_appid] = { access: info.authorizer_access_token, refresh: info.authorizer_refresh_token };
		return info;
	}

	function later(what, fn) {
		const p = (async () => {
			try {
				await fn();
			} catch (e) {
				ta.errors.push(`${what}: ${e.message}`);
			}
		})();
		ta.pending.add(p);
		p.finally(() => ta.pending.delete(p));
	}

	/** Verify the signatures and decrypt a push; null (answered 400) when it fails. */
	function open(rec, idTag) {
		const q = rec.query;
		const env = fields(rec.body);
		const problems = [];
		if (q.encrypt_type !== 'aes') problems.push('encrypt_type');
		if (q.signature !== sha1Sorted(ta.token, q.timestamp, q.nonce)) problems.push('signature');
		if (!env.Encrypt || q.msg_signature !== wecom.getSignature(ta.token, q.timestamp, q.nonce, env.Encrypt)) problems.push('msg_signature');
		let plain = null;
		if (!problems.length) {
			try {
				plain = wecom.decrypt(ta.aesKey, env.Encrypt);
				if (plain.id !== ta.appId) problems.push(`app id ${plain.id}`);
			} catch (e) {
				problems.push(`decrypt: ${e.message}`);
			}
		}
		if (idTag === 'AppId' && env.AppId !== ta.appId) problems.push('envelope AppId');
		if (problems.length) {
			ta.errors.push(`${rec.path}: ${problems.join(', ')}`);
			return null;
		}
		return { env, message: plain.message, f: fields(plain.message) };
	}

	/** The passive reply of §7: encrypted, signed, sender and receiver swapped. */
	function passiveReply(f, content) {
		const ts = String(Math.floor(Date.now() / 1000));
		const nonce = String(crypto.randomInt(1e9, 1e10));
		const msg = `<xml><ToUserName>${cdata(f.FromUserName)}</ToUserName><FromUserName>${cdata(f.ToUserName)}</FromUserName>` +
			`<CreateTime>${ts}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content></xml>`;
		const enc = wecom.encrypt(ta.aesKey, msg, ta.appId);
		const sig = wecom.getSignature(ta.token, ts, nonce, enc);
		return `<xml><Encrypt>${cdata(enc)}</Encrypt><MsgSignature>${cdata(sig)}</MsgSignature><TimeStamp>${ts}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`;
	}

	async function onAuthReceive(rec) {
		const o = open(rec, 'AppId');
		if (!o) return [400, 'bad push'];
		const type = o.f.InfoType;
		ta.log.push({ what: type, fields: o.f });
		if (type === 'component_verify_ticket') {
			ta.ticket = o.f.ComponentVerifyTicket;
			ta.componentToken = null;
			later('component token', componentToken);
		} else if (type === 'authorized' || type === 'updateauthorized') {
			later('authorized event', () => queryAuth(o.f.AuthorizationCode));
		}
		return [200, 'success'];
	}

	async function onMessage(rec) {
		const o = open(rec, 'ToUserName');
		if (!o) return [400, 'bad push'];
		const f = o.f;
		ta.log.push({ what: 'message', fields: f, authorizerInPath: rec.path.split('/').pop() });
		if (f.MsgType === 'text' && f.Content === TEXT) {
			if (ta.mode === 'wrong') return [200, passiveReply(f, 'hello there')];
			if (ta.mode === 'late') await sleep(ta.lateMs);
			return [200, passiveReply(f, `${f.Content}_callback`)];
		}
		if (f.MsgType === 'event' && ta.events) {
			if (ta.mode === 'late') await sleep(ta.lateMs);
			return [200, passiveReply(f, `${f.Event}from_callback`)];
		}
		if (f.MsgType === 'text' && f.Content?.startsWith(QUERY)) {
			const code = f.Content.slice(QUERY.length);
			later('QUERY_AUTH_CODE', async () => {
				const info = await queryAuth(code);
				if (!ta.sendApi) return;
				const j = await cgi('/cgi-bin/message/custom/send', { touser: f.FromUserName, msgtype: 'text', text: { content: `${code}_from_api` } }, info.authorizer_access_token);
				if (j.errcode !== 0) throw new Error(`custom/send: ${JSON.stringify(j)}`);
			});
			return [200, ''];
		}
		return [200, 'success'];
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (d) => chunks.push(d));
		req.on('end', async () => {
			const u = new URL(req.url, 'http://127.0.0.1');
			const rec = { method: req.method, path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
			let status = 404;
			let body = 'not found';
			try {
				if (req.method === 'GET' && rec.query.echostr !== undefined) {
					const ok = sha1Sorted(ta.token, rec.query.timestamp, rec.query.nonce) === rec.query.signature;
					[status, body] = ok ? [200, rec.query.echostr] : [403, 'bad signature'];
				} else if (req.method === 'POST' && rec.path.startsWith('/auth/')) {
					[status, body] = await onAuthReceive(rec);
				} else if (req.method === 'POST' && rec.path.startsWith('/msg/')) {
					[status, body] = await onMessage(rec);
				}
			} catch (e) {
				ta.errors.push(`${rec.path}: ${e.message}`);
				[status, body] = [500, 'error'];
			}
			if (res.destroyed) return;
			res.writeHead(status, { 'Content-Type': 'text/plain' });
			res.end(body);
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	ta.port = server.address().port;
	ta.base = `http://127.0.0.1:${ta.port}`;

	/** The component access token (fetched with the latest ticket when none is held). */
	ta.componentAccessToken = componentToken;

	/** Wait for the work started after answers (token fetches, API calls). */
	ta.settle = async () => {
		while (ta.pending.size) await Promise.allSettled([...ta.pending]);
	};
	ta.close = async () => {
		await ta.settle();
		server.closeAllConnections?.();
		await new Promise((resolve) => server.close(() => resolve()));
	};
	return ta;
}

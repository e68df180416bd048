// Message crypto cross-checks (PROTOCOL.md §7): our implementation, driven
// through `kaifang msg encrypt|decrypt`, against two independently written
// npm implementations (@wecom/crypto and wechat-crypto), in both directions,
// for random messages of 0 to 64 KiB including multi-byte UTF-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import { KAIFANG_CLI } from './helpers/server.mjs';

const require = createRequire(import.meta.url);
const wecom = require('@wecom/crypto');
const WechatCrypto = require('wechat-crypto');

const TOKEN = 'kfTestToken42';
const APPID = 'kf0123456789abcdef';

function genKey() {
	const r = spawnSync(KAIFANG_CLI, ['msg', 'genkey'], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	const key = r.stdout.trim();
	assert.match(key, /^[A-Za-z0-9+/]{43}$/);
	return key;
}

function ours(args, input) {
	const r = spawnSync(KAIFANG_CLI, ['msg', ...args], { input, maxBuffer: 1 << 24 });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

// A random message of exactly `bytes` bytes of valid UTF-8 mixing 1- to 4-byte characters.
function randomText(bytes) {
	const pool = ['a', 'Z', '7', '<', '&', 'é', 'ß', '开', '放', '平', '台', '😀', '𝄞'];
	let s = '';
	let n = 0;
	while (n < bytes) {
		const c = pool[crypto.randomInt(pool.length)];
		const len = Buffer.byteLength(c);
		if (n + len > bytes) {
			s += 'x'.repeat(bytes - n);
			break;
		}
		s += c;
		n += len;
	}
	return s;
}

const sizes = [0, 1, 31, 32, 33, 1000, 65536];
for (let i = 0; i < 6; i++) sizes.push(crypto.randomInt(65536));

test('known key: our ciphertext of a vector message decrypts with both npm implementations', () => {
	const key = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
	const msg = '<xml><Content><![CDATA[test]]></Content></xml>';
	const r = ours(['encrypt', '--token', '123456', '--key', key, '--appid', 'wx49f0ab532d5d035a'], msg);
	assert.equal(r.status, 0, r.stderr);
	const out = JSON.parse(r.stdout);
	assert.equal(wecom.decrypt(key, out.encrypt).message, msg);
	assert.equal(wecom.getSignature('123456', out.timestamp, out.nonce, out.encrypt), out.msg_signature);
});

for (const size of sizes) {
	test(`${size} bytes: ours encrypts, @wecom/crypto and wechat-crypto decrypt and agree on the signature`, () => {
		const key = genKey();
		const msg = randomText(size);
		const r = ours(['encrypt', '--token', TOKEN, '--key', key, '--appid', APPID], msg);
		assert.equal(r.status, 0, r.stderr);
		const out = JSON.parse(r.stdout);
		const a = wecom.decrypt(key, out.encrypt);
		assert.equal(a.message, msg);
		assert.equal(a.id, APPID);
		assert.equal(wecom.getSignature(TOKEN, out.timestamp, out.nonce, out.encrypt), out.msg_signature);
		const w = new WechatCrypto(TOKEN, key, APPID);
		const b = w.decrypt(out.encrypt);
		assert.equal(b.message, msg);
		assert.equal(b.id, APPID);
		assert.equal(w.getSignature(out.timestamp, out.nonce, out.encrypt), out.msg_signature);
	});

	test(`${size} bytes: @wecom/crypto and wechat-crypto encrypt, ours verifies and decrypts byte for byte`, () => {
		const key = genKey();
		const msg = randomText(size);
		const ts = String(Math.floor(Date.now() / 1000));
		const nonce = String(crypto.randomInt(1e9));
		for (const enc of [wecom.encrypt(key, msg, APPID), new WechatCrypto(TOKEN, key, APPID).encrypt(msg)]) {
			const sig = wecom.getSignature(TOKEN, ts, nonce, enc);
			const r = ours(['decrypt', '--token', TOKEN, '--key', key, '--appid', APPID, '--timestamp', ts, '--nonce', nonce, '--signature', sig], enc);
			assert.equal(r.status, 0, r.stderr);
			assert.ok(r.stdout.equals(Buffer.from(msg, 'utf8')));
		}
	});
}

test('a tampered signature or another app id is refused', () => {
	const key = genKey();
	const ts = '1700000000';
	const nonce = '12345';
	const enc = wecom.encrypt(key, 'hello', APPID);
	const sig = wecom.getSignature(TOKEN, ts, nonce, enc);
	const bad = ours(['decrypt', '--token', TOKEN, '--key', key, '--appid', APPID, '--timestamp', ts, '--nonce', nonce, '--signature', sig.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))], enc);
	assert.equal(bad.status, 1);
	assert.match(bad.stderr, /bad_signature/);
	assert.equal(bad.stdout.length, 0);
	const other = ours(['decrypt', '--token', TOKEN, '--key', key, '--appid', 'kf9999999999999999', '--timestamp', ts, '--nonce', nonce, '--signature', sig], enc);
	assert.equal(other.status, 1);
	assert.match(other.stderr, /appid_mismatch/);
});

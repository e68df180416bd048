// The same work as crypto_bench.c with @wecom/crypto on Node, one thread:
// encrypt + getSignature of 1 KiB messages. Prints messages/second.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../tests/package.json', import.meta.url));
const wecom = require('@wecom/crypto');
const secs = Number(process.argv[2] || 2);
const key = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const msg = Array.from({ length: 1024 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
let n = 0;
const t0 = process.hrtime.bigint();
let t = t0;
while (Number(t - t0) / 1e9 < secs) {
	for (let k = 0; k < 1000; k++) {
		const enc = wecom.encrypt(key, msg, 'kf0123456789abcdef');
		wecom.getSignature('benchToken', '1700000000', '123456789', enc);
	}
	n += 1000;
	t = process.hrtime.bigint();
}
console.log(Math.round(n / (Number(t - t0) / 1e9)));

// Pictures for listing tests, drawn here and encoded as PNG with node:zlib
// (no image file is committed), their upload through /v1/files, and a
// listing that passes every automated rule (LST-*).
import zlib from 'node:zlib';
import { assertStatus } from './flows.mjs';

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(zlib.crc32(td) >>> 0);
	return Buffer.concat([len, td, crc]);
}

/** An RGB PNG of w x h whose pixel (x, y) is paint(x, y) = [r, g, b]. */
export function png(w, h, paint) {
	const raw = Buffer.alloc((w * 3 + 1) * h);
	let o = 0;
	for (let y = 0; y < h; y++) {
		raw[o++] = 0; // filter: none
		for (let x = 0; x < w; x++) {
			const [r, g, b] = paint(x, y);
			raw[o++] = r;
			raw[o++] = g;
			raw[o++] = b;
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // RGB
	const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export const grey = (v) => [v, v, v];
/** Bright on the left, dark on the right. */
export const fadeLeft = (w) => (x) => grey(255 - Math.floor((x * 255) / (w - 1)));
/** Squares of side s. */
export const checker = (s) => (x, y) => grey((Math.floor(x / s) + Math.floor(y / s)) % 2 ? 235 : 20);
/** Dark on the left, a bright block in the upper right. */
export const block = (w, h) => (x, y) => grey(x > w / 2 && y < h / 3 ? 240 : 30 + Math.floor((y * 60) / h));

/** Upload bytes as a file of the caller (201); returns its id. */
export async function upload(srv, token, buf, name = 'picture.png', type = 'image/png') {
	const r = await srv.req('POST', `/v1/files?name=${encodeURIComponent(name)}`, { token, raw: buf, headers: { 'Content-Type': type } });
	assertStatus(r, 201, `upload ${name}`);
	return r.body.id;
}

/** The pictures of a clean listing, uploaded by token: {logo, companyLogo, d1, d2, m1}. */
export async function listingPictures(srv, token) {
	return {
		logo: await upload(srv, token, png(128, 128, (x, y) => ((x - 64) ** 2 + (y - 64) ** 2 < 1600 ? [200, 40, 40] : [250, 250, 250])), 'logo.png'),
		companyLogo: await upload(srv, token, png(128, 128, checker(16)), 'company.png'),
		d1: await upload(srv, token, png(1920, 1080, fadeLeft(1920)), 'desktop-1.png'),
		d2: await upload(srv, token, png(1920, 1080, checker(135)), 'desktop-2.png'),
		m1: await upload(srv, token, png(750, 1628, block(750, 1628)), 'mobile-1.png'),
	};
}

/**
 * A listing that passes every rule. base is an http URL prefix whose
 * /privacy, /terms and website paths answer 200; company is the provider's
 * verified entity name (LST-15).
 */
export function cleanListing(files, base, company, over = {}) {
	return {
		name: '天气助手',
		logo_file: files.logo,
		category: 'tools',
		intro: '查看所在城市的天气预报',
		description: '为团队成员提供所在城市的天气预报、降雨提醒与灾害预警。',
		previews_desktop: [files.d1, files.d2],
		previews_mobile: [files.m1],
		version: '1.0.0',
		update_notes: '首次发布。',
		privacy_url: `${base}/privacy`,
		terms_url: `${base}/terms`,
		company_name: company,
		company_logo_file: files.companyLogo,
		website: `${base}/site`,
		support_phone: '010-12345678',
		keywords: ['天气', '预报'],
		...over,
	};
}

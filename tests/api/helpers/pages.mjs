// A browser-like session against the console's pages over plain HTTP:
// cookies kept between requests, the form's CSRF token taken from the page
// it was shown on, forms posted as a browser posts them (urlencoded or
// multipart, with the platform's own Origin). For page-level tests; the
// browser journeys live in tests/e2e.

/** Decode the few entities the HTML builder writes. */
export function unescapeHtml(s) {
	return s
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}

/** The value of the first input called name in html, or null. */
export function field(html, name) {
	const re = new RegExp(`<input[^>]*name="${name}"[^>]*>`);
	const tag = re.exec(html)?.[0];
	const v = tag && /value="([^"]*)"/.exec(tag);
	return v ? unescapeHtml(v[1]) : null;
}

/** The text of the <main> element with tags removed and spaces squeezed. */
export function mainText(html) {
	const m = /<main[^>]*>([\s\S]*)<\/main>/.exec(html);
	return unescapeHtml((m ? m[1] : html).replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** The error shown under a form field (its text), or null. */
export function fieldError(html, name) {
	const m = new RegExp(`<div class="err" id="f-${name.replace(/\./g, '\\.')}-err">([\\s\\S]*?)</div>`).exec(html);
	return m ? unescapeHtml(m[1].replace(/<[^>]+>/g, '')).trim() : null;
}

export class PageSession {
	/**
	 * lang: the browser's language (Accept-Language). switchTo: the
	 * language picked with the pages' switch (the kf_lang cookie), which
	 * wins over the account's language; by default the browser's.
	 */
	constructor(srv, { lang = 'en', switchTo = lang } = {}) {
		this.srv = srv;
		this.cookies = new Map();
		this.lang = lang;
		if (switchTo) this.cookies.set('kf_lang', switchTo);
		this.last = null; // the last page fetched with get()
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	keep(res) {
		for (const c of res.headers.getSetCookie?.() || []) {
			const [pair, ...attrs] = c.split(';');
			const i = pair.indexOf('=');
			const k = pair.slice(0, i).trim(), v = pair.slice(i + 1).trim();
			if (attrs.some((a) => /max-age=0/i.test(a)) || v === '') this.cookies.delete(k);
			else this.cookies.set(k, v);
		}
	}

	async fetch(method, p, { headers = {}, body } = {}) {
		const h = { 'Accept-Language': this.lang === 'zh' ? 'zh-CN,zh;q=0.9' : 'en', ...headers };
		const c = this.cookieHeader();
		if (c) h.Cookie = c;
		const r = await fetch(this.srv.url + p, { method, headers: h, body, redirect: 'manual' });
		this.keep(r);
		const text = await r.text();
		return { status: r.status, headers: r.headers, text, location: r.headers.get('location') };
	}

	/** GET a page (following redirects on this site). */
	async get(p) {
		let r = await this.fetch('GET', p);
		for (let i = 0; i < 5 && r.status >= 300 && r.status < 400 && r.location?.startsWith('/'); i++)
			r = await this.fetch('GET', r.location);
		this.last = r;
		return r;
	}

	/**
	 * POST a form as the page `from` (default: the last page fetched) shows
	 * it: its csrf_token is added. files: {name: {data: Buffer, filename,
	 * type}} posts multipart. follow: follow a redirect after the post.
	 */
	async post(p, fields = {}, { from, files, follow = true, origin = this.srv.url } = {}) {
		const page = from || this.last;
		const csrf = page ? field(page.text, 'csrf_token') : null;
		let body, headers = { Origin: origin };
		if (files) {
			const fd = new FormData();
			if (csrf) fd.append('csrf_token', csrf);
			for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) fd.append(k, String(x));
			for (const [k, f] of Object.entries(files))
				fd.append(k, new Blob([f.data], { type: f.type || 'application/octet-stream' }), f.filename || 'file');
			body = fd;
		} else {
			const u = new URLSearchParams();
			if (csrf) u.append('csrf_token', csrf);
			for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) u.append(k, String(x));
			body = u.toString();
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
		}
		const r = await this.fetch('POST', p, { headers, body });
		if (follow && r.status === 303 && r.location?.startsWith('/')) {
			const next = await this.get(r.location);
			next.redirectedFrom = r;
			return next;
		}
		this.last = r.status === 200 || r.status >= 400 ? r : this.last;
		return r;
	}

	/** Sign in through the sign-in page. */
	async signIn(login, password) {
		await this.get('/console/signin');
		const r = await this.post('/console/signin', { login, password });
		if (!this.cookies.has('kf_session')) throw new Error(`sign-in failed: ${r.status} ${mainText(r.text).slice(0, 300)}`);
		return r;
	}
}

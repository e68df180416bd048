/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listing image checks: header probing, the logo and preview rules and a
 * difference hash for duplicate previews. stb_image's implementation is
 * compiled into this file (PNG/JPEG/GIF only, no stdio), so the binary needs
 * no extra library; other modules go through this API, never stbi_*
 * directly. Invariant: stbi_load_from_memory is called only after
 * kf_image_probe has shown width and height within KF_IMAGE_MAX_DIM.
 */
#include "core/image.h"

#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_GIF
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#include <stb/stb_image.h>
#include <zbar.h>
#pragma GCC diagnostic pop

/* ---- Probing --------------------------------------------------------- */

const char *kf_image_format_name(enum kf_image_format fmt)
{
	switch (fmt) {
	case KF_IMAGE_FORMAT_PNG:
		return "png";
	case KF_IMAGE_FORMAT_JPEG:
		return "jpeg";
	case KF_IMAGE_FORMAT_GIF:
		return "gif";
	case KF_IMAGE_FORMAT_UNKNOWN:
		break;
	}
	return "unknown";
}

static enum kf_image_format sniff(const unsigned char *d, size_t n)
{
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (n >= 8 && memcmp(d, png, 8) == 0)
		return KF_IMAGE_FORMAT_PNG;
	if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return KF_IMAGE_FORMAT_JPEG;
	if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
		return KF_IMAGE_FORMAT_GIF;
	return KF_IMAGE_FORMAT_UNKNOWN;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * PNG and GIF keep the dimensions at a fixed place, so they are read here
 * directly: stb_image refuses to even report the size of a very large PNG,
 * and the rule check wants to name it. JPEG needs a marker walk, which stb
 * does (and fails for absurd sizes, which then reads as unreadable).
 */
static int header_dims(enum kf_image_format fmt, const unsigned char *d, size_t n, long *w,
		       long *h)
{
	if (fmt == KF_IMAGE_FORMAT_PNG) {
		if (n < 24 || be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
			return 0;
		*w = (long)be32(d + 16);
		*h = (long)be32(d + 20);
		return *w >= 1 && *h >= 1 && *w <= INT_MAX && *h <= INT_MAX;
	}
	if (fmt == KF_IMAGE_FORMAT_GIF) {
		if (n < 13)
			return 0;
		*w = d[6] | (long)d[7] << 8;
		*h = d[8] | (long)d[9] << 8;
		return *w >= 1 && *h >= 1;
	}
	return 0;
}

/* stb_image sums a Huffman table's 16 code counts without a bound and
 * writes that many code sizes into an array of 257, so a JPEG header
 * whose counts add up to more than 256 overwrites its decoder's memory
 * (found by tests/fuzz/upload_fuzz.c). Every FF C4 (DHT) marker is read
 * the way stb reads it (past the segment's end as it does, with zeros
 * beyond the file), and a table of more than 256 codes refuses the file
 * before stb sees it. A byte pair FF C4 can only be a marker outside of
 * other segments' payloads; inside one it is judged the same way, which at
 * worst refuses an odd file. */
static unsigned get8(const unsigned char *d, size_t n, size_t *p)
{
	size_t at = (*p)++;
	return at < n ? d[at] : 0;
}

static bool jpeg_tables_fit(const unsigned char *d, size_t n)
{
	for (size_t m = 0; m + 1 < n; m++) {
		if (d[m] != 0xFF || d[m + 1] != 0xC4)
			continue;
		size_t p = m + 2;
		long len = (long)get8(d, n, &p) << 8;
		len = (len | (long)get8(d, n, &p)) - 2;
		while (len > 0) {
			(void)get8(d, n, &p); /* table class and id */
			long codes = 0;
			for (int i = 0; i < 16; i++)
				codes += get8(d, n, &p);
			if (codes > 256)
				return false;
			p += (size_t)codes;
			len -= 17 + codes;
		}
	}
	return true;
}

enum kf_err kf_image_probe(const unsigned char *data, size_t n, struct kf_image_info *out,
			   struct kf_error *err)
{
	long w = 0, h = 0;
	int sw = 0, sh = 0, sc = 0;

	memset(out, 0, sizeof(*out));
	out->bytes = n;
	if (n > INT_MAX)
		return kf_error_set(err, KF_ELIMIT, "image_too_large", NULL, NULL,
				    "image file of %zu bytes is too large", n);
	if (n == 0 || data == NULL)
		return kf_error_set(err, KF_EINVAL, "image_unreadable", NULL, NULL,
				    "image file is empty");
	out->fmt = sniff(data, n);
	if (out->fmt == KF_IMAGE_FORMAT_UNKNOWN)
		return kf_error_set(err, KF_EINVAL, "image_unreadable", NULL, NULL,
				    "not a PNG, JPEG or GIF image");
	if (header_dims(out->fmt, data, n, &w, &h) && (w > KF_IMAGE_MAX_DIM || h > KF_IMAGE_MAX_DIM)) {
		out->width = (int)w;
		out->height = (int)h;
		return KF_OK;
	}
	if (out->fmt == KF_IMAGE_FORMAT_JPEG && !jpeg_tables_fit(data, n))
		return kf_error_set(err, KF_EINVAL, "image_unreadable", NULL, NULL,
				    "broken jpeg header: a Huffman table of more than 256 codes");
	/* Within the cap (or JPEG): stb must agree that the header is sound. */
	if (!stbi_info_from_memory(data, (int)n, &sw, &sh, &sc) || sw < 1 || sh < 1)
		return kf_error_set(err, KF_EINVAL, "image_unreadable", NULL, NULL,
				    "broken %s header", kf_image_format_name(out->fmt));
	out->width = sw;
	out->height = sh;
	return KF_OK;
}

/* ---- Findings -------------------------------------------------------- */

/* The whole file's length of a blob (see kf_image_blob). */
static size_t blob_size(const struct kf_image_blob *b)
{
	return b->size > b->n ? b->size : b->n;
}

/* stb_image grows its buffer to a chunk's declared length before reading
 * it, so a 40-byte PNG declaring a 2 GB chunk costs 2 GB. Every chunk must
 * lie inside the file (found by the fuzz harness). */
static bool png_chunks_fit(const unsigned char *d, size_t n)
{
	size_t off = 8; /* signature */
	while (off + 12 <= n) {
		size_t len = (size_t)d[off] << 24 | (size_t)d[off + 1] << 16 | (size_t)d[off + 2] << 8 | d[off + 3];
		if (len > n - off - 12)
			return false;
		if (!memcmp(d + off + 4, "IEND", 4))
			return true;
		off += 12 + len;
	}
	return off == n;
}

/* Decode fully (within the dimension cap) and hash. */
/* Decode data to one gray byte a pixel (*px, freed with stbi_image_free),
 * within the decoding limit. */
static enum kf_err decode_gray(const unsigned char *data, size_t n, unsigned char **px, int *w, int *h,
			       struct kf_error *err)
{
	struct kf_image_info info;
	int c = 0;
	enum kf_err rc = kf_image_probe(data, n, &info, err);

	*px = NULL;
	if (rc != KF_OK)
		return rc;
	if (info.width > KF_IMAGE_MAX_DIM || info.height > KF_IMAGE_MAX_DIM)
		return kf_error_set(err, KF_ELIMIT, "image_too_large", NULL, NULL,
				    "%dx%d pixels exceeds the decoding limit of %dx%d",
				    info.width, info.height, KF_IMAGE_MAX_DIM, KF_IMAGE_MAX_DIM);
	if (info.fmt == KF_IMAGE_FORMAT_PNG && !png_chunks_fit(data, n)) {
		return kf_error_set(err, KF_EINVAL, "image_unreadable", NULL, NULL,
				    "png image has a chunk longer than the file");
	}
	*px = stbi_load_from_memory(data, (int)n, w, h, &c, 1);
	if (*px == NULL || *w != info.width || *h != info.height) {
		stbi_image_free(*px);
		*px = NULL;
		return kf_error_set(err, KF_EINVAL, "image_unreadable", NULL, NULL,
				    "%s image does not decode", kf_image_format_name(info.fmt));
	}
	return KF_OK;
}

static enum kf_err decode_hash(const unsigned char *data, size_t n, uint64_t *hash,
			       struct kf_error *err)
{
	unsigned char *px;
	int w = 0, h = 0;
	enum kf_err rc = decode_gray(data, n, &px, &w, &h, err);
	if (rc == KF_OK)
		*hash = kf_image_phash(px, w, h, 1);
	stbi_image_free(px);
	return rc;
}

void kf_image_check_logo(const struct kf_image_blob *b, const char *rule, const char *field,
			 struct kf_findings *out)
{
	struct kf_image_info info;
	struct kf_error err;
	uint64_t hash = 0;
	const enum kf_severity R = KF_SEVERITY_REJECT;
	size_t size = blob_size(b);

	if (kf_image_probe(b->data, b->n, &info, &err) != KF_OK) {
		kf_findings_add(out, rule, field, R, "logo must be a 128x128 PNG: %s", err.msg);
		return;
	}
	if (info.fmt != KF_IMAGE_FORMAT_PNG)
		kf_findings_add(out, rule, field, R, "logo must be a PNG image, not %s",
		    kf_image_format_name(info.fmt));
	if (info.width != KF_IMAGE_LOGO_DIM || info.height != KF_IMAGE_LOGO_DIM)
		kf_findings_add(out, rule, field, R, "logo must be exactly %dx%d pixels, not %dx%d",
		    KF_IMAGE_LOGO_DIM, KF_IMAGE_LOGO_DIM, info.width, info.height);
	if (size > KF_IMAGE_LOGO_MAX_BYTES)
		kf_findings_add(out, rule, field, R, "logo is %zu bytes; at most 20 KB (%zu bytes)", size,
		    KF_IMAGE_LOGO_MAX_BYTES);
	/* Only a logo that is right so far is decoded (cheap: 128x128). */
	if (info.fmt == KF_IMAGE_FORMAT_PNG && info.width == KF_IMAGE_LOGO_DIM &&
	    info.height == KF_IMAGE_LOGO_DIM && size == b->n &&
	    decode_hash(b->data, b->n, &hash, &err) != KF_OK)
		kf_findings_add(out, rule, field, R, "logo does not decode: %s", err.msg);
}

/* ---- LST-21: QR codes in the icon ---- */

/* Pictures up to this size are also scanned enlarged. */
#define QR_UPSCALE_MAX_DIM 200

/* One ZBar pass over gray[w*h] (borrowed), QR codes only. */
static int scan_qr(const unsigned char *gray, int w, int h, char *text, size_t size)
{
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	if (!sc || !img) {
		fprintf(stderr, "kaifang: out of memory (zbar)\n");
		abort();
	}
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)w, (unsigned)h);
	zbar_image_set_data(img, gray, (unsigned long)w * (unsigned long)h, NULL);
	int n = zbar_scan_image(sc, img);
	if (n > 0 && size > 0) {
		const zbar_symbol_t *sym = zbar_image_first_symbol(img);
		const char *data = sym ? zbar_symbol_get_data(sym) : NULL;
		snprintf(text, size, "%s", data ? data : "");
	}
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	return n > 0 ? n : 0;
}

int kf_image_find_qr(const unsigned char *gray, int w, int h, char *text, size_t size)
{
	if (size > 0)
		text[0] = '\0';
	if (!gray || w <= 0 || h <= 0 || w > KF_IMAGE_MAX_DIM || h > KF_IMAGE_MAX_DIM)
		return 0;
	int n = scan_qr(gray, w, h, text, size);
	for (int k = 2; n == 0 && k <= 3 && w <= QR_UPSCALE_MAX_DIM && h <= QR_UPSCALE_MAX_DIM; k++) {
		/* nearest neighbour: every module stays a sharp square */
		unsigned char *big = malloc((size_t)w * k * (size_t)h * k);
		if (!big) {
			fprintf(stderr, "kaifang: out of memory (qr)\n");
			abort();
		}
		for (int y = 0; y < h * k; y++)
			for (int x = 0; x < w * k; x++)
				big[(size_t)y * (size_t)(w * k) + (size_t)x] = gray[(size_t)(y / k) * (size_t)w + (size_t)(x / k)];
		n = scan_qr(big, w * k, h * k, text, size);
		free(big);
	}
	return n;
}

void kf_image_check_icon_codes(const struct kf_image_blob *b, const char *field, struct kf_findings *out)
{
	struct kf_image_info info;
	struct kf_error err;
	if (!b || !b->data || blob_size(b) != b->n || blob_size(b) > KF_IMAGE_LOGO_MAX_BYTES ||
	    kf_image_probe(b->data, b->n, &info, &err) != KF_OK || info.width != KF_IMAGE_LOGO_DIM ||
	    info.height != KF_IMAGE_LOGO_DIM)
		return; /* LST-6 reports it */
	unsigned char *px;
	int w = 0, h = 0;
	if (decode_gray(b->data, b->n, &px, &w, &h, &err) != KF_OK)
		return;
	char text[81];
	int n = kf_image_find_qr(px, w, h, text, sizeof(text));
	stbi_image_free(px);
	for (char *p = text; *p; p++) /* what a code says is anything: quote it plainly */
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7E || *p == '"' || *p == '\\')
			*p = '?';
	if (n > 0)
		kf_findings_add(out, "LST-21", field, KF_SEVERITY_REJECT,
				"the icon carries a QR code (it reads \"%s\"); icons may not carry QR codes", text);
}

struct preview_set {
	const char *field;
	const char *label; /* "desktop" / "mobile" */
	int w, h;
	size_t max_bytes;
	const char *max_text;
};

static const struct preview_set DESKTOP = {"previews_desktop", "desktop", KF_IMAGE_DESKTOP_W,
					   KF_IMAGE_DESKTOP_H, KF_IMAGE_DESKTOP_MAX_BYTES,
					   "3.5 MB"};
static const struct preview_set MOBILE = {"previews_mobile", "mobile", KF_IMAGE_MOBILE_W,
					  KF_IMAGE_MOBILE_H, KF_IMAGE_MOBILE_MAX_BYTES, "2.5 MB"};

/* A preview that decoded, for the duplicate comparison. */
struct hashed {
	const struct preview_set *set;
	size_t index;
};

/* LST-10 for one set; hashes decodable previews into hashes/who. */
static void check_set(const struct preview_set *s, const struct kf_image_blob *b, size_t n,
		      uint64_t *hashes, struct hashed *who, size_t *nh,
		      struct kf_findings *out)
{
	const enum kf_severity R = KF_SEVERITY_REJECT;
	struct kf_image_info info;
	struct kf_error err;

	if (n > KF_IMAGE_PREVIEWS_MAX)
		kf_findings_add(out, "LST-10", s->field, R, "at most %d %s previews, not %zu",
		    KF_IMAGE_PREVIEWS_MAX, s->label, n);
	if (b == NULL)
		n = 0;
	if (n > KF_IMAGE_PREVIEWS_MAX)
		n = KF_IMAGE_PREVIEWS_MAX;
	for (size_t i = 0; i < n; i++) {
		if (kf_image_probe(b[i].data, b[i].n, &info, &err) != KF_OK) {
			kf_findings_add(out, "LST-10", s->field, R,
			    "%s[%zu] must be a PNG, JPG or GIF image: %s", s->field, i, err.msg);
			continue;
		}
		size_t size = blob_size(&b[i]);
		if (size > s->max_bytes)
			kf_findings_add(out, "LST-10", s->field, R, "%s[%zu] is %zu bytes; at most %s (%zu bytes)",
			    s->field, i, size, s->max_text, s->max_bytes);
		/*
		 * Only a preview of the right size is decoded: that bounds the
		 * memory of a listing check to about 2 megapixels per image
		 * (an 8192x8192 PNG would need several hundred MB to decode).
		 */
		if (info.width != s->w || info.height != s->h) {
			kf_findings_add(out, "LST-10", s->field, R,
			    "%s[%zu] must be exactly %dx%d pixels, not %dx%d", s->field, i, s->w,
			    s->h, info.width, info.height);
			continue;
		}
		if (size != b[i].n)
			continue; /* only a prefix was given: never decoded */
		if (decode_hash(b[i].data, b[i].n, &hashes[*nh], &err) != KF_OK) {
			kf_findings_add(out, "LST-10", s->field, R, "%s[%zu] does not decode: %s", s->field, i,
			    err.msg);
			continue;
		}
		who[*nh].set = s;
		who[*nh].index = i;
		(*nh)++;
	}
}

void kf_image_check_previews(const struct kf_image_blob *desktop, size_t n_desktop,
			     const struct kf_image_blob *mobile, size_t n_mobile,
			     struct kf_findings *out)
{
	uint64_t hashes[2 * KF_IMAGE_PREVIEWS_MAX];
	struct hashed who[2 * KF_IMAGE_PREVIEWS_MAX];
	struct kf_image_pair pairs[2 * KF_IMAGE_PREVIEWS_MAX * KF_IMAGE_PREVIEWS_MAX];
	size_t nh = 0, np;

	if (n_desktop == 0 && n_mobile == 0) {
		kf_findings_add(out, "LST-10", "previews", KF_SEVERITY_REJECT,
		    "at least one set of previews (desktop or mobile) is required");
		return;
	}
	check_set(&DESKTOP, desktop, n_desktop, hashes, who, &nh, out);
	check_set(&MOBILE, mobile, n_mobile, hashes, who, &nh, out);
	np = kf_image_find_duplicates(hashes, nh, pairs, sizeof(pairs) / sizeof(pairs[0]));
	for (size_t i = 0; i < np; i++) {
		const struct hashed *a = &who[pairs[i].a], *b = &who[pairs[i].b];
		kf_findings_add(out, "LST-11", b->set->field, KF_SEVERITY_REJECT,
		    "%s[%zu] and %s[%zu] show the same picture (hash distance %d <= %d)",
		    a->set->field, a->index, b->set->field, b->index, pairs[i].distance,
		    KF_IMAGE_DUP_MAX_DISTANCE);
	}
}

/* ---- Perceptual hash ------------------------------------------------- */

enum { HASH_W = 9, HASH_H = 8 };

static unsigned luma(const unsigned char *p, int channels)
{
	if (channels >= 3)
		return (77u * p[0] + 150u * p[1] + 29u * p[2]) >> 8;
	return p[0];
}

/*
 * Area averaging: target cell t of n covers source [t*len/n, (t+1)*len/n);
 * each source pixel contributes by the fraction it overlaps, so the result
 * does not depend on how the picture was resized before. overlap() returns
 * the overlap of source pixel s with cell t.
 */
static double overlap(int s, int t, int len, int cells)
{
	double lo = (double)t * len / cells, hi = (double)(t + 1) * len / cells;
	double a = s > lo ? s : lo, b = s + 1 < hi ? s + 1 : hi;
	return b > a ? b - a : 0.0;
}

uint64_t kf_image_phash(const unsigned char *pixels, int w, int h, int channels)
{
	double cell[HASH_H][HASH_W];
	double row[HASH_W + 1]; /* one spare: a pixel's second share may be 0 past the end */
	uint64_t hash = 0;
	size_t stride;

	if (pixels == NULL || w < 1 || h < 1 || channels < 1 || channels > 4)
		return 0;
	/*
	 * A source column overlaps at most two target columns (a cell is wider
	 * than a pixel when w >= HASH_W; narrower pictures are handled by the
	 * general loop). Its first cell and both shares are the same on every
	 * row, so they are worked out once: the per-pixel work is then two
	 * multiply-adds instead of a search with divisions.
	 */
	int *first = NULL;
	double *share = NULL;
	if (w >= HASH_W) {
		first = malloc((size_t)w * sizeof(*first));
		share = malloc((size_t)w * 2 * sizeof(*share));
		if (first == NULL || share == NULL)
			abort();
		int tx = 0;
		for (int x = 0; x < w; x++) {
			while (tx < HASH_W - 1 && (double)(tx + 1) * w / HASH_W <= x)
				tx++;
			first[x] = tx;
			share[2 * x] = overlap(x, tx, w, HASH_W);
			share[2 * x + 1] = tx + 1 < HASH_W ? overlap(x, tx + 1, w, HASH_W) : 0.0;
		}
	}
	stride = (size_t)w * (size_t)channels;
	memset(cell, 0, sizeof(cell));
	for (int y = 0; y < h; y++) {
		const unsigned char *p = pixels + (size_t)y * stride;
		memset(row, 0, sizeof(row));
		/* Horizontal pass: this row averaged into HASH_W columns. */
		if (first != NULL) {
			for (int x = 0; x < w; x++) {
				double v = luma(p + (size_t)x * (size_t)channels, channels);
				row[first[x]] += v * share[2 * x];
				row[first[x] + 1] += v * share[2 * x + 1];
			}
		} else {
			int tx = 0;
			for (int x = 0; x < w; x++) {
				double v = luma(p + (size_t)x * (size_t)channels, channels);
				while (tx < HASH_W - 1 && (double)(tx + 1) * w / HASH_W <= x)
					tx++;
				for (int t = tx; t < HASH_W; t++) {
					double o = overlap(x, t, w, HASH_W);
					if (o <= 0.0)
						break;
					row[t] += v * o;
				}
			}
		}
		/* Vertical pass: the row's share of each target row. */
		for (int ty = 0; ty < HASH_H; ty++) {
			double o = overlap(y, ty, h, HASH_H);
			if (o <= 0.0)
				continue;
			for (int t = 0; t < HASH_W; t++)
				cell[ty][t] += row[t] * o;
		}
	}
	free(first);
	free(share);
	/*
	 * Every cell has the same area (w/9 * h/8), so comparing sums is
	 * comparing means. Rounding to the 0..255 grey scale keeps flat regions
	 * from producing noise bits out of floating-point residue.
	 */
	{
		double area = ((double)w / HASH_W) * ((double)h / HASH_H);
		for (int y = 0; y < HASH_H; y++) {
			for (int x = 0; x < HASH_W - 1; x++) {
				long l = (long)(cell[y][x] / area + 0.5);
				long r = (long)(cell[y][x + 1] / area + 0.5);
				if (l > r)
					hash |= UINT64_C(1) << (y * 8 + x);
			}
		}
	}
	return hash;
}

enum kf_err kf_image_phash_of(const unsigned char *data, size_t n, uint64_t *hash,
			      struct kf_error *err)
{
	uint64_t h = 0;
	enum kf_err rc = decode_hash(data, n, &h, err);
	if (rc == KF_OK)
		*hash = h;
	return rc;
}

int kf_image_hamming(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

size_t kf_image_find_duplicates(const uint64_t *hashes, size_t n, struct kf_image_pair *pairs_out,
				size_t cap)
{
	size_t found = 0;

	if (hashes == NULL)
		return 0;
	for (size_t a = 0; a < n; a++) {
		for (size_t b = a + 1; b < n; b++) {
			int d = kf_image_hamming(hashes[a], hashes[b]);
			if (d > KF_IMAGE_DUP_MAX_DISTANCE)
				continue;
			if (pairs_out != NULL && found < cap) {
				pairs_out[found].a = a;
				pairs_out[found].b = b;
				pairs_out[found].distance = d;
			}
			found++;
		}
	}
	return found;
}

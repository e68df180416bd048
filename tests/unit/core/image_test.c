/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/image.c: logo and preview rules (LST-6, LST-10,
 * LST-15), duplicate previews by perceptual hash (LST-11) and the
 * decompression-bomb guard. Every image is generated here with
 * stb_image_write into memory; no image files are committed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/image.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

/* ---- Image generation ------------------------------------------------ */

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void buf_put(void *ctx, void *data, int size)
{
	struct buf *b = ctx;
	if (b->n + (size_t)size > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + (size_t)size)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, (size_t)size);
	b->n += (size_t)size;
}

static struct buf png(const unsigned char *px, int w, int h, int c)
{
	struct buf b = {0};
	assert_true(stbi_write_png_to_func(buf_put, &b, w, h, c, px, w * c));
	return b;
}

/*
 * A small baseline JPEG encoder (one grey component, luma as core/image.c
 * computes it). stb_image_write's JPEG writer shifts signed ints out of range,
 * which the unit-san build aborts on, so the tests carry their own. Huffman
 * tables are simple fixed-length codes: 4 bits for the 12 DC categories,
 * 8 bits for the 162 AC symbols.
 */
struct bits {
	struct buf *b;
	uint32_t acc;
	int n;
};

static void put_byte(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	buf_put(b, &c, 1);
}

static void put_bits(struct bits *w, uint32_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		w->acc = (w->acc << 1) | ((v >> i) & 1u);
		if (++w->n == 8) {
			put_byte(w->b, w->acc);
			if ((w->acc & 0xffu) == 0xffu)
				put_byte(w->b, 0);
			w->acc = 0;
			w->n = 0;
		}
	}
}

static int category(int v)
{
	int c = 0;
	for (int a = v < 0 ? -v : v; a; a >>= 1)
		c++;
	return c;
}

static void put_value(struct bits *w, int v, int cat)
{
	if (cat)
		put_bits(w, (uint32_t)(v < 0 ? v + (1 << cat) - 1 : v), cat);
}

static const unsigned char ZIGZAG[64] = {
	0,  1,  5,  6,  14, 15, 27, 28, 2,  4,  7,  13, 16, 26, 29, 42, 3,  8,  12, 17, 25, 30,
	41, 43, 9,  11, 18, 24, 31, 40, 44, 53, 10, 19, 23, 32, 39, 45, 52, 54, 20, 22, 33, 38,
	46, 51, 55, 60, 21, 34, 37, 47, 50, 56, 59, 61, 35, 36, 48, 49, 57, 58, 62, 63};

static const unsigned char LUMA_Q[64] = {
	16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
	14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
	18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
	49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};

static struct buf jpg(const unsigned char *px, int w, int h, int c, int quality)
{
	struct buf b = {0};
	struct bits bw = {&b, 0, 0};
	unsigned char q[64], ac_syms[162];
	int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality, nac = 0, dc_prev = 0;
	double cosv[8][8];

	for (int i = 0; i < 64; i++) {
		int t = (LUMA_Q[i] * scale + 50) / 100;
		q[ZIGZAG[i]] = (unsigned char)(t < 1 ? 1 : t > 255 ? 255 : t);
	}
	ac_syms[nac++] = 0x00; /* EOB */
	ac_syms[nac++] = 0xf0; /* 16 zeros */
	for (int run = 0; run < 16; run++)
		for (int size = 1; size <= 10; size++)
			ac_syms[nac++] = (unsigned char)(run << 4 | size);
	for (int x = 0; x < 8; x++)
		for (int u = 0; u < 8; u++)
			cosv[x][u] = cos((2 * x + 1) * u * 3.14159265358979323846 / 16) *
				     (u ? 0.5 : 0.5 / sqrt(2.0));

	put_byte(&b, 0xff), put_byte(&b, 0xd8);
	put_byte(&b, 0xff), put_byte(&b, 0xdb), put_byte(&b, 0), put_byte(&b, 67), put_byte(&b, 0);
	buf_put(&b, q, 64); /* already in zigzag order */
	put_byte(&b, 0xff), put_byte(&b, 0xc0), put_byte(&b, 0), put_byte(&b, 11), put_byte(&b, 8);
	put_byte(&b, (unsigned)h >> 8), put_byte(&b, (unsigned)h & 0xff);
	put_byte(&b, (unsigned)w >> 8), put_byte(&b, (unsigned)w & 0xff);
	put_byte(&b, 1), put_byte(&b, 1), put_byte(&b, 0x11), put_byte(&b, 0);
	put_byte(&b, 0xff), put_byte(&b, 0xc4), put_byte(&b, 0), put_byte(&b, 2 + 17 + 12);
	put_byte(&b, 0x00);
	for (int i = 1; i <= 16; i++)
		put_byte(&b, i == 4 ? 12 : 0);
	for (int i = 0; i < 12; i++)
		put_byte(&b, (unsigned)i);
	put_byte(&b, 0xff), put_byte(&b, 0xc4), put_byte(&b, 0), put_byte(&b, 2 + 17 + 162);
	put_byte(&b, 0x10);
	for (int i = 1; i <= 16; i++)
		put_byte(&b, i == 8 ? 162 : 0);
	buf_put(&b, ac_syms, 162);
	put_byte(&b, 0xff), put_byte(&b, 0xda), put_byte(&b, 0), put_byte(&b, 8), put_byte(&b, 1);
	put_byte(&b, 1), put_byte(&b, 0x00), put_byte(&b, 0), put_byte(&b, 63), put_byte(&b, 0);

	for (int by = 0; by < h; by += 8) {
		for (int bx = 0; bx < w; bx += 8) {
			double blk[8][8], tmp[8][8];
			int zz[64], run = 0, last = 0;
			for (int y = 0; y < 8; y++)
				for (int x = 0; x < 8; x++) {
					int sx = bx + x < w ? bx + x : w - 1, sy = by + y < h ? by + y : h - 1;
					const unsigned char *p = px + ((size_t)sy * w + sx) * c;
					unsigned l = c >= 3 ? (77u * p[0] + 150u * p[1] + 29u * p[2]) >> 8 : p[0];
					blk[y][x] = (double)l - 128.0;
				}
			for (int y = 0; y < 8; y++)
				for (int u = 0; u < 8; u++) {
					double s = 0;
					for (int x = 0; x < 8; x++)
						s += blk[y][x] * cosv[x][u];
					tmp[y][u] = s;
				}
			for (int v = 0; v < 8; v++)
				for (int u = 0; u < 8; u++) {
					double s = 0;
					for (int y = 0; y < 8; y++)
						s += tmp[y][u] * cosv[y][v];
					zz[ZIGZAG[v * 8 + u]] = (int)lround(s / q[ZIGZAG[v * 8 + u]]);
				}
			{
				int diff = zz[0] - dc_prev, cat = category(diff);
				dc_prev = zz[0];
				put_bits(&bw, (uint32_t)cat, 4);
				put_value(&bw, diff, cat);
			}
			for (int i = 1; i < 64; i++)
				if (zz[i])
					last = i;
			for (int i = 1; i <= last; i++) {
				int cat;
				if (zz[i] == 0) {
					if (++run == 16) {
						put_bits(&bw, 1, 8); /* index of 0xf0 */
						run = 0;
					}
					continue;
				}
				cat = category(zz[i]);
				assert_true(cat >= 1 && cat <= 10);
				put_bits(&bw, (uint32_t)(2 + run * 10 + cat - 1), 8);
				put_value(&bw, zz[i], cat);
				run = 0;
			}
			if (last < 63)
				put_bits(&bw, 0, 8); /* EOB */
		}
	}
	if (bw.n)
		put_bits(&bw, 0x7f, 8 - bw.n); /* pad with one bits */
	put_byte(&b, 0xff), put_byte(&b, 0xd9);
	return b;
}

/* Grow b to exactly n bytes with trailing zeros (decoders ignore them). */
static void pad_to(struct buf *b, size_t n)
{
	assert_true(n >= b->n);
	b->p = realloc(b->p, n);
	assert_non_null(b->p);
	memset(b->p + b->n, 0, n - b->n);
	b->n = b->cap = n;
}

static unsigned char *pixels(int w, int h)
{
	unsigned char *p = malloc((size_t)w * (size_t)h * 3);
	assert_non_null(p);
	return p;
}

/* A picture with structure at every scale, as a screenshot has. */
static unsigned char *scene(int w, int h, int seed)
{
	unsigned char *p = pixels(w, h);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			double u = (double)x / w, v = (double)y / h;
			unsigned char *q = p + ((size_t)y * w + x) * 3;
			int r = (int)(255 * u * v), g = (int)(255 * (1 - u) * v);
			int b = ((int)(u * (7 + seed)) + (int)(v * 5)) % 2 ? 220 : 30;
			if (u > 0.2 && u < 0.45 && v > 0.3 && v < 0.7)
				r = g = b = 250; /* a bright panel */
			q[0] = (unsigned char)r;
			q[1] = (unsigned char)g;
			q[2] = (unsigned char)b;
		}
	}
	return p;
}

/* Bright on the left, dark on the right. */
static unsigned char *gradient(int w, int h)
{
	unsigned char *p = pixels(w, h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			memset(p + ((size_t)y * w + x) * 3, 255 - x * 255 / (w - 1), 3);
	return p;
}

static unsigned char *checkerboard(int w, int h, int square)
{
	unsigned char *p = pixels(w, h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			memset(p + ((size_t)y * w + x) * 3,
			       ((x / square) + (y / square)) % 2 ? 255 : 0, 3);
	return p;
}

/* Random bytes: does not compress. */
static unsigned char *noise(int w, int h)
{
	unsigned char *p = pixels(w, h);
	uint32_t s = 2463534242u;
	for (size_t i = 0; i < (size_t)w * (size_t)h * 3; i++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		p[i] = (unsigned char)s;
	}
	return p;
}

/* Box-average down by 2 in each direction. */
static unsigned char *half(const unsigned char *p, int w, int h)
{
	unsigned char *o = pixels(w / 2, h / 2);
	for (int y = 0; y < h / 2; y++)
		for (int x = 0; x < w / 2; x++)
			for (int c = 0; c < 3; c++) {
				int s = p[((size_t)(2 * y) * w + 2 * x) * 3 + c] +
					p[((size_t)(2 * y) * w + 2 * x + 1) * 3 + c] +
					p[((size_t)(2 * y + 1) * w + 2 * x) * 3 + c] +
					p[((size_t)(2 * y + 1) * w + 2 * x + 1) * 3 + c];
				o[((size_t)y * (w / 2) + x) * 3 + c] = (unsigned char)((s + 2) / 4);
			}
	return o;
}

/* Nearest-neighbour up by 2 in each direction. */
static unsigned char *twice(const unsigned char *p, int w, int h)
{
	unsigned char *o = pixels(w * 2, h * 2);
	for (int y = 0; y < h * 2; y++)
		for (int x = 0; x < w * 2; x++)
			memcpy(o + ((size_t)y * (w * 2) + x) * 3, p + ((size_t)(y / 2) * w + x / 2) * 3,
			       3);
	return o;
}

static struct buf png_of(unsigned char *px, int w, int h)
{
	struct buf b = png(px, w, h, 3);
	free(px);
	return b;
}

/* The classic 43-byte 1x1 GIF, logical screen patched to w x h. */
static struct buf gif(int w, int h)
{
	static const unsigned char g[] = {
		0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0xff,
		0xff, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
		0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};
	struct buf b = {0};
	buf_put(&b, (void *)(uintptr_t)g, (int)sizeof(g));
	b.p[6] = (unsigned char)(w & 0xff);
	b.p[7] = (unsigned char)(w >> 8);
	b.p[8] = (unsigned char)(h & 0xff);
	b.p[9] = (unsigned char)(h >> 8);
	return b;
}

/* A PNG signature and IHDR claiming w x h RGBA 16-bit, then IEND. */
static struct buf bomb_png(uint32_t w, uint32_t h)
{
	unsigned char d[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
			     0, 0, 0, 0, 0, 0, 0, 0, 16, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'I', 'E', 'N', 'D',
			     0xae, 0x42, 0x60, 0x82};
	struct buf b = {0};
	for (int i = 0; i < 4; i++) {
		d[16 + i] = (unsigned char)(w >> (24 - 8 * i));
		d[20 + i] = (unsigned char)(h >> (24 - 8 * i));
	}
	buf_put(&b, d, (int)sizeof(d));
	return b;
}

/* ---- Findings helpers ------------------------------------------------ */

struct run {
	struct kf_findings f;
};

static void run_init(struct run *r)
{
	r->f.n = 0;
	r->f.dropped = 0;
}

static size_t count_rule(const struct run *r, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < r->f.n; i++)
		if (strcmp(r->f.v[i].rule, rule) == 0)
			n++;
	return n;
}

/* The finding of rule whose message contains text, or NULL. */
static const struct kf_finding *find(const struct run *r, const char *rule, const char *text)
{
	for (size_t i = 0; i < r->f.n; i++)
		if (strcmp(r->f.v[i].rule, rule) == 0 && strstr(r->f.v[i].message, text))
			return &r->f.v[i];
	return NULL;
}

static struct kf_image_blob blob(const struct buf *b)
{
	return (struct kf_image_blob){b->p, b->n, 0};
}

static void logo(const struct buf *b, struct run *r)
{
	struct kf_image_blob bl = blob(b);
	run_init(r);
	kf_image_check_logo(&bl, "LST-6", "logo_file", &r->f);
}

/* ---- Probe ----------------------------------------------------------- */

static void test_probe_formats(void **state)
{
	(void)state;
	struct kf_image_info info;
	struct kf_error err;
	unsigned char *px = scene(64, 32, 0);
	struct buf p = png(px, 64, 32, 3), j = jpg(px, 64, 32, 3, 90), g = gif(3, 2);

	assert_int_equal(kf_image_probe(p.p, p.n, &info, &err), KF_OK);
	assert_int_equal(info.fmt, KF_IMAGE_FORMAT_PNG);
	assert_int_equal(info.width, 64);
	assert_int_equal(info.height, 32);
	assert_int_equal(info.bytes, p.n);
	assert_int_equal(kf_image_probe(j.p, j.n, &info, &err), KF_OK);
	assert_int_equal(info.fmt, KF_IMAGE_FORMAT_JPEG);
	assert_int_equal(info.width, 64);
	assert_int_equal(info.height, 32);
	assert_int_equal(kf_image_probe(g.p, g.n, &info, &err), KF_OK);
	assert_int_equal(info.fmt, KF_IMAGE_FORMAT_GIF);
	assert_int_equal(info.width, 3);
	assert_int_equal(info.height, 2);
	assert_string_equal(kf_image_format_name(KF_IMAGE_FORMAT_JPEG), "jpeg");

	/* Not an image, empty, a PNG cut inside its header. */
	assert_int_equal(kf_image_probe((const unsigned char *)"hello world", 11, &info, &err),
			 KF_EINVAL);
	assert_string_equal(err.name, "image_unreadable");
	assert_int_equal(info.fmt, KF_IMAGE_FORMAT_UNKNOWN);
	assert_int_equal(kf_image_probe(NULL, 0, &info, &err), KF_EINVAL);
	assert_int_equal(kf_image_probe(p.p, 20, &info, &err), KF_EINVAL);
	assert_int_equal(info.fmt, KF_IMAGE_FORMAT_PNG);
	free(px);
	free(p.p);
	free(j.p);
	free(g.p);
}

/* ---- LST-6 / LST-15 -------------------------------------------------- */

static void test_logo_ok_LST_6(void **state)
{
	(void)state;
	struct run r;
	struct buf b = png_of(scene(128, 128, 0), 128, 128);
	assert_true(b.n <= KF_IMAGE_LOGO_MAX_BYTES);
	logo(&b, &r);
	assert_int_equal(r.f.n, 0);
	free(b.p);
}

static void test_logo_wrong_size_LST_6(void **state)
{
	(void)state;
	struct run r;
	struct buf b = png_of(scene(127, 128, 0), 127, 128);
	logo(&b, &r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0].rule, "LST-6");
	assert_string_equal(r.f.v[0].field, "logo_file");
	assert_int_equal(r.f.v[0].severity, KF_SEVERITY_REJECT);
	assert_string_equal(kf_severity_name(r.f.v[0].severity), "reject");
	assert_non_null(strstr(r.f.v[0].message, "127x128"));
	free(b.p);
	b = png_of(scene(256, 256, 0), 256, 256);
	logo(&b, &r);
	assert_non_null(find(&r, "LST-6", "exactly 128x128"));
	free(b.p);
}

static void test_logo_too_many_bytes_LST_6(void **state)
{
	(void)state;
	struct run r;
	struct buf b = png_of(noise(128, 128), 128, 128);
	assert_true(b.n > KF_IMAGE_LOGO_MAX_BYTES);
	logo(&b, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-6", "at most 20 KB"));
	free(b.p);
}

static void test_logo_exactly_at_byte_limit_LST_6(void **state)
{
	(void)state;
	struct run r;
	struct buf b = png_of(scene(128, 128, 1), 128, 128);
	pad_to(&b, KF_IMAGE_LOGO_MAX_BYTES); /* 20480 bytes: allowed */
	logo(&b, &r);
	assert_int_equal(r.f.n, 0);
	pad_to(&b, KF_IMAGE_LOGO_MAX_BYTES + 1);
	logo(&b, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-6", "20481 bytes"));
	free(b.p);
}

static void test_logo_jpeg_refused_LST_6(void **state)
{
	(void)state;
	struct run r;
	unsigned char *px = scene(128, 128, 0);
	struct buf b = jpg(px, 128, 128, 3, 90);
	logo(&b, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-6", "must be a PNG image, not jpeg"));
	free(px);
	free(b.p);
}

/* Found by tests/fuzz/upload_fuzz.c: a JPEG Huffman table whose 16 code
 * counts add up to more than 256 made stb_image write past its code-size
 * array while reading the header. The file (a sound 16x16 frame header
 * after a DHT of 400 codes) must be refused before stb reads it. */
static void test_fuzz_jpeg_huffman_table_over_256_codes(void **state)
{
	(void)state;
	unsigned char j[2 + 4 + 17 + 400 + 19 + 2];
	size_t n = 0;
	j[n++] = 0xFF, j[n++] = 0xD8;
	j[n++] = 0xFF, j[n++] = 0xC4, j[n++] = 0x01, j[n++] = 0xA3; /* DHT, length 2 + 17 + 400 */
	j[n++] = 0x00;                                              /* DC table 0 */
	for (int i = 0; i < 16; i++)
		j[n++] = i >= 14 ? 200 : 0; /* 200 codes of 15 bits, 200 of 16: a valid prefix code */
	for (int i = 0; i < 400; i++)
		j[n++] = (unsigned char)i;
	static const unsigned char sof[] = {0xFF, 0xC0, 0x00, 0x11, 8,    0x00, 0x10, 0x00, 0x10, 3,
					    1,    0x22, 0,    2,    0x11, 1,    3,    0x11, 1};
	memcpy(j + n, sof, sizeof(sof));
	n += sizeof(sof);
	j[n++] = 0xFF, j[n++] = 0xD9;
	assert_int_equal(n, sizeof(j));

	struct kf_image_info info;
	struct kf_error err = {0};
	assert_int_equal(kf_image_probe(j, n, &info, &err), KF_EINVAL);
	assert_string_equal(err.name, "image_unreadable");
	assert_int_equal(info.fmt, KF_IMAGE_FORMAT_JPEG);
	/* and nothing decodes it either */
	uint64_t hash;
	assert_int_equal(kf_image_phash_of(j, n, &hash, &err), KF_EINVAL);
}

static void test_logo_unreadable_LST_6(void **state)
{
	(void)state;
	struct run r;
	struct buf b = png_of(scene(128, 128, 0), 128, 128);

	logo(&(struct buf){(unsigned char *)(uintptr_t) "GIF8 nope", 9, 0}, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-6", "not a PNG, JPEG or GIF"));
	logo(&(struct buf){NULL, 0, 0}, &r);
	assert_non_null(find(&r, "LST-6", "empty"));
	/* Header intact, image data cut off: refused when decoding. */
	b.n = 100;
	logo(&b, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-6", "does not decode"));
	free(b.p);
}

static void test_company_logo_LST_15(void **state)
{
	(void)state;
	struct run r;
	struct buf ok = png_of(scene(128, 128, 2), 128, 128);
	struct buf bad = png_of(scene(64, 64, 2), 64, 64);

	struct kf_image_blob okb = blob(&ok), badb = blob(&bad);
	run_init(&r);
	kf_image_check_logo(&okb, "LST-15", "company_logo_file", &r.f);
	assert_int_equal(r.f.n, 0);
	kf_image_check_logo(&badb, "LST-15", "company_logo_file", &r.f);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0].rule, "LST-15");
	assert_string_equal(r.f.v[0].field, "company_logo_file");
	free(ok.p);
	free(bad.p);
}

/* ---- LST-10 ---------------------------------------------------------- */

/* ---- LST-21: QR codes on the icon ------------------------------------ */

/* A version 2 QR code (25x25 modules, level M) saying
 * "https://kaifang.example/i", made with the npm package qrcode. */
static const char *const QR[25] = {
	"#######......##.#.#######",
	"#.....#..##.#..##.#.....#",
	"#.###.#.#####..##.#.###.#",
	"#.###.#.#...####..#.###.#",
	"#.###.#.#####...#.#.###.#",
	"#.....#.##..#..#..#.....#",
	"#######.#.#.#.#.#.#######",
	"........##..#.#.#........",
	"#.#####..##.###...#####..",
	"..#.#...#.#..#.....#...#.",
	"..#...#.#.###.###.####.##",
	"###..#..##....#.###.#...#",
	"#...#.#.#.######.##.#.###",
	"##..#....#....#.#..#.#.#.",
	"#...#.##..###..#...###.##",
	"#...##.#.###....#####...#",
	"#.##..##..#####.#####.#..",
	"........##..##.##...##...",
	"#######..##...#.#.#.#.###",
	"#.....#.###.#...#...##.##",
	"#.###.#.##.##########.#..",
	"#.###.#.#.##.....##.#####",
	"#.###.#.###...##.....##.#",
	"#.....#....#..########..#",
	"#######.#.####.....######",
};

/* The scene of test_logo_ok with the code drawn at (x0, y0), `module`
 * pixels a module, on a white quiet zone of 4 modules. */
static unsigned char *icon_with_qr(int x0, int y0, int module)
{
	unsigned char *p = scene(128, 128, 0);
	for (int y = -4 * module; y < 29 * module - 4 * module; y++) {
		for (int x = -4 * module; x < 29 * module - 4 * module; x++) {
			int mx = x < 0 ? -1 : x / module, my = y < 0 ? -1 : y / module;
			bool dark = mx >= 0 && my >= 0 && mx < 25 && my < 25 && QR[my][mx] == '#';
			int px = x0 + 4 * module + x, py = y0 + 4 * module + y;
			if (px < 0 || py < 0 || px >= 128 || py >= 128)
				continue;
			memset(p + ((size_t)py * 128 + (size_t)px) * 3, dark ? 0 : 255, 3);
		}
	}
	return p;
}

static void icon_codes(const struct buf *b, struct run *r)
{
	struct kf_image_blob bl = blob(b);
	run_init(r);
	kf_image_check_icon_codes(&bl, "logo_file", &r->f);
}

static void test_icon_qr_code_LST_21(void **state)
{
	(void)state;
	struct run r;
	/* the whole icon is the code (4 px a module) */
	struct buf b = png_of(icon_with_qr(0, 0, 4), 128, 128);
	logo(&b, &r);
	assert_int_equal(r.f.n, 0); /* a fine LST-6 logo otherwise */
	icon_codes(&b, &r);
	assert_int_equal(count_rule(&r, "LST-21"), 1);
	assert_non_null(find(&r, "LST-21", "https://kaifang.example/i"));
	assert_string_equal(r.f.v[0].field, "logo_file");
	assert_int_equal(r.f.v[0].severity, KF_SEVERITY_REJECT);
	free(b.p);
	/* a small code in a corner, 2 px a module (found enlarged) */
	b = png_of(icon_with_qr(70, 70, 2), 128, 128);
	icon_codes(&b, &r);
	assert_int_equal(count_rule(&r, "LST-21"), 1);
	free(b.p);
	/* as a JPEG it breaks LST-6 too; both are reported in one pass */
	unsigned char *px = icon_with_qr(0, 0, 4);
	b = jpg(px, 128, 128, 3, 90);
	icon_codes(&b, &r);
	assert_int_equal(count_rule(&r, "LST-21"), 1);
	free(px);
	free(b.p);
}

static void test_icon_without_code_LST_21(void **state)
{
	(void)state;
	struct run r;
	unsigned char *(*make[])(int, int) = {gradient, noise};
	for (size_t i = 0; i < sizeof(make) / sizeof(make[0]); i++) {
		struct buf b = png_of(make[i](128, 128), 128, 128);
		icon_codes(&b, &r);
		assert_int_equal(r.f.n, 0);
		free(b.p);
	}
	struct buf b = png_of(scene(128, 128, 3), 128, 128);
	icon_codes(&b, &r);
	assert_int_equal(r.f.n, 0);
	free(b.p);
	b = png_of(checkerboard(128, 128, 8), 128, 128);
	icon_codes(&b, &r);
	assert_int_equal(r.f.n, 0);
	free(b.p);
	/* a damaged code (its finder patterns wiped) is no code */
	unsigned char *p = icon_with_qr(0, 0, 4);
	for (int y = 16; y < 16 + 28; y++)
		memset(p + ((size_t)y * 128 + 16) * 3, 255, 28 * 3);
	b = png_of(p, 128, 128);
	icon_codes(&b, &r);
	assert_int_equal(r.f.n, 0);
	free(b.p);
	/* nothing given, an unreadable file: nothing to say here */
	icon_codes(&(struct buf){(unsigned char *)"nope", 4, 4}, &r);
	assert_int_equal(r.f.n, 0);
	char text[8] = "x";
	assert_int_equal(kf_image_find_qr(NULL, 0, 0, text, sizeof(text)), 0);
	assert_string_equal(text, "");
}

static void previews(const struct buf *d, size_t nd, const struct buf *m, size_t nm,
		     struct run *r)
{
	struct kf_image_blob bd[8], bm[8];
	assert_true(nd <= 8 && nm <= 8);
	for (size_t i = 0; i < nd; i++)
		bd[i] = blob(&d[i]);
	for (size_t i = 0; i < nm; i++)
		bm[i] = blob(&m[i]);
	run_init(r);
	kf_image_check_previews(bd, nd, bm, nm, &r->f);
}

static void test_previews_exact_dims_all_formats_LST_10(void **state)
{
	(void)state;
	struct run r;
	unsigned char *px = scene(1920, 1080, 3);
	struct buf d[3] = {png_of(scene(1920, 1080, 0), 1920, 1080), jpg(px, 1920, 1080, 3, 85),
			   gif(1920, 1080)};
	struct buf m[1] = {png_of(scene(750, 1628, 6), 750, 1628)};

	previews(d, 3, m, 1, &r);
	for (size_t i = 0; i < r.f.n; i++)
		print_message("unexpected: %s %s\n", r.f.v[i].rule, r.f.v[i].message);
	assert_int_equal(r.f.n, 0);
	/* Either set alone is enough. */
	previews(d, 1, NULL, 0, &r);
	assert_int_equal(r.f.n, 0);
	previews(NULL, 0, m, 1, &r);
	assert_int_equal(r.f.n, 0);
	free(px);
	for (int i = 0; i < 3; i++)
		free(d[i].p);
	free(m[0].p);
}

static void test_previews_none_LST_10(void **state)
{
	(void)state;
	struct run r;
	previews(NULL, 0, NULL, 0, &r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0].rule, "LST-10");
	assert_string_equal(r.f.v[0].field, "previews");
}

static void test_previews_wrong_dims_LST_10(void **state)
{
	(void)state;
	struct run r;
	struct buf d[1] = {png_of(scene(1920, 1081, 0), 1920, 1081)};
	struct buf m[1] = {png_of(scene(1628, 750, 4), 1628, 750)};
	previews(d, 1, m, 1, &r);
	assert_int_equal(count_rule(&r, "LST-10"), 2);
	assert_non_null(find(&r, "LST-10",
			     "previews_desktop[0] must be exactly 1920x1080 pixels, not 1920x1081"));
	assert_non_null(find(&r, "LST-10",
			     "previews_mobile[0] must be exactly 750x1628 pixels, not 1628x750"));
	free(d[0].p);
	free(m[0].p);
}

static void test_preview_wrong_dims_not_decoded_LST_10(void **state)
{
	(void)state;
	struct run r;
	/* Right header, truncated data: a decode would fail, so none happens. */
	struct buf d[1] = {png_of(scene(1920, 1081, 0), 1920, 1081)};
	d[0].n = 100;
	previews(d, 1, NULL, 0, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-10", "not 1920x1081"));
	/* With the right size the same damage is found. */
	free(d[0].p);
	d[0] = png_of(scene(1920, 1080, 0), 1920, 1080);
	d[0].n = 100;
	previews(d, 1, NULL, 0, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-10", "previews_desktop[0] does not decode"));
	free(d[0].p);
}

static void test_previews_byte_limits_LST_10(void **state)
{
	(void)state;
	struct run r;
	struct buf d[1] = {png_of(scene(1920, 1080, 0), 1920, 1080)};
	struct buf m[1] = {png_of(scene(750, 1628, 5), 750, 1628)};

	pad_to(&d[0], KF_IMAGE_DESKTOP_MAX_BYTES); /* exactly 3.5 MB */
	pad_to(&m[0], KF_IMAGE_MOBILE_MAX_BYTES);  /* exactly 2.5 MB */
	previews(d, 1, m, 1, &r);
	assert_int_equal(r.f.n, 0);
	pad_to(&d[0], KF_IMAGE_DESKTOP_MAX_BYTES + 1);
	pad_to(&m[0], KF_IMAGE_MOBILE_MAX_BYTES + 1);
	previews(d, 1, m, 1, &r);
	assert_int_equal(r.f.n, 2);
	assert_non_null(find(&r, "LST-10", "previews_desktop[0] is 3670017 bytes; at most 3.5 MB"));
	assert_non_null(find(&r, "LST-10", "previews_mobile[0] is 2621441 bytes; at most 2.5 MB"));
	free(d[0].p);
	free(m[0].p);
}

static void test_previews_noise_over_limit_LST_10(void **state)
{
	(void)state;
	struct run r;
	struct buf m[1] = {png_of(noise(750, 1628), 750, 1628)};
	assert_true(m[0].n > KF_IMAGE_MOBILE_MAX_BYTES);
	previews(NULL, 0, m, 1, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-10", "at most 2.5 MB"));
	free(m[0].p);
}

static void test_previews_count_LST_10(void **state)
{
	(void)state;
	struct run r;
	struct buf d[6];
	for (int i = 0; i < 6; i++)
		d[i] = gif(1920, 1080); /* cheap; duplicates of each other */
	previews(d, 5, NULL, 0, &r);
	assert_null(find(&r, "LST-10", "at most 5"));
	previews(d, 6, NULL, 0, &r);
	assert_non_null(find(&r, "LST-10", "at most 5 desktop previews, not 6"));
	for (int i = 0; i < 6; i++)
		free(d[i].p);
}

static void test_preview_other_format_refused_LST_10(void **state)
{
	(void)state;
	struct run r;
	struct buf d[1] = {{(unsigned char *)(uintptr_t) "BM this is a bitmap", 19, 0}};
	previews(d, 1, NULL, 0, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-10", "must be a PNG, JPG or GIF"));
}

/* ---- LST-11 ---------------------------------------------------------- */

static uint64_t hash_of(const struct buf *b)
{
	uint64_t h = 0;
	struct kf_error err;
	assert_int_equal(kf_image_phash_of(b->p, b->n, &h, &err), KF_OK);
	return h;
}

static void test_resized_copy_is_duplicate_LST_11(void **state)
{
	(void)state;
	struct run r;
	unsigned char *px = scene(1920, 1080, 0);
	unsigned char *small = half(px, 1920, 1080);
	unsigned char *back = twice(small, 960, 540);
	struct buf d[2] = {png(px, 1920, 1080, 3), png(back, 1920, 1080, 3)};
	struct buf s = png(small, 960, 540, 3);
	int dist = kf_image_hamming(hash_of(&d[0]), hash_of(&d[1]));

	print_message("resized: distance %d\n", dist);
	assert_true(dist <= KF_IMAGE_DUP_MAX_DISTANCE);
	assert_true(kf_image_hamming(hash_of(&d[0]), hash_of(&s)) <= KF_IMAGE_DUP_MAX_DISTANCE);
	free(s.p);
	/* The same picture rendered at a non-integer scale (2/3). */
	s = png_of(scene(1280, 720, 0), 1280, 720);
	dist = kf_image_hamming(hash_of(&d[0]), hash_of(&s));
	print_message("rendered at 1280x720: distance %d\n", dist);
	assert_true(dist <= KF_IMAGE_DUP_MAX_DISTANCE);
	previews(d, 2, NULL, 0, &r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0].rule, "LST-11");
	assert_string_equal(r.f.v[0].field, "previews_desktop");
	assert_non_null(strstr(r.f.v[0].message, "previews_desktop[0] and previews_desktop[1]"));
	free(px);
	free(small);
	free(back);
	free(d[0].p);
	free(d[1].p);
	free(s.p);
}

static void test_reencoded_jpeg_is_duplicate_LST_11(void **state)
{
	(void)state;
	struct run r;
	unsigned char *px = scene(750, 1628, 2);
	struct buf m[2] = {png(px, 750, 1628, 3), jpg(px, 750, 1628, 3, 70)};
	int dist = kf_image_hamming(hash_of(&m[0]), hash_of(&m[1]));

	print_message("jpeg q70: distance %d\n", dist);
	assert_true(dist <= KF_IMAGE_DUP_MAX_DISTANCE);
	previews(NULL, 0, m, 2, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-11", "previews_mobile[0] and previews_mobile[1]"));
	free(px);
	free(m[0].p);
	free(m[1].p);
}

static void test_identical_bytes_are_duplicate_LST_11(void **state)
{
	(void)state;
	struct run r;
	struct buf d[1] = {png_of(scene(1920, 1080, 1), 1920, 1080)};
	struct buf m[1] = {png_of(scene(750, 1628, 6), 750, 1628)};
	struct buf dd[2] = {d[0], d[0]};

	previews(dd, 2, NULL, 0, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-11", "hash distance 0"));
	/* One desktop, one mobile, different pictures: no finding. */
	previews(d, 1, m, 1, &r);
	assert_int_equal(r.f.n, 0);
	free(d[0].p);
	free(m[0].p);
}

static void test_different_pictures_not_duplicate_LST_11(void **state)
{
	(void)state;
	struct run r;
	struct buf d[2] = {png_of(gradient(1920, 1080), 1920, 1080),
			   png_of(checkerboard(1920, 1080, 135), 1920, 1080)};
	int dist = kf_image_hamming(hash_of(&d[0]), hash_of(&d[1]));

	print_message("gradient vs checkerboard: distance %d\n", dist);
	assert_true(dist > KF_IMAGE_DUP_MAX_DISTANCE);
	previews(d, 2, NULL, 0, &r);
	assert_int_equal(r.f.n, 0);
	free(d[0].p);
	free(d[1].p);
}

static void test_phash_properties_LST_11(void **state)
{
	(void)state;
	unsigned char *rgb = gradient(90, 80);
	unsigned char gray[90 * 80], rgba[90 * 80 * 4];

	for (int i = 0; i < 90 * 80; i++) {
		gray[i] = rgb[i * 3];
		memcpy(rgba + i * 4, rgb + i * 3, 3);
		rgba[i * 4 + 3] = 255;
	}
	/* Bright to dark: every left cell is brighter than its right one. */
	assert_int_equal(kf_image_phash(rgb, 90, 80, 3), UINT64_MAX);
	assert_int_equal(kf_image_phash(gray, 90, 80, 1), UINT64_MAX);
	assert_int_equal(kf_image_phash(rgba, 90, 80, 4), UINT64_MAX);
	/* Flat picture: no bits, also when smaller than the 9x8 grid. */
	memset(gray, 77, sizeof(gray));
	assert_int_equal(kf_image_phash(gray, 90, 80, 1), 0);
	assert_int_equal(kf_image_phash(gray, 3, 2, 1), 0);
	assert_int_equal(kf_image_phash(NULL, 9, 8, 1), 0);
	assert_int_equal(kf_image_phash(gray, 0, 8, 1), 0);
	assert_int_equal(kf_image_phash(gray, 9, 8, 5), 0);
	assert_int_equal(kf_image_hamming(0, UINT64_MAX), 64);
	assert_int_equal(kf_image_hamming(0x5, 0x3), 2);
	free(rgb);
}

static void test_find_duplicates_LST_11(void **state)
{
	(void)state;
	const uint64_t h[4] = {0, 0x3f, 0x7f, UINT64_MAX}; /* distances 6, 7, 1 */
	struct kf_image_pair p[2];

	assert_int_equal(kf_image_find_duplicates(h, 4, p, 2), 2);
	assert_int_equal(p[0].a, 0);
	assert_int_equal(p[0].b, 1);
	assert_int_equal(p[0].distance, 6);
	assert_int_equal(p[1].a, 1);
	assert_int_equal(p[1].b, 2);
	assert_int_equal(p[1].distance, 1);
	assert_int_equal(kf_image_find_duplicates(h, 4, p, 1), 2); /* total, capped store */
	assert_int_equal(kf_image_find_duplicates(h, 4, NULL, 0), 2);
	assert_int_equal(kf_image_find_duplicates(h, 1, p, 2), 0);
	assert_int_equal(kf_image_find_duplicates(NULL, 4, p, 2), 0);
}

static void test_resized_reencoded_across_sets_is_duplicate_LST_11(void **state)
{
	(void)state;
	struct run r;
	/* the same screen rendered for desktop (PNG) and, resized to the mobile
	 * frame and re-encoded as JPEG, for mobile */
	unsigned char *mpx = scene(750, 1628, 4);
	struct buf d[1] = {png_of(scene(1920, 1080, 4), 1920, 1080)};
	struct buf m[1] = {jpg(mpx, 750, 1628, 3, 75)};
	int dist = kf_image_hamming(hash_of(&d[0]), hash_of(&m[0]));

	print_message("desktop png vs mobile jpeg: distance %d\n", dist);
	assert_true(dist <= KF_IMAGE_DUP_MAX_DISTANCE);
	previews(d, 1, m, 1, &r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0].rule, "LST-11");
	assert_string_equal(r.f.v[0].field, "previews_mobile");
	assert_non_null(find(&r, "LST-11", "previews_desktop[0] and previews_mobile[0]"));
	free(mpx);
	free(d[0].p);
	free(m[0].p);
}

/* A caller passes only the beginning of a file that is over its limit: the
 * size comes from blob.size, the header from the prefix, nothing decodes. */
static void test_prefix_of_large_file_LST_6_LST_10(void **state)
{
	(void)state;
	struct run r;
	struct buf l = png_of(scene(128, 128, 1), 128, 128);
	struct kf_image_blob lb = {l.p, 64, KF_IMAGE_LOGO_MAX_BYTES + 1};

	run_init(&r);
	kf_image_check_logo(&lb, "LST-6", "logo_file", &r.f);
	assert_int_equal(r.f.n, 1); /* too large; a 64-byte prefix is not "does not decode" */
	assert_non_null(find(&r, "LST-6", "20481 bytes"));
	lb.size = 0; /* the same 64 bytes as a whole file do not decode */
	run_init(&r);
	kf_image_check_logo(&lb, "LST-6", "logo_file", &r.f);
	assert_non_null(find(&r, "LST-6", "does not decode"));

	struct buf d = png_of(scene(1920, 1080, 2), 1920, 1080);
	struct kf_image_blob db[2] = {{d.p, 4096, KF_IMAGE_DESKTOP_MAX_BYTES + 1},
				      {d.p, d.n, 0}};
	run_init(&r);
	kf_image_check_previews(db, 2, NULL, 0, &r.f);
	/* the prefix is over the limit and takes no part in the duplicate check */
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-10", "previews_desktop[0] is 3670017 bytes"));
	free(l.p);
	free(d.p);
}

/* ---- Decompression bomb ---------------------------------------------- */

static void test_bomb_header_refused_without_decoding(void **state)
{
	(void)state;
	struct run r;
	struct kf_image_info info;
	struct kf_error err;
	uint64_t h = 42;
	struct buf b = bomb_png(100000, 100000);

	/* The header is read and reported ... */
	assert_int_equal(kf_image_probe(b.p, b.n, &info, &err), KF_OK);
	assert_int_equal(info.fmt, KF_IMAGE_FORMAT_PNG);
	assert_int_equal(info.width, 100000);
	assert_int_equal(info.height, 100000);
	/*
	 * ... but never decoded: 100000^2 RGBA16 would be 80 GB, which ASan
	 * would report as an allocation-size-too-big; the refusal is ours.
	 */
	assert_int_equal(kf_image_phash_of(b.p, b.n, &h, &err), KF_ELIMIT);
	assert_string_equal(err.name, "image_too_large");
	assert_int_equal(h, 42);
	logo(&b, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-6", "not 100000x100000"));
	previews(&b, 1, NULL, 0, &r);
	assert_int_equal(r.f.n, 1);
	assert_non_null(find(&r, "LST-10", "not 100000x100000"));
	free(b.p);

	/* Just over the cap in one dimension; GIF screens too. */
	b = bomb_png(KF_IMAGE_MAX_DIM + 1, 1);
	assert_int_equal(kf_image_phash_of(b.p, b.n, &h, &err), KF_ELIMIT);
	free(b.p);
	b = gif(65535, 65535);
	assert_int_equal(kf_image_probe(b.p, b.n, &info, &err), KF_OK);
	assert_int_equal(info.width, 65535);
	assert_int_equal(kf_image_phash_of(b.p, b.n, &h, &err), KF_ELIMIT);
	free(b.p);
}

static void test_findings_overflow_counted(void **state)
{
	(void)state;
	struct run *r = calloc(1, sizeof(*r));
	struct buf b = png_of(noise(64, 64), 64, 64);
	struct kf_image_blob bl = blob(&b);

	assert_non_null(r);
	for (size_t i = 0; i < KF_FINDINGS_MAX; i++)
		kf_image_check_logo(&bl, "LST-6", "logo_file", &r->f); /* wrong size: one each */
	assert_int_equal(r->f.n, KF_FINDINGS_MAX);
	assert_int_equal(r->f.dropped, 0);
	kf_image_check_logo(&bl, "LST-6", "logo_file", &r->f);
	assert_int_equal(r->f.n, KF_FINDINGS_MAX);
	assert_int_equal(r->f.dropped, 1);
	free(r);
	free(b.p);
}

/* Found by tests/fuzz/image_fuzz: a PNG whose IDAT chunk declares 1.7 GB
 * made stb_image allocate that much before noticing the file ends. */
static void test_png_chunk_longer_than_file_found_by_fuzzing(void **state)
{
	(void)state;
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
		0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 8, 0, 0, 0, 8, 8, 0, 0, 0, 0, 0xe1, 0x64, 0xe1, 0x57,
		0x68, 0x00, 0x00, 0x14, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 0,
	};
	uint64_t hash = 42;
	struct kf_error err = {0};
	assert_int_equal(kf_image_phash_of(png, sizeof(png), &hash, &err), KF_EINVAL);
	assert_string_equal(err.name, "image_unreadable");
	assert_true(hash == 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_formats),
		cmocka_unit_test(test_logo_ok_LST_6),
		cmocka_unit_test(test_logo_wrong_size_LST_6),
		cmocka_unit_test(test_logo_too_many_bytes_LST_6),
		cmocka_unit_test(test_logo_exactly_at_byte_limit_LST_6),
		cmocka_unit_test(test_logo_jpeg_refused_LST_6),
		cmocka_unit_test(test_logo_unreadable_LST_6),
		cmocka_unit_test(test_fuzz_jpeg_huffman_table_over_256_codes),
		cmocka_unit_test(test_company_logo_LST_15),
		cmocka_unit_test(test_icon_qr_code_LST_21),
		cmocka_unit_test(test_icon_without_code_LST_21),
		cmocka_unit_test(test_previews_exact_dims_all_formats_LST_10),
		cmocka_unit_test(test_previews_none_LST_10),
		cmocka_unit_test(test_previews_wrong_dims_LST_10),
		cmocka_unit_test(test_preview_wrong_dims_not_decoded_LST_10),
		cmocka_unit_test(test_previews_byte_limits_LST_10),
		cmocka_unit_test(test_previews_noise_over_limit_LST_10),
		cmocka_unit_test(test_previews_count_LST_10),
		cmocka_unit_test(test_preview_other_format_refused_LST_10),
		cmocka_unit_test(test_resized_copy_is_duplicate_LST_11),
		cmocka_unit_test(test_reencoded_jpeg_is_duplicate_LST_11),
		cmocka_unit_test(test_identical_bytes_are_duplicate_LST_11),
		cmocka_unit_test(test_different_pictures_not_duplicate_LST_11),
		cmocka_unit_test(test_phash_properties_LST_11),
		cmocka_unit_test(test_find_duplicates_LST_11),
		cmocka_unit_test(test_resized_reencoded_across_sets_is_duplicate_LST_11),
		cmocka_unit_test(test_prefix_of_large_file_LST_6_LST_10),
		cmocka_unit_test(test_bomb_header_refused_without_decoding),
		cmocka_unit_test(test_findings_overflow_counted),
		cmocka_unit_test(test_png_chunk_longer_than_file_found_by_fuzzing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes the image seeds of the fuzz corpora (tests/fuzz/corpus/image/):
 * PNGs of every colour type stb_image_write makes, JPEGs of several sizes
 * and qualities, and GIFs (uncompressed LZW: a clear code every 254
 * pixels keeps every code 9 bits wide), in the sizes the listing rules care
 * about (the 144x144 logo, previews) and a few odd ones.
 *   cc -O2 -o build/fuzz-image-seeds tools/fuzz-image-seeds.c -lm
 *   build/fuzz-image-seeds tests/fuzz/corpus/image
 * tools/fuzz-seeds.py (the other corpora) runs it.
 */
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;

static void put(void *ctx, void *data, int size)
{
	fwrite(data, 1, (size_t)size, ctx);
}

static FILE *open_seed(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

/* a gradient with a square, so hashes and QR search see some structure */
static unsigned char *picture(int w, int h, int c)
{
	unsigned char *px = malloc((size_t)w * h * c);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			for (int k = 0; k < c; k++) {
				int inside = x > w / 4 && x < 3 * w / 4 && y > h / 4 && y < 3 * h / 4;
				px[((size_t)y * w + x) * c + k] =
					(unsigned char)(k == 3 ? 255 - x : inside ? 20 * k : (x * 255 / w + y * 3 + k * 40));
			}
	return px;
}

static void png(const char *name, int w, int h, int c)
{
	unsigned char *px = picture(w, h, c);
	FILE *f = open_seed(name);
	stbi_write_png_to_func(put, f, w, h, c, px, w * c);
	fclose(f);
	free(px);
}

static void jpg(const char *name, int w, int h, int c, int quality)
{
	unsigned char *px = picture(w, h, c);
	FILE *f = open_seed(name);
	stbi_write_jpg_to_func(put, f, w, h, c, px, quality);
	fclose(f);
	free(px);
}

static void u16(FILE *f, int v)
{
	fputc(v & 255, f);
	fputc(v >> 8, f);
}

/* 8-bit GIF, 256-grey palette, pixels as literal 9-bit codes */
static void gif(const char *name, int w, int h, const char *version)
{
	FILE *f = open_seed(name);
	fputs(version, f);
	u16(f, w);
	u16(f, h);
	fputc(0xF7, f); /* global table of 256 entries */
	fputc(0, f);
	fputc(0, f);
	for (int i = 0; i < 256; i++)
		fputc(i, f), fputc(i, f), fputc(i, f);
	fputc(0x2C, f);
	u16(f, 0);
	u16(f, 0);
	u16(f, w);
	u16(f, h);
	fputc(0, f);
	fputc(8, f); /* LZW minimum code size */
	unsigned char block[255];
	int nb = 0;
	unsigned acc = 0;
	int bits = 0, since_clear = 0;
	long n = (long)w * h;
#define EMIT(code)                                      \
	do {                                            \
		acc |= (unsigned)(code) << bits;        \
		bits += 9;                              \
		while (bits >= 8) {                     \
			block[nb++] = acc & 255;        \
			acc >>= 8;                      \
			bits -= 8;                      \
			if (nb == 255) {                \
				fputc(255, f);          \
				fwrite(block, 1, 255, f); \
				nb = 0;                 \
			}                               \
		}                                       \
	} while (0)
	EMIT(256);
	for (long i = 0; i < n; i++) {
		if (since_clear == 254) {
			EMIT(256);
			since_clear = 0;
		}
		EMIT((i % w) * 255 / (w > 1 ? w - 1 : 1));
		since_clear++;
	}
	EMIT(257);
	if (bits)
		block[nb++] = acc & 255;
	if (nb) {
		fputc(nb, f);
		fwrite(block, 1, (size_t)nb, f);
	}
	fputc(0, f);
	fputc(0x3B, f);
	fclose(f);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	png("logo-144-rgba.png", 144, 144, 4);
	png("logo-144-rgb.png", 144, 144, 3);
	png("gray-16.png", 16, 16, 1);
	png("gray-alpha-8.png", 8, 8, 2);
	png("one-pixel.png", 1, 1, 3);
	png("wide-64x1.png", 64, 1, 3);
	png("tall-1x64.png", 1, 64, 1);
	png("preview-64x32.png", 64, 32, 3);
	png("qr-area-64x64.png", 64, 64, 1);
	jpg("photo-144-q90.jpg", 144, 144, 3, 90);
	jpg("photo-64x32-q30.jpg", 64, 32, 3, 30);
	jpg("gray-16-q75.jpg", 16, 16, 1, 75);
	jpg("one-pixel.jpg", 1, 1, 3, 50);
	jpg("odd-17x9-q100.jpg", 17, 9, 3, 100);
	gif("gray-16.gif", 16, 16, "GIF89a");
	gif("gif87-8x8.gif", 8, 8, "GIF87a");
	gif("wide-300x2.gif", 300, 2, "GIF89a");
	gif("one-pixel.gif", 1, 1, "GIF89a");
	return 0;
}

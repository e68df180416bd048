/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listing check benchmark (not a test): the time to run every automated
 * listing check (LST-*, APP-11: text rules with the term lists, logo,
 * company logo, previews with their duplicate check) on a full listing,
 * URLs excluded, median over N listings. Baseline, measured in the same
 * run on the same bytes: decoding every picture of the listing once with
 * stb_image, the least any image check has to do. Prints one line of
 * key=value figures.
 *
 * usage: checks_bench [listings]   (default 100)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include "core/finding.h"
#include "core/image.h"
#include "core/listing.h"
#include "core/terms.h"

/* stb_image is compiled into core/image.c */
extern unsigned char *stbi_load_from_memory(const unsigned char *buffer, int len, int *x, int *y,
					    int *channels_in_file, int desired_channels);
extern void stbi_image_free(void *retval_from_stbi_load);

#define POOL 12

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void put(void *ctx, void *data, int size)
{
	struct buf *b = ctx;
	if (b->n + (size_t)size > b->cap) {
		b->cap = (b->n + (size_t)size) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, data, (size_t)size);
	b->n += (size_t)size;
}

/* A deterministic pseudo-random byte of (seed, i, j). */
static unsigned char mix(unsigned seed, unsigned i, unsigned j)
{
	unsigned x = seed * 2654435761u ^ i * 2246822519u ^ j * 3266489917u;
	x ^= x >> 15;
	x *= 2246822519u;
	x ^= x >> 13;
	return (unsigned char)(x & 0xff);
}

/* A picture of w x h with a pattern of its own (seed): random brightness
 * on a coarse grid (so no two pictures have near hashes, LST-11) under a
 * fine colour texture, as PNG or JPEG. */
static struct kf_image_blob picture(int w, int h, int seed, int jpeg)
{
	unsigned char *px = malloc((size_t)w * (size_t)h * 3);
	if (!px)
		abort();
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char base = mix((unsigned)seed, (unsigned)(x * 12 / w), (unsigned)(y * 10 / h));
			unsigned char *p = px + ((size_t)y * (size_t)w + (size_t)x) * 3;
			double tex = 20 * sin(x * 0.05 + seed) * cos(y * 0.07);
			for (int c = 0; c < 3; c++) {
				double v = base * 0.85 + tex + c * 5;
				p[c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
			}
		}
	struct buf b = {0};
	if (jpeg)
		stbi_write_jpg_to_func(put, &b, w, h, 3, px, 85);
	else
		stbi_write_png_to_func(put, &b, w, h, 3, px, w * 3);
	free(px);
	return (struct kf_image_blob){.data = b.p, .n = b.n, .size = b.n};
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static struct kf_terms *list(const char *const *base, size_t n, const char *prefix, size_t extra)
{
	size_t total = n + extra;
	char **t = calloc(total, sizeof(*t));
	for (size_t i = 0; i < n; i++)
		t[i] = strdup(base[i]);
	for (size_t i = 0; i < extra; i++) {
		t[n + i] = malloc(32);
		snprintf(t[n + i], 32, "%s%zu", prefix, i);
	}
	struct kf_terms *m = kf_terms_build((const char *const *)t, total);
	for (size_t i = 0; i < total; i++)
		free(t[i]);
	free(t);
	return m;
}

int main(int argc, char **argv)
{
	int listings = argc > 1 ? atoi(argv[1]) : 100;
	if (listings < 1)
		listings = 100;
	/* the default term lists, each padded to 2,000 terms as an operator's would grow */
	static const char *const marks[] = {"kaifang", "开放平台"}, *const generic[] = {"电话", "邮件", "日历", "天气"},
				 *const hot[] = {"红包", "免费领取"},
				 *const gambling[] = {"六合", "心水", "白小姐", "曾道人", "铁算盘", "神算人"},
				 *const superl[] = {"最", "第一", "百分百", "顶级", "绝对"},
				 *const banned[] = {"彩票", "博彩", "赌博", "赌场", "六合彩", "梭哈"};
	struct kf_terms *t_marks = list(marks, 2, "mark", 2000), *t_generic = list(generic, 4, "通用", 2000),
			*t_hot = list(hot, 2, "热词", 2000), *t_gambling = list(gambling, 6, "赌名", 2000),
			*t_super = list(superl, 5, "极词", 2000), *t_banned = list(banned, 6, "禁词", 2000);
	static const char *const cats[] = {"office", "education", "finance", "payments", "medical", "news",
					   "social", "shopping", "travel", "life", "tools", "ai"};

	/* pictures: two logos, a pool of desktop and mobile previews */
	struct kf_image_blob logo = picture(128, 128, 1, 0), company = picture(128, 128, 2, 0);
	struct kf_image_blob desk[POOL], mob[POOL];
	for (int i = 0; i < POOL; i++) {
		desk[i] = picture(1920, 1080, 10 + i, i % 2);
		mob[i] = picture(750, 1628, 40 + i, i % 2);
	}

	char desc[2048];
	desc[0] = 0;
	while (strlen(desc) < 1400) /* about 470 CJK characters */
		strcat(desc, "为团队成员提供所在城市的天气预报、降雨提醒与灾害预警，");
	double *t_check = calloc((size_t)listings, sizeof(double)), *t_base = calloc((size_t)listings, sizeof(double));
	size_t rejects = 0;
	struct kf_findings *f = malloc(sizeof(*f));
	for (int i = 0; i < listings; i++) {
		char name[32], intro[64], kw0[16], kw1[16];
		snprintf(name, sizeof(name), "天气%c", 'A' + i % 26);
		snprintf(intro, sizeof(intro), "查看第%d个城市的天气预报", i % 10);
		snprintf(kw0, sizeof(kw0), "天气%d", i);
		snprintf(kw1, sizeof(kw1), "预报%d", i);
		const char *kws[] = {kw0, kw1, "降雨", "预警"};
		struct kf_listing_text l = {
			.name = name, .category = "tools", .intro = intro, .description = desc, .version = "1.2.0",
			.update_notes = "修复了若干问题并提升了稳定性。", .privacy_url = "https://www.example.com/privacy",
			.terms_url = "https://www.example.com/terms", .company_name = "示例科技有限公司",
			.website = "https://www.example.com/", .support_phone = "010-12345678", .keywords = kws,
			.n_keywords = 4,
		};
		struct kf_listing_ctx c = {
			.generic_names = t_generic, .hot_words = t_hot, .gambling_names = t_gambling,
			.superlatives = t_super, .banned = t_banned, .marks = t_marks,
			.entity_name = "示例科技有限公司", .last_version = "1.1.0", .categories = cats, .n_categories = 12,
		};
		struct kf_image_blob d[5], m[5];
		for (int k = 0; k < 5; k++) {
			d[k] = desk[(i + k) % POOL];
			m[k] = mob[(i + 2 * k) % POOL];
		}
		double t0 = now_ms();
		f->n = 0;
		f->dropped = 0;
		kf_listing_check_text(&l, &c, f);
		kf_image_check_logo(&logo, "LST-6", "logo_file", f);
		kf_image_check_icon_codes(&logo, "logo_file", f);
		kf_image_check_logo(&company, "LST-15", "company_logo_file", f);
		kf_image_check_previews(d, 5, m, 5, f);
		double t1 = now_ms();
		rejects += kf_findings_has_reject(f);
		/* baseline: decode each of the 12 pictures once */
		const struct kf_image_blob *all[12] = {&logo, &company, &d[0], &d[1], &d[2], &d[3], &d[4],
						       &m[0], &m[1], &m[2], &m[3], &m[4]};
		for (int k = 0; k < 12; k++) {
			int w, h, ch;
			unsigned char *px = stbi_load_from_memory(all[k]->data, (int)all[k]->n, &w, &h, &ch, 0);
			if (!px)
				abort();
			stbi_image_free(px);
		}
		double t2 = now_ms();
		t_check[i] = t1 - t0;
		t_base[i] = t2 - t1;
	}
	qsort(t_check, (size_t)listings, sizeof(double), cmp);
	qsort(t_base, (size_t)listings, sizeof(double), cmp);
	double mc = t_check[listings / 2], mb = t_base[listings / 2];
	printf("listings=%d median_check_ms=%.2f median_decode_ms=%.2f ratio=%.2f listings_with_rejects=%zu\n", listings,
	       mc, mb, mc / mb, rejects);
	free(f);
	free(t_check);
	free(t_base);
	free((void *)logo.data);
	free((void *)company.data);
	for (int i = 0; i < POOL; i++) {
		free((void *)desk[i].data);
		free((void *)mob[i].data);
	}
	kf_terms_free(t_marks);
	kf_terms_free(t_generic);
	kf_terms_free(t_hot);
	kf_terms_free(t_gambling);
	kf_terms_free(t_super);
	kf_terms_free(t_banned);
	return 0;
}

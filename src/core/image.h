/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listing image checks (RULES.md LST-6, LST-10, LST-11, LST-15, and the QR
 * codes of LST-21, found with ZBar) as pure functions over byte buffers, appending to the findings list of
 * core/finding.h: nothing here reads a file or a clock. The
 * caller (the listing handler) loads the uploaded files and passes their
 * bytes; the functions decode with stb_image (PNG, JPEG, GIF only).
 *
 * Decompression bombs: a header is read before anything is decoded, and an
 * image whose width or height exceeds KF_IMAGE_MAX_DIM is never decoded, so
 * a small file claiming 100000x100000 pixels costs no allocation.
 *
 * Sizes are in binary units: 1 KB = 1024 bytes, 1 MB = 1024 * 1024 bytes.
 */
#ifndef KF_CORE_IMAGE_H
#define KF_CORE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/finding.h"

/* Largest width or height that is ever decoded. */
#define KF_IMAGE_MAX_DIM 8192

/* LST-6 (and LST-15 for the company logo). */
#define KF_IMAGE_LOGO_DIM 128
#define KF_IMAGE_LOGO_MAX_BYTES ((size_t)20 * 1024)

/* LST-10. */
#define KF_IMAGE_PREVIEWS_MAX 5
#define KF_IMAGE_DESKTOP_W 1920
#define KF_IMAGE_DESKTOP_H 1080
#define KF_IMAGE_DESKTOP_MAX_BYTES ((size_t)7 * 512 * 1024) /* 3.5 MB */
#define KF_IMAGE_MOBILE_W 750
#define KF_IMAGE_MOBILE_H 1628
#define KF_IMAGE_MOBILE_MAX_BYTES ((size_t)5 * 512 * 1024) /* 2.5 MB */

/*
 * LST-11: two pictures are "the same" when the Hamming distance of their
 * 64-bit difference hashes is at most 6, i.e. at most 6 of the 64
 * neighbour comparisons differ (about 10%). Re-encoding (JPEG quality 70)
 * and resizing typically flip 0-3 bits; unrelated pictures differ in about
 * half of them (~32), so 6 leaves a wide margin on both sides.
 */
#define KF_IMAGE_DUP_MAX_DISTANCE 6

enum kf_image_format {
	KF_IMAGE_FORMAT_UNKNOWN = 0,
	KF_IMAGE_FORMAT_PNG,
	KF_IMAGE_FORMAT_JPEG,
	KF_IMAGE_FORMAT_GIF,
};

struct kf_image_info {
	enum kf_image_format fmt;
	int width, height; /* from the header; may exceed KF_IMAGE_MAX_DIM */
	size_t bytes;      /* size of the whole file */
};

/* "png", "jpeg", "gif" or "unknown" (static strings). */
const char *kf_image_format_name(enum kf_image_format fmt);

/*
 * Read format and dimensions from the header only; nothing is decoded and
 * nothing is allocated for the pixels. The format comes from the magic bytes
 * (not from a file name or a claimed content type). A PNG or GIF header
 * claiming more than KF_IMAGE_MAX_DIM is still reported (so a rule check can
 * name the wrong dimensions); decoding it is refused later.
 * Returns KF_OK and fills *out; KF_EINVAL (name "image_unreadable") for data
 * that is no PNG, JPEG or GIF or whose header is broken, with out->fmt set
 * to what the magic bytes said and out->bytes = n; KF_ELIMIT for n > INT_MAX.
 * data may be NULL only when n == 0.
 */
enum kf_err kf_image_probe(const unsigned char *data, size_t n, struct kf_image_info *out,
			   struct kf_error *err) KF_MUST_CHECK;

/* ---- Rule checks (findings of core/finding.h) ------------------------ */

/*
 * One uploaded file, borrowed for the duration of a call. data[0..n) holds
 * the file, or only its beginning when size > n: a caller may pass just a
 * prefix (enough for the header) of a file that is over its byte limit
 * anyway, so a 10 MB upload is never read whole. size is the whole file's
 * length; 0 means n (the whole file is there). A prefix is probed but never
 * decoded.
 */
struct kf_image_blob {
	const unsigned char *data;
	size_t n;
	size_t size;
};

/*
 * LST-6 / LST-15: a logo is a PNG of exactly 128x128 pixels, at most 20 KB,
 * that decodes. rule ("LST-6" or "LST-15") and field ("logo_file",
 * "company_logo_file") must be static strings; they are copied into each
 * finding. Appends zero or more reject findings to out; a missing file is
 * the caller's concern (an empty blob is reported as an empty file).
 */
void kf_image_check_logo(const struct kf_image_blob *b, const char *rule, const char *field,
			 struct kf_findings *out);

/*
 * LST-21, the machine-checkable part: the app's icon carries no QR code.
 * The whole file in b is decoded (as LST-6 decodes it: a logo that does not
 * decode, is too large or is only a prefix is left to LST-6) and scanned
 * for QR codes with ZBar; each code found, with what it says, is one reject
 * finding on field (a static string). The red dots and badges of LST-21
 * remain the reviewer's.
 */
void kf_image_check_icon_codes(const struct kf_image_blob *b, const char *field, struct kf_findings *out);

/*
 * The QR codes in a grayscale picture gray[w*h] (one byte a pixel, rows
 * top to bottom): their number, and in text[0..size) the data of the first
 * one (cut to fit, "" when none; text may be NULL when size is 0). A
 * picture of 200x200 pixels or fewer is also scanned at two and at three
 * times its size when nothing is found at its own, so a small code in a
 * corner of an icon is not missed.
 */
int kf_image_find_qr(const unsigned char *gray, int w, int h, char *text, size_t size);

/*
 * LST-10 and LST-11 over both preview sets at once. LST-10: at least one set
 * (field "previews"); at most 5 per set; each preview PNG/JPEG/GIF with the
 * exact dimensions and byte limit of its set (fields "previews_desktop",
 * "previews_mobile"; the message names the index). Only the first 5 of a set
 * are examined one by one. LST-11: every preview of both sets that has the
 * right dimensions (and whose whole file is given) is decoded and hashed
 * (kf_image_phash_of), and each pair within KF_IMAGE_DUP_MAX_DISTANCE is one
 * reject finding on the field of the later preview. A preview with wrong
 * dimensions is not decoded (bounding memory to 10 images of about 2
 * megapixels), so it takes part in the duplicate check only once its size
 * is fixed.
 */
void kf_image_check_previews(const struct kf_image_blob *desktop, size_t n_desktop,
			     const struct kf_image_blob *mobile, size_t n_mobile,
			     struct kf_findings *out);

/* ---- Perceptual hash (LST-11) ---------------------------------------- */

/*
 * 64-bit difference hash (dHash) of decoded pixels: grayscale (luma
 * (77 R + 150 G + 29 B) / 256; alpha ignored), area-averaged down to 9x8
 * cells, bit (y * 8 + x) set when cell (x, y) is brighter than cell
 * (x + 1, y). Independent of size and aspect ratio. pixels holds h rows of
 * w * channels bytes, channels 1 (gray), 2 (gray, alpha), 3 (RGB) or 4
 * (RGBA); w, h >= 1. Returns 0 for invalid arguments.
 */
uint64_t kf_image_phash(const unsigned char *pixels, int w, int h, int channels);

/*
 * Decode data (PNG, JPEG, GIF: first frame) and hash it. The header is
 * checked first: KF_ELIMIT (name "image_too_large") when width or height
 * exceeds KF_IMAGE_MAX_DIM, without decoding; KF_EINVAL ("image_unreadable")
 * when the data does not decode. The decoded pixels are freed before return.
 */
enum kf_err kf_image_phash_of(const unsigned char *data, size_t n, uint64_t *hash,
			      struct kf_error *err) KF_MUST_CHECK;

/* Number of differing bits. */
int kf_image_hamming(uint64_t a, uint64_t b);

struct kf_image_pair {
	size_t a, b; /* indexes into the hash array, a < b */
	int distance;
};

/*
 * Every pair (a < b) of hashes[0..n) whose Hamming distance is at most
 * KF_IMAGE_DUP_MAX_DISTANCE, in order of a then b. Stores up to cap pairs in
 * pairs_out (may be NULL when cap == 0) and returns the total number found,
 * which may exceed cap.
 */
size_t kf_image_find_duplicates(const uint64_t *hashes, size_t n, struct kf_image_pair *pairs_out,
				size_t cap);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The marketplace search's text rules, pure: normalisation (NFKC, case
 * folding, whitespace squeezed), the grams a listing is indexed under
 * (every 1-, 2- and 3-character piece), the pinyin of Chinese names from
 * the Unihan readings (build/gen/pinyin.c, made by tools/gen-pinyin.sh),
 * and the relevance points of a query in a listing. store/search.c keeps
 * the posting table in step with them; docs/architecture.md "Search".
 */
#ifndef KF_CORE_SEARCH_H
#define KF_CORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One row of the generated table: a code point and its syllable. */
struct kf_pinyin_char {
	uint32_t cp;
	uint16_t syl;
};
extern const char *const kf_pinyin_syllables[];
extern const size_t kf_pinyin_nsyllables;
extern const struct kf_pinyin_char kf_pinyin_chars[];
extern const size_t kf_pinyin_nchars;

/* The toneless syllable of a code point ("tian" for U+5929), or NULL. */
const char *kf_pinyin_of(uint32_t cp);

/* NFKC, case folding, every run of white space one space, none at the
 * ends, control and format characters dropped: ＷＥＡＴＨＥＲ, Weather and
 * " weather " are all "weather". A new string (free), NULL when s is not
 * valid UTF-8. */
char *kf_search_normalize(const char *s);

/* The number of code points of valid UTF-8. */
size_t kf_search_len(const char *s);

/* The pinyin of a normalised name: *full the syllables of its Chinese
 * characters run together with its other characters (spaces dropped),
 * *initials the first letter of each syllable likewise: 天气助手 gives
 * "tianqizhushou" and "tqzs". False (both NULL) when the text has no
 * character with a reading; else both new strings. */
bool kf_search_pinyin(const char *norm, char **full, char **initials);

/* A listing's searchable text, every field normalised (NULL or "" when
 * absent); keywords joined by KF_SEARCH_SEP, which no query contains. */
#define KF_SEARCH_SEP "\x1f"
struct kf_search_doc {
	const char *name, *pinyin, *initials, *keywords, *intro, *developer;
};

/* Relevance points of a normalised query in a listing (0: not found): the
 * best field containing it, name 500 > pinyin or initials of the name 400
 * > a keyword 300 > introduction 200 > developer 100, plus 32 when the
 * name or its pinyin starts with it. Below 100 apart, so installs
 * (kf_search_pop) only order listings of equal relevance. */
#define KF_SEARCH_PREFIX_BONUS 32
int kf_search_match(const struct kf_search_doc *d, const char *nq);

/* The points of an install count: its bit length (0 for none, 1 for one,
 * 2 for two or three, … at most 31): each doubling counts one. */
int kf_search_pop(int64_t installs);

/* Every distinct gram (1 to 3 code points, not only spaces, never across
 * a keyword boundary) of the listing with its kf_search_match points. */
#define KF_SEARCH_GRAM_MAX 13 /* 3 code points of UTF-8 and the NUL */
struct kf_search_gram {
	char gram[KF_SEARCH_GRAM_MAX];
	int score;
};
/* *out a new array (free) of *n grams; false only when out of memory. */
bool kf_search_grams(const struct kf_search_doc *d, struct kf_search_gram **out, size_t *n);

/* The grams a normalised query may walk: the query itself when it has at
 * most 3 code points, else its distinct 3-code-point pieces, the first
 * piece first (a prefix of the query: its points bound the query's from
 * above). *out a new array (free) of *n grams. */
bool kf_search_query_grams(const char *nq, struct kf_search_gram **out, size_t *n);

#endif

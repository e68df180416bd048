/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of the operator's catalog of permission sets (APP-3): the sets an
 * app may ask for, the words the consent page shows for them, and the
 * capability checks a set names. The catalog is small (tens of rows), so
 * the readers below take it whole and pick in C.
 */
#ifndef KF_STORE_PERMSETS_H
#define KF_STORE_PERMSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_arena;
struct kf_db;

struct kf_permset_row {
	int64_t id;                 /* the catalog id (funcscope_category id) */
	const char *key;            /* unique, the OAuth scope word */
	const char *name;           /* Chinese name */
	const char *name_en;
	const char *description;    /* English */
	const char *data_entrusted; /* English */
	const char *description_zh; /* Chinese ("" when the operator gave none) */
	const char *data_entrusted_zh;
	const char *apis;           /* JSON array text ("[]" when none) */
	bool optional;
	bool member_data;           /* hands over members' data: the consent page asks for the scope (DATA-1) */
	const char *capability_check; /* the automated checks it names (core/checks.h), "" when none */
};

/* The whole catalog in id order: *out (and every string of it) in arena a,
 * *n rows. KF_EDB on a database failure. */
enum kf_err kf_store_permsets_list(struct kf_db *db, struct kf_arena *a, struct kf_permset_row **out,
				   size_t *n) KF_MUST_CHECK;

/* The catalog rows of ids[0..n_ids), in the order of ids (an id the
 * catalog lacks is skipped; one given twice comes twice), at most max of
 * them into out[], strings in arena a; *n how many. One query however many
 * ids. KF_EDB on a database failure. */
enum kf_err kf_store_permsets_get(struct kf_db *db, struct kf_arena *a, const int64_t *ids, size_t n_ids,
				  struct kf_permset_row *out, size_t max, size_t *n) KF_MUST_CHECK;

/* Add a set to the catalog (apis NULL stores "[]", description_zh and
 * data_entrusted_zh NULL store ""). KF_ECONFLICT when a
 * set with this id or key exists; KF_EDB. */
enum kf_err kf_store_permset_insert(struct kf_db *db, const struct kf_permset_row *row) KF_MUST_CHECK;

/* Change set id: every text of row (names, descriptions, data entrusted
 * in both languages, apis, capability_check; NULL keeps the stored one)
 * and optional, member_data (always written). row->id and row->key are not
 * changed (the key is the OAuth scope word apps were granted under).
 * KF_ENOTFOUND; KF_EDB. */
enum kf_err kf_store_permset_update(struct kf_db *db, const struct kf_permset_row *row) KF_MUST_CHECK;

/* The capability checks a permission set names (permission_sets
 * .capability_check; "" when none) and its key, by catalog id.
 * KF_ENOTFOUND when the catalog has no such set. */
enum kf_err kf_store_permission_set_checks(struct kf_db *db, int64_t id, char key[64], char checks[256]) KF_MUST_CHECK;

/* The operator's catalog of permission sets in id order: the first max
 * ids into ids[] and, when keys is not NULL, their keys into keys[];
 * *n is how many were written. KF_EDB on a database failure. */
enum kf_err kf_store_permission_set_catalog(struct kf_db *db, int64_t *ids, char (*keys)[64], size_t max,
					    size_t *n) KF_MUST_CHECK;

#endif

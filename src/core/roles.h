/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Membership roles: what a user is in an organisation (a provider, a host
 * account's organisation, or the operator's own). One enum for every role
 * the memberships table stores; its names are the stored and the API's
 * text. Pure: no I/O.
 *
 *   provider and host organisations: owner | admin | member
 *   the operator's organisation:     admin | reviewer | ops | auditor
 */
#ifndef KF_CORE_ROLES_H
#define KF_CORE_ROLES_H

#include <stdbool.h>

enum kf_role {
	KF_ROLE_NONE,     /* not a member ("" / no row) */
	KF_ROLE_OWNER,    /* "owner" */
	KF_ROLE_ADMIN,    /* "admin" */
	KF_ROLE_MEMBER,   /* "member" */
	KF_ROLE_REVIEWER, /* "reviewer" (operator staff) */
	KF_ROLE_OPS,      /* "ops" (operator staff) */
	KF_ROLE_AUDITOR,  /* "auditor" (operator staff who only read) */
};
#define KF_ROLE_COUNT 7

/* Static name ("" for NONE); NULL if out of range. */
const char *kf_role_name(enum kf_role r);
/* NULL and "" parse as NONE; false (out untouched) for an unknown name. */
bool kf_role_parse(const char *s, enum kf_role *out);

/* Operator staff who review: reviewer or admin (REV-1, REV-5). */
bool kf_role_reviews(enum kf_role r);

/* Owner or admin of a host account's organisation: may manage its
 * authorizations (AUTH-1, AUTH-2). */
bool kf_role_manages(enum kf_role r);

/* Operator staff who may only read: the auditor. */
bool kf_role_read_only(enum kf_role r);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The route table of docs/api.md, generated from the route tables so that
 * it cannot drift: one row per route the process serves (method, path, who
 * may call it, summary). `make routes-doc` writes it into docs/api.md
 * between the markers below; tests/unit/api/routedoc_test.c fails when the
 * document's table differs from the generated one.
 */
#ifndef KF_API_ROUTEDOC_H
#define KF_API_ROUTEDOC_H

#include <stdbool.h>

#define KF_ROUTEDOC_BEGIN "<!-- routes:begin -->\n"
#define KF_ROUTEDOC_END "<!-- routes:end -->\n"

/*
 * The Markdown table of every route served without the test clock, in the
 * order of the route tables: a header row, then "| `METHOD` | `path` | who
 * | summary |" per route. "Who" is the dispatcher's authentication; for a
 * public route whose handler authenticates the caller itself (the
 * component API, OAuth client authentication, authorizer tokens) it names
 * that credential, from the OpenAPI document's security schemes. Returns a
 * new string (free() it); never NULL.
 */
char *kf_routedoc_markdown(void);

/*
 * doc with the text between the lines KF_ROUTEDOC_BEGIN and
 * KF_ROUTEDOC_END replaced by table. Returns a new string (free() it), or
 * NULL when doc lacks either marker line, has them out of order or twice.
 */
char *kf_routedoc_splice(const char *doc, const char *table);

/*
 * Every route of the route tables, pages and test-only routes included, as
 * a JSON array in table order: {"method", "path", "auth" (none | user |
 * operator | admin | hostkey), "flags" (names: consent_exempt, upload,
 * test_only, own_tx, form_csrf, page), "summary"}. `kaifangd
 * --print-routes` prints it; tests/api/190-authz-matrix.test.mjs builds its
 * matrix from it. Returns a new string (free() it).
 */
char *kf_routedoc_json(void);

#endif

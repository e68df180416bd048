/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QR codes as inline SVG (libqrencode computes the modules): for the
 * otpauth:// URI of a second-factor enrolment, drawn without script or
 * style attributes so the console's CSP allows it.
 */
#ifndef KF_WEB_QR_H
#define KF_WEB_QR_H

#include <stdbool.h>

struct kf_html;

/* The whole <svg> element for text (error correction M, a 4-module quiet
 * zone), as a malloc'd string the caller frees; NULL when the text cannot
 * be encoded. The SVG carries no text of its own: the caller gives it a
 * text alternative. */
char *kf_qr_svg(const char *text);

/* Write the SVG into h, as an image with label as its text alternative
 * (escaped). False when the text cannot be encoded (nothing written). */
bool kf_qr_html(struct kf_html *h, const char *text, const char *label);

#endif

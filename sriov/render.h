/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the renderings share (output.c): the text and XML inventories. */
#ifndef SRIOV_RENDER_H
#define SRIOV_RENDER_H

/* printf into one of a ring of static buffers: a value for the row or
 * attribute being written, valid for the next few calls. */
const char *render_fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* s with what JSON and XML 1.0 cannot carry replaced (invalid UTF-8, C0
 * controls), in a static buffer as render_fmt's. */
const char *render_text(const char *s);

#endif

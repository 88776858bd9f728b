/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VF settings grammar (vfparse.c), internal: the words of a line of
 * `sriovctl set`, an apply file or a desired-state file. */
#ifndef SRIOV_VFPARSE_H
#define SRIOV_VFPARSE_H

#include "internal.h"

/* The words of a line of an apply or desired-state file: split at blanks
 * after cutting a '#' comment; they point into line (which is changed);
 * *ret is malloc'd (a free of it frees the vector only). */
int split_words(char *line, char ***ret, size_t *ret_n);
/* The attribute words after "DEVICE vf N" (device and vf only name the VF
 * in messages). */
int vf_words_parse(struct sriov_ctx *ctx, const char *device, unsigned vf, char *const *words, size_t n,
                   struct sriov_vf_config *ret);

#endif

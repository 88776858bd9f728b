/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text wrapped for a terminal: the --help of sriovctl and sriov-vf. */
#ifndef SRIOV_TEXTWRAP_H
#define SRIOV_TEXTWRAP_H

#include <stdio.h>

/* Prints text wrapped at 79 columns, each line indented by `indent`, the
 * first continuing at column `col`, and a newline. */
void wrap_print(FILE *f, const char *text, int col, int indent);
/* "  NAME  TEXT" as --help lists options: NAME at column 2, TEXT wrapped
 * from column 24 (on the next line when NAME reaches it). */
void wrap_item(FILE *f, const char *name, const char *text);

#endif

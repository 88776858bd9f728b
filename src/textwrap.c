/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text wrapped for a terminal (textwrap.h). */
#include <string.h>

#include "textwrap.h"

void wrap_print(FILE *f, const char *text, int col, int indent)
{
        const char *p = text;
        while (*p) {
                size_t word = strcspn(p, " ");
                if (col > indent && col + 1 + (int)word > 79) {
                        fprintf(f, "\n%*s", indent, "");
                        col = indent;
                } else if (col > indent) {
                        fputc(' ', f);
                        col++;
                } else if (col < indent) {
                        fprintf(f, "%*s", indent - col, "");
                        col = indent;
                }
                fprintf(f, "%.*s", (int)word, p);
                col += (int)word;
                p += word;
                while (*p == ' ')
                        p++;
        }
        fputc('\n', f);
}

void wrap_item(FILE *f, const char *name, const char *text)
{
        int col = fprintf(f, "  %s", name);
        if (col >= 24) {
                fputc('\n', f);
                col = 0;
        }
        wrap_print(f, text, col, 24);
}

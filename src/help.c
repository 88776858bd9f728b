/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl's --help and --version (help.h), printed from words.c's tables
 * and the VF words of libsriov (sriov_vf_words). */
#include <stdarg.h>
#include <string.h>

#include "help.h"
#include "sriov-version.h"
#include "sriov.h"
#include "textwrap.h"

void help_synopsis(FILE *f, const struct command *c, const char *first)
{
        int indent = (int)strlen(first);
        for (const char *s = c->synopsis; *s;) {
                size_t n = strcspn(s, "\n");
                if (s[0] == ' ')
                        fprintf(f, "%*s%.*s\n", indent + 13, "", (int)(n - 1), s + 1);
                else if (s == c->synopsis)
                        fprintf(f, "%ssriovctl %.*s\n", first, (int)n, s);
                else
                        fprintf(f, "%*ssriovctl %.*s\n", indent, "", (int)n, s);
                s += n + (s[n] == '\n');
        }
}

void help_version(FILE *f, const char *program)
{
        fprintf(f, "%s (sriov-manager) %s\n", program, SRIOV_MANAGER_VERSION);
}

/* Appends to buf (of size, used up to *len), truncating. */
static void add(char *buf, size_t size, size_t *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(buf + *len, *len < size ? size - *len : 0, fmt, ap);
        va_end(ap);
        if (n > 0)
                *len += (size_t)n;
}

/* ", " between the items of a list, " and " before the last. */
static const char *sep(size_t i, size_t n, const char *last)
{
        return i == 0 ? "" : i + 1 == n ? last : ", ";
}

void help_vf_aliases(char *buf, size_t size)
{
        const struct sriov_vf_word *t = sriov_vf_words();
        size_t n_with = 0, n_alike = 0, len = 0;
        buf[0] = 0;
        for (size_t k = 0; t[k].word; k++)
                *(t[k].aliases[0] ? &n_with : &n_alike) += 1;
        add(buf, size, &len, "%s", "also taken as ip link spells them: ");
        for (size_t k = 0, i = 0; t[k].word; k++) {
                if (!t[k].aliases[0])
                        continue;
                add(buf, size, &len, "%s", sep(i++, n_with, " and "));
                for (size_t j = 0; t[k].aliases[j]; j++)
                        add(buf, size, &len, "%s%s", j == 0 ? "" : " or ", t[k].aliases[j]);
                add(buf, size, &len, " for %s", t[k].word);
        }
        add(buf, size, &len, "%s", "; ");
        for (size_t k = 0, i = 0; t[k].word; k++)
                if (!t[k].aliases[0])
                        add(buf, size, &len, "%s%s", sep(i++, n_alike, " and "), t[k].word);
        add(buf, size, &len, "%s", " are spelled alike");
}

void help_option_commands(char *buf, size_t size, enum opt o)
{
        size_t n = 0, len = 0;
        buf[0] = 0;
        for (size_t i = 0; i < N_COMMANDS; i++)
                n += !!(commands[i].opts & OPT(o));
        for (size_t i = 0, k = 0; i < N_COMMANDS; i++)
                if (commands[i].opts & OPT(o))
                        add(buf, size, &len, "%s%s", sep(k++, n, " and "), commands[i].name);
}

void help_env_commands(char *buf, size_t size, size_t e)
{
        uint32_t mask = env_docs[e].commands;
        size_t n = 0, len = 0;
        buf[0] = 0;
        if (!mask) {
                add(buf, size, &len, "%s", "every command");
                return;
        }
        for (size_t i = 0; i < N_COMMANDS; i++)
                n += !!(mask & CMD(i));
        for (size_t i = 0, k = 0; i < N_COMMANDS; i++)
                if (mask & CMD(i))
                        add(buf, size, &len, "%s%s", sep(k++, n, " and "), commands[i].name);
}

static void print_option(FILE *f, enum opt o)
{
        const struct opt_def *d = &opt_defs[o];
        char shortopt[8] = "", name[128];
        if (d->short_name)
                snprintf(shortopt, sizeof(shortopt), "-%c, ", d->short_name);
        snprintf(name, sizeof(name), "%s--%s%s%s", shortopt, d->name, d->arg ? " " : "", d->arg ? d->arg : "");
        wrap_item(f, name, o == O_HELP ? "this text" : d->help);
}

/* The environment variables the command reads (c NULL: all, with the
 * commands that read each). */
static void print_environment(FILE *f, const struct command *c)
{
        bool any = false;
        for (size_t i = 0; i < ELEMENTS(env_docs); i++) {
                const struct env_doc *e = &env_docs[i];
                if (c && !(e->commands & CMD(c - commands)))
                        continue;
                if (!any)
                        fprintf(f, "\nEnvironment:\n");
                any = true;
                char text[512], who[256];
                help_env_commands(who, sizeof(who), i);
                snprintf(text, sizeof(text), "%s%s%s%s", e->meaning, c ? "" : " (", c ? "" : who, c ? "" : ")");
                wrap_item(f, e->name, text);
        }
}

static void print_exit_statuses(FILE *f)
{
        fprintf(f, "\nExit status (the same for every command):\n");
        for (size_t i = 0; i < ELEMENTS(exit_status_docs); i++) {
                fprintf(f, "  %d", exit_status_docs[i].status);
                wrap_print(f, exit_status_docs[i].meaning, 3, 6);
        }
}

void help_usage(FILE *f)
{
        for (size_t i = 0; i < ELEMENTS(usage_lines); i++)
                fprintf(f, "%s sriovctl %s\n", i == 0 ? "Usage:" : "      ", usage_lines[i]);
        fprintf(f, "\nCommands:\n");
        for (size_t i = 0; i < N_COMMANDS; i++) {
                help_synopsis(f, &commands[i], "  ");
                wrap_print(f, commands[i].summary, 0, 10);
        }
        fprintf(f, "\nOptions of every command:\n");
        for (enum opt o = 0; o < N_OPTS; o++)
                if (CONTEXT_OPTS & OPT(o))
                        print_option(f, o);
        fprintf(f, "\nOptions of some commands (see sriovctl COMMAND --help):\n");
        for (enum opt o = 0; o < N_OPTS; o++)
                if (!(CONTEXT_OPTS & OPT(o)))
                        print_option(f, o);
        print_environment(f, NULL);
        print_exit_statuses(f);
}

void help_command(FILE *f, const struct command *c)
{
        help_synopsis(f, c, "Usage: ");
        fprintf(f, "\n");
        wrap_print(f, c->summary, 0, 0);
        if (c->vf_words) {
                char aliases[1024];
                help_vf_aliases(aliases, sizeof(aliases));
                fprintf(f, "\n");
                wrap_print(f, aliases, 0, 0);
        }
        if (c->opts) {
                fprintf(f, "\nOptions:\n");
                for (enum opt o = 0; o < N_OPTS; o++)
                        if (c->opts & OPT(o))
                                print_option(f, o);
        }
        print_environment(f, c);
        /* the options and statuses every command shares, in one paragraph */
        char common[1024];
        size_t len = 0, k = 0;
        add(common, sizeof(common), &len, "%s", "Options of every command:");
        for (enum opt o = 0; o < N_OPTS; o++)
                if (CONTEXT_OPTS & OPT(o))
                        add(common, sizeof(common), &len, "%s --%s%s%s", k++ ? "," : "", opt_defs[o].name,
                            opt_defs[o].arg ? " " : "", opt_defs[o].arg ? opt_defs[o].arg : "");
        add(common, sizeof(common), &len, "%s", " (sriovctl --help). Exit statuses:");
        for (size_t i = 0; i < ELEMENTS(exit_status_docs); i++)
                add(common, sizeof(common), &len, "%s %d %s", i ? "," : "", exit_status_docs[i].status,
                    exit_status_docs[i].brief);
        add(common, sizeof(common), &len, "%s", " (sriovctl --help).");
        fprintf(f, "\n");
        wrap_print(f, common, 0, 0);
}

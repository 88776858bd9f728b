/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gen-words: the man pages and the bash completion, printed from the
 * tables --help is printed from (words.c, the VF words of
 * sriov/vfwords.c, the CNI plugin's cni/cniwords.c), so that they name
 * the same commands, options, words and variables. A build tool, run by
 * doc/CMakeLists.txt, not installed:
 *
 *   gen-words sriovctl.1 TEMPLATE OUT DATE
 *   gen-words sriov-vf.8 TEMPLATE OUT DATE
 *   gen-words completion TEMPLATE OUT
 *   gen-words synopsis OUT          the synopsis block of README.md
 *
 * A template is the hand-written text, with a line "@NAME@" (or
 * "@COMMAND name@") where a generated part goes and @VERSION@ and @DATE@
 * anywhere. A directive the mode does not know, a command without its
 * @COMMAND@ line or with two, is an error naming TEMPLATE:LINE: nothing is
 * written then. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cniwords.h"
#include "help.h"
#include "sriov-version.h"
#include "sriov.h"

enum mode { MAN_SRIOVCTL, MAN_SRIOV_VF, COMPLETION };

struct gen {
        enum mode mode;
        FILE *out;
        const char *template, *date;
        unsigned line;
        bool command_done[N_COMMANDS];
};

static int fail(const struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(const struct gen *g, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "gen-words: %s:%u: ", g->template, g->line);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        return -1;
}

/* ---- roff ---------------------------------------------------------------- */

/* n bytes of s as roff text: '\' and '-' escaped (a plain '-' is a hyphen
 * to groff, not the minus of an option). */
static void roff_escape(FILE *f, const char *s, size_t n)
{
        for (size_t i = 0; i < n && s[i]; i++) {
                if (s[i] == '\\')
                        fputs("\\e", f);
                else if (s[i] == '-')
                        fputs("\\-", f);
                else
                        fputc(s[i], f);
        }
}

/* A table's text as a sentence on a line of its own: capitalized, with a
 * final period, a leading '.' or '\'' kept from being a request. */
static void roff_sentence(FILE *f, const char *s)
{
        if (*s == '.' || *s == '\'')
                fputs("\\&", f);
        if (islower((unsigned char)*s)) {
                fputc(toupper((unsigned char)*s), f);
                s++;
        }
        roff_escape(f, s, strlen(s));
        size_t n = strlen(s);
        if (n == 0 || s[n - 1] != '.')
                fputc('.', f);
}

static bool is_mark(char c)
{
        return c && strchr("[]|{}<>", c);
}

/* n bytes of synopsis text as man pages set it: words of the command line
 * bold, placeholders (an upper-case first letter: DEVICE, GUEST.xml)
 * italic, brackets, bars and "..." roman; no line break inside brackets. */
static void roff_synopsis(FILE *f, const char *s, size_t n)
{
        int depth = 0; /* of brackets: "[--timeout MS]" is not broken across lines */
        for (size_t i = 0; i < n;) {
                if (s[i] == ' ' && depth > 0) {
                        fputs("\\ ", f);
                        i++;
                        continue;
                }
                if (s[i] == ' ' || is_mark(s[i])) {
                        depth += s[i] == '[' || s[i] == '{';
                        depth -= depth > 0 && (s[i] == ']' || s[i] == '}');
                        fputc(s[i++], f);
                        continue;
                }
                size_t j = i;
                while (j < n && s[j] != ' ' && !is_mark(s[j]))
                        j++;
                bool dots = strspn(s + i, ".") >= j - i;
                const char *font = dots ? NULL : isupper((unsigned char)s[i]) ? "\\fI" : "\\fB";
                if (font)
                        fputs(font, f);
                roff_escape(f, s + i, j - i);
                if (font)
                        fputs("\\fR", f);
                i = j;
        }
}

/* "a|b|c": n bytes of literal alternatives, each bold. */
static void roff_alternatives(FILE *f, const char *s, size_t n)
{
        for (size_t i = 0; i < n;) {
                size_t k = i;
                while (k < n && s[k] != '|')
                        k++;
                fputs("\\fB", f);
                roff_escape(f, s + i, k - i);
                fputs("\\fR", f);
                if (k < n)
                        fputc('|', f);
                i = k + 1;
        }
}

static void roff_synopsis_str(FILE *f, const char *s)
{
        roff_synopsis(f, s, strlen(s));
}

/* A command's synopsis lines, each ".SY sriovctl", continuations on. */
static void roff_command_synopsis(FILE *f, const struct command *c)
{
        for (const char *s = c->synopsis; *s;) {
                size_t n = strcspn(s, "\n");
                if (s[0] != ' ')
                        fputs(".SY sriovctl\n", f);
                roff_synopsis(f, s + (s[0] == ' '), n - (s[0] == ' '));
                fputc('\n', f);
                s += n + (s[n] == '\n');
        }
}

/* ".TP" and the option, its help under it; with_commands: which
 * commands take it. */
static void roff_option(FILE *f, enum opt o, bool with_commands)
{
        const struct opt_def *d = &opt_defs[o];
        fputs(".TP\n", f);
        if (d->short_name)
                fprintf(f, "\\fB\\-%c\\fR, ", d->short_name);
        fputs("\\fB\\-\\-", f);
        roff_escape(f, d->name, strlen(d->name));
        fputs("\\fR", f);
        if (d->arg) {
                fputc(' ', f);
                roff_synopsis_str(f, d->arg);
        }
        fputc('\n', f);
        roff_sentence(f, d->help);
        if (with_commands) {
                char which[256];
                help_option_commands(which, sizeof(which), o);
                fputs(" Taken by ", f);
                roff_escape(f, which, strlen(which));
                fputc('.', f);
        }
        fputc('\n', f);
}

/* ".TP" and a number (an exit status, an error code), its meaning under it. */
static void roff_numbered(FILE *f, int number, const char *meaning)
{
        fprintf(f, ".TP\n.B %d\n", number);
        roff_sentence(f, meaning);
        fputc('\n', f);
}

/* ---- sriovctl(1) ---------------------------------------------------------- */

static int man_command(struct gen *g, const char *name)
{
        const struct command *c = find_command(name);
        if (!c)
                return fail(g, "@COMMAND %s@: no such command in src/words.c", name);
        if (g->command_done[c - commands])
                return fail(g, "@COMMAND %s@ is here twice", name);
        g->command_done[c - commands] = true;
        FILE *f = g->out;
        fputs(".SS ", f);
        roff_escape(f, c->name, strlen(c->name));
        fputs("\n", f);
        roff_command_synopsis(f, c);
        fputs(".YS\n.PP\n", f);
        roff_sentence(f, c->summary);
        fputc('\n', f);
        if (c->vf_words) {
                char aliases[1024];
                help_vf_aliases(aliases, sizeof(aliases));
                fputs(".PP\n", f);
                roff_sentence(f, aliases);
                fputc('\n', f);
        }
        if (c->opts) {
                fputs(".PP\nOptions:\n", f);
                for (enum opt o = 0; o < N_OPTS; o++)
                        if (c->opts & OPT(o))
                                roff_option(f, o, false);
        }
        size_t n_env = 0;
        for (size_t i = 0; i < ELEMENTS(env_docs); i++)
                n_env += !!(env_docs[i].commands & CMD(c - commands));
        if (n_env) {
                fputs(".PP\nEnvironment:", f);
                for (size_t i = 0, k = 0; i < ELEMENTS(env_docs); i++)
                        if (env_docs[i].commands & CMD(c - commands))
                                fprintf(f, "%s \\fB%s\\fR", k++ == 0 ? "" : k == n_env ? " and" : ",", env_docs[i].name);
                fputs(" (see \\fBENVIRONMENT\\fR).\n", f);
        }
        /* the template's prose for the command follows */
        fputs(".PP\n", f);
        return 0;
}

static int man_sriovctl(struct gen *g, const char *d)
{
        FILE *f = g->out;
        if (strcmp(d, "SYNOPSIS") == 0) {
                fprintf(f, ".SY sriovctl\n");
                roff_synopsis_str(f, usage_lines[0]);
                fputc('\n', f);
                for (size_t i = 0; i < N_COMMANDS; i++)
                        roff_command_synopsis(f, &commands[i]);
                for (size_t i = 1; i < ELEMENTS(usage_lines); i++) {
                        fprintf(f, ".SY sriovctl\n");
                        roff_synopsis_str(f, usage_lines[i]);
                        fputc('\n', f);
                }
                fputs(".YS\n", f);
        } else if (strncmp(d, "COMMAND ", 8) == 0) {
                return man_command(g, d + 8);
        } else if (strcmp(d, "OPTIONS") == 0) {
                fputs(".SS \"Options of every command\"\n", f);
                for (enum opt o = 0; o < N_OPTS; o++)
                        if (CONTEXT_OPTS & OPT(o))
                                roff_option(f, o, false);
                fputs(".SS \"Options of some commands\"\n", f);
                for (enum opt o = 0; o < N_OPTS; o++)
                        if (!(CONTEXT_OPTS & OPT(o)))
                                roff_option(f, o, true);
        } else if (strcmp(d, "ENVIRONMENT") == 0) {
                for (size_t i = 0; i < ELEMENTS(env_docs); i++) {
                        char who[256];
                        help_env_commands(who, sizeof(who), i);
                        fprintf(f, ".TP\n.B %s\n", env_docs[i].name);
                        roff_sentence(f, env_docs[i].meaning);
                        fputs(" Read by ", f);
                        roff_escape(f, who, strlen(who));
                        fputs(".\n", f);
                }
        } else if (strcmp(d, "EXIT_STATUS") == 0) {
                for (size_t i = 0; i < ELEMENTS(exit_status_docs); i++)
                        roff_numbered(f, exit_status_docs[i].status, exit_status_docs[i].meaning);
        } else
                return fail(g, "unknown directive @%s@ (sriovctl.1: SYNOPSIS, COMMAND name, OPTIONS, ENVIRONMENT, "
                               "EXIT_STATUS)",
                            d);
        return 0;
}

/* ---- sriov-vf(8) ---------------------------------------------------------- */

static void roff_docs(FILE *f, const struct cni_doc *d, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                fputs(".TP\n\\fB", f);
                roff_escape(f, d[i].name, strlen(d[i].name));
                fputs("\\fR", f);
                if (d[i].value && strchr(d[i].value, '|')) {
                        fputc(' ', f);
                        roff_alternatives(f, d[i].value, strlen(d[i].value));
                } else if (d[i].value) {
                        fputc(' ', f);
                        roff_synopsis_str(f, d[i].value);
                }
                fputc('\n', f);
                roff_sentence(f, d[i].meaning);
                fputc('\n', f);
        }
}

static int man_sriov_vf(struct gen *g, const char *d)
{
        FILE *f = g->out;
        if (strcmp(d, "SYNOPSIS") == 0) {
                fputs(".nf\n", f);
                for (size_t i = 0; i < ELEMENTS(cni_usage_lines); i++) {
                        const char *l = cni_usage_lines[i], *prog = strstr(l, "sriov-vf");
                        /* the variables before the program: NAME bold, then its values */
                        for (const char *p = l; p < prog;) {
                                size_t n = strcspn(p, " ");
                                const char *eq = memchr(p, '=', n);
                                if (eq && isupper((unsigned char)p[0])) {
                                        fputs("\\fB", f);
                                        roff_escape(f, p, (size_t)(eq - p));
                                        fputs("\\fR=", f);
                                        roff_alternatives(f, eq + 1, n - (size_t)(eq + 1 - p));
                                } else
                                        roff_escape(f, p, n);
                                p += n;
                                if (*p == ' ')
                                        fputc(*p++, f);
                        }
                        fputs("\\fBsriov\\-vf\\fR", f);
                        roff_synopsis_str(f, prog + strlen("sriov-vf"));
                        fputc('\n', f);
                }
                fputs(".fi\n", f);
        } else if (strcmp(d, "COMMANDS") == 0) {
                for (size_t i = 0; i < N_CNI_COMMANDS; i++) {
                        fprintf(f, ".TP\n.B %s\n", cni_commands[i].name);
                        roff_sentence(f, cni_commands[i].meaning);
                        if (cni_commands[i].value)
                                fprintf(f, " From CNI %s on.", cni_commands[i].value);
                        fputc('\n', f);
                }
        } else if (strcmp(d, "ENVIRONMENT") == 0) {
                roff_docs(f, cni_env, ELEMENTS(cni_env));
        } else if (strcmp(d, "NETCONF") == 0) {
                roff_docs(f, cni_netconf_keys, ELEMENTS(cni_netconf_keys));
        } else if (strcmp(d, "CNI_ARGS") == 0) {
                roff_docs(f, cni_args_keys, ELEMENTS(cni_args_keys));
        } else if (strcmp(d, "ERRORS") == 0) {
                for (size_t i = 0; i < ELEMENTS(cni_code_docs); i++)
                        roff_numbered(f, cni_code_docs[i].code, cni_code_docs[i].meaning);
        } else if (strcmp(d, "EXIT_STATUS") == 0) {
                for (size_t i = 0; i < ELEMENTS(cni_exit_docs); i++)
                        roff_numbered(f, cni_exit_docs[i].code, cni_exit_docs[i].meaning);
        } else
                return fail(g, "unknown directive @%s@ (sriov-vf.8: SYNOPSIS, COMMANDS, ENVIRONMENT, NETCONF, CNI_ARGS, "
                               "ERRORS, EXIT_STATUS)",
                            d);
        return 0;
}

/* ---- bash completion ------------------------------------------------------ */

/* What completion offers for an option's value: "-d" directories, "-f"
 * files, or words (maybe none). */
static void option_value(const struct opt_def *d, char *buf, size_t size)
{
        if (d->values)
                snprintf(buf, size, "%s", d->values);
        else if (strcmp(d->arg, "DIR") == 0)
                snprintf(buf, size, "-d");
        else if (strcmp(d->arg, "FILE") == 0 || strstr(d->arg, ".xml"))
                snprintf(buf, size, "-f");
        else if (strchr(d->arg, '|')) {
                snprintf(buf, size, "%s", d->arg);
                for (char *p = buf; *p; p++)
                        if (*p == '|')
                                *p = ' ';
        } else
                buf[0] = 0;
}

static void option_names(FILE *f, enum opt o)
{
        if (opt_defs[o].short_name)
                fprintf(f, "-%c ", opt_defs[o].short_name);
        fprintf(f, "--%s", opt_defs[o].name);
}

static void option_list(FILE *f, uint32_t mask)
{
        bool first = true;
        for (enum opt o = 0; o < N_OPTS; o++)
                if (mask & OPT(o)) {
                        if (!first)
                                fputc(' ', f);
                        first = false;
                        option_names(f, o);
                }
}

static int completion(struct gen *g, const char *d)
{
        if (strcmp(d, "TABLES") != 0)
                return fail(g, "unknown directive @%s@ (completion: TABLES)", d);
        FILE *f = g->out;
        fputs("_sriovctl_commands='", f);
        for (size_t i = 0; i < N_COMMANDS; i++)
                fprintf(f, "%s%s", i ? " " : "", commands[i].name);
        fputs("'\n_sriovctl_context_options='", f);
        option_list(f, CONTEXT_OPTS);
        fputs("'\n_sriovctl_all_options='", f);
        option_list(f, UINT32_MAX >> (32 - N_OPTS));
        fputs("'\n\n# the options of each command besides those\n_sriovctl_command_options() {\n        case $1 in\n",
              f);
        for (size_t i = 0; i < N_COMMANDS; i++) {
                fprintf(f, "        %s) REPLY='", commands[i].name);
                option_list(f, commands[i].opts);
                fputs("' ;;\n", f);
        }
        fputs("        *) REPLY='' ;;\n        esac\n}\n\n", f);
        fputs("# what follows an option that takes a value: -d directories, -f files,\n"
              "# or the words in REPLY (maybe none); false for an option without one\n"
              "_sriovctl_option_value() {\n        case $1 in\n",
              f);
        for (enum opt o = 0; o < N_OPTS; o++) {
                if (!opt_defs[o].arg)
                        continue;
                char value[256];
                option_value(&opt_defs[o], value, sizeof(value));
                fputs("        ", f);
                if (opt_defs[o].short_name)
                        fprintf(f, "-%c|", opt_defs[o].short_name);
                fprintf(f, "--%s) REPLY='%s' ;;\n", opt_defs[o].name, value);
        }
        fputs("        *) return 1 ;;\n        esac\n}\n\n", f);
        fputs("# the words after each command (src/words.h: struct command, args)\n"
              "_sriovctl_arguments() {\n        case $1 in\n",
              f);
        for (size_t i = 0; i < N_COMMANDS; i++)
                fprintf(f, "        %s) REPLY='%s' ;;\n", commands[i].name, commands[i].args);
        fputs("        *) return 1 ;;\n        esac\n}\n\n", f);
        fputs("# the words of set: \"WORD AFTER VALUES SPELLING...\" (AFTER: the word it\n"
              "# follows, VALUES: the words of its value, - for none)\n_sriovctl_set_words=(\n",
              f);
        const struct sriov_vf_word *t = sriov_vf_words();
        for (size_t k = 0; t[k].word; k++) {
                fprintf(f, "        '%s %s %s %s", t[k].word, t[k].after ? t[k].after : "-",
                        strchr(t[k].value, '|') ? t[k].value : "-", t[k].word);
                for (size_t j = 0; t[k].aliases[j]; j++)
                        fprintf(f, " %s", t[k].aliases[j]);
                fputs("'\n", f);
        }
        fputs(")\n", f);
        return 0;
}

/* ---- templates ------------------------------------------------------------- */

/* A template line with @VERSION@ and @DATE@ put in. */
static void put_line(struct gen *g, const char *line)
{
        for (const char *p = line; *p;) {
                if (strncmp(p, "@VERSION@", 9) == 0) {
                        fputs(SRIOV_MANAGER_VERSION, g->out);
                        p += 9;
                } else if (strncmp(p, "@DATE@", 6) == 0 && g->date) {
                        fputs(g->date, g->out);
                        p += 6;
                } else
                        fputc(*p++, g->out);
        }
}

static int expand(struct gen *g)
{
        FILE *in = fopen(g->template, "re");
        if (!in) {
                fprintf(stderr, "gen-words: %s: %s\n", g->template, strerror(errno));
                return -1;
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        int r = 0;
        while (r == 0 && (n = getline(&line, &cap, in)) >= 0) {
                g->line++;
                size_t len = (size_t)n;
                if (len && line[len - 1] == '\n')
                        line[--len] = 0;
                if (len > 2 && line[0] == '@' && line[len - 1] == '@' && strcmp(line, "@VERSION@") != 0 &&
                    strcmp(line, "@DATE@") != 0) {
                        line[len - 1] = 0;
                        r = g->mode == MAN_SRIOVCTL   ? man_sriovctl(g, line + 1)
                            : g->mode == MAN_SRIOV_VF ? man_sriov_vf(g, line + 1)
                                                      : completion(g, line + 1);
                        continue;
                }
                put_line(g, line);
                fputc('\n', g->out);
        }
        free(line);
        fclose(in);
        if (r == 0 && g->mode == MAN_SRIOVCTL)
                for (size_t i = 0; i < N_COMMANDS; i++)
                        if (!g->command_done[i])
                                r = fail(g, "no @COMMAND %s@ line: every command has its section", commands[i].name);
        return r;
}

/* The synopsis block of README.md: what --help prints, indented as code. */
static int synopsis(struct gen *g)
{
        for (size_t i = 0; i < N_COMMANDS; i++)
                help_synopsis(g->out, &commands[i], "    ");
        for (size_t i = 1; i < ELEMENTS(usage_lines); i++)
                fprintf(g->out, "    sriovctl %s\n", usage_lines[i]);
        return 0;
}

int main(int argc, char **argv)
{
        static const char usage[] = "usage: gen-words sriovctl.1|sriov-vf.8 TEMPLATE OUT DATE\n"
                                    "       gen-words completion TEMPLATE OUT\n"
                                    "       gen-words synopsis OUT\n";
        struct gen g = {0};
        const char *out;
        if (argc == 5 && (strcmp(argv[1], "sriovctl.1") == 0 || strcmp(argv[1], "sriov-vf.8") == 0)) {
                g.mode = strcmp(argv[1], "sriovctl.1") == 0 ? MAN_SRIOVCTL : MAN_SRIOV_VF;
                g.template = argv[2], out = argv[3], g.date = argv[4];
        } else if (argc == 4 && strcmp(argv[1], "completion") == 0) {
                g.mode = COMPLETION;
                g.template = argv[2], out = argv[3];
        } else if (argc == 3 && strcmp(argv[1], "synopsis") == 0) {
                out = argv[2];
        } else {
                fputs(usage, stderr);
                return 2;
        }
        /* written beside, renamed when whole: a failed run leaves no half file */
        char tmp[4096];
        snprintf(tmp, sizeof(tmp), "%s.tmp", out);
        if (!(g.out = fopen(tmp, "we"))) {
                fprintf(stderr, "gen-words: %s: %s\n", tmp, strerror(errno));
                return 1;
        }
        int r = g.template ? expand(&g) : synopsis(&g);
        if (fclose(g.out) != 0 && r == 0) {
                fprintf(stderr, "gen-words: %s: %s\n", tmp, strerror(errno));
                r = -1;
        }
        if (r == 0 && rename(tmp, out) < 0) {
                fprintf(stderr, "gen-words: %s: %s\n", out, strerror(errno));
                r = -1;
        }
        if (r < 0)
                remove(tmp);
        return r < 0 ? 1 : 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The programs' words agree wherever they are said: `--help` and the
 * generated man pages (every command, option, environment variable,
 * NetConf key and error code one names, the other names too), README.md's
 * synopsis block and the generated one, --version and project(VERSION) in
 * the programs, the man pages and libsriov.pc; and the tables with the
 * sources (every getenv(), NetConf key and CNI error code the programs use
 * is in a table, and every table entry is used). The outputs are read as a
 * user gets them: the programs run, the roff files parsed. */
#include "testutil.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sys/wait.h>

#include "cniwords.h"
#include "sriov.h"
#include "words.h"

/* ---- output and word sets ------------------------------------------------- */

/* stdout of the shell command line cmd; *status its exit status. */
static char *run_sh(const char *cmd, int *status)
{
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        size_t cap = 65536, len = 0, n;
        char *buf = malloc(cap);
        assert_non_null(buf);
        while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0)
                if ((len += n) + 1 >= cap)
                        assert_non_null(buf = realloc(buf, cap *= 2));
        buf[len] = 0;
        int st = pclose(p);
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        return buf;
}

/* stdout of `PROGRAM ARGS` (ARGS shell words). */
static char *run(const char *program, const char *args, int *status)
{
        char cmd[4096];
        snprintf(cmd, sizeof(cmd), "'%s' %s 2>/dev/null </dev/null", program, args);
        return run_sh(cmd, status);
}

static char *run_ok(const char *program, const char *args)
{
        int status;
        char *out = run(program, args, &status);
        if (status != 0)
                fail_msg("%s %s: exit %d", program, args, status);
        return out;
}

#define MAX_WORDS 256

/* A set of words, kept sorted. */
struct words {
        char *w[MAX_WORDS];
        size_t n;
};

static void words_add(struct words *s, const char *w, size_t len)
{
        for (size_t i = 0; i < s->n; i++)
                if (strlen(s->w[i]) == len && strncmp(s->w[i], w, len) == 0)
                        return;
        assert_true(s->n < MAX_WORDS);
        s->w[s->n++] = strndup(w, len);
}

static void words_done(struct words *s)
{
        for (size_t i = 0; i < s->n; i++)
                free(s->w[i]);
        s->n = 0;
}

static bool words_has(const struct words *s, const char *w)
{
        for (size_t i = 0; i < s->n; i++)
                if (strcmp(s->w[i], w) == 0)
                        return true;
        return false;
}

/* The two sets are equal; else names what each lacks. */
static void words_equal(const char *what, const char *a_name, const struct words *a, const char *b_name,
                        const struct words *b)
{
        char missing[4096] = "";
        for (size_t i = 0; i < a->n; i++)
                if (!words_has(b, a->w[i]))
                        snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "\n  %s lacks %s", b_name,
                                 a->w[i]);
        for (size_t i = 0; i < b->n; i++)
                if (!words_has(a, b->w[i]))
                        snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "\n  %s lacks %s", a_name,
                                 b->w[i]);
        if (missing[0])
                fail_msg("%s: %s and %s differ:%s", what, a_name, b_name, missing);
        if (a->n == 0)
                fail_msg("%s: none found in %s", what, a_name);
}

/* text with every run of blanks and newlines one blank: wrapped lines
 * compared with unwrapped ones. */
static char *flatten(const char *text)
{
        char *out = malloc(strlen(text) + 1), *o = out;
        assert_non_null(out);
        for (const char *p = text; *p; p++)
                if (!isspace((unsigned char)*p))
                        *o++ = *p;
                else if (o > out && o[-1] != ' ')
                        *o++ = ' ';
        *o = 0;
        return out;
}

/* The lines of text from the one starting with `from` (NULL: the start)
 * to the one starting with `to` (NULL: the end), excluded; malloc'd. */
static char *section(const char *text, const char *from, const char *to)
{
        const char *start = text;
        if (from) {
                size_t n = strlen(from);
                for (start = text; start && strncmp(start, from, n) != 0;)
                        start = (start = strchr(start, '\n')) ? start + 1 : NULL;
                if (!start)
                        return strdup("");
                start = (start = strchr(start, '\n')) ? start + 1 : text + strlen(text);
        }
        const char *end = start;
        size_t n = to ? strlen(to) : 0;
        while (*end && !(to && strncmp(end, to, n) == 0))
                end = strchr(end, '\n') ? strchr(end, '\n') + 1 : end + strlen(end);
        return strndup(start, (size_t)(end - start));
}

/* --help's items: the first word of each line indented by two ("  WORD",
 * "  -o, --output FILE": --output); `options`: only options. */
static void help_items(const char *text, bool options, struct words *s)
{
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                if (strncmp(l, "  ", 2) != 0 || l[2] == ' ')
                        continue;
                const char *w = l + 2;
                if (options && !(w[0] == '-'))
                        continue;
                if (w[0] == '-' && w[1] != '-' && w[2] == ',')
                        w += 4; /* "-o, " */
                words_add(s, w, strcspn(w, " \n"));
        }
}

/* roff text with the fonts and escapes taken out: what a reader sees. */
static char *unroff(const char *text)
{
        char *out = malloc(strlen(text) + 1), *o = out;
        assert_non_null(out);
        for (const char *p = text; *p; p++) {
                if (p[0] == '\\' && p[1] == 'f' && p[2]) {
                        p += 2;
                } else if (p[0] == '\\' && (p[1] == '-' || p[1] == ' ' || p[1] == '&' || p[1] == 'e')) {
                        p++;
                        if (*p != '&')
                                *o++ = *p == 'e' ? '\\' : *p;
                } else
                        *o++ = *p;
        }
        *o = 0;
        return out;
}

/* The items of a man page section: the first word of the line after each
 * .TP (".B 5", "--output OUT.xml", "-o, --output OUT.xml": --output). */
static void man_items(const char *text, struct words *s)
{
        for (const char *l = strstr(text, ".TP\n"); l; l = strstr(l + 1, ".TP\n")) {
                const char *w = l + 4;
                if (strncmp(w, ".B ", 3) == 0)
                        w += 3;
                if (w[0] == '-' && w[1] != '-' && w[2] == ',')
                        w += 4;
                words_add(s, w, strcspn(w, " \n"));
        }
}

/* The words "A, B and C" after `label` in text (up to '(' or the end of
 * the sentence). */
static void listed_after(const char *text, const char *label, struct words *s)
{
        const char *p = strstr(text, label);
        if (!p)
                return;
        p += strlen(label);
        while (*p && *p != '(' && *p != '.' && *p != '\n') {
                p += strspn(p, " ,");
                if (strncmp(p, "and ", 4) == 0)
                        p += 4;
                size_t n = strcspn(p, " ,.(\n");
                if (n)
                        words_add(s, p, n);
                p += n;
        }
}

/* The items of --help's lines from help_from to help_to and those of the
 * man page's from man_from to man_to are the same n words. */
static void compare_parts(const char *what, const char *help, const char *help_from, const char *help_to, bool options,
                          const char *man, const char *man_from, const char *man_to, size_t n)
{
        struct words h = {0}, m = {0};
        char *hs = section(help, help_from, help_to), *ms = section(man, man_from, man_to);
        help_items(hs, options, &h);
        man_items(ms, &m);
        words_equal(what, "--help", &h, "the man page", &m);
        assert_int_equal(h.n, n);
        words_done(&h);
        words_done(&m);
        free(hs);
        free(ms);
}

static char *man_page(const char *path)
{
        char *roff = slurp(path, NULL);
        if (!roff)
                fail_msg("%s: %s (built by the target words)", path, strerror(errno));
        char *text = unroff(roff);
        free(roff);
        return text;
}

/* ---- sriovctl --------------------------------------------------------------- */

/* Every command and option `sriovctl --help` names is in sriovctl(1) and
 * the other way round; each command's options and environment variables
 * in `COMMAND --help` and in its section of the page; the environment. */
static void sriovctl_help_and_man(void **state)
{
        (void)state;
        char *help = run_ok(SRIOVCTL_PATH, "--help"), *man = man_page(SRIOV_MAN1);
        struct words h = {0}, m = {0};

        /* commands: "  sriovctl NAME" in help, ".SS NAME" in COMMANDS */
        char *cmds = section(help, "Commands:", "Options of every command:");
        for (const char *l = cmds; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
                if (strncmp(l, "  sriovctl ", 11) == 0)
                        words_add(&h, l + 11, strcspn(l + 11, " \n"));
        free(cmds);
        char *man_cmds = section(man, ".SH COMMANDS", ".SH OPTIONS");
        for (const char *l = strstr(man_cmds, ".SS "); l; l = strstr(l + 1, "\n.SS "))
                words_add(&m, l + (l[0] == '\n' ? 5 : 4), strcspn(l + (l[0] == '\n' ? 5 : 4), "\n"));
        free(man_cmds);
        words_equal("commands", "sriovctl --help", &h, "sriovctl(1) COMMANDS", &m);
        assert_int_equal(h.n, N_COMMANDS);
        words_done(&h);
        words_done(&m);

        /* options: the two option lists of --help, OPTIONS of the page */
        compare_parts("options", help, "Options of every command:", "Environment:", true, man, ".SH OPTIONS",
                      ".SH EXIT STATUS", N_OPTS);

        /* the environment, udev-event's ACTION, DEVPATH, ... included */
        char *env = section(help, "Environment:", "Exit status");
        help_items(env, false, &h);
        free(env);
        char *man_env = section(man, ".SH ENVIRONMENT", ".SH FILES");
        man_items(man_env, &m);
        words_equal("environment", "sriovctl --help", &h, "sriovctl(1) ENVIRONMENT", &m);
        assert_true(words_has(&h, "ACTION") && words_has(&h, "DEVPATH") && words_has(&h, "INTERFACE"));
        /* ... and each said in the same words */
        char *flat_help = flatten(help), *flat_man = flatten(man_env);
        for (size_t i = 0; i < ELEMENTS(env_docs); i++) {
                char *said = flatten(env_docs[i].meaning + 1); /* past the capital the page gives it */
                assert_contains(flat_help, said);
                assert_contains(flat_man, said);
                free(said);
        }
        free(flat_help);
        free(flat_man);
        free(man_env);
        words_done(&h);
        words_done(&m);

        /* each command: its options and variables, in COMMAND --help and
         * in its section of the page */
        for (size_t i = 0; i < N_COMMANDS; i++) {
                char args[64], ss[64];
                snprintf(args, sizeof(args), "%s --help", commands[i].name);
                char *ch = run_ok(SRIOVCTL_PATH, args);
                snprintf(ss, sizeof(ss), ".SS %s\n", commands[i].name);
                if (!strstr(man, ss))
                        fail_msg("sriovctl(1) has no section %s", ss);
                char *sec = section(man, ss, ".SS ");
                if (strstr(sec, "\n.SH "))
                        *strstr(sec, "\n.SH ") = 0;
                char *o = section(ch, "Options:", "\n");
                help_items(o, true, &h);
                free(o);
                char *mo = section(sec, "Options:", ".PP");
                man_items(mo, &m);
                free(mo);
                if (h.n || m.n)
                        words_equal(commands[i].name, args, &h, "its sriovctl(1) section", &m);
                words_done(&h);
                words_done(&m);
                char *e = section(ch, "Environment:", "\n");
                help_items(e, false, &h);
                free(e);
                listed_after(sec, "Environment:", &m);
                if (h.n || m.n)
                        words_equal(commands[i].name, args, &h, "its sriovctl(1) section", &m);
                words_done(&h);
                words_done(&m);
                /* the synopsis: each line of one in the other */
                for (const char *s = commands[i].synopsis; *s;) {
                        size_t n = strcspn(s, "\n");
                        char line[512];
                        snprintf(line, sizeof(line), "%.*s", (int)(n - (s[0] == ' ')), s + (s[0] == ' '));
                        assert_contains(ch, line);
                        assert_contains(sec, line);
                        s += n + (s[n] == '\n');
                }
                free(sec);
                free(ch);
        }
        free(help);
        free(man);
}

/* set and apply say which of ip link's spellings they take, each one of
 * the parser's table; set's synopsis has every word of it. */
static void set_words(void **state)
{
        (void)state;
        const struct sriov_vf_word *t = sriov_vf_words();
        char *set_help = run_ok(SRIOVCTL_PATH, "set --help"), *apply_help = run_ok(SRIOVCTL_PATH, "apply --help");
        char *man_text = man_page(SRIOV_MAN1);
        char *set = flatten(set_help), *apply = flatten(apply_help), *man = flatten(man_text);
        free(set_help);
        free(apply_help);
        free(man_text);
        for (size_t k = 0; t[k].word; k++) {
                char opt[64];
                snprintf(opt, sizeof(opt), "[%s %s", t[k].word, t[k].value);
                assert_contains(commands[C_SET].synopsis, opt);
                for (size_t j = 0; t[k].aliases[j]; j++) {
                        char said[64];
                        snprintf(said, sizeof(said), " %s ", t[k].aliases[j]);
                        assert_contains(set, said);
                        assert_contains(apply, said);
                        assert_contains(man, said);
                }
        }
        assert_contains(set, "max_tx_rate");
        assert_contains(set, "ip link");
        free(set);
        free(apply);
        free(man);
}

/* Every word after `pattern` in the .c files of dir but `exclude`, up to a character of
 * stop. */
static void scan_dir(const char *dir, const char *exclude, const char *pattern, const char *stop, struct words *found)
{
        DIR *d = opendir(dir);
        assert_non_null(d);
        for (struct dirent *e; (e = readdir(d));) {
                size_t n = strlen(e->d_name);
                if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0 || (exclude && strcmp(e->d_name, exclude) == 0))
                        continue;
                char path[4096];
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                char *text = slurp(path, NULL);
                assert_non_null(text);
                for (const char *p = strstr(text, pattern); p; p = strstr(p + 1, pattern)) {
                        const char *w = p + strlen(pattern);
                        words_add(found, w, strcspn(w, stop));
                }
                free(text);
        }
        closedir(d);
}

/* Every getenv() of sriovctl (src/, and the library's, sriov/) is in
 * env_docs, and every entry is read somewhere. */
static void sriovctl_environment_in_sources(void **state)
{
        (void)state;
        struct words src = {0}, table = {0};
        scan_dir(SRIOV_SOURCE_DIR "/src", NULL, "getenv(\"", "\"", &src);
        scan_dir(SRIOV_SOURCE_DIR "/sriov", NULL, "getenv(\"", "\"", &src);
        for (size_t i = 0; i < ELEMENTS(env_docs); i++)
                words_add(&table, env_docs[i].name, strlen(env_docs[i].name));
        words_equal("environment variables", "getenv() in src/ and sriov/", &src, "env_docs (src/words.c)", &table);
        words_done(&src);
        words_done(&table);
}

/* README.md's synopsis block is the generated one (build/doc/synopsis.txt,
 * the lines --help prints). */
static void readme_synopsis(void **state)
{
        (void)state;
        char *readme = slurp(SRIOV_SOURCE_DIR "/README.md", NULL), *want = slurp(SRIOV_SYNOPSIS, NULL);
        assert_non_null(readme);
        assert_non_null(want);
        static const char begin[] = "<!-- sriovctl synopsis", end[] = "<!-- /sriovctl synopsis -->";
        const char *b = strstr(readme, begin), *e = b ? strstr(b, end) : NULL;
        if (!b || !e)
                fail_msg("README.md has no block between \"%s ... -->\" and \"%s\": put in it\n%s", begin, end, want);
        b = strstr(b, "-->"); /* the comment may take more than a line */
        b = b && b < e ? strchr(b, '\n') : NULL;
        if (!b)
                fail_msg("README.md: the comment \"%s\" does not end before \"%s\"", begin, end);
        while (*b == '\n')
                b++;
        size_t n = (size_t)(e - b);
        while (n && b[n - 1] == '\n')
                n--;
        size_t wn = strlen(want);
        while (wn && want[wn - 1] == '\n')
                wn--;
        if (n != wn || strncmp(b, want, n) != 0)
                fail_msg("README.md's synopsis block is not what --help says; it should be (build/doc/synopsis.txt):\n%s",
                         want);
        free(readme);
        free(want);
}

/* ---- sriov-vf ----------------------------------------------------------------- */

/* Every CNI command, variable, NetConf key, CNI_ARGS key, error code and
 * exit status of `sriov-vf --help` is in sriov-vf(8), and the other way. */
static void sriov_vf_help_and_man(void **state)
{
        (void)state;
        char *help = run_ok(SRIOV_VF_PATH, "--help"), *man = man_page(SRIOV_MAN8);
        static const struct {
                const char *help_from, *help_to, *man_from, *man_to;
                size_t n;
        } parts[] = {
                {"CNI commands:", "Environment:", ".SH CNI COMMANDS", ".SH ENVIRONMENT", N_CNI_COMMANDS},
                {"Environment:", "NetConf keys:", ".SH ENVIRONMENT", ".SH NETCONF KEYS", ELEMENTS(cni_env)},
                {"NetConf keys:", "CNI_ARGS keys:", ".SH NETCONF KEYS", ".SH CNI_ARGS KEYS", ELEMENTS(cni_netconf_keys)},
                {"CNI_ARGS keys:", "Error codes", ".SH CNI_ARGS KEYS", ".SH OUTPUT", ELEMENTS(cni_args_keys)},
                {"Error codes", "Exit status:", ".SH ERROR CODES", ".SH EXIT STATUS", ELEMENTS(cni_code_docs)},
                {"Exit status:", NULL, ".SH EXIT STATUS", ".SH FILES", ELEMENTS(cni_exit_docs)},
        };
        for (size_t i = 0; i < ELEMENTS(parts); i++)
                compare_parts(parts[i].help_from, help, parts[i].help_from, parts[i].help_to, false, man,
                              parts[i].man_from, parts[i].man_to, parts[i].n);
        /* the synopsis */
        char *syn = section(man, ".SH SYNOPSIS", ".SH DESCRIPTION");
        for (size_t i = 0; i < ELEMENTS(cni_usage_lines); i++) {
                assert_contains(help, cni_usage_lines[i]);
                assert_contains(syn, cni_usage_lines[i]);
        }
        free(syn);
        free(help);
        free(man);
        /* anything but --help or --version alone is a usage error */
        int status;
        free(run(SRIOV_VF_PATH, "--frob", &status));
        assert_int_equal(status, 2);
        free(run(SRIOV_VF_PATH, "--version extra", &status));
        assert_int_equal(status, 2);
}

/* cni/: every variable read, NetConf key read and error code answered is
 * in cniwords.c's tables, and every entry is used. */
static void sriov_vf_words_in_sources(void **state)
{
        (void)state;
        struct words src = {0}, table = {0};
        scan_dir(SRIOV_SOURCE_DIR "/cni", NULL, "getenv(\"", "\"", &src);
        scan_dir(SRIOV_SOURCE_DIR "/cni", NULL, "need_env(run, \"", "\"", &src);
        for (size_t i = 0; i < ELEMENTS(cni_env); i++)
                words_add(&table, cni_env[i].name, strlen(cni_env[i].name));
        words_equal("environment variables", "cni/", &src, "cni_env (cni/cniwords.c)", &table);
        words_done(&src);
        words_done(&table);

        /* the NetConf's keys: what netconf.c asks the document for (and
         * sriov-vf.c's dns); runtimeConfig.mac is "mac" of "runtimeConfig" */
        static const char *const getters[] = {"get_string(doc, \"", "get_int(doc, \"", "get_onoff(doc, \"",
                                              "member(doc, \"", "attachment_list(doc, \"",
                                              "json_object_object_get_ex(run->conf.doc, \""};
        for (size_t i = 0; i < ELEMENTS(getters); i++)
                scan_dir(SRIOV_SOURCE_DIR "/cni", NULL, getters[i], "\"", &src);
        for (size_t i = 0; i < ELEMENTS(cni_netconf_keys); i++) {
                const char *k = cni_netconf_keys[i].name;
                words_add(&table, k, strncmp(k, "runtimeConfig.", 14) == 0 ? 13 : strlen(k));
        }
        words_equal("NetConf keys", "cni/", &src, "cni_netconf_keys (cni/cniwords.c)", &table);
        words_done(&src);
        words_done(&table);

        /* the error codes: the CNI_ERR_ names set anywhere in cni/ but
         * cniwords.c, and those of its table */
        scan_dir(SRIOV_SOURCE_DIR "/cni", "cniwords.c", "CNI_ERR_", " ,;:)}\n", &src);
        char *words_c = slurp(SRIOV_SOURCE_DIR "/cni/cniwords.c", NULL), *t = strstr(words_c, "cni_code_docs[");
        assert_non_null(t);
        for (const char *p = strstr(t, "{CNI_ERR_"); p; p = strstr(p + 1, "{CNI_ERR_"))
                words_add(&table, p + 9, strcspn(p + 9, ","));
        free(words_c);
        words_equal("error codes", "cni/", &src, "cni_code_docs (cni/cniwords.c)", &table);
        assert_int_equal(table.n, ELEMENTS(cni_code_docs));
        words_done(&src);
        words_done(&table);
}

/* ---- versions ------------------------------------------------------------------ */

/* --version of both programs, the man pages and libsriov.pc say
 * project(VERSION); --version anywhere on sriovctl's line. */
static void versions(void **state)
{
        (void)state;
        char want[128];
        snprintf(want, sizeof(want), "sriovctl (sriov-manager) %s\n", SRIOV_PROJECT_VERSION);
        static const char *const args[] = {"--version", "list --version", "--sysfs-root /nonexistent --version"};
        for (size_t i = 0; i < ELEMENTS(args); i++) {
                char *out = run_ok(SRIOVCTL_PATH, args[i]);
                assert_string_equal(out, want);
                free(out);
        }
        int status;
        free(run(SRIOVCTL_PATH, "--version --bogus", &status));
        assert_int_equal(status, EXIT_USAGE);
        snprintf(want, sizeof(want), "sriov-vf (sriov-manager) %s\n", SRIOV_PROJECT_VERSION);
        char *out = run_ok(SRIOV_VF_PATH, "--version");
        assert_string_equal(out, want);
        free(out);
        /* the CNI VERSION command answers JSON, as the spec says */
        char cmd[4096];
        snprintf(cmd, sizeof(cmd), "echo '{\"cniVersion\":\"1.0.0\"}' | CNI_COMMAND=VERSION '%s'", SRIOV_VF_PATH);
        out = run_sh(cmd, &status);
        assert_int_equal(status, 0);
        assert_contains(out, "\"supportedVersions\"");
        assert_contains(out, "\"cniVersion\"");
        assert_contains(out, "\"1.0.0\"");
        free(out);
        snprintf(want, sizeof(want), "\"sriov-manager %s\"", SRIOV_PROJECT_VERSION);
        char *man1 = slurp(SRIOV_MAN1, NULL), *man8 = slurp(SRIOV_MAN8, NULL), *pc = slurp(SRIOV_PC, NULL);
        assert_non_null(man1);
        assert_non_null(man8);
        assert_non_null(pc);
        assert_contains(man1, want);
        assert_contains(man8, want);
        snprintf(want, sizeof(want), "\nVersion: %s\n", SRIOV_PROJECT_VERSION);
        assert_contains(pc, want);
        free(man1);
        free(man8);
        free(pc);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(sriovctl_help_and_man),
                cmocka_unit_test(set_words),
                cmocka_unit_test(sriovctl_environment_in_sources),
                cmocka_unit_test(readme_synopsis),
                cmocka_unit_test(sriov_vf_help_and_man),
                cmocka_unit_test(sriov_vf_words_in_sources),
                cmocka_unit_test(versions),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

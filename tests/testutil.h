/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by the cmocka tests (header-only). */
#ifndef SRIOV_TESTUTIL_H
#define SRIOV_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/* Fails the test, printing both strings, unless `needle` occurs in `hay`. */
#define assert_contains(hay, needle)                                                             \
        do {                                                                                     \
                const char *_h = (hay), *_n = (needle);                                          \
                if (!_h || !strstr(_h, _n))                                                      \
                        fail_msg("expected \"%s\" in \"%s\"", _n, _h ? _h : "(null)");           \
        } while (0)

#define assert_not_contains(hay, needle)                                                         \
        do {                                                                                     \
                const char *_h = (hay), *_n = (needle);                                          \
                if (_h && strstr(_h, _n))                                                        \
                        fail_msg("did not expect \"%s\" in \"%s\"", _n, _h);                     \
        } while (0)

/* The first string of a NULL-terminated vector containing every needle
 * (up to three; pass NULL for unused ones), or NULL. */
static inline const char *strv_find3(char *const *v, const char *a, const char *b, const char *c)
{
        for (; v && *v; v++)
                if ((!a || strstr(*v, a)) && (!b || strstr(*v, b)) && (!c || strstr(*v, c)))
                        return *v;
        return NULL;
}

static inline size_t strv_count(char *const *v)
{
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

static inline void print_strv(const char *what, char *const *v)
{
        for (; v && *v; v++)
                print_message("%s: %s\n", what, *v);
}

/* Asserts one warning contains all of a, b, c (NULL: unused). */
#define assert_warning(v, a, b, c)                                                               \
        do {                                                                                     \
                if (!strv_find3((v), (a), (b), (c))) {                                           \
                        print_strv("warning", (v));                                              \
                        fail_msg("no warning with \"%s\" \"%s\" \"%s\"", (a), (b) ? (b) : "",    \
                                 (c) ? (c) : "");                                                \
                }                                                                                \
        } while (0)

/* ../shared/realdata/REL (from the source tree, via CMake), malloc'd; or,
 * when it is absent, prints why and skips the test. */
static inline char *realdata_or_skip(const char *rel)
{
        char *p;
        if (asprintf(&p, "%s/%s", SRIOV_REALDATA, rel) < 0)
                fail_msg("out of memory");
        if (access(p, R_OK) < 0) {
                print_message("SKIP: real-world data %s is not available (%m); it comes from "
                              "../shared/realdata next to the source tree (SRIOV_REALDATA)\n",
                              p);
                free(p);
                skip();
        }
        return p;
}

/* Runs check(arg) in a child process as uid and gid `id` (the caller is
 * root) and fails the test unless it returns true. */
static inline void assert_as_user(unsigned id, bool (*check)(void *arg), void *arg)
{
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(setgid(id) == 0 && setuid(id) == 0 && check(arg) ? 0 : 1);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

/* Whole file into a NUL-terminated malloc'd buffer; NULL if unreadable. */
static inline char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "re");
        if (!f)
                return NULL;
        char *buf = NULL;
        size_t size = 0, n = 0;
        for (;;) {
                if (n + 4096 + 1 > size) {
                        size = (n + 4096 + 1) * 2;
                        char *b = realloc(buf, size);
                        if (!b) {
                                free(buf);
                                fclose(f);
                                return NULL;
                        }
                        buf = b;
                }
                size_t got = fread(buf + n, 1, 4096, f);
                n += got;
                if (got < 4096)
                        break;
        }
        fclose(f);
        buf[n] = 0;
        if (len)
                *len = n;
        return buf;
}

#endif

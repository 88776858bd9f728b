/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers beneath every module of libsriov (util.c): cleanup attributes,
 * NULL-terminated string vectors, formatted strings and bounded waits. They
 * use nothing of libsriov, so any file may include this one. Not
 * installed. */
#ifndef SRIOV_UTIL_H
#define SRIOV_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- ownership helpers, after systemd's cleanup-fundamental.h ---------- */

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}
static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand an owned pointer over: the cleanup of the old variable sees NULL. */
#define TAKE_PTR(p)                                                            \
        ({                                                                     \
                __typeof__(p) _p = (p);                                        \
                (p) = NULL;                                                    \
                _p;                                                            \
        })
#define TAKE_FD(fd)                                                            \
        ({                                                                     \
                int _fd = (fd);                                                \
                (fd) = -1;                                                     \
                _fd;                                                           \
        })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- NULL-terminated string vectors ------------------------------------ */

void strv_free(char **v);
static inline void strv_freep(char ***v) { strv_free(*v); }
#define _cleanup_strv_free_ _cleanup_(strv_freep)
size_t strv_length(char *const *v);
/* Appends a copy of s; returns 0 or -ENOMEM. */
int strv_push(char ***v, const char *s);
int strv_pushf(char ***v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strv_sort(char **v);

char *strdup_or_null(const char *s);
/* vasprintf into a new string; NULL when out of memory. */
char *strdup_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
char *strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- time: bounded polling waits ---------------------------------------- */

/* CLOCK_MONOTONIC in milliseconds. */
int64_t monotonic_ms(void);
/* Sleeps ms milliseconds, resuming after signals. */
void sleep_ms(unsigned ms);

#endif

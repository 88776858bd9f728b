/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* String vectors, formatted strings and bounded waits (util.h): the helpers
 * beneath every module, using nothing of libsriov. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "util.h"

void strv_free(char **v)
{
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
}

size_t strv_length(char *const *v)
{
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

int strv_push(char ***v, const char *s)
{
        size_t n = strv_length(*v);
        char *copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        char **nv = realloc(*v, (n + 2) * sizeof(char *));
        if (!nv) {
                free(copy);
                return -ENOMEM;
        }
        nv[n] = copy;
        nv[n + 1] = NULL;
        *v = nv;
        return 0;
}

int strv_pushf(char ***v, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        _cleanup_free_ char *s = strdup_vprintf(fmt, ap);
        va_end(ap);
        return s ? strv_push(v, s) : -ENOMEM;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **v)
{
        size_t n = strv_length(v);
        if (n > 1) /* qsort's pointer must not be NULL, even for 0 elements */
                qsort(v, n, sizeof(char *), cmp_str);
}

char *strdup_or_null(const char *s)
{
        return s ? strdup(s) : NULL;
}

char *strdup_vprintf(const char *fmt, va_list ap)
{
        char *s;
        return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

char *strdup_printf(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *s = strdup_vprintf(fmt, ap);
        va_end(ap);
        return s;
}

/* ---- time ---------------------------------------------------------------- */

int64_t monotonic_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(unsigned ms)
{
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every sriovctl command shares: error messages and exit codes. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int usage_error(const char *fmt, const char *arg)
{
        fprintf(stderr, "sriovctl: ");
        fprintf(stderr, fmt, arg);
        fprintf(stderr, "\nTry 'sriovctl --help'.\n");
        return EXIT_USAGE;
}

int exit_code_for(int r)
{
        switch (-r) {
        case ENODEV:
        case ENOTSUP:
                return EXIT_NODEV;
        case EBADMSG:
        case ENODATA:
        case ELOOP:
        case ERANGE:
        case EFBIG:
                return EXIT_BADINPUT;
        case EADDRINUSE:
                return EXIT_HELD;
        default:
                return EXIT_FAIL;
        }
}

int fail(struct sriov_ctx *ctx, int r, const char *what)
{
        const char *msg = sriov_ctx_error(ctx);
        fprintf(stderr, "sriovctl: %s: %s\n", what, *msg ? msg : strerror(-r));
        return exit_code_for(r);
}

void print_notices(struct sriov_ctx *ctx)
{
        for (char *const *n = sriov_ctx_notices(ctx); *n; n++)
                fprintf(stderr, "note: %s\n", *n);
}

void print_warnings(char **warnings)
{
        for (char **w = warnings; w && *w; w++)
                fprintf(stderr, "warning: %s\n", *w);
}

int emit(int r, char *text)
{
        if (r < 0) {
                fprintf(stderr, "sriovctl: rendering output: %s\n", strerror(-r));
                return EXIT_FAIL;
        }
        fputs(text, stdout);
        if (text[0] && text[strlen(text) - 1] != '\n')
                fputc('\n', stdout);
        free(text);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

int parse_timeout(const struct options *o, const char *cmd, unsigned fallback, unsigned *ret)
{
        *ret = fallback;
        if (!o->timeout)
                return 0;
        char *end;
        errno = 0;
        unsigned long t = strtoul(o->timeout, &end, 10);
        if (errno || *end || !o->timeout[0] || o->timeout[0] == '-' || t > 3600000) {
                fprintf(stderr, "sriovctl: %s: --timeout '%s': milliseconds, 0-3600000\n", cmd, o->timeout);
                return -EINVAL;
        }
        *ret = (unsigned)t;
        return 0;
}

int config_exit_code(int r)
{
        switch (-r) {
        case ENODEV:
                return EXIT_NODEV;
        case ERANGE:
        case EBADMSG:
                return EXIT_BADINPUT;
        case EADDRINUSE:
                return EXIT_HELD;
        default:
                return EXIT_FAIL;
        }
}

int config_fail(struct sriov_ctx *ctx, int r, const char *what)
{
        const char *msg = sriov_ctx_error(ctx);
        print_notices(ctx);
        fprintf(stderr, "sriovctl: %s: %s\n", what, *msg ? msg : strerror(-r));
        return config_exit_code(r);
}

int parse_vf_words(char **args, int nargs, bool allow_all, bool allow_self, long *ret)
{
        if (nargs >= 1 && allow_self && strcmp(args[0], "self") == 0) {
                *ret = SRIOV_PORT_SELF;
                return 1;
        }
        if (nargs < 2 || strcmp(args[0], "vf") != 0)
                return 0;
        if (allow_all && strcmp(args[1], "all") == 0) {
                *ret = -2;
                return 2;
        }
        char *end;
        errno = 0;
        long v = strtol(args[1], &end, 10);
        if (errno || *end || !args[1][0] || args[1][0] == '-' || v > 0x7ffffffe)
                return 0;
        *ret = v;
        return 2;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every sriovctl command shares: error messages and exit statuses. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"

const char *current_command = "";

int usage_error(const char *fmt, const char *arg)
{
        fprintf(stderr, "sriovctl: ");
        if (current_command[0])
                fprintf(stderr, "%s: ", current_command);
        fprintf(stderr, fmt, arg);
        fprintf(stderr, "\nTry 'sriovctl %s%s--help'.\n", current_command, current_command[0] ? " " : "");
        return EXIT_USAGE;
}

int exit_status(int r, bool reading_input)
{
        /* The one table. Errnos not in it: 4 while reading input (what
         * the input's parser refused), else 1 (what the system refused,
         * whatever its errno: EOPNOTSUPP from a driver is not "no device"). */
        static const struct {
                int error, input, operation;
        } table[] = {
                {ENOMEM, EXIT_FAIL, EXIT_FAIL},
                {EIO, EXIT_BADINPUT, EXIT_FAIL},        /* a read error / a value read back differently */
                {ENODEV, EXIT_NODEV, EXIT_NODEV},       /* no such device, not an SR-IOV PF */
                {ENOENT, EXIT_BADINPUT, EXIT_NODEV},    /* no such file / no such network or allocation */
                {EINVAL, EXIT_BADINPUT, EXIT_FAIL},     /* a value breaking a rule / the driver's EINVAL */
                {ERANGE, EXIT_BADINPUT, EXIT_BADINPUT}, /* a VF index or value out of range */
                {EBADMSG, EXIT_BADINPUT, EXIT_BADINPUT}, /* malformed: dump file, state file */
                {ENODATA, EXIT_BADINPUT, EXIT_BADINPUT},
                {ELOOP, EXIT_BADINPUT, EXIT_BADINPUT},
                {EFBIG, EXIT_BADINPUT, EXIT_BADINPUT},
                {EADDRINUSE, EXIT_HELD, EXIT_HELD},   /* an allocation (guest, pod) holds the VF */
        };
        if (r >= 0)
                return EXIT_OK;
        for (size_t i = 0; i < ELEMENTS(table); i++)
                if (table[i].error == -r)
                        return reading_input ? table[i].input : table[i].operation;
        return reading_input ? EXIT_BADINPUT : EXIT_FAIL;
}

static int report(struct sriov_ctx *ctx, int r, const char *what, bool reading_input)
{
        const char *msg = sriov_ctx_error(ctx);
        print_notices(ctx);
        fprintf(stderr, "sriovctl: %s: %s\n", what, *msg ? msg : strerror(-r));
        return exit_status(r, reading_input);
}

int fail(struct sriov_ctx *ctx, int r, const char *what)
{
        return report(ctx, r, what, false);
}

int input_fail(struct sriov_ctx *ctx, int r, const char *what)
{
        return report(ctx, r, what, true);
}

void print_notices(struct sriov_ctx *ctx)
{
        for (char *const *n = sriov_ctx_notices(ctx); *n; n++)
                fprintf(stderr, "note: %s\n", *n);
        sriov_ctx_clear_notices(ctx); /* printed once, also when an error follows */
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
                free(text);
                return EXIT_FAIL;
        }
        fputs(text, stdout);
        if (text[0] && text[strlen(text) - 1] != '\n')
                fputc('\n', stdout);
        free(text);
        return EXIT_OK;
}

int check_stdout(bool close_it)
{
        static int failed; /* said once */
        if (failed)
                return -failed;
        int r = sriov_stream_done(stdout, close_it);
        if (r < 0) {
                failed = -r;
                fprintf(stderr, "sriovctl: writing standard output: %s\n", strerror(-r));
        }
        return r;
}

int parse_timeout(const struct options *o, unsigned fallback, unsigned *ret)
{
        *ret = fallback;
        if (!o->timeout)
                return EXIT_OK;
        char *end;
        errno = 0;
        unsigned long t = strtoul(o->timeout, &end, 10);
        if (errno || *end || !o->timeout[0] || o->timeout[0] == '-' || t > 3600000)
                return usage_error("--timeout '%s': milliseconds, 0-3600000", o->timeout);
        *ret = (unsigned)t;
        return EXIT_OK;
}

int parse_vf_words(const char *cmd, const char *device, char **args, int nargs, bool allow_all,
                   bool allow_self, long *ret)
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
        if (errno || *end || !args[1][0] || args[1][0] == '-' || args[1][0] == '+' || v > INT_MAX - 1) {
                /* the words of `set` say the same (vfparse.c) */
                fprintf(stderr, "sriovctl: %s: %s vf '%s': a VF number must be a decimal number 0-%d%s\n", cmd,
                        device, args[1], INT_MAX - 1, allow_all ? " or all" : "");
                return -EINVAL;
        }
        *ret = v;
        return 2;
}

void vreport(FILE *out, bool to_syslog, int prio, const char *fmt, va_list ap)
{
        char *msg;
        if (vasprintf(&msg, fmt, ap) < 0)
                return;
        fprintf(out, "sriovctl: %s\n", msg);
        if (to_syslog)
                syslog(prio, "%s", msg);
        free(msg);
}

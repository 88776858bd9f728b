/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl hook network|qemu: what libvirt's hook scripts (hooks/) run.
 * libvirt passes OBJECT OPERATION SUB-OPERATION EXTRA and the XML on
 * stdin; a non-zero exit fails libvirt's operation (port creation, guest
 * start) with our stderr in its error message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"
#include "sriov-libvirt.h"

/* libvirt keeps a hook's output only in its own log (and in the error of
 * an operation that fails): every line goes to syslog too, so what a
 * hook did, and a failure libvirt ignores (release), is never lost. */
static void say(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int prio, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vreport(stderr, true, prio, fmt, ap);
        va_end(ap);
}

static char *read_stdin(size_t *ret_len)
{
        char *buf = NULL;
        size_t len = 0, cap = 0;
        for (;;) {
                if (cap - len < 4096) {
                        char *n = realloc(buf, cap = cap ? cap * 2 : 65536);
                        if (!n) {
                                free(buf);
                                return NULL;
                        }
                        buf = n;
                }
                size_t got = fread(buf + len, 1, cap - len - 1, stdin);
                len += got;
                if (got == 0)
                        break;
        }
        buf[len] = 0;
        *ret_len = len;
        return buf;
}

static const char *config_dir(const struct options *o)
{
        if (o->config_dir)
                return o->config_dir;
        const char *env = getenv("SRIOV_CONFIG_DIR");
        return env && env[0] ? env : NULL;
}

int cmd_hook(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs < 3 || (strcmp(args[0], "network") != 0 && strcmp(args[0], "qemu") != 0))
                return usage_error("%s", "usage: sriovctl hook network NETWORK OPERATION [SUB-OPERATION [EXTRA]] | "
                                         "hook qemu DOMAIN OPERATION [SUB-OPERATION [EXTRA]], the XML on stdin "
                                         "(what libvirt's hooks pass)");
        if (nargs > 5)
                return usage_error("unexpected '%s' after libvirt's four hook arguments", args[5]);
        bool network = strcmp(args[0], "network") == 0;
        const char *object = args[1], *op = args[2], *subop = nargs > 3 ? args[3] : "-";
        openlog("sriovctl", LOG_PID, LOG_DAEMON);
        size_t len = 0;
        /* libvirt always writes the XML; read it whole even for operations
         * that need none, so libvirt's write never meets a closed pipe */
        char *xml = read_stdin(&len);
        if (!xml) {
                say(LOG_ERR, "hook %s %s %s: out of memory", args[0], object, op);
                return EXIT_FAIL;
        }
        struct sriov_hook_options ho = {.config_dir = config_dir(o)};
        char **actions = NULL;
        int r = network ? sriov_hook_network(ctx, object, op, subop, xml, len, &ho, &actions)
                        : sriov_hook_qemu(ctx, object, op, subop, xml, len, &ho, &actions);
        free(xml);
        for (char *const *n = sriov_ctx_notices(ctx); *n; n++)
                say(LOG_NOTICE, "note: %s", *n);
        sriov_ctx_clear_notices(ctx);
        if (r < 0) {
                const char *msg = sriov_ctx_error(ctx);
                say(LOG_ERR, "hook %s %s %s: %s", args[0], object, op, *msg ? msg : strerror(-r));
                return exit_status(r, false);
        }
        for (char **a = actions; a && *a; a++) {
                say(LOG_INFO, "hook %s %s %s: %s", args[0], object, op, *a);
                free(*a);
        }
        free(actions);
        return EXIT_OK;
}

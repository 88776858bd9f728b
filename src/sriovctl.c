/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl: the command line over libsriov. Parses the options of the
 * table in words.c and runs one command (cmd-*.c); the commands print what
 * the library returns. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "help.h"

/* What runs each command of the table (words.c): a function of sriovctl,
 * or one of sriovctl-libvirt.so looked up by name. */
static const struct {
        command_fn *run;
        const char *module_fn;
} impls[N_COMMANDS] = {
        [C_LIST] = {cmd_list, NULL},
        [C_SHOW] = {cmd_show, NULL},
        [C_SET] = {cmd_set, NULL},
        [C_APPLY] = {cmd_apply, NULL},
        [C_RESTORE] = {cmd_restore, NULL},
        [C_PORT_PROFILE] = {cmd_port_profile, NULL},
        [C_ATTACH] = {NULL, "cmd_attach"},
        [C_DETACH] = {NULL, "cmd_detach"},
        [C_ALLOCATIONS] = {cmd_allocations, NULL},
        [C_CONFIG] = {cmd_config, NULL},
        [C_UDEV_EVENT] = {cmd_udev_event, NULL},
        [C_HOOK] = {NULL, "cmd_hook"},
        [C_MONITOR] = {cmd_monitor, NULL},
};

/* ---- parsing ------------------------------------------------------------------- */

/* A usage error found while parsing, printed once the command is known
 * (its name goes into the message and the pointer to its --help). */
struct parse_error {
        const char *fmt, *arg;
};

static bool parse_error(struct parse_error *e, const char *fmt, const char *arg)
{
        if (!e->fmt)
                *e = (struct parse_error){fmt, arg};
        return false;
}

/* Sets an option's value in o; false for a bad value (in *e). */
static bool set_option(struct options *o, enum opt id, const char *value, struct parse_error *e)
{
        switch (id) {
        case O_JSON:
                o->format = OUT_JSON;
                break;
        case O_XML:
                o->format = OUT_XML;
                break;
        case O_NAMES:
                o->format = OUT_NAMES;
                break;
        case O_SYSFS_ROOT:
                o->sysfs_root = value;
                break;
        case O_PCI_DUMP:
                o->pci_dump = value;
                break;
        case O_STATE_DIR:
                o->state_dir = value;
                break;
        case O_CONFIG_DIR:
                o->config_dir = value;
                break;
        case O_NO_VALUE_CHECKS:
                o->no_value_checks = true;
                break;
        case O_HELP:
        case O_VERSION:
                break;
        case O_TIMEOUT:
                o->timeout = value;
                break;
        case O_PROFILE ... O_INSTANCEID:
                o->port_field[id - O_PROFILE] = value;
                break;
        case O_DOMAIN:
                o->domain = value;
                break;
        case O_NETWORK:
                if (o->n_networks == MAX_NETWORKS)
                        return parse_error(e, "--network: at most %s", "64");
                o->networks[o->n_networks++] = value;
                break;
        case O_OUTPUT:
                o->output = value;
                break;
        case O_KEEP_DIRECT:
                o->keep_direct = true;
                break;
        case O_FALLBACK:
                if (strcmp(value, "macvtap") == 0)
                        o->fallback_macvtap = true;
                else if (strcmp(value, "none") != 0)
                        return parse_error(e, "--fallback '%s': macvtap or none", value);
                break;
        case O_NO_VFIO:
                o->no_vfio = true;
                break;
        case O_ACTION:
                o->action = value;
                break;
        case O_CONNECT:
                o->connect = value;
                break;
        case N_OPTS:
                break;
        }
        return true;
}

static int find_option(const char *arg, size_t len, bool is_long)
{
        for (int i = 0; i < N_OPTS; i++)
                if (is_long ? strlen(opt_defs[i].name) == len && strncmp(opt_defs[i].name, arg, len) == 0
                            : opt_defs[i].short_name == arg[0])
                        return i;
        return -1;
}

/* What getopt would do, with rules of our own: every error is named once
 * (getopt prints its own line first); "-1" is a word, not an option (`vf
 * -1` is a bad VF index); options may come anywhere ("--" ends them),
 * except after `hook network|qemu`, where every word is libvirt's.
 * Positional words are moved to the front of argv (*ret_n of them), also
 * after an error, so that the command is known for the message; the first
 * error goes to *e. seen: the options given. */
static void parse_args(int argc, char **argv, struct options *o, uint32_t *seen, int *ret_n,
                       struct parse_error *e)
{
        int n = 0;
        bool options_done = false;
        for (int i = 1; i < argc; i++) {
                char *a = argv[i];
                if (options_done || a[0] != '-' || a[1] == '\0' || (a[1] >= '0' && a[1] <= '9')) {
                        argv[n++] = a;
                        if (n == 2 && strcmp(argv[0], "hook") == 0) {
                                /* libvirt's names and operations follow, and
                                 * a name may be "-web" or "--help": words,
                                 * every one (the hooks pass "--" first) */
                                options_done = true;
                                if (i + 1 < argc && strcmp(argv[i + 1], "--") == 0)
                                        i++;
                        }
                        continue;
                }
                if (strcmp(a, "--") == 0) {
                        options_done = true;
                        continue;
                }
                bool is_long = a[1] == '-';
                const char *name = a + (is_long ? 2 : 1);
                const char *eq = is_long ? strchr(name, '=') : NULL;
                size_t len = eq ? (size_t)(eq - name) : strlen(name);
                int id = find_option(name, is_long ? len : 1, is_long);
                if (id >= 0 && !is_long && len > 1) {
                        /* -oFILE, as getopt takes it; flags do not combine */
                        if (opt_defs[id].arg)
                                eq = name; /* the value starts at name + 1 */
                        else
                                id = -1;
                }
                if (id < 0) {
                        parse_error(e, "unknown option '%s'", a);
                        continue;
                }
                const struct opt_def *d = &opt_defs[id];
                const char *value = NULL;
                if (d->arg) {
                        if (eq)
                                value = eq + 1;
                        else if (i + 1 < argc)
                                value = argv[++i];
                        else {
                                parse_error(e, "option '%s' needs a value", a);
                                continue;
                        }
                } else if (eq) {
                        parse_error(e, "option '%s' takes no value", a);
                        continue;
                }
                *seen |= OPT(id);
                set_option(o, (enum opt)id, value, e);
        }
        *ret_n = n;
}

/* An option the command does not take is an error, not silently ignored. */
static int check_options(const struct command *c, uint32_t seen)
{
        uint32_t extra = seen & ~(c->opts | CONTEXT_OPTS);
        for (enum opt id = 0; id < N_OPTS; id++) {
                if (!(extra & OPT(id)))
                        continue;
                char which[256] = "";
                for (size_t i = 0, n = 0; i < ELEMENTS(commands); i++)
                        if (commands[i].opts & OPT(id))
                                snprintf(which + strlen(which), sizeof(which) - strlen(which), "%s%s",
                                         n++ ? ", " : "", commands[i].name);
                char msg[512];
                snprintf(msg, sizeof(msg), "--%s is not an option of %s (it is one of %s)", opt_defs[id].name,
                         c->name, which);
                return usage_error("%s", msg);
        }
        return EXIT_OK;
}

static int run(int argc, char **argv)
{
        struct options o = {0};
        uint32_t seen = 0;
        int nwords = 0;
        struct parse_error e = {0};
        parse_args(argc, argv, &o, &seen, &nwords, &e);
        const struct command *c = nwords ? find_command(argv[0]) : NULL;
        if (c)
                current_command = c->name;
        if (e.fmt)
                return usage_error(e.fmt, e.arg);
        if (seen & OPT(O_VERSION)) {
                help_version(stdout, "sriovctl");
                return EXIT_OK;
        }
        if (nwords == 0) {
                if (seen & OPT(O_HELP)) {
                        help_usage(stdout);
                        return EXIT_OK;
                }
                return usage_error("%s", "no command given");
        }
        if (!c)
                return usage_error("unknown command '%s'", argv[0]);
        int rc;
        if (seen & OPT(O_HELP)) {
                help_command(stdout, c);
                return EXIT_OK;
        }
        if ((rc = check_options(c, seen)) != EXIT_OK)
                return rc;

        struct sriov_ctx *ctx;
        int r = sriov_ctx_new(&ctx);
        if (r < 0) {
                fprintf(stderr, "sriovctl: %s\n", strerror(-r));
                return EXIT_FAIL;
        }
        if (!o.state_dir && getenv("SRIOV_STATE_DIR") && getenv("SRIOV_STATE_DIR")[0])
                o.state_dir = getenv("SRIOV_STATE_DIR");
        sriov_ctx_set_value_checks(ctx, !o.no_value_checks);
        /* a directory or file given on the command line that cannot be used
         * is bad input (4), named */
        if (o.state_dir && (r = sriov_ctx_set_state_dir(ctx, o.state_dir)) < 0)
                rc = input_fail(ctx, r, "--state-dir");
        else if (o.sysfs_root && (r = sriov_ctx_set_sysfs_root(ctx, o.sysfs_root)) < 0)
                rc = input_fail(ctx, r, "--sysfs-root");
        else if (o.pci_dump && (r = sriov_ctx_set_pci_dump(ctx, o.pci_dump)) < 0)
                rc = input_fail(ctx, r, "--pci-dump");
        else {
                command_fn *fn = impls[c - commands].run;
                if (!fn && impls[c - commands].module_fn)
                        *(void **)&fn = libvirt_module_symbol(impls[c - commands].module_fn);
                rc = fn ? fn(ctx, &o, argv + 1, nwords - 1) : EXIT_FAIL;
        }
        sriov_ctx_free(ctx);
        return rc;
}

int main(int argc, char **argv)
{
        int rc = run(argc, argv);
        /* output that did not get out fails every command the same way */
        if (check_stdout(true) < 0 && rc == EXIT_OK)
                rc = EXIT_FAIL;
        return rc;
}

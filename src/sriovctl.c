/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl: the command line over libsriov. Parses options and runs one
 * command (cmd-*.c); the commands print what the library returns. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- options: one table, each command says which it takes ---------------- */

enum opt {
        O_JSON, O_XML, O_SYSFS_ROOT, O_PCI_DUMP, O_STATE_DIR, O_CONFIG_DIR, O_NO_VALUE_CHECKS, O_HELP,
        O_TIMEOUT, O_PROFILE, O_INSTANCE, O_HOST, O_MANAGERID, O_TYPEID, O_TYPEIDVERSION, O_INSTANCEID,
        O_DOMAIN, O_NETWORK, O_OUTPUT, O_KEEP_DIRECT, O_FALLBACK, O_NO_VFIO, O_ACTION, O_CONNECT,
        N_OPTS
};
#define OPT(o) (UINT32_C(1) << (o))

static const struct opt_def {
        const char *name;
        char short_name;
        const char *arg; /* NULL: takes no value */
        const char *help;
} opt_defs[N_OPTS] = {
        [O_JSON] = {"json", 0, NULL, "JSON output (schema in doc/json.md)"},
        [O_XML] = {"xml", 0, NULL, "XML output"},
        [O_SYSFS_ROOT] = {"sysfs-root", 0, "DIR", "read DIR instead of /sys (fixture trees)"},
        [O_PCI_DUMP] = {"pci-dump", 0, "FILE", "read config space from an `lspci -xxxx` dump"},
        [O_STATE_DIR] = {"state-dir", 0, "DIR",
                         "saved VF settings, driver answers, allocations (default $SRIOV_STATE_DIR, else "
                         "/run/sriov)"},
        [O_CONFIG_DIR] = {"config-dir", 0, "DIR", "the desired state (default $SRIOV_CONFIG_DIR, else /etc/sriov)"},
        [O_NO_VALUE_CHECKS] = {"no-value-checks", 0, NULL,
                               "leave the rules drivers enforce themselves (unicast MAC, min-rate <= max-rate) to "
                               "the driver (testing drivers)"},
        [O_HELP] = {"help", 'h', NULL, "usage; after a command, that command's"},
        [O_TIMEOUT] = {"timeout", 0, "MS", "bound of each wait in milliseconds, 0-3600000"},
        [O_PROFILE] = {"profile", 0, "NAME", "802.1Qbh port profile name (at most 39 characters)"},
        [O_INSTANCE] = {"instance", 0, "UUID", "instance UUID (802.1Qbh and 802.1Qbg)"},
        [O_HOST] = {"host", 0, "UUID", "802.1Qbh host UUID"},
        [O_MANAGERID] = {"managerid", 0, "N", "802.1Qbg VSI manager ID, 0-255"},
        [O_TYPEID] = {"typeid", 0, "N", "802.1Qbg VSI type ID, 0-16777215"},
        [O_TYPEIDVERSION] = {"typeidversion", 0, "N", "802.1Qbg VSI type version, 0-255"},
        [O_INSTANCEID] = {"instanceid", 0, "UUID", "the same as --instance (libvirt's 802.1Qbg name)"},
        [O_DOMAIN] = {"domain", 0, "GUEST.xml", "the libvirt domain XML"},
        [O_NETWORK] = {"network", 0, "NET.xml", "a libvirt network the interfaces name (up to 64)"},
        [O_OUTPUT] = {"output", 'o', "OUT.xml", "write the XML to boot the guest with there (default stdout)"},
        [O_KEEP_DIRECT] = {"keep-direct", 0, NULL,
                           "direct passthrough stays type='direct' on the VF's netdev, not a hostdev"},
        [O_FALLBACK] = {"fallback", 0, "macvtap|none", "passthrough with no free VF: a macvtap, or fail (none)"},
        [O_NO_VFIO] = {"no-vfio", 0, NULL, "leave the vfio-pci binding of hostdevs to libvirt"},
        [O_ACTION] = {"action", 0, "ACTION", "the uevent's action (default $ACTION)"},
        [O_CONNECT] = {"connect", 'c', "URI",
                       "libvirt to read domains and the networks no --network file names from (default "
                       "$LIBVIRT_DEFAULT_URI, else libvirt's default)"},
};

/* Options every command takes: where the library reads and writes. */
#define CONTEXT_OPTS                                                                                   \
        (OPT(O_SYSFS_ROOT) | OPT(O_PCI_DUMP) | OPT(O_STATE_DIR) | OPT(O_CONFIG_DIR) |                  \
         OPT(O_NO_VALUE_CHECKS) | OPT(O_HELP))
#define PORT_OPTS                                                                                      \
        (OPT(O_PROFILE) | OPT(O_INSTANCE) | OPT(O_HOST) | OPT(O_MANAGERID) | OPT(O_TYPEID) |           \
         OPT(O_TYPEIDVERSION) | OPT(O_INSTANCEID))

static const struct command {
        const char *name;
        command_fn *run;      /* NULL: in sriovctl-libvirt.so, under module_fn */
        const char *module_fn;
        const char *synopsis; /* after "sriovctl "; continuation lines start with a space */
        const char *summary;
        uint32_t opts;        /* besides CONTEXT_OPTS */
} commands[] = {
        {"list", cmd_list, NULL, "list",
         "SR-IOV physical functions, their VFs, and the network devices without SR-IOV usable for macvtap",
         OPT(O_JSON) | OPT(O_XML)},
        {"show", cmd_show, NULL, "show DEVICE",
         "one PF (PCI address or interface name) in full, with each VF's settings read over rtnetlink, what "
         "its driver answered to earlier VF settings and the VFs whose original settings are saved",
         OPT(O_JSON) | OPT(O_XML)},
        {"set", cmd_set, NULL,
         "set DEVICE vf N [mac ADDR] [vlan ID [qos Q] [proto 802.1Q|802.1ad]]\n"
         " [spoofchk on|off] [trust on|off] [state auto|enable|disable]\n"
         " [min-rate MBPS] [max-rate MBPS] [query-rss on|off]",
         "change a VF through its PF and read every value back; refused attributes are named with the "
         "driver's errno and nothing is changed then",
         0},
        {"apply", cmd_apply, NULL, "apply FILE",
         "many VFs of many PFs, one line per VF in the words of `set` (# comments); one RTM_SETLINK per PF; "
         "on an error every VF changed is restored. FILE - is stdin",
         0},
        {"restore", cmd_restore, NULL, "restore DEVICE vf N|all",
         "put back the settings saved before the first change (set/apply save them) and forget them", 0},
        {"port-profile", cmd_port_profile, NULL,
         "port-profile DEVICE vf N|self\n"
         " associate|preassociate|preassociate-rr|disassociate\n"
         " [--profile NAME] [--instance UUID] [--host UUID] [--timeout MS]\n"
         "port-profile DEVICE vf N|self REQUEST\n"
         " --managerid N --typeid N --typeidversion N --instance UUID\n"
         "port-profile DEVICE vf N|self status [--json]",
         "802.1Qbh port profile request, waiting for the switch's answer (default 10000 ms, then "
         "disassociated); 802.1Qbg (VDP) request, answered by lldpad; or the port's state as the driver "
         "reports it",
         PORT_OPTS | OPT(O_TIMEOUT) | OPT(O_JSON)},
        {"attach", NULL, "cmd_attach",
         "attach --domain GUEST.xml [--network NET.xml ...] [-o OUT.xml] [--connect URI]\n"
         " [--keep-direct] [--fallback macvtap|none] [--no-vfio] [--timeout MS]\n"
         "attach NAME|UUID [the same options]",
         "allocate a VF (or a macvtap) for each passthrough interface of a libvirt domain (a file, or "
         "NAME|UUID: its persistent XML from libvirt), set its MAC, VLAN and port profile, and write the XML "
         "to boot the guest with; networks no --network file names come from libvirt; nothing is kept if any "
         "step fails",
         OPT(O_DOMAIN) | OPT(O_NETWORK) | OPT(O_OUTPUT) | OPT(O_KEEP_DIRECT) | OPT(O_FALLBACK) | OPT(O_NO_VFIO) |
                 OPT(O_TIMEOUT) | OPT(O_CONNECT)},
        {"detach", NULL, "cmd_detach",
         "detach --domain GUEST.xml [--timeout MS]\ndetach NAME|UUID [--connect URI] [--timeout MS]",
         "give back what a domain holds: VF settings, driver, port profile, macvtaps; with --connect, a "
         "NAME|UUID that holds nothing is also tried as the other of the two that libvirt knows it by",
         OPT(O_DOMAIN) | OPT(O_TIMEOUT) | OPT(O_CONNECT)},
        {"allocations", cmd_allocations, NULL, "allocations [--json]", "who holds which VF or macvtap", OPT(O_JSON)},
        {"config", cmd_config, NULL, "config show|check",
         "the desired state (CONFIG_DIR/*.conf): normalized, or validated (FILE:LINE of the first error)", 0},
        {"udev-event", cmd_udev_event, NULL, "udev-event [--action ACTION] [DEVPATH|DEVICE]",
         "put a PF (or the VF the event is about) back to its desired state; from a udev rule ($ACTION, "
         "$DEVPATH)",
         OPT(O_ACTION)},
        {"hook", NULL, "cmd_hook",
         "hook network [--] NETWORK OPERATION [SUB-OPERATION [EXTRA]] < HOOKDATA.xml\n"
         "hook qemu [--] DOMAIN OPERATION [SUB-OPERATION [EXTRA]] < DOMAIN.xml",
         "what libvirt's hooks run (hooks/, doc/libvirt.md): record the VF a network port or a "
         "guest gets (port-created, prepare), refuse one sriovctl gave away (exit 5), add what libvirt "
         "cannot set on a VF (start), give it back (port-deleted, release); never calls libvirt; every word "
         "after network|qemu is libvirt's (a name such as -web), never an option",
         0},
        {"monitor", cmd_monitor, NULL, "monitor",
         "long-running: the same on every pci/net uevent, one pass per PF per burst; logs each change; "
         "SIGTERM stops it",
         0},
};

static const struct command *find_command(const char *name)
{
        for (size_t i = 0; i < ELEMENTS(commands); i++)
                if (strcmp(commands[i].name, name) == 0)
                        return &commands[i];
        return NULL;
}

/* ---- help ------------------------------------------------------------------- */

/* Prints text wrapped at 79 columns, each line indented by `indent`, the
 * first continuing at column `col`. */
static void print_wrapped(const char *text, int col, int indent)
{
        const char *p = text;
        while (*p) {
                size_t word = strcspn(p, " ");
                if (col > indent && col + 1 + (int)word > 79) {
                        printf("\n%*s", indent, "");
                        col = indent;
                } else if (col > indent) {
                        putchar(' ');
                        col++;
                } else if (col < indent) {
                        printf("%*s", indent - col, "");
                        col = indent;
                }
                printf("%.*s", (int)word, p);
                col += (int)word;
                p += word;
                while (*p == ' ')
                        p++;
        }
        putchar('\n');
}

/* Each synopsis line as "sriovctl ...", the first after `first`, the
 * others aligned under it; continuations (" ...") indented further. */
static void print_synopsis(const struct command *c, const char *first)
{
        int indent = (int)strlen(first);
        for (const char *s = c->synopsis; *s;) {
                size_t n = strcspn(s, "\n");
                if (s[0] == ' ')
                        printf("%*s%.*s\n", indent + 13, "", (int)(n - 1), s + 1);
                else if (s == c->synopsis)
                        printf("%ssriovctl %.*s\n", first, (int)n, s);
                else
                        printf("%*ssriovctl %.*s\n", indent, "", (int)n, s);
                s += n + (s[n] == '\n');
        }
}

static void print_option(enum opt o)
{
        const struct opt_def *d = &opt_defs[o];
        char shortopt[8] = "";
        if (d->short_name)
                snprintf(shortopt, sizeof(shortopt), "-%c, ", d->short_name);
        int col = printf("  %s--%s%s%s", shortopt, d->name, d->arg ? " " : "", d->arg ? d->arg : "");
        if (col >= 24) {
                printf("\n");
                col = 0;
        }
        print_wrapped(o == O_HELP ? "this text" : d->help, col, 24);
}

static void print_exit_statuses(void)
{
        printf("\nExit status (the same for every command):\n");
        for (size_t i = 0; i < ELEMENTS(exit_status_docs); i++) {
                printf("  %d", exit_status_docs[i].status);
                print_wrapped(exit_status_docs[i].meaning, 3, 6);
        }
}

static void print_usage(void)
{
        printf("Usage: sriovctl [OPTIONS] COMMAND [ARGS]\n"
               "       sriovctl COMMAND --help    that command's synopsis and options\n"
               "\nCommands:\n");
        for (size_t i = 0; i < ELEMENTS(commands); i++) {
                print_synopsis(&commands[i], "  ");
                print_wrapped(commands[i].summary, 0, 10);
        }
        printf("\nOptions of every command:\n");
        for (enum opt o = 0; o < N_OPTS; o++)
                if (CONTEXT_OPTS & OPT(o))
                        print_option(o);
        printf("\nOptions of some commands (see sriovctl COMMAND --help):\n");
        for (enum opt o = 0; o < N_OPTS; o++)
                if (!(CONTEXT_OPTS & OPT(o)))
                        print_option(o);
        print_exit_statuses();
}

static void print_command_help(const struct command *c)
{
        print_synopsis(c, "Usage: ");
        printf("\n");
        print_wrapped(c->summary, 0, 0);
        if (c->opts) {
                printf("\nOptions:\n");
                for (enum opt o = 0; o < N_OPTS; o++)
                        if (c->opts & OPT(o))
                                print_option(o);
        }
        printf("\nOptions of every command: --sysfs-root DIR, --pci-dump FILE, --state-dir DIR,\n"
               "--config-dir DIR, --no-value-checks (sriovctl --help). Exit statuses:\n"
               "0 ok, 1 failed, 2 usage, 3 not found, 4 bad input, 5 a guest holds it\n"
               "(sriovctl --help).\n");
}

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
        if (nwords == 0) {
                if (seen & OPT(O_HELP)) {
                        print_usage();
                        return EXIT_OK;
                }
                return usage_error("%s", "no command given");
        }
        if (!c)
                return usage_error("unknown command '%s'", argv[0]);
        int rc;
        if (seen & OPT(O_HELP)) {
                print_command_help(c);
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
                command_fn *fn = c->run;
                if (!fn)
                        *(void **)&fn = libvirt_module_symbol(c->module_fn);
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

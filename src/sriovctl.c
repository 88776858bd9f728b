/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl: the command line over libsriov. Parses arguments, calls the
 * library, prints what it returns. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov.h"

#define ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes (documented in README.md and `sriovctl --help`). */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,      /* the system refused: netlink, permissions, memory */
        EXIT_USAGE = 2,     /* bad command line */
        EXIT_NODEV = 3,     /* no such device, or not an SR-IOV PF */
        EXIT_BADINPUT = 4,  /* unreadable or malformed input: dump file, sysfs root,
                             * a value breaking a rule, an apply file, a VF out of range */
};

enum output_format { OUT_TABLE, OUT_JSON, OUT_XML };

struct options {
        const char *sysfs_root;
        const char *pci_dump;
        enum output_format format;
        const char *state_dir;
        bool no_value_checks;
        /* port-profile */
        const char *port_field[7]; /* profile, instance, host, managerid, typeid, typeidversion, instanceid */
        const char *timeout;
};

static const char *const port_fields[] = {"profile", "instance", "host", "managerid", "typeid", "typeidversion",
                                          "instanceid"};

static const char usage_text[] =
        "Usage: sriovctl [OPTIONS] COMMAND [ARGS]\n"
        "\n"
        "Commands:\n"
        "  list                 SR-IOV physical functions, their VFs, and the network\n"
        "                       devices without SR-IOV usable for macvtap\n"
        "  show DEVICE          one PF (PCI address or interface name) in full, with\n"
        "                       each VF's settings read over rtnetlink and what its\n"
        "                       driver answered to earlier VF settings\n"
        "  set DEVICE vf N [mac ADDR] [vlan ID [qos Q] [proto 802.1Q|802.1ad]]\n"
        "        [spoofchk on|off] [trust on|off] [state auto|enable|disable]\n"
        "        [min-rate MBPS] [max-rate MBPS] [query-rss on|off]\n"
        "                       change a VF through its PF, read every value back;\n"
        "                       refused attributes are named with the driver's errno\n"
        "                       and nothing is changed then\n"
        "  apply FILE           many VFs of many PFs, one line per VF in the words of\n"
        "                       `set` (# comments); one RTM_SETLINK per PF; on an error\n"
        "                       every VF changed is restored. FILE - is stdin\n"
        "  restore DEVICE vf N|all\n"
        "                       put back the settings saved before the first change\n"
        "                       (set/apply save them) and forget them\n"
        "  port-profile DEVICE vf N|self associate|preassociate|preassociate-rr|\n"
        "        disassociate [--profile NAME] [--instance UUID] [--host UUID]\n"
        "        [--timeout MS]\n"
        "                       802.1Qbh port profile request; waits for the switch's\n"
        "                       answer (default 10000 ms, then disassociates)\n"
        "  port-profile DEVICE vf N|self REQUEST --managerid N --typeid N\n"
        "        --typeidversion N --instance UUID\n"
        "                       802.1Qbg (VDP) request, answered by lldpad\n"
        "  port-profile DEVICE vf N|self status\n"
        "                       the port's state as the driver reports it\n"
        "\n"
        "Options:\n"
        "  --json               JSON output (schema in README.md)\n"
        "  --xml                XML output\n"
        "  --sysfs-root DIR     read DIR instead of /sys (fixture trees)\n"
        "  --pci-dump FILE      read config space from an `lspci -xxxx` dump\n"
        "  --state-dir DIR      saved VF settings and driver answers (default\n"
        "                       $SRIOV_STATE_DIR, else /run/sriov)\n"
        "  --no-value-checks    leave the rules drivers enforce themselves (unicast MAC,\n"
        "                       min-rate <= max-rate) to the driver (testing drivers)\n"
        "  -h, --help           this text\n"
        "\n"
        "Exit codes: 0 success, 1 system failure or the kernel/driver refused, 2 usage\n"
        "error, 3 no such device or not an SR-IOV PF, 4 unreadable or malformed input\n"
        "(dump file, sysfs root, apply file, a value breaking a rule, VF out of range).\n";

static int usage_error(const char *fmt, const char *arg)
{
        fprintf(stderr, "sriovctl: ");
        fprintf(stderr, fmt, arg);
        fprintf(stderr, "\nTry 'sriovctl --help'.\n");
        return EXIT_USAGE;
}

static int exit_code_for(int r)
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
        default:
                return EXIT_FAIL;
        }
}

static int fail(struct sriov_ctx *ctx, int r, const char *what)
{
        const char *msg = sriov_ctx_error(ctx);
        fprintf(stderr, "sriovctl: %s: %s\n", what, *msg ? msg : strerror(-r));
        return exit_code_for(r);
}

static void print_notices(struct sriov_ctx *ctx)
{
        for (char *const *n = sriov_ctx_notices(ctx); *n; n++)
                fprintf(stderr, "note: %s\n", *n);
}

static void print_warnings(char **warnings)
{
        for (char **w = warnings; w && *w; w++)
                fprintf(stderr, "warning: %s\n", *w);
}

static int emit(int r, char *text)
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

static int cmd_list(struct sriov_ctx *ctx, const struct options *o)
{
        struct sriov_inventory *inv;
        int r = sriov_inventory_scan(ctx, &inv);
        if (r < 0)
                return fail(ctx, r, "list");
        char *text = NULL;
        if (o->format == OUT_JSON) {
                /* streamed: a 16 x 256-VF inventory stays within a few MiB */
                print_notices(ctx);
                r = sriov_write_json(stdout, inv, NULL);
                sriov_inventory_free(inv);
                return emit(r, strdup("\n"));
        }
        if (o->format == OUT_XML)
                r = sriov_render_xml(inv, NULL, &text);
        else {
                r = sriov_render_table(inv, &text);
                for (size_t i = 0; i < inv->n_pfs; i++)
                        print_warnings(inv->pfs[i].warnings);
                print_warnings(inv->warnings);
        }
        print_notices(ctx);
        int rc = emit(r, text);
        sriov_inventory_free(inv);
        return rc;
}

static void print_driver_answers(struct sriov_ctx *ctx, const char *driver, const char *state_dir)
{
        struct sriov_driver_answer *a;
        size_t n;
        if (!driver || sriov_driver_answers(ctx, driver, &a, &n) < 0 || !n)
                return;
        printf("\nVF settings %s answered before (learned from earlier requests, %s/drivers/%s.json):\n", driver,
               state_dir, driver);
        for (size_t i = 0; i < n; i++) {
                if (a[i].error)
                        printf("  %-10s refused: %s (%s), value %s\n", a[i].attribute, sriov_errno_name(a[i].error),
                               strerror(a[i].error), a[i].value);
                else
                        printf("  %-10s accepted (value %s)\n", a[i].attribute, a[i].value);
        }
        sriov_driver_answers_free(a, n);
}

/* VFs with saved originals: what sriovctl changed, also for VFs whose
 * settings the kernel's reply could not carry. */
static void print_saved(struct sriov_ctx *ctx, const struct sriov_pf *pf)
{
        unsigned *vfs = NULL;
        size_t n = 0;
        const char *dev = pf->netdevs && pf->netdevs[0] ? pf->netdevs[0] : pf->address;
        if (sriov_vf_saved(ctx, dev, &vfs, &n) < 0 || !n) {
                free(vfs); /* a state dir that cannot be read is not show's business */
                return;
        }
        printf("\nOriginal settings saved before sriovctl changed them (`sriovctl restore %s vf N|all`): vf ", dev);
        size_t unread = 0;
        for (size_t i = 0; i < n; i++) {
                size_t j = i;
                while (j + 1 < n && vfs[j + 1] == vfs[j] + 1)
                        j++;
                printf(j > i ? "%s%u-%u" : "%s%u", i ? "," : "", vfs[i], vfs[j]);
                for (size_t k = i; k <= j; k++)
                        if (vfs[k] < pf->n_vfs && !pf->vfs[vfs[k]].has_link)
                                unread++;
                i = j;
        }
        printf("\n");
        if (unread)
                printf("  %zu of them could not be read now; they were changed by sriovctl and their originals "
                       "are kept\n",
                       unread);
        free(vfs);
}

static int cmd_show(struct sriov_ctx *ctx, const struct options *o, const char *device)
{
        struct sriov_inventory *inv;
        int r = sriov_inventory_scan(ctx, &inv);
        if (r < 0)
                return fail(ctx, r, "show");
        struct sriov_pf *pf;
        r = sriov_inventory_find(ctx, inv, device, &pf);
        if (r < 0) {
                sriov_inventory_free(inv);
                return fail(ctx, r, "show");
        }
        /* VF settings live in the kernel: only the live system has them */
        if (pf->netdevs && pf->netdevs[0] && !o->pci_dump && !o->sysfs_root) {
                r = sriov_pf_read_vf_links(ctx, pf);
                if (r < 0)
                        fprintf(stderr, "warning: VF settings not read: %s\n", sriov_ctx_error(ctx));
        }
        char *text = NULL;
        if (o->format == OUT_JSON)
                r = sriov_render_json(inv, pf, &text);
        else if (o->format == OUT_XML)
                r = sriov_render_xml(inv, pf, &text);
        else {
                r = sriov_render_pf_detail(pf, &text);
                print_warnings(pf->warnings);
        }
        print_notices(ctx);
        int rc = emit(r, text);
        if (rc == EXIT_OK && o->format == OUT_TABLE && !o->sysfs_root && !o->pci_dump) {
                print_driver_answers(ctx, pf->driver, o->state_dir ? o->state_dir : "/run/sriov");
                print_saved(ctx, pf);
                fflush(stdout);
        }
        sriov_inventory_free(inv);
        return rc;
}

/* Exit code of the VF configuration commands: a refusal by the kernel is
 * a system failure whatever its errno (EOPNOTSUPP is not "no device"). */
static int config_exit_code(int r)
{
        switch (-r) {
        case ENODEV:
                return EXIT_NODEV;
        case ERANGE:
        case EBADMSG:
                return EXIT_BADINPUT;
        default:
                return EXIT_FAIL;
        }
}

static int config_fail(struct sriov_ctx *ctx, int r, const char *what)
{
        const char *msg = sriov_ctx_error(ctx);
        print_notices(ctx);
        fprintf(stderr, "sriovctl: %s: %s\n", what, *msg ? msg : strerror(-r));
        return config_exit_code(r);
}

static int cmd_set(struct sriov_ctx *ctx, char **args, int nargs)
{
        struct sriov_vf_request q;
        int r = sriov_vf_request_parse(ctx, args, (size_t)nargs, &q);
        if (r < 0) {
                fprintf(stderr, "sriovctl: set: %s\n", sriov_ctx_error(ctx));
                return EXIT_BADINPUT;
        }
        r = sriov_vf_set(ctx, q.device, q.vf, &q.config);
        sriov_vf_request_done(&q);
        if (r < 0)
                return config_fail(ctx, r, "set");
        print_notices(ctx);
        return EXIT_OK;
}

static int cmd_apply(struct sriov_ctx *ctx, const char *file)
{
        struct sriov_vf_request *reqs;
        size_t n;
        int r = sriov_apply_parse_file(ctx, file, &reqs, &n);
        if (r < 0) {
                fprintf(stderr, "sriovctl: apply: %s\n", sriov_ctx_error(ctx));
                return r == -EINVAL ? EXIT_BADINPUT : EXIT_FAIL;
        }
        r = sriov_vf_apply(ctx, reqs, n);
        sriov_vf_requests_free(reqs, n);
        if (r < 0)
                return config_fail(ctx, r, "apply");
        print_notices(ctx);
        return EXIT_OK;
}

/* "vf N" (or "vf all" / "self" where allowed) at args[0..1]; returns the
 * number of words used, 0 if malformed. */
static int parse_vf_words(char **args, int nargs, bool allow_all, bool allow_self, long *ret)
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

static int cmd_restore(struct sriov_ctx *ctx, char **args, int nargs)
{
        long vf;
        if (nargs != 3 || parse_vf_words(args + 1, nargs - 1, true, false, &vf) != 2)
                return usage_error("%s", "usage: sriovctl restore DEVICE vf N|all");
        unsigned restored = 0;
        int r = sriov_vf_restore(ctx, args[0], vf == -2 ? SRIOV_VF_ALL : (unsigned)vf, &restored);
        if (r < 0)
                return config_fail(ctx, r, "restore");
        print_notices(ctx);
        if (restored)
                printf("%s: restored the saved settings of %u VF%s\n", args[0], restored, restored == 1 ? "" : "s");
        return EXIT_OK;
}

static void print_port(const char *device, long vf, const struct sriov_port *p)
{
        char uuid[37];
        if (vf == SRIOV_PORT_SELF)
                printf("%s self:", device);
        else
                printf("%s vf %ld:", device, vf);
        if (p->present & SRIOV_PORT_F_REQUEST)
                printf(" request %s", sriov_port_request_name(p->request));
        if (p->present & SRIOV_PORT_F_RESPONSE)
                printf(", response %s (0x%03x): %s", sriov_port_response_name(p->response), p->response,
                       sriov_port_response_message(p->response));
        else
                printf(", no response reported");
        printf("\n");
        if (p->present & SRIOV_PORT_F_PROFILE)
                printf("  profile %s\n", p->profile);
        if (p->present & SRIOV_PORT_F_INSTANCE) {
                sriov_uuid_format(p->instance_uuid, uuid);
                printf("  instance %s\n", uuid);
        }
        if (p->present & SRIOV_PORT_F_HOST) {
                sriov_uuid_format(p->host_uuid, uuid);
                printf("  host %s\n", uuid);
        }
        if ((p->present & SRIOV_PORT_F_QBG) == SRIOV_PORT_F_QBG)
                printf("  managerid %u typeid %u typeidversion %u\n", p->managerid, p->typeid, p->typeidversion);
}

static int cmd_port_profile(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        static const char usage[] = "usage: sriovctl port-profile DEVICE vf N|self "
                                    "associate|preassociate|preassociate-rr|disassociate|status [--profile NAME] "
                                    "[--instance UUID] [--host UUID] [--managerid N --typeid N --typeidversion N] "
                                    "[--timeout MS]";
        long vf;
        int used = nargs >= 2 ? parse_vf_words(args + 1, nargs - 1, false, true, &vf) : 0;
        if (!used || nargs != 2 + used)
                return usage_error("%s", usage);
        const char *device = args[0], *request = args[1 + used];
        int r;
        if (strcmp(request, "status") == 0) {
                for (size_t i = 0; i < ELEMENTS(port_fields); i++)
                        if (o->port_field[i])
                                return usage_error("--%s is for requests, not status", port_fields[i]);
                struct sriov_port st;
                r = sriov_port_get(ctx, device, (int)vf, &st);
                if (r == -ENODATA) {
                        print_notices(ctx);
                        printf("%s\n", sriov_ctx_error(ctx));
                        return EXIT_OK;
                }
                if (r < 0)
                        return config_fail(ctx, r, "port-profile");
                print_port(device, vf, &st);
                return EXIT_OK;
        }
        struct sriov_port p = {0};
        if ((r = sriov_port_parse_field(ctx, &p, "request", request)) < 0)
                return usage_error("%s", sriov_ctx_error(ctx));
        for (size_t i = 0; i < ELEMENTS(port_fields); i++)
                if (o->port_field[i] && (r = sriov_port_parse_field(ctx, &p, port_fields[i], o->port_field[i])) < 0) {
                        fprintf(stderr, "sriovctl: port-profile: --%s\n", sriov_ctx_error(ctx));
                        return EXIT_BADINPUT;
                }
        unsigned long timeout = 10000;
        if (o->timeout) {
                char *end;
                errno = 0;
                timeout = strtoul(o->timeout, &end, 10);
                if (errno || *end || !o->timeout[0] || o->timeout[0] == '-' || timeout > 3600000) {
                        fprintf(stderr, "sriovctl: port-profile: --timeout '%s': milliseconds, 0-3600000\n", o->timeout);
                        return EXIT_BADINPUT;
                }
        }
        if ((r = sriov_port_validate(ctx, &p)) < 0) {
                fprintf(stderr, "sriovctl: port-profile: %s\n", sriov_ctx_error(ctx));
                return EXIT_BADINPUT;
        }
        struct sriov_port st = {0};
        r = sriov_port_set(ctx, device, (int)vf, &p, (unsigned)timeout, &st);
        if (r < 0)
                return config_fail(ctx, r, "port-profile");
        print_notices(ctx);
        if (st.present)
                print_port(device, vf, &st);
        return EXIT_OK;
}


int main(int argc, char **argv)
{
        static const struct option longopts[] = {
                {"json", no_argument, NULL, 'j'},
                {"xml", no_argument, NULL, 'x'},
                {"sysfs-root", required_argument, NULL, 's'},
                {"pci-dump", required_argument, NULL, 'd'},
                {"help", no_argument, NULL, 'h'},
                {"state-dir", required_argument, NULL, 'S'},
                {"no-value-checks", no_argument, NULL, 'N'},
                {"timeout", required_argument, NULL, 'T'},
                {"profile", required_argument, NULL, 0x100},
                {"instance", required_argument, NULL, 0x101},
                {"host", required_argument, NULL, 0x102},
                {"managerid", required_argument, NULL, 0x103},
                {"typeid", required_argument, NULL, 0x104},
                {"typeidversion", required_argument, NULL, 0x105},
                {"instanceid", required_argument, NULL, 0x106},
                {0},
        };
        struct options o = {0};
        int c;
        /* GNU getopt permutes: options may follow the command (`list --json`) */
        while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
                switch (c) {
                case 'j':
                        o.format = OUT_JSON;
                        break;
                case 'x':
                        o.format = OUT_XML;
                        break;
                case 's':
                        o.sysfs_root = optarg;
                        break;
                case 'd':
                        o.pci_dump = optarg;
                        break;
                case 'h':
                        fputs(usage_text, stdout);
                        return EXIT_OK;
                case 'S':
                        o.state_dir = optarg;
                        break;
                case 'N':
                        o.no_value_checks = true;
                        break;
                case 'T':
                        o.timeout = optarg;
                        break;
                case 0x100 ... 0x106:
                        o.port_field[c - 0x100] = optarg;
                        break;
                default:
                        return usage_error("%s", "unknown option");
                }
        }
        if (optind >= argc)
                return usage_error("%s", "no command given");
        const char *cmd = argv[optind++];
        int nargs = argc - optind;
        char **args = argv + optind;

        struct sriov_ctx *ctx;
        int r = sriov_ctx_new(&ctx);
        if (r < 0) {
                fprintf(stderr, "sriovctl: %s\n", strerror(-r));
                return EXIT_FAIL;
        }
        int rc;
        if (!o.state_dir && getenv("SRIOV_STATE_DIR") && getenv("SRIOV_STATE_DIR")[0])
                o.state_dir = getenv("SRIOV_STATE_DIR");
        sriov_ctx_set_value_checks(ctx, !o.no_value_checks);
        bool port_opts = o.timeout;
        for (size_t i = 0; i < ELEMENTS(port_fields); i++)
                port_opts |= o.port_field[i] != NULL;
        if (port_opts && strcmp(cmd, "port-profile") != 0)
                rc = usage_error("%s", "--profile, --instance, --host, --managerid, --typeid, --typeidversion and "
                                       "--timeout are options of port-profile");
        else if (o.state_dir && (r = sriov_ctx_set_state_dir(ctx, o.state_dir)) < 0)
                rc = (fail(ctx, r, "--state-dir"), EXIT_USAGE);
        else if (o.sysfs_root && (r = sriov_ctx_set_sysfs_root(ctx, o.sysfs_root)) < 0)
                rc = (fail(ctx, r, "--sysfs-root"), EXIT_BADINPUT);
        else if (o.pci_dump && (r = sriov_ctx_set_pci_dump(ctx, o.pci_dump)) < 0)
                rc = (fail(ctx, r, "--pci-dump"), EXIT_BADINPUT);
        else if (strcmp(cmd, "list") == 0)
                rc = nargs ? usage_error("list takes no argument, got '%s'", args[0]) : cmd_list(ctx, &o);
        else if (strcmp(cmd, "show") == 0)
                rc = nargs != 1 ? usage_error("%s", "usage: sriovctl show DEVICE (PCI address or interface)")
                                : cmd_show(ctx, &o, args[0]);
        else if (strcmp(cmd, "set") == 0)
                rc = cmd_set(ctx, args, nargs);
        else if (strcmp(cmd, "apply") == 0)
                rc = nargs != 1 ? usage_error("%s", "usage: sriovctl apply FILE (- for stdin)") : cmd_apply(ctx, args[0]);
        else if (strcmp(cmd, "restore") == 0)
                rc = cmd_restore(ctx, args, nargs);
        else if (strcmp(cmd, "port-profile") == 0)
                rc = cmd_port_profile(ctx, &o, args, nargs);
        else
                rc = usage_error("unknown command '%s'", cmd);
        sriov_ctx_free(ctx);
        return rc;
}

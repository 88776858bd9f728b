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

/* Exit codes (documented in README.md and `sriovctl --help`). */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,      /* the system refused: netlink, permissions, memory */
        EXIT_USAGE = 2,     /* bad command line */
        EXIT_NODEV = 3,     /* no such device, or not an SR-IOV PF */
        EXIT_BADINPUT = 4,  /* unreadable or malformed input: dump file, sysfs root */
};

enum output_format { OUT_TABLE, OUT_JSON, OUT_XML };

struct options {
        const char *sysfs_root;
        const char *pci_dump;
        enum output_format format;
};

static const char usage_text[] =
        "Usage: sriovctl [OPTIONS] COMMAND [ARGS]\n"
        "\n"
        "Commands:\n"
        "  list                 SR-IOV physical functions, their VFs, and the network\n"
        "                       devices without SR-IOV usable for macvtap\n"
        "  show DEVICE          one PF (PCI address or interface name) in full, with\n"
        "                       each VF's settings read over rtnetlink\n"
        "\n"
        "Options:\n"
        "  --json               JSON output (schema in README.md)\n"
        "  --xml                XML output\n"
        "  --sysfs-root DIR     read DIR instead of /sys (fixture trees)\n"
        "  --pci-dump FILE      read config space from an `lspci -xxxx` dump\n"
        "  -h, --help           this text\n"
        "\n"
        "Exit codes: 0 success, 1 system failure, 2 usage error, 3 no such device or\n"
        "not an SR-IOV PF, 4 unreadable or malformed input (dump file, sysfs root).\n";

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
        if (o->format == OUT_JSON)
                r = sriov_render_json(inv, NULL, &text);
        else if (o->format == OUT_XML)
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
        sriov_inventory_free(inv);
        return rc;
}

int main(int argc, char **argv)
{
        static const struct option longopts[] = {
                {"json", no_argument, NULL, 'j'},
                {"xml", no_argument, NULL, 'x'},
                {"sysfs-root", required_argument, NULL, 's'},
                {"pci-dump", required_argument, NULL, 'd'},
                {"help", no_argument, NULL, 'h'},
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
        if (o.sysfs_root && (r = sriov_ctx_set_sysfs_root(ctx, o.sysfs_root)) < 0)
                rc = (fail(ctx, r, "--sysfs-root"), EXIT_BADINPUT);
        else if (o.pci_dump && (r = sriov_ctx_set_pci_dump(ctx, o.pci_dump)) < 0)
                rc = (fail(ctx, r, "--pci-dump"), EXIT_BADINPUT);
        else if (strcmp(cmd, "list") == 0)
                rc = nargs ? usage_error("list takes no argument, got '%s'", args[0]) : cmd_list(ctx, &o);
        else if (strcmp(cmd, "show") == 0)
                rc = nargs != 1 ? usage_error("%s", "usage: sriovctl show DEVICE (PCI address or interface)")
                                : cmd_show(ctx, &o, args[0]);
        else
                rc = usage_error("unknown command '%s'", cmd);
        sriov_ctx_free(ctx);
        return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl: the command line over libsriov. Parses options and runs one
 * command (cmd-*.c); the commands print what the library returns. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
        "  attach --domain GUEST.xml [--network NET.xml ...] [-o OUT.xml]\n"
        "        [--keep-direct] [--fallback macvtap|none] [--no-vfio] [--timeout MS]\n"
        "                       allocate a VF (or a macvtap) for each passthrough\n"
        "                       interface of a libvirt domain, set its MAC, VLAN and\n"
        "                       port profile, and write the XML to boot the guest with\n"
        "                       (stdout without -o); nothing is kept if any step fails\n"
        "  detach --domain GUEST.xml | detach NAME|UUID\n"
        "                       give back what a domain holds: VF settings, driver,\n"
        "                       port profile, macvtaps\n"
        "  allocations          who holds which VF or macvtap (--json)\n"
        "  config show|check    the desired state (CONFIG_DIR/*.conf): normalized, or\n"
        "                       validated (FILE:LINE of the first error, exit 4)\n"
        "  udev-event [--action A] [DEVPATH|DEVICE]\n"
        "                       put a PF (or the VF the event is about) back to its\n"
        "                       desired state; from a udev rule ($ACTION, $DEVPATH)\n"
        "  monitor              long-running: the same on every pci/net uevent, one\n"
        "                       pass per PF per burst; logs each change; SIGTERM stops\n"
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
        "  --config-dir DIR     the desired state (default $SRIOV_CONFIG_DIR, else\n"
        "                       /etc/sriov)\n"
        "  -h, --help           this text\n"
        "\n"
        "Exit codes: 0 success, 1 system failure or the kernel/driver refused, 2 usage\n"
        "error, 3 no such device or not an SR-IOV PF, 4 unreadable or malformed input\n"
        "(dump file, sysfs root, apply file, a value breaking a rule, VF out of range),\n"
        "5 refused because a guest holds the VF (an allocation in the store).\n";


static const struct {
        const char *name;
        command_fn *run;
} commands[] = {
        {"list", cmd_list},
        {"show", cmd_show},
        {"set", cmd_set},
        {"apply", cmd_apply},
        {"restore", cmd_restore},
        {"port-profile", cmd_port_profile},
        {"attach", cmd_attach},
        {"detach", cmd_detach},
        {"allocations", cmd_allocations},
        {"config", cmd_config},
        {"udev-event", cmd_udev_event},
        {"monitor", cmd_monitor},
};

static command_fn *find_command(const char *name)
{
        for (size_t i = 0; i < ELEMENTS(commands); i++)
                if (strcmp(commands[i].name, name) == 0)
                        return commands[i].run;
        return NULL;
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
                {"domain", required_argument, NULL, 0x200},
                {"network", required_argument, NULL, 0x201},
                {"output", required_argument, NULL, 'o'},
                {"keep-direct", no_argument, NULL, 0x202},
                {"fallback", required_argument, NULL, 0x203},
                {"no-vfio", no_argument, NULL, 0x204},
                {"config-dir", required_argument, NULL, 0x300},
                {"action", required_argument, NULL, 0x301},
                {0},
        };
        struct options o = {0};
        int c;
        /* GNU getopt permutes: options may follow the command (`list --json`) */
        while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
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
                case 0x200:
                        o.domain = optarg;
                        break;
                case 0x201:
                        if (o.n_networks == MAX_NETWORKS)
                                return usage_error("at most %s --network options", "64");
                        o.networks[o.n_networks++] = optarg;
                        break;
                case 'o':
                        o.output = optarg;
                        break;
                case 0x202:
                        o.keep_direct = true;
                        break;
                case 0x203:
                        if (strcmp(optarg, "macvtap") == 0)
                                o.fallback_macvtap = true;
                        else if (strcmp(optarg, "none") != 0)
                                return usage_error("--fallback '%s': macvtap or none", optarg);
                        break;
                case 0x204:
                        o.no_vfio = true;
                        break;
                case 0x300:
                        o.config_dir = optarg;
                        break;
                case 0x301:
                        o.action = optarg;
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
        command_fn *run;
        if (!o.state_dir && getenv("SRIOV_STATE_DIR") && getenv("SRIOV_STATE_DIR")[0])
                o.state_dir = getenv("SRIOV_STATE_DIR");
        sriov_ctx_set_value_checks(ctx, !o.no_value_checks);
        bool port_opts = false;
        for (size_t i = 0; i < N_PORT_FIELDS; i++)
                port_opts |= o.port_field[i] != NULL;
        bool alloc_cmd = strcmp(cmd, "attach") == 0 || strcmp(cmd, "detach") == 0;
        bool attach_opts = o.n_networks || o.output || o.keep_direct || o.fallback_macvtap || o.no_vfio;
        if (port_opts && strcmp(cmd, "port-profile") != 0)
                rc = usage_error("%s", "--profile, --instance, --host, --managerid, --typeid and --typeidversion "
                                       "are options of port-profile");
        else if (o.timeout && strcmp(cmd, "port-profile") != 0 && !alloc_cmd)
                rc = usage_error("%s", "--timeout is an option of port-profile, attach and detach");
        else if ((attach_opts && strcmp(cmd, "attach") != 0) || (o.domain && !alloc_cmd))
                rc = usage_error("%s", "--domain is an option of attach and detach; --network, -o, --keep-direct, "
                                       "--fallback and --no-vfio of attach");
        else if (o.state_dir && (r = sriov_ctx_set_state_dir(ctx, o.state_dir)) < 0)
                rc = (fail(ctx, r, "--state-dir"), EXIT_USAGE);
        else if (o.sysfs_root && (r = sriov_ctx_set_sysfs_root(ctx, o.sysfs_root)) < 0)
                rc = (fail(ctx, r, "--sysfs-root"), EXIT_BADINPUT);
        else if (o.pci_dump && (r = sriov_ctx_set_pci_dump(ctx, o.pci_dump)) < 0)
                rc = (fail(ctx, r, "--pci-dump"), EXIT_BADINPUT);
        else if (!(run = find_command(cmd)))
                rc = usage_error("unknown command '%s'", cmd);
        else
                rc = run(ctx, &o, args, nargs);
        sriov_ctx_free(ctx);
        return rc;
}

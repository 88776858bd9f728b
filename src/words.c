/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl's words (words.h): the tables --help, the man page and the
 * shell completion are printed from. */
#include <string.h>

#include "words.h"

const struct exit_status_doc exit_status_docs[6] = {
        {EXIT_OK, "ok", "success (warnings may have been printed to stderr)"},
        {EXIT_FAIL, "failed",
         "the operation failed: the system, the kernel or the driver refused (netlink, permissions, "
         "memory, a refused VF setting or port profile request, a value read back differently, a "
         "port profile answer other than success, a timeout, no free VF, a state directory that cannot be "
         "used, standard output that cannot be written)"},
        {EXIT_USAGE, "usage",
         "usage error, named: unknown command or option, a missing or extra argument or option value, "
         "an option the command does not take, a bad value of an option that steers sriovctl "
         "(--timeout, --fallback)"},
        {EXIT_NODEV, "not found",
         "not found: no such device or not an SR-IOV physical function (or no netdev to configure "
         "VFs through), no such network in --network or libvirt, no such domain in libvirt, a domain that "
         "holds nothing"},
        {EXIT_BADINPUT, "bad input",
         "bad input file or value: an unreadable or malformed file (FILE:LINE: apply file, domain "
         "or network XML, config file, dump, sysfs root, state file), a value breaking a rule "
         "(the words of set, a VF index, port profile fields, XML values)"},
        {EXIT_HELD, "a guest holds it", "refused: a guest (or pod) holds the VF (see `sriovctl allocations`)"},
};

const struct opt_def opt_defs[N_OPTS] = {
        [O_JSON] = {"json", 0, NULL, "JSON output (schema in README.md)", NULL},
        [O_XML] = {"xml", 0, NULL, "XML output", NULL},
        [O_NAMES] = {"names", 0, NULL,
                     "only the names of the PFs, one a line: each PCI address and interface (for scripts and "
                     "shell completion)",
                     NULL},
        [O_SYSFS_ROOT] = {"sysfs-root", 0, "DIR", "read DIR instead of /sys (fixture trees)", NULL},
        [O_PCI_DUMP] = {"pci-dump", 0, "FILE", "read config space from an `lspci -xxxx` dump", NULL},
        [O_STATE_DIR] = {"state-dir", 0, "DIR",
                         "saved VF settings, driver answers, allocations (default $SRIOV_STATE_DIR, else "
                         "/run/sriov)",
                         NULL},
        [O_CONFIG_DIR] = {"config-dir", 0, "DIR", "the desired state (default $SRIOV_CONFIG_DIR, else /etc/sriov)",
                          NULL},
        [O_NO_VALUE_CHECKS] = {"no-value-checks", 0, NULL,
                               "leave the rules drivers enforce themselves (unicast MAC, min-rate <= max-rate) to "
                               "the driver (testing drivers)",
                               NULL},
        [O_HELP] = {"help", 'h', NULL, "usage; after a command, that command's", NULL},
        [O_VERSION] = {"version", 0, NULL, "the version of sriov-manager", NULL},
        [O_TIMEOUT] = {"timeout", 0, "MS", "bound of each wait in milliseconds, 0-3600000", NULL},
        [O_PROFILE] = {"profile", 0, "NAME", "802.1Qbh port profile name (at most 39 characters)", NULL},
        [O_INSTANCE] = {"instance", 0, "UUID", "instance UUID (802.1Qbh and 802.1Qbg)", NULL},
        [O_HOST] = {"host", 0, "UUID", "802.1Qbh host UUID", NULL},
        [O_MANAGERID] = {"managerid", 0, "N", "802.1Qbg VSI manager ID, 0-255", NULL},
        [O_TYPEID] = {"typeid", 0, "N", "802.1Qbg VSI type ID, 0-16777215", NULL},
        [O_TYPEIDVERSION] = {"typeidversion", 0, "N", "802.1Qbg VSI type version, 0-255", NULL},
        [O_INSTANCEID] = {"instanceid", 0, "UUID", "the same as --instance (libvirt's 802.1Qbg name)", NULL},
        [O_DOMAIN] = {"domain", 0, "GUEST.xml", "the libvirt domain XML", NULL},
        [O_NETWORK] = {"network", 0, "NET.xml", "a libvirt network the interfaces name (up to 64)", NULL},
        [O_OUTPUT] = {"output", 'o', "OUT.xml", "write the XML to boot the guest with there (default stdout)", NULL},
        [O_KEEP_DIRECT] = {"keep-direct", 0, NULL,
                           "direct passthrough stays type='direct' on the VF's netdev, not a hostdev", NULL},
        [O_FALLBACK] = {"fallback", 0, "macvtap|none", "passthrough with no free VF: a macvtap, or fail (none)",
                        NULL},
        [O_NO_VFIO] = {"no-vfio", 0, NULL, "leave the vfio-pci binding of hostdevs to libvirt", NULL},
        /* the kernel's uevent actions (kobject_action) */
        [O_ACTION] = {"action", 0, "ACTION", "the uevent's action (default $ACTION)",
                      "add remove change move online offline bind unbind"},
        [O_CONNECT] = {"connect", 'c', "URI",
                       "libvirt to read domains and the networks no --network file names from (default "
                       "$LIBVIRT_DEFAULT_URI, else libvirt's default)",
                       NULL},
};

#define PORT_OPTS                                                                                      \
        (OPT(O_PROFILE) | OPT(O_INSTANCE) | OPT(O_HOST) | OPT(O_MANAGERID) | OPT(O_TYPEID) |           \
         OPT(O_TYPEIDVERSION) | OPT(O_INSTANCEID))

const struct command commands[N_COMMANDS] = {
        [C_LIST] = {"list", "list",
                    "SR-IOV physical functions, their VFs, and the network devices without SR-IOV usable for "
                    "macvtap",
                    OPT(O_JSON) | OPT(O_XML) | OPT(O_NAMES), "", 0},
        [C_SHOW] = {"show", "show DEVICE",
                    "one PF (PCI address or interface name) in full, with each VF's settings read over rtnetlink, "
                    "what its driver answered to earlier VF settings and the VFs whose original settings are saved",
                    OPT(O_JSON) | OPT(O_XML), "DEVICE", 0},
        [C_SET] = {"set",
                   "set DEVICE vf N [mac ADDR] [vlan ID [qos Q] [proto 802.1Q|802.1ad]]\n"
                   " [spoofchk on|off] [trust on|off] [state auto|enable|disable]\n"
                   " [min-rate MBPS] [max-rate MBPS] [query-rss on|off]",
                   "change a VF through its PF and read every value back; refused attributes are named with the "
                   "driver's errno and nothing is changed then",
                   0, "DEVICE vf VF SET", 1},
        [C_APPLY] = {"apply", "apply FILE",
                     "many VFs of many PFs, one line per VF in the words of `set` (# comments); one RTM_SETLINK per "
                     "PF; on an error every VF changed is restored. FILE - is stdin",
                     0, "FILE", 1},
        [C_RESTORE] = {"restore", "restore DEVICE vf N|all",
                       "put back the settings saved before the first change (set/apply save them) and forget them",
                       0, "DEVICE vf VF|all", 0},
        [C_PORT_PROFILE] = {"port-profile",
                            "port-profile DEVICE vf N|self\n"
                            " associate|preassociate|preassociate-rr|disassociate\n"
                            " [--profile NAME] [--instance UUID] [--host UUID] [--timeout MS]\n"
                            "port-profile DEVICE vf N|self REQUEST\n"
                            " --managerid N --typeid N --typeidversion N --instance UUID\n"
                            "port-profile DEVICE vf N|self status [--json]",
                            "802.1Qbh port profile request, waiting for the switch's answer (default 10000 ms, then "
                            "disassociated); 802.1Qbg (VDP) request, answered by lldpad; or the port's state as the "
                            "driver reports it",
                            PORT_OPTS | OPT(O_TIMEOUT) | OPT(O_JSON),
                            "DEVICE vf|self VF associate|preassociate|preassociate-rr|disassociate|status", 0},
        [C_ATTACH] = {"attach",
                      "attach --domain GUEST.xml [--network NET.xml ...] [-o OUT.xml] [--connect URI]\n"
                      " [--keep-direct] [--fallback macvtap|none] [--no-vfio] [--timeout MS]\n"
                      "attach NAME|UUID [--network NET.xml ...] [-o OUT.xml] [--connect URI]\n"
                      " [--keep-direct] [--fallback macvtap|none] [--no-vfio] [--timeout MS]",
                      "allocate a VF (or a macvtap) for each passthrough interface of a libvirt domain (a file, or "
                      "NAME|UUID: its persistent XML from libvirt), set its MAC, VLAN and port profile, and write "
                      "the XML to boot the guest with; networks no --network file names come from libvirt; nothing "
                      "is kept if any step fails",
                      OPT(O_DOMAIN) | OPT(O_NETWORK) | OPT(O_OUTPUT) | OPT(O_KEEP_DIRECT) | OPT(O_FALLBACK) |
                              OPT(O_NO_VFIO) | OPT(O_TIMEOUT) | OPT(O_CONNECT),
                      "-", 0},
        [C_DETACH] = {"detach", "detach --domain GUEST.xml [--timeout MS]\ndetach NAME|UUID [--connect URI] [--timeout MS]",
                      "give back what a domain holds: VF settings, driver, port profile, macvtaps; with --connect, a "
                      "NAME|UUID that holds nothing is also tried as the other of the two that libvirt knows it by",
                      OPT(O_DOMAIN) | OPT(O_TIMEOUT) | OPT(O_CONNECT), "-", 0},
        [C_ALLOCATIONS] = {"allocations", "allocations [--json]", "who holds which VF or macvtap", OPT(O_JSON), "", 0},
        [C_CONFIG] = {"config", "config show|check",
                      "the desired state (CONFIG_DIR/*.conf): normalized, or validated (FILE:LINE of the first "
                      "error)",
                      0, "show|check", 0},
        [C_UDEV_EVENT] = {"udev-event", "udev-event [--action ACTION] [DEVPATH|DEVICE]",
                          "put a PF (or the VF the event is about) back to its desired state; run from a udev rule, "
                          "it takes the event from the environment",
                          OPT(O_ACTION), "DEVICE", 0},
        [C_HOOK] = {"hook",
                    "hook network [--] NETWORK OPERATION [SUB-OPERATION [EXTRA]] < HOOKDATA.xml\n"
                    "hook qemu [--] DOMAIN OPERATION [SUB-OPERATION [EXTRA]] < DOMAIN.xml",
                    "what libvirt's hooks run (hooks/, README.md \"With libvirt\"): record the VF a network port or "
                    "a guest gets (port-created, prepare), refuse one sriovctl gave away (exit 5), add what libvirt "
                    "cannot set on a VF (start), give it back (port-deleted, release); never calls libvirt; every "
                    "word after network|qemu is libvirt's (a name such as -web), never an option",
                    0, "network|qemu", 0},
        [C_MONITOR] = {"monitor", "monitor",
                       "long-running: the same on every pci/net uevent, one pass per PF per burst; logs each change; "
                       "SIGTERM stops it",
                       0, "", 0},
};

const struct command *find_command(const char *name)
{
        for (size_t i = 0; i < ELEMENTS(commands); i++)
                if (strcmp(commands[i].name, name) == 0)
                        return &commands[i];
        return NULL;
}

/* Every getenv() of src/ and of what the library reads for sriovctl
 * (tests/test-words.c holds the sources to this list). */
const struct env_doc env_docs[7] = {
        {"SRIOV_STATE_DIR", 0, "the state directory when --state-dir is not given (else /run/sriov)"},
        {"SRIOV_CONFIG_DIR", CMD(C_CONFIG) | CMD(C_UDEV_EVENT) | CMD(C_MONITOR) | CMD(C_HOOK),
         "the desired state when --config-dir is not given (else /etc/sriov)"},
        {"LIBVIRT_DEFAULT_URI", CMD(C_ATTACH) | CMD(C_DETACH), "the libvirt URI when --connect is not given"},
        {"ACTION", CMD(C_UDEV_EVENT),
         "the uevent's action when --action is not given: remove and unbind change nothing; add and bind (or "
         "none) also set a PF's VF count"},
        {"DEVPATH", CMD(C_UDEV_EVENT),
         "the uevent's device (/devices/...) when no DEVPATH or DEVICE is given: run from a udev rule, the "
         "messages go to syslog too"},
        {"SUBSYSTEM", CMD(C_UDEV_EVENT), "the uevent's subsystem: with net, INTERFACE is read as well"},
        {"INTERFACE", CMD(C_UDEV_EVENT),
         "the netdev's name after the event (SUBSYSTEM net): where DEVPATH still has the name this very event "
         "renamed, the netdev is found by this one"},
};

const char *const usage_lines[3] = {"[OPTIONS] COMMAND [ARGS]", "COMMAND --help", "--version"};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sriov-vf CNI plugin's words (cniwords.h): the tables its --help and
 * its man page are printed from. */
#include <string.h>

#include "cniwords.h"
#include "textwrap.h"

#define ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

const struct cni_doc cni_commands[N_CNI_COMMANDS] = {
        [CNI_CMD_ADD] = {"ADD", NULL,
                         "give the pod the VF deviceID names: recorded in the allocation store before the first "
                         "change, its settings set through its PF, its netdev moved into CNI_NETNS as CNI_IFNAME "
                         "with the IPAM plugin's addresses and routes (netdev mode) or reported by its PCI address "
                         "(vfio-pci mode); undone, the lease given back, when any step fails"},
        [CNI_CMD_DEL] = {"DEL", NULL,
                         "give back what the attachment (CNI_CONTAINERID and CNI_IFNAME, never deviceID) holds: "
                         "the VF's settings as they were, its netdev's host name, MAC and MTU; an attachment that "
                         "holds nothing is not an error"},
        [CNI_CMD_CHECK] = {"CHECK", "0.4.0", "whether the attachment is as ADD left it (what differs is named)"},
        [CNI_CMD_GC] = {"GC", "1.1.0",
                        "release every attachment of the network that cni.dev/valid-attachments (or "
                        "cni.dev/attachments) does not list, then the IPAM plugin's GC"},
        [CNI_CMD_STATUS] = {"STATUS", "1.1.0", "whether the allocation store can be used: ADDs can be taken"},
        [CNI_CMD_VERSION] = {"VERSION", NULL,
                             "the spec versions the plugin speaks, answered in the request's cniVersion"},
};

enum cni_command cni_command_find(const char *name)
{
        for (size_t i = 0; i < N_CNI_COMMANDS; i++)
                if (name && strcmp(name, cni_commands[i].name) == 0)
                        return (enum cni_command)i;
        return N_CNI_COMMANDS;
}

/* sriov-cni's NetConf as it documents it, and the spec's keys the plugin
 * reads (netconf.c); tests/test-words.c holds netconf.c to this list.
 * Keys not listed are kept and passed to the IPAM plugin. */
const struct cni_doc cni_netconf_keys[20] = {
        {"cniVersion", "0.3.1|0.4.0|1.0.0|1.1.0", "the spec version of the configuration (required)"},
        {"name", "NAME",
         "the network's name (required): letters, digits, '_', '.' and '-', starting with a letter or digit"},
        {"type", "sriov-vf", "the plugin (required)"},
        {"deviceID", "DDDD:BB:SS.F",
         "the VF's PCI address, the SR-IOV network device plugin's pick (through Multus); required by ADD and "
         "CHECK"},
        {"vlan", "0-4094", "the VF's port VLAN, set (0 too) with vlanQoS and vlanProto"},
        {"vlanQoS", "0-7", "the VLAN's 802.1p priority (needs a non-zero vlan)"},
        {"vlanProto", "802.1q|802.1ad", "the VLAN protocol (802.1ad needs a non-zero vlan)"},
        {"mac", "XX:XX:XX:XX:XX:XX", "a unicast MAC for the VF (runtimeConfig.mac and CNI_ARGS MAC win)"},
        {"runtimeConfig.mac", "XX:XX:XX:XX:XX:XX", "the runtime's mac capability: wins over CNI_ARGS MAC and mac"},
        {"spoofchk", "on|off", "the VF's spoof check"},
        {"trust", "on|off", "the VF's trust"},
        {"link_state", "auto|enable|disable", "the VF's link state"},
        {"min_tx_rate", "MBPS", "the VF's minimum rate in Mbit/s (0: none; not above max_tx_rate)"},
        {"max_tx_rate", "MBPS", "the VF's rate limit in Mbit/s (0: none)"},
        {"mtu", "68-65535", "the netdev's MTU in the pod (netdev mode)"},
        {"ipam", "{\"type\": NAME, ...}",
         "the IPAM plugin (a name in CNI_PATH) the configuration is passed to, with the highest cniVersion it "
         "speaks when it stops at an older one"},
        {"dns", "OBJECT", "put in the result when the IPAM plugin's has none"},
        {"prevResult", "OBJECT", "CHECK: ADD's result; its interface CNI_IFNAME must be in CNI_NETNS"},
        {"cni.dev/valid-attachments", "[{\"containerID\", \"ifname\"}, ...]",
         "GC: the attachments still in use; without it (or the next) GC frees nothing"},
        {"cni.dev/attachments", "[{\"containerID\", \"ifname\"}, ...]",
         "GC: the same under the name of the spec's text 1.1.0 (libcni sends both; an attachment either lists is "
         "kept)"},
};

const struct cni_doc cni_args_keys[1] = {
        {"MAC", "XX:XX:XX:XX:XX:XX",
         "the runtime's MAC for the VF (podman's --mac-address): runtimeConfig.mac wins over it, it over mac; "
         "MAC= is none"},
};

/* Every getenv() of cni/ (tests/test-words.c holds the sources to it). */
const struct cni_doc cni_env[7] = {
        {"CNI_COMMAND", "ADD|DEL|CHECK|GC|STATUS|VERSION", "what to do (required)"},
        {"CNI_CONTAINERID", "ID",
         "the container (ADD, DEL, CHECK): letters, digits, '_', '.' and '-', starting with a letter or digit"},
        {"CNI_NETNS", "PATH", "the pod's network namespace file (ADD, CHECK; DEL does without)"},
        {"CNI_IFNAME", "NAME",
         "the interface's name in the pod (ADD, DEL, CHECK): 1-15 characters, not . or .., no '/', ':', '%', "
         "blanks or control characters"},
        {"CNI_ARGS", "KEY=VALUE;...", "more arguments (CNI_ARGS keys); unknown keys are ignored"},
        {"CNI_PATH", "DIR:...", "where the IPAM plugin is (needed when the NetConf has ipam)"},
        {"SRIOV_STATE_DIR", "DIR",
         "the allocation store, the same as sriovctl's (else /run/sriov): where the runtime runs plugins in a "
         "container (thick Multus), the host's"},
};

const struct cni_code_doc cni_code_docs[13] = {
        {CNI_ERR_VERSION, "incompatible CNI version (also CHECK before 0.4.0, GC or STATUS before 1.1.0)"},
        {CNI_ERR_UNKNOWN_CONTAINER, "CNI_NETNS does not exist (ADD, CHECK)"},
        {CNI_ERR_ENV,
         "a missing or invalid CNI_COMMAND, CNI_CONTAINERID, CNI_IFNAME, CNI_NETNS, CNI_PATH or CNI_ARGS"},
        {CNI_ERR_IO, "the IPAM plugin cannot be run (not in CNI_PATH, not executable)"},
        {CNI_ERR_DECODE, "stdin is not a JSON object"},
        {CNI_ERR_CONFIG, "a NetConf key out of range or of the wrong type, named with its value and rule"},
        {CNI_ERR_TRY_AGAIN,
         "try again later: the store's lock stayed busy, or (DEL, GC) the VF's netdev is still in a namespace a "
         "process holds, or one the pod moved it into"},
        {CNI_ERR_NOT_AVAILABLE, "STATUS: the allocation store cannot be used"},
        {CNI_ERR_FAILED,
         "the kernel or the driver refused a step (its errno and message in details); everything was undone"},
        {CNI_ERR_VF_HELD, "the VF is held by another pod or a guest (named), or in use"},
        {CNI_ERR_NO_VF, "deviceID is not a VF of this host, or has no netdev in the host namespace in netdev mode"},
        {CNI_ERR_CHECK, "CHECK: the attachment is missing or not as ADD left it (what differs is named)"},
        {CNI_ERR_IPAM,
         "the IPAM plugin failed (its message in details), gave a result of the wrong JSON types, or did not "
         "answer within 30 s"},
};

const struct cni_code_doc cni_exit_docs[3] = {
        {0, "success: the result (ADD, VERSION) on stdout"},
        {1, "an error: the spec's error JSON on stdout (cniVersion, code, msg, details), a line on stderr"},
        {2, "a bad command line: a CNI plugin takes no arguments but --help and --version"},
};

const char *const cni_usage_lines[3] = {
        "CNI_COMMAND=ADD|DEL|CHECK|GC|STATUS|VERSION [CNI_...=...] sriov-vf < NETCONF.json",
        "sriov-vf --help",
        "sriov-vf --version",
};

static void print_docs(FILE *f, const char *title, const struct cni_doc *d, size_t n)
{
        fprintf(f, "\n%s:\n", title);
        for (size_t i = 0; i < n; i++) {
                char name[128];
                snprintf(name, sizeof(name), "%s%s%s", d[i].name, d[i].value ? " " : "", d[i].value ? d[i].value : "");
                wrap_item(f, name, d[i].meaning);
        }
}

static void print_codes(FILE *f, const char *title, const struct cni_code_doc *d, size_t n)
{
        fprintf(f, "\n%s:\n", title);
        for (size_t i = 0; i < n; i++) {
                char code[16];
                snprintf(code, sizeof(code), "%d", d[i].code);
                wrap_item(f, code, d[i].meaning);
        }
}

void cni_help(FILE *f)
{
        for (size_t i = 0; i < ELEMENTS(cni_usage_lines); i++)
                fprintf(f, "%s %s\n", i == 0 ? "Usage:" : "      ", cni_usage_lines[i]);
        fprintf(f, "\n");
        wrap_print(f,
                   "A CNI plugin (spec 1.1.0): the runtime runs it with the environment below and the network "
                   "configuration (NetConf) on stdin; it gives a pod the VF the SR-IOV network device plugin picked, "
                   "on the allocation store and locks of sriovctl. See sriov-vf(8).",
                   0, 0);
        fprintf(f, "\nCNI commands:\n");
        for (size_t i = 0; i < N_CNI_COMMANDS; i++) {
                char name[64];
                snprintf(name, sizeof(name), "%s%s%s%s", cni_commands[i].name, cni_commands[i].value ? " (from " : "",
                         cni_commands[i].value ? cni_commands[i].value : "", cni_commands[i].value ? ")" : "");
                wrap_item(f, name, cni_commands[i].meaning);
        }
        print_docs(f, "Environment", cni_env, ELEMENTS(cni_env));
        print_docs(f, "NetConf keys", cni_netconf_keys, ELEMENTS(cni_netconf_keys));
        print_docs(f, "CNI_ARGS keys", cni_args_keys, ELEMENTS(cni_args_keys));
        print_codes(f, "Error codes (the error JSON's code)", cni_code_docs, ELEMENTS(cni_code_docs));
        print_codes(f, "Exit status", cni_exit_docs, ELEMENTS(cni_exit_docs));
}

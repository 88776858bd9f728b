/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl's commands and what they share. Each command is one function
 * over the library; main() (sriovctl.c) only parses options and dispatches. */
#ifndef SRIOVCTL_CLI_H
#define SRIOVCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>

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
        EXIT_HELD = 5,      /* refused: a guest holds the VF (an allocation; -EADDRINUSE) */
};

enum output_format { OUT_TABLE, OUT_JSON, OUT_XML };

#define N_PORT_FIELDS 7
/* profile, instance, host, managerid, typeid, typeidversion, instanceid */
extern const char *const port_fields[N_PORT_FIELDS];

#define MAX_NETWORKS 64

struct options {
        const char *sysfs_root;
        const char *pci_dump;
        enum output_format format;
        const char *state_dir;
        bool no_value_checks;
        /* port-profile */
        const char *port_field[N_PORT_FIELDS];
        const char *timeout;
        /* attach / detach */
        const char *domain;
        const char *networks[MAX_NETWORKS];
        size_t n_networks;
        const char *output;
        bool keep_direct;
        bool fallback_macvtap;
        bool no_vfio;
        /* config / udev-event / monitor */
        const char *config_dir;
        const char *action; /* udev-event --action */
};

int usage_error(const char *fmt, const char *arg);
int exit_code_for(int r);
/* Prints "sriovctl: WHAT: <why the library failed>", returns the exit code. */
int fail(struct sriov_ctx *ctx, int r, const char *what);
void print_notices(struct sriov_ctx *ctx);
void print_warnings(char **warnings);
/* Prints text (and a final newline if it has none), frees it. */
int emit(int r, char *text);
/* Exit code of the commands that change things: a refusal by the kernel is
 * a system failure whatever its errno (EOPNOTSUPP is not "no device"). */
int config_exit_code(int r);
int config_fail(struct sriov_ctx *ctx, int r, const char *what);
/* "vf N" (or "vf all" / "self" where allowed) at args[0..1]; returns the
 * number of words used, 0 if malformed. */
int parse_vf_words(char **args, int nargs, bool allow_all, bool allow_self, long *ret);
/* --timeout in milliseconds (0-3600000), `fallback` when not given; a bad
 * value is printed as "sriovctl: CMD: --timeout ..." and gives -EINVAL. */
int parse_timeout(const struct options *o, const char *cmd, unsigned fallback, unsigned *ret);

/* The commands: args are the words after the command's name. */
typedef int command_fn(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs);
command_fn cmd_list, cmd_show, cmd_set, cmd_apply, cmd_restore, cmd_port_profile;
command_fn cmd_attach, cmd_detach, cmd_allocations;
command_fn cmd_config, cmd_udev_event, cmd_monitor;

#endif

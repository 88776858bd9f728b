/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl's commands and what they share. Each command is one function
 * over the library; main() (sriovctl.c) only parses options and dispatches. */
#ifndef SRIOVCTL_CLI_H
#define SRIOVCTL_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sriov.h"
#include "words.h"

enum output_format { OUT_TABLE, OUT_JSON, OUT_XML, OUT_NAMES };

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
        const char *connect; /* libvirt URI (NULL: libvirt's default) */
        /* config / udev-event / monitor */
        const char *config_dir;
        const char *action; /* udev-event --action */
};

/* The command being run ("" before one is known): usage errors point at
 * its own --help. */
extern const char *current_command;
/* Prints "sriovctl: <fmt with arg>" and where to find the usage; returns
 * EXIT_USAGE. */
int usage_error(const char *fmt, const char *arg);
/* The one errno -> exit status table. `reading_input`: the call read or
 * parsed what the user gave (a file, XML, the words of `set`), where
 * EINVAL and ENOENT are the input's fault (4); otherwise they are the
 * kernel's or the driver's answer (1) and a missing thing (3). */
int exit_status(int r, bool reading_input);
/* Prints the notices, then "sriovctl: WHAT: <why the library failed>";
 * returns exit_status(r, false). */
int fail(struct sriov_ctx *ctx, int r, const char *what);
/* The same for a failure reading input: exit_status(r, true). */
int input_fail(struct sriov_ctx *ctx, int r, const char *what);
void print_notices(struct sriov_ctx *ctx);
void print_warnings(char **warnings);
/* Prints text (and a final newline if it has none), frees it; r < 0: says
 * the rendering failed. Whether the text got out is check_stdout()'s. */
int emit(int r, char *text);
/* Whether everything printed on stdout got out (close_it: and closes it):
 * 0, or -errno after saying "sriovctl: writing standard output: REASON"
 * once. main() calls it for every command (exit 1 when it fails); a
 * command that must know before it commits calls it first. */
int check_stdout(bool close_it);
/* "vf N" (or "vf all" / "self" where allowed) at args[0..1] after DEVICE
 * (for messages). Returns the number of words used (1 or 2); 0 when they
 * are not there (a usage error, not printed); -EINVAL for a malformed VF
 * index, printed as "sriovctl: CMD: DEVICE vf 'X': ..." (exit 4). */
int parse_vf_words(const char *cmd, const char *device, char **args, int nargs, bool allow_all,
                   bool allow_self, long *ret);
/* --timeout in milliseconds (0-3600000), `fallback` when not given; a bad
 * value is a usage error, printed; returns EXIT_OK or EXIT_USAGE. */
int parse_timeout(const struct options *o, unsigned fallback, unsigned *ret);

/* "sriovctl: MESSAGE" on out and, to_syslog, to syslog at prio: what a
 * udev RUN program or a libvirt hook says lands in no terminal. */
void vreport(FILE *out, bool to_syslog, int prio, const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* One allocation record as a line (allocations, and what attach did). */
void print_allocation(FILE *f, const struct sriov_allocation *a);

/* The commands: args are the words after the command's name. */
typedef int command_fn(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs);
command_fn cmd_list, cmd_show, cmd_set, cmd_apply, cmd_restore, cmd_port_profile;
command_fn cmd_allocations, cmd_config, cmd_udev_event, cmd_monitor;
/* In sriovctl-libvirt.so (cmd-guest.c, cmd-hook.c), looked up by name. */
command_fn cmd_attach, cmd_detach, cmd_hook;

/* A symbol of sriovctl-libvirt.so (module.c), loading it on first use
 * (its library's too: sriov_render_xml); NULL after saying why on
 * stderr. */
void *libvirt_module_symbol(const char *name);

#endif

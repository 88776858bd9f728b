/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sriov-vf CNI plugin's words (cniwords.c): its CNI commands, the
 * NetConf keys, CNI_ARGS keys and environment variables it reads, its
 * error codes and exit statuses. `sriov-vf --help` and the man page
 * sriov-vf(8) (src/gen-words.c) are printed from these tables. No json-c
 * and no libsriov here: gen-words builds this file alone. */
#ifndef SRIOV_CNIWORDS_H
#define SRIOV_CNIWORDS_H

#include <stdio.h>

/* The spec's well-known error codes, and ours (100+). */
enum cni_code {
        CNI_ERR_VERSION = 1,       /* incompatible CNI version */
        CNI_ERR_FIELD = 2,         /* unsupported field */
        CNI_ERR_UNKNOWN_CONTAINER = 3,
        CNI_ERR_ENV = 4,           /* invalid necessary environment variables */
        CNI_ERR_IO = 5,
        CNI_ERR_DECODE = 6,        /* failed to decode content */
        CNI_ERR_CONFIG = 7,        /* invalid network config */
        CNI_ERR_TRY_AGAIN = 11,    /* try again later (the store's lock is busy) */
        CNI_ERR_NOT_AVAILABLE = 50, /* STATUS: the plugin cannot take ADDs */
        CNI_ERR_FAILED = 100,      /* the kernel or the driver refused a step */
        CNI_ERR_VF_HELD = 101,     /* the VF is held by another pod or a guest, or in use */
        CNI_ERR_NO_VF = 102,       /* deviceID is not a VF present on this host */
        CNI_ERR_CHECK = 103,       /* CHECK: the attachment is not as ADD left it */
        CNI_ERR_IPAM = 104,        /* the IPAM plugin failed (its message in details) */
};

/* A word and what it means: a key, a variable, a command or a code. */
struct cni_doc {
        const char *name;
        const char *value;   /* what it takes ("on|off"), NULL for none */
        const char *meaning;
};

enum cni_command { CNI_CMD_ADD, CNI_CMD_DEL, CNI_CMD_CHECK, CNI_CMD_GC, CNI_CMD_STATUS, CNI_CMD_VERSION, N_CNI_COMMANDS };
/* value: the first spec version that has the command (NULL: every one) */
extern const struct cni_doc cni_commands[N_CNI_COMMANDS];
/* The command named so; N_CNI_COMMANDS when none. */
enum cni_command cni_command_find(const char *name);

extern const struct cni_doc cni_netconf_keys[20];
extern const struct cni_doc cni_args_keys[1];
extern const struct cni_doc cni_env[7];

struct cni_code_doc {
        int code;             /* an error code, or an exit status */
        const char *meaning;
};
extern const struct cni_code_doc cni_code_docs[13];
/* the same for the exit statuses */
extern const struct cni_code_doc cni_exit_docs[3];

/* The usage lines, whole ("sriov-vf --version"). */
extern const char *const cni_usage_lines[3];

/* `sriov-vf --help`. */
void cni_help(FILE *f);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl's words: its options, commands, exit statuses and environment
 * variables, one table each (words.c). `--help` (help.c), the man page
 * sriovctl(1) and the bash completion (gen-words.c, run at build time) are
 * printed from these tables, so none of them can name an option or a
 * command the others lack. No libsriov here: gen-words builds this file
 * with help.c and sriov/vfwords.c alone. */
#ifndef SRIOVCTL_WORDS_H
#define SRIOVCTL_WORDS_H

#include <stdint.h>

#define ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses, one set for every command; exit_status() (cli.c) maps the
 * library's errors onto them. */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,      /* the operation failed: the system, kernel or driver refused */
        EXIT_USAGE = 2,     /* bad command line, named */
        EXIT_NODEV = 3,     /* not found: device (or not an SR-IOV PF), network, allocation */
        EXIT_BADINPUT = 4,  /* bad input file or value: FILE:LINE, the word and the rule */
        EXIT_HELD = 5,      /* refused: a guest (or pod) holds the VF */
};
struct exit_status_doc {
        int status;
        const char *brief;   /* "not found": for the line every COMMAND --help ends with */
        const char *meaning;
};
extern const struct exit_status_doc exit_status_docs[6];

enum opt {
        O_JSON, O_XML, O_NAMES, O_SYSFS_ROOT, O_PCI_DUMP, O_STATE_DIR, O_CONFIG_DIR, O_NO_VALUE_CHECKS, O_HELP,
        O_VERSION, O_TIMEOUT, O_PROFILE, O_INSTANCE, O_HOST, O_MANAGERID, O_TYPEID, O_TYPEIDVERSION, O_INSTANCEID,
        O_DOMAIN, O_NETWORK, O_OUTPUT, O_KEEP_DIRECT, O_FALLBACK, O_NO_VFIO, O_ACTION, O_CONNECT,
        N_OPTS
};
#define OPT(o) (UINT32_C(1) << (o))

struct opt_def {
        const char *name;
        char short_name;
        const char *arg;    /* NULL: takes no value */
        const char *help;
        /* what completion offers as the value, blank-separated; NULL: what
         * arg says (a|b: those words, DIR: directories, FILE and *.xml:
         * files, anything else: nothing) */
        const char *values;
};
extern const struct opt_def opt_defs[N_OPTS];

/* Options every command takes: where the library reads and writes. */
#define CONTEXT_OPTS                                                                                   \
        (OPT(O_SYSFS_ROOT) | OPT(O_PCI_DUMP) | OPT(O_STATE_DIR) | OPT(O_CONFIG_DIR) |                  \
         OPT(O_NO_VALUE_CHECKS) | OPT(O_HELP) | OPT(O_VERSION))

enum command_id {
        C_LIST, C_SHOW, C_SET, C_APPLY, C_RESTORE, C_PORT_PROFILE, C_ATTACH, C_DETACH, C_ALLOCATIONS, C_CONFIG,
        C_UDEV_EVENT, C_HOOK, C_MONITOR,
        N_COMMANDS
};
#define CMD(c) (UINT32_C(1) << (c))

struct command {
        const char *name;
        const char *synopsis; /* after "sriovctl "; continuation lines start with a space */
        const char *summary;
        uint32_t opts;        /* besides CONTEXT_OPTS */
        /* The words after the name, for completion: one slot per word,
         * blank-separated, each a list of alternatives split by '|':
         * DEVICE (a PF, from `sriovctl list --names`), FILE (a file), VF
         * (an index of the DEVICE's VFs: a slot with VF is there only
         * after the word "vf"), SET (the words of set, to the end), - (a
         * word not completed), or the word itself. */
        const char *args;
        /* takes the words of set (vfparse.c): its help says which
         * spellings of ip link's are taken too */
        int vf_words;
};
extern const struct command commands[N_COMMANDS];
const struct command *find_command(const char *name);

/* The environment sriovctl reads. */
struct env_doc {
        const char *name;
        uint32_t commands; /* CMD() bits of the commands that read it; 0: every command */
        const char *meaning;
};
extern const struct env_doc env_docs[7];

/* The usage lines, after "sriovctl " (--help's first lines, the man page's
 * last synopsis lines). */
extern const char *const usage_lines[3];

#endif

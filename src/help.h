/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl's --help and --version, printed from its tables (words.h). */
#ifndef SRIOVCTL_HELP_H
#define SRIOVCTL_HELP_H

#include <stddef.h>
#include <stdio.h>

#include "words.h"

/* `sriovctl --help`: usage, every command, every option, the environment
 * and the exit statuses. */
void help_usage(FILE *f);
/* `sriovctl COMMAND --help`. */
void help_command(FILE *f, const struct command *c);
/* A command's synopsis lines as "sriovctl ...", the first after `first`,
 * the others aligned under it; continuations indented further. */
void help_synopsis(FILE *f, const struct command *c, const char *first);
/* "PROGRAM (sriov-manager) VERSION". */
void help_version(FILE *f, const char *program);
/* The sentence saying which of ip-link(8)'s spellings the words of set
 * take ("ip link's max_tx_rate and rate are taken for max-rate, ..."),
 * from the parser's table; truncated to size. */
void help_vf_aliases(char *buf, size_t size);
/* "list, show and port-profile": the commands that take option o. */
void help_option_commands(char *buf, size_t size, enum opt o);
/* "attach and detach": the commands that read env_docs[i] ("every
 * command" when all do). */
void help_env_commands(char *buf, size_t size, size_t i);

#endif

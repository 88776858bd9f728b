/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPAM delegation through CNI_PATH (cni/ipam.c). */
#ifndef SRIOV_CNI_IPAM_H
#define SRIOV_CNI_IPAM_H

#include "cni.h"

/* Runs CNI_PATH's `type` with CNI_COMMAND=command and input on stdin:
 * its stdout (malloc'd) and exit status. */
int ipam_exec(const char *type, const char *cni_path, const char *command, const char *input, char **ret_out,
              int *ret_status, struct cni_error *err);
/* The same, as JSON: its result (*ret may be NULL: none printed), or its
 * error JSON's code and message in err (CNI_ERR_IPAM). ret may be NULL. */
int ipam_call(const char *type, const char *cni_path, const char *command, const char *input, json_object **ret,
              struct cni_error *err);
/* Whether the plugin's VERSION lists that spec version (GC and STATUS
 * exist from 1.1.0 on). */
bool ipam_speaks(const char *type, const char *cni_path, const char *version);

/* The highest version the plugin's VERSION lists that is not above want
 * (-ENOENT: none, or no answer). */
int ipam_pick_version(const char *type, const char *cni_path, const char *want, char buf[static 16]);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPAM delegation through CNI_PATH (cni/ipam.c). */
#ifndef SRIOV_CNI_IPAM_H
#define SRIOV_CNI_IPAM_H

#include "cni.h"

/* How long an IPAM plugin may take: an ADD runs it under the store's
 * lock, which every other ADD, DEL and hook waits for. */
#define IPAM_TIMEOUT_MS 30000

/* Runs CNI_PATH's `type` with CNI_COMMAND=command and input on stdin:
 * its stdout (malloc'd) and exit status. One that has not finished
 * within timeout_ms is killed with its process group: -ETIMEDOUT
 * (CNI_ERR_IPAM). */
int ipam_exec(const char *type, const char *cni_path, const char *command, const char *input, unsigned timeout_ms,
              char **ret_out, int *ret_status, struct cni_error *err);
/* The same (IPAM_TIMEOUT_MS), as JSON: its result (*ret may be NULL: none
 * printed), or its error JSON's code and message in err (CNI_ERR_IPAM).
 * ret may be NULL. */
int ipam_call(const char *type, const char *cni_path, const char *command, const char *input, json_object **ret,
              struct cni_error *err);
/* An ADD result as the spec types it, as far as the plugin reads it: an
 * object; "ips" an array of objects with a string "address" (and string
 * "gateway"); "routes" an array of objects with a string "dst" (and
 * string "gw"); "dns" an object. -EBADMSG (CNI_ERR_IPAM) naming what is
 * not. */
int ipam_result_check(json_object *res, struct cni_error *err);

/* Whether the plugin's VERSION lists that spec version (GC and STATUS
 * exist from 1.1.0 on). */
bool ipam_speaks(const char *type, const char *cni_path, const char *version);

/* The highest version the plugin's VERSION lists that is not above want
 * (-ENOENT: none, or no answer). */
int ipam_pick_version(const char *type, const char *cni_path, const char *want, char buf[static 16]);

#endif

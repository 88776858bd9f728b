/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The generic netlink transport (genl.c), internal: families resolved by
 * name, requests answered by the kernel, or by recorded answers (replay),
 * which is how the unit tests see the kernel's own devlink messages. */
#ifndef SRIOV_GENL_H
#define SRIOV_GENL_H

#include <netlink/genl/genl.h>

#include "nl.h"

struct sriov_genl;

void sriov_genl_free(struct sriov_genl *g);

/* The id of a generic netlink family ("devlink"), asked once per context
 * (CTRL_CMD_GETFAMILY through the transport, so a replay answers it too).
 * -ENOENT: the kernel has no such family. */
int genl_family(struct sriov_ctx *ctx, const char *name, uint16_t *ret);

/* A new request of family `family` (genl_family's id) with command cmd
 * and version 1; flags adds NLM_F_DUMP for a dump. NULL: no memory. */
struct nl_msg *genl_request_new(uint16_t family, uint8_t cmd, int flags);

/* Sends msg and reads the replies until the kernel's ack, NLMSG_DONE or
 * error; fn sees each reply. The kernel's errno from the ack, negative,
 * with its extended-ack text in ctx's error message. */
int genl_transact(struct sriov_ctx *ctx, struct nl_msg *msg, nl_reply_fn fn, void *userdata);

/* ---- recording and replay ------------------------------------------------
 * A recording is text: '#' comments, then per request one line
 *     > TYPE FLAGS HEX
 * (the request's nlmsg_type and nlmsg_flags in hex, its payload after the
 * netlink header: genl header and attributes) followed by one line
 *     < HEX
 * per datagram the kernel answered with, whole (netlink headers included).
 * Replay answers a request whose type, flags and payload are those of a
 * recorded one, byte for byte, with that request's datagrams (their
 * sequence numbers set to the request's); nothing else is answered. */

/* Every exchange of the context's transport from now on is also written to
 * f (which the caller keeps open and closes); NULL stops. */
int genl_record(struct sriov_ctx *ctx, FILE *f);
/* Replaces the context's transport by the recordings in the files
 * (NULL-terminated list): no socket is opened afterwards. -EINVAL with a
 * message naming the file and line for a malformed recording. */
int genl_replay_load(struct sriov_ctx *ctx, const char *const *files);
/* Requests the transport has answered (socket or replay) since the context
 * was made: how tests count the requests a command costs. */
unsigned genl_requests(const struct sriov_ctx *ctx);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Port profile messages (portprofile.c), internal: exposed for the tests. */
#ifndef SRIOV_PORTPROFILE_H
#define SRIOV_PORTPROFILE_H

#include <netlink/msg.h>

#include "internal.h"

/* The RTM_SETLINK (NLM_F_REQUEST) carrying request p for VF vf or
 * SRIOV_PORT_SELF. 802.1Qbh, for the PF's driver: IFLA_VF_PORTS {
 * IFLA_VF_PORT { IFLA_PORT_VF, IFLA_PORT_PROFILE (exactly 40 bytes,
 * NUL-padded), IFLA_PORT_INSTANCE_UUID, IFLA_PORT_HOST_UUID,
 * IFLA_PORT_REQUEST (u8) } }, or the same in IFLA_PORT_SELF without
 * IFLA_PORT_VF. 802.1Qbg, for the VDP daemon (the way libvirt talks to
 * lldpad): IFLA_IFNAME and IFLA_VF_PORTS { IFLA_VF_PORT { IFLA_PORT_VSI_TYPE,
 * IFLA_PORT_INSTANCE_UUID, [IFLA_PORT_VF], IFLA_PORT_REQUEST } }. */
int port_build_setlink(int ifindex, const char *ifname, int vf, const struct sriov_port *p, struct nl_msg **ret);

/* The errno a final, unsuccessful response stands for (0 for success,
 * -EINPROGRESS for in progress). */
int port_response_errno(uint16_t response);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names and text forms of settings (names.c), beneath every module that
 * reads, sets or prints them; the public ones (sriov_errno_name,
 * sriov_format_mac, sriov_uuid_parse, ...) are declared in sriov.h. Uses
 * nothing of libsriov but sriov.h's types. Not installed. */
#ifndef SRIOV_NAMES_H
#define SRIOV_NAMES_H

#include <stdint.h>

#include "sriov.h"

/* "02:00:00:00:00:01" (either case) into 6 bytes; -EINVAL otherwise. */
int vf_mac_parse(const char *s, uint8_t ret[6]);
/* "802.1Q" for SRIOV_ETH_P_8021Q, "802.1ad" for SRIOV_ETH_P_8021AD, else
 * "unknown". */
const char *vf_proto_name(uint16_t proto);
/* "mem32", "mem64"; NULL for the others (an unused BAR, the upper half of a
 * 64-bit one). */
const char *bar_kind_name(enum sriov_bar_kind k);
/* devlink's words, as iproute2's devlink prints them: port flavours
 * ("physical", "pcipf", "pcivf", ...; "unknown" beyond), eswitch inline
 * modes ("none", "link", "network", "transport") and encap modes ("none",
 * "basic"); NULL beyond for the modes. */
const char *devlink_flavour_name(uint16_t flavour);
const char *devlink_inline_mode_name(uint8_t m);
const char *devlink_encap_mode_name(uint8_t m);
/* The kind named as sriov_alloc_kind_name() names it; -EINVAL otherwise. */
int alloc_kind_parse(const char *s, enum sriov_alloc_kind *ret);

#endif

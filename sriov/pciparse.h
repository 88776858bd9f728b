/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure PCI parsers (pciparse.c), internal. */
#ifndef SRIOV_PCIPARSE_H
#define SRIOV_PCIPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Finds extended capability `id` in `len` bytes of config space. */
int pci_ext_cap_find(const uint8_t *cfg, size_t len, uint16_t id, uint16_t *ret, char *why,
                     size_t why_size);

/* Checks the text of an `lspci -xxxx` dump before libpci's dump method
 * reads it: libpci stops the process on a malformed line and writes out of
 * bounds on an offset that does not fit an int, so nothing it would reject
 * is handed to it. -EBADMSG or -ENODATA with the line number in `why`. */
int pci_dump_check(const char *text, size_t len, char *why, size_t why_size);

#endif

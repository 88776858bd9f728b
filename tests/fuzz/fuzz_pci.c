/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for the config-space and dump parsers: the input is
 * tried as raw config space (SR-IOV capability walk and decode) and as the
 * text of an `lspci -xxxx` dump, which goes through the project's dump
 * check, libpci's dump method and the inventory built from it. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "pciparse.h"

static void as_config_space(const uint8_t *data, size_t size)
{
        uint8_t cfg[4096];
        size_t len = size < sizeof(cfg) ? size : sizeof(cfg);
        memcpy(cfg, data, len);
        struct sriov_iov_cap cap;
        char why[200];
        if (sriov_iov_cap_parse(cfg, len, &cap, why, sizeof(why)) == 0) {
                struct sriov_vf_bar bars[6];
                sriov_iov_cap_bars(&cap, bars);
                struct sriov_pci_addr pf = {0, cfg[0], cfg[1] & 0x1f, cfg[2] & 7}, vf;
                for (unsigned i = 0; i < cap.total_vfs && i < 64; i++)
                        (void)sriov_vf_routing_id(&pf, cap.first_vf_offset, cap.vf_stride, i, &vf);
        }
}

static void as_dump(const uint8_t *data, size_t size)
{
        char why[256];
        (void)pci_dump_check((const char *)data, size, why, sizeof(why));
        int fd = memfd_create("dump", MFD_CLOEXEC);
        if (fd < 0)
                return;
        if (write(fd, data, size) != (ssize_t)size) {
                close(fd);
                return;
        }
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        struct sriov_ctx *ctx;
        if (sriov_ctx_new(&ctx) == 0) {
                struct sriov_inventory *inv;
                if (sriov_ctx_set_pci_dump(ctx, path) == 0 && sriov_inventory_scan(ctx, &inv) == 0) {
                        char *text;
                        if (sriov_render_json(inv, NULL, &text) == 0)
                                free(text);
                        sriov_inventory_free(inv);
                }
                sriov_ctx_free(ctx);
        }
        close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        as_config_space(data, size);
        as_dump(data, size);
        return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl allocations: who holds which VF or macvtap (guests, pods,
 * libvirt's own pools), from the allocation store. */
#include <stdio.h>

#include "cli.h"

void print_allocation(FILE *f, const struct sriov_allocation *a)
{
        char mac[18];
        sriov_format_mac(a->mac, mac);
        fprintf(f, "domain '%s' interface #%u: ", a->domain_name, a->iface + 1);
        switch (a->kind) {
        case SRIOV_ALLOC_HOSTDEV:
        case SRIOV_ALLOC_VF_DIRECT:
                if (a->vf < 0) {
                        fprintf(f, "device %s (libvirt makes the macvtap passthru)", a->netdev);
                        break;
                }
                fprintf(f, "VF %d of %s at %s", a->vf, a->pf, a->vf_address);
                if (a->kind == SRIOV_ALLOC_VF_DIRECT)
                        fprintf(f, ", netdev %s (type='direct' passthrough)", a->netdev ? a->netdev : "?");
                else if (a->vfio_driver)
                        fprintf(f, ", bound to vfio-pci%s%s%s", a->vfio_driver[0] ? " (was " : "", a->vfio_driver,
                                a->vfio_driver[0] ? ")" : "");
                else
                        fprintf(f, " (hostdev; vfio-pci binding left to libvirt)");
                if (a->config.set & SRIOV_VF_VLAN)
                        fprintf(f, ", vlan %u", a->config.vlan);
                break;
        case SRIOV_ALLOC_POD:
                fprintf(f, "VF %d of %s at %s, container '%s' as %s in %s (%s)", a->vf, a->pf, a->vf_address,
                        a->pod.container_id, a->pod.ifname, a->pod.netns ? a->pod.netns : "?",
                        a->pod.vfio ? "vfio-pci, configured through the PF" : "netdev moved");
                break;
        case SRIOV_ALLOC_MACVTAP:
                /* a macvtap made by libvirt, or one whose tap is gone, has no /dev/tapN */
                fprintf(f, "%s%s%s%s on %s, mode %s", a->netdev, a->tap_path[0] ? " (" : "", a->tap_path,
                        a->tap_path[0] ? ")" : "", a->lower, sriov_macvtap_mode_name(a->macvtap_mode));
                break;
        }
        fprintf(f, ", MAC %s%s%s", mac, a->port_profile ? ", port profile associated" : "",
                a->pending ? " [PENDING: its attach has not finished: still running, or killed (then the next "
                             "attach or detach rolls it back)]"
                           : "");
        /* libvirt's: handed out by its network driver or named by the guest */
        if (a->source && a->network)
                fprintf(f, " [libvirt network '%s', port %s]", a->network, a->port ? a->port : "?");
        else if (a->source)
                fprintf(f, " [libvirt: the guest's own XML]");
        fputc('\n', f);
}

int cmd_allocations(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs)
                return usage_error("no argument expected, got '%s'", args[0]);
        struct sriov_allocation *a;
        size_t n;
        int r = sriov_allocations(ctx, &a, &n);
        if (r < 0)
                return fail(ctx, r, "allocations");
        print_notices(ctx);
        int rc = EXIT_OK;
        if (o->format == OUT_JSON) {
                char *text = NULL;
                r = sriov_render_allocations_json(a, n, &text);
                rc = emit(r, text);
        } else {
                if (!n)
                        printf("no allocations\n");
                for (size_t i = 0; i < n; i++)
                        print_allocation(stdout, &a[i]);
        }
        sriov_allocations_free(a, n);
        return rc;
}

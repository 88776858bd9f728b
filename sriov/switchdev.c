/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The inventory's switchdev view: each PF's eswitch mode from devlink and,
 * in switchdev mode, each VF's representor: the netdev of the devlink port
 * whose PF/VF numbers are the VF's, confirmed in sysfs (the ifindex devlink
 * gave) and cross-checked with its phys_port_name ("pf0vf3"). Nothing is
 * taken from interface names alone. */
#include <inttypes.h>
#include <linux/devlink.h>
#include <string.h>

#include "devlink.h"

/* The context's message, moved into a PF's warnings. */
static void warn_from_ctx(struct sriov_ctx *ctx, struct sriov_pf *pf)
{
        if (ctx->error)
                (void)strv_push(&pf->warnings, ctx->error);
        ctx_clear_error(ctx);
}

/* One ESWITCH_GET: what it answers is the PF's state, errors included. */
static int read_eswitch(struct sriov_ctx *ctx, struct sriov_pf *pf)
{
        struct sriov_eswitch *e = &pf->eswitch;
        free(e->devlink);
        *e = (struct sriov_eswitch){0};
        if (!pf->bus || !pf->address || asprintf(&e->devlink, "%s/%s", pf->bus, pf->address) < 0) {
                e->devlink = NULL;
                return -ENOMEM;
        }
        struct devlink_eswitch got;
        int r = devlink_eswitch_get(ctx, pf->bus, pf->address, &got);
        if (r == -ENOMEM)
                return r;
        e->error = -r;
        switch (r) {
        case 0:
                if (!(got.present & DEVLINK_ESW_F_MODE)) {
                        /* a driver with devlink but no eswitch ops: the
                         * kernel answers with the handle alone */
                        e->state = SRIOV_ESWITCH_NO_ESWITCH;
                        break;
                }
                e->state = SRIOV_ESWITCH_READ;
                e->mode = got.mode;
                if (got.present & DEVLINK_ESW_F_INLINE) {
                        e->present |= SRIOV_ESWITCH_F_INLINE;
                        e->inline_mode = got.inline_mode;
                }
                if (got.present & DEVLINK_ESW_F_ENCAP) {
                        e->present |= SRIOV_ESWITCH_F_ENCAP;
                        e->encap_mode = got.encap_mode;
                }
                break;
        case -ENODEV: /* no devlink instance has the PF's handle */
        case -ENOENT: /* the kernel has no devlink */
                e->state = SRIOV_ESWITCH_NO_DEVLINK;
                break;
        case -EOPNOTSUPP: /* the driver's eswitch_mode_get refused (mlx5 without an eswitch manager) */
                e->state = SRIOV_ESWITCH_NO_ESWITCH;
                break;
        case -EPERM:
                /* ESWITCH_GET is GENL_ADMIN_PERM; the port dump is not */
                e->state = SRIOV_ESWITCH_UNREAD;
                ctx_notice(ctx, "the eswitch mode is readable only with CAP_NET_ADMIN (devlink answered "
                                "EPERM): run as root to see it");
                break;
        default:
                e->state = SRIOV_ESWITCH_FAILED;
                warn_from_ctx(ctx, pf);
                break;
        }
        ctx_clear_error(ctx);
        return 0;
}

static void netdevs_remove(char **v, const char *name)
{
        for (size_t i = 0; v && v[i]; i++)
                if (strcmp(v[i], name) == 0) {
                        free(v[i]);
                        memmove(&v[i], &v[i + 1], (strv_length(v + i + 1) + 1) * sizeof(*v));
                        return;
                }
}

static struct sriov_vf *find_vf(struct sriov_pf *pf, unsigned index)
{
        if (index < pf->n_vfs && pf->vfs[index].index == index)
                return &pf->vfs[index];
        for (size_t i = 0; i < pf->n_vfs; i++)
                if (pf->vfs[i].index == index)
                        return &pf->vfs[i];
        return NULL;
}

static bool is_local_vf_port(const struct devlink_port *p, const struct sriov_pf *pf)
{
        /* an external port is a VF of another host behind this eswitch
         * (a SmartNIC's controller), not one of this PF's VFs */
        return (p->present & DEVLINK_PORT_F_FLAVOUR) && p->flavour == DEVLINK_PORT_FLAVOUR_PCI_VF &&
               (p->present & DEVLINK_PORT_F_VF) && !p->external && strcmp(p->bus, pf->bus) == 0 &&
               strcmp(p->dev, pf->address) == 0;
}

/* The VF's port netdev as the representor, once sysfs has it with the
 * ifindex devlink gave; its phys_port_name is read and checked. */
static int take_port(struct sriov_ctx *ctx, struct sriov_pf *pf, struct sriov_vf *vf, const struct devlink_port *p)
{
        struct sriov_vf_port *vp = &vf->port;
        free(vp->netdev);
        free(vp->phys_port_name);
        free(vf->representor);
        vf->representor = NULL;
        *vp = (struct sriov_vf_port){.present = true, .index = p->index, .pf = p->pf, .vf = p->vf};
        if (!(p->present & DEVLINK_PORT_F_NETDEV))
                return 0; /* a port whose netdev is not (yet) there, or in another namespace */
        if (!(vp->netdev = strdup(p->netdev)))
                return -ENOMEM;
        _cleanup_free_ char *dir = NULL, *ifpath = NULL, *ppn = NULL;
        if (asprintf(&dir, "class/net/%s", p->netdev) < 0 || asprintf(&ifpath, "%s/ifindex", dir) < 0 ||
            asprintf(&ppn, "%s/phys_port_name", dir) < 0)
                return -ENOMEM;
        uint64_t ifindex;
        int r = sysfs_read_u64(ctx, ifpath, 10, INT32_MAX, &ifindex);
        ctx_clear_error(ctx);
        if (r < 0 || ifindex != p->ifindex) {
                /* renamed, or gone, between the dump and now */
                char now[48];
                if (r < 0)
                        snprintf(now, sizeof(now), "is not there");
                else
                        snprintf(now, sizeof(now), "has ifindex %" PRIu64, ifindex);
                (void)strv_pushf(&pf->warnings,
                                 "%s: VF %u: devlink port %s/%u names netdev %s (ifindex %" PRIu32 ") but %s/%s %s",
                                 pf->address, vf->index, pf->eswitch.devlink, p->index, p->netdev, p->ifindex,
                                 ctx->sysfs_root, dir,
                                 now);
                return 0;
        }
        r = sysfs_read_line(ctx, ppn, &vp->phys_port_name);
        ctx_clear_error(ctx);
        if (r == -ENOMEM)
                return r;
        char expected[32];
        snprintf(expected, sizeof(expected), "pf%uvf%u", p->pf, p->vf);
        if (r < 0)
                (void)strv_pushf(&pf->warnings, "%s: VF %u: representor %s has no phys_port_name (%s): expected %s",
                                 pf->address, vf->index, p->netdev, sriov_errno_name(-r), expected);
        else if (strcmp(vp->phys_port_name, expected) != 0)
                (void)strv_pushf(&pf->warnings,
                                 "%s: VF %u: representor %s (devlink port %s/%u, PF %u VF %u) has phys_port_name "
                                 "'%s', not '%s'",
                                 pf->address, vf->index, p->netdev, pf->eswitch.devlink, p->index, p->pf, p->vf,
                                 vp->phys_port_name, expected);
        if (!(vf->representor = strdup(p->netdev)))
                return -ENOMEM;
        /* the eswitch's port, not the PF's own netdev */
        netdevs_remove(pf->netdevs, p->netdev);
        return 0;
}

static int match_ports(struct sriov_ctx *ctx, struct sriov_pf *pf, const struct devlink_port *ports, size_t n)
{
        /* one devlink instance may front several PFs' VFs (the PF number
         * tells them apart); which number is this PF's is not guessed */
        int pfnum = -1;
        for (size_t i = 0; i < n; i++) {
                const struct devlink_port *p = &ports[i];
                if (!is_local_vf_port(p, pf))
                        continue;
                if (!(p->present & DEVLINK_PORT_F_PF) || (pfnum >= 0 && p->pf != pfnum))
                        return strv_pushf(&pf->warnings,
                                          "%s: devlink %s has VF ports of more than one PF number, or none: "
                                          "which are this PF's VFs is not known, no representor is shown",
                                          pf->address, pf->eswitch.devlink);
                pfnum = p->pf;
        }
        for (size_t i = 0; i < n; i++) {
                const struct devlink_port *p = &ports[i];
                if (!is_local_vf_port(p, pf))
                        continue;
                struct sriov_vf *vf = find_vf(pf, p->vf);
                if (!vf) {
                        int r = strv_pushf(&pf->warnings, "%s: devlink port %s/%u is VF %u's, but %s has no VF %u",
                                           pf->address, pf->eswitch.devlink, p->index, p->vf, pf->address, p->vf);
                        if (r < 0)
                                return r;
                        continue;
                }
                int r = take_port(ctx, pf, vf, p);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool switchdev(const struct sriov_pf *pf)
{
        return pf->eswitch.state == SRIOV_ESWITCH_READ && pf->eswitch.mode == SRIOV_ESWITCH_SWITCHDEV;
}

int sriov_inventory_read_eswitch(struct sriov_ctx *ctx, struct sriov_inventory *inv, struct sriov_pf *only)
{
        ctx_clear_error(ctx);
        bool any = false;
        for (size_t i = 0; i < inv->n_pfs; i++) {
                struct sriov_pf *pf = &inv->pfs[i];
                if (only && pf != only)
                        continue;
                int r = read_eswitch(ctx, pf);
                if (r < 0)
                        return r;
                any |= switchdev(pf);
        }
        if (!any)
                return 0;
        /* one dump for every PF (kernel 6.1 dumps all devices' ports) */
        struct devlink_port *ports = NULL;
        size_t n = 0;
        int r = devlink_port_dump(ctx, &ports, &n);
        if (r == -ENOMEM)
                return r;
        for (size_t i = 0; i < inv->n_pfs; i++) {
                struct sriov_pf *pf = &inv->pfs[i];
                if ((only && pf != only) || !switchdev(pf))
                        continue;
                if (r < 0) {
                        (void)strv_pushf(&pf->warnings, "%s: representors not read: %s", pf->address,
                                         ctx->error ? ctx->error : strerror(-r));
                        continue;
                }
                int m = match_ports(ctx, pf, ports, n);
                if (m < 0) {
                        devlink_ports_free(ports, n);
                        return m;
                }
        }
        ctx_clear_error(ctx);
        devlink_ports_free(ports, n);
        return 0;
}

int sriov_eswitch_set_mode(struct sriov_ctx *ctx, const struct sriov_pf *pf, enum sriov_eswitch_mode mode)
{
        ctx_clear_error(ctx);
        if (mode != SRIOV_ESWITCH_LEGACY && mode != SRIOV_ESWITCH_SWITCHDEV)
                return ctx_fail(ctx, -EINVAL, "eswitch mode %d: neither legacy (0) nor switchdev (1)", (int)mode);
        if (!pf->bus || !pf->address)
                return ctx_fail(ctx, -EINVAL, "eswitch mode: the PF has no bus or address");
        return devlink_eswitch_set_mode(ctx, pf->bus, pf->address, (uint16_t)mode);
}

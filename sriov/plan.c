/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Planning a guest's attach (plan.h): each <interface> of the domain XML
 * (direct, hostdev, or a network's pool) turned into what it needs: which
 * VF or pool, which settings, which port profile. Reads sysfs; changes
 * nothing. */
#include <string.h>

#include "plan.h"
#include "vfref.h"

static bool netdev_is_pf(struct sriov_ctx *ctx, const char *ifname)
{
        char p[80];
        snprintf(p, sizeof(p), "class/net/%s/device/sriov_totalvfs", ifname);
        if (sysfs_exists(ctx, p))
                return true;
        snprintf(p, sizeof(p), "class/net/%s/device/sriov_numvfs", ifname); /* netdevsim */
        return sysfs_exists(ctx, p);
}

void want_done(struct want *w)
{
        free(w->pf);
        for (size_t k = 0; k < w->n_cands; k++)
                free(w->cands[k].pf);
        free(w->cands);
        free(w->lower);
        if (w->has_eff)
                sriov_xml_effective_done(&w->eff);
        *w = (struct want){0};
}

static int add_cand(struct want *w, const char *pf, unsigned vf, const char *dev)
{
        struct cand *n = realloc(w->cands, (w->n_cands + 1) * sizeof(*n));
        if (!n)
                return -ENOMEM;
        w->cands = n;
        struct cand c = {.vf = vf};
        if (pf && !(c.pf = strdup(pf)))
                return -ENOMEM;
        if (dev)
                snprintf(c.dev, sizeof(c.dev), "%s", dev);
        w->cands[w->n_cands++] = c;
        return 0;
}

/* A VF's port VLAN: one tag. */
static int plan_vlan(struct sriov_ctx *ctx, struct want *w, const struct sriov_xml_vlan *v)
{
        if (!v || !v->present)
                return 0;
        if (w->kind == SRIOV_ALLOC_MACVTAP)
                return ctx_fail(ctx, -EINVAL,
                                "%s: <vlan> on a macvtap interface: a macvtap cannot tag; use a VLAN device "
                                "(such as %s.%u) as its source instead",
                                w->what, w->lower, v->n_tags ? v->tags[0].id : 0);
        if (v->trunk || v->n_tags != 1)
                return ctx_fail(ctx, -EINVAL,
                                "%s: <vlan%s> with %zu tags: a VF takes one port VLAN through its PF; VF "
                                "trunks are not offered by any driver over rtnetlink",
                                w->what, v->trunk ? " trunk='yes'" : "", v->n_tags);
        if (v->tags[0].native != SRIOV_XML_NATIVE_NONE)
                return ctx_fail(ctx, -EINVAL,
                                "%s: <tag id='%u' nativeMode=...>: nativeMode needs a trunk, and a VF takes "
                                "one port VLAN",
                                w->what, v->tags[0].id);
        w->cfg.set |= SRIOV_VF_VLAN;
        w->cfg.vlan = v->tags[0].id;
        return 0;
}

static bool vport_is_qbg(const struct sriov_xml_vport *vp)
{
        return vp->type == SRIOV_XML_VPORT_8021QBG ||
               (vp->type == SRIOV_XML_VPORT_UNTYPED &&
                (vp->set & (SRIOV_XML_VP_MANAGERID | SRIOV_XML_VP_TYPEID | SRIOV_XML_VP_TYPEIDVERSION)));
}

/* <virtualport>: 802.1Qbh through the PF (or PORT_SELF of a macvtap's
 * lower device), 802.1Qbg to lldpad with a VLAN source device. */
static int plan_vport(struct sriov_ctx *ctx, struct want *w, const struct sriov_xml_vport *vp, const char *source,
                      const char *uuid)
{
        if (!vp || !vp->present)
                return 0;
        if (vp->type == SRIOV_XML_VPORT_OPENVSWITCH || vp->type == SRIOV_XML_VPORT_MIDONET)
                return ctx_fail(ctx, -EINVAL, "%s: <virtualport type='%s'>: only 802.1Qbg and 802.1Qbh apply to a "
                                "VF or macvtap", w->what, sriov_xml_vport_type_name(vp->type));
        struct sriov_port p = {.present = SRIOV_PORT_F_REQUEST, .request = SRIOV_PORT_ASSOCIATE};
        if (vport_is_qbg(vp)) {
                /* VDP names the VSI by its VLAN: a macvtap's source must be a
                 * VLAN device; a VF is tagged through its PF (<vlan>), as
                 * libvirt does for hostdev interfaces */
                uint16_t vid = w->kind != SRIOV_ALLOC_MACVTAP && (w->cfg.set & SRIOV_VF_VLAN) ? w->cfg.vlan : 0;
                int r = source && w->kind == SRIOV_ALLOC_MACVTAP ? netdev_vlan_id(ctx, source, &vid) : 0;
                if (r < 0)
                        return r;
                if (vid == 0 && w->kind == SRIOV_ALLOC_MACVTAP)
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <virtualport type='802.1Qbg'> needs a source device with a non-zero "
                                        "VLAN ID (a VLAN device such as %s.2); '%s' is not one",
                                        w->what, source, source);
                if (vid == 0)
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <virtualport type='802.1Qbg'> needs a non-zero VLAN ID: give the VF "
                                        "one with <vlan><tag id='N'/></vlan>",
                                        w->what);
                p.present |= SRIOV_PORT_F_QBG | SRIOV_PORT_F_INSTANCE;
                p.managerid = vp->managerid;
                p.typeid = vp->typeid;
                p.typeidversion = vp->typeidversion;
                memcpy(p.instance_uuid, vp->instanceid, 16);
                if (!(vp->set & SRIOV_XML_VP_INSTANCEID) && uuid && sriov_uuid_parse(uuid, p.instance_uuid) < 0)
                        memset(p.instance_uuid, 0, 16);
                if ((vp->set & (SRIOV_XML_VP_MANAGERID | SRIOV_XML_VP_TYPEID | SRIOV_XML_VP_TYPEIDVERSION)) !=
                    (SRIOV_XML_VP_MANAGERID | SRIOV_XML_VP_TYPEID | SRIOV_XML_VP_TYPEIDVERSION))
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <virtualport type='802.1Qbg'> needs managerid, typeid and "
                                        "typeidversion in <parameters>", w->what);
        } else {
                if (!(vp->set & SRIOV_XML_VP_PROFILEID))
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <virtualport type='802.1Qbh'> needs <parameters profileid=...>",
                                        w->what);
                p.present |= SRIOV_PORT_F_PROFILE;
                snprintf(p.profile, sizeof(p.profile), "%s", vp->profileid);
                /* the instance is the guest, as libvirt sends it */
                if (vp->set & SRIOV_XML_VP_INSTANCEID) {
                        memcpy(p.instance_uuid, vp->instanceid, 16);
                        p.present |= SRIOV_PORT_F_INSTANCE;
                } else if (uuid && sriov_uuid_parse(uuid, p.instance_uuid) == 0)
                        p.present |= SRIOV_PORT_F_INSTANCE;
        }
        int r = sriov_port_validate(ctx, &p);
        if (r < 0) {
                ctx_error_prefix(ctx, "%s: <virtualport>", w->what);
                return r;
        }
        w->has_port = true;
        w->port = p;
        return 0;
}

/* A direct interface's source dev, or a VF named by PCI address. */
static int plan_fixed_vf(struct sriov_ctx *ctx, struct want *w, const char *addr)
{
        struct vf_ref v;
        int r = vf_ref_from_pci(ctx, w->what, addr, &v);
        if (r < 0)
                return r;
        r = add_cand(w, v.pf.name, v.vf, NULL);
        pf_ref_done(&v.pf);
        if (r < 0)
                return r;
        w->pool = POOL_LIST;
        w->fixed = true;
        return 0;
}

static int plan_pf_pool(struct sriov_ctx *ctx, struct want *w, const char *dev)
{
        struct pf_ref pf;
        int r = pf_ref_resolve(ctx, dev, &pf);
        if (r < 0) {
                ctx_error_prefix(ctx, "%s", w->what);
                return r;
        }
        /* kept as given: a non-PCI PF (netdevsim1) resolves by its netdev */
        pf_ref_done(&pf);
        if (!(w->pf = strdup(dev)))
                return -ENOMEM;
        w->pool = POOL_PF;
        return 0;
}

static int plan_direct(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, const struct sriov_xml_iface *f,
                       const struct sriov_attach_options *o, struct want *w)
{
        const char *dev = f->source_dev;
        if (!dev || !sysfs_netdev_exists(ctx, dev))
                return ctx_fail(ctx, -ENODEV, "%s: <source dev='%s'>: no such network device", w->what,
                                dev ? dev : "");
        char addr[SRIOV_PCI_ADDR_MAX];
        int r;
        if (f->mode == SRIOV_XML_MODE_PASSTHROUGH && netdev_pci(ctx, dev, addr) == 0 &&
            (r = plan_fixed_vf(ctx, w, addr)) != -ENOTSUP) {
                if (r < 0)
                        return r;
                w->kind = o->keep_direct ? SRIOV_ALLOC_VF_DIRECT : SRIOV_ALLOC_HOSTDEV;
        } else if (f->mode == SRIOV_XML_MODE_PASSTHROUGH && netdev_is_pf(ctx, dev)) {
                if ((r = plan_pf_pool(ctx, w, dev)) < 0)
                        return r;
                w->kind = o->keep_direct ? SRIOV_ALLOC_VF_DIRECT : SRIOV_ALLOC_HOSTDEV;
                w->fallback = o->fallback_macvtap;
        } else {
                /* libvirt's own behaviour: a macvtap in the mode asked for; on
                 * a NIC without SR-IOV, passthrough is a macvtap passthru */
                w->kind = SRIOV_ALLOC_MACVTAP;
                static const enum sriov_macvtap_mode modes[] = {
                        [SRIOV_XML_MODE_NONE] = SRIOV_MACVTAP_VEPA,
                        [SRIOV_XML_MODE_VEPA] = SRIOV_MACVTAP_VEPA,
                        [SRIOV_XML_MODE_BRIDGE] = SRIOV_MACVTAP_BRIDGE,
                        [SRIOV_XML_MODE_PRIVATE] = SRIOV_MACVTAP_PRIVATE,
                        [SRIOV_XML_MODE_PASSTHROUGH] = SRIOV_MACVTAP_PASSTHRU,
                };
                if ((unsigned)f->mode >= ELEMENTSOF(modes))
                        return ctx_fail(ctx, -EINVAL, "%s: <source mode='%s'>: vepa, bridge, private or passthrough",
                                        w->what, sriov_xml_mode_name(f->mode));
                w->mode = modes[f->mode];
                if (!(w->lower = strdup(dev)))
                        return -ENOMEM;
        }
        w->vfio = w->kind == SRIOV_ALLOC_HOSTDEV && !o->no_vfio;
        w->rewrite = true;
        if ((r = plan_vlan(ctx, w, &f->vlan)) < 0)
                return r;
        return plan_vport(ctx, w, &f->vport, w->kind == SRIOV_ALLOC_MACVTAP ? dev : NULL, d->uuid);
}

static int plan_hostdev(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, const struct sriov_xml_iface *f,
                        const struct sriov_attach_options *o, struct want *w)
{
        if (!f->has_pci)
                return 1;
        char addr[SRIOV_PCI_ADDR_MAX], p[64];
        pci_addr_format(&f->pci, addr);
        snprintf(p, sizeof(p), "bus/pci/devices/%s", addr);
        if (!sysfs_exists(ctx, p))
                return ctx_fail(ctx, -ENODEV, "%s: <source><address> %s: no such PCI device", w->what, addr);
        int r = plan_fixed_vf(ctx, w, addr);
        if (r == -ENOTSUP) {
                ctx_notice(ctx, "%s: %s is not a VF: left to libvirt", w->what, addr);
                return 1;
        }
        if (r < 0)
                return r;
        w->kind = SRIOV_ALLOC_HOSTDEV;
        w->vfio = f->managed == 1 && !o->no_vfio;
        if ((r = plan_vlan(ctx, w, &f->vlan)) < 0)
                return r;
        return plan_vport(ctx, w, &f->vport, NULL, d->uuid);
}

static int plan_network(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, const struct sriov_xml_iface *f,
                        struct sriov_xml_network *const *nets, size_t n_nets, const struct sriov_attach_options *o,
                        struct want *w)
{
        const struct sriov_xml_network *net = NULL;
        for (size_t k = 0; k < n_nets && !net; k++)
                if (f->network && strcmp(nets[k]->name, f->network) == 0)
                        net = nets[k];
        if (!net)
                return ctx_fail(ctx, -ENOENT,
                                "%s: <source network='%s'>: no such network among the network XML given "
                                "(--network FILE)",
                                w->what, f->network ? f->network : "");
        if (net->mode != SRIOV_XML_MODE_HOSTDEV && net->mode != SRIOV_XML_MODE_PASSTHROUGH) {
                ctx_notice(ctx, "%s: network '%s' has <forward mode='%s'>: libvirt's own, left untouched", w->what,
                           net->name, net->forward_mode_name ? net->forward_mode_name : "");
                return 1;
        }
        int r = sriov_xml_merge(ctx, f, net, &w->eff);
        if (r < 0)
                return r;
        w->has_eff = true;
        bool hostdev = net->mode == SRIOV_XML_MODE_HOSTDEV;
        w->kind = hostdev ? SRIOV_ALLOC_HOSTDEV : SRIOV_ALLOC_VF_DIRECT;
        w->vfio = hostdev && net->managed != 0 && !o->no_vfio;
        w->rewrite = true;
        if (net->pfs && net->pfs[0]) {
                if ((r = plan_pf_pool(ctx, w, net->pfs[0])) < 0)
                        return r;
        } else if (net->devs && net->devs[0]) {
                w->pool = POOL_LIST;
                for (char **dv = net->devs; *dv; dv++) {
                        char addr[SRIOV_PCI_ADDR_MAX];
                        struct vf_ref v;
                        if (!sysfs_netdev_exists(ctx, *dv)) {
                                ctx_notice(ctx, "network '%s': <interface dev='%s'>: no such device, skipped",
                                           net->name, *dv);
                                continue;
                        }
                        if (netdev_pci(ctx, *dv, addr) == 0 && (r = vf_ref_from_pci(ctx, w->what, addr, &v)) == 0) {
                                r = add_cand(w, v.pf.name, v.vf, NULL);
                                pf_ref_done(&v.pf);
                        } else if (r == -ENOTSUP || r == 0) {
                                if (hostdev)
                                        return ctx_fail(ctx, -EINVAL,
                                                        "network '%s': <interface dev='%s'> is not a VF: a "
                                                        "hostdev pool hands out VFs",
                                                        net->name, *dv);
                                r = add_cand(w, NULL, 0, *dv);
                        }
                        if (r < 0)
                                return r;
                }
        } else if (net->n_addrs) {
                w->pool = POOL_LIST;
                for (size_t k = 0; k < net->n_addrs; k++) {
                        char addr[SRIOV_PCI_ADDR_MAX];
                        pci_addr_format(&net->addrs[k], addr);
                        struct vf_ref v;
                        if ((r = vf_ref_from_pci(ctx, w->what, addr, &v)) == -ENOTSUP)
                                r = ctx_fail(ctx, -EINVAL, "network '%s': <address> %s is not a VF", net->name,
                                             addr);
                        if (r < 0)
                                return r;
                        r = add_cand(w, v.pf.name, v.vf, NULL);
                        pf_ref_done(&v.pf);
                        if (r < 0)
                                return r;
                }
        } else
                return ctx_fail(ctx, -EINVAL, "network '%s': <forward mode='%s'> has no <pf>, <interface> or "
                                "<address> pool", net->name, net->forward_mode_name);
        if ((r = plan_vlan(ctx, w, &w->eff.vlan)) < 0)
                return r;
        return plan_vport(ctx, w, &w->eff.vport, NULL, d->uuid);
}

/* 0: handled (w filled), 1: not ours (left untouched), < 0: bad input. */
int plan_iface(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, size_t i,
                      struct sriov_xml_network *const *nets, size_t n_nets, const struct sriov_attach_options *o,
                      struct want *w)
{
        const struct sriov_xml_iface *f = &d->ifaces[i];
        *w = (struct want){.i = i};
        snprintf(w->what, sizeof(w->what), "domain '%s': <interface> #%zu", d->name, i + 1);
        int r;
        switch (f->type) {
        case SRIOV_XML_IFACE_DIRECT:
                r = plan_direct(ctx, d, f, o, w);
                break;
        case SRIOV_XML_IFACE_HOSTDEV:
                r = plan_hostdev(ctx, d, f, o, w);
                break;
        case SRIOV_XML_IFACE_NETWORK:
                r = plan_network(ctx, d, f, nets, n_nets, o, w);
                break;
        default:
                ctx_notice(ctx, "%s: type='%s' is not handled by sriovctl: left untouched", w->what,
                           f->type_name ? f->type_name : "");
                r = 1;
        }
        if (r != 0)
                return r;
        if (f->has_mac)
                memcpy(w->mac, f->mac, 6);
        else if ((r = sriov_xml_random_mac(w->mac)) < 0)
                return ctx_fail(ctx, r, "%s: no random bytes for a MAC", w->what);
        if (w->kind != SRIOV_ALLOC_MACVTAP) {
                w->cfg.set |= SRIOV_VF_MAC;
                memcpy(w->cfg.mac, w->mac, 6);
                if ((r = sriov_vf_config_validate(ctx, &w->cfg)) < 0) {
                        ctx_error_prefix(ctx, "%s", w->what);
                        return r;
                }
        }
        return 0;
}

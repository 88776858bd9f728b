/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF settings as the PF's driver reports them over rtnetlink. */
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <inttypes.h>
#include <string.h>

#include "nl.h"
#include "vfinfo.h"

#define VF_SETTING_UNREPORTED 0xffffffffu /* the kernel's -1 before ndo_get_vf_config */

/* ifla_vf_spoofchk, ifla_vf_trust and ifla_vf_rss_query_en share this layout */
struct vf_setting {
        __u32 vf;
        __u32 setting;
};

void vfinfo_reply_done(struct vfinfo_reply *r)
{
        free(r->vfs);
        free(r->seen);
        free(r->ports);
        free(r->port_vf);
        r->vfs = NULL;
        r->seen = NULL;
        r->ports = NULL;
        r->port_vf = NULL;
        r->n_ports = 0;
}

static int grow(struct vfinfo_reply *r, size_t n)
{
        if (n <= r->n)
                return 0;
        struct sriov_vf_link *vfs = realloc(r->vfs, n * sizeof(*vfs));
        if (!vfs)
                return -ENOMEM;
        r->vfs = vfs;
        bool *seen = realloc(r->seen, n * sizeof(*seen));
        if (!seen)
                return -ENOMEM;
        r->seen = seen;
        memset(r->vfs + r->n, 0, (n - r->n) * sizeof(*vfs));
        memset(r->seen + r->n, 0, (n - r->n) * sizeof(*seen));
        r->n = n;
        return 0;
}

/* The VF number of an IFLA_VF_INFO entry: every per-VF struct starts with
 * __u32 vf; IFLA_VF_MAC is always sent. -1 if the entry is not one. */
static int64_t entry_vf(const struct nlattr *entry)
{
        if (nla_type(entry) != IFLA_VF_INFO)
                return -1;
        struct nlattr *a;
        int rem;
        nla_for_each_nested(a, entry, rem)
        {
                if (nla_type(a) == IFLA_VF_MAC && nla_len(a) >= (int)sizeof(struct ifla_vf_mac))
                        return ((const struct ifla_vf_mac *)nla_data(a))->vf;
        }
        return -1;
}

static bool setting(const struct nlattr *a, bool *ret)
{
        if (nla_len(a) < (int)sizeof(struct vf_setting))
                return false;
        uint32_t v = ((const struct vf_setting *)nla_data(a))->setting;
        if (v == VF_SETTING_UNREPORTED)
                return false;
        *ret = v != 0;
        return true;
}

static void parse_entry(const struct nlattr *entry, struct sriov_vf_link *vf)
{
        struct nlattr *a;
        int rem;
        nla_for_each_nested(a, entry, rem)
        {
                int len = nla_len(a);
                const void *d = nla_data(a);
                switch (nla_type(a)) {
                case IFLA_VF_MAC:
                        if (len >= (int)sizeof(struct ifla_vf_mac)) {
                                memcpy(vf->mac, ((const struct ifla_vf_mac *)d)->mac, 6);
                                vf->present |= SRIOV_VF_MAC;
                        }
                        break;
                case IFLA_VF_VLAN:
                        if (len >= (int)sizeof(struct ifla_vf_vlan)) {
                                const struct ifla_vf_vlan *v = d;
                                vf->vlan = (uint16_t)v->vlan;
                                vf->qos = (uint8_t)v->qos;
                                vf->present |= SRIOV_VF_VLAN;
                        }
                        break;
                case IFLA_VF_VLAN_LIST: {
                        struct nlattr *i;
                        int r2;
                        nla_for_each_nested(i, a, r2)
                        {
                                if (nla_type(i) != IFLA_VF_VLAN_INFO ||
                                    nla_len(i) < (int)sizeof(struct ifla_vf_vlan_info))
                                        continue;
                                const struct ifla_vf_vlan_info *v = nla_data(i);
                                vf->vlan_proto = ntohs(v->vlan_proto);
                                vf->present |= SRIOV_VF_VLAN_PROTO;
                                break; /* the kernel reports one */
                        }
                        break;
                }
                case IFLA_VF_SPOOFCHK:
                        if (setting(a, &vf->spoofchk))
                                vf->present |= SRIOV_VF_SPOOFCHK;
                        break;
                case IFLA_VF_TRUST:
                        if (setting(a, &vf->trust))
                                vf->present |= SRIOV_VF_TRUST;
                        break;
                case IFLA_VF_RSS_QUERY_EN:
                        if (setting(a, &vf->query_rss))
                                vf->present |= SRIOV_VF_QUERY_RSS;
                        break;
                case IFLA_VF_LINK_STATE:
                        if (len >= (int)sizeof(struct ifla_vf_link_state)) {
                                uint32_t s = ((const struct ifla_vf_link_state *)d)->link_state;
                                if (s <= SRIOV_LINK_DISABLE) {
                                        vf->link_state = (enum sriov_link_state)s;
                                        vf->present |= SRIOV_VF_LINK_STATE;
                                }
                        }
                        break;
                case IFLA_VF_RATE:
                        if (len >= (int)sizeof(struct ifla_vf_rate)) {
                                const struct ifla_vf_rate *v = d;
                                vf->min_tx_rate = v->min_tx_rate;
                                vf->max_tx_rate = v->max_tx_rate;
                                vf->present |= SRIOV_VF_RATE;
                        }
                        break;
                default:
                        break;
                }
        }
}

/* Reads entries from `start` while they are well-formed VF entries with the
 * expected next VF number; returns where the walk stopped. */
static const uint8_t *walk_entries(struct vfinfo_reply *r, const uint8_t *start,
                                   const uint8_t *limit, bool require_sequence, int *err)
{
        const uint8_t *p = start;
        while (limit - p >= NLA_HDRLEN) {
                const struct nlattr *e = (const struct nlattr *)p;
                if (e->nla_len < NLA_HDRLEN || e->nla_len > limit - p)
                        break;
                int64_t vf = entry_vf(e);
                if (vf < 0 || vf > 0xffff)
                        break;
                if (require_sequence && (size_t)vf != r->n_seen)
                        break;
                *err = grow(r, (size_t)vf + 1);
                if (*err < 0)
                        return p;
                if (!r->seen[vf]) {
                        r->seen[vf] = true;
                        r->n_seen++;
                }
                parse_entry(e, &r->vfs[vf]);
                p += NLA_ALIGN(e->nla_len);
        }
        return p;
}

void vfinfo_parse_port(const struct nlattr *nest, struct sriov_port *ret, int64_t *ret_vf)
{
        struct sriov_port p = {0};
        int64_t vf = -1;
        struct nlattr *a;
        int rem;
        nla_for_each_nested(a, nest, rem)
        {
                int len = nla_len(a);
                const uint8_t *d = nla_data(a);
                switch (nla_type(a)) {
                case IFLA_PORT_VF:
                        if (len >= 4)
                                vf = *(const uint32_t *)d;
                        break;
                case IFLA_PORT_PROFILE:
                        if (len > 0) {
                                size_t n = (size_t)len < sizeof(p.profile) - 1 ? (size_t)len : sizeof(p.profile) - 1;
                                memcpy(p.profile, d, n);
                                p.profile[n] = 0;
                                p.present |= SRIOV_PORT_F_PROFILE;
                        }
                        break;
                case IFLA_PORT_VSI_TYPE:
                        if (len >= (int)sizeof(struct ifla_port_vsi)) {
                                const struct ifla_port_vsi *v = (const void *)d;
                                p.managerid = v->vsi_mgr_id;
                                p.typeid = (uint32_t)v->vsi_type_id[0] | (uint32_t)v->vsi_type_id[1] << 8 |
                                           (uint32_t)v->vsi_type_id[2] << 16;
                                p.typeidversion = v->vsi_type_version;
                                p.present |= SRIOV_PORT_F_QBG;
                        }
                        break;
                case IFLA_PORT_INSTANCE_UUID:
                        if (len >= 16) {
                                memcpy(p.instance_uuid, d, 16);
                                p.present |= SRIOV_PORT_F_INSTANCE;
                        }
                        break;
                case IFLA_PORT_HOST_UUID:
                        if (len >= 16) {
                                memcpy(p.host_uuid, d, 16);
                                p.present |= SRIOV_PORT_F_HOST;
                        }
                        break;
                case IFLA_PORT_REQUEST:
                        if (len >= 1) {
                                p.request = (enum sriov_port_request)(len >= 2 ? *(const uint16_t *)d : d[0]);
                                p.present |= SRIOV_PORT_F_REQUEST;
                        }
                        break;
                case IFLA_PORT_RESPONSE:
                        if (len >= 2) {
                                p.response = *(const uint16_t *)d;
                                p.present |= SRIOV_PORT_F_RESPONSE;
                        }
                        break;
                default:
                        break;
                }
        }
        *ret = p;
        *ret_vf = vf;
}

static int add_port(struct vfinfo_reply *r, const struct nlattr *e, int64_t *last_vf)
{
        struct sriov_port p;
        int64_t vf;
        vfinfo_parse_port(e, &p, &vf);
        if (vf < 0 || vf > 0xffff || vf <= *last_vf)
                return 1; /* not the next VF port entry */
        struct sriov_port *ports = realloc(r->ports, (r->n_ports + 1) * sizeof(*ports));
        if (!ports)
                return -ENOMEM;
        r->ports = ports;
        int *port_vf = realloc(r->port_vf, (r->n_ports + 1) * sizeof(*port_vf));
        if (!port_vf)
                return -ENOMEM;
        r->port_vf = port_vf;
        r->ports[r->n_ports] = p;
        r->port_vf[r->n_ports++] = (int)vf;
        *last_vf = vf;
        return 0;
}

/* IFLA_VF_PORTS at p. Its length is 16 bits too: past ~580 VFs with port
 * state it wraps like IFLA_VFINFO_LIST. The entries are walked while they
 * are IFLA_VF_PORT nests with rising VF numbers; the walk is believed when
 * it ends at the declared length, or past it by a multiple of 65536.
 * Returns where the next top-level attribute starts, or NULL when that
 * cannot be confirmed. */
static const uint8_t *parse_vf_ports(struct vfinfo_reply *r, const uint8_t *p, const uint8_t *end, int *err)
{
        const struct nlattr *a = (const struct nlattr *)p;
        const uint8_t *declared_end = p + a->nla_len;
        const uint8_t *q = p + NLA_HDRLEN;
        int64_t last_vf = -1;
        size_t n_at_declared = SIZE_MAX; /* ports read when the walk was exactly at the declared end */
        r->has_vf_ports = true;
        while (end - q >= NLA_HDRLEN) {
                if (q == declared_end || q == p + NLA_ALIGN(a->nla_len))
                        n_at_declared = r->n_ports;
                const struct nlattr *e = (const struct nlattr *)q;
                if (e->nla_len < NLA_HDRLEN || e->nla_len > end - q || nla_type(e) != IFLA_VF_PORT)
                        break;
                int k = add_port(r, e, &last_vf);
                if (k < 0) {
                        *err = k;
                        return NULL;
                }
                if (k > 0)
                        break;
                q += NLA_ALIGN(e->nla_len);
        }
        if (q == declared_end || q == p + NLA_ALIGN(a->nla_len))
                return p + NLA_ALIGN(a->nla_len);
        size_t walked = (size_t)(q - p);
        if (walked > a->nla_len && (walked - a->nla_len) % 65536 == 0)
                return q;
        if (n_at_declared != SIZE_MAX) {
                /* what followed the declared end only looked like ports */
                r->n_ports = n_at_declared;
                return p + NLA_ALIGN(a->nla_len);
        }
        return NULL;
}

int vfinfo_parse(const struct nlmsghdr *nlh, struct vfinfo_reply *ret)
{
        struct vfinfo_reply r = {.num_vf = SRIOV_ABSENT};
        if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
                return -EBADMSG;
        r.ifindex = ((const struct ifinfomsg *)NLMSG_DATA(nlh))->ifi_index;
        const uint8_t *p = (const uint8_t *)NLMSG_DATA(nlh) + NLMSG_ALIGN(sizeof(struct ifinfomsg));
        const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;
        int err = 0;
        while (end - p >= NLA_HDRLEN) {
                const struct nlattr *a = (const struct nlattr *)p;
                if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
                        break;
                int type = a->nla_type & NLA_TYPE_MASK;
                if (type == IFLA_NUM_VF && nla_len(a) >= 4)
                        r.num_vf = *(const uint32_t *)nla_data(a);
                else if (type == IFLA_IFNAME && nla_len(a) > 0)
                        snprintf(r.ifname, sizeof(r.ifname), "%.*s", nla_len(a), (const char *)nla_data(a));
                else if (type == IFLA_PORT_SELF) {
                        int64_t vf;
                        vfinfo_parse_port(a, &r.port_self, &vf);
                        r.has_port_self = true;
                } else if (type == IFLA_VF_PORTS) {
                        const uint8_t *next = parse_vf_ports(&r, p, end, &err);
                        if (err < 0)
                                goto fail;
                        if (!next) {
                                r.ports_unread = true;
                                break;
                        }
                        p = next;
                        continue;
                }
                if (type != IFLA_VFINFO_LIST) {
                        p += NLA_ALIGN(a->nla_len);
                        continue;
                }
                const uint8_t *list = p + NLA_HDRLEN;
                const uint8_t *declared_end = p + a->nla_len;
                const uint8_t *q = walk_entries(&r, list, declared_end, false, &err);
                if (err < 0)
                        goto fail;
                if (r.num_vf == SRIOV_ABSENT || r.n_seen >= (size_t)r.num_vf) {
                        p += NLA_ALIGN(a->nla_len);
                        continue;
                }
                /* Fewer entries than IFLA_NUM_VF: the length wrapped. */
                r.wrapped = true;
                q = walk_entries(&r, q, end, true, &err);
                if (err < 0)
                        goto fail;
                size_t walked = (size_t)(q - list) + NLA_HDRLEN;
                if (r.n_seen == (size_t)r.num_vf && walked > a->nla_len &&
                    (walked - a->nla_len) % 65536 == 0) {
                        r.recovered = true;
                        p = q;
                        continue;
                }
                /* Unconfirmed: what follows cannot be told apart from VF
                 * entries, so it is not parsed at all. */
                r.ports_unread = true;
                break;
        }
        if (r.num_vf != SRIOV_ABSENT && (err = grow(&r, (size_t)r.num_vf)) < 0)
                goto fail;
        *ret = r;
        return 0;
fail:
        vfinfo_reply_done(&r);
        return err;
}

struct read_ctx {
        struct vfinfo_reply reply;
        bool got;
        int err;
};

static int on_link(const struct nlmsghdr *nlh, void *userdata)
{
        struct read_ctx *rc = userdata;
        if (nlh->nlmsg_type != RTM_NEWLINK || rc->got)
                return 0;
        rc->err = vfinfo_parse(nlh, &rc->reply);
        rc->got = rc->err == 0;
        return rc->err;
}

int vfinfo_read_index(struct sriov_ctx *ctx, const char *ifname, int ifindex, struct vfinfo_reply *ret)
{
        struct read_ctx rc = {0};
        int r = nl_getlink_vfs(ctx, ifname, ifindex, on_link, &rc);
        if (r < 0) {
                vfinfo_reply_done(&rc.reply);
                return ctx_fail(ctx, r, "RTM_GETLINK %s: %s", ifname, strerror(-r));
        }
        if (!rc.got)
                return ctx_fail(ctx, -EBADMSG, "RTM_GETLINK %s: no link in the kernel's reply", ifname);
        if (ifindex > 0 && rc.reply.ifindex != ifindex) {
                int got = rc.reply.ifindex;
                vfinfo_reply_done(&rc.reply);
                return ctx_fail(ctx, -EBADMSG, "RTM_GETLINK %s: asked about ifindex %d, the reply is about ifindex %d",
                                ifname, ifindex, got);
        }
        *ret = rc.reply;
        return 0;
}

int vfinfo_read(struct sriov_ctx *ctx, const char *ifname, struct vfinfo_reply *ret)
{
        return vfinfo_read_index(ctx, ifname, 0, ret);
}

int sriov_pf_read_vf_links(struct sriov_ctx *ctx, struct sriov_pf *pf)
{
        ctx_clear_error(ctx);
        if (!pf->netdevs || !pf->netdevs[0])
                return ctx_fail(ctx, -ENODEV, "%s has no network interface: VF settings are read "
                                              "through the PF's netdev",
                                pf->address);
        struct vfinfo_reply reply;
        int r = vfinfo_read(ctx, pf->netdevs[0], &reply);
        if (r < 0)
                return r;
        pf->netlink_num_vf = reply.num_vf;
        /* netdevsim's VFs are not PCI functions: they exist only here */
        if (reply.n > pf->n_vfs) {
                struct sriov_vf *vfs = realloc(pf->vfs, reply.n * sizeof(*vfs));
                if (!vfs) {
                        vfinfo_reply_done(&reply);
                        return -ENOMEM;
                }
                for (size_t i = pf->n_vfs; i < reply.n; i++)
                        vfs[i] = (struct sriov_vf){.index = (unsigned)i, .iommu_group = SRIOV_ABSENT};
                pf->vfs = vfs;
                pf->n_vfs = reply.n;
        }
        _cleanup_free_ char *missing = NULL;
        size_t n_missing = 0;
        for (size_t i = 0; i < pf->n_vfs; i++) {
                struct sriov_vf *vf = &pf->vfs[i];
                if (i < reply.n && reply.seen[i]) {
                        vf->has_link = true;
                        vf->link = reply.vfs[i];
                        continue;
                }
                n_missing++;
                /* name runs of VFs as "34-255" */
                size_t j = i;
                while (j + 1 < pf->n_vfs && !(j + 1 < reply.n && reply.seen[j + 1]))
                        j++;
                char *m;
                int n = j > i ? asprintf(&m, "%s%s%zu-%zu", missing ? missing : "", missing ? "," : "", i, j)
                              : asprintf(&m, "%s%s%zu", missing ? missing : "", missing ? "," : "", i);
                if (n < 0)
                        break;
                n_missing += j - i;
                free(missing);
                missing = m;
                i = j;
        }
        if (n_missing)
                (void)strv_pushf(&pf->warnings,
                                 "%s: the kernel's RTM_NEWLINK for %s did not carry the settings of "
                                 "%zu of %zu VFs (VF %s)%s; those are shown from sysfs only",
                                 pf->address, pf->netdevs[0], n_missing, pf->n_vfs, missing,
                                 reply.wrapped ? ": IFLA_VFINFO_LIST's 16-bit length wrapped" : "");
        else if (reply.recovered)
                (void)strv_pushf(&pf->warnings,
                                 "%s: IFLA_VFINFO_LIST of %s wrapped its 16-bit length at %" PRId64
                                 " VFs; all entries were read past the declared length "
                                 "(ip(8) shows a short list here)",
                                 pf->address, pf->netdevs[0], reply.num_vf);
        vfinfo_reply_done(&reply);
        return 0;
}

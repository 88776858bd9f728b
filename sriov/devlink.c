/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devlink's messages: a device's eswitch (get; set the mode) and the port
 * dump, built and parsed with libnl-genl, sent through genl.c's transport.
 * Attributes as the kernel's devlink.c (6.1) puts them: the handle
 * (DEVLINK_ATTR_BUS_NAME, DEVLINK_ATTR_DEV_NAME) in every message, the
 * eswitch mode as u16, inline and encap modes as u8, a port's flavour u16,
 * PF/VF numbers u16, controller u32, netdev ifindex u32 and name string. */
#include <linux/devlink.h>
#include <string.h>

#include "devlink.h"
#include "genl.h"

static struct nla_policy policy[DEVLINK_ATTR_MAX + 1] = {
        [DEVLINK_ATTR_BUS_NAME] = {.type = NLA_STRING},
        [DEVLINK_ATTR_DEV_NAME] = {.type = NLA_STRING},
        [DEVLINK_ATTR_ESWITCH_MODE] = {.type = NLA_U16},
        [DEVLINK_ATTR_ESWITCH_INLINE_MODE] = {.type = NLA_U8},
        [DEVLINK_ATTR_ESWITCH_ENCAP_MODE] = {.type = NLA_U8},
        [DEVLINK_ATTR_PORT_INDEX] = {.type = NLA_U32},
        [DEVLINK_ATTR_PORT_FLAVOUR] = {.type = NLA_U16},
        [DEVLINK_ATTR_PORT_PCI_PF_NUMBER] = {.type = NLA_U16},
        [DEVLINK_ATTR_PORT_PCI_VF_NUMBER] = {.type = NLA_U16},
        [DEVLINK_ATTR_PORT_CONTROLLER_NUMBER] = {.type = NLA_U32},
        [DEVLINK_ATTR_PORT_EXTERNAL] = {.type = NLA_U8},
        [DEVLINK_ATTR_PORT_NUMBER] = {.type = NLA_U32},
        [DEVLINK_ATTR_PORT_NETDEV_IFINDEX] = {.type = NLA_U32},
        [DEVLINK_ATTR_PORT_NETDEV_NAME] = {.type = NLA_STRING, .maxlen = IFNAMSIZ},
};

/* The attributes of one devlink reply, checked against the policy; the
 * handle must be there. */
static int parse(const struct nlmsghdr *nlh, struct nlattr *tb[DEVLINK_ATTR_MAX + 1])
{
        if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, DEVLINK_ATTR_MAX, policy) < 0 ||
            !tb[DEVLINK_ATTR_BUS_NAME] || !tb[DEVLINK_ATTR_DEV_NAME])
                return -EBADMSG;
        return 0;
}

/* Names the device and the request in the context's message: before the
 * kernel's extended-ack text when there is one, else with strerror. */
static int fail(struct sriov_ctx *ctx, int r, const char *bus, const char *dev, const char *what)
{
        if (!bus)
                bus = dev = "*";
        if (ctx->error) {
                ctx_error_prefix(ctx, "devlink %s/%s: %s", bus, dev, what);
                return r;
        }
        return ctx_fail(ctx, r, "devlink %s/%s: %s: %s", bus, dev, what, strerror(-r));
}

/* A request of cmd for the device bus/dev (NULL bus: no handle, a dump). */
static int request(struct sriov_ctx *ctx, uint8_t cmd, int flags, const char *bus, const char *dev,
                   struct nl_msg **ret)
{
        uint16_t family;
        int r = genl_family(ctx, DEVLINK_GENL_NAME, &family);
        if (r < 0)
                return r;
        struct nl_msg *msg = genl_request_new(family, cmd, flags);
        if (!msg)
                return -ENOMEM;
        if (bus && (nla_put_string(msg, DEVLINK_ATTR_BUS_NAME, bus) < 0 ||
                    nla_put_string(msg, DEVLINK_ATTR_DEV_NAME, dev) < 0)) {
                nlmsg_free(msg);
                return -ENOMEM;
        }
        *ret = msg;
        return 0;
}

int devlink_eswitch_parse(const struct nlmsghdr *nlh, struct devlink_eswitch *ret)
{
        struct nlattr *tb[DEVLINK_ATTR_MAX + 1];
        if (parse(nlh, tb) < 0)
                return -EBADMSG;
        struct devlink_eswitch e = {0};
        if (tb[DEVLINK_ATTR_ESWITCH_MODE]) {
                e.present |= DEVLINK_ESW_F_MODE;
                e.mode = nla_get_u16(tb[DEVLINK_ATTR_ESWITCH_MODE]);
        }
        if (tb[DEVLINK_ATTR_ESWITCH_INLINE_MODE]) {
                e.present |= DEVLINK_ESW_F_INLINE;
                e.inline_mode = nla_get_u8(tb[DEVLINK_ATTR_ESWITCH_INLINE_MODE]);
        }
        if (tb[DEVLINK_ATTR_ESWITCH_ENCAP_MODE]) {
                e.present |= DEVLINK_ESW_F_ENCAP;
                e.encap_mode = nla_get_u8(tb[DEVLINK_ATTR_ESWITCH_ENCAP_MODE]);
        }
        *ret = e;
        return 0;
}

struct eswitch_reply {
        struct devlink_eswitch e;
        bool got;
};

static int eswitch_reply(const struct nlmsghdr *nlh, void *userdata)
{
        struct eswitch_reply *r = userdata;
        if (devlink_eswitch_parse(nlh, &r->e) < 0)
                return -EBADMSG;
        r->got = true;
        return 0;
}

int devlink_eswitch_get(struct sriov_ctx *ctx, const char *bus, const char *dev, struct devlink_eswitch *ret)
{
        struct nl_msg *msg;
        int r = request(ctx, DEVLINK_CMD_ESWITCH_GET, 0, bus, dev, &msg);
        if (r < 0)
                return r == -ENOMEM ? r : fail(ctx, r, bus, dev, "eswitch");
        struct eswitch_reply reply = {0};
        r = genl_transact(ctx, msg, eswitch_reply, &reply);
        nlmsg_free(msg);
        if (r == -EBADMSG)
                return ctx_fail(ctx, r, "devlink %s/%s: malformed eswitch answer", bus, dev);
        if (r < 0)
                return fail(ctx, r, bus, dev, "eswitch");
        if (!reply.got)
                return ctx_fail(ctx, -EBADMSG, "devlink %s/%s: no eswitch answer before the ack", bus, dev);
        *ret = reply.e;
        return 0;
}

int devlink_eswitch_set(struct sriov_ctx *ctx, const char *bus, const char *dev, const struct devlink_eswitch *e)
{
        struct nl_msg *msg;
        int r = request(ctx, DEVLINK_CMD_ESWITCH_SET, 0, bus, dev, &msg);
        if (r < 0)
                return r == -ENOMEM ? r : fail(ctx, r, bus, dev, "eswitch set");
        if (((e->present & DEVLINK_ESW_F_MODE) && nla_put_u16(msg, DEVLINK_ATTR_ESWITCH_MODE, e->mode) < 0) ||
            ((e->present & DEVLINK_ESW_F_INLINE) &&
             nla_put_u8(msg, DEVLINK_ATTR_ESWITCH_INLINE_MODE, e->inline_mode) < 0) ||
            ((e->present & DEVLINK_ESW_F_ENCAP) && nla_put_u8(msg, DEVLINK_ATTR_ESWITCH_ENCAP_MODE, e->encap_mode) < 0))
                r = -ENOMEM;
        else
                r = genl_transact(ctx, msg, NULL, NULL);
        nlmsg_free(msg);
        if (r < 0)
                return fail(ctx, r, bus, dev, "eswitch set");
        return 0;
}

int devlink_eswitch_set_mode(struct sriov_ctx *ctx, const char *bus, const char *dev, uint16_t mode)
{
        const struct devlink_eswitch e = {.present = DEVLINK_ESW_F_MODE, .mode = mode};
        return devlink_eswitch_set(ctx, bus, dev, &e);
}

int devlink_port_parse(const struct nlmsghdr *nlh, struct devlink_port *ret)
{
        struct nlattr *tb[DEVLINK_ATTR_MAX + 1];
        if (parse(nlh, tb) < 0 || !tb[DEVLINK_ATTR_PORT_INDEX])
                return -EBADMSG;
        struct devlink_port p = {.index = nla_get_u32(tb[DEVLINK_ATTR_PORT_INDEX])};
        if (tb[DEVLINK_ATTR_PORT_FLAVOUR]) {
                p.present |= DEVLINK_PORT_F_FLAVOUR;
                p.flavour = nla_get_u16(tb[DEVLINK_ATTR_PORT_FLAVOUR]);
        }
        if (tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER]) {
                p.present |= DEVLINK_PORT_F_PF;
                p.pf = nla_get_u16(tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER]);
        }
        if (tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER]) {
                p.present |= DEVLINK_PORT_F_VF;
                p.vf = nla_get_u16(tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER]);
        }
        if (tb[DEVLINK_ATTR_PORT_CONTROLLER_NUMBER]) {
                p.present |= DEVLINK_PORT_F_CONTROLLER;
                p.controller = nla_get_u32(tb[DEVLINK_ATTR_PORT_CONTROLLER_NUMBER]);
        }
        if (tb[DEVLINK_ATTR_PORT_EXTERNAL])
                p.external = nla_get_u8(tb[DEVLINK_ATTR_PORT_EXTERNAL]) != 0;
        if (tb[DEVLINK_ATTR_PORT_NUMBER]) {
                p.present |= DEVLINK_PORT_F_NUMBER;
                p.number = nla_get_u32(tb[DEVLINK_ATTR_PORT_NUMBER]);
        }
        /* the kernel sends both or neither (and neither for a netdev in
         * another network namespace) */
        if (tb[DEVLINK_ATTR_PORT_NETDEV_IFINDEX] && tb[DEVLINK_ATTR_PORT_NETDEV_NAME]) {
                const char *name = nla_get_string(tb[DEVLINK_ATTR_PORT_NETDEV_NAME]);
                if (!name[0] || strlen(name) >= sizeof(p.netdev))
                        return -EBADMSG;
                p.present |= DEVLINK_PORT_F_NETDEV;
                p.ifindex = nla_get_u32(tb[DEVLINK_ATTR_PORT_NETDEV_IFINDEX]);
                memcpy(p.netdev, name, strlen(name) + 1);
        }
        p.bus = strdup(nla_get_string(tb[DEVLINK_ATTR_BUS_NAME]));
        p.dev = strdup(nla_get_string(tb[DEVLINK_ATTR_DEV_NAME]));
        if (!p.bus || !p.dev) {
                free(p.bus);
                free(p.dev);
                return -ENOMEM;
        }
        *ret = p;
        return 0;
}

struct port_list {
        struct devlink_port *v;
        size_t n;
};

static int port_reply(const struct nlmsghdr *nlh, void *userdata)
{
        struct port_list *l = userdata;
        struct devlink_port *v = realloc(l->v, (l->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        l->v = v;
        int r = devlink_port_parse(nlh, &v[l->n]);
        if (r < 0)
                return r;
        l->n++;
        return 0;
}

void devlink_ports_free(struct devlink_port *p, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(p[i].bus);
                free(p[i].dev);
        }
        free(p);
}

int devlink_port_dump(struct sriov_ctx *ctx, struct devlink_port **ret, size_t *ret_n)
{
        struct nl_msg *msg;
        int r = request(ctx, DEVLINK_CMD_PORT_GET, NLM_F_DUMP, NULL, NULL, &msg);
        if (r < 0)
                return r == -ENOMEM ? r : fail(ctx, r, NULL, NULL, "port dump");
        struct port_list l = {0};
        r = genl_transact(ctx, msg, port_reply, &l);
        nlmsg_free(msg);
        if (r < 0) {
                devlink_ports_free(l.v, l.n);
                if (r == -EBADMSG)
                        return ctx_fail(ctx, r, "devlink port dump: malformed port message");
                return fail(ctx, r, NULL, NULL, "port dump");
        }
        *ret = l.v;
        *ret_n = l.n;
        return 0;
}

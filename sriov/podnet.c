/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A pod's VF netdev across network namespaces: moved into the
 * pod's netns and renamed in one RTM_SETLINK (IFLA_NET_NS_FD + IFLA_IFNAME:
 * the kernel closes the device, moves it and gives it the name), brought
 * back the same way. Requests inside the netns go over a second context
 * whose socket was opened there: a netlink socket stays in the namespace
 * it was created in, so the process enters the netns only for that
 * socket() and leaves at once. Every errno is the kernel's. */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sched.h>
#include <string.h>

#include "nl.h"
#include "podnet.h"
#include "vfcfg.h"

#define WAIT_HOME_STEP_MS 20

static void ctx_freep(struct sriov_ctx **c)
{
        if (*c)
                sriov_ctx_free(*c);
}
#define _cleanup_ctx_ _cleanup_(ctx_freep)

/* Words a failure once: prefix the transport's message, or say the errno. */
static int failed(struct sriov_ctx *ctx, int r, const char *what)
{
        if (*sriov_ctx_error(ctx))
                ctx_error_prefix(ctx, "%s", what);
        else
                ctx_fail(ctx, r, "%s: %s", what, strerror(-r));
        return r;
}

/* A context whose rtnetlink socket lives in the netns at `path`. */
static int ns_ctx_open(struct sriov_ctx *ctx, const char *path, struct sriov_ctx **ret)
{
        _cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return ctx_fail(ctx, -errno, "/proc/self/ns/net: %s", strerror(errno));
        /* O_NONBLOCK: a FIFO at that path must not hang the lock holder */
        _cleanup_close_ int target = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (target < 0)
                return ctx_fail(ctx, -errno, "network namespace %s: %s", path, strerror(errno));
        _cleanup_ctx_ struct sriov_ctx *n = NULL;
        int r = sriov_ctx_new(&n);
        if (r < 0)
                return r;
        if (setns(target, CLONE_NEWNET) < 0)
                return ctx_fail(ctx, -errno, "entering network namespace %s: %s", path, strerror(errno));
        r = nl_open(n);
        /* back before anything else: the rest of the process works in the host */
        if (setns(self, CLONE_NEWNET) < 0)
                abort(); /* going on would change the pod's devices as if they were the
                          * host's; a pending record is rolled back by the next call */
        if (r < 0)
                return ctx_fail(ctx, r, "rtnetlink socket in %s: %s", path, sriov_ctx_error(n));
        *ret = TAKE_PTR(n);
        return 0;
}

/* RTM_SETLINK of ifindex; flags/change as in ifinfomsg. */
static struct nl_msg *setlink_msg(int ifindex, unsigned flags, unsigned change)
{
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = flags,
                                .ifi_change = change};
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_SETLINK, 0);
        if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
                nlmsg_free(msg);
                return NULL;
        }
        return msg;
}

static int send_free(struct sriov_ctx *ctx, struct nl_msg *msg, int put_failed)
{
        if (!msg || put_failed < 0) {
                nlmsg_free(msg);
                return -ENOMEM;
        }
        int r = nl_transact(ctx, msg, NULL, NULL);
        nlmsg_free(msg);
        return r;
}

static int link_reply(const struct nlmsghdr *nlh, void *userdata)
{
        struct podnet_link *l = userdata;
        if (nlh->nlmsg_type != RTM_NEWLINK)
                return 0;
        const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
        struct nlattr *tb[IFLA_MAX + 1];
        if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
                return -EBADMSG;
        l->ifindex = ifi->ifi_index;
        if (tb[IFLA_IFNAME] && nla_len(tb[IFLA_IFNAME]) > 0)
                snprintf(l->name, sizeof(l->name), "%.*s", nla_len(tb[IFLA_IFNAME]),
                         (const char *)nla_data(tb[IFLA_IFNAME]));
        if (tb[IFLA_MTU] && nla_len(tb[IFLA_MTU]) >= 4)
                l->mtu = nla_get_u32(tb[IFLA_MTU]);
        if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6)
                memcpy(l->mac, nla_data(tb[IFLA_ADDRESS]), 6);
        if (tb[IFLA_PARENT_DEV_NAME] && nla_len(tb[IFLA_PARENT_DEV_NAME]) > 0)
                snprintf(l->parent, sizeof(l->parent), "%.*s", nla_len(tb[IFLA_PARENT_DEV_NAME]),
                         (const char *)nla_data(tb[IFLA_PARENT_DEV_NAME]));
        return 0;
}

/* RTM_GETLINK by name over nctx; -ENODEV (no message) when absent. */
static int getlink(struct sriov_ctx *nctx, const char *ifname, struct podnet_link *ret)
{
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
        if (!msg)
                return -ENOMEM;
        struct podnet_link l = {0};
        int r = -ENOMEM;
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
            nla_put_string(msg, IFLA_IFNAME, ifname) == 0 &&
            nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) == 0)
                r = nl_transact(nctx, msg, link_reply, &l);
        nlmsg_free(msg);
        if (r == 0 && l.ifindex <= 0)
                r = -ENODEV;
        if (r < 0)
                return r;
        *ret = l;
        return 0;
}

struct link_search {
        const char *parent, *ifname;
        bool any_parent; /* the kernel names parent devices (5.16 on) */
        struct podnet_link by_parent, by_name;
};

static int search_reply(const struct nlmsghdr *nlh, void *userdata)
{
        struct link_search *s = userdata;
        struct podnet_link l = {0};
        int r = link_reply(nlh, &l);
        if (r < 0 || l.ifindex <= 0)
                return r;
        s->any_parent |= l.parent[0] != 0;
        if (strcmp(l.parent, s->parent) == 0)
                s->by_parent = l;
        else if (strcmp(l.name, s->ifname) == 0)
                s->by_name = l;
        return 0;
}

/* The VF's netdev among nctx's links: the one whose parent device is the
 * VF, whatever the pod renamed it to; by name only where no link names a
 * parent device (a kernel before 5.16). -ENODEV when none. */
static int find_vf_link(struct sriov_ctx *nctx, const char *vf_address, const char *ifname, struct podnet_link *ret)
{
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
        if (!msg)
                return -ENOMEM;
        struct link_search s = {.parent = vf_address, .ifname = ifname};
        int r = -ENOMEM;
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
            nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) == 0)
                r = nl_transact(nctx, msg, search_reply, &s);
        nlmsg_free(msg);
        if (r < 0)
                return r;
        if (s.by_parent.ifindex > 0)
                *ret = s.by_parent;
        else if (!s.any_parent && s.by_name.ifindex > 0)
                *ret = s.by_name;
        else
                return -ENODEV;
        return 0;
}

void podnet_host_netdev(struct sriov_ctx *ctx, const char *addr, char buf[static SRIOV_IFNAME_MAX])
{
        char p[64];
        snprintf(p, sizeof(p), "bus/pci/devices/%s/net", addr);
        _cleanup_strv_free_ char **names = NULL;
        buf[0] = 0;
        /* none is an answer, not a failure: keep an earlier step's message
         * (undo_rec goes on after a failed step) */
        bool had_error = *sriov_ctx_error(ctx);
        /* sysfs shows the netdevs of the namespace it was mounted in: the host's */
        if (sysfs_list(ctx, p, NULL, &names) == 0 && names[0])
                snprintf(buf, SRIOV_IFNAME_MAX, "%s", names[0]);
        if (!had_error)
                ctx_clear_error(ctx);
}

static int host_ifindex(struct sriov_ctx *ctx, const char *ifname, int *ret)
{
        char p[64];
        snprintf(p, sizeof(p), "class/net/%s/ifindex", ifname);
        uint64_t v;
        int r = sysfs_read_u64(ctx, p, 10, INT32_MAX, &v);
        if (r < 0)
                return r;
        *ret = (int)v;
        return 0;
}

int podnet_host_link(struct sriov_ctx *ctx, const char *ifname, uint8_t mac[6], uint32_t *mtu)
{
        char p[64];
        _cleanup_free_ char *s = NULL;
        snprintf(p, sizeof(p), "class/net/%s/address", ifname);
        int r = sysfs_read_line(ctx, p, &s);
        if (r < 0)
                return r;
        if (vf_mac_parse(s, mac) < 0)
                return ctx_fail(ctx, -EINVAL, "%s: address '%s' is not a MAC", p, s);
        uint64_t v;
        snprintf(p, sizeof(p), "class/net/%s/mtu", ifname);
        if ((r = sysfs_read_u64(ctx, p, 10, UINT32_MAX, &v)) < 0)
                return r;
        *mtu = (uint32_t)v;
        return 0;
}

static bool host_shows_mac(struct sriov_ctx *ctx, const char *addr, const uint8_t mac[6],
                           char nd[static SRIOV_IFNAME_MAX])
{
        uint8_t cur[6];
        uint32_t mtu;
        podnet_host_netdev(ctx, addr, nd);
        bool ok = nd[0] && podnet_host_link(ctx, nd, cur, &mtu) == 0 && memcmp(cur, mac, 6) == 0;
        ctx_clear_error(ctx);
        return ok;
}

int podnet_take_mac(struct sriov_ctx *ctx, const char *addr, const uint8_t mac[6], unsigned timeout_ms,
                    char nd[static SRIOV_IFNAME_MAX])
{
        if (host_shows_mac(ctx, addr, mac, nd))
                return 0;
        int ifindex;
        if (nd[0] && host_ifindex(ctx, nd, &ifindex) == 0) {
                struct nl_msg *msg = setlink_msg(ifindex, 0, 0);
                int r = send_free(ctx, msg, msg ? nla_put(msg, IFLA_ADDRESS, 6, mac) : 0);
                ctx_clear_error(ctx); /* refused: the rebind below is the answer */
                if (r == 0 && host_shows_mac(ctx, addr, mac, nd))
                        return 0;
        }
        ctx_clear_error(ctx);
        int r = pci_rebind(ctx, addr, timeout_ms);
        if (r < 0)
                return r;
        int64_t deadline = monotonic_ms() + timeout_ms;
        while (!host_shows_mac(ctx, addr, mac, nd)) {
                if (monotonic_ms() >= deadline) {
                        char m[18];
                        sriov_format_mac(mac, m);
                        return ctx_fail(ctx, -ETIMEDOUT,
                                        "VF %s: its netdev %s does not show the MAC %s %u ms after its driver "
                                        "was rebound", addr, nd[0] ? nd : "(none)", m, timeout_ms);
                }
                sleep_ms(WAIT_HOME_STEP_MS);
        }
        return 0;
}

int podnet_move_in(struct sriov_ctx *ctx, const char *host_ifname, const char *netns, const char *ifname,
                   uint32_t mtu, struct sriov_pod_iface *io)
{
        int ifindex, r;
        if ((r = host_ifindex(ctx, host_ifname, &ifindex)) < 0)
                return r;
        _cleanup_close_ int nsfd = open(netns, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (nsfd < 0)
                return ctx_fail(ctx, -errno, "network namespace %s: %s", netns, strerror(errno));
        char what[160];
        struct nl_msg *msg = setlink_msg(ifindex, 0, 0);
        r = send_free(ctx, msg,
                      msg ? nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)nsfd) | nla_put_string(msg, IFLA_IFNAME, ifname)
                          : 0);
        if (r == -EEXIST)
                /* the pod's own interface: not a VF in use (EEXIST is that) */
                return ctx_fail(ctx, -ENOTUNIQ, "moving %s into %s: %s exists there already", host_ifname, netns,
                                ifname);
        if (r < 0) {
                snprintf(what, sizeof(what), "moving %s into %s as %s", host_ifname, netns, ifname);
                return failed(ctx, r, what);
        }
        _cleanup_ctx_ struct sriov_ctx *n = NULL;
        if ((r = ns_ctx_open(ctx, netns, &n)) < 0)
                return r;
        struct podnet_link l;
        if ((r = getlink(n, ifname, &l)) < 0)
                return ctx_fail(ctx, r, "%s in %s after the move: %s", ifname, netns, strerror(-r));
        if (mtu && l.mtu != mtu) {
                msg = setlink_msg(l.ifindex, 0, 0);
                if ((r = send_free(n, msg, msg ? nla_put_u32(msg, IFLA_MTU, mtu) : 0)) < 0)
                        return ctx_fail(ctx, r, "%s in %s: mtu %u: %s%s%s", ifname, netns, mtu, strerror(-r),
                                        *sriov_ctx_error(n) ? ": " : "", sriov_ctx_error(n));
                l.mtu = mtu;
        }
        msg = setlink_msg(l.ifindex, IFF_UP, IFF_UP);
        if ((r = send_free(n, msg, 0)) < 0)
                return ctx_fail(ctx, r, "%s in %s: up: %s", ifname, netns, strerror(-r));
        snprintf(io->ifname, sizeof(io->ifname), "%s", ifname);
        io->ifindex = l.ifindex;
        memcpy(io->mac, l.mac, 6);
        io->has_mac = true;
        io->mtu = l.mtu;
        return 0;
}

/* Down and renamed in the host namespace (a netdev must be down to be
 * renamed). */
static int host_rename(struct sriov_ctx *ctx, const char *from, const char *to)
{
        int ifindex, r;
        if ((r = host_ifindex(ctx, from, &ifindex)) < 0)
                return r;
        struct nl_msg *msg = setlink_msg(ifindex, 0, IFF_UP);
        if ((r = send_free(ctx, msg, 0)) < 0)
                return failed(ctx, r, "setting it down before the rename");
        msg = setlink_msg(ifindex, 0, 0);
        return send_free(ctx, msg, msg ? nla_put_string(msg, IFLA_IFNAME, to) : 0);
}

/* Renamed back to `home` in the host namespace. A name taken meanwhile
 * (another netdev is called `home` now) is not a failure: the VF is home
 * all the same, under the name it has, and the record goes; a DEL that
 * failed on it would be retried by the runtime forever. */
static int rename_home(struct sriov_ctx *ctx, const char *vf_address, const char *from, const char *home)
{
        int r = host_rename(ctx, from, home);
        if (r == -EEXIST) {
                ctx_clear_error(ctx);
                ctx_notice(ctx, "VF %s: the host has another netdev named %s now: the VF's netdev stays %s", vf_address,
                           home, from);
                return 0;
        }
        return r;
}

/* The move home failed with EEXIST: its name is another netdev's in the
 * host now. The kernel moves a netdev under its current name and renames
 * it after: when that name was free the VF is in the host already (under
 * its pod name); else it is still in the pod's netns and goes home under a
 * name the kernel picks, as it does for a netns that goes away (dev%d). */
static int return_name_taken(struct sriov_ctx *ctx, struct sriov_ctx *n, const struct podnet_link *l, int self,
                             const char *vf_address, const char *home)
{
        ctx_clear_error(n);
        char nd[SRIOV_IFNAME_MAX];
        podnet_host_netdev(ctx, vf_address, nd);
        if (!nd[0]) {
                struct nl_msg *msg = setlink_msg(l->ifindex, 0, 0);
                int r = send_free(n, msg,
                                  msg ? nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)self) |
                                                nla_put_string(msg, IFLA_IFNAME, "dev%d")
                                      : 0);
                if (r < 0)
                        return r;
                podnet_host_netdev(ctx, vf_address, nd);
        }
        ctx_notice(ctx, "VF %s: the host has another netdev named %s now: the VF's netdev is back as %s", vf_address,
                   home, nd[0] ? nd : "(none)");
        return 0;
}

int podnet_return(struct sriov_ctx *ctx, const struct sriov_allocation *a, unsigned timeout_ms)
{
        const char *home = a->netdev;
        char what[200], nd[SRIOV_IFNAME_MAX];
        snprintf(what, sizeof(what), "VF %s: its netdev %s in %s back to the host as %s", a->vf_address,
                 a->pod.ifname, a->pod.netns ? a->pod.netns : "(no netns)", home);
        /* in the host already (never moved in, or home again): its name only;
         * the pod's netns is not looked at (an interface of the pod's own
         * under the recorded name is the pod's) */
        podnet_host_netdev(ctx, a->vf_address, nd);
        if (!nd[0]) {
                _cleanup_ctx_ struct sriov_ctx *n = NULL;
                int r = a->pod.netns ? ns_ctx_open(ctx, a->pod.netns, &n) : -ENOENT;
                bool ns_gone = r < 0;
                ctx_clear_error(ctx);
                struct podnet_link l;
                r = n ? find_vf_link(n, a->vf_address, a->pod.ifname, &l) : -ENODEV;
                if (r == 0) {
                        /* in the pod's netns: one RTM_SETLINK moves and renames it */
                        _cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
                        if (self < 0)
                                return ctx_fail(ctx, -errno, "%s: /proc/self/ns/net: %s", what, strerror(errno));
                        struct nl_msg *msg = setlink_msg(l.ifindex, 0, 0);
                        r = send_free(n, msg,
                                      msg ? nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)self) |
                                                    nla_put_string(msg, IFLA_IFNAME, home)
                                          : 0);
                        if (r == -EEXIST)
                                r = return_name_taken(ctx, n, &l, self, a->vf_address, home);
                }
                if (r < 0 && r != -ENODEV)
                        return ctx_fail(ctx, r, "%s: %s%s%s", what, strerror(-r), *sriov_ctx_error(n) ? ": " : "",
                                        sriov_ctx_error(n));
                if (r == 0)
                        return 0;
                /* not in the netns: on its way home from a netns being
                 * destroyed (cleanup_net runs in a workqueue) */
                int64_t deadline = monotonic_ms() + (ns_gone ? timeout_ms : 0);
                for (;;) {
                        podnet_host_netdev(ctx, a->vf_address, nd);
                        if (nd[0] || monotonic_ms() >= deadline)
                                break;
                        sleep_ms(WAIT_HOME_STEP_MS);
                }
                char p[64];
                snprintf(p, sizeof(p), "bus/pci/devices/%s/net", a->vf_address);
                /* the VF still has a netdev (its net/ directory exists) but in
                 * no namespace this call sees: dropping the record now would
                 * hand out a VF that is still inside */
                if (!nd[0] && ns_gone && sysfs_exists(ctx, p))
                        return ctx_fail(ctx, -EAGAIN,
                                        "VF %s: its netdev is still in a network namespace: %s was removed, but a "
                                        "process still holds the namespace; DEL again once it has ended (the "
                                        "record is kept)",
                                        a->vf_address, a->pod.netns ? a->pod.netns : "the netns");
                if (!nd[0] && sysfs_exists(ctx, p))
                        return ctx_fail(ctx, -EAGAIN,
                                        "VF %s: its netdev is neither in %s nor in the host namespace: the pod moved "
                                        "it into another network namespace; DEL again once it is back or that "
                                        "namespace has ended (the record is kept)",
                                        a->vf_address, a->pod.netns);
                if (!nd[0]) {
                        ctx_notice(ctx, "VF %s: its netdev is neither in %s as %s nor in the host namespace%s: only "
                                        "its settings are put back",
                                   a->vf_address, a->pod.netns ? a->pod.netns : "the netns", a->pod.ifname,
                                   ns_gone ? " (waited for it)" : "");
                        return 0;
                }
        }
        if (strcmp(nd, home) == 0)
                return 0;
        int r = rename_home(ctx, a->vf_address, nd, home);
        if (r < 0) {
                snprintf(what, sizeof(what), "VF %s: renaming its netdev %s back to %s", a->vf_address, nd, home);
                return failed(ctx, r, what);
        }
        return 0;
}

/* Sets a host netdev's own MAC and reads it back: 0, or the errno (a VF
 * driver whose PF refused it may return 0 and keep its old MAC: -EIO). */
static int host_set_mac(struct sriov_ctx *ctx, const char *nd, const uint8_t want[6])
{
        int ifindex, r;
        if ((r = host_ifindex(ctx, nd, &ifindex)) < 0)
                return r;
        struct nl_msg *msg = setlink_msg(ifindex, 0, 0);
        if ((r = send_free(ctx, msg, msg ? nla_put(msg, IFLA_ADDRESS, 6, want) : 0)) < 0)
                return r;
        uint8_t mac[6];
        uint32_t mtu;
        if ((r = podnet_host_link(ctx, nd, mac, &mtu)) < 0)
                return r;
        return memcmp(mac, want, 6) == 0 ? 0 : -EIO;
}

/* The VF's netdev in the host namespace after a rebind, named `home`. */
static int rebound_netdev(struct sriov_ctx *ctx, const struct sriov_allocation *a, unsigned timeout_ms,
                          char nd[static SRIOV_IFNAME_MAX])
{
        int r = pci_rebind(ctx, a->vf_address, timeout_ms);
        if (r < 0)
                return r;
        int64_t deadline = monotonic_ms() + timeout_ms;
        for (podnet_host_netdev(ctx, a->vf_address, nd); !nd[0]; podnet_host_netdev(ctx, a->vf_address, nd)) {
                if (monotonic_ms() >= deadline)
                        return ctx_fail(ctx, -ETIMEDOUT, "VF %s: no netdev %u ms after its driver was rebound",
                                        a->vf_address, timeout_ms);
                sleep_ms(WAIT_HOME_STEP_MS);
        }
        if (strcmp(nd, a->netdev) != 0) {
                if ((r = rename_home(ctx, a->vf_address, nd, a->netdev)) < 0)
                        return r;
                podnet_host_netdev(ctx, a->vf_address, nd);
        }
        return 0;
}

int podnet_reset(struct sriov_ctx *ctx, const struct sriov_allocation *a, unsigned timeout_ms)
{
        if (!a->pod.netdev_mtu)
                return 0;
        char nd[SRIOV_IFNAME_MAX];
        podnet_host_netdev(ctx, a->vf_address, nd);
        if (!nd[0])
                return 0; /* no netdev (podnet_return said so) */
        uint8_t mac[6];
        uint32_t mtu;
        int ifindex, r;
        char what[96], m[18];
        if ((r = podnet_host_link(ctx, nd, mac, &mtu)) < 0)
                return r;
        /* the MAC first: a rebind below resets the MTU */
        if (memcmp(mac, a->pod.netdev_mac, 6) != 0 && (r = host_set_mac(ctx, nd, a->pod.netdev_mac)) < 0) {
                /* igb refuses a VF's own MAC (EADDRNOTAVAIL from igbvf) until
                 * the VF driver has reset its mailbox after the admin MAC went
                 * away; bound again, igbvf does, and then takes it */
                bool had_error = *sriov_ctx_error(ctx);
                if (!had_error)
                        ctx_clear_error(ctx);
                if ((r = rebound_netdev(ctx, a, timeout_ms, nd)) == 0)
                        r = host_set_mac(ctx, nd, a->pod.netdev_mac);
                if (r < 0) {
                        sriov_format_mac(a->pod.netdev_mac, m);
                        snprintf(what, sizeof(what), "%s: its MAC back to %s (also after rebinding its driver)", nd,
                                 m);
                        return failed(ctx, r, what);
                }
                if ((r = podnet_host_link(ctx, nd, mac, &mtu)) < 0)
                        return r;
        }
        if (mtu != a->pod.netdev_mtu) {
                if ((r = host_ifindex(ctx, nd, &ifindex)) < 0)
                        return r;
                struct nl_msg *msg = setlink_msg(ifindex, 0, 0);
                if ((r = send_free(ctx, msg, msg ? nla_put_u32(msg, IFLA_MTU, a->pod.netdev_mtu) : 0)) < 0) {
                        snprintf(what, sizeof(what), "%s: mtu %u", nd, a->pod.netdev_mtu);
                        return failed(ctx, r, what);
                }
        }
        return 0;
}

int podnet_probe(struct sriov_ctx *ctx, const char *netns, const char *ifname, struct podnet_link *ret)
{
        _cleanup_ctx_ struct sriov_ctx *n = NULL;
        int r = ns_ctx_open(ctx, netns, &n);
        if (r < 0)
                return r;
        if ((r = getlink(n, ifname, ret)) < 0)
                return ctx_fail(ctx, r, "%s in %s: %s", ifname, netns, strerror(-r));
        return 0;
}

/* ---- IP configuration in a netns (the plugin's IPAM results) ----------- */

static size_t addr_len(int family) { return family == AF_INET6 ? 16 : 4; }

int sriov_netns_addr_add(struct sriov_ctx *ctx, const char *netns, int ifindex, int family, const uint8_t *addr,
                         unsigned prefix)
{
        ctx_clear_error(ctx);
        if ((family != AF_INET && family != AF_INET6) || prefix > addr_len(family) * 8)
                return ctx_fail(ctx, -EINVAL, "address family %d / prefix %u", family, prefix);
        _cleanup_ctx_ struct sriov_ctx *n = NULL;
        int r = ns_ctx_open(ctx, netns, &n);
        if (r < 0)
                return r;
        struct ifaddrmsg ifa = {.ifa_family = (uint8_t)family, .ifa_prefixlen = (uint8_t)prefix,
                                .ifa_index = (uint32_t)ifindex};
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
        int put = msg ? nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) |
                                nla_put(msg, IFA_LOCAL, (int)addr_len(family), addr) |
                                nla_put(msg, IFA_ADDRESS, (int)addr_len(family), addr)
                      : 0;
        if ((r = send_free(n, msg, put)) < 0)
                return ctx_fail(ctx, r, "address on ifindex %d in %s: %s%s%s", ifindex, netns, strerror(-r),
                                *sriov_ctx_error(n) ? ": " : "", sriov_ctx_error(n));
        return 0;
}

int sriov_netns_route_add(struct sriov_ctx *ctx, const char *netns, int ifindex, int family, const uint8_t *dst,
                          unsigned dst_len, const uint8_t *gw)
{
        ctx_clear_error(ctx);
        if ((family != AF_INET && family != AF_INET6) || dst_len > addr_len(family) * 8)
                return ctx_fail(ctx, -EINVAL, "route family %d / length %u", family, dst_len);
        _cleanup_ctx_ struct sriov_ctx *n = NULL;
        int r = ns_ctx_open(ctx, netns, &n);
        if (r < 0)
                return r;
        struct rtmsg rt = {.rtm_family = (uint8_t)family, .rtm_dst_len = (uint8_t)dst_len,
                           .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
                           .rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK, .rtm_type = RTN_UNICAST};
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
        int put = msg ? nlmsg_append(msg, &rt, sizeof(rt), NLMSG_ALIGNTO) |
                                nla_put_u32(msg, RTA_OIF, (uint32_t)ifindex)
                      : 0;
        if (msg && dst_len)
                put |= nla_put(msg, RTA_DST, (int)addr_len(family), dst);
        if (msg && gw)
                put |= nla_put(msg, RTA_GATEWAY, (int)addr_len(family), gw);
        if ((r = send_free(n, msg, put)) < 0)
                return ctx_fail(ctx, r, "route via ifindex %d in %s: %s%s%s", ifindex, netns, strerror(-r),
                                *sriov_ctx_error(n) ? ": " : "", sriov_ctx_error(n));
        return 0;
}

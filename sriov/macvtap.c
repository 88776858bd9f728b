/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* macvtap links on a lower device (the fallback when no VF is
 * free): created over rtnetlink through nl_transact (so the kernel's errno
 * and extended ack are kept), messages built with libnl. The lower's
 * uppers are found through sysfs (upper_* links) and classified over
 * rtnetlink (IFLA_INFO_KIND). */
#include <ctype.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "macvtap.h"
#include "nl.h"

#define MACVTAP_WAIT_DEFAULT_MS 5000
#define MACVTAP_NAME_TRIES 64

static const struct {
        enum sriov_macvtap_mode mode;
        uint32_t kernel; /* MACVLAN_MODE_* */
        const char *name;
} modes[] = {
        {SRIOV_MACVTAP_VEPA, MACVLAN_MODE_VEPA, "vepa"},
        {SRIOV_MACVTAP_BRIDGE, MACVLAN_MODE_BRIDGE, "bridge"},
        {SRIOV_MACVTAP_PRIVATE, MACVLAN_MODE_PRIVATE, "private"},
        {SRIOV_MACVTAP_PASSTHRU, MACVLAN_MODE_PASSTHRU, "passthru"},
};

const char *sriov_macvtap_mode_name(enum sriov_macvtap_mode m)
{
        for (size_t i = 0; i < ELEMENTSOF(modes); i++)
                if (modes[i].mode == m)
                        return modes[i].name;
        return "unknown";
}

int sriov_macvtap_mode_parse(const char *s, enum sriov_macvtap_mode *ret)
{
        if (strcmp(s, "passthrough") == 0) { /* libvirt's word */
                *ret = SRIOV_MACVTAP_PASSTHRU;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(modes); i++)
                if (strcmp(s, modes[i].name) == 0) {
                        *ret = modes[i].mode;
                        return 0;
                }
        return -EINVAL;
}

static int mode_to_kernel(enum sriov_macvtap_mode m, uint32_t *ret)
{
        for (size_t i = 0; i < ELEMENTSOF(modes); i++)
                if (modes[i].mode == m) {
                        *ret = modes[i].kernel;
                        return 0;
                }
        return -EINVAL;
}

static enum sriov_macvtap_mode mode_from_kernel(uint32_t k, bool *known)
{
        for (size_t i = 0; i < ELEMENTSOF(modes); i++)
                if (modes[i].kernel == k) {
                        *known = true;
                        return modes[i].mode;
                }
        *known = false;
        return SRIOV_MACVTAP_VEPA;
}

/* ---- one link over rtnetlink --------------------------------------------- */

/* Attribute policies: libnl checks each attribute's length (and a
 * string's NUL) before it is read, so a short or forged attribute is
 * -EBADMSG, never a read past it. IFLA_ADDRESS has no fixed length (4
 * bytes on an ipip upper): it is taken only when it is 6 bytes. */
static const struct nla_policy link_policy[IFLA_MAX + 1] = {
        [IFLA_IFNAME] = {.type = NLA_STRING, .maxlen = IFNAMSIZ},
        [IFLA_LINK] = {.type = NLA_U32},
        [IFLA_LINKINFO] = {.type = NLA_NESTED},
};
static const struct nla_policy info_policy[IFLA_INFO_MAX + 1] = {
        [IFLA_INFO_KIND] = {.type = NLA_STRING},
        [IFLA_INFO_DATA] = {.type = NLA_NESTED},
};
static const struct nla_policy vlan_policy[IFLA_VLAN_MAX + 1] = {
        [IFLA_VLAN_ID] = {.type = NLA_U16},
};
static const struct nla_policy macvlan_policy[IFLA_MACVLAN_MAX + 1] = {
        [IFLA_MACVLAN_MODE] = {.type = NLA_U32},
};

int macvtap_link_parse(const struct nlmsghdr *nlh, void *userdata)
{
        struct link_info *li = userdata;
        if (nlh->nlmsg_type != RTM_NEWLINK)
                return 0;
        struct nlattr *tb[IFLA_MAX + 1];
        if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX, link_policy) < 0)
                return -EBADMSG;
        const struct ifinfomsg *ifi = nlmsg_data(nlh);
        *li = (struct link_info){.ifindex = ifi->ifi_index, .flags = ifi->ifi_flags};
        if (tb[IFLA_IFNAME])
                snprintf(li->ifname, sizeof(li->ifname), "%s", nla_get_string(tb[IFLA_IFNAME]));
        if (tb[IFLA_LINK])
                li->link = (int)nla_get_u32(tb[IFLA_LINK]);
        if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6) {
                memcpy(li->mac, nla_data(tb[IFLA_ADDRESS]), 6);
                li->has_mac = true;
        }
        if (tb[IFLA_LINKINFO]) {
                struct nlattr *info[IFLA_INFO_MAX + 1];
                if (nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], info_policy) < 0)
                        return -EBADMSG;
                if (info[IFLA_INFO_KIND])
                        snprintf(li->kind, sizeof(li->kind), "%s", nla_get_string(info[IFLA_INFO_KIND]));
                if (info[IFLA_INFO_DATA] && strcmp(li->kind, "vlan") == 0) {
                        struct nlattr *d[IFLA_VLAN_MAX + 1];
                        if (nla_parse_nested(d, IFLA_VLAN_MAX, info[IFLA_INFO_DATA], vlan_policy) < 0)
                                return -EBADMSG;
                        if (d[IFLA_VLAN_ID])
                                li->vlan_id = nla_get_u16(d[IFLA_VLAN_ID]);
                }
                if (info[IFLA_INFO_DATA] &&
                    (strcmp(li->kind, "macvtap") == 0 || strcmp(li->kind, "macvlan") == 0)) {
                        struct nlattr *d[IFLA_MACVLAN_MAX + 1];
                        if (nla_parse_nested(d, IFLA_MACVLAN_MAX, info[IFLA_INFO_DATA], macvlan_policy) < 0)
                                return -EBADMSG;
                        if (d[IFLA_MACVLAN_MODE]) {
                                li->mode = nla_get_u32(d[IFLA_MACVLAN_MODE]);
                                li->has_mode = true;
                        }
                }
        }
        return 0;
}

/* RTM_GETLINK by ifindex (> 0), else by name. -ENODEV (no message) when
 * there is no such link. */
static int link_query_by(struct sriov_ctx *ctx, const char *ifname, int ifindex, struct link_info *ret)
{
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex > 0 ? ifindex : 0};
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
        if (!msg)
                return -ENOMEM;
        int r = -ENOMEM;
        struct link_info li = {.ifindex = 0};
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            (ifindex <= 0 && nla_put_string(msg, IFLA_IFNAME, ifname) < 0) ||
            nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)
                goto out;
        r = nl_transact(ctx, msg, macvtap_link_parse, &li);
        if (r == 0 && li.ifindex <= 0)
                r = ctx_fail(ctx, -EBADMSG, "rtnetlink: no RTM_NEWLINK in the answer about %s", ifname);
        if (r == 0 && ifindex > 0 && li.ifindex != ifindex)
                r = ctx_fail(ctx, -EBADMSG, "rtnetlink: asked about ifindex %d (%s), the answer is about ifindex %d",
                             ifindex, ifname, li.ifindex);
out:
        nlmsg_free(msg);
        if (r == 0)
                *ret = li;
        return r;
}

static int link_query(struct sriov_ctx *ctx, const char *ifname, struct link_info *ret)
{
        return link_query_by(ctx, ifname, 0, ret);
}

static int link_msg(int type, int flags, int ifindex, struct nl_msg **ret)
{
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
        struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
        if (!msg)
                return -ENOMEM;
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
                nlmsg_free(msg);
                return -ENOMEM;
        }
        *ret = msg;
        return 0;
}

/* Records the kernel's answer (with its extack text, when nl_transact put
 * one in the message) behind `what`. */
static int nl_failed(struct sriov_ctx *ctx, int r, const char *what)
{
        ctx_fail(ctx, r, "%s", strerror(-r));
        ctx_error_prefix(ctx, "%s", what);
        return r;
}

static int link_delete_index(struct sriov_ctx *ctx, int ifindex)
{
        struct nl_msg *msg;
        int r = link_msg(RTM_DELLINK, 0, ifindex, &msg);
        if (r < 0)
                return r;
        r = nl_transact(ctx, msg, NULL, NULL);
        nlmsg_free(msg);
        return r;
}

static int link_set_up(struct sriov_ctx *ctx, int ifindex)
{
        struct nl_msg *msg;
        int r = link_msg(RTM_SETLINK, 0, ifindex, &msg);
        if (r < 0)
                return r;
        struct ifinfomsg *ifi = nlmsg_data(nlmsg_hdr(msg));
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        r = nl_transact(ctx, msg, NULL, NULL);
        nlmsg_free(msg);
        return r;
}

static int link_set_mac(struct sriov_ctx *ctx, int ifindex, const uint8_t mac[6])
{
        struct nl_msg *msg;
        int r = link_msg(RTM_SETLINK, 0, ifindex, &msg);
        if (r < 0)
                return r;
        r = nla_put(msg, IFLA_ADDRESS, 6, mac) < 0 ? -ENOMEM : nl_transact(ctx, msg, NULL, NULL);
        nlmsg_free(msg);
        return r;
}

/* ---- names --------------------------------------------------------------- */

bool sriov_ifname_valid(const char *name)
{
        size_t len = name ? strlen(name) : 0;
        if (len == 0 || len >= IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return false;
        for (const unsigned char *p = (const unsigned char *)name; *p; p++)
                if (*p == '/' || *p == ':' || *p == '%' || isspace(*p) || iscntrl(*p))
                        return false;
        return true;
}

static int check_ifname(struct sriov_ctx *ctx, const char *what, const char *name)
{
        if (!sriov_ifname_valid(name))
                return ctx_fail(ctx, -EINVAL,
                                "%s '%s' is not an interface name (1-%d characters, no '/', ':', '%%', blanks or "
                                "control characters)",
                                what, name, IFNAMSIZ - 1);
        return 0;
}

/* The lowest macvtapN that is not taken. */
static int pick_name(struct sriov_ctx *ctx, unsigned *start, char buf[static IFNAMSIZ])
{
        for (unsigned n = *start; n < 100000; n++) {
                snprintf(buf, IFNAMSIZ, "macvtap%u", n);
                if (!sysfs_netdev_exists(ctx, buf)) {
                        *start = n + 1;
                        return 0;
                }
        }
        return ctx_fail(ctx, -ENFILE, "no free macvtapN interface name");
}

/* ---- uppers -------------------------------------------------------------- */

void sriov_macvtaps_free(struct sriov_macvtap *v, size_t n)
{
        (void)n;
        free(v);
}

static void fill_macvtap(const struct link_info *li, const char *lower, struct sriov_macvtap *m)
{
        *m = (struct sriov_macvtap){.ifindex = li->ifindex};
        snprintf(m->ifname, sizeof(m->ifname), "%s", li->ifname);
        snprintf(m->lower, sizeof(m->lower), "%s", lower);
        snprintf(m->kind, sizeof(m->kind), "%s", li->kind);
        bool known = false;
        m->mode = li->has_mode ? mode_from_kernel(li->mode, &known) : SRIOV_MACVTAP_VEPA;
        m->mode_known = known;
        memcpy(m->mac, li->mac, 6);
        if (strcmp(li->kind, "macvtap") == 0)
                snprintf(m->tap_path, sizeof(m->tap_path), "/dev/tap%d", li->ifindex);
}

static int macvtap_uppers(struct sriov_ctx *ctx, const char *lower, struct sriov_macvtap **ret, size_t *ret_n)
{
        char dir[64];
        snprintf(dir, sizeof(dir), "class/net/%s", lower);
        _cleanup_strv_free_ char **names = NULL;
        int r = sysfs_list(ctx, dir, "upper_", &names);
        if (r == -ENOENT || r == -ENOTDIR)
                return ctx_fail(ctx, -ENODEV, "no network interface %s (%s/%s does not exist)", lower,
                                ctx->sysfs_root, dir);
        if (r < 0)
                return ctx_fail(ctx, r, "listing %s/%s: %s", ctx->sysfs_root, dir, strerror(-r));
        size_t n_names = strv_length(names), n = 0;
        _cleanup_free_ struct sriov_macvtap *v = calloc(n_names + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n_names; i++) {
                const char *upper = names[i] + strlen("upper_");
                struct link_info li;
                r = link_query(ctx, upper, &li);
                if (r == -ENODEV) {
                        ctx_clear_error(ctx); /* went away meanwhile */
                        continue;
                }
                if (r < 0) {
                        char what[96];
                        snprintf(what, sizeof(what), "reading %s (an upper device of %s)", upper, lower);
                        return nl_failed(ctx, r, what);
                }
                if (strcmp(li.kind, "macvtap") != 0 && strcmp(li.kind, "macvlan") != 0)
                        continue; /* a bridge or bond master, a VLAN, ... */
                fill_macvtap(&li, lower, &v[n++]);
        }
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

int sriov_macvtap_uppers(struct sriov_ctx *ctx, const char *lower, struct sriov_macvtap **ret, size_t *ret_n)
{
        ctx_clear_error(ctx);
        int r = check_ifname(ctx, "lower device", lower);
        if (r < 0)
                return r;
        return macvtap_uppers(ctx, lower, ret, ret_n);
}

/* "mt0 (macvtap bridge), mv1 (macvlan vepa)" */
static char *describe_uppers(const struct sriov_macvtap *v, size_t n)
{
        char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);
        if (!f)
                return NULL;
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s%s (%s %s)", i ? ", " : "", v[i].ifname, v[i].kind,
                        v[i].mode_known ? sriov_macvtap_mode_name(v[i].mode) : "?");
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}

/* Passthru must be the only macvlan/macvtap on its lower; and no other
 * mode can join a passthru one. The kernel says only EINVAL for both. */
static int check_coexistence(struct sriov_ctx *ctx, const char *lower, enum sriov_macvtap_mode mode)
{
        _cleanup_free_ struct sriov_macvtap *v = NULL;
        size_t n = 0;
        int r = macvtap_uppers(ctx, lower, &v, &n);
        if (r < 0)
                return r;
        if (n == 0)
                return 0;
        bool has_passthru = false;
        for (size_t i = 0; i < n; i++)
                has_passthru |= v[i].mode_known && v[i].mode == SRIOV_MACVTAP_PASSTHRU;
        if (mode != SRIOV_MACVTAP_PASSTHRU && !has_passthru)
                return 0;
        _cleanup_free_ char *names = describe_uppers(v, n);
        if (!names)
                return -ENOMEM;
        if (mode == SRIOV_MACVTAP_PASSTHRU)
                return ctx_fail(ctx, -EBUSY,
                                "macvtap passthru on %s: %s already has macvlan/macvtap upper devices: %s; "
                                "a passthru macvtap must be the only one on its lower device",
                                lower, lower, names);
        return ctx_fail(ctx, -EBUSY,
                        "macvtap %s on %s: %s already has a passthru upper device (%s), which must be "
                        "the only macvlan/macvtap on it",
                        sriov_macvtap_mode_name(mode), lower, lower, names);
}

/* ---- create / delete ----------------------------------------------------- */

static int newlink(struct sriov_ctx *ctx, const char *name, int lower_index, uint32_t kmode,
                   const uint8_t *mac)
{
        struct nl_msg *msg;
        int r = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, &msg);
        if (r < 0)
                return r;
        struct nlattr *info, *data;
        r = -ENOMEM;
        if (nla_put_string(msg, IFLA_IFNAME, name) < 0 || nla_put_u32(msg, IFLA_LINK, (uint32_t)lower_index) < 0 ||
            (mac && nla_put(msg, IFLA_ADDRESS, 6, mac) < 0) || !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
            nla_put_string(msg, IFLA_INFO_KIND, "macvtap") < 0 || !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
            nla_put_u32(msg, IFLA_MACVLAN_MODE, kmode) < 0)
                goto out;
        nla_nest_end(msg, data);
        nla_nest_end(msg, info);
        r = nl_transact(ctx, msg, NULL, NULL);
out:
        nlmsg_free(msg);
        return r;
}

static bool is_char_device(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

/* Undoes a half-made macvtap; the first error message stays. */
static void undo_create(struct sriov_ctx *ctx, int ifindex)
{
        (void)link_delete_index(ctx, ifindex);
}

int sriov_macvtap_create(struct sriov_ctx *ctx, const char *lower, enum sriov_macvtap_mode mode,
                         const char *name, const uint8_t *mac, unsigned timeout_ms,
                         struct sriov_macvtap *ret)
{
        return macvtap_create(ctx, lower, mode, name, mac, timeout_ms, NULL, NULL, ret);
}

int macvtap_create(struct sriov_ctx *ctx, const char *lower, enum sriov_macvtap_mode mode, const char *name,
                   const uint8_t *mac, unsigned timeout_ms, macvtap_made_fn made, void *userdata,
                   struct sriov_macvtap *ret)
{
        ctx_clear_error(ctx);
        uint32_t kmode;
        int r = check_ifname(ctx, "lower device", lower);
        if (r < 0)
                return r;
        if (mode_to_kernel(mode, &kmode) < 0)
                return ctx_fail(ctx, -EINVAL, "macvtap on %s: unknown mode %d (vepa, bridge, private, passthru)",
                                lower, (int)mode);
        if (name && *name && (r = check_ifname(ctx, "macvtap name", name)) < 0)
                return r;
        if (mac && ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))) {
                char m[18];
                sriov_format_mac(mac, m);
                return ctx_fail(ctx, -EINVAL, "macvtap on %s: MAC %s is not a unicast address", lower, m);
        }
        if (!sysfs_netdev_exists(ctx, lower))
                return ctx_fail(ctx, -ENODEV, "no network interface %s (%s/class/net/%s does not exist)",
                                lower, ctx->sysfs_root, lower);
        struct link_info low;
        if ((r = link_query(ctx, lower, &low)) < 0)
                return nl_failed(ctx, r == -ENODEV ? -ENODEV : r, lower);
        if ((r = check_coexistence(ctx, lower, mode)) < 0)
                return r;
        const char *mname = sriov_macvtap_mode_name(mode);
        if (timeout_ms == 0)
                timeout_ms = MACVTAP_WAIT_DEFAULT_MS;

        /* passthru takes the lower's MAC whatever the request says: the MAC
         * is set afterwards, as libvirt does */
        const uint8_t *mac_at_create = mode == SRIOV_MACVTAP_PASSTHRU ? NULL : mac;
        char ifname[IFNAMSIZ];
        unsigned next = 0;
        for (unsigned tries = 0;; tries++) {
                if (name && *name)
                        snprintf(ifname, sizeof(ifname), "%s", name);
                else if ((r = pick_name(ctx, &next, ifname)) < 0)
                        return r;
                r = newlink(ctx, ifname, low.ifindex, kmode, mac_at_create);
                if (r == -EEXIST && !(name && *name) && tries < MACVTAP_NAME_TRIES) {
                        ctx_clear_error(ctx); /* taken meanwhile: the next one */
                        continue;
                }
                break;
        }
        if (r < 0) {
                char what[128];
                snprintf(what, sizeof(what), "creating macvtap %s (mode %s) on %s", ifname, mname, lower);
                if (r == -EEXIST)
                        return ctx_fail(ctx, r, "%s: an interface named %s already exists", what, ifname);
                return nl_failed(ctx, r, what);
        }
        struct link_info li;
        if ((r = link_query(ctx, ifname, &li)) < 0) {
                /* not ours any more (renamed or deleted behind us): leave it */
                char what[96];
                snprintf(what, sizeof(what), "reading back macvtap %s", ifname);
                return nl_failed(ctx, r, what);
        }
        if (strcmp(li.kind, "macvtap") != 0 || li.link != low.ifindex) {
                /* renamed and replaced in the instant since it was made */
                return ctx_fail(ctx, -EIO,
                                "macvtap %s on %s: the interface of that name is now %s on ifindex %d, not the "
                                "macvtap just made: left alone",
                                ifname, lower, li.kind[0] ? li.kind : "a device without an rtnl kind", li.link);
        }
        /* the caller records which link it made before anything else can
         * fail: a rollback (or a recovery after a kill) then deletes this
         * ifindex, never another interface that took the name */
        if (made && (r = made(li.ifindex, low.ifindex, userdata)) < 0) {
                undo_create(ctx, li.ifindex);
                return r;
        }
        if (mac && memcmp(li.mac, mac, 6) != 0) {
                r = link_set_mac(ctx, li.ifindex, mac);
                if (r < 0) {
                        char m[18], what[256];
                        sriov_format_mac(mac, m);
                        char p[80];
                        snprintf(p, sizeof(p), "class/net/%s/device/physfn", lower);
                        bool vf = sysfs_exists(ctx, p);
                        snprintf(what, sizeof(what),
                                 "macvtap %s (mode %s) on %s: setting MAC %s refused%s", ifname, mname, lower, m,
                                 vf && mode == SRIOV_MACVTAP_PASSTHRU
                                         ? " (a VF whose PF set its MAC, with trust off, may not change it: "
                                           "set trust on for the VF or its MAC through the PF)"
                                         : "");
                        nl_failed(ctx, r, what);
                        undo_create(ctx, li.ifindex);
                        return r;
                }
        }
        if ((r = link_set_up(ctx, li.ifindex)) < 0) {
                char what[96];
                snprintf(what, sizeof(what), "bringing macvtap %s on %s up", ifname, lower);
                nl_failed(ctx, r, what);
                undo_create(ctx, li.ifindex);
                return r;
        }
        if ((r = link_query(ctx, ifname, &li)) < 0) {
                char what[96];
                snprintf(what, sizeof(what), "reading back macvtap %s", ifname);
                return nl_failed(ctx, r, what);
        }
        if (strcmp(li.kind, "macvtap") != 0 || !li.has_mode || li.mode != kmode || li.link != low.ifindex ||
            (mac && memcmp(li.mac, mac, 6) != 0)) {
                char want[18] = "-", got[18];
                if (mac)
                        sriov_format_mac(mac, want);
                sriov_format_mac(li.mac, got);
                ctx_fail(ctx, -EIO,
                         "macvtap %s on %s: the kernel reports kind '%s', mode 0x%x, lower ifindex %d, MAC %s; "
                         "asked for macvtap, mode %s (0x%x), lower ifindex %d, MAC %s",
                         ifname, lower, li.kind, li.mode, li.link, got, mname, kmode, low.ifindex, want);
                undo_create(ctx, li.ifindex);
                return -EIO;
        }
        struct sriov_macvtap m;
        fill_macvtap(&li, lower, &m);
        /* devtmpfs (or udev) makes /dev/tapN for the new class device */
        int64_t deadline = monotonic_ms() + timeout_ms;
        while (!is_char_device(m.tap_path)) {
                if (monotonic_ms() >= deadline) {
                        ctx_fail(ctx, -ETIMEDOUT,
                                 "macvtap %s on %s: %s did not appear within %u ms (is devtmpfs mounted on /dev, "
                                 "or udev running?)",
                                 ifname, lower, m.tap_path, timeout_ms);
                        undo_create(ctx, li.ifindex);
                        return -ETIMEDOUT;
                }
                sleep_ms(10);
        }
        *ret = m;
        return 0;
}

int sriov_macvtap_delete(struct sriov_ctx *ctx, const char *name)
{
        ctx_clear_error(ctx);
        int r = check_ifname(ctx, "macvtap name", name);
        if (r < 0)
                return r;
        struct link_info li;
        r = link_query(ctx, name, &li);
        if (r == -ENODEV)
                return ctx_fail(ctx, -ENODEV, "deleting macvtap %s: no such interface", name);
        if (r < 0) {
                char what[64];
                snprintf(what, sizeof(what), "deleting macvtap %s", name);
                return nl_failed(ctx, r, what);
        }
        if (strcmp(li.kind, "macvtap") != 0)
                return ctx_fail(ctx, -EINVAL, "deleting macvtap %s: it is %s%s, not a macvtap; left alone", name,
                                li.kind[0] ? "a " : "a device without an rtnl kind", li.kind);
        r = link_delete_index(ctx, li.ifindex);
        if (r < 0) {
                char what[64];
                snprintf(what, sizeof(what), "deleting macvtap %s", name);
                return nl_failed(ctx, r, what);
        }
        return 0;
}

int macvtap_delete_made(struct sriov_ctx *ctx, const char *name, int ifindex, const char *lower, int lower_ifindex)
{
        struct link_info li, low;
        int r = link_query_by(ctx, name, ifindex, &li);
        if (r == -ENODEV) {
                ctx_clear_error(ctx);
                return 0; /* gone already: nothing to give back */
        }
        char what[128];
        if (ifindex > 0)
                snprintf(what, sizeof(what), "deleting macvtap %s (ifindex %d)", name, ifindex);
        else
                snprintf(what, sizeof(what), "deleting macvtap %s", name);
        if (r < 0)
                return nl_failed(ctx, r, what);
        if (lower_ifindex <= 0) {
                /* a record from before ifindexes were kept: its lower by name */
                if ((r = link_query(ctx, lower, &low)) == -ENODEV) {
                        ctx_clear_error(ctx);
                        low.ifindex = 0;
                } else if (r < 0)
                        return nl_failed(ctx, r, what);
                lower_ifindex = low.ifindex;
        }
        if (strcmp(li.kind, "macvtap") != 0 || li.link <= 0 || li.link != lower_ifindex) {
                ctx_notice(ctx, "%s: left alone: %s (ifindex %d) is %s%s on ifindex %d, not the macvtap on %s "
                                "(ifindex %d) that was made for this allocation",
                           what, li.ifname, li.ifindex, li.kind[0] ? "a " : "a device without an rtnl kind",
                           li.kind, li.link, lower, lower_ifindex);
                return 0;
        }
        if ((r = link_delete_index(ctx, li.ifindex)) == -ENODEV) {
                ctx_clear_error(ctx);
                return 0;
        }
        return r < 0 ? nl_failed(ctx, r, what) : 0;
}

int netdev_vlan_id(struct sriov_ctx *ctx, const char *ifname, uint16_t *ret)
{
        struct link_info li = {0}; /* gcc -O2 cannot see that link_query sets it on success */
        int r = link_query(ctx, ifname, &li);
        if (r == -ENODEV)
                return ctx_fail(ctx, r, "no network device %s", ifname);
        if (r < 0)
                return r;
        *ret = li.vlan_id;
        return 0;
}

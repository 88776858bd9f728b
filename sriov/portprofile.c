/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 802.1Qbh and 802.1Qbg port profiles: IFLA_VF_PORTS and IFLA_PORT_SELF
 * requests (libnl has no helper for them: nests built by hand), polling of
 * IFLA_PORT_RESPONSE with a timeout, and the errno each response code
 * stands for (its name and message: names.c). */
#include <inttypes.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <string.h>
#include <time.h>

#include "nl.h"
#include "pfref.h"
#include "portprofile.h"
#include "vfinfo.h"

#ifndef PORT_SELF_VF
#define PORT_SELF_VF -1
#endif

static const char *const lldpad_pid_files[] = {"/run/lldpad.pid", "/var/run/lldpad.pid"};

/* ---- responses ---------------------------------------------------------- */

int port_response_errno(uint16_t r)
{
        switch (r) {
        case PORT_VDP_RESPONSE_SUCCESS:
        case PORT_PROFILE_RESPONSE_SUCCESS:
                return 0;
        case PORT_PROFILE_RESPONSE_INPROGRESS:
                return -EINPROGRESS;
        case PORT_VDP_RESPONSE_INVALID_FORMAT:
        case PORT_PROFILE_RESPONSE_INVALID:
        case PORT_VDP_RESPONSE_VTID_VERSION_VIOALTION:
                return -EINVAL;
        case PORT_VDP_RESPONSE_INSUFFICIENT_RESOURCES:
        case PORT_PROFILE_RESPONSE_INSUFFICIENT_RESOURCES:
                return -ENOSPC;
        case PORT_VDP_RESPONSE_UNUSED_VTID:
                return -ENOENT;
        case PORT_VDP_RESPONSE_VTID_VIOLATION:
                return -EACCES;
        case PORT_PROFILE_RESPONSE_BADSTATE:
                return -EBUSY;
        case PORT_VDP_RESPONSE_OUT_OF_SYNC:
        case PORT_PROFILE_RESPONSE_ERROR:
                return -EREMOTEIO;
        }
        return -EPROTO;
}

static int parse_num(const char *s, uint64_t max, uint64_t *ret)
{
        if (!*s)
                return -EINVAL;
        uint64_t v = 0;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9' || v > max)
                        return -EINVAL;
                v = v * 10 + (uint64_t)(*p - '0');
        }
        if (v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

int sriov_port_parse_field(struct sriov_ctx *ctx, struct sriov_port *p, const char *field, const char *value)
{
        ctx_clear_error(ctx);
        uint64_t v;
        if (strcmp(field, "request") == 0) {
                for (int r = SRIOV_PORT_PREASSOCIATE; r <= SRIOV_PORT_DISASSOCIATE; r++)
                        if (strcmp(value, sriov_port_request_name((enum sriov_port_request)r)) == 0) {
                                p->request = (enum sriov_port_request)r;
                                p->present |= SRIOV_PORT_F_REQUEST;
                                return 0;
                        }
                return ctx_fail(ctx, -EINVAL,
                                "request '%s': must be associate, preassociate, preassociate-rr or disassociate", value);
        }
        if (strcmp(field, "profile") == 0) {
                size_t len = strlen(value);
                if (len == 0)
                        return ctx_fail(ctx, -EINVAL, "profile '': a port profile name must not be empty");
                if (len > SRIOV_PORT_PROFILE_MAX - 1)
                        return ctx_fail(ctx, -EINVAL,
                                        "profile '%s': a port profile name is at most %d characters (IFLA_PORT_PROFILE "
                                        "is %d bytes with its NUL); this one has %zu",
                                        value, SRIOV_PORT_PROFILE_MAX - 1, SRIOV_PORT_PROFILE_MAX, len);
                memset(p->profile, 0, sizeof(p->profile));
                memcpy(p->profile, value, len);
                p->present |= SRIOV_PORT_F_PROFILE;
                return 0;
        }
        if (strcmp(field, "instance") == 0 || strcmp(field, "instanceid") == 0 || strcmp(field, "host") == 0) {
                bool host = strcmp(field, "host") == 0;
                if (sriov_uuid_parse(value, host ? p->host_uuid : p->instance_uuid) < 0)
                        return ctx_fail(ctx, -EINVAL,
                                        "%s '%s': malformed UUID (want 32 hex digits as 8-4-4-4-12, e.g. "
                                        "6ba7b810-9dad-11d1-80b4-00c04fd430c8)",
                                        field, value);
                p->present |= host ? SRIOV_PORT_F_HOST : SRIOV_PORT_F_INSTANCE;
                return 0;
        }
        if (strcmp(field, "managerid") == 0) {
                if (parse_num(value, 255, &v) < 0)
                        return ctx_fail(ctx, -EINVAL, "managerid '%s': a VSI manager ID is a number 0-255 (8 bits)", value);
                p->managerid = (uint8_t)v;
                p->present |= SRIOV_PORT_F_MANAGERID;
                return 0;
        }
        if (strcmp(field, "typeid") == 0) {
                if (parse_num(value, 0xffffff, &v) < 0)
                        return ctx_fail(ctx, -EINVAL, "typeid '%s': a VSI type ID is a number 0-16777215 (24 bits)", value);
                p->typeid = (uint32_t)v;
                p->present |= SRIOV_PORT_F_TYPEID;
                return 0;
        }
        if (strcmp(field, "typeidversion") == 0) {
                if (parse_num(value, 255, &v) < 0)
                        return ctx_fail(ctx, -EINVAL, "typeidversion '%s': a VSI type version is a number 0-255 (8 bits)",
                                        value);
                p->typeidversion = (uint8_t)v;
                p->present |= SRIOV_PORT_F_TYPEIDVERSION;
                return 0;
        }
        return ctx_fail(ctx, -EINVAL,
                        "unknown port profile field '%s' (profile, instance, host, managerid, typeid, typeidversion)",
                        field);
}

static bool is_qbg(const struct sriov_port *p)
{
        return p->present & SRIOV_PORT_F_QBG;
}

int sriov_port_validate(struct sriov_ctx *ctx, const struct sriov_port *p)
{
        ctx_clear_error(ctx);
        if (!(p->present & SRIOV_PORT_F_REQUEST))
                return ctx_fail(ctx, -EINVAL,
                                "no request: give associate, preassociate, preassociate-rr or disassociate");
        if ((unsigned)p->request > SRIOV_PORT_DISASSOCIATE)
                return ctx_fail(ctx, -EINVAL, "request %d: not a PORT_REQUEST_* value (0-3)", (int)p->request);
        if ((p->present & SRIOV_PORT_F_PROFILE) && strnlen(p->profile, SRIOV_PORT_PROFILE_MAX) == SRIOV_PORT_PROFILE_MAX)
                return ctx_fail(ctx, -EINVAL, "profile: a port profile name is at most %d characters",
                                SRIOV_PORT_PROFILE_MAX - 1);
        if ((p->present & SRIOV_PORT_F_PROFILE) && !p->profile[0])
                return ctx_fail(ctx, -EINVAL, "profile '': a port profile name must not be empty");
        if (is_qbg(p)) {
                if (p->present & (SRIOV_PORT_F_PROFILE | SRIOV_PORT_F_HOST))
                        return ctx_fail(ctx, -EINVAL,
                                        "%s is 802.1Qbh but managerid/typeid/typeidversion are 802.1Qbg: a request is "
                                        "one or the other",
                                        p->present & SRIOV_PORT_F_PROFILE ? "profile" : "host");
                static const struct {
                        uint32_t bit;
                        const char *name;
                } need[] = {{SRIOV_PORT_F_MANAGERID, "managerid"},
                            {SRIOV_PORT_F_TYPEID, "typeid"},
                            {SRIOV_PORT_F_TYPEIDVERSION, "typeidversion"},
                            {SRIOV_PORT_F_INSTANCE, "instance (instanceid)"}};
                for (size_t i = 0; i < ELEMENTSOF(need); i++)
                        if (!(p->present & need[i].bit))
                                return ctx_fail(ctx, -EINVAL,
                                                "802.1Qbg needs managerid, typeid, typeidversion and an instance UUID: "
                                                "%s is missing",
                                                need[i].name);
                return 0;
        }
        if (p->request != SRIOV_PORT_DISASSOCIATE && !(p->present & SRIOV_PORT_F_PROFILE))
                return ctx_fail(ctx, -EINVAL, "%s needs a port profile name (profile, at most %d characters)",
                                sriov_port_request_name(p->request), SRIOV_PORT_PROFILE_MAX - 1);
        return 0;
}

/* ---- messages ------------------------------------------------------------ */

int port_build_setlink(int ifindex, const char *ifname, int vf, const struct sriov_port *p, struct nl_msg **ret)
{
        struct nl_msg *m = nlmsg_alloc_size(1024);
        if (!m)
                return -ENOMEM;
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
        struct nlattr *ports = NULL, *port = NULL;
        if (!nlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, RTM_SETLINK, 0, NLM_F_REQUEST) ||
            nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
                goto toobig;
        bool qbg = is_qbg(p);
        if (qbg && ifname && nla_put_string(m, IFLA_IFNAME, ifname) < 0)
                goto toobig;
        if (vf == SRIOV_PORT_SELF && !qbg) {
                if (!(port = nla_nest_start(m, IFLA_PORT_SELF)))
                        goto toobig;
        } else {
                if (!(ports = nla_nest_start(m, IFLA_VF_PORTS)) || !(port = nla_nest_start(m, IFLA_VF_PORT)))
                        goto toobig;
        }
        if (vf != SRIOV_PORT_SELF && nla_put_u32(m, IFLA_PORT_VF, (uint32_t)vf) < 0)
                goto toobig;
        if (p->present & SRIOV_PORT_F_PROFILE) {
                /* exactly PORT_PROFILE_MAX bytes, NUL-padded: enic refuses any other length */
                char profile[SRIOV_PORT_PROFILE_MAX] = {0};
                memcpy(profile, p->profile, strnlen(p->profile, SRIOV_PORT_PROFILE_MAX - 1));
                if (nla_put(m, IFLA_PORT_PROFILE, SRIOV_PORT_PROFILE_MAX, profile) < 0)
                        goto toobig;
        }
        if (qbg) {
                struct ifla_port_vsi vsi = {.vsi_mgr_id = p->managerid,
                                            .vsi_type_id = {(uint8_t)p->typeid, (uint8_t)(p->typeid >> 8),
                                                            (uint8_t)(p->typeid >> 16)},
                                            .vsi_type_version = p->typeidversion};
                if (nla_put(m, IFLA_PORT_VSI_TYPE, sizeof(vsi), &vsi) < 0)
                        goto toobig;
        }
        if ((p->present & SRIOV_PORT_F_INSTANCE) && nla_put(m, IFLA_PORT_INSTANCE_UUID, 16, p->instance_uuid) < 0)
                goto toobig;
        if ((p->present & SRIOV_PORT_F_HOST) && nla_put(m, IFLA_PORT_HOST_UUID, 16, p->host_uuid) < 0)
                goto toobig;
        if (nla_put_u8(m, IFLA_PORT_REQUEST, (uint8_t)p->request) < 0)
                goto toobig;
        nla_nest_end(m, port);
        if (ports)
                nla_nest_end(m, ports);
        *ret = m;
        return 0;
toobig:
        nlmsg_free(m);
        return -EMSGSIZE;
}

/* ---- the kernel side ------------------------------------------------------ */

struct port_target {
        struct pf_ref ref;
        struct vfinfo_reply link;
};

static void port_target_done(struct port_target *t)
{
        pf_ref_done(&t->ref);
        vfinfo_reply_done(&t->link);
}

static void vf_label(int vf, char *buf, size_t size)
{
        if (vf == SRIOV_PORT_SELF)
                snprintf(buf, size, "self");
        else
                snprintf(buf, size, "vf %d", vf);
}

static int open_target(struct sriov_ctx *ctx, const char *device, int vf, struct port_target *ret)
{
        struct port_target t = {0};
        int r = pf_ref_resolve(ctx, device, &t.ref);
        if (r == -ENODEV && vf == SRIOV_PORT_SELF && sysfs_netdev_exists(ctx, device)) {
                /* a device's own port needs no SR-IOV: a macvtap's lower
                 * device, or the VLAN device 802.1Qbg tells lldpad about */
                ctx_clear_error(ctx);
                t.ref = (struct pf_ref){.name = strdup(device), .ifname = strdup(device), .driver = strdup("none"),
                                        .devdir = strdup("")};
                r = t.ref.name && t.ref.ifname && t.ref.driver && t.ref.devdir ? 0 : -ENOMEM;
        }
        /* sysfs first: a VF beyond sriov_numvfs needs no netlink request */
        if (r == 0 && vf != SRIOV_PORT_SELF && vf >= 0)
                r = pf_ref_check_vf(ctx, &t.ref, (unsigned)vf);
        if (r < 0 || (r = pf_ref_read(ctx, &t.ref, &t.link)) < 0) {
                port_target_done(&t);
                return r;
        }
        int64_t n = t.link.num_vf == SRIOV_ABSENT ? 0 : t.link.num_vf;
        if (vf != SRIOV_PORT_SELF && (vf < 0 || vf >= n)) {
                r = pf_vf_range_fail(ctx, t.ref.ifname, (unsigned)vf, n);
                port_target_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}

/* The port of vf in a reply; NULL if the driver reports none. */
static const struct sriov_port *find_port(const struct vfinfo_reply *l, int vf)
{
        if (vf == SRIOV_PORT_SELF)
                return l->has_port_self ? &l->port_self : NULL;
        for (size_t i = 0; i < l->n_ports; i++)
                if (l->port_vf[i] == vf)
                        return &l->ports[i];
        return NULL;
}

static bool has_port_support(const struct vfinfo_reply *l)
{
        return l->has_vf_ports || l->has_port_self;
}

int sriov_port_get(struct sriov_ctx *ctx, const char *device, int vf, struct sriov_port *ret)
{
        ctx_clear_error(ctx);
        _cleanup_(port_target_done) struct port_target t = {0};
        int r = open_target(ctx, device, vf, &t);
        if (r < 0)
                return r;
        char who[32];
        vf_label(vf, who, sizeof(who));
        const struct sriov_port *p = find_port(&t.link, vf);
        if (p) {
                *ret = *p;
                return 0;
        }
        if (t.link.ports_unread)
                return ctx_fail(ctx, -EIO,
                                "%s %s: the port states follow IFLA_VFINFO_LIST in the kernel's reply, whose wrapped "
                                "16-bit length could not be confirmed: they cannot be read",
                                t.ref.ifname, who);
        if (!has_port_support(&t.link) && (vf != SRIOV_PORT_SELF || t.link.num_vf > 0))
                return ctx_fail(ctx, -EOPNOTSUPP,
                                "%s %s: %s reports no 802.1Qbh port state at all (no IFLA_VF_PORTS): its driver does "
                                "not implement port profiles (in Linux only Cisco enic does)",
                                t.ref.ifname, who, t.ref.driver);
        return ctx_fail(ctx, -ENODATA, "%s %s: no port profile state (never set, or the driver forgot it)",
                        t.ref.ifname, who);
}

/* Polls the port of vf until its response is final or the time is up.
 * Returns 0 with *ret set to the last state seen (present == 0 if none),
 * and *ret_final. */
static int poll_response(struct sriov_ctx *ctx, struct port_target *t, int vf, unsigned timeout_ms,
                         struct sriov_port *ret, bool *ret_final)
{
        int64_t deadline = monotonic_ms() + timeout_ms;
        unsigned interval = 10;
        for (;;) {
                vfinfo_reply_done(&t->link);
                int r = pf_ref_read(ctx, &t->ref, &t->link);
                if (r < 0)
                        return r;
                const struct sriov_port *p = find_port(&t->link, vf);
                *ret = p ? *p : (struct sriov_port){0};
                if (p && (p->present & SRIOV_PORT_F_RESPONSE) && p->response != PORT_PROFILE_RESPONSE_INPROGRESS) {
                        *ret_final = true;
                        return 0;
                }
                int64_t now = monotonic_ms();
                if (now >= deadline) {
                        *ret_final = false;
                        return 0;
                }
                unsigned left = (unsigned)(deadline - now);
                sleep_ms(interval < left ? interval : left);
                interval = interval * 2 > 200 ? 200 : interval * 2;
        }
}

static int send_qbh(struct sriov_ctx *ctx, struct port_target *t, int vf, const struct sriov_port *p, char *extack,
                    size_t extack_size)
{
        struct nl_msg *m;
        int r = port_build_setlink(t->link.ifindex, t->ref.ifname, vf, p, &m);
        if (r < 0)
                return ctx_fail(ctx, r, "building the port profile request: %s", strerror(-r));
        struct nl_request_opts o = {.timeout_ms = -1, .extack = extack, .extack_size = extack_size};
        r = nl_request(ctx, m, &o, NULL, NULL);
        nlmsg_free(m);
        return r;
}

/* 802.1Qbg: the VDP daemon (lldpad) speaks for the station, on netlink. */
static int lldpad_pid(uint32_t *ret, const char **ret_file)
{
        for (size_t i = 0; i < ELEMENTSOF(lldpad_pid_files); i++) {
                _cleanup_fclose_ FILE *f = fopen(lldpad_pid_files[i], "re");
                unsigned long pid;
                if (f && fscanf(f, "%lu", &pid) == 1 && pid > 0 && pid <= INT32_MAX) {
                        *ret = (uint32_t)pid;
                        *ret_file = lldpad_pid_files[i];
                        return 0;
                }
        }
        return -ENOENT;
}

static int set_qbg(struct sriov_ctx *ctx, struct port_target *t, int vf, const struct sriov_port *p,
                   unsigned timeout_ms, struct sriov_port *ret)
{
        char who[32];
        vf_label(vf, who, sizeof(who));
        uint32_t pid;
        const char *file;
        if (lldpad_pid(&pid, &file) < 0)
                return ctx_fail(ctx, -ECONNREFUSED,
                                "%s %s: 802.1Qbg (VDP) requests are answered by a VDP daemon (lldpad), and none is "
                                "running: no pid in %s or %s",
                                t->ref.ifname, who, lldpad_pid_files[0], lldpad_pid_files[1]);
        struct nl_msg *m;
        int r = port_build_setlink(t->link.ifindex, t->ref.ifname, vf, p, &m);
        if (r < 0)
                return ctx_fail(ctx, r, "building the VDP request: %s", strerror(-r));
        char extack[256];
        struct nl_request_opts o = {.dst_pid = pid, .timeout_ms = (int)timeout_ms, .extack = extack,
                                    .extack_size = sizeof(extack)};
        r = nl_request(ctx, m, &o, NULL, NULL);
        nlmsg_free(m);
        if (r == -ECONNREFUSED)
                return ctx_fail(ctx, r,
                                "%s %s: no VDP daemon answers: %s names pid %" PRIu32 ", which has no netlink socket "
                                "(ECONNREFUSED): lldpad is not running",
                                t->ref.ifname, who, file, pid);
        if (r == -ETIMEDOUT)
                return ctx_fail(ctx, r, "%s %s: no VDP daemon answered within %u ms (pid %" PRIu32 " from %s)",
                                t->ref.ifname, who, timeout_ms, pid, file);
        if (r < 0)
                return ctx_fail(ctx, r, "%s %s: the VDP daemon (pid %" PRIu32 ") refused the %s request: %s (%s)",
                                t->ref.ifname, who, pid, sriov_port_request_name(p->request), strerror(-r),
                                sriov_errno_name(r));
        /* the daemon acknowledged; its VDP answer comes with its link state */
        if (ret)
                *ret = (struct sriov_port){.present = p->present, .request = p->request};
        return 0;
}

int sriov_port_set(struct sriov_ctx *ctx, const char *device, int vf, const struct sriov_port *p, unsigned timeout_ms,
                   struct sriov_port *ret)
{
        ctx_clear_error(ctx);
        int r = sriov_port_validate(ctx, p);
        if (r < 0) {
                ctx_error_prefix(ctx, "%s", device);
                return r;
        }
        _cleanup_(port_target_done) struct port_target t = {0};
        if ((r = open_target(ctx, device, vf, &t)) < 0)
                return r;
        if (is_qbg(p))
                return set_qbg(ctx, &t, vf, p, timeout_ms, ret);
        char who[32], extack[256];
        vf_label(vf, who, sizeof(who));
        const char *req = sriov_port_request_name(p->request);
        r = send_qbh(ctx, &t, vf, p, extack, sizeof(extack));
        if (r < 0) {
                if (r == -EOPNOTSUPP && !has_port_support(&t.link))
                        return ctx_fail(ctx, r,
                                        "%s %s: port profile %s refused by %s: %s (EOPNOTSUPP): the driver does not "
                                        "implement 802.1Qbh port profiles (in Linux only Cisco enic does)",
                                        t.ref.ifname, who, req, t.ref.driver, strerror(-r));
                return ctx_fail(ctx, r, "%s %s: port profile %s refused by %s: %s (%s)%s%s", t.ref.ifname, who, req,
                                t.ref.driver, strerror(-r), sriov_errno_name(r), extack[0] ? ": " : "", extack);
        }
        struct sriov_port st;
        bool final;
        if ((r = poll_response(ctx, &t, vf, timeout_ms, &st, &final)) < 0)
                return r;
        if (ret)
                *ret = st;
        if (!final) {
                const char *now = !st.present                                ? "no port state at all"
                                  : !(st.present & SRIOV_PORT_F_RESPONSE) ? "no IFLA_PORT_RESPONSE"
                                                                           : "PORT_PROFILE_RESPONSE_INPROGRESS";
                if (p->request == SRIOV_PORT_DISASSOCIATE)
                        return ctx_fail(ctx, -ETIMEDOUT, "%s %s: no final answer to disassociate within %u ms (the driver reports %s)",
                                        t.ref.ifname, who, timeout_ms, now);
                /* do not leave a half-made association behind */
                struct sriov_port dis = {.present = SRIOV_PORT_F_REQUEST, .request = SRIOV_PORT_DISASSOCIATE};
                char ext2[256];
                int d = send_qbh(ctx, &t, vf, &dis, ext2, sizeof(ext2));
                ctx_clear_error(ctx);
                if (d < 0)
                        return ctx_fail(ctx, -ETIMEDOUT,
                                        "%s %s: no final answer to %s within %u ms (the driver reports %s); "
                                        "disassociating failed too: %s (%s)",
                                        t.ref.ifname, who, req, timeout_ms, now, strerror(-d), sriov_errno_name(d));
                return ctx_fail(ctx, -ETIMEDOUT,
                                "%s %s: no final answer to %s within %u ms (the driver reports %s): disassociated again",
                                t.ref.ifname, who, req, timeout_ms, now);
        }
        int e = port_response_errno(st.response);
        if (e < 0)
                return ctx_fail(ctx, e, "%s %s: %s of profile '%s' failed: %s answered %s (0x%03x): %s", t.ref.ifname,
                                who, req, p->profile, t.ref.driver, sriov_port_response_name(st.response), st.response,
                                sriov_port_response_message(st.response));
        return 0;
}

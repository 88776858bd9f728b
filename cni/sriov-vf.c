/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriov-vf: a CNI plugin (spec 1.1.0) that gives a pod or a KubeVirt VM
 * the VF the SR-IOV device plugin picked (deviceID), through libsriov:
 * the same allocation store and lock as `sriovctl attach`, so a VF is held
 * by exactly one guest or pod. ADD, DEL, CHECK, GC, STATUS, VERSION; the
 * result or the error JSON on stdout, notes on stderr. Its words (commands,
 * keys, variables, error codes): cni/cniwords.c, which --help and
 * sriov-vf(8) print; the guide: doc/kubernetes.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cni.h"
#include "ipam.h"
#include "sriov-version.h"

#define DEL_WAIT_MS 10000 /* a netns being destroyed gives its netdevs back within this */

struct run {
        struct sriov_ctx *ctx;
        const char *command, *container_id, *netns, *ifname, *cni_path;
        char *input;
        char *ipam_input;         /* input as the IPAM plugin is given it */
        struct cni_netconf conf;
        json_object *ipam_result; /* ADD */
        bool ipam_added;          /* ADD: the IPAM plugin gave a lease (DEL it if the ADD fails) */
        struct cni_error err;
};

static const char *version_of(const struct run *run)
{
        return run->conf.cni_version ? run->conf.cni_version : CNI_SPEC_VERSION;
}

static int print_error(const struct run *run)
{
        char *j = cni_error_json(&run->err, version_of(run));
        if (j) {
                puts(j);
                free(j);
        }
        /* details that start with the command ("DEL for container ...")
         * say it: once on the line */
        const char *cmd = run->command ? run->command : "";
        size_t n = strlen(cmd);
        bool said = n && strncmp(run->err.details, cmd, n) == 0 &&
                    (run->err.details[n] == ':' || run->err.details[n] == ' ');
        fprintf(stderr, "sriov-vf: %s%s%s: %s\n", said ? "" : cmd, said || !n ? "" : " ", run->err.msg,
                run->err.details);
        return 1;
}

static void print_notices(struct sriov_ctx *ctx)
{
        for (char *const *n = sriov_ctx_notices(ctx); n && *n; n++)
                fprintf(stderr, "sriov-vf: note: %s\n", *n);
}

/* The library's errno as the spec's or our code. */
static int lib_error(struct run *run, int r, const char *what)
{
        int code = CNI_ERR_FAILED;
        const char *msg = "the kernel or the driver refused";
        switch (-r) {
        case EADDRINUSE:
        case EBUSY:
        case EEXIST:
                code = CNI_ERR_VF_HELD, msg = "the VF is held or in use";
                break;
        case ENODEV:
                code = CNI_ERR_NO_VF, msg = "no such VF";
                break;
        case ETIMEDOUT:
        case EAGAIN:
                code = CNI_ERR_TRY_AGAIN, msg = "busy: try again later";
                break;
        }
        /* not the kernel's: the state directory (allocation store, locks)
         * cannot be used; the answer names it */
        const char *dir = code == CNI_ERR_FAILED ? sriov_ctx_error_state_dir(run->ctx) : NULL;
        char dir_msg[sizeof(run->err.msg)];
        if (dir) {
                snprintf(dir_msg, sizeof(dir_msg), "state directory %s cannot be used", dir);
                msg = dir_msg;
        }
        const char *why = sriov_ctx_error(run->ctx);
        cni_error_set(&run->err, code, msg, "%s: %s", what, *why ? why : strerror(-r));
        return r;
}

static char *read_stdin(void)
{
        size_t cap = 8192, have = 0;
        char *buf = malloc(cap);
        while (buf) {
                size_t n = fread(buf + have, 1, cap - have - 1, stdin);
                have += n;
                if (n == 0)
                        break;
                if (have + 1 >= cap) {
                        char *nb = realloc(buf, cap *= 2);
                        if (!nb)
                                free(buf);
                        buf = nb;
                }
        }
        if (buf)
                buf[have] = 0;
        return buf;
}

static int need_env(struct run *run, const char *name, const char **ret)
{
        const char *v = getenv(name);
        if (!v || !v[0]) {
                cni_error_set(&run->err, CNI_ERR_ENV, "missing environment variable", "%s %s needs %s", run->command,
                              run->conf.name ? run->conf.name : "", name);
                return -EINVAL;
        }
        *ret = v;
        return 0;
}

/* The configuration for the IPAM plugin: ours as it came, or, for a plugin
 * that predates our cniVersion (Debian 12's host-local stops at 1.0.0),
 * with the highest version both speak: the IPAM result of 1.0.0 and 1.1.0
 * is the same. */
static const char *ipam_input(struct run *run)
{
        if (run->ipam_input)
                return run->ipam_input;
        char v[16];
        json_object *copy = NULL;
        if (ipam_pick_version(run->conf.ipam_type, run->cni_path, run->conf.cni_version, v) == 0 &&
            strcmp(v, run->conf.cni_version) != 0 && json_object_deep_copy(run->conf.doc, &copy, NULL) == 0) {
                json_object_object_add(copy, "cniVersion", json_object_new_string(v));
                run->ipam_input = strdup(json_object_to_json_string_ext(copy, SRIOV_JSON_TEXT_FLAGS));
                json_object_put(copy);
        }
        if (!run->ipam_input)
                run->ipam_input = strdup(run->input);
        return run->ipam_input ? run->ipam_input : run->input;
}

static int ipam(struct run *run, const char *command, json_object **ret, struct cni_error *err)
{
        return ipam_call(run->conf.ipam_type, run->cni_path, command, ipam_input(run), ret, err);
}

/* ---- IP configuration: the IPAM plugin's result in the netns ----------- */

static int parse_cidr(const char *s, int *family, uint8_t addr[16], unsigned *prefix)
{
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", s);
        char *slash = strchr(buf, '/');
        if (!slash)
                return -EINVAL;
        *slash = 0;
        char *end;
        unsigned long p = strtoul(slash + 1, &end, 10);
        *family = strchr(buf, ':') ? AF_INET6 : AF_INET;
        if (*end || inet_pton(*family, buf, addr) != 1 || p > (*family == AF_INET ? 32u : 128u))
                return -EINVAL;
        *prefix = (unsigned)p;
        return 0;
}

static const char *jstr(json_object *o, const char *key)
{
        json_object *v;
        return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v)
                       : NULL;
}

/* res passed ipam_result_check: every type below is as the spec says. */
static int apply_ips(struct run *run, const struct sriov_pod_iface *io, json_object *res)
{
        json_object *ips = NULL, *routes = NULL;
        json_object_object_get_ex(res, "ips", &ips);
        json_object_object_get_ex(res, "routes", &routes);
        uint8_t gw4[16], gw6[16];
        bool has_gw4 = false, has_gw6 = false;
        for (size_t i = 0; ips && i < json_object_array_length(ips); i++) {
                json_object *ip = json_object_array_get_idx(ips, i);
                const char *a = jstr(ip, "address"), *gw = jstr(ip, "gateway");
                int fam;
                uint8_t addr[16];
                unsigned prefix;
                if (!a || parse_cidr(a, &fam, addr, &prefix) < 0) {
                        cni_error_set(&run->err, CNI_ERR_IPAM, "the IPAM plugin's result is not usable",
                                      "ips[%zu].address '%s' is not ADDRESS/PREFIX", i, a ? a : "");
                        return -EINVAL;
                }
                int r = sriov_netns_addr_add(run->ctx, run->netns, io->ifindex, fam, addr, prefix);
                if (r < 0)
                        return lib_error(run, r, a);
                if (gw && fam == AF_INET && !has_gw4)
                        has_gw4 = inet_pton(AF_INET, gw, gw4) == 1;
                if (gw && fam == AF_INET6 && !has_gw6)
                        has_gw6 = inet_pton(AF_INET6, gw, gw6) == 1;
        }
        for (size_t i = 0; routes && i < json_object_array_length(routes); i++) {
                json_object *rt = json_object_array_get_idx(routes, i);
                const char *dst = jstr(rt, "dst"), *gw = jstr(rt, "gw");
                int fam;
                uint8_t d[16], g[16];
                unsigned len;
                if (!dst || parse_cidr(dst, &fam, d, &len) < 0 || (gw && inet_pton(fam, gw, g) != 1)) {
                        cni_error_set(&run->err, CNI_ERR_IPAM, "the IPAM plugin's result is not usable",
                                      "routes[%zu]: dst '%s' gw '%s'", i, dst ? dst : "", gw ? gw : "");
                        return -EINVAL;
                }
                /* as the reference plugins: a route without gw goes via the
                 * family's gateway from ips */
                const uint8_t *via = gw ? g : fam == AF_INET ? (has_gw4 ? gw4 : NULL) : (has_gw6 ? gw6 : NULL);
                int r = sriov_netns_route_add(run->ctx, run->netns, io->ifindex, fam, d, len, via);
                if (r < 0)
                        return lib_error(run, r, dst);
        }
        return 0;
}

/* Runs under the store's lock with the ADD's record pending: a kill here
 * is rolled back by the next call (the IPAM plugin bounded by
 * IPAM_TIMEOUT_MS). A failure after the lease is given back by cmd_add. */
static int configure(struct sriov_ctx *ctx, const struct sriov_pod_iface *io, void *userdata)
{
        (void)ctx;
        struct run *run = userdata;
        if (!run->conf.ipam_type)
                return 0;
        int r = ipam(run, "ADD", &run->ipam_result, &run->err);
        if (r < 0)
                return r;
        run->ipam_added = true;
        if (!run->ipam_result)
                run->ipam_result = json_object_new_object(); /* printed nothing: no addresses */
        if (!run->ipam_result)
                return -ENOMEM;
        if ((r = ipam_result_check(run->ipam_result, &run->err)) < 0)
                return r;
        if (!io->vfio && (r = apply_ips(run, io, run->ipam_result)) < 0)
                return r;
        return 0;
}

static void add_result(const struct run *run, const struct sriov_pod_iface *io)
{
        const char *ver = version_of(run);
        bool v11 = cni_version_cmp(ver, "1.1.0") >= 0, v1 = cni_version_cmp(ver, "1.0.0") >= 0;
        json_object *o = json_object_new_object(), *ifs = json_object_new_array(), *i = json_object_new_object();
        json_object_object_add(o, "cniVersion", json_object_new_string(ver));
        json_object_object_add(i, "name", json_object_new_string(run->ifname));
        if (io->has_mac) {
                char mac[18];
                sriov_format_mac(io->mac, mac);
                json_object_object_add(i, "mac", json_object_new_string(mac));
        }
        if (v11 && io->mtu)
                json_object_object_add(i, "mtu", json_object_new_int64(io->mtu));
        json_object_object_add(i, "sandbox", json_object_new_string(run->netns));
        if (v11)
                json_object_object_add(i, "pciID", json_object_new_string(io->vf_address));
        json_object_array_add(ifs, i);
        json_object_object_add(o, "interfaces", ifs);
        /* the IPAM result passed ipam_result_check */
        json_object *res = run->ipam_result, *v;
        if (res && json_object_object_get_ex(res, "ips", &v) && v) {
                json_object *ips = json_object_new_array();
                for (size_t k = 0; k < json_object_array_length(v); k++) {
                        json_object *ip = json_object_new_object(), *src = json_object_array_get_idx(v, k);
                        const char *a = jstr(src, "address"), *gw = jstr(src, "gateway");
                        if (!v1)
                                json_object_object_add(ip, "version",
                                                       json_object_new_string(a && strchr(a, ':') ? "6" : "4"));
                        json_object_object_add(ip, "address", json_object_new_string(a ? a : ""));
                        if (gw)
                                json_object_object_add(ip, "gateway", json_object_new_string(gw));
                        json_object_object_add(ip, "interface", json_object_new_int(0));
                        json_object_array_add(ips, ip);
                }
                json_object_object_add(o, "ips", ips);
        }
        if (res && json_object_object_get_ex(res, "routes", &v) && v)
                json_object_object_add(o, "routes", json_object_get(v));
        if (res && json_object_object_get_ex(res, "dns", &v) && v)
                json_object_object_add(o, "dns", json_object_get(v));
        else if (json_object_object_get_ex(run->conf.doc, "dns", &v) && json_object_is_type(v, json_type_object))
                json_object_object_add(o, "dns", json_object_get(v));
        puts(json_object_to_json_string_ext(o, SRIOV_JSON_TEXT_FLAGS));
        json_object_put(o);
}

static void pod_request(const struct run *run, struct sriov_pod_request *req)
{
        *req = (struct sriov_pod_request){
                .container_id = run->container_id,
                .ifname = run->ifname,
                .netns = run->netns,
                .network = run->conf.name,
                .vf_address = run->conf.device_id,
                .config = run->conf.vf,
                .mtu = run->conf.mtu,
        };
}

/* The attachment's environment: CNI_CONTAINERID, CNI_IFNAME, CNI_NETNS. */
static int attachment_env(struct run *run, bool netns_required)
{
        int r;
        if ((r = need_env(run, "CNI_CONTAINERID", &run->container_id)) < 0 ||
            (r = need_env(run, "CNI_IFNAME", &run->ifname)) < 0)
                return r;
        if (!cni_container_id_valid(run->container_id)) {
                cni_error_set(&run->err, CNI_ERR_ENV, "invalid CNI_CONTAINERID",
                              "CNI_CONTAINERID '%s': letters, digits, '_', '.', '-', starting with a letter or digit",
                              run->container_id);
                return -EINVAL;
        }
        if (!cni_ifname_valid(run->ifname)) {
                cni_error_set(&run->err, CNI_ERR_ENV, "invalid CNI_IFNAME",
                              "CNI_IFNAME '%s' is not an interface name (1-15 characters, no '/', ':', '%%', blanks "
                              "or control characters)",
                              run->ifname);
                return -EINVAL;
        }
        run->netns = getenv("CNI_NETNS");
        if (run->netns && !run->netns[0])
                run->netns = NULL;
        if (netns_required && !run->netns)
                return need_env(run, "CNI_NETNS", &run->netns);
        if (netns_required && access(run->netns, F_OK) < 0) {
                cni_error_set(&run->err, CNI_ERR_UNKNOWN_CONTAINER, "the network namespace does not exist",
                              "CNI_NETNS %s: %s", run->netns, strerror(errno));
                return -ENOENT;
        }
        r = cni_args_check(getenv("CNI_ARGS"), &run->err);
        /* what ADD sets, CHECK compares */
        if (r == 0 && netns_required)
                r = cni_netconf_take_args(&run->conf, getenv("CNI_ARGS"), &run->err);
        return r;
}

static int need_device(struct run *run)
{
        if (run->conf.has_device)
                return 0;
        cni_error_set(&run->err, CNI_ERR_CONFIG, "invalid network configuration",
                      "NetConf: \"deviceID\" (the VF's PCI address, from the SR-IOV network device plugin) is "
                      "missing");
        return -EINVAL;
}

static int cmd_add(struct run *run)
{
        int r;
        if ((r = attachment_env(run, true)) < 0 || (r = need_device(run)) < 0)
                return r;
        if (run->conf.ipam_type && !run->cni_path && (r = need_env(run, "CNI_PATH", &run->cni_path)) < 0)
                return r;
        struct sriov_pod_request req;
        pod_request(run, &req);
        struct sriov_pod_iface io;
        r = sriov_pod_add(run->ctx, &req, 0, configure, run, &io);
        print_notices(run->ctx);
        if (r < 0) {
                /* undone: the lease too (the first failure is the answer) */
                struct cni_error e2;
                if (run->ipam_added && ipam(run, "DEL", NULL, &e2) < 0)
                        fprintf(stderr, "sriov-vf: note: giving the IPAM lease back: %s\n", e2.details);
                if (run->err.code) /* the IPAM step said it */
                        return r;
                char what[128];
                snprintf(what, sizeof(what), "ADD %s for container %s", run->conf.device_id, run->container_id);
                return lib_error(run, r, what);
        }
        add_result(run, &io);
        return 0;
}

static int cmd_del(struct run *run)
{
        int r;
        if ((r = attachment_env(run, false)) < 0)
                return r;
        bool found = false;
        /* by the attachment only: deviceID may name a VF another pod holds now */
        r = sriov_pod_del(run->ctx, run->container_id, run->ifname, DEL_WAIT_MS, &found);
        print_notices(run->ctx);
        if (r < 0) {
                char what[128];
                snprintf(what, sizeof(what), "DEL for container %s (%s)", run->container_id, run->ifname);
                return lib_error(run, r, what);
        }
        if (!found)
                fprintf(stderr, "sriov-vf: DEL: container %s holds no VF as %s: nothing to give back\n",
                        run->container_id, run->ifname);
        if (run->conf.ipam_type) {
                if (!run->cni_path && (r = need_env(run, "CNI_PATH", &run->cni_path)) < 0)
                        return r;
                if ((r = ipam(run, "DEL", NULL, &run->err)) < 0)
                        return r;
        }
        return 0;
}

/* CHECK's prevResult (ADD's result, when the runtime passes it) names our
 * interface in this sandbox. */
static int check_prev_result(struct run *run)
{
        json_object *ifs;
        if (!run->conf.prev_result || !json_object_object_get_ex(run->conf.prev_result, "interfaces", &ifs) ||
            !json_object_is_type(ifs, json_type_array))
                return 0;
        for (size_t i = 0; i < json_object_array_length(ifs); i++) {
                json_object *f = json_object_array_get_idx(ifs, i);
                const char *name = jstr(f, "name"), *sandbox = jstr(f, "sandbox");
                if (!name || strcmp(name, run->ifname) != 0)
                        continue;
                if (sandbox && strcmp(sandbox, run->netns) != 0) {
                        cni_error_set(&run->err, CNI_ERR_CHECK, "the attachment is not as ADD left it",
                                      "prevResult: %s was in sandbox %s, CNI_NETNS is %s", name, sandbox, run->netns);
                        return -EIO;
                }
                return 0;
        }
        cni_error_set(&run->err, CNI_ERR_CHECK, "the attachment is not as ADD left it",
                      "prevResult lists no interface %s", run->ifname);
        return -EIO;
}

static int cmd_check(struct run *run)
{
        int r;
        if ((r = attachment_env(run, true)) < 0 || (r = need_device(run)) < 0)
                return r;
        if ((r = check_prev_result(run)) < 0)
                return r;
        struct sriov_pod_request req;
        pod_request(run, &req);
        r = sriov_pod_check(run->ctx, &req);
        print_notices(run->ctx);
        if (r < 0) {
                const char *why = sriov_ctx_error(run->ctx);
                if (r == -ETIMEDOUT)
                        return lib_error(run, r, "CHECK");
                cni_error_set(&run->err, CNI_ERR_CHECK, "the attachment is not as ADD left it", "%s",
                              *why ? why : strerror(-r));
                return r;
        }
        if (run->conf.ipam_type) {
                if (!run->cni_path && (r = need_env(run, "CNI_PATH", &run->cni_path)) < 0)
                        return r;
                return ipam(run, "CHECK", NULL, &run->err);
        }
        return 0;
}

static int cmd_gc(struct run *run)
{
        /* without a list GC would free every attachment of the network */
        json_object *lists[] = {run->conf.valid_attachments, run->conf.attachments};
        if (!lists[0] && !lists[1]) {
                cni_error_set(&run->err, CNI_ERR_CONFIG, "invalid network configuration",
                              "GC needs \"cni.dev/valid-attachments\" (or \"cni.dev/attachments\"), the "
                              "attachments still in use: without it nothing is freed");
                return -EINVAL;
        }
        size_t n = 0;
        for (size_t l = 0; l < 2; l++)
                n += lists[l] ? json_object_array_length(lists[l]) : 0;
        struct sriov_pod_key *keys = calloc(n ? n : 1, sizeof(*keys));
        if (!keys)
                return -ENOMEM;
        n = 0;
        for (size_t l = 0; l < 2; l++)
                for (size_t i = 0; lists[l] && i < json_object_array_length(lists[l]); i++, n++) {
                        keys[n].container_id = jstr(json_object_array_get_idx(lists[l], i), "containerID");
                        keys[n].ifname = jstr(json_object_array_get_idx(lists[l], i), "ifname");
                }
        unsigned released = 0;
        int r = sriov_pod_gc(run->ctx, run->conf.name, keys, n, DEL_WAIT_MS, &released);
        free(keys);
        print_notices(run->ctx);
        if (r < 0)
                return lib_error(run, r, "GC");
        if (released)
                fprintf(stderr, "sriov-vf: GC: released %u attachment%s of network '%s'\n", released,
                        released == 1 ? "" : "s", run->conf.name);
        /* an IPAM plugin older than 1.1.0 has no GC */
        if (run->conf.ipam_type && run->cni_path && ipam_speaks(run->conf.ipam_type, run->cni_path, "1.1.0"))
                return ipam_call(run->conf.ipam_type, run->cni_path, "GC", run->input, NULL, &run->err);
        return 0;
}

static int cmd_status(struct run *run)
{
        /* the store usable, its lock obtainable: ADDs can be taken; what a
         * killed ADD left is rolled back on the way */
        int r = sriov_pod_status(run->ctx, 0);
        print_notices(run->ctx);
        if (r < 0) {
                const char *dir = sriov_ctx_error_state_dir(run->ctx);
                char msg[sizeof(run->err.msg)];
                snprintf(msg, sizeof(msg), "the allocation store%s%s is not usable", dir ? " in " : "", dir ? dir : "");
                cni_error_set(&run->err, r == -ETIMEDOUT ? CNI_ERR_TRY_AGAIN : CNI_ERR_NOT_AVAILABLE, msg, "%s",
                              *sriov_ctx_error(run->ctx) ? sriov_ctx_error(run->ctx) : strerror(-r));
                return r;
        }
        if (run->conf.ipam_type && run->cni_path && ipam_speaks(run->conf.ipam_type, run->cni_path, "1.1.0"))
                return ipam_call(run->conf.ipam_type, run->cni_path, "STATUS", run->input, NULL, &run->err);
        return 0;
}

/* The spec: VERSION answers with the request's cniVersion (the plugin's
 * own when stdin names none). */
static int cmd_version(void)
{
        char *in = read_stdin();
        json_object *req = in ? json_tokener_parse(in) : NULL, *v;
        free(in);
        const char *asked = json_object_object_get_ex(req, "cniVersion", &v) && json_object_is_type(v, json_type_string)
                                    ? json_object_get_string(v)
                                    : "";
        bool ok = asked[0] && strlen(asked) < 16 && strspn(asked, "0123456789.") == strlen(asked);
        json_object *o = json_object_new_object(), *l = json_object_new_array();
        json_object_object_add(o, "cniVersion", json_object_new_string(ok ? asked : CNI_SPEC_VERSION));
        json_object_put(req);
        for (size_t i = 0; cni_supported_versions[i]; i++)
                json_object_array_add(l, json_object_new_string(cni_supported_versions[i]));
        json_object_object_add(o, "supportedVersions", l);
        puts(json_object_to_json_string_ext(o, SRIOV_JSON_TEXT_FLAGS));
        json_object_put(o);
        return 0;
}

static int run_plugin(void)
{
        struct run run = {.command = getenv("CNI_COMMAND")};
        char known[128] = "";
        for (size_t i = 0; i < N_CNI_COMMANDS; i++)
                snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
                         i == 0 ? "" : i + 1 == N_CNI_COMMANDS ? " or " : ", ", cni_commands[i].name);
        if (!run.command || !run.command[0]) {
                cni_error_set(&run.err, CNI_ERR_ENV, "CNI_COMMAND is not set",
                              "sriov-vf is a CNI plugin: CNI_COMMAND is %s (sriov-vf --help)", known);
                return print_error(&run);
        }
        enum cni_command k = cni_command_find(run.command);
        if (k == CNI_CMD_VERSION)
                return cmd_version();
        if (k == N_CNI_COMMANDS) {
                cni_error_set(&run.err, CNI_ERR_ENV, "unknown CNI_COMMAND", "CNI_COMMAND '%s': %s", run.command,
                              known);
                return print_error(&run);
        }
        run.cni_path = getenv("CNI_PATH");
        if (run.cni_path && !run.cni_path[0])
                run.cni_path = NULL;
        if (!(run.input = read_stdin()))
                return 1;
        int r = cni_netconf_parse(run.input, &run.conf, &run.err);
        if (r < 0)
                return print_error(&run);
        const char *since = cni_commands[k].value; /* CHECK, GC, STATUS */
        if (since && cni_version_cmp(run.conf.cni_version, since) < 0) {
                cni_error_set(&run.err, CNI_ERR_VERSION, "incompatible CNI version",
                              "%s exists from CNI %s on; the configuration says %s", run.command, since,
                              run.conf.cni_version);
                r = -EINVAL;
        }
        if (r == 0 && (r = sriov_ctx_new(&run.ctx)) == 0) {
                const char *dir = getenv("SRIOV_STATE_DIR");
                if (dir && dir[0])
                        r = sriov_ctx_set_state_dir(run.ctx, dir);
        }
        if (r == 0) {
                switch (k) {
                case CNI_CMD_ADD: r = cmd_add(&run); break;
                case CNI_CMD_DEL: r = cmd_del(&run); break;
                case CNI_CMD_CHECK: r = cmd_check(&run); break;
                case CNI_CMD_GC: r = cmd_gc(&run); break;
                case CNI_CMD_STATUS: r = cmd_status(&run); break;
                case CNI_CMD_VERSION: /* answered above */
                case N_CNI_COMMANDS: break;
                }
        }
        if (r < 0 && !run.err.code)
                lib_error(&run, r, run.command);
        int rc = r < 0 ? print_error(&run) : 0;
        json_object_put(run.ipam_result);
        cni_netconf_done(&run.conf);
        sriov_ctx_free(run.ctx);
        free(run.input);
        free(run.ipam_input);
        return rc;
}

/* A runtime runs the plugin without arguments; a person may ask it what
 * it is. */
static int run_arguments(int argc, char **argv)
{
        bool version = strcmp(argv[1], "--version") == 0;
        bool help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
        if (argc == 2 && version) {
                printf("sriov-vf (sriov-manager) %s\n", SRIOV_MANAGER_VERSION);
                return 0;
        }
        if (argc == 2 && help) {
                cni_help(stdout);
                return 0;
        }
        fprintf(stderr,
                "sriov-vf: unexpected argument '%s': a CNI plugin takes none (the runtime sets CNI_COMMAND and "
                "passes the NetConf on stdin)\nTry 'sriov-vf --help'.\n",
                argv[version || help ? 2 : 1]);
        return 2;
}

int main(int argc, char **argv)
{
        int rc = argc > 1 ? run_arguments(argc, argv) : run_plugin();
        /* a result or error JSON the runtime did not get is a failure */
        int r = sriov_stream_done(stdout, true);
        if (r < 0) {
                fprintf(stderr, "sriov-vf: writing standard output: %s\n", strerror(-r));
                return 1;
        }
        return rc;
}

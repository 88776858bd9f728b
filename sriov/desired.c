/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The desired state: what each PF and its VFs should look like, read from
 * CONFIG_DIR/ *.conf (default /etc/sriov). One line per PF or VF; VF lines
 * use the words of `sriovctl set` (vf_words_parse), so there is one grammar
 * for VF settings. Everything is validated before anything is returned. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "internal.h"
#include "state.h"
#include "vfcfg.h"
#include "vfparse.h"

#define NUMVFS_MAX 65535 /* TotalVFs is a 16-bit field of the SR-IOV capability */

static void desired_vf_done(struct sriov_desired_vf *v)
{
        free(v->origin);
}

static void desired_pf_done(struct sriov_desired_pf *p)
{
        for (size_t i = 0; i < p->n_vfs; i++)
                desired_vf_done(&p->vfs[i]);
        free(p->vfs);
        free(p->id);
        free(p->origin);
}

struct sriov_desired *sriov_desired_free(struct sriov_desired *d)
{
        if (!d)
                return NULL;
        for (size_t i = 0; i < d->n_pfs; i++)
                desired_pf_done(&d->pfs[i]);
        free(d->pfs);
        strv_free(d->files);
        free(d);
        return NULL;
}

static void desired_freep(struct sriov_desired **d) { sriov_desired_free(*d); }
#define _cleanup_desired_ _cleanup_(desired_freep)

static const char *key_word(enum sriov_pf_key k)
{
        switch (k) {
        case SRIOV_PF_KEY_DEVICE:
                return "device";
        case SRIOV_PF_KEY_MAC:
                return "mac";
        case SRIOV_PF_KEY_NAME:
                return "name";
        case SRIOV_PF_KEY_ADDRESS:
                break;
        }
        return "address";
}

/* ---- parsing ------------------------------------------------------------- */

static int parse_number(const char *s, uint64_t max, uint64_t *ret)
{
        if (!s[0] || s[0] == '-' || s[0] == '+')
                return -EINVAL;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || *end || v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

struct parser {
        struct sriov_ctx *ctx;
        struct sriov_desired *d;
        const char *file;
        unsigned line;
        struct sriov_desired_pf *pf; /* the pf line VF lines belong to (in this file) */
        bool is_config;              /* a line of this file started with pf or vf */
};

#define PFAIL(p, fmt, ...) ctx_fail((p)->ctx, -EINVAL, "%s:%u: " fmt, (p)->file, (p)->line, ##__VA_ARGS__)

static int origin(const struct parser *p, char **ret)
{
        return asprintf(ret, "%s:%u", p->file, p->line) < 0 ? -ENOMEM : 0;
}

static bool valid_ifname(const char *s)
{
        return s[0] && strlen(s) < SRIOV_IFNAME_MAX && !strchr(s, '/') && !strchr(s, ':') && strcmp(s, ".") != 0 &&
               strcmp(s, "..") != 0;
}

/* pf ADDRESS | pf device NAME | pf mac ADDR | pf name IFNAME, then options */
static int parse_pf(struct parser *p, char **w, size_t n)
{
        if (n < 2)
                return PFAIL(p, "pf: missing the PF (a PCI address, device NAME, mac ADDR or name IFNAME)");
        struct sriov_desired_pf pf = {.numvfs = SRIOV_ABSENT, .autoprobe = -1};
        size_t i = 2;
        char canon[24]; /* a PCI address (16) or a MAC (18) */
        struct sriov_pci_addr a;
        uint8_t mac[6];
        const char *value = NULL;
        if (strcmp(w[1], "device") == 0 || strcmp(w[1], "mac") == 0 || strcmp(w[1], "name") == 0) {
                if (n < 3)
                        return PFAIL(p, "pf %s: missing its value", w[1]);
                value = w[2];
                i = 3;
                if (strcmp(w[1], "device") == 0) {
                        pf.key = SRIOV_PF_KEY_DEVICE;
                        if (!value[0] || strchr(value, '/') || strcmp(value, ".") == 0 || strcmp(value, "..") == 0)
                                return PFAIL(p, "pf device '%s': a bus device name (as in /sys/bus/*/devices) has "
                                                "no '/'",
                                             value);
                } else if (strcmp(w[1], "mac") == 0) {
                        pf.key = SRIOV_PF_KEY_MAC;
                        if (vf_mac_parse(value, mac) < 0)
                                return PFAIL(p, "pf mac '%s': malformed MAC address (six hex pairs XX:XX:XX:XX:XX:XX)",
                                             value);
                        if (mac[0] & 1 || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
                                return PFAIL(p, "pf mac '%s': a PF's permanent MAC is a unicast, non-zero address",
                                             value);
                        sriov_format_mac(mac, canon);
                        value = canon;
                } else {
                        pf.key = SRIOV_PF_KEY_NAME;
                        if (!valid_ifname(value))
                                return PFAIL(p, "pf name '%s': an interface name has 1-15 characters, no '/' or ':'",
                                             value);
                }
        } else if (pci_addr_parse(w[1], &a) == 0) {
                pf.key = SRIOV_PF_KEY_ADDRESS;
                pci_addr_format(&a, canon);
                value = canon;
        } else {
                return PFAIL(p, "pf '%s': not a PCI address (DDDD:BB:SS.F); other PFs are named by device NAME, "
                                "mac ADDR or name IFNAME",
                             w[1]);
        }
        bool seen_numvfs = false, seen_autoprobe = false;
        for (; i < n; i += 2) {
                const char *word = w[i];
                bool is_numvfs = strcmp(word, "numvfs") == 0, is_autoprobe = strcmp(word, "autoprobe") == 0;
                if (!is_numvfs && !is_autoprobe)
                        return PFAIL(p, "pf %s: unknown word '%s' (expected numvfs or autoprobe; VF settings go on "
                                        "`vf N` lines)",
                                     value, word);
                if ((is_numvfs && seen_numvfs) || (is_autoprobe && seen_autoprobe))
                        return PFAIL(p, "pf %s: %s is given twice", value, word);
                if (i + 1 >= n)
                        return PFAIL(p, "pf %s: %s needs a value", value, word);
                const char *v = w[i + 1];
                if (is_numvfs) {
                        uint64_t u;
                        if (parse_number(v, NUMVFS_MAX, &u) < 0)
                                return PFAIL(p, "pf %s: numvfs '%s': the number of VFs is a decimal number 0-%d", value,
                                             v, NUMVFS_MAX);
                        pf.numvfs = (int64_t)u;
                        seen_numvfs = true;
                } else {
                        if (strcmp(v, "on") == 0)
                                pf.autoprobe = 1;
                        else if (strcmp(v, "off") == 0)
                                pf.autoprobe = 0;
                        else
                                return PFAIL(p, "pf %s: autoprobe '%s': must be on or off", value, v);
                        seen_autoprobe = true;
                }
        }
        for (size_t k = 0; k < p->d->n_pfs; k++) {
                const struct sriov_desired_pf *o = &p->d->pfs[k];
                if (o->key == pf.key && strcmp(o->id, value) == 0)
                        return PFAIL(p, "pf %s%s%s is already described at %s: one pf line per PF",
                                     pf.key == SRIOV_PF_KEY_ADDRESS ? "" : key_word(pf.key),
                                     pf.key == SRIOV_PF_KEY_ADDRESS ? "" : " ", value, o->origin);
        }
        struct sriov_desired_pf *np = realloc(p->d->pfs, (p->d->n_pfs + 1) * sizeof(*np));
        if (!np)
                return -ENOMEM;
        p->d->pfs = np;
        pf.id = strdup(value);
        if (!pf.id || origin(p, &pf.origin) < 0) {
                free(pf.id);
                return -ENOMEM;
        }
        p->d->pfs[p->d->n_pfs] = pf;
        p->pf = &p->d->pfs[p->d->n_pfs++];
        return 0;
}

/* vf N [set words] [port-profile NAME [instance UUID] [host UUID]] */
static int parse_vf(struct parser *p, char **w, size_t n)
{
        struct sriov_desired_pf *pf = p->pf;
        if (!pf)
                return PFAIL(p, "vf: a vf line belongs to a pf line, and none comes before it in this file");
        if (n < 2)
                return PFAIL(p, "vf: missing the VF number");
        uint64_t u;
        if (parse_number(w[1], NUMVFS_MAX - 1, &u) < 0)
                return PFAIL(p, "vf '%s': a VF number is a decimal number 0-%d", w[1], NUMVFS_MAX - 1);
        unsigned vf = (unsigned)u;
        if (pf->numvfs != SRIOV_ABSENT && (int64_t)vf >= pf->numvfs)
                return PFAIL(p, "vf %u: beyond numvfs %" PRId64 " of pf %s (at %s): VFs are numbered 0-%" PRId64, vf,
                             pf->numvfs, pf->id, pf->origin, pf->numvfs - 1);
        for (size_t k = 0; k < pf->n_vfs; k++)
                if (pf->vfs[k].vf == vf)
                        return PFAIL(p, "vf %u of pf %s is already described at %s: one line per VF", vf, pf->id,
                                     pf->vfs[k].origin);
        struct sriov_desired_vf v = {.vf = vf};
        /* take the port-profile words out; the rest is the `set` grammar */
        _cleanup_free_ char **rest = calloc(n, sizeof(char *));
        if (!rest)
                return -ENOMEM;
        size_t n_rest = 0;
        for (size_t i = 2; i < n; i++) {
                bool is_profile = strcmp(w[i], "port-profile") == 0;
                bool is_port_field = strcmp(w[i], "instance") == 0 || strcmp(w[i], "host") == 0;
                if (!is_profile && !is_port_field) {
                        rest[n_rest++] = w[i];
                        continue;
                }
                if (is_port_field && !v.has_port)
                        return PFAIL(p, "vf %u: %s belongs to a port-profile (port-profile NAME %s UUID)", vf, w[i],
                                     w[i]);
                if (is_profile && v.has_port)
                        return PFAIL(p, "vf %u: port-profile is given twice", vf);
                if (i + 1 >= n)
                        return PFAIL(p, "vf %u: %s needs a value", vf, w[i]);
                uint32_t bit = is_profile ? SRIOV_PORT_F_PROFILE
                               : strcmp(w[i], "instance") == 0 ? SRIOV_PORT_F_INSTANCE
                                                               : SRIOV_PORT_F_HOST;
                if (!is_profile && (v.port.present & bit))
                        return PFAIL(p, "vf %u: %s is given twice", vf, w[i]);
                int r = sriov_port_parse_field(p->ctx, &v.port, is_profile ? "profile" : w[i], w[i + 1]);
                if (r < 0) {
                        ctx_error_prefix(p->ctx, "%s:%u: vf %u", p->file, p->line, vf);
                        return r;
                }
                v.has_port = true;
                i++;
        }
        if (v.has_port) {
                v.port.request = SRIOV_PORT_ASSOCIATE;
                v.port.present |= SRIOV_PORT_F_REQUEST;
                int r = sriov_port_validate(p->ctx, &v.port);
                if (r < 0) {
                        ctx_error_prefix(p->ctx, "%s:%u: vf %u", p->file, p->line, vf);
                        return r;
                }
        }
        if (n_rest) {
                int r = vf_words_parse(p->ctx, pf->id, vf, rest, n_rest, &v.config);
                if (r < 0) {
                        ctx_error_prefix(p->ctx, "%s:%u", p->file, p->line);
                        return r;
                }
        } else if (!v.has_port)
                return PFAIL(p, "vf %u: nothing to set (the words of `sriovctl set`, or port-profile NAME)", vf);
        /* kept in ascending VF order */
        struct sriov_desired_vf *nv = realloc(pf->vfs, (pf->n_vfs + 1) * sizeof(*nv));
        if (!nv)
                return -ENOMEM;
        pf->vfs = nv;
        if (origin(p, &v.origin) < 0)
                return -ENOMEM;
        size_t at = pf->n_vfs;
        while (at > 0 && pf->vfs[at - 1].vf > vf)
                at--;
        memmove(&pf->vfs[at + 1], &pf->vfs[at], (pf->n_vfs - at) * sizeof(*nv));
        pf->vfs[at] = v;
        pf->n_vfs++;
        return 0;
}

/* Adds one file's text to d. */
static int add_text(struct sriov_ctx *ctx, struct sriov_desired *d, const char *name, const char *text)
{
        if (strv_push(&d->files, name) < 0)
                return -ENOMEM;
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        struct parser p = {.ctx = ctx, .d = d, .file = name};
        char *next = NULL;
        /* by hand, not strtok: empty lines keep their numbers */
        for (char *line = copy; line; line = next) {
                p.line++;
                char *nl = strchr(line, '\n');
                next = nl ? nl + 1 : NULL;
                if (nl)
                        *nl = 0;
                _cleanup_free_ char **w = NULL;
                size_t n = 0;
                int r = split_words(line, &w, &n);
                if (r < 0)
                        return r;
                if (n == 0)
                        continue;
                if (strcmp(w[0], "pf") == 0)
                        r = parse_pf(&p, w, n); /* moves d->pfs: p.pf is set anew */
                else if (strcmp(w[0], "vf") == 0)
                        r = parse_vf(&p, w, n);
                else if (!p.is_config)
                        /* not a configuration file at all (a link or copy of
                         * another file): its text stays out of the message,
                         * which may end up in a log others read */
                        r = PFAIL(&p, "not a configuration file: its first line starts with neither pf nor vf "
                                      "(the text is not shown)");
                else
                        r = PFAIL(&p, "unknown word '%s' at the start of a line (expected pf or vf)", w[0]);
                p.is_config = true;
                if (r < 0)
                        return r;
        }
        return 0;
}

int sriov_desired_parse_text(struct sriov_ctx *ctx, const char *name, const char *text, struct sriov_desired **ret)
{
        ctx_clear_error(ctx);
        _cleanup_desired_ struct sriov_desired *d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        int r = add_text(ctx, d, name, text);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(d);
        return 0;
}

/* A symbolic link among the configuration files must point into the
 * config directory (a.conf -> a.conf.d/x, or into a subdirectory): one out
 * of it would make whatever file it names configuration, and its text the
 * words of error messages. *ret: the path to open, without links. */
static int link_target(struct sriov_ctx *ctx, const char *dir, const char *path, char **ret)
{
        _cleanup_free_ char *realdir = realpath(dir, NULL), *target = realpath(path, NULL);
        if (!realdir || !target)
                return ctx_fail(ctx, -errno, "%s: %s", path, strerror(errno));
        size_t n = strlen(realdir);
        if (strncmp(target, realdir, n) != 0 || (target[n] != '/' && strcmp(realdir, "/") != 0))
                return ctx_fail(ctx, -EPERM,
                                "%s: a symbolic link to %s, outside the config directory %s: not read (copy the "
                                "file into %s instead)",
                                path, target, realdir, realdir);
        *ret = TAKE_PTR(target);
        return 0;
}

static int read_text(struct sriov_ctx *ctx, int dirfd, const char *dir, const char *path, const char *name,
                     char **ret)
{
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return ctx_fail(ctx, -errno, "%s: %s", path, strerror(errno));
        _cleanup_free_ char *target = NULL;
        int r;
        if (S_ISLNK(st.st_mode) && (r = link_target(ctx, dir, path, &target)) < 0)
                return r;
        /* the target is opened without following links again, so the
         * link cannot be turned outwards between the check and the open;
         * O_NONBLOCK: a FIFO is refused below, not waited on */
        _cleanup_close_ int fd =
                target ? open(target, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
                       : openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return ctx_fail(ctx, -errno, "%s: %s", path, strerror(errno));
        if (fstat(fd, &st) < 0)
                return ctx_fail(ctx, -errno, "%s: %s", path, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return ctx_fail(ctx, -EINVAL, "%s: not a regular file: not read", path);
        /* the desired state is put on VFs by root's udev-event: nobody
         * else may write it, the same rule as for the state directory */
        if ((r = check_trusted(ctx, "config file", path, &st, true)) < 0)
                return r;
        FILE *f = fdopen(fd, "re");
        if (!f)
                return -errno;
        TAKE_FD(fd);
        _cleanup_fclose_ FILE *in = f;
        return read_text_stream(ctx, in, path, ret);
}

static bool is_conf(const char *name)
{
        size_t n = strlen(name);
        return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

int sriov_desired_load(struct sriov_ctx *ctx, const char *dir, struct sriov_desired **ret)
{
        ctx_clear_error(ctx);
        if (!dir)
                dir = SRIOV_CONFIG_DIR_DEFAULT;
        _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return ctx_fail(ctx, -errno, "config directory %s: %s", dir, strerror(errno));
        struct stat dst;
        if (fstat(dfd, &dst) < 0)
                return ctx_fail(ctx, -errno, "config directory %s: %s", dir, strerror(errno));
        int r = check_trusted(ctx, "config directory", dir, &dst, true);
        if (r < 0)
                return r;
        int fd2 = dup(dfd);
        if (fd2 < 0)
                return -errno;
        DIR *dh = fdopendir(fd2);
        if (!dh) {
                close(fd2);
                return -errno;
        }
        _cleanup_strv_free_ char **names = NULL;
        struct dirent *de;
        while ((de = readdir(dh)))
                if (is_conf(de->d_name) && (r = strv_push(&names, de->d_name)) < 0)
                        break;
        closedir(dh);
        if (r < 0)
                return r;
        strv_sort(names);
        _cleanup_desired_ struct sriov_desired *d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        if (!(d->files = calloc(1, sizeof(char *))))
                return -ENOMEM;
        for (char **n = names; n && *n; n++) {
                _cleanup_free_ char *path = NULL, *text = NULL;
                if (asprintf(&path, "%s/%s", dir, *n) < 0)
                        return -ENOMEM;
                struct stat st;
                if (fstatat(dfd, *n, &st, 0) == 0 && S_ISDIR(st.st_mode))
                        continue; /* a directory named x.conf */
                if ((r = read_text(ctx, dfd, dir, path, *n, &text)) < 0 || (r = add_text(ctx, d, path, text)) < 0)
                        return r;
        }
        *ret = TAKE_PTR(d);
        return 0;
}

/* ---- show ------------------------------------------------------------------ */

static const uint32_t render_order[] = {
        SRIOV_VF_MAC,       SRIOV_VF_VLAN,     SRIOV_VF_SPOOFCHK, SRIOV_VF_TRUST,
        SRIOV_VF_LINK_STATE, SRIOV_VF_MIN_RATE, SRIOV_VF_MAX_RATE, SRIOV_VF_QUERY_RSS,
};

int sriov_desired_render(const struct sriov_desired *d, char **ret)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_pfs; i++) {
                const struct sriov_desired_pf *pf = &d->pfs[i];
                fprintf(f, "%s# %s\npf ", i ? "\n" : "", pf->origin);
                if (pf->key != SRIOV_PF_KEY_ADDRESS)
                        fprintf(f, "%s ", key_word(pf->key));
                fputs(pf->id, f);
                if (pf->numvfs != SRIOV_ABSENT)
                        fprintf(f, " numvfs %" PRId64, pf->numvfs);
                if (pf->autoprobe >= 0)
                        fprintf(f, " autoprobe %s", pf->autoprobe ? "on" : "off");
                fputc('\n', f);
                for (size_t k = 0; k < pf->n_vfs; k++) {
                        const struct sriov_desired_vf *v = &pf->vfs[k];
                        fprintf(f, "vf %u", v->vf);
                        uint32_t set = v->config.set;
                        if (set & SRIOV_VF_RATE)
                                set |= SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE;
                        for (size_t b = 0; b < ELEMENTSOF(render_order); b++) {
                                if (!(set & render_order[b]))
                                        continue;
                                char buf[96];
                                vf_attr_describe(render_order[b], &v->config, buf, sizeof(buf));
                                fprintf(f, " %s", buf);
                        }
                        if (v->has_port) {
                                char uuid[37];
                                fprintf(f, " port-profile %s", v->port.profile);
                                if (v->port.present & SRIOV_PORT_F_INSTANCE) {
                                        sriov_uuid_format(v->port.instance_uuid, uuid);
                                        fprintf(f, " instance %s", uuid);
                                }
                                if (v->port.present & SRIOV_PORT_F_HOST) {
                                        sriov_uuid_format(v->port.host_uuid, uuid);
                                        fprintf(f, " host %s", uuid);
                                }
                        }
                        fprintf(f, "\n");
                }
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (!text && !(text = strdup("")))
                return -ENOMEM;
        *ret = TAKE_PTR(text);
        return 0;
}

/* ---- which entry describes a PF ------------------------------------------------ */

/* The permanent MAC of a netdev, as the kernel's IFLA_PERM_ADDRESS says; in
 * sysfs only `address` exists, which is the permanent one while
 * addr_assign_type is 0 (NET_ADDR_PERM) and nobody changed it. Reading the
 * permanent one needs the real netdev (ethtool), so with a fixture tree the
 * sysfs address is taken. */
static int perm_mac(struct sriov_ctx *ctx, const char *ifname, uint8_t ret[6])
{
        if (!ctx->sysfs_root_explicit) {
                _cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                /* the header and the 32 bytes its flexible array may fill */
                _Alignas(struct ethtool_perm_addr) uint8_t buf[sizeof(struct ethtool_perm_addr) + 32] = {0};
                struct ethtool_perm_addr *req = (struct ethtool_perm_addr *)buf;
                req->cmd = ETHTOOL_GPERMADDR;
                req->size = 32;
                struct ifreq ifr = {0};
                snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
                ifr.ifr_data = (void *)buf;
                if (s >= 0 && ioctl(s, SIOCETHTOOL, &ifr) == 0 && req->size == 6) {
                        memcpy(ret, req->data, 6);
                        if (ret[0] | ret[1] | ret[2] | ret[3] | ret[4] | ret[5])
                                return 0;
                }
        }
        _cleanup_free_ char *path = NULL, *text = NULL;
        if (asprintf(&path, "class/net/%s/address", ifname) < 0)
                return -ENOMEM;
        int r = sysfs_read_line(ctx, path, &text);
        if (r < 0) {
                ctx_clear_error(ctx);
                return r;
        }
        return vf_mac_parse(text, ret);
}

static bool entry_matches(struct sriov_ctx *ctx, const struct sriov_desired_pf *pf, const char *name, char **netdevs)
{
        uint8_t want[6], have[6];
        switch (pf->key) {
        case SRIOV_PF_KEY_ADDRESS:
        case SRIOV_PF_KEY_DEVICE:
                return strcmp(pf->id, name) == 0;
        case SRIOV_PF_KEY_NAME:
                for (char **n = netdevs; n && *n; n++)
                        if (strcmp(*n, pf->id) == 0)
                                return true;
                return false;
        case SRIOV_PF_KEY_MAC:
                if (vf_mac_parse(pf->id, want) < 0)
                        return false;
                for (char **n = netdevs; n && *n; n++)
                        if (perm_mac(ctx, *n, have) == 0 && memcmp(want, have, 6) == 0)
                                return true;
                return false;
        }
        return false;
}

int sriov_desired_find(struct sriov_ctx *ctx, const struct sriov_desired *d, const char *devdir,
                       const struct sriov_desired_pf **ret)
{
        const char *base = strrchr(devdir, '/');
        base = base ? base + 1 : devdir;
        _cleanup_free_ char *netdir = NULL;
        if (asprintf(&netdir, "%s/net", devdir) < 0)
                return -ENOMEM;
        _cleanup_strv_free_ char **netdevs = NULL;
        if (sysfs_list(ctx, netdir, NULL, &netdevs) < 0)
                ctx_clear_error(ctx);
        const struct sriov_desired_pf *found = NULL;
        for (size_t i = 0; i < d->n_pfs; i++) {
                const struct sriov_desired_pf *pf = &d->pfs[i];
                if (!entry_matches(ctx, pf, base, netdevs))
                        continue;
                if (found)
                        return ctx_fail(ctx, -EINVAL,
                                        "%s is described twice: at %s (pf %s%s%s) and at %s (pf %s%s%s): one entry per "
                                        "PF",
                                        base, found->origin, found->key == SRIOV_PF_KEY_ADDRESS ? "" : key_word(found->key),
                                        found->key == SRIOV_PF_KEY_ADDRESS ? "" : " ", found->id, pf->origin,
                                        pf->key == SRIOV_PF_KEY_ADDRESS ? "" : key_word(pf->key),
                                        pf->key == SRIOV_PF_KEY_ADDRESS ? "" : " ", pf->id);
                found = pf;
        }
        if (!found)
                return -ENOENT;
        *ret = found;
        return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Renderings of the inventory: aligned text tables, JSON (json-c) and XML
 * (libxml2). They return strings; the caller decides where they go. */
#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

#include "internal.h"
#include "render.h"

/* ---- text tables ------------------------------------------------------- */

struct table {
        size_t cols;
        char **cells; /* rows * cols, row-major */
        size_t rows;
        int err;
};

static void table_row(struct table *t, ...)
{
        if (t->err)
                return;
        char **cells = realloc(t->cells, (t->rows + 1) * t->cols * sizeof(char *));
        if (!cells) {
                t->err = -ENOMEM;
                return;
        }
        t->cells = cells;
        va_list ap;
        va_start(ap, t);
        for (size_t c = 0; c < t->cols; c++) {
                const char *s = va_arg(ap, const char *);
                cells[t->rows * t->cols + c] = strdup(s ? s : "-");
                if (!cells[t->rows * t->cols + c])
                        t->err = -ENOMEM;
        }
        va_end(ap);
        t->rows++;
}

/* Writes the table with columns padded to their widest cell; the last
 * column is not padded. */
static void table_print(struct table *t, FILE *f, const char *indent)
{
        size_t width[16] = {0};
        for (size_t r = 0; r < t->rows; r++)
                for (size_t c = 0; c < t->cols && c < ELEMENTSOF(width); c++) {
                        size_t l = strlen(t->cells[r * t->cols + c]);
                        if (l > width[c])
                                width[c] = l;
                }
        for (size_t r = 0; r < t->rows; r++) {
                fputs(indent, f);
                for (size_t c = 0; c < t->cols; c++) {
                        const char *s = t->cells[r * t->cols + c];
                        if (c + 1 == t->cols)
                                fprintf(f, "%s\n", s);
                        else
                                fprintf(f, "%-*s  ", (int)width[c], s);
                }
        }
}

static void table_done(struct table *t)
{
        for (size_t i = 0; i < t->rows * t->cols; i++)
                free(t->cells[i]);
        free(t->cells);
}

/* Formats into a small per-call ring of buffers: cell text for table_row. */
const char *render_fmt(const char *f, ...)
{
        static _Thread_local char ring[16][96];
        static _Thread_local unsigned next;
        char *b = ring[next++ % ELEMENTSOF(ring)];
        va_list ap;
        va_start(ap, f);
        vsnprintf(b, sizeof(ring[0]), f, ap);
        va_end(ap);
        return b;
}

static const char *num(int64_t v) { return v == SRIOV_ABSENT ? "-" : render_fmt("%" PRId64, v); }
static const char *hex4(int64_t v) { return v == SRIOV_ABSENT ? "-" : render_fmt("%04" PRIx64, v); }
static const char *first(char **v) { return v && v[0] ? v[0] : NULL; }

static const char *joined(char **v)
{
        if (!v || !v[0])
                return "-";
        char *b = (char *)render_fmt("%s", v[0]);
        for (size_t i = 1; v[i]; i++) {
                size_t l = strlen(b);
                snprintf(b + l, 96 - l, ",%s", v[i]);
        }
        return b;
}

/* Who holds the VF, in a few words: "guest web interface #1 (hostdev)";
 * "free"; NULL (shown "-") when the store was not read. A container is
 * named by its ID's first 12 characters, as container tools print it.
 * Valid until the next call. */
static const char *holder_text(const struct sriov_pf *pf, const struct sriov_vf *vf)
{
        static _Thread_local char b[512];
        const struct sriov_vf_holder *h = vf->holder;
        if (!pf->holders_read)
                return NULL;
        if (!h)
                return "free";
#define OR_Q(s) ((s) ? (s) : "?")
        const char *end = h->pending ? " [unfinished]" : "";
        char how[96];
        if (h->kind == SRIOV_ALLOC_MACVTAP)
                snprintf(how, sizeof(how), "macvtap %s", OR_Q(h->netdev));
        else
                snprintf(how, sizeof(how), "%s", sriov_alloc_kind_name(h->kind));
        switch (h->type) {
        case SRIOV_HOLDER_POD:
                snprintf(b, sizeof(b), "pod %.12s %s network %s%s", OR_Q(h->container_id), OR_Q(h->ifname),
                         OR_Q(h->network), end);
                break;
        case SRIOV_HOLDER_LIBVIRT_NETWORK:
                snprintf(b, sizeof(b), "libvirt network %s port %s (guest %s)%s", OR_Q(h->network), OR_Q(h->port),
                         OR_Q(h->domain), end);
                break;
        case SRIOV_HOLDER_LIBVIRT_GUEST:
                snprintf(b, sizeof(b), "libvirt guest %s interface #%u (%s)%s", OR_Q(h->domain), h->iface + 1, how,
                         end);
                break;
        case SRIOV_HOLDER_GUEST:
        default:
                snprintf(b, sizeof(b), "guest %s interface #%u (%s)%s", OR_Q(h->domain), h->iface + 1, how, end);
                break;
        }
#undef OR_Q
        return render_text(b);
}

static int64_t pf_total(const struct sriov_pf *pf)
{
        return pf->totalvfs != SRIOV_ABSENT ? pf->totalvfs : pf->has_cap ? pf->cap.total_vfs : SRIOV_ABSENT;
}

static int64_t pf_num(const struct sriov_pf *pf)
{
        return pf->numvfs != SRIOV_ABSENT ? pf->numvfs : pf->has_cap ? pf->cap.num_vfs : SRIOV_ABSENT;
}

static int64_t pf_offset(const struct sriov_pf *pf)
{
        return pf->has_cap ? pf->cap.first_vf_offset : pf->offset;
}

static int64_t pf_stride(const struct sriov_pf *pf)
{
        return pf->has_cap ? pf->cap.vf_stride : pf->stride;
}

static int64_t pf_vf_device(const struct sriov_pf *pf)
{
        return pf->has_cap ? pf->cap.vf_device_id : pf->vf_device;
}

static const char *pf_name(const struct sriov_pf *pf)
{
        if (pf->device_name)
                return render_fmt("%s%s%s", pf->vendor_name ? pf->vendor_name : "",
                           pf->vendor_name ? " " : "", pf->device_name);
        return pf->vendor_name;
}

/* The eswitch as show says it: the mode, or why there is none. */
static const char *eswitch_text(const struct sriov_eswitch *e)
{
        const char *mode = sriov_eswitch_mode_name(e);
        switch (e->state) {
        case SRIOV_ESWITCH_READ:
                return mode;
        case SRIOV_ESWITCH_NO_DEVLINK:
                return e->error == ENOENT ? "none: the kernel has no devlink"
                                          : render_fmt("none: no devlink instance (%s)", sriov_errno_name(e->error));
        case SRIOV_ESWITCH_NO_ESWITCH:
                return e->error ? render_fmt("none: devlink, but no eswitch (%s)", sriov_errno_name(e->error))
                                : "none: devlink, but no eswitch mode in its answer";
        case SRIOV_ESWITCH_UNREAD:
                return e->error ? render_fmt("not read: %s", sriov_errno_name(e->error)) : NULL;
        case SRIOV_ESWITCH_FAILED:
                return render_fmt("not read: %s (see warnings)", sriov_errno_name(e->error));
        }
        return NULL;
}

/* The VFs' devlink ports (switchdev mode): representor, port, and the
 * phys_port_name it was checked with. Nothing when no VF has a port. */
static int representor_table(FILE *f, const struct sriov_pf *pf, const char *indent)
{
        size_t n = 0;
        for (size_t j = 0; j < pf->n_vfs; j++)
                n += pf->vfs[j].port.present;
        if (!n)
                return 0;
        fprintf(f, "\n%sRepresentors (eswitch %s, devlink %s):\n", indent, eswitch_text(&pf->eswitch),
                pf->eswitch.devlink);
        struct table t = {.cols = 4};
        table_row(&t, "VF", "REPRESENTOR", "DEVLINK-PORT", "PHYS-PORT-NAME");
        for (size_t j = 0; j < pf->n_vfs; j++) {
                const struct sriov_vf *vf = &pf->vfs[j];
                if (vf->port.present)
                        table_row(&t, render_fmt("%u", vf->index), vf->representor,
                                  render_fmt("%s/%u", pf->eswitch.devlink, vf->port.index), vf->port.phys_port_name);
        }
        table_print(&t, f, render_fmt("%s  ", indent));
        int err = t.err;
        table_done(&t);
        return err;
}

int sriov_stream_done(FILE *f, bool close_it)
{
        int before = errno;
        bool failed = ferror(f) != 0;
        errno = 0;
        if ((close_it ? fclose(f) : fflush(f)) != 0)
                return errno ? -errno : -EIO;
        return !failed ? 0 : before ? -before : -EIO;
}

static int finish(FILE *f, char **buf, int err, char **ret)
{
        if (fclose(f) != 0 && !err)
                err = -EIO;
        if (err) {
                free(*buf);
                return err;
        }
        *ret = *buf;
        return 0;
}

int sriov_render_table(const struct sriov_inventory *inv, char **ret)
{
        char *buf = NULL;
        size_t size;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        int err = 0;
        if (!inv->n_pfs)
                fputs("no SR-IOV physical functions found\n", f);
        else {
                struct table t = {.cols = 12};
                table_row(&t, "PF", "DRIVER", "NETDEV", "ID", "TOTALVFS", "NUMVFS", "OFFSET", "STRIDE",
                          "VF-ID", "NUMA", "ESWITCH", "NAME");
                for (size_t i = 0; i < inv->n_pfs; i++) {
                        const struct sriov_pf *pf = &inv->pfs[i];
                        table_row(&t, pf->address, pf->driver, joined(pf->netdevs),
                                  pf->has_ids ? render_fmt("%04x:%04x", pf->vendor_id, pf->device_id) : NULL,
                                  num(pf_total(pf)), num(pf_num(pf)), num(pf_offset(pf)),
                                  num(pf_stride(pf)), hex4(pf_vf_device(pf)), num(pf->numa_node),
                                  sriov_eswitch_mode_name(&pf->eswitch), pf_name(pf));
                }
                table_print(&t, f, "");
                err = t.err;
                table_done(&t);
                for (size_t i = 0; i < inv->n_pfs && !err; i++) {
                        const struct sriov_pf *pf = &inv->pfs[i];
                        if (!pf->n_vfs)
                                continue;
                        fprintf(f, "\nVFs of %s%s%s:\n", pf->address, first(pf->netdevs) ? " " : "",
                                first(pf->netdevs) ? first(pf->netdevs) : "");
                        /* the holder column when the store was read */
                        struct table v = {.cols = pf->holders_read ? 6 : 5};
                        table_row(&v, "VF", "ADDRESS", "DRIVER", "NETDEV", "IOMMU", "HOLDER");
                        for (size_t j = 0; j < pf->n_vfs; j++) {
                                const struct sriov_vf *vf = &pf->vfs[j];
                                table_row(&v, render_fmt("%u", vf->index),
                                          vf->address[0] ? vf->address : vf->expected[0] ? vf->expected : NULL,
                                          vf->driver, joined(vf->netdevs), num(vf->iommu_group), holder_text(pf, vf));
                        }
                        table_print(&v, f, "  ");
                        err = v.err;
                        table_done(&v);
                        if (!err)
                                err = representor_table(f, pf, "  ");
                }
        }
        if (inv->n_lowers && !err) {
                fputs("\nmacvtap-capable network devices without SR-IOV:\n", f);
                struct table t = {.cols = 4};
                table_row(&t, "NETDEV", "KIND", "DRIVER", "DEVICE");
                for (size_t i = 0; i < inv->n_lowers; i++)
                        table_row(&t, inv->lowers[i].name, inv->lowers[i].kind, inv->lowers[i].driver,
                                  inv->lowers[i].address);
                table_print(&t, f, "  ");
                err = t.err;
                table_done(&t);
        }
        return finish(f, &buf, err, ret);
}

int sriov_render_pf_detail(const struct sriov_pf *pf, char **ret)
{
        char *buf = NULL;
        size_t size;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        struct table t = {.cols = 2};
        table_row(&t, "PF", pf->address);
        table_row(&t, "bus", pf->bus);
        table_row(&t, "vendor", pf->has_ids ? render_fmt("%04x %s", pf->vendor_id, pf->vendor_name ? pf->vendor_name : "") : NULL);
        table_row(&t, "device", pf->has_ids ? render_fmt("%04x %s", pf->device_id, pf->device_name ? pf->device_name : "") : NULL);
        table_row(&t, "class", pf->has_ids ? render_fmt("%06x %s", pf->class_code, pf->class_name ? pf->class_name : "") : NULL);
        table_row(&t, "driver", pf->driver);
        table_row(&t, "netdev", joined(pf->netdevs));
        table_row(&t, "numa node", num(pf->numa_node));
        table_row(&t, "iommu group", num(pf->iommu_group));
        table_row(&t, "link", pf->link_speed ? render_fmt("%s x%s", pf->link_speed, num(pf->link_width)) : NULL);
        table_row(&t, "sriov_totalvfs", num(pf->totalvfs));
        table_row(&t, "sriov_numvfs", num(pf->numvfs));
        table_row(&t, "sriov_offset", num(pf->offset));
        table_row(&t, "sriov_stride", num(pf->stride));
        table_row(&t, "sriov_vf_device", hex4(pf->vf_device));
        table_row(&t, "sriov_drivers_autoprobe", num(pf->drivers_autoprobe));
        if (pf->netlink_num_vf != SRIOV_ABSENT)
                table_row(&t, "IFLA_NUM_VF", num(pf->netlink_num_vf));
        if (eswitch_text(&pf->eswitch)) {
                const struct sriov_eswitch *e = &pf->eswitch;
                table_row(&t, "devlink", e->state == SRIOV_ESWITCH_NO_DEVLINK ? NULL : e->devlink);
                table_row(&t, "eswitch", eswitch_text(e));
                if (e->present & SRIOV_ESWITCH_F_INLINE)
                        table_row(&t, "eswitch inline-mode", devlink_inline_mode_name(e->inline_mode));
                if (e->present & SRIOV_ESWITCH_F_ENCAP)
                        table_row(&t, "eswitch encap-mode", devlink_encap_mode_name(e->encap_mode));
        }
        if (pf->has_cap) {
                const struct sriov_iov_cap *c = &pf->cap;
                table_row(&t, "SR-IOV capability", render_fmt("at 0x%03x, version %u", c->position, c->version));
                table_row(&t, "  capabilities", render_fmt("0x%08x", c->capabilities));
                table_row(&t, "  control", render_fmt("0x%04x VF Enable%c VF MSE%c ARI Capable Hierarchy%c", c->control,
                                                c->control & SRIOV_IOV_CTRL_VF_ENABLE ? '+' : '-',
                                                c->control & SRIOV_IOV_CTRL_VF_MSE ? '+' : '-',
                                                c->control & SRIOV_IOV_CTRL_ARI ? '+' : '-'));
                table_row(&t, "  status", render_fmt("0x%04x", c->status));
                table_row(&t, "  Initial/Total/Num VFs", render_fmt("%u / %u / %u", c->initial_vfs, c->total_vfs, c->num_vfs));
                table_row(&t, "  Function Dependency Link", render_fmt("%02x", c->function_dependency_link));
                table_row(&t, "  First VF Offset / Stride", render_fmt("%u / %u", c->first_vf_offset, c->vf_stride));
                table_row(&t, "  VF Device ID", render_fmt("%04x", c->vf_device_id));
                table_row(&t, "  Supported Page Sizes", render_fmt("0x%08x", c->supported_page_sizes));
                table_row(&t, "  System Page Size", render_fmt("0x%08x", c->system_page_size));
                struct sriov_vf_bar bars[6];
                sriov_iov_cap_bars(c, bars);
                for (unsigned i = 0; i < 6; i++)
                        if (bar_kind_name(bars[i].kind))
                                table_row(&t, render_fmt("  VF BAR %u", i),
                                          render_fmt("%s%s at 0x%" PRIx64, bar_kind_name(bars[i].kind),
                                              bars[i].prefetchable ? " prefetchable" : "", bars[i].address));
        } else
                table_row(&t, "SR-IOV capability",
                          pf->bus && strcmp(pf->bus, "pci") != 0 ? "none: not a PCI device"
                                                                 : "not read (see notes and warnings)");
        table_print(&t, f, "");
        int err = t.err;
        table_done(&t);
        if (pf->n_vfs && !err) {
                fputc('\n', f);
                struct table v = {.cols = pf->holders_read ? 13 : 12};
                table_row(&v, "VF", "ADDRESS", "DRIVER", "NETDEV", "IOMMU", "MAC", "VLAN", "QOS", "SPOOFCHK",
                          "TRUST", "LINK-STATE", "RATE(min/max)", "HOLDER");
                for (size_t j = 0; j < pf->n_vfs; j++) {
                        const struct sriov_vf *vf = &pf->vfs[j];
                        const struct sriov_vf_link *l = &vf->link;
                        char mac[18];
                        sriov_format_mac(l->mac, mac);
                        uint32_t p = vf->has_link ? l->present : 0;
                        table_row(&v, render_fmt("%u", vf->index),
                                  vf->address[0] ? vf->address : vf->expected[0] ? vf->expected : NULL,
                                  vf->driver, joined(vf->netdevs), num(vf->iommu_group),
                                  p & SRIOV_VF_MAC ? render_fmt("%s", mac) : NULL,
                                  p & SRIOV_VF_VLAN ? render_fmt("%u%s%s", l->vlan, p & SRIOV_VF_VLAN_PROTO && l->vlan ? " " : "",
                                                          p & SRIOV_VF_VLAN_PROTO && l->vlan ? vf_proto_name(l->vlan_proto) : "")
                                                    : NULL,
                                  p & SRIOV_VF_VLAN ? render_fmt("%u", l->qos) : NULL,
                                  p & SRIOV_VF_SPOOFCHK ? (l->spoofchk ? "on" : "off") : NULL,
                                  p & SRIOV_VF_TRUST ? (l->trust ? "on" : "off") : NULL,
                                  p & SRIOV_VF_LINK_STATE ? sriov_link_state_name(l->link_state) : NULL,
                                  p & SRIOV_VF_RATE ? render_fmt("%u/%u Mbit/s", l->min_tx_rate, l->max_tx_rate) : NULL,
                                  holder_text(pf, vf));
                }
                table_print(&v, f, "");
                err = v.err;
                table_done(&v);
                if (!err)
                        err = representor_table(f, pf, "");
        }
        return finish(f, &buf, err, ret);
}

/* ---- text for JSON and XML -------------------------------------------- */

/* Length of the valid UTF-8 character at p that XML 1.0 allows (no C0
 * control but tab/LF/CR, no U+FFFE/U+FFFF), or 0. */
static size_t xml_char_len(const unsigned char *p)
{
        if (p[0] < 0x80)
                return p[0] >= 0x20 || p[0] == '\t' || p[0] == '\n' || p[0] == '\r';
        size_t n = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
                 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
        for (size_t i = 1; i < n; i++)
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
        if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||   /* overlong, surrogate */
            (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f) ||   /* overlong, > U+10FFFF */
            (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))) /* U+FFFE, U+FFFF */
                return 0;
        return n;
}

/* s as JSON and XML can carry it: s itself when it is valid UTF-8 text,
 * else a copy with each offending byte as \xNN. Interface names may hold
 * any byte but '/', ':' and whitespace (the kernel's dev_valid_name). */
const char *render_text(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t n;
        if (!s)
                return NULL;
        while (*p && (n = xml_char_len(p)))
                p += n;
        if (!*p)
                return s;
        static _Thread_local char ring[4][4096];
        static _Thread_local unsigned next;
        char *b = ring[next++ % ELEMENTSOF(ring)];
        size_t o = 0;
        for (p = (const unsigned char *)s; *p && o + 5 < sizeof(ring[0]);) {
                if ((n = xml_char_len(p))) {
                        memcpy(b + o, p, n);
                        o += n;
                        p += n;
                } else
                        o += (size_t)snprintf(b + o, 5, "\\x%02x", *p++);
        }
        b[o] = 0;
        return b;
}

/* ---- JSON ------------------------------------------------------------- */

static json_object *j_int(int64_t v) { return v == SRIOV_ABSENT ? NULL : json_object_new_int64(v); }
static json_object *j_str(const char *s) { return s ? json_object_new_string(render_text(s)) : NULL; }
static json_object *j_hex4(int64_t v) { return v == SRIOV_ABSENT ? NULL : json_object_new_string(render_fmt("%04" PRIx64, v)); }
static json_object *j_bool(int64_t v) { return v == SRIOV_ABSENT ? NULL : json_object_new_boolean(v != 0); }

static json_object *j_strv(char **v)
{
        json_object *a = json_object_new_array();
        for (size_t i = 0; a && v && v[i]; i++)
                json_object_array_add(a, json_object_new_string(render_text(v[i])));
        return a;
}

static json_object *json_cap(const struct sriov_iov_cap *c)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, "position", json_object_new_int(c->position));
        json_object_object_add(o, "version", json_object_new_int(c->version));
        json_object_object_add(o, "capabilities", json_object_new_int64(c->capabilities));
        json_object_object_add(o, "control", json_object_new_int(c->control));
        json_object_object_add(o, "vf_enable", json_object_new_boolean(c->control & SRIOV_IOV_CTRL_VF_ENABLE));
        json_object_object_add(o, "vf_mse", json_object_new_boolean(c->control & SRIOV_IOV_CTRL_VF_MSE));
        json_object_object_add(o, "ari_capable_hierarchy", json_object_new_boolean(c->control & SRIOV_IOV_CTRL_ARI));
        json_object_object_add(o, "status", json_object_new_int(c->status));
        json_object_object_add(o, "initial_vfs", json_object_new_int(c->initial_vfs));
        json_object_object_add(o, "total_vfs", json_object_new_int(c->total_vfs));
        json_object_object_add(o, "num_vfs", json_object_new_int(c->num_vfs));
        json_object_object_add(o, "function_dependency_link", json_object_new_int(c->function_dependency_link));
        json_object_object_add(o, "first_vf_offset", json_object_new_int(c->first_vf_offset));
        json_object_object_add(o, "vf_stride", json_object_new_int(c->vf_stride));
        json_object_object_add(o, "vf_device_id", json_object_new_string(render_fmt("%04x", c->vf_device_id)));
        json_object_object_add(o, "supported_page_sizes", json_object_new_int64(c->supported_page_sizes));
        json_object_object_add(o, "system_page_size", json_object_new_int64(c->system_page_size));
        json_object *bars = json_object_new_array();
        struct sriov_vf_bar b[6];
        sriov_iov_cap_bars(c, b);
        for (unsigned i = 0; i < 6; i++) {
                if (!bar_kind_name(b[i].kind))
                        continue;
                json_object *bo = json_object_new_object();
                json_object_object_add(bo, "index", json_object_new_int((int)i));
                json_object_object_add(bo, "type", json_object_new_string(bar_kind_name(b[i].kind)));
                json_object_object_add(bo, "prefetchable", json_object_new_boolean(b[i].prefetchable));
                json_object_object_add(bo, "address", json_object_new_string(render_fmt("0x%" PRIx64, b[i].address)));
                json_object_array_add(bars, bo);
        }
        json_object_object_add(o, "vf_bars", bars);
        return o;
}

static json_object *json_link(const struct sriov_vf *vf)
{
        if (!vf->has_link)
                return NULL;
        const struct sriov_vf_link *l = &vf->link;
        json_object *o = json_object_new_object();
        char mac[18];
        sriov_format_mac(l->mac, mac);
        json_object_object_add(o, "mac", l->present & SRIOV_VF_MAC ? json_object_new_string(mac) : NULL);
        json_object_object_add(o, "vlan", l->present & SRIOV_VF_VLAN ? json_object_new_int(l->vlan) : NULL);
        json_object_object_add(o, "qos", l->present & SRIOV_VF_VLAN ? json_object_new_int(l->qos) : NULL);
        json_object_object_add(o, "vlan_proto",
                               l->present & SRIOV_VF_VLAN_PROTO ? json_object_new_string(vf_proto_name(l->vlan_proto)) : NULL);
        json_object_object_add(o, "spoofchk", l->present & SRIOV_VF_SPOOFCHK ? json_object_new_boolean(l->spoofchk) : NULL);
        json_object_object_add(o, "trust", l->present & SRIOV_VF_TRUST ? json_object_new_boolean(l->trust) : NULL);
        json_object_object_add(o, "link_state",
                               l->present & SRIOV_VF_LINK_STATE ? json_object_new_string(sriov_link_state_name(l->link_state)) : NULL);
        json_object_object_add(o, "min_tx_rate", l->present & SRIOV_VF_RATE ? json_object_new_int64(l->min_tx_rate) : NULL);
        json_object_object_add(o, "max_tx_rate", l->present & SRIOV_VF_RATE ? json_object_new_int64(l->max_tx_rate) : NULL);
        json_object_object_add(o, "query_rss", l->present & SRIOV_VF_QUERY_RSS ? json_object_new_boolean(l->query_rss) : NULL);
        return o;
}

static json_object *json_vf_port(const struct sriov_vf_port *p)
{
        if (!p->present)
                return NULL;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "index", json_object_new_int64(p->index));
        json_object_object_add(o, "pf", json_object_new_int(p->pf));
        json_object_object_add(o, "vf", json_object_new_int(p->vf));
        json_object_object_add(o, "netdev", j_str(p->netdev));
        json_object_object_add(o, "phys_port_name", j_str(p->phys_port_name));
        return o;
}

/* eswitch_mode: "legacy", "switchdev", "no-devlink", "no-eswitch", or
 * null when not read (eswitch_error says why, when the kernel said). */
static void json_eswitch(json_object *o, const struct sriov_eswitch *e)
{
        bool has_devlink = e->state == SRIOV_ESWITCH_NO_ESWITCH || e->state == SRIOV_ESWITCH_READ;
        json_object_object_add(o, "devlink", has_devlink ? j_str(e->devlink) : NULL);
        json_object_object_add(o, "eswitch_mode", j_str(sriov_eswitch_mode_name(e)));
        json_object_object_add(o, "eswitch_inline_mode",
                               e->present & SRIOV_ESWITCH_F_INLINE ? j_str(devlink_inline_mode_name(e->inline_mode)) : NULL);
        json_object_object_add(o, "eswitch_encap_mode",
                               e->present & SRIOV_ESWITCH_F_ENCAP ? j_str(devlink_encap_mode_name(e->encap_mode)) : NULL);
        json_object_object_add(o, "eswitch_error", e->error ? j_str(sriov_errno_name(e->error)) : NULL);
}

/* The VF's holder: {"type": "free"} when none, NULL when not read. */
static json_object *json_holder(const struct sriov_pf *pf, const struct sriov_vf *vf)
{
        const struct sriov_vf_holder *h = vf->holder;
        if (!pf->holders_read)
                return NULL;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "type", json_object_new_string(sriov_holder_type_name(h)));
        if (!h)
                return o;
        json_object_object_add(o, "kind", json_object_new_string(sriov_alloc_kind_name(h->kind)));
        if (h->type == SRIOV_HOLDER_POD) {
                json_object_object_add(o, "container_id", j_str(h->container_id));
                json_object_object_add(o, "ifname", j_str(h->ifname));
        } else {
                json_object_object_add(o, "domain", j_str(h->domain));
                json_object_object_add(o, "uuid", h->uuid && h->uuid[0] ? j_str(h->uuid) : NULL);
                json_object_object_add(o, "interface", json_object_new_int64(h->iface));
        }
        if (h->type == SRIOV_HOLDER_POD || h->type == SRIOV_HOLDER_LIBVIRT_NETWORK)
                json_object_object_add(o, "network", j_str(h->network));
        if (h->type == SRIOV_HOLDER_LIBVIRT_NETWORK)
                json_object_object_add(o, "port", j_str(h->port));
        if (h->kind == SRIOV_ALLOC_MACVTAP)
                json_object_object_add(o, "netdev", j_str(h->netdev));
        json_object_object_add(o, "pending", json_object_new_boolean(h->pending));
        return o;
}

static json_object *json_pf(const struct sriov_pf *pf)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, "address", j_str(pf->address));
        json_object_object_add(o, "bus", j_str(pf->bus));
        json_object_object_add(o, "vendor_id", pf->has_ids ? j_hex4(pf->vendor_id) : NULL);
        json_object_object_add(o, "device_id", pf->has_ids ? j_hex4(pf->device_id) : NULL);
        json_object_object_add(o, "class", pf->has_ids ? json_object_new_string(render_fmt("%06x", pf->class_code)) : NULL);
        json_object_object_add(o, "vendor_name", j_str(pf->vendor_name));
        json_object_object_add(o, "device_name", j_str(pf->device_name));
        json_object_object_add(o, "class_name", j_str(pf->class_name));
        json_object_object_add(o, "driver", j_str(pf->driver));
        json_object_object_add(o, "netdevs", j_strv(pf->netdevs));
        json_object_object_add(o, "numa_node", j_int(pf->numa_node));
        json_object_object_add(o, "iommu_group", j_int(pf->iommu_group));
        json_object_object_add(o, "link_speed", j_str(pf->link_speed));
        json_object_object_add(o, "link_width", j_int(pf->link_width));
        json_object *s = json_object_new_object();
        json_object_object_add(s, "totalvfs", j_int(pf->totalvfs));
        json_object_object_add(s, "numvfs", j_int(pf->numvfs));
        json_object_object_add(s, "offset", j_int(pf->offset));
        json_object_object_add(s, "stride", j_int(pf->stride));
        json_object_object_add(s, "vf_device", j_hex4(pf->vf_device));
        json_object_object_add(s, "drivers_autoprobe", j_bool(pf->drivers_autoprobe));
        json_object_object_add(o, "sriov", s);
        json_object_object_add(o, "capability", pf->has_cap ? json_cap(&pf->cap) : NULL);
        json_object_object_add(o, "netlink_num_vf", j_int(pf->netlink_num_vf));
        json_eswitch(o, &pf->eswitch);
        json_object *vfs = json_object_new_array();
        for (size_t i = 0; i < pf->n_vfs; i++) {
                const struct sriov_vf *vf = &pf->vfs[i];
                json_object *v = json_object_new_object();
                json_object_object_add(v, "index", json_object_new_int((int)vf->index));
                json_object_object_add(v, "address", vf->address[0] ? json_object_new_string(vf->address) : NULL);
                json_object_object_add(v, "expected_address", vf->expected[0] ? json_object_new_string(vf->expected) : NULL);
                json_object_object_add(v, "driver", j_str(vf->driver));
                json_object_object_add(v, "netdevs", j_strv(vf->netdevs));
                json_object_object_add(v, "iommu_group", j_int(vf->iommu_group));
                json_object_object_add(v, "link", json_link(vf));
                json_object_object_add(v, "representor", j_str(vf->representor));
                json_object_object_add(v, "devlink_port", json_vf_port(&vf->port));
                json_object_object_add(v, "holder", json_holder(pf, vf));
                json_object_array_add(vfs, v);
        }
        json_object_object_add(o, "vfs", vfs);
        json_object_object_add(o, "warnings", j_strv(pf->warnings));
        return o;
}


/* Writes one value as a member of the document being streamed, indented by
 * `indent` after each newline, and frees it. */
static int json_emit(FILE *f, json_object *o, const char *indent)
{
        if (!o)
                return -ENOMEM;
        const char *s = json_object_to_json_string_ext(o, SRIOV_JSON_TEXT_FLAGS);
        int r = s ? 0 : -ENOMEM;
        for (; s && *s; s++) {
                fputc(*s, f);
                if (*s == '\n')
                        fputs(indent, f);
        }
        json_object_put(o);
        return r;
}

/* The document is streamed one PF at a time: json-c's tree of a whole
 * 16 x 256-VF inventory costs ~10 MB, one PF's well under 1 MB. */
int sriov_write_json(FILE *f, const struct sriov_inventory *inv, const struct sriov_pf *only)
{
        int err = 0;
        if (only)
                err = json_emit(f, json_pf(only), "");
        else {
                fputs("{\n  \"physical_functions\": [", f);
                for (size_t i = 0; i < inv->n_pfs && !err; i++) {
                        fputs(i ? ",\n    " : "\n    ", f);
                        err = json_emit(f, json_pf(&inv->pfs[i]), "    ");
                }
                /* an empty array as json-c writes one too */
                fputs("\n  ],\n  \"macvtap_lower_devices\": ", f);
                json_object *lowers = json_object_new_array();
                for (size_t i = 0; lowers && i < inv->n_lowers; i++) {
                        const struct sriov_netdev *l = &inv->lowers[i];
                        json_object *o = json_object_new_object();
                        json_object_object_add(o, "name", j_str(l->name));
                        json_object_object_add(o, "kind", j_str(l->kind));
                        json_object_object_add(o, "driver", j_str(l->driver));
                        json_object_object_add(o, "device", j_str(l->address));
                        json_object_array_add(lowers, o);
                }
                if (!err)
                        err = json_emit(f, lowers, "  ");
                else
                        json_object_put(lowers);
                fputs(",\n  \"warnings\": ", f);
                if (!err)
                        err = json_emit(f, j_strv(inv->warnings), "  ");
                fputs("\n}", f);
        }
        return err ? err : ferror(f) ? -EIO : 0;
}

int sriov_render_json(const struct sriov_inventory *inv, const struct sriov_pf *only, char **ret)
{
        char *buf = NULL;
        size_t size;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        return finish(f, &buf, sriov_write_json(f, inv, only), ret);
}

/* o as pretty JSON text in *ret (malloc'd); frees o. */
static int json_to_string(json_object *o, char **ret)
{
        const char *text = o ? json_object_to_json_string_ext(o, SRIOV_JSON_TEXT_FLAGS) : NULL;
        char *copy = text ? strdup(text) : NULL;
        json_object_put(o);
        if (!copy)
                return -ENOMEM;
        *ret = copy;
        return 0;
}

/* show --json: the PF plus what the state directory says about it. */
int sriov_render_show_json(const struct sriov_pf *pf, const struct sriov_show_state *st, char **ret)
{
        json_object *o = json_pf(pf);
        json_object *answers = NULL, *saved = NULL;
        if (st && st->read) {
                answers = json_object_new_array();
                for (size_t i = 0; i < st->n_answers; i++) {
                        const struct sriov_driver_answer *a = &st->answers[i];
                        json_object *j = json_object_new_object();
                        json_object_object_add(j, "attribute", j_str(a->attribute));
                        json_object_object_add(j, "value", j_str(a->value));
                        json_object_object_add(j, "accepted", json_object_new_boolean(a->error == 0));
                        json_object_object_add(j, "error", a->error ? j_str(sriov_errno_name(a->error)) : NULL);
                        json_object_object_add(j, "errno", a->error ? json_object_new_int(a->error) : NULL);
                        json_object_object_add(j, "message", a->error ? j_str(strerror(a->error)) : NULL);
                        json_object_array_add(answers, j);
                }
                saved = json_object_new_array();
                for (size_t i = 0; i < st->n_saved; i++)
                        json_object_array_add(saved, json_object_new_int64(st->saved_vfs[i]));
        }
        json_object_object_add(o, "driver_answers", answers);
        json_object_object_add(o, "saved_vfs", saved);
        return json_to_string(o, ret);
}

int sriov_render_port_json(const char *device, int vf, const struct sriov_port *p, const char *none, char **ret)
{
        char uuid[37];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "device", j_str(device));
        json_object_object_add(o, "vf", vf == SRIOV_PORT_SELF ? json_object_new_string("self") : json_object_new_int(vf));
        json_object_object_add(o, "reported", json_object_new_boolean(p != NULL));
        uint32_t has = p ? p->present : 0;
        json_object_object_add(o, "request", has & SRIOV_PORT_F_REQUEST ? j_str(sriov_port_request_name(p->request)) : NULL);
        json_object *resp = NULL;
        if (has & SRIOV_PORT_F_RESPONSE) {
                resp = json_object_new_object();
                json_object_object_add(resp, "code", json_object_new_int(p->response));
                json_object_object_add(resp, "name", j_str(sriov_port_response_name(p->response)));
                json_object_object_add(resp, "message", j_str(sriov_port_response_message(p->response)));
        }
        json_object_object_add(o, "response", resp);
        json_object_object_add(o, "profile", has & SRIOV_PORT_F_PROFILE ? j_str(p->profile) : NULL);
        if (has & SRIOV_PORT_F_INSTANCE)
                sriov_uuid_format(p->instance_uuid, uuid);
        json_object_object_add(o, "instance", has & SRIOV_PORT_F_INSTANCE ? j_str(uuid) : NULL);
        if (has & SRIOV_PORT_F_HOST)
                sriov_uuid_format(p->host_uuid, uuid);
        json_object_object_add(o, "host", has & SRIOV_PORT_F_HOST ? j_str(uuid) : NULL);
        json_object_object_add(o, "managerid", has & SRIOV_PORT_F_MANAGERID ? json_object_new_int(p->managerid) : NULL);
        json_object_object_add(o, "typeid", has & SRIOV_PORT_F_TYPEID ? json_object_new_int64(p->typeid) : NULL);
        json_object_object_add(o, "typeidversion",
                               has & SRIOV_PORT_F_TYPEIDVERSION ? json_object_new_int(p->typeidversion) : NULL);
        json_object_object_add(o, "note", p ? NULL : j_str(none));
        return json_to_string(o, ret);
}

/* ---- XML -------------------------------------------------------------- */

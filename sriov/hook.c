/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's hooks: what sriovctl does when libvirt's network
 * driver makes or deletes a port (network hook: port-created,
 * port-deleted) and when its qemu driver prepares, starts and releases a
 * guest (qemu hook). libvirt stays in charge of what it does itself (the
 * VF's MAC, its VLAN, vfio-pci); sriovctl records the VF in the
 * allocation store, so attach and the desired-state passes leave it
 * alone, and adds what libvirt cannot set on a VF.
 *
 * Input is only what libvirt gives a hook on stdin. Nothing here calls
 * libvirt: libvirtd waits for its hooks while holding the locks any call
 * back would need. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "libvirt-hold.h"
#include "vfcfg.h"
#include "sriov-libvirt.h"

/* ---- XML ----------------------------------------------------------------- */

static void quiet(void *data, const char *fmt, ...)
{
        (void)data;
        (void)fmt;
}

static int parse_doc(struct sriov_ctx *ctx, const char *what, const char *xml, size_t len, xmlDocPtr *ret)
{
        if (len > INT32_MAX)
                return ctx_fail(ctx, -EFBIG, "%s: too large", what);
        xmlSetGenericErrorFunc(NULL, quiet);
        xmlDocPtr doc = xmlReadMemory(xml, (int)len, what, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc)
                return ctx_fail(ctx, -EINVAL, "%s: not well-formed XML", what);
        /* what libvirt writes has no DTD: one here is not libvirt's */
        if (doc->intSubset || doc->extSubset) {
                xmlFreeDoc(doc);
                return ctx_fail(ctx, -EINVAL, "%s: a DTD is not taken", what);
        }
        *ret = doc;
        return 0;
}

static void free_doc(xmlDocPtr *d)
{
        if (*d)
                xmlFreeDoc(*d);
}

static void free_xpath(xmlXPathContextPtr *x)
{
        if (*x)
                xmlXPathFreeContext(*x);
}

static void free_xpobj(xmlXPathObjectPtr *o)
{
        if (*o)
                xmlXPathFreeObject(*o);
}

/* The nodes expr selects under node; *ret_obj owns them (NULL: none). */
static xmlNodeSetPtr nodes(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr, xmlXPathObjectPtr *ret_obj)
{
        xp->node = node;
        xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, xp);
        *ret_obj = o;
        return o && o->type == XPATH_NODESET && o->nodesetval && o->nodesetval->nodeNr ? o->nodesetval : NULL;
}

/* The string value of expr under node (malloc'd), NULL when empty. */
static char *text(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr)
{
        xp->node = node;
        _cleanup_free_ char *full = strdup_printf("string(%s)", expr);
        if (!full)
                return NULL;
        xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)full, xp);
        char *s = NULL;
        if (o && o->type == XPATH_STRING && o->stringval && o->stringval[0])
                s = strdup((const char *)o->stringval);
        xmlXPathFreeObject(o);
        return s;
}

static int new_xpath(xmlDocPtr doc, xmlXPathContextPtr *ret)
{
        xmlXPathContextPtr xp = xmlXPathNewContext(doc);
        if (!xp || xmlXPathRegisterNs(xp, (const xmlChar *)"s", (const xmlChar *)SRIOV_LIBVIRT_XMLNS) < 0) {
                if (xp)
                        xmlXPathFreeContext(xp);
                return -ENOMEM;
        }
        *ret = xp;
        return 0;
}

/* <address domain='0x0000' bus='0x02' slot='0x10' function='0x0'/> */
static int pci_of(struct sriov_ctx *ctx, xmlXPathContextPtr xp, xmlNodePtr addr, const char *what,
                  char ret[static SRIOV_PCI_ADDR_MAX])
{
        static const char *const names[] = {"@domain", "@bus", "@slot", "@function"};
        static const unsigned long max[] = {0xffff, 0xff, 0x1f, 7};
        unsigned long v[4];
        for (size_t i = 0; i < 4; i++) {
                _cleanup_free_ char *s = text(xp, addr, names[i]);
                char *end = NULL;
                errno = 0;
                v[i] = s ? strtoul(s, &end, 0) : 0; /* libvirt leaves out a domain of 0 */
                if ((s && (errno || *end || v[i] > max[i])) || (!s && i > 0))
                        return ctx_fail(ctx, -EINVAL, "%s: <address %s='%s'>: not a PCI address field (0-%#lx)",
                                        what, names[i] + 1, s ? s : "", max[i]);
        }
        snprintf(ret, SRIOV_PCI_ADDR_MAX, "%04lx:%02lx:%02lx.%lx", v[0], v[1], v[2], v[3]);
        return 0;
}

/* ---- settings from the desired state and from <metadata> ----------------- */

/* What sriovctl adds to a VF libvirt hands out; libvirt sets MAC and VLAN
 * itself. */
struct extra {
        struct sriov_vf_config cfg; /* spoofchk, trust, state, rates, query-rss */
        bool has_qos, has_proto;    /* a priority / protocol for libvirt's VLAN */
        uint8_t qos;
        uint16_t proto;
};

static void extra_merge(struct extra *base, const struct extra *over)
{
        alloc_config_merge(&base->cfg, &over->cfg);
        if (over->has_qos) {
                base->has_qos = true;
                base->qos = over->qos;
        }
        if (over->has_proto) {
                base->has_proto = true;
                base->proto = over->proto;
        }
}

/* Attributes of <s:vf>: the words of `sriovctl set` that libvirt has no
 * setting for. */
static const char *const vf_attrs[] = {"spoofchk", "trust", "state", "min-rate", "max-rate", "query-rss"};

/* One <s:vf .../> element into *ret; `what` names it in messages. The
 * attributes are checked as the words of `set` (one grammar); priority
 * and protocol with a stand-in VLAN ID, libvirt gives the real one. */
static int extra_from_element(struct sriov_ctx *ctx, xmlNodePtr el, const char *what, struct extra *ret)
{
        char *words[3 + 2 * ELEMENTSOF(vf_attrs) + 6] = {"vf-metadata", "vf", "0"};
        xmlChar *values[ELEMENTSOF(vf_attrs) + 2] = {0}; /* owned, freed at the end */
        size_t n = 3, n_values = 0;
        xmlChar *qos = NULL, *proto = NULL;
        int r = 0;
        for (xmlAttrPtr a = el->properties; a && r == 0; a = a->next) {
                const char *name = (const char *)a->name;
                size_t k = 0;
                while (k < ELEMENTSOF(vf_attrs) && strcmp(name, vf_attrs[k]) != 0)
                        k++;
                bool vlan_attr = strcmp(name, "vlan-qos") == 0 || strcmp(name, "vlan-proto") == 0;
                if (strcmp(name, "mac") == 0)
                        continue; /* which interface (domain metadata) */
                if (k == ELEMENTSOF(vf_attrs) && !vlan_attr) {
                        r = ctx_fail(ctx, -EINVAL,
                                     "%s: <sriov:vf %s=...>: not one of spoofchk, trust, state, min-rate, max-rate, "
                                     "query-rss, vlan-qos, vlan-proto, mac (MAC address and VLAN ID are libvirt's "
                                     "own: <mac>, <vlan>)",
                                     what, name);
                        break;
                }
                if (n_values == ELEMENTSOF(values)) {
                        r = ctx_fail(ctx, -EINVAL, "%s: <sriov:vf %s=...> given twice", what, name);
                        break;
                }
                xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
                if (!v) {
                        r = -ENOMEM;
                        break;
                }
                values[n_values++] = v;
                if (strcmp(name, "vlan-qos") == 0)
                        qos = v;
                else if (strcmp(name, "vlan-proto") == 0)
                        proto = v;
                else {
                        words[n++] = (char *)vf_attrs[k];
                        words[n++] = (char *)v;
                }
        }
        if (r == 0 && (qos || proto)) {
                words[n++] = "vlan";
                words[n++] = "1";
                if (qos) {
                        words[n++] = "qos";
                        words[n++] = (char *)qos;
                }
                if (proto) {
                        words[n++] = "proto";
                        words[n++] = (char *)proto;
                }
        }
        struct sriov_vf_request req = {0};
        if (r == 0 && n > 3 && (r = sriov_vf_request_parse(ctx, words, n, &req)) < 0)
                ctx_error_prefix(ctx, "%s", what);
        for (size_t i = 0; i < n_values; i++)
                xmlFree(values[i]);
        if (r < 0)
                return r;
        struct extra e = {.cfg = req.config};
        e.cfg.set &= ~(SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO);
        e.has_qos = qos != NULL;
        e.qos = req.config.qos;
        e.has_proto = proto != NULL;
        e.proto = req.config.vlan_proto;
        sriov_vf_request_done(&req);
        *ret = e;
        return 0;
}

/* Every <s:vf> under `metadata` that applies: those without mac=, then
 * (over them) those whose mac= is the interface's (mac NULL: only the
 * first kind). */
static int extra_from_metadata(struct sriov_ctx *ctx, xmlXPathContextPtr xp, xmlNodePtr metadata,
                               const char *what, const uint8_t *mac, struct extra *acc)
{
        xmlXPathObjectPtr _cleanup_(free_xpobj) o = NULL;
        xmlNodeSetPtr set = metadata ? nodes(xp, metadata, "s:vf", &o) : NULL;
        for (int pass = 0; set && pass < 2; pass++)
                for (int i = 0; i < set->nodeNr; i++) {
                        xmlNodePtr el = set->nodeTab[i];
                        _cleanup_free_ char *m = text(xp, el, "@mac");
                        uint8_t want[6];
                        if (m && vf_mac_parse(m, want) < 0)
                                return ctx_fail(ctx, -EINVAL, "%s: <sriov:vf mac='%s'>: not a MAC address", what, m);
                        if (pass == 0 ? m != NULL : (!m || !mac || memcmp(want, mac, 6) != 0))
                                continue;
                        struct extra e;
                        int r = extra_from_element(ctx, el, what, &e);
                        if (r < 0)
                                return r;
                        extra_merge(acc, &e);
                }
        return 0;
}

/* VF index and PF device directory of a VF's PCI address; -ENOTSUP (no
 * message) when it is not a VF. */
static int vf_place(struct sriov_ctx *ctx, const char *addr, char **ret_pf_devdir, unsigned *ret_vf)
{
        char p[96];
        snprintf(p, sizeof(p), "bus/pci/devices/%s/physfn", addr);
        _cleanup_free_ char *pfdir = NULL;
        if (!sysfs_exists(ctx, p) || sysfs_realpath(ctx, p, &pfdir) < 0) {
                ctx_clear_error(ctx);
                return -ENOTSUP;
        }
        _cleanup_strv_free_ char **links = NULL;
        int r = sysfs_list(ctx, pfdir, "virtfn", &links);
        if (r < 0)
                return r;
        for (char **l = links; *l; l++) {
                _cleanup_free_ char *lp = strdup_printf("%s/%s", pfdir, *l), *name = NULL;
                if (!lp)
                        return -ENOMEM;
                if (sysfs_link_name(ctx, lp, &name) == 0 && strcmp(name, addr) == 0) {
                        *ret_vf = (unsigned)strtoul(*l + strlen("virtfn"), NULL, 10);
                        *ret_pf_devdir = TAKE_PTR(pfdir);
                        return 0;
                }
                ctx_clear_error(ctx);
        }
        return -ENOTSUP;
}

/* The desired state's settings for VF addr (the words of `set` libvirt has
 * no setting for: its MAC and VLAN are libvirt's). */
static int extra_from_desired(struct sriov_ctx *ctx, const struct sriov_hook_options *o, const char *addr,
                              struct extra *acc)
{
        _cleanup_free_ char *pfdir = NULL;
        unsigned vf;
        int r = vf_place(ctx, addr, &pfdir, &vf);
        if (r == -ENOTSUP)
                return 0;
        if (r < 0)
                return r;
        struct sriov_desired *d = NULL;
        if ((r = sriov_desired_load(ctx, o ? o->config_dir : NULL, &d)) == -ENOENT) {
                ctx_clear_error(ctx); /* no configuration directory: no desired state */
                return 0;
        }
        if (r < 0)
                return r;
        const struct sriov_desired_pf *pf = NULL;
        r = sriov_desired_find(ctx, d, pfdir, &pf);
        if (r == -ENOENT)
                r = 0;
        for (size_t i = 0; r == 0 && pf && i < pf->n_vfs; i++)
                if (pf->vfs[i].vf == vf) {
                        struct extra e = {.cfg = pf->vfs[i].config};
                        e.cfg.set &= ~(SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO);
                        extra_merge(acc, &e);
                }
        sriov_desired_free(d);
        return r;
}

/* The config sent for e on top of libvirt's VLAN `vlan` (priority and
 * protocol ride on the VLAN: the kernel sets the three together). */
static uint32_t extra_config(const struct extra *e, uint16_t vlan, struct sriov_vf_config *ret)
{
        *ret = e->cfg;
        if (e->has_qos || e->has_proto) {
                ret->set |= SRIOV_VF_VLAN;
                ret->vlan = vlan;
                ret->qos = e->has_qos ? e->qos : 0;
                if (e->has_proto) {
                        ret->set |= SRIOV_VF_VLAN_PROTO;
                        ret->vlan_proto = e->proto;
                }
                return SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO;
        }
        return 0;
}

/* "spoofchk on trust on max-rate 100" for an action line: what sriovctl
 * sets beyond libvirt's own MAC. */
static char *config_words(const struct sriov_vf_config *cfg, uint32_t bits)
{
        return vf_config_words(cfg, bits & ~SRIOV_VF_MAC);
}

static const char *result_word(enum alloc_libvirt_result res)
{
        switch (res) {
        case ALLOC_LIBVIRT_NEW:
                return "recorded";
        case ALLOC_LIBVIRT_KEPT:
                return "recorded already, nothing changed";
        case ALLOC_LIBVIRT_UPDATED:
                return "recorded already, added to";
        case ALLOC_LIBVIRT_ATTACHED:
                return "given to this guest by sriovctl attach: its record stands";
        }
        return "";
}

/* ---- the network hook ------------------------------------------------------ */

/* The PCI address of a netdev's device, if it is a VF ("" otherwise). */
static void netdev_vf(struct sriov_ctx *ctx, const char *dev, char ret[static SRIOV_PCI_ADDR_MAX])
{
        ret[0] = 0;
        char p[64];
        snprintf(p, sizeof(p), "class/net/%s/device", dev);
        _cleanup_free_ char *name = NULL;
        if (sysfs_link_name(ctx, p, &name) == 0 && strlen(name) < SRIOV_PCI_ADDR_MAX)
                snprintf(ret, SRIOV_PCI_ADDR_MAX, "%s", name);
        ctx_clear_error(ctx);
}

static int port_created(struct sriov_ctx *ctx, const char *network, xmlXPathContextPtr xp, xmlNodePtr port,
                        xmlNodePtr net, const struct sriov_hook_options *o, char ***actions)
{
        _cleanup_free_ char *uuid = text(xp, port, "uuid"), *owner = text(xp, port, "owner/name"),
                            *owner_uuid = text(xp, port, "owner/uuid"), *mac_s = text(xp, port, "mac/@address"),
                            *plug = text(xp, port, "plug/@type"), *dev = text(xp, port, "plug/@dev"),
                            *vlan_s = text(xp, port, "vlan/tag[1]/@id");
        _cleanup_free_ char *what = strdup_printf("network '%s' port %s", network, uuid ? uuid : "(no uuid)");
        if (!what)
                return -ENOMEM;
        if (!uuid || !owner || !mac_s)
                return ctx_fail(ctx, -EINVAL, "%s: <networkport> without <uuid>, <owner><name> or <mac address>",
                                what);
        uint8_t mac[6];
        if (vf_mac_parse(mac_s, mac) < 0)
                return ctx_fail(ctx, -EINVAL, "%s: <mac address='%s'>: not a MAC address", what, mac_s);
        char addr[SRIOV_PCI_ADDR_MAX] = "";
        enum sriov_alloc_kind kind = SRIOV_ALLOC_HOSTDEV;
        if (plug && strcmp(plug, "hostdev-pci") == 0) {
                xmlXPathObjectPtr _cleanup_(free_xpobj) ao = NULL;
                xmlNodeSetPtr a = nodes(xp, port, "plug/address", &ao);
                if (!a)
                        return ctx_fail(ctx, -EINVAL, "%s: <plug type='hostdev-pci'> without <address>", what);
                int r = pci_of(ctx, xp, a->nodeTab[0], what, addr);
                if (r < 0)
                        return r;
        } else if (plug && strcmp(plug, "direct") == 0 && dev) {
                netdev_vf(ctx, dev, addr); /* a macvtap passthru on a VF's netdev */
                kind = SRIOV_ALLOC_VF_DIRECT;
        }
        if (!addr[0])
                return 0; /* a bridge, a tap, a macvtap on a NIC: libvirt's alone */

        struct extra e = {0};
        int r = extra_from_desired(ctx, o, addr, &e);
        if (r == 0) {
                xmlXPathObjectPtr _cleanup_(free_xpobj) mo = NULL;
                xmlNodeSetPtr m = nodes(xp, net, "metadata", &mo);
                _cleanup_free_ char *mwhat = strdup_printf("network '%s': <metadata>", network);
                r = mwhat ? extra_from_metadata(ctx, xp, m ? m->nodeTab[0] : NULL, mwhat, NULL, &e) : -ENOMEM;
        }
        if (r < 0)
                return r;
        unsigned long vlan = vlan_s ? strtoul(vlan_s, NULL, 10) : 0;
        struct alloc_libvirt_vf x = {
                .source = ALLOC_SOURCE_LIBVIRT_NETWORK,
                .domain_name = owner,
                .domain_uuid = owner_uuid,
                .network = network,
                .port = uuid,
                .vf_address = addr,
                .kind = kind,
        };
        memcpy(x.mac, mac, 6);
        /* libvirt sets the VLAN after this hook (with priority 0): the
         * priority is recorded now and sent at the guest's start */
        x.deferred = extra_config(&e, (uint16_t)(vlan > 4095 ? 0 : vlan), &x.config);
        enum alloc_libvirt_result res;
        if ((r = alloc_libvirt_hold(ctx, &x, &res)) == -ENOTSUP)
                return 0;
        if (r < 0) {
                ctx_error_prefix(ctx, "%s for domain '%s'", what, owner);
                return r;
        }
        _cleanup_free_ char *set = config_words(&x.config, x.config.set & ~x.deferred),
                            *later = config_words(&x.config, x.deferred);
        if (!set || !later)
                return -ENOMEM;
        return strv_pushf(actions, "%s: VF %s for domain '%s' (MAC %s): %s%s%s%s%s", what, addr, owner, mac_s,
                          result_word(res), res == ALLOC_LIBVIRT_NEW && *set ? "; set " : "",
                          res == ALLOC_LIBVIRT_NEW ? set : "", *later && res == ALLOC_LIBVIRT_NEW ? "; at start: " : "",
                          res == ALLOC_LIBVIRT_NEW ? later : "");
}

int sriov_hook_network(struct sriov_ctx *ctx, const char *network, const char *op, const char *subop,
                       const char *xml, size_t len, const struct sriov_hook_options *o, char ***ret_actions)
{
        ctx_clear_error(ctx);
        (void)subop;
        bool created = strcmp(op, "port-created") == 0, deleted = strcmp(op, "port-deleted") == 0;
        _cleanup_strv_free_ char **actions = NULL;
        if (strv_push(&actions, "") < 0)
                return -ENOMEM;
        free(actions[0]);
        actions[0] = NULL;
        if (created || deleted) {
                /* the caller names the hook, the network and the operation */
                const char *what = "<hookData>";
                xmlDocPtr _cleanup_(free_doc) doc = NULL;
                xmlXPathContextPtr _cleanup_(free_xpath) xp = NULL;
                int r = parse_doc(ctx, what, xml, len, &doc);
                if (r == 0 && (r = new_xpath(doc, &xp)) < 0)
                        return r;
                if (r < 0)
                        return r;
                xmlXPathObjectPtr _cleanup_(free_xpobj) po = NULL, no = NULL;
                xmlNodeSetPtr port = nodes(xp, xmlDocGetRootElement(doc), "/hookData/networkport", &po);
                xmlNodeSetPtr net = nodes(xp, xmlDocGetRootElement(doc), "/hookData/network", &no);
                if (!port)
                        return ctx_fail(ctx, -EINVAL, "%s: no <networkport>", what);
                if (created)
                        r = port_created(ctx, network, xp, port->nodeTab[0], net ? net->nodeTab[0] : NULL, o,
                                         &actions);
                else {
                        _cleanup_free_ char *uuid = text(xp, port->nodeTab[0], "uuid");
                        unsigned freed = 0;
                        if (!uuid)
                                return ctx_fail(ctx, -EINVAL, "%s: <networkport> without <uuid>", what);
                        r = alloc_libvirt_release(ctx, uuid, NULL, &freed);
                        if (r < 0)
                                ctx_error_prefix(ctx, "network '%s' port %s", network, uuid);
                        else if (freed)
                                r = strv_pushf(&actions, "network '%s' port %s: VF given back", network, uuid);
                }
                if (r < 0)
                        return r;
        }
        *ret_actions = TAKE_PTR(actions);
        return 0;
}

/* ---- the qemu hook --------------------------------------------------------- */

/* The VFs a guest's XML names itself: <interface type='hostdev'> and
 * <hostdev type='pci'> (numbered after the interfaces), and the
 * interfaces whose MAC a port of libvirt's network driver recorded. At
 * prepare (before libvirt takes them) each is checked and recorded; at
 * start the settings that must come after libvirt's are sent. */
static int qemu_vfs(struct sriov_ctx *ctx, const char *domain, xmlXPathContextPtr xp, xmlNodePtr root,
                    bool at_start, const struct sriov_hook_options *o, char ***actions)
{
        _cleanup_free_ char *uuid = text(xp, root, "/domain/uuid");
        xmlXPathObjectPtr _cleanup_(free_xpobj) mo = NULL, io = NULL, ho = NULL;
        xmlNodeSetPtr meta = nodes(xp, root, "/domain/metadata", &mo);
        xmlNodeSetPtr ifs = nodes(xp, root, "/domain/devices/interface", &io);
        xmlNodeSetPtr hds = nodes(xp, root, "/domain/devices/hostdev[@mode='subsystem' and @type='pci']", &ho);
        int n_ifs = ifs ? ifs->nodeNr : 0, n_hds = hds ? hds->nodeNr : 0;
        for (int i = 0; i < n_ifs + n_hds; i++) {
                xmlNodePtr el = i < n_ifs ? ifs->nodeTab[i] : hds->nodeTab[i - n_ifs];
                _cleanup_free_ char *what = strdup_printf("domain '%s': %s #%d", domain,
                                                          i < n_ifs ? "<interface>" : "<hostdev>",
                                                          i < n_ifs ? i + 1 : i - n_ifs + 1);
                _cleanup_free_ char *type = text(xp, el, "@type"), *mac_s = text(xp, el, "mac/@address"),
                                    *vlan_s = text(xp, el, "vlan/tag[1]/@id");
                if (!what)
                        return -ENOMEM;
                uint8_t mac[6] = {0};
                bool has_mac = mac_s && vf_mac_parse(mac_s, mac) == 0;
                char addr[SRIOV_PCI_ADDR_MAX] = "";
                struct sriov_vf_config recorded = {0};
                bool from_port = has_mac && alloc_libvirt_vf_of(ctx, domain, mac, addr, &recorded) == 0;
                ctx_clear_error(ctx);
                xmlXPathObjectPtr _cleanup_(free_xpobj) ao = NULL;
                xmlNodeSetPtr a = NULL;
                if (!from_port && (i >= n_ifs || (type && strcmp(type, "hostdev") == 0)))
                        a = nodes(xp, el, "source/address[not(@type) or @type='pci']", &ao);
                int r = 0;
                if (!from_port && !a)
                        continue; /* not a VF by the guest's XML, nor one a port recorded */
                if (a && (r = pci_of(ctx, xp, a->nodeTab[0], what, addr)) < 0)
                        return r;
                struct extra e = {0};
                if (!from_port && (r = extra_from_desired(ctx, o, addr, &e)) < 0)
                        return r;
                _cleanup_free_ char *mwhat = strdup_printf("domain '%s': <metadata>", domain);
                if (!mwhat || (r = extra_from_metadata(ctx, xp, meta ? meta->nodeTab[0] : NULL, mwhat,
                                                       has_mac ? mac : NULL, &e)) < 0)
                        return r ? r : -ENOMEM;
                unsigned long vlan = vlan_s ? strtoul(vlan_s, NULL, 10) : 0;
                if (from_port && (recorded.set & SRIOV_VF_VLAN)) {
                        /* the priority the port recorded, on the VLAN libvirt set since */
                        struct extra pe = {.has_qos = true, .qos = recorded.qos};
                        if (recorded.set & SRIOV_VF_VLAN_PROTO) {
                                pe.has_proto = true;
                                pe.proto = recorded.vlan_proto;
                        }
                        struct extra merged = pe;
                        extra_merge(&merged, &e);
                        e = merged;
                        if (!vlan_s)
                                vlan = recorded.vlan;
                }
                struct alloc_libvirt_vf x = {
                        .source = ALLOC_SOURCE_LIBVIRT_DOMAIN,
                        .domain_name = domain,
                        .domain_uuid = uuid,
                        .iface = (unsigned)i,
                        .iface_known = true,
                        .vf_address = addr,
                        .kind = SRIOV_ALLOC_HOSTDEV,
                };
                memcpy(x.mac, mac, 6);
                uint32_t vlan_bits = extra_config(&e, (uint16_t)(vlan > 4095 ? 0 : vlan), &x.config);
                /* at prepare libvirt has not set its VLAN yet: the priority
                 * waits for start; at start the VLAN is sent again even when
                 * recorded (libvirt's own setting reset its priority) */
                if (!at_start)
                        x.deferred = vlan_bits;
                else
                        x.force = vlan_bits != 0;
                enum alloc_libvirt_result res;
                if ((r = alloc_libvirt_hold(ctx, &x, &res)) == -ENOTSUP)
                        continue;
                if (r < 0) {
                        ctx_error_prefix(ctx, "%s", what);
                        return r;
                }
                uint32_t sent = x.config.set & ~x.deferred;
                _cleanup_free_ char *set = config_words(&x.config, sent);
                if (!set)
                        return -ENOMEM;
                if (res == ALLOC_LIBVIRT_KEPT && !*set)
                        continue;
                if ((r = strv_pushf(actions, "%s: VF %s: %s%s%s", what, addr, result_word(res),
                                    *set && res != ALLOC_LIBVIRT_ATTACHED ? "; set " : "",
                                    res != ALLOC_LIBVIRT_ATTACHED ? set : "")) < 0)
                        return r;
        }
        return 0;
}

int sriov_hook_qemu(struct sriov_ctx *ctx, const char *domain, const char *op, const char *subop,
                    const char *xml, size_t len, const struct sriov_hook_options *o, char ***ret_actions)
{
        ctx_clear_error(ctx);
        (void)subop;
        _cleanup_strv_free_ char **actions = calloc(1, sizeof(char *));
        if (!actions)
                return -ENOMEM;
        int r = 0;
        bool prepare = strcmp(op, "prepare") == 0, start = strcmp(op, "start") == 0;
        if (prepare || start) {
                /* the caller names the hook, the domain and the operation */
                const char *what = "the domain XML";
                xmlDocPtr _cleanup_(free_doc) doc = NULL;
                xmlXPathContextPtr _cleanup_(free_xpath) xp = NULL;
                r = parse_doc(ctx, what, xml, len, &doc);
                if (r == 0 && (r = new_xpath(doc, &xp)) == 0)
                        r = qemu_vfs(ctx, domain, xp, xmlDocGetRootElement(doc), start, o, &actions);
        } else if (strcmp(op, "release") == 0) {
                unsigned freed = 0;
                if ((r = alloc_libvirt_release(ctx, NULL, domain, &freed)) == 0 && freed)
                        r = strv_pushf(&actions, "domain '%s': %u VF%s given back", domain, freed,
                                       freed == 1 ? "" : "s");
        }
        if (r < 0)
                return r;
        *ret_actions = TAKE_PTR(actions);
        return 0;
}

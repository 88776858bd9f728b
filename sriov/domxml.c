/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt domain and network XML (libxml2 tree + XPath): parsed into plain
 * requests, merged as libvirt merges a type='network' interface with its
 * network, and one <interface> rewritten for the guest. No netlink, no
 * sysfs. The value rules are libvirt's schemas' (basictypes.rng,
 * networkcommon.rng, domaincommon.rng). */
#include <ctype.h>
#include <string.h>
#include <sys/random.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "internal.h"
#include "sriov-libvirt.h"

static inline void xmlfreep(void *p)
{
        xmlFree(*(void **)p);
}
#define _cleanup_xmlfree_ _cleanup_(xmlfreep)
static inline void xpathobjp(xmlXPathObjectPtr *p)
{
        xmlXPathFreeObject(*p);
}
static inline void xpathctxp(xmlXPathContextPtr *p)
{
        xmlXPathFreeContext(*p);
}

/* Where a value sits, for messages: "net.xml: <interface> #2 (type='direct')". */
struct where {
        struct sriov_ctx *ctx;
        char at[256];
};

static int bad(const struct where *w, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(const struct where *w, int r, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        _cleanup_free_ char *msg = strdup_vprintf(fmt, ap);
        va_end(ap);
        if (!msg)
                return ctx_fail(w->ctx, r, "%s: out of memory", w->at);
        return ctx_fail(w->ctx, r, "%s: %s", w->at, msg);
}

/* ---- tree helpers ------------------------------------------------------- */

static bool is_elem(const xmlNode *n, const char *name)
{
        return n && n->type == XML_ELEMENT_NODE && (!name || xmlStrEqual(n->name, BAD_CAST name));
}

static xmlNode *child(const xmlNode *parent, const char *name)
{
        for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
                if (is_elem(c, name))
                        return c;
        return NULL;
}

/* A copy of attribute `name` (NULL if absent, or out of memory: *oom). */
static char *attr(const xmlNode *n, const char *name, bool *oom)
{
        _cleanup_xmlfree_ xmlChar *v = xmlGetProp(n, BAD_CAST name);
        if (!v)
                return NULL;
        char *s = strdup((const char *)v);
        if (!s)
                *oom = true;
        return s;
}

static char *text_of(const xmlNode *n, bool *oom)
{
        _cleanup_xmlfree_ xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
        if (!v)
                return NULL;
        /* trim */
        const char *s = (const char *)v;
        while (isspace((unsigned char)*s))
                s++;
        size_t len = strlen(s);
        while (len && isspace((unsigned char)s[len - 1]))
                len--;
        char *r = strndup(s, len);
        if (!r)
                *oom = true;
        return r;
}

/* ---- values --------------------------------------------------------------- */

/* Decimal or 0x hex, at most max. A decimal with a leading zero is what
 * libvirt (strtoul base 0) reads as octal: refused unless both readings
 * agree. */
static int parse_num(const struct where *w, const char *elem, const char *name, const char *v,
                     uint64_t max, const char *rule, uint64_t *ret)
{
        uint64_t val = 0;
        const char *p = v;
        bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
        if (hex)
                p += 2;
        if (!*p)
                goto not_number;
        size_t nd = 0;
        for (; *p; p++, nd++) {
                int d;
                if (*p >= '0' && *p <= '9')
                        d = *p - '0';
                else if (hex && isxdigit((unsigned char)*p))
                        d = tolower((unsigned char)*p) - 'a' + 10;
                else
                        goto not_number;
                if (val > (UINT64_MAX - (uint64_t)d) / (hex ? 16 : 10))
                        goto too_big;
                val = val * (hex ? 16 : 10) + (uint64_t)d;
        }
        if (!hex && nd > 1 && v[0] == '0' && val >= 8)
                return bad(w, -EINVAL,
                           "<%s %s='%s'>: leading zero: libvirt reads it as octal, the schema as "
                           "decimal; write it in decimal without leading zeros or as 0x hex",
                           elem, name, v);
        if (val > max)
                goto too_big;
        *ret = val;
        return 0;
not_number:
        return bad(w, -EINVAL, "<%s %s='%s'>: not a number: %s (decimal or 0x hex)", elem, name, v,
                   rule);
too_big:
        return bad(w, -ERANGE, "<%s %s='%s'>: out of range: %s", elem, name, v, rule);
}

static int parse_uuid(const char *s, uint8_t ret[16])
{
        size_t len = strlen(s);
        bool dashed = len == 36;
        if (len != 32 && len != 36)
                return -EINVAL;
        uint8_t out[16];
        size_t k = 0;
        for (size_t i = 0; i < len;) {
                if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
                        if (s[i] != '-')
                                return -EINVAL;
                        i++;
                        continue;
                }
                if (!isxdigit((unsigned char)s[i]) || !isxdigit((unsigned char)s[i + 1]))
                        return -EINVAL;
                char b[3] = {s[i], s[i + 1], 0};
                out[k++] = (uint8_t)strtoul(b, NULL, 16);
                i += 2;
        }
        if (k != 16)
                return -EINVAL;
        memcpy(ret, out, 16);
        return 0;
}

static int parse_uuid_attr(const struct where *w, const char *elem, const char *name, const char *v,
                           uint8_t ret[16])
{
        if (parse_uuid(v, ret) < 0)
                return bad(w, -EINVAL,
                           "<%s %s='%s'>: not a UUID: 32 hex digits, or 8-4-4-4-12 hex digits "
                           "with dashes",
                           elem, name, v);
        return 0;
}

static int parse_mac(const struct where *w, const char *v, uint8_t ret[6])
{
        uint8_t m[6];
        bool ok = strlen(v) == 17;
        for (size_t i = 0; ok && i < 6; i++) {
                const char *p = v + 3 * i;
                if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
                    (i < 5 && p[2] != ':')) {
                        ok = false;
                        break;
                }
                char b[3] = {p[0], p[1], 0};
                m[i] = (uint8_t)strtoul(b, NULL, 16);
        }
        if (!ok)
                return bad(w, -EINVAL,
                           "<mac address='%s'>: not a MAC address: six hex byte pairs separated "
                           "by colons (xx:xx:xx:xx:xx:xx)",
                           v);
        if (m[0] & 1)
                return bad(w, -EINVAL,
                           "<mac address='%s'>: multicast MAC; a guest MAC must be unicast (the "
                           "lowest bit of the first byte clear)",
                           v);
        memcpy(ret, m, 6);
        return 0;
}

static bool device_name_ok(const char *s)
{
        if (!s || !*s)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && !strchr("_.-\\:/", *s))
                        return false;
        return true;
}

static int parse_yesno(const struct where *w, const char *elem, const char *name, const char *v,
                       int *ret)
{
        if (!v) {
                *ret = -1;
                return 0;
        }
        if (strcmp(v, "yes") == 0)
                *ret = 1;
        else if (strcmp(v, "no") == 0)
                *ret = 0;
        else
                return bad(w, -EINVAL, "<%s %s='%s'>: must be 'yes' or 'no'", elem, name, v);
        return 0;
}

/* <address type='pci' domain bus slot function/>: missing fields are 0, as
 * libvirt reads them. */
static int parse_pci(const struct where *w, const xmlNode *n, struct sriov_pci_addr *ret)
{
        static const struct {
                const char *name;
                uint64_t max;
                const char *rule;
        } f[] = {
                {"domain", 0xffff, "a PCI domain is at most 0xffff"},
                {"bus", 0xff, "a PCI bus is at most 0xff"},
                {"slot", 0x1f, "a PCI slot is at most 0x1f"},
                {"function", 7, "a PCI function is at most 7"},
        };
        uint64_t v[4] = {0};
        bool oom = false;
        for (size_t i = 0; i < ELEMENTSOF(f); i++) {
                _cleanup_free_ char *s = attr(n, f[i].name, &oom);
                if (oom)
                        return -ENOMEM;
                if (s) {
                        int r = parse_num(w, "address", f[i].name, s, f[i].max, f[i].rule, &v[i]);
                        if (r < 0)
                                return r;
                }
        }
        *ret = (struct sriov_pci_addr){.domain = (uint32_t)v[0], .bus = (uint8_t)v[1],
                                       .slot = (uint8_t)v[2], .function = (uint8_t)v[3]};
        return 0;
}

void sriov_xml_vlan_done(struct sriov_xml_vlan *v)
{
        free(v->tags);
        *v = (struct sriov_xml_vlan){0};
}

static int vlan_copy(const struct sriov_xml_vlan *src, struct sriov_xml_vlan *dst)
{
        *dst = *src;
        dst->tags = NULL;
        if (src->n_tags) {
                dst->tags = calloc(src->n_tags, sizeof(*dst->tags));
                if (!dst->tags)
                        return -ENOMEM;
                memcpy(dst->tags, src->tags, src->n_tags * sizeof(*dst->tags));
        }
        return 0;
}

/* <vlan [trunk='yes']><tag id= [nativeMode=]/>...</vlan> (networkcommon.rng,
 * with libvirt's own rules: several tags make a trunk, at most one native). */
static int parse_vlan(const struct where *w, const xmlNode *n, struct sriov_xml_vlan *ret)
{
        struct sriov_xml_vlan v = {.present = true};
        bool oom = false;
        int r = 0;
        _cleanup_free_ char *trunk = attr(n, "trunk", &oom);
        int trunk_v = -1;
        if (oom)
                return -ENOMEM;
        if ((r = parse_yesno(w, "vlan", "trunk", trunk, &trunk_v)) < 0)
                return r;
        size_t native = 0;
        for (xmlNode *t = n->children; t; t = t->next) {
                if (!is_elem(t, "tag"))
                        continue;
                _cleanup_free_ char *id = attr(t, "id", &oom);
                _cleanup_free_ char *nm = attr(t, "nativeMode", &oom);
                if (oom) {
                        r = -ENOMEM;
                        goto fail;
                }
                if (!id) {
                        r = bad(w, -EINVAL, "<vlan><tag>: no id attribute: every tag needs one");
                        goto fail;
                }
                uint64_t val;
                bool dec = id[0] != '\0' && strspn(id, "0123456789") == strlen(id);
                if (!dec) {
                        r = bad(w, -EINVAL, "<tag id='%s'>: not a decimal number: a VLAN tag id is 0 to 4095", id);
                        goto fail;
                }
                val = strlen(id) > 5 ? 99999 : strtoull(id, NULL, 10);
                if (val > 4095) {
                        r = bad(w, -ERANGE, "<tag id='%s'>: out of range: a VLAN tag id is 0 to 4095", id);
                        goto fail;
                }
                struct sriov_xml_vlan_tag tag = {.id = (uint16_t)val};
                if (nm) {
                        if (strcmp(nm, "tagged") == 0)
                                tag.native = SRIOV_XML_NATIVE_TAGGED;
                        else if (strcmp(nm, "untagged") == 0)
                                tag.native = SRIOV_XML_NATIVE_UNTAGGED;
                        else {
                                r = bad(w, -EINVAL, "<tag id='%s' nativeMode='%s'>: must be 'tagged' or 'untagged'",
                                        id, nm);
                                goto fail;
                        }
                        if (++native > 1) {
                                r = bad(w, -EINVAL, "<tag id='%s' nativeMode='%s'>: only one tag of a <vlan> can be native",
                                        id, nm);
                                goto fail;
                        }
                }
                struct sriov_xml_vlan_tag *nt = realloc(v.tags, (v.n_tags + 1) * sizeof(*nt));
                if (!nt) {
                        r = -ENOMEM;
                        goto fail;
                }
                v.tags = nt;
                v.tags[v.n_tags++] = tag;
        }
        if (v.n_tags == 0) {
                r = bad(w, -EINVAL, "<vlan>: no <tag id=...>: a vlan needs at least one tag");
                goto fail;
        }
        if (trunk_v == 0 && v.n_tags > 1) {
                r = bad(w, -EINVAL, "<vlan trunk='no'>: %zu tags: several tags make a trunk", v.n_tags);
                goto fail;
        }
        v.trunk = trunk_v == 1 || v.n_tags > 1;
        if (native && !v.trunk) {
                r = bad(w, -EINVAL, "<vlan>: nativeMode needs a trunk (trunk='yes' or several tags)");
                goto fail;
        }
        *ret = v;
        return 0;
fail:
        sriov_xml_vlan_done(&v);
        return r;
}

static const char *const vport_type_names[] = {
        [SRIOV_XML_VPORT_UNTYPED] = "",
        [SRIOV_XML_VPORT_8021QBG] = "802.1Qbg",
        [SRIOV_XML_VPORT_8021QBH] = "802.1Qbh",
        [SRIOV_XML_VPORT_OPENVSWITCH] = "openvswitch",
        [SRIOV_XML_VPORT_MIDONET] = "midonet",
};

const char *sriov_xml_vport_type_name(enum sriov_xml_vport_type t)
{
        return (size_t)t < ELEMENTSOF(vport_type_names) ? vport_type_names[t] : "?";
}

/* Which <parameters> each type takes (networkcommon.rng). */
static const uint32_t vport_allowed[] = {
        [SRIOV_XML_VPORT_UNTYPED] = 0x3f,
        [SRIOV_XML_VPORT_8021QBG] = SRIOV_XML_VP_MANAGERID | SRIOV_XML_VP_TYPEID |
                                    SRIOV_XML_VP_TYPEIDVERSION | SRIOV_XML_VP_INSTANCEID,
        [SRIOV_XML_VPORT_8021QBH] = SRIOV_XML_VP_PROFILEID,
        [SRIOV_XML_VPORT_OPENVSWITCH] = SRIOV_XML_VP_PROFILEID | SRIOV_XML_VP_INTERFACEID,
        [SRIOV_XML_VPORT_MIDONET] = SRIOV_XML_VP_INTERFACEID,
};

static const char *const vport_field_names[] = {"managerid", "typeid", "typeidversion",
                                                "instanceid", "profileid", "interfaceid"};

static int parse_vport(const struct where *w, const xmlNode *n, struct sriov_xml_vport *ret)
{
        struct sriov_xml_vport v = {.present = true};
        bool oom = false;
        int r;
        _cleanup_free_ char *type = attr(n, "type", &oom);
        if (oom)
                return -ENOMEM;
        if (type) {
                size_t t;
                for (t = 1; t < ELEMENTSOF(vport_type_names); t++)
                        if (strcmp(type, vport_type_names[t]) == 0)
                                break;
                if (t == ELEMENTSOF(vport_type_names))
                        return bad(w, -EINVAL,
                                   "<virtualport type='%s'>: unknown type: 802.1Qbg, 802.1Qbh, "
                                   "openvswitch or midonet (or no type)",
                                   type);
                v.type = (enum sriov_xml_vport_type)t;
        }
        const char *tn = type ? type : "(untyped)";
        xmlNode *p = child(n, "parameters");
        for (size_t i = 0; p && i < ELEMENTSOF(vport_field_names); i++) {
                const char *name = vport_field_names[i];
                _cleanup_free_ char *s = attr(p, name, &oom);
                if (oom)
                        return -ENOMEM;
                if (!s)
                        continue;
                uint32_t bit = 1u << i;
                if (!(vport_allowed[v.type] & bit))
                        return bad(w, -EINVAL,
                                   "<virtualport type='%s'><parameters %s='%s'>: a %s virtualport "
                                   "does not take %s",
                                   tn, name, s, tn, name);
                uint64_t num;
                /* uint8 and uint24 (basictypes.rng): 0x and at most 2 or 6 hex
                 * digits; more without leading zeros are out of range */
                size_t hex_max = bit == SRIOV_XML_VP_TYPEID ? 6 : 2;
                if ((bit & (SRIOV_XML_VP_MANAGERID | SRIOV_XML_VP_TYPEID | SRIOV_XML_VP_TYPEIDVERSION)) &&
                    s[0] == '0' && (s[1] == 'X' || (s[1] == 'x' && s[2] == '0' && strlen(s + 2) > hex_max)))
                        return bad(w, -EINVAL,
                                   "<parameters %s='%s'>: the schema's hex form is 0x and 1 to %zu hex "
                                   "digits (lowercase x)",
                                   name, s, hex_max);
                switch (bit) {
                case SRIOV_XML_VP_MANAGERID:
                        if ((r = parse_num(w, "parameters", name, s, 0xff,
                                           "managerid is a uint8 (0 to 255, or 0x0 to 0xff)", &num)) < 0)
                                return r;
                        v.managerid = (uint8_t)num;
                        break;
                case SRIOV_XML_VP_TYPEID:
                        if ((r = parse_num(w, "parameters", name, s, 0xffffff,
                                           "typeid is a uint24 (0 to 16777215, or 0x0 to 0xffffff)", &num)) < 0)
                                return r;
                        v.typeid = (uint32_t)num;
                        break;
                case SRIOV_XML_VP_TYPEIDVERSION:
                        if ((r = parse_num(w, "parameters", name, s, 0xff,
                                           "typeidversion is a uint8 (0 to 255, or 0x0 to 0xff)", &num)) < 0)
                                return r;
                        v.typeidversion = (uint8_t)num;
                        break;
                case SRIOV_XML_VP_INSTANCEID:
                        if ((r = parse_uuid_attr(w, "parameters", name, s, v.instanceid)) < 0)
                                return r;
                        break;
                case SRIOV_XML_VP_INTERFACEID:
                        if ((r = parse_uuid_attr(w, "parameters", name, s, v.interfaceid)) < 0)
                                return r;
                        break;
                case SRIOV_XML_VP_PROFILEID:
                        if (!*s || strlen(s) > SRIOV_PORT_PROFILE_MAX - 1)
                                return bad(w, -EINVAL,
                                           "<parameters profileid='%s'>: %zu characters: a "
                                           "profileid has 1 to %d",
                                           s, strlen(s), SRIOV_PORT_PROFILE_MAX - 1);
                        memcpy(v.profileid, s, strlen(s) + 1);
                        break;
                }
                v.set |= bit;
        }
        if (v.type == SRIOV_XML_VPORT_MIDONET && !(v.set & SRIOV_XML_VP_INTERFACEID))
                return bad(w, -EINVAL, "<virtualport type='midonet'>: no <parameters interfaceid=...>: midonet needs one");
        *ret = v;
        return 0;
}

/* ---- modes ---------------------------------------------------------------- */

static const char *const mode_names[] = {
        [SRIOV_XML_MODE_NONE] = "",           [SRIOV_XML_MODE_VEPA] = "vepa",
        [SRIOV_XML_MODE_BRIDGE] = "bridge",   [SRIOV_XML_MODE_PRIVATE] = "private",
        [SRIOV_XML_MODE_PASSTHROUGH] = "passthrough", [SRIOV_XML_MODE_HOSTDEV] = "hostdev",
        [SRIOV_XML_MODE_OTHER] = "other",
};

const char *sriov_xml_mode_name(enum sriov_xml_mode m)
{
        return (size_t)m < ELEMENTSOF(mode_names) ? mode_names[m] : "?";
}

static enum sriov_xml_mode mode_lookup(const char *s, enum sriov_xml_mode last)
{
        for (size_t m = SRIOV_XML_MODE_VEPA; m <= (size_t)last; m++)
                if (strcmp(s, mode_names[m]) == 0)
                        return (enum sriov_xml_mode)m;
        return SRIOV_XML_MODE_NONE;
}

/* ---- documents ------------------------------------------------------------ */

/* The <!DOCTYPE> a document starts with, recorded by the SAX callback that
 * stops the parser there, before any declaration of an internal subset is
 * read or an external one could be fetched; and the first encoding or I/O
 * error, which libxml2 raises without a parser context and would print. */
struct doctype_seen {
        bool seen;
        int line;
        char decl[320];
        char io_error[200];
};

#if LIBXML_VERSION >= 21200
static void keep_io_error(void *user, const xmlError *e)
#else
static void keep_io_error(void *user, xmlError *e)
#endif
{
        struct doctype_seen *s = user;
        if (e && e->message && !s->io_error[0] && (e->domain == XML_FROM_I18N || e->domain == XML_FROM_IO))
                snprintf(s->io_error, sizeof(s->io_error), "%.*s", (int)strcspn(e->message, "\n"), e->message);
}

static void refuse_doctype(void *user, const xmlChar *name, const xmlChar *public_id, const xmlChar *system_id)
{
        xmlParserCtxtPtr pc = user;
        struct doctype_seen *s = pc->_private;
        if (!s || s->seen)
                return;
        s->seen = true;
        s->line = pc->input ? pc->input->line : 0;
        /* the parser stands after the external ID: '[' opens an internal subset */
        bool subset = pc->input && pc->input->cur && *pc->input->cur == '[';
        snprintf(s->decl, sizeof(s->decl), "<!DOCTYPE %.64s%s%.80s%s%s%.80s%s%s>", name ? (const char *)name : "",
                 public_id ? " PUBLIC \"" : "", public_id ? (const char *)public_id : "", public_id ? "\"" : "",
                 system_id ? (public_id ? " \"" : " SYSTEM \"") : "", system_id ? (const char *)system_id : "",
                 system_id ? "\"" : "", subset ? " [...]" : "");
        for (char *c = s->decl; *c; c++)
                if ((unsigned char)*c < 0x20 || *c == 0x7f)
                        *c = '?';
        xmlStopParser(pc);
}

/* libxml2 (2.9.14 at least) expands internal entities in xmlGetProp() and
 * xmlNodeGetContent() even without XML_PARSE_NOENT, and checks entities by
 * parsing them: a document with a DTD is refused outright, from the SAX
 * callback of its <!DOCTYPE>, so nothing is fetched (no DTDLOAD, no NOENT,
 * NONET) and nothing is expanded. Without a DTD only the five predefined
 * entities and character references exist; any other reference is not
 * well-formed. */
static int read_doc(struct sriov_ctx *ctx, const char *what, const char *xml, size_t len,
                    const char *root, xmlDoc **ret)
{
        if (len > INT32_MAX)
                return ctx_fail(ctx, -EFBIG, "%s: %zu bytes: too large for an XML document", what, len);
        xmlParserCtxtPtr pc = xmlNewParserCtxt();
        if (!pc || !pc->sax) {
                xmlFreeParserCtxt(pc);
                return -ENOMEM;
        }
        struct doctype_seen dt = {0};
        pc->_private = &dt;
        pc->sax->internalSubset = refuse_doctype;
        /* libxml2's error handlers are per thread: ours for this parse only */
        xmlStructuredErrorFunc old_handler = xmlStructuredError;
        void *old_data = xmlStructuredErrorContext;
        xmlSetStructuredErrorFunc(&dt, keep_io_error);
        /* no network, no DTD, no entity expansion, errors kept, not printed */
        xmlDoc *doc = xmlCtxtReadMemory(pc, xml, (int)len, what, NULL,
                                        XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING);
        xmlSetStructuredErrorFunc(old_data, old_handler);
        if (dt.seen || (doc && (doc->intSubset || doc->extSubset))) {
                int r = ctx_fail(ctx, -EINVAL,
                                 "%s: line %d: %s: DTDs and entities are refused (never fetched, never "
                                 "expanded)",
                                 what, dt.seen ? dt.line : 0, dt.seen ? dt.decl : "<!DOCTYPE>");
                xmlFreeDoc(doc);
                xmlFreeParserCtxt(pc);
                return r;
        }
        if (!doc) {
                const xmlError *e = xmlCtxtGetLastError(pc);
                if (e && (e->code == XML_ERR_UNDECLARED_ENTITY || e->code == XML_WAR_UNDECLARED_ENTITY) &&
                    e->str1) {
                        int r = ctx_fail(ctx, -EINVAL,
                                         "%s: line %d: &%.64s;: not well-formed XML: DTDs and entities are "
                                         "refused; only &amp; &lt; &gt; &quot; &apos; and character "
                                         "references are known",
                                         what, e->line, e->str1);
                        xmlFreeParserCtxt(pc);
                        return r;
                }
                const char *m = dt.io_error[0] ? dt.io_error : e && e->message ? e->message : "parse error";
                int r = ctx_fail(ctx, -EINVAL, "%s: line %d: not well-formed XML: %.*s", what,
                                 e ? e->line : 0, (int)strcspn(m, "\n"), m);
                xmlFreeParserCtxt(pc);
                return r;
        }
        xmlFreeParserCtxt(pc);
        xmlNode *top = xmlDocGetRootElement(doc);
        if (!is_elem(top, root)) {
                int r = ctx_fail(ctx, -EINVAL, "%s: root element is <%s>, not <%s>: not a libvirt %s XML",
                                 what, top ? (const char *)top->name : "", root, root);
                xmlFreeDoc(doc);
                return r;
        }
        *ret = doc;
        return 0;
}

static void iface_done(struct sriov_xml_iface *f)
{
        free(f->type_name);
        free(f->source_dev);
        free(f->network);
        free(f->portgroup);
        free(f->driver_name);
        free(f->model_type);
        sriov_xml_vlan_done(&f->vlan);
        *f = (struct sriov_xml_iface){0};
}

static int parse_iface(struct sriov_ctx *ctx, const char *what, xmlNode *n, unsigned index,
                       struct sriov_xml_iface *ret)
{
        struct sriov_xml_iface f = {.index = index, .node = n, .managed = -1};
        struct where w = {.ctx = ctx};
        bool oom = false;
        int r;
        f.type_name = attr(n, "type", &oom);
        if (!f.type_name && !oom)
                f.type_name = strdup("user"); /* libvirt's default */
        if (!f.type_name)
                return -ENOMEM;
        snprintf(w.at, sizeof(w.at), "%s: <interface> #%u (type='%s')", what, index + 1, f.type_name);
        if (strcmp(f.type_name, "direct") == 0)
                f.type = SRIOV_XML_IFACE_DIRECT;
        else if (strcmp(f.type_name, "hostdev") == 0)
                f.type = SRIOV_XML_IFACE_HOSTDEV;
        else if (strcmp(f.type_name, "network") == 0)
                f.type = SRIOV_XML_IFACE_NETWORK;

        xmlNode *mac = child(n, "mac");
        if (mac) {
                _cleanup_free_ char *a = attr(mac, "address", &oom);
                if (oom)
                        goto nomem;
                if (!a) {
                        r = bad(&w, -EINVAL, "<mac>: no address attribute");
                        goto fail;
                }
                if ((r = parse_mac(&w, a, f.mac)) < 0)
                        goto fail;
                f.has_mac = true;
        }

        xmlNode *src = child(n, "source");
        switch (f.type) {
        case SRIOV_XML_IFACE_DIRECT: {
                if (!src) {
                        r = bad(&w, -EINVAL, "no <source dev=...>: a direct interface needs one");
                        goto fail;
                }
                f.source_dev = attr(src, "dev", &oom);
                _cleanup_free_ char *mode = attr(src, "mode", &oom);
                if (oom)
                        goto nomem;
                if (!f.source_dev) {
                        r = bad(&w, -EINVAL, "<source>: no dev attribute: a direct interface needs one");
                        goto fail;
                }
                if (!device_name_ok(f.source_dev)) {
                        r = bad(&w, -EINVAL, "<source dev='%s'>: not a device name (letters, digits and _.-\\:/)",
                                f.source_dev);
                        goto fail;
                }
                f.mode = SRIOV_XML_MODE_VEPA; /* libvirt's default */
                if (mode && (f.mode = mode_lookup(mode, SRIOV_XML_MODE_PASSTHROUGH)) == SRIOV_XML_MODE_NONE) {
                        r = bad(&w, -EINVAL,
                                "<source dev='%s' mode='%s'>: unknown mode: vepa, bridge, private "
                                "or passthrough",
                                f.source_dev, mode);
                        goto fail;
                }
                break;
        }
        case SRIOV_XML_IFACE_HOSTDEV: {
                _cleanup_free_ char *managed = attr(n, "managed", &oom);
                if (oom)
                        goto nomem;
                if ((r = parse_yesno(&w, "interface", "managed", managed, &f.managed)) < 0)
                        goto fail;
                xmlNode *a = child(src, "address");
                if (!src || !a) {
                        r = bad(&w, -EINVAL, "no <source><address type='pci' .../>: a hostdev interface needs one");
                        goto fail;
                }
                _cleanup_free_ char *at = attr(a, "type", &oom);
                if (oom)
                        goto nomem;
                if (at && strcmp(at, "pci") == 0) {
                        if ((r = parse_pci(&w, a, &f.pci)) < 0)
                                goto fail;
                        f.has_pci = true;
                } /* a USB hostdev is not ours: has_pci stays false */
                break;
        }
        case SRIOV_XML_IFACE_NETWORK:
                if (src) {
                        f.network = attr(src, "network", &oom);
                        f.portgroup = attr(src, "portgroup", &oom);
                }
                if (oom)
                        goto nomem;
                if (!f.network) {
                        r = bad(&w, -EINVAL, "no <source network=...>: a network interface needs one");
                        goto fail;
                }
                if (f.portgroup && !device_name_ok(f.portgroup)) {
                        r = bad(&w, -EINVAL,
                                "<source network='%s' portgroup='%s'>: not a portgroup name (letters, "
                                "digits and _.-\\:/)",
                                f.network, f.portgroup);
                        goto fail;
                }
                break;
        case SRIOV_XML_IFACE_OTHER:
                break;
        }

        xmlNode *c;
        if ((c = child(n, "vlan")) && (r = parse_vlan(&w, c, &f.vlan)) < 0)
                goto fail;
        if ((c = child(n, "virtualport")) && (r = parse_vport(&w, c, &f.vport)) < 0)
                goto fail;
        if ((c = child(n, "driver")))
                f.driver_name = attr(c, "name", &oom);
        if ((c = child(n, "model")))
                f.model_type = attr(c, "type", &oom);
        if (oom)
                goto nomem;
        *ret = f;
        return 0;
nomem:
        r = -ENOMEM;
fail:
        iface_done(&f);
        return r;
}

struct sriov_xml_domain *sriov_xml_domain_free(struct sriov_xml_domain *d)
{
        if (!d)
                return NULL;
        for (size_t i = 0; i < d->n_ifaces; i++)
                iface_done(&d->ifaces[i]);
        free(d->ifaces);
        free(d->name);
        free(d->uuid);
        xmlFreeDoc(d->doc);
        free(d);
        return NULL;
}

static inline void domain_freep(struct sriov_xml_domain **d)
{
        sriov_xml_domain_free(*d);
}

/* <uuid> text, checked; NULL if absent. */
static int read_uuid(struct sriov_ctx *ctx, const char *what, const xmlNode *top, char **ret)
{
        bool oom = false;
        _cleanup_free_ char *u = text_of(child(top, "uuid"), &oom);
        if (oom)
                return -ENOMEM;
        uint8_t b[16];
        if (u && parse_uuid(u, b) < 0)
                return ctx_fail(ctx, -EINVAL,
                                "%s: <uuid>%s</uuid>: not a UUID: 32 hex digits, or 8-4-4-4-12 hex "
                                "digits with dashes",
                                what, u);
        *ret = TAKE_PTR(u);
        return 0;
}

int sriov_xml_domain_parse(struct sriov_ctx *ctx, const char *what, const char *xml, size_t len,
                           struct sriov_xml_domain **ret)
{
        ctx_clear_error(ctx);
        _cleanup_(domain_freep) struct sriov_xml_domain *d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        xmlDoc *doc = NULL;
        int r = read_doc(ctx, what, xml, len, "domain", &doc);
        if (r < 0)
                return r;
        d->doc = doc;
        xmlNode *top = xmlDocGetRootElement(doc);
        bool oom = false;
        d->name = text_of(child(top, "name"), &oom);
        if (oom)
                return -ENOMEM;
        if (!d->name || !*d->name)
                return ctx_fail(ctx, -EINVAL, "%s: no <name>: a domain needs one", what);
        if ((r = read_uuid(ctx, what, top, &d->uuid)) < 0)
                return r;

        _cleanup_(xpathctxp) xmlXPathContextPtr xc = xmlXPathNewContext(doc);
        if (!xc)
                return -ENOMEM;
        _cleanup_(xpathobjp) xmlXPathObjectPtr set =
                xmlXPathEvalExpression(BAD_CAST "/domain/devices/interface", xc);
        if (!set)
                return -ENOMEM;
        size_t n = set->nodesetval ? (size_t)set->nodesetval->nodeNr : 0;
        if (n) {
                d->ifaces = calloc(n, sizeof(*d->ifaces));
                if (!d->ifaces)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                if ((r = parse_iface(ctx, what, set->nodesetval->nodeTab[i], (unsigned)i, &d->ifaces[i])) < 0)
                        return r;
                d->n_ifaces++;
        }
        *ret = TAKE_PTR(d);
        return 0;
}

/* ---- networks ------------------------------------------------------------- */

static void portgroup_done(struct sriov_xml_portgroup *p)
{
        free(p->name);
        sriov_xml_vlan_done(&p->vlan);
}

struct sriov_xml_network *sriov_xml_network_free(struct sriov_xml_network *n)
{
        if (!n)
                return NULL;
        free(n->name);
        free(n->uuid);
        free(n->forward_mode_name);
        free(n->forward_dev);
        free(n->driver_name);
        free(n->driver_model);
        strv_free(n->pfs);
        strv_free(n->devs);
        free(n->addrs);
        sriov_xml_vlan_done(&n->vlan);
        for (size_t i = 0; i < n->n_portgroups; i++)
                portgroup_done(&n->portgroups[i]);
        free(n->portgroups);
        free(n);
        return NULL;
}

static inline void network_freep(struct sriov_xml_network **n)
{
        sriov_xml_network_free(*n);
}
static inline void docp(xmlDoc **d)
{
        xmlFreeDoc(*d);
}

static int parse_forward(struct where *w, const char *what, const xmlNode *fw, struct sriov_xml_network *n)
{
        bool oom = false;
        int r;
        n->forward_mode_name = attr(fw, "mode", &oom);
        if (!n->forward_mode_name && !oom)
                n->forward_mode_name = strdup("nat"); /* libvirt's default */
        if (!n->forward_mode_name)
                return -ENOMEM;
        n->mode = mode_lookup(n->forward_mode_name, SRIOV_XML_MODE_HOSTDEV);
        if (n->mode == SRIOV_XML_MODE_NONE)
                n->mode = SRIOV_XML_MODE_OTHER;
        _cleanup_free_ char *managed = attr(fw, "managed", &oom);
        n->forward_dev = attr(fw, "dev", &oom);
        xmlNode *drv = child(fw, "driver");
        if (drv) {
                n->driver_name = attr(drv, "name", &oom);
                n->driver_model = attr(drv, "model", &oom);
        }
        if (oom)
                return -ENOMEM;
        snprintf(w->at, sizeof(w->at), "%s: <forward mode='%s'>", what, n->forward_mode_name);
        if ((r = parse_yesno(w, "forward", "managed", managed, &n->managed)) < 0)
                return r;
        size_t i_pf = 0, i_dev = 0, i_addr = 0;
        for (xmlNode *c = fw->children; c; c = c->next) {
                if (is_elem(c, "pf") || is_elem(c, "interface")) {
                        bool pf = is_elem(c, "pf");
                        _cleanup_free_ char *dev = attr(c, "dev", &oom);
                        if (oom)
                                return -ENOMEM;
                        snprintf(w->at, sizeof(w->at), "%s: <forward mode='%s'> <%s> #%zu", what,
                                 n->forward_mode_name, pf ? "pf" : "interface", (pf ? i_pf : i_dev) + 1);
                        if (!device_name_ok(dev))
                                return bad(w, -EINVAL,
                                           "dev='%s': not a device name (letters, digits and _.-\\:/)",
                                           dev ? dev : "");
                        if (pf && i_pf > 0)
                                return bad(w, -EINVAL, "<pf dev='%s'>: a network takes only one <pf>", dev);
                        if ((r = strv_push(pf ? &n->pfs : &n->devs, dev)) < 0)
                                return r;
                        pf ? i_pf++ : i_dev++;
                } else if (is_elem(c, "address")) {
                        snprintf(w->at, sizeof(w->at), "%s: <forward mode='%s'> <address> #%zu", what,
                                 n->forward_mode_name, ++i_addr);
                        _cleanup_free_ char *type = attr(c, "type", &oom);
                        if (oom)
                                return -ENOMEM;
                        if (!type || strcmp(type, "pci") != 0)
                                return bad(w, -EINVAL, "type='%s': a pool address must be type='pci'",
                                           type ? type : "");
                        struct sriov_pci_addr a;
                        if ((r = parse_pci(w, c, &a)) < 0)
                                return r;
                        struct sriov_pci_addr *na = realloc(n->addrs, (n->n_addrs + 1) * sizeof(*na));
                        if (!na)
                                return -ENOMEM;
                        n->addrs = na;
                        n->addrs[n->n_addrs++] = a;
                }
        }
        return 0;
}

int sriov_xml_network_parse(struct sriov_ctx *ctx, const char *what, const char *xml, size_t len,
                            struct sriov_xml_network **ret)
{
        ctx_clear_error(ctx);
        _cleanup_(network_freep) struct sriov_xml_network *n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        n->managed = -1;
        _cleanup_(docp) xmlDoc *doc = NULL;
        int r = read_doc(ctx, what, xml, len, "network", &doc);
        if (r < 0)
                return r;
        xmlNode *top = xmlDocGetRootElement(doc);
        bool oom = false;
        n->name = text_of(child(top, "name"), &oom);
        if (oom)
                return -ENOMEM;
        if (!n->name || !*n->name)
                return ctx_fail(ctx, -EINVAL, "%s: no <name>: a network needs one", what);
        if ((r = read_uuid(ctx, what, top, &n->uuid)) < 0)
                return r;
        struct where w = {.ctx = ctx};
        xmlNode *fw = child(top, "forward");
        if (fw && (r = parse_forward(&w, what, fw, n)) < 0)
                return r;

        snprintf(w.at, sizeof(w.at), "%s: network '%s'", what, n->name);
        xmlNode *c;
        if ((c = child(top, "vlan")) && (r = parse_vlan(&w, c, &n->vlan)) < 0)
                return r;
        if ((c = child(top, "virtualport")) && (r = parse_vport(&w, c, &n->vport)) < 0)
                return r;

        bool have_default = false;
        for (c = top->children; c; c = c->next) {
                if (!is_elem(c, "portgroup"))
                        continue;
                struct sriov_xml_portgroup pg = {0};
                _cleanup_free_ char *def = attr(c, "default", &oom);
                pg.name = attr(c, "name", &oom);
                if (oom) {
                        portgroup_done(&pg);
                        return -ENOMEM;
                }
                snprintf(w.at, sizeof(w.at), "%s: <portgroup name='%s'>", what, pg.name ? pg.name : "");
                int yn = -1;
                r = 0;
                if (!pg.name || !*pg.name)
                        r = bad(&w, -EINVAL, "no name attribute: every portgroup needs one");
                for (size_t i = 0; r == 0 && i < n->n_portgroups; i++)
                        if (strcmp(n->portgroups[i].name, pg.name) == 0)
                                r = bad(&w, -EINVAL, "a second portgroup of that name: names must be unique");
                if (r == 0)
                        r = parse_yesno(&w, "portgroup", "default", def, &yn);
                pg.is_default = yn == 1;
                if (r == 0 && pg.is_default && have_default)
                        r = bad(&w, -EINVAL, "default='yes': a network has at most one default portgroup");
                xmlNode *cc;
                if (r == 0 && (cc = child(c, "vlan")))
                        r = parse_vlan(&w, cc, &pg.vlan);
                if (r == 0 && (cc = child(c, "virtualport")))
                        r = parse_vport(&w, cc, &pg.vport);
                struct sriov_xml_portgroup *np = NULL;
                if (r == 0 && !(np = realloc(n->portgroups, (n->n_portgroups + 1) * sizeof(*np))))
                        r = -ENOMEM;
                if (r < 0) {
                        portgroup_done(&pg);
                        return r;
                }
                n->portgroups = np;
                n->portgroups[n->n_portgroups++] = pg;
                have_default |= pg.is_default;
        }
        *ret = TAKE_PTR(n);
        return 0;
}

/* ---- merge ---------------------------------------------------------------- */

static void vport_value(const struct sriov_xml_vport *v, uint32_t bit, char *buf, size_t size)
{
        char u[37];
        switch (bit) {
        case SRIOV_XML_VP_MANAGERID:
                snprintf(buf, size, "%u", v->managerid);
                break;
        case SRIOV_XML_VP_TYPEID:
                snprintf(buf, size, "%u", v->typeid);
                break;
        case SRIOV_XML_VP_TYPEIDVERSION:
                snprintf(buf, size, "%u", v->typeidversion);
                break;
        case SRIOV_XML_VP_INSTANCEID:
                sriov_uuid_format(v->instanceid, u);
                snprintf(buf, size, "%s", u);
                break;
        case SRIOV_XML_VP_INTERFACEID:
                sriov_uuid_format(v->interfaceid, u);
                snprintf(buf, size, "%s", u);
                break;
        case SRIOV_XML_VP_PROFILEID:
                snprintf(buf, size, "%s", v->profileid);
                break;
        }
}

static void vport_copy_field(struct sriov_xml_vport *dst, const struct sriov_xml_vport *src, uint32_t bit)
{
        switch (bit) {
        case SRIOV_XML_VP_MANAGERID:
                dst->managerid = src->managerid;
                break;
        case SRIOV_XML_VP_TYPEID:
                dst->typeid = src->typeid;
                break;
        case SRIOV_XML_VP_TYPEIDVERSION:
                dst->typeidversion = src->typeidversion;
                break;
        case SRIOV_XML_VP_INSTANCEID:
                memcpy(dst->instanceid, src->instanceid, 16);
                break;
        case SRIOV_XML_VP_INTERFACEID:
                memcpy(dst->interfaceid, src->interfaceid, 16);
                break;
        case SRIOV_XML_VP_PROFILEID:
                memcpy(dst->profileid, src->profileid, sizeof(dst->profileid));
                break;
        }
}

/* libvirt's virNetDevVPortProfileMerge: mods' type must match a typed
 * result; each field mods gives (among those the result's type takes) must
 * equal one already there, else it is added. from[] says where each field
 * and the type of the result came from, for messages. */
struct vport_from {
        const char *type;
        const char *field[ELEMENTSOF(vport_field_names)];
};

static int vport_merge(struct sriov_ctx *ctx, const char *what, struct sriov_xml_vport *res,
                       struct vport_from *from, const struct sriov_xml_vport *mods, const char *mods_from)
{
        if (!mods->present)
                return 0;
        if (mods->type != SRIOV_XML_VPORT_UNTYPED) {
                if (res->type != SRIOV_XML_VPORT_UNTYPED && res->type != mods->type)
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <virtualport type='%s'> of %s conflicts with "
                                        "<virtualport type='%s'> of %s: merged virtualports must "
                                        "have the same type",
                                        what, sriov_xml_vport_type_name(res->type), from->type,
                                        sriov_xml_vport_type_name(mods->type), mods_from);
                if (res->type == SRIOV_XML_VPORT_UNTYPED)
                        from->type = mods_from;
                res->type = mods->type;
        }
        res->present = true;
        for (size_t i = 0; i < ELEMENTSOF(vport_field_names); i++) {
                uint32_t bit = 1u << i;
                if (!(mods->set & bit) || !(vport_allowed[res->type] & bit))
                        continue;
                if (res->set & bit) {
                        char a[64], b[64];
                        vport_value(res, bit, a, sizeof(a));
                        vport_value(mods, bit, b, sizeof(b));
                        if (strcmp(a, b) != 0)
                                return ctx_fail(ctx, -EINVAL,
                                                "%s: <virtualport><parameters %s='%s'> of %s "
                                                "conflicts with <parameters %s='%s'> of %s: a value "
                                                "given in two places must agree",
                                                what, vport_field_names[i], a, from->field[i],
                                                vport_field_names[i], b, mods_from);
                        continue;
                }
                vport_copy_field(res, mods, bit);
                res->set |= bit;
                from->field[i] = mods_from;
        }
        return 0;
}

void sriov_xml_effective_done(struct sriov_xml_effective *e)
{
        sriov_xml_vlan_done(&e->vlan);
        *e = (struct sriov_xml_effective){0};
}

int sriov_xml_merge(struct sriov_ctx *ctx, const struct sriov_xml_iface *iface,
                    const struct sriov_xml_network *net, struct sriov_xml_effective *ret)
{
        ctx_clear_error(ctx);
        char what[160];
        snprintf(what, sizeof(what), "<interface> #%u (network '%s')", iface->index + 1, net->name);
        if (iface->type != SRIOV_XML_IFACE_NETWORK)
                return ctx_fail(ctx, -EINVAL, "%s: type='%s': only a type='network' interface is merged with a network",
                                what, iface->type_name);
        if (!iface->network || strcmp(iface->network, net->name) != 0)
                return ctx_fail(ctx, -EINVAL, "<interface> #%u: <source network='%s'>, not network '%s'",
                                iface->index + 1, iface->network ? iface->network : "", net->name);
        const struct sriov_xml_portgroup *pg = NULL;
        for (size_t i = 0; i < net->n_portgroups; i++)
                if (iface->portgroup ? strcmp(net->portgroups[i].name, iface->portgroup) == 0
                                     : net->portgroups[i].is_default)
                        pg = &net->portgroups[i];
        if (iface->portgroup && !pg)
                return ctx_fail(ctx, -ENOENT, "%s: <source portgroup='%s'>: the network has no such portgroup",
                                what, iface->portgroup);

        struct sriov_xml_effective e = {.portgroup = pg};
        const struct sriov_xml_vlan *vl = iface->vlan.present ? &iface->vlan
                                          : pg && pg->vlan.present ? &pg->vlan
                                          : net->vlan.present      ? &net->vlan
                                                                   : NULL;
        if (vl && vlan_copy(vl, &e.vlan) < 0)
                return -ENOMEM;

        /* virNetDevVPortProfileMerge3: the interface's, then the network's,
         * then the portgroup's merged in */
        char pg_from[128] = "";
        if (pg)
                snprintf(pg_from, sizeof(pg_from), "portgroup '%s'", pg->name);
        char net_from[128];
        snprintf(net_from, sizeof(net_from), "network '%s'", net->name);
        struct vport_from from = {.type = "the interface"};
        for (size_t i = 0; i < ELEMENTSOF(from.field); i++)
                from.field[i] = "the interface";
        int r = vport_merge(ctx, what, &e.vport, &from, &iface->vport, "the interface");
        if (r == 0)
                r = vport_merge(ctx, what, &e.vport, &from, &net->vport, net_from);
        if (r == 0 && pg)
                r = vport_merge(ctx, what, &e.vport, &from, &pg->vport, pg_from);
        if (r < 0) {
                sriov_xml_effective_done(&e);
                return r;
        }
        *ret = e;
        return 0;
}

/* ---- output --------------------------------------------------------------- */

int sriov_xml_random_mac(uint8_t ret[6])
{
        uint8_t b[3];
        if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
                return -errno;
        ret[0] = 0x52;
        ret[1] = 0x54;
        ret[2] = 0x00;
        memcpy(ret + 3, b, 3);
        return 0;
}

static xmlNode *new_child(xmlNode *parent, const char *name)
{
        return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

static bool set_prop(xmlNode *n, const char *name, const char *value)
{
        return n && xmlSetProp(n, BAD_CAST name, BAD_CAST value) != NULL;
}

static int write_vlan(xmlNode *parent, const struct sriov_xml_vlan *v)
{
        xmlNode *vn = new_child(parent, "vlan");
        if (!vn || (v->trunk && v->n_tags == 1 && !set_prop(vn, "trunk", "yes")))
                return -ENOMEM;
        for (size_t i = 0; i < v->n_tags; i++) {
                char id[8];
                snprintf(id, sizeof(id), "%u", v->tags[i].id);
                xmlNode *t = new_child(vn, "tag");
                if (!set_prop(t, "id", id))
                        return -ENOMEM;
                if (v->tags[i].native &&
                    !set_prop(t, "nativeMode", v->tags[i].native == SRIOV_XML_NATIVE_TAGGED ? "tagged" : "untagged"))
                        return -ENOMEM;
        }
        return 0;
}

static int write_vport(xmlNode *parent, const struct sriov_xml_vport *v)
{
        xmlNode *vn = new_child(parent, "virtualport");
        if (!vn || (v->type && !set_prop(vn, "type", sriov_xml_vport_type_name(v->type))))
                return -ENOMEM;
        if (!v->set)
                return 0;
        xmlNode *p = new_child(vn, "parameters");
        if (!p)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(vport_field_names); i++) {
                char buf[64];
                if (!(v->set & (1u << i)))
                        continue;
                vport_value(v, 1u << i, buf, sizeof(buf));
                if (!set_prop(p, vport_field_names[i], buf))
                        return -ENOMEM;
        }
        return 0;
}

/* Removes n's first <name> child; false when it has none. */
static bool drop_one(xmlNode *n, const char *name)
{
        for (xmlNode *c = n->children; c; c = c->next)
                if (is_elem(c, name)) {
                        xmlUnlinkNode(c);
                        xmlFreeNode(c);
                        return true;
                }
        return false;
}

/* Removes n's <name> children silently: what the rewrite writes anew. */
static void drop(xmlNode *n, const char *name)
{
        while (drop_one(n, name))
                ;
}

/* Removes n's <name> children, with a note saying why for each one. Two
 * functions rather than a nullable `why`: gcc 12 -O2 threads the NULL
 * into the format (-Wformat-overflow). */
static void drop_noted(struct sriov_ctx *ctx, const char *what, xmlNode *n, const char *name, const char *why)
{
        while (drop_one(n, name))
                ctx_notice(ctx, "%s: dropped <%s>: %s", what, name, why);
}

static bool hostdev_driver(const char *name)
{
        return name && (!strcmp(name, "vfio") || !strcmp(name, "kvm") || !strcmp(name, "xen"));
}

/* The rewrite is one of the kinds, with what that kind needs; *ret_mode
 * the source mode to write (direct and macvtap). */
static int rewrite_check(struct sriov_ctx *ctx, const char *what, const struct sriov_xml_rewrite *rw,
                         enum sriov_xml_mode *ret_mode)
{
        *ret_mode = SRIOV_XML_MODE_PASSTHROUGH;
        switch (rw->as) {
        case SRIOV_XML_AS_HOSTDEV:
                if (rw->pci.slot > 0x1f || rw->pci.function > 7 || rw->pci.domain > 0xffff)
                        return ctx_fail(ctx, -EINVAL, "%s: PCI address %04x:%02x:%02x.%x out of range", what,
                                        rw->pci.domain, rw->pci.bus, rw->pci.slot, rw->pci.function);
                break;
        case SRIOV_XML_AS_MACVTAP:
                *ret_mode = rw->mode == SRIOV_XML_MODE_NONE ? SRIOV_XML_MODE_VEPA : rw->mode;
                if (*ret_mode > SRIOV_XML_MODE_PASSTHROUGH)
                        return ctx_fail(ctx, -EINVAL, "%s: macvtap mode '%s': vepa, bridge, private or passthrough",
                                        what, sriov_xml_mode_name(*ret_mode));
                if (!device_name_ok(rw->target))
                        return ctx_fail(ctx, -EINVAL, "%s: <target dev='%s'>: not a device name", what,
                                        rw->target ? rw->target : "");
                __attribute__((fallthrough));
        case SRIOV_XML_AS_DIRECT_VF:
                if (!device_name_ok(rw->dev))
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <source dev='%s'>: not a device name (letters, digits and _.-\\:/)",
                                        what, rw->dev ? rw->dev : "");
                break;
        default:
                return ctx_fail(ctx, -EINVAL, "%s: unknown rewrite %d", what, (int)rw->as);
        }

        return 0;
}

/* The interface's MAC: kept, or rw's, or generated; *ret the <mac>. */
static int rewrite_mac(struct sriov_ctx *ctx, const char *what, xmlNode *n, const struct sriov_xml_rewrite *rw,
                       xmlNode **ret)
{
        xmlNode *mac = child(n, "mac");
        if (!mac) {
                uint8_t m[6];
                char buf[18];
                int r = rw->mac ? (memcpy(m, rw->mac, 6), 0) : sriov_xml_random_mac(m);
                if (r < 0)
                        return ctx_fail(ctx, r, "%s: no random bytes for a MAC: %s", what, strerror(-r));
                sriov_format_mac(m, buf);
                mac = xmlNewNode(NULL, BAD_CAST "mac");
                if (!mac || !set_prop(mac, "address", buf)) {
                        xmlFreeNode(mac);
                        return -ENOMEM;
                }
                if (n->children)
                        xmlAddPrevSibling(n->children, mac);
                else
                        xmlAddChild(n, mac);
        }
        *ret = mac;
        return 0;
}

/* type='hostdev' on the VF's PCI address, without what only other types take. */
static int rewrite_as_hostdev(struct sriov_ctx *ctx, const char *what, xmlNode *n, xmlNode *src,
                              const struct sriov_xml_rewrite *rw)
{
        static const char *const not_hostdev[] = {"model", "backend", "script", "downscript",
                                                  "bandwidth", "filterref", "tune", "coalesce"};
        for (size_t k = 0; k < ELEMENTSOF(not_hostdev); k++)
                drop_noted(ctx, what, n, not_hostdev[k], "a hostdev interface does not take it");
        xmlNode *drv = child(n, "driver");
        if (drv) {
                _cleanup_xmlfree_ xmlChar *dn = xmlGetProp(drv, BAD_CAST "name");
                if (!hostdev_driver((const char *)dn))
                        drop_noted(ctx, what, n, "driver", "a hostdev interface's driver is vfio, kvm or xen");
        }
        if (xmlHasProp(n, BAD_CAST "trustGuestRxFilters")) {
                xmlUnsetProp(n, BAD_CAST "trustGuestRxFilters");
                ctx_notice(ctx, "%s: dropped trustGuestRxFilters: only a direct interface takes it", what);
        }
        char a[4][8];
        snprintf(a[0], sizeof(a[0]), "0x%04x", rw->pci.domain);
        snprintf(a[1], sizeof(a[1]), "0x%02x", rw->pci.bus);
        snprintf(a[2], sizeof(a[2]), "0x%02x", rw->pci.slot);
        snprintf(a[3], sizeof(a[3]), "0x%x", rw->pci.function);
        xmlNode *ad = new_child(src, "address");
        if (!set_prop(n, "type", "hostdev") || !set_prop(n, "managed", "yes") ||
            !set_prop(ad, "type", "pci") || !set_prop(ad, "domain", a[0]) || !set_prop(ad, "bus", a[1]) ||
            !set_prop(ad, "slot", a[2]) || !set_prop(ad, "function", a[3]))
                return -ENOMEM;
        return 0;
}

/* type='direct' on a VF's netdev, or type='ethernet' on a made macvtap. */
static int rewrite_as_direct(struct sriov_ctx *ctx, const char *what, xmlNode *n, xmlNode *src,
                             const struct sriov_xml_rewrite *rw, enum sriov_xml_mode mode)
{
        xmlNode *drv = child(n, "driver");
        if (drv) {
                _cleanup_xmlfree_ xmlChar *dn = xmlGetProp(drv, BAD_CAST "name");
                if (hostdev_driver((const char *)dn))
                        drop_noted(ctx, what, n, "driver", "vfio, kvm and xen are hostdev drivers");
        }
        xmlUnsetProp(n, BAD_CAST "managed");
        if (rw->as == SRIOV_XML_AS_DIRECT_VF) {
                if (!set_prop(n, "type", "direct") || !set_prop(src, "dev", rw->dev) ||
                    !set_prop(src, "mode", sriov_xml_mode_name(mode)))
                        return -ENOMEM;
        } else {
                /* The macvtap exists already: libvirt opens it by name
                 * (type='ethernet', managed='no') instead of making a
                 * second one on the lower device, as type='direct'
                 * would. Its port profile was associated by the
                 * manager; an ethernet interface cannot carry one. */
                xmlNode *t = xmlNewNode(NULL, BAD_CAST "target");
                if (!t || !set_prop(t, "dev", rw->target) || !set_prop(t, "managed", "no")) {
                        xmlFreeNode(t);
                        return -ENOMEM;
                }
                xmlAddNextSibling(src, t);
                xmlUnlinkNode(src);
                xmlFreeNode(src);
                if (!set_prop(n, "type", "ethernet"))
                        return -ENOMEM;
                if (child(n, "virtualport"))
                        ctx_notice(ctx, "%s: <virtualport> was associated on %s by sriovctl; an "
                                        "ethernet interface does not carry it", what, rw->dev);
                drop(n, "virtualport");
        }
        return 0;
}

/* The VLAN (a hostdev's only) and the port profile the rewrite carries. */
static int rewrite_vlan_vport(struct sriov_ctx *ctx, const char *what, xmlNode *n,
                              const struct sriov_xml_rewrite *rw)
{
        bool vlan_ok = rw->as == SRIOV_XML_AS_HOSTDEV;
        if (!vlan_ok)
                drop_noted(ctx, what, n, "vlan",
                           "libvirt cannot tag a direct interface; tag the VF or lower device instead");
        else if (rw->vlan)
                drop(n, "vlan");
        if (rw->vlan && rw->vlan->present) {
                if (!vlan_ok)
                        ctx_notice(ctx, "%s: dropped <vlan>: libvirt cannot tag a direct interface; tag the VF "
                                        "or lower device instead", what);
                else if (write_vlan(n, rw->vlan) < 0)
                        return -ENOMEM;
        }
        if (rw->vport && rw->as != SRIOV_XML_AS_MACVTAP) {
                drop(n, "virtualport");
                if (rw->vport->present && write_vport(n, rw->vport) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int sriov_xml_domain_rewrite(struct sriov_ctx *ctx, struct sriov_xml_domain *d, size_t i,
                             const struct sriov_xml_rewrite *rw)
{
        ctx_clear_error(ctx);
        if (i >= d->n_ifaces)
                return ctx_fail(ctx, -ERANGE, "domain '%s': no <interface> #%zu (it has %zu)", d->name, i + 1,
                                d->n_ifaces);
        struct sriov_xml_iface *f = &d->ifaces[i];
        xmlNode *n = f->node;
        char what[160];
        snprintf(what, sizeof(what), "domain '%s': <interface> #%zu", d->name, i + 1);

        enum sriov_xml_mode mode;
        int r = rewrite_check(ctx, what, rw, &mode);
        if (r < 0)
                return r;
        xmlNode *mac = NULL;
        if ((r = rewrite_mac(ctx, what, n, rw, &mac)) < 0)
                return r;
        drop(n, "source");
        drop(n, "target");
        xmlNode *src = xmlNewNode(NULL, BAD_CAST "source");
        if (!src)
                return -ENOMEM;
        xmlAddNextSibling(mac, src);
        r = rw->as == SRIOV_XML_AS_HOSTDEV ? rewrite_as_hostdev(ctx, what, n, src, rw)
                                           : rewrite_as_direct(ctx, what, n, src, rw, mode);
        if (r < 0 || (r = rewrite_vlan_vport(ctx, what, n, rw)) < 0)
                return r;

        /* read the interface back */
        struct sriov_xml_iface nf;
        r = parse_iface(ctx, d->name, n, f->index, &nf);
        if (r < 0)
                return r;
        iface_done(f);
        *f = nf;
        return 0;
}

int sriov_xml_domain_format(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, char **ret)
{
        ctx_clear_error(ctx);
        xmlChar *buf = NULL;
        int len = 0;
        /* UTF-8 whatever the input's encoding was (UTF-16 would not fit a C string) */
        xmlDocDumpFormatMemoryEnc(d->doc, &buf, &len, "UTF-8", 1);
        if (!buf)
                return -ENOMEM;
        char *s = strndup((const char *)buf, (size_t)len);
        xmlFree(buf);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

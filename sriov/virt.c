/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt as the source of networks and domains : a read-only
 * connection through libvirt's client library, the network and domain
 * XML it gives handed to domxml.c's parsers. Nothing here changes
 * anything in libvirt, and nothing here may run inside a libvirt hook:
 * libvirtd waits for its hooks while holding the locks this connection's
 * calls would need (the hook commands, hook.c, never include this). */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <string.h>

#include "internal.h"
#include "sriov-libvirt.h"

struct sriov_virt {
        virConnectPtr conn;
        char *uri; /* as libvirt reports it, for messages */
};

/* libvirt's default error handler prints every error to stderr; the
 * library words its own messages from virGetLastErrorMessage(). */
static void quiet(void *data, virErrorPtr err)
{
        (void)data;
        (void)err;
}

/* A driver that reads XML files (test:///PATH) parses them in this
 * process with libxml2, whose loader prints "I/O warning : ..." on
 * stderr; libvirt's own error says it. */
#if LIBXML_VERSION >= 21200
static void quiet_xml(void *data, const xmlError *e)
#else
static void quiet_xml(void *data, xmlError *e)
#endif
{
        (void)data;
        (void)e;
}

static const char *last_error(void)
{
        const char *m = virGetLastErrorMessage();
        return m && *m ? m : "unknown libvirt error";
}

int sriov_virt_open(struct sriov_ctx *ctx, const char *uri, struct sriov_virt **ret)
{
        ctx_clear_error(ctx);
        virSetErrorFunc(NULL, quiet);
        if (uri && !*uri)
                uri = NULL;
        /* read-only: lookups and XML only, and it also works for users
         * who may not manage guests (libvirt's read-only socket) */
        xmlStructuredErrorFunc old_handler = xmlStructuredError;
        void *old_data = xmlStructuredErrorContext;
        xmlSetStructuredErrorFunc(NULL, quiet_xml);
        virConnectPtr conn = virConnectOpenReadOnly(uri);
        xmlSetStructuredErrorFunc(old_data, old_handler);
        if (!conn) {
                const char *env = getenv("LIBVIRT_DEFAULT_URI");
                return ctx_fail(ctx, -ECONNREFUSED, "cannot connect to libvirt at %s%s%s: %s",
                                uri ? "'" : "", uri ? uri : env && *env ? env : "libvirt's default URI",
                                uri ? "'" : "", last_error());
        }
        virConnSetErrorFunc(conn, NULL, quiet);
        struct sriov_virt *v = calloc(1, sizeof(*v));
        char *u = virConnectGetURI(conn);
        if (!v || !(v->uri = u ? u : strdup(uri ? uri : "(default)"))) {
                free(v);
                virConnectClose(conn);
                return -ENOMEM;
        }
        v->conn = conn;
        *ret = v;
        return 0;
}

struct sriov_virt *sriov_virt_close(struct sriov_virt *v)
{
        if (v) {
                virConnectClose(v->conn);
                free(v->uri);
                free(v);
        }
        return NULL;
}

const char *sriov_virt_uri(const struct sriov_virt *v)
{
        return v->uri;
}

int sriov_virt_network(struct sriov_ctx *ctx, struct sriov_virt *v, const char *name,
                       struct sriov_xml_network **ret)
{
        ctx_clear_error(ctx);
        virNetworkPtr net = virNetworkLookupByName(v->conn, name);
        if (!net) {
                virErrorPtr e = virGetLastError();
                if (e && e->code == VIR_ERR_NO_NETWORK)
                        return ctx_fail(ctx, -ENOENT, "libvirt '%s' has no network '%s'", v->uri, name);
                return ctx_fail(ctx, -EIO, "libvirt '%s': looking up network '%s': %s", v->uri, name,
                                last_error());
        }
        /* flags 0: the live definition of an active network (what it hands
         * out now), else the persistent one */
        _cleanup_free_ char *xml = virNetworkGetXMLDesc(net, 0);
        virNetworkFree(net);
        if (!xml)
                return ctx_fail(ctx, -EIO, "libvirt '%s': the XML of network '%s': %s", v->uri, name,
                                last_error());
        _cleanup_free_ char *what = strdup_printf("network '%s' of libvirt '%s'", name, v->uri);
        if (!what)
                return -ENOMEM;
        return sriov_xml_network_parse(ctx, what, xml, strlen(xml), ret);
}

int sriov_virt_domain(struct sriov_ctx *ctx, struct sriov_virt *v, const char *name_or_uuid,
                      struct sriov_xml_domain **ret)
{
        ctx_clear_error(ctx);
        virDomainPtr dom = virDomainLookupByName(v->conn, name_or_uuid);
        if (!dom)
                dom = virDomainLookupByUUIDString(v->conn, name_or_uuid);
        if (!dom) {
                virErrorPtr e = virGetLastError();
                /* a string that is not a UUID makes the UUID lookup fail
                 * with "invalid argument": the name lookup said it all */
                if (!e || e->code == VIR_ERR_NO_DOMAIN || e->code == VIR_ERR_INVALID_ARG)
                        return ctx_fail(ctx, -ENOENT, "libvirt '%s' has no domain named '%s' (by name or UUID)",
                                        v->uri, name_or_uuid);
                return ctx_fail(ctx, -EIO, "libvirt '%s': looking up domain '%s': %s", v->uri, name_or_uuid,
                                last_error());
        }
        /* the persistent definition: what the guest is defined as, not a
         * running instance's live XML (which already names what it got) */
        _cleanup_free_ char *xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
        virDomainFree(dom);
        if (!xml)
                return ctx_fail(ctx, -EIO, "libvirt '%s': the XML of domain '%s': %s", v->uri, name_or_uuid,
                                last_error());
        _cleanup_free_ char *what = strdup_printf("domain '%s' of libvirt '%s'", name_or_uuid, v->uri);
        if (!what)
                return -ENOMEM;
        return sriov_xml_domain_parse(ctx, what, xml, strlen(xml), ret);
}

static bool have_network(struct sriov_xml_network *const *nets, size_t n, const char *name)
{
        for (size_t k = 0; k < n; k++)
                if (nets[k] && nets[k]->name && strcmp(nets[k]->name, name) == 0)
                        return true;
        return false;
}

void sriov_xml_networks_free(struct sriov_xml_network **nets, size_t n)
{
        for (size_t k = 0; nets && k < n; k++)
                sriov_xml_network_free(nets[k]);
        free(nets);
}

int sriov_virt_resolve_networks(struct sriov_ctx *ctx, struct sriov_virt **conn, const char *uri,
                                const struct sriov_xml_domain *d, struct sriov_xml_network *const *have,
                                size_t n_have, struct sriov_xml_network ***ret, size_t *ret_n)
{
        ctx_clear_error(ctx);
        struct sriov_xml_network **got = NULL;
        size_t n = 0;
        int r = 0;
        for (size_t i = 0; r == 0 && i < d->n_ifaces; i++) {
                const struct sriov_xml_iface *f = &d->ifaces[i];
                if (f->type != SRIOV_XML_IFACE_NETWORK || !f->network || have_network(have, n_have, f->network) ||
                    have_network(got, n, f->network))
                        continue;
                /* connected only when a network is missing: a domain of
                 * direct and hostdev interfaces needs no libvirtd */
                if (!*conn && (r = sriov_virt_open(ctx, uri, conn)) < 0) {
                        ctx_error_prefix(ctx, "domain '%s': <interface> #%zu: <source network='%s'> is not among "
                                              "the --network files",
                                         d->name, i + 1, f->network);
                        break;
                }
                struct sriov_xml_network **g = realloc(got, (n + 1) * sizeof(*g));
                if (!g) {
                        r = -ENOMEM;
                        break;
                }
                got = g;
                got[n] = NULL;
                r = sriov_virt_network(ctx, *conn, f->network, &got[n]);
                if (r == -ENOENT) {
                        ctx_clear_error(ctx);
                        r = ctx_fail(ctx, -ENOENT,
                                     "domain '%s': <interface> #%zu: <source network='%s'>: no such network: "
                                     "%s, and libvirt '%s' has none",
                                     d->name, i + 1, f->network,
                                     n_have ? "no --network file given names it" : "no --network file was given",
                                     sriov_virt_uri(*conn));
                } else if (r < 0)
                        ctx_error_prefix(ctx, "domain '%s': <interface> #%zu", d->name, i + 1);
                else
                        n++;
        }
        if (r < 0) {
                sriov_xml_networks_free(got, n);
                return r;
        }
        *ret = got;
        *ret_n = n;
        return 0;
}

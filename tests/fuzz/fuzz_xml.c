/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for the libvirt XML reader (domxml.c). The input is a
 * domain document, optionally followed by a NUL byte and a network
 * document (without a NUL both parsers get the whole input). Every
 * interface of a domain that parses is merged with the network (when it
 * names it), rewritten as hostdev, direct VF or macvtap in turn, and the
 * formatted result must parse again: an output our own reader refuses is
 * a bug, and aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "internal.h"
#include "sriov-libvirt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        xmlInitParser();
        return 0;
}

static void fail(const char *what)
{
        fprintf(stderr, "fuzz_xml: %s\n", what);
        abort();
}

/* What a successful rewrite promises about the interface read back. */
static void check_rewritten(const struct sriov_xml_iface *f, const struct sriov_xml_rewrite *rw)
{
        if (!f->has_mac)
                fail("a rewritten interface has no <mac>");
        switch (rw->as) {
        case SRIOV_XML_AS_HOSTDEV:
                if (f->type != SRIOV_XML_IFACE_HOSTDEV || !f->has_pci || f->managed != 1 ||
                    f->pci.domain != rw->pci.domain || f->pci.bus != rw->pci.bus || f->pci.slot != rw->pci.slot ||
                    f->pci.function != rw->pci.function)
                        fail("rewritten as hostdev, read back otherwise");
                if (rw->vlan && rw->vlan->present != f->vlan.present)
                        fail("the merged <vlan> is not the hostdev's");
                break;
        case SRIOV_XML_AS_DIRECT_VF:
                if (f->type != SRIOV_XML_IFACE_DIRECT || !f->source_dev || strcmp(f->source_dev, rw->dev) != 0 ||
                    f->mode != SRIOV_XML_MODE_PASSTHROUGH || f->vlan.present)
                        fail("rewritten as a direct VF, read back otherwise");
                break;
        case SRIOV_XML_AS_MACVTAP:
                break;
        }
}

static void rewrite_all(struct sriov_ctx *ctx, struct sriov_xml_domain *d, const struct sriov_xml_network *net,
                        unsigned salt)
{
        static const char *const devs[] = {"enp2s0f0v1", "eth0", "eno1.10"};
        for (size_t i = 0; i < d->n_ifaces; i++) {
                struct sriov_xml_effective e = {0};
                bool merged = false;
                if (net && d->ifaces[i].type == SRIOV_XML_IFACE_NETWORK)
                        merged = sriov_xml_merge(ctx, &d->ifaces[i], net, &e) == 0;
                unsigned k = (unsigned)i + salt;
                struct sriov_xml_rewrite rw = {
                        .as = (enum sriov_xml_as)(k % 3),
                        .pci = {.domain = k & 1, .bus = (uint8_t)k, .slot = k % 32, .function = k % 8},
                        .dev = devs[k % ELEMENTSOF(devs)],
                        .mode = (enum sriov_xml_mode)(k % 4),
                        .target = "macvtap0",
                        .vlan = merged ? &e.vlan : NULL,
                        .vport = merged ? &e.vport : NULL,
                };
                if (sriov_xml_domain_rewrite(ctx, d, i, &rw) == 0)
                        check_rewritten(&d->ifaces[i], &rw);
                if (merged)
                        sriov_xml_effective_done(&e);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *xml = (const char *)data;
        const uint8_t *nul = memchr(data, 0, size);
        size_t dlen = nul ? (size_t)(nul - data) : size;
        const char *nxml = nul ? (const char *)nul + 1 : xml;
        size_t nlen = nul ? size - dlen - 1 : size;

        struct sriov_ctx *ctx;
        if (sriov_ctx_new(&ctx) < 0)
                return 0;
        struct sriov_xml_network *net = NULL;
        (void)sriov_xml_network_parse(ctx, "fuzz-net.xml", nxml, nlen, &net);
        struct sriov_xml_domain *d = NULL;
        if (sriov_xml_domain_parse(ctx, "fuzz.xml", xml, dlen, &d) == 0) {
                rewrite_all(ctx, d, net, size > 0 ? data[size - 1] : 0);
                char *out = NULL;
                if (sriov_xml_domain_format(ctx, d, &out) == 0) {
                        struct sriov_xml_domain *back = NULL;
                        if (sriov_xml_domain_parse(ctx, "formatted.xml", out, strlen(out), &back) < 0) {
                                fprintf(stderr, "fuzz_xml: our own output does not parse: %s\n%s\n",
                                        sriov_ctx_error(ctx), out);
                                abort();
                        }
                        if (back->n_ifaces != d->n_ifaces)
                                fail("the formatted domain has another number of interfaces");
                        for (size_t i = 0; i < d->n_ifaces; i++)
                                if (back->ifaces[i].type != d->ifaces[i].type ||
                                    back->ifaces[i].has_mac != d->ifaces[i].has_mac ||
                                    memcmp(back->ifaces[i].mac, d->ifaces[i].mac, 6) != 0)
                                        fail("an interface reads back differently from the formatted domain");
                        sriov_xml_domain_free(back);
                        free(out);
                }
                sriov_xml_domain_free(d);
        }
        sriov_xml_network_free(net);
        sriov_ctx_free(ctx);
        return 0;
}

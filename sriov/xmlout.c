/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The inventory as XML (sriovctl list/show --xml), with libxml2's writer:
 * in the libvirt layer, as the core has no XML. */
#include <inttypes.h>
#include <libxml/xmlwriter.h>
#include <string.h>

#include "internal.h"
#include "render.h"
#include "sriov-libvirt.h"

static void x_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
        if (value)
                xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST render_text(value));
}

static void x_elem(xmlTextWriterPtr w, const char *name, const char *value)
{
        if (value)
                xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST render_text(value));
}

/* XML's one spelling of a boolean, as libvirt's: yes and no. */
static const char *yes_no(bool v) { return v ? "yes" : "no"; }
static const char *opt_num(int64_t v) { return v == SRIOV_ABSENT ? NULL : render_fmt("%" PRId64, v); }
static const char *opt_bool(int64_t v) { return v == SRIOV_ABSENT ? NULL : yes_no(v != 0); }
static const char *opt_hex4(int64_t v) { return v == SRIOV_ABSENT ? NULL : render_fmt("%04" PRIx64, v); }

/* <holder type='free'/>, or who: the same fields as JSON's "holder". */
static void xml_holder(xmlTextWriterPtr w, const struct sriov_pf *pf, const struct sriov_vf *vf)
{
        const struct sriov_vf_holder *h = vf->holder;
        if (!pf->holders_read)
                return;
        xmlTextWriterStartElement(w, BAD_CAST "holder");
        x_attr(w, "type", sriov_holder_type_name(h));
        if (h) {
                x_attr(w, "kind", sriov_alloc_kind_name(h->kind));
                if (h->type == SRIOV_HOLDER_POD) {
                        x_attr(w, "container_id", h->container_id);
                        x_attr(w, "ifname", h->ifname);
                } else {
                        x_attr(w, "domain", h->domain);
                        x_attr(w, "uuid", h->uuid && h->uuid[0] ? h->uuid : NULL);
                        x_attr(w, "interface", render_fmt("%u", h->iface));
                }
                if (h->type == SRIOV_HOLDER_POD || h->type == SRIOV_HOLDER_LIBVIRT_NETWORK)
                        x_attr(w, "network", h->network);
                if (h->type == SRIOV_HOLDER_LIBVIRT_NETWORK)
                        x_attr(w, "port", h->port);
                if (h->kind == SRIOV_ALLOC_MACVTAP)
                        x_attr(w, "netdev", h->netdev);
                x_attr(w, "pending", yes_no(h->pending));
        }
        xmlTextWriterEndElement(w);
}

/* <eswitch mode="switchdev|legacy|no-devlink|no-eswitch" devlink="pci/..."
 * inline_mode=".." encap_mode=".." error="ENAME"/>; none when not asked. */
static void xml_eswitch(xmlTextWriterPtr w, const struct sriov_eswitch *e)
{
        if (e->state == SRIOV_ESWITCH_UNREAD && !e->error)
                return;
        xmlTextWriterStartElement(w, BAD_CAST "eswitch");
        x_attr(w, "mode", sriov_eswitch_mode_name(e));
        x_attr(w, "devlink", e->devlink);
        x_attr(w, "inline_mode", e->present & SRIOV_ESWITCH_F_INLINE ? devlink_inline_mode_name(e->inline_mode) : NULL);
        x_attr(w, "encap_mode", e->present & SRIOV_ESWITCH_F_ENCAP ? devlink_encap_mode_name(e->encap_mode) : NULL);
        x_attr(w, "error", e->error ? sriov_errno_name(e->error) : NULL);
        xmlTextWriterEndElement(w);
}

/* <representor netdev="eth3" port="128" pf="0" vf="0" phys_port_name="pf0vf0"/>:
 * the VF's devlink port; netdev only once sysfs confirmed it. */
static void xml_vf_port(xmlTextWriterPtr w, const struct sriov_vf *vf)
{
        const struct sriov_vf_port *p = &vf->port;
        if (!p->present)
                return;
        xmlTextWriterStartElement(w, BAD_CAST "representor");
        x_attr(w, "netdev", vf->representor);
        x_attr(w, "port", render_fmt("%u", p->index));
        x_attr(w, "pf", render_fmt("%u", p->pf));
        x_attr(w, "vf", render_fmt("%u", p->vf));
        x_attr(w, "port_netdev", p->netdev && (!vf->representor || strcmp(p->netdev, vf->representor)) ? p->netdev : NULL);
        x_attr(w, "phys_port_name", p->phys_port_name);
        xmlTextWriterEndElement(w);
}

/* What show adds from the state directory, as JSON's "driver_answers" and
 * "saved_vfs": absent when not read (null in JSON), empty when nothing. */
static void xml_show_state(xmlTextWriterPtr w, const struct sriov_show_state *st)
{
        if (!st || !st->read)
                return;
        xmlTextWriterStartElement(w, BAD_CAST "driver_answers");
        for (size_t i = 0; i < st->n_answers; i++) {
                const struct sriov_driver_answer *a = &st->answers[i];
                xmlTextWriterStartElement(w, BAD_CAST "driver_answer");
                x_attr(w, "attribute", a->attribute);
                x_attr(w, "value", a->value);
                x_attr(w, "accepted", yes_no(a->error == 0));
                if (a->error) {
                        x_attr(w, "error", sriov_errno_name(a->error));
                        x_attr(w, "errno", render_fmt("%d", a->error));
                        x_attr(w, "message", strerror(a->error));
                }
                xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
        xmlTextWriterStartElement(w, BAD_CAST "saved_vfs");
        for (size_t i = 0; i < st->n_saved; i++) {
                xmlTextWriterStartElement(w, BAD_CAST "saved_vf");
                x_attr(w, "index", render_fmt("%u", st->saved_vfs[i]));
                xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
}

static void xml_pf(xmlTextWriterPtr w, const struct sriov_pf *pf, const struct sriov_show_state *st)
{
        xmlTextWriterStartElement(w, BAD_CAST "pf");
        x_attr(w, "address", pf->address);
        x_attr(w, "bus", pf->bus);
        if (pf->has_ids) {
                xmlTextWriterStartElement(w, BAD_CAST "vendor");
                x_attr(w, "id", render_fmt("%04x", pf->vendor_id));
                if (pf->vendor_name)
                        xmlTextWriterWriteString(w, BAD_CAST render_text(pf->vendor_name));
                xmlTextWriterEndElement(w);
                xmlTextWriterStartElement(w, BAD_CAST "device");
                x_attr(w, "id", render_fmt("%04x", pf->device_id));
                if (pf->device_name)
                        xmlTextWriterWriteString(w, BAD_CAST render_text(pf->device_name));
                xmlTextWriterEndElement(w);
                xmlTextWriterStartElement(w, BAD_CAST "class");
                x_attr(w, "id", render_fmt("%06x", pf->class_code));
                if (pf->class_name)
                        xmlTextWriterWriteString(w, BAD_CAST render_text(pf->class_name));
                xmlTextWriterEndElement(w);
        }
        x_elem(w, "driver", pf->driver);
        for (char **n = pf->netdevs; n && *n; n++)
                x_elem(w, "netdev", *n);
        x_elem(w, "numa_node", opt_num(pf->numa_node));
        x_elem(w, "iommu_group", opt_num(pf->iommu_group));
        if (pf->link_speed) {
                xmlTextWriterStartElement(w, BAD_CAST "link");
                x_attr(w, "speed", pf->link_speed);
                x_attr(w, "width", opt_num(pf->link_width));
                xmlTextWriterEndElement(w);
        }
        xmlTextWriterStartElement(w, BAD_CAST "sriov");
        x_attr(w, "totalvfs", opt_num(pf->totalvfs));
        x_attr(w, "numvfs", opt_num(pf->numvfs));
        x_attr(w, "offset", opt_num(pf->offset));
        x_attr(w, "stride", opt_num(pf->stride));
        x_attr(w, "vf_device", opt_hex4(pf->vf_device));
        x_attr(w, "drivers_autoprobe", opt_bool(pf->drivers_autoprobe));
        xmlTextWriterEndElement(w);
        if (pf->has_cap) {
                const struct sriov_iov_cap *c = &pf->cap;
                xmlTextWriterStartElement(w, BAD_CAST "capability");
                x_attr(w, "position", render_fmt("0x%03x", c->position));
                x_attr(w, "version", render_fmt("%u", c->version));
                x_attr(w, "capabilities", render_fmt("0x%08x", c->capabilities));
                x_attr(w, "control", render_fmt("0x%04x", c->control));
                x_attr(w, "vf_enable", yes_no(c->control & SRIOV_IOV_CTRL_VF_ENABLE));
                x_attr(w, "vf_mse", yes_no(c->control & SRIOV_IOV_CTRL_VF_MSE));
                x_attr(w, "ari_capable_hierarchy", yes_no(c->control & SRIOV_IOV_CTRL_ARI));
                x_attr(w, "status", render_fmt("0x%04x", c->status));
                x_attr(w, "initial_vfs", render_fmt("%u", c->initial_vfs));
                x_attr(w, "total_vfs", render_fmt("%u", c->total_vfs));
                x_attr(w, "num_vfs", render_fmt("%u", c->num_vfs));
                x_attr(w, "function_dependency_link", render_fmt("%u", c->function_dependency_link));
                x_attr(w, "first_vf_offset", render_fmt("%u", c->first_vf_offset));
                x_attr(w, "vf_stride", render_fmt("%u", c->vf_stride));
                x_attr(w, "vf_device_id", render_fmt("%04x", c->vf_device_id));
                x_attr(w, "supported_page_sizes", render_fmt("0x%08x", c->supported_page_sizes));
                x_attr(w, "system_page_size", render_fmt("0x%08x", c->system_page_size));
                struct sriov_vf_bar b[6];
                sriov_iov_cap_bars(c, b);
                for (unsigned i = 0; i < 6; i++) {
                        if (!bar_kind_name(b[i].kind))
                                continue;
                        xmlTextWriterStartElement(w, BAD_CAST "vf_bar");
                        x_attr(w, "index", render_fmt("%u", i));
                        x_attr(w, "type", bar_kind_name(b[i].kind));
                        x_attr(w, "prefetchable", yes_no(b[i].prefetchable));
                        x_attr(w, "address", render_fmt("0x%" PRIx64, b[i].address));
                        xmlTextWriterEndElement(w);
                }
                xmlTextWriterEndElement(w);
        }
        x_elem(w, "netlink_num_vf", opt_num(pf->netlink_num_vf));
        xml_eswitch(w, &pf->eswitch);
        for (size_t i = 0; i < pf->n_vfs; i++) {
                const struct sriov_vf *vf = &pf->vfs[i];
                xmlTextWriterStartElement(w, BAD_CAST "vf");
                x_attr(w, "index", render_fmt("%u", vf->index));
                x_attr(w, "address", vf->address[0] ? vf->address : NULL);
                x_attr(w, "expected_address", vf->expected[0] ? vf->expected : NULL);
                x_attr(w, "driver", vf->driver);
                x_attr(w, "iommu_group", opt_num(vf->iommu_group));
                for (char **n = vf->netdevs; n && *n; n++)
                        x_elem(w, "netdev", *n);
                if (vf->has_link) {
                        const struct sriov_vf_link *l = &vf->link;
                        char mac[18];
                        sriov_format_mac(l->mac, mac);
                        xmlTextWriterStartElement(w, BAD_CAST "link");
                        x_attr(w, "mac", l->present & SRIOV_VF_MAC ? mac : NULL);
                        x_attr(w, "vlan", l->present & SRIOV_VF_VLAN ? render_fmt("%u", l->vlan) : NULL);
                        x_attr(w, "qos", l->present & SRIOV_VF_VLAN ? render_fmt("%u", l->qos) : NULL);
                        x_attr(w, "vlan_proto", l->present & SRIOV_VF_VLAN_PROTO ? vf_proto_name(l->vlan_proto) : NULL);
                        x_attr(w, "spoofchk", l->present & SRIOV_VF_SPOOFCHK ? yes_no(l->spoofchk) : NULL);
                        x_attr(w, "trust", l->present & SRIOV_VF_TRUST ? yes_no(l->trust) : NULL);
                        x_attr(w, "link_state", l->present & SRIOV_VF_LINK_STATE ? sriov_link_state_name(l->link_state) : NULL);
                        x_attr(w, "min_tx_rate", l->present & SRIOV_VF_RATE ? render_fmt("%u", l->min_tx_rate) : NULL);
                        x_attr(w, "max_tx_rate", l->present & SRIOV_VF_RATE ? render_fmt("%u", l->max_tx_rate) : NULL);
                        x_attr(w, "query_rss", l->present & SRIOV_VF_QUERY_RSS ? yes_no(l->query_rss) : NULL);
                        xmlTextWriterEndElement(w);
                }
                xml_vf_port(w, vf);
                xml_holder(w, pf, vf);
                xmlTextWriterEndElement(w);
        }
        for (char **s = pf->warnings; s && *s; s++)
                x_elem(w, "warning", *s);
        xml_show_state(w, st);
        xmlTextWriterEndElement(w);
}

static int render(const struct sriov_inventory *inv, const struct sriov_pf *only, const struct sriov_show_state *st,
                  char **ret)
{
        xmlBufferPtr xb = xmlBufferCreate();
        if (!xb)
                return -ENOMEM;
        xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
        if (!w) {
                xmlBufferFree(xb);
                return -ENOMEM;
        }
        xmlTextWriterSetIndent(w, 1);
        xmlTextWriterSetIndentString(w, BAD_CAST "  ");
        xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
        if (only)
                xml_pf(w, only, st);
        else {
                xmlTextWriterStartElement(w, BAD_CAST "sriov");
                for (size_t i = 0; i < inv->n_pfs; i++)
                        xml_pf(w, &inv->pfs[i], NULL);
                for (size_t i = 0; i < inv->n_lowers; i++) {
                        const struct sriov_netdev *l = &inv->lowers[i];
                        xmlTextWriterStartElement(w, BAD_CAST "macvtap_lower");
                        x_attr(w, "name", l->name);
                        x_attr(w, "kind", l->kind);
                        x_attr(w, "driver", l->driver);
                        x_attr(w, "device", l->address);
                        xmlTextWriterEndElement(w);
                }
                for (char **s = inv->warnings; s && *s; s++)
                        x_elem(w, "warning", *s);
                xmlTextWriterEndElement(w);
        }
        int rc = xmlTextWriterEndDocument(w);
        xmlFreeTextWriter(w);
        char *s = rc < 0 ? NULL : strdup((const char *)xmlBufferContent(xb));
        xmlBufferFree(xb);
        if (!s)
                return rc < 0 ? -EIO : -ENOMEM;
        *ret = s;
        return 0;
}

int sriov_render_xml(const struct sriov_inventory *inv, const struct sriov_pf *only, char **ret)
{
        return render(inv, only, NULL, ret);
}

int sriov_render_show_xml(const struct sriov_pf *pf, const struct sriov_show_state *st, char **ret)
{
        return render(NULL, pf, st, ret);
}

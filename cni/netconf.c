/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriov-cni's NetConf read as sriov-cni documents it (deviceID, vlan,
 * vlanQoS, vlanProto, mac, runtimeConfig.mac, spoofchk, trust, link_state,
 * min_tx_rate, max_tx_rate, mtu, ipam), the error JSON, CNI_ARGS. Every
 * field is checked before anything is done, so bad input changes nothing;
 * fields it does not know stay in the document (the IPAM plugin gets the
 * document as it came). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"

const char *const cni_supported_versions[] = {"0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL};

bool cni_version_supported(const char *v)
{
        for (size_t i = 0; v && cni_supported_versions[i]; i++)
                if (strcmp(v, cni_supported_versions[i]) == 0)
                        return true;
        return false;
}

int cni_version_cmp(const char *a, const char *b)
{
        unsigned x[3] = {0}, y[3] = {0};
        (void)sscanf(a, "%u.%u.%u", &x[0], &x[1], &x[2]);
        (void)sscanf(b, "%u.%u.%u", &y[0], &y[1], &y[2]);
        for (int i = 0; i < 3; i++)
                if (x[i] != y[i])
                        return x[i] < y[i] ? -1 : 1;
        return 0;
}

void cni_error_set(struct cni_error *e, int code, const char *msg, const char *fmt, ...)
{
        e->code = code;
        snprintf(e->msg, sizeof(e->msg), "%s", msg);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->details, sizeof(e->details), fmt, ap);
        va_end(ap);
}

char *cni_error_json(const struct cni_error *e, const char *version)
{
        json_object *o = json_object_new_object();
        if (!o)
                return NULL;
        json_object_object_add(o, "cniVersion", json_object_new_string(version ? version : CNI_SPEC_VERSION));
        json_object_object_add(o, "code", json_object_new_int(e->code));
        json_object_object_add(o, "msg", json_object_new_string(e->msg));
        if (e->details[0])
                json_object_object_add(o, "details", json_object_new_string(e->details));
        char *s = strdup(json_object_to_json_string_ext(o, SRIOV_JSON_TEXT_FLAGS));
        json_object_put(o);
        return s;
}

void cni_netconf_done(struct cni_netconf *c)
{
        json_object_put(c->doc);
        *c = (struct cni_netconf){0};
}

static int bad(struct cni_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct cni_error *err, const char *fmt, ...)
{
        err->code = CNI_ERR_CONFIG;
        snprintf(err->msg, sizeof(err->msg), "invalid network configuration");
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->details, sizeof(err->details), fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/* A member of o: NULL when absent or JSON null; else it must have the type. */
static int member(json_object *o, const char *key, json_type type, const char *what, json_object **ret,
                  struct cni_error *err)
{
        json_object *v = NULL;
        *ret = NULL;
        if (!json_object_object_get_ex(o, key, &v) || !v)
                return 0;
        if (!json_object_is_type(v, type))
                return bad(err, "%s: \"%s\" must be %s, not %s", what, key, json_type_to_name(type),
                           json_type_to_name(json_object_get_type(v)));
        *ret = v;
        return 0;
}

static int get_string(json_object *o, const char *key, const char **ret, struct cni_error *err)
{
        json_object *v;
        int r = member(o, key, json_type_string, "NetConf", &v, err);
        *ret = v ? json_object_get_string(v) : NULL;
        return r;
}

/* An integer field within [min, max]; *present tells whether it was given. */
static int get_int(json_object *o, const char *key, int64_t min, int64_t max, int64_t *ret, bool *present,
                   struct cni_error *err)
{
        json_object *v;
        *present = false;
        int r = member(o, key, json_type_int, "NetConf", &v, err);
        if (r < 0 || !v)
                return r;
        errno = 0;
        int64_t n = json_object_get_int64(v);
        if (errno == ERANGE || n < min || n > max)
                return bad(err, "NetConf: \"%s\": %s is out of range (%lld-%lld)", key,
                           json_object_to_json_string(v), (long long)min, (long long)max);
        *ret = n;
        *present = true;
        return 0;
}

/* "on"/"off", as sriov-cni takes spoofchk and trust. */
static int get_onoff(json_object *o, const char *key, bool *ret, bool *present, struct cni_error *err)
{
        const char *s;
        *present = false;
        int r = get_string(o, key, &s, err);
        if (r < 0 || !s)
                return r;
        if (strcmp(s, "on") != 0 && strcmp(s, "off") != 0)
                return bad(err, "NetConf: \"%s\": \"%s\" is neither \"on\" nor \"off\"", key, s);
        *ret = strcmp(s, "on") == 0;
        *present = true;
        return 0;
}

/* A pod's MAC; what names where it came from ("NetConf: \"mac\""). */
static int parse_mac(const char *what, const char *s, uint8_t mac[6], struct cni_error *err)
{
        unsigned b[6];
        char end;
        if (strlen(s) != 17 ||
            sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
                return bad(err, "%s: \"%s\" is not a MAC address (xx:xx:xx:xx:xx:xx)", what, s);
        for (int i = 0; i < 6; i++) {
                if (!isxdigit((unsigned char)s[i * 3]) || !isxdigit((unsigned char)s[i * 3 + 1]))
                        return bad(err, "%s: \"%s\" is not a MAC address (xx:xx:xx:xx:xx:xx)", what, s);
                mac[i] = (uint8_t)b[i];
        }
        if (mac[0] & 1)
                return bad(err, "%s: %s is a multicast address; a VF takes a unicast MAC", what, s);
        static const uint8_t zero[6];
        if (memcmp(mac, zero, 6) == 0)
                return bad(err, "%s: 00:00:00:00:00:00 is no MAC for a pod's VF", what);
        return 0;
}

/* The PCI address of deviceID: "0000:02:10.0" or "02:10.0". */
static int parse_pci(const char *s, char buf[static SRIOV_PCI_ADDR_MAX], struct cni_error *err)
{
        unsigned dom = 0, bus, slot, fn;
        int n = 0;
        if (!((sscanf(s, "%x:%x:%x.%u%n", &dom, &bus, &slot, &fn, &n) == 4 && s[n] == 0 && strchr(s, ':') != strrchr(s, ':')) ||
              (dom = 0, n = 0, sscanf(s, "%x:%x.%u%n", &bus, &slot, &fn, &n) == 3 && s[n] == 0)) ||
            dom > 0xffff || bus > 0xff || slot > 0x1f || fn > 7)
                return bad(err, "NetConf: \"deviceID\": \"%s\" is not a PCI address (DDDD:BB:SS.F)", s);
        snprintf(buf, SRIOV_PCI_ADDR_MAX, "%04x:%02x:%02x.%u", dom, bus, slot, fn);
        return 0;
}

static bool name_valid(const char *s)
{
        if (!isalnum((unsigned char)s[0]))
                return false;
        for (const char *p = s; *p; p++)
                if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
                        return false;
        return true;
}

static int parse_vf(json_object *doc, struct cni_netconf *c, struct cni_error *err)
{
        struct sriov_vf_config *vf = &c->vf;
        int64_t n;
        bool has;
        int r;
        int64_t vlan = 0, qos = 0;
        bool has_vlan, has_qos;
        if ((r = get_int(doc, "vlan", 0, 4094, &vlan, &has_vlan, err)) < 0 ||
            (r = get_int(doc, "vlanQoS", 0, 7, &qos, &has_qos, err)) < 0)
                return r;
        const char *proto;
        if ((r = get_string(doc, "vlanProto", &proto, err)) < 0)
                return r;
        if (proto && strcasecmp(proto, "802.1q") != 0 && strcasecmp(proto, "802.1ad") != 0)
                return bad(err, "NetConf: \"vlanProto\": \"%s\" is neither \"802.1q\" nor \"802.1ad\"", proto);
        bool ad = proto && strcasecmp(proto, "802.1ad") == 0;
        /* the kernel sets VLAN, QoS and protocol together: QoS and 802.1ad
         * mean nothing without a VLAN */
        if (vlan == 0 && qos != 0)
                return bad(err, "NetConf: \"vlanQoS\": %lld needs a non-zero \"vlan\"", (long long)qos);
        if (vlan == 0 && ad)
                return bad(err, "NetConf: \"vlanProto\": 802.1ad needs a non-zero \"vlan\"");
        if (has_vlan) {
                /* as sriov-cni: a given vlan (0 too) is set, with its QoS and protocol */
                vf->set |= SRIOV_VF_VLAN;
                vf->vlan = (uint16_t)vlan;
                vf->qos = (uint8_t)qos;
                if (proto) {
                        vf->set |= SRIOV_VF_VLAN_PROTO;
                        vf->vlan_proto = ad ? SRIOV_ETH_P_8021AD : SRIOV_ETH_P_8021Q;
                }
        } else if (has_qos || proto)
                return bad(err, "NetConf: \"%s\" without \"vlan\"", has_qos ? "vlanQoS" : "vlanProto");

        const char *mac = NULL, *rtmac = NULL;
        json_object *rt;
        if ((r = get_string(doc, "mac", &mac, err)) < 0 ||
            (r = member(doc, "runtimeConfig", json_type_object, "NetConf", &rt, err)) < 0)
                return r;
        if (rt) {
                json_object *v;
                if ((r = member(rt, "mac", json_type_string, "NetConf: runtimeConfig", &v, err)) < 0)
                        return r;
                rtmac = v ? json_object_get_string(v) : NULL;
        }
        /* runtimeConfig (the runtime's capability "mac") wins over the file */
        if (rtmac || mac) {
                if ((r = parse_mac(rtmac ? "NetConf: \"runtimeConfig.mac\"" : "NetConf: \"mac\"", rtmac ? rtmac : mac,
                                   vf->mac, err)) < 0)
                        return r;
                vf->set |= SRIOV_VF_MAC;
                c->runtime_mac = rtmac != NULL;
        }

        bool on;
        if ((r = get_onoff(doc, "spoofchk", &on, &has, err)) < 0)
                return r;
        if (has) {
                vf->set |= SRIOV_VF_SPOOFCHK;
                vf->spoofchk = on;
        }
        if ((r = get_onoff(doc, "trust", &on, &has, err)) < 0)
                return r;
        if (has) {
                vf->set |= SRIOV_VF_TRUST;
                vf->trust = on;
        }
        const char *ls;
        if ((r = get_string(doc, "link_state", &ls, err)) < 0)
                return r;
        if (ls) {
                static const char *const states[] = {"auto", "enable", "disable"};
                size_t k = 0;
                while (k < 3 && strcmp(ls, states[k]) != 0)
                        k++;
                if (k == 3)
                        return bad(err, "NetConf: \"link_state\": \"%s\" is not auto, enable or disable", ls);
                vf->set |= SRIOV_VF_LINK_STATE;
                vf->link_state = (enum sriov_link_state)k;
        }
        if ((r = get_int(doc, "min_tx_rate", 0, UINT32_MAX, &n, &has, err)) < 0)
                return r;
        if (has) {
                vf->set |= SRIOV_VF_MIN_RATE;
                vf->min_tx_rate = (uint32_t)n;
        }
        if ((r = get_int(doc, "max_tx_rate", 0, UINT32_MAX, &n, &has, err)) < 0)
                return r;
        if (has) {
                vf->set |= SRIOV_VF_MAX_RATE;
                vf->max_tx_rate = (uint32_t)n;
        }
        if ((vf->set & SRIOV_VF_MAX_RATE) && vf->max_tx_rate && vf->min_tx_rate > vf->max_tx_rate)
                return bad(err, "NetConf: \"min_tx_rate\" %u is above \"max_tx_rate\" %u (0 is no limit)",
                           vf->min_tx_rate, vf->max_tx_rate);
        /* 68: the IPv4 minimum (RFC 791); 65535: what IFLA_MTU's drivers take at most */
        if ((r = get_int(doc, "mtu", 68, 65535, &n, &has, err)) < 0)
                return r;
        c->mtu = has ? (uint32_t)n : 0;
        return 0;
}

/* GC's list under key: an array of {"containerID": str, "ifname": str}. */
static int attachment_list(json_object *doc, const char *key, json_object **ret, struct cni_error *err)
{
        json_object *l;
        int r = member(doc, key, json_type_array, "NetConf", &l, err);
        if (r < 0)
                return r;
        for (size_t i = 0; l && i < json_object_array_length(l); i++) {
                json_object *a = json_object_array_get_idx(l, i), *id, *ifn;
                if (!json_object_is_type(a, json_type_object) ||
                    !json_object_object_get_ex(a, "containerID", &id) || !json_object_is_type(id, json_type_string) ||
                    !json_object_object_get_ex(a, "ifname", &ifn) || !json_object_is_type(ifn, json_type_string))
                        return bad(err, "NetConf: \"%s\"[%zu] is not {\"containerID\": str, \"ifname\": str}", key,
                                   i);
        }
        *ret = l;
        return 0;
}

int cni_netconf_parse(const char *text, struct cni_netconf *ret, struct cni_error *err)
{
        enum json_tokener_error jerr = json_tokener_success;
        json_tokener *tok = json_tokener_new();
        if (!tok)
                return -ENOMEM;
        /* strict: what the runtimes (Go's encoding/json) write, no single
         * quotes or trailing commas */
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        size_t len = strlen(text);
        json_object *doc = json_tokener_parse_ex(tok, text, (int)len);
        jerr = json_tokener_get_error(tok);
        size_t used = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);
        if (!doc || jerr != json_tokener_success) {
                json_object_put(doc);
                cni_error_set(err, CNI_ERR_DECODE, "failed to decode the network configuration",
                              "stdin is not JSON: %s", jerr == json_tokener_continue
                                                               ? "the document ends early"
                                                               : json_tokener_error_desc(jerr));
                return -EBADMSG;
        }
        for (; used < len; used++)
                if (!isspace((unsigned char)text[used])) {
                        json_object_put(doc);
                        cni_error_set(err, CNI_ERR_DECODE, "failed to decode the network configuration",
                                      "stdin: text after the JSON document at byte %zu", used);
                        return -EBADMSG;
                }
        if (!json_object_is_type(doc, json_type_object)) {
                cni_error_set(err, CNI_ERR_DECODE, "failed to decode the network configuration",
                              "stdin: the network configuration is a JSON %s, not an object",
                              json_type_to_name(json_object_get_type(doc)));
                json_object_put(doc);
                return -EBADMSG;
        }
        struct cni_netconf c = {.doc = doc};
        const char *dev;
        int r;
        if ((r = get_string(doc, "cniVersion", &c.cni_version, err)) < 0 ||
            (r = get_string(doc, "name", &c.name, err)) < 0 || (r = get_string(doc, "type", &c.type, err)) < 0 ||
            (r = get_string(doc, "deviceID", &dev, err)) < 0)
                goto fail;
        if (!c.cni_version) {
                r = bad(err, "NetConf: \"cniVersion\" is missing");
                goto fail;
        }
        if (!cni_version_supported(c.cni_version)) {
                cni_error_set(err, CNI_ERR_VERSION, "incompatible CNI version",
                              "NetConf: cniVersion \"%s\": sriov-vf supports 0.3.1, 0.4.0, 1.0.0 and 1.1.0",
                              c.cni_version);
                r = -EPROTONOSUPPORT;
                goto fail;
        }
        if (!c.name || !name_valid(c.name)) {
                r = bad(err, "NetConf: \"name\" %s%s%s: a network name starts with a letter or digit, then "
                        "letters, digits, '_', '.' or '-'", c.name ? "\"" : "is missing", c.name ? c.name : "",
                        c.name ? "\"" : "");
                goto fail;
        }
        if (!c.type || !c.type[0]) {
                r = bad(err, "NetConf: \"type\" is missing");
                goto fail;
        }
        if (dev) {
                if ((r = parse_pci(dev, c.device_id, err)) < 0)
                        goto fail;
                c.has_device = true;
        }
        if ((r = parse_vf(doc, &c, err)) < 0)
                goto fail;
        json_object *ipam;
        if ((r = member(doc, "ipam", json_type_object, "NetConf", &ipam, err)) < 0)
                goto fail;
        if (ipam && json_object_object_length(ipam) > 0) {
                json_object *t;
                if ((r = member(ipam, "type", json_type_string, "NetConf: ipam", &t, err)) < 0)
                        goto fail;
                const char *s = t ? json_object_get_string(t) : "";
                if (!s[0] || strchr(s, '/') || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
                        r = bad(err, "NetConf: ipam: \"type\" %s%s%s: the name of an IPAM plugin in CNI_PATH",
                                s[0] ? "\"" : "is missing", s, s[0] ? "\"" : "");
                        goto fail;
                }
                c.ipam_type = s;
        }
        if ((r = member(doc, "prevResult", json_type_object, "NetConf", &c.prev_result, err)) < 0 ||
            (r = attachment_list(doc, "cni.dev/valid-attachments", &c.valid_attachments, err)) < 0 ||
            (r = attachment_list(doc, "cni.dev/attachments", &c.attachments, err)) < 0)
                goto fail;
        *ret = c;
        return 0;
fail:
        json_object_put(doc);
        return r;
}

int cni_args_check(const char *args, struct cni_error *err)
{
        if (!args)
                return 0;
        const char *p = args;
        for (size_t k = 1; *p; k++) {
                size_t n = strcspn(p, ";");
                const char *eq = memchr(p, '=', n);
                if (n && (!eq || eq == p)) {
                        cni_error_set(err, CNI_ERR_ENV, "invalid CNI_ARGS",
                                      "CNI_ARGS: pair %zu \"%.*s\" is not KEY=VALUE", k, (int)n, p);
                        return -EINVAL;
                }
                p += n;
                if (*p == ';')
                        p++;
        }
        return 0;
}

int cni_args_get(const char *args, const char *key, char **ret)
{
        size_t klen = strlen(key);
        for (const char *p = args; p && *p;) {
                size_t n = strcspn(p, ";");
                if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
                        char *v = strndup(p + klen + 1, n - klen - 1);
                        if (!v)
                                return -ENOMEM;
                        *ret = v;
                        return 0;
                }
                p += n;
                if (*p == ';')
                        p++;
        }
        return -ENOENT;
}

int cni_netconf_take_args(struct cni_netconf *c, const char *args, struct cni_error *err)
{
        char *mac = NULL;
        int r = cni_args_get(args, "MAC", &mac);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        uint8_t m[6];
        if (!mac[0]) /* "MAC=": none, as sriov-cni reads it */
                r = 0;
        else if ((r = parse_mac("CNI_ARGS: MAC", mac, m, err)) < 0) {
                err->code = CNI_ERR_ENV;
                snprintf(err->msg, sizeof(err->msg), "invalid CNI_ARGS");
        } else if (!c->runtime_mac) {
                memcpy(c->vf.mac, m, 6);
                c->vf.set |= SRIOV_VF_MAC;
        }
        free(mac);
        return r;
}

bool cni_ifname_valid(const char *s)
{
        return sriov_ifname_valid(s);
}

bool cni_container_id_valid(const char *s)
{
        return s && s[0] && strlen(s) < 256 && name_valid(s);
}

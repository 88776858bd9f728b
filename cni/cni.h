/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sriov-vf CNI plugin's own parts (not libsriov): the CNI protocol
 * (environment, NetConf, result and error JSON) and the IPAM delegation.
 * Nothing here touches the kernel; cni/sriov-vf.c ties it to libsriov. */
#ifndef SRIOV_CNI_H
#define SRIOV_CNI_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "cniwords.h"
#include "sriov.h"

#define CNI_SPEC_VERSION "1.1.0"

/* An error to print as the spec's error JSON; msg is short, details says
 * which field, value and rule. */
struct cni_error {
        int code;
        char msg[128];
        char details[1024];
};
void cni_error_set(struct cni_error *e, int code, const char *msg, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* {"cniVersion": version, "code": ..., "msg": ..., "details": ...}, malloc'd. */
char *cni_error_json(const struct cni_error *e, const char *version);

/* Whether the plugin speaks that version of the spec; the list for
 * VERSION. */
bool cni_version_supported(const char *v);
extern const char *const cni_supported_versions[];
/* a < b in semantic version order (major.minor.patch only) */
int cni_version_cmp(const char *a, const char *b);

/* sriov-cni's NetConf, as it is: every field checked, unknown fields kept
 * (they stay in doc, which is what the IPAM plugin is given). */
struct cni_netconf {
        json_object *doc;          /* the whole document (owned) */
        const char *cni_version;   /* point into doc */
        const char *name;
        const char *type;
        bool has_device;
        char device_id[SRIOV_PCI_ADDR_MAX]; /* deviceID, normalized "0000:02:10.0" */
        struct sriov_vf_config vf; /* what goes to the VF through its PF */
        uint32_t mtu;              /* 0: left as it is */
        const char *ipam_type;     /* NULL: no IPAM */
        json_object *prev_result;  /* borrowed; NULL when absent */
        /* GC's list of the attachments still in use, under the spec's key
         * cni.dev/valid-attachments and under cni.dev/attachments (the name
         * the text of spec 1.1.0 had; libcni sends both); borrowed, NULL
         * when absent */
        json_object *valid_attachments, *attachments;
        bool runtime_mac;          /* the MAC came from runtimeConfig.mac */
};
void cni_netconf_done(struct cni_netconf *c);
/* Parses stdin's text. Fails with CNI_ERR_DECODE (not JSON, not an
 * object), CNI_ERR_VERSION or CNI_ERR_CONFIG naming the field, the value
 * and the rule; *ret is written only on success. */
int cni_netconf_parse(const char *text, struct cni_netconf *ret, struct cni_error *err);

/* CNI_ARGS "K=V;K2=V2": -EINVAL (CNI_ERR_ENV) for a pair without '='. */
int cni_args_check(const char *args, struct cni_error *err);
/* The value of key in CNI_ARGS (checked), malloc'd in *ret; -ENOENT when
 * absent. */
int cni_args_get(const char *args, const char *key, char **ret);
/* What the runtime sends in CNI_ARGS on top of the NetConf: MAC=, as
 * sriov-cni takes it (runtimeConfig.mac first, then CNI_ARGS, then the
 * NetConf's "mac"). A bad MAC is CNI_ERR_ENV. */
int cni_netconf_take_args(struct cni_netconf *c, const char *args, struct cni_error *err);
/* CNI_IFNAME and CNI_CONTAINERID as the spec and the kernel allow them. */
bool cni_ifname_valid(const char *s);
bool cni_container_id_valid(const char *s);

#endif

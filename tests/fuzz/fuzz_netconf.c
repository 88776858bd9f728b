/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the sriov-vf plugin's NetConf parser and error JSON
 * (cni/netconf.c) on arbitrary stdin, CNI_ARGS (MAC= too) / CNI_IFNAME
 * checks, and the type check of an IPAM plugin's result (cni/ipam.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"
#include "ipam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = 0;
        struct cni_netconf c;
        struct cni_error err = {0};
        if (cni_netconf_parse(text, &c, &err) == 0) {
                (void)cni_netconf_take_args(&c, text, &err);
                cni_netconf_done(&c);
        } else
                free(cni_error_json(&err, "1.1.0"));
        json_object *res = json_tokener_parse(text);
        if (res)
                (void)ipam_result_check(res, &err);
        json_object_put(res);
        (void)cni_args_check(text, &err);
        (void)cni_ifname_valid(text);
        (void)cni_container_id_valid(text);
        free(text);
        return 0;
}

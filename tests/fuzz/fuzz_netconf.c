/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the sriov-vf plugin's NetConf parser and error JSON
 * (cni/netconf.c) on arbitrary stdin, and CNI_ARGS / CNI_IFNAME checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = 0;
        struct cni_netconf c;
        struct cni_error err = {0};
        if (cni_netconf_parse(text, &c, &err) == 0)
                cni_netconf_done(&c);
        else
                free(cni_error_json(&err, "1.1.0"));
        (void)cni_args_check(text, &err);
        (void)cni_ifname_valid(text);
        (void)cni_container_id_valid(text);
        free(text);
        return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl set, apply, restore and port-profile. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *const port_fields[N_PORT_FIELDS] = {"profile", "instance", "host", "managerid", "typeid", "typeidversion",
                                                 "instanceid"};

int cmd_set(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        (void)o;
        struct sriov_vf_request q;
        int r = sriov_vf_request_parse(ctx, args, (size_t)nargs, &q);
        if (r < 0) {
                fprintf(stderr, "sriovctl: set: %s\n", sriov_ctx_error(ctx));
                return EXIT_BADINPUT;
        }
        r = sriov_vf_set(ctx, q.device, q.vf, &q.config);
        sriov_vf_request_done(&q);
        if (r < 0)
                return config_fail(ctx, r, "set");
        print_notices(ctx);
        return EXIT_OK;
}

int cmd_apply(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        (void)o;
        if (nargs != 1)
                return usage_error("%s", "usage: sriovctl apply FILE (- for stdin)");
        const char *file = args[0];
        struct sriov_vf_request *reqs;
        size_t n;
        int r = sriov_apply_parse_file(ctx, file, &reqs, &n);
        if (r < 0) {
                fprintf(stderr, "sriovctl: apply: %s\n", sriov_ctx_error(ctx));
                return r == -EINVAL ? EXIT_BADINPUT : EXIT_FAIL;
        }
        r = sriov_vf_apply(ctx, reqs, n);
        sriov_vf_requests_free(reqs, n);
        if (r < 0)
                return config_fail(ctx, r, "apply");
        print_notices(ctx);
        return EXIT_OK;
}


int cmd_restore(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        (void)o;
        long vf;
        if (nargs != 3 || parse_vf_words(args + 1, nargs - 1, true, false, &vf) != 2)
                return usage_error("%s", "usage: sriovctl restore DEVICE vf N|all");
        unsigned restored = 0;
        int r = sriov_vf_restore(ctx, args[0], vf == -2 ? SRIOV_VF_ALL : (unsigned)vf, &restored);
        if (r < 0)
                return config_fail(ctx, r, "restore");
        print_notices(ctx);
        if (restored)
                printf("%s: restored the saved settings of %u VF%s\n", args[0], restored, restored == 1 ? "" : "s");
        return EXIT_OK;
}

static void print_port(const char *device, long vf, const struct sriov_port *p)
{
        char uuid[37];
        if (vf == SRIOV_PORT_SELF)
                printf("%s self:", device);
        else
                printf("%s vf %ld:", device, vf);
        if (p->present & SRIOV_PORT_F_REQUEST)
                printf(" request %s", sriov_port_request_name(p->request));
        if (p->present & SRIOV_PORT_F_RESPONSE)
                printf(", response %s (0x%03x): %s", sriov_port_response_name(p->response), p->response,
                       sriov_port_response_message(p->response));
        else
                printf(", no response reported");
        printf("\n");
        if (p->present & SRIOV_PORT_F_PROFILE)
                printf("  profile %s\n", p->profile);
        if (p->present & SRIOV_PORT_F_INSTANCE) {
                sriov_uuid_format(p->instance_uuid, uuid);
                printf("  instance %s\n", uuid);
        }
        if (p->present & SRIOV_PORT_F_HOST) {
                sriov_uuid_format(p->host_uuid, uuid);
                printf("  host %s\n", uuid);
        }
        if ((p->present & SRIOV_PORT_F_QBG) == SRIOV_PORT_F_QBG)
                printf("  managerid %u typeid %u typeidversion %u\n", p->managerid, p->typeid, p->typeidversion);
}

int cmd_port_profile(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        static const char usage[] = "usage: sriovctl port-profile DEVICE vf N|self "
                                    "associate|preassociate|preassociate-rr|disassociate|status [--profile NAME] "
                                    "[--instance UUID] [--host UUID] [--managerid N --typeid N --typeidversion N] "
                                    "[--timeout MS]";
        long vf;
        int used = nargs >= 2 ? parse_vf_words(args + 1, nargs - 1, false, true, &vf) : 0;
        if (!used || nargs != 2 + used)
                return usage_error("%s", usage);
        const char *device = args[0], *request = args[1 + used];
        int r;
        if (strcmp(request, "status") == 0) {
                for (size_t i = 0; i < ELEMENTS(port_fields); i++)
                        if (o->port_field[i])
                                return usage_error("--%s is for requests, not status", port_fields[i]);
                struct sriov_port st;
                r = sriov_port_get(ctx, device, (int)vf, &st);
                if (r == -ENODATA) {
                        print_notices(ctx);
                        printf("%s\n", sriov_ctx_error(ctx));
                        return EXIT_OK;
                }
                if (r < 0)
                        return config_fail(ctx, r, "port-profile");
                print_port(device, vf, &st);
                return EXIT_OK;
        }
        struct sriov_port p = {0};
        if ((r = sriov_port_parse_field(ctx, &p, "request", request)) < 0)
                return usage_error("%s", sriov_ctx_error(ctx));
        for (size_t i = 0; i < ELEMENTS(port_fields); i++)
                if (o->port_field[i] && (r = sriov_port_parse_field(ctx, &p, port_fields[i], o->port_field[i])) < 0) {
                        fprintf(stderr, "sriovctl: port-profile: --%s\n", sriov_ctx_error(ctx));
                        return EXIT_BADINPUT;
                }
        unsigned timeout;
        if (parse_timeout(o, "port-profile", 10000, &timeout) < 0)
                return EXIT_BADINPUT;
        if ((r = sriov_port_validate(ctx, &p)) < 0) {
                fprintf(stderr, "sriovctl: port-profile: %s\n", sriov_ctx_error(ctx));
                return EXIT_BADINPUT;
        }
        struct sriov_port st = {0};
        r = sriov_port_set(ctx, device, (int)vf, &p, timeout, &st);
        if (r < 0)
                return config_fail(ctx, r, "port-profile");
        print_notices(ctx);
        if (st.present)
                print_port(device, vf, &st);
        return EXIT_OK;
}


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
        if (nargs < 3 || strcmp(args[1], "vf") != 0)
                return usage_error("%s", nargs == 0 ? "missing DEVICE vf N and the attributes to set"
                                                    : "expected DEVICE vf N ATTRIBUTE VALUE ...");
        struct sriov_vf_request q;
        int r = sriov_vf_request_parse(ctx, args, (size_t)nargs, &q);
        if (r < 0)
                return input_fail(ctx, r, "set");
        r = sriov_admin_vf_set(ctx, q.device, q.vf, &q.config);
        sriov_vf_request_done(&q);
        if (r < 0)
                return fail(ctx, r, "set");
        print_notices(ctx);
        return EXIT_OK;
}

int cmd_apply(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        (void)o;
        if (nargs != 1)
                return usage_error(nargs ? "one FILE only, got also '%s'" : "%s", nargs ? args[1] : "missing FILE (- for stdin)");
        struct sriov_vf_request *reqs;
        size_t n;
        int r = sriov_apply_parse_file(ctx, args[0], &reqs, &n);
        if (r < 0)
                return input_fail(ctx, r, "apply");
        r = sriov_admin_vf_apply(ctx, reqs, n);
        sriov_vf_requests_free(reqs, n);
        if (r < 0)
                return fail(ctx, r, "apply");
        print_notices(ctx);
        return EXIT_OK;
}

int cmd_restore(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        (void)o;
        long vf = 0;
        int used = nargs >= 1 ? parse_vf_words("restore", args[0], args + 1, nargs - 1, true, false, &vf) : 0;
        if (used < 0)
                return EXIT_BADINPUT;
        if (!used)
                return usage_error("%s", nargs ? "expected DEVICE vf N|all" : "missing DEVICE vf N|all");
        if (nargs > 3)
                return usage_error("unexpected '%s' after vf N|all", args[3]);
        unsigned restored = 0;
        int r = sriov_admin_vf_restore(ctx, args[0], vf == -2 ? SRIOV_VF_ALL : (unsigned)vf, &restored);
        if (r < 0)
                return fail(ctx, r, "restore");
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

/* The port's state: text, or with --json one object (schema: doc/json.md) */
static int emit_port(const struct options *o, const char *device, long vf, const struct sriov_port *p,
                     const char *none)
{
        if (o->format == OUT_JSON) {
                char *text = NULL;
                int r = sriov_render_port_json(device, (int)vf, p, none, &text);
                return emit(r, text);
        }
        if (p)
                print_port(device, vf, p);
        else
                printf("%s\n", none);
        return EXIT_OK;
}

static int port_status(struct sriov_ctx *ctx, const struct options *o, const char *device, long vf)
{
        for (size_t i = 0; i < ELEMENTS(port_fields); i++)
                if (o->port_field[i])
                        return usage_error("--%s is for requests, not status", port_fields[i]);
        if (o->timeout)
                return usage_error("%s", "--timeout is for requests, not status");
        struct sriov_port st;
        int r = sriov_port_get(ctx, device, (int)vf, &st);
        if (r == -ENODATA) {
                /* nothing reported for that port: a state, not an error */
                print_notices(ctx);
                return emit_port(o, device, vf, NULL, sriov_ctx_error(ctx));
        }
        if (r < 0)
                return fail(ctx, r, "port-profile");
        print_notices(ctx);
        return emit_port(o, device, vf, &st, NULL);
}

int cmd_port_profile(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        long vf = 0;
        int used = nargs >= 1 ? parse_vf_words("port-profile", args[0], args + 1, nargs - 1, false, true, &vf) : 0;
        if (used < 0)
                return EXIT_BADINPUT;
        if (!used)
                return usage_error("%s", nargs ? "expected 'vf N' or 'self' after the device"
                                              : "missing DEVICE vf N|self REQUEST|status");
        if (nargs < 2 + used)
                return usage_error("%s", "missing the request: associate, preassociate, preassociate-rr, "
                                         "disassociate or status");
        if (nargs > 2 + used)
                return usage_error("unexpected '%s' after the request", args[2 + used]);
        const char *device = args[0], *request = args[1 + used];
        if (strcmp(request, "status") == 0)
                return port_status(ctx, o, device, vf);
        struct sriov_port p = {0};
        int r;
        if ((r = sriov_port_parse_field(ctx, &p, "request", request)) < 0)
                return usage_error("%s", sriov_ctx_error(ctx));
        for (size_t i = 0; i < ELEMENTS(port_fields); i++)
                if (o->port_field[i] && (r = sriov_port_parse_field(ctx, &p, port_fields[i], o->port_field[i])) < 0) {
                        fprintf(stderr, "sriovctl: port-profile: --%s\n", sriov_ctx_error(ctx));
                        return EXIT_BADINPUT;
                }
        unsigned timeout;
        int rc = parse_timeout(o, 10000, &timeout);
        if (rc != EXIT_OK)
                return rc;
        if ((r = sriov_port_validate(ctx, &p)) < 0)
                return input_fail(ctx, r, "port-profile");
        struct sriov_port st = {0};
        r = sriov_port_set(ctx, device, (int)vf, &p, timeout, &st);
        if (r < 0)
                return fail(ctx, r, "port-profile");
        print_notices(ctx);
        if (st.present || o->format == OUT_JSON)
                return emit_port(o, device, vf, st.present ? &st : NULL, "no port state reported");
        return EXIT_OK;
}

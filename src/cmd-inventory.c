/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl list and show. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_list(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs)
                return usage_error("list takes no argument, got '%s'", args[0]);
        struct sriov_inventory *inv;
        int r = sriov_inventory_scan(ctx, &inv);
        if (r < 0)
                return fail(ctx, r, "list");
        char *text = NULL;
        if (o->format == OUT_JSON) {
                /* streamed: a 16 x 256-VF inventory stays within a few MiB */
                print_notices(ctx);
                r = sriov_write_json(stdout, inv, NULL);
                sriov_inventory_free(inv);
                return emit(r, strdup("\n"));
        }
        if (o->format == OUT_XML)
                r = sriov_render_xml(inv, NULL, &text);
        else {
                r = sriov_render_table(inv, &text);
                for (size_t i = 0; i < inv->n_pfs; i++)
                        print_warnings(inv->pfs[i].warnings);
                print_warnings(inv->warnings);
        }
        print_notices(ctx);
        int rc = emit(r, text);
        sriov_inventory_free(inv);
        return rc;
}

static void print_driver_answers(struct sriov_ctx *ctx, const char *driver, const char *state_dir)
{
        struct sriov_driver_answer *a;
        size_t n;
        if (!driver || sriov_driver_answers(ctx, driver, &a, &n) < 0 || !n)
                return;
        printf("\nVF settings %s answered before (learned from earlier requests, %s/drivers/%s.json):\n", driver,
               state_dir, driver);
        for (size_t i = 0; i < n; i++) {
                if (a[i].error)
                        printf("  %-10s refused: %s (%s), value %s\n", a[i].attribute, sriov_errno_name(a[i].error),
                               strerror(a[i].error), a[i].value);
                else
                        printf("  %-10s accepted (value %s)\n", a[i].attribute, a[i].value);
        }
        sriov_driver_answers_free(a, n);
}

/* VFs with saved originals: what sriovctl changed, also for VFs whose
 * settings the kernel's reply could not carry. */
static void print_saved(struct sriov_ctx *ctx, const struct sriov_pf *pf)
{
        unsigned *vfs = NULL;
        size_t n = 0;
        const char *dev = pf->netdevs && pf->netdevs[0] ? pf->netdevs[0] : pf->address;
        if (sriov_vf_saved(ctx, dev, &vfs, &n) < 0 || !n) {
                free(vfs); /* a state dir that cannot be read is not show's business */
                return;
        }
        printf("\nOriginal settings saved before sriovctl changed them (`sriovctl restore %s vf N|all`): vf ", dev);
        size_t unread = 0;
        for (size_t i = 0; i < n; i++) {
                size_t j = i;
                while (j + 1 < n && vfs[j + 1] == vfs[j] + 1)
                        j++;
                printf(j > i ? "%s%u-%u" : "%s%u", i ? "," : "", vfs[i], vfs[j]);
                for (size_t k = i; k <= j; k++)
                        if (vfs[k] < pf->n_vfs && !pf->vfs[vfs[k]].has_link)
                                unread++;
                i = j;
        }
        printf("\n");
        if (unread)
                printf("  %zu of them could not be read now; they were changed by sriovctl and their originals "
                       "are kept\n",
                       unread);
        free(vfs);
}

int cmd_show(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs != 1)
                return usage_error("%s", "usage: sriovctl show DEVICE (PCI address or interface)");
        const char *device = args[0];
        struct sriov_inventory *inv;
        int r = sriov_inventory_scan(ctx, &inv);
        if (r < 0)
                return fail(ctx, r, "show");
        struct sriov_pf *pf;
        r = sriov_inventory_find(ctx, inv, device, &pf);
        if (r < 0) {
                sriov_inventory_free(inv);
                return fail(ctx, r, "show");
        }
        /* VF settings live in the kernel: only the live system has them */
        if (pf->netdevs && pf->netdevs[0] && !o->pci_dump && !o->sysfs_root) {
                r = sriov_pf_read_vf_links(ctx, pf);
                if (r < 0)
                        fprintf(stderr, "warning: VF settings not read: %s\n", sriov_ctx_error(ctx));
        }
        char *text = NULL;
        if (o->format == OUT_JSON)
                r = sriov_render_json(inv, pf, &text);
        else if (o->format == OUT_XML)
                r = sriov_render_xml(inv, pf, &text);
        else {
                r = sriov_render_pf_detail(pf, &text);
                print_warnings(pf->warnings);
        }
        print_notices(ctx);
        int rc = emit(r, text);
        if (rc == EXIT_OK && o->format == OUT_TABLE && !o->sysfs_root && !o->pci_dump) {
                print_driver_answers(ctx, pf->driver, o->state_dir ? o->state_dir : "/run/sriov");
                print_saved(ctx, pf);
                fflush(stdout);
        }
        sriov_inventory_free(inv);
        return rc;
}

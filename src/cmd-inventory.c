/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl list and show. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef int render_xml_fn(const struct sriov_inventory *inv, const struct sriov_pf *only, char **ret);
typedef int render_show_xml_fn(const struct sriov_pf *pf, const struct sriov_show_state *st, char **ret);

/* The XML renderers are libsriov-libvirt's (sriov_render_xml,
 * sriov_render_show_xml), reached through sriovctl-libvirt.so: XML output
 * needs libxml2, the other formats do not. Looked up before any work
 * (libvirt_module_symbol() says why it cannot be had). */

/* The state directory describes the live host: read it for the live
 * system, or for any tree when one is named (--state-dir, $SRIOV_STATE_DIR). */
static bool state_describes(const struct options *o)
{
        return !(o->sysfs_root || o->pci_dump) || o->state_dir;
}

/* Who holds each VF, from the allocation store; when it cannot be read
 * the holder column and fields are left out, saying why. */
static void read_holders(struct sriov_ctx *ctx, const struct options *o, struct sriov_inventory *inv)
{
        if (!state_describes(o) || sriov_inventory_read_holders(ctx, inv) == 0)
                return;
        char *why[] = {NULL, NULL};
        if (asprintf(&why[0], "who holds the VFs is not shown: %s", sriov_ctx_error(ctx)) >= 0)
                print_warnings(why);
        free(why[0]);
}

/* Eswitch modes and representors live in the kernel (devlink): only the
 * live system has them; one request per PF, one port dump in switchdev. */
static int read_eswitch(struct sriov_ctx *ctx, const struct options *o, struct sriov_inventory *inv,
                        struct sriov_pf *only)
{
        if (o->pci_dump || o->sysfs_root)
                return 0;
        return sriov_inventory_read_eswitch(ctx, inv, only);
}

int cmd_list(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs)
                return usage_error("no argument expected, got '%s'", args[0]);
        render_xml_fn *render_xml = NULL;
        if (o->format == OUT_XML && !(*(void **)&render_xml = libvirt_module_symbol("sriov_render_xml")))
                return EXIT_FAIL;
        struct sriov_inventory *inv;
        int r = sriov_inventory_scan(ctx, &inv);
        if (r < 0)
                return fail(ctx, r, "list");
        if (o->format == OUT_NAMES) {
                /* what every command takes as DEVICE: for scripts and the
                 * shell's completion, which need no JSON parser for it */
                for (size_t i = 0; i < inv->n_pfs; i++) {
                        printf("%s\n", inv->pfs[i].address);
                        for (char **n = inv->pfs[i].netdevs; n && *n; n++)
                                printf("%s\n", *n);
                }
                print_notices(ctx);
                sriov_inventory_free(inv);
                return EXIT_OK;
        }
        r = read_eswitch(ctx, o, inv, NULL);
        if (r < 0) {
                sriov_inventory_free(inv);
                return fail(ctx, r, "list");
        }
        read_holders(ctx, o, inv);
        char *text = NULL;
        if (o->format == OUT_JSON) {
                /* streamed: a 16 x 256-VF inventory stays within a few MiB */
                print_notices(ctx);
                r = sriov_write_json(stdout, inv, NULL);
                sriov_inventory_free(inv);
                /* a write error is check_stdout()'s to say */
                return emit(ferror(stdout) ? 0 : r, strdup("\n"));
        }
        if (o->format == OUT_XML)
                r = render_xml(inv, NULL, &text);
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

/* What show adds from the state directory, for the table and JSON. */
struct show_state {
        struct sriov_show_state s;
        struct sriov_driver_answer *answers;
        unsigned *saved;
};

static void show_state_read(struct sriov_ctx *ctx, const struct options *o, const struct sriov_pf *pf,
                            struct show_state *st)
{
        *st = (struct show_state){0};
        if (!state_describes(o))
                return;
        st->s.read = true;
        /* a state dir that cannot be read is not show's business: nothing learned */
        if (!pf->driver || sriov_driver_answers(ctx, pf->driver, &st->answers, &st->s.n_answers) < 0) {
                st->answers = NULL;
                st->s.n_answers = 0;
        }
        const char *dev = pf->netdevs && pf->netdevs[0] ? pf->netdevs[0] : pf->address;
        if (sriov_vf_saved(ctx, dev, &st->saved, &st->s.n_saved) < 0) {
                free(st->saved);
                st->saved = NULL;
                st->s.n_saved = 0;
        }
        st->s.answers = st->answers;
        st->s.saved_vfs = st->saved;
}

static void show_state_done(struct show_state *st)
{
        sriov_driver_answers_free(st->answers, st->s.n_answers);
        free(st->saved);
}

static void print_driver_answers(const struct sriov_pf *pf, const struct show_state *st, const char *state_dir)
{
        if (!st->s.n_answers)
                return;
        printf("\nVF settings %s answered before (learned from earlier requests, %s/drivers/%s.json):\n",
               pf->driver, state_dir, pf->driver);
        for (size_t i = 0; i < st->s.n_answers; i++) {
                const struct sriov_driver_answer *a = &st->answers[i];
                if (a->error)
                        printf("  %-10s refused: %s (%s), value %s\n", a->attribute, sriov_errno_name(a->error),
                               strerror(a->error), a->value);
                else
                        printf("  %-10s accepted (value %s)\n", a->attribute, a->value);
        }
}

/* VFs with saved originals: what sriovctl changed, also for VFs whose
 * settings the kernel's reply could not carry. */
static void print_saved(const struct sriov_pf *pf, const struct show_state *st)
{
        const unsigned *vfs = st->saved;
        size_t n = st->s.n_saved;
        if (!n)
                return;
        const char *dev = pf->netdevs && pf->netdevs[0] ? pf->netdevs[0] : pf->address;
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
}

int cmd_show(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs != 1)
                return usage_error(nargs ? "one DEVICE only, got also '%s'" : "%s",
                                   nargs ? args[1] : "missing DEVICE (PCI address or interface)");
        render_show_xml_fn *render_xml = NULL;
        if (o->format == OUT_XML && !(*(void **)&render_xml = libvirt_module_symbol("sriov_render_show_xml")))
                return EXIT_FAIL;
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
        /* first: representors leave pf->netdevs, whose first is asked next */
        r = read_eswitch(ctx, o, inv, pf);
        if (r < 0) {
                sriov_inventory_free(inv);
                return fail(ctx, r, "show");
        }
        /* VF settings live in the kernel: only the live system has them */
        if (pf->netdevs && pf->netdevs[0] && !o->pci_dump && !o->sysfs_root) {
                r = sriov_pf_read_vf_links(ctx, pf);
                if (r < 0)
                        fprintf(stderr, "sriovctl: warning: VF settings not read: %s\n",
                                *sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : strerror(-r));
        }
        /* after the links: netdevsim's VFs are added by reading them */
        read_holders(ctx, o, inv);
        struct show_state st;
        show_state_read(ctx, o, pf, &st);
        char *text = NULL;
        if (o->format == OUT_JSON)
                r = sriov_render_show_json(pf, &st.s, &text);
        else if (o->format == OUT_XML)
                r = render_xml(pf, &st.s, &text);
        else {
                r = sriov_render_pf_detail(pf, &text);
                print_warnings(pf->warnings);
        }
        print_notices(ctx);
        int rc = emit(r, text);
        if (rc == EXIT_OK && o->format == OUT_TABLE) {
                print_driver_answers(pf, &st, o->state_dir ? o->state_dir : "/run/sriov");
                print_saved(pf, &st);
        }
        show_state_done(&st);
        sriov_inventory_free(inv);
        return rc;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An administrator's set, apply and restore of VF settings, under the
 * store's lock and refused for a VF an allocation holds: a guest's or
 * pod's VF keeps what its allocation set until it is given back. */
#include <string.h>

#include "alloc.h"
#include "pfref.h"
#include "state.h"
#include "store.h"

/* The held VFs of the PF a user names (interface or PCI address). */
static int held_of_device(struct sriov_ctx *ctx, const char *device, struct held_vf **ret, size_t *ret_n)
{
        struct pf_ref pf;
        int r = pf_ref_resolve(ctx, device, &pf);
        if (r < 0)
                return r;
        r = alloc_held_vfs(ctx, pf.name, ret, ret_n);
        pf_ref_done(&pf);
        return r;
}

/* -EADDRINUSE naming the guest if one of h (device's held VFs) is VF vf.
 * Under the store's lock, so no attach takes it meanwhile. */
static int refuse_held_vf(struct sriov_ctx *ctx, const struct held_vf *h, size_t n, const char *device, unsigned vf,
                          const char *what)
{
        for (size_t i = 0; i < n; i++)
                if (h[i].vf == vf) {
                        char who[256];
                        held_vf_describe(&h[i], who, sizeof(who));
                        return ctx_fail(ctx, -EADDRINUSE, "%s vf %u: %s refused: %s holds it (detach it first)",
                                        device, vf, what, who);
                }
        return 0;
}

static int refuse_if_held(struct sriov_ctx *ctx, const char *device, unsigned vf, const char *what)
{
        struct held_vf *h;
        size_t n;
        int r = held_of_device(ctx, device, &h, &n);
        if (r < 0)
                return r;
        r = refuse_held_vf(ctx, h, n, device, vf, what);
        held_vfs_free(h, n);
        return r;
}

/* The store's lock for a change an administrator asked for. */
static int admin_hold(struct sriov_ctx *ctx)
{
        ctx_clear_error(ctx);
        int r = state_hold(ctx, LOCK_TIMEOUT_MS);
        if (r < 0)
                ctx_error_prefix(ctx, "original VF settings cannot be kept safe, so nothing is changed");
        return r;
}

int sriov_admin_vf_set(struct sriov_ctx *ctx, const char *device, unsigned vf, const struct sriov_vf_config *cfg)
{
        int r = admin_hold(ctx);
        if (r < 0)
                return r;
        if ((r = refuse_if_held(ctx, device, vf, "a change")) == 0)
                r = sriov_vf_set(ctx, device, vf, cfg);
        state_release(ctx);
        return r;
}

int sriov_admin_vf_apply(struct sriov_ctx *ctx, const struct sriov_vf_request *reqs, size_t n)
{
        int r = admin_hold(ctx);
        if (r < 0)
                return r;
        /* the store and the PF are read once per run of requests for one
         * device (a file lists a PF's VFs together), not once per line */
        struct held_vf *h = NULL;
        size_t n_held = 0;
        for (size_t i = 0; r == 0 && i < n; i++) {
                if (i == 0 || strcmp(reqs[i].device, reqs[i - 1].device) != 0) {
                        held_vfs_free(h, n_held);
                        h = NULL;
                        n_held = 0;
                        r = held_of_device(ctx, reqs[i].device, &h, &n_held);
                }
                if (r == 0)
                        r = refuse_held_vf(ctx, h, n_held, reqs[i].device, reqs[i].vf, "a change");
                if (r < 0 && reqs[i].origin)
                        ctx_error_prefix(ctx, "%s", reqs[i].origin);
        }
        held_vfs_free(h, n_held);
        if (r == 0)
                r = sriov_vf_apply(ctx, reqs, n);
        state_release(ctx);
        return r;
}

int sriov_admin_vf_restore(struct sriov_ctx *ctx, const char *device, unsigned vf, unsigned *ret_restored)
{
        int r = admin_hold(ctx);
        if (r < 0)
                return r;
        if (vf != SRIOV_VF_ALL) {
                if ((r = refuse_if_held(ctx, device, vf, "restore")) == 0)
                        r = sriov_vf_restore(ctx, device, vf, ret_restored);
                state_release(ctx);
                return r;
        }
        /* all: in one batch when no guest holds a VF of the PF (the usual
         * case, and 4096 VFs one by one would read all 4096 each time);
         * else those no guest holds, one by one (a guest's VF keeps what
         * its allocation set until it is detached, which restores it) */
        struct held_vf *h = NULL;
        size_t n_held = 0;
        r = held_of_device(ctx, device, &h, &n_held);
        if (r == 0 && n_held == 0) {
                held_vfs_free(h, n_held);
                r = sriov_vf_restore(ctx, device, SRIOV_VF_ALL, ret_restored);
                state_release(ctx);
                return r;
        }
        unsigned *saved = NULL, total = 0;
        size_t n_saved = 0;
        if (r < 0 || (r = sriov_vf_saved(ctx, device, &saved, &n_saved)) < 0) {
                held_vfs_free(h, n_held);
                state_release(ctx);
                return r;
        }
        _cleanup_strv_free_ char **skipped = NULL;
        for (size_t i = 0; r == 0 && i < n_saved; i++) {
                unsigned one = 0;
                if ((r = refuse_held_vf(ctx, h, n_held, device, saved[i], "restore")) == -EADDRINUSE) {
                        r = strv_push(&skipped, sriov_ctx_error(ctx));
                        ctx_clear_error(ctx);
                        continue;
                }
                if (r == 0 && (r = sriov_vf_restore(ctx, device, saved[i], &one)) == 0)
                        total += one;
        }
        free(saved);
        held_vfs_free(h, n_held);
        state_release(ctx);
        if (r < 0)
                return r;
        if (!n_saved)
                ctx_notice(ctx, "%s: no VF has saved settings: nothing to restore", device);
        for (char **s = skipped; s && *s; s++)
                ctx_notice(ctx, "%s", *s);
        if (ret_restored)
                *ret_restored = total;
        return 0;
}

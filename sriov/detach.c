/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A guest's detach: every record of the domain undone and forgotten,
 * from the stored records alone (no domain XML needed). */
#include <string.h>

#include "recover.h"
#include "state.h"

int sriov_detach(struct sriov_ctx *ctx, const char *domain, unsigned timeout_ms, unsigned *ret_freed)
{
        ctx_clear_error(ctx);
        if (!timeout_ms)
                timeout_ms = WAIT_DEFAULT_MS;
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;
        struct store s;
        if ((r = open_store(ctx, timeout_ms, &s)) < 0)
                return r;
        unsigned freed = 0, failed = 0;
        int first = 0;
        for (size_t i = s.n; i-- > 0;) {
                if (!same_domain(&s.recs[i], domain, domain))
                        continue;
                char *kept = NULL;
                r = undo_rec(ctx, &s.recs[i], timeout_ms);
                if (r < 0) {
                        /* keep going: give back everything that can be */
                        failed++;
                        if (!first) {
                                first = r;
                                kept = strdup(sriov_ctx_error(ctx));
                        }
                        ctx_clear_error(ctx);
                        if (kept) {
                                ctx_fail(ctx, r, "domain '%s' interface #%u: %s", domain, s.recs[i].a.iface + 1,
                                         kept);
                                free(kept);
                        }
                        continue;
                }
                store_drop(&s, i);
                freed++;
        }
        /* what a killed attach of this domain held was given back already */
        for (char **d = s.rolled_back; d && *d; d++)
                freed += strcmp(*d, domain) == 0;
        if (!freed && !failed)
                first = ctx_fail(ctx, -ENOENT, "domain '%s' holds no allocations", domain);
        r = freed ? store_save(ctx, &s) : 0;
        store_done(&s);
        state_release(ctx);
        if (first < 0)
                return first;
        if (r < 0)
                return r;
        if (ret_freed)
                *ret_freed = freed;
        return 0;
}

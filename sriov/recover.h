/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Undoing allocation records (recover.c), internal: from the stored
 * record alone, as a detach, a failed attach, ADD or hook, and the roll
 * back of an attach that died all need; and opening the store for a
 * change, which rolls back the dead ones first. */
#ifndef SRIOV_RECOVER_H
#define SRIOV_RECOVER_H

#include "store.h"

/* how long a port profile's answer is waited for */
#define PORT_TIMEOUT_MS 10000

/* Undoes what a record stands for (the order and why: recover.c), from
 * the record alone. Steps already undone or never done are skipped; the
 * first failure is returned, the other steps are still tried. The record
 * stays in the store: the caller drops it on success. */
int undo_rec(struct sriov_ctx *ctx, const struct rec *rec, unsigned timeout_ms);

/* Takes the store's lock (waiting lock_ms at most), loads the store and
 * rolls back dead attaches (timeout_ms: for their undo steps). The caller
 * gives the lock back with state_release() after store_done(). */
int open_store_within(struct sriov_ctx *ctx, unsigned lock_ms, unsigned timeout_ms, struct store *ret);
/* open_store_within, waiting LOCK_TIMEOUT_MS for the lock. */
int open_store(struct sriov_ctx *ctx, unsigned timeout_ms, struct store *ret);

#endif

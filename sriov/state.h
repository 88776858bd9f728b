/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The crash-safe store (state.c), internal: JSON documents in the state
 * directory, each replaced atomically (write a temporary file, fsync,
 * rename over the old one, fsync the directory), changed only under an
 * exclusive flock on STATE/lock.
 *
 * Trusted only when nobody else can steer it: the state directory, each
 * directory under it and each file must be owned by the effective user
 * (readers also accept root's) and not be writable by group or others,
 * else -EPERM with a message naming the path and the rule. Files are never
 * opened through a symbolic link and must be regular files. What the store
 * makes is 0700 (directories) and 0600 (files). */
#ifndef SRIOV_STATE_H
#define SRIOV_STATE_H

#include <json-c/json.h>
#include <sys/stat.h>

#include "internal.h"

#define SRIOV_STATE_DIR_DEFAULT "/run/sriov"

/* st (of `what` at path: "state directory", "config file") may steer
 * what sriovctl does: owned by the effective user (when `reading`, root's
 * too: a reader that is not root trusts the system's files) and not
 * writable by group or others. -EPERM naming the path and the rule if not. */
int check_trusted(struct sriov_ctx *ctx, const char *what, const char *path, const struct stat *st, bool reading);

/* The state directory of the context (never NULL). */
const char *state_dir(const struct sriov_ctx *ctx);

/* Creates the state directory if needed and takes the exclusive lock on
 * STATE/lock, waiting at most timeout_ms for another holder. *ret_fd is the
 * lock; state_unlock() (or close) releases it. -ETIMEDOUT names the pid that
 * holds it when known. Once held, the temporary files of writers that were
 * killed are removed (a notice names each). */
int state_lock(struct sriov_ctx *ctx, unsigned timeout_ms, int *ret_fd);
void state_unlock(int fd);
static inline void state_unlockp(int *fd)
{
        if (*fd >= 0)
                state_unlock(*fd);
}
#define _cleanup_state_unlock_ _cleanup_(state_unlockp)

/* Holds the lock in the context for an operation made of many steps (an
 * attach): state_lock() calls within it share the lock instead of waiting
 * for it. -EALREADY if already held. */
int state_hold(struct sriov_ctx *ctx, unsigned timeout_ms);
/* The same, shared: what a reconcile pass holds. Passes (on different PFs)
 * run side by side; attach, detach, set, apply and restore, which take it
 * exclusively, wait for them and they for those. Whatever the pass calls
 * shares it (state_lock() dups it), so the pass must be the only writer of
 * what it writes: its PF's files, under state_lock_pf(). */
int state_hold_shared(struct sriov_ctx *ctx, unsigned timeout_ms);
void state_release(struct sriov_ctx *ctx);
/* An exclusive lock of one PF (STATE/pf-locks/PF) that reconcile passes of
 * that PF queue on. Taken before state_hold_shared(), never while waiting
 * for anything else, so it cannot deadlock with the store's lock. */
int state_lock_pf(struct sriov_ctx *ctx, const char *pf, unsigned timeout_ms, int *ret_fd);

/* Reads STATE/relpath. -ENOENT if it (or the state directory) does not
 * exist (no message); -EBADMSG with a message naming the file if it is not
 * a JSON object. Creates nothing: a reader needs no write access. */
int state_load(struct sriov_ctx *ctx, const char *relpath, json_object **ret);
/* Replaces STATE/relpath atomically with obj, creating its directory. */
int state_save(struct sriov_ctx *ctx, const char *relpath, json_object *obj);
/* Removes STATE/relpath (and fsyncs its directory); 0 if it did not exist. */
int state_remove(struct sriov_ctx *ctx, const char *relpath);

/* A file name component from a device name ("0000:02:00.0", "netdevsim1"):
 * anything but [A-Za-z0-9._:-] becomes '_'. */
void state_name(const char *s, char *buf, size_t size);

#endif

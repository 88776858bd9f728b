/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The context: injectable environment, error message and notices. */
#include <fcntl.h>
#include <string.h>

#include "internal.h"

int sriov_ctx_new(struct sriov_ctx **ret)
{
        struct sriov_ctx *ctx = calloc(1, sizeof(*ctx));
        if (!ctx)
                return -ENOMEM;
        ctx->sysfs_fd = -1;
        ctx->state_held_fd = -1;
        ctx->state_dir_fd = -1;
        ctx->sysfs_root = strdup("/sys");
        if (!ctx->sysfs_root) {
                free(ctx);
                return -ENOMEM;
        }
        *ret = ctx;
        return 0;
}

struct sriov_ctx *sriov_ctx_free(struct sriov_ctx *ctx)
{
        if (!ctx)
                return NULL;
        if (ctx->sysfs_fd >= 0)
                close(ctx->sysfs_fd);
        if (ctx->state_held_fd >= 0)
                close(ctx->state_held_fd);
        if (ctx->state_dir_fd >= 0)
                close(ctx->state_dir_fd);
        ctx_drop_transports(ctx);
        free(ctx->state_dir);
        free(ctx->sysfs_root);
        free(ctx->pci_dump);
        free(ctx->error);
        strv_free(ctx->notices);
        free(ctx);
        return NULL;
}

void ctx_drop_transports(struct sriov_ctx *ctx)
{
        ctx_drop_pcicfg(ctx);
        if (ctx->nl)
                ctx->nl_free(ctx->nl);
        ctx->nl = NULL;
        if (ctx->genl)
                ctx->genl_free(ctx->genl);
        ctx->genl = NULL;
}

int sriov_ctx_set_sysfs_root(struct sriov_ctx *ctx, const char *dir)
{
        ctx_clear_error(ctx);
        int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return ctx_fail(ctx, -errno, "sysfs root %s: %s", dir, strerror(errno));
        char *copy = strdup(dir);
        if (!copy) {
                close(fd);
                return -ENOMEM;
        }
        if (ctx->sysfs_fd >= 0)
                close(ctx->sysfs_fd);
        free(ctx->sysfs_root);
        ctx->sysfs_root = copy;
        ctx->sysfs_fd = fd;
        ctx->sysfs_root_explicit = true;
        ctx_drop_pcicfg(ctx); /* libpci's sysfs.path follows the root */
        return 0;
}

int sriov_ctx_set_pci_dump(struct sriov_ctx *ctx, const char *file)
{
        ctx_clear_error(ctx);
        if (access(file, R_OK) < 0)
                return ctx_fail(ctx, -errno, "PCI dump file %s: %s", file, strerror(errno));
        char *copy = strdup(file);
        if (!copy)
                return -ENOMEM;
        free(ctx->pci_dump);
        ctx->pci_dump = copy;
        ctx_drop_pcicfg(ctx);
        return 0;
}

void ctx_drop_pcicfg(struct sriov_ctx *ctx)
{
        if (ctx->pcicfg)
                ctx->pcicfg_free(ctx->pcicfg);
        ctx->pcicfg = NULL;
}

const char *sriov_ctx_error(const struct sriov_ctx *ctx)
{
        return ctx->error ? ctx->error : "";
}

void sriov_ctx_clear_notices(struct sriov_ctx *ctx)
{
        strv_free(ctx->notices);
        ctx->notices = NULL;
}

char *const *sriov_ctx_notices(const struct sriov_ctx *ctx)
{
        static char *const none[] = {NULL};
        return ctx->notices ? ctx->notices : none;
}

void ctx_clear_error(struct sriov_ctx *ctx)
{
        free(ctx->error);
        ctx->error = NULL;
        ctx->error_in_state = false;
}

/* The first message since the entry point wins; whether this one did. */
static bool vfail(struct sriov_ctx *ctx, const char *fmt, va_list ap)
{
        if (ctx->error)
                return false;
        ctx->error = strdup_vprintf(fmt, ap);
        return true;
}

int ctx_fail(struct sriov_ctx *ctx, int r, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vfail(ctx, fmt, ap);
        va_end(ap);
        return r;
}

int ctx_fail_state(struct sriov_ctx *ctx, int r, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        bool first = vfail(ctx, fmt, ap);
        va_end(ap);
        ctx_mark_state_error(ctx, !first);
        return r;
}

void ctx_mark_state_error(struct sriov_ctx *ctx, bool had_error)
{
        if (!had_error && ctx->error)
                ctx->error_in_state = true;
}

void ctx_error_prefix(struct sriov_ctx *ctx, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        _cleanup_free_ char *prefix = strdup_vprintf(fmt, ap);
        va_end(ap);
        if (!prefix)
                return;
        char *joined;
        if (asprintf(&joined, "%s: %s", prefix, ctx->error ? ctx->error : "failed") < 0)
                return;
        free(ctx->error);
        ctx->error = joined;
}

void ctx_notice(struct sriov_ctx *ctx, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        _cleanup_free_ char *msg = strdup_vprintf(fmt, ap);
        va_end(ap);
        if (!msg)
                return;
        for (char **p = ctx->notices; p && *p; p++)
                if (strcmp(*p, msg) == 0)
                        return;
        (void)strv_push(&ctx->notices, msg);
}

int read_text_stream(struct sriov_ctx *ctx, FILE *in, const char *path, char **ret)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        if (!mem)
                return -ENOMEM;
        char buf[65536];
        size_t got;
        while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
                fwrite(buf, 1, got, mem);
        bool bad = ferror(in);
        int saved_errno = errno;
        if (fclose(mem) != 0)
                return -ENOMEM;
        if (bad)
                return ctx_fail(ctx, -saved_errno, "%s: %s", path, strerror(saved_errno));
        if (memchr(text, 0, len))
                return ctx_fail(ctx, -EINVAL, "%s: contains a NUL byte: not a text file", path);
        *ret = TAKE_PTR(text);
        return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Config space and names through libpci: live (its sysfs method, pointed at
 * the context's sysfs root) or an `lspci -xxxx` dump (its dump method). */
#include <pci/pci.h>
#include <setjmp.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "pciparse.h"

/* Dumps are text of at most 4096 devices x ~300 lines; refuse absurd files. */
#define DUMP_SIZE_MAX (64u << 20)

struct pcicfg {
        struct pci_access *pacc;
        bool dump;
};

/* libpci's error callback must not return (libpci continues with a NULL
 * FILE* after "Cannot open"), and its default exits the process. Ours jumps
 * back to the guarded call that is running on this thread. */
static _Thread_local jmp_buf *pci_guard;
static _Thread_local char pci_message[256];

static void __attribute__((noreturn)) pci_error_cb(char *msg, ...)
{
        va_list ap;
        va_start(ap, msg);
        vsnprintf(pci_message, sizeof(pci_message), msg, ap);
        va_end(ap);
        if (pci_guard)
                longjmp(*pci_guard, 1);
        abort(); /* a libpci call outside a guard: a bug in this file */
}

static void pci_warning_cb(char *msg, ...)
{
        va_list ap;
        va_start(ap, msg);
        vsnprintf(pci_message, sizeof(pci_message), msg, ap);
        va_end(ap);
}

static void pci_debug_cb(char *msg, ...) { (void)msg; }

/* Runs fn(arg) under the guard; -EIO with libpci's message if it failed. */
static int guarded(void (*fn)(void *), void *arg)
{
        jmp_buf here;
        jmp_buf *outer = pci_guard;
        if (setjmp(here)) {
                pci_guard = outer;
                return -EIO;
        }
        pci_guard = &here;
        fn(arg);
        pci_guard = outer;
        return 0;
}

static void do_init(void *pacc) { pci_init(pacc); }

static void pcicfg_free(struct pcicfg *p)
{
        if (!p)
                return;
        if (p->pacc) {
                jmp_buf here;
                jmp_buf *outer = pci_guard;
                if (!setjmp(here)) {
                        pci_guard = &here;
                        pci_cleanup(p->pacc);
                }
                pci_guard = outer;
        }
        free(p);
}

static int check_dump(struct sriov_ctx *ctx, const char *file)
{
        _cleanup_fclose_ FILE *f = fopen(file, "re");
        if (!f)
                return ctx_fail(ctx, -errno, "PCI dump %s: %s", file, strerror(errno));
        struct stat st;
        if (fstat(fileno(f), &st) < 0)
                return ctx_fail(ctx, -errno, "PCI dump %s: %s", file, strerror(errno));
        if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > DUMP_SIZE_MAX)
                return ctx_fail(ctx, -EFBIG, "PCI dump %s: not a regular file of at most %u MiB",
                                file, DUMP_SIZE_MAX >> 20);
        size_t size = (size_t)st.st_size;
        _cleanup_free_ char *text = malloc(size + 1);
        if (!text)
                return -ENOMEM;
        if (fread(text, 1, size, f) != size)
                return ctx_fail(ctx, -EIO, "PCI dump %s: short read", file);
        char why[256];
        int r = pci_dump_check(text, size, why, sizeof(why));
        if (r < 0)
                return ctx_fail(ctx, r, "PCI dump %s: %s", file, why);
        return 0;
}

static int pcicfg_get(struct sriov_ctx *ctx, struct pcicfg **ret)
{
        if (ctx->pcicfg) {
                *ret = ctx->pcicfg;
                return 0;
        }
        if (ctx->pci_dump) {
                int r = check_dump(ctx, ctx->pci_dump);
                if (r < 0)
                        return r;
        }
        struct pcicfg *p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->pacc = pci_alloc();
        if (!p->pacc) {
                free(p);
                return -ENOMEM;
        }
        p->pacc->error = pci_error_cb;
        p->pacc->warning = pci_warning_cb;
        p->pacc->debug = pci_debug_cb;
        p->dump = ctx->pci_dump != NULL;
        int r;
        if (p->dump) {
                p->pacc->method = PCI_ACCESS_DUMP;
                r = pci_set_param(p->pacc, (char *)"dump.name", ctx->pci_dump);
        } else {
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/bus/pci", ctx->sysfs_root) < 0) {
                        pcicfg_free(p);
                        return -ENOMEM;
                }
                p->pacc->method = PCI_ACCESS_SYS_BUS_PCI;
                r = pci_set_param(p->pacc, (char *)"sysfs.path", path);
        }
        if (r < 0) {
                pcicfg_free(p);
                return ctx_fail(ctx, -EINVAL, "libpci has no %s parameter",
                                ctx->pci_dump ? "dump.name" : "sysfs.path");
        }
        r = guarded(do_init, p->pacc);
        if (r < 0) {
                pcicfg_free(p);
                if (ctx->pci_dump)
                        return ctx_fail(ctx, -EBADMSG, "PCI dump %s: libpci: %s", ctx->pci_dump,
                                        pci_message);
                return ctx_fail(ctx, r, "libpci: %s", pci_message);
        }
        ctx->pcicfg = p;
        ctx->pcicfg_free = pcicfg_free;
        *ret = p;
        return 0;
}

struct read_args {
        struct pci_dev *dev;
        uint8_t *buf;
        int len;
        int ok;
};

static void do_read(void *a)
{
        struct read_args *args = a;
        args->ok = pci_read_block(args->dev, 0, args->buf, args->len);
}

struct getdev_args {
        struct pci_access *pacc;
        const struct sriov_pci_addr *addr;
        struct pci_dev *dev;
};

static void do_getdev(void *a)
{
        struct getdev_args *args = a;
        args->dev = pci_get_dev(args->pacc, (int)args->addr->domain, args->addr->bus,
                                args->addr->slot, args->addr->function);
}

static void do_freedev(void *dev) { pci_free_dev(dev); }

int pcicfg_read(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr, uint8_t buf[static 4096],
                size_t *ret_len)
{
        struct pcicfg *p;
        int r = pcicfg_get(ctx, &p);
        if (r < 0)
                return r;
        struct getdev_args g = {.pacc = p->pacc, .addr = addr};
        if (guarded(do_getdev, &g) < 0 || !g.dev)
                return ctx_fail(ctx, -ENOMEM, "libpci: %s", pci_message);
        /* Try the whole extended space, then the legacy 256 bytes, then the
         * 64-byte header: the kernel gives non-root readers only 64 bytes
         * and `lspci -xxx` dumps hold 256. */
        static const int sizes[] = {4096, 256, 64};
        size_t got = 0;
        for (size_t i = 0; i < ELEMENTSOF(sizes) && !got; i++) {
                struct read_args a = {.dev = g.dev, .buf = buf, .len = sizes[i]};
                if (guarded(do_read, &a) == 0 && a.ok)
                        got = (size_t)sizes[i];
        }
        (void)guarded(do_freedev, g.dev);
        *ret_len = got;
        return 0;
}

int pcicfg_dump_devices(struct sriov_ctx *ctx, struct sriov_pci_addr **ret, size_t *ret_n)
{
        if (!ctx->pci_dump)
                return -EOPNOTSUPP;
        struct pcicfg *p;
        int r = pcicfg_get(ctx, &p);
        if (r < 0)
                return r;
        size_t n = 0;
        for (struct pci_dev *d = p->pacc->devices; d; d = d->next)
                n++;
        struct sriov_pci_addr *list = calloc(n ? n : 1, sizeof(*list));
        if (!list)
                return -ENOMEM;
        /* libpci links dump devices in front: reverse to file order */
        size_t i = n;
        for (struct pci_dev *d = p->pacc->devices; d; d = d->next)
                list[--i] = (struct sriov_pci_addr){.domain = (uint32_t)d->domain,
                                                    .bus = d->bus,
                                                    .slot = d->dev,
                                                    .function = d->func};
        *ret = list;
        *ret_n = n;
        return 0;
}

struct name_args {
        struct pci_access *pacc;
        char *buf;
        int size;
        int what;
        unsigned a, b;
        char *res;
};

static void do_name(void *a)
{
        struct name_args *n = a;
        /* pci.ids only: libpci 3.9 leaks a struct udev per lookup when udev's
         * hwdb cannot be opened (it retries udev_new without freeing). */
        n->res = pci_lookup_name(n->pacc, n->buf, n->size,
                                 n->what | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB, n->a, n->b);
}

char *pcicfg_name(struct sriov_ctx *ctx, enum pci_name_kind what, uint16_t vendor,
                  uint16_t device, uint32_t class_code)
{
        struct pcicfg *p = NULL; /* gcc -O2 cannot see that pcicfg_get sets it on success */
        if (pcicfg_get(ctx, &p) < 0)
                return NULL;
        char buf[256];
        struct name_args n = {.pacc = p->pacc, .buf = buf, .size = sizeof(buf)};
        switch (what) {
        case PCI_NAME_VENDOR:
                n.what = PCI_LOOKUP_VENDOR;
                n.a = vendor;
                break;
        case PCI_NAME_DEVICE:
                n.what = PCI_LOOKUP_DEVICE;
                n.a = vendor;
                n.b = device;
                break;
        case PCI_NAME_CLASS:
                n.what = PCI_LOOKUP_CLASS;
                n.a = class_code >> 8;
                break;
        default:
                return NULL;
        }
        if (guarded(do_name, &n) < 0 || !n.res)
                return NULL;
        return strdup(n.res);
}

static void do_free_names(void *pacc) { pci_free_name_list(pacc); }

void pcicfg_drop_names(struct sriov_ctx *ctx)
{
        if (ctx->pcicfg)
                (void)guarded(do_free_names, ctx->pcicfg->pacc);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl attach and detach: guest-boot allocation from libvirt domain
 * and network XML. Part of sriovctl-libvirt.so (module.c), loaded only
 * when one of these runs: libxml2 and libvirt stay out of every other
 * command. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "sriov-libvirt.h"

/* Reads a whole file ("-": stdin). A directory opens for reading but
 * fails at the first read: it is refused as such (EISDIR), not as EIO. */
static int read_text(const char *path, char **ret, size_t *ret_len)
{
        FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
        if (!f)
                return -errno;
        struct stat st;
        if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
                if (f != stdin)
                        fclose(f);
                return -EISDIR;
        }
        char *buf = NULL;
        size_t len = 0, cap = 0;
        int r = 0;
        for (;;) {
                if (cap - len < 4096) {
                        char *n = realloc(buf, cap = cap ? cap * 2 : 65536);
                        if (!n) {
                                r = -ENOMEM;
                                break;
                        }
                        buf = n;
                }
                size_t got = fread(buf + len, 1, cap - len - 1, f);
                len += got;
                if (got == 0) {
                        if (ferror(f))
                                r = -EIO;
                        break;
                }
        }
        if (f != stdin)
                fclose(f);
        if (r < 0) {
                free(buf);
                return r;
        }
        buf[len] = 0;
        *ret = buf;
        *ret_len = len;
        return 0;
}

static int load_domain(struct sriov_ctx *ctx, const char *cmd, const char *file, struct sriov_xml_domain **ret)
{
        char *xml;
        size_t len;
        int r = read_text(file, &xml, &len);
        if (r < 0) {
                fprintf(stderr, "sriovctl: %s: --domain %s: %s\n", cmd, file, strerror(-r));
                return exit_status(r, true);
        }
        r = sriov_xml_domain_parse(ctx, file, xml, len, ret);
        free(xml);
        return r < 0 ? input_fail(ctx, r, cmd) : EXIT_OK;
}

/* Writes text to path through a temporary file and a rename: a reader
 * never sees half an XML. */
static int write_file(const char *path, const char *text)
{
        size_t n = strlen(path) + 16;
        char *tmp = malloc(n);
        if (!tmp)
                return -ENOMEM;
        snprintf(tmp, n, "%s.tmpXXXXXX", path);
        int fd = mkstemp(tmp);
        int r = fd < 0 ? -errno : 0;
        size_t len = strlen(text), done = 0;
        while (r == 0 && done < len) {
                ssize_t w = write(fd, text + done, len - done);
                if (w < 0 && errno != EINTR)
                        r = -errno;
                else if (w > 0)
                        done += (size_t)w;
        }
        if (fd >= 0) {
                if (r == 0 && (fchmod(fd, 0644) < 0 || fsync(fd) < 0))
                        r = -errno;
                if (close(fd) < 0 && r == 0)
                        r = -errno;
                if (r == 0 && rename(tmp, path) < 0)
                        r = -errno;
                if (r < 0)
                        unlink(tmp);
        }
        free(tmp);
        return r;
}

/* Writes text to stdout and makes sure it got there (a failure is said
 * there): a guest booted from half an XML, or none, must not hold what the
 * attach allocated. */
static int write_stdout(const char *text)
{
        /* a closed pipe is an error to roll back on, not a reason to die
         * with the allocation still held */
        signal(SIGPIPE, SIG_IGN);
        fputs(text, stdout);
        if (text[0] && text[strlen(text) - 1] != '\n')
                fputc('\n', stdout);
        return check_stdout(false);
}

/* What an attach did, a line per allocation, or that it had nothing to
 * do (not an error: the XML is written as it came). */
static void report(FILE *f, const char *prefix, const char *domain, const struct sriov_allocation *a, size_t n)
{
        /* a closed pipe is an error to roll back on (write_stdout) */
        signal(SIGPIPE, SIG_IGN);
        for (size_t i = 0; i < n; i++) {
                fputs(prefix, f);
                print_allocation(f, &a[i]);
        }
        if (!n)
                fprintf(f, "%snothing to do: domain '%s' has no interface for sriovctl\n", prefix, domain);
}

/* The domain to attach: --domain FILE, or NAME|UUID read from libvirt
 * (its persistent definition). */
static int attach_domain(struct sriov_ctx *ctx, const struct options *o, char **args,
                         struct sriov_virt **conn, struct sriov_xml_domain **ret)
{
        if (o->domain)
                return load_domain(ctx, "attach", o->domain, ret);
        int r = sriov_virt_open(ctx, o->connect, conn);
        if (r == 0)
                r = sriov_virt_domain(ctx, *conn, args[0], ret);
        return r < 0 ? fail(ctx, r, "attach") : EXIT_OK;
}

int cmd_attach(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs > 1 || (nargs == 1 && o->domain))
                return usage_error("unexpected '%s': one domain, by --domain GUEST.xml or NAME|UUID",
                                   args[nargs - 1]);
        if (!nargs && !o->domain)
                return usage_error("%s", "missing the domain: --domain GUEST.xml or NAME|UUID (from libvirt)");
        struct sriov_attach_options ao = {.keep_direct = o->keep_direct, .fallback_macvtap = o->fallback_macvtap,
                                          .no_vfio = o->no_vfio};
        int rc = parse_timeout(o, 0, &ao.timeout_ms);
        if (rc != EXIT_OK)
                return rc;
        struct sriov_xml_domain *d = NULL;
        struct sriov_xml_network *nets[MAX_NETWORKS] = {0};
        struct sriov_virt *conn = NULL;
        rc = attach_domain(ctx, o, args, &conn, &d);
        for (size_t i = 0; rc == EXIT_OK && i < o->n_networks; i++) {
                char *xml;
                size_t len;
                int r = read_text(o->networks[i], &xml, &len);
                if (r < 0) {
                        fprintf(stderr, "sriovctl: attach: --network %s: %s\n", o->networks[i], strerror(-r));
                        rc = exit_status(r, true);
                        break;
                }
                r = sriov_xml_network_parse(ctx, o->networks[i], xml, len, &nets[i]);
                free(xml);
                if (r < 0)
                        rc = input_fail(ctx, r, "attach");
        }
        /* every network no file names, from libvirt: all of them given as
         * files is not how a libvirt host keeps its networks */
        struct sriov_xml_network **more = NULL, **all = NULL;
        size_t n_more = 0;
        if (rc == EXIT_OK) {
                int r = sriov_virt_resolve_networks(ctx, &conn, o->connect, d, nets, o->n_networks, &more, &n_more);
                if (r < 0)
                        rc = fail(ctx, r, "attach");
                else if (!(all = calloc(o->n_networks + n_more + 1, sizeof(*all))))
                        rc = fail(ctx, -ENOMEM, "attach");
                else {
                        /* memcpy of nothing still wants a pointer (UBSan) */
                        if (o->n_networks)
                                memcpy(all, nets, o->n_networks * sizeof(*all));
                        if (n_more)
                                memcpy(all + o->n_networks, more, n_more * sizeof(*all));
                }
        }
        conn = sriov_virt_close(conn);
        struct sriov_allocation *a = NULL;
        size_t n = 0;
        char *out = NULL;
        if (rc == EXIT_OK) {
                int r = sriov_attach(ctx, d, all, o->n_networks + n_more, &ao, &a, &n);
                if (r < 0)
                        rc = fail(ctx, r, "attach");
                print_notices(ctx);
        }
        if (rc == EXIT_OK) {
                int r = sriov_xml_domain_format(ctx, d, &out);
                if (r < 0)
                        fprintf(stderr, "sriovctl: attach: the domain XML: %s\n",
                                *sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : strerror(-r));
                else if (!o->output)
                        r = write_stdout(out);
                else {
                        /* with the XML going to a file, what the attach did
                         * is its output: said, and known to have got out,
                         * before the XML that boots the guest exists */
                        report(stdout, "", d->name, a, n);
                        if ((r = check_stdout(false)) == 0 && (r = write_file(o->output, out)) < 0)
                                fprintf(stderr, "sriovctl: attach: writing %s: %s\n", o->output, strerror(-r));
                }
                if (r < 0) {
                        /* no half-done attach: give everything back */
                        if (n && (r = sriov_detach(ctx, d->name, ao.timeout_ms, NULL)) < 0)
                                (void)fail(ctx, r, "attach: undoing");
                        else if (n)
                                fprintf(stderr, "sriovctl: attach: domain '%s': %zu allocation%s given back\n", d->name,
                                        n, n == 1 ? "" : "s");
                        rc = EXIT_FAIL;
                }
        }
        if (rc == EXIT_OK && !o->output)
                report(stderr, "sriovctl: attach: ", d->name, a, n); /* stdout carries the XML */
        free(out);
        sriov_allocations_free(a, n);
        for (size_t i = 0; i < o->n_networks; i++)
                sriov_xml_network_free(nets[i]);
        sriov_xml_networks_free(more, n_more);
        free(all);
        sriov_xml_domain_free(d);
        return rc;
}

int cmd_detach(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs > 1 || (nargs == 1 && o->domain))
                return usage_error("unexpected '%s': one domain, by --domain GUEST.xml or NAME|UUID",
                                   args[nargs - 1]);
        if (!nargs && !o->domain)
                return usage_error("%s", "missing the domain: --domain GUEST.xml or NAME|UUID");
        unsigned timeout;
        int rc = parse_timeout(o, 0, &timeout);
        if (rc != EXIT_OK)
                return rc;
        const char *domain = nargs ? args[0] : NULL;
        struct sriov_xml_domain *d = NULL;
        if (o->domain) {
                rc = load_domain(ctx, "detach", o->domain, &d);
                if (rc != EXIT_OK)
                        return rc;
                domain = d->name;
        }
        unsigned freed = 0;
        int r = sriov_detach(ctx, domain, timeout, &freed);
        if (r == -ENOENT && d && d->uuid)
                r = sriov_detach(ctx, d->uuid, timeout, &freed);
        if (r == -ENOENT && !d && o->connect) {
                /* records name the domain as its XML did: libvirt knows
                 * the other of name and UUID */
                struct sriov_virt *conn = NULL;
                int v = sriov_virt_open(ctx, o->connect, &conn);
                if (v == 0 && (v = sriov_virt_domain(ctx, conn, domain, &d)) == 0) {
                        r = sriov_detach(ctx, d->name, timeout, &freed);
                        if (r == -ENOENT && d->uuid)
                                r = sriov_detach(ctx, d->uuid, timeout, &freed);
                }
                sriov_virt_close(conn);
                if (v < 0)
                        r = sriov_detach(ctx, domain, timeout, &freed); /* its message again */
        }
        if (r < 0)
                rc = fail(ctx, r, "detach");
        else {
                print_notices(ctx);
                fprintf(stderr, "sriovctl: detach: domain '%s': %u allocation%s given back\n", domain, freed,
                        freed == 1 ? "" : "s");
        }
        sriov_xml_domain_free(d);
        return rc;
}


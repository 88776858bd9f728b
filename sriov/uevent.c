/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uevents: which PF a device event concerns, and the long-running monitor
 * that brings each PF touched by a burst of events to its desired state
 * (one reconcile pass per PF per burst). */
#include <fcntl.h>
#include <inttypes.h>
#include <libudev.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "internal.h"

#define QUIET_MS 150
#define MAX_DELAY_MS 1000
#define RETRY_MS 30000
#define RETRY_FIRST_MS 100
#define RETRY_MAX_STEP_MS 2000
#define MAX_ERROR_RETRIES 3
#define MONITOR_PORT_TIMEOUT_MS 2000 /* one PF's slow switch must not stall the others */
#define UDEV_RCVBUF (64 << 20)       /* 256 VFs make ~1500 events in a second */
#define STOP_GRACE_MS 5000           /* workers still running after SIGTERM this long get SIGKILL */

/* ---- which PF -------------------------------------------------------------------- */

static int vf_index(struct sriov_ctx *ctx, const char *pfdir, const char *vfdir, int *ret)
{
        _cleanup_strv_free_ char **links = NULL;
        if (sysfs_list(ctx, pfdir, "virtfn", &links) < 0) {
                ctx_clear_error(ctx);
                return -ENOENT;
        }
        for (char **l = links; l && *l; l++) {
                _cleanup_free_ char *path = NULL, *target = NULL;
                char *end;
                long i = strtol(*l + 6, &end, 10);
                if (*end || end == *l + 6 || i < 0 || i > 65535)
                        continue;
                if (asprintf(&path, "%s/%s", pfdir, *l) < 0)
                        return -ENOMEM;
                if (sysfs_realpath(ctx, path, &target) < 0) {
                        ctx_clear_error(ctx);
                        continue;
                }
                if (strcmp(target, vfdir) == 0) {
                        *ret = (int)i;
                        return 0;
                }
        }
        return -ENOENT;
}

int sriov_uevent_target(struct sriov_ctx *ctx, const char *devpath, char **ret_pf, int *ret_vf)
{
        ctx_clear_error(ctx);
        const char *given = devpath;
        while (*devpath == '/')
                devpath++;
        if (!devpath[0])
                return ctx_fail(ctx, -EINVAL, "devpath '%s': names no device", given);
        if (strstr(devpath, ".."))
                return ctx_fail(ctx, -EINVAL, "devpath '%s': a devpath has no '..'", given);
        if (!sysfs_exists(ctx, devpath))
                return ctx_fail(ctx, -ENOENT, "devpath %s: no such device under %s", given, ctx->sysfs_root);
        _cleanup_free_ char *devdir = NULL, *probe = NULL, *physfn = NULL, *pfdir = NULL;
        int r;
        if (strstr(devpath, "/net/")) {
                /* a netdev: its device, if it has one (virtual ones do not) */
                _cleanup_free_ char *link = NULL;
                if (asprintf(&link, "%s/device", devpath) < 0)
                        return -ENOMEM;
                if (!sysfs_exists(ctx, link) || sysfs_realpath(ctx, link, &devdir) < 0) {
                        ctx_clear_error(ctx);
                        return ctx_fail(ctx, -ENODEV, "devpath %s: a network interface without a device, not on "
                                        "an SR-IOV PF or VF", given);
                }
        } else if (!(devdir = strdup(devpath)))
                return -ENOMEM;
        if (asprintf(&probe, "%s/sriov_numvfs", devdir) < 0 || asprintf(&physfn, "%s/physfn", devdir) < 0)
                return -ENOMEM;
        int vf = -1;
        if (sysfs_exists(ctx, probe)) {
                pfdir = TAKE_PTR(devdir);
        } else if (sysfs_exists(ctx, physfn)) {
                if (sysfs_realpath(ctx, physfn, &pfdir) < 0) {
                        ctx_clear_error(ctx);
                        return ctx_fail(ctx, -ENODEV, "devpath %s: a VF whose physfn link cannot be read", given);
                }
                if ((r = vf_index(ctx, pfdir, devdir, &vf)) == -ENOENT) /* its virtfn link is not there yet */
                        return ctx_fail(ctx, -ENODEV, "devpath %s: a VF its PF /%s does not list (yet)", given, pfdir);
                if (r < 0)
                        return r;
        } else
                return ctx_fail(ctx, -ENODEV, "devpath %s: %sneither an SR-IOV PF nor a VF", given,
                                strstr(devpath, "/net/") ? "the network interface's device is " : "");
        char *pf;
        if (asprintf(&pf, "/%s", pfdir) < 0)
                return -ENOMEM;
        *ret_pf = pf;
        *ret_vf = vf;
        return 0;
}

/* ---- the monitor ------------------------------------------------------------------ */

struct due_pf {
        char *devpath;      /* "/devices/..." of the PF */
        int64_t first_ms;   /* first event of the burst */
        int64_t last_ms;    /* latest event */
        int64_t due_ms;     /* when its pass runs */
        int64_t retry_until; /* 0: not retrying */
        unsigned events;
        unsigned attempt;
        unsigned errors;
        bool queued;
        bool full;          /* the PF appeared or bound: its VF count too */
        pid_t worker;       /* its pass runs in this child; 0: none runs */
        int result_fd;      /* the worker's report */
        bool worker_full;   /* the running pass sets the VF count too */
};

/* How a pass ended, as its worker reports it. */
enum pass_outcome { PASS_DONE, PASS_PENDING, PASS_ERROR, PASS_GONE, PASS_REFUSED };
struct pass_report {
        enum pass_outcome outcome;
        int64_t end_ms;
};

struct monitor {
        struct sriov_ctx *ctx;
        const struct sriov_monitor_options *o;
        unsigned quiet_ms, max_delay_ms, retry_ms;
        struct sriov_desired *desired;
        struct due_pf *pfs;
        size_t n_pfs;
};

static void logf_(struct monitor *m, enum sriov_monitor_level level, const char *pf, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void logf_(struct monitor *m, enum sriov_monitor_level level, const char *pf, const char *fmt, ...)
{
        if (!m->o->log)
                return;
        va_list ap;
        va_start(ap, fmt);
        _cleanup_free_ char *msg = strdup_vprintf(fmt, ap);
        va_end(ap);
        if (msg)
                m->o->log(m->o->userdata, level, pf, msg);
}

static const char *short_name(const char *devpath)
{
        const char *b = strrchr(devpath, '/');
        return b ? b + 1 : devpath;
}

static struct due_pf *find_pf(struct monitor *m, const char *devpath)
{
        for (size_t i = 0; i < m->n_pfs; i++)
                if (strcmp(m->pfs[i].devpath, devpath) == 0)
                        return &m->pfs[i];
        return NULL;
}

/* Queues a pass for the PF: after quiet_ms without events, at most
 * max_delay_ms after the first one. Takes devpath. */
static int queue_pf(struct monitor *m, char *devpath, bool full, int64_t now)
{
        struct due_pf *p = find_pf(m, devpath);
        if (p) {
                free(devpath);
        } else {
                struct due_pf *np = realloc(m->pfs, (m->n_pfs + 1) * sizeof(*np));
                if (!np) {
                        free(devpath);
                        return -ENOMEM;
                }
                m->pfs = np;
                p = &m->pfs[m->n_pfs++];
                *p = (struct due_pf){.devpath = devpath, .result_fd = -1};
        }
        if (!p->queued || p->retry_until) {
                /* a new burst (events end a retry: they bring what was missing) */
                p->first_ms = now;
                p->events = 0;
                p->attempt = 0;
                p->errors = 0;
                p->retry_until = 0;
                p->queued = true;
        }
        p->full |= full;
        p->events++;
        p->last_ms = now;
        int64_t due = now + m->quiet_ms, latest = p->first_ms + m->max_delay_ms;
        p->due_ms = due < latest ? due : latest;
        return 0;
}

static int reload(struct monitor *m)
{
        struct sriov_desired *d;
        int r = sriov_desired_load(m->ctx, m->o->config_dir, &d);
        if (r < 0) {
                logf_(m, SRIOV_MONITOR_ERROR, NULL, "%s%s", sriov_ctx_error(m->ctx),
                      m->desired ? " (keeping the desired state read before)" : "");
                if (!m->desired && !(m->desired = calloc(1, sizeof(*m->desired))))
                        return -ENOMEM;
                return 0;
        }
        sriov_desired_free(m->desired);
        m->desired = d;
        return 0;
}

static void log_notices(struct monitor *m, const char *pf, size_t *seen)
{
        char *const *n = sriov_ctx_notices(m->ctx);
        for (size_t i = *seen; n[i]; i++)
                logf_(m, SRIOV_MONITOR_INFO, pf, "note: %s", n[i]);
        /* a monitor runs for months: what was logged is forgotten, and
         * the same note is logged again when it happens again */
        sriov_ctx_clear_notices(m->ctx);
        *seen = 0;
}

/* One pass, logged; in the worker. */
static struct pass_report run_pass(struct monitor *m, const struct due_pf *p, bool full)
{
        int64_t start = monotonic_ms();
        size_t notices_seen = 0;
        const char *name = short_name(p->devpath);
        struct sriov_reconcile_options ro = {
                .only_vf = -1, .settings_only = !full, .port_timeout_ms = MONITOR_PORT_TIMEOUT_MS};
        struct sriov_reconcile_result res = {0};
        int r = sriov_reconcile_pf(m->ctx, m->desired, p->devpath, &ro, &res);
        struct pass_report rep = {.end_ms = monotonic_ms()};
        log_notices(m, name, &notices_seen);
        if (r == -ENODEV) {
                logf_(m, SRIOV_MONITOR_INFO, name, "gone: %s", sriov_ctx_error(m->ctx));
                rep.outcome = PASS_GONE;
                return rep;
        }
        if (r == -EADDRINUSE) {
                /* not a passing failure: it stays until a guest lets go */
                logf_(m, SRIOV_MONITOR_ERROR, name, "%s (not retried: waiting for its next event)",
                      sriov_ctx_error(m->ctx));
                rep.outcome = PASS_REFUSED;
                return rep;
        }
        if (r < 0) {
                bool again = p->errors + 1 < MAX_ERROR_RETRIES;
                logf_(m, SRIOV_MONITOR_ERROR, name, "%s%s", sriov_ctx_error(m->ctx),
                      again ? " (trying again)" : " (giving up until its next event)");
                rep.outcome = PASS_ERROR;
                return rep;
        }
        const char *who = res.ifname ? res.ifname : "no netdev";
        if (!res.desired && !(res.actions && res.actions[0]) && !(res.pending && res.pending[0])) {
                logf_(m, SRIOV_MONITOR_INFO, name, "(%s) not in the desired state: left alone", who);
                sriov_reconcile_result_done(&res);
                rep.outcome = PASS_DONE;
                return rep;
        }
        size_t n_actions = strv_length(res.actions);
        for (char **a = res.actions; a && *a; a++)
                logf_(m, SRIOV_MONITOR_CHANGE, name, "(%s) %s", who, *a);
        for (char **q = res.pending; q && *q; q++)
                logf_(m, SRIOV_MONITOR_INFO, name, "(%s) pending: %s", who, *q);
        if (n_actions)
                logf_(m, SRIOV_MONITOR_INFO, name,
                      "(%s) pass done: %zu change%s (%u VF%s in one batch) after %u event%s, %" PRId64
                      " ms after the first, the pass took %" PRId64 " ms",
                      who, n_actions, n_actions == 1 ? "" : "s", res.vfs_set, res.vfs_set == 1 ? "" : "s", p->events,
                      p->events == 1 ? "" : "s", rep.end_ms - p->first_ms, rep.end_ms - start);
        else
                logf_(m, SRIOV_MONITOR_INFO, name, "(%s) already as desired: nothing changed (%u event%s)", who,
                      p->events, p->events == 1 ? "" : "s");
        rep.outcome = res.pending && res.pending[0] ? PASS_PENDING : PASS_DONE;
        sriov_reconcile_result_done(&res);
        return rep;
}

/* What follows a pass, in the monitor: retries of what failed or is
 * pending, unless events came meanwhile (they start a new burst). */
static void pass_finished(struct monitor *m, struct due_pf *p, struct pass_report rep)
{
        const char *name = short_name(p->devpath);
        int64_t end = rep.end_ms;
        if (rep.outcome == PASS_ERROR)
                p->full |= p->worker_full; /* the VF count is still to be set (a refused one waits
                                            * for the PF to appear or bind again) */
        if (p->queued)
                return;
        switch (rep.outcome) {
        case PASS_DONE:
        case PASS_GONE:
        case PASS_REFUSED:
                p->retry_until = 0;
                return;
        case PASS_ERROR:
                if (++p->errors < MAX_ERROR_RETRIES) {
                        p->queued = true;
                        p->retry_until = p->retry_until ? p->retry_until : end + m->retry_ms;
                        p->due_ms = end + (int64_t)RETRY_FIRST_MS * (1 << p->errors);
                }
                return;
        case PASS_PENDING:
                if (!p->retry_until)
                        p->retry_until = end + m->retry_ms;
                if (end < p->retry_until) {
                        unsigned step = RETRY_FIRST_MS << (p->attempt < 5 ? p->attempt : 5);
                        p->attempt++;
                        p->queued = true;
                        p->due_ms = end + (step < RETRY_MAX_STEP_MS ? step : RETRY_MAX_STEP_MS);
                } else {
                        logf_(m, SRIOV_MONITOR_ERROR, name, "still pending after %u s: waiting for its next event",
                              m->retry_ms / 1000);
                        p->retry_until = 0;
                }
                return;
        }
}

/* Each pass runs in a child of its own, one per PF at a time: a PF whose
 * driver takes seconds to change its VF count (i40e, ixgbe) does not hold
 * up the others, and SIGTERM ends a pass that waits for a lock. The
 * passes of different PFs lock different PFs and share the store's lock
 * (reconcile.c). */
static int start_worker(struct monitor *m, struct due_pf *p)
{
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return ctx_fail(m->ctx, -errno, "pipe: %s", strerror(errno));
        bool full = p->full;
        /* nothing buffered twice; the child opens its own netlink socket */
        fflush(NULL);
        ctx_drop_transports(m->ctx);
        pid_t pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(fds[0]);
                close(fds[1]);
                return ctx_fail(m->ctx, r, "fork: %s", strerror(-r));
        }
        if (pid == 0) {
                sigset_t none;
                sigemptyset(&none);
                signal(SIGTERM, SIG_DFL);
                signal(SIGINT, SIG_DFL);
                sigprocmask(SIG_SETMASK, &none, NULL);
                close(fds[0]);
                struct pass_report rep = run_pass(m, p, full);
                fflush(NULL);
                _exit(write(fds[1], &rep, sizeof(rep)) == (ssize_t)sizeof(rep) ? 0 : 1);
        }
        close(fds[1]);
        p->worker = pid;
        p->result_fd = fds[0];
        p->worker_full = full;
        p->queued = false;
        p->full = false;
        return 0;
}

/* The worker's report (it has written it, or died). */
static void reap_worker(struct monitor *m, struct due_pf *p)
{
        struct pass_report rep = {.outcome = PASS_ERROR};
        ssize_t n;
        do
                n = read(p->result_fd, &rep, sizeof(rep));
        while (n < 0 && errno == EINTR);
        close(p->result_fd);
        int status = 0;
        while (waitpid(p->worker, &status, 0) < 0 && errno == EINTR)
                ;
        p->worker = 0;
        p->result_fd = -1;
        if (n != (ssize_t)sizeof(rep)) {
                rep = (struct pass_report){.outcome = PASS_ERROR, .end_ms = monotonic_ms()};
                if (WIFSIGNALED(status))
                        logf_(m, SRIOV_MONITOR_ERROR, short_name(p->devpath), "the pass was killed by signal %d",
                              WTERMSIG(status));
                else
                        logf_(m, SRIOV_MONITOR_ERROR, short_name(p->devpath), "the pass ended without a report");
        }
        pass_finished(m, p, rep);
}

/* SIGTERM to every worker, SIGKILL to those still there after the grace. */
static void stop_workers(struct monitor *m)
{
        for (size_t i = 0; i < m->n_pfs; i++)
                if (m->pfs[i].worker > 0)
                        kill(m->pfs[i].worker, SIGTERM);
        int64_t deadline = monotonic_ms() + STOP_GRACE_MS;
        for (size_t i = 0; i < m->n_pfs; i++) {
                struct due_pf *p = &m->pfs[i];
                if (p->worker <= 0)
                        continue;
                int status;
                while (waitpid(p->worker, &status, WNOHANG) == 0) {
                        if (monotonic_ms() >= deadline)
                                kill(p->worker, SIGKILL);
                        sleep_ms(10);
                }
                close(p->result_fd);
                p->worker = 0;
        }
}

/* Every SR-IOV PF present now (start-up, or events were lost). */
static int queue_all(struct monitor *m, int64_t now)
{
        _cleanup_strv_free_ char **pci = NULL, **net = NULL;
        int r;
        if (sysfs_list(m->ctx, "bus/pci/devices", NULL, &pci) < 0)
                ctx_clear_error(m->ctx);
        if (sysfs_list(m->ctx, "class/net", NULL, &net) < 0)
                ctx_clear_error(m->ctx);
        for (int pass = 0; pass < 2; pass++)
                for (char **n = pass ? net : pci; n && *n; n++) {
                        _cleanup_free_ char *path = NULL, *dir = NULL;
                        if (asprintf(&path, pass ? "class/net/%s" : "bus/pci/devices/%s", *n) < 0)
                                return -ENOMEM;
                        if (sysfs_realpath(m->ctx, path, &dir) < 0) {
                                ctx_clear_error(m->ctx);
                                continue;
                        }
                        char *pf = NULL;
                        int vf = -1;
                        if (sriov_uevent_target(m->ctx, dir, &pf, &vf) < 0 || vf >= 0) {
                                free(pf); /* a VF: its PF is found as itself */
                                ctx_clear_error(m->ctx);
                                continue;
                        }
                        if ((r = queue_pf(m, pf, true, now)) < 0)
                                return r;
                }
        return 0;
}

static void monitor_done(struct monitor *m)
{
        stop_workers(m);
        for (size_t i = 0; i < m->n_pfs; i++)
                free(m->pfs[i].devpath);
        free(m->pfs);
        sriov_desired_free(m->desired);
}

static struct udev_monitor *udev_monitor_unrefp_(struct udev_monitor **p)
{
        return udev_monitor_unref(*p);
}
static struct udev *udev_unrefp_(struct udev **p) { return udev_unref(*p); }

static int handle_events(struct monitor *m, struct udev_monitor *mon, bool *lost)
{
        for (;;) {
                errno = 0;
                struct udev_device *dev = udev_monitor_receive_device(mon);
                if (!dev) {
                        /* EAGAIN: drained (also for events the filter dropped);
                         * ENOBUFS: the socket overflowed and events were lost */
                        if (errno == ENOBUFS)
                                *lost = true;
                        return 0;
                }
                const char *action = udev_device_get_action(dev);
                const char *devpath = udev_device_get_devpath(dev);
                int r = 0;
                if (action && devpath && strcmp(action, "remove") != 0 && strcmp(action, "unbind") != 0) {
                        char *pf = NULL;
                        int vf;
                        /* a PF that appears or binds gets its VF count set;
                                 * its change events (VF count changed by someone)
                                 * and its VFs' events get VF settings only */
                        bool full = strcmp(action, "add") == 0 || strcmp(action, "bind") == 0;
                        if (sriov_uevent_target(m->ctx, devpath, &pf, &vf) == 0)
                                r = queue_pf(m, pf, full && vf < 0, monotonic_ms());
                        ctx_clear_error(m->ctx);
                }
                udev_device_unref(dev);
                if (r < 0)
                        return r;
        }
}

int sriov_monitor_run(struct sriov_ctx *ctx, const struct sriov_monitor_options *o)
{
        ctx_clear_error(ctx);
        struct monitor m = {
                .ctx = ctx,
                .o = o,
                .quiet_ms = o->quiet_ms ? o->quiet_ms : QUIET_MS,
                .max_delay_ms = o->max_delay_ms ? o->max_delay_ms : MAX_DELAY_MS,
                .retry_ms = o->retry_ms ? o->retry_ms : RETRY_MS,
        };
        _cleanup_(udev_unrefp_) struct udev *udev = udev_new();
        if (!udev)
                return ctx_fail(ctx, -ENOMEM, "udev_new failed");
        _cleanup_(udev_monitor_unrefp_) struct udev_monitor *mon = udev_monitor_new_from_netlink(udev, "udev");
        if (!mon)
                return ctx_fail(ctx, errno ? -errno : -EIO, "udev monitor: %s",
                                errno ? strerror(errno) : "cannot open the netlink socket");
        int r;
        if ((r = udev_monitor_filter_add_match_subsystem_devtype(mon, "pci", NULL)) < 0 ||
            (r = udev_monitor_filter_add_match_subsystem_devtype(mon, "net", NULL)) < 0)
                return ctx_fail(ctx, r, "udev monitor filter: %s", strerror(-r));
        /* bursts of VF events must not overflow the socket; needs CAP_NET_ADMIN,
         * without it lost events are noticed (ENOBUFS) and every PF is looked at */
        (void)udev_monitor_set_receive_buffer_size(mon, UDEV_RCVBUF);
        if ((r = udev_monitor_enable_receiving(mon)) < 0)
                return ctx_fail(ctx, r, "udev monitor: %s", strerror(-r));
        int fd = udev_monitor_get_fd(mon);
        if ((r = reload(&m)) < 0)
                goto out;
        logf_(&m, SRIOV_MONITOR_INFO, NULL, "monitoring pci and net uevents; desired state: %zu PF%s from %s",
              m.desired->n_pfs, m.desired->n_pfs == 1 ? "" : "s", o->config_dir ? o->config_dir : SRIOV_CONFIG_DIR_DEFAULT);
        if (o->initial_pass && (r = queue_all(&m, monotonic_ms() - m.max_delay_ms)) < 0)
                goto out;
        for (;;) {
                int64_t now = monotonic_ms(), next = -1;
                for (size_t i = 0; i < m.n_pfs; i++)
                        if (m.pfs[i].queued && !m.pfs[i].worker && (next < 0 || m.pfs[i].due_ms < next))
                                next = m.pfs[i].due_ms;
                int timeout = next < 0 ? -1 : next <= now ? 0 : (int)(next - now);
                _cleanup_free_ struct pollfd *pfd = calloc(m.n_pfs + 2, sizeof(*pfd));
                _cleanup_free_ size_t *pf_of = calloc(m.n_pfs + 2, sizeof(*pf_of));
                if (!pfd || !pf_of) {
                        r = -ENOMEM;
                        goto out;
                }
                pfd[0] = (struct pollfd){.fd = fd, .events = POLLIN};
                pfd[1] = (struct pollfd){.fd = o->stop_fd, .events = POLLIN};
                nfds_t nfd = 2;
                for (size_t i = 0; i < m.n_pfs; i++)
                        if (m.pfs[i].worker) {
                                pf_of[nfd] = i;
                                pfd[nfd++] = (struct pollfd){.fd = m.pfs[i].result_fd, .events = POLLIN};
                        }
                int n = poll(pfd, nfd, timeout);
                if (n < 0 && errno != EINTR) {
                        r = ctx_fail(ctx, -errno, "poll: %s", strerror(errno));
                        goto out;
                }
                if (n > 0 && o->stop_fd >= 0 && pfd[1].revents) {
                        logf_(&m, SRIOV_MONITOR_INFO, NULL, "stopping");
                        r = 0;
                        goto out;
                }
                for (nfds_t k = 2; n > 0 && k < nfd; k++)
                        if (pfd[k].revents)
                                reap_worker(&m, &m.pfs[pf_of[k]]);
                if (n > 0 && pfd[0].revents) {
                        bool lost = false;
                        if ((r = handle_events(&m, mon, &lost)) < 0)
                                goto out;
                        if (lost) {
                                logf_(&m, SRIOV_MONITOR_ERROR, NULL,
                                      "uevents were lost (socket buffer full): looking at every PF");
                                if ((r = queue_all(&m, monotonic_ms())) < 0)
                                        goto out;
                        }
                }
                /* the passes that are due, one worker per PF; events for a
                 * PF whose pass runs queue its next one */
                now = monotonic_ms();
                bool reloaded = false;
                for (size_t i = 0; i < m.n_pfs; i++) {
                        if (!m.pfs[i].queued || m.pfs[i].worker || m.pfs[i].due_ms > now)
                                continue;
                        if (!reloaded) {
                                if ((r = reload(&m)) < 0)
                                        goto out;
                                reloaded = true;
                        }
                        if ((r = start_worker(&m, &m.pfs[i])) < 0)
                                goto out;
                }
        }
out:
        monitor_done(&m);
        return r;
}

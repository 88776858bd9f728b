/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl config show|check, udev-event and monitor: the desired state in
 * CONFIG_DIR (default /etc/sriov), put back when udev reports a PF or VF. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* A RUN program must stay short: this bounds the waits for what is not
 * there yet (the PF's netdev, its VFs, the link igb wants for VF rates);
 * a pass that finds everything in place does not wait at all. */
#define UDEV_EVENT_WAIT_MS 10000

static const char *config_dir(const struct options *o)
{
        if (o->config_dir)
                return o->config_dir;
        const char *env = getenv("SRIOV_CONFIG_DIR");
        return env && env[0] ? env : SRIOV_CONFIG_DIR_DEFAULT;
}

static int load(struct sriov_ctx *ctx, const struct options *o, const char *what, struct sriov_desired **ret)
{
        int r = sriov_desired_load(ctx, config_dir(o), ret);
        if (r < 0) {
                fprintf(stderr, "sriovctl: %s: %s\n", what, sriov_ctx_error(ctx));
                return r == -ENOMEM ? EXIT_FAIL : EXIT_BADINPUT;
        }
        return EXIT_OK;
}

static size_t count_vfs(const struct sriov_desired *d)
{
        size_t n = 0;
        for (size_t i = 0; i < d->n_pfs; i++)
                n += d->pfs[i].n_vfs;
        return n;
}

/* The desired PFs against this host's PFs: two entries for one PF, or more
 * VFs than it can have, are errors; entries for absent PFs are notes. */
static int check_against_host(struct sriov_ctx *ctx, const struct sriov_desired *d)
{
        struct sriov_inventory *inv;
        int r = sriov_inventory_scan(ctx, &inv);
        if (r < 0) {
                fprintf(stderr, "sriovctl: note: the PFs of this host could not be listed: %s\n", sriov_ctx_error(ctx));
                return EXIT_OK;
        }
        int rc = EXIT_OK;
        bool *used = calloc(d->n_pfs + 1, sizeof(bool));
        if (!used) {
                sriov_inventory_free(inv);
                return EXIT_FAIL;
        }
        for (size_t i = 0; i < inv->n_pfs; i++) {
                const struct sriov_pf *pf = &inv->pfs[i];
                char devdir[256];
                snprintf(devdir, sizeof(devdir), "bus/%s/devices/%s", pf->bus ? pf->bus : "pci", pf->address);
                const struct sriov_desired_pf *dpf;
                r = sriov_desired_find(ctx, d, devdir, &dpf);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        fprintf(stderr, "sriovctl: config check: %s\n", sriov_ctx_error(ctx));
                        rc = EXIT_BADINPUT;
                        continue;
                }
                used[dpf - d->pfs] = true;
                if (dpf->numvfs != SRIOV_ABSENT && pf->totalvfs != SRIOV_ABSENT && dpf->numvfs > pf->totalvfs) {
                        fprintf(stderr, "sriovctl: config check: %s: numvfs %lld: %s has sriov_totalvfs %lld\n",
                                dpf->origin, (long long)dpf->numvfs, pf->address, (long long)pf->totalvfs);
                        rc = EXIT_BADINPUT;
                }
        }
        for (size_t i = 0; i < d->n_pfs; i++)
                if (!used[i])
                        fprintf(stderr, "sriovctl: note: %s: pf %s is not on this host now\n", d->pfs[i].origin, d->pfs[i].id);
        free(used);
        sriov_inventory_free(inv);
        return rc;
}

int cmd_config(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs != 1 || (strcmp(args[0], "show") != 0 && strcmp(args[0], "check") != 0))
                return usage_error("%s", "usage: sriovctl [--config-dir DIR] config show|check");
        bool show = strcmp(args[0], "show") == 0;
        struct sriov_desired *d;
        int rc = load(ctx, o, show ? "config show" : "config check", &d);
        if (rc != EXIT_OK)
                return rc;
        if (show) {
                char *text;
                int r = sriov_desired_render(d, &text);
                size_t n_files = 0;
                for (char **f = d->files; f && *f; f++)
                        n_files++;
                if (r == 0 && n_files == 0)
                        printf("# %s: no *.conf files: no desired state\n", config_dir(o));
                sriov_desired_free(d);
                return emit(r, text);
        }
        rc = check_against_host(ctx, d);
        if (rc == EXIT_OK) {
                size_t n_files = 0;
                for (char **f = d->files; f && *f; f++)
                        n_files++;
                printf("%s: %zu file%s, %zu PF%s, %zu VF%s: valid\n", config_dir(o), n_files, n_files == 1 ? "" : "s",
                       d->n_pfs, d->n_pfs == 1 ? "" : "s", count_vfs(d), count_vfs(d) == 1 ? "" : "s");
        }
        sriov_desired_free(d);
        return rc;
}

/* ---- udev-event -------------------------------------------------------------- */

/* Run from a udev rule, the output only lands in udev's debug log: say it
 * to syslog as well. */
static void report(bool from_udev, int prio, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(bool from_udev, int prio, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vreport(prio <= LOG_ERR ? stderr : stdout, from_udev, prio, fmt, ap);
        va_end(ap);
}

/* The kernel's uevent actions (kobject_actions[] in lib/kobject_uevent.c):
 * udev passes no other. */
static bool uevent_action(const char *a)
{
        static const char *const known[] = {"add", "remove", "change", "move", "online", "offline", "bind", "unbind"};
        for (size_t i = 0; i < ELEMENTS(known); i++)
                if (strcmp(a, known[i]) == 0)
                        return true;
        return false;
}

int cmd_udev_event(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        if (nargs > 1)
                return usage_error("%s", "usage: sriovctl udev-event [--action ACTION] [DEVPATH|DEVICE] (default: "
                                         "$ACTION and $DEVPATH from udev)");
        const char *env_action = getenv("ACTION");
        const char *action = o->action ? o->action : env_action && env_action[0] ? env_action : NULL;
        const char *target = nargs ? args[0] : getenv("DEVPATH");
        bool from_udev = !nargs && getenv("DEVPATH");
        if (!target || !target[0])
                return usage_error("%s", "no device: give DEVPATH or DEVICE, or run it from a udev rule "
                                         "($DEVPATH)");
        if (from_udev)
                openlog("sriovctl", LOG_PID, LOG_DAEMON);
        if (action && !uevent_action(action)) {
                report(from_udev, LOG_ERR, "udev-event: %s '%s': not a uevent action: add, remove, change, move, "
                       "online, offline, bind or unbind", o->action ? "--action" : "$ACTION", action);
                return EXIT_BADINPUT;
        }
        if (strcmp(action ? action : "", "remove") == 0 || strcmp(action ? action : "", "unbind") == 0)
                return EXIT_OK; /* nothing to put back on a device that goes */
        struct sriov_desired *d;
        int r = sriov_desired_load(ctx, config_dir(o), &d);
        if (r == -ENOENT) {
                /* no desired state on this host: the guests' VFs still
                 * get their allocations back */
                r = (d = calloc(1, sizeof(*d))) ? 0 : -ENOMEM;
        }
        if (r < 0) {
                report(from_udev, LOG_ERR, "udev-event %s: %s", target, sriov_ctx_error(ctx));
                return EXIT_BADINPUT;
        }
        char *pf = NULL;
        int vf = -1;
        const char *device = target;
        if (target[0] == '/') {
                r = sriov_uevent_target(ctx, target, &pf, &vf);
                const char *subsystem = getenv("SUBSYSTEM"), *ifname = getenv("INTERFACE");
                if (r == -ENOENT && from_udev && subsystem && strcmp(subsystem, "net") == 0 && ifname && ifname[0] &&
                    !strchr(ifname, '/')) {
                        /* a netdev renamed by this very event: $DEVPATH may
                         * still carry the old name, $INTERFACE has the new one */
                        char alt[64];
                        snprintf(alt, sizeof(alt), "/class/net/%s", ifname);
                        r = sriov_uevent_target(ctx, alt, &pf, &vf);
                }
                if (r < 0) {
                        sriov_desired_free(d);
                        /* the message names the devpath */
                        const char *msg = *sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : strerror(-r);
                        if (from_udev && (r == -ENOENT || r == -ENODEV)) {
                                /* the rules match PFs and VFs only: this one went
                                 * (its remove event follows) or is not linked yet */
                                report(true, LOG_INFO, "udev-event: %s: nothing to do (%s event)", msg,
                                       action ? action : "no");
                                return EXIT_OK;
                        }
                        report(from_udev, LOG_ERR, "udev-event: %s", msg);
                        return exit_status(r, true);
                }
                device = pf;
        }
        /* the VF count is set when a PF appears or binds, not when it changes
         * (then someone changed it: its VFs get their settings) */
        bool count = vf < 0 && (!action || strcmp(action, "add") == 0 || strcmp(action, "bind") == 0);
        struct sriov_reconcile_options ro = {.wait_ms = UDEV_EVENT_WAIT_MS, .only_vf = vf, .settings_only = !count};
        struct sriov_reconcile_result res;
        r = sriov_reconcile_pf(ctx, d, device, &ro, &res);
        int rc = EXIT_OK;
        if (r < 0) {
                /* the message names the PF; the device given too, when it is
                 * not the name the message starts with */
                const char *msg = *sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : strerror(-r);
                size_t n = strlen(target);
                bool named = strncmp(msg, target, n) == 0 && msg[n] == ':';
                report(from_udev, LOG_ERR, "udev-event%s%s%s%s: %s", action ? " " : "", action ? action : "",
                       named ? "" : " ", named ? "" : target, msg);
                rc = exit_status(r, false);
        } else {
                const char *who = res.ifname ? res.ifname : "no netdev";
                for (char *const *n = sriov_ctx_notices(ctx); *n; n++)
                        report(from_udev, LOG_NOTICE, "%s (%s): note: %s", res.pf, who, *n);
                for (char **a = res.actions; a && *a; a++)
                        report(from_udev, LOG_INFO, "%s (%s): %s", res.pf, who, *a);
                for (char **q = res.pending; q && *q; q++)
                        report(from_udev, LOG_WARNING, "%s (%s): not done yet: %s", res.pf, who, *q);
                if (res.desired && !(res.actions && res.actions[0]) && !(res.pending && res.pending[0]))
                        report(false, LOG_INFO, "%s (%s): already as desired: nothing changed", res.pf, who);
                sriov_reconcile_result_done(&res);
        }
        free(pf);
        sriov_desired_free(d);
        return rc;
}

/* ---- monitor --------------------------------------------------------------------- */

static void monitor_log(void *userdata, enum sriov_monitor_level level, const char *pf, const char *message)
{
        (void)userdata;
        struct timespec ts;
        struct tm tm;
        char when[32];
        clock_gettime(CLOCK_REALTIME, &ts);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", gmtime_r(&ts.tv_sec, &tm));
        static const char *const words[] = {[SRIOV_MONITOR_INFO] = "info", [SRIOV_MONITOR_CHANGE] = "change",
                                            [SRIOV_MONITOR_ERROR] = "error"};
        printf("%s.%06ldZ %s %s%s%s\n", when, ts.tv_nsec / 1000, words[level], pf ? pf : "", pf ? " " : "", message);
        fflush(stdout);
}

int cmd_monitor(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        (void)args;
        if (nargs != 0)
                return usage_error("%s", "usage: sriovctl [--config-dir DIR] monitor");
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
                fprintf(stderr, "sriovctl: monitor: blocking SIGTERM: %s\n", strerror(errno));
                return EXIT_FAIL;
        }
        int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0) {
                fprintf(stderr, "sriovctl: monitor: signalfd: %s\n", strerror(errno));
                return EXIT_FAIL;
        }
        struct sriov_monitor_options mo = {
                .config_dir = config_dir(o),
                .initial_pass = true,
                .stop_fd = sfd,
                .log = monitor_log,
        };
        int r = sriov_monitor_run(ctx, &mo);
        close(sfd);
        if (r < 0)
                return fail(ctx, r, "monitor");
        return EXIT_OK;
}

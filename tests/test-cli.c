/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriovctl run against fixture trees and dumps (posix_spawn): exit codes
 * 0 / 2 / 3 / 4 and stderr naming the device or file. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <spawn.h>
#include <sys/wait.h>

#include "fixture.h"
#include "jsonstyle.h"

extern char **environ;

static char *tmp, *tree, *bad_dump;

static int setup(void **state)
{
        (void)state;
        tmp = fx_tmpdir("cli");
        if (!tmp || asprintf(&tree, "%s/sys", tmp) < 0 || fx_mkdir_p(tmp, "sys") < 0 ||
            fx_tree_standard(tree) < 0)
                return -1;
        static const char bad[] = "02:00.0 Ethernet controller: X\n00: 86 80 zz 10\n";
        if (fx_write_bytes(tmp, "bad.dump", bad, sizeof(bad) - 1) < 0 ||
            asprintf(&bad_dump, "%s/bad.dump", tmp) < 0)
                return -1;
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        int r = fx_rm_rf(tmp);
        free(tmp);
        free(tree);
        free(bad_dump);
        return r;
}

struct result {
        int code;
        char *out, *err;
};

static void result_done(struct result *r)
{
        free(r->out);
        free(r->err);
}

/* Runs sriovctl with argv[1..] (NULL-terminated; argv[0] is set here),
 * its stdout to `to` (NULL: captured). */
static struct result run_argv_to(const char **argv, const char *to)
{
        argv[0] = "sriovctl";
        char out[4096], err[4096];
        snprintf(out, sizeof(out), "%s/stdout", tmp);
        snprintf(err, sizeof(err), "%s/stderr", tmp);
        posix_spawn_file_actions_t fa;
        assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 1, to ? to : out, O_WRONLY | O_CREAT | O_TRUNC, 0644),
                         0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
        pid_t pid;
        int r = posix_spawn(&pid, SRIOVCTL_PATH, &fa, NULL, (char *const *)argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0)
                fail_msg("spawning %s: %s", SRIOVCTL_PATH, strerror(r));
        int status;
        while (waitpid(pid, &status, 0) < 0)
                assert_int_equal(errno, EINTR);
        struct result res = {.out = to ? strdup("") : slurp(out, NULL), .err = slurp(err, NULL)};
        assert_non_null(res.out);
        assert_non_null(res.err);
        if (!WIFEXITED(status))
                fail_msg("sriovctl %s %s: killed by signal %d\nstderr: %s", argv[1], argv[2] ? argv[2] : "",
                         WTERMSIG(status), res.err);
        res.code = WEXITSTATUS(status);
        return res;
}

static struct result run_argv(const char **argv)
{
        return run_argv_to(argv, NULL);
}

/* Runs sriovctl with the arguments (NULL-terminated), capturing output. */
static struct result run(const char *first, ...)
{
        const char *argv[32] = {"sriovctl"};
        size_t n = 1;
        va_list ap;
        va_start(ap, first);
        for (const char *a = first; a && n < 31; a = va_arg(ap, const char *))
                argv[n++] = a;
        va_end(ap);
        argv[n] = NULL;
        return run_argv(argv);
}

#define expect_code(res, want)                                                                    \
        do {                                                                                      \
                if ((res).code != (want))                                                         \
                        fail_msg("exit %d, expected %d\nstdout: %s\nstderr: %s", (res).code, (want), \
                                 (res).out, (res).err);                                           \
        } while (0)

/* Every line sriovctl writes to stderr says who speaks: "sriovctl: ..."
 * (notes and warnings too), or the usage error's "Try 'sriovctl ...". */
static void expect_lines_named(const char *err)
{
        for (const char *l = err; *l;) {
                const char *nl = strchr(l, '\n');
                size_t len = nl ? (size_t)(nl - l) : strlen(l);
                if (strncmp(l, "sriovctl: ", 10) != 0 && strncmp(l, "Try 'sriovctl ", 14) != 0)
                        fail_msg("a stderr line without the program's name: \"%.*s\"\nstderr: %s", (int)len, l, err);
                l += len + (nl != NULL);
        }
}

static void list_ok(void **state)
{
        (void)state;
        struct result r = run("list", "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "0000:02:00.0");
        assert_contains(r.out, "0000:02:11.4");
        assert_contains(r.out, "eno1");
        assert_contains(r.out, "veth0");
        assert_not_contains(r.err, "warning");
        result_done(&r);
        /* options after the command, JSON */
        r = run("list", "--json", "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        json_object *o = json_tokener_parse(r.out);
        if (!o)
                fail_msg("not JSON: %s", r.out);
        json_object *pfs;
        assert_true(json_object_object_get_ex(o, "physical_functions", &pfs));
        assert_int_equal(json_object_array_length(pfs), 2);
        json_object_put(o);
        result_done(&r);
        r = run("--xml", "--sysfs-root", tree, "list", NULL);
        expect_code(r, 0);
        assert_contains(r.out, "<?xml");
        assert_contains(r.out, "<sriov>");
        result_done(&r);
        r = run("--help", NULL);
        expect_code(r, 0);
        assert_contains(r.out, "Exit status");
        result_done(&r);
}

static void show_ok(void **state)
{
        (void)state;
        /* with --sysfs-root no netlink is used: the fixture's PF is not in this kernel */
        struct result r = run("show", "0000:02:00.0", "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "0000:02:11.4");
        result_done(&r);
        r = run("show", "enp2s0f0", "--json", "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        json_object *o = json_tokener_parse(r.out);
        assert_non_null(o);
        json_object *a;
        assert_true(json_object_object_get_ex(o, "address", &a));
        assert_string_equal(json_object_get_string(a), "0000:02:00.0");
        json_object_put(o);
        result_done(&r);
        r = run("show", "eni1np1", "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "netdevsim1");
        result_done(&r);
}

static void show_nodev(void **state)
{
        (void)state;
        struct result r = run("show", "0000:09:00.0", "--sysfs-root", tree, NULL);
        expect_code(r, 3);
        assert_contains(r.err, "0000:09:00.0");
        assert_string_equal(r.out, "");
        result_done(&r);
        r = run("show", "nosuch0", "--sysfs-root", tree, NULL);
        expect_code(r, 3);
        assert_contains(r.err, "nosuch0");
        result_done(&r);
        /* a VF: says whose */
        r = run("show", "0000:02:10.2", "--sysfs-root", tree, NULL);
        expect_code(r, 3);
        assert_contains(r.err, "0000:02:10.2 is a VF of 0000:02:00.0");
        result_done(&r);
        /* not an SR-IOV device */
        r = run("show", "eno1", "--sysfs-root", tree, NULL);
        expect_code(r, 3);
        assert_contains(r.err, "eno1");
        result_done(&r);
        r = run("show", "0000:03:00.0", "--sysfs-root", tree, NULL);
        expect_code(r, 3);
        assert_contains(r.err, "0000:03:00.0");
        result_done(&r);
}

static void bad_input(void **state)
{
        (void)state;
        struct result r = run("list", "--pci-dump", bad_dump, NULL);
        expect_code(r, 4);
        assert_contains(r.err, bad_dump);
        assert_contains(r.err, "line 2");
        result_done(&r);
        r = run("show", "02:00.0", "--pci-dump", bad_dump, NULL);
        expect_code(r, 4);
        assert_contains(r.err, bad_dump);
        result_done(&r);
        char missing[4096];
        snprintf(missing, sizeof(missing), "%s/missing.dump", tmp);
        r = run("list", "--pci-dump", missing, NULL);
        expect_code(r, 4);
        assert_contains(r.err, missing);
        result_done(&r);
        r = run("list", "--sysfs-root", "/nonexistent/sriov-root", NULL);
        expect_code(r, 4);
        assert_contains(r.err, "/nonexistent/sriov-root");
        result_done(&r);
}

/* list --names: what every command takes as DEVICE, one a line (the
 * shell completion's source); only list takes it. */
static void list_names(void **state)
{
        (void)state;
        struct result r = run("list", "--names", "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        assert_string_equal(r.out, "0000:02:00.0\nenp2s0f0\nnetdevsim1\neni1np1\n");
        result_done(&r);
        r = run("show", "--names", "enp2s0f0", "--sysfs-root", tree, NULL);
        expect_code(r, 2);
        assert_contains(r.err, "--names is not an option of show (it is one of list)");
        result_done(&r);
}

/* ip link's spellings in the three places the words of set are read:
 * the command line, an apply file, the desired state; refused values
 * name the word as typed, before anything is sent. */
static void ip_link_words(void **state)
{
        (void)state;
        struct result r = run("set", "enp2s0f0", "vf", "0", "max_tx_rate", "fast", "--sysfs-root", tree, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "sriovctl: set: max_tx_rate 'fast': a rate is a decimal number of Mbps");
        result_done(&r);
        r = run("set", "enp2s0f0", "vf", "0", "max-rate", "10", "rate", "20", "--sysfs-root", tree, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "max-rate is given twice: max-rate and rate are one attribute");
        result_done(&r);
        char file[4096], dir[4096];
        snprintf(file, sizeof(file), "%s/ip-words.apply", tmp);
        assert_int_equal(fx_write(tmp, "ip-words.apply", "enp2s0f0 vf 0 min_tx_rate 10\nenp2s0f0 vf 1 query_rss maybe\n"), 0);
        r = run("apply", file, "--sysfs-root", tree, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "ip-words.apply:2: query_rss 'maybe': must be on or off");
        result_done(&r);
        snprintf(dir, sizeof(dir), "%s/ip-words.d", tmp);
        assert_int_equal(fx_write(tmp, "ip-words.d/vfs.conf", "pf 0000:02:00.0 numvfs 7\nvf 2 max_tx_rate 100 min_tx_rate 10 query_rss on\n"), 0);
        r = run("config", "show", "--config-dir", dir, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "vf 2 min-rate 10 max-rate 100 query-rss on\n");
        result_done(&r);
        r = run("config", "check", "--config-dir", dir, "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "1 file, 1 PF, 1 VF: valid");
        result_done(&r);
        r = run("set", "--help", NULL);
        expect_code(r, 0);
        assert_contains(r.out, "also taken as ip link spells them: min_tx_rate for min-rate, max_tx_rate or\nrate for max-rate");
        result_done(&r);
}

static void usage(void **state)
{
        (void)state;
        static const char *const cases[][4] = {
                {"list", "--bogus", NULL},
                {"--sysfs-root", NULL},
                {NULL},
                {"show", NULL},
                {"show", "a", "b", NULL},
                {"list", "extra", NULL},
                {"frobnicate", NULL},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct result r = run(cases[i][0], cases[i][0] ? cases[i][1] : NULL,
                                      cases[i][0] && cases[i][1] ? cases[i][2] : NULL, NULL);
                expect_code(r, 2);
                assert_contains(r.err, "sriovctl");
                result_done(&r);
        }
}

/* Bad sysfs values: still exit 0, the warning names file and value. */
static void warnings_on_stderr(void **state)
{
        (void)state;
        assert_int_equal(fx_write(tree, "devices/pci0000:00/0000:00:03.0/0000:02:00.0/sriov_totalvfs", "-1\n"), 0);
        struct result r = run("list", "--sysfs-root", tree, NULL);
        assert_int_equal(fx_write(tree, "devices/pci0000:00/0000:00:03.0/0000:02:00.0/sriov_totalvfs", "8\n"), 0);
        expect_code(r, 0);
        assert_contains(r.err, "sriovctl: warning:");
        assert_contains(r.err, "sriov_totalvfs: value '-1'");
        expect_lines_named(r.err);
        result_done(&r);
}

static void real_dump(void **state)
{
        (void)state;
        char *file = realdata_or_skip("pci/pciutils-tests/cap-pcie-2");
        struct result r = run("list", "--pci-dump", file, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "0000:01:00.0");
        assert_contains(r.out, "10ca");
        assert_contains(r.out, "0000:02:10.0");
        assert_contains(r.err, "ARI Capable Hierarchy is off");
        result_done(&r);
        r = run("show", "01:00.0", "--json", "--pci-dump", file, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "\"first_vf_offset\": 384");
        result_done(&r);
        r = run("show", "0000:05:00.0", "--pci-dump", file, NULL);
        expect_code(r, 3);
        assert_contains(r.err, "0000:05:00.0");
        assert_contains(r.err, file);
        result_done(&r);
        free(file);
}

/* attach/detach on the fixture tree: what is refused before any change */
static void attach_refusals(void **state)
{
        (void)state;
        char xml[4096], state_dir[4096];
        snprintf(xml, sizeof(xml), "%s/g.xml", tmp);
        snprintf(state_dir, sizeof(state_dir), "%s/state", tmp);
        struct result r = run("attach", "--sysfs-root", tree, NULL);
        expect_code(r, 2);
        assert_contains(r.err, "attach: missing the domain: --domain GUEST.xml or NAME|UUID");
        result_done(&r);
        r = run("list", "--domain", xml, NULL);
        expect_code(r, 2);
        assert_contains(r.err, "list: --domain is not an option of list (it is one of attach, detach)");
        result_done(&r);
        r = run("attach", "--domain", xml, "--state-dir", state_dir, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "g.xml: No such file or directory");
        result_done(&r);
        assert_int_equal(fx_write(tmp, "g.xml", "%s",
                                  "<domain><name>g</name><devices><interface type='direct'>"
                                  "<source dev='nosuch0' mode='bridge'/></interface></devices></domain>"),
                         0);
        r = run("attach", "--domain", xml, "--sysfs-root", tree, "--state-dir", state_dir, NULL);
        expect_code(r, 3);
        assert_contains(r.err, "<source dev='nosuch0'>: no such network device");
        result_done(&r);
        assert_int_equal(fx_write(tmp, "g.xml", "%s", "<domain><name>g</name><devices><interface"), 0);
        r = run("attach", "--domain", xml, "--sysfs-root", tree, "--state-dir", state_dir, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "not well-formed");
        result_done(&r);
        r = run("detach", "g", "--sysfs-root", tree, "--state-dir", state_dir, NULL);
        expect_code(r, 3);
        assert_contains(r.err, "domain 'g' holds no allocations");
        result_done(&r);
        r = run("allocations", "--json", "--state-dir", state_dir, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "\"allocations\": [");
        result_done(&r);
}


/* ---- every command through each exit status it can reach here ----------- */

/* Placeholders in the cases' arguments: @T the fixture tree, @S a fresh
 * state dir, @B a state dir that cannot be made (under a regular file), @C
 * a valid config dir, @BC one with a bad line, @BS a state dir with a
 * malformed allocations.json, @WC a world-writable config dir, @WF one with
 * a world-writable a.conf, @D the bad dump, @F/NAME a file in tmp. */
static const char *expand(const char *a, char *buf, size_t size)
{
        if (strcmp(a, "@T") == 0)
                return tree;
        if (strcmp(a, "@D") == 0)
                return bad_dump;
        static const char *const dirs[][2] = {{"@S", "walk-state"}, {"@B", "regular-file/x"},
                                               {"@C", "walk-conf"},  {"@BC", "walk-badconf"},
                                               {"@BS", "walk-badstate"}, {"@WC", "walk-wwconf"},
                                               {"@WF", "walk-wwfile"}};
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
                if (strcmp(a, dirs[i][0]) == 0) {
                        snprintf(buf, size, "%s/%s", tmp, dirs[i][1]);
                        return buf;
                }
        if (strncmp(a, "@F/", 3) == 0) {
                snprintf(buf, size, "%s/%s", tmp, a + 3);
                return buf;
        }
        return a;
}

#define SHADOW "root:$y$j9T$SECRETSALT$SECRETHASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"

/* Standard output that cannot be written is a failure, said once: exit 1
 * with "writing standard output: ..." on stderr. A command that writes
 * nothing there loses nothing (exit 0). */
static void expect_output_error(const char **argv, bool writes)
{
        static const char msg[] = "sriovctl: writing standard output: No space left on device\n";
        struct result r = run_argv_to(argv, "/dev/full");
        const char *at = strstr(r.err, msg);
        if (writes ? r.code != 1 || !at || strstr(at + 1, msg) : r.code != 0)
                fail_msg("sriovctl %s %s %s ... >/dev/full: exit %d, expected %d%s%s\nstderr: %s", argv[1],
                         argv[1] && argv[2] ? argv[2] : "", argv[1] && argv[2] && argv[3] ? argv[3] : "", r.code,
                         writes ? 1 : 0, writes ? " with, once, " : "", writes ? msg : "", r.err);
        result_done(&r);
}

struct exit_case {
        int status;
        const char *says; /* in stderr (stdout for status 0 with no stderr) */
        const char *args[16];
};

#define MAC "02:00:00:00:00:01"
#define UUID "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
static const struct exit_case exit_cases[] = {
        /* list */
        {0, "0000:02:00.0", {"list", "--sysfs-root", "@T"}},
        {2, "list: unknown option '--bogus'", {"list", "--bogus"}},
        {2, "list: no argument expected, got 'x'", {"list", "x"}},
        {2, "list: --timeout is not an option of list", {"list", "--timeout", "5"}},
        {2, "list: option '--json=1' takes no value", {"list", "--json=1"}},
        {2, "list: unknown option '-hx'", {"list", "-hx"}},
        {4, "/nonexistent/sriov-root", {"list", "--sysfs-root", "/nonexistent/sriov-root"}},
        {4, "line 2", {"list", "--pci-dump", "@D"}},
        /* show */
        {0, "0000:02:11.4", {"show", "enp2s0f0", "--sysfs-root", "@T"}},
        {2, "show: missing DEVICE", {"show"}},
        {2, "show: one DEVICE only, got also 'b'", {"show", "a", "b"}},
        {2, "show: option '--sysfs-root' needs a value", {"show", "enp2s0f0", "--sysfs-root"}},
        {3, "nosuch0: no such", {"show", "nosuch0", "--sysfs-root", "@T"}},
        {3, "is a VF of 0000:02:00.0", {"show", "0000:02:10.2", "--sysfs-root", "@T"}},
        {4, "line 2", {"show", "02:00.0", "--pci-dump", "@D"}},
        /* set (0 needs a kernel: tests/vm/t-vfcfg.sh) */
        {1, "original VF settings cannot be kept safe",
         {"set", "enp2s0f0", "vf", "0", "mac", MAC, "--sysfs-root", "@T", "--state-dir", "@B"}},
        {2, "set: missing DEVICE vf N", {"set"}},
        {2, "set: expected DEVICE vf N", {"set", "enp2s0f0", "mac", MAC}},
        {2, "set: --json is not an option of set", {"set", "--json", "enp2s0f0", "vf", "0", "mac", MAC}},
        {3, "nosuch0: no such", {"set", "nosuch0", "vf", "0", "mac", MAC, "--sysfs-root", "@T", "--state-dir", "@S"}},
        {4, "enp2s0f0 vf '-1': a VF number must be", {"set", "enp2s0f0", "vf", "-1", "mac", MAC, "--sysfs-root", "@T"}},
        {4, "vlan '5000'", {"set", "enp2s0f0", "vf", "0", "vlan", "5000", "--sysfs-root", "@T"}},
        /* apply */
        {0, "", {"apply", "@F/empty.conf", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {1, "original VF settings cannot be kept safe",
         {"apply", "@F/one.conf", "--sysfs-root", "@T", "--state-dir", "@B"}},
        {2, "apply: missing FILE", {"apply"}},
        {2, "apply: one FILE only, got also 'b'", {"apply", "a", "b"}},
        {3, "nosuch0: no such", {"apply", "@F/nosuch.conf", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {4, "/nonexistent/vfs.conf: No such file", {"apply", "/nonexistent/vfs.conf"}},
        {4, "bad.conf:2: vlan '5000'", {"apply", "@F/bad.conf", "--sysfs-root", "@T"}},
        {4, "shadow:1: not an apply file", {"apply", "@F/shadow", "--sysfs-root", "@T"}},
        /* restore */
        {0, "no saved settings", {"restore", "enp2s0f0", "vf", "0", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {1, "state directory", {"restore", "enp2s0f0", "vf", "0", "--sysfs-root", "@T", "--state-dir", "@B"}},
        {2, "restore: missing DEVICE vf N|all", {"restore"}},
        {2, "restore: expected DEVICE vf N|all", {"restore", "enp2s0f0"}},
        {2, "restore: unexpected 'x' after vf N|all", {"restore", "enp2s0f0", "vf", "1", "x"}},
        {3, "nosuch0: no such", {"restore", "nosuch0", "vf", "0", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {4, "restore: enp2s0f0 vf '-1': a VF number must be", {"restore", "enp2s0f0", "vf", "-1"}},
        {4, "restore: enp2s0f0 vf 'abc': a VF number must be", {"restore", "enp2s0f0", "vf", "abc"}},
        /* port-profile (0 and 1 need a driver: tests/vm/t-portprofile.sh) */
        {2, "port-profile: missing DEVICE", {"port-profile"}},
        {2, "port-profile: missing the request", {"port-profile", "enp2s0f0", "vf", "0"}},
        {2, "port-profile: request 'attach'", {"port-profile", "enp2s0f0", "vf", "0", "attach"}},
        {2, "port-profile: --profile is for requests, not status",
         {"port-profile", "enp2s0f0", "vf", "0", "status", "--profile", "x"}},
        {2, "port-profile: --timeout 'abc': milliseconds",
         {"port-profile", "enp2s0f0", "vf", "0", "associate", "--profile", "x", "--timeout", "abc"}},
        {2, "port-profile: --domain is not an option of port-profile",
         {"port-profile", "enp2s0f0", "vf", "0", "status", "--domain", "x"}},
        {3, "nosuch0: no such", {"port-profile", "nosuch0", "vf", "0", "status", "--sysfs-root", "@T"}},
        {4, "port-profile: enp2s0f0 vf '-1'", {"port-profile", "enp2s0f0", "vf", "-1", "status"}},
        {4, "instance '1111-2222': malformed UUID",
         {"port-profile", "enp2s0f0", "vf", "0", "associate", "--profile", "x", "--instance", "1111-2222"}},
        {4, "associate needs a port profile name", {"port-profile", "enp2s0f0", "vf", "0", "associate"}},
        /* attach */
        {0, "domain 'g' has no interface for sriovctl",
         {"attach", "--domain", "@F/empty.xml", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {1, "state directory", {"attach", "--domain", "@F/empty.xml", "--sysfs-root", "@T", "--state-dir", "@B"}},
        {2, "attach: missing the domain: --domain GUEST.xml or NAME|UUID", {"attach"}},
        {2, "attach: unexpected 'b': one domain", {"attach", "a", "b"}},
        /* networks and domains from libvirt (its in-process test driver) */
        {0, "network 'default' has <forward mode='nat'>: libvirt's own",
         {"attach", "--domain", "@F/nat.xml", "-c", "test:///default", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {0, "domain 'test' has no interface for sriovctl",
         {"attach", "test", "--connect", "test:///default", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {3, "<source network='nosuch'>: no such network: no --network file was given, and libvirt "
            "'test:///default' has none",
         {"attach", "--domain", "@F/nonet.xml", "-c", "test:///default", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {3, "libvirt 'test:///default' has no domain named 'nosuch'",
         {"attach", "nosuch", "-c", "test:///default", "--state-dir", "@S"}},
        {1, "cannot connect to libvirt at 'test:///nonexistent/node.xml'",
         {"attach", "--domain", "@F/nonet.xml", "-c", "test:///nonexistent/node.xml", "--state-dir", "@S"}},
        {2, "list: --connect is not an option of list (it is one of attach, detach)",
         {"list", "--connect", "test:///default"}},
        {2, "attach: unexpected 'x'", {"attach", "x", "--domain", "@F/empty.xml"}},
        {2, "attach: --fallback 'bogus': macvtap or none", {"attach", "--domain", "@F/empty.xml", "--fallback", "bogus"}},
        {2, "attach: --timeout 'abc': milliseconds", {"attach", "--domain", "@F/empty.xml", "--timeout", "abc"}},
        {2, "attach: --profile is not an option of attach", {"attach", "--domain", "@F/empty.xml", "--profile", "x"}},
        {3, "<source dev='nosuch0'>: no such network device",
         {"attach", "--domain", "@F/nodev.xml", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {4, "--domain /nonexistent/g.xml: No such file", {"attach", "--domain", "/nonexistent/g.xml"}},
        {4, "not well-formed", {"attach", "--domain", "@F/bad.xml", "--sysfs-root", "@T", "--state-dir", "@S"}},
        /* hook (libvirt's hook scripts; stdin is /dev/null here: the hookData
         * cases are in test-hook.c, exit 5 in tests/vm/t-libvirt.sh) */
        {2, "hook: usage: sriovctl hook network NETWORK OPERATION", {"hook"}},
        {2, "hook: usage: sriovctl hook network", {"hook", "lxc", "g", "prepare"}},
        {2, "hook: unexpected 'x' after libvirt's four hook arguments",
         {"hook", "qemu", "g", "prepare", "begin", "-", "x"}},
        {0, "", {"--state-dir", "@S", "hook", "network", "--", "pool", "started", "begin", "-"}},
        {0, "", {"--sysfs-root", "@T", "--state-dir", "@S", "hook", "qemu", "g", "release", "end", "-"}},
        {1, "sriovctl: hook network pool port-created: <hookData>: not well-formed XML",
         {"--sysfs-root", "@T", "--state-dir", "@S", "hook", "network", "pool", "port-created", "begin", "-"}},
        /* after `hook network|qemu`, options are libvirt's words */
        {2, "hook: unexpected '--state-dir' after libvirt's four hook arguments",
         {"hook", "network", "pool", "started", "begin", "-", "--state-dir", "@S"}},
        /* detach (0 needs an allocation: tests/vm/t-attach.sh) */
        {1, "state directory", {"detach", "g", "--sysfs-root", "@T", "--state-dir", "@B"}},
        {2, "detach: missing the domain", {"detach"}},
        {2, "detach: unexpected 'b'", {"detach", "a", "b"}},
        {2, "detach: unexpected 'g'", {"detach", "g", "--domain", "@F/empty.xml"}},
        {3, "domain 'g' holds no allocations", {"detach", "g", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {4, "--domain /nonexistent/g.xml: No such file", {"detach", "--domain", "/nonexistent/g.xml"}},
        {4, "not well-formed", {"detach", "--domain", "@F/bad.xml", "--state-dir", "@S"}},
        /* allocations */
        {0, "no allocations", {"allocations", "--state-dir", "@S"}},
        {1, "state directory", {"allocations", "--state-dir", "@B"}},
        {2, "allocations: no argument expected, got 'x'", {"allocations", "x"}},
        {2, "allocations: --xml is not an option of allocations", {"allocations", "--xml"}},
        {4, "allocations.json: not a JSON object", {"allocations", "--state-dir", "@BS"}},
        /* config */
        {0, "1 file, 1 PF, 0 VFs: valid", {"config", "check", "--config-dir", "@C", "--sysfs-root", "@T"}},
        {2, "config: usage", {"config"}},
        {2, "config: usage", {"config", "bogus"}},
        {4, "config directory /nonexistent/conf", {"config", "check", "--config-dir", "/nonexistent/conf"}},
        {4, "a.conf:2: vlan '5000'", {"config", "check", "--config-dir", "@BC", "--sysfs-root", "@T"}},
        /* what anyone may write is not the desired state, as for the state directory */
        {4, "config directory ", {"config", "check", "--config-dir", "@WC", "--sysfs-root", "@T"}},
        {4, "walk-wwconf is writable by group or others (mode 0777): not trusted",
         {"config", "show", "--config-dir", "@WC"}},
        {4, "config file ", {"config", "check", "--config-dir", "@WF", "--sysfs-root", "@T"}},
        {4, "walk-wwfile/a.conf is writable by group or others (mode 0666): not trusted",
         {"config", "show", "--config-dir", "@WF"}},
        /* udev-event */
        {0, "already as desired",
         {"udev-event", "enp2s0f0", "--config-dir", "@C", "--sysfs-root", "@T", "--state-dir", "@S"}},
        {2, "udev-event: usage", {"udev-event", "a", "b"}},
        {2, "udev-event: --json is not an option of udev-event", {"udev-event", "--json", "a"}},
        {3, "nosuch0: no such", {"udev-event", "nosuch0", "--config-dir", "@C", "--sysfs-root", "@T"}},
        {4, "a.conf:2: vlan '5000'", {"udev-event", "enp2s0f0", "--config-dir", "@BC", "--sysfs-root", "@T"}},
        {4, "walk-wwconf is writable by group or others",
         {"udev-event", "enp2s0f0", "--config-dir", "@WC", "--sysfs-root", "@T", "--state-dir", "@S"}},
        /* monitor: long-running, the rest in tests/vm/t-monitor.sh */
        {2, "monitor: usage", {"monitor", "x"}},
        {2, "monitor: --xml is not an option of monitor", {"monitor", "--xml"}},
        /* no command */
        {2, "sriovctl: no command given", {NULL}},
        {2, "sriovctl: unknown command 'frobnicate'", {"frobnicate"}},
        {2, "sriovctl: list: unknown option '-x'", {"-x", "list"}},
};

static void exit_status_walk(void **state)
{
        (void)state;
        assert_int_equal(fx_write(tmp, "regular-file", "%s", "not a directory\n"), 0);
        assert_int_equal(fx_write(tmp, "walk-conf/a.conf", "%s", "pf 0000:02:00.0 numvfs 7\n"), 0);
        assert_int_equal(fx_write(tmp, "walk-badconf/a.conf", "%s", "pf 0000:02:00.0 numvfs 7\nvf 0 vlan 5000\n"), 0);
        assert_int_equal(fx_write(tmp, "walk-badstate/allocations.json", "%s", "{\"allocations\": 3"), 0);
        assert_int_equal(fx_write(tmp, "walk-wwconf/a.conf", "%s", "pf 0000:02:00.0 numvfs 7\n"), 0);
        assert_int_equal(fx_write(tmp, "walk-wwfile/a.conf", "%s", "pf 0000:02:00.0 numvfs 7\n"), 0);
        char ww[4096];
        snprintf(ww, sizeof(ww), "%s/walk-wwconf", tmp);
        assert_int_equal(chmod(ww, 0777), 0);
        snprintf(ww, sizeof(ww), "%s/walk-wwfile/a.conf", tmp);
        assert_int_equal(chmod(ww, 0666), 0);
        assert_int_equal(fx_write(tmp, "shadow", "%s", SHADOW), 0);
        assert_int_equal(fx_write(tmp, "empty.conf", "%s", "# nothing\n"), 0);
        assert_int_equal(fx_write(tmp, "one.conf", "%s", "enp2s0f0 vf 0 mac " MAC "\n"), 0);
        assert_int_equal(fx_write(tmp, "nosuch.conf", "%s", "nosuch0 vf 0 mac " MAC "\n"), 0);
        assert_int_equal(fx_write(tmp, "bad.conf", "%s", "enp2s0f0 vf 0 mac " MAC "\nenp2s0f0 vf 1 vlan 5000\n"), 0);
        assert_int_equal(fx_write(tmp, "empty.xml", "%s", "<domain><name>g</name><devices></devices></domain>"), 0);
        assert_int_equal(fx_write(tmp, "nodev.xml", "%s",
                                  "<domain><name>g</name><devices><interface type='direct'>"
                                  "<source dev='nosuch0' mode='bridge'/></interface></devices></domain>"),
                         0);
        assert_int_equal(fx_write(tmp, "bad.xml", "%s", "<domain><name>g</name><devices><interface"), 0);
        assert_int_equal(fx_write(tmp, "nat.xml", "%s",
                                  "<domain><name>g</name><devices><interface type='network'>"
                                  "<source network='default'/></interface></devices></domain>"),
                         0);
        assert_int_equal(fx_write(tmp, "nonet.xml", "%s",
                                  "<domain><name>g</name><devices><interface type='network'>"
                                  "<source network='nosuch'/></interface></devices></domain>"),
                         0);
        /* which statuses each command reached, for the summary */
        char seen[16][8] = {{0}};
        const char *names[16] = {0};
        size_t n_names = 0;
        for (size_t i = 0; i < sizeof(exit_cases) / sizeof(exit_cases[0]); i++) {
                const struct exit_case *c = &exit_cases[i];
                const char *argv[20] = {0};
                char bufs[16][4096];
                size_t n = 1;
                for (size_t k = 0; c->args[k]; k++, n++)
                        argv[n] = expand(c->args[k], bufs[k], sizeof(bufs[k]));
                argv[n] = NULL;
                struct result r = run_argv(argv);
                const char *where = c->status == 0 && !r.err[0] ? r.out : r.err;
                if (r.code != c->status || !strstr(where, c->says))
                        fail_msg("case %zu: sriovctl %s %s %s ...: exit %d, expected %d with \"%s\"\nstdout: %s\n"
                                 "stderr: %s",
                                 i, argv[1] ? argv[1] : "", argv[1] && argv[2] ? argv[2] : "",
                                 argv[1] && argv[2] && argv[3] ? argv[3] : "", r.code, c->status, c->says, r.out,
                                 r.err);
                if (c->status == 2) {
                        /* named once: one line saying what, one where to look; not getopt's own line */
                        size_t lines = 0;
                        for (const char *p = r.err; *p; p++)
                                lines += *p == '\n';
                        if (lines != 2 || !strstr(r.err, "Try 'sriovctl "))
                                fail_msg("case %zu: a usage error is two lines, got:\n%s", i, r.err);
                        assert_not_contains(r.err, "invalid option");
                        assert_not_contains(r.err, "unrecognized option");
                }
                expect_lines_named(r.err);
                if (c->status != 0)
                        assert_not_contains(r.err, ": \n"); /* no empty message after a colon */
                else
                        expect_output_error(argv, r.out[0] != 0);
                const char *cmd = c->args[0] && c->args[0][0] != '-' ? c->args[0] : "(none)";
                size_t k = 0;
                while (k < n_names && strcmp(names[k], cmd) != 0)
                        k++;
                if (k == n_names && n_names < 16)
                        names[n_names++] = cmd;
                if (k < 16)
                        seen[k][c->status] = 1;
                result_done(&r);
        }
        for (size_t k = 0; k < n_names; k++) {
                char line[64] = "";
                for (int st = 0; st < 8; st++)
                        if (seen[k][st])
                                snprintf(line + strlen(line), sizeof(line) - strlen(line), " %d", st);
                print_message("exit statuses walked: %-13s%s\n", names[k], line);
        }
}

/* Runs sriovctl with one environment variable set (NULL value: unset). */
static struct result run_env(const char *name, const char *value, const char **argv)
{
        if (value)
                assert_int_equal(setenv(name, value, 1), 0);
        struct result r = run_argv(argv);
        assert_int_equal(unsetenv(name), 0);
        return r;
}

#define expect_err(res, code_, text)                                                                          \
        do {                                                                                                  \
                expect_code(res, code_);                                                                      \
                if (strcmp((res).err, text) != 0)                                                             \
                        fail_msg("stderr:\n%s\nexpected:\n%s", (res).err, text);                           \
                result_done(&(res));                                                                          \
        } while (0)

/* What sriovctl says, said once and where the reader looks: the context
 * once (not the library's and the command's both), the input named with
 * what is wrong with it, notes and warnings with the program's name, an
 * attach with nothing to do as output. */
static void messages(void **state)
{
        (void)state;
        char dir[4096], conf[4096], st[4096], empty[4096], out[4096];
        snprintf(dir, sizeof(dir), "%s/msg-dir", tmp);
        snprintf(conf, sizeof(conf), "%s/msg-conf", tmp);
        snprintf(st, sizeof(st), "%s/msg-state", tmp);
        snprintf(empty, sizeof(empty), "%s/msg-empty.xml", tmp);
        snprintf(out, sizeof(out), "%s/msg-out.xml", tmp);
        assert_int_equal(fx_mkdir_p(tmp, "msg-dir"), 0);
        assert_int_equal(fx_write(tmp, "msg-conf/a.conf", "%s", "pf 0000:02:00.0 numvfs 7\npf 0000:09:00.0\n"), 0);
        assert_int_equal(fx_write(tmp, "msg-empty.xml", "%s", "<domain><name>g</name><devices></devices></domain>"),
                         0);

        /* the hook's context once: sriovctl's, not also the library's */
        struct result r = run("--state-dir", st, "hook", "qemu", "web", "prepare", "begin", "-", NULL);
        expect_err(r, 1, "sriovctl: hook qemu web prepare: the domain XML: not well-formed XML\n");
        r = run("--state-dir", st, "hook", "network", "pool", "port-created", "begin", "-", NULL);
        expect_err(r, 1, "sriovctl: hook network pool port-created: <hookData>: not well-formed XML\n");
        r = run("udev-event", NULL);
        expect_err(r, 2, "sriovctl: udev-event: no device: give DEVPATH or DEVICE, or run it from a udev rule "
                         "($DEVPATH)\nTry 'sriovctl udev-event --help'.\n");

        /* a directory where a file belongs says so */
        char want[8192];
        r = run("attach", "--domain", dir, NULL);
        snprintf(want, sizeof(want), "sriovctl: attach: --domain %s: Is a directory\n", dir);
        expect_err(r, 4, want);
        r = run("detach", "--domain", dir, NULL);
        snprintf(want, sizeof(want), "sriovctl: detach: --domain %s: Is a directory\n", dir);
        expect_err(r, 4, want);
        r = run("attach", "--domain", empty, "--network", dir, "--sysfs-root", tree, "--state-dir", st, NULL);
        snprintf(want, sizeof(want), "sriovctl: attach: --network %s: Is a directory\n", dir);
        expect_err(r, 4, want);

        /* udev-event: an ACTION the kernel never sends and a devpath naming
         * nothing are errors (4), a device that is no PF or VF too (3); from
         * a udev rule ($DEVPATH), a device gone since the event is not */
#define UDEV(...)                                                                                             \
        ((const char *[]){"sriovctl", "udev-event", "--config-dir", conf, "--sysfs-root", tree, "--state-dir", st, \
                          __VA_ARGS__, NULL})
        r = run_argv(UDEV("--action", "frob", "enp2s0f0"));
        expect_err(r, 4, "sriovctl: udev-event: --action 'frob': not a uevent action: add, remove, change, move, "
                         "online, offline, bind or unbind\n");
        r = run_env("ACTION", "frob", UDEV("enp2s0f0"));
        expect_err(r, 4, "sriovctl: udev-event: $ACTION 'frob': not a uevent action: add, remove, change, move, "
                         "online, offline, bind or unbind\n");
        r = run_argv(UDEV("/devices/nosuch"));
        snprintf(want, sizeof(want), "sriovctl: udev-event: devpath /devices/nosuch: no such device under %s\n",
                 tree);
        expect_err(r, 4, want);
        r = run_argv(UDEV("/devices/pci0000:00/0000:00:1c.0/0000:03:00.0"));
        expect_err(r, 3, "sriovctl: udev-event: devpath /devices/pci0000:00/0000:00:1c.0/0000:03:00.0: neither an "
                         "SR-IOV PF nor a VF\n");
        r = run_argv(UDEV("--action", "add", "nosuch0"));
        snprintf(want, sizeof(want), "sriovctl: udev-event add: nosuch0: no such PCI device or network interface, "
                                     "nor a device of another bus (netdevsim1), under %s\n", tree);
        expect_err(r, 3, want);
        /* every action udev passes is taken: remove and unbind touch nothing,
         * the others are a pass */
        static const char *const actions[] = {"add", "change", "move", "online", "offline", "bind"};
        for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
                r = run_env("ACTION", actions[i], UDEV("/devices/pci0000:00/0000:00:03.0/0000:02:00.0"));
                expect_code(r, 0);
                assert_contains(r.out, "0000:02:00.0 (enp2s0f0): already as desired");
                result_done(&r);
        }
        r = run_argv(UDEV("--action", "remove", "/devices/nosuch"));
        expect_err(r, 0, "");
        r = run_argv(UDEV("--action", "unbind", "/devices/nosuch"));
        expect_err(r, 0, "");
        assert_int_equal(setenv("ACTION", "change", 1), 0);
        r = run_env("DEVPATH", "/devices/pci0000:00/0000:00:03.0/0000:02:1f.7", UDEV(NULL));
        assert_int_equal(unsetenv("ACTION"), 0);
        expect_code(r, 0);
        snprintf(want, sizeof(want), "sriovctl: udev-event: devpath /devices/pci0000:00/0000:00:03.0/0000:02:1f.7: "
                                     "no such device under %s: nothing to do (change event)\n", tree);
        assert_string_equal(r.out, want);
        assert_string_equal(r.err, "");
        result_done(&r);
#undef UDEV

        /* notes and warnings say whose they are */
        r = run("restore", "enp2s0f0", "vf", "0", "--sysfs-root", tree, "--state-dir", st, NULL);
        expect_err(r, 0, "sriovctl: note: enp2s0f0 vf 0: no saved settings: nothing to restore\n");
        r = run("config", "check", "--config-dir", conf, "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        assert_contains(r.err, "sriovctl: note: ");
        assert_contains(r.err, "pf 0000:09:00.0 is not on this host now");
        expect_lines_named(r.err);
        result_done(&r);

        /* an attach with nothing to do: not an error, and with -o (stdout
         * free) it is the output; the XML is still written */
        r = run("attach", "--domain", empty, "-o", out, "--sysfs-root", tree, "--state-dir", st, NULL);
        expect_code(r, 0);
        assert_string_equal(r.out, "nothing to do: domain 'g' has no interface for sriovctl\n");
        assert_string_equal(r.err, "");
        result_done(&r);
        char *xml = slurp(out, NULL);
        assert_non_null(xml);
        assert_contains(xml, "<name>g</name>");
        free(xml);
        r = run("attach", "--domain", empty, "--sysfs-root", tree, "--state-dir", st, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "<name>g</name>");
        assert_string_equal(r.err, "sriovctl: attach: nothing to do: domain 'g' has no interface for sriovctl\n");
        result_done(&r);
}

/* `sriovctl COMMAND --help`: that command's synopsis and options only. */
static void command_help(void **state)
{
        (void)state;
        static const struct {
                const char *cmd, *has[4], *lacks[3];
        } cases[] = {
                {"list", {"Usage: sriovctl list\n", "--json", "--xml"}, {"--domain", "sriovctl show", "--timeout"}},
                {"show", {"Usage: sriovctl show DEVICE\n", "--json"}, {"--profile", "sriovctl list"}},
                {"set", {"Usage: sriovctl set DEVICE vf N", "spoofchk on|off"}, {"--json", "sriovctl apply"}},
                {"apply", {"Usage: sriovctl apply FILE\n"}, {"--json", "sriovctl set"}},
                {"restore", {"Usage: sriovctl restore DEVICE vf N|all\n"}, {"--json", "sriovctl set"}},
                {"port-profile", {"Usage: sriovctl port-profile DEVICE", "--managerid N", "--timeout MS", "--json"},
                 {"--domain", "sriovctl attach"}},
                {"attach", {"Usage: sriovctl attach --domain GUEST.xml", "--fallback macvtap|none", "-o, --output"},
                 {"--profile", "--json", "sriovctl detach"}},
                {"detach", {"Usage: sriovctl detach --domain GUEST.xml", "sriovctl detach NAME|UUID", "--timeout"},
                 {"--fallback", "sriovctl attach"}},
                {"allocations", {"Usage: sriovctl allocations", "--json"}, {"--xml", "--domain"}},
                {"config", {"Usage: sriovctl config show|check"}, {"--json", "sriovctl monitor"}},
                {"udev-event", {"Usage: sriovctl udev-event", "--action ACTION"}, {"--json", "sriovctl monitor"}},
                {"monitor", {"Usage: sriovctl monitor\n"}, {"--json", "--action", "sriovctl udev-event"}},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                /* --help anywhere, -h too */
                struct result r = i % 2 ? run(cases[i].cmd, "--help", NULL) : run("-h", cases[i].cmd, NULL);
                expect_code(r, 0);
                assert_string_equal(r.err, "");
                if (strncmp(r.out, cases[i].has[0], strlen(cases[i].has[0])) != 0)
                        fail_msg("%s --help does not start with \"%s\":\n%s", cases[i].cmd, cases[i].has[0], r.out);
                for (size_t k = 1; k < 4 && cases[i].has[k]; k++)
                        assert_contains(r.out, cases[i].has[k]);
                for (size_t k = 0; k < 3 && cases[i].lacks[k]; k++)
                        assert_not_contains(r.out, cases[i].lacks[k]);
                result_done(&r);
        }
        /* the whole usage names every command and the exit statuses */
        struct result r = run("--help", NULL);
        expect_code(r, 0);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char want[64];
                snprintf(want, sizeof(want), "sriovctl %s", cases[i].cmd);
                assert_contains(r.out, want);
        }
        assert_contains(r.out, "Exit status (the same for every command):");
        assert_contains(r.out, "  5   refused: a guest (or pod) holds the VF");
        result_done(&r);
        /* help for something that is not a command is a usage error */
        r = run("frobnicate", "--help", NULL);
        expect_code(r, 2);
        assert_contains(r.err, "unknown command 'frobnicate'");
        result_done(&r);
}

/* Every format of the commands that print, to a full disk: exit 1 and
 * the reason, once; also past stdio's buffer (a large inventory). The
 * sriov-vf plugin's result the same. */
static void output_errors(void **state)
{
        (void)state;
        char scale[4096], sd[4096], cd[4096];
        snprintf(scale, sizeof(scale), "%s/scale", tmp);
        snprintf(sd, sizeof(sd), "%s/out-state", tmp);
        snprintf(cd, sizeof(cd), "%s/out-conf", tmp);
        assert_int_equal(fx_mkdir_p(tmp, "scale"), 0);
        assert_int_equal(fx_tree_scale(scale, 4, 64), 0);
        assert_int_equal(fx_write(tmp, "out-conf/a.conf", "%s", "pf 0000:02:00.0 numvfs 7\nvf 1 vlan 5\n"), 0);
        const char *cases[][8] = {
                {"list", "--sysfs-root", tree},
                {"list", "--json", "--sysfs-root", tree},
                {"list", "--xml", "--sysfs-root", tree},
                {"list", "--sysfs-root", scale},
                {"list", "--json", "--sysfs-root", scale},
                {"list", "--xml", "--sysfs-root", scale},
                {"show", "enp2s0f0", "--sysfs-root", tree},
                {"show", "enp2s0f0", "--json", "--sysfs-root", tree},
                {"show", "enp2s0f0", "--xml", "--sysfs-root", tree},
                {"allocations", "--state-dir", sd},
                {"allocations", "--json", "--state-dir", sd},
                {"config", "show", "--config-dir", cd},
                {"--help"},
                {"list", "--help"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *argv[10] = {0};
                for (size_t k = 0; k < 8 && cases[i][k]; k++)
                        argv[k + 1] = cases[i][k];
                expect_output_error(argv, true);
        }

        /* the plugin: its result (VERSION) and its error JSON */
        static const char msg[] = "sriov-vf: writing standard output: No space left on device\n";
        static const char *const envs[][2] = {{"CNI_COMMAND=VERSION", NULL}, {"CNI_COMMAND=BOGUS", "unknown CNI_COMMAND"}};
        for (size_t i = 0; i < 2; i++) {
                char in[4096], err[4096];
                snprintf(in, sizeof(in), "%s/cni-in", tmp);
                snprintf(err, sizeof(err), "%s/cni-err", tmp);
                assert_int_equal(fx_write(tmp, "cni-in", "%s", "{\"cniVersion\":\"1.1.0\"}"), 0);
                posix_spawn_file_actions_t fa;
                assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
                assert_int_equal(posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0), 0);
                assert_int_equal(posix_spawn_file_actions_addopen(&fa, 1, "/dev/full", O_WRONLY, 0), 0);
                assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
                char *const argv[] = {"sriov-vf", NULL};
                char *const env[] = {(char *)envs[i][0], NULL};
                pid_t pid;
                assert_int_equal(posix_spawn(&pid, SRIOV_VF_PATH, &fa, NULL, argv, env), 0);
                posix_spawn_file_actions_destroy(&fa);
                int status;
                while (waitpid(pid, &status, 0) < 0)
                        assert_int_equal(errno, EINTR);
                char *e = slurp(err, NULL);
                assert_non_null(e);
                const char *at = strstr(e, msg);
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 1 || !at || strstr(at + 1, msg) ||
                    (envs[i][1] && !strstr(e, envs[i][1])))
                        fail_msg("sriov-vf %s >/dev/full: status 0x%x, expected exit 1 with, once, %s\nstderr: %s",
                                 envs[i][0], status, msg, e);
                free(e);
        }
}

/* apply FILE quotes no text of a file that is not an apply file (a secret,
 * whose first line would land in a terminal or a log): as config does. */
static void apply_text_not_shown(void **state)
{
        (void)state;
        static const char *const files[] = {
                SHADOW,
                "password hunter2-SECRET\n",
                "# a comment\n\nSECRET\n",
        };
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                char path[4096];
                snprintf(path, sizeof(path), "%s/notapply", tmp);
                assert_int_equal(fx_write(tmp, "notapply", "%s", files[i]), 0);
                struct result r = run("apply", path, "--sysfs-root", tree, NULL);
                expect_code(r, 4);
                assert_contains(r.err, "notapply:");
                assert_contains(r.err, ": not an apply file");
                if (strstr(r.err, "SECRET") || strstr(r.err, "password"))
                        fail_msg("apply of a file that is not an apply file shows its text:\n%s", r.err);
                result_done(&r);
        }
        /* in an apply file, only the word that broke the rule */
        char path[4096];
        snprintf(path, sizeof(path), "%s/apply2", tmp);
        assert_int_equal(fx_write(tmp, "apply2", "%s", "enp2s0f0 vf 0 mac " MAC "\nenp2s0f0 vf 1 vlan 5000\n"), 0);
        struct result r = run("apply", path, "--sysfs-root", tree, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "apply2:2: vlan '5000'");
        result_done(&r);
}

/* A config file root's udev-event would read but another user owns is
 * refused (root only: a file of another owner cannot be made otherwise). */
static void config_owner(void **state)
{
        (void)state;
        if (geteuid() != 0)
                skip();
        char dir[4096], file[4096];
        snprintf(dir, sizeof(dir), "%s/owned-conf", tmp);
        snprintf(file, sizeof(file), "%s/a.conf", dir);
        assert_int_equal(fx_write(tmp, "owned-conf/a.conf", "%s", "pf 0000:02:00.0 numvfs 7\n"), 0);
        assert_int_equal(chown(file, 1000, 1000), 0);
        struct result r = run("config", "check", "--config-dir", dir, "--sysfs-root", tree, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "a.conf is owned by uid 1000, not by the effective uid 0: not trusted");
        result_done(&r);
        assert_int_equal(chown(file, 0, 0), 0);
        assert_int_equal(chown(dir, 1000, 1000), 0);
        r = run("config", "check", "--config-dir", dir, "--sysfs-root", tree, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "owned-conf is owned by uid 1000, not by the effective uid 0: not trusted");
        result_done(&r);
}

/* show --json has what the table prints after the VFs: driver answers and
 * saved VFs (from the state directory named with --state-dir). */
static void show_json_state(void **state)
{
        (void)state;
        char sd[4096];
        snprintf(sd, sizeof(sd), "%s/show-state", tmp);
        assert_int_equal(fx_mkdir_p(tmp, "show-state/drivers"), 0);
        assert_int_equal(fx_mkdir_p(tmp, "show-state/vfs"), 0);
        assert_int_equal(fx_write(sd, "drivers/igb.json", "%s",
                                  "{\"driver\":\"igb\",\"attributes\":{"
                                  "\"proto\":{\"value\":\"802.1ad\",\"result\":\"EPROTONOSUPPORT\",\"errno\":93},"
                                  "\"max-rate\":{\"value\":\"100\",\"result\":\"ok\",\"errno\":0}}}"),
                         0);
        assert_int_equal(fx_write(sd, "vfs/0000:02:00.0.json", "%s",
                                  "{\"pf\":\"0000:02:00.0\",\"vfs\":{\"4\":\"vlan 0\",\"1\":\"mac " MAC "\"}}"),
                         0);
        struct result r = run("show", "enp2s0f0", "--json", "--sysfs-root", tree, "--state-dir", sd, NULL);
        expect_code(r, 0);
        json_object *o = json_tokener_parse(r.out), *v, *a;
        if (!o)
                fail_msg("not JSON: %s", r.out);
        assert_true(json_object_object_get_ex(o, "driver_answers", &v));
        assert_int_equal(json_object_array_length(v), 2);
        a = json_object_array_get_idx(v, 0);
        assert_string_equal(json_object_get_string(json_object_object_get(a, "attribute")), "proto");
        assert_string_equal(json_object_get_string(json_object_object_get(a, "value")), "802.1ad");
        assert_false(json_object_get_boolean(json_object_object_get(a, "accepted")));
        assert_string_equal(json_object_get_string(json_object_object_get(a, "error")), "EPROTONOSUPPORT");
        assert_int_equal(json_object_get_int(json_object_object_get(a, "errno")), 93);
        a = json_object_array_get_idx(v, 1);
        assert_string_equal(json_object_get_string(json_object_object_get(a, "attribute")), "max-rate");
        assert_true(json_object_get_boolean(json_object_object_get(a, "accepted")));
        assert_true(json_object_object_get_ex(a, "error", &v) && v == NULL);
        assert_true(json_object_object_get_ex(o, "saved_vfs", &v));
        assert_int_equal(json_object_array_length(v), 2);
        assert_int_equal(json_object_get_int(json_object_array_get_idx(v, 0)), 1);
        assert_int_equal(json_object_get_int(json_object_array_get_idx(v, 1)), 4);
        json_object_put(o);
        result_done(&r);
        /* the table prints the same */
        r = run("show", "enp2s0f0", "--sysfs-root", tree, "--state-dir", sd, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "proto      refused: EPROTONOSUPPORT (Protocol not supported), value 802.1ad");
        assert_contains(r.out, "`sriovctl restore enp2s0f0 vf N|all`): vf 1,4");
        result_done(&r);
        /* a fixture tree without a state dir named: not read, null (the
         * default state dir describes the live host) */
        r = run("show", "enp2s0f0", "--json", "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        o = json_tokener_parse(r.out);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "driver_answers", &v) && v == NULL);
        assert_true(json_object_object_get_ex(o, "saved_vfs", &v) && v == NULL);
        json_object_put(o);
        result_done(&r);
}

/* Every device `list` prints for a PF is one each command takes (a
 * netdevsim PF too, which has no PCI identity): past resolving, the
 * fixture's netdevs are not in the kernel, so a command that asks it
 * says RTM_GETLINK. And the checks before netlink, with exit 4. */
static void listed_devices(void **state)
{
        (void)state;
        char sd[4096], conf[4096], cd[4096];
        snprintf(sd, sizeof(sd), "%s/listed-state", tmp);
        snprintf(cd, sizeof(cd), "%s/listed-conf", tmp);
        assert_int_equal(fx_mkdir_p(tmp, "listed-conf"), 0);
        /* list --names: what every command takes as DEVICE */
        struct result r = run("list", "--names", "--sysfs-root", tree, NULL);
        expect_code(r, 0);
        char *names = strdup(r.out), *save = NULL;
        assert_non_null(names);
        result_done(&r);
        size_t n_names = 0;
        for (const char *d = strtok_r(names, "\n", &save); d; d = strtok_r(NULL, "\n", &save), n_names++) {
                r = run("show", d, "--sysfs-root", tree, NULL);
                expect_code(r, 0);
                result_done(&r);
                r = run("set", d, "vf", "0", "trust", "on", "--sysfs-root", tree, "--state-dir", sd, NULL);
                assert_contains(r.err, "RTM_GETLINK");
                result_done(&r);
                r = run("port-profile", d, "vf", "0", "status", "--sysfs-root", tree, NULL);
                assert_contains(r.err, "RTM_GETLINK");
                result_done(&r);
                r = run("restore", d, "vf", "0", "--sysfs-root", tree, "--state-dir", sd, NULL);
                expect_code(r, 0);
                assert_contains(r.err, "vf 0: no saved settings: nothing to restore");
                result_done(&r);
                assert_int_equal(fx_write(tmp, "listed.conf", "%s vf 1 trust on\n", d), 0);
                snprintf(conf, sizeof(conf), "%s/listed.conf", tmp);
                r = run("apply", conf, "--sysfs-root", tree, "--state-dir", sd, NULL);
                assert_contains(r.err, "RTM_GETLINK");
                result_done(&r);
                r = run("udev-event", d, "--sysfs-root", tree, "--state-dir", sd, "--config-dir", cd, NULL);
                expect_code(r, 0);
                result_done(&r);
        }
        free(names);
        assert_int_equal(n_names, 4); /* 0000:02:00.0 enp2s0f0 netdevsim1 eni1np1 */

        /* a VF index beyond sriov_numvfs, before any netlink request */
        r = run("set", "enp2s0f0", "vf", "99999", "trust", "on", "--sysfs-root", tree, "--state-dir", sd, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "enp2s0f0 vf 99999: VF index out of range: enp2s0f0 has 7 VFs (vf 0-6)");
        assert_not_contains(r.err, "RTM_GETLINK");
        result_done(&r);
        r = run("restore", "0000:02:00.0", "vf", "99", "--sysfs-root", tree, "--state-dir", sd, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "enp2s0f0 vf 99: VF index out of range: enp2s0f0 has 7 VFs (vf 0-6)");
        assert_not_contains(r.err, "nothing to restore");
        result_done(&r);
        r = run("port-profile", "netdevsim1", "vf", "2", "status", "--sysfs-root", tree, NULL);
        expect_code(r, 4);
        assert_contains(r.err, "eni1np1 vf 2: VF index out of range: eni1np1 has 2 VFs (vf 0-1)");
        result_done(&r);
        /* one VF under two names of its PF in one apply file */
        assert_int_equal(fx_write(tmp, "listed.conf", "%s",
                                  "enp2s0f0 vf 1 trust on\n# the same PF\n0000:02:00.0 vf 1 trust off\n"),
                         0);
        snprintf(conf, sizeof(conf), "%s/listed.conf", tmp);
        r = run("apply", conf, "--sysfs-root", tree, "--state-dir", sd, NULL);
        expect_code(r, 4);
        char want[4200];
        snprintf(want, sizeof(want), "%s:3: 0000:02:00.0 vf 1 is already configured at %s:1 (as enp2s0f0 vf 1", conf,
                 conf);
        assert_contains(r.err, want);
        assert_not_contains(r.err, "RTM_GETLINK");
        result_done(&r);
}

/* Every JSON document sriovctl prints is in the one style (sriov-vf's:
 * test-cni.c), the streamed list too, with and without the store read. */
static void json_style(void **state)
{
        (void)state;
        char sd[4096];
        snprintf(sd, sizeof(sd), "%s/style-state", tmp);
        assert_int_equal(fx_write(tmp, "style-state/allocations.json", "%s",
                                  "{\"allocations\":[{\"domain\":\"web\",\"interface\":0,\"kind\":\"hostdev\","
                                  "\"mac\":\"52:54:00:00:00:01\",\"pf\":\"0000:02:00.0\",\"vf\":1,"
                                  "\"vf_address\":\"0000:02:10.2\",\"pf_ifname\":\"enp2s0f0\",\"config\":\"vlan 5\","
                                  "\"pending\":false}]}\n"),
                         0);
        char empty[4096];
        snprintf(empty, sizeof(empty), "%s/style-empty", tmp);
        assert_int_equal(fx_mkdir_p(tmp, "style-empty"), 0);
        const char *const *cases[] = {
                (const char *[]){"list", "--json", "--sysfs-root", empty, NULL},
                (const char *[]){"list", "--json", "--sysfs-root", tree, NULL},
                (const char *[]){"list", "--json", "--sysfs-root", tree, "--state-dir", sd, NULL},
                (const char *[]){"show", "enp2s0f0", "--json", "--sysfs-root", tree, NULL},
                (const char *[]){"show", "netdevsim1", "--json", "--sysfs-root", tree, "--state-dir", sd, NULL},
                (const char *[]){"allocations", "--json", "--state-dir", sd, NULL},
                (const char *[]){"allocations", "--json", "--state-dir", empty, NULL},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *argv[16] = {0};
                for (size_t k = 0; cases[i][k]; k++)
                        argv[k + 1] = cases[i][k];
                struct result r = run_argv(argv);
                expect_code(r, 0);
                char what[64];
                snprintf(what, sizeof(what), "sriovctl %s %s", argv[1], argv[2]);
                assert_json_style(what, r.out);
                result_done(&r);
        }
        /* the holder of VF 1, from the store */
        struct result r = run("show", "enp2s0f0", "--sysfs-root", tree, "--state-dir", sd, NULL);
        expect_code(r, 0);
        assert_contains(r.out, "guest web interface #1 (hostdev)");
        result_done(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(list_ok),   cmocka_unit_test(show_ok),
                cmocka_unit_test(show_nodev), cmocka_unit_test(bad_input),
                cmocka_unit_test(usage),     cmocka_unit_test(warnings_on_stderr),
                cmocka_unit_test(real_dump), cmocka_unit_test(attach_refusals),
                cmocka_unit_test(exit_status_walk), cmocka_unit_test(command_help),
                cmocka_unit_test(messages),
                cmocka_unit_test(show_json_state), cmocka_unit_test(output_errors),
                cmocka_unit_test(apply_text_not_shown), cmocka_unit_test(config_owner),
                cmocka_unit_test(list_names),          cmocka_unit_test(ip_link_words),
                cmocka_unit_test(listed_devices),      cmocka_unit_test(json_style),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}

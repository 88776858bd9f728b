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
        char out[4096], err[4096];
        snprintf(out, sizeof(out), "%s/stdout", tmp);
        snprintf(err, sizeof(err), "%s/stderr", tmp);
        posix_spawn_file_actions_t fa;
        assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
        pid_t pid;
        int r = posix_spawn(&pid, SRIOVCTL_PATH, &fa, NULL, (char *const *)argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0)
                fail_msg("spawning %s: %s", SRIOVCTL_PATH, strerror(r));
        int status;
        while (waitpid(pid, &status, 0) < 0)
                assert_int_equal(errno, EINTR);
        struct result res = {.out = slurp(out, NULL), .err = slurp(err, NULL)};
        assert_non_null(res.out);
        assert_non_null(res.err);
        if (!WIFEXITED(status))
                fail_msg("sriovctl %s %s: killed by signal %d\nstderr: %s", argv[1], argv[2] ? argv[2] : "",
                         WTERMSIG(status), res.err);
        res.code = WEXITSTATUS(status);
        return res;
}

#define expect_code(res, want)                                                                    \
        do {                                                                                      \
                if ((res).code != (want))                                                         \
                        fail_msg("exit %d, expected %d\nstdout: %s\nstderr: %s", (res).code, (want), \
                                 (res).out, (res).err);                                           \
        } while (0)

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
        assert_contains(r.err, "warning:");
        assert_contains(r.err, "sriov_totalvfs: value '-1'");
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
        assert_contains(r.err, "attach: missing --domain GUEST.xml");
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
        assert_contains(r.out, "\"allocations\":[");
        result_done(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(list_ok),   cmocka_unit_test(show_ok),
                cmocka_unit_test(show_nodev), cmocka_unit_test(bad_input),
                cmocka_unit_test(usage),     cmocka_unit_test(warnings_on_stderr),
                cmocka_unit_test(real_dump), cmocka_unit_test(attach_refusals),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}

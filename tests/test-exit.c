/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The CLI's one errno -> exit status table (src/cli.c, linked in), and
 * that README.md and sriovctl(1) document every status it has. */
#include <errno.h>

/* before cmocka, whose fail() macro would eat cli.h's fail() */
#include "cli.h"

#include "testutil.h"

static void table(void **state)
{
        (void)state;
        static const struct {
                int err, input, operation;
        } cases[] = {
                {0, EXIT_OK, EXIT_OK},
                {ENOMEM, EXIT_FAIL, EXIT_FAIL},
                {ENODEV, EXIT_NODEV, EXIT_NODEV},
                {ENOENT, EXIT_BADINPUT, EXIT_NODEV},
                {EINVAL, EXIT_BADINPUT, EXIT_FAIL},
                {ERANGE, EXIT_BADINPUT, EXIT_BADINPUT},
                {EBADMSG, EXIT_BADINPUT, EXIT_BADINPUT},
                {EIO, EXIT_BADINPUT, EXIT_FAIL},
                /* a driver's refusal is a failure, not "no device" */
                {EOPNOTSUPP, EXIT_BADINPUT, EXIT_FAIL},
                {EPERM, EXIT_BADINPUT, EXIT_FAIL},
                {ETIMEDOUT, EXIT_BADINPUT, EXIT_FAIL},
                {EBUSY, EXIT_BADINPUT, EXIT_FAIL},
                /* an allocation (guest, pod) holds the VF: the guest-safety refusal */
                {EADDRINUSE, EXIT_HELD, EXIT_HELD},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                if (exit_status(-cases[i].err, true) != cases[i].input)
                        fail_msg("errno %d reading input: exit %d, expected %d", cases[i].err,
                                 exit_status(-cases[i].err, true), cases[i].input);
                if (exit_status(-cases[i].err, false) != cases[i].operation)
                        fail_msg("errno %d from the operation: exit %d, expected %d", cases[i].err,
                                 exit_status(-cases[i].err, false), cases[i].operation);
        }
        assert_int_equal(EXIT_HELD, 5);
}

/* Every status of exit_status_docs is in README's table and the man page. */
static void documented(void **state)
{
        (void)state;
        char *readme = slurp(SRIOV_SOURCE_DIR "/README.md", NULL);
        char *man = slurp(SRIOV_MAN1, NULL); /* generated: doc/sriovctl.1.in */
        assert_non_null(readme);
        assert_non_null(man);
        const char *readme_table = strstr(readme, "| status | meaning |");
        const char *man_section = strstr(man, ".SH EXIT STATUS");
        assert_non_null(readme_table);
        assert_non_null(man_section);
        for (size_t i = 0; i < ELEMENTS(exit_status_docs); i++) {
                assert_int_equal(exit_status_docs[i].status, (int)i);
                char row[16], item[16];
                snprintf(row, sizeof(row), "\n| %zu | ", i);
                snprintf(item, sizeof(item), ".TP\n.B %zu\n", i);
                if (!strstr(readme_table, row))
                        fail_msg("README.md's exit status table has no row for %zu", i);
                if (!strstr(man_section, item))
                        fail_msg("sriovctl.1's EXIT STATUS has no item for %zu", i);
        }
        char row[16];
        snprintf(row, sizeof(row), "\n| %zu | ", ELEMENTS(exit_status_docs));
        assert_null(strstr(readme_table, row)); /* no status the CLI does not have */
        free(readme);
        free(man);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(table),
                cmocka_unit_test(documented),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

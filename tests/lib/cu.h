/* SPDX-License-Identifier: GPL-2.0 */
/* The CUnit runner every test binary shares. */
#ifndef BPFW_TESTS_CU_H
#define BPFW_TESTS_CU_H

#include <CUnit/Basic.h>

struct cu_test {
	const char *name;
	CU_TestFunc fn;
};

/* Run the tests of @tests (ended by an empty entry) as suite @suite; 0 if all passed. */
int cu_run(const char *suite, const struct cu_test *tests);

#endif /* BPFW_TESTS_CU_H */

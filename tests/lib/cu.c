// SPDX-License-Identifier: GPL-2.0
/* The CUnit runner every test binary shares: one suite, verbose, exit status. */
#include "cu.h"

int cu_run(const char *suite, const struct cu_test *tests)
{
	unsigned int failed;
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite(suite, NULL, NULL);
	for (const struct cu_test *t = tests; s && t->name; t++)
		if (!CU_add_test(s, t->name, t->fn))
			s = NULL;
	if (!s) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Ranges of big-endian keys (addresses, ports, a concatenation's bytes) as
 * numbers of up to 128 bits, and the prefixes that cover them exactly: the
 * LPM trie of the compiler's lookups and the rules import makes of a set.
 */
#include "bpfw/ir.h"

ir_u128 ir_be_value(const uint8_t *b, unsigned int len)
{
	ir_u128 v = 0;

	for (unsigned int i = 0; i < len; i++)
		v = v << 8 | b[i];
	return v;
}

/* The number with the low @k bits set. */
static ir_u128 ones(unsigned int k)
{
	return k >= 128 ? ~(ir_u128)0 : ((ir_u128)1 << k) - 1;
}

unsigned int ir_range_prefix(ir_u128 lo, ir_u128 hi, unsigned int bits)
{
	unsigned int k = 0;	/* the block is 2^k numbers */

	while (k < bits && !(lo & ones(k + 1)) && lo + ones(k + 1) <= hi &&
	       lo + ones(k + 1) >= lo)
		k++;
	return bits - k;
}

// SPDX-License-Identifier: GPL-2.0
/* -m set as iptables-save and iptables -L print it (libxt_set's revision 4). */
#include "ipt_fmt.h"

void ipt_fmt_set(FILE *out, const struct ir_match_set *ms, bool save)
{
	if (save)
		fprintf(out, " -m set%s --match-set %s ", ms->invert ? " !" : "", ms->name);
	else
		fprintf(out, " %smatch-set %s ", ms->invert ? "! " : "", ms->name);
	for (unsigned int i = 0; i < ms->dim; i++)
		fprintf(out, "%s%s", i ? "," : "", (ms->src & (1u << i)) ? "src" : "dst");
}

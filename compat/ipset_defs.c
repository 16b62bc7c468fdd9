// SPDX-License-Identifier: GPL-2.0
/*
 * ipset create, destroy, rename and swap: changes of the set definitions in
 * the rule set, committed as a new generation.  A set keeps its id (and so
 * its map and elements) through a rename; a swap exchanges the ids, so each
 * name then stands for the other's map, as ipset swaps the sets' contents.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "ipset_run.h"

int ipset_run_find(struct ipset_run *run, const char *name, struct ir_set **out,
		   struct bpfw_err *err)
{
	*out = ir_set_find(run->t.rs, name);
	if (!*out)
		return bpfw_errf(err, IPSET_EXIT_OTHER, ENOENT,
				 "The set with the given name does not exist");
	return 0;
}

int ipset_create(struct ipset_run *run, char *const *words, int n, struct bpfw_err *err)
{
	struct ir_set s = { 0 }, *old;
	int ret;

	if (n < 1)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
				 "Missing mandatory argument to command create");
	if (n < 2)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
				 "Missing second mandatory argument to command create");
	ret = ipset_check_name(words[0], err);
	if (ret)
		return ret;
	snprintf(s.name, sizeof(s.name), "%s", words[0]);
	ret = ipset_parse_create(words + 1, n - 1, false, &s, err);
	if (ret)
		return ret;
	old = ir_set_find(run->t.rs, s.name);
	if (old && run->exist && ipset_same_def(old, &s))
		return 0;
	if (old)
		return bpfw_errf(err, IPSET_EXIT_OTHER, EEXIST,
				 "Set cannot be created: set with the same name already exists");
	/* a seed of its own, as the kernel's; a restored one is kept */
	if (!s.initval && getrandom(&s.initval, sizeof(s.initval), 0) != sizeof(s.initval))
		s.initval = 0x2f8c4a1bu;
	/* ids are never reused, whatever a damaged state's "seq" says */
	for (unsigned int i = 0; i < run->t.rs->n_sets; i++)
		if (run->t.rs->sets[i].id >= run->t.rs->set_seq)
			run->t.rs->set_seq = run->t.rs->sets[i].id + 1;
	s.id = run->t.rs->set_seq++;
	if (ir_set_add(run->t.rs, &s))
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	run->pending = true;
	return 0;
}

int ipset_destroy(struct ipset_run *run, const char *name, struct bpfw_err *err)
{
	struct ir_ruleset *rs = run->t.rs;
	struct ir_set *s;
	int ret;

	if (!name) {
		for (unsigned int i = 0; i < rs->n_sets; i++)
			if (ir_set_refcount(rs, rs->sets[i].name))
				return bpfw_errf(err, IPSET_EXIT_OTHER, EBUSY,
						 "Set cannot be destroyed: it is in use by a "
						 "kernel component");
		run->pending |= rs->n_sets > 0;
		rs->n_sets = 0;
		return 0;
	}
	/* -exist: a set that is not there is destroyed already */
	if (run->exist && !ir_set_find(rs, name))
		return 0;
	ret = ipset_run_find(run, name, &s, err);
	if (ret)
		return ret;
	if (ir_set_refcount(rs, name))
		return bpfw_errf(err, IPSET_EXIT_OTHER, EBUSY,
				 "Set cannot be destroyed: it is in use by a kernel component");
	ir_set_del(rs, s);
	run->pending = true;
	return 0;
}

int ipset_rename(struct ipset_run *run, const char *from, const char *to, struct bpfw_err *err)
{
	struct ir_set *s;
	int ret;

	ret = ipset_check_name(to, err);
	if (!ret)
		ret = ipset_run_find(run, from, &s, err);
	if (ret)
		return ret;
	if (ir_set_find(run->t.rs, to))
		return bpfw_errf(err, IPSET_EXIT_OTHER, EEXIST,
				 "Set cannot be renamed: a set with the new name already exists");
	if (ir_set_refcount(run->t.rs, from))
		return bpfw_errf(err, IPSET_EXIT_OTHER, EBUSY,
				 "Set cannot be renamed: it is in use by another system");
	snprintf(s->name, sizeof(s->name), "%s", to);
	run->pending = true;
	return 0;
}

int ipset_swap(struct ipset_run *run, const char *a, const char *b, struct bpfw_err *err)
{
	struct ir_set *sa, *sb, tmp;
	int ret;

	ret = ipset_run_find(run, a, &sa, err);
	if (ret)
		return ret;
	sb = ir_set_find(run->t.rs, b);
	if (!sb)
		return bpfw_errf(err, IPSET_EXIT_OTHER, ENOENT,
				 "Sets cannot be swapped: the second set does not exist");
	if (sa->type != sb->type)
		return bpfw_errf(err, IPSET_EXIT_OTHER, EINVAL,
				 "The sets cannot be swapped: their type does not match");
	if (sa->family != sb->family)
		return bpfw_errf(err, IPSET_EXIT_OTHER, EINVAL,
				 "The sets cannot be swapped: their family does not match");
	/* everything but the names: the rules that name one now see the other's elements */
	tmp = *sa;
	*sa = *sb;
	*sb = tmp;
	memcpy(sb->name, sa->name, sizeof(sb->name));
	memcpy(sa->name, tmp.name, sizeof(sa->name));
	run->pending = true;
	return 0;
}

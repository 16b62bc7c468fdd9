#!/usr/bin/env bash
# tests/conformance-nft.sh - nftables' own rule tests (tests/py/*.t of the
# ip, ip6, inet and any families) run against "bpfw nft".
#
# Usage: tests/conformance-nft.sh [--bpfw BINARY] [--regen] [-v] [FAMILY/FILE.t...]
#
#   --bpfw BINARY  the bpfw under test (default: $BPFW, else build/bpfw)
#   --regen        rewrite tests/conformance-expect/nft/*.pass from this run
#   -v             print every line's result, not only the failures
#
# For each file, each table of the families ip, ip6 and inet it names is set
# up with its chains in a scratch network namespace; then every line is run
# as "bpfw nft -c -f" on that set-up plus the line ("add rule ...",
# "add set ...", "add element ...") plus "list chain ...":
#   ok line    must be accepted and list back as the third field says (or as
#              written); accepted sets and elements stay in the set-up
#   fail line  must be refused
# A line refused with "... is not supported by bpfw" is "unsupported", not
# a failure.  Lines kept in tests/conformance-expect/nft/FAMILY_FILE.pass
# must pass: one that does not is a regression, and the run fails.  Prints
# "FILE: N passed, N failed, N unsupported" per file and the totals last.

set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYT=$(cd "$ROOT/../shared/conformance/nftables/py" 2>/dev/null && pwd)
export BPFW_LOCK=${BPFW_LOCK:-/tmp/bpfw-conformance-nft.lock}
bpfw=${BPFW:-$ROOT/build/bpfw}
regen=0
verbose=0
files=()

while [ $# -gt 0 ]; do
	case "$1" in
	--bpfw) bpfw=$(realpath "$2"); shift ;;
	--regen) regen=1 ;;
	-v) verbose=1 ;;
	-h|--help) sed -n '2,24s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) files+=("$1") ;;
	esac
	shift
done
[ -n "$PYT" ] || { echo "no ../shared/conformance/nftables/py" >&2; exit 2; }
NS="bpfw-confnft-$$"
ip netns add "$NS" || exit 2
trap 'ip netns del "$NS" 2>/dev/null' EXIT
ip -n "$NS" link set lo up

cd "$PYT" || exit 2
[ ${#files[@]} -gt 0 ] || files=(ip/*.t ip6/*.t inet/*.t any/*.t)
exec 3<&0
python3 - "$bpfw" "$NS" "$ROOT/tests/conformance-expect/nft" "$regen" "$verbose" "${files[@]}" <<'EOF'
import concurrent.futures, os, re, subprocess, sys, tempfile

bpfw, ns, expect_dir, regen, verbose = sys.argv[1], sys.argv[2], sys.argv[3], \
    sys.argv[4] == "1", sys.argv[5] == "1"
files = sys.argv[6:]
FAMILIES = ("ip", "ip6", "inet")


def norm(s):
    """A listing compared as nft's tests compare it: spacing and set order aside."""
    s = " ".join(s.split())
    s = re.sub(r"\s*([{},:])\s*", r"\1", s)

    def sort_set(m):
        return "{" + ",".join(sorted(m.group(1).split(","))) + "}"
    return re.sub(r"\{([^{}]*)\}", sort_set, s)


def run(text):
    with tempfile.NamedTemporaryFile("w", suffix=".nft", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        p = subprocess.run(["ip", "netns", "exec", ns, bpfw, "nft", "-c", "-s", "-f", path],
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, "", "timeout"
    finally:
        os.unlink(path)


def split_line(line):
    parts = line.split(";")
    for i in range(1, len(parts)):
        if parts[i] in ("ok", "fail"):
            return ";".join(parts[:i]), parts[i], ";".join(parts[i + 1:]) or None
    return None, None, None


def rules_listed(out):
    rules = []
    for l in out.splitlines():
        if l.startswith("\t\t") and not l.startswith("\t\ttype filter hook"):
            rules.append(l.strip())
    return rules


def load_expect(name):
    try:
        with open(os.path.join(expect_dir, name)) as f:
            return set(l.rstrip("\n") for l in f if l.strip())
    except OSError:
        return set()


def do_file(fname):
    """One .t file: its lines to print, its counts and its regressions."""
    report = []
    regressions = 0
    try:
        lines = open(fname).read().splitlines()
    except OSError as e:
        return ["%s: %s" % (fname, e)], [0, 0, 0], 1
    chain_defs, tables, counts = {}, [], [0, 0, 0]
    for l in lines:
        if l.startswith(":"):
            name, _, spec = l[1:].partition(";")
            chain_defs[name] = spec
        elif l.startswith("*"):
            fam, tname, chains = (l[1:].split(";") + ["", ""])[:3]
            if fam in FAMILIES:
                tables.append((fam, tname, [c for c in chains.split(",") if c]))
    setups = {}
    for fam, tname, chains in tables:
        s = "add table %s %s\n" % (fam, tname)
        usable = []
        for c in chains:
            spec = chain_defs.get(c, "")
            s += "add chain %s %s %s { %s; }\n" % (fam, tname, c, spec)
            usable.append(c)
        setups[(fam, tname)] = [s, usable]
    passed = []
    refused_sets = set()
    for lineno, l in enumerate(lines, 1):
        if not l or l[0] in "#:*-" or l.startswith("- "):
            continue
        rule, result, expected = split_line(l)
        if rule is None:
            continue
        for fam, tname, chains in tables:
            setup = setups[(fam, tname)]
            if not setup[1]:
                continue
            chain = setup[1][0]
            kind = "rule"
            if rule.startswith("!"):
                name, _, spec = rule[1:].partition(" ")
                cmd = "add set %s %s %s { %s; }\n" % (fam, tname, name, spec)
                kind = "set"
            elif rule.startswith("?"):
                name, _, elems = rule[1:].partition(" ")
                cmd = "add element %s %s %s { %s }\n" % (fam, tname, name, elems)
                kind = "element"
            elif rule.startswith("%"):
                name, _, spec = rule[1:].partition(" ")
                obj = spec.split()[1] if len(spec.split()) > 1 else spec
                cmd = "add %s %s %s %s { %s; }\n" % (obj, fam, tname, name, spec)
                kind = "object"
            else:
                cmd = "add rule %s %s %s %s\n" % (fam, tname, chain, rule)
            listing = "list chain %s %s %s\n" % (fam, tname, chain) if kind == "rule" else ""
            tag = "%s:%d: %s [%s]" % (fname, lineno, rule, fam)
            names = set(re.findall(r"@([A-Za-z0-9_]+)", rule))
            if kind in ("element", "set"):
                names.add(name)
            if kind != "set" and names & refused_sets:
                # it names a set bpfw refused to make
                rc, out, err = 1, "", "not supported by bpfw"
            else:
                rc, out, err = run(setup[0] + cmd + listing)
            if kind == "set" and rc and "not supported by bpfw" in err:
                refused_sets.add(name)
            if rc and "not supported by bpfw" in err:
                verdict = "UNSUPPORTED" if result == "ok" else "PASS"
            elif result == "fail":
                verdict = "PASS" if rc else "FAIL"
            elif rc:
                verdict = "FAIL"
            elif kind != "rule":
                verdict = "PASS"
            else:
                got = rules_listed(out)
                want = expected if expected is not None else rule
                verdict = "PASS" if got and norm(got[-1]) == norm(want) else "FAIL"
            if verdict == "PASS" and result == "ok" and kind in ("set", "element"):
                setup[0] += cmd
            idx = {"PASS": 0, "FAIL": 1, "UNSUPPORTED": 2}[verdict]
            counts[idx] += 1
            if verdict == "PASS":
                passed.append(tag)
            if verbose or verdict == "FAIL":
                detail = ""
                if verdict == "UNSUPPORTED" and err.strip():
                    detail = " -> " + err.strip().splitlines()[-1]
                if verdict == "FAIL":
                    got = rules_listed(out)
                    detail = " -> " + (err.strip().splitlines()[-1] if rc and err.strip()
                                       else "listed: " + (got[-1] if got else "(nothing)"))
                report.append("%s %s%s" % (verdict, tag, detail))
    exp_name = fname.replace("/", "_") + ".pass"
    want = load_expect(exp_name)
    lost = sorted(want - set(passed))
    for t in lost:
        report.append("REGRESSION %s" % t)
    regressions += len(lost)
    if regen:
        with open(os.path.join(expect_dir, exp_name), "w") as f:
            for t in passed:
                f.write(t + "\n")
    report.append("%s: %d passed, %d failed, %d unsupported" % (fname, *counts))
    return report, counts, regressions


tot = [0, 0, 0]
regressions = 0
# two files at a time: each has its own tables, and "nft -c" takes a shared lock
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    for out, counts, regress in pool.map(do_file, files):
        for l in out:
            print(l)
        regressions += regress
        for i in range(3):
            tot[i] += counts[i]
print("total: %d passed, %d failed, %d unsupported, %d regressions" % (*tot, regressions))
sys.exit(1 if regressions else 0)
EOF

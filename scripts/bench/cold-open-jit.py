#!/usr/bin/env python3
"""What each fresh service JVM compiled around a bench run's cold open, and why.

Run the bench with HotSpot's compilation log on the three services, one file per JVM:

    mkdir -p jit && BENCH_SERVICE_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation \
        -XX:LogFile=$PWD/jit/%p.log" scripts/bench.sh
    python3 scripts/bench/cold-open-jit.py bench-results.json jit/*.log

The window is the bench's own (cold_open.open_ms, cold_open.window_s); a JVM's log stamps are seconds since
its start (the log's time_ms). Logs of JVMs that were not alive at the opening are skipped. For each JVM it
prints:
  - the C2 methods installed in the window, by what they were before the lead (the BENCH_COLD_LEAD seconds
    before the opening, when the crowd is answered SALE_NOT_STARTED): never compiled, tier 2 or tier 3 only
    (profiled but not yet past C2's thresholds), or compiled by C2 before (a recompilation after a
    deoptimisation);
  - the uncommon traps (deoptimisations of compiled code) in the lead and in the window, by reason, and the
    methods that trapped most;
  - the packages whose methods C2 compiled in the window.
Only the standard library: a log is a few tens of MB of XML-like lines, read with regular expressions.
"""
import collections
import json
import re
import sys

NMETHOD = re.compile(r"<nmethod compile_id='(\d+)'(?: compile_kind='(\w+)')? compiler='(\w*)' level='(\d)'"
                     r"[^>]*?method='([^']*)'[^>]*?stamp='([\d.]+)'")
TRAP = re.compile(r"<uncommon_trap thread='\d+' reason='(\w+)' action='(\w+)'[^>]*?compile_id='(\d+)'"
                  r"[^>]*?stamp='([\d.]+)'")


def summarize(path, open_ms, window_s, lead_s):
    text = open(path, errors='replace').read()
    started = re.search(r"<hotspot_log [^>]*time_ms='(\d+)'", text)
    if not started:
        return
    command = re.search(r"<command>\s*([^<]*)</command>", text)
    name = command.group(1).split()[-1] if command else path
    opening = (open_ms - int(started.group(1))) / 1000
    lead, end = opening - lead_s, opening + window_s
    history = collections.defaultdict(list)
    methods = {}
    last_stamp = 0.0
    for compile_id, kind, compiler, level, method, stamp in NMETHOD.findall(text):
        stamp, level = float(stamp), int(level)
        last_stamp = max(last_stamp, stamp)
        methods[compile_id] = method
        if level > 0:
            history[method].append((stamp, level, kind))
    if last_stamp < opening:
        return
    kinds, packages = collections.Counter(), collections.Counter()
    for method, compiles in history.items():
        for stamp, level, kind in compiles:
            if level != 4 or not opening <= stamp < end:
                continue
            before = {lv for st, lv, _ in compiles if st < lead}
            if kind == 'osr':
                kinds['on-stack replacement'] += 1
            elif 4 in before:
                kinds['C2 before (recompiled after a deoptimisation)'] += 1
            elif 3 in before:
                kinds['tier 3 only before (profiled, never past C2 thresholds)'] += 1
            elif 2 in before:
                kinds['tier 2 only before'] += 1
            else:
                kinds['never compiled before'] += 1
            packages['.'.join(method.split(' ')[0].split('.')[:3])] += 1
    traps = {'lead': collections.Counter(), 'window': collections.Counter()}
    trapped = collections.Counter()
    for reason, action, compile_id, stamp in TRAP.findall(text):
        stamp = float(stamp)
        phase = 'lead' if lead <= stamp < opening else 'window' if opening <= stamp < end else None
        if phase:
            traps[phase][f'{reason}/{action}'] += 1
            trapped[methods.get(compile_id, '?').replace('&lt;', '<').replace('&gt;', '>')[:100]] += 1
    print(f"== {name} ({path}): opening at {opening:.1f} s of its life")
    print(f"   C2 methods installed in the {window_s:g} s window: {sum(kinds.values())}")
    for kind, n in kinds.most_common():
        print(f"     {n:4d}  {kind}")
    for phase in ('lead', 'window'):
        print(f"   uncommon traps in the {phase}: {sum(traps[phase].values())}  "
              + ', '.join(f'{k} {n}' for k, n in traps[phase].most_common(5)))
    for method, n in trapped.most_common(8):
        print(f"     {n:4d}  trapped: {method}")
    print("   packages C2 compiled in the window: " + ', '.join(f'{p} {n}' for p, n in packages.most_common(8)))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    results = json.load(open(sys.argv[1]))
    cold = results.get('cold_open') or {}
    if 'open_ms' not in cold:
        sys.exit(f"{sys.argv[1]}: no cold open measured ({cold.get('not_measured', 'no cold_open')})")
    for path in sys.argv[2:]:
        summarize(path, cold['open_ms'], cold['window_s'], cold.get('lead_s', 5))


if __name__ == '__main__':
    main()

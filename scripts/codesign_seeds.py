#!/usr/bin/env python3
"""codesign_seeds.py — issue 11 over seeds: per machine, dense / global / co-designed accuracy,
latency, energy per seed, and mean ± std of the latency gain and of the
accuracy gaps. Usage: codesign_seeds.py FILE... (codesign --format json outputs,
named cd-<machine>-s<seed>.json, as scripts/codesign_seeds.sh writes them)."""
import json, re, statistics as st, sys
rows = {}
for f in sys.argv[1:]:
    m = re.search(r'cd-(.+)-s(\d+)\.json$', f)
    d = json.load(open(f))
    c = {r['name']: r for r in d['comparison']}
    rows.setdefault(m.group(1), []).append((int(m.group(2)), c, d))
for mach, rs in sorted(rows.items()):
    print(f'\n{mach}')
    print('| seed | dense % | global % | co-designed % | global µs | co-designed µs | gain × | global µJ | co-designed µJ | choice | proxy\'s choice | confirmations (passed) |')
    print('|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|')
    gains, dg, dc = [], [], []
    for s, c, d in sorted(rs, key=lambda r: r[0]):
        de, g, co = c['dense'], c['global threshold'], c['co-designed']
        gain = g['latency_us'] / co['latency_us']
        gains.append(gain); dg.append(100*(g['accuracy']-de['accuracy'])); dc.append(100*(co['accuracy']-de['accuracy']))
        lk = co.get('layer_keeps') or {}
        choice = d['chosen'] if isinstance(d.get('chosen'), str) else ''
        conf = d.get('confirmations') or []
        tested = ', '.join(f"{x['name']} {'✓' if x['passed'] else '✗'}" for x in conf) or '-'
        print(f"| {s} | {100*de['accuracy']:.2f} | {100*g['accuracy']:.2f} | {100*co['accuracy']:.2f} | {g['latency_us']:.3f} | {co['latency_us']:.3f} | {gain:.2f} | {g['energy_pj']/1e6:.2f} | {co['energy_pj']/1e6:.2f} | {choice} | {d.get('proxy_chosen') or choice} | {tested} |")
    sd = lambda x: st.stdev(x) if len(x) > 1 else 0
    print(f"\nmean ± std over {len(gains)} seeds: gain {st.mean(gains):.2f} ± {sd(gains):.2f}×; "
          f"global − dense {st.mean(dg):+.2f} ± {sd(dg):.2f} pts; co-designed − dense {st.mean(dc):+.2f} ± {sd(dc):.2f} pts; "
          f"co-designed − global {st.mean([b-a for a,b in zip(dg,dc)]):+.2f} ± {sd([b-a for a,b in zip(dg,dc)]):.2f} pts")

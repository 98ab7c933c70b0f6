#!/usr/bin/python3
"""Cross-checks dcsim's systolic DRAM traffic per operand against Timeloop.

    scripts/timeloop_xcheck.py TIMELOOP_MODEL DCSIM [DCSIM_SCALESIM_ORDER]

TIMELOOP_MODEL is the timeloop-model binary of NVlabs/timeloop at 8e28dd9
(docs/validation.md says how to build it); DCSIM is a dcsim binary of this
code; DCSIM_SCALESIM_ORDER optionally a dcsim binary built before the loop-
order choice (commit 093e6b0), which always uses SCALE-Sim's order, for the
rows marked "SCALE-Sim order".

For each case the script writes a Timeloop architecture that mirrors dcsim's
buffers on configs/accelerators/systolic-32x32.yaml (32x32 PEs, 8-bit
operands, 32-bit partial sums, ifmap / filter / ofmap SRAM of 512 / 512 / 256
KiB, of which half is usable because dcsim double-buffers) and a mapping
constrained to the loop order dcsim reports for the layer (loop_order).
Timeloop nests its storage levels, dcsim's three buffers sit side by side: each
buffer becomes one level that keeps one operand and bypasses the others, and
the levels are nested in the order the loop nest needs (the buffer that keeps
its operand across the outermost loop is outermost). The stationary operand of
a fold sits in a one-entry register per PE.

It then compares DRAM traffic per operand in elements: ifmap reads, filter
reads, output updates (final writes and spilled partial sums) and output reads
(partial sums read back). Timeloop needs perfect factors, so its tiles are the
nearest factor-aligned ones (noted per case); with every operand moved once
this does not change DRAM traffic.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

DIMS = "RSPQCKN"
ROWS = COLS = 32
HALF_IFMAP = 512 * 1024 // 2  # entries of 8 bits
HALF_FILTER = 512 * 1024 // 2
HALF_OFMAP = 256 * 1024 // 2 // 4  # entries of 32 bits

# A level is (name, dataspace kept, entries, word bits, temporal factors,
# spatial factors or None). Levels are listed innermost first; DRAM is added
# on top with the "dram" factors of the case.
CASES = [
    {
        "label": "AlexNet conv1 (11×11 s4, 3→96)", "net": "alexnet", "layer": "conv1", "df": "ws",
        "problem": dict(R=11, S=11, P=55, Q=55, C=3, K=96, N=1, Wstride=4, Hstride=4),
        "order": "M,N,K,m",
        "levels": [
            ("PEReg", "Weights", 1, 8, dict(P=11, Q=55), None),
            ("OfmapBuf", "Outputs", HALF_OFMAP, 32, dict(C=3, R=11), dict(K=32, S=11)),
            ("IfmapBuf", "Inputs", HALF_IFMAP, 8, dict(K=3), None),
            ("FilterBuf", "Weights", HALF_FILTER, 8, dict(P=5), None),
        ],
        "dram": {},
        "note": "M tiles of 11 rows (605 px) for dcsim's 3 of 1009; K folds of 11 rows (S) for dcsim's 32",
    },
    {
        "label": "VGG-16 conv1_2 (3×3, 64→64, 224²)", "net": "vgg-16", "layer": "conv1_2", "df": "ws",
        "problem": dict(R=3, S=3, P=224, Q=224, C=64, K=64, N=1, Wstride=1, Hstride=1),
        "order": "M,N,K,m",
        "levels": [
            ("PEReg", "Weights", 1, 8, dict(P=4, Q=224), None),
            ("OfmapBuf", "Outputs", HALF_OFMAP, 32, dict(C=2, R=3, S=3), dict(K=32, C=32)),
            ("IfmapBuf", "Inputs", HALF_IFMAP, 8, dict(K=2), None),
            ("FilterBuf", "Weights", HALF_FILTER, 8, dict(P=56), None),
        ],
        "dram": {},
        "note": "M tiles of 4 rows (896 px) for dcsim's 49 of 1024",
    },
    {
        "label": "ResNet-18 layer1.0.conv1 (3×3, 64→64, 56²)", "net": "resnet-18", "layer": "layer1.0.conv1",
        "df": "ws",
        "problem": dict(R=3, S=3, P=56, Q=56, C=64, K=64, N=1, Wstride=1, Hstride=1),
        "order": "M,N,K,m",
        "levels": [
            ("PEReg", "Weights", 1, 8, dict(P=14, Q=56), None),
            ("OfmapBuf", "Outputs", HALF_OFMAP, 32, dict(C=2, R=3, S=3), dict(K=32, C=32)),
            ("IfmapBuf", "Inputs", HALF_IFMAP, 8, dict(K=2), None),
            ("FilterBuf", "Weights", HALF_FILTER, 8, dict(P=4), None),
        ],
        "dram": {},
        "note": "M tiles of 14 rows (784 px), as dcsim's 4",
    },
    {
        "label": "ResNet-18 layer2.0.downsample (1×1 s2, 64→128)", "net": "resnet-18",
        "layer": "layer2.0.downsample", "df": "ws",
        "problem": dict(R=1, S=1, P=28, Q=28, C=64, K=128, N=1, Wstride=2, Hstride=2),
        "order": "N,K,m",
        "levels": [
            ("PEReg", "Weights", 1, 8, dict(P=28, Q=28), None),
            ("FilterBuf", "Weights", HALF_FILTER, 8, {}, dict(K=32, C=32)),
            ("OfmapBuf", "Outputs", HALF_OFMAP, 32, dict(C=2), None),
            ("IfmapBuf", "Inputs", HALF_IFMAP, 8, dict(K=4), None),
        ],
        "dram": {},
        "note": "",
    },
    {
        "label": "AlexNet fc6 (9216→4096)", "net": "alexnet", "layer": "fc6", "df": "ws",
        "problem": dict(R=1, S=1, P=1, Q=1, C=9216, K=4096, N=1, Wstride=1, Hstride=1),
        "order": "N,K,m",
        "levels": [
            ("PEReg", "Weights", 1, 8, {}, None),
            ("FilterBuf", "Weights", HALF_FILTER, 8, {}, dict(K=32, C=32)),
            ("OfmapBuf", "Outputs", HALF_OFMAP, 32, dict(C=288), None),
            ("IfmapBuf", "Inputs", HALF_IFMAP, 8, dict(K=128), None),
        ],
        "dram": {},
        "note": "",
    },
    {
        "label": "VGG-16 conv1_2 on os", "net": "vgg-16", "layer": "conv1_2", "df": "os",
        "problem": dict(R=3, S=3, P=224, Q=224, C=64, K=64, N=1, Wstride=1, Hstride=1),
        "order": "M,N,k",
        "levels": [
            ("PEReg", "Outputs", 1, 32, dict(C=64, R=3, S=3), None),
            ("IfmapBuf", "Inputs", HALF_IFMAP, 8, dict(K=2, Q=7), dict(K=32, Q=32)),
            ("FilterBuf", "Weights", HALF_FILTER, 8, dict(P=224), None),
        ],
        "dram": {},
        "note": "row folds of 32 px along Q; the ifmap level keeps one output row's window (3 input rows)",
    },
    {
        "label": "VGG-16 conv1_2 on os, SCALE-Sim order", "net": "vgg-16", "layer": "conv1_2", "df": "os",
        "old": True,
        "problem": dict(R=3, S=3, P=224, Q=224, C=64, K=64, N=1, Wstride=1, Hstride=1),
        "order": "N,M,k",
        "levels": [
            ("PEReg", "Outputs", 1, 32, dict(C=64, R=3, S=3), None),
            ("IfmapBuf", "Inputs", HALF_IFMAP, 8, dict(Q=7), dict(K=32, Q=32)),
            ("FilterBuf", "Weights", HALF_FILTER, 8, dict(P=224), None),
        ],
        "dram": dict(K=2),
        "note": "column folds at DRAM: the ifmap (3.1 MiB) cannot stay",
    },
    {
        "label": "VGG-16 conv1_2 on ws, SCALE-Sim order", "net": "vgg-16", "layer": "conv1_2", "df": "ws",
        "old": True,
        "problem": dict(R=3, S=3, P=224, Q=224, C=64, K=64, N=1, Wstride=1, Hstride=1),
        "order": "N,K,m",
        "levels": [
            ("PEReg", "Weights", 1, 8, dict(Q=224), None),
            ("OfmapBuf", "Outputs", HALF_OFMAP, 32, {}, dict(K=32, C=32)),
            ("IfmapBuf", "Inputs", HALF_IFMAP, 8, {}, None),
            ("FilterBuf", "Weights", HALF_FILTER, 8, {}, None),
        ],
        # outer to inner: column fold K, row folds C R S, then the stream P
        "dram": dict(P=224, S=3, R=3, C=2, K=2),
        "dram_perm": "PSRCKQN",
        "note": "M×32 sums do not fit: one output row's sums stay, the rest spill",
    },
]


def factors(d):
    return " ".join("%s%d" % (k, d.get(k, 1)) for k in DIMS)


def perm(d):
    # innermost first: the dims this level iterates, in the order given, then the rest
    lead = "".join(d.keys())
    return lead + "".join(k for k in DIMS if k not in lead)


def arch_yaml(case):
    lv = case["levels"]
    storage = []
    for i, (name, ds, entries, bits, _, _) in enumerate(lv):
        inst = ROWS * COLS if i == 0 else 1
        mesh = COLS if i == 0 else 1
        storage.append("  - name: %s\n    entries: %d\n    instances: %d\n    meshX: %d\n    word-bits: %d\n"
                       % (name, entries, inst, mesh, bits))
    storage.append("  - name: DRAM\n    technology: DRAM\n    instances: 1\n    word-bits: 8\n")
    return ("arch:\n  arithmetic:\n    name: MAC\n    instances: %d\n    meshX: %d\n    word-bits: 8\n"
            "  storage:\n%s" % (ROWS * COLS, COLS, "".join(storage)))


def mapping_yaml(case):
    lv = case["levels"]
    out = ["mapping:"]
    for name, ds, _, _, _, _ in lv:
        others = [d for d in ("Weights", "Inputs", "Outputs") if d != ds]
        out.append("  - target: %s\n    type: datatype\n    keep: [%s]\n    bypass: [%s]" % (name, ds, ", ".join(others)))
    # The whole problem is spread over the levels; check the products.
    total = {k: 1 for k in DIMS}
    for name, _, _, _, temporal, spatial in lv:
        out.append("  - target: %s\n    type: temporal\n    factors: %s\n    permutation: %s"
                   % (name, factors(temporal), perm(temporal)))
        for k, v in temporal.items():
            total[k] *= v
        if spatial:
            # the first dimension goes over the array columns (X), the rest over rows (Y)
            out.append("  - target: %s\n    type: spatial\n    factors: %s\n    permutation: %s\n    split: 1"
                       % (name, factors(spatial), perm(spatial)))
            for k, v in spatial.items():
                total[k] *= v
    dram = case["dram"]
    out.append("  - target: DRAM\n    type: temporal\n    factors: %s\n    permutation: %s"
               % (factors(dram), case.get("dram_perm", perm(dram))))
    for k, v in dram.items():
        total[k] *= v
    for k in DIMS:
        if total[k] != case["problem"].get(k, 1):
            raise SystemExit("%s: factors of %s multiply to %d, problem has %d"
                             % (case["label"], k, total[k], case["problem"].get(k, 1)))
    return "\n".join(out) + "\n"


def problem_yaml(case):
    p = dict(case["problem"], Wdilation=1, Hdilation=1)
    return "problem:\n" + "".join("  %s: %d\n" % kv for kv in p.items())


def timeloop(binary, case):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "in.yaml")
        with open(path, "w") as f:
            f.write(arch_yaml(case) + problem_yaml(case) + mapping_yaml(case))
        r = subprocess.run([binary, path], cwd=d, capture_output=True, text=True)
        stats = os.path.join(d, "timeloop-model.stats.txt")
        if r.returncode != 0 or not os.path.exists(stats):
            raise SystemExit("%s: timeloop-model failed:\n%s%s" % (case["label"], r.stdout[-2000:], r.stderr[-2000:]))
        text = open(stats).read()
    dram = text[text.index("=== DRAM ==="):]
    got = {}
    for ds in ("Weights", "Inputs", "Outputs"):
        sec = dram[dram.index("    %s:" % ds):]
        reads = int(float(re.search(r"Scalar reads \(per-instance\)\s*: (\S+)", sec).group(1)))
        updates = int(float(re.search(r"Scalar updates \(per-instance\)\s*: (\S+)", sec).group(1)))
        got[ds] = (reads, updates)
    return {"ifmap": got["Inputs"][0], "filter": got["Weights"][0],
            "out_upd": got["Outputs"][1], "out_rd": got["Outputs"][0]}


def dcsim(binary, case, spec):
    r = subprocess.run([binary, "simulate", "--accel", spec, "--network", case["net"], "--format", "json"],
                       capture_output=True, text=True, check=True)
    for l in json.loads(r.stdout)["layers"]:
        if l["name"] == case["layer"]:
            d = l["dram_by_operand"]
            # 8-bit operands and outputs, 32-bit partial sums: elements
            return {"ifmap": d["ifmap_read_bytes"], "filter": d["filter_read_bytes"],
                    "out_upd": d["ofmap_write_bytes"] + d["psum_write_bytes"] // 4,
                    "out_rd": d["psum_read_bytes"] // 4, "order": l.get("loop_order", "N,K,m (SCALE-Sim)")}
    raise SystemExit("%s: no layer %s in %s" % (case["label"], case["layer"], case["net"]))


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    tl, new = sys.argv[1], sys.argv[2]
    old = sys.argv[3] if len(sys.argv) > 3 else None
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    base = os.path.join(root, "configs", "accelerators", "systolic-32x32.yaml")
    with tempfile.TemporaryDirectory() as d:
        specs = {"ws": base, "os": os.path.join(d, "os.yaml")}
        with open(base) as f:
            text = f.read()
        with open(specs["os"], "w") as f:
            f.write(re.sub(r"dataflow: ws", "dataflow: os", text).replace("name: systolic-32x32", "name: systolic-32x32-os"))
        print("| layer | dataflow, order | operand | dcsim | Timeloop | dcsim ÷ Timeloop |")
        print("|---|---|---|--:|--:|--:|")
        for case in CASES:
            if case.get("old") and not old:
                continue
            ds = dcsim(old if case.get("old") else new, case, specs[case["df"]])
            if not case.get("old") and ds["order"] != case["order"]:
                raise SystemExit("%s: dcsim chose %s, the case maps %s" % (case["label"], ds["order"], case["order"]))
            tl_ = timeloop(tl, case)
            for op, name in (("ifmap", "ifmap reads"), ("filter", "filter reads"),
                             ("out_upd", "output writes (incl. psum)"), ("out_rd", "psum reads")):
                a, b = ds[op], tl_[op]
                ratio = "%.3f" % (a / b) if b else ("=" if a == 0 else "∞")
                print("| %s | %s %s | %s | %d | %d | %s |" % (case["label"], case["df"], case["order"], name, a, b, ratio))
        for case in CASES:
            if case["note"]:
                print("\n- %s: %s" % (case["label"], case["note"]), end="")
        print()


if __name__ == "__main__":
    main()

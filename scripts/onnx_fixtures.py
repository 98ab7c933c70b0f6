#!/usr/bin/python3
"""Export dcsim's ONNX test fixtures from PyTorch, and check dcsim's ONNX exports in PyTorch.

Peer script for the onnx package (docs/model-format.md, "ONNX"). Three jobs:

  fixtures  (default) writes onnx/testdata/*.onnx and onnx/testdata/pytorch.json:
            LeNet-300-100 and LeNet-5 trained briefly on MNIST, magnitude-pruned
            to Han et al. 2015's per-layer densities and retrained with the masks
            held; a small ResNet-style net (BatchNorm, residual Add, 1x1
            projection); a MobileNet-style depthwise-separable block whose
            pointwise weights take 16 distinct values (a real codebook); an
            inception-style block (Concat). The last three have seeded random
            weights and a magnitude mask. pytorch.json records what PyTorch
            reports for each: MACs (from the module's real output shapes),
            weights, per-layer non-zeros and densities, and for the LeNets the
            number of MNIST test images classified correctly.
  --resnet18 FILE  writes a ResNet-18 (ImageNet geometry, BatchNorm, seeded
            random weights, about 45 MB) for the load-and-simulate benchmark.
  --check FILE.onnx --dcsim-json EVAL.json  loads an ONNX LeNet written by
            `dcsim prune/cluster --out FILE.onnx` into the PyTorch LeNet,
            runs onnx.checker, evaluates MNIST test accuracy, and checks that
            accuracy and per-layer non-zeros equal what `dcsim eval --in
            FILE.onnx --format json` reported (EVAL.json). Exit status 1 on a
            mismatch.

Run with Debian's interpreter (python3-torch, python3-onnx), one thread:
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/onnx_fixtures.py
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as tnn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_train import LeNet300, LeNet5, load, mnist_dir  # noqa: E402

OPSET = 13


class ResBlock(tnn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = tnn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(cout)
        self.conv2 = tnn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = tnn.Sequential(tnn.Conv2d(cin, cout, 1, stride, bias=False), tnn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet(tnn.Module):
    """ResNet-18 (layers=(2,2,2,2), 224x224) or a small CIFAR-sized variant."""

    def __init__(self, widths, blocks, stem_k, stem_stride, pool, classes):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, widths[0], stem_k, stem_stride, stem_k // 2, bias=False)
        self.bn1 = tnn.BatchNorm2d(widths[0])
        self.pool = pool
        layers, cin = [], widths[0]
        for i, (w, n) in enumerate(zip(widths, blocks)):
            stage = []
            for b in range(n):
                stage.append(ResBlock(cin, w, 2 if i > 0 and b == 0 else 1))
                cin = w
            layers.append(tnn.Sequential(*stage))
        self.layer1, self.layer2, self.layer3, self.layer4 = (layers + [tnn.Identity()] * 4)[:4]
        self.fc = tnn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if self.pool:
            x = F.max_pool2d(x, 3, 2, 1)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class MobileBlock(tnn.Module):
    """A MobileNet-v1 stem and one depthwise-separable block."""

    def __init__(self):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, 32, 3, 2, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(32)
        self.dw = tnn.Conv2d(32, 32, 3, 1, 1, groups=32, bias=False)
        self.bn2 = tnn.BatchNorm2d(32)
        self.pw = tnn.Conv2d(32, 64, 1, bias=False)
        self.bn3 = tnn.BatchNorm2d(64)
        self.drop = tnn.Dropout(0.2)
        self.fc = tnn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.dw(x)))
        x = F.relu(self.bn3(self.pw(x)))
        x = F.avg_pool2d(x, 16)  # AveragePool over the whole 16x16 map
        return self.fc(self.drop(torch.flatten(x, 1)))


class Inception(tnn.Module):
    """Two inception-style branches joined by Concat, then a classifier."""

    def __init__(self):
        super().__init__()
        self.stem = tnn.Conv2d(3, 16, 3, 1, 1)
        self.b1 = tnn.Conv2d(16, 8, 1)
        self.b3a = tnn.Conv2d(16, 8, 1)
        self.b3b = tnn.Conv2d(8, 16, 3, 1, 1)
        self.fc = tnn.Linear(24 * 4 * 4, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.stem(x)), 2, 2)
        y = torch.cat([F.relu(self.b1(x)), F.relu(self.b3b(F.relu(self.b3a(x))))], 1)
        return self.fc(torch.flatten(F.max_pool2d(y, 2, 2), 1))


def weighted(model):
    """The conv and linear modules by their dotted names (the ONNX initializer prefix)."""
    return [(n, m) for n, m in model.named_modules() if isinstance(m, (tnn.Conv2d, tnn.Linear))]


def magnitude_masks(model, keep):
    """Per-layer magnitude masks: keep[name] of each layer's weights (1.0 when absent)."""
    masks = {}
    for n, m in weighted(model):
        w = m.weight.detach()
        k = max(1, int(round(keep.get(n, 1.0) * w.numel())))
        thr = w.abs().flatten().kthvalue(w.numel() - k + 1).values if k < w.numel() else -1
        masks[n] = (w.abs() >= thr).float() if k < w.numel() else torch.ones_like(w)
    return masks


def apply_masks(model, masks):
    with torch.no_grad():
        for n, m in weighted(model):
            m.weight.mul_(masks[n])


def measure(model, shape):
    """PyTorch's own count of each layer's MACs (from the real output shape), weights and non-zeros."""
    rows, hooks = [], []
    for n, m in weighted(model):
        def hook(mod, inp, out, n=n):
            w = mod.weight.detach()
            fan_in = w[0].numel()  # (in/groups)*kh*kw for conv, in for linear
            macs = out[0].numel() * fan_in if isinstance(mod, tnn.Conv2d) else w.numel()
            nz = int(torch.count_nonzero(w))
            rows.append(dict(name=n, macs=int(macs), weights=w.numel(), nonzero=nz,
                             density=nz / w.numel(), distinct_nonzero=int(torch.unique(w[w != 0]).numel())))
        hooks.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    for h in hooks:
        h.remove()
    return dict(macs=sum(r["macs"] for r in rows), weights=sum(r["weights"] for r in rows), layers=rows)


def export(model, shape, path, train_mode=False):
    model.eval()
    mode = torch.onnx.TrainingMode.PRESERVE  # keeps BatchNormalization nodes (EVAL would fuse them)
    torch.onnx.export(model, torch.zeros(1, *shape), path, opset_version=OPSET, training=mode,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=False)
    onnx.checker.check_model(onnx.load(path))


def test_correct(model, xte, yte):
    model.eval()
    with torch.no_grad():
        return int(sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
                       for i in range(0, len(xte), 1000)))


def train(model, xtr, ytr, epochs, lr, masks=None, seed=1):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            F.cross_entropy(model(xtr[idx]), ytr[idx]).backward()
            opt.step()
            if masks is not None:
                apply_masks(model, masks)


# Han et al. 2015, Tables 2 and 3: the weights kept per layer.
HAN_KEEP = {
    "lenet-300-100": {"fc1": 0.08, "fc2": 0.09, "fc3": 0.26},
    "lenet-5": {"conv1": 0.66, "conv2": 0.12, "fc1": 0.08, "fc2": 0.19},
}


def lenets(out, data, record):
    xtr, ytr = load(data, "train")
    xte, yte = load(data, "t10k")
    for arch, cls, lr, shape in [("lenet-300-100", LeNet300, 0.05, (1, 28, 28)),
                                 ("lenet-5", LeNet5, 0.01, (1, 28, 28))]:
        torch.manual_seed(1)
        model = cls()
        train(model, xtr, ytr, 1, lr)
        masks = magnitude_masks(model, HAN_KEEP[arch])
        apply_masks(model, masks)
        train(model, xtr, ytr, 1, lr / 5, masks)
        path = os.path.join(out, arch + ".onnx")
        export(model, shape, path)
        r = measure(model, shape)
        r.update(file=os.path.basename(path), test_correct=test_correct(model, xte, yte), test_images=len(xte))
        record[arch] = r
        print(arch, "test correct", r["test_correct"], flush=True)


def synthetic(out, record):
    torch.manual_seed(7)
    small = ResNet([16, 32], [1, 1], 3, 1, False, 10)
    mobile = MobileBlock()
    incep = Inception()
    for name, model, shape, keep in [
            ("resnet-small", small, (3, 32, 32), 0.5),
            ("mobilenet-block", mobile, (3, 32, 32), 0.7),
            ("inception-block", incep, (3, 16, 16), 0.6)]:
        for m in model.modules():  # non-trivial running statistics, so folding matters
            if isinstance(m, tnn.BatchNorm2d):
                with torch.no_grad():
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
        apply_masks(model, magnitude_masks(model, {n: keep for n, _ in weighted(model)}))
        if name == "mobilenet-block":  # 16 shared values in the pointwise layer
            with torch.no_grad():
                w = model.pw.weight
                lv = torch.linspace(-w.abs().max().item(), w.abs().max().item(), 16)
                q = lv[(w.unsqueeze(-1) - lv).abs().argmin(-1)]
                w.copy_(torch.where(w != 0, q, torch.zeros_like(w)))
        path = os.path.join(out, name + ".onnx")
        export(model, shape, path)
        r = measure(model, shape)
        r.update(file=os.path.basename(path))
        record[name] = r
        print(name, "macs", r["macs"], flush=True)


def check(path, dcsim_json, data):
    """ONNX (written by dcsim) -> PyTorch: accuracy and non-zeros must equal dcsim's."""
    onnx.checker.check_model(onnx.load(path))
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    rep = json.load(open(dcsim_json))
    model = LeNet5() if any(k.startswith("conv") for k in inits) else LeNet300()
    sd = {k: torch.from_numpy(np.array(v)) for k, v in inits.items()}
    model.load_state_dict(sd)  # strict: the names and shapes must be PyTorch's
    xte, yte = load(data, "t10k")
    correct = test_correct(model, xte, yte)
    ok = True
    acc = correct / len(xte)
    print(f"pytorch: {correct}/{len(xte)} correct ({acc:.4f}); dcsim reported {rep['test_accuracy']:.4f}")
    if abs(acc - rep["test_accuracy"]) > 0.5 / len(xte):
        ok = False
    for layer in rep["layers"]:
        nz = int(np.count_nonzero(inits[layer["name"] + ".weight"]))
        print(f"  {layer['name']}: pytorch non-zero {nz}, dcsim {layer['nonzero']}")
        ok &= nz == layer["nonzero"]
    print("round trip", "OK" if ok else "MISMATCH")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "onnx", "testdata"))
    ap.add_argument("--data", default="")
    ap.add_argument("--resnet18", default="", metavar="FILE")
    ap.add_argument("--check", default="", metavar="FILE.onnx")
    ap.add_argument("--dcsim-json", default="")
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.check:
        sys.exit(0 if check(a.check, a.dcsim_json, mnist_dir(a.data)) else 1)
    if a.resnet18:
        torch.manual_seed(18)
        model = ResNet([64, 128, 256, 512], [2, 2, 2, 2], 7, 2, True, 1000)
        apply_masks(model, magnitude_masks(model, {n: 0.3 for n, _ in weighted(model)}))
        export(model, (3, 224, 224), a.resnet18)
        r = measure(model, (3, 224, 224))
        print(f"resnet-18: {r['macs']} MACs, {r['weights']} weights -> {a.resnet18}")
        return
    os.makedirs(a.out, exist_ok=True)
    record = {}
    synthetic(a.out, record)
    lenets(a.out, mnist_dir(a.data), record)
    with open(os.path.join(a.out, "pytorch.json"), "w") as f:
        json.dump(dict(torch_version=torch.__version__, onnx_version=onnx.__version__, opset=OPSET,
                       command="OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/onnx_fixtures.py",
                       networks=record), f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

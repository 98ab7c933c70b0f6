#!/usr/bin/python3
"""Global magnitude pruning with PyTorch, the peer of `dcsim prune --criterion magnitude`.

Loads a dense dcsim model file (so both tools start from the same weights and
the same dense accuracy), then prunes with
torch.nn.utils.prune.global_unstructured(L1Unstructured) over every conv and
fc weight in rounds on dcsim's schedule: the keep fraction of round r follows
the --schedule (geometric, dcsim's default: keep_r = keep^(r/rounds); or
cubic, Zhu & Gupta 2017) from 1 to --keep over --rounds rounds,
and each round is followed by --retrain-epochs of SGD (momentum 0.9, the
dense weight decay, per-step cosine learning rate restarted every round),
then --final-epochs of fine-tuning (default: the dense training epochs),
as pruning.Prune does with its defaults. PyTorch's
amount is the fraction pruned: it prunes the smallest |w| globally, so the
amount of round r, applied to the weights still unpruned, is
1 - keep_r / keep_{r-1}. There is no splicing: PyTorch's masks only grow.

Prints one JSON line with the dense and final test accuracy and the
per-layer densities. Data: the MNIST IDX files dcsim reads, normalised the
same way (scripts/torch_train.py). One thread by default.

    /usr/bin/python3 scripts/torch_prune.py --in out/seeds/lenet-300-100-s1.npz --keep 0.04
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
import torch.nn.utils.prune as prune

from torch_train import DEFAULTS, LeNet300, LeNet5, load, mnist_dir


def load_dcsim(path):
    z = np.load(path)
    meta = json.loads(bytes(z["meta"]).decode())
    arch = meta["arch"]
    model = LeNet5() if arch == "lenet-5" else LeNet300()
    with torch.no_grad():
        for name, mod in model.named_children():
            mod.weight.copy_(torch.from_numpy(z[name + ".weight"].astype(np.float32)))
            mod.bias.copy_(torch.from_numpy(z[name + ".bias"].astype(np.float32)))
    return arch, model


def cubic(k0, kf, rounds):
    """Keep fraction after each round, as pruning.KeepSchedule("cubic")."""
    s0, sf = 1 - k0, 1 - kf
    return [1 - (sf + (s0 - sf) * (1 - r / rounds) ** 3) for r in range(1, rounds + 1)]


def geometric(k0, kf, rounds):
    """Keep fraction after each round, as pruning.KeepSchedule("geometric")."""
    return [kf if r == rounds else k0 * (kf / k0) ** (r / rounds) for r in range(1, rounds + 1)]


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
                      for i in range(0, len(x), 1000))
    model.train()
    return correct / len(x)


def train(model, x, y, epochs, lr, wd, batch, gen):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=wd)
    steps = math.ceil(len(x) / batch) * epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
            sched.step()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--in", dest="inp", required=True, help="dense dcsim model (.npz)")
    ap.add_argument("--keep", type=float, required=True, help="fraction kept; PyTorch's amount is 1 - keep")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--schedule", choices=["geometric", "cubic"], default="geometric",
                    help="keep schedule over the rounds (dcsim's default: geometric)")
    ap.add_argument("--retrain-epochs", type=int, default=2)
    ap.add_argument("--final-epochs", type=int, default=-1,
                    help="fine-tuning epochs (default: the dense training epochs, as dcsim; 0 = none)")
    ap.add_argument("--lr", type=float, default=0, help="retraining rate (default: dcsim's pruning default)")
    ap.add_argument("--lr-scale", type=float, default=1.0,
                    help="with --lr 0: this × the dense rate (pruning.DefaultLRScale)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--data", default="")
    ap.add_argument("--train-limit", type=int, default=0, help="use only the first N training images (0 = all)")
    a = ap.parse_args()
    if not 0 < a.keep <= 1:
        ap.error("--keep must be in (0,1]")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    arch, model = load_dcsim(a.inp)
    d = DEFAULTS[arch]
    lr = a.lr or a.lr_scale * d["lr"]
    if a.final_epochs < 0:
        a.final_epochs = d["epochs"]
    data = mnist_dir(a.data)
    xtr, ytr = load(data, "train")
    if a.train_limit > 0:
        xtr, ytr = xtr[:a.train_limit], ytr[:a.train_limit]
    xte, yte = load(data, "t10k")
    dense = evaluate(model, xte, yte)
    params = [(mod, "weight") for _, mod in model.named_children()]
    total = sum(m.weight.numel() for m, _ in params)
    t0 = time.perf_counter()
    rounds = []
    schedule = geometric if a.schedule == "geometric" else cubic
    for r, k in enumerate(schedule(1.0, a.keep, a.rounds), 1):
        # Prune round(keep·N) weights in all, as pruning.SelectGlobal keeps.
        kept_now = sum(int(m.weight_mask.sum().item()) if hasattr(m, "weight_mask") else m.weight.numel()
                       for m, _ in params)
        prune.global_unstructured(params, pruning_method=prune.L1Unstructured,
                                  amount=kept_now - round(k * total))
        train(model, xtr, ytr, a.retrain_epochs, lr, d["wd"], a.batch, gen)
        rounds.append({"round": r, "keep": k, "accuracy": evaluate(model, xte, yte)})
    if a.final_epochs > 0:
        train(model, xtr, ytr, a.final_epochs, lr, d["wd"], a.batch, gen)
    acc = evaluate(model, xte, yte)
    layers = {name: m.weight_mask.mean().item() for name, m in model.named_children()}
    kept = sum(int(m.weight_mask.sum().item()) for m, _ in params)
    print(json.dumps({"tool": "pytorch " + torch.__version__, "arch": arch, "in": a.inp, "keep": a.keep,
                      "seed": a.seed, "lr": lr, "rounds": a.rounds, "retrain_epochs": a.retrain_epochs,
                      "final_epochs": a.final_epochs, "dense_accuracy": dense, "accuracy": acc,
                      "delta_pts": 100 * (acc - dense), "density": kept / total, "layers": layers,
                      "round_accuracy": rounds, "seconds": time.perf_counter() - t0}), flush=True)


if __name__ == "__main__":
    main()

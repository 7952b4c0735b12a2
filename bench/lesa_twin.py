#!/usr/bin/python3
"""PyTorch twin of ZslKit's LESA (Huynh & Elhamifar, "A Shared Multi-Attention Framework for Multi-Label Zero-Shot
Learning", CVPR 2020), written independently from the C# code from the same specification (docs/lesa.md).

Two uses:
  * tests/fixtures/lesa/gen_lesa.py imports LesaTwin and the loss functions to write the parity fixtures;
  * run as a script it times one training step (forward + all losses + backward + TF-style RMSprop) and full-test
    inference on the CPU, the counterpart of `LesaSpeed` on the C# side:
        /usr/bin/python3 bench/lesa_twin.py --threads 2 --steps 10 --test-images 1024
  * `serve` / `run`: the twin of `zsl bench lesa-step|lesa-infer|backbone-forward` (src/ZslKit/Benchmarks,
    docs/benchmarks.md; backbone-forward lives in bench/backbone_twin.py and reports "output_shape"), same shape
    arguments on CPU or CUDA. `serve` sets up once, prints {"ready": true, ...}, then answers every "rep" line on stdin
    with one timed repetition {"wall_s", "cpu_s"} (synchronising CUDA once at its end) until "quit"; `run` does
    --warmup + --reps repetitions itself and prints one JSON object:
        /usr/bin/python3 bench/lesa_twin.py run --target lesa-step --batch 8 --regions 49 --dim 64 --reps 3
    --amp bf16 runs the forward pass + objective (lesa-step) or the scoring (lesa-infer) inside
    torch.autocast(device_type, dtype=torch.bfloat16); backward and the optimiser step stay outside.
    --graph on (CUDA) times PyTorch's own CUDA graph replays of the step / of one full batch's scoring instead of eager.
"""
import argparse
import contextlib
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LesaTwin(nn.Module):
    """Shared multi-attention (Eq. 3-6, 12) with the official code's constant channels and optional 2x2 conv."""

    def __init__(self, dim=512, hidden=512, modules=10, word_dim=300, use_conv=False, append_one=True, grid=(14, 14),
                 init="scaled"):
        super().__init__()
        self.grid, self.append_one, self.use_conv = grid, append_one, use_conv
        d_in = dim + 1 if append_one else dim
        h_in = hidden + 1 if append_one else hidden
        if use_conv:
            self.conv = nn.Conv2d(dim, dim, 2, bias=False)
            self.bn = nn.BatchNorm2d(dim, eps=1e-3, momentum=0.01)  # TensorFlow's batch_normalization defaults
        if init == "variance_scaling":
            # official: TF-1 variance_scaling_initializer(), truncated normal at 2 sigma, sigma^2 = 2.6 / rows
            def tn(rows, cols):
                std = (2.6 / rows) ** 0.5
                return nn.init.trunc_normal_(torch.empty(rows, cols), std=std, a=-2 * std, b=2 * std)
            self.W1, self.W2, self.W3 = nn.Parameter(tn(d_in, hidden)), nn.Parameter(tn(h_in, modules)), nn.Parameter(tn(dim, word_dim))
            if use_conv:
                nn.init.xavier_uniform_(self.conv.weight)   # slim.conv2d default
        else:
            self.W1 = nn.Parameter(torch.randn(d_in, hidden) * d_in ** -0.5)
            self.W2 = nn.Parameter(torch.randn(h_in, modules) * h_in ** -0.5)
            self.W3 = nn.Parameter(torch.randn(dim, word_dim) * word_dim ** -0.5)

    def forward(self, feats, vecs):
        b, r, d = feats.shape
        if self.use_conv:
            h, w = self.grid
            x = feats.reshape(b, h, w, d).permute(0, 3, 1, 2)
            x = F.pad(x, (0, 1, 0, 1))                      # TF 'SAME' for k=2, s=1: one extra column/row right/bottom
            x = F.relu(self.bn(self.conv(x)))
            feats = x.permute(0, 2, 3, 1).reshape(b, r, d)
        if self.append_one:
            feats = torch.cat([feats, feats.new_ones(b, r, 1)], -1)
        a = torch.tanh(feats @ self.W1)
        if self.append_one:
            a = torch.cat([a, a.new_ones(b, r, 1)], -1)
        logits = a @ self.W2                                # [B, R, M]
        alpha = logits.softmax(1)
        z = alpha.transpose(1, 2) @ feats                   # [B, M, D(+1)]
        theta = F.normalize(vecs, dim=1) @ self.W3.t()      # [C, D]
        if self.append_one:
            theta = torch.cat([theta, theta.new_zeros(theta.shape[0], 1)], 1)
        s_mc = z @ theta.t()                                # [B, M, C]
        s = s_mc.max(1).values
        s_bar = feats.mean(1) @ theta.t()                   # [B, C]
        return dict(scores=s, module_scores=s_mc, logits=logits, alpha=alpha, global_scores=s_bar)


def rank_loss(s, y, present_only=False, all_pairs=False, max_pos=None):
    # default = official: every column (the official "subset labels" keeps columns with any +-1, the same value);
    # present_only: only columns with a positive in the batch (earlier reading)
    if present_only:
        keep = (y == 1).any(0)
        s, y = s[:, keep], y[:, keep]
    pos = (y == 1).to(s.dtype)
    neg = (y == -1).to(s.dtype)
    # gather each image's positives (padded to the batch's largest count p): pairs are [B, p, C], not [B, C, C];
    # max_pos: p counted beforehand (no host sync here), as the C# trainer counts it on the host when it builds a batch
    p = min(max_pos, y.shape[1]) if max_pos is not None else int((y == 1).sum(1).max())
    if p == 0:
        return s.sum() * 0
    pmask, pidx = pos.topk(p, dim=1)
    margin = 1 + s.unsqueeze(1) - s.gather(1, pidx).unsqueeze(2)   # [B, p, C]: 1 + s_n - s_p
    valid = pmask.unsqueeze(2) * neg.unsqueeze(1)
    hinge = F.relu(margin) * valid
    if all_pairs:
        denom = valid.sum((1, 2)) + 1e-8
    else:
        denom = (hinge > 0).float().sum((1, 2)) + 1e-8
    return (hinge.sum((1, 2)) / denom).mean()


def dist_loss(s_mc, y):
    p = s_mc.softmax(1)
    load = (p * (y == 1).float().unsqueeze(1)).sum(2)    # [B, M]
    return (load ** 2).mean()


def div_loss(logits):
    e = F.normalize(logits, dim=1)
    g = e.transpose(1, 2) @ e                           # [B, M, M]
    g = g * (1 - torch.eye(g.shape[1], device=g.device))
    return torch.sqrt((g ** 2).sum())


def rel_loss(s, s_bar, y, margin=0.0):
    return F.relu(-(s - s_bar) * y + margin).sum()


def total_loss(out, y, lam_dist=0.1, lam_div=0.01, lam_rel=0.001, modules=10, rel_margin=0.0, conv_decay=0.0, model=None,
               max_pos=None):
    loss = rank_loss(out["scores"], y, max_pos=max_pos) + lam_rel * rel_loss(out["scores"], out["global_scores"], y, rel_margin)
    if modules > 1:
        loss = loss + lam_dist * dist_loss(out["module_scores"], y) + lam_div * div_loss(out["logits"])
    if conv_decay > 0 and model is not None and model.use_conv:
        loss = loss + conv_decay * (model.conv.weight ** 2).sum() / 2   # TF l2_regularizer(scale)
    return loss


class TfRmsprop:
    """tf.train.RMSPropOptimizer(lr, decay, momentum, epsilon): ms0 = 1, eps inside the square root."""

    def __init__(self, params, lr=1e-3, decay=0.9, momentum=0.9, eps=1.0):
        self.params = [p for p in params if p.requires_grad]
        self.lr, self.decay, self.mu, self.eps = lr, decay, momentum, eps
        self.ms = [torch.ones_like(p) for p in self.params]
        self.mom = [torch.zeros_like(p) for p in self.params]

    @torch.no_grad()
    def step(self):
        for p, ms, mom in zip(self.params, self.ms, self.mom):
            g = p.grad
            ms.add_((g * g - ms) * (1 - self.decay))
            mom.mul_(self.mu).add_(self.lr * g / torch.sqrt(ms + self.eps))
            p.sub_(mom)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--labels", type=int, default=925)
    ap.add_argument("--test-labels", type=int, default=1006)
    ap.add_argument("--oi-labels", type=int, default=7586)
    ap.add_argument("--modules", type=int, default=10)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--test-images", type=int, default=1024)
    ap.add_argument("--conv", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = LesaTwin(a.dim, a.dim, a.modules, 300, use_conv=a.conv)
    opt = TfRmsprop(model.parameters())
    feats = torch.randn(a.batch, 196, a.dim)
    vecs = torch.randn(a.labels, 300)
    y = torch.where(torch.rand(a.batch, a.labels) < 0.01, 1.0, -1.0)

    def step():
        for p in model.parameters():
            p.grad = None
        loss = total_loss(model(feats, vecs), y, modules=a.modules)
        loss.backward()
        opt.step()

    step()
    t = time.perf_counter()
    for _ in range(a.steps):
        step()
    train_ms = (time.perf_counter() - t) / a.steps * 1e3

    def infer(labels):
        model.eval()
        v = torch.randn(labels, 300)
        with torch.no_grad():
            model(feats, v)
            t0 = time.perf_counter()
            for i in range(0, a.test_images, a.batch):
                model(feats, v)["scores"]
        return a.test_images / (time.perf_counter() - t0)

    res = dict(torch=torch.__version__, threads=a.threads, train_step_ms=train_ms,
               infer_img_per_s=infer(a.test_labels), infer_oi_img_per_s=infer(a.oi_labels))
    print(json.dumps(res))


def bench_args(argv):
    ap = argparse.ArgumentParser(prog="lesa_twin.py serve|run")
    ap.add_argument("mode", choices=["serve", "run"])
    ap.add_argument("--target", choices=["lesa-step", "lesa-infer", "backbone-forward"], default="lesa-step")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: leave torch's default)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--regions", type=int, default=196)
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--modules", type=int, default=10)
    ap.add_argument("--labels", type=int, default=925)
    ap.add_argument("--word-dim", type=int, default=300)
    ap.add_argument("--positive-rate", type=float, default=0.01)
    ap.add_argument("--steps", type=int, default=1, help="lesa-step: training steps per repetition")
    ap.add_argument("--images", type=int, default=1024, help="lesa-infer: images scored per repetition (in batches)")
    ap.add_argument("--model", default="vgg19", help="backbone-forward: torchvision model name")
    ap.add_argument("--layer", default="features.35", help="backbone-forward: step name to stop at (features.N, layerK)")
    ap.add_argument("--size", type=int, default=224, help="backbone-forward: input side in pixels")
    ap.add_argument("--batches", type=int, default=2, help="backbone-forward: forward passes per repetition")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--amp", choices=["off", "bf16"], default="off",
                    help="bf16: forward + objective (lesa-step) or scoring (lesa-infer) under bfloat16 autocast")
    ap.add_argument("--fold", choices=["off", "on"], default="off",
                    help="lesa-infer: on = constant channels folded into biases (theta without its 0 column, no concatenations)")
    ap.add_argument("--tf32", choices=["off", "on"], default="off",
                    help="on = float32 matmuls on TF32 tensor cores: torch.set_float32_matmul_precision('high') (CUDA)")
    ap.add_argument("--graph", choices=["off", "on"], default="off",
                    help="on (CUDA): torch.cuda.CUDAGraph replays of one step (lesa-step) or one full batch's scoring "
                         "(lesa-infer), captured after 3 warm-ups on a side stream; PyTorch's own graphs, beside ours")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    return ap.parse_args(argv)


def capture(fn, dev):
    """PyTorch's whole-work capture recipe: 3 eager runs on a side stream, then one captured run (recorded, not
    executed). Returns the graph; each replay recomputes fn's tensors in place."""
    if dev.type != "cuda":
        raise ValueError(f"--graph on needs a CUDA device (got {dev})")
    side = torch.cuda.Stream(dev)
    side.wait_stream(torch.cuda.current_stream(dev))
    with torch.cuda.stream(side):
        for _ in range(3):
            fn()
    torch.cuda.current_stream(dev).wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    return graph


def make_rep(a):
    """Builds model, data and optimizer on the device; returns a function doing one untimed-by-itself repetition."""
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    if a.tf32 == "on":
        torch.set_float32_matmul_precision("high")   # as ours: the same process-wide switch (torch >= 1.12)
    dev = torch.device(a.device)
    if a.target == "backbone-forward":
        import backbone_twin   # bench/backbone_twin.py; imports torchvision, which only this target needs
        rep, a.output_shape = backbone_twin.make_rep(a.model, a.layer, a.batch, a.size, a.batches, a.seed, dev)
        return rep, dev

    def amp():
        # torch.autocast(device_type, dtype) exists from torch 1.10 (CPU: bfloat16 only in 1.x)
        # under graph capture the autocast weight cache must be off (PyTorch's CUDA graphs notes)
        return (torch.autocast(dev.type, dtype=torch.bfloat16, cache_enabled=a.graph != "on") if a.amp == "bf16"
                else contextlib.nullcontext())
    torch.manual_seed(a.seed)
    side = int(round(a.regions ** 0.5))
    model = LesaTwin(a.dim, a.hidden, a.modules, a.word_dim, grid=(side, side)).to(dev)
    feats = torch.randn(a.batch, a.regions, a.dim, device=dev)
    vecs = torch.randn(a.labels, a.word_dim, device=dev)
    if a.target == "lesa-step":
        opt = TfRmsprop(model.parameters())
        y = torch.where(torch.rand(a.batch, a.labels, device=dev) < a.positive_rate, 1.0, -1.0)
        max_pos = int((y == 1).sum(1).max())   # once, outside the timed loop (no host sync per step, like ours)

        def step():
            for p in model.parameters():
                p.grad = None
            with amp():   # forward + objective only; backward and the step run outside autocast
                loss = total_loss(model(feats, vecs), y, modules=a.modules, max_pos=max_pos)
            loss.backward()
            opt.step()

        if a.graph == "on":
            # gradients are None when the capture starts, so the captured backward assigns them (no accumulation)
            # and each replay recomputes them in the graph's memory
            graph = capture(step, dev)

            def rep():
                for _ in range(a.steps):
                    graph.replay()
            return rep, dev

        def rep():
            for _ in range(a.steps):
                step()
        return rep, dev
    model.eval()
    with torch.no_grad():
        theta = F.normalize(vecs, dim=1) @ model.W3.t()                       # [C, D]
        if a.fold == "off":
            theta = torch.cat([theta, theta.new_zeros(theta.shape[0], 1)], 1)  # [C, D+1]
    d, hid = a.dim, a.hidden

    def score_folded(x):
        # [F,1] @ W1 = F @ W1[:D] + W1[D]; [h,1] @ W2 = h @ W2[:H] + W2[H]; z's constant entry meets theta's 0: dropped
        h = torch.tanh(x @ model.W1[:d] + model.W1[d])                        # [B, R, D] @ [D, H] + [H] -> [B, R, H]
        alpha = (h @ model.W2[:hid] + model.W2[hid]).softmax(1)               # [B, R, H] @ [H, M] + [M] -> [B, R, M]
        return ((alpha.transpose(1, 2) @ x) @ theta.t()).amax(1)              # [B, M, D] @ [D, C] -> [B, M, C] -> [B, C]

    def score_official(x):
        n = x.shape[0]
        f = torch.cat([x, x.new_ones(n, a.regions, 1)], -1)                   # [B, R, D+1]
        h = torch.tanh(f @ model.W1)                                          # [B, R, H]
        h = torch.cat([h, h.new_ones(n, a.regions, 1)], -1)                   # [B, R, H+1]
        alpha = (h @ model.W2).softmax(1)                                     # [B, R, M]
        return ((alpha.transpose(1, 2) @ f) @ theta.t()).amax(1)              # [B, M, D+1] @ [D+1, C] -> [B, M, C] -> [B, C]

    score = score_folded if a.fold == "on" else score_official

    if a.graph == "on":
        def full_batch():
            with torch.no_grad(), amp():
                score(feats)
        graph = capture(full_batch, dev)

        def infer_graph():
            with torch.no_grad(), amp():   # a smaller last batch is scored eagerly, as ours does
                done = 0
                while done < a.images:
                    n = min(a.batch, a.images - done)
                    if n == a.batch:
                        graph.replay()
                    else:
                        score(feats[:n])
                    done += n
        return infer_graph, dev

    def infer():
        with torch.no_grad(), amp():
            done = 0
            while done < a.images:
                n = min(a.batch, a.images - done)
                score(feats[:n])
                done += n
    return infer, dev


def timed(rep, dev):
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    w0, c0 = time.perf_counter(), time.process_time()
    rep()
    sync()
    return dict(wall_s=time.perf_counter() - w0, cpu_s=time.process_time() - c0)


def bench_main(argv):
    a = bench_args(argv)
    try:
        rep, dev = make_rep(a)
    except Exception as e:  # reported to the C# side as one JSON line
        print(json.dumps(dict(error=f"{type(e).__name__}: {e}")), flush=True)
        return 1
    info = dict(ready=True, torch=torch.__version__, device=str(dev), threads=torch.get_num_threads(), amp=a.amp, fold=a.fold, tf32=a.tf32,
                graph=a.graph,
                device_name=torch.cuda.get_device_name(dev) if dev.type == "cuda" else None)
    if getattr(a, "output_shape", None) is not None:
        info["output_shape"] = a.output_shape
    if a.mode == "run":
        for _ in range(a.warmup):
            timed(rep, dev)
        if dev.type == "cuda":
            torch.cuda.reset_peak_memory_stats(dev)
        samples = [timed(rep, dev) for _ in range(a.reps)]
        info.update(samples=samples, gpu_peak_bytes=torch.cuda.max_memory_allocated(dev) if dev.type == "cuda" else None)
        print(json.dumps(info))
        return 0
    print(json.dumps(info), flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "quit":
            break
        if cmd == "rep":
            try:
                print(json.dumps(timed(rep, dev)), flush=True)
            except Exception as e:
                print(json.dumps(dict(error=f"{type(e).__name__}: {e}")), flush=True)
                return 1
        else:
            print(json.dumps(dict(error=f"unknown command {cmd!r}")), flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("serve", "run"):
        sys.exit(bench_main(sys.argv[1:]))
    main()

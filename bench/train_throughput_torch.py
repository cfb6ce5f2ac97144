"""PyTorch-on-CPU peer of bench/train-throughput.ts: the same dual-encoder training step
(BERT built from torch.nn modules, dropout 0, untied encoders, contrastive loss over in-batch
and hard negatives, clip_grad_norm_ 1.0, AdamW with HF no-decay groups) on the same shapes
and synthetic fixed-length token batches. Prints one JSON object.

    /usr/bin/python3 bench/train_throughput_torch.py [--threads 1] [--steps 3] [--only quick|bert-base]
(Debian: apt-get install -y python3-torch)
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = [
    dict(preset="quick", vocab=16384, hidden=128, layers=2, heads=2, inter=512, max_pos=64,
         batch=32, n_hard=1, q_len=16, p_len=32, pooling="mean", tied=False, update=True),
    dict(preset="bert-base", vocab=30522, hidden=768, layers=12, heads=12, inter=3072, max_pos=512,
         batch=2, n_hard=1, q_len=32, p_len=64, pooling="cls", tied=True, update=True),
]


class Bert(nn.Module):
    def __init__(self, s):
        super().__init__()
        h = s["hidden"]
        self.word = nn.Embedding(s["vocab"], h)
        self.pos = nn.Embedding(s["max_pos"], h)
        self.token_type = nn.Embedding(2, h)
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(h, s["heads"], s["inter"], dropout=0.0, activation="gelu",
                                       layer_norm_eps=1e-12, batch_first=True, norm_first=False)
            for _ in range(s["layers"]))
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, mask, pooling):
        L = ids.shape[1]
        x = self.ln(self.word(ids) + self.pos(torch.arange(L))[None] + self.token_type(torch.zeros_like(ids)))
        pad = mask == 0
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=pad)
        if pooling == "cls":
            return x[:, 0]
        m = mask[..., None].float()
        return (x * m).sum(1) / m.sum(1).clamp(min=1e-9)


def measure(s, steps):
    torch.manual_seed(0)
    q_enc = Bert(s)
    p_enc = q_enc if s["tied"] else Bert(s)
    named = [(f"q.{n}", p) for n, p in q_enc.named_parameters()]
    if not s["tied"]:
        named += [(f"p.{n}", p) for n, p in p_enc.named_parameters()]
    no_decay = lambda n: n.endswith("bias") or "norm" in n or n.endswith(".ln.weight")
    opt = torch.optim.AdamW([
        {"params": [p for n, p in named if not no_decay(n)], "weight_decay": 0.01},
        {"params": [p for n, p in named if no_decay(n)], "weight_decay": 0.0}], lr=1e-4)
    n_p = s["batch"] * (1 + s["n_hard"])
    g = torch.Generator().manual_seed(1)
    q_ids = torch.randint(5, s["vocab"], (s["batch"], s["q_len"]), generator=g)
    p_ids = torch.randint(5, s["vocab"], (n_p, s["p_len"]), generator=g)
    q_mask, p_mask = torch.ones_like(q_ids), torch.ones_like(p_ids)
    target = torch.arange(s["batch"]) * (1 + s["n_hard"])
    params = [p for _, p in named]

    def step():
        opt.zero_grad(set_to_none=True)
        q = q_enc(q_ids, q_mask, s["pooling"])
        p = p_enc(p_ids, p_mask, s["pooling"])
        loss = F.cross_entropy(q @ p.T, target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        if s["update"]:
            opt.step()

    step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2]
    tokens = s["batch"] * s["q_len"] + n_p * s["p_len"]
    return dict(preset=s["preset"], hidden=s["hidden"], layers=s["layers"], tied=s["tied"], adamwUpdate=s["update"], batch=s["batch"], qLen=s["q_len"],
                pLen=s["p_len"], steps=steps, secondsPerStep=round(med, 3),
                examplesPerSecond=round(s["batch"] / med, 2), tokensPerSecond=round(tokens / med))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 = torch's default")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--only", default=None)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    rows = [measure(s, a.steps) for s in SHAPES if a.only in (None, s["preset"])]
    print(json.dumps({"framework": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
                      "training": rows}))


if __name__ == "__main__":
    main()

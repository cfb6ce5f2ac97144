"""Peers for `kalelab bench`: the same query-encoder shapes in PyTorch on CPU (BERT built from
torch.nn modules, eval mode, no_grad) and exact search as a numpy matrix product + argpartition.
Prints one JSON object: {"pytorch": {"queryEncoder": [...], "threads": N}, "numpy": {"search": {...}}}.

    /usr/bin/python3 bench/peers.py [--quick]          (Debian: apt-get install -y python3-torch)
"""
import argparse
import json
import statistics
import time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--quick", action="store_true")
parser.add_argument("--search-only", action="store_true", help="numpy search only (kalelab bench takes PyTorch rows from serve_torch_peers.py)")
args = parser.parse_args()
runs = 3 if args.quick else 20
out = {}

try:
    if args.search_only:
        raise ImportError("skipped: --search-only")
    import torch
    import torch.nn as nn

    class Bert(nn.Module):
        def __init__(self, layers, h=768, heads=12, inter=3072, vocab=30522):
            super().__init__()
            self.word = nn.Embedding(vocab, h)
            self.pos = nn.Embedding(512, h)
            self.ln = nn.LayerNorm(h, eps=1e-12)
            self.layers = nn.ModuleList(
                nn.TransformerEncoderLayer(h, heads, inter, dropout=0.0, activation="gelu",
                                           layer_norm_eps=1e-12, batch_first=True)
                for _ in range(layers))

        def forward(self, ids):
            x = self.ln(self.word(ids) + self.pos(torch.arange(ids.shape[1]))[None])
            for layer in self.layers:
                x = layer(x)
            return x[:, 0]

    results = []
    torch.manual_seed(0)
    depths = [12, 2] if args.quick else [12, 6, 3, 2, 1]
    for layers in depths:
        model = Bert(layers).eval()
        ids = torch.randint(5, 30522, (1, 32))
        flops = layers * (2 * 32 * 768 * 768 * 4 + 2 * 32 * 32 * 768 * 2 + 2 * 32 * 768 * 3072 * 2)
        with torch.no_grad():
            for _ in range(3):
                model(ids)
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                model(ids)
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        med = statistics.median(times)
        results.append({"path": "pytorch", "layers": layers, "hidden": 768, "batch": 1, "seqLen": 32,
                        "medianMs": round(med, 2), "p90Ms": round(times[int(0.9 * (len(times) - 1))], 2),
                        "gflops": round(flops / 1e6 / med, 2)})
    out["pytorch"] = {"version": torch.__version__, "threads": torch.get_num_threads(), "queryEncoder": results}
except ImportError as error:
    out["pytorch"] = {"note": str(error) if args.search_only else "torch not installed"}

docs, dim, queries, k = (10000, 768, 64, 100) if args.quick else (100000, 768, 256, 100)
rng = np.random.default_rng(11)
d = (rng.random((docs, dim), dtype=np.float32) - 0.5)
q = (rng.random((queries, dim), dtype=np.float32) - 0.5)
t0 = time.perf_counter()
scores = q @ d.T
top = np.argpartition(-scores, k, axis=1)[:, :k]
order = np.take_along_axis(scores, top, 1).argsort(axis=1)[:, ::-1]
seconds = time.perf_counter() - t0
out["numpy"] = {"version": np.__version__, "search": {"docs": docs, "dim": dim, "queries": queries, "k": k,
                "seconds": round(seconds, 3), "queriesPerSecond": round(queries / seconds, 2),
                "gflops": round(2 * docs * dim * queries / 1e9 / seconds, 2)}}
print(json.dumps(out))

"""Peers for kalelab's ONNX Runtime path (`kalelab bench`, bench/serve-query-encoder.ts):
a BERT encoder written as Hugging Face's BertModel computes it (torch.nn Linear / LayerNorm /
erf GELU, additive mask, CLS output), timed in PyTorch on CPU, and exported with
torch.onnx.export (opset 17, dynamic batch and sequence axes) so that ONNX Runtime can time
PyTorch's graph beside kalelab's in the same run.

Prints one JSON object:
  {"pytorch": {"version", "threads", "queryEncoder": [rows as kalelab bench]},
   "onnx": {"<layers>": "<path of PyTorch's export>"}}

    /usr/bin/python3 bench/serve_torch_peers.py --out-dir DIR [--layers 12,3] [--batches 1,32]
        [--seq-len 32] [--runs 20] [--warmup 3] [--threads 2]
(Debian: apt-get install -y python3-torch; torch.onnx.export needs no onnx package.)
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn

H, HEADS, INTER, VOCAB, MAX_POS = 768, 12, 3072, 30522, 512


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)
        self.attn_out = nn.Linear(H, H)
        self.ln1 = nn.LayerNorm(H, eps=1e-12)
        self.inter = nn.Linear(H, INTER)
        self.out = nn.Linear(INTER, H)
        self.ln2 = nn.LayerNorm(H, eps=1e-12)

    def heads(self, x):  # [B, S, H] -> [B, A, S, d]
        b, s, _ = x.shape
        return x.view(b, s, HEADS, H // HEADS).permute(0, 2, 1, 3)

    def forward(self, x, bias):
        b, s, _ = x.shape
        q, k, v = self.heads(self.q(x)), self.heads(self.k(x)), self.heads(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(H // HEADS) + bias
        ctx = torch.matmul(scores.softmax(-1), v).permute(0, 2, 1, 3).reshape(b, s, H)
        a = self.ln1(self.attn_out(ctx) + x)
        return self.ln2(self.out(nn.functional.gelu(self.inter(a))) + a)


class Bert(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.word, self.pos, self.token_type = nn.Embedding(VOCAB, H), nn.Embedding(MAX_POS, H), nn.Embedding(2, H)
        self.ln = nn.LayerNorm(H, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(layers))
        self.register_buffer("position_ids", torch.arange(MAX_POS)[None])

    def forward(self, input_ids, attention_mask, token_type_ids):
        s = input_ids.shape[1]
        x = self.ln(self.word(input_ids) + self.token_type(token_type_ids) + self.pos(self.position_ids[:, :s]))
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -1e9
        for layer in self.layers:
            x = layer(x, bias)
        return x, x[:, 0]


def flops(layers, b, s):
    per_layer = 2 * b * s * H * H * 4 + 2 * b * s * s * H * 2 + 2 * b * s * H * INTER * 2
    return layers * per_layer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out-dir", required=True)
    p.add_argument("--layers", default="12,9,6,3,2,1")
    p.add_argument("--batches", default="1,32")
    p.add_argument("--seq-len", type=int, default=32)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=0)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    os.makedirs(a.out_dir, exist_ok=True)
    rows, files = [], {}
    for layers in [int(x) for x in a.layers.split(",")]:
        model = Bert(layers).eval()
        for batch in [int(x) for x in a.batches.split(",")]:
            ids = torch.randint(5, VOCAB, (batch, a.seq_len))
            inputs = (ids, torch.ones_like(ids), torch.zeros_like(ids))
            with torch.inference_mode():
                for _ in range(a.warmup):
                    model(*inputs)
                times = []
                for _ in range(a.runs):
                    t0 = time.perf_counter()
                    model(*inputs)
                    times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            med = statistics.median(times)
            p90 = times[int(0.9 * (len(times) - 1))]
            rows.append({"path": "pytorch", "layers": layers, "hidden": H, "batch": batch, "seqLen": a.seq_len,
                         "medianMs": round(med, 2), "p90Ms": round(p90, 2),
                         "gflops": round(flops(layers, batch, a.seq_len) / 1e6 / med, 2)})
        path = os.path.join(a.out_dir, f"torch-bert-{layers}.onnx")
        ids = torch.randint(5, VOCAB, (1, a.seq_len))
        with torch.no_grad():
            torch.onnx.export(
                model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), path, opset_version=17,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state", "sentence_embedding"],
                dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]}
                | {"sentence_embedding": {0: "batch"}},
                do_constant_folding=True)
        files[str(layers)] = path
    print(json.dumps({"pytorch": {"version": torch.__version__, "threads": torch.get_num_threads(),
                                  "queryEncoder": rows}, "onnx": files}))


if __name__ == "__main__":
    main()

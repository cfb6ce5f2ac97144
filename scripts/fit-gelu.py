"""Fits the polynomial of src/backend/gelu-wasm.ts and writes its test reference.

erfc(a) = t * exp(-a^2 + P(t)) with t = 1 / (1 + a/2), a >= 0: P is fitted by least
squares on 4,000 Chebyshev nodes of t in [1/6, 1] (a in [0, 10]; erfc(10) is 2e-45, below
float32), so its error is a relative error of erfc. Prints P's coefficients (t^0 first)
and their largest relative error on a fine grid, then writes
test/fixtures/backend/gelu-scipy.json: x, gelu(x) = x Phi(x) and gelu'(x) = Phi(x) + x phi(x)
in float64 by scipy.special.ndtr.

Run with /usr/bin/python3 (Debian's python3-numpy and python3-scipy), from the repository.
"""
import json

import numpy as np
from scipy.special import erfc, ndtr

DEGREE = 10
A_MAX = 10.0

t_min = 1 / (1 + A_MAX / 2)
k = np.arange(4000)
t = (t_min + 1) / 2 + (1 - t_min) / 2 * np.cos(np.pi * (k + 0.5) / 4000)
a = 2 * (1 - t) / t
target = np.log(erfc(a) / t) + a * a
coef, *_ = np.linalg.lstsq(np.vander(t, DEGREE + 1, increasing=True), target, rcond=None)

grid = np.linspace(0, A_MAX, 200001)
tg = 1 / (1 + grid / 2)
approx = tg * np.exp(-grid * grid + np.polyval(coef[::-1], tg))
print('coefficients (t^0 first):')
print(',\n'.join(repr(float(c)) for c in coef))
print('max relative error of erfc:', float(np.max(np.abs(approx / erfc(grid) - 1))))

x = np.concatenate([
    np.linspace(-12, 12, 1201),  # every 0.02
    [-1e-6, 1e-6, -0.7517916, 3.0e-8, -40.0, 40.0, -1e4, 1e4],
])
x = x.astype(np.float32).astype(np.float64)  # inputs the kernel can be given exactly
pdf = np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
reference = {
    'source': 'scipy.special.ndtr (float64), written by scripts/fit-gelu.py',
    'x': x.tolist(),
    'gelu': (x * ndtr(x)).tolist(),
    'geluGrad': (ndtr(x) + x * pdf).tolist(),
}
with open('test/fixtures/backend/gelu-scipy.json', 'w') as out:
    json.dump(reference, out)

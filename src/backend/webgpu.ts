/**
 * The `webgpu` backend in Node: @tensorflow/tfjs-backend-webgpu on Dawn, Chrome's WebGPU
 * implementation, through the npm package `webgpu` (prebuilt for Linux, macOS and Windows,
 * an optional dependency). Dawn drives the GPU through Vulkan (Linux), Metal (macOS) or
 * D3D12 (Windows); on a machine without a GPU, Mesa's lavapipe is a Vulkan driver that runs
 * on the CPU (scripts/ci-setup-webgpu.sh installs it), which Dawn offers as a fallback
 * adapter: correct, and slower than wasm — it is there to test kalelab's kernels in CI.
 *
 * What it does not do: synchronous reads. tfjs' webgpu `dataSync` needs a browser's
 * OffscreenCanvas, and Dawn in Node has no synchronous way to map a buffer, so code that
 * reads tensors on this backend must `await tensor.data()`. `startWebgpu` installs an
 * OffscreenCanvas that throws saying so, instead of tfjs' "OffscreenCanvas is not defined".
 */
import * as tf from '@tensorflow/tfjs';

export interface WebgpuStart {
  readonly ok: boolean;
  readonly note: string;
  /** The adapter's description, when one was found. */
  readonly adapter?: string;
  /** A software adapter (lavapipe, SwiftShader, WARP): no GPU. */
  readonly fallback?: boolean;
}

interface AdapterInfo {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}
interface Gpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<{ info?: AdapterInfo } | null>;
}
interface DawnModule {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

export const SYNC_READ_ERROR =
  'synchronous tensor reads (dataSync, arraySync) are not possible on the webgpu backend in ' +
  'Node; await tensor.data() / tensor.array() instead, or run this on wasm (KALELAB_BACKEND=wasm)';

let gpu: Gpu | undefined;

/** Dawn's GPU object as `navigator.gpu`, which tfjs-backend-webgpu reads when it starts. */
async function installNavigatorGpu(): Promise<Gpu> {
  if (gpu) return gpu;
  const dawn = (await import('webgpu')) as unknown as DawnModule;
  Object.assign(globalThis, dawn.globals); // GPUBufferUsage, GPUMapMode, ... as in a browser
  gpu = dawn.create([]);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  if ((globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === undefined) {
    Object.defineProperty(globalThis, 'OffscreenCanvas', {
      configurable: true,
      value: class {
        constructor() {
          throw new Error(SYNC_READ_ERROR);
        }
      },
    });
  }
  return gpu;
}

function isSoftware(info: AdapterInfo): boolean {
  // Dawn sets isFallbackAdapter for CPU adapters; older builds only say "software"/"cpu".
  return (
    info.isFallbackAdapter === true ||
    /software|cpu/i.test(info.architecture ?? '') ||
    /llvmpipe|lavapipe|swiftshader|warp/i.test(`${info.device} ${info.description}`)
  );
}

/**
 * Starts tfjs' webgpu backend on Dawn's preferred adapter. A software adapter is used only
 * with `allowFallback` (the user named webgpu); otherwise it is skipped with one line.
 */
export async function startWebgpu(allowFallback: boolean): Promise<WebgpuStart> {
  let navigatorGpu: Gpu;
  try {
    navigatorGpu = await installNavigatorGpu();
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      ok: false,
      note:
        code === 'ERR_MODULE_NOT_FOUND'
          ? 'the webgpu package (Dawn) is not installed'
          : `Dawn did not load (${(error as Error).message.split('\n')[0]})`,
    };
  }
  const adapter = await navigatorGpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    return {
      ok: false,
      note: 'no WebGPU adapter: Dawn needs the GPU driver for Vulkan (Linux), Metal (macOS) or D3D12 (Windows), or lavapipe (bash scripts/ci-setup-webgpu.sh)',
    };
  }
  const info = adapter.info ?? {};
  const name = info.description || `${info.vendor ?? '?'} ${info.device ?? ''}`.trim();
  const fallback = isSoftware(info);
  if (fallback && !allowFallback) {
    return {
      ok: false,
      adapter: name,
      fallback,
      note: `only a software adapter (${name}); KALELAB_BACKEND=webgpu uses it`,
    };
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  // A failed initialisation resolves false and still leaves getBackend() saying 'webgpu'.
  if (!(await tf.setBackend('webgpu'))) {
    return { ok: false, adapter: name, fallback, note: 'tf.setBackend returned false' };
  }
  await tf.ready();
  const kind = fallback ? 'software adapter' : 'GPU';
  return { ok: true, adapter: name, fallback, note: `${name} (${kind})` };
}

/**
 * Replacing one of tfjs-backend-wasm's kernels while keeping it for the cases the
 * replacement does not take. The original's registration stays in use for its setup (it
 * binds the wasm function the original calls); only its kernel function is wrapped.
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type KernelResult = ReturnType<tf.KernelFunc>;

/**
 * Registers `kernel` as the wasm backend's `name`, handing it tfjs' own kernel function
 * for the rest; returns tfjs' registration. Throws where tfjs registers no such kernel.
 */
export function overrideWasmKernel(
  name: string,
  kernel: (args: KernelArgs, tfjsKernel: tf.KernelFunc) => KernelResult,
): tf.KernelConfig {
  const original = tf.getKernel(name, 'wasm');
  if (original === undefined) {
    throw new Error(
      `@tensorflow/tfjs-backend-wasm registers no ${name} kernel (has it changed?): kalelab replaces it`,
    );
  }
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: (args) => kernel(args, original.kernelFunc) });
  return original;
}

/**
 * `stopGradient(x)`: the identity in the forward pass, a zero gradient in the backward pass
 * (PyTorch's `x.detach()`, TensorFlow's `tf.stop_gradient`; tfjs has no such op).
 *
 * The alignment losses wrap their teacher argument in it, so the teacher is a constant of
 * the loss even when a caller computes teacher embeddings inside the same gradient tape.
 * It does not free anything or copy data beyond one tensor clone.
 */
import * as tf from '@tensorflow/tfjs';

const detach = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  return {
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  };
});

/** Returns `x` unchanged, but no gradient flows back through it. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return detach(x) as T;
}

export { Random, hashString } from './random.js';
export { normalizeRows } from './vectors.js';
export { LITTLE_ENDIAN, ContentHash, float32FromLe, float32Hash, float32LeBytes } from './bytes.js';
export { writeFileAtomic, writeJsonAtomic, writeDirAtomic, pathExists } from './files.js';
export {
  defaultProgress,
  terminalProgress,
  lineProgress,
  silentProgress,
  type ProgressEvent,
  type ProgressSink,
} from './progress.js';

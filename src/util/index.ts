export { Random, hashString } from './random.js';
export { writeFileAtomic, writeJsonAtomic, writeDirAtomic } from './files.js';
export {
  defaultProgress,
  terminalProgress,
  lineProgress,
  silentProgress,
  type ProgressEvent,
  type ProgressSink,
} from './progress.js';

/** Child process for rotate-file.test.ts: one audit-style rotation (keep every archive) of argv[2]. */
import { rotateFile } from '../rotate-file.ts';

rotateFile(process.argv[2] as string, Infinity);

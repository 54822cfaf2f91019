// After `tsc`, gives the image a stable entry point: dist/main.js → dist/src/main.js.
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('../dist/main.js', import.meta.url), "import './src/main.js';\n");

// After `tsc` (npm run build): what tsc does not emit.
//   - a stable entry point for the image: dist/main.js → dist/src/main.js;
//   - the stores' Lua scripts, next to the compiled module that reads them (src/store/scripts.ts):
//     src/store/lua/*.lua → dist/src/store/lua/.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
writeFileSync(new URL('dist/main.js', root), "import './src/main.js';\n");

const lua = new URL('src/store/lua/', root);
const out = new URL('dist/src/store/lua/', root);
mkdirSync(out, { recursive: true });
for (const file of readdirSync(lua).filter((f) => f.endsWith('.lua'))) {
  copyFileSync(new URL(file, lua), new URL(file, out));
}

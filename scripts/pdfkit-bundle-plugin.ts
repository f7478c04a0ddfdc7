/**
 * esbuild plugin for pdfkit inside the single executable. pdfkit's Node build loads its standard
 * fonts with `createRequire(import.meta.url)('#standard-fonts/…')` at run time, which a SEA cannot
 * resolve (no node_modules), and computes a PDF/A ICC profile path from `import.meta.url` at load
 * (empty in a CJS bundle). The plugin turns the font loads into static requires, so the font
 * metrics are bundled, and drops the ICC path (PDF/A output is not used). It fails the build if
 * pdfkit's code no longer has these shapes, rather than shipping a binary that cannot write PDFs.
 */
import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';

const FONT_LOAD = /require\$1\('#standard-fonts\/(\w+)'\)/g;
const REQUIRE_LINE = 'const require$1 = createRequire(import.meta.url);';
const ICC = "new URL('./data/sRGB_IEC61966_2_1.icc', import.meta.url).href";

export function pdfkitBundlePlugin(): Plugin {
  return {
    name: 'pdfkit-standard-fonts',
    setup(build) {
      build.onLoad({ filter: /[\\/]pdfkit[\\/]js[\\/]pdfkit\.node\.mjs$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        const fonts = src.match(FONT_LOAD)?.length ?? 0;
        if (fonts < 14 || !src.includes(REQUIRE_LINE) || !src.includes(ICC)) {
          throw new Error(`pdfkit changed shape (${fonts} font loads): update scripts/pdfkit-bundle-plugin.ts`);
        }
        const contents = src.replace(FONT_LOAD, (_m, n: string) => `require('pdfkit/standard-fonts/${n}')`)
          .replace(REQUIRE_LINE, '').replace(ICC, "'pdfa-icc-profile-not-bundled'");
        return { contents, loader: 'js' };
      });
    },
  };
}

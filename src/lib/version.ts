/** @module Build version; scripts/build.ts replaces the string through esbuild's `define`. */
declare const __AIBRIDGE_VERSION__: string | undefined;

export const VERSION: string = typeof __AIBRIDGE_VERSION__ === 'string' ? __AIBRIDGE_VERSION__ : '0.1.0-dev';

/**
 * @module zod parse options for a schema parsed once or rarely (a file read at start-up or when it
 * changes). On an object schema's first parse zod generates and compiles a fast path (`new
 * Function`), which costs more than the one parse it speeds up and, being eval'd code, is not in
 * the binary's code cache. The checks are the same either way; hot-path schemas keep the fast path.
 */
export const ONE_SHOT_PARSE = { jitless: true } as const;

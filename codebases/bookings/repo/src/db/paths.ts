/** Where the repository's own files are, from the compiled code's location (dist/ or dist-test/). */
import { existsSync } from "node:fs";
import path from "node:path";

export function repoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "migrations"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function migrationsDir(): string {
  return process.env.MIGRATIONS_DIR ?? path.join(repoRoot(), "migrations");
}

/**
 * Type-checks what a user copies from the docs (`npm run typecheck` runs it after `tsc`):
 * 1. Every ```ts block of README.md and docs/*.md is extracted into its own module and compiled
 *    against the public entries (`inpage`, `inpage/worker`, `inpage/vite`). Names an example uses
 *    without defining (`client`, `model`, …) are declared once, as globals, in `docs-globals.d.ts`
 *    below; a block that defines one shadows it, as any module may.
 * 2. No public name of `inpage` clashes with a DOM global: a user file that imports every public
 *    name next to code using the DOM's own (`new ProgressEvent('load')`) must compile.
 *
 * Written with the TypeScript compiler API (no extra tool): one program, so it costs about as much
 * as a second `tsc` over a few small files.
 * @module
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, '.cache', 'docs-types');

/** Free names the docs' examples use, with the type a reader would have in hand. */
const docsGlobals = `import type { InpageClient, Model } from 'inpage';
declare global {
  const client: InpageClient;
  const model: string;
  const sentiment: Model<'sentiment-analysis'>;
  const translator: Model<'translation'>;
  const output: HTMLElement;
  function showNotFound(): void;
}
export {};
`;

/** The ```ts blocks of a Markdown file, with the line each starts on. */
export function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end] ?? '')) end++;
    blocks.push({
      line: start + 1,
      code: lines
        .slice(start, end)
        .map((l) => l.slice(indent))
        .join('\n'),
    });
    i = end;
  }
  return blocks;
}

/** Every public name of the main entry, read from its exports. */
function publicNames(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(path.join(root, 'src', 'index.ts'));
  const symbol = entry && checker.getSymbolAtLocation(entry);
  if (!symbol) throw new Error('src/index.ts has no module symbol');
  return checker.getExportsOfModule(symbol).map((s) => s.name);
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
  return { ...parsed.options, noEmit: true, noUnusedLocals: false };
}

function main(): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const docs = ['README.md', ...readdirSync(path.join(root, 'docs')).map((name) => path.join('docs', name))].filter((f) =>
    f.endsWith('.md'),
  );
  const files: string[] = [];
  const origin = new Map<string, string>();
  for (const doc of docs) {
    for (const block of tsBlocks(readFileSync(path.join(root, doc), 'utf8'))) {
      const file = path.join(outDir, `${doc.replace(/[/.]/g, '_')}_${block.line}.ts`);
      writeFileSync(file, `${block.code}\nexport {};\n`);
      files.push(file);
      origin.set(file, `${doc}:${block.line}`);
    }
  }
  writeFileSync(path.join(outDir, 'docs-globals.d.ts'), docsGlobals);
  const options = compilerOptions();
  // First program: the public names, to write the DOM-clash probe.
  const names = publicNames(ts.createProgram([path.join(root, 'src', 'index.ts')], options));
  const probe = path.join(outDir, 'dom-names.ts');
  // Code that uses the DOM's own classes, typed with their global names, as a user's file would.
  const domCode = [
    `export const progress: ProgressEvent = new ProgressEvent('load', { loaded: 1, total: 2 });`,
    `export const error: ErrorEvent = new ErrorEvent('error');`,
    `export const message: MessageEvent = new MessageEvent('message');`,
    `export const request: Request = new Request('https://example.com');`,
    `export const response: Response = new Response('');`,
    `export const blob: Blob = new Blob([]);`,
  ];
  writeFileSync(probe, [`import type { ${names.join(', ')} } from 'inpage';`, ...domCode].join('\n') + '\n');
  files.push(probe, path.join(outDir, 'docs-globals.d.ts'));
  origin.set(probe, 'a user file importing every public name of inpage next to DOM code');
  const program = ts.createProgram(files, options);
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(path.normalize(d.file.fileName)));
  if (diagnostics.length > 0) {
    for (const d of diagnostics) {
      const where = d.file ? `${origin.get(path.normalize(d.file.fileName)) ?? d.file.fileName}` : '';
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      console.error(`${where} (block line ${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
    process.exitCode = 1;
    return;
  }
  console.log(`docs types: ${files.length - 2} examples from ${docs.length} documents and the DOM-name probe compile.`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

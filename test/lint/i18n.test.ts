// The guard that keeps every screen translated: no page or component in renderer/src renders literal English. It walks
// each file's JSX with the TypeScript compiler and reports text nodes with letters, and literals in the attributes
// people read. (It lives here because it reads files, which the renderer's lint forbids; i18next/no-literal-string in
// eslint.config.js covers the files listed there, this covers every screen, new ones included.)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../renderer/src/', import.meta.url));

/** Attributes a person reads or a screen reader speaks. */
const READ_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext', 'aria-roledescription']);

/** Literal words that may stay, each with its reason: names and notation that read the same in every language. */
const EXCEPTIONS: { text: string; reason: string }[] = [
  { text: 'Porchlight', reason: "the product's name" },
];

export interface Finding {
  line: number;
  text: string;
}

/** All-caps names such as HTTP, IPC or H.264 read the same in every language (as in the lint rule, eslint.config.js). */
const ACRONYM = /^[\s\p{Lu}0-9._/-]+$/u;
const hasWords = (text: string): boolean => /\p{L}/u.test(text) && !ACRONYM.test(text) && !EXCEPTIONS.some((e) => e.text === text.trim());

/** The literal strings an expression renders as it stands (the branches of ?:, &&, || and ??), not a call's arguments. */
function renderedLiterals(node: ts.Expression, out: ts.Node[]): void {
  if (ts.isParenthesizedExpression(node)) renderedLiterals(node.expression, out);
  else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) out.push(node);
  else if (ts.isConditionalExpression(node)) {
    renderedLiterals(node.whenTrue, out);
    renderedLiterals(node.whenFalse, out);
  } else if (ts.isBinaryExpression(node) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.PlusToken].includes(node.operatorToken.kind)) {
    if (node.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken) renderedLiterals(node.left, out);
    renderedLiterals(node.right, out);
  }
}

/** The words of a literal: a template's fixed parts (what sits between its ${} holes). */
function literalText(node: ts.Node): string {
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  return (node as ts.StringLiteral).text;
}

/** Every literal a file renders to a person. */
export function literalsIn(source: string, fileName = 'file.tsx'): Finding[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const findings: Finding[] = [];
  const report = (node: ts.Node, text: string) => {
    if (hasWords(text)) findings.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, text: text.trim().replace(/\s+/g, ' ') });
  };
  const reportExpression = (expression: ts.Expression | undefined) => {
    if (!expression) return;
    const literals: ts.Node[] = [];
    renderedLiterals(expression, literals);
    for (const l of literals) report(l, literalText(l));
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) report(node, node.text);
    else if (ts.isJsxExpression(node) && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) reportExpression(node.expression);
    else if (ts.isJsxAttribute(node) && READ_ATTRIBUTES.has(node.name.getText(file))) {
      const init = node.initializer;
      if (init && ts.isStringLiteral(init)) report(init, init.text);
      else if (init && ts.isJsxExpression(init)) reportExpression(init.expression);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return findings;
}

function screens(dir: string): string[] {
  return readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return screens(path);
    return d.name.endsWith('.tsx') && !d.name.endsWith('.test.tsx') ? [path] : [];
  });
}

const FILES = [...screens('pages'), ...screens('components')].map((p) => relative(SRC, join(SRC, p)).split('\\').join('/'));
const findingsOf = (file: string): Finding[] => literalsIn(readFileSync(join(SRC, file), 'utf8'), file);

describe('the literal-text scanner', () => {
  it('finds text nodes, read attributes and the literal branches of an expression, and leaves keys and data alone', () => {
    const found = literalsIn(`
      export const A = ({ busy, n }: { busy: boolean; n: number }) => (
        <form aria-label="Add a user" className="row" data-testid="user-form">
          <h2>{t('users.title')}</h2>
          Name
          <input placeholder={\`new password for \${n}\`} name="password" />
          <button title={t('users.add')}>{busy ? 'Saving…' : t('common.save')}</button>
          <img alt={n > 1 && 'A picture'} src="a.jpg" />
          <span>{n} · {'–'} ×</span>
          <b>Porchlight</b>
        </form>
      );`);
    expect(found.map((f) => f.text)).toEqual(['Add a user', 'Name', 'new password for', 'Saving…', 'A picture']);
  });
});

describe('every page and component speaks through i18n', () => {
  it('finds the screens', () => {
    expect(FILES).toContain('pages/Cameras.tsx');
    expect(FILES).toContain('pages/Live.tsx');
    expect(FILES).toContain('pages/settings/Users.tsx');
    expect(FILES).toContain('components/ZoneEditor.tsx');
  });

  it.each(FILES)('%s renders no literal English', (file) => {
    expect(findingsOf(file)).toEqual([]);
  });
});

/**
 * The documentation's own links: every relative link in README.md,
 * CONTRIBUTING.md and docs/*.md names a file that exists and, with a
 * `#anchor`, a heading of that file (as GitHub makes anchors of headings);
 * and the README links every page of docs/. Links in code are not links.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOC_PAGES = readdirSync(path.join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);
const FILES = ['README.md', 'CONTRIBUTING.md', ...DOC_PAGES];

const withoutFencedCode = (text: string): string => text.replace(/^```.*?^```/gmsu, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading = ''] of withoutFencedCode(markdown).matchAll(/^#{1,6}\s+(.*?)\s*#*\s*$/gmu)) {
    const slug = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/gu, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
      .replace(/ /gu, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** The relative link targets of a markdown text, outside fenced and inline code. */
export function relativeLinks(markdown: string): string[] {
  const prose = withoutFencedCode(markdown).replace(/`[^`\n]*`/gu, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/gu)]
    .map((m) => m[1] as string)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/iu.test(target));
}

describe('headingAnchors and relativeLinks', () => {
  it('make GitHub anchors and find only the relative links outside code', () => {
    const anchors = headingAnchors(
      '# Title\n## On one host: deploy/cluster.sh\n## Run options of `meltano run`\n## Title\n```\n## not a heading\n```\n',
    );
    expect([...anchors]).toEqual(['title', 'on-one-host-deployclustersh', 'run-options-of-meltano-run', 'title-1']);
    expect(
      relativeLinks('[a](docs/x.md#y) [b](https://temporal.io) `[c](no.md)`\n```\n[d](no.md)\n```\n[e](#here)'),
    ).toEqual(['docs/x.md#y', '#here']);
  });
});

describe('the documentation', () => {
  it.each(FILES)('%s: every relative link names an existing file and heading', (file) => {
    const broken: string[] = [];
    const links = relativeLinks(readFileSync(path.join(ROOT, file), 'utf8'));
    for (const target of links) {
      const [linked = '', anchor] = target.split('#');
      const dest = linked ? path.resolve(path.dirname(path.join(ROOT, file)), linked) : path.join(ROOT, file);
      if (!existsSync(dest)) broken.push(`${target}: no such file`);
      else if (anchor && !headingAnchors(readFileSync(dest, 'utf8')).has(anchor))
        broken.push(`${target}: no heading with that anchor in ${path.relative(ROOT, dest)}`);
    }
    expect(broken, file).toEqual([]);
  });

  it('the README links every page of docs/', () => {
    const linked = new Set(
      relativeLinks(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map((t) => t.split('#')[0]),
    );
    expect(DOC_PAGES.length).toBeGreaterThan(5);
    expect(DOC_PAGES.filter((page) => !linked.has(page))).toEqual([]);
  });
});

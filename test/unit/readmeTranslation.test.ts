/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * README.zh-CN.md is the same document as README.md in Chinese (CONTRIBUTING.md#docs): same sections in the same
 * order, the same commands and the same figures. This compares what a translation must not change — heading levels,
 * every fenced block, the numbers in every table — and keeps both READMEs short enough to read in five minutes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (name: string) => readFileSync(join(ROOT, name), 'utf8');

interface Outline {
	headingLevels: number[];
	fences: string[];
	tableNumbers: string[][];
}

/** Heading levels, fenced blocks (verbatim) and, per table, its numbers sorted (word order differs by language). */
export function outlineOf(markdown: string): Outline {
	const outline: Outline = { headingLevels: [], fences: [], tableNumbers: [] };
	let fence: string[] | undefined;
	let table: string[] | undefined;
	for (const line of markdown.split('\n')) {
		if (/^\s*```/.test(line)) {
			if (fence) {
				outline.fences.push(fence.join('\n'));
				fence = undefined;
			} else fence = [line.trim()];
			continue;
		}
		if (fence) {
			fence.push(line);
			continue;
		}
		if (line.startsWith('|')) {
			table ??= [];
			if (!/^\|[-|\s:]+\|$/.test(line.trim())) table.push(...(line.match(/\d+(?:\.\d+)*/g) ?? []));
			continue;
		}
		if (table) {
			outline.tableNumbers.push(table.sort());
			table = undefined;
		}
		const heading = /^(#{1,6})\s/.exec(line);
		if (heading) outline.headingLevels.push(heading[1].length);
	}
	if (table) outline.tableNumbers.push(table.sort());
	return outline;
}

describe('outlineOf (the comparison itself)', () => {
	it('sees headings outside fences, fences verbatim, and numbers per table in any word order', () => {
		const text = [
			'# A',
			'```bash',
			'# not a heading',
			'npm test',
			'```',
			'## B',
			'| x | y |',
			'|---|---|',
			'| takes 12 s | 2.40.7 |',
			'',
			'| z |',
		].join('\n');
		expect(outlineOf(text)).toEqual({
			headingLevels: [1, 2],
			fences: ['```bash\n# not a heading\nnpm test'],
			tableNumbers: [['12', '2.40.7'], []],
		});
		expect(outlineOf('| 2.40.7 用时 12 秒 |').tableNumbers).toEqual(outlineOf('| 12 s on 2.40.7 |').tableNumbers);
		expect(outlineOf('| 13 s |').tableNumbers).not.toEqual(outlineOf('| 12 s |').tableNumbers);
	});
});

describe('README.zh-CN.md is README.md in Chinese', () => {
	const english = outlineOf(read('README.md'));
	const chinese = outlineOf(read('README.zh-CN.md'));

	it('has the same sections in the same order (heading levels)', () => {
		expect(english.headingLevels.length).toBeGreaterThan(10);
		expect(chinese.headingLevels).toEqual(english.headingLevels);
	});

	it('shows the same commands and the same demo report (every fenced block, verbatim)', () => {
		expect(english.fences.some((fence) => fence.includes('npm ci && npm run demo'))).toBe(true);
		expect(chinese.fences).toEqual(english.fences);
	});

	it('has the same numbers in every table', () => {
		expect(english.tableNumbers.length).toBeGreaterThan(5);
		expect(chinese.tableNumbers).toEqual(english.tableNumbers);
	});
});

describe('README size (read in five minutes)', () => {
	it.each([
		['README.md', 25_000],
		['README.zh-CN.md', 30_000],
	])('%s is at most %d bytes', (name, limit) => {
		expect(Buffer.byteLength(read(name))).toBeLessThanOrEqual(limit);
	});
});

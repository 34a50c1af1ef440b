/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * Comments cite the repository's own docs as `docs/<file>.md#<anchor>` (or `ARCHITECTURE.md#<anchor>`), never the
 * outside reference (`../shared/reference/*.md`, cited as "reference §4.2"), which a new engineer cannot read.
 * This keeps both true: every cited file and anchor exists, and no code cites the outside reference.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Every place that may cite the docs (scripts/ and test/e2e/ included: a broken anchor is broken anywhere). */
const CITING_DIRS = ['nodes', 'credentials', 'emulators', 'scripts', 'testing', 'test', 'docs'];
const CITING_ROOT_FILES = ['ARCHITECTURE.md', 'README.md', 'README.zh-CN.md', 'CHANGELOG.md'];
/** Folders whose comments and test names must not cite the outside reference any more. */
const NO_OUTSIDE_REFERENCE_DIRS = [
	'nodes',
	'credentials',
	'emulators',
	'scripts',
	'testing',
	'test/unit',
	'test/integration',
	'test/helpers',
	'test/e2e',
];
/** The repository's own settings files, whose comments are read as often as the code's. */
const ROOT_SETTINGS_FILES = ['.npmrc', '.ci/run', '.github/workflows/publish.yml', 'package.json', 'knip.jsonc'];
const THIS_FILE = relative(ROOT, __filename);

const TEXT_FILE = /\.(ts|js|mjs|cjs|md|json)$/;
const CITATION = /\b((?:docs\/[\w.-]+|ARCHITECTURE)\.md)(?:#([\p{L}\p{N}_-]+))?/gu;
const SAME_FILE_LINK = /\]\(#([\p{L}\p{N}_-]+)\)/gu;
/** How the outside reference was cited: "reference §4.2", "(§3.3)", "reference jikeyun §5", its path, "the reference's …". */
const OUTSIDE_REFERENCE = /§|shared\/reference|\breference (?:jikeyun|kingdee)\b|\bthe reference's\b/;

function filesUnder(dir: string): string[] {
	const absolute = join(ROOT, dir);
	const out: string[] = [];
	for (const entry of readdirSync(absolute)) {
		if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
		const path = join(absolute, entry);
		if (statSync(path).isDirectory()) out.push(...filesUnder(relative(ROOT, path)));
		else if (TEXT_FILE.test(entry)) out.push(relative(ROOT, path));
	}
	return out;
}

/** GitHub's heading anchor: lower case, punctuation other than `-` and `_` removed, spaces → `-`, repeats numbered. */
export function githubSlug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
		.replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	let inFence = false;
	for (const line of markdown.split('\n')) {
		if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
		const heading = inFence ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const slug = githubSlug(heading[1]);
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count === 0 ? slug : `${slug}-${count}`);
	}
	return anchors;
}

interface Citation {
	where: string;
	file: string;
	anchor?: string;
}

function citationsIn(path: string): Citation[] {
	const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
	const out: Citation[] = [];
	lines.forEach((line, index) => {
		const where = `${path}:${index + 1}`;
		for (const match of line.matchAll(CITATION)) out.push({ where, file: match[1], anchor: match[2] });
		if (path.endsWith('.md')) {
			for (const match of line.matchAll(SAME_FILE_LINK)) out.push({ where, file: path, anchor: match[1] });
		}
	});
	return out;
}

describe('githubSlug', () => {
	it.each([
		['BatchSave and DIndex', 'batchsave-and-dindex'],
		['HTTP status and exceptions', 'http-status-and-exceptions'],
		['How to add an operation', 'how-to-add-an-operation'],
		['One item, from the trigger to Kingdee and back', 'one-item-from-the-trigger-to-kingdee-and-back'],
		['`erp.sales.get` — sales channels', 'erpsalesget--sales-channels'],
		['Sales_channel (销售渠道)', 'sales_channel-销售渠道'],
	])('%s → %s', (heading, slug) => {
		expect(githubSlug(heading)).toBe(slug);
	});

	it('numbers repeated headings and skips fenced code', () => {
		expect([...anchorsOf('# A\n## Notes\n```\n# not a heading\n```\n## Notes\n')]).toEqual(['a', 'notes', 'notes-1']);
	});
});

describe('citations of docs/', () => {
	const files = [...CITING_DIRS.flatMap(filesUnder), ...CITING_ROOT_FILES];
	const citations = files.flatMap(citationsIn);
	const anchorCache = new Map<string, Set<string> | null>();
	function anchorsOfFile(file: string): Set<string> | null {
		if (!anchorCache.has(file)) {
			let text: string | null = null;
			try {
				text = readFileSync(join(ROOT, file), 'utf8');
			} catch {
				text = null;
			}
			anchorCache.set(file, text === null ? null : anchorsOf(text));
		}
		return anchorCache.get(file) ?? null;
	}

	it('finds the citations the code makes (the scan itself works)', () => {
		const inCode = citations.filter((citation) => /^(nodes|credentials|emulators)\//.test(citation.where));
		expect(inCode.length).toBeGreaterThan(50);
	});

	it('cites only files and anchors that exist', () => {
		const broken = citations
			.filter((citation) => {
				const anchors = anchorsOfFile(citation.file);
				return anchors === null || (citation.anchor !== undefined && !anchors.has(citation.anchor));
			})
			.map((citation) => `${citation.where}: ${citation.file}${citation.anchor ? `#${citation.anchor}` : ''}`);
		expect(broken).toEqual([]);
	});
});

describe('no citation of the outside reference', () => {
	it.each(NO_OUTSIDE_REFERENCE_DIRS)('%s cites docs/ instead of ../shared/reference', (dir) => {
		const offending: string[] = [];
		for (const path of filesUnder(dir)) {
			if (path === THIS_FILE) continue;
			readFileSync(join(ROOT, path), 'utf8')
				.split('\n')
				.forEach((line, index) => {
					if (OUTSIDE_REFERENCE.test(line)) offending.push(`${path}:${index + 1}: ${line.trim()}`);
				});
		}
		expect(offending).toEqual([]);
	});

	it.each(ROOT_SETTINGS_FILES)('%s cites docs/ instead of ../shared/reference', (path) => {
		const offending = readFileSync(join(ROOT, path), 'utf8')
			.split('\n')
			.map((line, index) => `${path}:${index + 1}: ${line.trim()}`)
			.filter((line) => OUTSIDE_REFERENCE.test(line));
		expect(offending).toEqual([]);
	});
});

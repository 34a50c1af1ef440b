/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * The maintainers' docs name only code that exists (GUIDE "Docs name only code that exists"): every code name and
 * repository path written in backticks in ARCHITECTURE.md and docs/*.md is found in the tree. docCitations.test.ts
 * checks the links between docs; this file checks what the docs say about the code.
 *
 * What counts as a code name is decided by its shape, because the docs also quote the protocols' own names in
 * backticks (Kingdee's `ExecuteBillQuery`, `FNumber`, `IsAutoSubmitAndAudit`, `MsgCode`; Jikeyun's `erp.sales.get`,
 * `channelCode`), which are not ours to find in the code:
 * - lowerCamelCase with an inner capital (`runBatchSave`, `readCompleteList`): ours; Jikeyun's own parameters and
 *   fields share the shape, so those the code never names are listed in PROTOCOL_WORDS;
 * - PascalCase (`KingdeeSessionPool`) only when it names a service of ours (contains `Jikeyun` or `Kingdee`; the
 *   services' own names never do) or is called or dereferenced in the span (`JikeyunClient({ send })`,
 *   `AdaptiveRateLimiter.acquire`); Kingdee's service, field and option names are PascalCase and are left alone;
 * - UPPER_SNAKE constants (`WRITE_SERVICES`), except Kingdee form ids (`BD_MATERIAL`, `SAL_OUTSTOCK`).
 * An identifier is found when it is an identifier (not a comment or a string) in a .ts file under CODE_DIRS.
 *
 * A path is a span of path characters that has a `/` and starts at a top-level folder of the repository, or ends in
 * a file extension or `/`, or holds a glob; or a bare file name with an extension. It is found when a file or folder
 * of the tree is that path or ends with it (`protocol/errors.ts`); a glob (`nodes/*\/protocol/**`, `<name>` read as
 * `*`) must match at least one file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const DOCS = ['ARCHITECTURE.md', ...readdirSync(join(ROOT, 'docs')).map((file) => `docs/${file}`)].filter((path) =>
	path.endsWith('.md'),
);
/** This file's own examples name missing code on purpose; they must not make it exist. */
const THIS_FILE = posix.relative(ROOT.split(sep).join('/'), __filename.split(sep).join('/'));
const CODE_DIRS = ['nodes', 'credentials', 'emulators', 'scripts', 'testing', 'test'];
/** Top-level folders: a path starting with one of them is read from the repository root. */
const ROOT_DIRS = [...CODE_DIRS, 'docs', 'workflows', 'deploy', '.ci', '.github'];
/** The build's output, gitignored (`tsconfig.json` `outDir`): named by the docs, absent from a fresh clone. */
const BUILD_OUTPUT = new Set(['dist/']);

/**
 * Jikeyun's own parameters and fields (docs/jikeyun-open-api.md) that the package's code does not name. They look
 * like our camelCase code names, so they are listed; a protocol word the code does name needs no entry.
 */
const PROTOCOL_WORDS = new Set([
	'getOrCreate',
	'gmtModifiedBegin',
	'goodsStockQuantity',
	'hasTotal',
	'lastMaxId',
	'logisticInfo',
	'maxQuantityId',
	'maxSkuId',
	'scrollId',
	'selelctFields',
	'shopId',
	'specId',
]);
/** n8n's own code and node settings, cited as where a behaviour comes from (ARCHITECTURE.md#error-items). */
const OUTSIDE_NAMES = new Set(['normalizeNodeErrors', 'handleNodeErrorOutput', 'workflow-execute.js', 'executeOnce']);

const FILE_EXTENSION = /\.(ts|js|mjs|cjs|json|md|yml|yaml)$/;
/**
 * Kingdee form ids (a subsystem prefix, `_`, the form) and Kingdee's preset numbers, which end in `_SYS`
 * (`XSCKD01_SYS`, `KHLB001_SYS`): protocol values, not constants of ours (docs/kingdee-webapi.md).
 */
const KINGDEE_FORM_ID = /^(BD|BOS|ORG|PUR|SAL|STK)_|_SYS$/;

export interface CodeReference {
	kind: 'identifier' | 'path';
	name: string;
	line: number;
}

/** The text of every inline code span of a markdown text, with its line; fenced blocks are left out. */
export function codeSpans(markdown: string): Array<{ text: string; line: number }> {
	const unfenced = markdown.replace(/^(\s*)(```|~~~)[\s\S]*?^\s*\2/gm, (block) => block.replace(/[^\n]/g, ' '));
	return [...unfenced.matchAll(/(`+)([\s\S]+?)\1/g)].map((match) => ({
		text: match[2].replace(/\s*\n\s*/g, ' ').trim(),
		line: unfenced.slice(0, match.index).split('\n').length,
	}));
}

function identifierOf(span: string): string | undefined {
	const head = /^([A-Za-z_$][\w$]*)(\(|\.([A-Za-z_$][\w$]*)|$)/.exec(span);
	if (!head) return undefined;
	const [, name, after, member] = head;
	if (PROTOCOL_WORDS.has(name) || OUTSIDE_NAMES.has(name)) return undefined;
	if (/^[a-z][a-z0-9]*[A-Z]\w*$/.test(name)) return name;
	if (/^[A-Z][a-z0-9]+[A-Z]\w*$/.test(name)) {
		const calledOrDereferenced = after === '(' || (member !== undefined && /^[a-z]/.test(member));
		return /Jikeyun|Kingdee/.test(name) || calledOrDereferenced ? name : undefined;
	}
	if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(name) && !KINGDEE_FORM_ID.test(name)) return name;
	return undefined;
}

function pathOf(span: string): string | undefined {
	if (OUTSIDE_NAMES.has(span) || BUILD_OUTPUT.has(span)) return undefined;
	const path = span.replace(/#.*$/, '').replace(/<[^<>/]+>/g, '*');
	if (!/^[\w.*-][\w.*/-]*$/.test(path) || path.includes('//')) return undefined;
	if (!path.includes('/')) return /^[\w*-][\w.*-]*$/.test(path) && FILE_EXTENSION.test(path) ? path : undefined;
	const fromRoot = ROOT_DIRS.includes(path.split('/')[0]);
	return fromRoot || FILE_EXTENSION.test(path) || path.endsWith('/') || path.includes('*') ? path : undefined;
}

/** The code names and repository paths a markdown text writes in backticks. */
export function codeReferences(markdown: string): CodeReference[] {
	const out: CodeReference[] = [];
	for (const { text, line } of codeSpans(markdown)) {
		const path = text.includes('/') || FILE_EXTENSION.test(text) ? pathOf(text) : undefined;
		const identifier = path === undefined ? identifierOf(text) : undefined;
		if (path !== undefined) out.push({ kind: 'path', name: path, line });
		else if (identifier !== undefined) out.push({ kind: 'identifier', name: identifier, line });
	}
	return out;
}

export interface Tree {
	/** Every file and folder (folders end with `/`), repository-relative. */
	paths: string[];
	/** Every identifier of the code. */
	identifiers: Set<string>;
}

function globToRegExp(glob: string, anchored: boolean): RegExp {
	const body = glob
		.split(/(\*\*|\*)/)
		.map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
		.join('');
	return new RegExp(`${anchored ? '^' : '(^|/)'}${body}$`);
}

/** True when the tree holds what the reference names. */
export function exists(reference: CodeReference, tree: Tree): boolean {
	if (reference.kind === 'identifier') return tree.identifiers.has(reference.name);
	const pattern = globToRegExp(reference.name, ROOT_DIRS.includes(reference.name.split('/')[0]));
	const candidates = reference.name.endsWith('/')
		? tree.paths.filter((path) => path.endsWith('/'))
		: tree.paths.map((path) => path.replace(/\/$/, ''));
	return candidates.some((path) => pattern.test(path));
}

function walk(dir: string, out: string[]): string[] {
	for (const entry of readdirSync(join(ROOT, dir))) {
		if (entry === 'node_modules' || entry === 'dist' || entry === '.git') continue;
		const path = dir ? posix.join(dir, entry) : entry;
		if (statSync(join(ROOT, path)).isDirectory()) {
			out.push(`${path}/`);
			walk(path, out);
		} else out.push(path);
	}
	return out;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The names a module defines and uses: its identifiers, string literals that are one identifier (`kind:
 * 'outcomeUnknown'`, `'salesChannelInfo'`) and the module's own name (`incrementalSync`). Comments and longer strings
 * do not count: a test that writes `import { createJikeyunClient }` in a string does not make it exist.
 */
function identifiersOf(path: string, into: Set<string>): void {
	const source = ts.createSourceFile(path, readFileSync(join(ROOT, path), 'utf8'), ts.ScriptTarget.Latest);
	into.add(posix.basename(path).replace(/\..*$/, ''));
	const visit = (node: ts.Node): void => {
		if (ts.isIdentifier(node)) into.add(node.text);
		else if (ts.isStringLiteralLike(node) && IDENTIFIER.test(node.text)) into.add(node.text);
		ts.forEachChild(node, visit);
	};
	visit(source);
}

function repositoryTree(): Tree {
	const paths = walk('', []);
	const identifiers = new Set<string>();
	paths
		.filter((path) => CODE_DIRS.includes(path.split('/')[0]) && path.endsWith('.ts') && path !== THIS_FILE)
		.forEach((path) => identifiersOf(path, identifiers));
	return { paths, identifiers };
}

describe('code names and paths in docs (the rule)', () => {
	const tree: Tree = {
		paths: [
			'nodes/',
			'nodes/common/',
			'nodes/common/paginate.ts',
			'nodes/Jikeyun/',
			'nodes/Jikeyun/protocol/',
			'nodes/Jikeyun/protocol/sign.ts',
		],
		identifiers: new Set(['readCompleteList', 'KingdeeSessionPool', 'WRITE_SERVICES']),
	};
	const missing = (markdown: string) =>
		codeReferences(markdown)
			.filter((reference) => !exists(reference, tree))
			.map((reference) => reference.name);

	it('flags a function, type, constant or path the code does not have', () => {
		const doc = [
			'Paging goes through `readCompleteList` (`common/paginate.ts`), not `iteratePages`.',
			'The pool is a `KingdeeSessionPool`; the run a `KingdeeRun` made by `createJikeyunClient(context)`.',
			'`WRITE_SERVICES` and `READ_SERVICES`; `nodes/common/paginate.ts`, `nodes/common/retry.ts`, `protocol/`,',
			'`helpers/`, `nodes/*/protocol/**` and `nodes/*/helpers/**`, `nodes/<Node>/protocol/`.',
		].join('\n');
		expect(missing(doc)).toEqual([
			'iteratePages',
			'KingdeeRun',
			'createJikeyunClient',
			'READ_SERVICES',
			'nodes/common/retry.ts',
			'helpers/',
			'nodes/*/helpers/**',
		]);
	});

	it("leaves the protocols' own names alone", () => {
		const doc = [
			'`DynamicFormService.ExecuteBillQuery` with `FNumber`, `IsAutoSubmitAndAudit` `"true"`, `MsgCode` 1,',
			'`AuthService.ValidateUser`, `K3CloudApiClient`, `BD_MATERIAL`, `SAL_OUTSTOCK`, `erp.sales.get`, `scrollId`,',
			'`application/x-www-form-urlencoded`, `gmtModifiedStart/End`, `actions/setup-node`, `@n8n/backend-network`,',
			'`/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.View.common.kdsvc`, `~/.cache`, `dist/`.',
		].join('\n');
		expect(codeReferences(doc)).toEqual([]);
	});

	it('reads code spans across line breaks and skips fenced blocks', () => {
		const doc =
			'a call `perItemOperation({ resource,\noption })` over two lines\n```\n`notInCode`\n```\n`iteratePages`';
		expect(codeReferences(doc)).toEqual([
			{ kind: 'identifier', name: 'perItemOperation', line: 1 },
			{ kind: 'identifier', name: 'iteratePages', line: 6 },
		]);
	});
});

describe('ARCHITECTURE.md and docs/*.md name only code that exists', () => {
	const tree = repositoryTree();
	const references = DOCS.flatMap((doc) =>
		codeReferences(readFileSync(join(ROOT, doc), 'utf8')).map((reference) => ({ doc, ...reference })),
	);

	it('finds the code names and paths the docs write (the scan itself works)', () => {
		expect(references.filter((reference) => reference.kind === 'identifier').length).toBeGreaterThan(100);
		expect(references.filter((reference) => reference.kind === 'path').length).toBeGreaterThan(80);
		expect(tree.identifiers.has('runBatchSave')).toBe(true);
	});

	it('every one is in the tree', () => {
		const missing = references
			.filter((reference) => !exists(reference, tree))
			.map((reference) => `${reference.doc}:${reference.line}: ${reference.kind} \`${reference.name}\``);
		expect(missing).toEqual([]);
	});
});

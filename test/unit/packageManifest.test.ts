/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions */
/**
 * What a user installs: every node has a codex file (categories, English and Chinese aliases, documentation links
 * that resolve to README sections), and the tarball carries the sample workflows and the changelog.
 * Runs after `npm run build` (the order of `npm test`).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INodeType } from 'n8n-workflow';

const ROOT = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	files: string[];
	n8n: { nodes: string[] };
};

/** GitHub's heading anchors: lower case, punctuation other than - and _ dropped, spaces to dashes. */
function githubAnchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

const readmeAnchors = new Set(
	fs
		.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,6} /.test(line))
		.map((line) => githubAnchor(line.replace(/^#+ /, ''))),
);

describe.each(manifest.n8n.nodes)('codex of %s', (distPath) => {
	const sourcePath = path.join(ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const codexPath = sourcePath.replace(/\.ts$/, '.json');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(sourcePath) as Record<string, new () => INodeType>;
	const NodeClass = Object.values(exported)[0];
	const description = new NodeClass().description;
	const codex = JSON.parse(fs.readFileSync(codexPath, 'utf8')) as {
		node: string;
		categories: string[];
		alias: string[];
		resources: { primaryDocumentation: Array<{ url: string }>; credentialDocumentation: Array<{ url: string }> };
	};

	test('names the node type n8n registers', () => {
		expect(codex.node).toBe(`${manifest.name}.${description.name}`);
	});

	test('can be found by its English and Chinese product names', () => {
		const aliases = codex.alias.map((alias) => alias.toLowerCase());
		const expected = description.name.startsWith('jikeyun')
			? ['jikeyun', 'jackyun', '吉客云']
			: ['kingdee', 'k3cloud', '金蝶', '云星空'];
		expect(aliases).toEqual(expect.arrayContaining(expected));
		expect(codex.categories.length).toBeGreaterThan(0);
	});

	test('documentation links point at README sections that exist', () => {
		const urls = [...codex.resources.primaryDocumentation, ...codex.resources.credentialDocumentation].map(
			(r) => r.url,
		);
		expect(urls.length).toBeGreaterThanOrEqual(2);
		for (const url of urls) {
			const anchor = new URL(url).hash.slice(1);
			expect({ url, exists: readmeAnchors.has(decodeURIComponent(anchor)) }).toEqual({ url, exists: true });
		}
	});

	test("the node's documentationUrl points at a README section that exists", () => {
		const anchor = new URL(String(description.documentationUrl)).hash.slice(1);
		expect({ anchor, exists: readmeAnchors.has(decodeURIComponent(anchor)) }).toEqual({ anchor, exists: true });
	});

	test('is copied next to the compiled node', () => {
		expect(fs.existsSync(path.join(ROOT, distPath.replace(/\.js$/, '.json')))).toBe(true);
	});
});

test('the npm tarball carries the compiled nodes, their codex files, the sample workflows and the changelog', () => {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
	const files = (JSON.parse(out.slice(out.indexOf('['))) as Array<{ files: Array<{ path: string }> }>)[0].files.map(
		(f) => f.path,
	);
	const workflows = fs.readdirSync(path.join(ROOT, 'workflows')).filter((name) => name.endsWith('.json'));
	expect(workflows.length).toBeGreaterThan(0);
	const expected = [
		...manifest.n8n.nodes,
		...manifest.n8n.nodes.map((node) => node.replace(/\.js$/, '.json')),
		...workflows.map((name) => `workflows/${name}`),
		'CHANGELOG.md',
	];
	expect(files).toEqual(expect.arrayContaining(expected));
	expect(files.filter((file) => /^(test|emulators|scripts)\//.test(file))).toEqual([]);
});

test.each(['JikeyunApi', 'KingdeeApi'])('credential %s links to a README section that exists', (name) => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(path.join(ROOT, 'credentials', `${name}.credentials.ts`)) as Record<
		string,
		new () => { documentationUrl?: string }
	>;
	const url = new exported[name]().documentationUrl ?? '';
	expect(url.startsWith('https://github.com/n8n-nodes-jikeyun-kingdee/n8n-nodes-jikeyun-kingdee#')).toBe(true);
	const anchor = new URL(url).hash.slice(1);
	expect({ anchor, exists: readmeAnchors.has(decodeURIComponent(anchor)) }).toEqual({ anchor, exists: true });
});

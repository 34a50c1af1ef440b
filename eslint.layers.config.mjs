/**
 * The import rule of the pure layers (ARCHITECTURE.md#layers), run by `npm run lint` after `n8n-node lint`.
 *
 * It lives here, not in eslint.config.mjs: the package is in n8n's strict mode (`"strict": true` in package.json), and
 * `n8n-node lint` fails when eslint.config.mjs differs from n8n's template.
 *
 * The rule matches import specifiers (`import`, `import type`, `export … from`), so it needs no module resolution and
 * also guards folders that do not exist yet. Each pure folder gets one entry with all its patterns: when two entries
 * match a file, ESLint keeps only the later entry's options for a rule.
 */
import { config as n8nLintConfig } from '@n8n/node-cli/eslint';

/** The TypeScript parser `n8n-node lint` uses (typescript-eslint comes with @n8n/node-cli, not as our own dependency). */
const typescriptParser = n8nLintConfig.find((entry) => entry.languageOptions?.parser)?.languageOptions.parser;
if (!typescriptParser) throw new Error('eslint.layers.config.mjs: no TypeScript parser found in @n8n/node-cli/eslint');

/** Imports no pure module may make: n8n itself and every layer above the pure ones (ARCHITECTURE.md#layers). */
const ABOVE_PURE_LAYERS = [
	'^n8n-workflow(/|$)',
	// the n8n adapters: nodes/shared/**, nodes/*/actions/**, nodes/*/methods/**, nodes/*/helpers/**
	'(^|/)(shared|actions|methods|helpers)(/|$)',
	// nodes/*/transport.ts, nodes/*/*.node.ts
	'(^|/)transport(\\.[jt]s)?$',
	'\\.node(\\.[jt]s)?$',
	// credentials/**
	'(^|/)credentials(/|$)',
];

/** A service folder (nodes/Jikeyun/**, nodes/Kingdee/**) as the target of an import. */
const serviceFolder = (service) => `(^|/)${service}(/|$)`;

/**
 * One flat-config entry: `files` may import nothing that matches `forbidden`; `mayImport` says what they may. The
 * patterns are joined into one, so an import that matches several is reported once.
 */
function pureLayer({ files, forbidden, mayImport }) {
	const message = `${files} is a pure layer (no n8n, unit-tested directly): it may import only ${mayImport}. See ARCHITECTURE.md#layers.`;
	const regex = forbidden.map((pattern) => `(?:${pattern})`).join('|');
	return {
		files: [files],
		languageOptions: { parser: typescriptParser },
		rules: { 'no-restricted-imports': ['error', { patterns: [{ regex, caseSensitive: true, message }] }] },
	};
}

export default [
	// Disable directives in these files name n8n's lint rules, which this config does not load.
	{ linterOptions: { reportUnusedDisableDirectives: 'off' } },
	pureLayer({
		files: 'nodes/common/**/*.ts',
		forbidden: [...ABOVE_PURE_LAYERS, serviceFolder('Jikeyun'), serviceFolder('Kingdee')],
		mayImport: 'Node built-ins and other nodes/common modules',
	}),
	pureLayer({
		files: 'nodes/Jikeyun/protocol/**/*.ts',
		forbidden: [...ABOVE_PURE_LAYERS, serviceFolder('Kingdee')],
		mayImport: 'Node built-ins, nodes/common and nodes/Jikeyun/protocol modules',
	}),
	pureLayer({
		files: 'nodes/Kingdee/protocol/**/*.ts',
		forbidden: [...ABOVE_PURE_LAYERS, serviceFolder('Jikeyun')],
		mayImport: 'Node built-ins, nodes/common and nodes/Kingdee/protocol modules',
	}),
];

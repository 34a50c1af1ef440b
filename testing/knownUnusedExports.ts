/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * knip preprocessor for `npm run lint`'s unused-export check (knip.jsonc, ARCHITECTURE.md#tests).
 *
 * knip can ignore issues only per file, which would hide every new unused export in the files that have old ones. This
 * preprocessor takes a list of export names per file instead (`preprocessorOptions.ignore` in knip.jsonc) and:
 * - drops exactly those names from knip's unused exports and unused exported types;
 * - reports each listed name knip no longer finds unused (removed, or used now) as an issue of its own, so the list
 *   only shrinks: delete the entry and the check passes again.
 * knip then counts what is left and fails the run when anything is.
 */
import { isAbsolute, relative, sep } from 'node:path';

import type { Issue, IssueRecords, Preprocessor, ReporterOptions } from 'knip';

/** Repository path (`nodes/common/list.ts`) → the export names knip may report there without failing the check. */
export type KnownUnusedExports = Record<string, string[]>;

/** The issue types this list applies to: unused exports and unused exported types (both named by `symbol`). */
const NAMED_ISSUE_TYPES = ['exports', 'types'] as const;

export const STALE_ENTRY_NOTE = 'stale entry in knip.jsonc: delete it';

function repositoryPath(cwd: string, filePath: string): string {
	return (isAbsolute(filePath) ? relative(cwd, filePath) : filePath).split(sep).join('/');
}

function reportedNames(issues: ReporterOptions['issues'], cwd: string): Map<string, Set<string>> {
	const names = new Map<string, Set<string>>();
	for (const type of NAMED_ISSUE_TYPES) {
		for (const [filePath, byName] of Object.entries(issues[type])) {
			const path = repositoryPath(cwd, filePath);
			const set = names.get(path) ?? new Set<string>();
			Object.keys(byName).forEach((name) => set.add(name));
			names.set(path, set);
		}
	}
	return names;
}

function withoutKnown(records: IssueRecords, cwd: string, known: KnownUnusedExports): [IssueRecords, number] {
	const kept: IssueRecords = {};
	let count = 0;
	for (const [filePath, byName] of Object.entries(records)) {
		const listed = new Set(known[repositoryPath(cwd, filePath)] ?? []);
		const left = Object.entries(byName).filter(([name]) => !listed.has(name));
		if (left.length === 0) continue;
		kept[filePath] = Object.fromEntries(left);
		count += left.length;
	}
	return [kept, count];
}

function staleEntries(reported: Map<string, Set<string>>, cwd: string, known: KnownUnusedExports): IssueRecords {
	const stale: IssueRecords = {};
	for (const [path, names] of Object.entries(known)) {
		for (const name of names) {
			if (reported.get(path)?.has(name)) continue;
			const symbol = `${name} (${STALE_ENTRY_NOTE})`;
			const issue: Issue = { type: 'exports', filePath: `${cwd}/${path}`, workspace: '.', symbol, fixes: [] };
			stale[issue.filePath] = { ...stale[issue.filePath], [symbol]: issue };
		}
	}
	return stale;
}

/** knip's results with the listed exports dropped and the stale list entries added as unused exports. */
export function applyKnownUnusedExports(data: ReporterOptions, known: KnownUnusedExports): ReporterOptions {
	const reported = reportedNames(data.issues, data.cwd);
	const [exports, exportCount] = withoutKnown(data.issues.exports, data.cwd, known);
	const [types, typeCount] = withoutKnown(data.issues.types, data.cwd, known);
	const stale = staleEntries(reported, data.cwd, known);
	const staleCount = Object.values(stale).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
	for (const [filePath, byName] of Object.entries(stale)) exports[filePath] = { ...exports[filePath], ...byName };
	const counters = { ...data.counters, exports: exportCount + staleCount, types: typeCount };
	return { ...data, issues: { ...data.issues, exports, types }, counters };
}

/** knip hands the preprocessor options over as the JSON text of `preprocessorOptions`. */
export function knownUnusedExportsOf(preprocessorOptions: string): KnownUnusedExports {
	const options = (preprocessorOptions ? JSON.parse(preprocessorOptions) : {}) as { ignore?: KnownUnusedExports };
	return options.ignore ?? {};
}

const preprocess: Preprocessor = (data) =>
	applyKnownUnusedExports(data, knownUnusedExportsOf(data.preprocessorOptions));

export default preprocess;

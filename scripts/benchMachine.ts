/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions */
/** The facts about the machine and the tree a benchmark ran on, gathered once for both modes of `npm run bench`. */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

export interface MachineFacts {
	cores: number;
	cpu: string;
	memoryGb: number;
	node: string;
	platform: string;
	commit: string;
	/** Tracked files with uncommitted changes: the figures are then not those of `commit`. */
	modifiedFiles: string[];
	date: string;
}

export function machineFacts(repoRoot = path.join(__dirname, '..')): MachineFacts {
	const cpus = os.cpus();
	const git = (args: string[]) => {
		try {
			return execFileSync('git', args, {
				cwd: repoRoot,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'ignore'],
			}).trimEnd();
		} catch {
			return ''; // not a git checkout
		}
	};
	return {
		cores: cpus.length,
		cpu: cpus[0]?.model.trim() ?? 'unknown',
		memoryGb: Math.round(os.totalmem() / 2 ** 30),
		node: process.version,
		platform: `${os.platform()} ${os.release()}`,
		commit: git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown',
		modifiedFiles: git(['status', '--porcelain', '--untracked-files=no'])
			.split('\n')
			.filter(Boolean)
			.map((line) => line.slice(3)),
		date: new Date().toISOString(),
	};
}

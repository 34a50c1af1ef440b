import { benchMarkdown } from '../../testing/benchMarkdown';

describe('docs/benchmark.md as the benchmark writes it (testing/benchMarkdown.ts)', () => {
	const markdown = benchMarkdown(
		[
			{ kind: 'text', line: '' },
			{ kind: 'text', line: 'Machine: 2 cores' },
			{
				kind: 'table',
				heading: 'Time and API calls',
				title: 'Time (s) and API calls. read = first to last Jikeyun call',
				header: ['records', 'workflow', 'net'],
				rows: [
					['2,000', '1 sample | as shipped', '7.6'],
					['2,000', '4 stock n8n workflow', '29.2'],
				],
			},
			{ kind: 'text', line: 'Targets (reported, not asserted):' },
		],
		{ command: 'npm run bench --  --n8n --sizes 2000' },
	);

	it('names the command that wrote it', () => {
		expect(markdown).toContain('Written by `npm run bench -- --n8n --sizes 2000`');
	});

	it('turns each table into a Markdown table under its own heading, numbers right-aligned, pipes escaped', () => {
		expect(markdown).toContain(
			[
				'## Time and API calls',
				'',
				'Time (s) and API calls. read = first to last Jikeyun call',
				'',
				'| records | workflow | net |',
				'|---:|---|---:|',
				'| 2,000 | 1 sample \\| as shipped | 7.6 |',
				'| 2,000 | 4 stock n8n workflow | 29.2 |',
			].join('\n'),
		);
	});

	it('keeps the printed text between tables, in order, without blank edges', () => {
		expect(markdown.indexOf('```text\nMachine: 2 cores\n```')).toBeGreaterThan(0);
		expect(markdown.indexOf('```text\nTargets (reported, not asserted):\n```')).toBeGreaterThan(
			markdown.indexOf('## Time and API calls'),
		);
	});

	it('warns at the top when runs were disturbed by other processes, and not otherwise', () => {
		expect(markdown).not.toContain('**Disturbed');
		const disturbed = benchMarkdown(
			[
				{
					kind: 'text',
					line: '  2,000 × 1 sample as shipped: other processes used 59.8 s CPU during the run: disturbed',
				},
				{ kind: 'text', line: '  2,000 × 4 stock n8n workflow: 20 shops renamed' },
			],
			{ command: 'npm run bench -- --n8n' },
		);
		expect(disturbed).toContain('**Disturbed: other processes used the CPU during 1 of the runs (see Notes)');
	});
});

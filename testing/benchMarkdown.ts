/**
 * docs/benchmark.md as the benchmark writes it (`npm run bench -- --n8n … --markdown docs/benchmark.md`): a fixed
 * explanation, then the report of the run that wrote it, its tables as Markdown tables. Pure: the parts come from
 * scripts/benchN8n.ts. One current table per section; history goes to CHANGELOG.md.
 */

export type ReportPart =
	| { kind: 'text'; line: string }
	| { kind: 'table'; heading: string; title: string; header: string[]; rows: string[][] };

const INTRO = `# Benchmark

Real n8n workflows side by side in one run (\`scripts/benchN8n.ts\`): the package is built, packed and installed into
the pinned n8n 2.40.7, and each workflow runs with \`n8n execute\` against both emulators with a latency model of remote
servers: Jikeyun 50 ms per call; Kingdee 150 ms per call + 2 ms per saved row, the calls of one session queued (as
IIS does). The workflows, at each size:

- **1 sample as shipped**: \`workflows/jikeyun-shops-to-kingdee-customers.json\` (its settings read from the file), into
  an empty Kingdee; **3a** a re-run with nothing changed; **3b** a re-run after 1% of the shops were renamed.
- **2**: the same workflow at page 50, batch 20, 5 sessions.
- **4 stock n8n workflow** (\`scripts/bench/stock-workflow.json\`): the same job without this package — HTTP Request
  with pagination and an MD5 signature expression, Set, Loop Over Items (20) + Aggregate, HTTP Request login +
  BatchSave with the session cookie. It only creates (a competent user's first version).

A run counts only when Kingdee holds all N records. **Net** = wall − an empty workflow's \`n8n execute\` (n8n
start-up). **Floor** = Jikeyun (pages − 1) × max(50 ms, 1 s / rate ceiling) + 50 ms + Kingdee (calls × 150 ms + rows
saved × 2 ms) / sessions opened, with the calls each run really made. No test asserts a time: the benchmark reports.
\`npm run bench\` without \`--n8n\` runs the nodes in-process through the test harness, for quick comparisons of page
size, rate ceiling, batch size and parallel sessions (\`--quick\` takes under a minute).
`;

const cell = (text: string) => text.replace(/\|/g, '\\|');

function table(part: Extract<ReportPart, { kind: 'table' }>): string[] {
	return [
		`## ${part.heading}`,
		'',
		part.title,
		'',
		`| ${part.header.map(cell).join(' | ')} |`,
		`|${part.header.map((_, column) => (part.rows.every((row) => /^[-\d.,×x]+$/.test(row[column])) ? '---:' : '---')).join('|')}|`,
		...part.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
		'',
	];
}

/** The Markdown document: intro, the command, then the report's text (as printed) and tables in their order. */
export function benchMarkdown(parts: readonly ReportPart[], context: { command: string }): string {
	const disturbed = parts.filter((part) => part.kind === 'text' && /: disturbed$/.test(part.line)).length;
	const out = [
		INTRO,
		`## This run`,
		'',
		`Written by \`${context.command.replace(/\s+/g, ' ').trim()}\`; regenerate rather than edit.`,
		'',
		...(disturbed > 0
			? [
					`**Disturbed: other processes used the CPU during ${disturbed} of the runs (see Notes), so these times are not the`,
					"package's; regenerate on a quiet machine before comparing them.**",
					'',
				]
			: []),
	];
	let text: string[] = [];
	const flush = () => {
		while (text.length > 0 && text[0].trim() === '') text.shift();
		while (text.length > 0 && text[text.length - 1].trim() === '') text.pop();
		if (text.length > 0) out.push('```text', ...text, '```', '');
		text = [];
	};
	for (const part of parts) {
		if (part.kind === 'text') text.push(part.line);
		else {
			flush();
			out.push(...table(part));
		}
	}
	flush();
	return `${out.join('\n').trimEnd()}\n`;
}

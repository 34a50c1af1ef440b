/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- planted secrets for the self-check */
/**
 * The secret scan, run last in the e2e suite (see secretScanLastSequencer.js): everything n8n produced in this run —
 * the output of every n8n process the suite started, every execution it exported, the n8n log files — is searched
 * for every password, app secret and Kingdee session id the suite used. The other test files record both into the
 * run's transcript (testing/n8nInstance.ts).
 */
import { TRANSCRIPT_DIR_ENV, readTranscript, type Transcript } from '../../testing/n8nInstance';

/** Forms a secret can take in a text: as is, JSON-escaped, URL-encoded. */
function encodings(secret: string): string[] {
	return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])];
}

/** One line per place a secret occurs: the text's source and the surroundings, with the secret itself masked. */
function findSecrets(transcript: Transcript): string[] {
	const hits: string[] = [];
	for (const { source, text } of transcript.texts) {
		for (const { source: secretSource, secret } of transcript.secrets) {
			for (const form of encodings(secret)) {
				let at = text.indexOf(form);
				while (at >= 0) {
					const around = `${text.slice(Math.max(0, at - 60), at)}‹secret from ${secretSource}›${text.slice(at + form.length, at + form.length + 60)}`;
					hits.push(`${source}: …${around.replace(/\s+/g, ' ')}…`);
					at = text.indexOf(form, at + form.length);
				}
			}
		}
	}
	return hits;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

describe('secret scan of everything n8n produced in this e2e run', () => {
	test('self-check: the scanner finds a planted secret, plain, JSON-escaped and URL-encoded, and nothing in a clean text', () => {
		const secrets = [
			{ source: 'planted', secret: 'Planted-Pass "2024"/x' },
			{ source: 'planted-session', secret: '3f2b9c1e-6d7a-4e8b-9a0c-1d2e3f4a5b6c' },
		];
		const transcript: Transcript = {
			secrets,
			texts: [
				{ source: 'stdout', text: 'login ok\nerror: session 3f2b9c1e-6d7a-4e8b-9a0c-1d2e3f4a5b6c expired\n' },
				{ source: 'execution', text: JSON.stringify({ body: 'password=Planted-Pass "2024"/x' }) },
				{ source: 'log', text: `GET /?p=${encodeURIComponent('Planted-Pass "2024"/x')}` },
				{ source: 'clean', text: 'password=[redacted] kdservice-sessionid=[redacted]' },
			],
		};
		const hits = findSecrets(transcript);
		expect(hits).toHaveLength(3);
		expect(hits.map((hit) => hit.split(':')[0])).toEqual(['stdout', 'execution', 'log']);
		expect(hits.join('\n')).not.toContain('Planted-Pass');
	});

	test('no password, app secret or session id in any n8n output, execution or log file of this run', () => {
		expect(process.env[TRANSCRIPT_DIR_ENV]).toBeTruthy();
		const transcript = readTranscript();
		const count = (pattern: RegExp) => transcript.texts.filter((text) => pattern.test(text.source)).length;
		const bytes = transcript.texts.reduce((sum, text) => sum + text.text.length, 0);
		log(
			`[secret-scan] ${transcript.texts.length} texts (${Math.round(bytes / 1024)} KiB): ${count(/-n8n-(execute|import|publish|export)/)} n8n commands' output, ` +
				`${count(/n8n-start-output/)} n8n servers' output, ${count(/n8n-execution-/)} stored executions, ${count(/n8n-log-file/)} log files; ` +
				`${transcript.secrets.length} secrets, ${transcript.secrets.filter((s) => /kingdee-session-ids/.test(s.source)).length} of them Kingdee session ids`,
		);
		// The scan must have had something to scan: it runs after the suites that produce these.
		expect(count(/-n8n-execute-stdout/)).toBeGreaterThan(0);
		expect(count(/n8n-start-output/)).toBeGreaterThan(0);
		expect(count(/n8n-execution-/)).toBeGreaterThan(0);
		expect(count(/n8n-log-file/)).toBeGreaterThan(0);
		expect(transcript.secrets.filter((s) => /kingdee-session-ids/.test(s.source)).length).toBeGreaterThan(0);
		expect(transcript.secrets.filter((s) => /emulator-accounts/.test(s.source)).length).toBe(3);
		expect(findSecrets(transcript)).toEqual([]);
	});
});

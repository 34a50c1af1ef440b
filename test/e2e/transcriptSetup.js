/**
 * Jest global setup of the e2e suite: a fresh transcript directory for this run, named in the environment variable
 * that testing/n8nInstance.ts records into (test files run in their own module registries, so the transcript
 * cannot be a module variable). The test workers inherit the variable.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Must equal TRANSCRIPT_DIR_ENV in testing/n8nInstance.ts (checked by the secret scan test). */
const TRANSCRIPT_DIR_ENV = 'JIKEYUN_KINGDEE_E2E_TRANSCRIPT_DIR';

async function openTranscript() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-e2e-transcript-'));
	process.env[TRANSCRIPT_DIR_ENV] = dir;
	process.stdout.write(`\n[e2e] transcript for the secret scan: ${dir}\n`);
}

/** Global teardown: the transcript (tens of MB) is removed unless KEEP_E2E_DIR asks to keep it, like the work dirs. */
async function closeTranscript() {
	const dir = process.env[TRANSCRIPT_DIR_ENV];
	if (!dir) return;
	if (process.env.KEEP_E2E_DIR) process.stdout.write(`[e2e] kept the transcript ${dir}\n`);
	else fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = openTranscript;
module.exports.closeTranscript = closeTranscript;

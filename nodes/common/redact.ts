/** Replaces every occurrence of each secret (of 4+ characters) in `text` with `***`. */
export function redactSecrets(text: string, secrets: Array<string | undefined | null>): string {
	let out = text;
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < 4) continue;
		out = out.split(secret).join('***');
	}
	return out;
}

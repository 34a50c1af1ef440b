/** Version arithmetic for the n8n test matrix (scripts/refresh-n8n-latest.ts, testing/n8nRuntime.ts). Pure. */

const STABLE = /^(\d+)\.(\d+)\.(\d+)$/;

function parts(version: string): [number, number, number] | undefined {
	const match = STABLE.exec(version.trim());
	return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** -1, 0 or 1 as `a` is older than, equal to or newer than `b` (stable x.y.z versions only). */
export function compareVersions(a: string, b: string): number {
	const [pa, pb] = [parts(a), parts(b)];
	if (!pa || !pb) throw new Error(`not a stable version: ${pa ? b : a}`);
	for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
	return 0;
}

/** The newest stable (no pre-release tag) version with the given major among `versions`; undefined when none. */
export function newestStable(versions: readonly string[], major: number): string | undefined {
	return versions
		.filter((version) => parts(version)?.[0] === major)
		.reduce<
			string | undefined
		>((best, version) => (!best || compareVersions(version, best) > 0 ? version : best), undefined);
}

/**
 * The emulator's own Jikeyun signature and Beijing-time code, written from docs/jikeyun-open-api.md#signature and
 * docs/jikeyun-open-api.md#timestamp instead of imported from the package: a signing bug in the package then fails
 * the tests rather than being copied into the emulator. Checked against docs/jikeyun-open-api.md#test-vector by
 * test/unit/emulatorSignatures.test.ts.
 */
import { createHash } from 'crypto';

/** Parameters the gateway leaves out of the signature. */
const UNSIGNED = new Set(['sign', 'contextid', 'token']);

/** Ordinal (UTF-16 code unit) comparison, the order the recipe sorts parameter names in. */
function byCodeUnits(a: string, b: string): number {
	if (a === b) return 0;
	return a < b ? -1 : 1;
}

/**
 * The `sign` the gateway expects for these request parameters: MD5 (lower-case hex) of the App Secret, every
 * signed `name + value` in name order, the App Secret again, the whole text lower-cased.
 */
export function expectedJikeyunSign(parameters: Iterable<readonly [string, string]>, appSecret: string): string {
	const signed = Array.from(parameters).filter(([name]) => !UNSIGNED.has(name));
	signed.sort(([a], [b]) => byCodeUnits(a, b));
	let text = appSecret;
	for (const [name, value] of signed) text += name + value;
	text += appSecret;
	return createHash('md5').update(text.toLowerCase(), 'utf8').digest('hex');
}

const EIGHT_HOURS_MS = 8 * 3_600_000;
const WALL_CLOCK = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8, no daylight saving), whatever the host's zone. */
export function beijingWallClock(date: Date): string {
	return new Date(date.getTime() + EIGHT_HOURS_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The instant a Beijing `yyyy-MM-dd HH:mm:ss` text names; undefined for any other shape or an impossible date. */
export function readBeijingWallClock(text: string): Date | undefined {
	if (!WALL_CLOCK.test(text)) return undefined;
	const asUtc = Date.parse(`${text.replace(' ', 'T')}Z`);
	if (Number.isNaN(asUtc)) return undefined;
	const date = new Date(asUtc - EIGHT_HOURS_MS);
	// Date.parse accepts 2024-02-30 on some engines by rolling it over; the text must round-trip.
	return beijingWallClock(date) === text ? date : undefined;
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad(value: number): string {
	return value < 10 ? `0${value}` : String(value);
}

/**
 * `yyyy-MM-dd HH:mm:ss` in Beijing wall-clock time (UTC+8, China has no DST), whatever the host's zone:
 * a host-local timestamp makes requests "expire" on servers outside China.
 */
export function formatBeijingTime(date: Date): string {
	const shifted = new Date(date.getTime() + BEIJING_OFFSET_MS);
	return (
		`${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())} ` +
		`${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`
	);
}

const BEIJING_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Parses `yyyy-MM-dd HH:mm:ss` as Beijing time; undefined when the text does not have that exact shape. */
export function parseBeijingTime(text: string): Date | undefined {
	const match = BEIJING_TIME_PATTERN.exec(text);
	if (!match) return undefined;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
	const utc = Date.UTC(year, month - 1, day, hour, minute, second) - BEIJING_OFFSET_MS;
	const date = new Date(utc);
	// Reject impossible dates such as 2024-02-31 that Date.UTC would roll over.
	return formatBeijingTime(date) === text ? date : undefined;
}

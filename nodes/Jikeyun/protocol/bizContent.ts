import { parseJsonLossless } from '../../common/losslessJson';
import { JikeyunSettingsError } from './errors';

const FIELD = 'Business Parameters (bizcontent)';

function snippet(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

/**
 * The bizcontent parameter as text (sent unchanged) and parsed value, checked before any request:
 * text that is not JSON, or (for paging and polling, which add keys) JSON that is not an object,
 * fails naming the field, `where` (e.g. "item 2") and a snippet of what was written.
 */
export function readBizContentParameter(
	raw: unknown,
	where: string,
	{ requireObject = false } = {},
): { text: string; value: unknown } {
	let parsed: { text: string; value: unknown };
	if (typeof raw !== 'string') {
		parsed = { text: JSON.stringify(raw ?? {}), value: raw ?? {} };
	} else {
		const text = raw.trim() === '' ? '{}' : raw;
		let reason: string | undefined;
		try {
			parsed = { text, value: parseJsonLossless(text) };
		} catch (error) {
			reason = (error as Error).message;
			parsed = { text, value: undefined };
		}
		if (reason !== undefined) {
			throw new JikeyunSettingsError(
				`${FIELD} of ${where} is not valid JSON (${reason}): "${snippet(text)}"`,
				`Write "${FIELD}" as JSON with quoted keys, e.g. {"pageIndex": 0, "pageSize": 50}.`,
			);
		}
	}
	const value = parsed.value;
	if (requireObject && (value === null || typeof value !== 'object' || Array.isArray(value))) {
		throw new JikeyunSettingsError(
			`${FIELD} of ${where} must be a JSON object here (page and window keys are added to it): "${snippet(parsed.text)}"`,
			`Write "${FIELD}" as an object such as {"warehouseCode": "WH01"}, or turn Paginate off for array payloads.`,
		);
	}
	return parsed;
}

import type { StoredShop } from '../seedData';
import { BareInteger, toJsonText } from '../jsonText';
import {
	compareIds,
	isVisible,
	type MethodHandler,
	page,
	readList,
	readPaging,
	readText,
	readTime,
	readVisibility,
} from './parameters';

/** Records in the order the emulator pages them: ascending channelId, so paging is stable. */
export function filterSalesChannels(bizcontent: Record<string, unknown>, shops: StoredShop[]): StoredShop[] {
	const code = readText(bizcontent, 'code');
	const name = readText(bizcontent, 'name')?.toLowerCase();
	const channelCodes = readList(bizcontent, 'channelCodes');
	const channelIds = readList(bizcontent, 'channelIds');
	const cateNames = readList(bizcontent, 'cateNames');
	const modifiedFrom = readTime(bizcontent, 'gmtModifiedStart');
	const modifiedTo = readTime(bizcontent, 'gmtModifiedEnd');
	const visibility = readVisibility(bizcontent);
	return shops
		.filter(({ shop, modifiedAtMs }) => {
			if (!isVisible(shop, visibility)) return false;
			if (code !== undefined && shop.channelCode !== code) return false;
			if (name !== undefined && !shop.channelName.toLowerCase().includes(name)) return false;
			if (channelCodes && !channelCodes.has(shop.channelCode)) return false;
			if (channelIds && !channelIds.has(shop.channelId)) return false;
			if (cateNames && !cateNames.has(shop.cateName ?? '')) return false;
			if (modifiedFrom !== undefined && modifiedAtMs < modifiedFrom) return false;
			if (modifiedTo !== undefined && modifiedAtMs > modifiedTo) return false;
			return true;
		})
		.sort((a, b) => compareIds(a.shop.channelId, b.shop.channelId));
}

/** erp.sales.get (docs/jikeyun-open-api.md#sales-channel-request): filters and 0-based paging. */
export const getSalesChannels: MethodHandler = (bizcontent, data) => {
	const paging = readPaging(bizcontent, 0);
	const rows = page(filterSalesChannels(bizcontent, data.shops), paging).map(({ shop }) => ({
		...shop,
		channelId: new BareInteger(shop.channelId),
	}));
	return toJsonText({ salesChannelInfo: rows });
};

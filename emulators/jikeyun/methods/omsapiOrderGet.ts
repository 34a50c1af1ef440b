import { BareInteger, toJsonText } from '../jsonText';
import { type MethodHandler, page, publicFields, readPaging, readTime } from './parameters';

/** omsapi-business.order.get: `data` a JSON string with capitalised keys (`Trades`). */
export const getOnlineOrders: MethodHandler = (bizcontent, data) => {
	const paging = readPaging(bizcontent, 0);
	const from = readTime(bizcontent, 'startModified');
	const to = readTime(bizcontent, 'endModified');
	const rows = data.trades.filter(
		(t) => (from === undefined || t.modifiedAtMs >= from) && (to === undefined || t.modifiedAtMs <= to),
	);
	const trades = page(rows, paging).map((trade) => ({
		...publicFields(trade),
		TradeId: new BareInteger(trade.TradeId),
		ShopId: new BareInteger(trade.ShopId),
	}));
	// omsapi-business.* put a JSON-encoded string in `data` that clients must parse again
	// (docs/jikeyun-open-api.md#data-shapes-and-long-ids).
	return JSON.stringify(toJsonText({ Trades: trades }));
};

import { BareInteger, toJsonText } from '../jsonText';
import {
	BusinessError,
	type MethodHandler,
	page,
	publicFields,
	readPaging,
	readTime,
	WMS_PARAMETER_ERROR_SUBCODE,
} from './parameters';

/** wms.order.query-info.page: 1-based pages, windows of at most 24 h, the list itself as `data`. */
const MAX_WMS_WINDOW_MS = 24 * 3600 * 1000;

export const queryDeliveryOrders: MethodHandler = (bizcontent, data) => {
	const paging = readPaging(bizcontent, 1);
	const from = readTime(bizcontent, 'startModifyTime');
	const to = readTime(bizcontent, 'endModifyTime');
	if (from !== undefined && to !== undefined && to - from > MAX_WMS_WINDOW_MS) {
		throw new BusinessError(WMS_PARAMETER_ERROR_SUBCODE, '修改时间起止时间差不能超过24小时');
	}
	const rows = data.deliveryOrders.filter(
		(o) => (from === undefined || o.modifiedAtMs >= from) && (to === undefined || o.modifiedAtMs <= to),
	);
	// This method returns the list itself as `data` (docs/jikeyun-open-api.md#data-shapes-and-long-ids).
	return toJsonText(
		page(rows, paging).map((order) => ({ ...publicFields(order), orderId: new BareInteger(order.orderId) })),
	);
};

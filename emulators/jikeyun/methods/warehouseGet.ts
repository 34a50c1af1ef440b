import { BareInteger, toJsonText } from '../jsonText';
import { isVisible, type MethodHandler, page, readPaging, readText, readTime, readVisibility } from './parameters';

/** erp.warehouse.get (docs/jikeyun-open-api.md#other-methods): dates as epoch milliseconds. */
export const getWarehouses: MethodHandler = (bizcontent, data) => {
	const paging = readPaging(bizcontent, 0);
	const code = readText(bizcontent, 'warehouseCode');
	const modifiedFrom = readTime(bizcontent, 'gmtModifiedStart');
	const modifiedTo = readTime(bizcontent, 'gmtModifiedEnd');
	const visibility = readVisibility(bizcontent);
	const rows = data.warehouses.filter(
		(w) =>
			isVisible(w, visibility) &&
			(code === undefined || w.warehouseCode === code) &&
			(modifiedFrom === undefined || w.gmtModified >= modifiedFrom) &&
			(modifiedTo === undefined || w.gmtModified <= modifiedTo),
	);
	const warehouseInfo = page(rows, paging).map((w) => ({ ...w, warehouseId: new BareInteger(w.warehouseId) }));
	return toJsonText({ warehouseInfo });
};

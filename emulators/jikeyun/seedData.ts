import { beijingWallClock } from './signature';
import { createRandom, deriveSeed, pick, randomInt, type Random } from './prng';

/**
 * One sales channel (shop) as erp.sales.get returns it (docs/jikeyun-open-api.md#sales-channel-records),
 * channelId kept as a string. Every field beyond the contract's core is optional because tenants differ;
 * the id-like numeric fields are numbers on most records and strings on some ("string vs number 混用",
 * docs/jikeyun-open-api.md#data-shapes-and-long-ids).
 */
export interface JikeyunShop {
	channelId: string;
	channelCode: string;
	channelName: string;
	channelType: number;
	onlinePlatTypeCode: string;
	onlinePlatTypeName: string;
	platShopId?: string;
	platShopName?: string;
	channelDepartId?: number | string;
	channelDepartName?: string;
	departCode?: string;
	cateId?: number | string;
	cateName?: string;
	companyId?: number | string;
	companyName?: string;
	companyCode?: string;
	warehouseCode?: string;
	warehouseName?: string;
	linkMan?: string;
	linkTel?: string;
	email?: string;
	officeAddress?: string;
	postcode?: string;
	countryId?: number | string;
	countryName?: string;
	provinceId?: number | string;
	provinceName?: string;
	cityId?: number | string;
	cityName?: string;
	groupId?: number | string;
	chargeType?: number | string;
	responsibleUserName?: string;
	memo?: string;
	field1?: string;
	field2?: string;
	isBlockup?: number;
	isDelete?: number;
}

/** A shop plus what the gateway knows but never returns: its modification time (ms, whole seconds). */
export interface StoredShop {
	shop: JikeyunShop;
	modifiedAtMs: number;
}

/** Beijing 2023-01-01 00:00:00: seeded modification times lie in 2023–2024, well before any "now" window. */
const SEED_EPOCH_MS = Date.UTC(2022, 11, 31, 16, 0, 0);
const SEED_SPAN_SECONDS = 2 * 365 * 24 * 3600;

interface Platform {
	code: string;
	name: string;
	codePrefix: string;
	shopSuffixes: string[];
}

const ONLINE_PLATFORMS: Platform[] = [
	{ code: 'TMALL', name: '天猫商城', codePrefix: 'TM', shopSuffixes: ['天猫旗舰店', '天猫专卖店', '官方旗舰店'] },
	{ code: 'JD', name: '京东', codePrefix: 'JD', shopSuffixes: ['京东自营旗舰店', '京东POP店', '京东专营店'] },
	{ code: 'PDD', name: '拼多多', codePrefix: 'PDD', shopSuffixes: ['拼多多旗舰店', '拼多多专营店'] },
	{ code: 'DOUYIN', name: '抖音小店', codePrefix: 'DY', shopSuffixes: ['抖音小店', '抖音官方旗舰店'] },
	{ code: 'KUAISHOU', name: '快手小店', codePrefix: 'KS', shopSuffixes: ['快手小店'] },
	{ code: 'TAOBAO', name: '淘宝', codePrefix: 'TB', shopSuffixes: ['淘宝企业店', '淘宝C店'] },
	{ code: 'XIAOHONGSHU', name: '小红书', codePrefix: 'XHS', shopSuffixes: ['小红书店'] },
	{ code: 'WEIXIN', name: '微信小程序', codePrefix: 'WX', shopSuffixes: ['微信商城', '小程序商城'] },
];
const OFFLINE = { code: 'OFFLINE', name: '线下', codePrefix: 'MD' };
const DISTRIBUTION = { code: 'OTHER', name: '其他', codePrefix: 'FX' };

const BRANDS = [
	'花语',
	'木子',
	'简约家',
	'悦颜',
	'青禾',
	'北极绒',
	'暖阳',
	'山野',
	'云朵',
	'星河',
	'小熊',
	'蜜桃',
	'知味',
	'若水',
	'禾田',
	'优选',
];
const CITIES = [
	{
		provinceId: 310000,
		provinceName: '上海市',
		cityId: 310100,
		cityName: '上海市',
		districts: ['徐汇', '静安', '浦东'],
		postcode: '200030',
	},
	{
		provinceId: 330000,
		provinceName: '浙江省',
		cityId: 330100,
		cityName: '杭州市',
		districts: ['西湖', '滨江', '余杭'],
		postcode: '310012',
	},
	{
		provinceId: 440000,
		provinceName: '广东省',
		cityId: 440100,
		cityName: '广州市',
		districts: ['天河', '越秀', '番禺'],
		postcode: '510620',
	},
	{
		provinceId: 110000,
		provinceName: '北京市',
		cityId: 110100,
		cityName: '北京市',
		districts: ['朝阳', '海淀', '东城'],
		postcode: '100020',
	},
	{
		provinceId: 510000,
		provinceName: '四川省',
		cityId: 510100,
		cityName: '成都市',
		districts: ['锦江', '武侯', '高新'],
		postcode: '610041',
	},
	{
		provinceId: 420000,
		provinceName: '湖北省',
		cityId: 420100,
		cityName: '武汉市',
		districts: ['江汉', '洪山', '武昌'],
		postcode: '430022',
	},
];
const COMPANIES = [
	{ id: 7120456789012, name: '上海示例贸易有限公司', code: 'SH01' },
	{ id: 7120456789013, name: '杭州云仓电子商务有限公司', code: 'HZ01' },
	{ id: 7120456789014, name: '广州分销供应链有限公司', code: 'GZ01' },
];
const DEPARTMENTS = [
	{ id: 8800100001, name: '电商一部', code: 'D01' },
	{ id: 8800100002, name: '电商二部', code: 'D02' },
	{ id: 8800100003, name: '直营门店部', code: 'D03' },
	{ id: 8800100004, name: '分销部', code: 'D04' },
];
const CATEGORIES = {
	online: { id: 5500001, name: '线上直营' },
	store: { id: 5500002, name: '线下门店' },
	distribution: { id: 5500003, name: '分销渠道' },
	social: { id: 5500004, name: '社交电商' },
};
const PEOPLE = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵敏', '黄磊', '周婷', '吴强'];

/**
 * Names that break naive clients: quotes, form-encoding metacharacters, emoji (astral plane),
 * backslashes, leading/trailing spaces and a name far beyond typical column widths.
 */
const AWKWARD_NAMES = [
	`Tom's "Best" 家居店`,
	'A&B 母婴 + 玩具 100%=正品',
	'🎉抖音小店🛍️ 潮流馆',
	'  前导空格天猫店',
	'京东尾随空格店  ',
	`【官方授权】${'超长店铺名称测试'.repeat(40)}旗舰店`,
	`O'Neil & Sons "出口" 分销 50%+`,
	'a=b&c=d%26e+f 门店',
	'  "引号" & 空格 ',
	'C:\\店铺\\新店 #1 ?x=1',
];

/** Positions chosen so that small shop lists already contain each kind of record. */
function isAwkwardIndex(index: number): boolean {
	return index % 9 === 4;
}
function isBlockedIndex(index: number): boolean {
	return !isAwkwardIndex(index) && index % 23 === 11;
}
function isDeletedIndex(index: number): boolean {
	return !isAwkwardIndex(index) && index % 29 === 17;
}

/** 19-digit ids, strictly increasing with the index (ordering by channelId = creation order). */
function channelIdFor(seed: number, index: number, random: Random): string {
	const base =
		BigInt('1900000000000000000') + BigInt(deriveSeed(seed, 'channel-base') % 90_000) * BigInt(1_000_000_000_000);
	return (base + BigInt(index) * BigInt(1_000_003) + BigInt(randomInt(random, 0, 999_999))).toString();
}

function maybeString(value: number, asString: boolean): number | string {
	return asString ? String(value) : value;
}

export function generateShop(seed: number, index: number, modifiedAtMs?: number): StoredShop {
	const random = createRandom(deriveSeed(seed, 'shop', index));
	const kindRoll = random();
	const brand = pick(random, BRANDS);
	const city = pick(random, CITIES);
	const district = pick(random, city.districts);
	const company = pick(random, COMPANIES);
	const warehouse = pick(
		random,
		SEED_WAREHOUSES.filter((w) => w.isBlockup === 0 && w.isDelete === 0),
	);
	const numbersAsStrings = random() < 0.25;
	const sequence = String(index + 1).padStart(5, '0');

	let channelType: number;
	let platform: { code: string; name: string; codePrefix: string };
	let name: string;
	let category: { id: number; name: string };
	let department: (typeof DEPARTMENTS)[number];
	let platShop: { id: string; name: string } | undefined;
	if (kindRoll < 0.7) {
		const online = pick(random, ONLINE_PLATFORMS);
		platform = online;
		channelType = 1;
		name = `${brand}${pick(random, online.shopSuffixes)}`;
		category =
			online.code === 'DOUYIN' || online.code === 'XIAOHONGSHU' || online.code === 'KUAISHOU'
				? CATEGORIES.social
				: CATEGORIES.online;
		department = pick(random, DEPARTMENTS.slice(0, 2));
		platShop = { id: String(randomInt(random, 100_000_000, 99_999_999_999)), name: `${brand}${online.name}店` };
	} else if (kindRoll < 0.85) {
		platform = OFFLINE;
		channelType = random() < 0.7 ? 2 : 6;
		name = `${brand}${city.cityName.replace('市', '')}${district}${channelType === 6 ? '加盟店' : '门店'}`;
		category = CATEGORIES.store;
		department = DEPARTMENTS[2];
	} else {
		platform = DISTRIBUTION;
		channelType = pick(random, [0, 5, 3]);
		name = `${pick(random, ['华东', '华南', '华北', '西南'])}分销-${brand}商贸`;
		category = CATEGORIES.distribution;
		department = DEPARTMENTS[3];
	}
	if (isAwkwardIndex(index)) name = AWKWARD_NAMES[Math.floor(index / 9) % AWKWARD_NAMES.length];

	const person = pick(random, PEOPLE);
	const shop: JikeyunShop = {
		channelId: channelIdFor(seed, index, random),
		channelCode: `${platform.codePrefix}${sequence}`,
		channelName: name,
		channelType,
		onlinePlatTypeCode: platform.code,
		onlinePlatTypeName: platform.name,
	};
	if (platShop) {
		shop.platShopId = platShop.id;
		shop.platShopName = platShop.name;
	}
	Object.assign(shop, {
		channelDepartId: maybeString(department.id, numbersAsStrings),
		channelDepartName: department.name,
		departCode: department.code,
		cateId: maybeString(category.id, numbersAsStrings),
		cateName: category.name,
		companyId: maybeString(company.id, numbersAsStrings),
		companyName: company.name,
		companyCode: company.code,
		warehouseCode: warehouse.warehouseCode,
		warehouseName: warehouse.warehouseName,
		linkMan: person,
		linkTel: `1${randomInt(random, 3, 9)}${String(randomInt(random, 0, 999_999_999)).padStart(9, '0')}`,
	});
	if (random() < 0.5) shop.email = `shop${index + 1}@example.com`;
	const cityPart = city.cityName === city.provinceName ? '' : city.cityName;
	shop.officeAddress = `${city.provinceName}${cityPart}${district}区${randomInt(random, 1, 999)}号`;
	if (random() < 0.6) shop.postcode = city.postcode;
	Object.assign(shop, {
		countryId: maybeString(1, numbersAsStrings),
		countryName: '中国',
		provinceId: maybeString(city.provinceId, numbersAsStrings),
		provinceName: city.provinceName,
		cityId: maybeString(city.cityId, numbersAsStrings),
		cityName: city.cityName,
	});
	if (random() < 0.3) shop.groupId = maybeString(randomInt(random, 1000, 9999), numbersAsStrings);
	shop.chargeType = maybeString(randomInt(random, 0, 3), numbersAsStrings);
	shop.responsibleUserName = pick(random, PEOPLE);
	if (random() < 0.3) shop.memo = pick(random, ['重点店铺', '618大促', '新开店铺，待审核', '备注：含"引号"与&符号']);
	if (random() < 0.2) shop.field1 = `自定义${randomInt(random, 1, 99)}`;
	shop.isBlockup = isBlockedIndex(index) ? 1 : 0;
	shop.isDelete = isDeletedIndex(index) ? 1 : 0;

	const seededModifiedAt = SEED_EPOCH_MS + randomInt(random, 0, SEED_SPAN_SECONDS) * 1000;
	return { shop, modifiedAtMs: modifiedAtMs ?? seededModifiedAt };
}

export function generateShops(seed: number, fromIndex: number, count: number, modifiedAtMs?: number): StoredShop[] {
	const shops: StoredShop[] = [];
	for (let i = 0; i < count; i++) shops.push(generateShop(seed, fromIndex + i, modifiedAtMs));
	return shops;
}

/** erp.warehouse.get record (documented: dates as epoch milliseconds). */
export interface SeedWarehouse {
	warehouseId: string;
	warehouseCode: string;
	warehouseName: string;
	warehouseTypeCode: string;
	companyName: string;
	provinceName: string;
	cityName: string;
	address: string;
	linkMan: string;
	linkTel: string;
	isBlockup: number;
	isDelete: number;
	gmtCreate: number;
	gmtModified: number;
}

function warehouse(
	n: number,
	name: string,
	province: string,
	city: string,
	flags: { isBlockup?: number; isDelete?: number } = {},
): SeedWarehouse {
	const created = Date.UTC(2021, 2, n, 2, 30, 0);
	return {
		warehouseId: (BigInt('1880000000000000000') + BigInt(n) * BigInt(7_777_777)).toString(),
		warehouseCode: `WH${String(n).padStart(3, '0')}`,
		warehouseName: name,
		warehouseTypeCode: n === 9 ? 'VIRTUAL' : 'NORMAL',
		companyName: COMPANIES[n % COMPANIES.length].name,
		provinceName: province,
		cityName: city,
		address: `${province}${city}物流园${n}号库`,
		linkMan: PEOPLE[n % PEOPLE.length],
		linkTel: `0${20 + n}-6${String(1000000 + n * 4321).slice(-7)}`,
		isBlockup: flags.isBlockup ?? 0,
		isDelete: flags.isDelete ?? 0,
		gmtCreate: created,
		gmtModified: created + n * 86_400_000,
	};
}

/** Fixed list (not seeded): shops reference these codes, so they must exist for every seed. */
export const SEED_WAREHOUSES: SeedWarehouse[] = [
	warehouse(1, '上海总仓', '上海市', '上海市'),
	warehouse(2, '杭州电商仓', '浙江省', '杭州市'),
	warehouse(3, '广州分仓', '广东省', '广州市'),
	warehouse(4, '北京仓', '北京市', '北京市'),
	warehouse(5, '成都仓', '四川省', '成都市'),
	warehouse(6, '武汉仓', '湖北省', '武汉市'),
	warehouse(7, '沈阳仓(停用)', '辽宁省', '沈阳市', { isBlockup: 1 }),
	warehouse(8, '西安仓(已删除)', '陕西省', '西安市', { isDelete: 1 }),
	warehouse(9, '门店虚拟仓', '上海市', '上海市'),
	warehouse(10, '退货仓', '浙江省', '嘉兴市'),
	warehouse(11, '保税仓', '浙江省', '宁波市'),
	warehouse(12, '跨境仓', '广东省', '深圳市'),
];

/** Delivery orders for wms.order.query-info.page; all modified on one Beijing day (the method allows ≤ 24 h windows). */
export const WMS_ORDER_DAY = '2024-06-01';

export interface SeedDeliveryOrder {
	orderId: string;
	deliveryNo: string;
	tradeNo: string;
	warehouseCode: string;
	shopCode: string;
	logisticName: string;
	status: number;
	createTime: string;
	modifyTime: string;
	/** Hidden: modifyTime as ms for filtering. */
	modifiedAtMs: number;
}

export function generateDeliveryOrders(seed: number, shops: JikeyunShop[], count: number): SeedDeliveryOrder[] {
	const random = createRandom(deriveSeed(seed, 'wms'));
	const dayStart = Date.UTC(2024, 4, 31, 16, 0, 0); // 2024-06-01 00:00:00 Beijing
	const orders: SeedDeliveryOrder[] = [];
	for (let i = 0; i < count; i++) {
		const modifiedAtMs = dayStart + Math.floor(((i + random()) / count) * 86_399) * 1000;
		orders.push({
			orderId: (BigInt('1770000000000000000') + BigInt(i) * BigInt(104_729)).toString(),
			deliveryNo: `FH20240601${String(i + 1).padStart(5, '0')}`,
			tradeNo: `JY20240601${String(randomInt(random, 10_000, 99_999))}`,
			warehouseCode: pick(random, SEED_WAREHOUSES.slice(0, 6)).warehouseCode,
			shopCode: shops.length > 0 ? pick(random, shops).channelCode : '',
			logisticName: pick(random, ['顺丰速运', '中通快递', '圆通速递', '京东物流', 'EMS']),
			status: pick(random, [1, 2, 3]),
			createTime: beijingWallClock(new Date(modifiedAtMs - 3_600_000)),
			modifyTime: beijingWallClock(new Date(modifiedAtMs)),
			modifiedAtMs,
		});
	}
	return orders;
}

/** Online-store orders for omsapi-business.order.get (capitalised keys, as that family returns). */
export interface SeedTrade {
	TradeId: string;
	TradeNo: string;
	ShopId: string;
	ShopName: string;
	TradeStatus: string;
	TotalFee: string;
	PayTime: string;
	ModifiedTime: string;
	GoodsDetail: Array<{ GoodsNo: string; GoodsName: string; Quantity: number; Price: string }>;
	/** Hidden: ModifiedTime as ms for filtering. */
	modifiedAtMs: number;
}

export function generateTrades(seed: number, shops: JikeyunShop[], count: number): SeedTrade[] {
	const random = createRandom(deriveSeed(seed, 'trades'));
	const start = Date.UTC(2024, 4, 31, 16, 0, 0);
	const trades: SeedTrade[] = [];
	for (let i = 0; i < count; i++) {
		const shop = shops.length > 0 ? pick(random, shops) : undefined;
		const modifiedAtMs = start + randomInt(random, 0, 7 * 86_400 - 1) * 1000;
		const lines = randomInt(random, 1, 3);
		const goods = [];
		for (let line = 0; line < lines; line++) {
			const price = randomInt(random, 990, 59_900) / 100;
			goods.push({
				GoodsNo: `G${randomInt(random, 1000, 9999)}-${line + 1}`,
				GoodsName: pick(random, ['纯棉T恤', '保温杯', '蓝牙耳机', '面膜套装', '儿童积木']),
				Quantity: randomInt(random, 1, 5),
				Price: price.toFixed(2),
			});
		}
		const total = goods.reduce((sum, g) => sum + Number(g.Price) * g.Quantity, 0);
		trades.push({
			TradeId: (BigInt('1660000000000000000') + BigInt(i) * BigInt(15_485_863)).toString(),
			TradeNo: `T2024${String(i + 1).padStart(8, '0')}`,
			ShopId: shop?.channelId ?? '0',
			ShopName: shop?.channelName ?? '',
			TradeStatus: pick(random, ['WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS', 'TRADE_FINISHED']),
			TotalFee: total.toFixed(2),
			PayTime: beijingWallClock(new Date(modifiedAtMs - 600_000)),
			ModifiedTime: beijingWallClock(new Date(modifiedAtMs)),
			GoodsDetail: goods,
			modifiedAtMs,
		});
	}
	return trades;
}

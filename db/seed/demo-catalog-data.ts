/**
 * The demo catalog of a Chinese convenience store / small supermarket (no tobacco). Prices are
 * plausible 2024 shelf prices in fen; weighed goods are priced per kilogram.
 *
 * VAT (included in the price) follows the Chinese rates: 13 % for most goods; 9 % for
 * agricultural products and some staples (fruit, rice, flour, edible vegetable oil, table salt,
 * sterilised and pasteurised plain milk); 0 % where retail sale is exempt (fresh vegetables,
 * 财税〔2011〕137号; fresh, chilled or frozen meat and eggs, 财税〔2012〕75号).
 *
 * Barcodes are NOT the real ones of these products (those belong to their makers); demoCatalog.ts
 * derives synthetic, valid EAN-13s in the China range 690–699, one manufacturer code per maker.
 */

export type CategoryCode = 'DRK' | 'ALC' | 'DAI' | 'INS' | 'SNK' | 'BIS' | 'CDY' | 'GRO' | 'FRZ' | 'HOM' | 'PER' | 'CLN' | 'FRU' | 'VEG' | 'MEA' | 'DEL';

export interface DemoCategory {
  name: string;
  nameEn: string;
  taxRateBp: number;
  /** Weighed at the scale, priced per kg, scanned from the scale's label by PLU. */
  weighed?: { pluBase: number };
}

export const DEMO_CATEGORIES: Record<CategoryCode, DemoCategory> = {
  DRK: { name: '饮料', nameEn: 'Drinks', taxRateBp: 1300 },
  ALC: { name: '酒类', nameEn: 'Beer, wine & spirits', taxRateBp: 1300 },
  DAI: { name: '乳品', nameEn: 'Dairy', taxRateBp: 1300 },
  INS: { name: '方便速食', nameEn: 'Instant food', taxRateBp: 1300 },
  SNK: { name: '休闲零食', nameEn: 'Snacks', taxRateBp: 1300 },
  BIS: { name: '饼干糕点', nameEn: 'Biscuits & cakes', taxRateBp: 1300 },
  CDY: { name: '糖果巧克力', nameEn: 'Sweets & chocolate', taxRateBp: 1300 },
  GRO: { name: '粮油调味', nameEn: 'Grain, oil & seasoning', taxRateBp: 1300 },
  FRZ: { name: '冷冻食品', nameEn: 'Frozen food', taxRateBp: 1300 },
  HOM: { name: '日用百货', nameEn: 'Household', taxRateBp: 1300 },
  PER: { name: '个人护理', nameEn: 'Personal care', taxRateBp: 1300 },
  CLN: { name: '清洁用品', nameEn: 'Cleaning', taxRateBp: 1300 },
  FRU: { name: '水果', nameEn: 'Fruit', taxRateBp: 900, weighed: { pluBase: 10000 } },
  VEG: { name: '蔬菜', nameEn: 'Vegetables', taxRateBp: 0, weighed: { pluBase: 20000 } },
  MEA: { name: '肉禽蛋', nameEn: 'Meat & eggs', taxRateBp: 0, weighed: { pluBase: 30000 } },
  DEL: { name: '熟食', nameEn: 'Deli', taxRateBp: 1300, weighed: { pluBase: 40000 } },
};

/** [category, name, English name, price in fen, unit, VAT override in bp, active (default true)] */
export type DemoItem = readonly [CategoryCode, string, string, number, string, number?, boolean?];

/** Packaged goods grouped by maker: a maker's items share its (synthetic) manufacturer code. */
export const DEMO_MAKERS: readonly { maker: string; items: readonly DemoItem[] }[] = [
  {
    maker: '可口可乐',
    items: [
      ['DRK', '可口可乐 330ml', 'Coca-Cola 330ml can', 300, '罐'],
      ['DRK', '可口可乐 500ml', 'Coca-Cola 500ml', 350, '瓶'],
      ['DRK', '可口可乐 1.25L', 'Coca-Cola 1.25L', 600, '瓶'],
      ['DRK', '可口可乐 2L', 'Coca-Cola 2L', 850, '瓶'],
      ['DRK', '零度可口可乐 330ml', 'Coca-Cola Zero 330ml can', 300, '罐'],
      ['DRK', '零度可口可乐 500ml', 'Coca-Cola Zero 500ml', 350, '瓶'],
      ['DRK', '雪碧 330ml', 'Sprite 330ml can', 300, '罐'],
      ['DRK', '雪碧 500ml', 'Sprite 500ml', 350, '瓶'],
      ['DRK', '雪碧 2L', 'Sprite 2L', 850, '瓶'],
      ['DRK', '芬达橙味汽水 500ml', 'Fanta Orange 500ml', 350, '瓶'],
      ['DRK', '美汁源果粒橙 420ml', 'Minute Maid Orange with pulp 420ml', 400, '瓶'],
      ['DRK', '美汁源果粒橙 1.25L', 'Minute Maid Orange with pulp 1.25L', 800, '瓶'],
      ['DRK', '怡泉苏打水 400ml', 'Schweppes soda water 400ml', 450, '瓶'],
      ['DRK', '冰露饮用水 550ml', 'Ice Dew drinking water 550ml', 150, '瓶'],
      ['DRK', '纯悦包装饮用水 550ml', 'Chunyue drinking water 550ml', 200, '瓶'],
      ['DRK', '可口可乐香草味 330ml', 'Coca-Cola Vanilla 330ml can (discontinued)', 350, '罐', undefined, false],
    ],
  },
  {
    maker: '百事',
    items: [
      ['DRK', '百事可乐 330ml', 'Pepsi 330ml can', 300, '罐'],
      ['DRK', '百事可乐 500ml', 'Pepsi 500ml', 350, '瓶'],
      ['DRK', '百事可乐无糖 500ml', 'Pepsi No Sugar 500ml', 350, '瓶'],
      ['DRK', '七喜 500ml', '7UP 500ml', 350, '瓶'],
      ['DRK', '美年达橙味 500ml', 'Mirinda Orange 500ml', 350, '瓶'],
      ['SNK', '乐事薯片原味 70g', "Lay's potato chips original 70g", 750, '袋'],
      ['SNK', '乐事薯片黄瓜味 70g', "Lay's potato chips cucumber 70g", 750, '袋'],
      ['SNK', '乐事薯片墨西哥鸡汁番茄味 70g', "Lay's potato chips tomato 70g", 750, '袋'],
      ['SNK', '乐事大波浪薯片 70g', "Lay's wavy potato chips 70g", 750, '袋'],
      ['SNK', '桂格即食燕麦片 1000g', 'Quaker instant oats 1kg', 2990, '袋'],
    ],
  },
  {
    maker: '农夫山泉',
    items: [
      ['DRK', '农夫山泉饮用天然水 550ml', 'Nongfu Spring natural water 550ml', 200, '瓶'],
      ['DRK', '农夫山泉饮用天然水 1.5L', 'Nongfu Spring natural water 1.5L', 400, '瓶'],
      ['DRK', '农夫山泉饮用天然水 4L', 'Nongfu Spring natural water 4L', 850, '桶'],
      ['DRK', '东方树叶茉莉花茶 500ml', 'Oriental Leaf jasmine tea 500ml', 500, '瓶'],
      ['DRK', '东方树叶乌龙茶 500ml', 'Oriental Leaf oolong tea 500ml', 500, '瓶'],
      ['DRK', '东方树叶青柑普洱 500ml', 'Oriental Leaf citrus pu-erh 500ml', 500, '瓶'],
      ['DRK', '茶π柠檬红茶 500ml', 'Tea Pi lemon black tea 500ml', 500, '瓶'],
      ['DRK', '农夫果园混合果蔬汁 500ml', 'Nongfu Orchard mixed juice 500ml', 550, '瓶'],
      ['DRK', '尖叫纤维型 550ml', 'Scream fibre drink 550ml', 500, '瓶'],
      ['DRK', '水溶C100柠檬味 445ml', 'C100 lemon vitamin drink 445ml', 500, '瓶'],
      ['DRK', '农夫山泉NFC橙汁 300ml', 'Nongfu Spring NFC orange juice 300ml', 1000, '瓶'],
    ],
  },
  {
    maker: '康师傅',
    items: [
      ['DRK', '康师傅冰红茶 500ml', 'Master Kong iced black tea 500ml', 300, '瓶'],
      ['DRK', '康师傅绿茶 500ml', 'Master Kong green tea 500ml', 300, '瓶'],
      ['DRK', '康师傅茉莉清茶 500ml', 'Master Kong jasmine tea 500ml', 300, '瓶'],
      ['DRK', '康师傅冰糖雪梨 500ml', 'Master Kong pear drink 500ml', 300, '瓶'],
      ['DRK', '康师傅包装饮用水 550ml', 'Master Kong drinking water 550ml', 150, '瓶'],
      ['INS', '康师傅红烧牛肉面 袋装', 'Master Kong braised beef noodles, bag', 300, '袋'],
      ['INS', '康师傅红烧牛肉面 五连包', 'Master Kong braised beef noodles, 5-pack', 1290, '包'],
      ['INS', '康师傅红烧牛肉面 桶装', 'Master Kong braised beef noodles, cup', 500, '桶'],
      ['INS', '康师傅香辣牛肉面 桶装', 'Master Kong spicy beef noodles, cup', 500, '桶'],
      ['INS', '康师傅老坛酸菜牛肉面 桶装', 'Master Kong pickled cabbage beef noodles, cup', 500, '桶'],
      ['INS', '康师傅鲜虾鱼板面 袋装', 'Master Kong shrimp noodles, bag', 300, '袋'],
      ['INS', '康师傅香菇炖鸡面 袋装', 'Master Kong mushroom chicken noodles, bag', 300, '袋'],
      ['BIS', '康师傅3+2苏打夹心饼干 125g', 'Master Kong 3+2 soda sandwich crackers 125g', 590, '袋'],
    ],
  },
  {
    maker: '统一',
    items: [
      ['DRK', '统一冰红茶 500ml', 'Uni-President iced black tea 500ml', 300, '瓶'],
      ['DRK', '统一绿茶 500ml', 'Uni-President green tea 500ml', 300, '瓶'],
      ['DRK', '统一阿萨姆奶茶 500ml', 'Uni-President Assam milk tea 500ml', 450, '瓶'],
      ['DRK', '小茗同学冷泡茶 480ml', 'Xiaoming cold brew tea 480ml', 500, '瓶'],
      ['DRK', '海之言柠檬味 500ml', 'Haizhiyan lemon electrolyte drink 500ml', 500, '瓶'],
      ['INS', '统一老坛酸菜牛肉面 桶装', 'Uni-President pickled cabbage beef noodles, cup', 450, '桶'],
      ['INS', '汤达人日式豚骨拉面 桶装', 'Tang Daren tonkotsu ramen, cup', 650, '桶'],
      ['INS', '统一来一桶红烧牛肉面', 'Uni-President braised beef noodles, big cup', 450, '桶'],
    ],
  },
  {
    maker: '娃哈哈',
    items: [
      ['DRK', '娃哈哈纯净水 596ml', 'Wahaha purified water 596ml', 200, '瓶'],
      ['DRK', '娃哈哈AD钙奶 220g×4', 'Wahaha AD calcium milk drink 220g×4', 990, '排'],
      ['DRK', '娃哈哈营养快线 500g', 'Wahaha Nutri-Express 500g', 500, '瓶'],
      ['INS', '娃哈哈八宝粥 360g', 'Wahaha eight-treasure congee 360g', 450, '罐'],
      ['DRK', '娃哈哈爽歪歪 200g×4', 'Wahaha Shuangwaiwai yogurt drink 200g×4', 1090, '排'],
    ],
  },
  {
    maker: '旺旺',
    items: [
      ['DRK', '旺仔牛奶 245ml', 'Want Want milk 245ml can', 550, '罐'],
      ['DRK', '旺仔牛奶 125ml×4', 'Want Want milk 125ml×4', 1190, '排'],
      ['SNK', '旺旺雪饼 84g', 'Want Want rice crackers 84g', 650, '袋'],
      ['SNK', '旺旺仙贝 52g', 'Want Want senbei 52g', 500, '袋'],
      ['SNK', '旺仔小馒头 210g', 'Want Want milk puffs 210g', 1090, '袋'],
      ['CDY', '旺仔QQ糖 20g', 'Want Want QQ gummies 20g', 200, '袋'],
    ],
  },
  {
    maker: '红牛',
    items: [['DRK', '红牛维生素功能饮料 250ml', 'Red Bull energy drink 250ml can', 600, '罐']],
  },
  {
    maker: '东鹏',
    items: [['DRK', '东鹏特饮 500ml', 'Dongpeng energy drink 500ml', 500, '瓶']],
  },
  {
    maker: '王老吉',
    items: [
      ['DRK', '王老吉凉茶 310ml', 'Wong Lo Kat herbal tea 310ml can', 400, '罐'],
      ['DRK', '王老吉凉茶 310ml×6', 'Wong Lo Kat herbal tea 310ml×6', 2190, '提'],
    ],
  },
  {
    maker: '加多宝',
    items: [['DRK', '加多宝凉茶 310ml', 'JDB herbal tea 310ml can', 400, '罐']],
  },
  {
    maker: '维他',
    items: [
      ['DRK', '维他柠檬茶 250ml', 'Vita lemon tea 250ml', 350, '盒'],
      ['DRK', '维他奶原味豆奶 250ml', 'Vitasoy soy milk 250ml', 400, '盒'],
    ],
  },
  {
    maker: '元气森林',
    items: [
      ['DRK', '元气森林白桃味苏打气泡水 480ml', 'Genki Forest white peach sparkling water 480ml', 550, '瓶'],
      ['DRK', '元气森林青瓜味苏打气泡水 480ml', 'Genki Forest cucumber sparkling water 480ml', 550, '瓶'],
      ['DRK', '元气森林卡曼橘味苏打气泡水 480ml', 'Genki Forest calamansi sparkling water 480ml', 550, '瓶'],
      ['DRK', '外星人电解质水 500ml', 'Alienergy electrolyte water 500ml', 600, '瓶'],
      ['DRK', '元气森林燃茶 500ml', 'Genki Forest Ran tea 500ml', 550, '瓶'],
    ],
  },
  {
    maker: '怡宝',
    items: [
      ['DRK', '怡宝纯净水 555ml', "C'estbon purified water 555ml", 200, '瓶'],
      ['DRK', '怡宝纯净水 1.555L', "C'estbon purified water 1.555L", 400, '瓶'],
    ],
  },
  {
    maker: '青岛啤酒',
    items: [
      ['ALC', '青岛啤酒经典 500ml', 'Tsingtao Classic beer 500ml can', 600, '罐'],
      ['ALC', '青岛啤酒经典 330ml', 'Tsingtao Classic beer 330ml can', 400, '罐'],
      ['ALC', '青岛啤酒纯生 500ml', 'Tsingtao Draft beer 500ml can', 700, '罐'],
      ['ALC', '青岛啤酒白啤 500ml', 'Tsingtao wheat beer 500ml can', 900, '罐'],
      ['ALC', '青岛啤酒经典 500ml×12', 'Tsingtao Classic beer 500ml×12', 6500, '箱'],
    ],
  },
  {
    maker: '雪花啤酒',
    items: [
      ['ALC', '雪花啤酒勇闯天涯 500ml', 'Snow beer Brave the World 500ml can', 500, '罐'],
      ['ALC', '雪花纯生 500ml', 'Snow Draft beer 500ml can', 700, '罐'],
      ['ALC', '雪花啤酒清爽 330ml', 'Snow Light beer 330ml can', 350, '罐'],
    ],
  },
  {
    maker: '燕京啤酒',
    items: [
      ['ALC', '燕京U8啤酒 500ml', 'Yanjing U8 beer 500ml can', 600, '罐'],
      ['ALC', '燕京鲜啤 500ml', 'Yanjing fresh beer 500ml can', 500, '罐'],
    ],
  },
  {
    maker: '百威英博',
    items: [
      ['ALC', '百威啤酒 500ml', 'Budweiser 500ml can', 800, '罐'],
      ['ALC', '哈尔滨啤酒冰纯 500ml', 'Harbin Ice beer 500ml can', 500, '罐'],
    ],
  },
  {
    maker: '北京二锅头',
    items: [
      ['ALC', '红星二锅头 56度 500ml', 'Red Star erguotou 56% 500ml', 2200, '瓶'],
      ['ALC', '红星二锅头 56度 100ml', 'Red Star erguotou 56% 100ml', 600, '瓶'],
      ['ALC', '牛栏山陈酿 42度 500ml', 'Niulanshan aged baijiu 42% 500ml', 1800, '瓶'],
    ],
  },
  {
    maker: '江小白',
    items: [['ALC', '江小白表达瓶 40度 100ml', 'Jiang Xiao Bai baijiu 40% 100ml', 2000, '瓶']],
  },
  {
    maker: '长城葡萄酒',
    items: [['ALC', '长城干红葡萄酒 750ml', 'Great Wall dry red wine 750ml', 6800, '瓶']],
  },
  {
    maker: '古越龙山',
    items: [['ALC', '古越龙山绍兴黄酒 五年 500ml', 'Guyue Longshan Shaoxing rice wine 5 yr 500ml', 1800, '瓶']],
  },
  {
    maker: '伊利',
    items: [
      ['DAI', '伊利纯牛奶 250ml', 'Yili pure milk 250ml', 350, '盒', 900],
      ['DAI', '伊利纯牛奶 250ml×16', 'Yili pure milk 250ml×16', 5990, '箱', 900],
      ['DAI', '伊利金典纯牛奶 250ml', 'Yili Satine pure milk 250ml', 550, '盒', 900],
      ['DAI', '安慕希希腊风味酸奶 205g', 'Ambrosial Greek-style yogurt 205g', 650, '盒'],
      ['DAI', '伊利优酸乳 250ml', 'Yili Youyoung milk drink 250ml', 300, '盒'],
      ['DAI', '伊利QQ星儿童成长牛奶 125ml', 'Yili QQ Star kids milk 125ml', 350, '盒'],
      ['FRZ', '伊利巧乐兹 香草巧克力 75g', 'Yili Choliz vanilla chocolate ice cream 75g', 400, '支'],
      ['FRZ', '伊利冰工厂 山楂味 85g', 'Yili Ice Factory hawthorn ice lolly 85g', 200, '支'],
    ],
  },
  {
    maker: '蒙牛',
    items: [
      ['DAI', '蒙牛纯牛奶 250ml', 'Mengniu pure milk 250ml', 350, '盒', 900],
      ['DAI', '蒙牛纯牛奶 250ml×24', 'Mengniu pure milk 250ml×24', 6490, '箱', 900],
      ['DAI', '特仑苏纯牛奶 250ml', 'Telunsu pure milk 250ml', 650, '盒', 900],
      ['DAI', '纯甄风味酸牛奶 200g', 'Just Yoghurt 200g', 600, '盒'],
      ['DAI', '蒙牛真果粒草莓味 250g', 'Mengniu fruit-bits milk drink strawberry 250g', 450, '盒'],
      ['DAI', '蒙牛冠益乳 原味 250g', 'Mengniu Guanyiru plain yogurt 250g', 750, '瓶'],
      ['FRZ', '蒙牛随变 香草口味 75g', 'Mengniu Suibian vanilla ice cream 75g', 400, '支'],
      ['FRZ', '蒙牛绿色心情 绿豆口味 66g', 'Mengniu mung bean ice lolly 66g', 250, '支'],
    ],
  },
  {
    maker: '光明',
    items: [
      ['DAI', '光明优倍鲜牛奶 950ml', 'Bright Youbei fresh milk 950ml', 1680, '盒', 900],
      ['DAI', '光明莫斯利安酸奶 200g', 'Bright Momchilovtsi yogurt 200g', 650, '盒'],
      ['DAI', '光明畅优原味酸奶 250g', 'Bright Changyou plain yogurt 250g', 750, '瓶'],
    ],
  },
  {
    maker: '养乐多',
    items: [['DAI', '养乐多活菌型乳酸菌饮品 100ml×5', 'Yakult probiotic drink 100ml×5', 1250, '排']],
  },
  {
    maker: '今麦郎',
    items: [
      ['INS', '今麦郎一桶半红烧牛肉面', 'Jinmailang 1.5-size braised beef noodles, cup', 450, '桶'],
      ['INS', '今麦郎弹面 香辣牛肉 袋装', 'Jinmailang springy noodles spicy beef, bag', 250, '袋'],
      ['DRK', '今麦郎凉白开 550ml', 'Jinmailang boiled water 550ml', 200, '瓶'],
    ],
  },
  {
    maker: '白象',
    items: [
      ['INS', '白象汤好喝老母鸡汤面 桶装', 'Baixiang hen soup noodles, cup', 550, '桶'],
      ['INS', '白象大骨面 袋装', 'Baixiang bone soup noodles, bag', 250, '袋'],
    ],
  },
  {
    maker: '日清',
    items: [['INS', '合味道海鲜风味杯面 84g', 'Cup Noodles seafood 84g', 650, '杯']],
  },
  {
    maker: '海底捞',
    items: [
      ['INS', '海底捞麻辣嫩牛自热小火锅 435g', 'Haidilao self-heating spicy beef hotpot 435g', 3590, '盒'],
      ['GRO', '海底捞清油麻辣火锅底料 220g', 'Haidilao spicy hotpot base 220g', 1590, '袋'],
    ],
  },
  {
    maker: '好欢螺',
    items: [['INS', '好欢螺螺蛳粉 400g', 'Haohuanluo river snail rice noodles 400g', 1590, '袋']],
  },
  {
    maker: '梅林',
    items: [['INS', '梅林午餐肉罐头 340g', 'Maling luncheon meat 340g', 1990, '罐']],
  },
  {
    maker: '老干妈',
    items: [
      ['GRO', '老干妈风味豆豉油制辣椒 280g', 'Lao Gan Ma black bean chilli oil 280g', 1290, '瓶'],
      ['GRO', '老干妈香辣脆油辣椒 210g', 'Lao Gan Ma crispy chilli oil 210g', 1150, '瓶'],
    ],
  },
  {
    maker: '乌江',
    items: [
      ['GRO', '乌江涪陵榨菜 鲜脆 80g', 'Wujiang Fuling pickled mustard 80g', 300, '袋'],
      ['GRO', '乌江涪陵榨菜 轻盐 80g', 'Wujiang Fuling pickled mustard low salt 80g', 300, '袋'],
    ],
  },
  {
    maker: '双汇',
    items: [
      ['SNK', '双汇王中王火腿肠 240g', 'Shuanghui Wangzhongwang ham sausage 240g', 1090, '袋'],
      ['SNK', '双汇玉米热狗肠 240g', 'Shuanghui corn hot dog sausage 240g', 990, '袋'],
      ['FRZ', '双汇猪肉玉米饺子 1kg', 'Shuanghui pork & corn dumplings 1kg', 2590, '袋'],
    ],
  },
  {
    maker: '上好佳',
    items: [
      ['SNK', '上好佳鲜虾片 40g', 'Oishi prawn crackers 40g', 400, '袋'],
      ['SNK', '上好佳洋葱圈 40g', 'Oishi onion rings 40g', 400, '袋'],
    ],
  },
  {
    maker: '三只松鼠',
    items: [
      ['SNK', '三只松鼠每日坚果 25g', 'Three Squirrels daily nuts 25g', 500, '袋'],
      ['SNK', '三只松鼠夏威夷果 160g', 'Three Squirrels macadamia nuts 160g', 2990, '袋'],
      ['SNK', '三只松鼠碧根果 120g', 'Three Squirrels pecans 120g', 2990, '袋'],
      ['SNK', '三只松鼠手撕面包 1kg', 'Three Squirrels hand-torn bread 1kg', 2590, '箱'],
    ],
  },
  {
    maker: '良品铺子',
    items: [
      ['SNK', '良品铺子猪肉脯 100g', 'Bestore pork jerky 100g', 2290, '袋'],
      ['SNK', '良品铺子芒果干 108g', 'Bestore dried mango 108g', 1590, '袋'],
    ],
  },
  {
    maker: '卫龙',
    items: [
      ['SNK', '卫龙大面筋 102g', 'Weilong spicy gluten strips 102g', 600, '袋'],
      ['SNK', '卫龙亲嘴烧 麦辣鸡汁味 26g', 'Weilong kiss-grilled gluten chicken 26g', 100, '袋'],
      ['SNK', '卫龙魔芋爽 香辣素毛肚 15g', 'Weilong spicy konjac 15g', 150, '袋'],
    ],
  },
  {
    maker: '洽洽',
    items: [
      ['SNK', '洽洽香瓜子 260g', 'ChaCheer spiced sunflower seeds 260g', 1190, '袋'],
      ['SNK', '洽洽焦糖瓜子 108g', 'ChaCheer caramel sunflower seeds 108g', 650, '袋'],
      ['SNK', '洽洽小黄袋每日坚果 26g', 'ChaCheer daily nuts 26g', 500, '袋'],
    ],
  },
  {
    maker: '盐津铺子',
    items: [
      ['SNK', '盐津铺子鹌鹑蛋 卤香味 120g', 'Yanjin quail eggs marinated 120g', 990, '袋'],
      ['SNK', '盐津铺子深海小鱼 香辣味 100g', 'Yanjin spicy small fish 100g', 990, '袋'],
    ],
  },
  {
    maker: '亿滋',
    items: [
      ['BIS', '奥利奥原味夹心饼干 97g', 'Oreo original sandwich cookies 97g', 790, '盒'],
      ['BIS', '奥利奥草莓味夹心饼干 97g', 'Oreo strawberry sandwich cookies 97g', 790, '盒'],
      ['BIS', '奥利奥原味夹心饼干 388g', 'Oreo original sandwich cookies 388g', 2290, '袋'],
      ['BIS', '趣多多巧克力曲奇 85g', 'Chips Ahoy chocolate chip cookies 85g', 650, '袋'],
      ['BIS', '太平梳打饼干 海苔味 100g', 'Tai Ping soda crackers seaweed 100g', 650, '盒'],
      ['BIS', '王子夹心饼干 牛奶味 100g', 'Prince sandwich biscuits milk 100g', 590, '袋'],
      ['CDY', '炫迈无糖口香糖 薄荷味 50.4g', 'Stride sugar-free gum mint 50.4g', 1190, '瓶'],
    ],
  },
  {
    maker: '好丽友',
    items: [
      ['BIS', '好丽友巧克力派 6枚 204g', 'Orion Choco Pie 6 pcs 204g', 1390, '盒'],
      ['BIS', '好丽友蛋黄派 6枚 138g', 'Orion egg yolk pie 6 pcs 138g', 1190, '盒'],
      ['SNK', '好丽友薯愿 原味 104g', 'Orion Oh! Potato original 104g', 990, '罐'],
      ['SNK', '好丽友呀土豆 番茄味 70g', 'Orion Yatudou potato sticks tomato 70g', 650, '袋'],
    ],
  },
  {
    maker: '达利园',
    items: [
      ['BIS', '达利园法式软面包 香奶味 200g', 'Daliyuan French soft bread milk 200g', 990, '袋'],
      ['BIS', '达利园蛋黄派 300g', 'Daliyuan egg yolk pie 300g', 1290, '盒'],
      ['DRK', '达利园花生牛奶 250ml', 'Daliyuan peanut milk 250ml', 300, '盒'],
    ],
  },
  {
    maker: '盼盼',
    items: [
      ['BIS', '盼盼法式小面包 200g', 'Panpan French mini bread 200g', 990, '袋'],
      ['SNK', '盼盼麦香鸡味块 105g', 'Panpan chicken-flavour wheat crisps 105g', 450, '袋'],
    ],
  },
  {
    maker: '徐福记',
    items: [
      ['BIS', '徐福记沙琪玛 鸡蛋味 160g', 'Hsu Fu Chi sachima egg 160g', 890, '袋'],
      ['CDY', '徐福记酥心糖 180g', 'Hsu Fu Chi crispy candy 180g', 1290, '袋'],
    ],
  },
  {
    maker: '冠生园',
    items: [['CDY', '大白兔奶糖 114g', 'White Rabbit creamy candy 114g', 1090, '袋']],
  },
  {
    maker: '玛氏',
    items: [
      ['CDY', '德芙丝滑牛奶巧克力 43g', 'Dove silky milk chocolate 43g', 900, '块'],
      ['CDY', '士力架花生夹心巧克力 51g', 'Snickers peanut chocolate bar 51g', 600, '条'],
      ['CDY', 'M&M\'s牛奶巧克力豆 40g', "M&M's milk chocolate 40g", 700, '袋'],
      ['CDY', '益达木糖醇口香糖 西瓜味 40粒', 'Extra xylitol gum watermelon 40 pcs', 1190, '瓶'],
      ['CDY', '绿箭口香糖 原味薄荷 5片', 'Doublemint gum 5 sticks', 200, '条'],
    ],
  },
  {
    maker: '不凡帝',
    items: [
      ['CDY', '阿尔卑斯棒棒糖 草莓牛奶味', 'Alpenliebe lollipop strawberry milk', 100, '支'],
      ['CDY', '曼妥思薄荷糖 卷装 37.5g', 'Mentos mint roll 37.5g', 350, '条'],
    ],
  },
  {
    maker: '金龙鱼',
    items: [
      ['GRO', '金龙鱼黄金比例食用调和油 5L', 'Arawana golden-ratio blended oil 5L', 6990, '桶', 900],
      ['GRO', '金龙鱼东北大米 5kg', 'Arawana northeast rice 5kg', 4290, '袋', 900],
      ['GRO', '金龙鱼多用途麦芯粉 2.5kg', 'Arawana all-purpose wheat flour 2.5kg', 2290, '袋', 900],
      ['GRO', '金龙鱼挂面 鸡蛋风味 1kg', 'Arawana egg-flavour dried noodles 1kg', 990, '袋'],
    ],
  },
  {
    maker: '鲁花',
    items: [
      ['GRO', '鲁花5S压榨一级花生油 5L', 'Luhua 5S pressed peanut oil 5L', 15990, '桶', 900],
      ['GRO', '鲁花自然鲜酱香酱油 500ml', 'Luhua natural soy sauce 500ml', 1290, '瓶'],
    ],
  },
  {
    maker: '福临门',
    items: [
      ['GRO', '福临门东北大米 5kg', 'Fortune northeast rice 5kg', 3990, '袋', 900],
      ['GRO', '福临门大豆油 1.8L', 'Fortune soybean oil 1.8L', 2490, '瓶', 900],
    ],
  },
  {
    maker: '海天',
    items: [
      ['GRO', '海天金标生抽 500ml', 'Haday golden-label light soy sauce 500ml', 1050, '瓶'],
      ['GRO', '海天上等蚝油 520g', 'Haday premium oyster sauce 520g', 990, '瓶'],
      ['GRO', '海天老抽王 500ml', 'Haday superior dark soy sauce 500ml', 1090, '瓶'],
      ['GRO', '海天味极鲜酱油 380ml', 'Haday very fresh soy sauce 380ml', 990, '瓶'],
    ],
  },
  {
    maker: '李锦记',
    items: [['GRO', '李锦记旧庄特级蚝油 510g', "Lee Kum Kee premium oyster sauce 510g", 1590, '瓶']],
  },
  {
    maker: '中盐',
    items: [['GRO', '中盐精制碘盐 400g', 'China Salt iodised table salt 400g', 250, '袋', 900]],
  },
  {
    maker: '太太乐',
    items: [['GRO', '太太乐鸡精 200g', 'Totole chicken bouillon 200g', 1090, '袋']],
  },
  {
    maker: '恒顺',
    items: [['GRO', '恒顺镇江香醋 500ml', 'Hengshun Zhenjiang vinegar 500ml', 890, '瓶']],
  },
  {
    maker: '太古',
    items: [['GRO', '太古优级白砂糖 454g', 'Taikoo white sugar 454g', 690, '袋']],
  },
  {
    maker: '三全',
    items: [
      ['FRZ', '三全猪肉白菜水饺 1kg', 'Synear pork & cabbage dumplings 1kg', 2590, '袋'],
      ['FRZ', '三全黑芝麻汤圆 500g', 'Synear black sesame tangyuan 500g', 1290, '袋'],
    ],
  },
  {
    maker: '思念',
    items: [
      ['FRZ', '思念猪肉芹菜水饺 1kg', 'Synear-Sinian pork & celery dumplings 1kg', 2490, '袋'],
      ['FRZ', '思念手抓饼 原味 900g', 'Sinian flaky pancakes original 900g', 2290, '袋'],
    ],
  },
  {
    maker: '湾仔码头',
    items: [['FRZ', '湾仔码头玉米猪肉水饺 720g', 'Wanchai Ferry pork & corn dumplings 720g', 3290, '袋']],
  },
  {
    maker: '安井',
    items: [
      ['FRZ', '安井鱼丸 400g', 'Anjoy fish balls 400g', 1490, '袋'],
      ['FRZ', '安井撒尿牛丸 400g', 'Anjoy beef balls 400g', 1990, '袋'],
    ],
  },
  {
    maker: '维达',
    items: [
      ['HOM', '维达超韧抽纸 3层100抽×3包', 'Vinda facial tissue 3-ply 100 sheets ×3', 1290, '提'],
      ['HOM', '维达卷纸 4层140g×10卷', 'Vinda toilet roll 4-ply 140g ×10', 3290, '提'],
      ['HOM', '维达手帕纸 4层×10包', 'Vinda pocket tissues 4-ply ×10', 690, '条'],
    ],
  },
  {
    maker: '清风',
    items: [
      ['HOM', '清风原木纯品抽纸 2层130抽×3包', 'Breeze facial tissue 2-ply 130 sheets ×3', 1190, '提'],
      ['HOM', '清风卷纸 3层200g×10卷', 'Breeze toilet roll 3-ply 200g ×10', 2990, '提'],
    ],
  },
  {
    maker: '心相印',
    items: [
      ['HOM', '心相印手帕纸 茶语 4层×10包', 'Hearttex pocket tissues tea scent ×10', 790, '条'],
      ['HOM', '心相印湿巾 80片', 'Hearttex wet wipes 80 pcs', 1290, '包'],
    ],
  },
  {
    maker: '南孚',
    items: [
      ['HOM', '南孚5号碱性电池 2粒', 'Nanfu AA alkaline batteries ×2', 890, '卡'],
      ['HOM', '南孚7号碱性电池 2粒', 'Nanfu AAA alkaline batteries ×2', 890, '卡'],
    ],
  },
  {
    maker: '美丽雅',
    items: [
      ['HOM', '美丽雅加厚垃圾袋 45×50cm 100只', 'Maryya thick bin bags 45×50cm ×100', 990, '卷'],
      ['HOM', '美丽雅一次性保鲜袋 中号 100只', 'Maryya food bags medium ×100', 790, '卷'],
    ],
  },
  {
    maker: '得力',
    items: [
      ['HOM', '得力中性笔 0.5mm 黑色', 'Deli gel pen 0.5mm black', 200, '支'],
      ['HOM', '得力透明胶带 18mm', 'Deli clear tape 18mm', 300, '卷'],
    ],
  },
  {
    maker: '天堂伞',
    items: [['HOM', '天堂三折晴雨伞', 'Paradise folding umbrella', 3900, '把']],
  },
  {
    maker: '舒肤佳',
    items: [
      ['PER', '舒肤佳纯白清香型香皂 108g', 'Safeguard pure white soap 108g', 550, '块'],
      ['PER', '舒肤佳柠檬清新沐浴露 400ml', 'Safeguard lemon body wash 400ml', 2990, '瓶'],
      ['PER', '舒肤佳健康抑菌洗手液 225ml', 'Safeguard hand wash 225ml', 1590, '瓶'],
    ],
  },
  {
    maker: '高露洁',
    items: [
      ['PER', '高露洁全面防蛀牙膏 140g', 'Colgate cavity protection toothpaste 140g', 990, '支'],
      ['PER', '高露洁超细毛牙刷', 'Colgate slim soft toothbrush', 990, '支'],
    ],
  },
  {
    maker: '云南白药',
    items: [['PER', '云南白药牙膏 留兰香型 180g', 'Yunnan Baiyao toothpaste spearmint 180g', 3290, '支']],
  },
  {
    maker: '宝洁',
    items: [
      ['PER', '海飞丝去屑洗发露 清爽型 400ml', 'Head & Shoulders anti-dandruff shampoo 400ml', 4990, '瓶'],
      ['PER', '飘柔洗发露 滋润 400ml', 'Rejoice shampoo 400ml', 3590, '瓶'],
      ['PER', '潘婷乳液修复洗发露 400ml', 'Pantene repair shampoo 400ml', 4590, '瓶'],
      ['PER', '佳洁士3D炫白牙膏 120g', 'Crest 3D White toothpaste 120g', 1590, '支'],
      ['PER', '吉列威锋剃须刀', 'Gillette Vector razor', 2590, '把'],
    ],
  },
  {
    maker: '六神',
    items: [['PER', '六神花露水 195ml', 'Liushen floral water 195ml', 1290, '瓶']],
  },
  {
    maker: '苏菲',
    items: [['PER', '苏菲弹力贴身日用卫生巾 240mm 10片', 'Sofy day pads 240mm ×10', 1290, '包']],
  },
  {
    maker: '立白',
    items: [
      ['CLN', '立白洗洁精 1.5kg', 'Liby dishwashing liquid 1.5kg', 1590, '瓶'],
      ['CLN', '立白天然皂粉 1.5kg', 'Liby natural soap powder 1.5kg', 2290, '袋'],
    ],
  },
  {
    maker: '蓝月亮',
    items: [
      ['CLN', '蓝月亮深层洁净洗衣液 1kg', 'Bluemoon deep clean laundry liquid 1kg', 2990, '瓶'],
      ['CLN', '蓝月亮洁厕液 600g', 'Bluemoon toilet cleaner 600g', 1290, '瓶'],
    ],
  },
  {
    maker: '威猛先生',
    items: [['CLN', '威猛先生厨房重油污净 500g', 'Mr Muscle kitchen degreaser 500g', 2590, '瓶']],
  },
  {
    maker: '雕牌',
    items: [
      ['CLN', '雕牌超能皂 透明皂 226g×2', 'Diao transparent laundry soap 226g ×2', 890, '组'],
      ['CLN', '雕牌洗衣粉 1.55kg', 'Diao washing powder 1.55kg', 1990, '袋'],
    ],
  },
  {
    maker: '德青源',
    items: [['MEA', '德青源鲜鸡蛋 10枚装', 'DQY fresh eggs 10 pack', 1590, '盒']],
  },
];

/** [category, name, English name, price per kg in fen] — weighed at the scale, sold by PLU label. */
export type DemoWeighedItem = readonly [CategoryCode, string, string, number];

export const DEMO_WEIGHED: readonly DemoWeighedItem[] = [
  ['FRU', '红富士苹果', 'Fuji apples', 1196],
  ['FRU', '香蕉', 'Bananas', 798],
  ['FRU', '砂糖橘', 'Shatang mandarins', 1198],
  ['FRU', '赣南脐橙', 'Gannan navel oranges', 998],
  ['FRU', '黄冠梨', 'Huangguan pears', 798],
  ['FRU', '巨峰葡萄', 'Kyoho grapes', 1598],
  ['FRU', '麒麟西瓜', 'Qilin watermelon', 398],
  ['FRU', '哈密瓜', 'Hami melon', 698],
  ['FRU', '红心火龙果', 'Red dragon fruit', 1398],
  ['FRU', '徐香猕猴桃', 'Xuxiang kiwifruit', 1598],
  ['FRU', '台农芒果', 'Tainong mangoes', 1398],
  ['FRU', '丹东草莓', 'Dandong strawberries', 3998],
  ['FRU', '水蜜桃', 'Honey peaches', 1398],
  ['FRU', '安岳柠檬', 'Anyue lemons', 998],
  ['FRU', '冬枣', 'Winter jujubes', 1598],
  ['VEG', '西红柿', 'Tomatoes', 698],
  ['VEG', '黄瓜', 'Cucumbers', 598],
  ['VEG', '土豆', 'Potatoes', 398],
  ['VEG', '大白菜', 'Napa cabbage', 298],
  ['VEG', '胡萝卜', 'Carrots', 398],
  ['VEG', '青椒', 'Green peppers', 798],
  ['VEG', '长茄子', 'Aubergines', 698],
  ['VEG', '洋葱', 'Onions', 398],
  ['VEG', '大葱', 'Scallions (leek type)', 598],
  ['VEG', '生姜', 'Ginger', 1598],
  ['VEG', '大蒜', 'Garlic', 1398],
  ['VEG', '菠菜', 'Spinach', 798],
  ['VEG', '生菜', 'Lettuce', 898],
  ['VEG', '西兰花', 'Broccoli', 998],
  ['VEG', '芹菜', 'Celery', 598],
  ['VEG', '绿豆芽', 'Mung bean sprouts', 398],
  ['VEG', '韭菜', 'Chinese chives', 798],
  ['VEG', '香菜', 'Coriander', 1598],
  ['VEG', '铁棍山药', 'Chinese yam', 1198],
  ['VEG', '莲藕', 'Lotus root', 998],
  ['MEA', '五花肉', 'Pork belly', 3598],
  ['MEA', '猪里脊肉', 'Pork tenderloin', 3298],
  ['MEA', '猪肋排', 'Pork spare ribs', 4598],
  ['MEA', '猪前腿肉', 'Pork shoulder', 2898],
  ['MEA', '牛腩', 'Beef brisket', 7998],
  ['MEA', '牛腱子', 'Beef shank', 8998],
  ['MEA', '鸡胸肉', 'Chicken breast', 1998],
  ['MEA', '琵琶腿', 'Chicken drumsticks', 1898],
  ['MEA', '鸡翅中', 'Chicken mid-wings', 4598],
  ['MEA', '三黄鸡', 'Sanhuang chicken, whole', 2598],
  ['MEA', '散装鲜鸡蛋', 'Loose fresh eggs', 1198],
  ['DEL', '五香卤牛肉', 'Five-spice braised beef', 11800],
  ['DEL', '南京盐水鸭', 'Nanjing salted duck', 5800],
  ['DEL', '卤鸡爪', 'Braised chicken feet', 5600],
  ['DEL', '蜜汁叉烧', 'Honey char siu pork', 7800],
];

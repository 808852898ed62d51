/** The sample network loaded on first start: manufacturers whose goods overlap by category. */
export interface SampleProduct {
  sku: string;
  name: string;
  category: string;
  unitPrice: string;
  supply: number;
}

export interface SampleManufacturer {
  name: string;
  /** Its demo login (password DEMO_PASSWORD). */
  email: string;
  products: SampleProduct[];
}

/**
 * The password of every demo login (sample data only, printed by `npm start`): a development
 * database's accounts are as public as its development keys.
 */
export const DEMO_PASSWORD = 'distribution demo';

/** The operator `npm start` creates on first start unless OPERATOR_EMAIL / OPERATOR_PASSWORD say otherwise. */
export const DEMO_OPERATOR = { email: 'operator@example.com', password: DEMO_PASSWORD, name: 'Demo operator' };

export const SAMPLE_MANUFACTURERS: SampleManufacturer[] = [
  {
    name: 'Northwind Mills',
    email: 'northwind@example.com',
    products: [
      { sku: 'NW-FLOUR-1KG', name: 'Stone-ground wheat flour 1 kg', category: 'flour', unitPrice: '2.40', supply: 120 },
      { sku: 'NW-OATS-500', name: 'Rolled oats 500 g', category: 'oats', unitPrice: '1.90', supply: 80 },
      { sku: 'NW-COFFEE-250', name: 'Dark roast coffee beans 250 g', category: 'coffee', unitPrice: '6.50', supply: 40 },
    ],
  },
  {
    name: 'Alpine Dairy',
    email: 'alpine@example.com',
    products: [
      { sku: 'AD-MILK-1L', name: 'Whole milk 1 l', category: 'milk', unitPrice: '1.20', supply: 200 },
      { sku: 'AD-BUTTER-250', name: 'Mountain butter 250 g', category: 'butter', unitPrice: '3.10', supply: 60 },
      { sku: 'AD-OATS-500', name: 'Alpine oat flakes 500 g', category: 'oats', unitPrice: '2.20', supply: 30 },
    ],
  },
  {
    name: 'Sunrise Farms',
    email: 'sunrise@example.com',
    products: [
      { sku: 'SF-FLOUR-1KG', name: 'Organic spelt flour 1 kg', category: 'flour', unitPrice: '3.20', supply: 50 },
      { sku: 'SF-MILK-1L', name: 'Organic milk 1 l', category: 'milk', unitPrice: '1.60', supply: 90 },
      { sku: 'SF-EGGS-10', name: 'Free-range eggs, 10', category: 'eggs', unitPrice: '3.90', supply: 70 },
    ],
  },
  {
    name: 'Harbor Roasters',
    email: 'harbor@example.com',
    products: [
      { sku: 'HR-COFFEE-250', name: 'Single-origin coffee beans 250 g', category: 'coffee', unitPrice: '8.90', supply: 25 },
      { sku: 'HR-COFFEE-1KG', name: 'House blend coffee beans 1 kg', category: 'coffee', unitPrice: '21.00', supply: 15 },
      { sku: 'HR-BUTTER-250', name: 'Cultured butter 250 g', category: 'butter', unitPrice: '4.20', supply: 20 },
    ],
  },
];

export const SAMPLE_CUSTOMERS = [
  { name: 'Ada Shopkeeper', email: 'ada@example.com', password: DEMO_PASSWORD },
  { name: 'Ben Grocer', email: 'ben@example.com', password: DEMO_PASSWORD },
];

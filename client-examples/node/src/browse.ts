/** `npm run example -- browse`: what is on offer, category by category, with each manufacturer's stock. */
import { createApi } from './api.js';
import type { ExampleOptions } from './options.js';
import { formatTable } from './table.js';

export interface Offer {
  id: string;
  sku: string;
  name: string;
  category: string;
  unitPrice: string;
  manufacturer: { id: string; name: string };
  stock: { available: number; onHand: number; reserved: number; status: string };
}

export interface BrowseResult {
  round: { number: number; status: string } | null;
  offers: Offer[];
}

/** Prints the current round and one table of offers per category (or only `category`). */
export async function browse(options: ExampleOptions & { category?: string }): Promise<BrowseResult> {
  const print = options.print ?? console.log;
  const api = createApi({ url: options.url });
  try {
    const { currentRound } = await api.query('CurrentRound');
    print(
      currentRound
        ? `Round ${currentRound.number}: ${currentRound.status}${currentRound.status === 'OPEN' ? `, ends ${currentRound.endsAt}` : ''}`
        : 'No round yet: nothing can be ordered until an operator opens one.',
    );
    const categories: string[] = options.category ? [options.category] : (await api.query('Categories')).categories;
    const offers: Offer[] = [];
    for (const category of categories) {
      const found: Offer[] = (await api.query('Offers', { category })).offers;
      offers.push(...found);
      print(`\n${category}`);
      print(
        formatTable(
          found.map((o) => ({
            product: o.name,
            manufacturer: o.manufacturer.name,
            price: o.unitPrice,
            available: o.stock.available,
            reserved: o.stock.reserved,
            status: o.stock.status,
            id: o.id,
          })),
        ),
      );
    }
    if (categories.length === 0) print('The catalog is empty: `npm run seed` loads sample data.');
    return { round: currentRound, offers };
  } finally {
    await api.close();
  }
}

/** `npm run example -- browse`: what is on offer, category by category, with each manufacturer's stock. */
import type { OffersQuery } from '../../operations/generated/graphql.js';
import { createApi } from './api.js';
import type { ExampleOptions } from './options.js';
import { formatTable } from './table.js';

/** One manufacturer's offer of a product, as the Offers operation answers it. */
export type Offer = OffersQuery['offers'][number];

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

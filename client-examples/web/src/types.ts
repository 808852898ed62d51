/** The shapes the page reads (a subset of the API's types). */
export interface Stock {
  available: number;
  onHand: number;
  reserved: number;
  status: 'IN_STOCK' | 'LOW' | 'DEPLETED';
}
export interface Offer {
  id: string;
  name: string;
  unitPrice: string;
  manufacturer: { id: string; name: string };
  stock: Stock;
}
export interface CartLine {
  product: { id: string; name: string; manufacturer: { name: string } };
  quantity: number;
  unitPrice: string;
  available: number;
  problem: 'INSUFFICIENT_STOCK' | 'OUT_OF_STOCK' | 'DISCONTINUED' | null;
}
export interface Cart {
  lines: CartLine[];
  total: string;
  canCheckout: boolean;
}
export interface Order {
  id: string;
  status: string;
  total: string;
  roundNumber: number | null;
  placedAt: string;
  lines: Array<{ product: { id: string; name: string }; quantity: number }>;
}
export interface Round {
  number: number;
  status: 'OPEN' | 'CLOSED' | 'SETTLED';
  endsAt: string;
  closedAt: string | null;
  closeReason: string | null;
}
export interface Shortage {
  product: { name: string };
  requested: number;
  available: number;
}

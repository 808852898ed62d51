import { useEffect } from 'react';
import { useQuery } from '@apollo/client/react';
import { CATEGORIES } from '../operations';

/** The categories on offer as tabs; picks the first one when nothing is picked yet. */
export function Categories({ selected, onSelect }: { selected: string | null; onSelect: (category: string) => void }) {
  const { data, error } = useQuery(CATEGORIES);
  const categories = data?.categories ?? [];
  useEffect(() => {
    if (!selected && categories[0]) onSelect(categories[0]);
  }, [selected, categories, onSelect]);
  if (error) return <p className="error">Cannot reach the gateway: {error.message}</p>;
  return (
    <nav className="categories">
      {categories.map((c) => (
        <button key={c} className={c === selected ? 'active' : ''} onClick={() => onSelect(c)} data-testid={`category-${c}`}>
          {c}
        </button>
      ))}
    </nav>
  );
}

/**
 * How `npm start` runs rounds: monthly (the business's pace) unless a demo is asked for with
 * `--demo-rounds` or DEMO_ROUNDS=true; ROUND_PERIOD and ROUND_SCHEDULE still win when set.
 */

/** A demo round sells for 20 seconds; one opens every 30 seconds (once the last is settled). */
export const DEMO_ROUND_PERIOD = 'PT20S';
export const DEMO_ROUND_SCHEDULE = 'PT30S';

export interface RoundSettings {
  demo: boolean;
  /** Unset: inventory's default (P1M). */
  roundPeriod?: string;
  roundSchedule: string;
  /** One line for the terminal. */
  description: string;
}

export function roundSettings(argv: readonly string[], env: NodeJS.ProcessEnv): RoundSettings {
  const demo = argv.includes('--demo-rounds') || ['true', '1'].includes((env.DEMO_ROUNDS ?? '').toLowerCase());
  const roundPeriod = env.ROUND_PERIOD || (demo ? DEMO_ROUND_PERIOD : undefined);
  const roundSchedule = env.ROUND_SCHEDULE || (demo ? DEMO_ROUND_SCHEDULE : 'monthly');
  const lasting = roundPeriod ? `, each lasting at most ${roundPeriod}` : '';
  const description =
    roundSchedule.toLowerCase() === 'manual'
      ? `Rounds: opened by hand (the openRound mutation)${lasting}`
      : `Rounds: ${roundSchedule.toLowerCase() === 'monthly' ? 'one opens on the first of every month' : `one opens every ${roundSchedule}`} once the last is settled${lasting}${demo ? ' (demo)' : ''}`;
  return { demo, roundPeriod, roundSchedule, description };
}

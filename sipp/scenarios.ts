/** The conformance scenarios: each runs SIPp against a fresh Parrot on loopback. */
import type { Parrot, ParrotOptions } from '../runtime';

export interface Scenario {
  name: string;
  /** What it proves. */
  description: string;
  /** XML file under sipp/scenarios (default `<name>.xml`). */
  file?: string;
  /** A SIPp built-in scenario instead of a file (uac, uas, …). */
  builtin?: string;
  calls?: number;
  /** Concurrent calls limit (-l). */
  limit?: number;
  rate?: number;
  timeoutSeconds?: number;
  args?: string[];
  /** Options for the Parrot instance under test. */
  parrot?: () => ParrotOptions;
  /** A check on Parrot after SIPp passed; returns a problem or undefined. */
  check?: (parrot: Parrot) => string | undefined;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'options',
    description: 'OPTIONS is answered 200 with Allow (RFC 3261 §11.2)',
  },
];

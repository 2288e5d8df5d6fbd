import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';

import { listCostRule } from './list-cost.rule.js';

/**
 * Bounds on the shape of one GraphQL document, checked before anything
 * executes, so one request cannot ask for `activeSessionCount` ten thousand
 * times or nest selections until the server gives up. The largest operation a
 * client of this API needs is far below each of them; introspection (GraphiQL's
 * schema query) is exempt from depth and cost, which only it needs.
 */
const GRAPHQL_LIMITS = {
  /** Aliased fields per operation: the classic way to multiply one expensive field. */
  maxAliases: 15,
  /** Nesting of selections, e.g. `signIn { user { … } }` is 2. */
  maxDepth: 6,
  /** Lexical tokens per document, checked while parsing: bounds the work before validation. */
  maxTokens: 1_000,
  /** Estimated cost: 2 per object field, 1 per scalar, growing with depth (graphql-armor's model). */
  maxCost: 5_000,
  maxDirectives: 50,
} as const;

/**
 * The most items the cost rule assumes any list returns. The rule prices a
 * document's shape (how many times it multiplies a list), so a list's weight
 * must not follow a setting: weighed by SESSIONS_PER_USER_MAX, `me { sessions
 * { id } }` cost 300,004 once an operator raised the cap to 100,000, and every
 * device page was refused. At 100 (the cap's default, and the security log's
 * page bound) fifteen aliases of a full device list still cost far over
 * maxCost, while a list bounded lower (a cap of 3) is priced at its bound.
 * What one list read costs in rows is the cap's business, not this rule's.
 */
export const PRICED_LIST_SIZE_MAX = 100;

/**
 * graphql-armor's plugins and validation rules for Apollo, plus the list-aware
 * cost rule; each refusal is a GraphQL error naming the limit. `listSizes`:
 * `Type.field` → the most items that list field returns, priced at no more
 * than PRICED_LIST_SIZE_MAX.
 */
export function graphqlLimits(options: {
  hideFieldSuggestions: boolean;
  listSizes: ReadonlyMap<string, number>;
}): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
} {
  const { plugins, validationRules } = new ApolloArmor({
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    // Depth is the nesting of fields the client gets back; a fragment spread adds
    // none (clients such as Apollo nest fragments freely: `me { ...Account }`).
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true },
    // Counted by graphql-js's own parser instead (`parseOptions`, below): graphql-armor's
    // token plugin throws outside the parser, which Apollo answers with a 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    // "Did you mean …" reveals field names; it matters only where introspection is off.
    blockFieldSuggestion: { enabled: options.hideFieldSuggestions },
  }).protect();
  const pricedSizes = new Map(
    [...options.listSizes].map(([field, size]) => [field, Math.min(size, PRICED_LIST_SIZE_MAX)]),
  );
  // graphql-armor is CommonJS, so its types name the CommonJS build of
  // @apollo/server; the plugin objects are the same at run time.
  return {
    plugins: plugins as unknown as ApolloServerPlugin[],
    validationRules: [...validationRules, listCostRule(pricedSizes, GRAPHQL_LIMITS.maxCost)],
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
  };
}

import {
  type DocumentNode,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  OperationTypeNode,
  parse,
  type ParseOptions,
  validate,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';

// Far more than the distinct subscription documents a set of clients sends.
const CACHED_DOCUMENTS = 256;

/**
 * Parses and validates a subscription document once per distinct text. Every
 * tab of a page sends the same two documents: without the cache each socket
 * kept its own syntax trees (about 7 KB for the example page's pair) and paid
 * for parsing and the limit rules on every subscribe. Only documents that
 * passed are kept, so a client sending ever-new invalid texts fills nothing.
 */
export class SubscriptionDocuments {
  private readonly valid = new LRUCache<string, DocumentNode>({ max: CACHED_DOCUMENTS });

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly parseOptions: ParseOptions,
  ) {}

  /** The document of a subscription ready to execute, or why it is refused. */
  documentOf(query: string, operationName?: string | null): DocumentNode | readonly GraphQLError[] {
    const cached = this.valid.get(query);
    const document = cached ?? this.parsed(query);
    if (!('kind' in document)) return document;
    if (getOperationAST(document, operationName)?.operation !== OperationTypeNode.SUBSCRIPTION) {
      return [refusal('Only subscriptions are served over WebSocket: send queries and mutations over HTTP.')];
    }
    if (cached) return cached;
    const errors = validate(this.schema, document, this.rules);
    if (errors.length > 0) return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
    this.valid.set(query, document);
    return document;
  }

  private parsed(query: string): DocumentNode | readonly GraphQLError[] {
    try {
      return parse(query, this.parseOptions);
    } catch (error) {
      return [
        error instanceof GraphQLError
          ? withCode(error, 'GRAPHQL_PARSE_FAILED')
          : refusal('Could not parse the document.'),
      ];
    }
  }
}

/** The code Apollo gives the same error over HTTP; without one, production answers INTERNAL_SERVER_ERROR. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
}

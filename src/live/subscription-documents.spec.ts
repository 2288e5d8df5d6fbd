import { buildSchema, GraphQLError, specifiedRules } from 'graphql';

import { SubscriptionDocuments } from './subscription-documents.js';

const schema = buildSchema(`
  type Query { hello: String }
  type Subscription { ticks: Int, other: Int }
`);

describe('SubscriptionDocuments', () => {
  const documentsWith = () => new SubscriptionDocuments(schema, specifiedRules, { maxTokens: 100 });

  it('gives every socket that sends the same text the same syntax tree', () => {
    const documents = documentsWith();
    const first = documents.documentOf('subscription { ticks }');
    expect(first).toHaveProperty('kind', 'Document');
    expect(documents.documentOf('subscription { ticks }')).toBe(first);
  });

  it('refuses an invalid document every time, without keeping it', () => {
    const documents = documentsWith();
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = documents.documentOf('subscription { nope }') as GraphQLError[];
      expect(refused[0].message).toMatch(/Cannot query field "nope"/);
    }
    expect(documents.documentOf('subscription {')).toEqual([expect.any(GraphQLError)]);
  });

  it('refuses a query or mutation, even from a document already accepted for its subscription', () => {
    const documents = documentsWith();
    const text = 'subscription S { ticks } query Q { hello }';
    expect(documents.documentOf(text, 'S')).toHaveProperty('kind', 'Document');
    const refused = documents.documentOf(text, 'Q') as GraphQLError[];
    expect(refused[0].message).toMatch(/Only subscriptions/);
    expect(refused[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('keeps the parse limits: a document over the token limit is refused', () => {
    const fields = Array.from({ length: 150 }, () => 'ticks').join(' ');
    const refused = documentsWith().documentOf(`subscription { ${fields} }`) as GraphQLError[];
    expect(refused[0].message).toMatch(/token/i);
  });
});

import {
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLCompositeType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * The cost of a document when every list field counts once per item it may
 * return: `me { a: sessions { … } b: sessions { … } }` costs what the two
 * lists cost, not what two objects cost. graphql-armor's cost model prices a
 * list like one object, so fifteen aliases of a long list passed it.
 *
 * `listSizes` maps `Type.field` to the most items the field returns (its
 * server-side bound). The model is graphql-armor's otherwise: 1 per scalar,
 * 2 per object plus its selections. Fragments are priced once each
 * (memoised), so a document of nested spreads cannot make this rule slow.
 */
export function listCostRule(listSizes: ReadonlyMap<string, number>, maxCost: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const rootType = context.getSchema().getRootType(operation.operation);
      if (!rootType) return;
      const pricer = new SelectionPricer(context, listSizes);
      const cost = pricer.cost(rootType, operation.selectionSet);
      if (cost > maxCost) {
        context.reportError(
          new GraphQLError(
            `Query cost ${cost} exceeds the maximum of ${maxCost}; a list counts once per item it may return ` +
              '(ask for fewer aliases of a list, or fewer fields in it).',
            { nodes: [operation] },
          ),
        );
      }
    },
  });
}

class SelectionPricer {
  private readonly fragmentCosts = new Map<string, number>();
  private readonly pricing = new Set<string>();

  constructor(
    private readonly context: ValidationContext,
    private readonly listSizes: ReadonlyMap<string, number>,
  ) {}

  cost(parentType: GraphQLCompositeType, selectionSet: SelectionSetNode): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        // Introspection is exempt, as in graphql-armor's cost limit.
        if (selection.name.value.startsWith('__')) continue;
        if (!isObjectType(parentType) && !isInterfaceType(parentType)) continue;
        const field = parentType.getFields()[selection.name.value];
        // An unknown field is another rule's error.
        if (!field) continue;
        const type = getNamedType(field.type);
        const own =
          selection.selectionSet && isCompositeType(type) ? 2 + this.cost(type, selection.selectionSet) : 1;
        cost += own * (this.listSizes.get(`${parentType.name}.${field.name}`) ?? 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? this.context.getSchema().getType(selection.typeCondition.name.value)
          : parentType;
        cost += this.cost(isCompositeType(condition) ? condition : parentType, selection.selectionSet);
      } else {
        const fragment = this.context.getFragment(selection.name.value);
        if (fragment) cost += this.fragmentCost(fragment, parentType);
      }
    }
    return cost;
  }

  private fragmentCost(fragment: FragmentDefinitionNode, parentType: GraphQLCompositeType): number {
    const name = fragment.name.value;
    const known = this.fragmentCosts.get(name);
    if (known !== undefined) return known;
    // A cycle is NoFragmentCyclesRule's error; priced as nothing here.
    if (this.pricing.has(name)) return 0;
    this.pricing.add(name);
    const condition = this.context.getSchema().getType(fragment.typeCondition.name.value);
    const cost = this.cost(isCompositeType(condition) ? condition : parentType, fragment.selectionSet);
    this.pricing.delete(name);
    this.fragmentCosts.set(name, cost);
    return cost;
  }
}

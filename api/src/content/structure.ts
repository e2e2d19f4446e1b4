/**
 * The structured parts of a document body, read from its components: reflection prompts,
 * causes (5-Why steps, fishbone and Apollo causes) and corrective actions. Shared by the
 * indexer and the portal so both read the same thing out of the same syntax tree.
 */
import type { ComponentUse, ParsedDocument } from './document.ts';

export interface Prompt {
  position: number;
  /** Title of the enclosing `<Step>`, when the prompt sits inside one. */
  step: string | undefined;
  text: string;
  minutes: number | undefined;
}

export interface Cause {
  position: number;
  /** Position of the cause this one explains (Apollo nesting, 5-Why order). */
  parentPosition: number | undefined;
  /** `FiveWhys`, `Fishbone`, `ApolloChart`, `Discipline` or `A3Section`. */
  container: string;
  text: string;
  category: string | undefined;
  type: string | undefined;
  evidence: string | undefined;
  root: boolean;
}

export interface CorrectiveAction {
  id: string;
  owner: string;
  due: string;
  status: string;
  closed: string | undefined;
  text: string;
}

export interface Structure {
  prompts: Prompt[];
  causes: Cause[];
  actions: CorrectiveAction[];
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Reads prompts, causes and corrective actions out of a parsed document. */
export function extractStructure(document: Pick<ParsedDocument, 'components'>): Structure {
  const { components } = document;
  const prompts: Prompt[] = [];
  const causes: Cause[] = [];
  const actions: CorrectiveAction[] = [];
  const causePosition = new Map<number, number>();
  const lastWhy = new Map<number, number>();
  const ancestor = (component: ComponentUse, names: readonly string[]): ComponentUse | undefined => {
    let parent = component.parent === undefined ? undefined : components[component.parent];
    while (parent && !names.includes(parent.name))
      parent = parent.parent === undefined ? undefined : components[parent.parent];
    return parent;
  };

  components.forEach((component, index) => {
    const { attributes } = component;
    if (component.name === 'ReflectionPrompt') {
      const minutes = attributes.minutes;
      prompts.push({
        position: prompts.length,
        step: str(ancestor(component, ['Step'])?.attributes.title),
        text: component.text,
        minutes: typeof minutes === 'number' ? minutes : undefined,
      });
    } else if (component.name === 'Why' || component.name === 'Cause') {
      const parent = component.parent === undefined ? undefined : components[component.parent];
      const container =
        component.name === 'Why'
          ? 'FiveWhys'
          : (ancestor(component, ['Fishbone', 'ApolloChart', 'Discipline', 'A3Section'])?.name ?? 'Cause');
      // A Why answers the previous Why of its chain; a nested Cause explains its parent cause.
      const parentPosition =
        component.name === 'Why'
          ? lastWhy.get(component.parent ?? -1)
          : parent?.name === 'Cause'
            ? causePosition.get(component.parent ?? -1)
            : undefined;
      const position = causes.length;
      causePosition.set(index, position);
      if (component.name === 'Why') lastWhy.set(component.parent ?? -1, position);
      causes.push({
        position,
        parentPosition,
        container,
        text: str(attributes.answer) ?? str(attributes.text) ?? component.text,
        category: str(attributes.category),
        type: str(attributes.type),
        evidence: str(attributes.evidence),
        root: attributes.root === true,
      });
    } else if (component.name === 'CorrectiveAction') {
      actions.push({
        id: str(attributes.id) ?? '',
        owner: str(attributes.owner) ?? '',
        due: str(attributes.due) ?? '',
        status: str(attributes.status) ?? '',
        closed: str(attributes.closed),
        text: component.text,
      });
    }
  });
  return { prompts, causes, actions };
}

/**
 * The `DocumentFilter` input of `documents` and `search`; what it matches is
 * `data/document-filter.ts`.
 */
import { builder } from './builder.ts';
import { DocumentKindEnum, DocumentStatusEnum } from './refs.ts';

export const DocumentFilter = builder.inputType('DocumentFilter', {
  fields: (t) => ({
    kinds: t.field({ type: [DocumentKindEnum], required: false }),
    statuses: t.field({ type: [DocumentStatusEnum], required: false }),
    businessUnits: t.stringList({ required: false }),
    processes: t.stringList({ required: false, description: 'Matches the term and its descendants.' }),
    failureModes: t.stringList({ required: false, description: 'Matches the term and its descendants.' }),
    equipment: t.stringList({ required: false }),
  }),
});

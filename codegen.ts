import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed operations for the tests and the example integration, from schema.graphql. */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['tests/operations/*.graphql', 'api/examples/*.graphql'],
  ignoreNoDocuments: false,
  // Node runs the TypeScript sources directly, so relative imports name the .ts file.
  importExtension: '.ts',
  generates: {
    'api/src/generated/': {
      preset: 'client',
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Date: 'string', DateTime: 'string', KpiValue: 'number' },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;

import type { CodegenConfig } from '@graphql-codegen/cli';

// Types every operation in src/ from the server's committed schema.gql
// (`npm run schema:print` in the repository root regenerates it).
const config: CodegenConfig = {
  schema: '../../schema.gql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
      },
    },
  },
};

export default config;

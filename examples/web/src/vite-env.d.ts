/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's GraphQL endpoint, e.g. http://localhost:3000/graphql. */
  readonly VITE_API_URL?: string;
}

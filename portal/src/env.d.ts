/**
 * Plain `tsc` checks the portal's TypeScript; `.astro` files are compiled (and so checked
 * for syntax) by the build. `astro check` would type them too, but its language server
 * does not load here (see README, Portal).
 */
declare module '*.astro' {
  const Component: (props: Record<string, unknown>) => unknown;
  export default Component;
}

/**
 * The reference for `bench:api`: a hello-world graphql-yoga server on the same machine.
 * Usage: node bench/hello-yoga.ts <port>
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
  logging: false,
  graphiql: false,
});
const port = Number(process.argv[2] ?? 4001);
createServer(yoga).listen(port, '127.0.0.1', () =>
  process.stdout.write(`hello-yoga on http://127.0.0.1:${port}/graphql\n`),
);

// A test or hook that drives a whole exchange (starting it, CLI runs, a second exchange) took more
// than a minute in CI beside CPU hogs. The limit guards against hangs; it is not a speed requirement
// (the benchmarks measure speed). Jest's project-level testTimeout does not override the global one.
jest.setTimeout(180_000);

using Clientele.Bench;

// Benchmarks and load drivers. Not run by CI; see bench/README.md.
return await BenchCli.RunAsync(args);

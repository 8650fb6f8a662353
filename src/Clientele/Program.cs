using Clientele.Platform.Cli;

// One host: `serve` (the default) runs the API and console; the other commands are the CLI.
return await ClienteleCli.RunAsync(args);

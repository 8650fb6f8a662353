namespace Clientele.Bench;

public static class BenchCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var which = args.FirstOrDefault() ?? "resource-api";
        var seconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 8;
        switch (which)
        {
            case "resource-api":
                await ResourceApiBench.RunAsync(TimeSpan.FromSeconds(seconds));
                return 0;
            case "webhooks":
                await WebhookIngestionBench.RunAsync(TimeSpan.FromSeconds(seconds));
                return 0;
            case "automation":
                await AutomationBench.RunAsync(TimeSpan.FromSeconds(seconds));
                return 0;
            case "engine":
                EngineBench.Run(TimeSpan.FromSeconds(seconds));
                return 0;
            case "login-timing":
                await LoginTimingBench.RunAsync(args.Length > 1 && int.TryParse(args[1], out var rounds) ? rounds : 200);
                return 0;
            case "pipeline":
                await PipelineBench.RunAsync(args.Length > 1 && int.TryParse(args[1], out var n) ? n : 3000);
                return 0;
            case "usage-ingest":
                await BillingBench.UsageIngestAsync(args.Length > 1 && int.TryParse(args[1], out var batches) ? batches : 200, workers: 4);
                return 0;
            case "renewal-run":
                await BillingBench.RenewalRunAsync(args.Length > 1 && int.TryParse(args[1], out var subs) ? subs : 100_000);
                return 0;
            case "import":
                await ImportBench.RunAsync(args.Length > 1 && int.TryParse(args[1], out var ir) ? ir : 100_000);
                return 0;
            case "analytics-ingest":
                await AnalyticsBench.IngestAsync(args.Length > 1 && int.TryParse(args[1], out var ab) ? ab : 200, workers: 4);
                return 0;
            case "analytics-rollup":
                await AnalyticsBench.RollupAsync(args.Length > 1 && long.TryParse(args[1], out var ev) ? ev : 10_000_000);
                return 0;
            case "health":
                await HealthBench.RunAsync(args.Length > 1 && int.TryParse(args[1], out var hc) ? hc : 100_000);
                return 0;
            case "console":
                await ConsoleBench.RunAsync(args.Length > 1 && int.TryParse(args[1], out var samples) ? samples : 30);
                return 0;
            case "webhooks-crash":
                await WebhookCrashBench.RunAsync();
                return 0;
            default:
                Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Clientele.Bench -- [resource-api|webhooks|webhooks-crash|pipeline|engine|login-timing|automation|console|usage-ingest|renewal-run|analytics-ingest|analytics-rollup|import|health] [seconds-per-round]");
                return 2;
        }
    }
}

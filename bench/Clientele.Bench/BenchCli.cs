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
            case "webhooks-crash":
                await WebhookCrashBench.RunAsync();
                return 0;
            default:
                Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Clientele.Bench -- [resource-api|webhooks|webhooks-crash|pipeline|engine|login-timing|automation] [seconds-per-round]");
                return 2;
        }
    }
}

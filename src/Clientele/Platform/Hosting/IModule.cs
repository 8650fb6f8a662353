using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Platform.Hosting;

/// <summary>
/// A module of the product: shapes its tables as resources and maps its own endpoints.
/// Every non-abstract implementation in the assembly is found and composed at start.
/// </summary>
public interface IModule
{
    void ConfigureResources(ResourceOptions resources) { }
    void MapEndpoints(RouteGroupBuilder api) { }

    static IReadOnlyList<IModule> All { get; } = typeof(IModule).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IModule).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (IModule)Activator.CreateInstance(t)!).ToList();
}

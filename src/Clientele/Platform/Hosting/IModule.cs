using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Platform.Hosting;

/// <summary>
/// A module of the product: shapes its tables as resources and maps its own endpoints.
/// Every non-abstract implementation in the assembly is found and composed at start.
/// </summary>
public interface IModule
{
    void ConfigureResources(ResourceOptions resources) { }
    void AddServices(IServiceCollection services, IConfiguration config) { }
    /// <summary>Endpoints under /api/v1 (authenticated).</summary>
    void MapEndpoints(RouteGroupBuilder api) { }
    /// <summary>Endpoints outside /api/v1 (webhooks, public webchat): they authenticate themselves.</summary>
    void MapRoot(IEndpointRouteBuilder app) { }

    static IReadOnlyList<IModule> All { get; } = typeof(IModule).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IModule).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (IModule)Activator.CreateInstance(t)!).ToList();
}

using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Knowledge;

/// <summary>Seed 003's knowledge base, searched by the assistant.</summary>
public sealed class KnowledgeModule : IModule
{
    public void ConfigureResources(ResourceOptions r) => r.Table("knowledge_base")
        .Describe("Knowledge base articles with category, tags, visibility and view and helpful counts.");
}

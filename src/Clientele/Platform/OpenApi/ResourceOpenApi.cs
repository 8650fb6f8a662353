using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Clientele.Platform.OpenApi;

/// <summary>
/// /openapi/v1.json and the Swagger UI at /docs. The generic /{table} routes are expanded into
/// one path per resource with its row, input and list schemas built from the resource metadata.
/// </summary>
public static class ResourceOpenApi
{
    public static IServiceCollection AddClienteleOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((doc, ctx, _) =>
            {
                Expand(doc, ctx.ApplicationServices.GetRequiredService<ResourceRegistry>());
                return Task.CompletedTask;
            });
        });

    public static void MapClienteleOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Clientele API v1");
            o.DocumentTitle = "Clientele API";
        });
    }

    public static void Expand(OpenApiDocument doc, ResourceRegistry registry)
    {
        doc.Info.Title = "Clientele API";
        doc.Info.Description = "One customer record where conversations, usage, billing, health and pipeline meet. " +
                               "Authenticate with `Authorization: Bearer clt_live_…`. Errors are RFC 9457 problem+json.";
        doc.Components ??= new OpenApiComponents();
        doc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        doc.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "API key clt_live_…" };
        doc.Security ??= [];
        doc.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", doc)] = [] });
        doc.Components.Schemas["Problem"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details; `errors` names each offending field.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Str(), ["title"] = Str(), ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer }, ["detail"] = Str(),
                ["instance"] = Str(), ["request_id"] = Str(),
                ["errors"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Str() } },
            },
        };

        foreach (var key in doc.Paths.Keys.Where(k => k.Contains("{table}", StringComparison.Ordinal)).ToList()) doc.Paths.Remove(key);
        // Literal module routes on a resource's own path (POST /api/v1/agent_sessions takes
        // {customer_id, title}) replace the generic operation, so the document must show theirs.
        var literals = registry.All.Select(d => $"/api/v1/{d.Table}").Where(doc.Paths.ContainsKey)
            .ToDictionary(p => p, p => doc.Paths[p].Operations ?? new Dictionary<HttpMethod, OpenApiOperation>());

        foreach (var def in registry.All)
        {
            var name = Pascal(def.Table);
            doc.Components.Schemas[name] = RowSchema(def, doc);
            doc.Components.Schemas[name + "Input"] = InputSchema(def);
            doc.Components.Schemas[name + "List"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["object"] = Str(), ["data"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(name, doc) },
                    ["has_more"] = new OpenApiSchema { Type = JsonSchemaType.Boolean }, ["next_cursor"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                },
            };
            var tag = new HashSet<OpenApiTagReference> { new("Resources", doc) };
            var collection = new OpenApiPathItem();
            collection.AddOperation(HttpMethod.Get, Op($"List {def.Table}", def.Description, tag, ListParameters(def),
                null, ("200", "A page of rows", new OpenApiSchemaReference(name + "List", doc))));
            if (def.CanCreate)
                collection.AddOperation(HttpMethod.Post, Op($"Create a {ResourceRegistry.Singular(def.Table)}", null, tag, [Header("Idempotency-Key", "Replays the first response for 24 h")],
                    new OpenApiSchemaReference(name + "Input", doc), ("201", "Created", new OpenApiSchemaReference(name, doc))));
            if (literals.TryGetValue($"/api/v1/{def.Table}", out var own))
                foreach (var (method, op) in own)
                {
                    collection.Operations?.Remove(method);
                    collection.AddOperation(method, op);
                }
            doc.Paths[$"/api/v1/{def.Table}"] = collection;

            var item = new OpenApiPathItem();
            var idParam = new OpenApiParameter { Name = "id", In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" } };
            item.AddOperation(HttpMethod.Get, Op($"Get a {ResourceRegistry.Singular(def.Table)}", null, tag,
                [idParam, Query("include", "Comma-separated related resources: " + string.Join(", ", def.Relations.Select(r => r.Name)))],
                null, ("200", "The row (ETag header)", new OpenApiSchemaReference(name, doc))));
            if (def.CanUpdate)
                item.AddOperation(HttpMethod.Patch, Op($"Update a {ResourceRegistry.Singular(def.Table)} (JSON merge)", null, tag,
                    [idParam, Header("If-Match", "ETag from a GET; 412 when stale")], new OpenApiSchemaReference(name + "Input", doc),
                    ("200", "The updated row", new OpenApiSchemaReference(name, doc))));
            if (def.CanDelete)
                item.AddOperation(HttpMethod.Delete, Op($"Delete a {ResourceRegistry.Singular(def.Table)}" + (def.SoftDelete ? " (soft)" : ""), null, tag,
                    [idParam, Header("If-Match", "ETag from a GET; 412 when stale")], null, ("204", "Deleted", null)));
            doc.Paths[$"/api/v1/{def.Table}/{{id}}"] = item;
        }
    }

    private static OpenApiOperation Op(string summary, string? description, HashSet<OpenApiTagReference> tags, List<IOpenApiParameter> parameters,
        IOpenApiSchema? body, (string Status, string Description, IOpenApiSchema? Schema) ok)
    {
        var op = new OpenApiOperation { Summary = summary, Description = description, Tags = tags, Parameters = parameters, Responses = new OpenApiResponses() };
        if (body is not null)
            op.RequestBody = new OpenApiRequestBody { Required = true, Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = body } } };
        op.Responses[ok.Status] = new OpenApiResponse
        {
            Description = ok.Description,
            Content = ok.Schema is null ? null : new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = ok.Schema } },
        };
        foreach (var (code, text) in new[] { ("400", "Malformed request"), ("401", "No or bad credential"), ("403", "Not allowed"), ("404", "Not found (or another tenant's)"),
                     ("409", "Conflict"), ("412", "Stale If-Match"), ("422", "Validation failed"), ("429", "Rate limited") })
        {
            op.Responses[code] = new OpenApiResponse { Description = text, Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } } };
        }
        return op;
    }

    private static List<IOpenApiParameter> ListParameters(ResourceDefinition def)
    {
        var list = new List<IOpenApiParameter>
        {
            Query("limit", "1 to 200, default 50"), Query("cursor", "next_cursor of the previous page"),
            Query("order", "field or -field (default -id, newest first)"),
            Query("include", "Comma-separated related resources: " + string.Join(", ", def.Relations.Select(r => r.Name))),
        };
        if (def.SoftDelete) list.Add(Query("include_deleted", "true to include soft-deleted rows (admins)"));
        foreach (var c in def.Output.Where(c => c.Kind is not (ColumnKind.Json or ColumnKind.Bytes)))
            list.Add(Query(c.Name, $"Filter: {c.Name}=value or {c.Name}[op]=value, op in eq ne gt gte lt lte in like is_null"));
        return list;
    }

    private static OpenApiParameter Query(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = Str() };

    private static OpenApiParameter Header(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Description = description, Schema = Str() };

    private static OpenApiSchema RowSchema(ResourceDefinition def, OpenApiDocument doc)
    {
        var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Description = def.Description, Properties = new Dictionary<string, IOpenApiSchema>() };
        foreach (var c in def.Output)
        {
            var p = ColumnSchema(c);
            if (c.ReadOnly) p.ReadOnly = true;
            if (c.IsComputed) p.Description = "Computed, read-only";
            schema.Properties[c.Name] = p;
        }
        _ = doc;
        return schema;
    }

    private static OpenApiSchema InputSchema(ResourceDefinition def)
    {
        var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>(), Required = new HashSet<string>(), AdditionalProperties = new OpenApiSchema { Not = new OpenApiSchema() } };
        foreach (var c in def.Columns.Where(c => !c.ReadOnly && !c.IsComputed))
        {
            schema.Properties[c.Name] = ColumnSchema(c);
            if (!c.Nullable && !c.HasDefault) schema.Required.Add(c.Name);
        }
        return schema;
    }

    private static OpenApiSchema ColumnSchema(ResourceColumn c)
    {
        var s = Scalar(c.Kind == ColumnKind.Array ? c.ElementKind : c.Kind);
        if (c.Kind == ColumnKind.Json) s = new OpenApiSchema();
        if (c.Kind == ColumnKind.Array) s = new OpenApiSchema { Type = JsonSchemaType.Array, Items = s };
        if (c.MaxLength is { } max) s.MaxLength = max;
        if (c.Nullable && s.Type is { } t) s.Type = t | JsonSchemaType.Null;
        return s;
    }

    private static OpenApiSchema Scalar(ColumnKind kind) => kind switch
    {
        ColumnKind.Uuid => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
        ColumnKind.Int16 or ColumnKind.Int32 => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
        ColumnKind.Int64 => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
        ColumnKind.Decimal or ColumnKind.Double => new OpenApiSchema { Type = JsonSchemaType.Number },
        ColumnKind.Bool => new OpenApiSchema { Type = JsonSchemaType.Boolean },
        ColumnKind.Timestamp => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
        ColumnKind.Date => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
        ColumnKind.Bytes => new OpenApiSchema { Type = JsonSchemaType.String, Format = "byte" },
        _ => new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiSchema Str() => new() { Type = JsonSchemaType.String };

    public static string Pascal(string snake) => string.Concat(snake.Split('_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
}

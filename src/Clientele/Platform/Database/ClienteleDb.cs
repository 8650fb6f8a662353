using System.Reflection;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Clientele.Platform.Database;

/// <summary>Marks an EF entity as a table row; modules' entities implement one of these.</summary>
public interface IEntity { Guid Id { get; set; } }

/// <summary>A row of a tenant table: filtered by organization_id in EF as RLS does in PostgreSQL.</summary>
public interface ITenantEntity : IEntity { Guid OrganizationId { get; set; } }

/// <summary>Names the table of an entity (snake_case, as in the seeds).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TableAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Declares the PostgreSQL type of a column where the CLR type alone does not say it (jsonb, varchar(n), numeric(p,s)).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ColumnTypeAttribute(string type) : Attribute
{
    public string Type { get; } = type;
}

/// <summary>
/// EF Core's view of the schema that the SQL migrations create. Every class implementing
/// IEntity in this assembly is mapped: table from [Table], columns snake_case. EF never
/// creates or migrates the schema; the drift test compares this model with the database.
/// </summary>
public sealed class ClienteleDb(DbContextOptions<ClienteleDb> options, TenantContext tenant) : DbContext(options)
{
    public Guid CurrentOrganizationId => tenant.OrganizationId;

    public static IReadOnlyList<Type> EntityTypes { get; } = typeof(ClienteleDb).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IEntity).IsAssignableFrom(t) && t.GetCustomAttribute<TableAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        foreach (var type in EntityTypes)
        {
            var entity = modelBuilder.Entity(type);
            entity.ToTable(type.GetCustomAttribute<TableAttribute>()!.Name);
            entity.HasKey(nameof(IEntity.Id));
            foreach (var prop in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (!prop.CanWrite || prop.GetCustomAttribute<System.ComponentModel.DataAnnotations.Schema.NotMappedAttribute>() is not null)
                    continue;
                var p = entity.Property(prop.Name).HasColumnName(SnakeCase(prop.Name));
                if (prop.Name == nameof(IEntity.Id)) p.ValueGeneratedNever();
                var columnType = prop.GetCustomAttribute<ColumnTypeAttribute>()?.Type;
                if (columnType is not null) p.HasColumnType(columnType);
            }
            if (typeof(ITenantEntity).IsAssignableFrom(type))
            {
                typeof(ClienteleDb).GetMethod(nameof(AddTenantFilter), BindingFlags.NonPublic | BindingFlags.Instance)!
                    .MakeGenericMethod(type).Invoke(this, [modelBuilder]);
            }
        }
    }

    private void AddTenantFilter<T>(ModelBuilder modelBuilder) where T : class, ITenantEntity =>
        modelBuilder.Entity<T>().HasQueryFilter(e => e.OrganizationId == CurrentOrganizationId);

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}

/// <summary>Builds EF options once per data source; contexts are created on an open connection.</summary>
public sealed class DbModel
{
    private readonly IModel _model;

    public DbModel()
    {
        // Build the model once, from a throwaway context with no connection.
        var options = new DbContextOptionsBuilder<ClienteleDb>().UseNpgsql().Options;
        using var ctx = new ClienteleDb(options, new TenantContext());
        _model = ctx.GetService<Microsoft.EntityFrameworkCore.Metadata.IDesignTimeModel>().Model;
        RuntimeModel = ctx.Model;
    }

    public IModel RuntimeModel { get; }
    public IModel DesignModel => _model;

    public DbContextOptions<ClienteleDb> OptionsFor(NpgsqlConnection connection) =>
        new DbContextOptionsBuilder<ClienteleDb>().UseNpgsql(connection).UseModel(RuntimeModel).Options;
}

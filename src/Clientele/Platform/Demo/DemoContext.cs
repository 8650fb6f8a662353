using System.Text.Json;
using System.Text.Json.Serialization;
using Bogus;
using Clientele.Platform.Database;
using Clientele.Platform.Resources;
using Npgsql;

namespace Clientele.Platform.Demo;

/// <summary>A demo user of the team (the owner and the people DemoSeeder creates).</summary>
public sealed record DemoUser(Guid Id, string Name, string Email, string Role, string Department);

/// <summary>A demo customer and the facts other modules keep consistent with (plan, MRR, stage, health, CSM).</summary>
public sealed record DemoCustomer(Guid Id, string Email, string Name, string Company, string Domain, string Plan, decimal Mrr, decimal Arr, string Stage,
    int Health, decimal Churn, Guid CsmId, DateOnly RenewalDate, string Industry)
{
    /// <summary>The customer's primary contact (set by the customer records demo).</summary>
    public Guid? PrimaryContactId { get; set; }
    public bool Paying => Plan != "free" && Stage != "prospect";
}

/// <summary>
/// What the per-module demo fillers share: the tenant session, the team and customers created
/// so far, a deterministic faker per module, and <see cref="CreateAsync"/>, which writes a row
/// through the resource store (validated and audited like an API write; read-only resources too,
/// since the store does not check ReadOnly — ResourceApi does).
/// </summary>
public sealed class DemoContext(ResourceStore store, ResourceRegistry registry, TenantSession session, Guid ownerId, CancellationToken ct)
{
    public const int Seed = 20261122;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public TenantSession Session { get; } = session;
    public CancellationToken Ct { get; } = ct;
    public Guid OwnerId { get; } = ownerId;
    /// <summary>One instant for the whole fill, so that relative dates agree with each other.</summary>
    public DateTime Now { get; } = DateTime.UtcNow;
    public DateOnly Today => DateOnly.FromDateTime(Now);
    /// <summary>The app's services, for fillers that run a module's own use case (which opens its own sessions).</summary>
    public IServiceProvider? Services { get; init; }
    public List<DemoUser> Users { get; } = [];
    public List<DemoCustomer> Customers { get; } = [];
    /// <summary>Ids other modules refer to, by a short name ("agent:whatsapp", "conversation:support:0", ...).</summary>
    public Dictionary<string, Guid> Ids { get; } = new(StringComparer.Ordinal);
    /// <summary>Inbound channel messages of the demo chats, for the channel pipeline's bookkeeping (inbound events, outbox).</summary>
    public List<(string Platform, Guid PhoneNumberId, string ExternalId, string From, string Text, DateTime At, Guid MessageId)> Inbound { get; } = [];

    public IEnumerable<DemoUser> Csms => Users.Where(u => u.Department == "success");
    public DemoUser User(string department) => Users.First(u => u.Department == department);

    /// <summary>A faker whose sequence depends only on the module name, so modules do not shift each other's data.</summary>
    public static Faker FakerFor(string module)
    {
        var hash = 17;
        foreach (var c in module) hash = unchecked(hash * 31 + c);
        return new Faker("en") { Random = new Randomizer(Seed ^ hash) };
    }

    /// <summary>Creates a row from an anonymous object whose property names are the columns (nulls are left out).</summary>
    public async Task<Guid> CreateAsync(string table, object row)
    {
        var def = registry.Find(table) ?? throw new InvalidOperationException($"The demo writes {table}, which is not a registered resource.");
        var result = await store.CreateAsync(Session, def, JsonSerializer.SerializeToElement(row, Json), Ct);
        return result.Id!.Value;
    }

    /// <summary>Updates a row through the resource store (validated and audited like an API PATCH).</summary>
    public async Task UpdateAsync(string table, Guid id, object changes)
    {
        var def = registry.Find(table) ?? throw new InvalidOperationException($"The demo writes {table}, which is not a registered resource.");
        await store.UpdateAsync(Session, def, id, JsonSerializer.SerializeToElement(changes, Json), null, Ct);
    }

    /// <summary>The id of the tenant's first row of a table, if any (for one-per-organization rows the platform may already have made).</summary>
    public async Task<Guid?> FirstIdAsync(string table)
    {
        await using var r = await Session.ReadAsync($"SELECT id FROM {ResourceColumn.Quote(table)} WHERE organization_id = $1 ORDER BY id LIMIT 1",
            [new NpgsqlParameter { Value = Session.OrganizationId }], Ct);
        return await r.ReadAsync(Ct) ? r.GetGuid(0) : null;
    }

    /// <summary>A suffix from the organization id, for provider ids that must be unique across organizations (Meta numbers).</summary>
    public string OrgSuffix => Session.OrganizationId.ToString("N")[^10..];

    /// <summary>
    /// Inserts a row with SQL in the tenant's transaction, for what the store cannot write
    /// (server-set columns such as an archived row's created_at). Parameters are $1..$n.
    /// </summary>
    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using (var cmd = await Session.CommandAsync(sql, Ct))
        {
            foreach (var p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p });
            await cmd.ExecuteNonQueryAsync(Ct);
        }
        await Session.CommitAsync(Ct);
    }

    public DateTime DaysAgo(double days) => Now.AddDays(-days);
    public DateTime DaysAhead(double days) => Now.AddDays(days);
    public DateOnly Day(int offset) => Today.AddDays(offset);
}

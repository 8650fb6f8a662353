namespace Clientele.Modules.Sales.Imports;

/// <summary>
/// What an import can fill, and the natural key it upserts by: email for people (customers, leads,
/// prospects), name + website for companies, name for solutions. Reference columns name a related
/// row instead of its id: a prospect's company (by name, and website when given; created with its
/// industry and size when it does not exist yet) and a company's industry (by name, created when new).
/// </summary>
public static class ImportTables
{
    public static readonly string[] All = ["customers", "leads", "companies", "prospects", "solutions"];

    /// <summary>The key columns, lower-cased and trimmed when compared.</summary>
    public static string[] Key(string table) => table switch
    {
        "companies" => ["name", "website"],
        "solutions" => ["name"],
        _ => ["email"],
    };

    /// <summary>Pseudo-columns a mapping may target besides the table's own writable columns.</summary>
    public static string[] References(string table) => table switch
    {
        "prospects" => ["company", "company_website", "industry", "company_size"],
        "companies" => ["industry"],
        _ => [],
    };

    /// <summary>Columns an import never writes (the server's, or ids it resolves itself).</summary>
    public static readonly string[] Never = ["id", "organization_id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "deleted_by"];
}

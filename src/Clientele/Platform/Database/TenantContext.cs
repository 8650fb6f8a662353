namespace Clientele.Platform.Database;

/// <summary>Who is acting, for which tenant. Comes from the credential, never from the body.</summary>
public sealed class TenantContext
{
    public Guid OrganizationId { get; set; }
    public Guid? UserId { get; set; }
    public Guid? ApiKeyId { get; set; }
    public string Role { get; set; } = Roles.Viewer;
    /// <summary>audit_logs.actor_type: user, agent, system or api.</summary>
    public string ActorType { get; set; } = "system";
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }

    public bool IsSet => OrganizationId != Guid.Empty;
    /// <summary>The id written to created_by / updated_by / deleted_by and audit actor_id.</summary>
    public Guid? ActorId => UserId ?? ApiKeyId;
    public bool CanWrite => Role is Roles.Owner or Roles.Admin or Roles.Member;
    public bool IsAdmin => Role is Roles.Owner or Roles.Admin;
}

public static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Viewer = "viewer";
    public static readonly string[] All = [Owner, Admin, Member, Viewer];

    /// <summary>The weaker of two roles (an API key never does more than its user may).</summary>
    public static string Lowest(string a, string b) => Array.IndexOf(All, a) >= Array.IndexOf(All, b) ? a : b;
}

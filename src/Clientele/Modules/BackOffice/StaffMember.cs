using System.Net;
using System.Security.Claims;

namespace Clientele.Modules.BackOffice;

/// <summary>The signed-in member of the platform staff, as the staff cookie says (checked against admin_users on every request).</summary>
public sealed record StaffMember(Guid Id, string Email, string Name, string Role, IPAddress Ip)
{
    public const string IdClaim = "staff_id";
    public const string RoleClaim = "staff_role";
    public const string NameClaim = "staff_name";
    public const string EmailClaim = "staff_email";

    public bool Can(StaffPermission p) => StaffRoles.Can(Role, p);

    public static StaffMember? From(ClaimsPrincipal user, IPAddress? ip)
    {
        if (user.Identity?.AuthenticationType != StaffAuthentication.Scheme) return null;
        if (!Guid.TryParse(user.FindFirst(IdClaim)?.Value, out var id)) return null;
        return new StaffMember(id, user.FindFirst(EmailClaim)?.Value ?? "", user.FindFirst(NameClaim)?.Value ?? "",
            user.FindFirst(RoleClaim)?.Value ?? StaffRoles.ReadOnly, ip ?? IPAddress.None);
    }

    public static ClaimsPrincipal Principal(Guid id, string email, string name, string role) => new(new ClaimsIdentity(
        [new Claim(IdClaim, id.ToString()), new Claim(EmailClaim, email), new Claim(NameClaim, name), new Claim(RoleClaim, role)],
        StaffAuthentication.Scheme, NameClaim, RoleClaim));
}

namespace Clientele.Modules.BackOffice;

/// <summary>What a member of the platform staff may do in /admin, by admin_users.admin_role.</summary>
public enum StaffPermission
{
    ViewOrganizations,
    SuspendOrganizations,
    AnswerTickets,
    Impersonate,
    ViewAudit,
    ManageStaff,
}

public static class StaffRoles
{
    public const string SuperAdmin = "super_admin";
    public const string Admin = "admin";
    public const string Support = "support";
    public const string Billing = "billing";
    public const string ReadOnly = "read_only";

    public static readonly string[] All = [SuperAdmin, Admin, Support, Billing, ReadOnly];

    /// <summary>support answers tickets and looks at tenants; billing suspends; admin does all of that; only super_admin manages staff accounts.</summary>
    public static bool Can(string role, StaffPermission p) => role switch
    {
        SuperAdmin => true,
        Admin => p is not StaffPermission.ManageStaff,
        Support => p is StaffPermission.ViewOrganizations or StaffPermission.AnswerTickets or StaffPermission.Impersonate,
        Billing => p is StaffPermission.ViewOrganizations or StaffPermission.SuspendOrganizations,
        ReadOnly => p is StaffPermission.ViewOrganizations,
        _ => false,
    };

    public static string Describe(StaffPermission p) => p switch
    {
        StaffPermission.SuspendOrganizations => "Suspending organizations needs the billing, admin or super_admin role.",
        StaffPermission.AnswerTickets => "Support tickets need the support, admin or super_admin role.",
        StaffPermission.Impersonate => "Viewing as a tenant user needs the support, admin or super_admin role.",
        StaffPermission.ViewAudit => "The staff audit log needs the admin or super_admin role.",
        StaffPermission.ManageStaff => "Staff accounts are managed by a super_admin.",
        _ => "Your staff role does not allow this.",
    };
}

using Clientele.Platform.Database;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// Locks a conversation row for the rest of the transaction (replies, message inserts and
/// extractions of one conversation take the same lock). Its own statement on purpose: under READ
/// COMMITTED a query that waited for the lock still reads with the snapshot taken before it waited,
/// so what is read must come in the next statement, which sees everything committed until the lock was granted.
/// </summary>
public static class ConversationLock
{
    /// <returns>false when the conversation does not exist (or is deleted)</returns>
    public static async Task<bool> LockAsync(TenantSession s, Guid conversationId, CancellationToken ct)
    {
        return await s.ExecuteScalarAsync("SELECT 1 FROM conversations WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE",
            [s.OrganizationId, conversationId], ct) is not null;
    }
}

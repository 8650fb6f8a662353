using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>An entry of the organization's activity feed (seed 002).</summary>
[Table("activity_logs")]
public sealed class ActivityLog : ActivityLogColumns;

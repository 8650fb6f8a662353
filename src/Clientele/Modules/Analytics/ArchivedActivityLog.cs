using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>An activity feed entry older than a year, moved here by the retention job (seed 002).</summary>
[Table("activity_logs_archive")]
public sealed class ArchivedActivityLog : ActivityLogColumns;

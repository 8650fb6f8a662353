using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Meetings;

/// <summary>Meetings booked from chats (seed 001) and held by CSMs (seed 003), with transcripts and analyses.</summary>
public sealed class MeetingsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("meetings")
            .Describe("Meetings with customers: demos booked from a chat and CSM meetings, with calendar event and agenda.");
        r.Table("transcripts")
            .Describe("Transcripts of meetings with speakers, duration in seconds and word count.");
        r.Table("meeting_analyses")
            .Describe("AI analyses of meetings: summary, sentiment, action items, commitments, risk and expansion signals.");
    }
}

using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Conversations;
using Clientele.Modules.Integrations.Google;
using Clientele.Modules.Sales.Extraction;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Sales.Booking;

/// <summary>
/// Demo booking in the chat (docs/ai.md, "Lead extraction and booking"). When the customer asks
/// for a demo (demo intent, or a demo button) the agent's answer gets the next free slots of the
/// organization's Google Calendar, numbered (or, with no calendar connected, the promise that a
/// teammate sends times). Their next messages pick one ("2", "the second one", "Tuesday 10:00") or
/// propose another time; the agent asks for the email if it is unknown, books the event with a
/// Meet link (MeetingScheduler.BookAsync: meetings row and the extraction's demo_book_datetime)
/// and answers with the link. State: conversations.extra_metadata.booking (<see cref="BookingState"/>).
/// Runs in the reply's transaction with the conversation row locked.
/// </summary>
public sealed class DemoBooking(MeetingScheduler scheduler, IMessageAnalyzer analyzer, LeadExtractor extractor, LeadOptions options, TimeProvider clock,
    ILogger<DemoBooking> logger)
{
    /// <summary>The customer message's CTA click and time and the conversation's booking state, read once per reply.</summary>
    public sealed record Turn(BookingState? State, CtaClick? Click, DateTimeOffset At);

    /// <summary>Reads the turn (null when the message is gone); pass it to <see cref="ContinueAsync"/> and <see cref="OfferIfAskedAsync"/>.</summary>
    public Task<Turn?> LoadTurnAsync(TenantSession s, ReplyRequest r, CancellationToken ct) => TurnAsync(s, r, ct);

    /// <summary>The agent's answer when the message continues an open booking (a pick, a time, the email); otherwise null.</summary>
    public async Task<AgentReply?> ContinueAsync(TenantSession s, ReplyRequest r, Turn? turn, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (turn?.State is not { } state || !state.IsOpen(now)) return null;
        var zone = Zone(state.TimeZone);
        var contact = await ContactAsync(s, r, now, ct);
        try
        {
            switch (SlotPick.Match(r.CustomerText, state.Slots, zone, now))
            {
                case PickResult.Picked p:
                    return await ChooseAsync(s, r, state, state.Slots[p.Index], zone, contact, "", ct);
                case PickResult.Ambiguous a:
                    return Reply(r, BookingText.Which(a.Indexes, state.Slots, zone), state);
                case PickResult.Proposed p:
                    return await ProposedAsync(s, r, p, zone, contact, "", ct) ?? Reply(r, BookingText.CalendarUnavailable, state);
            }
            if (state is { Status: BookingState.AwaitingEmail, Chosen: { } chosen } && contact.EmailInMessage is not null)
                return await BookAsync(s, r, state, chosen, zone, contact, "", ct);
            return null;
        }
        catch (GoogleNotConnectedException)
        {
            await BookingState.SaveAsync(s, r.ConversationId, null, ct);
            return Reply(r, BookingText.CalendarUnavailable, null);
        }
        catch (GoogleApiException e)
        {
            logger.LogWarning(e, "the calendar failed while booking in conversation {Conversation}", r.ConversationId);
            return Reply(r, BookingText.CalendarUnavailable, state);
        }
    }

    /// <summary>The agent's answer, with demo slots added when the customer asked for a demo.</summary>
    public async Task<AgentReply> OfferIfAskedAsync(TenantSession s, ReplyRequest r, AgentReply reply, Turn? turn, CancellationToken ct)
    {
        if (turn is null) return reply;
        var askedForDemo = analyzer.Analyze(r.CustomerText, turn.At).Intent == "demo"
            || (turn.Click is { } click && CtaDetector.ForClick(click) == CtaDetector.Demo);
        if (!askedForDemo) return reply;
        var now = clock.GetUtcNow();
        var before = reply.Content.TrimEnd() + "\n\n";

        if (turn.State is { Status: BookingState.Booked, BookedFor: { } at } booked && at > now)
            return Append(reply, BookingText.AlreadyBooked(at, Zone(booked.TimeZone), booked.MeetLink), booked);
        try
        {
            var zone = (await scheduler.WorkingHoursAsync(s, ct)).Zone;
            var proposal = SlotPick.Proposal(r.CustomerText, zone, now);
            if (proposal is not null)
            {
                var contact = await ContactAsync(s, r, now, ct);
                if (await ProposedAsync(s, r, proposal, zone, contact, before, ct) is { } answer)
                    return reply with { Content = answer.Content, Metadata = Merge(reply.Metadata, new JsonObject { ["booking"] = answer.Metadata?["booking"]?.DeepClone() }) };
                return Append(reply, BookingText.CalendarUnavailable, null);
            }
            var offered = await OfferAsync(s, r, zone, null, ct);
            return offered is null ? Append(reply, BookingText.NoFreeTimes, null)
                : Append(reply, BookingText.Offer(offered.Slots, zone, offered.DurationMinutes), offered);
        }
        catch (GoogleNotConnectedException)
        {
            return Append(reply, BookingText.TeammateWillSend, null);
        }
        catch (GoogleApiException e)
        {
            logger.LogWarning(e, "free slots unavailable for conversation {Conversation}", r.ConversationId);
            return Append(reply, BookingText.CalendarUnavailable, null);
        }
    }

    /// <summary>A time the customer named: booked (or the email asked) when it is free, else the closest free times. Null when the calendar cannot be read.</summary>
    private async Task<AgentReply?> ProposedAsync(TenantSession s, ReplyRequest r, PickResult.Proposed p, TimeZoneInfo zone, BookingContact contact,
        string before, CancellationToken ct)
    {
        SlotOffer offer;
        try { offer = await scheduler.FindFreeSlotsAsync(s, new SlotQuery(Days: p.ExactTime ? 1 : options.SlotDays, Limit: 50, NotBefore: p.At), ct); }
        catch (GoogleNotConnectedException) { await BookingState.SaveAsync(s, r.ConversationId, null, ct); return Reply(r, before + BookingText.TeammateWillSend, null); }
        catch (GoogleApiException e) { logger.LogWarning(e, "free slots unavailable for conversation {Conversation}", r.ConversationId); return null; }

        var free = offer.Slots.Select(x => x.Start).ToList();
        var state = New(offer, free.Count > 0 && free[0] == p.At ? [p.At] : [], clock.GetUtcNow());
        if (p.ExactTime && free.Count > 0 && free[0] == p.At)
            return await ChooseAsync(s, r, state, p.At, zone, contact, before, ct);
        var closest = await OfferAsync(s, r, zone, p.At, ct);
        if (closest is null) return Reply(r, before + BookingText.NoFreeTimes, null);
        return Reply(r, before + BookingText.Closest(p.At, p.ExactTime, closest.Slots, zone, closest.DurationMinutes), closest);
    }

    /// <summary>The chosen slot: booked when the email is known, otherwise kept while the agent asks for it.</summary>
    private async Task<AgentReply> ChooseAsync(TenantSession s, ReplyRequest r, BookingState state, DateTimeOffset slot, TimeZoneInfo zone, BookingContact contact,
        string before, CancellationToken ct)
    {
        if (contact.Email is not null) return await BookAsync(s, r, state, slot, zone, contact, before, ct);
        var waiting = state with { Status = BookingState.AwaitingEmail, Chosen = slot, ExpiresAt = clock.GetUtcNow() + options.OfferValidFor };
        await BookingState.SaveAsync(s, r.ConversationId, waiting, ct);
        return Reply(r, before + BookingText.AskEmail(slot, zone, contact.FirstName), waiting);
    }

    private async Task<AgentReply> BookAsync(TenantSession s, ReplyRequest r, BookingState state, DateTimeOffset slot, TimeZoneInfo zone, BookingContact contact,
        string before, CancellationToken ct)
    {
        var email = contact.Email!;
        BookedMeeting booked;
        try
        {
            booked = await scheduler.BookAsync(s, new BookingRequest(slot, email, contact.Name,
                Title: $"Demo with {contact.Name ?? email}{(contact.Company is { } co ? $" ({co})" : "")}",
                DurationMinutes: state.DurationMinutes,
                Description: $"Booked by {r.AgentName ?? "the AI agent"} in a {r.Channel} conversation.",
                ConversationId: r.ConversationId, Source: "agent"), ct);
        }
        catch (Exception e) when (e is SlotUnavailableException or ProblemException { Status: 422 })
        {
            // Taken meanwhile, or no longer in the future: offer what is free now.
            var again = await OfferAsync(s, r, zone, null, ct);
            return again is null ? Reply(r, before + BookingText.Taken + " " + BookingText.NoFreeTimes, null)
                : Reply(r, before + BookingText.Taken + " " + BookingText.Offer(again.Slots, zone, again.DurationMinutes), again);
        }
        catch (GoogleNotConnectedException)
        {
            await BookingState.SaveAsync(s, r.ConversationId, null, ct);
            return Reply(r, before + BookingText.CalendarUnavailable, null);
        }
        catch (GoogleApiException e)
        {
            logger.LogWarning(e, "booking failed for conversation {Conversation}", r.ConversationId);
            return Reply(r, before + BookingText.CalendarUnavailable, state);
        }

        var done = state with
        {
            Status = BookingState.Booked, Chosen = null, MeetingId = booked.MeetingId, MeetLink = booked.MeetingUrl, BookedFor = booked.When.Start,
        };
        await BookingState.SaveAsync(s, r.ConversationId, done, ct);
        // The booking is news for the lead: a fresh extraction carries demo_book_datetime and the engagement it shows.
        if (await ConversationSnapshot.LoadAsync(s, r.ConversationId, ct) is { CustomerMessageCount: > 0 } snapshot)
            await extractor.ExtractAsync(s, snapshot, LeadExtractor.Booking, ct);
        return Reply(r, before + BookingText.Booked(booked.When.Start, zone, contact.FirstName, email, booked.MeetingUrl ?? booked.HtmlLink), done);
    }

    /// <summary>Free slots (from `notBefore`, or now) spread over the next days, saved as the open offer; null when none are free.</summary>
    private async Task<BookingState?> OfferAsync(TenantSession s, ReplyRequest r, TimeZoneInfo zone, DateTimeOffset? notBefore, CancellationToken ct)
    {
        var offer = await scheduler.FindFreeSlotsAsync(s, new SlotQuery(Days: options.SlotDays, Limit: 50, NotBefore: notBefore), ct);
        if (offer.Slots.Count == 0) { await BookingState.SaveAsync(s, r.ConversationId, null, ct); return null; }
        var state = New(offer, SlotSpread.Pick(offer.Slots.Select(x => x.Start).ToList(), options.SlotsOffered, zone), clock.GetUtcNow());
        await BookingState.SaveAsync(s, r.ConversationId, state, ct);
        return state;
    }

    private BookingState New(SlotOffer offer, IReadOnlyList<DateTimeOffset> slots, DateTimeOffset now) =>
        new(BookingState.Offered, now, now + options.OfferValidFor, offer.TimeZone, offer.DurationMinutes, slots);

    private Task<BookingContact> ContactAsync(TenantSession s, ReplyRequest r, DateTimeOffset now, CancellationToken ct) =>
        BookingContact.LoadAsync(s, r.ConversationId, r.CustomerText, r.CustomerName, analyzer, now, ct);

    private static async Task<Turn?> TurnAsync(TenantSession s, ReplyRequest r, CancellationToken ct)
    {
        await using var rd = await s.ReaderAsync("""
            SELECT m.extra_metadata->'cta', m."timestamp", c.extra_metadata->'booking'
            FROM messages m JOIN conversations c ON c.organization_id = m.organization_id AND c.id = m.conversation_id
            WHERE m.organization_id = $1 AND m.id = $2
            """,
            [s.OrganizationId, r.MessageId], ct);
        if (!await rd.ReadAsync(ct)) return null;
        var cta = rd.IsDBNull(0) ? null : JsonNode.Parse(rd.GetString(0)) as JsonObject;
        var click = cta is null ? null : new CtaClick(Str(cta["kind"]), Str(cta["id"]), Str(cta["title"]));
        var state = rd.IsDBNull(2) ? null : BookingState.FromJson(JsonNode.Parse(rd.GetString(2)));
        return new Turn(state, click, rd.GetFieldValue<DateTimeOffset>(1));
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static TimeZoneInfo Zone(string id) => WorkingHours.TryZone(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private static AgentReply Reply(ReplyRequest r, string text, BookingState? state) =>
        new(text, r.AgentName, null, null, null, new JsonObject { ["specialist"] = "sales", ["booking"] = Summary(state) });

    private static AgentReply Append(AgentReply reply, string text, BookingState? state) => reply with
    {
        Content = reply.Content.TrimEnd() + "\n\n" + text,
        Metadata = Merge(reply.Metadata, new JsonObject { ["booking"] = Summary(state) }),
    };

    private static JsonObject Merge(JsonObject? first, JsonObject? second)
    {
        var merged = first?.DeepClone().AsObject() ?? [];
        if (second is not null) foreach (var (k, v) in second) merged[k] = v?.DeepClone();
        return merged;
    }

    /// <summary>What the reply's extra_metadata says about the booking (its state, or "none" when nothing is open).</summary>
    private static JsonNode Summary(BookingState? state) => state?.ToJson() ?? new JsonObject { ["status"] = "none" };
}

using System.Net;
using System.Text.Json.Nodes;
using Clientele.Modules.Notifications;
using Clientele.Modules.Notifications.Email;
using Clientele.Platform.Database;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Team;

/// <summary>The dispatcher, preferences, digests, the user's own API and retention (docs/notifications.md), over the loopback SMTP sink.</summary>
public sealed class NotificationTests(TeamFixture app) : IClassFixture<TeamFixture>
{
    private async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default : (T)v;
    }

    private async Task<int> NotifyAsync(AppFixture.Tenant t, string category, string title, string? link = "/app/inbox", Guid? to = null)
    {
        await using var s = app.App.Services.GetRequiredService<TenantSessions>().Open(new TenantContext { OrganizationId = t.OrganizationId, Role = Roles.Owner, ActorType = "system" });
        var n = await NotificationDispatcher.NotifyAsync(s, [to ?? t.UserId], [], "info", category, title, $"{title}: the details.", new JsonObject { ["test"] = true }, CancellationToken.None, link);
        await s.CommitAsync();
        return n;
    }

    private static Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> PutAsync(HttpClient c, string url, object body) => c.SendAsync(HttpMethod.Put, url, body);

    [Fact]
    public async Task Preferences_decide_in_app_and_email_per_type()
    {
        var t = await app.SignupAsync();
        // Defaults (seed 002): in-app and an immediate email.
        (await NotifyAsync(t, "billing", "Invoice overdue")).ShouldBe(1);
        var mail = await Eventually.GetAsync(() => Task.FromResult(app.Smtp.To(t.Email).FirstOrDefault(m => m.Header("Subject") == "Invoice overdue")), m => m is not null, what: "the billing email");
        var parsed = app.LastTo(t.Email);
        parsed.TextBody!.ShouldContain("Invoice overdue: the details.");
        parsed.HtmlBody!.ShouldContain("Open in Clientele");
        parsed.Headers["Auto-Submitted"].ShouldBe("auto-generated");
        (await ScalarAsync<long>("SELECT count(*) FROM notifications WHERE user_id = $1 AND category = 'billing'", t.UserId)).ShouldBe(1);

        // Hot leads: email only. Approvals: in-app only. Bad input changes nothing.
        var lead = await PutAsync(t.Http, "/api/v1/notifications/preferences/lead_hot", new { in_app_enabled = false, email_frequency = "immediate" });
        lead.Status.ShouldBe(HttpStatusCode.OK, lead.Json?.ToJsonString());
        lead.Json!["in_app_enabled"]!.GetValue<bool>().ShouldBeFalse();
        (await PutAsync(t.Http, "/api/v1/notifications/preferences/approval_requested", new { email_enabled = false })).Status.ShouldBe(HttpStatusCode.OK);
        (await PutAsync(t.Http, "/api/v1/notifications/preferences/lead_hot", new { email_frequency = "sometimes" })).ShouldBeProblem(422, "email_frequency");
        (await PutAsync(t.Http, "/api/v1/notifications/preferences/no_such_type", new { in_app_enabled = true })).ShouldBeProblem(422, "notification_type");
        var prefs = (await t.Http.GetJsonAsync("/api/v1/notifications/preferences")).Json!["data"]!.AsArray();
        prefs.Single(p => p!["notification_type"]!.GetValue<string>() == "lead_hot")!["email_frequency"]!.GetValue<string>().ShouldBe("immediate");
        prefs.Single(p => p!["notification_type"]!.GetValue<string>() == "approval_requested")!["email_frequency"]!.GetValue<string>().ShouldBe("never");

        (await NotifyAsync(t, "lead_hot", "Hot lead: Ana")).ShouldBe(1);
        await Eventually.GetAsync(() => Task.FromResult(app.Smtp.To(t.Email).Any(m => m.Header("Subject") == "Hot lead: Ana")), x => x, what: "the hot lead email");
        (await ScalarAsync<long>("SELECT count(*) FROM notifications WHERE user_id = $1 AND category = 'lead_hot'", t.UserId)).ShouldBe(0);

        // A product path: an approval waiting (the approvals trigger calls the same dispatcher).
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("INSERT INTO approvals (id, organization_id, agent_id, action, details, status) VALUES (gen_random_uuid(), $1, 'copilot', 'send_email', 'Email the renewal offer to Acme', 'pending')", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        (await ScalarAsync<string>("SELECT title FROM notifications WHERE user_id = $1 AND category = 'approval_requested'", t.UserId)).ShouldBe("Approval needed: send email");
        (await ScalarAsync<long>("SELECT count(*) FROM notification_emails WHERE user_id = $1 AND category = 'approval_requested'", t.UserId)).ShouldBe(0);
        // Every immediate email has gone out once; nothing is left pending.
        await Eventually.GetAsync(() => ScalarAsync<long>("SELECT count(*) FROM notification_emails WHERE user_id = $1 AND status = 'pending'", t.UserId), n => n == 0, what: "no pending email");
        (await ScalarAsync<long>("SELECT count(*) FROM notification_emails WHERE user_id = $1 AND status = 'sent'", t.UserId)).ShouldBe(2);
        app.Smtp.To(t.Email).Count(m => m.Header("Subject") is "Invoice overdue" or "Hot lead: Ana").ShouldBe(2);
    }

    [Fact]
    public async Task The_generic_notification_routes_answer_only_the_callers_own_rows_owners_included()
    {
        var t = await app.SignupAsync();
        var email = $"m-{Guid.NewGuid():N}@example.test";
        var created = await t.Http.PostJsonAsync("/api/v1/users", new { email, role = "member", name = "Mia Member", password = "a long enough secret" });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        var memberId = Guid.Parse(created.Json!["id"]!.GetValue<string>());
        var member = app.Browser();
        (await member.PostJsonAsync("/api/v1/auth/login", new { email, password = "a long enough secret" })).Status.ShouldBe(HttpStatusCode.OK);
        (await NotifyAsync(t, "billing", "For the owner")).ShouldBe(1);
        (await NotifyAsync(t, "billing", "For the member", to: memberId)).ShouldBe(1);

        var mine = (await t.Http.GetJsonAsync("/api/v1/notifications?limit=200")).Json!["data"]!.AsArray();
        mine.Select(n => n!["title"]!.GetValue<string>()).ShouldContain("For the owner");
        mine.ShouldAllBe(n => n!["user_id"]!.GetValue<string>() == t.UserId.ToString());
        // Asking for someone else's rows by filter still answers your own.
        var asked = (await t.Http.GetJsonAsync($"/api/v1/notifications?user_id={memberId}")).Json!["data"]!.AsArray();
        asked.Count.ShouldBe(mine.Count);
        asked.ShouldAllBe(n => n!["user_id"]!.GetValue<string>() == t.UserId.ToString());

        var theirs = (await member.GetJsonAsync("/api/v1/notifications")).Json!["data"]!.AsArray();
        theirs.Select(n => n!["title"]!.GetValue<string>()).ShouldBe(["For the member"]);
        var theirId = theirs[0]!["id"]!.GetValue<string>();
        (await t.Http.GetJsonAsync($"/api/v1/notifications/{theirId}")).ShouldBeProblem(404);
        (await t.Http.PatchJsonAsync($"/api/v1/notifications/{theirId}", new { is_read = true })).ShouldBeProblem(404);
        (await t.Http.DeleteAsync2($"/api/v1/notifications/{theirId}")).ShouldBeProblem(404);
        (await ScalarAsync<bool>("SELECT is_read FROM notifications WHERE id = $1", Guid.Parse(theirId))).ShouldBeFalse();
        (await member.GetJsonAsync($"/api/v1/notifications/{theirId}")).Status.ShouldBe(HttpStatusCode.OK);
        var own = await member.PatchJsonAsync($"/api/v1/notifications/{theirId}", new { is_read = true });
        own.Status.ShouldBe(HttpStatusCode.OK, own.Json?.ToJsonString());
        own.Json!["read_at"].ShouldNotBeNull();

        // Preferences are per person the same way.
        (await member.SendAsync(HttpMethod.Put, "/api/v1/notifications/preferences/billing", new { email_frequency = "daily" })).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.GetJsonAsync("/api/v1/notification_preferences")).Json!["data"]!.AsArray()
            .ShouldAllBe(p => p!["user_id"]!.GetValue<string>() == t.UserId.ToString());
        (await member.GetJsonAsync("/api/v1/notification_preferences")).Json!["data"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_person_sets_an_iana_time_zone_for_digests_and_nothing_else()
    {
        var t = await app.SignupAsync();
        var start = (await t.Http.GetJsonAsync("/api/v1/notifications/timezone")).Json!;
        start["timezone"].ShouldBeNull();
        start["effective"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        var set = await t.Http.SendAsync(HttpMethod.Put, "/api/v1/notifications/timezone", new { timezone = "Asia/Tokyo" });
        set.Status.ShouldBe(HttpStatusCode.OK, set.Json?.ToJsonString());
        set.Json!["effective"]!.GetValue<string>().ShouldBe("Asia/Tokyo");
        (await ScalarAsync<string>("SELECT preferences->>'timezone' FROM users WHERE id = $1", t.UserId)).ShouldBe("Asia/Tokyo");
        // Windows names, abbreviations and nonsense are refused and change nothing.
        foreach (var bad in new[] { "Tokyo Standard Time", "PST", "Mars/Olympus_Mons", new string('x', 300) })
            (await t.Http.SendAsync(HttpMethod.Put, "/api/v1/notifications/timezone", new { timezone = bad })).ShouldBeProblem(422, "timezone");
        (await ScalarAsync<string>("SELECT preferences->>'timezone' FROM users WHERE id = $1", t.UserId)).ShouldBe("Asia/Tokyo");
        // The digest's local morning follows it: a daily digest is due at 08:00 Tokyo (23:00 UTC).
        (await t.Http.SendAsync(HttpMethod.Put, "/api/v1/notifications/preferences/billing", new { email_frequency = "daily" })).Status.ShouldBe(HttpStatusCode.OK);
        await NotifyAsync(t, "billing", "Digest in Tokyo");
        (await ScalarAsync<int>("SELECT extract(hour FROM due_at AT TIME ZONE 'UTC')::int FROM notification_emails WHERE user_id = $1 AND category = 'billing' AND status = 'pending'", t.UserId)).ShouldBe(23);
        // null goes back to the organization's zone.
        var cleared = await t.Http.SendAsync(HttpMethod.Put, "/api/v1/notifications/timezone", new { timezone = (string?)null });
        cleared.Json!["timezone"].ShouldBeNull();
        (await ScalarAsync<bool>("SELECT preferences ? 'timezone' FROM users WHERE id = $1", t.UserId)).ShouldBeFalse();
    }

    [Fact]
    public async Task The_database_keeps_a_zone_it_knows_and_falls_back_to_utc_otherwise()
    {
        // users.timezone is free text through the generic API: digests must still be computed.
        (await ScalarAsync<string>("SELECT clientele_valid_tz($1)", "Asia/Tokyo")).ShouldBe("Asia/Tokyo");
        (await ScalarAsync<string>("SELECT clientele_valid_tz($1)", "America/Argentina/Buenos_Aires")).ShouldBe("America/Argentina/Buenos_Aires");
        foreach (var bad in new[] { "Mars/Olympus_Mons", "", "   ", "Tokyo Standard Time" })
            (await ScalarAsync<string>("SELECT clientele_valid_tz($1)", bad)).ShouldBe("UTC");
        (await ScalarAsync<string>("SELECT clientele_valid_tz(NULL)")).ShouldBe("UTC");
        // Set-wise, as a sweep's notifications call it: each row judged by itself (odd strings that
        // PostgreSQL would parse as a POSIX zone are not names it knows).
        (await ScalarAsync<long>("SELECT count(DISTINCT clientele_valid_tz(CASE WHEN g % 2 = 0 THEN 'Europe/Paris' ELSE 'Nowhere/' || g END)) FROM generate_series(1, 40) g")).ShouldBe(2);
    }

    [Fact]
    public async Task Clearing_a_bounced_address_lets_the_channel_send_to_it_again_and_is_audited()
    {
        var t = await app.SignupAsync();
        var other = await app.SignupAsync();
        var id = Guid.NewGuid();
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("INSERT INTO email_bounces (id, organization_id, address, reason) VALUES ($1, $2, lower($3), '5.1.1 no such user')", conn))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(t.OrganizationId);
            cmd.Parameters.AddWithValue(t.Email);
            await cmd.ExecuteNonQueryAsync();
        }
        // While the person's own address is bounced, notification emails to it are skipped, not sent.
        await NotifyAsync(t, "billing", "While bouncing");
        var skipped = await Eventually.GetAsync(() => ScalarAsync<string>("SELECT status || ': ' || coalesce(error, '') FROM notification_emails WHERE user_id = $1 AND title = 'While bouncing'", t.UserId),
            v => v is not null && !v.StartsWith("pending", StringComparison.Ordinal), what: "the email row decided");
        skipped!.ShouldStartWith("skipped: ");
        skipped.ShouldContain("bounced before");
        app.Smtp.To(t.Email).ShouldNotContain(m => m.Header("Subject") == "While bouncing");
        (await other.Http.PostJsonAsync($"/api/v1/email_bounces/{id}/clear", new { })).ShouldBeProblem(404);
        var viewer = await app.KeyClientAsync(t, "read");
        (await viewer.PostJsonAsync($"/api/v1/email_bounces/{id}/clear", new { })).ShouldBeProblem(403);
        (await ScalarAsync<long>("SELECT count(*) FROM email_bounces WHERE id = $1", id)).ShouldBe(1);
        var cleared = await t.Http.PostJsonAsync($"/api/v1/email_bounces/{id}/clear", new { });
        cleared.Status.ShouldBe(HttpStatusCode.OK, cleared.Json?.ToJsonString());
        cleared.Json!["address"]!.GetValue<string>().ShouldBe(t.Email.ToLowerInvariant());
        (await ScalarAsync<long>("SELECT count(*) FROM email_bounces WHERE id = $1", id)).ShouldBe(0);
        (await ScalarAsync<long>("SELECT count(*) FROM audit_logs WHERE entity_type = 'email_bounces' AND entity_id = $1 AND action = 'delete'", id)).ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM activity_logs WHERE action_type = 'email_bounce.cleared' AND resource_id = $1", id)).ShouldBe(1);
        (await t.Http.PostJsonAsync($"/api/v1/email_bounces/{id}/clear", new { })).ShouldBeProblem(404);
        // Cleared: the next one is sent.
        await NotifyAsync(t, "billing", "After clearing");
        await Eventually.GetAsync(() => Task.FromResult(app.Smtp.To(t.Email).Any(m => m.Header("Subject") == "After clearing")), x => x, what: "the email after clearing");
    }

    [Fact]
    public async Task A_daily_digest_sends_several_notifications_as_one_email_at_the_users_local_morning()
    {
        var t = await app.SignupAsync();
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("""UPDATE users SET preferences = coalesce(preferences, '{}') || '{"timezone": "America/New_York"}' WHERE id = $1""", conn))
        {
            cmd.Parameters.AddWithValue(t.UserId);
            await cmd.ExecuteNonQueryAsync();
        }
        (await PutAsync(t.Http, "/api/v1/notifications/preferences/trigger", new { email_frequency = "daily" })).Status.ShouldBe(HttpStatusCode.OK);
        foreach (var title in new[] { "Health dropped at Acme", "Renewal in 30 days", "New ticket from Globex" })
            (await NotifyAsync(t, "trigger", title)).ShouldBe(1);

        // Queued for 08:00 New York time, after now; nothing sent yet.
        var due = (await ScalarAsync<DateTime>("SELECT max(due_at) FROM notification_emails WHERE user_id = $1 AND frequency = 'daily'", t.UserId));
        (await ScalarAsync<long>("SELECT count(DISTINCT due_at) FROM notification_emails WHERE user_id = $1 AND frequency = 'daily' AND status = 'pending'", t.UserId)).ShouldBe(1);
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(due, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        local.Hour.ShouldBe(8);
        local.Minute.ShouldBe(0);
        due.ShouldBeGreaterThan(DateTime.UtcNow);
        due.ShouldBeLessThanOrEqualTo(DateTime.UtcNow.AddDays(1));

        var digests = app.App.Services.GetRequiredService<NotificationDigests>();
        await digests.RunAsync(DateTime.UtcNow, CancellationToken.None);
        app.Smtp.To(t.Email).Any(m => m.Header("Subject")!.Contains("digest")).ShouldBeFalse();

        await digests.RunAsync(due.AddMinutes(1), CancellationToken.None);
        var digest = await Eventually.GetAsync(() => Task.FromResult(app.Smtp.To(t.Email).Where(m => m.Header("Subject")!.Contains("digest")).ToList()), l => l.Count > 0, what: "the digest");
        digest.Count.ShouldBe(1);
        digest[0].Header("Subject").ShouldBe("Your daily digest: 3 notifications");
        var parsed = app.LastTo(t.Email);
        foreach (var title in new[] { "Health dropped at Acme", "Renewal in 30 days", "New ticket from Globex" })
        {
            parsed.TextBody!.ShouldContain(title);
            parsed.HtmlBody!.ShouldContain(title);
        }
        (await ScalarAsync<long>("SELECT count(*) FROM notification_emails WHERE user_id = $1 AND status = 'sent' AND frequency = 'daily'", t.UserId)).ShouldBe(3);
        // Sent once: the next run finds nothing.
        await digests.RunAsync(due.AddMinutes(2), CancellationToken.None);
        app.Smtp.To(t.Email).Count(m => m.Header("Subject")!.Contains("digest")).ShouldBe(1);
        // In-app copies are there as usual.
        (await t.Http.GetJsonAsync("/api/v1/notifications/unread_count")).Json!["unread_count"]!.GetValue<long>().ShouldBe(3);
    }

    [Fact]
    public async Task Unread_count_read_archive_and_read_all_stay_consistent_and_private()
    {
        var t = await app.SignupAsync();
        var other = await app.SignupAsync();
        (await PutAsync(t.Http, "/api/v1/notifications/preferences/webhook_disabled", new { email_frequency = "never" })).Status.ShouldBe(HttpStatusCode.OK);
        for (var i = 0; i < 4; i++) await NotifyAsync(t, "webhook_disabled", $"Endpoint {i} disabled");
        async Task<long> Unread(AppFixture.Tenant who) => (await who.Http.GetJsonAsync("/api/v1/notifications/unread_count")).Json!["unread_count"]!.GetValue<long>();
        (await Unread(t)).ShouldBe(4);
        (await Unread(other)).ShouldBe(0);
        var ids = (await t.Http.GetJsonAsync($"/api/v1/notifications?user_id={t.UserId}&category=webhook_disabled")).Json!["data"]!.AsArray()
            .Select(n => n!["id"]!.GetValue<string>()).ToList();
        ids.Count.ShouldBe(4);

        var read = await t.Http.PostJsonAsync($"/api/v1/notifications/{ids[0]}/read", new { });
        read.Status.ShouldBe(HttpStatusCode.OK, read.Json?.ToJsonString());
        read.Json!["is_read"]!.GetValue<bool>().ShouldBeTrue();
        read.Json["read_at"].ShouldNotBeNull();
        (await Unread(t)).ShouldBe(3);
        var unread = await t.Http.PostJsonAsync($"/api/v1/notifications/{ids[0]}/unread", new { });
        unread.Json!["read_at"].ShouldBeNull();
        (await Unread(t)).ShouldBe(4);
        var archived = await t.Http.PostJsonAsync($"/api/v1/notifications/{ids[1]}/archive", new { });
        archived.Json!["is_archived"]!.GetValue<bool>().ShouldBeTrue();
        archived.Json["is_read"]!.GetValue<bool>().ShouldBeTrue();
        (await Unread(t)).ShouldBe(3);
        // The generic PATCH keeps read_at in step too (migration 0090's trigger).
        var patched = await t.Http.PatchJsonAsync($"/api/v1/notifications/{ids[2]}", new { is_read = true });
        patched.Status.ShouldBe(HttpStatusCode.OK, patched.Json?.ToJsonString());
        patched.Json!["read_at"].ShouldNotBeNull();

        // Someone else's notification is not there for them.
        (await other.Http.PostJsonAsync($"/api/v1/notifications/{ids[3]}/read", new { })).Status.ShouldBe(HttpStatusCode.NotFound);
        (await t.Http.PostJsonAsync("/api/v1/notifications/not-an-id/read", new { })).Status.ShouldBe(HttpStatusCode.NotFound);

        var all = await t.Http.PostJsonAsync("/api/v1/notifications/read_all", new { });
        all.Status.ShouldBe(HttpStatusCode.OK, all.Json?.ToJsonString());
        all.Json!["marked"]!.GetValue<int>().ShouldBe(2);
        all.Json["unread_count"]!.GetValue<long>().ShouldBe(0);
        (await Unread(t)).ShouldBe(0);
        (await ScalarAsync<long>("SELECT count(*) FROM notifications WHERE user_id = $1 AND (is_read <> (read_at IS NOT NULL) OR NOT is_read)", t.UserId)).ShouldBe(0);
        // Nobody can store a read row without read_at.
        await using var conn = await app.OwnerAsync();
        await using var bad = new NpgsqlCommand("UPDATE notifications SET read_at = NULL WHERE user_id = $1", conn);
        bad.Parameters.AddWithValue(t.UserId);
        await bad.ExecuteNonQueryAsync();
        (await ScalarAsync<long>("SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", t.UserId)).ShouldBe(0);
    }

    [Fact]
    public async Task Retention_deletes_old_read_notifications_and_archives_old_activity()
    {
        var t = await app.SignupAsync();
        (await PutAsync(t.Http, "/api/v1/notifications/preferences/credits_exhausted", new { email_frequency = "never" })).Status.ShouldBe(HttpStatusCode.OK);
        for (var i = 0; i < 3; i++) await NotifyAsync(t, "credits_exhausted", $"Credits {i}");
        await using (var conn = await app.OwnerAsync())
            foreach (var sql in new[]
                     {
                         "UPDATE notifications SET is_read = (title <> 'Credits 2'), created_at = now() - interval '200 days' WHERE user_id = $1",
                         "UPDATE notifications SET read_at = now() - interval '100 days' WHERE user_id = $1 AND title = 'Credits 0'",
                         "INSERT INTO activity_logs (id, organization_id, actor_name, action_type, created_at) SELECT gen_random_uuid(), organization_id, 'Olivia', 'user.signed_in', now() - interval '400 days' FROM users WHERE id = $1",
                         "INSERT INTO activity_logs (id, organization_id, actor_name, action_type, created_at) SELECT gen_random_uuid(), organization_id, 'Recent', 'user.signed_in', now() - interval '10 days' FROM users WHERE id = $1",
                     })
            {
                await using var cmd = new NpgsqlCommand(sql, conn);
                cmd.Parameters.AddWithValue(t.UserId);
                await cmd.ExecuteNonQueryAsync();
            }
        var data = app.App.Services.GetRequiredService<AppDataSource>();
        (await RetentionJobs.RunAsync(data, "SELECT clientele_purge_notifications(make_interval(days => $1))", 90, CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);
        // Read long ago: gone. Read just now (Credits 1) and unread (Credits 2): kept.
        var left = await ScalarAsync<string>("SELECT string_agg(title, ',' ORDER BY title) FROM notifications WHERE user_id = $1", t.UserId);
        left.ShouldBe("Credits 1,Credits 2");

        (await RetentionJobs.RunAsync(data, "SELECT clientele_archive_all_activity_logs(make_interval(days => $1))", 365, CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);
        (await ScalarAsync<long>("SELECT count(*) FROM activity_logs WHERE organization_id = $1 AND created_at < now() - interval '365 days'", t.OrganizationId)).ShouldBe(0);
        (await ScalarAsync<long>("SELECT count(*) FROM activity_logs_archive WHERE organization_id = $1", t.OrganizationId)).ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM activity_logs WHERE organization_id = $1 AND actor_name = 'Recent'", t.OrganizationId)).ShouldBe(1); // this year's stays
    }
}

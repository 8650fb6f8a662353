using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Platform;
using Clientele.Platform.Database;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>The app with Stripe configured against the fake Stripe on loopback (Stripe.net is the client under test).</summary>
public sealed class StripeFixture : AppFixture
{
    public FakeStripe Stripe { get; private set; } = null!;

    protected override Dictionary<string, string?> Config => new()
    {
        ["Stripe:ApiKey"] = FakeStripe.ApiKey,
        ["Stripe:WebhookSecret"] = FakeStripe.WebhookSecret,
        ["Stripe:ApiBase"] = Stripe.BaseAddress.ToString().TrimEnd('/'),
        ["Stripe:Prices:starter"] = "price_starter_monthly",
        ["Stripe:Prices:business"] = "price_business_monthly",
        ["Stripe:Prices:enterprise"] = "price_enterprise_monthly",
    };

    public override async Task InitializeAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

/// <summary>Issue 10 item 8: the platform's own billing through Stripe: checkout, portal, signed webhooks, idempotency, out-of-order events, limits.</summary>
public sealed class StripeBillingTests(StripeFixture f) : IClassFixture<StripeFixture>
{
    private FakeStripe Stripe => f.Stripe;

    /// <summary>A new organization that went through checkout: it has a Stripe customer (created through Stripe.net).</summary>
    private async Task<(AppFixture.Tenant T, string Customer)> CustomerAsync(string plan = "business")
    {
        var t = await f.SignupAsync();
        var r = await t.Http.PostJsonAsync("/api/v1/billing/checkout", new { plan });
        r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
        var customer = await ScalarAsync<string>("SELECT stripe_customer_id FROM platform_subscriptions WHERE organization_id = $1", t.OrganizationId);
        return (t, customer);
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var c = await f.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default! : (T)v;
    }

    private async Task<(HttpStatusCode Status, JsonNode? Json)> DeliverAsync(string payload, string? signature)
    {
        using var c = f.Client();
        using var req = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null) req.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        var res = await c.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        return (res.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    /// <summary>Delivers a signed event and waits until the outbox has applied it; returns its outcome.</summary>
    private async Task<string> ApplyAsync(string payload)
    {
        var r = await DeliverAsync(payload, FakeStripe.Sign(payload, DateTimeOffset.UtcNow, FakeStripe.WebhookSecret));
        r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
        var id = r.Json!["id"]!.GetValue<string>();
        for (var i = 0; i < 200; i++)
        {
            var outcome = await ScalarAsync<string>("SELECT outcome FROM stripe_events WHERE stripe_event_id = $1 AND processed_at IS NOT NULL", id);
            if (outcome is not null) return outcome;
            await Task.Delay(50);
        }
        throw new TimeoutException($"event {id} was not processed");
    }

    private static string Evt() => "evt_" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task Checkout_creates_one_Stripe_customer_and_a_subscription_session_and_the_portal_opens_for_it()
    {
        var t = await f.SignupAsync();
        var before = Stripe.CallsTo("/v1/customers").Count();
        var r = await t.Http.PostJsonAsync("/api/v1/billing/checkout", new { plan = "starter" });
        r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
        r.Json!["url"]!.GetValue<string>().ShouldStartWith("https://checkout.stripe.test/c/pay/cs_test_");

        Stripe.CallsTo("/v1/customers").Count().ShouldBe(before + 1);
        var session = Stripe.CallsTo("/v1/checkout/sessions").Last();
        session.Authorization.ShouldBe("Bearer " + FakeStripe.ApiKey);
        session.Form["mode"].ShouldBe("subscription");
        session.Form["line_items[0][price]"].ShouldBe("price_starter_monthly");
        session.Form["line_items[0][quantity]"].ShouldBe("1");
        session.Form["client_reference_id"].ShouldBe(t.OrganizationId.ToString());
        session.Form["subscription_data[metadata][organization_id]"].ShouldBe(t.OrganizationId.ToString());
        session.Form["success_url"].ShouldEndWith("/app/settings/plan?checkout=done");
        var customer = await ScalarAsync<string>("SELECT stripe_customer_id FROM platform_subscriptions WHERE organization_id = $1", t.OrganizationId);
        session.Form["customer"].ShouldBe(customer);
        // The plan does not change before Stripe confirms the payment.
        (await ScalarAsync<string>("SELECT plan FROM organizations WHERE id = $1", t.OrganizationId)).ShouldBe("free");

        // A second checkout reuses the customer.
        (await t.Http.PostJsonAsync("/api/v1/billing/checkout", new { plan = "business" })).Status.ShouldBe(HttpStatusCode.OK);
        Stripe.CallsTo("/v1/customers").Count().ShouldBe(before + 1);
        Stripe.CallsTo("/v1/checkout/sessions").Last().Form["line_items[0][price]"].ShouldBe("price_business_monthly");

        var portal = await t.Http.PostJsonAsync("/api/v1/billing/portal", new { });
        portal.Status.ShouldBe(HttpStatusCode.OK, portal.Json?.ToJsonString());
        portal.Json!["url"]!.GetValue<string>().ShouldStartWith("https://billing.stripe.test/p/session/");
        var p = Stripe.CallsTo("/v1/billing_portal/sessions").Last();
        p.Form["customer"].ShouldBe(customer);
        p.Form["return_url"].ShouldEndWith("/app/settings/plan");
    }

    [Fact]
    public async Task Checkout_refuses_the_free_plan_an_unknown_plan_and_a_missing_one_without_calling_Stripe()
    {
        var t = await f.SignupAsync();
        var calls = Stripe.Calls.Count;
        foreach (var body in new object[] { new { plan = "free" }, new { plan = "platinum" }, new { } })
        {
            var r = await t.Http.PostJsonAsync("/api/v1/billing/checkout", body);
            r.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, r.Json?.ToJsonString());
            r.Json!["errors"]!["plan"].ShouldNotBeNull();
        }
        Stripe.Calls.Count.ShouldBe(calls);
        // No checkout yet: no portal.
        (await t.Http.PostJsonAsync("/api/v1/billing/portal", new { })).Status.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_webhook_with_a_wrong_expired_or_missing_signature_is_refused_and_a_replay_changes_nothing()
    {
        var (t, customer) = await CustomerAsync();
        var now = DateTimeOffset.UtcNow;
        var payload = FakeStripe.Event(Evt(), "payment_method.attached", now, FakeStripe.Card("pm_" + Guid.NewGuid().ToString("N")[..12], customer, "visa", "4242", 8, 2031));
        async Task<long> Events() => await ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE organization_id = $1", t.OrganizationId);

        (await DeliverAsync(payload, FakeStripe.Sign(payload, now, "whsec_wrong"))).Status.ShouldBe(HttpStatusCode.BadRequest);
        var expired = await DeliverAsync(payload, FakeStripe.Sign(payload, now.AddSeconds(-301), FakeStripe.WebhookSecret));
        expired.Status.ShouldBe(HttpStatusCode.BadRequest);
        expired.Json!["detail"]!.GetValue<string>().ShouldContain("300 s");
        (await DeliverAsync(payload, null)).Status.ShouldBe(HttpStatusCode.BadRequest);
        // A tampered body with the original signature.
        (await DeliverAsync(payload.Replace("4242", "4343"), FakeStripe.Sign(payload, now, FakeStripe.WebhookSecret))).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await Events()).ShouldBe(0);

        // Several v1 values (a rolled secret): one matching is enough.
        var first = await DeliverAsync(payload, FakeStripe.Sign(payload, now, "whsec_old_secret", FakeStripe.WebhookSecret));
        first.Status.ShouldBe(HttpStatusCode.OK);
        first.Json!["duplicate"]!.GetValue<bool>().ShouldBeFalse();
        var replay = await DeliverAsync(payload, FakeStripe.Sign(payload, now, FakeStripe.WebhookSecret));
        replay.Status.ShouldBe(HttpStatusCode.OK);
        replay.Json!["duplicate"]!.GetValue<bool>().ShouldBeTrue();
        (await Events()).ShouldBe(1);
        for (var i = 0; i < 100 && await ScalarAsync<long>("SELECT count(*) FROM payment_methods WHERE organization_id = $1", t.OrganizationId) == 0; i++) await Task.Delay(50);
        (await ScalarAsync<long>("SELECT count(*) FROM payment_methods WHERE organization_id = $1", t.OrganizationId)).ShouldBe(1);
    }

    [Fact]
    public async Task Subscription_events_set_the_plan_and_limits_an_older_event_is_stale_and_a_deleted_subscription_limits_the_organization()
    {
        var (t, customer) = await CustomerAsync();
        var sub = "sub_" + Guid.NewGuid().ToString("N")[..14];
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var end = start.AddMonths(1);

        var created = await ApplyAsync(FakeStripe.Event(Evt(), "customer.subscription.created", start, FakeStripe.Subscription(sub, customer, "price_business_monthly", "active", start, end)));
        created.ShouldStartWith("applied");
        (await ScalarAsync<string>("SELECT plan || '/' || plan_status || '/' || max_users || '/' || max_agents || '/' || max_messages FROM organizations WHERE id = $1", t.OrganizationId))
            .ShouldBe("business/active/25/10/100000");
        (await ScalarAsync<string>("SELECT stripe_subscription_id || '/' || status || '/' || plan FROM platform_subscriptions WHERE organization_id = $1", t.OrganizationId))
            .ShouldBe($"{sub}/active/business");
        var periodEnd = await ScalarAsync<DateTime>("SELECT current_period_end FROM platform_subscriptions WHERE organization_id = $1", t.OrganizationId);
        periodEnd.ShouldBe(end.UtcDateTime, TimeSpan.FromSeconds(1));

        // Updated to unpaid later (by Stripe's clock)...
        var unpaidAt = start.AddMinutes(5);
        (await ApplyAsync(FakeStripe.Event(Evt(), "customer.subscription.updated", unpaidAt, FakeStripe.Subscription(sub, customer, "price_business_monthly", "unpaid", start, end))))
            .ShouldStartWith("applied");
        (await ScalarAsync<string>("SELECT plan || '/' || plan_status || '/' || max_users FROM organizations WHERE id = $1", t.OrganizationId)).ShouldBe("free/unpaid/1");
        // ...and an older "active" update arriving after it does not move the state back.
        (await ApplyAsync(FakeStripe.Event(Evt(), "customer.subscription.updated", start.AddMinutes(2), FakeStripe.Subscription(sub, customer, "price_business_monthly", "active", start, end))))
            .ShouldStartWith("stale");
        (await ScalarAsync<string>("SELECT status FROM platform_subscriptions WHERE organization_id = $1", t.OrganizationId)).ShouldBe("unpaid");
        (await ScalarAsync<string>("SELECT plan FROM organizations WHERE id = $1", t.OrganizationId)).ShouldBe("free");

        // Limited: the organization (1 user, its owner) cannot add a second user.
        var second = await t.Http.PostJsonAsync("/api/v1/users", new { email = $"u-{Guid.NewGuid():N}@example.test", name = "Second", role = "member", password = "correct horse battery" });
        ((int)second.Status).ShouldBe(402, second.Json?.ToJsonString());
        second.Json!["type"]!.GetValue<string>().ShouldEndWith("/problems/plan-limit");

        // Paid again: the plan comes back; then deleted: free and canceled.
        (await ApplyAsync(FakeStripe.Event(Evt(), "customer.subscription.updated", start.AddMinutes(7), FakeStripe.Subscription(sub, customer, "price_starter_monthly", "active", start, end))))
            .ShouldStartWith("applied");
        (await ScalarAsync<string>("SELECT plan || '/' || plan_status || '/' || max_users FROM organizations WHERE id = $1", t.OrganizationId)).ShouldBe("starter/active/5");
        (await ApplyAsync(FakeStripe.Event(Evt(), "customer.subscription.deleted", start.AddMinutes(9), FakeStripe.Subscription(sub, customer, "price_starter_monthly", "canceled", start, end))))
            .ShouldStartWith("applied");
        (await ScalarAsync<string>("SELECT plan || '/' || plan_status || '/' || max_users FROM organizations WHERE id = $1", t.OrganizationId)).ShouldBe("free/canceled/1");
    }

    [Fact]
    public async Task Invoice_events_mirror_the_invoice_with_its_pdf_and_a_late_finalized_event_does_not_reopen_a_paid_one()
    {
        var (t, customer) = await CustomerAsync();
        var inv = "in_" + Guid.NewGuid().ToString("N")[..14];
        var at = DateTimeOffset.UtcNow.AddMinutes(-3);
        // paid (newer) arrives before finalized (older).
        (await ApplyAsync(FakeStripe.Event(Evt(), "invoice.paid", at.AddMinutes(1), FakeStripe.Invoice(inv, customer, 49900, "paid", at, at.AddMinutes(1)))))
            .ShouldStartWith("applied");
        (await ApplyAsync(FakeStripe.Event(Evt(), "invoice.finalized", at, FakeStripe.Invoice(inv, customer, 49900, "open", at)))).ShouldStartWith("stale");
        await using var c = await f.OwnerAsync();
        await using var cmd = new NpgsqlCommand("SELECT amount, status, invoice_pdf, paid_at IS NOT NULL, subscription_id IS NOT NULL FROM platform_invoices WHERE organization_id = $1 AND stripe_invoice_id = $2", c);
        cmd.Parameters.AddWithValue(t.OrganizationId);
        cmd.Parameters.AddWithValue(inv);
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue();
        r.GetDecimal(0).ShouldBe(499.00m);
        r.GetString(1).ShouldBe("paid");
        r.GetString(2).ShouldBe($"https://pay.stripe.test/invoice/{inv}/pdf");
        r.GetBoolean(3).ShouldBeTrue();
        r.GetBoolean(4).ShouldBeTrue();
    }

    [Fact]
    public async Task Payment_methods_keep_brand_and_last_four_and_a_detach_removes_them()
    {
        var (t, customer) = await CustomerAsync();
        var pm = "pm_" + Guid.NewGuid().ToString("N")[..14];
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        (await ApplyAsync(FakeStripe.Event(Evt(), "payment_method.attached", at, FakeStripe.Card(pm, customer, "mastercard", "5454", 12, 2030)))).ShouldStartWith("applied");
        (await ScalarAsync<string>("SELECT card_brand || '/' || card_last4 || '/' || card_exp_month || '/' || card_exp_year || '/' || is_default FROM payment_methods WHERE stripe_payment_method_id = $1", pm))
            .ShouldBe("mastercard/5454/12/2030/true");
        // Stripe's detached event no longer names the customer.
        (await ApplyAsync(FakeStripe.Event(Evt(), "payment_method.detached", at.AddMinutes(1), FakeStripe.Card(pm, null, "mastercard", "5454", 12, 2030)))).ShouldStartWith("applied");
        (await ScalarAsync<long>("SELECT count(*) FROM payment_methods WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);
        // The attach delivered again later (a retry by Stripe under a new event id, older created) does not bring it back.
        (await ApplyAsync(FakeStripe.Event(Evt(), "payment_method.attached", at, FakeStripe.Card(pm, customer, "mastercard", "5454", 12, 2030)))).ShouldStartWith("stale");
        (await ScalarAsync<long>("SELECT count(*) FROM payment_methods WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);
    }

    [Fact]
    public async Task Last_months_message_and_ai_token_use_are_reported_to_Stripe_once_each_as_meter_events()
    {
        var (t, customer) = await CustomerAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        (await ApplyAsync(FakeStripe.Event(Evt(), "customer.subscription.created", start,
            FakeStripe.Subscription("sub_" + Guid.NewGuid().ToString("N")[..14], customer, "price_business_monthly", "active", start, start.AddMonths(1))))).ShouldStartWith("applied");
        var now = DateTime.UtcNow;
        var previous = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1);
        await using (var c = await f.OwnerAsync())
        {
            await using (var cmd = new NpgsqlCommand("INSERT INTO plan_usage (organization_id, metric, period_start, used) VALUES ($1, 'messages', $2::date, 1234)", c))
            {
                cmd.Parameters.AddWithValue(t.OrganizationId);
                cmd.Parameters.AddWithValue(DateTime.SpecifyKind(previous, DateTimeKind.Unspecified));
                await cmd.ExecuteNonQueryAsync();
            }
            // Model calls: two last month (5,000 + 678 tokens), one this month (not in last month's report).
            foreach (var (at, used) in new[] { (previous.AddDays(3), 5000), (previous.AddMonths(1).AddSeconds(-1), 678), (previous.AddMonths(1).AddHours(1), 9999) })
            {
                await using var cmd = new NpgsqlCommand("""
                    INSERT INTO llm_usage_logs (id, organization_id, workflow_name, node_name, model, prompt_tokens, completion_tokens, total_tokens, latency_ms, cost, created_at)
                    VALUES (gen_random_uuid(), $1, 'agent.reply', 'responder', 'gpt-4o-mini', $2, 0, $2, 100, 0.01, $3)
                    """, c);
                cmd.Parameters.AddWithValue(t.OrganizationId);
                cmd.Parameters.AddWithValue(used);
                cmd.Parameters.AddWithValue(at);
                await cmd.ExecuteNonQueryAsync();
            }
        }
        var reports = f.App.Services.GetRequiredService<StripeUsageReports>();
        var tenant = new TenantContext { OrganizationId = t.OrganizationId, ActorType = "system", Role = Roles.Owner };
        var before = Stripe.CallsTo("/v1/billing/meter_events").Count();
        (await reports.ReportAsync(tenant, now, CancellationToken.None)).ShouldBe(2);
        var calls = Stripe.CallsTo("/v1/billing/meter_events").Skip(before).Where(x => x.Form["payload[stripe_customer_id]"] == customer).ToList();
        calls.Count.ShouldBe(2);
        var messages = calls.Single(x => x.Form["event_name"] == "clientele_messages");
        messages.Form["payload[value]"].ShouldBe("1234");
        messages.Form["identifier"].ShouldStartWith("clientele-usage-");
        var tokens = calls.Single(x => x.Form["event_name"] == "clientele_ai_tokens");
        tokens.Form["payload[value]"].ShouldBe("5678");
        tokens.Form["identifier"].ShouldNotBe(messages.Form["identifier"]);
        // Run again (the next hour): nothing new is sent or recorded.
        (await reports.ReportAsync(tenant, now, CancellationToken.None)).ShouldBe(0);
        Stripe.CallsTo("/v1/billing/meter_events").Count(x => x.Form["payload[stripe_customer_id]"] == customer).ShouldBe(2);
        (await ScalarAsync<string>("SELECT quantity || '/' || (reported_at IS NOT NULL) || '/' || stripe_identifier FROM usage_records WHERE organization_id = $1 AND metric_type = 'messages'", t.OrganizationId))
            .ShouldBe($"1234/true/{messages.Form["identifier"]}");
        (await ScalarAsync<string>("SELECT quantity || '/' || (reported_at IS NOT NULL) || '/' || stripe_identifier FROM usage_records WHERE organization_id = $1 AND metric_type = 'tokens'", t.OrganizationId))
            .ShouldBe($"5678/true/{tokens.Form["identifier"]}");
    }
}

/// <summary>Without Stripe settings the platform billing endpoints say what to set; nothing else is affected.</summary>
public sealed class StripeUnconfiguredTests(AppFixture f) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Checkout_portal_and_the_webhook_answer_503_naming_the_settings()
    {
        var t = await f.SignupAsync();
        // (raw HttpClient calls: the test helpers treat any 5xx as a failure)
        var checkout = await t.Http.PostAsync("/api/v1/billing/checkout", System.Net.Http.Json.JsonContent.Create(new { plan = "starter" }));
        ((int)checkout.StatusCode).ShouldBe(503);
        (await checkout.Content.ReadAsStringAsync()).ShouldContain("Stripe__ApiKey");
        ((int)(await t.Http.PostAsync("/api/v1/billing/portal", System.Net.Http.Json.JsonContent.Create(new { }))).StatusCode).ShouldBe(503);
        using var anon = f.Client();
        var hook = await anon.PostAsync("/webhooks/stripe", new StringContent("{}", Encoding.UTF8, "application/json"));
        ((int)hook.StatusCode).ShouldBe(503);
        (await hook.Content.ReadAsStringAsync()).ShouldContain("Stripe__WebhookSecret");
        (await t.Http.GetJsonAsync("/api/v1/organization/usage")).Status.ShouldBe(HttpStatusCode.OK);
    }
}

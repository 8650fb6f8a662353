using System.Net;
using System.Text.Json.Nodes;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>
/// The data model through the resource API: the customer's life built the way a new user would
/// (HTTP only) and read back with includes and computed properties, and one test per family of
/// constraints the seeds ask for, each refused with a problem naming the field and writing nothing.
/// </summary>
public sealed class DataModelTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly DateTime Now = DateTime.UtcNow;

    private static async Task<Guid> CreateAsync(HttpClient c, string table, object body)
    {
        var r = await c.PostJsonAsync($"/api/v1/{table}", body);
        ((int)r.Status).ShouldBe(201, $"POST {table}: {r.Json?.ToJsonString()}");
        return Guid.Parse(r.Json!["id"]!.GetValue<string>());
    }

    private static async Task<JsonNode> GetAsync(HttpClient c, string url)
    {
        var r = await c.GetJsonAsync(url);
        r.Status.ShouldBe(HttpStatusCode.OK, $"GET {url}: {r.Json?.ToJsonString()}");
        return r.Json!;
    }

    private static async Task<int> CountAsync(HttpClient c, string table, string filter = "") =>
        (await GetAsync(c, $"/api/v1/{table}?limit=200{filter}"))["data"]!.AsArray().Count;

    /// <summary>Meta's number ids are unique across organizations (webhooks route by them).</summary>
    private static string Meta() => Guid.NewGuid().ToString("N")[..15];

    private static string[] Ids(JsonNode? array) => array!.AsArray().Select(x => x!["id"]!.GetValue<string>()).ToArray();

    private static void ShouldNameOnly(JsonNode problem, params string[] fields) =>
        problem["errors"]!.AsObject().Select(kv => kv.Key).OrderBy(k => k).ShouldBe(fields.OrderBy(k => k), problem.ToJsonString());

    // ---- Tried as a new user would ---------------------------------------------------------------

    [Fact]
    public async Task A_customer_with_billing_and_a_converted_lead_reads_back_with_includes_and_computed_properties()
    {
        var t = await app.SignupAsync();
        var http = t.Http;
        var customer = await http.CreateCustomerAsync(new { name = "Ada Lovelace", company_name = "Analytical Engines", plan = "premium", mrr = 1200.00m });
        var healthEvent = await CreateAsync(http, "customer_health_events", new
        {
            customer_id = customer, event_type = "health_score_change", old_value = 80, new_value = 62, severity = "medium", reason = "Usage dropped",
        });

        var sub = await http.PostJsonAsync("/api/v1/subscriptions", new
        {
            customer_id = customer, plan = "premium", billing_cycle = "monthly", mrr = 1200.00m, arr = 14400.00m, seats_total = 20, seats_used = 15,
            status = "active", current_period_start = Now.AddDays(-5), current_period_end = Now.AddDays(25).AddHours(1),
        });
        ((int)sub.Status).ShouldBe(201, sub.Json?.ToJsonString());
        var subscription = Guid.Parse(sub.Json!["id"]!.GetValue<string>());
        sub.Json["seat_utilization"]!.GetValue<decimal>().ShouldBe(75.0m);
        sub.Json["is_active"]!.GetValue<bool>().ShouldBeTrue();
        sub.Json["is_trial"]!.GetValue<bool>().ShouldBeFalse();
        sub.Json["days_until_renewal"]!.GetValue<int>().ShouldBe(25);

        var paid = await CreateAsync(http, "invoices", new
        {
            customer_id = customer, subscription_id = subscription, invoice_number = "INV-0001", amount = 1200.00m, status = "paid",
            issued_at = Now.AddDays(-35), due_at = Now.AddDays(-21), paid_at = Now.AddDays(-30),
        });
        var overdue = await CreateAsync(http, "invoices", new
        {
            customer_id = customer, subscription_id = subscription, invoice_number = "INV-0002", amount = 1200.00m, status = "open",
            issued_at = Now.AddDays(-5), due_at = Now.AddDays(-1),
        });
        var notYetDue = await CreateAsync(http, "invoices", new
        {
            customer_id = customer, invoice_number = "INV-0003", amount = 300.00m, currency = "EUR", status = "open", issued_at = Now, due_at = Now.AddDays(14),
        });
        var payment = await CreateAsync(http, "payments", new
        {
            customer_id = customer, invoice_id = paid, amount = 1200.00m, status = "succeeded", payment_method = "card", transaction_id = "ch_demo_1", processed_at = Now.AddDays(-30),
        });
        var failed = await CreateAsync(http, "payments", new
        {
            customer_id = customer, invoice_id = overdue, amount = 1200.00m, status = "failed", transaction_id = "ch_demo_2", failed_reason = "card_declined",
        });
        var credit = await http.PostJsonAsync("/api/v1/credits", new { customer_id = customer, amount = 100.00m, used_amount = 30.00m, credit_type = "goodwill", expires_at = Now.AddDays(30) });
        ((int)credit.Status).ShouldBe(201, credit.Json?.ToJsonString());
        credit.Json!["remaining_amount"]!.GetValue<decimal>().ShouldBe(70.00m);
        credit.Json["is_expired"]!.GetValue<bool>().ShouldBeFalse();

        // A lead, qualified, then converted into this customer with a deal and an accepted quote.
        var lead = await CreateAsync(http, "leads", new
        {
            email = "ada@engines.example", name = "Ada Lovelace", company = "Analytical Engines", need_score = 0.9m,
            qualification_status = "qualified", source = "whatsapp", assigned_to = t.UserId,
        });
        (await GetAsync(http, $"/api/v1/leads/{lead}"))["is_qualified"]!.GetValue<bool>().ShouldBeTrue();
        var converted = await http.PatchJsonAsync($"/api/v1/leads/{lead}", new { qualification_status = "converted", converted_to_customer_id = customer, converted_at = Now });
        converted.Status.ShouldBe(HttpStatusCode.OK, converted.Json?.ToJsonString());
        converted.Json!["is_converted"]!.GetValue<bool>().ShouldBeTrue();
        converted.Json["is_qualified"]!.GetValue<bool>().ShouldBeFalse();

        var dealRes = await http.PostJsonAsync("/api/v1/deals", new
        {
            lead_id = lead, customer_id = customer, name = "Analytical Engines – Premium", value = 14400.00m, probability = 60, stage = "negotiation",
            expected_close_date = Now.AddDays(10), assigned_to = t.UserId,
        });
        ((int)dealRes.Status).ShouldBe(201, dealRes.Json?.ToJsonString());
        var deal = Guid.Parse(dealRes.Json!["id"]!.GetValue<string>());
        dealRes.Json["weighted_value"]!.GetValue<decimal>().ShouldBe(8640.00m);
        dealRes.Json["is_closed"]!.GetValue<bool>().ShouldBeFalse();
        var quote = await CreateAsync(http, "quotes", new
        {
            // Number, status and total are the product's (migration 0085: totals from the lines; numbered when sent).
            deal_id = deal, customer_id = customer, valid_until = Now.AddDays(30),
            line_items = new[] { new { description = "Premium plan, 12 months", quantity = 1, unit_price = 16000.00m, discount = 10 } },
        });
        var activity = await CreateAsync(http, "sales_activities", new { deal_id = deal, lead_id = lead, activity_type = "demo", subject = "Demo", completed_at = Now.AddDays(-2) });
        var won = await http.PatchJsonAsync($"/api/v1/deals/{deal}", new { stage = "closed_won", probability = 100, closed_at = Now });
        won.Json!["is_won"]!.GetValue<bool>().ShouldBeTrue();
        won.Json["weighted_value"]!.GetValue<decimal>().ShouldBe(14400.00m);

        // Everything meets on the customer record.
        var c = await GetAsync(http, $"/api/v1/customers/{customer}?include=subscriptions,health_events,deals,invoices,payments,credits,leads,quotes");
        Ids(c["subscriptions"]).ShouldBe([subscription.ToString()]);
        Ids(c["health_events"]).ShouldBe([healthEvent.ToString()]);
        Ids(c["deals"]).ShouldBe([deal.ToString()]);
        Ids(c["invoices"]).ShouldBe(new[] { paid, overdue, notYetDue }.Select(x => x.ToString()).ToArray(), ignoreOrder: true);
        Ids(c["payments"]).ShouldBe(new[] { payment, failed }.Select(x => x.ToString()).ToArray(), ignoreOrder: true);
        Ids(c["leads"]).ShouldBe([lead.ToString()]);
        Ids(c["quotes"]).ShouldBe([quote.ToString()]);
        c["credits"]![0]!["remaining_amount"]!.GetValue<decimal>().ShouldBe(70.00m);
        var invoices = c["invoices"]!.AsArray().ToDictionary(i => i!["id"]!.GetValue<string>());
        invoices[paid.ToString()]!["is_paid"]!.GetValue<bool>().ShouldBeTrue();
        invoices[paid.ToString()]!["is_overdue"]!.GetValue<bool>().ShouldBeFalse();
        invoices[overdue.ToString()]!["is_paid"]!.GetValue<bool>().ShouldBeFalse();
        invoices[overdue.ToString()]!["is_overdue"]!.GetValue<bool>().ShouldBeTrue();
        invoices[notYetDue.ToString()]!["is_overdue"]!.GetValue<bool>().ShouldBeFalse();
        invoices[notYetDue.ToString()]!["currency"]!.GetValue<string>().ShouldBe("EUR");
        c["payments"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == payment.ToString())!["is_successful"]!.GetValue<bool>().ShouldBeTrue();
        c["payments"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == failed.ToString())!["is_successful"]!.GetValue<bool>().ShouldBeFalse();
        c["deals"]![0]!["weighted_value"]!.GetValue<decimal>().ShouldBe(14400.00m);

        // And from the other side of each relation.
        var inv = await GetAsync(http, $"/api/v1/invoices/{paid}?include=payments,subscription,customer");
        Ids(inv["payments"]).ShouldBe([payment.ToString()]);
        inv["subscription"]!["id"]!.GetValue<string>().ShouldBe(subscription.ToString());
        inv["customer"]!["company_name"]!.GetValue<string>().ShouldBe("Analytical Engines");
        var s = await GetAsync(http, $"/api/v1/subscriptions/{subscription}?include=invoices");
        Ids(s["invoices"]).ShouldBe(new[] { paid, overdue }.Select(x => x.ToString()).ToArray(), ignoreOrder: true);
        var l = await GetAsync(http, $"/api/v1/leads/{lead}?include=deals,converted_to_customer,sales_activities");
        Ids(l["deals"]).ShouldBe([deal.ToString()]);
        l["converted_to_customer"]!["id"]!.GetValue<string>().ShouldBe(customer.ToString());
        Ids(l["sales_activities"]).ShouldBe([activity.ToString()]);
        var dl = await GetAsync(http, $"/api/v1/deals/{deal}?include=quotes,lead,customer,sales_activities");
        Ids(dl["quotes"]).ShouldBe([quote.ToString()]);
        dl["quotes"]![0]!["is_accepted"]!.GetValue<bool>().ShouldBeFalse();
        dl["quotes"]![0]!["total_amount"]!.GetValue<decimal>().ShouldBe(14400.00m);
        dl["quotes"]![0]!["line_items"]!.AsArray().Count.ShouldBe(1);
        dl["lead"]!["is_converted"]!.GetValue<bool>().ShouldBeTrue();
        dl["customer"]!["id"]!.GetValue<string>().ShouldBe(customer.ToString());
        Ids(dl["sales_activities"]).ShouldBe([activity.ToString()]);
        dl["sales_activities"]![0]!["is_completed"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task A_channel_conversation_with_agents_messages_and_a_handoff_reads_back_with_includes()
    {
        var t = await app.SignupAsync();
        var http = t.Http;
        var customer = await http.CreateCustomerAsync(new { name = "Grace Hopper" });
        var number = await http.PostJsonAsync("/api/v1/phone_numbers", new { platform = "whatsapp", meta_phone_number_id = Meta(), access_token = "EAAG-secret", display_name = "Sales" });
        ((int)number.Status).ShouldBe(201, number.Json?.ToJsonString());
        number.Json!.AsObject().ContainsKey("access_token").ShouldBeFalse();
        var phone = Guid.Parse(number.Json["id"]!.GetValue<string>());
        var phone2 = await CreateAsync(http, "phone_numbers", new { platform = "instagram", meta_phone_number_id = Meta(), access_token = "EAAG-other" });
        var agent = await CreateAsync(http, "agents", new { phone_number_id = phone, prompt_id = "sales-v1", name = "Ava" });
        var agent2 = await CreateAsync(http, "agents", new { phone_number_id = phone2, prompt_id = "concierge-v1", name = "Leo" });
        // One agent per number.
        (await http.PostJsonAsync("/api/v1/agents", new { phone_number_id = phone, prompt_id = "x", name = "Second" })).ShouldBeProblem(409, "phone_number_id");

        var conversation = await CreateAsync(http, "conversations", new
        {
            agent_id = agent, customer_id = customer, customer_phone = "+14155550101", channel = "whatsapp", primary_intent = "pricing", intent_confidence = 0.82m,
        });
        var messages = new List<Guid>();
        foreach (var (role, content) in new[] { ("user", "Hi, how much is Premium?"), ("assistant", "Premium is $49 per seat."), ("user", "Can I get a demo?") })
        {
            var m = await http.PostJsonAsync("/api/v1/messages", new { conversation_id = conversation, role, content, sentiment = 0.4, status = "sent" });
            ((int)m.Status).ShouldBe(201, m.Json?.ToJsonString());
            m.Json!["sequence_no"]!.GetValue<int>().ShouldBe(messages.Count + 1); // assigned by the database trigger
            messages.Add(Guid.Parse(m.Json["id"]!.GetValue<string>()));
        }
        var delivery = await CreateAsync(http, "message_delivery_status", new { message_id = messages[1], platform_message_id = "wamid.1", status = "read" });
        var handoff = await http.PostJsonAsync("/api/v1/agent_handoffs", new
        {
            conversation_id = conversation, from_agent = "triage", to_agent = "sales", handoff_reason = "Pricing question", confidence_before = 0.55m, latency_ms = 1500,
            state_transferred = new { intent = "pricing" },
        });
        ((int)handoff.Status).ShouldBe(201, handoff.Json?.ToJsonString());
        handoff.Json!["handoff_duration_seconds"]!.GetValue<decimal>().ShouldBe(1.5m);
        var tag = await CreateAsync(http, "conversation_tags", new { conversation_id = conversation, tag = "pricing", confidence = 0.9m });
        var extraction = await CreateAsync(http, "extractions", new
        {
            conversation_id = conversation, customer_phone = "+14155550101", intent_level = "High", intent_score = 3, urgency_level = "Medium", urgency_score = 2,
            budget_constraint = "No", budget_score = 3, fit_alignment = "High", fit_score = 3, engagement_health = "High", engagement_score = 3,
            total_score = 14, lead_status_tag = "Hot",
        });

        var conv = await GetAsync(http, $"/api/v1/conversations/{conversation}?include=messages,agent_handoffs,agent,customer,tags,extractions");
        Ids(conv["messages"]).ShouldBe(messages.Select(x => x.ToString()).ToArray());
        conv["messages"]!.AsArray().Select(m => m!["sequence_no"]!.GetValue<int>()).ShouldBe([1, 2, 3]);
        Ids(conv["agent_handoffs"]).ShouldBe([handoff.Json["id"]!.GetValue<string>()]);
        conv["agent_handoffs"]![0]!["to_agent"]!.GetValue<string>().ShouldBe("sales");
        conv["agent"]!["name"]!.GetValue<string>().ShouldBe("Ava");
        conv["customer"]!["id"]!.GetValue<string>().ShouldBe(customer.ToString());
        Ids(conv["tags"]).ShouldBe([tag.ToString()]);
        conv["extractions"]![0]!["total_score"]!.GetValue<int>().ShouldBe(14);
        conv["extractions"]![0]!["id"]!.GetValue<string>().ShouldBe(extraction.ToString());

        var msg = await GetAsync(http, $"/api/v1/messages/{messages[1]}?include=delivery_status,conversation");
        Ids(msg["delivery_status"]).ShouldBe([delivery.ToString()]);
        msg["conversation"]!["id"]!.GetValue<string>().ShouldBe(conversation.ToString());
        var ag = await GetAsync(http, $"/api/v1/agents/{agent}?include=conversations,phone_number");
        Ids(ag["conversations"]).ShouldBe([conversation.ToString()]);
        ag["phone_number"]!["platform"]!.GetValue<string>().ShouldBe("whatsapp");
        ag["phone_number"]!.AsObject().ContainsKey("access_token").ShouldBeFalse();
        var ph = await GetAsync(http, $"/api/v1/phone_numbers/{phone2}?include=agents");
        Ids(ph["agents"]).ShouldBe([agent2.ToString()]);
        var cu = await GetAsync(http, $"/api/v1/customers/{customer}?include=conversations");
        Ids(cu["conversations"]).ShouldBe([conversation.ToString()]);
        // The customer's handoffs endpoint sees the handoff too.
        Ids((await GetAsync(http, $"/api/v1/customers/{customer}/agent_handoffs"))["data"]).ShouldBe([handoff.Json["id"]!.GetValue<string>()]);
    }

    [Fact]
    public async Task An_operator_key_without_a_user_can_write_tables_whose_created_by_references_users()
    {
        var t = await app.SignupAsync();
        var key = await Clientele.Platform.Cli.ApiKeyCommands.CreateAsync(app.App.Services, t.OrganizationId, "ci", ["read", "write"], CancellationToken.None);
        using var ci = app.Client(key);
        var customer = await ci.CreateCustomerAsync();
        var phone = await CreateAsync(ci, "phone_numbers", new { platform = "webchat", meta_phone_number_id = Meta(), access_token = "t" });
        // agents, qbrs and automations have created_by → users: a key is not a user, so created_by stays empty.
        var agent = await CreateAsync(ci, "agents", new { phone_number_id = phone, prompt_id = "p", name = "Bot" });
        (await GetAsync(ci, $"/api/v1/agents/{agent}"))["created_by"].ShouldBeNull();
        await CreateAsync(ci, "qbrs", new { customer_id = customer, quarter = "Q1 2026" });
        await CreateAsync(ci, "automations", new { name = "Digest", type = "scheduled" });
        // Where created_by is not a reference, it records the key, as the audit log does.
        var customerRow = await GetAsync(ci, $"/api/v1/customers/{customer}");
        customerRow["created_by"].ShouldNotBeNull();
        // A user's key records the user.
        var mine = await CreateAsync(t.Http, "automations", new { name = "Mine", type = "scheduled" });
        (await GetAsync(t.Http, $"/api/v1/automations/{mine}"))["created_by"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
    }

    // ---- One test per constraint family -----------------------------------------------------------

    [Fact]
    public async Task A_value_outside_a_value_set_is_a_422_naming_the_field()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var r = await t.Http.PostJsonAsync("/api/v1/subscriptions", new { customer_id = customer, status = "paused" });
        r.ShouldBeProblem(422, "status");
        ShouldNameOnly(r.Json!, "status");
        (await t.Http.PostJsonAsync("/api/v1/subscriptions", new { customer_id = customer, billing_cycle = "weekly" })).ShouldBeProblem(422, "billing_cycle");
        (await t.Http.PostJsonAsync("/api/v1/extractions", new { conversation_id = Guid.NewGuid(), customer_phone = "+1", lead_status_tag = "hot" })).ShouldBeProblem(422, "lead_status_tag");
        (await CountAsync(t.Http, "subscriptions")).ShouldBe(0);
        // A valid one goes through; changing it to an unknown status is refused and changes nothing.
        var sub = await CreateAsync(t.Http, "subscriptions", new { customer_id = customer, status = "trialing" });
        (await t.Http.PatchJsonAsync($"/api/v1/subscriptions/{sub}", new { status = "paused" })).ShouldBeProblem(422, "status");
        (await GetAsync(t.Http, $"/api/v1/subscriptions/{sub}"))["status"]!.GetValue<string>().ShouldBe("trialing");
    }

    [Fact]
    public async Task A_0_to_100_range_is_enforced()
    {
        var t = await app.SignupAsync();
        foreach (var probability in new[] { 101, -1 })
            (await t.Http.PostJsonAsync("/api/v1/deals", new { name = "Too sure", probability })).ShouldBeProblem(422, "probability");
        (await t.Http.PostJsonAsync("/api/v1/leads", new { name = "Lead", lead_score = 150 })).ShouldBeProblem(422, "lead_score");
        var customer = await t.Http.CreateCustomerAsync();
        (await t.Http.PostJsonAsync("/api/v1/health_score_history", new { customer_id = customer, score = 101 })).ShouldBeProblem(422, "score");
        (await CountAsync(t.Http, "deals")).ShouldBe(0);
        (await CountAsync(t.Http, "leads")).ShouldBe(0);
        (await CountAsync(t.Http, "health_score_history")).ShouldBe(0);
        (await t.Http.PostJsonAsync("/api/v1/deals", new { name = "Certain", probability = 100 })).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_0_to_1_range_is_enforced_and_names_the_field_even_when_the_number_overflows_the_column()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        // 1.5 fits numeric(3,2) and breaks the CHECK; 12.5 does not even fit the column type.
        foreach (var score in new[] { 1.5m, -0.1m, 12.5m })
        {
            var r = await t.Http.PostJsonAsync("/api/v1/customer_segments", new { customer_id = customer, segment_name = "smb", segment_type = "value", confidence_score = score });
            r.ShouldBeProblem(422, "confidence_score");
            ShouldNameOnly(r.Json!, "confidence_score");
        }
        (await t.Http.PostJsonAsync("/api/v1/leads", new { name = "Lead", need_score = 1.01m })).ShouldBeProblem(422, "need_score");
        (await t.Http.PostJsonAsync("/api/v1/prospect_research", new { prospect_id = Guid.NewGuid(), research_summary = "x", confidence_score = 2.0 })).ShouldBeProblem(422, "confidence_score");
        (await CountAsync(t.Http, "customer_segments")).ShouldBe(0);
        (await CountAsync(t.Http, "leads")).ShouldBe(0);
    }

    [Fact]
    public async Task A_sentiment_outside_minus_1_to_1_is_refused_and_takes_no_sequence_number()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var conversation = await CreateAsync(t.Http, "conversations", new { customer_id = customer, channel = "email" });
        foreach (var sentiment in new[] { -1.5, 1.01 })
            (await t.Http.PostJsonAsync("/api/v1/messages", new { conversation_id = conversation, role = "user", content = "hi", sentiment })).ShouldBeProblem(422, "sentiment");
        (await t.Http.PostJsonAsync("/api/v1/conversations", new { customer_id = customer, sentiment_avg = -2.0 })).ShouldBeProblem(422, "sentiment_avg");
        (await CountAsync(t.Http, "messages")).ShouldBe(0);
        (await CountAsync(t.Http, "conversations")).ShouldBe(1);
        // The refused inserts rolled back, so the next message is still number 1.
        var ok = await t.Http.PostJsonAsync("/api/v1/messages", new { conversation_id = conversation, role = "user", content = "hi", sentiment = -1.0 });
        ok.Json!["sequence_no"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task A_1_to_5_range_is_enforced()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        foreach (var csat in new[] { 0, 6 })
            (await t.Http.PostJsonAsync("/api/v1/conversations", new { customer_id = customer, csat_score = csat })).ShouldBeProblem(422, "csat_score");
        // The rollups are written only by the rollup job: the API refuses any write to them.
        (await t.Http.PostJsonAsync("/api/v1/conversation_analytics", new { date = "2026-01-01", avg_csat = 5.5 })).ShouldBeProblem(405);
        (await CountAsync(t.Http, "conversations")).ShouldBe(0);
        (await CountAsync(t.Http, "conversation_analytics")).ShouldBe(0);
    }

    [Fact]
    public async Task A_1_to_3_score_and_the_5_to_15_total_score_of_extractions_are_enforced()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var conversation = await CreateAsync(t.Http, "conversations", new { customer_id = customer, channel = "whatsapp" });
        foreach (var field in new[] { "intent_score", "urgency_score", "budget_score", "fit_score", "engagement_score" })
            foreach (var value in new[] { 0, 4 })
            {
                var body = new JsonObject { ["conversation_id"] = conversation.ToString(), ["customer_phone"] = "+14155550101", [field] = value };
                (await t.Http.PostJsonAsync("/api/v1/extractions", body)).ShouldBeProblem(422, field);
            }
        foreach (var total in new[] { 4, 16 })
        {
            var r = await t.Http.PostJsonAsync("/api/v1/extractions", new { conversation_id = conversation, customer_phone = "+14155550101", total_score = total });
            r.ShouldBeProblem(422, "total_score");
            ShouldNameOnly(r.Json!, "total_score");
        }
        (await CountAsync(t.Http, "extractions")).ShouldBe(0);
        (await t.Http.PostJsonAsync("/api/v1/extractions", new { conversation_id = conversation, customer_phone = "+14155550101", total_score = 15, intent_score = 3 })).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Seats_used_cannot_exceed_seats_total_on_create_or_update()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var r = await t.Http.PostJsonAsync("/api/v1/subscriptions", new { customer_id = customer, seats_total = 5, seats_used = 6 });
        r.ShouldBeProblem(422, "seats_used");
        r.Json!["errors"]!["seats_used"]![0]!.GetValue<string>().ShouldContain("subscriptions_seats_used_lte_seats_total_check");
        (await CountAsync(t.Http, "subscriptions")).ShouldBe(0);
        var sub = await CreateAsync(t.Http, "subscriptions", new { customer_id = customer, seats_total = 5, seats_used = 5 });
        (await t.Http.PatchJsonAsync($"/api/v1/subscriptions/{sub}", new { seats_total = 4 })).ShouldBeProblem(422, "seats_total");
        (await t.Http.PatchJsonAsync($"/api/v1/subscriptions/{sub}", new { seats_used = 7 })).ShouldBeProblem(422, "seats_used");
        var after = await GetAsync(t.Http, $"/api/v1/subscriptions/{sub}");
        after["seats_total"]!.GetValue<int>().ShouldBe(5);
        after["seats_used"]!.GetValue<int>().ShouldBe(5);
        after["seat_utilization"]!.GetValue<decimal>().ShouldBe(100.0m);
    }

    [Fact]
    public async Task Used_amount_cannot_exceed_the_credit_amount()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var r = await t.Http.PostJsonAsync("/api/v1/credits", new { customer_id = customer, amount = 100.00m, used_amount = 150.00m, credit_type = "refund" });
        r.ShouldBeProblem(422, "used_amount");
        r.Json!["errors"]!["used_amount"]![0]!.GetValue<string>().ShouldContain("credits_used_amount_lte_amount_check");
        (await CountAsync(t.Http, "credits")).ShouldBe(0);
        var credit = await CreateAsync(t.Http, "credits", new { customer_id = customer, amount = 100.00m, used_amount = 100.00m, credit_type = "refund", status = "used" });
        (await t.Http.PatchJsonAsync($"/api/v1/credits/{credit}", new { amount = 99.99m })).ShouldBeProblem(422, "amount");
        (await GetAsync(t.Http, $"/api/v1/credits/{credit}"))["remaining_amount"]!.GetValue<decimal>().ShouldBe(0m);
    }

    [Fact]
    public async Task A_handoff_from_an_agent_to_itself_is_refused()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var conversation = await CreateAsync(t.Http, "conversations", new { customer_id = customer });
        var r = await t.Http.PostJsonAsync("/api/v1/agent_handoffs", new { conversation_id = conversation, from_agent = "billing", to_agent = "billing" });
        r.ShouldBeProblem(422, "to_agent");
        r.ShouldBeProblem(422, "from_agent");
        ShouldNameOnly(r.Json!, "from_agent", "to_agent");
        (await CountAsync(t.Http, "agent_handoffs")).ShouldBe(0);
        var ok = await CreateAsync(t.Http, "agent_handoffs", new { conversation_id = conversation, from_agent = "billing", to_agent = "technical" });
        (await t.Http.PatchJsonAsync($"/api/v1/agent_handoffs/{ok}", new { to_agent = "billing" })).ShouldBeProblem(422, "to_agent");
    }

    [Fact]
    public async Task A_composite_unique_is_a_409_naming_its_fields()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var other = await t.Http.CreateCustomerAsync();
        var row = new { customer_id = customer, metric_date = "2026-03-01", dau = 3 };
        await CreateAsync(t.Http, "usage_metrics", row);
        var r = await t.Http.PostJsonAsync("/api/v1/usage_metrics", row with { });
        r.ShouldBeProblem(409, "metric_date");
        ShouldNameOnly(r.Json!, "customer_id", "metric_date");
        (await CountAsync(t.Http, "usage_metrics")).ShouldBe(1);
        // Any part different is another row.
        await CreateAsync(t.Http, "usage_metrics", new { customer_id = other, metric_date = "2026-03-01" });
        await CreateAsync(t.Http, "usage_metrics", new { customer_id = customer, metric_date = "2026-03-02" });
        // Another tenant may use the same values (uniques are per organization).
        var u = await app.SignupAsync();
        var theirs = await u.Http.CreateCustomerAsync();
        await CreateAsync(u.Http, "usage_metrics", new { customer_id = theirs, metric_date = "2026-03-01" });
        // Same for invoice numbers.
        await CreateAsync(t.Http, "invoices", new { customer_id = customer, invoice_number = "INV-1", amount = 10m });
        var dup = await t.Http.PostJsonAsync("/api/v1/invoices", new { customer_id = other, invoice_number = "INV-1", amount = 20m });
        dup.ShouldBeProblem(409, "invoice_number");
        ShouldNameOnly(dup.Json!, "invoice_number");
    }

    [Fact]
    public async Task Message_sequence_numbers_are_unique_per_conversation_in_the_database()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var conversation = await CreateAsync(t.Http, "conversations", new { customer_id = customer });
        await CreateAsync(t.Http, "messages", new { conversation_id = conversation, role = "user", content = "first" });
        // The API never takes sequence_no from a client...
        (await t.Http.PostJsonAsync("/api/v1/messages", new { conversation_id = conversation, role = "user", content = "x", sequence_no = 1 })).ShouldBeProblem(422, "sequence_no");
        // ...and the database refuses a second row with the same (conversation_id, sequence_no).
        await using var conn = await app.AppRoleAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await new NpgsqlCommand($"SELECT set_config('clientele.organization_id', '{t.OrganizationId}', true)", conn, tx).ExecuteScalarAsync();
        var insert = new NpgsqlCommand("INSERT INTO messages (id, organization_id, conversation_id, sequence_no, role, content) VALUES ($1, $2, $3, 1, 'user', 'dup')", conn, tx);
        insert.Parameters.AddWithValue(Guid.CreateVersion7());
        insert.Parameters.AddWithValue(t.OrganizationId);
        insert.Parameters.AddWithValue(conversation);
        var e = await Should.ThrowAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        e.SqlState.ShouldBe(PostgresErrorCodes.UniqueViolation);
        // Were it to reach the API, it would be a 409 naming the fields.
        var problem = PostgresErrorMapper.Map(e, app.App.Services.GetRequiredService<ResourceRegistry>().Catalog)!;
        problem.Status.ShouldBe(409);
        problem.Errors!.Keys.OrderBy(k => k).ShouldBe(["conversation_id", "sequence_no"]);
        await tx.RollbackAsync();
        (await CountAsync(t.Http, "messages")).ShouldBe(1);
    }

    [Fact]
    public async Task A_missing_required_field_or_an_explicit_null_is_a_422()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var r = await t.Http.PostJsonAsync("/api/v1/invoices", new { customer_id = customer });
        r.ShouldBeProblem(422, "amount");
        r.Json!["errors"]!["amount"]![0]!.GetValue<string>().ShouldBe("is required");
        (await t.Http.PostJsonAsync("/api/v1/invoices", new { customer_id = customer, amount = (decimal?)null })).ShouldBeProblem(422, "amount");
        // NOT NULL columns with a default may be omitted but not nulled.
        (await t.Http.PostJsonAsync("/api/v1/invoices", new { customer_id = customer, amount = 5m, currency = (string?)null })).ShouldBeProblem(422, "currency");
        (await t.Http.PostJsonAsync("/api/v1/messages", new { role = "user" })).ShouldBeProblem(422, "conversation_id");
        var missing = await t.Http.PostJsonAsync("/api/v1/messages", new { role = "user" });
        missing.ShouldBeProblem(422, "content");
        (await CountAsync(t.Http, "invoices")).ShouldBe(0);
        var invoice = await CreateAsync(t.Http, "invoices", new { customer_id = customer, amount = 5m });
        (await t.Http.PatchJsonAsync($"/api/v1/invoices/{invoice}", new { customer_id = (Guid?)null })).ShouldBeProblem(422, "customer_id");
        (await GetAsync(t.Http, $"/api/v1/invoices/{invoice}"))["currency"]!.GetValue<string>().ShouldBe("USD");
    }

    [Fact]
    public async Task A_foreign_key_to_a_missing_row_is_a_422_naming_the_field()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var r = await t.Http.PostJsonAsync("/api/v1/invoices", new { customer_id = Guid.NewGuid(), amount = 10m });
        r.ShouldBeProblem(422, "customer_id");
        ShouldNameOnly(r.Json!, "customer_id");
        (await t.Http.PostJsonAsync("/api/v1/payments", new { customer_id = customer, invoice_id = Guid.NewGuid(), amount = 10m })).ShouldBeProblem(422, "invoice_id");
        (await t.Http.PostJsonAsync("/api/v1/messages", new { conversation_id = Guid.NewGuid(), role = "user", content = "x" })).ShouldBeProblem(422, "conversation_id");
        (await t.Http.PostJsonAsync("/api/v1/expansion_opportunities", new { customer_id = customer, opportunity_type = "upsell", champion_id = Guid.NewGuid() })).ShouldBeProblem(422, "champion_id");
        (await CountAsync(t.Http, "invoices")).ShouldBe(0);
        (await CountAsync(t.Http, "payments")).ShouldBe(0);
        (await CountAsync(t.Http, "expansion_opportunities")).ShouldBe(0);
        // A row that is still referenced (NO ACTION) cannot be deleted: the agent's number.
        var phone = await CreateAsync(t.Http, "phone_numbers", new { platform = "webchat", meta_phone_number_id = Meta(), access_token = "t" });
        await CreateAsync(t.Http, "agents", new { phone_number_id = phone, prompt_id = "p", name = "Nora" });
        var del = await t.Http.DeleteAsync2($"/api/v1/phone_numbers/{phone}");
        del.ShouldBeProblem(422);
        (await GetAsync(t.Http, $"/api/v1/phone_numbers/{phone}"))["id"]!.GetValue<string>().ShouldBe(phone.ToString());
    }

    [Fact]
    public async Task A_foreign_key_to_another_tenants_row_is_refused_like_a_missing_one()
    {
        var a = await app.SignupAsync();
        var b = await app.SignupAsync();
        var theirCustomer = await b.Http.CreateCustomerAsync();
        var theirConversation = await CreateAsync(b.Http, "conversations", new { customer_id = theirCustomer });
        var theirInvoice = await CreateAsync(b.Http, "invoices", new { customer_id = theirCustomer, amount = 10m });
        var mine = await a.Http.CreateCustomerAsync();

        (await a.Http.PostJsonAsync("/api/v1/subscriptions", new { customer_id = theirCustomer })).ShouldBeProblem(422, "customer_id");
        (await a.Http.PostJsonAsync("/api/v1/messages", new { conversation_id = theirConversation, role = "user", content = "hi" })).ShouldBeProblem(422, "conversation_id");
        (await a.Http.PostJsonAsync("/api/v1/payments", new { customer_id = mine, invoice_id = theirInvoice, amount = 10m })).ShouldBeProblem(422, "invoice_id");
        (await a.Http.PostJsonAsync("/api/v1/notifications", new { user_id = b.UserId, type = "info", category = "x", title = "t", message = "m" })).ShouldBeProblem(422, "user_id");
        var sub = await CreateAsync(a.Http, "subscriptions", new { customer_id = mine });
        (await a.Http.PatchJsonAsync($"/api/v1/subscriptions/{sub}", new { customer_id = theirCustomer })).ShouldBeProblem(422, "customer_id");

        (await CountAsync(a.Http, "messages")).ShouldBe(0);
        (await CountAsync(a.Http, "payments")).ShouldBe(0);
        (await CountAsync(a.Http, "subscriptions")).ShouldBe(1);
        (await GetAsync(a.Http, $"/api/v1/subscriptions/{sub}"))["customer_id"]!.GetValue<string>().ShouldBe(mine.ToString());
        (await CountAsync(b.Http, "messages")).ShouldBe(0);
        (await CountAsync(b.Http, "subscriptions")).ShouldBe(0);
    }

    [Fact]
    public async Task Only_one_active_conversation_per_agent_and_phone()
    {
        var t = await app.SignupAsync();
        var phone = await CreateAsync(t.Http, "phone_numbers", new { platform = "whatsapp", meta_phone_number_id = Meta(), access_token = "t" });
        var agent = await CreateAsync(t.Http, "agents", new { phone_number_id = phone, prompt_id = "p", name = "Ava" });
        var first = await CreateAsync(t.Http, "conversations", new { agent_id = agent, customer_phone = "+14155550101", channel = "whatsapp" });
        var r = await t.Http.PostJsonAsync("/api/v1/conversations", new { agent_id = agent, customer_phone = "+14155550101", channel = "whatsapp" });
        r.ShouldBeProblem(409, "customer_phone");
        ShouldNameOnly(r.Json!, "agent_id", "customer_phone");
        (await CountAsync(t.Http, "conversations")).ShouldBe(1);
        // Another phone is fine; so is an inactive (archived) conversation with the same phone.
        await CreateAsync(t.Http, "conversations", new { agent_id = agent, customer_phone = "+447700900123", channel = "whatsapp" });
        await CreateAsync(t.Http, "conversations", new { agent_id = agent, customer_phone = "+14155550101", channel = "whatsapp", is_active = false, status = "resolved" });
        // Reactivating the archived one while the first is active is the same conflict.
        var archived = (await GetAsync(t.Http, "/api/v1/conversations?is_active=false"))["data"]![0]!["id"]!.GetValue<string>();
        (await t.Http.PatchJsonAsync($"/api/v1/conversations/{archived}", new { is_active = true })).ShouldBeProblem(409, "customer_phone");
        // Archive the first, and a new active conversation with that phone is accepted.
        (await t.Http.PatchJsonAsync($"/api/v1/conversations/{first}", new { is_active = false, status = "resolved" })).Status.ShouldBe(HttpStatusCode.OK);
        await CreateAsync(t.Http, "conversations", new { agent_id = agent, customer_phone = "+14155550101", channel = "whatsapp" });
        (await CountAsync(t.Http, "conversations", "&agent_id=" + agent + "&customer_phone=%2B14155550101&is_active=true")).ShouldBe(1);
        // An agent conversation needs the phone (seed 001: NOT NULL), a conversation needs a customer or an agent.
        (await t.Http.PostJsonAsync("/api/v1/conversations", new { agent_id = agent })).ShouldBeProblem(422, "customer_phone");
        (await t.Http.PostJsonAsync("/api/v1/conversations", new { channel = "email" })).ShouldBeProblem(422, "customer_id");
    }
}

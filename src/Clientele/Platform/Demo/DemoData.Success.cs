using Clientele.Modules.Success.AccountPlans;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// Seed 003's customer success around the same customers: contracts matching their ARR and
    /// renewal date, entitlements, daily usage, risk signals and save plays for at-risk accounts,
    /// health history ending at today's score, the renewal pipeline, expansion, QBRs and account plans.
    /// </summary>
    public static async Task SuccessAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("success");
        var big = d.Customers.Where(c => c.Plan is "enterprise" or "premium" && c.Stage != "churned").Take(5).ToList();

        // Contracts end on the customer's renewal date.
        foreach (var c in big)
        {
            var end = c.RenewalDate;
            var contract = await d.CreateAsync("contracts", new
            {
                customer_id = c.Id, file_name = $"{c.Domain}-msa.pdf", file_url = $"https://files.northwind-demo.dev/contracts/{c.Domain}-msa.pdf",
                company_name = c.Company, arr = c.Arr, contract_term = "12 months", start_date = end.AddYears(-1), end_date = end,
                status = end < d.Today ? "expired" : "active",
                parsed_data = new { signatory = c.Name, auto_renew = true }, pricing_terms = new { billing = c.Plan == "enterprise" ? "annual" : "monthly", uplift_cap_percent = 5 },
                technical_requirements = new[] { "SSO (SAML)", "EU data residency" }, next_steps = new[] { "Kick-off with IT" },
            });
            var seats = c.Plan == "enterprise" ? 100 : 25;
            foreach (var (name, qty, unit, price, category) in new[]
                     {
                         ("Agent seats", seats, "seats", Math.Round(c.Arr * 0.8m / seats, 2), "license"),
                         ("AI message credits", 50000, "messages", 0.01m, "usage"),
                         ("Premium support", 1, "package", Math.Round(c.Arr * 0.2m - 500m, 2), "support"),
                     })
                await d.CreateAsync("entitlements", new
                {
                    contract_id = contract, name, quantity = qty, unit, price = Math.Max(0m, price), category,
                    description = $"{name} included in the {c.Plan} contract",
                });
        }
        await d.CreateAsync("contracts", new
        {
            file_name = "initech-order-form.pdf", company_name = "Initech", raw_text = "ORDER FORM … Initech … 24 months …", status = "pending",
            missing_info = new[] { "customer match", "start date" },
        });

        // Daily usage for the last three days; healthier customers use more.
        foreach (var c in d.Customers.Where(c => c.Paying).Take(5))
        {
            for (var day = 3; day >= 1; day--)
            {
                var mau = Math.Max(5, c.Health * 3);
                var wau = mau * 2 / 3;
                var dau = Math.Max(1, wau / 2 - day);
                await d.CreateAsync("usage_metrics", new
                {
                    customer_id = c.Id, metric_date = d.Day(-day), dau, wau, mau, login_count = dau * 3, api_calls = f.Random.Int(500, 20000),
                    session_duration_avg = f.Random.Int(300, 1800), active_users = dau,
                    feature_adoption = new { inbox = 0.9, whatsapp = c.Health > 60 ? 0.7 : 0.2, reports = 0.4 },
                    usage_trend = c.Stage == "at_risk" ? "decreasing" : c.Health > 75 ? "increasing" : "stable", adoption_score = Math.Clamp(c.Health + 5, 0, 100),
                });
            }
        }

        // Health history: weekly scores converging to today's health score.
        foreach (var c in d.Customers.Take(5))
        {
            var start = c.Stage == "at_risk" || c.Stage == "churned" ? Math.Min(100, c.Health + 30) : Math.Max(0, c.Health - 8);
            for (var w = 4; w >= 0; w--)
            {
                var score = c.Health + (start - c.Health) * w / 4;
                await d.CreateAsync("health_score_history", new
                {
                    customer_id = c.Id, score, recorded_at = d.DaysAgo(7 * w),
                    components = new { usage = Math.Clamp(score + 5, 0, 100), support = Math.Clamp(score - 5, 0, 100), billing = c.Stage == "at_risk" ? 40 : 90 },
                });
            }
        }

        // Risks, and save plays following a playbook.
        var playbooks = new List<Guid>();
        foreach (var (title, category, content) in new[]
                 {
                     ("Executive re-engagement", "churn_risk", "When the champion leaves or engagement drops: book an executive call within 5 days, review value delivered, agree on a success plan."),
                     ("Usage recovery", "adoption", "When weekly active users fall by more than 30%: run a usage review, retrain admins, enable one new workflow."),
                     ("Renewal readiness", "renewal", "90 days before renewal: confirm stakeholders, send a value summary, hold the QBR, propose terms."),
                 })
            playbooks.Add(await d.CreateAsync("csm_playbooks", new
            {
                title, category, content, embedding = Enumerable.Range(0, 8).Select(_ => (float)Math.Round(f.Random.Double(-1, 1), 4)).ToArray(),
                metadata = new { version = 1 },
            }));
        var atRisk = d.Customers.Where(c => c.Stage == "at_risk").Take(4).ToList();
        var i = 0;
        foreach (var c in atRisk)
        {
            // Open signals are one per type and customer; the recompute's detectors may have opened this one already.
            await d.ExecuteAsync("""
                INSERT INTO risk_signals (id, organization_id, customer_id, signal_type, severity, description, detected_at, auto_detected, source, metadata)
                VALUES ($1, $2, $3, 'usage_decline', $4, 'Weekly active users down 45% over four weeks', $5, true, 'usage_monitor', '{"wau_before": 120, "wau_now": 66}')
                ON CONFLICT (organization_id, customer_id, signal_type) WHERE resolved_at IS NULL DO NOTHING
                """, Guid.CreateVersion7(), d.Session.OrganizationId, c.Id, c.Health < 30 ? "critical" : "high", d.DaysAgo(14));
            if (i == 0)
                await d.CreateAsync("risk_signals", new
                {
                    customer_id = c.Id, signal_type = "payment_failure", severity = "medium", description = "Card declined on the last invoice",
                    detected_at = d.DaysAgo(25), resolved_at = d.DaysAgo(20), resolution_notes = "Customer updated the card", auto_detected = true, source = "billing",
                });
            if (i < 3)
                await d.CreateAsync("save_plays", new
                {
                    customer_id = c.Id, playbook_id = playbooks[i % 2], status = i == 0 ? "in_progress" : "open", risk_level = c.Health < 30 ? "critical" : "high",
                    primary_issue = "Adoption dropped after the champion left", root_cause = "No trained admin since the reorganisation",
                    action_plan = new[] { new { step = "Executive call", done = i == 0 }, new { step = "Admin retraining", done = false } },
                    success_criteria = "WAU back above 100 within 30 days", deadline = d.Day(30), owner_id = c.CsmId, escalation_level = i == 0 ? 2 : 1,
                    arr_at_risk = c.Arr,
                });
            i++;
        }

        // Renewals in the next four months.
        foreach (var c in d.Customers.Where(c => c.Paying && c.Stage != "churned" && c.RenewalDate >= d.Today && c.RenewalDate <= d.Day(120)).Take(6))
        {
            var risky = c.Stage == "at_risk";
            // SQL with ON CONFLICT, not the store: the health recompute (outbox) may already have planned this
            // renewal from the committed rows while the demo is still filling; its row then stands.
            await d.ExecuteAsync("""
                INSERT INTO renewal_pipeline (id, organization_id, customer_id, renewal_date, current_arr, proposed_arr, probability, stage, risk_factors,
                                              expansion_potential, champion_engaged, exec_sponsor_engaged, qbr_completed, value_summary_sent, proposal_sent, owner_id, notes)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $11, $11, true, $11, $12, $13)
                ON CONFLICT (organization_id, customer_id, renewal_date) DO NOTHING
                """, Guid.CreateVersion7(), d.Session.OrganizationId, c.Id, c.RenewalDate, c.Arr, Math.Round(c.Arr * (risky ? 0.9m : 1.05m), 2),
                risky ? 40 : 85, risky ? "engaged" : "proposal", risky ? "[\"usage decline\"]" : "[]", risky ? 0m : Math.Round(c.Arr * 0.1m, 2), !risky,
                c.CsmId, risky ? "Save play in progress before proposing terms" : "Proposal sent with a 5% uplift");
        }

        // Expansion at healthy accounts, championed by their primary contact.
        foreach (var (c, type) in d.Customers.Where(c => c.Paying && c.Stage == "active" && c.Health >= 60).Take(4)
                     .Zip(new[] { "seat-expansion", "upsell", "add-on", "cross-sell" }))
        {
            await d.CreateAsync("expansion_opportunities", new
            {
                customer_id = c.Id, opportunity_type = type, product_line = type == "add-on" ? "AI message packs" : "Clientele Enterprise",
                estimated_value = Math.Round(c.Arr * 0.2m, 2), probability = 55, stage = "qualified", champion_id = c.PrimaryContactId,
                use_case = "Roll out to the regional support teams", timeline = "next_quarter", blockers = new[] { "Budget approval" },
                next_steps = "Share pricing for 30 more seats",
            });
        }

        // QBRs: the last quarter's (completed) and the next one's (scheduled), and account plans for the largest accounts.
        var quarter = (d.Now.Month - 1) / 3 + 1;
        var lastQuarter = quarter == 1 ? $"Q4 {d.Now.Year - 1}" : $"Q{quarter - 1} {d.Now.Year}";
        foreach (var c in big.Take(3))
        {
            await d.CreateAsync("qbrs", new
            {
                customer_id = c.Id, quarter = lastQuarter, scheduled_date = d.Day(-40), completed_date = d.Day(-40), status = "completed",
                attendees = new[] { c.Name, d.Users.First(u => u.Id == c.CsmId).Name }, exec_sponsor_attended = c.Plan == "enterprise",
                summary = "Reviewed adoption and ROI; agreed on the next quarter's goals.", wins = new[] { "First response time down 38%" },
                challenges = new[] { "Reporting for regional teams" }, action_items = new[] { "Roll out dashboards" },
                nps_score = 40, health_score_at_qbr = c.Health, expansion_discussed = true, renewal_discussed = c.RenewalDate <= d.Day(120),
            });
            await d.CreateAsync("qbrs", new
            {
                customer_id = c.Id, quarter = $"Q{quarter} {d.Now.Year}", scheduled_date = d.Day(20), status = "scheduled", attendees = new[] { c.Name },
            });
            // Written as a draft, submitted and approved by the owner: the product's own path.
            var plan = await d.CreateAsync("account_plans", new
            {
                customer_id = c.Id, fiscal_year = $"FY{d.Now.Year}",
                strategic_objectives = new[] { "Automate 60% of tier-1 support", "Launch WhatsApp in two new regions" },
                success_metrics = new { automation_rate = 0.6, csat = 4.5 }, stakeholder_map = new { champion = c.Name, exec_sponsor = "COO" },
                expansion_targets = new[] { new { product = "Enterprise seats", value = Math.Round(c.Arr * 0.2m, 2) } },
                risk_mitigation = new[] { "Quarterly exec check-ins" }, qbr_schedule = new[] { lastQuarter, $"Q{quarter} {d.Now.Year}" },
                owner_id = c.CsmId,
            });
            (await AccountPlanActions.SubmitAsync(d.Session, plan, d.Ct)).ThrowIfRefused();
            (await AccountPlanActions.ApproveAsAsync(d.Session, plan, d.OwnerId, d.Ct)).ThrowIfRefused();
        }
    }
}

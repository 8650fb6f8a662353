namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// The CSM copilot (seed 003): sessions about customers with their messages, the agents'
    /// activity (nested actions), free chat, and actions waiting for or given a human decision.
    /// </summary>
    public static async Task AgentWorkspaceAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("agents");
        var focus = d.Customers.Where(c => c.Paying && c.Stage is "at_risk" or "active").Take(3).ToList();
        var k = 0;
        foreach (var c in focus)
        {
            var agent = c.Stage == "at_risk" ? "risk" : "renewal";
            var session = await d.CreateAsync("agent_sessions", new
            {
                customer_id = c.Id, user_id = c.CsmId, status = "active", active_agent = agent, deployed_agents = new[] { "orchestrator", agent, "communications" },
                context = new { customer = c.Company, health_score = c.Health, renewal_date = c.RenewalDate },
            });
            d.Ids[$"session:{k}"] = session;
            await d.CreateAsync("agent_messages", new { session_id = session, role = "user", content = $"Prepare me for the call with {c.Company} tomorrow." });
            await d.CreateAsync("agent_messages", new
            {
                session_id = session, agent_id = "orchestrator", role = "assistant", thinking = true, deployed_agent = agent,
                content = $"Looking at {c.Company}'s health ({c.Health}/100), open invoices and recent conversations…",
            });
            await d.CreateAsync("agent_messages", new
            {
                session_id = session, agent_id = agent, role = "assistant", requires_approval = true, deployed_agent = "communications",
                content = $"Summary ready. I drafted a follow-up email to {c.Name}; approve to send it.",
                tool_calls = new[] { new { name = "draft_email", arguments = new { to = c.Email, template = "pre_call_summary" } } },
            });
            var parentStart = d.DaysAgo(0.2 + k);
            var parent = await d.CreateAsync("agent_activity_log", new
            {
                customer_id = c.Id, user_id = c.CsmId, agent_type = "orchestrator", action_type = "prepare_call_brief",
                action_data = new { customer_id = c.Id }, result_data = new { sections = 4 }, status = "completed",
                started_at = parentStart, completed_at = parentStart.AddSeconds(12), duration_ms = 12000, session_id = $"sess-{session:N}"[..20],
            });
            await d.CreateAsync("agent_activity_log", new
            {
                customer_id = c.Id, user_id = c.CsmId, agent_type = agent, action_type = "fetch_health_history",
                action_data = new { days = 90 }, result_data = new { points = 12 }, status = "completed",
                started_at = parentStart.AddSeconds(1), completed_at = parentStart.AddSeconds(3), duration_ms = 2000, parent_action_id = parent,
                session_id = $"sess-{session:N}"[..20],
            });
            // One decision pending (the draft email), and on the first session an earlier approved and a rejected one.
            await d.CreateAsync("approvals", new
            {
                session_id = session, agent_id = "communications", action = "send_email", details = $"Send the pre-call summary to {c.Email}", status = "pending",
                metadata = new { channel = "email" },
            });
            if (k == 0)
            {
                await d.CreateAsync("approvals", new
                {
                    session_id = session, agent_id = agent, action = "create_task", details = "Create a follow-up task for the QBR deck", status = "approved",
                    resolved_by = c.CsmId, resolved_at = d.DaysAgo(0.1), comment = "Go ahead",
                });
                await d.CreateAsync("approvals", new
                {
                    session_id = session, agent_id = agent, action = "offer_discount", details = "Offer 15% off the renewal", status = "rejected",
                    resolved_by = c.CsmId, resolved_at = d.DaysAgo(0.05), comment = "Too early for a discount",
                });
            }
            k++;
        }
        // Free-form assistant chat of a CSM.
        var csm = d.Csms.First();
        var chatId = $"chat-{f.Random.AlphaNumeric(10)}";
        var about = focus.FirstOrDefault();
        foreach (var (role, content, agentType) in new[]
                 {
                     ("user", "Which of my accounts renew in the next 60 days?", (string?)null),
                     ("assistant", "Four accounts renew in the next 60 days; two of them are at risk.", "renewal"),
                     ("user", "Draft a save plan for the riskiest one.", null),
                     ("assistant", "Here is a draft save plan with three steps: exec call, usage review, success plan.", "risk"),
                 })
            await d.CreateAsync("chat_messages", new { customer_id = about?.Id, user_id = csm.Id, role, content, agent_type = agentType, session_id = chatId });
        // Google Workspace actions proposed by agents.
        if (about is not null)
        {
            await d.CreateAsync("google_pending_approvals", new
            {
                user_id = about.CsmId, agent_type = "communications", action_type = "send_email", customer_id = about.Id,
                action_data = new { to = about.Email, subject = $"Next steps for {about.Company}" },
                preview_data = new { snippet = "Thanks for your time today. As discussed…" }, status = "pending", expires_at = d.DaysAhead(2),
            });
            await d.CreateAsync("google_pending_approvals", new
            {
                user_id = about.CsmId, agent_type = "scheduler", action_type = "create_calendar_event", customer_id = about.Id,
                action_data = new { title = "QBR prep", duration_minutes = 30 }, status = "approved", decided_by = about.CsmId, decided_at = d.DaysAgo(1),
                decision_note = "Booked", expires_at = d.DaysAhead(1),
            });
        }
    }
}

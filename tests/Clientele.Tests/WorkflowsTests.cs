using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Issue 15 item 3: workflows run their steps in order, with retries, timeouts, a step log and cancel.</summary>
public sealed class WorkflowsTests(AutomationFixture app) : IClassFixture<AutomationFixture>
{
    private static async Task<JsonObject> FinishedAsync(AppFixture.Tenant t, string execution) =>
        (await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/workflow_executions/{execution}"),
            r => r.Json!["status"]!.GetValue<string>() != "running", TimeSpan.FromSeconds(45), $"execution {execution} to finish")).Json!.AsObject();

    private static async Task<string> CreateAsync(AppFixture.Tenant t, object workflow)
    {
        var r = await t.Http.PostJsonAsync("/api/v1/workflows", workflow);
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        return r.Json!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Trigger_types_configs_and_steps_are_validated_on_save_with_the_failing_field_named()
    {
        var t = await app.SignupAsync();
        var bad = await t.Http.PostJsonAsync("/api/v1/workflows", new
        {
            name = "x", trigger_type = "event_based", trigger_config = new { all = new[] { new { path = "customer.health_score", op = "lt", value = 40 } } },
            actions = new object[] { new { type = "create_note", content = "x", retries = 99 }, new { type = "delay" }, new { type = "teleport" }, new { type = "notify", owner = true, timeout_seconds = 500 } },
        });
        bad.ShouldBeProblem(422, "trigger_config.event");
        foreach (var field in new[] { "actions[0].retries", "actions[1].seconds", "actions[2].type", "actions[3].timeout_seconds" }) bad.Json!["errors"]![field].ShouldNotBeNull(field);
        (await t.Http.PostJsonAsync("/api/v1/workflows", new { name = "x", trigger_type = "hourly", actions = new[] { new { type = "notify", owner = true } } })).ShouldBeProblem(422, "trigger_type");
        (await t.Http.PostJsonAsync("/api/v1/workflows", new { name = "x", trigger_type = "time_based", trigger_config = new { schedule = "every day" }, actions = new[] { new { type = "notify", owner = true } } }))
            .ShouldBeProblem(422, "trigger_config.schedule");
        (await t.Http.GetJsonAsync("/api/v1/workflows")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_manual_run_executes_the_steps_in_order_and_logs_each_with_input_output_and_duration()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { health_score = 70 });
        var id = await CreateAsync(t, new
        {
            name = "Onboarding", trigger_type = "manual",
            actions = new object[]
            {
                new { type = "create_note", content = "Kickoff done" }, new { type = "delay", seconds = 1 },
                new { type = "create_task", content = "Check adoption", due_in_days = 7 }, new { type = "set_field", field = "stage", value = "onboarding" },
            },
        });
        var run = await t.Http.PostJsonAsync($"/api/v1/workflows/{id}/run", new { customer_id = customer });
        run.Status.ShouldBe(HttpStatusCode.Accepted, run.Json?.ToJsonString());
        run.Json!["status"]!.GetValue<string>().ShouldBe("running");

        var done = await FinishedAsync(t, run.Json["id"]!.GetValue<string>());
        done["status"]!.GetValue<string>().ShouldBe("completed", done.ToJsonString());
        var log = done["execution_log"]!.AsArray();
        log.Select(e => e!["type"]!.GetValue<string>()).ShouldBe(["create_note", "delay", "create_task", "set_field"]);
        log.ShouldAllBe(e => e!["status"]!.GetValue<string>() == "succeeded" && e["attempts"]!.GetValue<int>() == 1 && e["duration_ms"] != null);
        log[0]!["input"]!["content"]!.GetValue<string>().ShouldBe("Kickoff done");
        var noteId = log[0]!["output"]!["note_id"]!.GetValue<string>();
        // The delay held the next step back by its second.
        DateTime.Parse(log[2]!["started_at"]!.GetValue<string>()).ShouldBeGreaterThanOrEqualTo(DateTime.Parse(log[1]!["started_at"]!.GetValue<string>()).AddSeconds(1));
        (await t.Http.GetJsonAsync($"/api/v1/customer_notes/{noteId}")).Json!["content"]!.GetValue<string>().ShouldBe("Kickoff done");
        (await t.Http.GetJsonAsync($"/api/v1/customers/{customer}")).Json!["stage"]!.GetValue<string>().ShouldBe("onboarding");
        (await t.Http.PostJsonAsync($"/api/v1/workflows/{id}/run", new { customer_id = "nope" })).ShouldBeProblem(422, "customer_id");
    }

    [Fact]
    public async Task A_step_that_times_out_is_retried_and_a_step_that_keeps_failing_fails_the_run_and_stops_it()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { health_score = 70 });
        var retried = await CreateAsync(t, new
        {
            name = "Retry", trigger_type = "manual",
            actions = new object[] { new { type = "set_field", field = "health_score", value = 33, timeout_seconds = 1, retries = 3, retry_delay_seconds = 1 } },
        });
        // Someone holds the customer row: the first attempt waits on the lock until its timeout.
        await using var conn = await app.OwnerAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM customers WHERE id = $1 FOR UPDATE", conn, tx))
        {
            lockRow.Parameters.AddWithValue(customer);
            await lockRow.ExecuteScalarAsync();
        }
        var execution = (await t.Http.PostJsonAsync($"/api/v1/workflows/{retried}/run", new { customer_id = customer })).Json!["id"]!.GetValue<string>();
        await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/workflow_executions/{execution}"),
            r => r.Json!["execution_log"]?.AsArray().FirstOrDefault()?["errors"]?.AsArray().Count > 0, TimeSpan.FromSeconds(30), "the first attempt to time out");
        await tx.CommitAsync();
        var done = await FinishedAsync(t, execution);
        done["status"]!.GetValue<string>().ShouldBe("completed", done.ToJsonString());
        var step = done["execution_log"]!.AsArray().Single()!;
        step["attempts"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(2);
        step["errors"]!.AsArray()[0]!["error"]!.GetValue<string>().ShouldContain("timed out after 1 s");
        (await t.Http.GetJsonAsync($"/api/v1/customers/{customer}")).Json!["health_score"]!.GetValue<int>().ShouldBe(33);

        // No customer to write on: the step fails each attempt, the run fails, the next step never runs.
        var failing = await CreateAsync(t, new
        {
            name = "Fails", trigger_type = "manual",
            actions = new object[] { new { type = "create_note", content = "needs a customer", retries = 1, retry_delay_seconds = 0 }, new { type = "notify", owner = true } },
        });
        var failed = await FinishedAsync(t, (await t.Http.PostJsonAsync($"/api/v1/workflows/{failing}/run", new { })).Json!["id"]!.GetValue<string>());
        failed["status"]!.GetValue<string>().ShouldBe("failed");
        failed["error_message"]!.GetValue<string>().ShouldContain("step 1 (create_note) failed after 2 attempt(s)");
        var only = failed["execution_log"]!.AsArray().Single()!;
        only["status"]!.GetValue<string>().ShouldBe("failed");
        only["errors"]!.AsArray().Count.ShouldBe(2);
        (await t.Http.GetJsonAsync($"/api/v1/notifications?user_id={t.UserId}&category=trigger")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_canceled_execution_starts_no_further_step_and_cannot_be_canceled_twice()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { health_score = 70 });
        var id = await CreateAsync(t, new { name = "Slow", trigger_type = "manual", actions = new object[] { new { type = "delay", seconds = 3 }, new { type = "create_note", content = "too late" } } });
        var execution = (await t.Http.PostJsonAsync($"/api/v1/workflows/{id}/run", new { customer_id = customer })).Json!["id"]!.GetValue<string>();
        var canceled = await t.Http.PostJsonAsync($"/api/v1/workflow_executions/{execution}/cancel", new { });
        canceled.Status.ShouldBe(HttpStatusCode.OK, canceled.Json?.ToJsonString());
        canceled.Json!["status"]!.GetValue<string>().ShouldBe("canceled");
        (await t.Http.PostJsonAsync($"/api/v1/workflow_executions/{execution}/cancel", new { })).Status.ShouldBe(HttpStatusCode.Conflict);
        await Task.Delay(TimeSpan.FromSeconds(5));
        (await t.Http.GetJsonAsync($"/api/v1/customer_notes?customer_id={customer}")).Json!["data"]!.AsArray().ShouldBeEmpty();
        (await t.Http.GetJsonAsync($"/api/v1/workflow_executions/{execution}")).Json!["status"]!.GetValue<string>().ShouldBe("canceled");
    }

    [Fact]
    public async Task Event_and_condition_based_workflows_start_from_customer_changes_and_a_condition_only_on_its_transition()
    {
        var t = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync(new { health_score = 80 });
        var onEvent = await CreateAsync(t, new
        {
            name = "On drop", trigger_type = "event_based",
            trigger_config = new { @event = "customer.updated", all = new[] { new { path = "customer.health_score", op = "lt", value = 40 } } },
            actions = new[] { new { type = "create_note", content = "event" } },
        });
        var onCondition = await CreateAsync(t, new
        {
            name = "Below 40", trigger_type = "condition_based",
            trigger_config = new { condition = new { all = new[] { new { path = "customer.health_score", op = "lt", value = 40 } } } },
            actions = new[] { new { type = "create_note", content = "condition" } },
        });
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{customer}", new { health_score = 30 })).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{customer}", new { health_score = 25 })).Status.ShouldBe(HttpStatusCode.OK);
        var events = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/workflow_executions?workflow_id={onEvent}&status=completed"),
            r => r.Json!["data"]!.AsArray().Count >= 2, TimeSpan.FromSeconds(30), "both updates to run the event workflow");
        events.Json!["data"]!.AsArray().Count.ShouldBe(2);
        // Wait for the condition run to finish too (it is started by the same first event as the first event run).
        await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/workflow_executions?workflow_id={onCondition}&status=completed"),
            r => r.Json!["data"]!.AsArray().Count >= 1, TimeSpan.FromSeconds(30), "the condition workflow's run");
        var conditions = (await t.Http.GetJsonAsync($"/api/v1/workflow_executions?workflow_id={onCondition}")).Json!["data"]!.AsArray();
        conditions.Count.ShouldBe(1, "the condition became true once (80 -> 30); 30 -> 25 is no transition");
        conditions[0]!["extra_metadata"]!["started_by"]!.GetValue<string>().ShouldBe("condition_based");
        (await t.Http.GetJsonAsync($"/api/v1/customer_notes?customer_id={customer}&content=condition")).Json!["data"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_time_based_workflow_runs_on_its_cron_through_a_scheduled_task()
    {
        var t = await app.SignupAsync();
        var id = await CreateAsync(t, new
        {
            name = "Every two seconds", trigger_type = "time_based", trigger_config = new { schedule = "*/2 * * * * *", time_zone = "Europe/Berlin" },
            actions = new[] { new { type = "notify", owner = true, title = "Tick" } },
        });
        var task = (await t.Http.GetJsonAsync("/api/v1/scheduled_tasks?task_type=workflow")).Json!["data"]!.AsArray().Single()!;
        task["parameters"]!["workflow_id"]!.GetValue<string>().ShouldBe(id);
        task["next_run_at"].ShouldNotBeNull();
        var runs = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/workflow_executions?workflow_id={id}&status=completed"),
            r => r.Json!["data"]!.AsArray().Count >= 2, TimeSpan.FromSeconds(40), "two timed runs");
        runs.Json!["data"]!.AsArray().ShouldAllBe(x => x!["extra_metadata"]!["started_by"]!.GetValue<string>() == "time_based");

        (await t.Http.PatchJsonAsync($"/api/v1/workflows/{id}", new { is_active = false })).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.GetJsonAsync($"/api/v1/scheduled_tasks/{task["id"]}")).Json!["is_active"]!.GetValue<bool>().ShouldBeFalse();
    }
}

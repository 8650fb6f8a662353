using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Hosting;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Clientele.Platform.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Clientele.Platform.Events;

/// <summary>domain_events as a read-only resource (GET /api/v1/domain_events: filters, cursor paging) and its dispatcher.</summary>
public sealed class DomainEventsModule : IModule
{
    public void ConfigureResources(ResourceOptions r) =>
        r.Table("domain_events").ReadOnly()
            .Describe("Named events of every change (customer.updated, invoice.paid, ...), kept by month; triggers, workflows and webhooks consume them.");

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddHostedService<DomainEventSignalRegistration>();
        var keepDays = config.GetValue("Automation:EventRetentionDays", 90);
        services.AddSystemJob("automation.domain_event_partitions", config["Automation:EventPartitionsCron"] ?? "0 20 3 * * ?", async (run, ct) =>
        {
            var app = run.Services.GetRequiredService<Database.AppDataSource>();
            await using var cmd = app.DataSource.CreateCommand("SELECT clientele_create_domain_event_partitions(3), clientele_drop_old_domain_event_partitions(make_interval(days => $1))");
            cmd.Parameters.AddWithValue(keepDays);
            await cmd.ExecuteNonQueryAsync(ct);
        }, "Creates the coming months' domain_events partitions and drops those past Automation:EventRetentionDays");
        foreach (var type in typeof(IDomainEventSubscriber).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDomainEventSubscriber).IsAssignableFrom(t)))
            services.AddSingleton(typeof(IDomainEventSubscriber), type);
    }
}

/// <summary>Registers this host's outbox signal with the static publisher while the host runs.</summary>
internal sealed class DomainEventSignalRegistration(OutboxSignal signal, IEnumerable<IDomainEventSubscriber> subscribers) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        DomainEvents.RegisterSignal(signal);
        DomainEvents.RegisterSubscribers(subscribers);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct)
    {
        DomainEvents.UnregisterSignal(signal);
        DomainEvents.UnregisterSubscribers(subscribers);
        return Task.CompletedTask;
    }
}

/// <summary>A delivered event as consumers see it (the outbox envelope, snake_case JSON).</summary>
public sealed record PublishedEvent(Guid Id, string Type, string? ResourceType, Guid? ResourceId, Guid? CustomerId,
    JsonElement Data, string[] ChangedFields, JsonElement? Previous, string? ActorType, Guid? ActorId, DateTime CreatedAt);

/// <summary>
/// Something that reacts to published events (triggers, event-based workflows, webhook endpoints).
/// Runs inside the dispatch job's tenant transaction: its writes commit with the row's completion,
/// and a throw retries the whole batch, so subscribers must be idempotent per event id.
/// </summary>
public interface IDomainEventSubscriber
{
    Task OnEventsAsync(JobContext job, IReadOnlyList<PublishedEvent> events, CancellationToken ct);

    /// <summary>
    /// Asked when the event is published, before its dispatch row is written: can this subscriber act
    /// on it? When no subscriber can, no dispatch row is written (the domain_events row still is).
    /// Answer Yes when unsure: a needless dispatch costs a job, a missing one loses the reaction.
    /// </summary>
    EventInterest InterestIn(EventHead e);
}

/// <summary>A subscriber's answer to <see cref="IDomainEventSubscriber.InterestIn"/>.</summary>
public enum EventInterest
{
    No,
    Yes,
    /// <summary>Only through the organization's automation rows (enabled triggers, active event, condition or time workflows, enabled webhook endpoints), which the publisher checks in the same statement.</summary>
    WhenOrganizationAutomates,
}

/// <summary>What a subscriber may look at to answer <see cref="IDomainEventSubscriber.InterestIn"/>.</summary>
public sealed record EventHead(string Type, string? ResourceType, Guid? CustomerId, string[] ChangedFields, JsonObject? Data, string? ActorType);

/// <summary>The outbox handler for <see cref="DomainEvents.DispatchTopic"/>: hands each batch to every subscriber.</summary>
public sealed class DomainEventDispatchJob(IEnumerable<IDomainEventSubscriber> subscribers) : IJobHandler
{
    private sealed record Envelope(List<PublishedEvent> Events);

    public string Topic => DomainEvents.DispatchTopic;

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var events = job.Read<Envelope>().Events;
        foreach (var sub in subscribers) await sub.OnEventsAsync(job, events, ct);
    }
}

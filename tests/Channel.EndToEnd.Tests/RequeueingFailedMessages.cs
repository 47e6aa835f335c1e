using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Testing;
using RabbitMQ.Client;

namespace Channel.EndToEnd.Tests;

/// <summary>
/// An operator's way back after a consumer gave up, on every service through the gateway: a message its consumer could not
/// take lands in that queue's <c>_error</c> queue, the admin endpoint counts it there, moves it back to its queue, and the
/// message keeps its id on the way (so an inbox still recognises one it had in fact handled).
/// </summary>
[Collection(SharedSystem.Name)]
public sealed class RequeueingFailedMessages(RunningSystem system)
{
    public static TheoryData<string> Services => [.. TwoTenants.Services];

    sealed record ErrorQueue(string Queue, string ErrorQueueName, long Messages);

    [Theory]
    [MemberData(nameof(Services))]
    public async Task A_message_its_consumer_could_not_take_is_counted_in_its_error_queue_and_moved_back_with_its_message_id(string service)
    {
        var admin = system.Client("admin");
        var queues = await admin.GetFromJsonAsync<List<ErrorQueue>>($"/api/{service}/admin/errors", JsonSerializerOptions.Web);
        Assert.NotNull(queues);
        Assert.NotEmpty(queues);
        // One whose _error queue is empty, so that what lands there is this test's.
        var queue = queues.FirstOrDefault(q => q.Messages == 0) ?? throw new InvalidOperationException($"every _error queue of {service} holds messages");
        Assert.Equal($"{queue.Queue}_error", queue.ErrorQueueName);

        // Something no consumer can read (not JSON at all), sent straight to the service's queue: MassTransit gives up on it at
        // once and moves it to the _error queue.
        var messageId = Guid.NewGuid().ToString();
        await using var connection = await new ConnectionFactory { Uri = new Uri(system.Broker.Uri) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { MessageId = messageId, ContentType = "application/vnd.masstransit+json", Persistent = true };
        await channel.BasicPublishAsync("", queue.Queue, mandatory: true, properties, Encoding.UTF8.GetBytes("{ this is not a message"));

        async Task<long> Waiting() =>
            (await admin.GetFromJsonAsync<List<ErrorQueue>>($"/api/{service}/admin/errors", JsonSerializerOptions.Web))!.Single(q => q.Queue == queue.Queue).Messages;
        // At least one: a copy can land there twice (moving to _error is not atomic), which is harmless, since every copy keeps the
        // message id and an inbox takes a message once.
        var waiting = await Eventually.Value(Waiting, n => n >= 1, $"the unreadable message in {queue.ErrorQueueName}");

        // Moved back: the consumer fails on it again, and it returns to the _error queue, the same message.
        var requeued = await admin.PostAsync($"/api/{service}/admin/errors/{queue.Queue}/requeue?max=10", null);
        Assert.Equal(HttpStatusCode.OK, requeued.StatusCode);
        Assert.InRange((await requeued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").GetInt32(), waiting, 10);
        var back = await Eventually.Value(async () => await channel.BasicGetAsync(queue.ErrorQueueName, autoAck: true), got => got is not null,
            $"the message back in {queue.ErrorQueueName}");
        Assert.Equal(messageId, back!.BasicProperties.MessageId);
        Assert.Equal("{ this is not a message", Encoding.UTF8.GetString(back.Body.Span));

        // Only this service's own queues can be named.
        var foreign = await admin.PostAsync($"/api/{service}/admin/errors/someone-elses-queue/requeue", null);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }
}

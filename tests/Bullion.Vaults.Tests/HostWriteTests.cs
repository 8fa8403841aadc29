using Microsoft.Data.Sqlite;

namespace Bullion.Vaults.Tests;

public class HostWriteTests
{
    [Fact]
    public async Task Five_concurrent_writers_lose_nothing_and_never_see_busy()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        const int writers = 5, perWriter = 3_000;
        var failures = 0;
        var acknowledged = 0;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                try
                {
                    await fixture.Host.WriteAsync(id, new InsertRow(w * perWriter + i, "w"));
                    Interlocked.Increment(ref acknowledged);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));

        Assert.Equal(0, failures);
        Assert.Equal(writers * perWriter, acknowledged);
        Assert.Equal(acknowledged, await fixture.Host.ReadAsync(id, new CountRows()));
        var counters = fixture.Host.Counters;
        Assert.Equal(acknowledged, counters.Writes);
        Assert.True(counters.Batches <= counters.Writes);

        // Durable in the file, not just in the open connection.
        await fixture.Host.DisposeAsync();
        Assert.Equal(writers * perWriter, Files.CountRows(fixture.Store.PathOf(id)));
    }

    [Fact]
    public async Task A_failing_write_inside_a_busy_batch_fails_alone()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        using var gate = new Gate();
        var held = fixture.Host.WriteAsync(id, gate);
        gate.WaitEntered();

        // Queued behind the gate, these 100 writes are taken as one batch; number 50 breaks a CHECK constraint.
        var writes = Enumerable.Range(0, 100)
            .Select(i => fixture.Host.WriteAsync(id, new InsertRow(i, i == 50 ? "far too long" : "ok")))
            .ToArray();
        gate.Release();
        await held;
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return null;
            }
            catch (SqliteException ex)
            {
                return ex;
            }
        }));

        var failure = Assert.Single(outcomes, o => o is not null);
        Assert.Same(failure, outcomes[50]);
        Assert.Contains("CHECK", failure!.Message, StringComparison.Ordinal);
        Assert.Equal(99, await fixture.Host.ReadAsync(id, new CountRows()));
        Assert.Equal(1, fixture.Host.Counters.ReplayedBatches);
    }

    [Fact]
    public async Task Writes_queued_together_commit_in_one_batch()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        using var gate = new Gate();
        var held = fixture.Host.WriteAsync(id, gate);
        gate.WaitEntered();
        var writes = Enumerable.Range(0, 50).Select(i => fixture.Host.WriteAsync(id, new InsertRow(i, "ok"))).ToArray();
        var batchesBefore = fixture.Host.Counters.Batches;

        gate.Release();
        await held;
        await Task.WhenAll(writes);

        // The gate's own batch, then one batch of 50.
        Assert.Equal(batchesBefore + 2, fixture.Host.Counters.Batches);
    }

    [Fact]
    public async Task A_write_cancelled_while_queued_never_runs()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        using var gate = new Gate();
        var held = fixture.Host.WriteAsync(id, gate);
        gate.WaitEntered();
        using var cancel = new CancellationTokenSource();
        var cancelled = fixture.Host.WriteAsync(id, new InsertRow(1, "never"), cancel.Token);
        var kept = fixture.Host.WriteAsync(id, new InsertRow(2, "kept"));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Release();
        await held;
        await kept;

        Assert.Equal(1, await fixture.Host.ReadAsync(id, new CountRows()));
    }

    [Fact]
    public async Task Reads_see_every_write_acknowledged_before_them()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        for (var i = 1; i <= 20; i++)
        {
            await fixture.Host.WriteAsync(id, new InsertRow(i, "x"));
            Assert.Equal(i, await fixture.Host.ReadAsync(id, new CountRows()));
        }
    }

    [Fact]
    public async Task Separate_connections_writing_beside_the_host_never_fail()
    {
        // As an admin tool beside the server would: its own connections, coordinated through WAL and busy_timeout.
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        const int perWriter = 1_000;
        var path = fixture.Store.PathOf(id);

        var outside = Enumerable.Range(0, 5).Select(w => Task.Run(() =>
        {
            using var connection = VaultConnection.Open(path, fixture.Options);
            for (var i = 0; i < perWriter; i++)
            {
                using var command = connection.CreateCommand();
                command.CommandText = "INSERT INTO rows (k, v) VALUES ($k, 'outside')";
                command.Parameters.AddWithValue("$k", w * perWriter + i);
                command.ExecuteNonQuery();
            }
        }));
        var inside = Enumerable.Range(0, 5).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++) await fixture.Host.WriteAsync(id, new InsertRow(i, "inside"));
        }));
        await Task.WhenAll(outside.Concat(inside));

        Assert.Equal(10 * perWriter, await fixture.Host.ReadAsync(id, new CountRows()));
    }

    [Fact]
    public async Task Changes_are_heard_only_by_listeners_of_that_vault()
    {
        await using var fixture = new HostFixture();
        var a = fixture.NewVault();
        var b = fixture.NewVault();
        var heardA = new TaskCompletionSource<VaultChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        var heardB = 0;
        using var subA = fixture.Host.Subscribe(a, c => heardA.TrySetResult(c));
        using var subB = fixture.Host.Subscribe(b, _ => Interlocked.Increment(ref heardB));

        await fixture.Host.WriteAsync(a, new InsertRow(1, "a"));
        var change = await heardA.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(a, change.VaultId);
        Assert.Equal(1, change.Writes);
        // B's listener would have been queued before A's completed; one more write to B proves the channel works at all.
        Assert.Equal(0, Volatile.Read(ref heardB));
        var heardBNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subB2 = fixture.Host.Subscribe(b, _ => heardBNow.TrySetResult());
        await fixture.Host.WriteAsync(b, new InsertRow(1, "b"));
        await heardBNow.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_disposed_subscription_hears_nothing()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        var heard = 0;
        var sub = fixture.Host.Subscribe(id, _ => Interlocked.Increment(ref heard));
        sub.Dispose();
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var other = fixture.Host.Subscribe(id, _ => later.TrySetResult());

        await fixture.Host.WriteAsync(id, new InsertRow(1, "x"));
        await later.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, Volatile.Read(ref heard));
    }
}

namespace Bullion.Vaults.Tests;

public class HostLifecycleTests
{
    [Fact]
    public async Task Two_hundred_vaults_idle_out_to_the_descriptor_baseline_and_reopen_with_their_data()
    {
        await using var fixture = new HostFixture();
        var root = fixture.Store.RootPath;
        var ids = Enumerable.Range(0, 200).Select(_ => fixture.NewVault()).ToArray();
        var baseline = Files.OpenDescriptorsUnder(root);

        foreach (var (id, i) in ids.Select((id, i) => (id, i))) await fixture.Host.WriteAsync(id, new InsertRow(i, "v"));
        var open = Files.OpenDescriptorsUnder(root);
        Assert.Equal(200, fixture.Host.Counters.OpenVaults);
        Assert.InRange(open - baseline, 200, 3 * 200); // a written WAL vault holds .db, -wal and -shm

        fixture.Time.Advance(TimeSpan.FromMinutes(31));
        await fixture.Host.CloseIdleAsync();

        Assert.Equal(baseline, Files.OpenDescriptorsUnder(root));
        Assert.Equal(0, fixture.Host.Counters.OpenVaults);
        Assert.Equal(200, fixture.Host.Counters.Closes);
        // Each close checkpointed its WAL into the main file; the WAL file is kept (for a fast reopen) but empty.
        Assert.All(Directory.GetFiles(root, "*-wal"), wal => Assert.Equal(0, new FileInfo(wal).Length));

        foreach (var (id, i) in ids.Select((id, i) => (id, i))) Assert.Equal(1, await fixture.Host.ReadAsync(id, new CountRows()));
        Assert.Equal(400, fixture.Host.Counters.Opens);
    }

    [Fact]
    public async Task A_sweep_that_closes_many_vaults_gives_the_managed_heap_back_and_a_small_one_does_not()
    {
        await using var fixture = new HostFixture(configure: o => o.CompactAfterClosing = 3);
        var many = Enumerable.Range(0, 3).Select(_ => fixture.NewVault()).ToArray();
        foreach (var id in many) await fixture.Host.ReadAsync(id, new CountRows());

        fixture.Time.Advance(TimeSpan.FromMinutes(31)); // fires the host's own sweep; awaiting another waits for its give-back
        await fixture.Host.CloseIdleAsync();
        Assert.Equal(1, fixture.Host.Counters.MemoryCompactions);

        foreach (var id in many.Take(2)) await fixture.Host.ReadAsync(id, new CountRows());
        fixture.Time.Advance(TimeSpan.FromMinutes(31));
        await fixture.Host.CloseIdleAsync();
        Assert.Equal(3 + 2, fixture.Host.Counters.Closes);
        Assert.Equal(1, fixture.Host.Counters.MemoryCompactions);
    }

    [Fact]
    public void A_negative_compaction_threshold_is_refused() =>
        Assert.Throws<ArgumentException>(() => new VaultOptions { CompactAfterClosing = -1 }.Validate());

    [Fact]
    public async Task A_vault_used_within_the_idle_window_stays_open()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        await fixture.Host.WriteAsync(id, new InsertRow(1, "x"));

        fixture.Time.Advance(TimeSpan.FromMinutes(29));
        await fixture.Host.CloseIdleAsync();
        Assert.True(fixture.Host.IsOpen(id));

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await fixture.Host.CloseIdleAsync();
        Assert.False(fixture.Host.IsOpen(id));
    }

    [Fact]
    public async Task The_idle_timer_closes_vaults_as_the_clock_moves()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        await fixture.Host.WriteAsync(id, new InsertRow(1, "x"));

        // Advancing the fake clock fires the host's sweep timer; CloseIdleAsync then only waits for the closes it started.
        fixture.Time.Advance(TimeSpan.FromMinutes(35));
        await fixture.Host.CloseIdleAsync();

        Assert.False(fixture.Host.IsOpen(id));
        Assert.Equal(1, fixture.Host.Counters.Closes);
    }

    [Fact]
    public async Task A_leased_vault_is_never_closed()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        using var gate = new Gate();
        var held = fixture.Host.WriteAsync(id, gate);
        gate.WaitEntered();

        fixture.Time.Advance(TimeSpan.FromHours(2));
        await fixture.Host.CloseIdleAsync();
        Assert.True(fixture.Host.IsOpen(id));

        var queued = fixture.Host.WriteAsync(id, new InsertRow(1, "after"));
        gate.Release();
        await held;
        await queued;
        Assert.Equal(1, await fixture.Host.ReadAsync(id, new CountRows()));
        Assert.Equal(0, fixture.Host.Counters.Closes);
    }

    [Fact]
    public async Task The_open_vault_cap_evicts_the_least_recently_used_idle_vault()
    {
        await using var fixture = new HostFixture(configure: o => o.MaxOpen = 3);
        var a = fixture.NewVault();
        var b = fixture.NewVault();
        var c = fixture.NewVault();
        var d = fixture.NewVault();
        foreach (var id in new[] { a, b, c, a })
        {
            await fixture.Host.ReadAsync(id, new CountRows());
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await fixture.Host.ReadAsync(d, new CountRows());

        Assert.False(fixture.Host.IsOpen(b));
        Assert.True(fixture.Host.IsOpen(a));
        Assert.True(fixture.Host.IsOpen(c));
        Assert.True(fixture.Host.IsOpen(d));
        Assert.Equal(1, fixture.Host.Counters.Evictions);
    }

    [Fact]
    public async Task The_cap_never_evicts_a_leased_vault()
    {
        await using var fixture = new HostFixture(configure: o => o.MaxOpen = 1);
        var a = fixture.NewVault();
        var b = fixture.NewVault();
        using var gate = new Gate();
        var held = fixture.Host.WriteAsync(a, gate);
        gate.WaitEntered();

        await fixture.Host.ReadAsync(b, new CountRows());

        Assert.True(fixture.Host.IsOpen(a));
        gate.Release();
        await held;
        Assert.Equal(0, fixture.Host.Counters.Evictions);
    }

    [Fact]
    public async Task Racing_first_uses_of_one_vault_open_it_once()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => fixture.Host.ReadAsync(id, new CountRows()))));

        Assert.Equal(1, fixture.Host.Counters.Opens);
    }

    [Fact]
    public async Task A_missing_vault_is_a_named_error_and_no_file_appears()
    {
        await using var fixture = new HostFixture();
        var id = VaultId.New();

        await Assert.ThrowsAsync<VaultNotFoundException>(() => fixture.Host.ReadAsync(id, new CountRows()));

        Assert.False(fixture.Store.Exists(id));
        Assert.Empty(Directory.GetFileSystemEntries(fixture.Store.RootPath));
        Assert.False(fixture.Host.IsOpen(id));
    }

    [Fact]
    public async Task A_vault_whose_migration_fails_is_unavailable_and_not_retried_until_the_backoff_passes()
    {
        await using var fixture = new HostFixture(
            TestSchemas.With(new VaultMigration(2, "always fails", "SELECT * FROM nowhere")),
            o => o.FailedOpenBackoff = TimeSpan.FromMinutes(1));
        var id = VaultId.New();
        new VaultStore(fixture.Options, TestSchemas.V1).Create(id);

        var first = await Assert.ThrowsAsync<VaultUnavailableException>(() => fixture.Host.ReadAsync(id, new CountRows()));
        var second = await Assert.ThrowsAsync<VaultUnavailableException>(() => fixture.Host.ReadAsync(id, new CountRows()));

        Assert.IsType<VaultMigrationException>(first.InnerException);
        Assert.Contains("no such table", first.Reason, StringComparison.Ordinal);
        Assert.Equal(first.RetryAfter, second.RetryAfter);
        Assert.Equal(1, fixture.Host.Counters.FailedOpens);

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Assert.ThrowsAsync<VaultUnavailableException>(() => fixture.Host.ReadAsync(id, new CountRows()));
        Assert.Equal(2, fixture.Host.Counters.FailedOpens);
    }

    [Fact]
    public async Task Deleting_an_open_vault_closes_it_and_removes_its_files()
    {
        await using var fixture = new HostFixture();
        var id = fixture.NewVault();
        await fixture.Host.WriteAsync(id, new InsertRow(1, "x"));

        Assert.True(await fixture.Host.DeleteAsync(id));

        Assert.Empty(Directory.GetFiles(fixture.Store.RootPath));
        await Assert.ThrowsAsync<VaultNotFoundException>(() => fixture.Host.ReadAsync(id, new CountRows()));
        Assert.False(await fixture.Host.DeleteAsync(id));
    }

    [Fact]
    public async Task A_disposed_host_closes_every_vault_and_refuses_new_work()
    {
        var fixture = new HostFixture();
        try
        {
            var ids = Enumerable.Range(0, 5).Select(_ => fixture.NewVault()).ToArray();
            foreach (var id in ids) await fixture.Host.WriteAsync(id, new InsertRow(1, "x"));

            await fixture.Host.DisposeAsync();

            Assert.Equal(0, Files.OpenDescriptorsUnder(fixture.Store.RootPath));
            // A stopping host asks SQLite to delete the sidecars it otherwise keeps: only vault files remain.
            Assert.Empty(Directory.GetFiles(fixture.Store.RootPath, "*-wal"));
            Assert.Empty(Directory.GetFiles(fixture.Store.RootPath, "*-shm"));
            Assert.Equal(5, Directory.GetFiles(fixture.Store.RootPath).Length);
            await Assert.ThrowsAsync<VaultHostStoppedException>(() => fixture.Host.ReadAsync(ids[0], new CountRows()));
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_migration_whose_code_throws_anything_makes_the_vault_unavailable_not_broken()
    {
        await using var fixture = new HostFixture(
            TestSchemas.With(new VaultMigration(2, "buggy code", Apply: _ => throw new KeyNotFoundException("a bug"))));
        var id = VaultId.New();
        new VaultStore(fixture.Options, TestSchemas.V1).Create(id);

        var error = await Assert.ThrowsAsync<VaultUnavailableException>(() => fixture.Host.ReadAsync(id, new CountRows()));

        Assert.Contains("a bug", error.Reason, StringComparison.Ordinal);
        Assert.Equal(1, fixture.Host.Counters.FailedOpens);
        await Assert.ThrowsAsync<VaultUnavailableException>(() => fixture.Host.ReadAsync(id, new CountRows()));
        Assert.Equal(1, fixture.Host.Counters.FailedOpens); // refused from memory until the back-off passes
    }
}

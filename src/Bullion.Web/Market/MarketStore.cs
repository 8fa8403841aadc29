using System.Globalization;
using Bullion.Portfolio;
using Microsoft.Data.Sqlite;

namespace Bullion.Web.Market;

/// <summary>
/// The global gold price history, <c>&lt;DataPath&gt;/market.db</c>: one row per stored currency per successful fetch.
/// Global, never per vault: a price is the same for everyone, and writing it into each vault would touch every file hourly.
/// Plain SQLite (no EF): one table, three statements.
/// </summary>
/// <remarks>
/// Decimals are invariant TEXT, so a price reads back exactly as it was quoted (REAL would round it to a double).
/// <c>fetched_at</c> is fixed-width UTC ISO 8601, so text order is time order.
/// </remarks>
public sealed class MarketStore : IDisposable
{
    public const string FileName = "market.db";

    /// <summary>The <c>user_version</c> this code writes; a newer file is refused rather than misread.</summary>
    public const int SchemaVersion = 1;

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const string DateFormat = "yyyy-MM-dd";

    private readonly string _connectionString;
    private readonly HashSet<string> _stored;
    // SQLite allows one writer; serializing here turns a would-be SQLITE_BUSY into a short wait in our own queue.
    private readonly SemaphoreSlim _writes = new(1, 1);

    public MarketStore(string path, IEnumerable<string> storedCurrencies)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(storedCurrencies);
        Path = System.IO.Path.GetFullPath(path);
        _stored = new HashSet<string>(storedCurrencies, StringComparer.Ordinal);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Pooling off: a pooled connection keeps the file (and -wal, -shm) open after Close, which a backup or a
            // test's folder clean-up would trip over; opening a local file costs microseconds at one fetch an hour.
            Pooling = false,
        }.ToString();
    }

    public string Path { get; }

    public IReadOnlySet<string> StoredCurrencies => _stored;

    /// <summary>Nothing stays open between calls (no pool, a connection per call); only the write gate is released.</summary>
    public void Dispose() => _writes.Dispose();

    /// <summary>Creates the file and its table, or checks an existing one. Run once at start-up, before any other call.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await _writes.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL", cancellationToken);
            var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version", cancellationToken), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"{Path} has schema version {version}, newer than this build's {SchemaVersion}: it was written by a newer Bullion. Refusing to touch it.");
            }
            if (version == SchemaVersion) return;
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, """
                CREATE TABLE prices (
                    date TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    per_ounce TEXT NOT NULL,
                    per_gram TEXT NOT NULL,
                    source TEXT NOT NULL,
                    fetched_at TEXT NOT NULL
                );
                CREATE INDEX prices_currency_fetched ON prices (currency, fetched_at);
                PRAGMA user_version = 1;
                """, cancellationToken, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new InvalidOperationException($"The price history {Path} could not be opened or migrated: {ex.Message}", ex);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// Stores one fetch: the stored currencies the snapshot offers, in one transaction (all or none). Returns the rows written.
    /// </summary>
    public async Task<int> AddAsync(PriceSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var rows = snapshot.PerOunce.Where(p => _stored.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        if (rows.Count == 0) return 0;
        await _writes.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO prices (date, currency, per_ounce, per_gram, source, fetched_at)
                VALUES ($date, $currency, $ounce, $gram, $source, $fetched)
                """;
            insert.Parameters.AddWithValue("$date", snapshot.Date.ToString(DateFormat, CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$source", snapshot.Source);
            insert.Parameters.AddWithValue("$fetched", FormatTime(snapshot.FetchedAt));
            var currency = insert.Parameters.Add("$currency", SqliteType.Text);
            var ounce = insert.Parameters.Add("$ounce", SqliteType.Text);
            var gram = insert.Parameters.Add("$gram", SqliteType.Text);
            foreach (var (code, perOunce) in rows)
            {
                currency.Value = code;
                ounce.Value = perOunce.ToString(CultureInfo.InvariantCulture);
                gram.Value = (perOunce / Gold.GramsPerTroyOunce).ToString(CultureInfo.InvariantCulture);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return rows.Count;
        }
        catch (SqliteException ex)
        {
            throw new InvalidOperationException($"The price history {Path} could not store the fetch of {FormatTime(snapshot.FetchedAt)}: {ex.Message}", ex);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// The last stored fetch, rebuilt from its rows (stored currencies only), or null when the history is empty.
    /// Loaded at start-up so a restart shows the last good price at once, honestly dated.
    /// </summary>
    public async Task<PriceSnapshot?> LatestAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The newest row names the last fetch; its siblings share fetched_at. Two fetches stamped alike (a frozen test
        // clock) are read in insertion order, so the later one's price wins for each currency.
        command.CommandText = """
            SELECT date, currency, per_ounce, source, fetched_at FROM prices
            WHERE fetched_at = (SELECT fetched_at FROM prices ORDER BY rowid DESC LIMIT 1)
            ORDER BY rowid
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var prices = new Dictionary<string, decimal>(StringComparer.Ordinal);
        DateOnly date = default;
        string? source = null;
        DateTimeOffset fetchedAt = default;
        while (await reader.ReadAsync(cancellationToken))
        {
            date = ParseDate(reader.GetString(0));
            prices[reader.GetString(1)] = ParseDecimal(reader.GetString(2));
            source = reader.GetString(3);
            fetchedAt = ParseTime(reader.GetString(4));
        }
        return source is null ? null : new PriceSnapshot(date, fetchedAt, source, prices);
    }

    /// <summary>
    /// Price per gram of fine gold in <paramref name="currency"/> for each feed date in [<paramref name="from"/>,
    /// <paramref name="to"/>], oldest first: one point per date, that date's last fetch. Dates without a fetch are absent.
    /// </summary>
    public async Task<IReadOnlyList<(DateOnly Date, decimal PerGram)>> HistoryAsync(
        string currency, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT date, per_gram FROM (
                SELECT date, per_gram,
                       row_number() OVER (PARTITION BY date ORDER BY fetched_at DESC, rowid DESC) AS newest
                FROM prices
                WHERE currency = $currency AND date >= $from AND date <= $to)
            WHERE newest = 1
            ORDER BY date
            """;
        command.Parameters.AddWithValue("$currency", currency.ToUpperInvariant());
        command.Parameters.AddWithValue("$from", from.ToString(DateFormat, CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$to", to.ToString(DateFormat, CultureInfo.InvariantCulture));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var points = new List<(DateOnly, decimal)>();
        while (await reader.ReadAsync(cancellationToken)) points.Add((ParseDate(reader.GetString(0)), ParseDecimal(reader.GetString(1))));
        return points;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        new(DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    private static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);

    private static decimal ParseDecimal(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}

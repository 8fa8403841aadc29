namespace Bullion.Bench;

internal static class MigrateBench
{
    public static Task<BenchReport> RunAsync(BenchArgs args) => throw new NotImplementedException();
}

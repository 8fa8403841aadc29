namespace Bullion.Bench;

internal static class LifecycleBench
{
    public static Task<BenchReport> RunAsync(BenchArgs args) => throw new NotImplementedException();
}

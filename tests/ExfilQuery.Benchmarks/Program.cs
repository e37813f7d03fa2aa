using BenchmarkDotNet.Running;

namespace ExfilQuery.Benchmarks;

/// <summary><c>quick</c>: a Stopwatch measurement without BenchmarkDotNet. <c>profile</c>: where the time goes, stage
/// by stage. Anything else goes to BenchmarkDotNet (<c>--filter '*'</c>). <c>--corpus FILE --macros FILE</c> choose
/// the inputs in every mode.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        args = BenchmarkCorpus.TakeOptions(args);
        if (args is ["quick", ..]) return QuickMode.Run();
        if (args is ["profile", ..]) return ProfileMode.Run();
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

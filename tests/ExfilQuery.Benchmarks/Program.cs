using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ExfilQuery.Benchmarks;

/// <summary><c>quick</c>: a Stopwatch measurement without BenchmarkDotNet. <c>profile</c>: where the time goes, stage
/// by stage. Both take <c>--warmup N --passes N</c>. <c>eval</c>: the evaluator
/// over 1M generated JSON Lines events against a hand-written baseline (see <see cref="EvalMode"/>). <c>robustness</c>: the
/// one-second parse target on the robustness tests' hostile inputs (see <see cref="RobustnessMode"/>). Anything else goes to BenchmarkDotNet (<c>--filter '*'</c>). <c>--corpus FILE --macros FILE</c> choose
/// the inputs in every mode.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        args = BenchmarkCorpus.TakeOptions(args);
        if (args is ["quick", ..]) return QuickMode.Run(args);
        if (args is ["profile", ..]) return ProfileMode.Run(args);
        if (args is ["eval", ..]) return EvalMode.Run(args);
        if (args is ["robustness", ..]) return RobustnessMode.Run(args);

        // BenchmarkDotNet's default toolchain rebuilds the solution with an absolute IntermediateOutputPath, and
        // Antlr4BuildTasks then looks for the generated parser under <project dir>/<that absolute path>, so the
        // build fails (CS2001). The benchmarks therefore run in this process, already built by `dotnet run -c
        // Release`: a mutator job swaps the toolchain and keeps [SimpleJob]'s launch, warm-up and iteration counts.
        var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).AsMutator());
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}

using Coast.Bench;

// Benchmarks print numbers and ratios against baselines measured in the same run; they are not tests.
var which = args.FirstOrDefault() ?? "reconcile";
return which switch
{
    "reconcile" => await ReconcileBenchmark.RunAsync(args.Skip(1).ToArray()),
    "remote" => await RemoteBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Coast.Bench -- reconcile [--count N] | remote [--rounds N]");
    return 2;
}

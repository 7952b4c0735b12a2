using System.CommandLine;
using ZslKit.Cli.Commands;

// `zsl`: one sub-command per area; each lives in Commands/<Area>Command.cs and exposes Create().
var root = new RootCommand("ZslKit: attention-based zero-shot learning, reproduced in C#.")
{
    InfoCommand.Create(),
    MetricsCommand.Create(),
    NotebooksCommand.Create(),
    ReportCommand.Create(),
    ReproduceCommand.Create(),
    TrainCommand.Create(),
    ExtractCommand.Create(),
    BenchCommand.Create(),
    SelftestCommand.Create(),
    DataCommand.Create(),
};
return await root.Parse(args).InvokeAsync();

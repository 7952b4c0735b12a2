using ZslKit.Cli;

// `zsl`: one sub-command per area; each lives in Commands/<Area>Command.cs and exposes Create().
return await CliInvocation.InvokeAsync(CliInvocation.CreateRoot(), args);

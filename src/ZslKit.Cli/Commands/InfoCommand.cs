using System.CommandLine;

namespace ZslKit.Cli.Commands;

/// <summary>`zsl info`: versions of the kit, the .NET runtime and the OS.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Print versions of ZslKit, .NET and the OS.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"zslkit   {typeof(InfoCommand).Assembly.GetName().Version}");
            Console.WriteLine($".net     {Environment.Version}");
            Console.WriteLine($"os       {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            return 0;
        });
        return command;
    }
}

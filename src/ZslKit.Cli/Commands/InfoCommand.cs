using System.CommandLine;
using ZslKit.Torch;

namespace ZslKit.Cli.Commands;

/// <summary>`zsl info`: versions of the kit, .NET, the OS and the libtorch engine (or why the engine cannot load).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Print versions of ZslKit, .NET, the OS and the libtorch engine.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"zslkit    {typeof(InfoCommand).Assembly.GetName().Version}");
            Console.WriteLine($".net      {Environment.Version}");
            Console.WriteLine($"os        {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            try
            {
                Console.WriteLine($"libtorch  {torch.LibTorchVersion} (shim ABI {torch.NativeAbiVersion})");
                Console.WriteLine($"threads   {torch.get_num_threads()}");
                Console.WriteLine(torch.cuda.is_available()
                    ? $"cuda      {torch.cuda.device_count()} device(s)"
                    : "cuda      not available (CPU only)");
                return 0;
            }
            catch (Exception e) when (e is DllNotFoundException or TorchException or InvalidOperationException or EntryPointNotFoundException)
            {
                Console.Error.WriteLine($"libtorch  cannot be loaded: {CliErrors.Message(e)}");
                return 1;
            }
        });
        return command;
    }
}

// Routes Console.Out/Console.Error to the running cell's outputs (per async flow), so runs in one process do not mix output.
using System.Text;

namespace ZslKit.Notebooks.Scripting;

/// <summary>Installs, once per process, writers that send console text to <see cref="CellOutputs.Current"/> when set.</summary>
internal static class ConsoleRouter
{
    private static readonly object Gate = new();
    private static bool _installed;

    /// <summary>Replaces Console.Out and Console.Error with routing writers (idempotent).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            Console.SetOut(new RoutingWriter("stdout", Console.Out));
            Console.SetError(new RoutingWriter("stderr", Console.Error));
            _installed = true;
        }
    }

    /// <summary>The console writers that were there before <see cref="Install"/> (for the runner's own messages).</summary>
    public static TextWriter OriginalError => Console.Error is RoutingWriter r ? r.Fallback : Console.Error;

    private sealed class RoutingWriter(string stream, TextWriter fallback) : TextWriter
    {
        public TextWriter Fallback { get; } = fallback;
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            if (CellOutputs.Current is { } outputs) outputs.AddStream(stream, value);
            else Fallback.Write(value);
        }

        public override void WriteLine(string? value) => Write((value ?? "") + "\n");

        public override void WriteLine() => Write("\n");

        public override void Flush()
        {
            if (CellOutputs.Current is null) Fallback.Flush();
        }
    }
}

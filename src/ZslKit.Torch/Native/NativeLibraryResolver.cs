// NativeLibraryResolver.cs - finds and loads libzslnative.so for the P/Invokes of this assembly and checks its ABI version.
// Order: $ZSLKIT_NATIVE (a file, or a folder holding libzslnative.so), the assembly's folder, the app base folder, then
// <repo>/artifacts/native/ in any folder above the assembly (tests and notebooks run without copying the library).
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Native;

internal static class NativeLibraryResolver
{
    public const string FileName = "libzslnative.so";
    public const string EnvironmentVariable = "ZSLKIT_NATIVE";

    private static readonly Lazy<IntPtr> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

#pragma warning disable CA2255 // a module initializer is the documented place to install a DllImport resolver
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install() => NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == NativeMethods.Lib ? Loaded.Value : IntPtr.Zero;

    /// <summary>The folders and files tried, in order (the first existing file wins).</summary>
    internal static List<string> Candidates(string? environmentValue, string? assemblyDir, string baseDir)
    {
        var list = new List<string>();
        if (!string.IsNullOrEmpty(environmentValue))
            list.Add(Directory.Exists(environmentValue) ? Path.Combine(environmentValue, FileName) : environmentValue);
        if (!string.IsNullOrEmpty(assemblyDir)) list.Add(Path.Combine(assemblyDir, FileName));
        list.Add(Path.Combine(baseDir, FileName));
        for (var dir = new DirectoryInfo(string.IsNullOrEmpty(assemblyDir) ? baseDir : assemblyDir); dir is not null; dir = dir.Parent)
            list.Add(Path.Combine(dir.FullName, "artifacts", "native", FileName));
        return list.Distinct().ToList();
    }

    /// <summary>The error text for an ABI mismatch, or null when the versions agree.</summary>
    internal static string? AbiMismatch(int found, int expected, string path) =>
        found == expected
            ? null
            : $"{path} implements ZslKit native ABI version {found}, but ZslKit.Torch needs version {expected}: " +
              "the shim is stale or from another checkout. Rebuild it with environment/setup.sh (or point " +
              $"${EnvironmentVariable} at a matching build).";

    private static unsafe IntPtr Load()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var candidates = Candidates(env, Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location), AppContext.BaseDirectory);
        if (!string.IsNullOrEmpty(env) && !File.Exists(candidates[0]))
            throw new DllNotFoundException($"${EnvironmentVariable}={env}, but {candidates[0]} does not exist.");
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new DllNotFoundException(
                $"{FileName} (ZslKit's libtorch shim) was not found. Tried:\n  {string.Join("\n  ", candidates)}\n" +
                $"Build it with environment/setup.sh, or set ${EnvironmentVariable} to the file or its folder.");
        IntPtr handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new DllNotFoundException(
                $"{path} exists but could not be loaded (is libtorch installed and on the loader path?): {e.Message}\n" +
                "Run environment/setup.sh to install libtorch and rebuild the shim; for a pip/CUDA libtorch add its lib " +
                "folder to LD_LIBRARY_PATH.", e);
        }
        var version = ((delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "zsl_abi_version"))();
        var mismatch = AbiMismatch(version, NativeMethods.AbiVersion, path);
        if (mismatch is not null) throw new DllNotFoundException(mismatch);
        return handle;
    }
}

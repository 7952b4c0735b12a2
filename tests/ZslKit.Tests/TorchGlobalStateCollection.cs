namespace ZslKit.Tests;

/// <summary>Tests that seed or draw from torch's global generator, or count live native tensors, run in this collection:
/// alone, after the parallel tests, so that no other test draws random numbers or allocates tensors meanwhile.</summary>
[CollectionDefinition("torch-global-state", DisableParallelization = true)]
public sealed class TorchGlobalStateCollection;

namespace ZslKit.Cli.Tests;

public class InfoCommandTests
{
    [Fact]
    public void Info_command_is_registered_with_a_description()
    {
        var command = ZslKit.Cli.Commands.InfoCommand.Create();
        Assert.Equal("info", command.Name);
        Assert.False(string.IsNullOrWhiteSpace(command.Description));
    }
}

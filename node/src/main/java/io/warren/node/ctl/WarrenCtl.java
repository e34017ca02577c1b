package io.warren.node.ctl;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code warrenctl}: Warren's command line tool, in the manner of {@code rabbitmqctl}, and a thin
 * client of the node's management HTTP API (so it works against any node, local or not, and
 * needs nothing but HTTP). Run as {@code bin/warrenctl COMMAND ...} or
 * {@code java -cp node/target/warren-node.jar io.warren.node.ctl.WarrenCtl COMMAND ...}.
 */
@Command(name = "warrenctl", mixinStandardHelpOptions = true, version = "warrenctl 0.1.0",
    exitCodeOnInvalidInput = 64, exitCodeOnExecutionException = CtlException.SOFTWARE,
    description = "Manages a Warren node through its management HTTP API.",
    subcommands = {
        CtlCommands.ClusterStatus.class,
        CtlCommands.ListQueues.class,
        CtlCommands.ListExchanges.class,
        CtlCommands.ListBindings.class,
        CtlCommands.ListConnections.class,
        CtlCommands.AddVhost.class,
        CtlCommands.DeleteVhost.class,
        UserCommands.AddUser.class,
        UserCommands.DeleteUser.class,
        UserCommands.ChangePassword.class,
        UserCommands.SetUserTags.class,
        UserCommands.ListUsers.class,
        UserCommands.SetPermissions.class,
        UserCommands.ClearPermissions.class,
        UserCommands.ListPermissions.class,
        UserCommands.ListUserPermissions.class,
        UserCommands.SetTopicPermissions.class,
        UserCommands.ClearTopicPermissions.class,
        UserCommands.ListTopicPermissions.class,
        CtlCommands.ExportDefinitions.class,
        CtlCommands.ImportDefinitions.class,
        MemberCommands.AddMember.class,
        MemberCommands.RemoveMember.class,
        MemberCommands.ListMembers.class,
        CtlCommands.SetPolicy.class,
        CtlCommands.ClearPolicy.class,
        CtlCommands.ListPolicies.class,
        CommandLine.HelpCommand.class})
public final class WarrenCtl {
  @Option(names = "--host", scope = ScopeType.INHERIT, defaultValue = "localhost",
      description = "Host of the node's management API (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", scope = ScopeType.INHERIT, defaultValue = "15672",
      description = "Port of the node's management API, management.port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = {"-u", "--user", "--username"}, scope = ScopeType.INHERIT, defaultValue = "guest",
      description = "User to authenticate as (default: ${DEFAULT-VALUE}).")
  String user;

  @Option(names = "--password", scope = ScopeType.INHERIT, defaultValue = "guest",
      description = "Password of that user (default: ${DEFAULT-VALUE}).")
  String password;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON instead of a table.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Leave out informational lines.")
  boolean quiet;

  private PrintWriter out;

  ApiClient api() {
    return new ApiClient(host, port, user, password);
  }

  Output output() {
    return new Output(out, json, quiet);
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err));
  }

  /** Runs one command line; returns the exit code (0 on success). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    WarrenCtl ctl = new WarrenCtl();
    ctl.out = out;
    CommandLine cli = new CommandLine(ctl);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      if (e instanceof CtlException c) {
        err.println("Error: " + c.getMessage());
        return c.exitCode();
      }
      err.println("Error: " + e);
      return CtlException.SOFTWARE;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}

package io.warren.node.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** warrenctl's cluster membership commands, over {@code /api/cluster/members}. */
final class MemberCommands {
  private static final String MEMBERS = "/api/cluster/members";
  private static final long POLL_MILLIS = 1000;

  private MemberCommands() {}

  @Command(name = "add_member", description = "Admits a node to the cluster: started with cluster.join=true "
      + "(WARREN_CLUSTER_JOIN), it then joins every Raft group and serves clients.")
  static final class AddMember implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(paramLabel = "NODE", description = "The new node's node.id.") String node;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
        description = "Wait up to this long for the node to become a member (default: do not wait).")
    long waitSeconds;

    @Override
    public Integer call() throws InterruptedException {
      Output out = ctl.output();
      out.info("Admitting node \"" + node + "\" to the cluster ...");
      ApiClient api = ctl.api();
      api.put(MEMBERS + "/" + ApiClient.enc(node), "{}");
      if (waitSeconds <= 0) {
        return 0;
      }
      out.info("Waiting for \"" + node + "\" to join ...");
      long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
      while (!"member".equals(state(api, node))) {
        if (System.nanoTime() > deadline) {
          throw new CtlException(CtlException.UNAVAILABLE,
              "node " + node + " did not join within " + waitSeconds + " s (is it running with cluster.join=true?)");
        }
        Thread.sleep(POLL_MILLIS);
      }
      out.info("Node \"" + node + "\" is a member.");
      return 0;
    }

    private static String state(ApiClient api, String node) {
      for (JsonNode m : api.get(MEMBERS)) {
        if (m.path("name").asText().equals(node)) {
          return m.path("state").asText();
        }
      }
      return "";
    }
  }

  @Command(name = "remove_member", description = "Removes a node from the cluster (every Raft group), running or "
      + "not; what its consumers held returns to the queues. Run it against another member.")
  static final class RemoveMember implements Callable<Integer> {
    @ParentCommand WarrenCtl ctl;

    @Parameters(paramLabel = "NODE") String node;

    @Override
    public Integer call() {
      ctl.output().info("Removing node \"" + node + "\" from the cluster ...");
      ctl.api().delete(MEMBERS + "/" + ApiClient.enc(node));
      return 0;
    }
  }

  @Command(name = "list_members", description = "Lists the cluster's members and admitted nodes "
      + "(default columns: name index state).")
  static final class ListMembers extends CtlCommands.Listing {
    @Override
    String path() {
      return MEMBERS;
    }

    @Override
    String what() {
      return "cluster members";
    }

    @Override
    List<String> defaultColumns() {
      return List.of("name", "index", "state");
    }
  }
}
